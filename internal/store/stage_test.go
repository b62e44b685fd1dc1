package store_test

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

func TestStages(t *testing.T) {
	var clock atomic.Int64
	now := func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	storetest.EachWith(t, store.Options{Now: now}, func(t *testing.T, s *store.Store) {
		clock.Store(lvNow().UnixNano())
		w := lvFixtureWorld(t, s)
		d := func(m, day int) time.Time { return time.Date(2026, time.Month(m), day, 0, 0, 0, 0, time.UTC) }

		st := &store.Stage{InscriptionID: w.fc, Entreprise: " Agence  Lumière ", EntrepriseSIRET: "", TuteurNom: "Claire Bernard",
			TuteurEmail: " Claire.Bernard@Lumiere.example ", Debut: d(4, 1), Fin: d(6, 30)}
		if err := s.CreateStage(ctx, w.a(w.formA), st); err != nil {
			t.Fatal(err)
		}
		if st.ID == 0 || st.Entreprise != "Agence Lumière" || st.TuteurEmail != "claire.bernard@lumiere.example" {
			t.Errorf("created = %+v", st)
		}
		bad := &store.Stage{InscriptionID: w.fc, EntrepriseSIRET: "12345678901234", TuteurEmail: "pas-une-adresse", Debut: d(5, 1), Fin: d(4, 1)}
		f := apperr.FieldErrors(s.CreateStage(ctx, w.a(w.formA), bad))
		for _, k := range []string{"entreprise", "entreprise_siret", "tuteur_nom", "tuteur_email", "fin"} {
			if f[k] == "" {
				t.Errorf("invalid stage: no message on %s (%v)", k, f)
			}
		}
		if err := s.CreateStage(ctx, w.a(w.formA), &store.Stage{InscriptionID: w.vae, Entreprise: "X", TuteurNom: "Y", TuteurEmail: "y@x.fr", Debut: d(4, 1), Fin: d(4, 2)}); !errors.Is(err, candidat.ErrVAE) {
			t.Errorf("stage on VAE = %v", err)
		}
		if err := s.CreateStage(ctx, w.a(w.formB), &store.Stage{InscriptionID: w.fc, Entreprise: "X", TuteurNom: "Y", TuteurEmail: "y@x.fr", Debut: d(4, 1), Fin: d(4, 2)}); !errors.Is(err, apperr.NotFound) {
			t.Errorf("stage by another centre = %v", err)
		}
		if _, err := s.Stages(ctx, w.a(w.formA), w.vae); !errors.Is(err, candidat.ErrVAE) {
			t.Errorf("Stages on VAE = %v", err)
		}

		// The candidate reads, staff writes.
		if _, err := s.StageLink(ctx, w.a(w.candUser), st.InscriptionID, st.ID); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("link by the candidate = %v", err)
		}
		if _, err := s.StageLink(ctx, w.a(w.formB), st.InscriptionID, st.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("link by another centre = %v", err)
		}
		first, err := s.StageLink(ctx, w.a(w.formA), st.InscriptionID, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		token, err := s.StageLink(ctx, w.actor(w.refA), st.InscriptionID, st.ID) // replaces the first link
		if err != nil || len(token) != 43 || token == first {
			t.Fatalf("link = %q, %v", token, err)
		}
		if _, err := s.StageByToken(ctx, first); !errors.Is(err, apperr.NotFound) {
			t.Errorf("replaced link = %v", err)
		}
		stages, err := s.Stages(ctx, w.a(w.candUser), w.fc)
		if err != nil || len(stages) != 1 || !stages[0].LienExpire.Equal(lvNow().Add(14*24*time.Hour)) || stages[0].Fiche != nil {
			t.Fatalf("stages = %+v, %v", stages, err)
		}

		form, err := s.StageByToken(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if form.Stage.ID != st.ID || form.Candidat != "Élodie Martin" || form.Certification != w.ref.Certification.Intitule || len(form.Competences) != 14 {
			t.Errorf("form = %+v", form)
		}

		// A stamp uploaded through the link.
		cachet := &store.File{Nom: "cachet.png", MIME: "image/png", Taille: 10, SHA256: strings.Repeat("ab", 32)}
		if err := s.SaveStageFile(ctx, token, cachet, "k-cachet"); err != nil {
			t.Fatal(err)
		}
		// Validation leaves the token usable.
		err = s.SubmitFiche(ctx, token, store.FicheStage{Appreciations: map[string]store.Appreciation{
			"C1.1": {Niveau: "parfait"}, "C9.9": {Niveau: "satisfaisant"}}}, 0)
		f = apperr.FieldErrors(err)
		if f["appreciations.C1.1"] == "" || f["appreciations.C9.9"] == "" || f["signataire"] == "" {
			t.Errorf("invalid fiche = %v", err)
		}
		if f := apperr.FieldErrors(s.SubmitFiche(ctx, token, store.FicheStage{Signataire: "C. Bernard"}, 0)); f["appreciations"] == "" {
			t.Errorf("empty fiche = %v", f)
		}
		other := &store.File{Nom: "autre.pdf", MIME: "application/pdf", Taille: 1, SHA256: strings.Repeat("cd", 32)}
		if err := s.SaveFile(ctx, w.a(w.formA), other, "k-autre"); err != nil {
			t.Fatal(err)
		}
		fiche := store.FicheStage{
			Appreciations: map[string]store.Appreciation{
				"C1.1": {Niveau: "tres_satisfaisant", Commentaire: "Veille rigoureuse."},
				"C2.1": {Niveau: "a_ameliorer"},
				"C3.1": {}, // left blank: dropped
			},
			CommentaireGeneral: "Stagiaire impliquée.", Signataire: "Claire Bernard", Fonction: "Directrice",
		}
		// Seed 5-3-3 a: no fiche without the company's stamp or a signed scan.
		if f := apperr.FieldErrors(s.SubmitFiche(ctx, token, fiche, 0)); f["cachet"] != store.MsgCachetManquant || len(f) != 1 {
			t.Errorf("fiche without a stamp = %v", f)
		}
		if f := apperr.FieldErrors(s.SubmitFiche(ctx, token, fiche, other.ID)); f["cachet"] == "" {
			t.Errorf("someone else's file as stamp = %v", f)
		}
		if err := s.SubmitFiche(ctx, token, fiche, cachet.ID); err != nil {
			t.Fatal(err)
		}
		// The link is consumed.
		if err := s.SubmitFiche(ctx, token, fiche, 0); !errors.Is(err, apperr.NotFound) {
			t.Errorf("second submission = %v", err)
		}
		if _, err := s.StageByToken(ctx, token); !errors.Is(err, apperr.NotFound) {
			t.Errorf("used link = %v", err)
		}
		stages, _ = s.Stages(ctx, w.a(w.formA), w.fc)
		got := stages[0]
		if got.Fiche == nil || len(got.Fiche.Appreciations) != 2 || got.Fiche.Appreciations["C1.1"].Commentaire != "Veille rigoureuse." ||
			got.Fiche.Signataire != "Claire Bernard" || got.CachetFileID != cachet.ID || !got.FicheRemplieLe.Equal(lvNow()) || !got.LienExpire.IsZero() {
			t.Errorf("after fiche = %+v (%+v)", got, got.Fiche)
		}
		// The stamp is now readable by whoever reads the stage, and by nobody else.
		if _, key, err := s.FileByID(ctx, w.a(w.candUser), cachet.ID); err != nil || key != "k-cachet" {
			t.Errorf("stamp read by the candidate = %q, %v", key, err)
		}
		if _, _, err := s.FileByID(ctx, w.a(w.formB), cachet.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("stamp read by another centre = %v", err)
		}

		// Expiry.
		token2, err := s.StageLink(ctx, w.a(w.formA), st.InscriptionID, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		clock.Add(int64(14*24*time.Hour + time.Second))
		if _, err := s.StageByToken(ctx, token2); !errors.Is(err, apperr.NotFound) {
			t.Errorf("expired link = %v", err)
		}
		if err := s.SubmitFiche(ctx, token2, fiche, 0); !errors.Is(err, apperr.NotFound) {
			t.Errorf("fiche through an expired link = %v", err)
		}
		if stages, _ = s.Stages(ctx, w.a(w.formA), w.fc); !stages[0].LienExpire.IsZero() {
			t.Errorf("expired link still shown: %v", stages[0].LienExpire)
		}
		if _, err := s.StageByToken(ctx, ""); !errors.Is(err, apperr.NotFound) {
			t.Errorf("empty token = %v", err)
		}

		// Update keeps the fiche; a new tutor e-mail revokes a live link.
		token3, _ := s.StageLink(ctx, w.a(w.formA), st.InscriptionID, st.ID)
		upd := got
		upd.TuteurNom, upd.EntrepriseSIRET, upd.Fiche = "Claire Bernard-Roy", newSIRET(), nil
		if err := s.UpdateStage(ctx, w.a(w.formA), &upd); err != nil {
			t.Fatal(err)
		}
		if upd.Fiche == nil || upd.LienExpire.IsZero() {
			t.Errorf("update lost the fiche or the link: %+v", upd)
		}
		upd.TuteurEmail = "autre@lumiere.example"
		if err := s.UpdateStage(ctx, w.a(w.formA), &upd); err != nil {
			t.Fatal(err)
		}
		if _, err := s.StageByToken(ctx, token3); !errors.Is(err, apperr.NotFound) {
			t.Errorf("link after a new tutor e-mail = %v", err)
		}
		if err := s.UpdateStage(ctx, w.a(w.candUser), &upd); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("update by the candidate = %v", err)
		}
		if err := s.UpdateStage(ctx, w.a(w.jury), &upd); !errors.Is(err, apperr.NotFound) {
			t.Errorf("update by a jury member = %v", err)
		}
	})
}
