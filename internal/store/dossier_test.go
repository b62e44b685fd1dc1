package store_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// dsClock is a settable clock for the deadline tests.
type dsClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *dsClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *dsClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

var dsSeq int

// dsFile is a new file's metadata and storage key.
func dsFile() (*store.File, string) {
	dsSeq++
	return &store.File{Nom: fmt.Sprintf("piece-%d.pdf", dsSeq), MIME: "application/pdf", Taille: 100,
		SHA256: strings.Repeat(fmt.Sprintf("%02x", dsSeq%256), 32)}, fmt.Sprintf("k-piece-%d", dsSeq)
}

// dsAdd adds a piece of kind measured m, failing the test on error.
func dsAdd(t *testing.T, s *store.Store, actor account.Actor, ins int64, k dossier.Kind, m dossier.Measure) *store.Piece {
	t.Helper()
	f, key := dsFile()
	p, err := s.AddPiece(ctx, actor, ins, k, f, key, m, 0)
	if err != nil {
		t.Fatalf("add %s: %v", k, err)
	}
	return p
}

type dsWorld struct {
	lvWorld
	clock *dsClock
	cand2 *account.User
	other int64 // another candidate's inscription, same centre
}

func dsSetup(t *testing.T, fn func(t *testing.T, s *store.Store, w dsWorld)) {
	clock := &dsClock{t: time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC)}
	storetest.EachWith(t, store.Options{Now: clock.Now}, func(t *testing.T, s *store.Store) {
		clock.Set(time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC))
		w := dsWorld{lvWorld: lvFixtureWorld(t, s), clock: clock}
		w.cand2 = mustUser(t, s, w.actor(w.admin), "cand2@example.org", account.RoleCandidat, 0)
		w.other = lvFixtureInscription(t, s, lvIns{centre: w.centreA.ID, cert: w.certID, version: w.versionID,
			voie: candidat.FormationContinue, promotion: "CM-2026-A", user: w.cand2.ID, nom: "Bernard", prenom: "Luc"})
		fn(t, s, w)
	})
}

