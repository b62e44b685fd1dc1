package dossier_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/referentiel"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestDeadline: the last day is J-10 and the dossier closes at the end of that day in Paris,
// across the daylight-saving changes (last Sundays of March and October).
func TestDeadline(t *testing.T) {
	for _, tc := range []struct {
		session, echeance time.Time
		closes            time.Time
	}{
		{date(2027, 3, 24), date(2027, 3, 14), time.Date(2027, 3, 14, 23, 0, 0, 0, time.UTC)},    // winter time
		{date(2027, 4, 6), date(2027, 3, 27), time.Date(2027, 3, 27, 23, 0, 0, 0, time.UTC)},     // Saturday before the change: midnight is still CET
		{date(2027, 4, 7), date(2027, 3, 28), time.Date(2027, 3, 28, 22, 0, 0, 0, time.UTC)},     // the day of the change: midnight is CEST
		{date(2027, 11, 9), date(2027, 10, 30), time.Date(2027, 10, 30, 22, 0, 0, 0, time.UTC)},  // Saturday before the return: CEST
		{date(2027, 11, 10), date(2027, 10, 31), time.Date(2027, 10, 31, 23, 0, 0, 0, time.UTC)}, // the day of the return: CET
		{date(2028, 3, 1), date(2028, 2, 20), time.Date(2028, 2, 20, 23, 0, 0, 0, time.UTC)},     // across a leap February
	} {
		e := dossier.Echeance(tc.session, 10)
		if !e.Equal(tc.echeance) {
			t.Errorf("Echeance(%v) = %v, want %v", tc.session, e, tc.echeance)
		}
		c := dossier.ClosesAt(e)
		if !c.Equal(tc.closes) || c.Location() != time.UTC {
			t.Errorf("ClosesAt(%v) = %v, want %v", e, c, tc.closes)
		}
		if dossier.Locked(c.Add(-time.Nanosecond), c) || !dossier.Locked(c, c) {
			t.Errorf("Locked around %v", c)
		}
	}
	if dossier.Locked(time.Now(), time.Time{}) {
		t.Error("no deadline, locked")
	}
	// A reopening replaces the deadline: the latest one recorded.
	e := date(2027, 3, 14)
	session := date(2027, 3, 24)
	for _, tc := range []struct {
		name              string
		echeance, session time.Time
		until             []time.Time
		want              time.Time
	}{
		{"deadline", e, session, nil, dossier.ClosesAt(e)},
		{"no date", time.Time{}, time.Time{}, nil, time.Time{}},
		{"the latest reopening", e, session, []time.Time{date(2027, 3, 20), date(2027, 3, 18)}, time.Date(2027, 3, 18, 23, 0, 0, 0, time.UTC)},
		{"reopened until the eve", e, session, []time.Time{date(2027, 3, 23)}, time.Date(2027, 3, 23, 23, 0, 0, 0, time.UTC)},
		{"reopened until the session day", e, session, []time.Time{session}, time.Date(2027, 3, 23, 23, 0, 0, 0, time.UTC)},
		{"reopened past the session", e, session, []time.Time{date(2027, 6, 1)}, time.Date(2027, 3, 23, 23, 0, 0, 0, time.UTC)},
		{"session in summer time", date(2027, 5, 30), date(2027, 6, 9), []time.Time{date(2027, 7, 1)}, time.Date(2027, 6, 8, 22, 0, 0, 0, time.UTC)},
		{"reopened, no session date", time.Time{}, time.Time{}, []time.Time{date(2027, 6, 1)}, time.Date(2027, 6, 1, 22, 0, 0, 0, time.UTC)},
	} {
		if got := dossier.Close(tc.echeance, tc.session, tc.until...); !got.Equal(tc.want) {
			t.Errorf("%s: Close = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestCoverage(t *testing.T) {
	req := []string{"C1.1", "C1.2", "C1.3", "C2.1"}
	projets := []dossier.Projet{
		{ID: 1, Origine: dossier.OrigineEntreprise, Competences: []string{"C1.1", "C1.2", "C9.9"}},
		{ID: 2, Origine: dossier.OriginePersonnel, Competences: []string{"C1.3"}},                 // not approved
		{ID: 3, Origine: dossier.OriginePersonnel, ApprouvePar: 7, Competences: []string{"C1.2"}}, // approved
	}
	covered, missing := dossier.Coverage(req, projets)
	if !slices.Equal(covered["C1.2"], []int64{1, 3}) || len(covered["C1.3"]) != 0 || covered["C9.9"] != nil ||
		!slices.Equal(missing, []string{"C1.3", "C2.1"}) {
		t.Errorf("covered %v missing %v", covered, missing)
	}
}

func TestKinds(t *testing.T) {
	if len(dossier.Kinds()) != 10 || !dossier.Uploadable(dossier.KindVideo) || dossier.Uploadable(dossier.KindLivret) {
		t.Errorf("kinds %v", dossier.Kinds())
	}
	for _, k := range append(dossier.Kinds(), dossier.SystemKinds()...) {
		if l := k.Libelle(); l == string(k) || l == "" {
			t.Errorf("%s has no French label", k)
		}
	}
	if dossier.KindVideo.Libelle() != "Vidéo du projet" || dossier.KindCV.Libelle() != "CV" {
		t.Error("labels")
	}
}

func cm(t *testing.T) referentiel.Livrables {
	t.Helper()
	ref, err := referentiel.CommunityManager()
	if err != nil {
		t.Fatal(err)
	}
	return ref.Livrables
}

func words(n int) string { return strings.TrimSpace(strings.Repeat("texte ", n)) }

// green is a dossier whose every line is green, for a formation-continue candidate.
func green(l referentiel.Livrables) dossier.Facts {
	labels := func(items []referentiel.Item) *dossier.Measure {
		m := &dossier.Measure{Measured: true}
		for _, it := range items {
			m.Headings = append(m.Headings, it.Libelle)
		}
		return m
	}
	var strat, cahier []referentiel.Item
	for _, it := range l.DossierTechnique.Plan {
		switch it.Numero {
		case 6:
			strat = it.Sections
		case 7:
			cahier = it.Sections
		}
	}
	return dossier.Facts{
		Resume: words(230),
		Pieces: map[dossier.Kind]*dossier.Measure{
			dossier.KindCV:                  {Measured: true},
			dossier.KindDossierTechnique:    {Measured: true, Pages: 33, Chars: 49000},
			dossier.KindStrategie:           labels(strat),
			dossier.KindCahierDesCharges:    labels(cahier),
			dossier.KindVideo:               {Measured: true, Duration: 299_000},
			dossier.KindSupportPresentation: labels(l.SupportPresentation.Etapes),
		},
		Projets: []dossier.Projet{{ID: 1, Titre: "Blog", Origine: dossier.OrigineStage, URL: "https://a.fr", Blog: "https://a.fr/blog",
			Competences: l.Projet.CouvertureObligatoire}},
		System: map[dossier.Kind]bool{dossier.KindLivret: true, dossier.KindAttestationFormation: true},
	}
}

func line(t *testing.T, checks []dossier.Check, regle string) dossier.Check {
	t.Helper()
	for _, c := range checks {
		if c.Regle == regle {
			return c
		}
	}
	t.Fatalf("no line %s", regle)
	return dossier.Check{}
}

// TestReport: every line of the issue, in its order, with the examples.
func TestReport(t *testing.T) {
	l := cm(t)
	order := []string{"resume_mots", "resume_caracteres", "dossier_pages", "dossier_caracteres", "strategie_sections",
		"cahier_sections", "video_duree", "realisation_url", "blog", "couverture", "lettre_entreprise", "confidentialite",
		"pieces_professionnel", "support_canevas"}
	all := dossier.Report(l, green(l))
	var got []string
	for _, c := range all {
		got = append(got, c.Regle)
		if c.Statut != dossier.StatutOK || c.Valeur == "" || c.Attendu == "" || c.Message == "" {
			t.Errorf("green dossier: %+v", c)
		}
	}
	if !slices.Equal(got, order) {
		t.Fatalf("order %v", got)
	}
	if len(dossier.Missing(all)) != 0 || !dossier.Complete(all) {
		t.Error("a green dossier misses something")
	}

	for _, tc := range []struct {
		name    string
		change  func(f *dossier.Facts)
		regle   string
		statut  dossier.Statut
		valeur  string
		message string // a part of it
	}{
		{"263-word summary", func(f *dossier.Facts) { f.Resume = words(263) }, "resume_mots", dossier.StatutAttention,
			"263 mots", "Résumé : 263 mots — 200 à 250 attendus"},
		{"summary far too long", func(f *dossier.Facts) { f.Resume = words(400) }, "resume_mots", dossier.StatutManquant, "400 mots", ""},
		{"summary at the bound", func(f *dossier.Facts) { f.Resume = words(200) }, "resume_mots", dossier.StatutOK, "200 mots", ""},
		{"no summary", func(f *dossier.Facts) { f.Resume = "  " }, "resume_caracteres", dossier.StatutManquant, "aucun résumé", ""},
		{"characters grouped", func(f *dossier.Facts) { f.Resume = strings.Repeat("a", 1183) }, "resume_caracteres", dossier.StatutOK,
			"1\u202f183 caractères", "environ 1\u202f200"},
		{"7-minute video", func(f *dossier.Facts) {
			f.Pieces[dossier.KindVideo] = &dossier.Measure{Measured: true, Duration: 422_000}
		},
			"video_duree", dossier.StatutManquant, "7 min 02 s", "Vidéo : 7 min 02 s — 5 min au plus"},
		{"missing video", func(f *dossier.Facts) { delete(f.Pieces, dossier.KindVideo) }, "video_duree", dossier.StatutManquant, "aucune vidéo", ""},
		{"unknown codec", func(f *dossier.Facts) {
			f.Pieces[dossier.KindVideo] = &dossier.Measure{Reason: "codec vidéo inconnu"}
		}, "video_duree", dossier.StatutNonMesurable, "codec vidéo inconnu", "codec vidéo inconnu"},
		{"scanned PDF", func(f *dossier.Facts) {
			f.Pieces[dossier.KindDossierTechnique] = &dossier.Measure{Reason: "PDF numérisé sans texte"}
		}, "dossier_caracteres", dossier.StatutNonMesurable, "PDF numérisé sans texte", ""},
		{"annexes excluded", func(f *dossier.Facts) {
			f.Pieces[dossier.KindDossierTechnique] = &dossier.Measure{Measured: true, Pages: 45, Chars: 70000}
			f.AnnexesPage = 36
		}, "dossier_pages", dossier.StatutOK, "35 pages", "hors annexes"},
		{"annexes without page counts", func(f *dossier.Facts) {
			f.Pieces[dossier.KindDossierTechnique] = &dossier.Measure{Measured: true, Pages: 45, Chars: 70000}
			f.AnnexesPage = 36
		}, "dossier_caracteres", dossier.StatutNonMesurable, "", ""},
		{"annexes with page counts", func(f *dossier.Facts) {
			m := &dossier.Measure{Measured: true, Pages: 40, Chars: 90000}
			for range 40 {
				m.PageChars = append(m.PageChars, 1500)
			}
			f.Pieces[dossier.KindDossierTechnique], f.AnnexesPage = m, 33
		}, "dossier_caracteres", dossier.StatutOK, "48\u202f000 caractères", ""},
		{"Word file without a page count: what to do", func(f *dossier.Facts) { f.Pieces[dossier.KindDossierTechnique].Pages = 0 },
			"dossier_pages", dossier.StatutNonMesurable, "", "Dossier technique : nombre de pages non mesurable — déposez-le en PDF pour que ses pages soient comptées"},
		{"unmeasured: the reason without its own colon", func(f *dossier.Facts) {
			f.Pieces[dossier.KindDossierTechnique] = &dossier.Measure{Reason: "PDF sans texte (numérisé ?) : longueur non mesurable"}
		}, "dossier_pages", dossier.StatutNonMesurable, "PDF sans texte (numérisé ?) : longueur non mesurable",
			"Dossier technique : pages non mesurables — PDF sans texte (numérisé ?)"},
		{"unmeasured video", func(f *dossier.Facts) {
			f.Pieces[dossier.KindVideo] = &dossier.Measure{Reason: "Le fichier n’a pas pu être relu pour être mesuré."}
		}, "video_duree", dossier.StatutNonMesurable, "", "Vidéo : durée non mesurable — le fichier n’a pas pu être relu pour être mesuré"},
		{"no annexes page: no « hors annexes »", func(f *dossier.Facts) {}, "dossier_caracteres", dossier.StatutOK, "",
			"Dossier technique : 49\u202f000 caractères hors espaces — environ"},
		{"dossier too short", func(f *dossier.Facts) { f.Pieces[dossier.KindDossierTechnique].Pages = 27 }, "dossier_pages",
			dossier.StatutAttention, "27 pages", "30 à 35"},
		{"three compétences uncovered", func(f *dossier.Facts) {
			f.Projets[0].Competences = f.Projets[0].Competences[:11]
		}, "couverture", dossier.StatutAttention, "11 sur 14", "3 à évaluer en entretien technique (C3.1, C3.2, C3.3)"},
		{"personal project not approved", func(f *dossier.Facts) {
			f.Projets[0].Origine, f.Projets[0].Titre = dossier.OriginePersonnel, "Portfolio"
		}, "couverture", dossier.StatutManquant, "0 sur 14",
			"Compétences : aucune couverte — le projet personnel « Portfolio » attend l’approbation du référent pédagogique"},
		{"no blog", func(f *dossier.Facts) { f.Projets[0].Blog = "" }, "blog", dossier.StatutManquant, "aucun lien", "Blog : aucun lien — un site de type blog attendu"},
		{"no realisation", func(f *dossier.Facts) { f.Projets = nil }, "realisation_url", dossier.StatutManquant, "aucun lien", ""},
		{"company brief without letter", func(f *dossier.Facts) {
			f.Projets[0].Origine, f.Projets[0].Entreprise = dossier.OrigineEntreprise, "Agence"
		}, "lettre_entreprise", dossier.StatutManquant, "pièce manquante", ""},
		{"company brief with letter", func(f *dossier.Facts) {
			f.Projets[0].Origine = dossier.OrigineEntreprise
			f.Pieces[dossier.KindLettreEntreprise] = &dossier.Measure{Measured: true}
		}, "lettre_entreprise", dossier.StatutOK, "pièce déposée", ""},
		{"confidential without authorisation", func(f *dossier.Facts) { f.Projets[0].Confidentiel = true },
			"confidentialite", dossier.StatutManquant, "pièce manquante", "Autorisation de confidentialité : pièce manquante — requise pour un projet confidentiel"},
		{"internship without fiche", func(f *dossier.Facts) { f.Stage = true }, "pieces_professionnel", dossier.StatutManquant,
			"3 sur 4", "Fiche d’appréciation de stage"},
		{"VAE: the CV alone", func(f *dossier.Facts) { f.VAE, f.Stage, f.System = true, true, nil }, "pieces_professionnel",
			dossier.StatutOK, "1 sur 1", ""},
		{"no CV", func(f *dossier.Facts) { delete(f.Pieces, dossier.KindCV) }, "pieces_professionnel", dossier.StatutManquant, "2 sur 3", "CV"},
		{"strategy missing two sections", func(f *dossier.Facts) {
			m := f.Pieces[dossier.KindStrategie]
			m.Headings = m.Headings[:6]
		}, "strategie_sections", dossier.StatutAttention, "6 sur 8", "manquent"},
		{"strategy without any section", func(f *dossier.Facts) { f.Pieces[dossier.KindStrategie].Headings = nil },
			"strategie_sections", dossier.StatutManquant, "0 sur 8", ""},
		{"no specification", func(f *dossier.Facts) { delete(f.Pieces, dossier.KindCahierDesCharges) }, "cahier_sections",
			dossier.StatutManquant, "aucun document", ""},
		{"canvas steps missing: never red", func(f *dossier.Facts) { f.Pieces[dossier.KindSupportPresentation].Headings = nil },
			"support_canevas", dossier.StatutAttention, "0 sur 11", ""},
		{"no support", func(f *dossier.Facts) { delete(f.Pieces, dossier.KindSupportPresentation) }, "support_canevas",
			dossier.StatutManquant, "aucun document", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := green(l)
			tc.change(&f)
			c := line(t, dossier.Report(l, f), tc.regle)
			if c.Statut != tc.statut || (tc.valeur != "" && c.Valeur != tc.valeur) || !strings.Contains(c.Message, tc.message) ||
				strings.Count(c.Message, " : ") > 1 || (f.AnnexesPage == 0 && strings.Contains(c.Message, "annexes")) {
				t.Errorf("%+v", c)
			}
		})
	}
}

func TestDuration(t *testing.T) {
	for ms, want := range map[int64]string{422_000: "7 min 02 s", 45_400: "45 s", 300_000: "5 min 00 s", 59_600: "1 min 00 s"} {
		if got := dossier.Duration(ms); got != want {
			t.Errorf("Duration(%d) = %q, want %q", ms, got, want)
		}
	}
}
