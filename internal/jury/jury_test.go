package jury_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/referentiel"
)

func message(t *testing.T, err error, field string) string {
	t.Helper()
	var v *apperr.Validation
	if !errors.As(err, &v) {
		t.Fatalf("want a *apperr.Validation, got %v", err)
	}
	return v.Fields[field]
}

func TestOnlyTheAllowedMoves(t *testing.T) {
	etats := jury.Etats()
	for i, from := range etats {
		for j, to := range etats {
			want := j == i+1
			if got := jury.CanMove(from, to); got != want {
				t.Errorf("%s → %s: %v, want %v", from, to, got, want)
			}
			if err := jury.Move(from, to); (err == nil) != want {
				t.Errorf("Move(%s, %s) = %v", from, to, err)
			}
		}
	}
	for _, c := range []struct {
		from, to jury.Etat
		want     string
	}{
		{jury.Planifiee, jury.EnCours, "ne peut passer qu'à l'état « convocations envoyées »"},
		{jury.ResultatsPublies, jury.Planifiee, "ne change plus d'état"},
		{jury.Planifiee, "fermee", "État inconnu"},
		{jury.EnCours, jury.EnCours, "déjà à l'état « en cours »"},
	} {
		if msg := message(t, jury.Move(c.from, c.to), "etat"); !strings.Contains(msg, c.want) {
			t.Errorf("Move(%s, %s): %q, want %q", c.from, c.to, msg, c.want)
		}
	}
}

func TestComposition(t *testing.T) {
	pres := jury.Membre{UserID: 1, President: true, Externe: true}
	ext := jury.Membre{UserID: 2, Externe: true}
	inter := jury.Membre{UserID: 3}
	inter2 := jury.Membre{UserID: 4}
	for _, c := range []struct {
		name    string
		membres []jury.Membre
		regles  jury.Regles
		want    string // "" when accepted
	}{
		{"président and one external", []jury.Membre{pres, ext}, jury.Regles{}, ""},
		{"half external", []jury.Membre{pres, inter}, jury.Regles{}, ""},
		{"no président", []jury.Membre{ext, inter}, jury.Regles{}, "pas de président"},
		{"two présidents", []jury.Membre{pres, {UserID: 5, President: true}}, jury.Regles{}, "plusieurs présidents"},
		{"too few (default 2)", []jury.Membre{pres}, jury.Regles{}, "au moins 2"},
		{"too few (certification's 3)", []jury.Membre{pres, ext}, jury.Regles{MinMembres: 3}, "au moins 3"},
		{"one external of four", []jury.Membre{{UserID: 1, President: true}, inter, inter2, ext}, jury.Regles{}, "la moitié"},
		{"one external of three", []jury.Membre{{UserID: 1, President: true}, inter, ext}, jury.Regles{}, "la moitié"},
		{"ratio of the certification", []jury.Membre{pres, ext, inter}, jury.Regles{RatioExternes: 0.75}, "75 %"},
	} {
		err := jury.CheckComposition(c.membres, c.regles)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.want != "":
			if msg := message(t, err, "membres"); !strings.Contains(msg, c.want) {
				t.Errorf("%s: %q, want %q", c.name, msg, c.want)
			}
		}
	}
}

func TestIndependenceNamesTheMember(t *testing.T) {
	noms := map[int64]string{1: "Claire Martin", 2: "Paul Durand", 3: "Ana Silva"}
	for _, c := range []struct {
		lien jury.Lien
		want string
	}{{jury.AForme, "Paul Durand a formé ce candidat"}, {jury.ATutore, "Paul Durand a tutoré"}, {jury.AEvalue, "Paul Durand a évalué"}} {
		err := jury.CheckIndependence([]int64{1, 2}, map[int64]jury.Lien{2: c.lien, 3: jury.AForme}, noms)
		msg := message(t, err, "user_ids")
		if !strings.Contains(msg, c.want) || strings.Contains(msg, "Claire") || strings.Contains(msg, "Ana") {
			t.Errorf("%s: %q", c.lien, msg)
		}
	}
	if err := jury.CheckIndependence([]int64{1}, map[int64]jury.Lien{2: jury.AForme}, noms); err != nil {
		t.Errorf("independent juror refused: %v", err)
	}
	membres := []jury.Membre{{UserID: 1}, {UserID: 2}}
	if err := jury.CheckJurors([]int64{1, 2}, membres); err != nil {
		t.Error(err)
	}
	if msg := message(t, jury.CheckJurors([]int64{1, 9}, membres), "user_ids"); !strings.Contains(msg, "compte 9") {
		t.Errorf("foreign juror: %q", msg)
	}
	if msg := message(t, jury.CheckJurors(nil, membres), "user_ids"); msg == "" {
		t.Error("no juror accepted")
	}
}