// TestDossierPieces: every version is kept, the current one shown; the files are read by
// whoever reads the inscription; the tables are append-only; strangers see nothing.
func TestDossierPieces(t *testing.T) {
	dsSetup(t, func(t *testing.T, s *store.Store, w dsWorld) {
		cand := w.a(w.candUser)
		v1 := dsAdd(t, s, cand, w.fc, dossier.KindCV, dossier.Measure{Measured: true, Pages: 1})
		v2 := dsAdd(t, s, w.a(w.refA), w.fc, dossier.KindCV, dossier.Measure{Measured: true, Pages: 2})
		if v1.Version != 1 || v2.Version != 2 || v2.File.OwnerKind != store.OwnerPiece || !v2.File.Attached {
			t.Fatalf("versions = %+v, %+v", v1, v2)
		}
		d, err := s.Dossier(ctx, cand, w.fc)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.History) != 2 || d.Current[dossier.KindCV].Version != 2 || d.Current[dossier.KindCV].Measure.Pages != 2 ||
			d.History[1].Version != 1 || d.Current[dossier.KindCV].DeposeParNom == "" {
			t.Errorf("dossier = %+v", d)
		}
		// An older version carries no Measure (a poisoned one costs nothing to read back).
		if d.History[1].Measure.Measured || d.History[1].Measure.Pages != 0 || !d.History[0].Measure.Measured {
			t.Errorf("history measures: %+v, %+v", d.History[0].Measure, d.History[1].Measure)
		}
		if d.Verrouille || d.Echeance != nil || len(d.Conformite) != 14 {
			t.Errorf("no session date: locked %v, echeance %v, %d lines", d.Verrouille, d.Echeance, len(d.Conformite))
		}
		// Readers of the old version's file: the candidate, the centre's staff, the admin.
		for name, u := range map[string]*account.User{"candidat": w.candUser, "formateur": w.formA, "referent": w.refA, "admin": w.admin} {
			if _, _, err := s.FileByID(ctx, w.a(u), v1.File.ID); err != nil {
				t.Errorf("%s reads the piece: %v", name, err)
			}
		}
		// The formateur reads the dossier but never writes it (issue 8: the candidate and their
		// référent, the admin).
		form := w.a(w.formA)
		f0, key0 := dsFile()
		if _, err := s.AddPiece(ctx, form, w.fc, dossier.KindCV, f0, key0, dossier.Measure{}, 0); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("formateur adds a piece: %v", err)
		}
		if err := s.SaveResume(ctx, form, w.fc, "Par le formateur."); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("formateur writes the summary: %v", err)
		}
		pj := &dossier.Projet{InscriptionID: w.fc, Titre: "Blog", Origine: dossier.OrigineStage, URL: "https://a.example.fr", Blog: "https://b.example.fr"}
		if err := s.CreateProjet(ctx, form, pj); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("formateur creates a project: %v", err)
		}
		if err := s.CreateProjet(ctx, cand, pj); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteProjet(ctx, form, pj.ID); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("formateur deletes a project: %v", err)
		}
		// Strangers: another centre's référent and formateur, another candidate, a jury account.
		for name, u := range map[string]*account.User{"referent B": w.refB, "formateur B": w.formB, "candidat 2": w.cand2, "jury": w.jury} {
			if _, _, err := s.FileByID(ctx, w.a(u), v1.File.ID); !errors.Is(err, apperr.NotFound) {
				t.Errorf("%s reads the piece: %v", name, err)
			}
			if _, err := s.Dossier(ctx, w.a(u), w.fc); !errors.Is(err, apperr.NotFound) {
				t.Errorf("%s reads the dossier: %v", name, err)
			}
			f, key := dsFile()
			if _, err := s.AddPiece(ctx, w.a(u), w.fc, dossier.KindCV, f, key, dossier.Measure{}, 0); !errors.Is(err, apperr.NotFound) {
				t.Errorf("%s adds a piece: %v", name, err)
			}
		}
		// A VAE candidate has a dossier too (the référent deposits for them).
		p := dsAdd(t, s, w.a(w.refA), w.vae, dossier.KindCV, dossier.Measure{Measured: true})
		if _, _, err := s.FileByID(ctx, w.a(w.formA), p.File.ID); err != nil {
			t.Errorf("VAE piece: %v", err)
		}
		// Unknown kinds, system kinds and a bad annexes page are refused.
		for _, k := range []dossier.Kind{"photo", dossier.KindLivret} {
			f, key := dsFile()
			if _, err := s.AddPiece(ctx, cand, w.fc, k, f, key, dossier.Measure{}, 0); apperr.FieldErrors(err)["kind"] == "" {
				t.Errorf("kind %s: %v", k, err)
			}
		}
		f, key := dsFile()
		if _, err := s.AddPiece(ctx, cand, w.fc, dossier.KindDossierTechnique, f, key, dossier.Measure{Measured: true, Pages: 10}, 12); apperr.FieldErrors(err)["annexes_page"] == "" {
			t.Errorf("annexes page beyond the document: %v", err)
		}
		// Append-only.
		for _, q := range []string{`UPDATE dossier_pieces SET version = 9`, `DELETE FROM dossier_pieces`,
			`UPDATE dossier_resumes SET texte = 'x'`, `DELETE FROM dossier_resumes`} {
			if err := s.SaveResume(ctx, cand, w.fc, "Un résumé."); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB().ExecContext(ctx, q); err == nil {
				t.Errorf("%s accepted", q)
			}
		}
		d, _ = s.Dossier(ctx, w.a(w.formA), w.fc)
		if d.Resume != "Un résumé." || len(d.History) != 2 {
			t.Errorf("after the refused writes: %q, %d pieces", d.Resume, len(d.History))
		}
	})
}

