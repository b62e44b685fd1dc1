package french

import "testing"

func TestHeure(t *testing.T) {
	for in, want := range map[string]string{"09:30": "9" + NBSP + "h" + NBSP + "30", "14:00": "14" + NBSP + "h" + NBSP + "00",
		"00:05": "0" + NBSP + "h" + NBSP + "05", "9:3": "9:3", "24:00": "24:00", "midi": "midi", "": ""} {
		if got := Heure(in); got != want {
			t.Errorf("Heure(%q) = %q, want %q", in, got, want)
		}
	}
}
