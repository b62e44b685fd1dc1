package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
)

// The oral and the deliberation of the demo sessions: each juror fills their grid, the
// président decides per bloc, each member signs the PV.

// outcome is how a demo candidate fares: the blocs whose compétences the jurors acquire.
type outcome struct {
	present bool
	valides map[string]bool // blocs acquired at this oral
}

// rate fills actor's grid of passage passageID: every critère of a bloc in valides acquis at
// the entretien technique (non acquis otherwise), the presentation's rating the same for the
// compétences the project covers; up to `upto` compétences (0: all), so a grid may be left
// half filled.
func (d *juryDemo) rate(ctx context.Context, actor account.Actor, passageID int64, valides map[string]bool, upto int) error {
	g, _, err := d.st.Grille(ctx, actor, passageID)
	if err != nil {
		return err
	}
	for i := range g.Competences {
		if upto > 0 && i >= upto {
			break
		}
		c := &g.Competences[i]
		n := jury.NonAcquis
		if valides[c.Bloc] {
			n = jury.Acquis
		}
		for k := range c.Criteres {
			c.Criteres[k].Entretien = n
			if c.Couverte {
				c.Criteres[k].Presentation = n
			}
		}
		if !c.Couverte {
			c.Questions = "Question : comment auriez-vous mené cette action pour un client ? Réponse : précise, appuyée sur son expérience."
			if n == jury.NonAcquis {
				c.Questions = "Question : présentez un cas où vous l’avez mise en œuvre. Réponse : générale, sans exemple vérifiable."
			}
		}
	}
	if upto == 0 {
		g.EntretienFinal = jury.EntretienFinal{Comprehension: jury.Acquis, Vision: jury.Acquis, Culture: jury.Acquis,
			Remarque: "Bonne compréhension du métier et de ses évolutions."}
	}
	_, _, err = d.st.SaveGrille(ctx, actor, passageID, g)
	return err
}

// decide records the président's decision on passage p from the proposal (the demo's jury
// follows it), with the reasons a jury writes.
func (d *juryDemo) decide(ctx context.Context, p *store.Passage, o outcome) error {
	if !o.present {
		_, err := d.st.Decide(ctx, d.marc, p.ID, jury.Absent, nil)
		return err
	}
	dl, err := d.st.Deliberation(ctx, d.marc, p.ID)
	if err != nil {
		return err
	}
	blocs := map[string]jury.BlocDecision{}
	for _, b := range dl.Blocs {
		pr := b.Proposition
		if pr.Decision == jury.Valide {
			blocs[pr.Bloc] = jury.BlocDecision{Decision: jury.Valide,
				Motif: "Les compétences du bloc sont démontrées par le projet et confirmées en entretien technique."}
			continue
		}
		blocs[pr.Bloc] = jury.BlocDecision{Decision: jury.NonValide,
			Motif:         "Les réponses de l’entretien technique n’ont pas permis d’établir les compétences du bloc.",
			ResteAEvaluer: fmt.Sprintf("Les compétences %s, sur un projet couvrant le bloc.", joinCodes(pr.NonAcquises))}
	}
	_, err = d.st.Decide(ctx, d.marc, p.ID, jury.Present, blocs)
	return err
}

// joinCodes is « C3.1, C3.2 et C3.3 ».
func joinCodes(codes []string) string {
	switch n := len(codes); n {
	case 0:
		return "du bloc"
	case 1:
		return codes[0]
	default:
		out := codes[0]
		for _, c := range codes[1 : n-1] {
			out += ", " + c
		}
		return out + " et " + codes[n-1]
	}
}

// deliberate plays the oral and the deliberation of session js on its day: the grids of both
// jurors, the président's decisions, the move to délibérée, each member's signature of the PV
// (the last one moves the session to « PV signé »), then the publication two days later.
func (d *juryDemo) deliberate(ctx context.Context, js *jurySessionRef, day time.Time, outcomes map[string]outcome) error {
	err := d.at(parisAt(day, 9, 0), func() error {
		for name, p := range js.passages {
			if !outcomes[name].present {
				continue
			}
			for _, juror := range []account.Actor{d.marc, d.nath} {
				if err := d.rate(ctx, juror, p.ID, outcomes[name].valides, 0); err != nil {
					return fmt.Errorf("%s grid: %w", name, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = d.at(parisAt(day, 17, 0), func() error {
		for name, p := range js.passages {
			if err := d.decide(ctx, p, outcomes[name]); err != nil {
				return fmt.Errorf("%s decision: %w", name, err)
			}
		}
		return d.move(ctx, js.JurySession, jury.Deliberee)
	})
	if err != nil {
		return err
	}
	err = d.at(parisAt(day, 17, 40), func() error {
		for _, m := range []account.Actor{d.marc, d.nath} {
			if _, _, err := d.st.SignPV(ctx, m, js.ID, demoIP); err != nil {
				return fmt.Errorf("PV signature: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	js.Etat = jury.PVSigne
	if got, err := d.st.JurySession(ctx, d.admin, js.ID); err == nil {
		js.Version = got.Version
	}
	return d.at(parisAt(day.AddDate(0, 0, 2), 10, 0), func() error { return d.move(ctx, js.JurySession, jury.ResultatsPublies) })
}
