package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestDepositSlots: one deposit a person; at most n measures at a time, the others waiting
// until their request ends.
func TestDepositSlots(t *testing.T) {
	d := newDepositSlots(2)
	if !d.begin(7) || d.begin(7) || !d.begin(8) {
		t.Fatal("one deposit a person")
	}
	d.end(7)
	if !d.begin(7) {
		t.Fatal("after the end, again")
	}
	var running, most atomic.Int32
	release := make(chan struct{})
	done := make(chan error, 3)
	for i := 0; i < 3; i++ {
		go func() {
			done <- d.measure(context.Background(), func() {
				n := running.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				<-release
				running.Add(-1)
			})
		}()
	}
	for deadline := time.Now().Add(5 * time.Second); running.Load() < 2 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	// Both slots taken: a request that ends while waiting gives up.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := d.measure(ctx, func() { t.Error("measured without a slot") }); err == nil {
		t.Error("waiting request ended: no error")
	}
	close(release)
	for i := 0; i < 3; i++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	if most.Load() != 2 {
		t.Errorf("%d measures at a time, want 2", most.Load())
	}
}

// A second deposit of the same person while the first is under way: 429 next to the field
// on the page, JSON « too_many_requests » by the API; nothing read, nothing stored.
func TestDossierDepositBusy(t *testing.T) {
	e := newEnv(t)
	lea, _ := dossierIns(t, e)
	cand := e.login("candidat@certif.demo")
	tok := e.token("candidat@certif.demo")
	var user int64
	if err := e.st.DB().QueryRow(`SELECT id FROM users WHERE email = 'candidat@certif.demo'`).Scan(&user); err != nil {
		t.Fatal(err)
	}
	before := countFiles(t, e)
	e.srv.deposits.begin(user) // the first deposit, under way
	res, body := e.uploadForm(cand, lea, "cv", "cv.pdf", pdfBytes, "")
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Un dépôt est déjà en cours d’analyse") ||
		!strings.Contains(body, `id="fichier-cv-error"`) {
		t.Errorf("page: %d", res.StatusCode)
	}
	status, out := e.apiRaw("PUT", fmt.Sprintf("/api/v1/inscriptions/%d/dossier/pieces/cv", lea), tok, "application/pdf", pdfBytes)
	if status != http.StatusTooManyRequests || !strings.Contains(string(out), `"too_many_requests"`) || !strings.Contains(string(out), "en cours d’analyse") {
		t.Errorf("API: %d %s", status, out)
	}
	if after := countFiles(t, e); after != before {
		t.Errorf("%d files stored", after-before)
	}
	e.srv.deposits.end(user)
	if status, out := e.apiRaw("PUT", fmt.Sprintf("/api/v1/inscriptions/%d/dossier/pieces/cv", lea), tok, "application/pdf", pdfBytes); status != http.StatusCreated {
		t.Errorf("after the first: %d %s", status, out)
	}
}
