package web

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
)

// seedPVSession creates, through the store, a session dated today of n VAE candidates
// (recevables) whose two-member jury decided every passage (a mix of results and absences)
// and signed the PV; it returns the session's id.
func seedPVSession(b testing.TB, e *testEnv, n int) int64 {
	ctx := b.Context()
	certs, _ := e.st.Certifications(ctx)
	orgs, _ := e.st.Organismes(ctx, account.System)
	var lyon int64
	for _, o := range orgs {
		if o.Nom == "Campus Numérique Lyon" {
			lyon = o.ID
		}
	}
	rows := make([]candidat.ImportRow, n)
	for i := range rows {
		rows[i] = candidat.ImportRow{Line: i + 2, Candidat: candidat.Candidat{NomNaissance: fmt.Sprintf("Jury%03d", i), Prenoms: []string{"Camille"}, Sexe: candidat.Femme,
			DateNaissance: time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i), CommuneNaissance: "Lyon", CommuneNaissanceCode: "69123",
			Email: fmt.Sprintf("jury%03d@exemple.fr", i)}, Inscription: candidat.Inscription{Voie: candidat.VAE, TypeVAE: candidat.VAEClassique, Promotion: "PV-200", Date: time.Now()}}
	}
	if _, err := e.st.ImportCandidats(ctx, account.System, certs[0].ID, lyon, rows); err != nil {
		b.Fatal(err)
	}
	list, err := e.st.Inscriptions(ctx, account.System, store.InscriptionFilter{Promotion: "PV-200", Limit: n + 1})
	if err != nil || len(list) != n {
		b.Fatalf("inscriptions: %d %v", len(list), err)
	}
	var members [2]*account.User
	for i, email := range []string{"jury@certif.demo", "jury2@certif.demo"} {
		if members[i], _, err = e.st.Credentials(ctx, email); err != nil {
			b.Fatal(err)
		}
	}
	admin := account.System
	js := &store.JurySession{CertificationID: certs[0].ID, CentreID: lyon, Date: time.Now(), Lieu: "Campus Numérique Lyon, amphithéâtre",
		DureePresentation: 20, DureeEntretienTechnique: 30, DureeEntretienFinal: 15}
	if err := e.st.CreateJurySession(ctx, admin, js); err != nil {
		b.Fatal(err)
	}
	for i, u := range members {
		if err := e.st.AddMembre(ctx, admin, js.ID, u.ID, i == 0); err != nil {
			b.Fatal(err)
		}
		if err := e.st.SetProfilJury(ctx, admin, u.ID, store.ProfilJury{Profession: "Directrice de la communication", College: jury.Employeur, Externe: true}, 0); err != nil {
			b.Fatal(err)
		}
	}
	var passages []int64
	for i, ins := range list {
		if _, err := e.st.RecordRecevabilite(ctx, admin, ins.ID, jury.Recevable, "Expérience suffisante."); err != nil {
			b.Fatal(err)
		}
		p := &store.Passage{SessionID: js.ID, InscriptionID: ins.ID, Heure: fmt.Sprintf("%02d:%02d", 8+i/20%10, i%20*3)}
		if err := e.st.AddPassage(ctx, admin, p); err != nil {
			b.Fatal(err)
		}
		if _, err := e.st.SetJures(ctx, admin, p.ID, []int64{members[0].ID, members[1].ID}); err != nil {
			b.Fatal(err)
		}
		passages = append(passages, p.ID)
	}
	for _, st := range []jury.Etat{jury.ConvocationsEnvoyees, jury.DossiersClos, jury.EnCours} {
		if _, err := e.st.MoveJurySession(ctx, admin, js.ID, st, 0); err != nil {
			b.Fatal(err)
		}
	}
	pres := account.ActorOf(members[0])
	for _, u := range members {
		if _, _, err := e.st.SignAttestation(ctx, account.ActorOf(u), js.ID, "192.0.2.10"); err != nil {
			b.Fatal(err)
		}
	}
	for i, id := range passages {
		blocs := map[string]jury.BlocDecision{}
		for k, code := range []string{"BC01", "BC02", "BC03"} {
			d := jury.BlocDecision{Decision: jury.NonValide, Motif: "Les critères du bloc ne sont pas démontrés à l'oral ni dans le dossier technique.",
				ResteAEvaluer: "Le bloc entier, sur un nouveau projet."}
			if (i+k)%3 != 0 {
				d = jury.BlocDecision{Decision: jury.Valide, Motif: "Compétences démontrées par le projet et confirmées en entretien technique."}
			}
			blocs[code] = d
		}
		presence := jury.Present
		if i%25 == 0 {
			presence, blocs = jury.Absent, nil
		}
		if _, err := e.st.Decide(ctx, pres, id, presence, blocs); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := e.st.MoveJurySession(ctx, admin, js.ID, jury.Deliberee, 0); err != nil {
		b.Fatal(err)
	}
	for _, u := range members {
		if _, _, err := e.st.SignPV(ctx, account.ActorOf(u), js.ID, "192.0.2.11"); err != nil {
			b.Fatal(err)
		}
	}
	return js.ID
}

// BenchmarkPV200 serves the PV de jury of a session of 200 passages (GET /sessions/{id}/pv.pdf,
// as the admin) and reports the median time per PV, its pages, and pages per second; beside
// it, the same run's median of the store's PV alone (the data, no PDF), the reference that
// says where the time goes.
func BenchmarkPV200(b *testing.B) {
	e := newEnv(b)
	id := seedPVSession(b, e, 200)
	c := e.login("admin@certif.demo")
	url := fmt.Sprintf("%s/sessions/%d/pv.pdf", e.ts.URL, id)
	var times, loads []time.Duration
	pages := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		res, err := c.Get(url)
		if err != nil || res.StatusCode != 200 {
			b.Fatalf("%v %v", err, res)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		times = append(times, time.Since(t0))
		pages = bytes.Count(body, []byte("/Type /Page\n")) + bytes.Count(body, []byte("/Type /Page ")) + bytes.Count(body, []byte("/Type /Page>"))
		t1 := time.Now()
		if _, err := e.st.PV(b.Context(), account.System, id); err != nil {
			b.Fatal(err)
		}
		loads = append(loads, time.Since(t1))
	}
	b.StopTimer()
	median := func(d []time.Duration) time.Duration {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d[len(d)/2]
	}
	m, l := median(times), median(loads)
	b.ReportMetric(float64(m.Microseconds())/1000, "ms/PV-median")
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(float64(pages)/m.Seconds(), "pages/s")
	b.ReportMetric(float64(l.Microseconds())/1000, "ms/data-median")
	b.Logf("PV of 200 passages: %d pages in %v (median of %d), %.0f pages/s; the store's data alone %v (%.0f%%)",
		pages, m, len(times), float64(pages)/m.Seconds(), l, 100*l.Seconds()/m.Seconds())
}
