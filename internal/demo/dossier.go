package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/blob"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/store"
)

// demoPiece is a piece a demo candidate deposited: a demo file as a kind.
type demoPiece struct {
	kind dossier.Kind
	file string
}

// dossierStage is the state of one demo candidate's dossier (issue 8): what was deposited,
// the summary, the projects and the target session date, which puts the deadline before or
// after today.
type dossierStage struct {
	nom       string // the candidate's nom de naissance in the cohort
	byOwn     bool   // deposited by the candidate's own account (Léa), else by the référent
	pieces    []demoPiece
	resume    string
	projets   func(comps []string) []dossier.Projet
	sessionIn int // days from today to the session (0: no date yet); the deadline is 10 days before
}

// The pieces of a dossier complete but for its company letters.
var completePieces = []demoPiece{
	{dossier.KindCV, fileCV}, {dossier.KindBrief, fileBrief}, {dossier.KindDossierTechnique, fileDossier}, {dossier.KindStrategie, fileStrategie},
	{dossier.KindCahierDesCharges, fileCahier}, {dossier.KindVideo, fileVideo}, {dossier.KindSupportPresentation, fileSupport},
}

// without returns pieces without kind k, or with file instead when file is not "".
func without(pieces []demoPiece, k dossier.Kind, file string) []demoPiece {
	var out []demoPiece
	for _, p := range pieces {
		switch {
		case p.kind != k:
			out = append(out, p)
		case file != "":
			out = append(out, demoPiece{k, file})
		}
	}
	return out
}

// dossierStages are the demo dossiers, one stage each: complete and green (Léa Moreau, whom
// the demo candidate account is), late and locked with pieces missing, without its video,
// with a 7-minute video, with a summary too long, leaving three compétences uncovered, with a
// personal project awaiting the référent's approval, a complete VAE dossier (no training
// pieces), and one barely started, without a session date yet.
var dossierStages = []dossierStage{
	{nom: "Moreau", byOwn: true, sessionIn: 45, resume: resumeLea, projets: projetsLea,
		pieces: slices.Concat(completePieces, []demoPiece{{dossier.KindLettreEntreprise, fileLettre},
			{dossier.KindAutorisationConfidentialite, fileAutorisaton}})},
	{nom: "Lambert", sessionIn: 4, resume: resumeLea, projets: projetPeda,
		pieces: []demoPiece{{dossier.KindCV, fileCV}, {dossier.KindDossierTechnique, fileDossier}}},
	{nom: "Fontaine", sessionIn: 17, resume: resumeLea, projets: projetPeda, pieces: without(completePieces, dossier.KindVideo, "")},
	{nom: "Rousseau", sessionIn: 45, resume: resumeLea, projets: projetPeda, pieces: without(completePieces, dossier.KindVideo, fileVideoLong)},
	{nom: "Vincent", sessionIn: 45, resume: resumeOf(resumeLea+resumeMore, 263), projets: projetPeda, pieces: completePieces},
	{nom: "Muller", sessionIn: 45, resume: resumeLea, pieces: completePieces,
		projets: func(comps []string) []dossier.Projet { return projetPeda(comps[:len(comps)-3]) }},
	{nom: "Lefebvre", sessionIn: 45, resume: resumeLea, projets: projetPersonnel, pieces: completePieces},
	{nom: "Chevalier", sessionIn: 45, resume: resumeLea, projets: projetPeda, pieces: completePieces},
	{nom: "Girard", resume: resumeLea, pieces: []demoPiece{{dossier.KindCV, fileCV}}},
}

// projetsLea are the demo candidate's two projects: her internship's blog and social
// networks (blocs 1 and 2), and a company's e-reputation, confidential (bloc 3).
func projetsLea(comps []string) []dossier.Projet {
	var b12, b3 []string
	for _, c := range comps {
		if len(c) > 1 && c[1] == '3' {
			b3 = append(b3, c)
		} else {
			b12 = append(b12, c)
		}
	}
	return []dossier.Projet{
		{Titre: "Blog et réseaux sociaux de l’Agence Lumière", Origine: dossier.OrigineStage, Entreprise: "Agence Lumière",
			URL: "https://agence-lumiere.exemple.fr", Blog: "https://agence-lumiere.exemple.fr/blog", Competences: b12},
		{Titre: "Veille et e-réputation de la Coopérative Rhône Bio", Origine: dossier.OrigineEntreprise, Entreprise: "Coopérative Rhône Bio",
			URL: "https://rhone-bio.exemple.fr/avis", Competences: b3, Confidentiel: true},
	}
}