// dsComplete fills inscription ins's dossier so that every line of its report is green (for
// a VAE candidate: the CV is their whole dossier professionnel).
func dsComplete(t *testing.T, s *store.Store, w dsWorld, ins int64) {
	t.Helper()
	ref := w.a(w.refA)
	labels := func(items []string) dossier.Measure { return dossier.Measure{Measured: true, Headings: items} }
	var strat, cahier, support []string
	for _, it := range w.ref.Livrables.DossierTechnique.Plan {
		for _, sec := range it.Sections {
			if it.Numero == 6 {
				strat = append(strat, sec.Libelle)
			} else if it.Numero == 7 {
				cahier = append(cahier, sec.Libelle)
			}
		}
	}
	for _, e := range w.ref.Livrables.SupportPresentation.Etapes {
		support = append(support, e.Libelle)
	}
	dsAdd(t, s, ref, ins, dossier.KindCV, dossier.Measure{Measured: true, Pages: 2})
	dsAdd(t, s, ref, ins, dossier.KindDossierTechnique, dossier.Measure{Measured: true, Pages: 32, Chars: 48000})
	dsAdd(t, s, ref, ins, dossier.KindStrategie, labels(strat))
	dsAdd(t, s, ref, ins, dossier.KindCahierDesCharges, labels(cahier))
	dsAdd(t, s, ref, ins, dossier.KindVideo, dossier.Measure{Measured: true, Duration: 4*60*1000 + 30*1000})
	dsAdd(t, s, ref, ins, dossier.KindSupportPresentation, labels(support))
	if err := s.SaveResume(ctx, ref, ins, strings.TrimSpace(strings.Repeat("Blogs ", 220))); err != nil {
		t.Fatal(err)
	}
	p := &dossier.Projet{InscriptionID: ins, Titre: "Blog d’une librairie", Origine: dossier.OrigineResponsablePedagogique,
		URL: "https://librairie.example.fr", Blog: "https://librairie.example.fr/blog",
		Competences: w.ref.Livrables.Projet.CouvertureObligatoire}
	if err := s.CreateProjet(ctx, ref, p); err != nil {
		t.Fatal(err)
	}
}

