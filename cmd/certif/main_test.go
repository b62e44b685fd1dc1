package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// waitReady waits for the server writing to out to say where it listens and returns that
// address: up to 30 s, since the demo's seed under -race on a loaded CI machine takes seconds
// (start-up itself is measured by make bench).
func waitReady(t *testing.T, out *syncBuffer) string {
	t.Helper()
	re := regexp.MustCompile(`prêt sur (http://127\.0\.0\.1:\d+)`)
	for range 1200 {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("server did not start: %q", out.String())
	return ""
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// cli runs one command to completion and returns its stdout.
func cli(t *testing.T, data string, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), append(args, "--data", data), env(nil), strings.NewReader(stdin), &out, &errb)
	return out.String(), err
}

func TestServeEndToEnd(t *testing.T) {
	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--demo"}, env(map[string]string{"CERTIF_DATA": data, "CERTIF_METRICS_TOKEN": "jeton-des-metriques"}), strings.NewReader(""), &out, io.Discard)
	}()
	base := waitReady(t, &out)
	for _, want := range []string{"admin@certif.demo", "referent@certif.demo", "formateur@certif.demo", "candidat@certif.demo", "jury@certif.demo", "certif-demo-2026"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("start-up output lacks %q", want)
		}
	}
	// /metrics comes last: its counters hold only the requests served before it.
	for _, c := range [][2]string{{"/healthz", "ok"}, {"/readyz", "ready"}, {"/referentiel", "Community Manager"}, {"/api/v1/certifications", `"code":"community-manager"`}, {"/metrics", "certif_http_requests_total"}} {
		path, want := c[0], c[1]
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		if path == "/metrics" {
			req.Header.Set("Authorization", "Bearer jeton-des-metriques")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("GET %s: %d, lacks %q", path, res.StatusCode, want)
		}
	}
	// /metrics without its token is refused (CERTIF_METRICS_TOKEN).
	if res, err := http.Get(base + "/metrics"); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("/metrics without token: %v %v", res, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(35 * time.Second):
		t.Fatal("no graceful shutdown")
	}
	if !strings.Contains(out.String(), "arrêté proprement") {
		t.Errorf("no shutdown message: %q", out.String())
	}
	if _, err := os.Stat(filepath.Join(data, "certif.db")); err != nil {
		t.Errorf("database not in the data folder: %v", err)
	}
}

func TestReferentielImportExport(t *testing.T) {
	data := t.TempDir()
	if _, err := cli(t, data, "", "migrate"); err != nil {
		t.Fatal(err)
	}
	if _, err := cli(t, data, "", "referentiel", "export"); err == nil || !strings.Contains(err.Error(), "aucun référentiel") {
		t.Errorf("export of an empty database: %v", err)
	}
	if _, err := cli(t, data, "", "demo"); err != nil {
		t.Fatal(err)
	}
	yml, err := cli(t, data, "", "referentiel", "export")
	if err != nil || !strings.Contains(yml, "code: C3.3.4") {
		t.Fatalf("export yaml: %v %.200s", err, yml)
	}
	js, err := cli(t, data, "", "referentiel", "export", "--format", "json")
	if err != nil || !strings.HasPrefix(strings.TrimSpace(js), "{") {
		t.Fatalf("export json: %v", err)
	}
	// Importing the same content adds no version; a changed one becomes version 2.
	file := filepath.Join(t.TempDir(), "ref.yaml")
	os.WriteFile(file, []byte(yml), 0o600)
	if out, err := cli(t, data, "", "referentiel", "import", file); err != nil || !strings.Contains(out, "version 1 active") {
		t.Errorf("same import: %v %q", err, out)
	}
	os.WriteFile(file, []byte(strings.Replace(yml, "rncp: \"\"", "rncp: RNCP99999", 1)), 0o600)
	if out, err := cli(t, data, "", "referentiel", "import", file); err != nil || !strings.Contains(out, "version 2 active (3 blocs, 14 compétences, 65 critères)") {
		t.Errorf("changed import: %v %q", err, out)
	}
	// A broken file is refused with the path of every problem, and nothing changes.
	broken := strings.Replace(strings.Replace(yml, "code: C1.2\n", "code: C1.9\n", 1), "intitule: Community Manager", "intitule: \"\"", 1)
	os.WriteFile(file, []byte(broken), 0o600)
	_, err = cli(t, data, "", "referentiel", "import", file)
	if err == nil {
		t.Fatal("broken file imported")
	}
	msg := userMessage(err)
	for _, want := range []string{"certification.intitule", "blocs[0].competences[1].code"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q: %s", want, msg)
		}
	}
	if out, _ := cli(t, data, "", "referentiel", "export"); !strings.Contains(out, "RNCP99999") {
		t.Error("active version changed by a refused import")
	}
}