// projetPeda is one project on the responsable pédagogique's brief covering comps.
func projetPeda(comps []string) []dossier.Projet {
	return []dossier.Projet{{Titre: "Lancement du blog de la Maison des associations", Origine: dossier.OrigineResponsablePedagogique,
		URL: "https://maison-associations.exemple.fr", Blog: "https://maison-associations.exemple.fr/blog", Competences: comps}}
}

// projetPersonnel is a personal project covering comps, which counts once the référent
// approves it (R6).
func projetPersonnel(comps []string) []dossier.Projet {
	return []dossier.Projet{{Titre: "Communauté de randonneurs « Les Monts du Lyonnais »", Origine: dossier.OriginePersonnel,
		URL: "https://monts-du-lyonnais.exemple.fr", Blog: "https://monts-du-lyonnais.exemple.fr/carnet", Competences: comps}}
}

// seedDossiers gives the demo promotion's candidates their dossiers (dossierStages), with
// real files generated by code, measured by the real readers and deposited as an upload is.
// A candidate whose dossier was started (a piece, a summary, a project or a session date)
// is left as it is, so it runs at every start.
func seedDossiers(ctx context.Context, st *store.Store, blobs *blob.Dir, centreID int64, referent account.Actor, now time.Time) error {
	rows, err := st.Inscriptions(ctx, account.System, store.InscriptionFilter{CentreID: centreID, Promotion: Promotion})
	if err != nil {
		return err
	}
	var files *demoFiles
	for _, stage := range dossierStages {
		for _, r := range rows {
			if r.Candidat.NomNaissance != stage.nom {
				continue
			}
			d, err := st.Dossier(ctx, account.System, r.ID)
			if err != nil {
				return fmt.Errorf("demo dossier: %w", err)
			}
			if len(d.History) > 0 || d.Resume != "" || len(d.Projets) > 0 || d.DateSession != nil {
				break
			}
			if files == nil {
				_, ref, err := st.ActiveReferentiel(ctx, r.CertificationID)
				if err != nil {
					return err
				}
				files = newDemoFiles(ref)
			}
			act := referent
			if stage.byOwn {
				if act, err = candidateActor(ctx, st, r.Candidat.Email, referent); err != nil {
					return err
				}
			}
			if err := seedDossier(ctx, st, blobs, files, act, referent, r.ID, d.InscriptionVersion, stage, now); err != nil {
				return fmt.Errorf("demo dossier %s: %w", stage.nom, err)
			}
			break
		}
	}
	return nil
}

// candidateActor is the account of the candidate whose e-mail is email, or fallback when
// they have none.
func candidateActor(ctx context.Context, st *store.Store, email string, fallback account.Actor) (account.Actor, error) {
	u, _, err := st.Credentials(ctx, email)
	switch {
	case errors.Is(err, apperr.NotFound):
		return fallback, nil
	case err != nil:
		return fallback, err
	}
	return account.ActorOf(u), nil
}

// seedDossier deposits stage's pieces, summary and projects into the dossier of inscription
// insID (by act), then sets the session date (by the référent): last, since a deadline
// already passed locks the dossier.
func seedDossier(ctx context.Context, st *store.Store, blobs *blob.Dir, files *demoFiles, act, referent account.Actor,
	insID, version int64, stage dossierStage, now time.Time) error {
	for _, p := range stage.pieces {
		f, err := files.get(ctx, p.file)
		if err != nil {
			return err
		}
		annexes := 0
		if p.kind == dossier.KindDossierTechnique {
			annexes = dossierAnnexes
		}
		if err := deposit(ctx, st, blobs, act, insID, p.kind, f, annexes); err != nil {
			return err
		}
	}
	if stage.resume != "" {
		if err := st.SaveResume(ctx, act, insID, stage.resume); err != nil {
			return err
		}
	}
	if stage.projets != nil {
		for _, p := range stage.projets(files.ref.Livrables.Projet.CouvertureObligatoire) {
			p.InscriptionID = insID
			if err := st.CreateProjet(ctx, act, &p); err != nil {
				return err
			}
		}
	}
	if stage.sessionIn == 0 {
		return nil
	}
	y, m, d := french.InParis(now).Date()
	day := time.Date(y, m, d+stage.sessionIn, 0, 0, 0, 0, time.UTC)
	if stage.sessionIn >= 30 { // the demo's upcoming jury session: a weekday (the near dates keep their deadlines)
		for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
			day = day.AddDate(0, 0, 1)
		}
	}
	return st.SetDateSession(ctx, referent, insID, day, version)
}
