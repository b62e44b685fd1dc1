package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
)

// parisAt is hour:minute in Paris on day (00:00 UTC of a date).
func parisAt(day time.Time, hour, minute int) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d, hour, minute, 0, 0, french.Paris())
}

// recevable records the certificateur's recevabilité of the VAE candidates named.
func (d *juryDemo) recevable(ctx context.Context, names ...string) error {
	for _, name := range names {
		if r, ok := d.byName[name]; ok {
			if _, err := d.st.RecordRecevabilite(ctx, d.admin, r.ID, jury.Recevable,
				"Livret 1 complet : expérience d’au moins un an en lien direct avec la certification."); err != nil {
				return fmt.Errorf("%s recevabilité: %w", name, err)
			}
		}
	}
	return nil
}

// pastSession is the session of three weeks ago: four VAE candidates convoked seven weeks
// before (Maxime Robin succeeds, Emma Gauthier in part, Adam Perrin fails, Julie Marchand is
// absent), dossiers closed, the oral, the deliberation, the PV signed, the results published.
func (d *juryDemo) pastSession(ctx context.Context, now time.Time) error {
	day := d.today.AddDate(0, 0, -21)
	for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday { // a weekday
		day = day.AddDate(0, 0, -1)
	}
	var js *jurySessionRef
	err := d.at(parisAt(day.AddDate(0, 0, -50), 10, 0), func() error {
		if err := d.absentee(ctx); err != nil {
			return err
		}
		if err := d.recevable(ctx, "Robin", "Gauthier", "Perrin", "Marchand"); err != nil {
			return err
		}
		s, err := d.session(ctx, day, "Campus Numérique Lyon — 14 quai Perrache, 69002 Lyon, salle 3")
		if err != nil {
			return err
		}
		js = &jurySessionRef{JurySession: s}
		if js.passages, err = d.convoke(ctx, s, []string{"Robin", "Gauthier", "Perrin", "Marchand"}); err != nil {
			return err
		}
		return d.move(ctx, s, jury.ConvocationsEnvoyees)
	})
	if err != nil {
		return err
	}
	if err := d.at(parisAt(day.AddDate(0, 0, -9), 8, 0), func() error { return d.move(ctx, js.JurySession, jury.DossiersClos) }); err != nil {
		return err
	}
	err = d.at(parisAt(day, 8, 30), func() error {
		for _, actor := range []account.Actor{d.marc, d.nath} {
			if _, _, err := d.st.SignAttestation(ctx, actor, js.ID, demoIP); err != nil {
				return err
			}
		}
		return d.move(ctx, js.JurySession, jury.EnCours)
	})
	if err != nil {
		return err
	}
	all := map[string]bool{"BC01": true, "BC02": true, "BC03": true}
	return d.deliberate(ctx, js, day, map[string]outcome{
		"Robin":    {present: true, valides: all},
		"Gauthier": {present: true, valides: map[string]bool{"BC01": true, "BC02": true}},
		"Perrin":   {present: true},
		"Marchand": {},
	})
}

// todaySession is the session under way today: the candidate who succeeded in part three
// weeks ago (Emma Gauthier) presents the bloc left, the absent one (Julie Marchand) comes this time (convoked once the past
// session's results were out; their dossier's new deadline was ten days ago).
func (d *juryDemo) todaySession(ctx context.Context, now time.Time) error {
	js := &jurySessionRef{}
	err := d.at(now.AddDate(0, 0, -18), func() error { // the day after the past session's results
		s, err := d.session(ctx, d.today, "Campus Numérique Lyon — 14 quai Perrache, 69002 Lyon, salle 1")
		if err != nil {
			return err
		}
		js.JurySession = s
		if js.passages, err = d.convoke(ctx, s, []string{"Gauthier", "Marchand"}); err != nil {
			return err
		}
		return d.move(ctx, s, jury.ConvocationsEnvoyees)
	})
	if err != nil {
		return err
	}
	if err := d.at(now.AddDate(0, 0, -9), func() error { return d.move(ctx, js.JurySession, jury.DossiersClos) }); err != nil {
		return err
	}
	return d.at(now.Add(-time.Minute), func() error {
		if _, _, err := d.st.SignAttestation(ctx, d.nath, js.ID, demoIP); err != nil {
			return err
		}
		if err := d.move(ctx, js.JurySession, jury.EnCours); err != nil {
			return err
		}
		if p, ok := js.passages["Gauthier"]; ok { // the second juror is halfway through the oral
			return d.rate(ctx, d.nath, p.ID, map[string]bool{"BC03": true}, 2)
		}
		return nil
	})
}

// upcomingSession is the session of the demo candidate's dossier date (45 days ahead):
// convocations sent two days ago. (The demo's other candidates in training are still at their
// dossiers' stages; the jurors see this session from its day on.)
func (d *juryDemo) upcomingSession(ctx context.Context, now time.Time) error {
	lea, ok := d.byName["Moreau"]
	if !ok {
		return nil
	}
	ds, err := d.st.Dossier(ctx, d.admin, lea.ID)
	if err != nil {
		return err
	}
	if ds.DateSession == nil {
		return nil
	}
	return d.at(now.AddDate(0, 0, -2), func() error {
		s, err := d.session(ctx, *ds.DateSession, "https://visio.certif-academie.fr/jury/cm-session")
		if err != nil {
			return err
		}
		if _, err := d.convoke(ctx, s, []string{"Moreau"}); err != nil {
			return err
		}
		return d.move(ctx, s, jury.ConvocationsEnvoyees)
	})
}

// jurySessionRef is a demo session with its passages by candidate name.
type jurySessionRef struct {
	*store.JurySession
	passages map[string]*store.Passage
}

// absentee enrols the demo's fourth VAE candidate of the past session (Julie Marchand, of the
// Lyon centre's VAE group), who was absent.
func (d *juryDemo) absentee(ctx context.Context) error {
	c := &candidat.Candidat{NomNaissance: "Marchand", Prenoms: []string{"Julie"}, Sexe: candidat.Femme,
		DateNaissance: time.Date(1984, 9, 18, 0, 0, 0, 0, time.UTC), CommuneNaissance: "Lyon", CommuneNaissanceCode: "69123",
		Email: "julie.marchand@exemple.fr"}
	ins := &candidat.Inscription{CertificationID: d.certID, CentreID: d.centreID, Voie: candidat.VAE, TypeVAE: candidat.VAEClassique,
		Promotion: "VAE-2026", Date: d.today.AddDate(0, -4, 0)}
	if _, err := d.st.Inscrire(ctx, d.admin, c, ins); err != nil {
		return fmt.Errorf("demo absentee: %w", err)
	}
	rows, err := d.st.Inscriptions(ctx, account.System, store.InscriptionFilter{CentreID: d.centreID, Promotion: "VAE-2026"})
	for _, r := range rows {
		d.byName[r.Candidat.NomNaissance] = r
	}
	return err
}
