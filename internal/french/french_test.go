package french

import (
	"testing"
	"time"
)

func TestDates(t *testing.T) {
	winter := time.Date(2027, 3, 12, 9, 42, 0, 0, time.UTC)  // 10 h 42 in Paris (UTC+1)
	summer := time.Date(2027, 7, 14, 22, 30, 0, 0, time.UTC) // 15 July 00 h 30 in Paris (UTC+2)
	for _, tc := range []struct{ name, got, want string }{
		{"date", Date(winter), "12\u00a0mars\u00a02027"},
		{"first of month", Date(time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)), "1er\u00a0mars\u00a02027"},
		{"august", Date(time.Date(2027, 8, 1, 10, 0, 0, 0, time.UTC)), "1er\u00a0août\u00a02027"},
		{"day changes in Paris", Date(summer), "15\u00a0juillet\u00a02027"},
		{"calendar date at midnight UTC keeps its day", Date(time.Date(1998, 12, 31, 0, 0, 0, 0, time.UTC)), "31\u00a0décembre\u00a01998"},
		{"zero date", Date(time.Time{}), "—"},
		{"date and time", DateTime(winter), "12\u00a0mars\u00a02027 à 10\u00a0h\u00a042"},
		{"summer time", DateTime(summer), "15\u00a0juillet\u00a02027 à 0\u00a0h\u00a030"},
		{"zero date and time", DateTime(time.Time{}), "—"},
		{"time", Time(time.Date(2027, 1, 5, 8, 5, 0, 0, time.UTC)), "9\u00a0h\u00a005"},
		{"short date", ShortDate(time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC)), "05/01/2027"},
		{"short zero", ShortDate(time.Time{}), "—"},
		{"today at 23:30 UTC is tomorrow in Paris", Today(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)), "2027-01-01"},
		{"deadline", Deadline(time.Date(2027, 1, 7, 0, 0, 0, 0, time.UTC)), "au plus tard le 7\u00a0janvier\u00a02027 à 23\u00a0h\u00a059 (heure de Paris)"},
		{"closed since", ClosedSince(time.Date(2027, 1, 7, 23, 0, 0, 0, time.UTC)), "depuis le 8\u00a0janvier\u00a02027 à 0\u00a0h (heure de Paris)"},
		{"bytes", Bytes(300), "300 octets"},
		{"kilobytes", Bytes(1 << 10), "1 Ko"},
		{"megabytes", Bytes(1 << 20), "1 Mo"},
		{"megabytes with a decimal", Bytes(1258291), "1,2 Mo"},
		{"prose", Prose("Résumé en français d'environ 1200 caractères, 200 à 250 mots"), "Résumé en français d’environ 1\u202f200 caractères, 200 à 250 mots"},
		{"prose keeps codes and decimals", Prose("C1.1, 1234,5 et REF-2027"), "C1.1, 1234,5 et REF-2027"},
		{"month", Month(time.February), "février"},
		{"month out of range", Month(13), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

func TestParisIsEuropeParis(t *testing.T) {
	// The test binary has no time/tzdata: this host's zoneinfo must be there, or the fixed
	// fallback is used (then the summer-time cases above would fail, which is what we want
	// to know).
	if Paris().String() != "Europe/Paris" {
		t.Fatalf("Paris() = %s", Paris())
	}
	if first, again := Paris(), Paris(); first != again {
		t.Fatal("Paris is loaded at each call")
	}
}

func TestNumbers(t *testing.T) {
	for _, tc := range []struct {
		name, got, want string
	}{
		{"int", Int(48750), "48\u202f750"},
		{"million", Int(1234567), "1\u202f234\u202f567"},
		{"small int", Int(7), "7"},
		{"negative int", Int(-1234), "−1\u202f234"},
		{"decimal", Number(1234.5), "1\u202f234,5"},
		{"two decimals", Number(0.333), "0,33"},
		{"rounded half up", Number(2.345), "2,35"},
		{"integer float", Number(12), "12"},
		{"trailing zeros", Number(3.10), "3,1"},
		{"negative", Number(-1.5), "−1,5"},
		{"no minus zero", Number(-0.001), "0"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

func TestPlurals(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{
		{0, "0 inscription créée"},
		{1, "1 inscription créée"},
		{2, "2 inscriptions créées"},
		{1500, "1\u202f500 inscriptions créées"},
	} {
		if got := Count(tc.n, "inscription créée", "inscriptions créées"); got != tc.want {
			t.Errorf("Count(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "module"}, {1, "module"}, {2, "modules"}, {-1, "module"}, {-2, "modules"}} {
		if got := Plural(tc.n, "module", "modules"); got != tc.want {
			t.Errorf("Plural(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestDeElides(t *testing.T) {
	for in, want := range map[string]string{"Élodie Martin": "d’Élodie Martin", "Karim Benali": "de Karim Benali",
		"Hélène Roy": "d’Hélène Roy", "Yves Lo": "d’Yves Lo", "anne": "d’anne", "": "de "} {
		if got := De(in); got != want {
			t.Errorf("De(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRange(t *testing.T) {
	d := func(s string) time.Time { x, _ := time.Parse(time.DateOnly, s); return x }
	for _, c := range []struct{ a, b, want string }{
		{"2026-08-14", "2026-08-25", "du 14 au 25\u00a0août\u00a02026"},
		{"2026-07-28", "2026-08-08", "du 28\u00a0juillet au 8\u00a0août\u00a02026"},
		{"2026-12-30", "2027-01-02", "du 30\u00a0décembre\u00a02026 au 2\u00a0janvier\u00a02027"},
		{"2026-03-01", "2026-03-03", "du 1er au 3\u00a0mars\u00a02026"},
		{"2026-03-03", "2026-03-03", "le 3\u00a0mars\u00a02026"},
	} {
		if got := Range(d(c.a), d(c.b)); got != c.want {
			t.Errorf("Range(%s, %s) = %q, want %q", c.a, c.b, got, c.want)
		}
	}
}
