package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

var (
	candNoms    = []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèbvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martínez"}
	candPrenoms = []string{"Camille", "Léa", "Manon", "Chloé", "Inès", "Jade", "Louise", "Zoé", "Emma", "Élodie", "Hugo", "Lucas", "Théo", "Nathan", "Louis", "Gabriel", "Raphaël", "Arthur", "Noé", "Jules", "Mathis", "Clément", "Anaïs", "Océane", "Maëlle", "Benoît", "Jérôme", "Hélène", "Gaëlle", "Cécile"}
)

// candRows returns n valid import rows with distinct identities and e-mails (deterministic),
// starting at identity number from, in promotion promo.
func candRows(from, n int, promo string) []candidat.ImportRow {
	rows := make([]candidat.ImportRow, n)
	for k := range rows {
		i := from + k
		nom := candNoms[i%len(candNoms)]
		prenom := candPrenoms[(i/len(candNoms))%len(candPrenoms)]
		naissance := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/(len(candNoms)*len(candPrenoms)))
		rows[k] = candidat.ImportRow{
			Line: k + 2,
			Candidat: candidat.Candidat{
				NomNaissance:         nom,
				Prenoms:              []string{prenom},
				Sexe:                 []candidat.Sexe{candidat.Femme, candidat.Homme}[i%2],
				DateNaissance:        naissance,
				CommuneNaissanceCode: fmt.Sprintf("%05d", 1000+i%90000),
				CommuneNaissance:     "Commune",
				Email:                fmt.Sprintf("%s.%s.%d@exemple.fr", strings.ReplaceAll(candidat.Fold(prenom), " ", "-"), strings.ReplaceAll(candidat.Fold(nom), " ", "-"), i),
				Adresse:              candidat.Adresse{Ligne1: fmt.Sprintf("%d rue Victor Hugo", i%200+1), CodePostal: "75011", Ville: "Paris"},
			},
			Inscription: candidat.Inscription{Voie: candidat.FormationContinue, Promotion: promo, Date: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)},
		}
	}
	return rows
}

func candImportErr(t *testing.T, err error) []candidat.LineError {
	t.Helper()
	var ie *candidat.ImportError
	if !errors.As(err, &ie) || !errors.Is(err, apperr.Invalid) {
		t.Fatalf("err = %v, want *candidat.ImportError", err)
	}
	return ie.Errors
}

func candHas(errs []candidat.LineError, line int, column string) bool {
	for _, e := range errs {
		if e.Line == line && e.Column == column {
			return true
		}
	}
	return false
}