// TestDossierDeadline: the référent sets the session date (versioned), the dossier closes at
// the end of J-10 in Paris, a late write is refused, the admin's reopening lets it in again.
func TestDossierDeadline(t *testing.T) {
	dsSetup(t, func(t *testing.T, s *store.Store, w dsWorld) {
		d, err := s.Dossier(ctx, w.a(w.refA), w.fc)
		if err != nil {
			t.Fatal(err)
		}
		session := time.Date(2027, 3, 24, 0, 0, 0, 0, time.UTC)
		for name, u := range map[string]*account.User{"formateur": w.formA, "candidat": w.candUser} {
			if err := s.SetDateSession(ctx, w.a(u), w.fc, session, d.InscriptionVersion); !errors.Is(err, apperr.Forbidden) {
				t.Errorf("%s sets the date: %v", name, err)
			}
		}
		if err := s.SetDateSession(ctx, w.a(w.refB), w.fc, session, d.InscriptionVersion); !errors.Is(err, apperr.NotFound) {
			t.Errorf("another centre sets the date: %v", err)
		}
		if err := s.SetDateSession(ctx, w.a(w.refA), w.fc, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), d.InscriptionVersion); apperr.FieldErrors(err)["date_session"] == "" {
			t.Errorf("past date: %v", err)
		}
		if err := s.SetDateSession(ctx, w.a(w.refA), w.fc, session, d.InscriptionVersion); err != nil {
			t.Fatal(err)
		}
		var stale *store.StaleError
		if err := s.SetDateSession(ctx, w.a(w.admin), w.fc, session.AddDate(0, 0, 7), d.InscriptionVersion); !errors.As(err, &stale) {
			t.Errorf("stale version: %v", err)
		}
		d, _ = s.Dossier(ctx, w.a(w.candUser), w.fc)
		closes := time.Date(2027, 3, 14, 23, 0, 0, 0, time.UTC) // midnight in Paris (CET)
		if d.Echeance == nil || !d.Echeance.Equal(time.Date(2027, 3, 14, 0, 0, 0, 0, time.UTC)) || !d.ClosesAt.Equal(closes) || d.Verrouille {
			t.Fatalf("echeance %v closes %v locked %v", d.Echeance, d.ClosesAt, d.Verrouille)
		}
		w.clock.Set(closes.Add(-time.Second))
		dsAdd(t, s, w.a(w.candUser), w.fc, dossier.KindVideo, dossier.Measure{Measured: true, Duration: 1000})
		w.clock.Set(closes)
		f, key := dsFile()
		_, err = s.AddPiece(ctx, w.a(w.candUser), w.fc, dossier.KindVideo, f, key, dossier.Measure{}, 0)
		var closed *store.ClosedError
		if !errors.As(err, &closed) || !errors.Is(err, apperr.Conflict) || !strings.Contains(closed.Message(), "depuis le 15\u00a0mars\u00a02027 à 0\u00a0h (heure de Paris)") {
			t.Fatalf("late piece: %v", err)
		}
		if err := s.SaveResume(ctx, w.a(w.refA), w.fc, "Tard."); !errors.As(err, &closed) {
			t.Errorf("late summary: %v", err)
		}
		if err := s.CreateProjet(ctx, w.a(w.candUser), &dossier.Projet{InscriptionID: w.fc, Titre: "T", Origine: dossier.OrigineStage}); !errors.As(err, &closed) {
			t.Errorf("late project: %v", err)
		}
		if d, _ := s.Dossier(ctx, w.a(w.candUser), w.fc); !d.Verrouille {
			t.Error("not locked")
		}
		// Closed: a new session date (later or cleared) would reopen it; refused, whoever asks.
		d, _ = s.Dossier(ctx, w.a(w.refA), w.fc)
		for _, u := range []*account.User{w.refA, w.admin} {
			for _, date := range []time.Time{session.AddDate(0, 1, 0), {}} {
				if err := s.SetDateSession(ctx, w.a(u), w.fc, date, d.InscriptionVersion); !strings.Contains(apperr.FieldErrors(err)["date_session"], "Le dossier est clos") {
					t.Errorf("closed, new date %v: %v", date, err)
				}
			}
		}
		// A reopening never runs into the session: until the session's eve at most.
		for _, day := range []int{24, 25} {
			err := s.ReopenDossier(ctx, w.a(w.admin), w.fc, "Hospitalisation", time.Date(2027, 3, day, 0, 0, 0, 0, time.UTC))
			if !strings.Contains(apperr.FieldErrors(err)["jusqu_au"], "avant la date de session") {
				t.Errorf("reopened until the %d: %v", day, err)
			}
		}
		// Reopening: the admin only, with a reason and a date from today.
		until := time.Date(2027, 3, 17, 0, 0, 0, 0, time.UTC)
		if err := s.ReopenDossier(ctx, w.a(w.refA), w.fc, "Hospitalisation", until); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("référent reopens: %v", err)
		}
		if err := s.ReopenDossier(ctx, w.a(w.refB), w.fc, "Hospitalisation", until); !errors.Is(err, apperr.NotFound) {
			t.Errorf("another centre reopens: %v", err)
		}
		f2 := apperr.FieldErrors(s.ReopenDossier(ctx, w.a(w.admin), w.fc, "  ", time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)))
		if f2["motif"] == "" || f2["jusqu_au"] == "" {
			t.Errorf("bad reopening: %v", f2)
		}
		if err := s.ReopenDossier(ctx, w.a(w.admin), w.fc, "Hospitalisation", until); err != nil {
			t.Fatal(err)
		}
		// The candidate is told by mail, without the reason.
		var body string
		if err := s.DB().QueryRowContext(ctx, `SELECT body_text FROM courriels WHERE kind = 'dossier-rouvert'`).Scan(&body); err != nil ||
			!strings.Contains(body, "/dossier") || strings.Contains(body, "Hospitalisation") {
			t.Errorf("reopening mail: %v %q", err, body)
		}
		dsAdd(t, s, w.a(w.candUser), w.fc, dossier.KindVideo, dossier.Measure{Measured: true, Duration: 2000})
		d, _ = s.Dossier(ctx, w.a(w.candUser), w.fc)
		if d.Verrouille || len(d.Reouvertures) != 1 || d.Reouvertures[0].Motif != "Hospitalisation" ||
			!d.ClosesAt.Equal(time.Date(2027, 3, 17, 23, 0, 0, 0, time.UTC)) || d.Current[dossier.KindVideo].Version != 2 {
			t.Errorf("reopened: locked %v, %+v, closes %v", d.Verrouille, d.Reouvertures, d.ClosesAt)
		}
		// Reopened, the session moved before the reopening's end: the dossier closes when the
		// session day starts (00:00 in Paris), not after.
		if err := s.SetDateSession(ctx, w.a(w.refA), w.fc, time.Date(2027, 3, 16, 0, 0, 0, 0, time.UTC), d.InscriptionVersion); err != nil {
			t.Fatal(err)
		}
		if d, _ = s.Dossier(ctx, w.a(w.candUser), w.fc); !d.ClosesAt.Equal(time.Date(2027, 3, 15, 23, 0, 0, 0, time.UTC)) || d.Verrouille {
			t.Errorf("reopened past the session: closes %v, locked %v", d.ClosesAt, d.Verrouille)
		}
		if _, err := s.DB().ExecContext(ctx, `DELETE FROM dossier_reouvertures`); err == nil {
			t.Error("reopenings deleted")
		}
	})
}

