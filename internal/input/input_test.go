package input

import (
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	for _, tc := range []struct {
		in        string
		multiline bool
		want      string
	}{
		{"Durand", false, "Durand"},
		{"Dur\x00and", false, "Durand"},
		{"a\tb\nc\rd\x7fe\u0085f\x1bg", false, "a b c defg"},
		{"Claire\r\nMartin", false, "Claire Martin"}, // a line break is a space, never glued words
		{"Jean\r\nBcc: x@y.fr", false, "Jean Bcc: x@y.fr"},
		{"Nantais\u200b", false, "Nantais"}, // zero-width space: would defeat duplicate detection
		{"Rousseau\u202e\u2066\ufeff", false, "Rousseau"},
		{"\u202enosaD", false, "nosaD"},                    // right-to-left override
		{"ligne\u202e\n👩\u200d💻", true, "ligne\n👩\u200d💻"}, // the emoji's joiner stays
		{"soft\u00adhyphen", false, "softhyphen"},
		{"ligne 1\r\nligne\t2\rligne 3\x00", true, "ligne 1\nligne\t2\nligne 3"},
		{"\xffoups", false, "\ufffdoups"}, // invalid UTF-8 would be refused by PostgreSQL too
		{"Zoé « citée » – œuvre", false, "Zoé « citée » – œuvre"},
	} {
		if got := Clean(tc.in, tc.multiline); got != tc.want {
			t.Errorf("Clean(%q, %v) = %q, want %q", tc.in, tc.multiline, got, tc.want)
		}
	}
}

func TestFileName(t *testing.T) {
	long := strings.Repeat("x", 600)
	for _, tc := range []struct {
		in   string
		exts []string
		want string
	}{
		{"releve.pdf", []string{".pdf"}, "releve.pdf"},
		{`C:\Users\léa\Bureau\Relevé.PDF`, []string{".pdf"}, "Relevé.PDF"},
		{"../../etc/passwd", nil, "passwd"},
		{"..", nil, "fichier"},
		{"", nil, "fichier"},
		{"facture\u202etxt.exe", []string{".txt"}, "facturetxt.exe.txt"}, // right-to-left override
		{"a\u200bb\u200f\ufeff.pdf", []string{".pdf"}, "ab.pdf"},
		{"lancer.bat", []string{".txt", ".csv"}, "lancer.bat.txt"},
		{"p.html", []string{".pdf"}, "p.html.pdf"},
		{"photo.jpeg", []string{".jpg", ".jpeg"}, "photo.jpeg"},
		{"notes", []string{".txt"}, "notes.txt"},
		{long + ".txt", []string{".txt"}, strings.Repeat("x", MaxFileName-4) + ".txt"},
		{"ta\tb\x00.pdf", nil, "tab.pdf"},
	} {
		if got := FileName(tc.in, tc.exts...); got != tc.want {
			t.Errorf("FileName(%q, %v) = %q, want %q", tc.in, tc.exts, got, tc.want)
		}
	}
}
