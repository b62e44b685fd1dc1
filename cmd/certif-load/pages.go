package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/livret"
	"github.com/certif/certif/internal/store"
)

// The signed-in pages a centre opens all day, measured next to the static file: the promotion
// matrix of 30 and of 500 candidates (each with every compétence evaluated once), a
// candidate's livret, the candidates list. The clients send the Accept-Encoding of a browser,
// so that compression is paid where a browser would make the server pay it.

// browserAcceptEncoding is what Chromium and Firefox send.
const browserAcceptEncoding = "gzip, deflate, br, zstd"

// benchPromotions are the promotions seeded into the demo centre of Lyon, with their size.
var benchPromotions = []struct {
	name string
	size int
}{{"BENCH-30", 30}, {"BENCH-500", 500}}

// seedPromotions adds the bench promotions to the database in data (server stopped): the
// candidates imported as the référent's import would, then one evaluation per compétence of
// each, as the demo formateur, with some critères not acquired. It returns the inscription
// whose livret is measured (the first of the 30).
func seedPromotions(data string) (int64, error) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(data, "certif.db"), store.Options{})
	if err != nil {
		return 0, err
	}
	defer st.Close()
	certs, err := st.Certifications(ctx)
	if err != nil || len(certs) == 0 {
		return 0, fmt.Errorf("certifications: %d, %v", len(certs), err)
	}
	_, ref, err := st.ActiveReferentiel(ctx, certs[0].ID)
	if err != nil {
		return 0, err
	}
	formateur, _, err := st.Credentials(ctx, "formateur@certif.demo")
	if err != nil {
		return 0, err
	}
	var first int64
	n := 0
	for _, pr := range benchPromotions {
		rows := make([]candidat.ImportRow, pr.size)
		for i := range rows {
			n++
			rows[i] = candidat.ImportRow{Line: i + 2, Candidat: candidat.Candidat{
				NomNaissance: fmt.Sprintf("Charge%04d", n), Prenoms: []string{"Camille"}, Sexe: candidat.Femme,
				DateNaissance: time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n), CommuneNaissance: "Lyon",
				CommuneNaissanceCode: "69123", Email: fmt.Sprintf("charge%04d@exemple.fr", n)},
				Inscription: candidat.Inscription{Voie: candidat.FormationContinue, Promotion: pr.name, Date: time.Now().AddDate(0, -3, 0)}}
		}
		if _, err := st.ImportCandidats(ctx, account.System, certs[0].ID, formateur.CentreID, rows); err != nil {
			return 0, fmt.Errorf("import %s: %w", pr.name, err)
		}
		list, err := st.Inscriptions(ctx, account.System, store.InscriptionFilter{CentreID: formateur.CentreID, Promotion: pr.name, Limit: 1000})
		if err != nil || len(list) != pr.size {
			return 0, fmt.Errorf("%s: %d inscriptions, %v", pr.name, len(list), err)
		}
		if first == 0 {
			first = list[0].ID
		}
		for i, ins := range list {
			for _, bl := range ref.Blocs {
				for k, c := range bl.Competences {
					ev := &livret.Evaluation{InscriptionID: ins.ID, Competences: []string{c.Code},
						Date: time.Now().AddDate(0, 0, -k-1), Criteres: map[string]livret.Resultat{}, Commentaire: "Évaluation de charge."}
					for j, cr := range c.Criteres {
						ev.Criteres[cr.Code] = livret.Acquis
						if (i+k+j)%7 == 0 {
							ev.Criteres[cr.Code] = livret.NonAcquis
						}
					}
					if err := st.AddEvaluation(ctx, account.ActorOf(formateur), ev, nil); err != nil {
						return 0, fmt.Errorf("evaluation: %w", err)
					}
				}
			}
		}
	}
	return first, nil
}

// signIn returns a client signed in as email (demo password) with its own cookie jar.
func signIn(base, email string, clients int) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: clients * 2, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"email": {email}, "password": {"certif-demo-2026"}}
	req, _ := http.NewRequest(http.MethodPost, base+"/connexion", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("sign-in %s: status %d", email, res.StatusCode)
	}
	return c, nil
}

// pageTarget is one measured URL; signedIn says whether it is fetched with the session.
type pageTarget struct {
	name, path string
	signedIn   bool
}

// centrePages measures the signed-in pages next to the static file, alternating rounds, and
// prints each one's throughput, latency, transferred size and ratio to the static file.
func centrePages(c config, base, static string, livretID int64, out io.Writer) error {
	staff, err := signIn(base, "referent@certif.demo", c.clients)
	if err != nil {
		return err
	}
	anon := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c.clients * 2, DisableCompression: true}, Timeout: 30 * time.Second}
	targets := []pageTarget{
		{"static file (reference)", static, false},
		{"promotion matrix, 30 candidates", "/promotions/BENCH-30", true},
		{"promotion matrix, 500 candidates", "/promotions/BENCH-500", true},
		{"a candidate's livret (14 evaluations)", fmt.Sprintf("/inscriptions/%d/livret", livretID), true},
		{"candidates list", "/candidats", true},
	}
	sizes := make([]int, len(targets))
	for i, tg := range targets {
		cl := anon
		if tg.signedIn {
			cl = staff
		}
		n, err := pageSize(cl, base+tg.path)
		if err != nil {
			return fmt.Errorf("%s: %w", tg.name, err)
		}
		sizes[i] = n
	}
	results := make([][]result, len(targets))
	for r := 0; r < c.rounds; r++ {
		for i, tg := range targets {
			cl := anon
			if tg.signedIn {
				cl = staff
			}
			u := base + tg.path
			res, err := hammerReq(cl, func() (*http.Request, error) {
				req, err := http.NewRequest(http.MethodGet, u, nil)
				if err == nil {
					req.Header.Set("Accept-Encoding", browserAcceptEncoding)
				}
				return req, err
			}, http.StatusOK, c.clients, c.duration)
			if err != nil {
				return fmt.Errorf("%s: %w", tg.name, err)
			}
			results[i] = append(results[i], res)
		}
	}
	ref := medianResult(results[0])
	fmt.Fprintf(out, "\nsigned-in pages of a centre (référent), Accept-Encoding: %s\n", browserAcceptEncoding)
	fmt.Fprintf(out, "%-44s %10s %9s %9s %9s %9s %12s\n", "target", "req/s", "p50", "p99", "sent", "ratio", "target")
	for i, tg := range targets {
		m := medianResult(results[i])
		ratio := m.rps / ref.rps
		goal := "—"
		if i > 0 {
			goal = "≥ 25 %"
			if ratio >= 0.25 {
				goal += " ok"
			} else {
				goal += " MISSED"
			}
		}
		fmt.Fprintf(out, "%-44s %10.0f %9s %9s %8.1fK %8.0f%% %12s\n", tg.name, m.rps, m.p50.Round(10*time.Microsecond), m.p99.Round(10*time.Microsecond), float64(sizes[i])/1024, ratio*100, goal)
	}
	return nil
}

// pageSize fetches u once as a browser would and returns the bytes sent (compressed or not),
// checking that the page is a real one (a promotion's matrix has its rows).
func pageSize(c *http.Client, u string) (int, error) {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept-Encoding", browserAcceptEncoding)
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, err
	}
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d", res.StatusCode)
	}
	if strings.Contains(u, "/promotions/") && res.Header.Get("Content-Encoding") == "" && !regexp.MustCompile(`/inscriptions/\d+/livret`).Match(b) {
		return 0, errors.New("the matrix has no row")
	}
	return len(b), nil
}
