package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
)

// The demo's jury sessions (issue 9), played through the same rules as live ones, each step at
// its own date (the store's clock is set back while a past step runs):
//   - a past session, three weeks ago, whose PV is signed and results published: a full
//     success, a partial success, a failure and an absent candidate (VAE candidates: the
//     cohort in training is still preparing its dossiers);
//   - today's session, under way: its grids open, the second juror's half filled, the demo
//     juror (président) yet to sign the confidentiality attestation;
//   - an upcoming session in 45 days, the demo candidate (Léa Moreau) convoked to it.

// The demo's jurors: the demo account jury@ presides; jury2@ sits beside him.
var jurors = map[string]store.ProfilJury{
	"jury@certif.demo":  {Profession: "Directeur de la communication, agence Horizon Digital", College: jury.Employeur, Externe: true},
	"jury2@certif.demo": {Profession: "Community manager indépendante", College: jury.Independant, Externe: true},
}

// juryDemo holds the actors and candidates of the demo sessions.
type juryDemo struct {
	st         *store.Store
	admin      account.Actor
	marc, nath account.Actor
	certID     int64
	centreID   int64
	byName     map[string]store.InscriptionRow
	today      time.Time // 00:00 UTC of today in Paris
}

// at runs f with the store's clock set to t.
func (d *juryDemo) at(t time.Time, f func() error) error {
	prev := d.st.SetClock(func() time.Time { return t })
	defer func() { d.st.SetClock(prev) }()
	return f()
}

// seedJury creates the demo sessions when the installation has none.
func seedJury(ctx context.Context, st *store.Store, centreID int64, now time.Time) error {
	existing, err := st.JurySessions(ctx, account.System)
	if err != nil || len(existing) > 0 {
		return err
	}
	d := &juryDemo{st: st, centreID: centreID, byName: map[string]store.InscriptionRow{}}
	y, m, day := french.InParis(now).Date()
	d.today = time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	for email, p := range jurors {
		u, _, err := st.Credentials(ctx, email)
		if err != nil {
			return err
		}
		if err := st.SetProfilJury(ctx, account.System, u.ID, p, 0); err != nil {
			return err
		}
		if email == "jury@certif.demo" {
			d.marc = account.ActorOf(u)
		} else {
			d.nath = account.ActorOf(u)
		}
	}
	admin, _, err := st.Credentials(ctx, "admin@certif.demo")
	if err != nil {
		return err
	}
	d.admin = account.ActorOf(admin)
	rows, err := st.Inscriptions(ctx, account.System, store.InscriptionFilter{CentreID: centreID, Promotion: Promotion})
	if err != nil {
		return err
	}
	for _, r := range rows {
		d.byName[r.Candidat.NomNaissance] = r
		d.certID = r.CertificationID
	}
	if d.certID == 0 {
		return nil
	}
	if err := d.pastSession(ctx, now); err != nil {
		return fmt.Errorf("past session: %w", err)
	}
	if err := d.todaySession(ctx, now); err != nil {
		return fmt.Errorf("the session of today: %w", err)
	}
	return d.upcomingSession(ctx, now)
}

// session creates a session on day with the two demo jurors (Marc président) at clock t.
func (d *juryDemo) session(ctx context.Context, day time.Time, lieu string) (*store.JurySession, error) {
	js := &store.JurySession{CertificationID: d.certID, CentreID: d.centreID, Date: day, Lieu: lieu,
		Distanciel: strings.HasPrefix(lieu, "https://"), DureePresentation: 20, DureeEntretienTechnique: 30, DureeEntretienFinal: 15}
	if err := d.st.CreateJurySession(ctx, d.admin, js); err != nil {
		return nil, err
	}
	if err := d.st.AddMembre(ctx, d.admin, js.ID, d.marc.UserID, true); err != nil {
		return nil, err
	}
	if err := d.st.AddMembre(ctx, d.admin, js.ID, d.nath.UserID, false); err != nil {
		return nil, err
	}
	return js, nil
}

// convoke adds the candidates named to js, one slot every hour from 9:00 (a candidate the
// rules refuse — not eligible — is skipped: the demo shows only what the rules allow), and
// assigns both jurors to each passage. It returns the passages by candidate name.
func (d *juryDemo) convoke(ctx context.Context, js *store.JurySession, names []string) (map[string]*store.Passage, error) {
	out := map[string]*store.Passage{}
	for i, name := range names {
		r, ok := d.byName[name]
		if !ok {
			continue
		}
		p := &store.Passage{SessionID: js.ID, InscriptionID: r.ID, Heure: fmt.Sprintf("%02d:00", 9+i+boolInt(i >= 3))}
		err := d.st.AddPassage(ctx, d.admin, p)
		if errors.Is(err, apperr.Invalid) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if _, err := d.st.SetJures(ctx, d.admin, p.ID, []int64{d.marc.UserID, d.nath.UserID}); err != nil {
			return nil, fmt.Errorf("%s jurors: %w", name, err)
		}
		out[name] = p
	}
	return out, nil
}

// move takes js through the states up to etat.
func (d *juryDemo) move(ctx context.Context, js *store.JurySession, etat jury.Etat) error {
	states := jury.Etats()
	for i := slices.Index(states, js.Etat) + 1; i <= slices.Index(states, etat); i++ {
		got, err := d.st.MoveJurySession(ctx, d.admin, js.ID, states[i], 0)
		if err != nil {
			return fmt.Errorf("to %s: %w", states[i], err)
		}
		js.Etat, js.Version = got.Etat, got.Version
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// demoIP is the address the demo's signatures are recorded from (TEST-NET-3, RFC 5737).
const demoIP = "203.0.113.24"
