package input

import "testing"

func TestClean(t *testing.T) {
	for _, tc := range []struct {
		in        string
		multiline bool
		want      string
	}{
		{"Durand", false, "Durand"},
		{"Dur\x00and", false, "Durand"},
		{"a\tb\nc\rd\x7fe\u0085f\x1bg", false, "abcdefg"},
		{"ligne 1\r\nligne\t2\rligne 3\x00", true, "ligne 1\nligne\t2\nligne 3"},
		{"\xffoups", false, "\ufffdoups"}, // invalid UTF-8 would be refused by PostgreSQL too
		{"Zoé « citée » – œuvre", false, "Zoé « citée » – œuvre"},
	} {
		if got := Clean(tc.in, tc.multiline); got != tc.want {
			t.Errorf("Clean(%q, %v) = %q, want %q", tc.in, tc.multiline, got, tc.want)
		}
	}
}
