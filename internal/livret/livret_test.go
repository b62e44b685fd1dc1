package livret_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/livret"
	"github.com/certif/certif/internal/referentiel"
)

func ref(t *testing.T) *referentiel.Referentiel {
	t.Helper()
	r, err := referentiel.CommunityManager()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func f(x float64) *float64 { return &x }

var day = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

// TestState: a compétence is acquise only when every critère has acquis as its latest current
// result and the latest score with a pass mark reaches it (R4); several entries may each cover
// some critères; a correction replaces what it corrects.
func TestState(t *testing.T) {
	r := ref(t)
	_, c11, _ := r.Competence("C1.1") // 5 critères
	if len(c11.Criteres) != 5 {
		t.Fatalf("C1.1 has %d critères, want 5", len(c11.Criteres))
	}
	res := func(kv ...string) map[string]livret.Resultat {
		m := map[string]livret.Resultat{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = livret.Resultat(kv[i+1])
		}
		return m
	}
	const a, n = "acquis", "non_acquis"
	e := func(id int64, days int, crit map[string]livret.Resultat) livret.Evaluation {
		return livret.Evaluation{ID: id, Competences: []string{"C1.1"}, Date: day.AddDate(0, 0, days), Criteres: crit}
	}
	scored := func(ev livret.Evaluation, score, seuil float64) livret.Evaluation {
		ev.Score, ev.Bareme, ev.Seuil = f(score), f(20), f(seuil)
		return ev
	}
	four := res("C1.1.1", a, "C1.1.2", a, "C1.1.3", a, "C1.1.4", a)
	five := res("C1.1.1", a, "C1.1.2", a, "C1.1.3", a, "C1.1.4", a, "C1.1.5", a)
	for _, tc := range []struct {
		name    string
		evals   []livret.Evaluation
		want    livret.Etat
		acquis  int
		reached bool
	}{
		{"nothing", nil, livret.NonEvaluee, 0, true},
		{"4 of 5 critères acquired (C1.1.5 never evaluated)", []livret.Evaluation{e(1, 0, four)}, livret.EnCours, 4, true},
		{"all 5 in one entry", []livret.Evaluation{e(1, 0, five)}, livret.Acquise, 5, true},
		{"a quiz for 4, a TP for the 5th", []livret.Evaluation{e(1, 0, four), e(2, 3, res("C1.1.5", a))}, livret.Acquise, 5, true},
		{"a later entry fails one critère", []livret.Evaluation{e(1, 0, five), e(2, 3, res("C1.1.2", n))}, livret.EnCours, 4, true},
		{"the failed critère acquired again later", []livret.Evaluation{e(1, 0, five), e(2, 3, res("C1.1.2", n)), e(3, 5, res("C1.1.2", a))}, livret.Acquise, 5, true},
		{"a correction supersedes the failure", []livret.Evaluation{e(1, 0, five), e(2, 3, res("C1.1.2", n)), func() livret.Evaluation { x := e(3, 4, res("C1.1.3", a)); x.Remplace = 2; return x }()}, livret.Acquise, 5, true},
		{"a correction removing a critère's result", []livret.Evaluation{e(1, 0, four), e(2, 3, res("C1.1.5", a)), func() livret.Evaluation { x := e(3, 4, res("C1.1.5", n)); x.Remplace = 2; return x }()}, livret.EnCours, 4, true},
		{"nothing acquired", []livret.Evaluation{e(1, 0, res("C1.1.1", n, "C1.1.2", n))}, livret.NonAcquise, 0, true},
		{"all critères, score under the pass mark", []livret.Evaluation{scored(e(1, 0, five), 8, 10)}, livret.EnCours, 5, false},
		{"all critères, latest score reaches it", []livret.Evaluation{scored(e(1, 0, five), 8, 10), scored(e(2, 2, nil), 14, 10)}, livret.Acquise, 5, true},
		{"score passed but critères missing", []livret.Evaluation{scored(e(1, 0, nil), 18, 10)}, livret.EnCours, 0, true},
		{"score alone, failed", []livret.Evaluation{scored(e(1, 0, nil), 4, 10)}, livret.NonAcquise, 0, false},
		{"critères of another compétence ignored", []livret.Evaluation{{ID: 1, Competences: []string{"C1.1"}, Date: day, Criteres: res("C2.1.1", a)}}, livret.NonEvaluee, 0, true},
	} {
		blocs := livret.Compute(r, []string{"BC01"}, tc.evals, nil)
		got := blocs[0].Competences[0]
		if got.Code != "C1.1" || got.Etat != tc.want || got.Acquis() != tc.acquis || got.ScoreReached() != tc.reached {
			t.Errorf("%s: %s %s, %d acquired, score reached %v; want %s, %d, %v", tc.name, got.Code, got.Etat, got.Acquis(), got.ScoreReached(), tc.want, tc.acquis, tc.reached)
		}
	}
}

func TestValidate(t *testing.T) {
	r := ref(t)
	now := day.AddDate(0, 1, 0)
	for _, tc := range []struct {
		name  string
		e     livret.Evaluation
		field string // "" = valid
	}{
		{"valid, form defaulted", livret.Evaluation{Competences: []string{"C1.4"}, Date: day, Criteres: map[string]livret.Resultat{"C1.4.1": livret.Acquis}}, ""},
		{"no compétence", livret.Evaluation{Date: day, Criteres: map[string]livret.Resultat{"C1.4.1": livret.Acquis}}, "competence"},
		{"unknown compétence", livret.Evaluation{Competences: []string{"C9.9"}, Date: day, Score: f(1), Bareme: f(2)}, "competence"},
		{"critère of another compétence", livret.Evaluation{Competences: []string{"C1.4"}, Date: day, Criteres: map[string]livret.Resultat{"C2.1.1": livret.Acquis}}, "criteres.C2.1.1"},
		{"unknown result", livret.Evaluation{Competences: []string{"C1.4"}, Date: day, Criteres: map[string]livret.Resultat{"C1.4.1": "peut-être"}}, "criteres.C1.4.1"},
		{"future date", livret.Evaluation{Competences: []string{"C1.4"}, Date: now.AddDate(0, 0, 3), Criteres: map[string]livret.Resultat{"C1.4.1": livret.Acquis}}, "date"},
		{"score above the scale", livret.Evaluation{Competences: []string{"C1.4"}, Date: day, Score: f(25), Bareme: f(20)}, "score"},
		{"score without scale", livret.Evaluation{Competences: []string{"C1.4"}, Date: day, Score: f(12)}, "score"},
		{"nothing recorded", livret.Evaluation{Competences: []string{"C1.4"}, Date: day}, "criteres"},
	} {
		e := tc.e
		err := e.Validate(r, now)
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.field != "" && (!errors.Is(err, apperr.Invalid) || apperr.FieldErrors(err)[tc.field] == ""):
			t.Errorf("%s: %v, want a problem on %q", tc.name, err, tc.field)
		}
		if tc.name == "valid, form defaulted" && e.Forme != referentiel.Quiz {
			t.Errorf("form not defaulted from the référentiel: %q", e.Forme)
		}
	}
}

