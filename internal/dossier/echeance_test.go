package dossier_test

import (
	"testing"
	"time"

	"github.com/certif/certif/internal/dossier"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// A reopening of an earlier session's cycle does not replace the deadline of the next session.
func TestCloseIgnoresAnEarlierCycleReopening(t *testing.T) {
	first := day(2027, 3, 12)
	reopened := day(2027, 3, 8) // reopened after the 2 March deadline, before the session
	if got, want := dossier.Close(dossier.Echeance(first, 10), first, reopened), dossier.ClosesAt(reopened); !got.Equal(want) {
		t.Errorf("same cycle: %v, want %v", got, want)
	}
	second := day(2027, 6, 18)
	ech := dossier.Echeance(second, 10)
	if got, want := dossier.Close(ech, second, reopened), dossier.ClosesAt(ech); !got.Equal(want) {
		t.Errorf("next cycle: %v, want the new deadline %v", got, want)
	}
}
