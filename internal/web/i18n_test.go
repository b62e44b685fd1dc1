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
	for _, e := range []string{"acquise", "en_cours", "non_acquise", "non_evaluee"} {
		ids["etat."+e] = true
	}
	for _, a := range []string{"organisme.create", "organisme.update", "referentiel.import", "token.create", "token.revoke", "user.create", "user.password", "user.update",
		"candidat.create", "candidat.import", "candidat.update", "evaluation.add", "file.save", "inscription.create", "inscription.statut", "module.create", "module.update",
		"projet.decide", "projet.submit", "seance.add", "seance.delete", "seance.update", "stage.create", "stage.fiche", "stage.link", "stage.update", "user.activate", "user.activation"} {
		ids["audit."+a] = true
	}
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
		{formatDate("fr", d), "12 mars 2027"},
		{formatDate("fr", time.Date(2027, 8, 1, 10, 0, 0, 0, time.UTC)), "1er août 2027"},
		{formatDateTime("fr", d), "12 mars 2027 à 14\u00a0h\u00a005"},
		{formatDate("en", d), "12 March 2027"},
		{formatInt("fr", 48750), "48\u00a0750"},
		{formatDate("fr", time.Time{}), "—"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