func TestEligibility(t *testing.T) {
	rec := jury.DecisionRecevabilite{Decision: jury.Recevable}
	non := jury.DecisionRecevabilite{Decision: jury.NonRecevable, Motif: "expérience insuffisante"}
	for _, c := range []struct {
		name string
		e    jury.Eligibility
		want string
	}{
		{"every bloc validated", jury.Eligibility{InTraining: true, Blocs: []jury.BlocFormation{{Code: "BC01", Valide: true}, {Code: "BC02", Valide: true}}}, ""},
		{"a relevé for the other", jury.Eligibility{InTraining: true, Blocs: []jury.BlocFormation{{Code: "BC01", Valide: true}, {Code: "BC02", Evaluations: 3}}}, ""},
		{"a bloc never evaluated", jury.Eligibility{InTraining: true, Blocs: []jury.BlocFormation{{Code: "BC01", Valide: true}, {Code: "BC02"}, {Code: "BC03"}}}, "BC02, BC03"},
		{"no bloc", jury.Eligibility{InTraining: true}, "aucun bloc"},
		{"VAE recevable", jury.Eligibility{Decisions: []jury.DecisionRecevabilite{rec}}, ""},
		{"VAE without decision", jury.Eligibility{}, "pas été prononcée"},
		{"VAE non recevable", jury.Eligibility{Decisions: []jury.DecisionRecevabilite{non}}, "non recevable"},
		{"VAE latest decision counts", jury.Eligibility{Decisions: []jury.DecisionRecevabilite{non, rec}}, ""},
		{"VAE recevable then not", jury.Eligibility{Decisions: []jury.DecisionRecevabilite{rec, non}}, "non recevable"},
	} {
		err := jury.CheckEligible(c.e)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.want != "":
			if msg := message(t, err, "inscription_id"); !strings.Contains(msg, c.want) {
				t.Errorf("%s: %q, want %q", c.name, msg, c.want)
			}
		}
	}
	for _, c := range []struct {
		d     jury.Recevabilite
		motif string
		field string
	}{{jury.Recevable, "", ""}, {jury.NonRecevable, "", "motif"}, {jury.NonRecevable, "hors champ", ""}, {"peut-etre", "", "decision"}} {
		err := jury.CheckRecevabilite(c.d, c.motif)
		if (c.field == "") != (err == nil) || c.field != "" && message(t, err, c.field) == "" {
			t.Errorf("CheckRecevabilite(%q, %q) = %v", c.d, c.motif, err)
		}
	}
}

func TestResultVocabulary(t *testing.T) {
	vises := []string{"BC01", "BC02"}
	for _, c := range []struct {
		name     string
		p        jury.Presence
		session  map[string]bool
		acquis   map[string]bool
		resultat jury.Resultat
	}{
		{"absent", jury.Absent, nil, nil, jury.ResultatAbsent},
		{"excused", jury.Excuse, map[string]bool{"BC01": true}, nil, jury.ResultatExcuse},
		{"every bloc", jury.Present, map[string]bool{"BC01": true, "BC02": true}, nil, jury.ReussiteTotale},
		{"the rest acquired earlier", jury.Present, map[string]bool{"BC02": true}, map[string]bool{"BC01": true}, jury.ReussiteTotale},
		{"one bloc", jury.Present, map[string]bool{"BC01": true}, nil, jury.ReussitePartielle},
		{"none", jury.Present, nil, nil, jury.Echec},
		{"none now, one earlier", jury.Present, nil, map[string]bool{"BC01": true}, jury.Echec},
	} {
		if got := jury.ResultatOf(c.p, vises, c.session, c.acquis); got != c.resultat {
			t.Errorf("%s: %s, want %s", c.name, got, c.resultat)
		}
	}
	want := []string{"reussite_totale", "reussite_partielle", "echec", "absent", "excuse"}
	for i, r := range jury.Resultats() {
		if string(r) != want[i] || r.Libelle() == "" {
			t.Errorf("result %d: %s", i, r)
		}
	}
	for _, p := range []jury.Presence{jury.Present, jury.Absent, jury.Excuse} {
		if !p.Valid() {
			t.Errorf("%s invalid", p)
		}
	}
	if jury.Presence("retard").Valid() {
		t.Error("unknown presence accepted")
	}
}

func TestReglesOfTheCertification(t *testing.T) {
	if r := jury.ReglesOf(nil); r.MinMembres != 2 || r.RatioExternes != 0.5 {
		t.Errorf("defaults: %+v", r)
	}
	if r := jury.ReglesOf(&referentiel.JuryRegles{MinMembres: 3}); r.MinMembres != 3 || r.RatioExternes != 0.5 {
		t.Errorf("min 3: %+v", r)
	}
}