func TestComputeBlocValidation(t *testing.T) {
	r := ref(t)
	all := func(code string) map[string]livret.Resultat {
		_, c, _ := r.Competence(code)
		m := map[string]livret.Resultat{}
		for _, k := range c.Criteres {
			m[k.Code] = livret.Acquis
		}
		return m
	}
	var evals []livret.Evaluation
	id := int64(1)
	b3, _ := r.Bloc("BC03")
	for _, c := range b3.Competences {
		evals = append(evals, livret.Evaluation{ID: id, Competences: []string{c.Code}, Date: day, Criteres: all(c.Code)})
		id++
	}
	// C3.1 is later evaluated again, not acquired, then that entry is corrected: the correction counts.
	evals = append(evals, livret.Evaluation{ID: 10, Competences: []string{"C3.1"}, Date: day.AddDate(0, 0, 5), Criteres: map[string]livret.Resultat{"C3.1.1": livret.NonAcquis}})
	states := livret.Compute(r, []string{"BC03"}, evals, nil)
	if len(states) != 1 || states[0].Competences[0].Etat != livret.EnCours || states[0].Valide {
		t.Fatalf("latest entry must count: %+v", states[0].Competences[0])
	}
	evals = append(evals, livret.Evaluation{ID: 11, Competences: []string{"C3.1"}, Date: day.AddDate(0, 0, 6), Criteres: all("C3.1"), Remplace: 10})
	states = livret.Compute(r, []string{"BC03"}, evals, nil)
	if states[0].Acquises() != 3 || states[0].Valide {
		t.Fatalf("all acquired but no project: acquises %d valide %v", states[0].Acquises(), states[0].Valide)
	}
	if evals[len(evals)-2].RemplaceePar != 11 || len(states[0].Competences[0].Historique) != 3 {
		t.Errorf("superseded entry not linked or history incomplete")
	}
	projet := []livret.Projet{{Bloc: "BC03", Titre: "KPI", Decision: livret.Attente}}
	if livret.Compute(r, []string{"BC03"}, evals, projet)[0].Valide {
		t.Error("bloc validated while the project awaits a decision")
	}
	projet[0].Decision = livret.Valide
	if !livret.Compute(r, []string{"BC03"}, evals, projet)[0].Valide {
		t.Error("bloc not validated with every compétence acquired and the project validated (R4)")
	}
	if err := livret.ValidateDecision(livret.Refuse, " "); apperr.FieldErrors(err)["commentaire"] == "" {
		t.Error("a refusal needs a comment")
	}
}

