package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/demo"
	"github.com/certif/certif/internal/livret"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/store/storetest"
)

// The kept pages are per user and never outlive a write: a new evaluation shows at once on
// the livret and the matrix of everyone who saw them before, another centre's staff still get
// a 404, and a signed-out client gets nothing.
func TestPageCachePerUserInvalidatedOnWrite(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ins := bloc1Inscription(t, e)
	livretPath := "/inscriptions/" + itoa64(ins) + "/livret"
	ref := e.login("referent@certif.demo")
	form := e.login("formateur@certif.demo")
	for range 2 { // built, then kept
		for _, c := range []*http.Client{ref, form} {
			if res, body := e.fetch(c, livretPath, "br"); res.StatusCode != http.StatusOK || strings.Contains(string(body), "Marqueur-cache-1") {
				t.Fatalf("livret: status %d", res.StatusCode)
			}
			_, _ = e.fetch(c, "/promotions/"+demo.Promotion, "gzip")
			_, _ = e.fetch(c, "/candidats", "")
		}
	}
	if len(e.srv.pages.pages) == 0 {
		t.Fatal("nothing kept")
	}
	if res, _ := e.fetch(e.login("formateur.nantes@certif.demo"), livretPath, "br"); res.StatusCode != http.StatusNotFound {
		t.Errorf("another centre's formateur: status %d, want 404", res.StatusCode)
	}

	// A write through the store, as another process would do it.
	formateur, _, _ := e.st.Credentials(ctx, "formateur@certif.demo")
	ev := &livret.Evaluation{InscriptionID: ins, Competences: []string{"C1.1"}, Date: time.Now().AddDate(0, 0, -1),
		Criteres: map[string]livret.Resultat{"C1.1.1": livret.Acquis}, Commentaire: "Marqueur-cache-1"}
	if err := e.st.AddEvaluation(ctx, account.ActorOf(formateur), ev, nil); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*http.Client{"référent": ref, "formateur": form} {
		for _, enc := range []string{"br", "gzip", ""} {
			if _, body := e.fetch(c, livretPath, enc); !strings.Contains(string(body), "Marqueur-cache-1") {
				t.Errorf("%s, %q: the livret does not show the evaluation written after it was kept", name, enc)
			}
		}
	}

	// Signed out, nothing kept is served.
	res := e.post(ref, "/deconnexion", nil)
	res.Body.Close()
	if res, _ := e.fetch(ref, livretPath, "br"); res.StatusCode == http.StatusOK {
		t.Error("signed out: the kept livret is still served")
	}
}

// A write by another process sharing the database (here a second store on the same file)
// shows on a kept page within store.ChangeMarkTTL.
func TestPageCacheSeesAnotherProcessWrite(t *testing.T) {
	st, other := storetest.Twin(t)
	e := newEnvOn(t, st)
	ctx := context.Background()
	ins := bloc1Inscription(t, e)
	path := "/inscriptions/" + itoa64(ins) + "/livret"
	ref := e.login("referent@certif.demo")
	for range 2 {
		if res, body := e.fetch(ref, path, "br"); res.StatusCode != http.StatusOK || strings.Contains(string(body), "Marqueur-autre-processus") {
			t.Fatalf("livret: status %d", res.StatusCode)
		}
	}
	formateur, _, _ := other.Credentials(ctx, "formateur@certif.demo")
	ev := &livret.Evaluation{InscriptionID: ins, Competences: []string{"C1.1"}, Date: time.Now().AddDate(0, 0, -1),
		Criteres: map[string]livret.Resultat{"C1.1.1": livret.Acquis}, Commentaire: "Marqueur-autre-processus"}
	if err := other.AddEvaluation(ctx, account.ActorOf(formateur), ev, nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(store.ChangeMarkTTL + 20*time.Millisecond)
	if _, body := e.fetch(ref, path, "br"); !strings.Contains(string(body), "Marqueur-autre-processus") {
		t.Errorf("another process's evaluation not shown on the kept livret after %s", store.ChangeMarkTTL)
	}
}

// bloc1Inscription returns an inscription of the demo promotion aiming at bloc 1, in training.
func bloc1Inscription(t *testing.T, e *testEnv) int64 {
	t.Helper()
	list, err := e.st.Inscriptions(context.Background(), account.System, store.InscriptionFilter{Promotion: demo.Promotion})
	if err != nil {
		t.Fatalf("inscriptions: %v", err)
	}
	for _, row := range list {
		if row.Voie != candidat.VAE && (len(row.BlocsVises) == 0 || slices.Contains(row.BlocsVises, "BC01")) {
			return row.ID
		}
	}
	t.Fatal("no inscription on bloc 1 in the demo promotion")
	return 0
}