func TestImportCandidats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newCandWorld(t, s)
		counts := func() string {
			return fmt.Sprint(candCount(t, s, "candidats"), candCount(t, s, "inscriptions"), candCount(t, s, "users"), candCount(t, s, "audit_log"), candCount(t, s, "courriels"))
		}
		before := counts()

		// One bad row among 50: nothing is written, the problem is located.
		rows := candRows(0, 50, "CM-2026-A")
		rows[26].Candidat.NomNaissance = " "
		_, err := s.ImportCandidats(ctx, w.refA, w.cert.ID, w.centreA.ID, rows)
		errs := candImportErr(t, err)
		if len(errs) != 1 || errs[0].Line != 28 || errs[0].Column != "nom_naissance" || errs[0].Message != "Le nom de naissance est obligatoire." {
			t.Errorf("errors = %+v", errs)
		}
		if got := counts(); got != before {
			t.Errorf("counts %s → %s after a refused import", before, got)
		}

		// The same rows, fixed: everything is created, with one audit row.
		rows = candRows(0, 50, "CM-2026-A")
		audits, mails := candCount(t, s, "audit_log"), candCount(t, s, "courriels")
		res, err := s.ImportCandidats(ctx, w.refA, w.cert.ID, w.centreA.ID, rows)
		if err != nil {
			t.Fatal(err)
		}
		// Each new account's activation message is queued in the import's transaction.
		if got := candCount(t, s, "courriels") - mails; got != 50 {
			t.Errorf("%d activation messages queued, want 50", got)
		}
		if res.Created != 50 || res.Existing != 0 || res.NewCandidats != 50 || len(res.Activations) != 50 {
			t.Errorf("result = %+v", res)
		}
		if a := res.Activations[3]; a.Line != 5 || a.Email != rows[3].Candidat.Email || len(a.Token) != 43 {
			t.Errorf("activation = %+v", a)
		}
		if n := candCount(t, s, "audit_log"); n != audits+1 {
			t.Errorf("audit rows %d → %d", audits, n)
		}
		entries, _ := s.AuditLog(ctx, w.admin, 1)
		if e := entries[0]; e.Action != "candidat.import" || e.EntityID != w.centreA.ID || strings.Contains(e.Detail, "@") ||
			!strings.Contains(e.Detail, `"created":50`) || !strings.Contains(e.Detail, `"existing":0`) ||
			!strings.Contains(e.Detail, fmt.Sprintf(`"centre":%d`, w.centreA.ID)) {
			t.Errorf("audit = %+v", e)
		}
		// The accounts work like Inscrire's.
		u, err := s.ActivationUser(ctx, res.Activations[0].Token)
		if err != nil || u.Email != rows[0].Candidat.Email || u.Role != account.RoleCandidat || u.CentreID != w.centreA.ID {
			t.Errorf("imported account = %+v, %v", u, err)
		}
		list, _ := s.Inscriptions(ctx, w.refA, store.InscriptionFilter{Promotion: "CM-2026-A"})
		if len(list) != 50 || list[0].VersionID != w.cert.VersionID || len(list[0].BlocsVises) != 3 || list[0].Candidat.UserID == 0 {
			t.Errorf("imported inscriptions = %d, %+v", len(list), list[0])
		}

		// Importing again creates nothing.
		res, err = s.ImportCandidats(ctx, w.refA, w.cert.ID, w.centreA.ID, candRows(0, 50, "CM-2026-A"))
		if err != nil || res.Created != 0 || res.Existing != 50 || res.NewCandidats != 0 || len(res.Activations) != 0 {
			t.Errorf("second import = %+v, %v", res, err)
		}
		if candCount(t, s, "candidats") != 50 || candCount(t, s, "inscriptions") != 50 {
			t.Errorf("second import wrote rows")
		}

		// Known people in a new promotion plus newcomers: candidates are reused.
		rows = append(candRows(40, 20, "CM-2027-A"), candRows(40, 1, "CM-2028-A")...)
		rows[20].Line = 22
		res, err = s.ImportCandidats(ctx, w.admin, w.cert.ID, w.centreA.ID, rows)
		if err != nil || res.Created != 21 || res.Existing != 0 || res.NewCandidats != 10 || len(res.Activations) != 10 {
			t.Errorf("mixed import = %+v, %v", res, err)
		}
		if candCount(t, s, "candidats") != 60 {
			t.Errorf("candidats = %d", candCount(t, s, "candidats"))
		}
	})
}