// TestEvaluationListsAreDeduplicatedAndCapped: 100,000 × C1.1 is one compétence; more
// compétences or critères than the référentiel has give one message, not one per item.
func TestEvaluationListsAreDeduplicatedAndCapped(t *testing.T) {
	r := ref(t)
	many := make([]string, 100_000)
	for i := range many {
		many[i] = "C1.1"
	}
	e := livret.Evaluation{Competences: many, Date: day, Criteres: map[string]livret.Resultat{"C1.1.1": livret.Acquis}}
	if err := e.Validate(r, day); err != nil || len(e.Competences) != 1 {
		t.Errorf("100,000 × C1.1: %v, %d compétences kept", err, len(e.Competences))
	}
	distinct := make([]string, 15)
	for i := range distinct {
		distinct[i] = "X" + strconv.Itoa(i)
	}
	e = livret.Evaluation{Competences: distinct, Forme: "quiz", Date: day, Score: f(1), Bareme: f(2)}
	if f := apperr.FieldErrors(e.Validate(r, day)); len(f) != 1 || f["competence"] == "" {
		t.Errorf("15 distinct compétences: %v", f)
	}
	crit := map[string]livret.Resultat{}
	for i := range 1000 {
		crit["C9.9."+strconv.Itoa(i)] = livret.Acquis
	}
	e = livret.Evaluation{Competences: []string{"C1.1"}, Forme: "etude_de_cas", Date: day, Criteres: crit}
	if f := apperr.FieldErrors(e.Validate(r, day)); len(f) != 1 || f["criteres"] == "" {
		t.Errorf("1,000 critères: %v", f)
	}
	long := strings.Repeat("é", livret.MaxCommentaire+1)
	e = livret.Evaluation{Competences: []string{"C1.1"}, Forme: "quiz", Date: day, Criteres: map[string]livret.Resultat{"C1.1.1": livret.Acquis}, Commentaire: long}
	if apperr.FieldErrors(e.Validate(r, day))["commentaire"] == "" {
		t.Error("a comment over 4,000 characters was accepted")
	}
	if apperr.FieldErrors(livret.ValidateDecision(livret.Refuse, long))["commentaire"] == "" {
		t.Error("a decision comment over 4,000 characters was accepted")
	}
}

// TestEvaluationFormFollowsTheReferentiel: the référentiel gives each compétence its form (C2.4
// a TP, C1.1 an étude de cas); another form needs a written reason of at most 500 characters.
func TestEvaluationFormFollowsTheReferentiel(t *testing.T) {
	r := ref(t)
	crit := func(code string) map[string]livret.Resultat { return map[string]livret.Resultat{code: livret.Acquis} }
	for _, tc := range []struct {
		name  string
		e     livret.Evaluation
		field string
		motif string // the reason kept
	}{
		{"C2.4 by TP", livret.Evaluation{Competences: []string{"C2.4"}, Forme: referentiel.TP, Criteres: crit("C2.4.1")}, "", ""},
		{"C2.4 by TP, a reason is not kept", livret.Evaluation{Competences: []string{"C2.4"}, Forme: referentiel.TP, MotifForme: "inutile", Criteres: crit("C2.4.1")}, "", ""},
		{"C2.4 by quiz without a reason", livret.Evaluation{Competences: []string{"C2.4"}, Forme: referentiel.Quiz, Criteres: crit("C2.4.1")}, "motif_forme", ""},
		{"C2.4 by quiz, blank reason", livret.Evaluation{Competences: []string{"C2.4"}, Forme: referentiel.Quiz, MotifForme: "  \n ", Criteres: crit("C2.4.1")}, "motif_forme", ""},
		{"C2.4 by quiz with a reason", livret.Evaluation{Competences: []string{"C2.4"}, Forme: referentiel.Quiz, MotifForme: " Candidat absent au TP, rattrapage par quiz. ", Criteres: crit("C2.4.1")}, "", "Candidat absent au TP, rattrapage par quiz."},
		{"C2.4 by quiz, reason too long", livret.Evaluation{Competences: []string{"C2.4"}, Forme: referentiel.Quiz, MotifForme: strings.Repeat("é", 501), Criteres: crit("C2.4.1")}, "motif_forme", ""},
		{"C1.6 by TP (one of its three forms)", livret.Evaluation{Competences: []string{"C1.6"}, Forme: referentiel.TP, Criteres: crit("C1.6.1")}, "", ""},
		{"C1.1 and C1.4 by quiz: C1.1 is an étude de cas", livret.Evaluation{Competences: []string{"C1.4", "C1.1"}, Forme: referentiel.Quiz, Criteres: crit("C1.4.1")}, "motif_forme", ""},
	} {
		e := tc.e
		e.Date = day
		err := e.Validate(r, day)
		got := apperr.FieldErrors(err)
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.field != "" && got[tc.field] == "":
			t.Errorf("%s: %v, want a problem on %q", tc.name, err, tc.field)
		case tc.field == "" && e.MotifForme != tc.motif:
			t.Errorf("%s: reason kept %q, want %q", tc.name, e.MotifForme, tc.motif)
		}
	}
	e := livret.Evaluation{Competences: []string{"C2.4"}, Forme: referentiel.Quiz, Date: day, Criteres: crit("C2.4.1")}
	if msg := apperr.FieldErrors(e.Validate(r, day))["motif_forme"]; !strings.Contains(msg, "C2.4") || !strings.Contains(msg, "TP") {
		t.Errorf("the message should name the compétence and its form: %q", msg)
	}
}
