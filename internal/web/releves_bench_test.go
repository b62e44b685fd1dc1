package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/document"
	"github.com/certif/certif/internal/edition"
	"github.com/certif/certif/internal/livret"
	"github.com/certif/certif/internal/store"
)

// seedPromotion adds promotion name of n candidates to the Lyon centre, each with one
// evaluation of every compétence (a few critères not acquired).
func seedPromotion(b testing.TB, e *testEnv, name string, n int) {
	ctx := b.Context()
	certs, _ := e.st.Certifications(ctx)
	_, ref, _ := e.st.ActiveReferentiel(ctx, certs[0].ID)
	orgs, _ := e.st.Organismes(ctx, account.System)
	var lyon int64
	for _, o := range orgs {
		if o.Nom == "Campus Numérique Lyon" {
			lyon = o.ID
		}
	}
	rows := make([]candidat.ImportRow, n)
	for i := range rows {
		rows[i] = candidat.ImportRow{Line: i + 2, Candidat: candidat.Candidat{NomNaissance: fmt.Sprintf("Releve%03d", i), Prenoms: []string{"Test"}, Sexe: candidat.Homme,
			DateNaissance: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i), CommuneNaissance: "Lyon", CommuneNaissanceCode: "69123",
			Email: fmt.Sprintf("releve%03d@exemple.fr", i)}, Inscription: candidat.Inscription{Voie: candidat.FormationContinue, Promotion: name, Date: time.Now()}}
	}
	if _, err := e.st.ImportCandidats(ctx, account.System, certs[0].ID, lyon, rows); err != nil {
		b.Fatal(err)
	}
	list, err := e.st.Inscriptions(ctx, account.System, store.InscriptionFilter{Promotion: name, Limit: n + 1})
	if err != nil || len(list) != n {
		b.Fatalf("inscriptions: %d %v", len(list), err)
	}
	formateur, _, _ := e.st.Credentials(ctx, "formateur@certif.demo")
	for i, ins := range list {
		for _, bl := range ref.Blocs {
			for k, c := range bl.Competences {
				ev := &livret.Evaluation{InscriptionID: ins.ID, Competences: []string{c.Code}, Date: time.Now().AddDate(0, 0, -k), Criteres: map[string]livret.Resultat{}}
				for j, cr := range c.Criteres {
					ev.Criteres[cr.Code] = livret.Acquis
					if (i+k+j)%7 == 0 {
						ev.Criteres[cr.Code] = livret.NonAcquis
					}
				}
				if err := e.st.AddEvaluation(ctx, account.ActorOf(formateur), ev, nil); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}

// BenchmarkRelevesPDF500 serves the relevés des évaluations of a promotion of 500 candidates
// (one page each, R10) and reports the median; BenchmarkRelevesData500 is the same request's
// data loading and assembly alone (no PDF rendering), where the number of queries shows.
func BenchmarkRelevesPDF500(b *testing.B) {
	e := newEnv(b)
	seedPromotion(b, e, "RELEVES-500", 500)
	c := e.login("referent@certif.demo")
	url := e.ts.URL + "/promotions/RELEVES-500/releves.pdf"
	var times []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		res, err := c.Get(url)
		if err != nil || res.StatusCode != 200 {
			b.Fatalf("%v %v", err, res)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		times = append(times, time.Since(t0))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms/op-median")
}

// relevesPerCandidate is how the relevés' data were loaded before PromotionDossiers: the
// promotion's livrets in bulk, then the inscription, the organisations and the certification
// once per candidate (three queries each). It is kept here as the reference of
// BenchmarkRelevesData500.
func relevesPerCandidate(s *Server, r *http.Request, promo string) ([]document.Releve, error) {
	u := currentUser(r)
	data, err := s.store.PromotionLivrets(r.Context(), actor(r), u.CentreID, promo)
	if err != nil {
		return nil, err
	}
	var rs []document.Releve
	for _, ld := range data {
		ins, err := s.store.Inscription(r.Context(), actor(r), ld.InscriptionID)
		if err != nil {
			return nil, err
		}
		ref, err := s.store.ReferentielVersion(r.Context(), ld.VersionID)
		if err != nil {
			return nil, err
		}
		orgs, err := s.store.Organismes(r.Context(), account.System)
		if err != nil {
			return nil, err
		}
		if _, err := s.store.Certification(r.Context(), ins.CertificationID); err != nil {
			return nil, err
		}
		d := &edition.Dossier{Candidat: ins.Candidat, Inscription: ins.Inscription, Certification: ins.Certification, Version: ins.Version,
			Ref: ref, Evals: ld.Evaluations, Projets: ld.Projets}
		rs = append(rs, edition.Releve(edition.Header(orgs, d), d, s.now()))
	}
	return rs, nil
}

// BenchmarkRelevesData500 loads and assembles the relevés of a 500-candidate promotion the
// current way (PromotionDossiers: a constant number of queries) and the former way (three
// queries per candidate), alternating in the same run, and reports both medians and their
// ratio: on a shared machine only the ratio means something.
func BenchmarkRelevesData500(b *testing.B) {
	e := newEnv(b)
	seedPromotion(b, e, "RELEVES-500", 500)
	u, _, err := e.st.Credentials(b.Context(), "referent@certif.demo")
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/promotions/RELEVES-500/releves.pdf", nil)
	r = r.WithContext(context.WithValue(r.Context(), userKey, u))
	measure := func(load func() ([]document.Releve, error)) time.Duration {
		t0 := time.Now()
		rs, err := load()
		if err != nil || len(rs) != 500 {
			b.Fatalf("%d relevés, %v", len(rs), err)
		}
		return time.Since(t0)
	}
	var bulk, per []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bulk = append(bulk, measure(func() ([]document.Releve, error) { return e.srv.promotionReleves(r, "RELEVES-500") }))
		per = append(per, measure(func() ([]document.Releve, error) { return relevesPerCandidate(e.srv, r, "RELEVES-500") }))
	}
	median := func(ts []time.Duration) time.Duration {
		sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
		return ts[len(ts)/2]
	}
	mb, mp := median(bulk), median(per)
	b.ReportMetric(float64(mb.Microseconds())/1000, "ms-bulk-median")
	b.ReportMetric(float64(mp.Microseconds())/1000, "ms-per-candidate-median")
	b.ReportMetric(float64(mp)/float64(mb), "speedup-x")
}
