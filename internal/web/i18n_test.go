package web

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
)

// usedMessageIDs collects the message ids written literally in templates and Go code, plus
// the ids built at run time from known values.
func usedMessageIDs(t *testing.T) map[string]bool {
	ids := map[string]bool{}
	pair := regexp.MustCompile(`\b(?:gone|message)\([^)]*\)`)
	quoted := regexp.MustCompile(`"([a-z0-9_]+(?:\.[a-z0-9_]+)+)"`)
	lit := regexp.MustCompile(`\b(?:T|base|msg|userFormPage|pageFor|gone|message)\(?[^"()]*"([a-z0-9_]+(?:\.[a-z0-9_]+)+)"`)
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".html") || strings.HasSuffix(p, ".go")) || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			ids[m[1]] = true
		}
		for _, call := range pair.FindAllString(string(b), -1) { // calls naming a title and a message
			for _, m := range quoted.FindAllStringSubmatch(call, -1) {
				ids[m[1]] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ids["home.referent.heading"], ids["home.formateur.heading"] = true, true
	byText, err := validationIDs()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range byText { // looked up by their French text (translator.validation)
		ids[id] = true
	}
	for _, r := range account.Roles {
		ids["role."+string(r)], ids["role."+string(r)+".plural"] = true, true
	}
	for _, m := range referentiel.Modalites {
		ids["modalite."+string(m)] = true
	}
	for _, f := range referentiel.Formes {
		ids["forme."+string(f)] = true
	}
	for _, k := range errorKinds {
		ids["error."+k.code], ids["error."+k.code+".title"] = true, true
	}
	ids["error.internal"], ids["error.internal.title"] = true, true
	for _, n := range store.AppreciationNiveaux {
		ids["stage.niveau."+n] = true
	}
	for _, d := range []string{"valide", "refuse", "attente"} {
		ids["projet.decision."+d] = true
	}
	for _, v := range candidat.Statuts {
		ids["statut."+string(v)] = true
	}
	for _, v := range candidat.Voies {
		ids["voie."+string(v)] = true
	}
	for _, v := range []candidat.TypeVAE{candidat.CongeVAE, candidat.VAEClassique} {
		ids["type_vae."+string(v)] = true
	}
	for _, d := range []string{"valide", "non_valide"} { // the jury's decisions (deliberation, PV)
		ids["decision."+d] = true
	}
	for _, e := range []string{"acquise", "en_cours", "non_acquise", "non_evaluee"} {
		ids["etat."+e], ids["matrice.lettre."+e] = true, true
	}
	// The dossier's labels, by kind, rule, state, origin of a brief (dossier.go).
	for _, k := range append(dossier.Kinds(), dossier.SystemKinds()...) {
		ids["dossier.kind."+string(k)] = true
	}
	for _, r := range dossierRegles {
		ids["dossier.regle."+r] = true
	}
	for _, st := range []dossier.Statut{dossier.StatutOK, dossier.StatutAttention, dossier.StatutManquant, dossier.StatutNonMesurable} {
		ids["dossier.statut."+string(st)] = true
	}
	ids["dossier.statut.sans_objet"] = true                                     // a display state (CheckLine.State)
	for _, code := range []string{"competences", "resume", "realisation_url"} { // the plan items filled elsewhere
		ids["dossier.item."+code] = true
	}
	for _, o := range (&DossierPage{}).Origines() {
		ids["dossier.origine."+string(o)] = true
	}
	for _, a := range []string{"dossier.anchor.projets", "dossier.anchor.resume", "dossier.cov.covered", "dossier.cov.awaiting", "dossier.cov.none"} {
		ids[a] = true
	}
	for _, e := range []string{store.CourrielEnAttente, store.CourrielEnvoye, store.CourrielEchec} {
		ids["courriel.state."+e] = true
	}
	for _, a := range []string{"organisme.create", "organisme.update", "referentiel.import", "certification.update", "token.create", "token.revoke", "user.create", "user.password", "user.update",
		"candidat.create", "candidat.import", "candidat.update", "evaluation.add", "file.save", "inscription.create", "inscription.statut", "module.create", "module.update",
		"projet.decide", "projet.submit", "projet.file.remove", "seance.add", "seance.delete", "seance.update", "stage.create", "stage.fiche", "stage.link", "stage.update", "user.activate", "user.activation", "login", "login.failed",
		"candidat.merge", "candidat.merged", "file.discard", "file.sweep",
		"courriel.resend", "courriel.fail", "user.reset_request", "user.reset", "user.email",
		"certificateur.create", "certificateur.update", "candidat.correction",
		"inscription.update", "dossier_piece.add", "dossier_resume.save", "dossier_projet.create", "dossier_projet.update", "dossier_projet.delete", "dossier_projet.approve", "dossier.reopen", "dossier.reminder", "file.download", "document.download",
		"jury_session.create", "jury_session.update", "jury_session.membre", "jury_session.attestation", "passage.create", "passage.jures", "recevabilite.create",
		"passage.convocation", "passage.rappel",
		"passage.grille", "passage.decision", "jury_session.pv_signature", "jury_session.pv_amendement"} { // the last four: journal.go Op
		ids["audit."+a] = true
	}
	// The jury's vocabularies, named by their codes (sessions, the account and inscription pages).
	for _, e := range jury.Etats() {
		ids["jury_etat."+string(e)] = true
	}
	for _, p := range []jury.Presence{jury.Present, jury.Absent, jury.Excuse} {
		ids["presence."+string(p)] = true
	}
	for _, r := range jury.Resultats() {
		ids["resultat."+string(r)] = true
	}
	for _, c := range (&UserFormPage{}).Colleges() {
		ids["college."+string(c)] = true
	}
	ids["recevabilite."+string(jury.Recevable)], ids["recevabilite."+string(jury.NonRecevable)] = true, true
	return ids
}

func TestEveryMessageIsTranslated(t *testing.T) {
	ids := usedMessageIDs(t)
	if len(ids) < 100 {
		t.Fatalf("only %d ids found: the scan is broken", len(ids))
	}
	for _, lang := range []string{"fr", "en"} {
		b, err := localeFS.ReadFile("locales/" + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]any
		if err := json.Unmarshal(b, &msgs); err != nil {
			t.Fatal(err)
		}
		for id := range ids {
			if _, ok := msgs[id]; !ok {
				t.Errorf("%s.json lacks %q", lang, id)
			}
		}
		for id := range msgs {
			if !ids[id] {
				t.Errorf("%s.json has unused %q", lang, id)
			}
		}
	}
}

func TestFrenchFormats(t *testing.T) {
	d := time.Date(2027, 3, 12, 13, 5, 0, 0, time.UTC)
	for _, tc := range []struct{ got, want string }{
		{formatDate("fr", d), "12\u00a0mars\u00a02027"},
		{formatDate("fr", time.Date(2027, 8, 1, 10, 0, 0, 0, time.UTC)), "1er\u00a0août\u00a02027"},
		{formatDateTime("fr", d), "12\u00a0mars\u00a02027 à 14\u00a0h\u00a005"},
		{formatDate("en", d), "12 March 2027"},
		{formatDateTime("en", d), "12 March 2027, 14:05"},
		{formatInt("fr", 48750), "48\u202f750"},
		{formatInt("en", 48750), "48,750"},
		{formatDate("fr", time.Time{}), "—"},
		{formatDate("en", time.Time{}), "—"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// French counts 0 and 1 in the singular, in every message that shows a count; counts are
// grouped by thousands; a million (CLDR's French "many") falls back to the plural.
func TestPlurals(t *testing.T) {
	tr, err := newTranslator()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang, id string
		args     []any
		want     string
	}{
		{"fr", "candidats.count", []any{"Count", 0}, "0 inscription"},
		{"fr", "candidats.count", []any{"Count", 1}, "1 inscription"},
		{"fr", "candidats.count", []any{"Count", 2}, "2 inscriptions"},
		{"fr", "candidats.count", []any{"Count", 1234}, "1\u202f234 inscriptions"},
		{"fr", "candidats.count", []any{"Count", 1000000}, "1\u202f000\u202f000 inscriptions"},
		{"en", "candidats.count", []any{"Count", 0}, "0 registrations"},
		{"en", "candidats.count", []any{"Count", 1}, "1 registration"},
		{"fr", "import.done", []any{"Created", 0, "Existing", 0, "New", 0},
			"Import terminé\u202f: 0 inscription créée, 0 déjà présente, 0 nouveau candidat."},
		{"fr", "import.done", []any{"Created", 1, "Existing", 2, "New", 1},
			"Import terminé\u202f: 1 inscription créée, 2 déjà présentes, 1 nouveau candidat."},
		{"fr", "import.done", []any{"Created", 3, "Existing", 1, "New", 3},
			"Import terminé\u202f: 3 inscriptions créées, 1 déjà présente, 3 nouveaux candidats."},
		{"en", "import.done", []any{"Created", 1, "Existing", 0, "New", 2},
			"Import complete: 1 registration created, 0 already present, 2 new candidates."},
	} {
		if got := tr.T(tc.lang, tc.id, tc.args...); got != tc.want {
			t.Errorf("%s %s %v = %q, want %q", tc.lang, tc.id, tc.args, got, tc.want)
		}
	}
}

// Messages whose counts come from the référentiel or the livret agree in number with them.
func TestCountAgreement(t *testing.T) {
	tr, err := newTranslator()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang, id string
		args     []any
		want     string
	}{
		{"fr", "referentiel.counts", []any{"Blocs", 1, "Competences", 1, "Criteres", 0}, "1 bloc de compétences, 1 compétence, 0 critère d’évaluation"},
		{"fr", "referentiel.counts", []any{"Blocs", 3, "Competences", 14, "Criteres", 65}, "3 blocs de compétences, 14 compétences, 65 critères d’évaluation"},
		{"en", "referentiel.counts", []any{"Blocs", 1, "Competences", 2, "Criteres", 1}, "1 skills block, 2 skills, 1 assessment criterion"},
		{"fr", "livret.acquises", []any{"N", 0, "Total", 1}, "0/1 compétence acquise"},
		{"fr", "livret.acquises", []any{"N", 3, "Total", 14}, "3/14 compétences acquises"},
		{"fr", "livrables.video_regle", []any{"Min", 2, "Minutes", 1}, "au moins 2 vidéos de 1 minute au maximum, réalisées par le candidat"},
		{"en", "livrables.video_regle", []any{"Min", 1, "Minutes", 5}, "at least 1 video of no more than 5 minutes, made by the candidate"},
		{"fr", "work.candidat.competences_detail", []any{"Count", 1}, "vos formateurs l’évaluent après chaque module"},
		{"fr", "work.candidat.dossier_red", []any{"Count", 1}, "1 point non conforme"},
		{"fr", "work.candidat.dossier_orange", []any{"Count", 2}, "2 points à revoir"},
	} {
		if got := tr.T(tc.lang, tc.id, tc.args...); got != tc.want {
			t.Errorf("%s %s %v = %q, want %q", tc.lang, tc.id, tc.args, got, tc.want)
		}
	}
	if got := tr.T("fr", "livrables.delai", "Jours", 1); !strings.Contains(got, "1 jour avant") {
		t.Errorf("délai of one day = %q", got)
	}
}