func TestUserAddAndToken(t *testing.T) {
	data := t.TempDir()
	if _, err := cli(t, data, "", "demo"); err != nil {
		t.Fatal(err)
	}
	out, err := cli(t, data, "", "user", "add", "--email", "nouvel.admin@exemple.fr", "--role", "admin")
	if err != nil || !strings.Contains(out, "Mot de passe généré") {
		t.Fatalf("user add: %v %q", err, out)
	}
	if _, err := cli(t, data, "un mot de passe assez long\n", "user", "add", "--email", "f@exemple.fr", "--role", "formateur", "--centre", "51234567800019"); err != nil {
		t.Errorf("user add with centre: %v", err)
	}
	if _, err := cli(t, data, "court\n", "user", "add", "--email", "g@exemple.fr", "--role", "jury"); err == nil || !strings.Contains(userMessage(err), "12 caractères") {
		t.Errorf("short password accepted: %v", err)
	}
	if _, err := cli(t, data, "", "user", "add", "--email", "h@exemple.fr", "--role", "formateur"); err == nil || !strings.Contains(userMessage(err), "centre") {
		t.Errorf("formateur without centre: %v", err)
	}
	tok, err := cli(t, data, "", "token", "create", "--email", "nouvel.admin@exemple.fr")
	if err != nil || !strings.HasPrefix(tok, "ctf_") {
		t.Fatalf("token: %v %q", err, tok)
	}
	if _, err := cli(t, data, "", "token", "create", "--email", "nouvel.admin@exemple.fr", "--name", "court", "--expires", "7d"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"0d", "366d", "1y", "x"} {
		if _, err := cli(t, data, "", "token", "create", "--email", "nouvel.admin@exemple.fr", "--expires", bad); err == nil {
			t.Errorf("--expires %s accepted", bad)
		}
	}
	list, err := cli(t, data, "", "token", "list", "--email", "nouvel.admin@exemple.fr")
	in7 := time.Now().UTC().AddDate(0, 0, 7).Format(time.DateOnly)
	in90 := time.Now().UTC().AddDate(0, 0, 90).Format(time.DateOnly)
	if err != nil || strings.Count(list, "valide") != 2 || !strings.Contains(list, in7) || !strings.Contains(list, in90) || strings.Contains(list, "ctf_") {
		t.Fatalf("token list: %v\n%s", err, list)
	}
	id := regexp.MustCompile(`(?m)^(\d+)\s.*court$`).FindStringSubmatch(list)
	if id == nil {
		t.Fatalf("no id for the token « court »:\n%s", list)
	}
	if out, err := cli(t, data, "", "token", "revoke", "--id", id[1]); err != nil || !strings.Contains(out, "révoqué") {
		t.Errorf("token revoke: %v %q", err, out)
	}
	if _, err := cli(t, data, "", "token", "revoke", "--id", "9999"); err == nil || !strings.Contains(err.Error(), "introuvable") {
		t.Errorf("revoke unknown: %v", err)
	}
	list, _ = cli(t, data, "", "token", "list", "--email", "nouvel.admin@exemple.fr")
	if strings.Count(list, "valide") != 1 || strings.Count(list, "révoqué") != 1 {
		t.Errorf("after revoke:\n%s", list)
	}
}

func TestDefaultBaseURL(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080", ":8080": "http://localhost:8080",
		"0.0.0.0:80": "http://localhost:80", "[::]:8080": "http://localhost:8080", "certif.example:8080": "http://certif.example:8080",
	} {
		if got := defaultBaseURL(addr); got != want {
			t.Errorf("defaultBaseURL(%q) = %q, want %q", addr, got, want)
		}
	}
}

// TestGracefulShutdownFinishesInFlightRequests cancels the server (as SIGTERM does) while a
// large import is running: the import completes and the server then stops cleanly.
func TestGracefulShutdownFinishesInFlightRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	data := t.TempDir()
	if _, err := cli(t, data, "", "demo"); err != nil {
		t.Fatal(err)
	}
	tok, err := cli(t, data, "", "token", "create", "--email", "referent@certif.demo")
	if err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("Nom de naissance;Prénom;Sexe;Date de naissance;Commune de naissance;Code INSEE;E-mail;Voie d'accès;Promotion\n")
	for i := 0; i < 8000; i++ {
		fmt.Fprintf(&csv, "Arret%d;Zoé;F;01/02/1990;Lyon;69123;arret%d@exemple.fr;formation continue;ARRET\n", i, i)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data}, env(nil), strings.NewReader(""), &out, io.Discard)
	}()
	base := waitReady(t, &out)
	type result struct {
		status int
		body   string
		err    error
	}
	res := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/import/candidats", strings.NewReader(csv.String()))
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(tok))
		req.Header.Set("Content-Type", "text/csv")
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			res <- result{err: err}
			return
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		res <- result{status: r.StatusCode, body: string(b)}
	}()
	time.Sleep(150 * time.Millisecond) // the import is under way
	var got result
	select {
	case got = <-res:
		t.Fatalf("the import finished before the shutdown began (%d): the test proves nothing", got.status)
	default:
	}
	cancel()
	got = <-res
	if got.err != nil || got.status != http.StatusOK || !strings.Contains(got.body, `"created":8000`) {
		t.Fatalf("in-flight import: %v %d %.200s", got.err, got.status, got.body)
	}
	if err := <-done; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if !strings.Contains(out.String(), "arrêté proprement") {
		t.Error("no clean stop")
	}
}