// TestDossierProjets: projects CRUD with versions, validation, the référent's approval of a
// personal project and the coverage it brings.
func TestDossierProjets(t *testing.T) {
	dsSetup(t, func(t *testing.T, s *store.Store, w dsWorld) {
		cand := w.a(w.candUser)
		bad := &dossier.Projet{InscriptionID: w.fc, Origine: "ami", URL: "javascript:alert(1)", Blog: "ftp://x", Competences: []string{"C9.9"}}
		f := apperr.FieldErrors(s.CreateProjet(ctx, cand, bad))
		for _, k := range []string{"titre", "origine", "url", "blog", "competences"} {
			if f[k] == "" {
				t.Errorf("no error on %s: %v", k, f)
			}
		}
		if f := apperr.FieldErrors(s.CreateProjet(ctx, cand, &dossier.Projet{InscriptionID: w.fc, Titre: "X", Origine: dossier.OrigineEntreprise})); f["entreprise"] == "" {
			t.Errorf("company brief without a company: %v", f)
		}
		p := &dossier.Projet{InscriptionID: w.fc, Titre: " Blog perso ", Origine: dossier.OriginePersonnel,
			URL: "https://perso.example.fr", Blog: "www.perso.example.fr/carnet", Competences: []string{"C1.1", "C1.2", "C1.1"}}
		if err := s.CreateProjet(ctx, cand, p); err != nil {
			t.Fatal(err)
		}
		if p.ID == 0 || p.Version != 1 || p.Titre != "Blog perso" || len(p.Competences) != 2 || p.Blog != "https://www.perso.example.fr/carnet" {
			t.Errorf("created %+v", p)
		}
		d, _ := s.Dossier(ctx, cand, w.fc)
		if len(d.Covered) != 0 || len(d.Missing) != 14 {
			t.Errorf("an unapproved personal project covers %v", d.Covered)
		}
		// Two saves from the same version: one wins, the other is a conflict.
		a, b := *p, *p
		a.Titre, b.Titre = "Blog A", "Blog B"
		if err := s.UpdateProjet(ctx, cand, &a); err != nil {
			t.Fatal(err)
		}
		var stale *store.StaleError
		if err := s.UpdateProjet(ctx, w.a(w.refA), &b); !errors.As(err, &stale) || !errors.Is(err, apperr.Conflict) {
			t.Errorf("second save: %v", err)
		}
		// Approval: the centre's référent only.
		for name, u := range map[string]*account.User{"formateur": w.formA, "admin": w.admin, "candidat": w.candUser} {
			if err := s.ApproveProjet(ctx, w.a(u), p.ID); !errors.Is(err, apperr.Forbidden) {
				t.Errorf("%s approves: %v", name, err)
			}
		}
		for name, u := range map[string]*account.User{"referent B": w.refB, "candidat 2": w.cand2, "jury": w.jury} {
			if err := s.ApproveProjet(ctx, w.a(u), p.ID); !errors.Is(err, apperr.NotFound) {
				t.Errorf("%s approves: %v", name, err)
			}
			if _, err := s.Projet(ctx, w.a(u), p.ID); !errors.Is(err, apperr.NotFound) {
				t.Errorf("%s reads: %v", name, err)
			}
			if err := s.DeleteProjet(ctx, w.a(u), p.ID); !errors.Is(err, apperr.NotFound) {
				t.Errorf("%s deletes: %v", name, err)
			}
		}
		if err := s.ApproveProjet(ctx, w.a(w.refA), p.ID); err != nil {
			t.Fatal(err)
		}
		got, err := s.Projet(ctx, cand, p.ID)
		if err != nil || got.ApprouvePar != w.refA.ID || got.ApprouveLe.IsZero() || got.Version != 3 || got.Titre != "Blog A" {
			t.Fatalf("approved = %+v, %v", got, err)
		}
		d, _ = s.Dossier(ctx, cand, w.fc)
		if len(d.Covered["C1.1"]) != 1 || len(d.Missing) != 12 {
			t.Errorf("coverage %v missing %v", d.Covered, d.Missing)
		}
		// A company project cannot be approved; deleting is real.
		q := &dossier.Projet{InscriptionID: w.fc, Titre: "Agence", Origine: dossier.OrigineEntreprise, Entreprise: "Agence Lumière"}
		if err := s.CreateProjet(ctx, cand, q); err != nil {
			t.Fatal(err)
		}
		if f := apperr.FieldErrors(s.ApproveProjet(ctx, w.a(w.refA), q.ID)); f["origine"] == "" {
			t.Errorf("company project approved: %v", f)
		}
		if err := s.DeleteProjet(ctx, cand, q.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Projet(ctx, cand, q.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("deleted project: %v", err)
		}
	})
}

// TestDossierReminders: an incomplete dossier gets its reminders once at J-7 and once at J-2
// (Paris days); a complete one gets none.
func TestDossierReminders(t *testing.T) {
	dsSetup(t, func(t *testing.T, s *store.Store, w dsWorld) {
		session := time.Date(2027, 3, 24, 0, 0, 0, 0, time.UTC) // last day: Sunday 14 March
		for _, ins := range []int64{w.fc, w.vae} {
			d, err := s.Dossier(ctx, w.a(w.admin), ins)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.SetDateSession(ctx, w.a(w.refA), ins, session, d.InscriptionVersion); err != nil {
				t.Fatal(err)
			}
		}
		dsComplete(t, s, w, w.vae)
		d, _ := s.Dossier(ctx, w.a(w.refA), w.vae)
		for _, c := range d.Conformite {
			if c.Statut != dossier.StatutOK {
				t.Errorf("complete dossier: %+v", c)
			}
		}
		count := func() int {
			var n int
			if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM courriels WHERE kind = 'dossier-rappel'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, step := range []struct {
			at   time.Time
			sent int
		}{
			{time.Date(2027, 3, 6, 22, 0, 0, 0, time.UTC), 0},  // 6 March in Paris (23:00): J-8
			{time.Date(2027, 3, 6, 23, 30, 0, 0, time.UTC), 1}, // 7 March in Paris: J-7
			{time.Date(2027, 3, 7, 12, 0, 0, 0, time.UTC), 0},
			{time.Date(2027, 3, 10, 12, 0, 0, 0, time.UTC), 0},
			{time.Date(2027, 3, 12, 8, 0, 0, 0, time.UTC), 1}, // J-2
			{time.Date(2027, 3, 14, 8, 0, 0, 0, time.UTC), 0},
			{time.Date(2027, 3, 15, 8, 0, 0, 0, time.UTC), 0}, // closed
		} {
			w.clock.Set(step.at)
			n, err := s.SendDossierReminders(ctx)
			if err != nil || n != step.sent {
				t.Errorf("at %v: %d sent, %v; want %d", step.at, n, err, step.sent)
			}
		}
		if n := count(); n != 2 {
			t.Errorf("%d reminders queued", n)
		}
		var body string
		if err := s.DB().QueryRowContext(ctx, `SELECT body_text FROM courriels WHERE kind = 'dossier-rappel' ORDER BY id LIMIT 1`).Scan(&body); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, fmt.Sprintf("/inscriptions/%d/dossier", w.fc)) || !strings.Contains(body, "Vidéo : absente") {
			t.Errorf("reminder:\n%s", body)
		}
	})
}

// TestDossierFreeze: once a formation-continue dossier closes, the system freezes its livret
// and attestation (and the fiche de stage once filled), each once; a VAE dossier has none.
func TestDossierFreeze(t *testing.T) {
	dsSetup(t, func(t *testing.T, s *store.Store, w dsWorld) {
		for _, ins := range []int64{w.fc, w.vae} {
			d, _ := s.Dossier(ctx, w.a(w.admin), ins)
			if err := s.SetDateSession(ctx, w.a(w.refA), ins, time.Date(2027, 3, 24, 0, 0, 0, 0, time.UTC), d.InscriptionVersion); err != nil {
				t.Fatal(err)
			}
		}
		if ids, err := s.DossiersToFreeze(ctx); err != nil || len(ids) != 0 {
			t.Errorf("before the close: %v, %v", ids, err)
		}
		w.clock.Set(time.Date(2027, 3, 15, 6, 0, 0, 0, time.UTC))
		ids, err := s.DossiersToFreeze(ctx)
		if err != nil || len(ids) != 1 || ids[0] != w.fc {
			t.Fatalf("to freeze: %v, %v", ids, err)
		}
		kinds, err := s.SystemPiecesToFreeze(ctx, w.fc)
		if err != nil || len(kinds) != 2 || kinds[0] != dossier.KindLivret || kinds[1] != dossier.KindAttestationFormation {
			t.Fatalf("kinds %v, %v", kinds, err)
		}
		f, key := dsFile()
		if err := s.FreezeSystemPiece(ctx, w.fc, dossier.KindCV, f, key); apperr.FieldErrors(err)["kind"] == "" {
			t.Errorf("CV frozen: %v", err)
		}
		f, key = dsFile()
		if err := s.FreezeSystemPiece(ctx, w.fc, dossier.KindLivret, f, key); err != nil {
			t.Fatal(err)
		}
		f, key = dsFile()
		if err := s.FreezeSystemPiece(ctx, w.fc, dossier.KindLivret, f, key); !errors.Is(err, apperr.Conflict) {
			t.Errorf("livret frozen twice: %v", err)
		}
		f, key = dsFile()
		if err := s.FreezeSystemPiece(ctx, w.vae, dossier.KindLivret, f, key); !errors.Is(err, apperr.Conflict) {
			t.Errorf("VAE livret frozen: %v", err)
		}
		f, key = dsFile()
		if err := s.FreezeSystemPiece(ctx, w.fc, dossier.KindAttestationFormation, f, key); err != nil {
			t.Fatal(err)
		}
		if ids, _ := s.DossiersToFreeze(ctx); len(ids) != 0 {
			t.Errorf("still to freeze: %v", ids)
		}
		d, _ := s.Dossier(ctx, w.a(w.candUser), w.fc)
		p := d.Current[dossier.KindLivret]
		if !p.Systeme || p.DeposePar != 0 || p.Version != 1 {
			t.Errorf("frozen livret %+v", p)
		}
		if _, _, err := s.FileByID(ctx, w.a(w.candUser), p.File.ID); err != nil {
			t.Errorf("candidate reads the frozen livret: %v", err)
		}
	})
}

// TestDossierMaxVersions: a kind keeps dossier.MaxVersions versions; the next is refused on
// "fichier", another kind still accepted.
func TestDossierMaxVersions(t *testing.T) {
	dsSetup(t, func(t *testing.T, s *store.Store, w dsWorld) {
		cand := w.a(w.candUser)
		for i := 0; i < dossier.MaxVersions; i++ {
			dsAdd(t, s, cand, w.fc, dossier.KindCV, dossier.Measure{})
		}
		f, key := dsFile()
		if _, err := s.AddPiece(ctx, cand, w.fc, dossier.KindCV, f, key, dossier.Measure{}, 0); !strings.Contains(apperr.FieldErrors(err)["fichier"], "30 versions") {
			t.Errorf("version 31: %v", err)
		}
		dsAdd(t, s, cand, w.fc, dossier.KindBrief, dossier.Measure{})
	})
}