func TestImportCandidatsProblems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newCandWorld(t, s)
		known := candPerson(1)
		mustInscrire(t, s, w.refA, known, candIns(w, w.centreA.ID, "P0"))
		before := fmt.Sprint(candCount(t, s, "candidats"), candCount(t, s, "inscriptions"), candCount(t, s, "users"))

		rows := candRows(0, 12, "P1")
		rows[1].Candidat.Email = w.world.refB.Email                          // line 3: a referent's e-mail
		rows[2].Candidat.Email = known.Email                                 // line 4: another candidate's account
		rows[3].Candidat.Email = rows[0].Candidat.Email                      // line 5: same e-mail as line 2
		rows[4] = rows[0]                                                    // line 6: line 2 again, same promotion
		rows[4].Line = 6                                                     //
		rows[5].Inscription.Voie = candidat.VAE                              // line 7: VAE without type
		rows[6].Inscription.BlocsVises = []string{"BC09"}                    // line 8: unknown bloc
		rows[7].Candidat.DateNaissance = time.Time{}                         // line 9
		rows[8].Candidat.Email = "pas-une-adresse"                           // line 10
		rows[9] = rows[0]                                                    // line 11: line 2 in another promotion: fine
		rows[9].Line, rows[9].Inscription.Promotion = 11, "P2"               //
		rows[10].Candidat.NomNaissance = strings.ToUpper(known.NomNaissance) // line 12: the known candidate
		rows[10].Candidat.Prenoms, rows[10].Candidat.DateNaissance = known.Prenoms, known.DateNaissance
		rows[10].Inscription.Promotion = "P0" //                                     … already enrolled in P0: Existing, not an error
		_, err := s.ImportCandidats(ctx, w.refA, w.cert.ID, w.centreA.ID, rows)
		errs := candImportErr(t, err)
		for _, want := range []struct {
			line   int
			column string
		}{{3, "email"}, {4, "email"}, {5, "email"}, {6, "promotion"}, {7, "type_vae"}, {8, "blocs"}, {9, "date_naissance"}, {10, "email"}} {
			if !candHas(errs, want.line, want.column) {
				t.Errorf("no problem at line %d, %s in %+v", want.line, want.column, errs)
			}
		}
		if len(errs) != 8 {
			t.Errorf("%d problems: %+v", len(errs), errs)
		}
		for i := 1; i < len(errs); i++ {
			if errs[i].Line < errs[i-1].Line {
				t.Errorf("problems not in line order: %+v", errs)
			}
		}
		if !strings.Contains(err.Error(), "ligne 3, colonne « email » : Cette adresse e-mail appartient à un compte qui n'est pas un compte candidat.") ||
			!strings.Contains(err.Error(), "ligne 5, colonne « email » : Adresse e-mail déjà donnée ligne 2 pour une autre personne : chaque candidat a sa propre adresse.") {
			t.Errorf("report:\n%v", err)
		}
		if got := fmt.Sprint(candCount(t, s, "candidats"), candCount(t, s, "inscriptions"), candCount(t, s, "users")); got != before {
			t.Errorf("counts %s → %s", before, got)
		}

		// The known candidate already enrolled in P0 counts as existing.
		ok := []candidat.ImportRow{rows[0], rows[9], rows[10]}
		res, err := s.ImportCandidats(ctx, w.refA, w.cert.ID, w.centreA.ID, ok)
		if err != nil || res.Created != 2 || res.Existing != 1 || res.NewCandidats != 1 || len(res.Activations) != 1 {
			t.Errorf("import = %+v, %v", res, err)
		}

		// Who may import where.
		if _, err := s.ImportCandidats(ctx, w.refA, w.cert.ID, w.centreB.ID, ok); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("referent A into B = %v", err)
		}
		if _, err := s.ImportCandidats(ctx, w.formateur, w.cert.ID, w.centreA.ID, ok); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("formateur = %v", err)
		}
		if _, err := s.ImportCandidats(ctx, w.admin, 9999, w.centreA.ID, ok); !errors.Is(err, apperr.NotFound) {
			t.Errorf("unknown certification = %v", err)
		}
		if _, err := s.ImportCandidats(ctx, w.admin, w.cert.ID, w.certif.ID, ok); apperr.FieldErrors(err)["centre"] == "" {
			t.Errorf("certificateur = %v", err)
		}
		if _, err := s.ImportCandidats(ctx, w.admin, w.cert.ID, w.centreA.ID, nil); !errors.Is(err, apperr.Invalid) {
			t.Errorf("no rows = %v", err)
		}

		// A centre that may not train takes VAE rows only.
		vae := &account.Organisme{Nom: "Centre VAE", SIRET: newSIRET(), HabilitationEvaluation: true}
		if err := s.CreateOrganisme(ctx, account.System, vae); err != nil {
			t.Fatal(err)
		}
		vrows := candRows(100, 2, "V")
		vrows[1].Inscription.Voie, vrows[1].Inscription.TypeVAE = candidat.VAE, candidat.VAEClassique
		errs = candImportErr(t, func() error { _, err := s.ImportCandidats(ctx, w.admin, w.cert.ID, vae.ID, vrows); return err }())
		if len(errs) != 1 || !candHas(errs, 2, "voie") {
			t.Errorf("VAE-only centre = %+v", errs)
		}
	})
}

func TestImportCandidatsErrorCap(t *testing.T) {
	s := storetest.Open(t)
	w := newCandWorld(t, s)
	rows := candRows(0, candidat.MaxImportErrors+200, "P")
	for i := range rows {
		rows[i].Candidat.Sexe = "X"
	}
	errs := candImportErr(t, func() error { _, err := s.ImportCandidats(ctx, w.admin, w.cert.ID, w.centreA.ID, rows); return err }())
	if len(errs) != candidat.MaxImportErrors || !strings.HasPrefix(errs[len(errs)-1].Message, "Trop de problèmes") {
		t.Errorf("%d problems, last %+v", len(errs), errs[len(errs)-1])
	}
}
