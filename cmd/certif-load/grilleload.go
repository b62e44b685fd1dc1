package main

// The grid load: 50 jurors of one session saving their grids at once, as during the orals,
// through PUT /api/v1/passages/{id}/grille with the version they last read, against a real
// `certif serve` on SQLite or on PostgreSQL. A few extra clients share a juror's grid with
// another client (two windows of one juror) to provoke stale saves (409). Afterwards every
// save is checked against grille_saisies: each acknowledged save is the row of its version
// with its own content (none lost), no refused save's content is anywhere (none silently
// written over another), and each grid's versions run 1..n with n its acknowledged saves.
//
//	go run ./cmd/certif-load grille --bin ./bin/certif [--engines sqlite,postgres]
//	    [--postgres DSN (default $CERTIF_TEST_POSTGRES)] [--jurors 50] [--pairs 5] [--passages 10] [--duration 20s]

import (
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // the check reads grille_saisies of the SQLite run
)

type grilleConfig struct {
	bin      string
	engines  string
	pgDSN    string
	jurors   int
	pairs    int
	passages int
	duration time.Duration
	think    time.Duration
}

// grilleTarget is the p99 a save must stay under on SQLite (the target).
const grilleTarget = 50 * time.Millisecond

// grilleLoad runs `certif-load grille`: one measurement per engine; an error (non-zero exit)
// when a request fails or a save is lost or written over another. A latency over its target
// is printed MISSED without failing: on a shared machine it is the machine's as much as ours.
func grilleLoad(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("certif-load grille", flag.ContinueOnError)
	var c grilleConfig
	fs.StringVar(&c.bin, "bin", "./bin/certif", "the certif binary to measure")
	fs.StringVar(&c.engines, "engines", "sqlite,postgres", "engines to measure, comma-separated")
	fs.StringVar(&c.pgDSN, "postgres", os.Getenv("CERTIF_TEST_POSTGRES"), "PostgreSQL DSN (a fresh schema is created and dropped); empty skips PostgreSQL")
	fs.IntVar(&c.jurors, "jurors", 50, "jurors of the session, one client each")
	fs.IntVar(&c.pairs, "pairs", 5, "extra clients on the grid of an already busy juror (a second window), to provoke 409s")
	fs.IntVar(&c.passages, "passages", 10, "passages of the session (the jurors spread over them)")
	fs.DurationVar(&c.duration, "duration", 20*time.Second, "duration of each measurement (paced, then saturated)")
	fs.DurationVar(&c.think, "think", 500*time.Millisecond, "mean pause of a juror between two saves in the paced run (uniform in ±50 %)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.jurors < 1 || c.jurors > 200 || c.pairs < 0 || c.pairs > c.jurors || c.passages < 1 || c.passages > c.jurors {
		return errors.New("--jurors 1..200, --pairs 0..jurors, --passages 1..jurors")
	}
	var failed []string
	for _, engine := range strings.Split(c.engines, ",") {
		engine = strings.TrimSpace(engine)
		if engine == "postgres" && c.pgDSN == "" {
			fmt.Fprintln(out, "grid load on PostgreSQL: skipped (no --postgres DSN nor CERTIF_TEST_POSTGRES)")
			continue
		}
		if engine != "sqlite" && engine != "postgres" {
			return fmt.Errorf("unknown engine %q", engine)
		}
		if err := grilleRun(c, engine, out); err != nil {
			fmt.Fprintf(out, "\n*** FAIL (%s): %v ***\n\n", engine, err)
			failed = append(failed, engine+": "+err.Error())
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("grid load FAILED: %s", strings.Join(failed, "; "))
	}
	return nil
}

// grJuror is one juror of the run: their token and passage.
type grJuror struct {
	email, token string
	passage      int64
	userID       int64
}

// grSave is an acknowledged (or refused) save: whose grid, which version, its mark.
type grSave struct {
	passage, user int64
	version       int64
	mark          string
}

type grilleStats struct {
	saves, reference, saturated latencies
	landed, refused             []grSave
	mu                          sync.Mutex
	failed                      atomic.Int64
	firstErr                    atomic.Value
}

func (st *grilleStats) fail(err error) {
	st.failed.Add(1)
	st.firstErr.CompareAndSwap(nil, err)
}

func grilleRun(c grilleConfig, engine string, out io.Writer) error {
	data, err := os.MkdirTemp("", "certif-grilleload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(data)
	extra := []string{"--data", data}
	dsn := ""
	if engine == "postgres" {
		var drop func()
		if dsn, drop, err = freshSchema(c.pgDSN); err != nil {
			return err
		}
		defer drop()
		extra = append(extra, "--database", dsn)
	}
	p, err := startServe(c.bin, extra...)
	if err != nil {
		return err
	}
	defer p.stop()
	var db *sql.DB
	if engine == "postgres" {
		db, err = sql.Open("pgx", dsn)
	} else {
		db, err = sql.Open("sqlite", "file:"+filepath.Join(data, "certif.db")+"?_pragma=busy_timeout(10000)")
	}
	if err != nil {
		return err
	}
	defer db.Close()
	rb := func(q string) string { // ? → $n on PostgreSQL
		if engine != "postgres" {
			return q
		}
		for n := 1; strings.Contains(q, "?"); n++ {
			q = strings.Replace(q, "?", "$"+strconv.Itoa(n), 1)
		}
		return q
	}

	t0 := time.Now()
	jurors, err := grilleSeed(c, p.base, extra, db, rb)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	seeded := time.Since(t0)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2 * (c.jurors + c.pairs)}, Timeout: 2 * time.Minute}

	// Reference: one juror alone saving for 3 s (the unloaded service time). Then the jurors
	// as during the orals, each pausing about --think between two saves (a juror taps, reads,
	// listens: a save every half-second each is already a hurried jury); then the same clients
	// without any pause, to find the saturation (there a closed loop's latency is clients ÷
	// throughput, Little's law: it measures the throughput, not a juror's wait).
	var solo grilleStats
	grilleClients(client, p.base, "reference", jurors[:1], 0, 0, 3*time.Second, &solo, &solo.reference)
	var st grilleStats
	st.landed, st.refused = append(st.landed, solo.landed...), append(st.refused, solo.refused...)
	cpu0, err := cpuTimes([]*proc{p})
	if err != nil {
		return err
	}
	start := time.Now()
	grilleClients(client, p.base, "paced", jurors, c.pairs, c.think, c.duration, &st, &st.saves)
	elapsed := time.Since(start)
	cpu1, err := cpuTimes([]*proc{p})
	if err != nil {
		return err
	}
	paced, pacedRefused := len(st.landed)-len(solo.landed), len(st.refused)-len(solo.refused)
	start = time.Now()
	grilleClients(client, p.base, "saturated", jurors, c.pairs, 0, c.duration, &st, &st.saturated)
	elapsedSat := time.Since(start)

	label := map[string]string{"sqlite": "SQLite", "postgres": "PostgreSQL"}[engine]
	fmt.Fprintf(out, "grid load on %s: %d jurors of one session over %d passages (seeded in %s), %d clients (%d extra on a busy juror's grid: two windows), %s per run\n",
		label, len(jurors), c.passages, seeded.Round(time.Millisecond), len(jurors)+c.pairs, c.pairs, c.duration)
	fmt.Fprintln(out, solo.reference.line("reference: 1 juror alone, PUT", 3*time.Second))
	fmt.Fprintln(out, st.saves.line(fmt.Sprintf("PUT, each juror every ~%s", c.think), elapsed))
	fmt.Fprintln(out, st.saturated.line("PUT, no pause (saturation)", elapsedSat))
	p99 := st.saves.quantile(99)
	verdict := "ok"
	if p99 >= grilleTarget {
		verdict = "MISSED"
	}
	if engine == "sqlite" {
		fmt.Fprintf(out, "  save latency (paced) p50 %s, p99 %s — target p99 < %s on SQLite: %s; reference p50 %s (ratio p50 %.1f×)\n",
			st.saves.quantile(50), p99, grilleTarget, verdict, solo.reference.quantile(50), ratio(st.saves.quantile(50), solo.reference.quantile(50)))
	} else {
		fmt.Fprintf(out, "  save latency (paced) p50 %s, p99 %s (the target is SQLite's: %s); reference p50 %s (ratio p50 %.1f×)\n",
			st.saves.quantile(50), p99, grilleTarget, solo.reference.quantile(50), ratio(st.saves.quantile(50), solo.reference.quantile(50)))
	}
	if n := len(st.saves.d); n > 0 {
		load, _ := os.ReadFile("/proc/loadavg")
		fmt.Fprintf(out, "  server CPU in the paced run: %.2f ms per save (%d cores; machine load average %s)\n",
			float64((cpu1.server-cpu0.server).Microseconds())/1000/float64(n), runtime.NumCPU(), strings.Join(strings.Fields(string(load))[:3], " "))
	}
	fmt.Fprintf(out, "  saves landed (200): paced %d, saturated %d   refused as stale (409): paced %d, saturated %d\n",
		paced, len(st.landed)-len(solo.landed)-paced, pacedRefused, len(st.refused)-len(solo.refused)-pacedRefused)

	var problems []string
	if n := st.failed.Load() + solo.failed.Load(); n > 0 {
		first := st.firstErr.Load()
		if first == nil {
			first = solo.firstErr.Load()
		}
		problems = append(problems, fmt.Sprintf("%d failed requests, first: %v", n, first))
	}
	lost, overwritten, gaps, err := grilleCheck(db, rb, jurors, st.landed, st.refused)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  check against grille_saisies: lost writes %d, silently overwritten %d, grids whose versions ≠ 1..acknowledged saves %d (each must be 0)\n\n", lost, overwritten, gaps)
	if lost+overwritten+gaps > 0 {
		problems = append(problems, fmt.Sprintf("%d lost, %d overwritten, %d grids with gaps", lost, overwritten, gaps))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// ratio is a / b (0 when b is 0).
func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// quantile returns the p-th percentile of the collected durations.
func (l *latencies) quantile(p int) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), l.d...)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)].Round(100 * time.Microsecond)
}

// grilleSeed creates, through the API, the jurors, a session of today with them as members
// (the first presides) and their attestations; through SQL (as the store's tests do) the
// passages of demo inscriptions, the jurors assigned to them and the session « en cours »
// (the convocation's eligibility and the composition's rules are not the matter here).
func grilleSeed(c grilleConfig, base string, extra []string, db *sql.DB, rb func(string) string) ([]grJuror, error) {
	tokenOf := func(email string) (string, error) {
		b, err := exec.Command(c.bin, append([]string{"token", "create", "--email", email}, extra...)...).Output()
		if err != nil {
			return "", fmt.Errorf("token for %s: %w", email, err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	admin, err := tokenOf("admin@certif.demo")
	if err != nil {
		return nil, err
	}
	w := &writer{client: &http.Client{Timeout: time.Minute}, token: admin}
	var centre int64
	if err := db.QueryRow(rb(`SELECT id FROM organismes WHERE certificateur = ? ORDER BY id LIMIT 1`), false).Scan(&centre); err != nil {
		return nil, fmt.Errorf("a training centre: %w", err)
	}
	code, b, err := w.do(http.MethodPost, base+"/api/v1/sessions", fmt.Sprintf(`{"certification_id":1,"date":%q,"lieu":"Campus, salle 2","centre_id":%d,
		"duree_presentation_min":20,"duree_entretien_technique_min":25,"duree_entretien_final_min":15}`, time.Now().Format(time.DateOnly), centre))
	if err != nil || code != http.StatusCreated {
		return nil, fmt.Errorf("create session: %d %v %.300s", code, err, b)
	}
	var session struct{ ID int64 }
	if err := json.Unmarshal(b, &session); err != nil {
		return nil, err
	}
	rows, err := db.Query(rb(`SELECT id FROM inscriptions WHERE certification_id = ? ORDER BY id LIMIT ?`), 1, c.passages)
	if err != nil {
		return nil, err
	}
	var passages []int64
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	var insIDs []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		insIDs = append(insIDs, id)
	}
	rows.Close()
	if len(insIDs) < c.passages {
		return nil, fmt.Errorf("only %d demo inscriptions for %d passages", len(insIDs), c.passages)
	}
	for i, ins := range insIDs {
		var id int64
		q := `INSERT INTO passages (session_id, inscription_id, heure, presence, version, created_at) VALUES (?, ?, ?, '', 1, ?) RETURNING id`
		var at any = now
		if strings.Contains(rb("?"), "$") {
			at = time.Now().UTC()
		}
		if err := db.QueryRow(rb(q), session.ID, ins, fmt.Sprintf("%02d:%02d", 8+i/2, 30*(i%2)), at).Scan(&id); err != nil {
			return nil, fmt.Errorf("passage: %w", err)
		}
		passages = append(passages, id)
	}
	jurors := make([]grJuror, c.jurors)
	for i := range jurors {
		j := &jurors[i]
		j.email, j.passage = fmt.Sprintf("jure%02d.charge@exemple.fr", i+1), passages[i%len(passages)]
		code, b, err := w.do(http.MethodPost, base+"/api/v1/users", fmt.Sprintf(`{"email":%q,"prenom":"Juré","nom":"Numéro %d","role":"jury"}`, j.email, i+1))
		if err != nil || code != http.StatusCreated {
			return nil, fmt.Errorf("create juror: %d %v %.300s", code, err, b)
		}
		var u struct{ ID int64 }
		if err := json.Unmarshal(b, &u); err != nil {
			return nil, err
		}
		j.userID = u.ID
		if code, b, err := w.do(http.MethodPost, base+fmt.Sprintf("/api/v1/sessions/%d/membres", session.ID), fmt.Sprintf(`{"user_id":%d,"president":%v}`, u.ID, i == 0)); err != nil || code != http.StatusOK {
			return nil, fmt.Errorf("member: %d %v %.300s", code, err, b)
		}
		if _, err := db.Exec(rb(`INSERT INTO passage_jures (passage_id, user_id) VALUES (?, ?)`), j.passage, u.ID); err != nil {
			return nil, fmt.Errorf("assign: %w", err)
		}
		if j.token, err = tokenOf(j.email); err != nil {
			return nil, err
		}
		jw := &writer{client: w.client, token: j.token}
		if code, b, err := jw.do(http.MethodPost, base+fmt.Sprintf("/api/v1/sessions/%d/attestations", session.ID), ""); err != nil || code != http.StatusCreated {
			return nil, fmt.Errorf("attestation: %d %v %.300s", code, err, b)
		}
	}
	if _, err := db.Exec(rb(`UPDATE jury_sessions SET etat = ? WHERE id = ?`), "en_cours", session.ID); err != nil {
		return nil, err
	}
	return jurors, nil
}

// grilleClients runs one client per juror, plus pairs clients on the grids of the first
// jurors, for d: each reads its grid once, then changes a rating and marks the appraisal with
// a text of its own and saves it with the version it holds; a 409 hands it the current grid
// (error.conflict.current), from which it goes on. A request is never cancelled once sent.
func grilleClients(client *http.Client, base, run string, jurors []grJuror, pairs int, think, d time.Duration, st *grilleStats, lat *latencies) {
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for i := 0; i < len(jurors)+pairs; i++ {
		j := jurors[i%len(jurors)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			if think > 0 { // the jurors do not all start at the same instant
				time.Sleep(rand.N(think))
			}
			w := &writer{client: client, token: j.token}
			url := base + "/api/v1/passages/" + strconv.FormatInt(j.passage, 10) + "/grille"
			code, b, err := w.do(http.MethodGet, url, "")
			if err != nil || code != http.StatusOK {
				st.fail(fmt.Errorf("GET grid: %d %v %.200s", code, err, b))
				return
			}
			var g map[string]any
			if err := json.Unmarshal(b, &g); err != nil {
				st.fail(err)
				return
			}
			notes := []string{"acquis", "non_acquis", "non_evalue"}
			for n := 0; time.Now().Before(deadline); n++ {
				if think > 0 {
					time.Sleep(think/2 + rand.N(think))
					if !time.Now().Before(deadline) {
						break
					}
				}
				comps, _ := g["competences"].([]any)
				if len(comps) > 0 {
					comp := comps[rand.IntN(len(comps))].(map[string]any)
					if ks, _ := comp["criteres"].([]any); len(ks) > 0 {
						k := ks[rand.IntN(len(ks))].(map[string]any)
						k["presentation"], k["entretien"] = notes[rand.IntN(3)], notes[rand.IntN(3)]
					}
				}
				mark := fmt.Sprintf("%s: client %d save %d", run, i, n)
				g["entretien_final"] = map[string]any{"comprehension": notes[n%3], "vision": "acquis", "culture": "non_evalue", "remarque": mark}
				delete(g, "enregistree_le")
				body, _ := json.Marshal(g)
				version := int64(g["version"].(float64))
				t := time.Now()
				code, b, err := w.do(http.MethodPut, url, string(body))
				lat.add(time.Since(t))
				switch {
				case err != nil:
					st.fail(fmt.Errorf("PUT (outcome unknown): %w", err))
					return
				case code == http.StatusOK:
					var saved map[string]any
					if err := json.Unmarshal(b, &saved); err != nil || int64(saved["version"].(float64)) != version+1 {
						st.fail(fmt.Errorf("200 with version %v after %d: %.200s", saved["version"], version, b))
						return
					}
					g = saved
					st.mu.Lock()
					st.landed = append(st.landed, grSave{j.passage, j.userID, version + 1, mark})
					st.mu.Unlock()
				case code == http.StatusConflict:
					var e struct {
						Error struct {
							Conflict struct {
								Current map[string]any `json:"current"`
							} `json:"conflict"`
						} `json:"error"`
					}
					if err := json.Unmarshal(b, &e); err != nil || e.Error.Conflict.Current == nil {
						st.fail(fmt.Errorf("409 without the current grid: %.200s", b))
						return
					}
					g = e.Error.Conflict.Current
					st.mu.Lock()
					st.refused = append(st.refused, grSave{j.passage, j.userID, version + 1, mark})
					st.mu.Unlock()
				default:
					st.fail(fmt.Errorf("PUT: status %d: %.200s", code, b))
					return
				}
			}
		}()
	}
	wg.Wait()
}

// grilleCheck compares the saves with grille_saisies: an acknowledged save whose version row
// is missing or holds another mark is lost; a refused save's mark found in any row was
// written silently; a grid whose rows are not exactly versions 1..n, n its acknowledged
// saves, has gaps (or saves nobody was told about). Only the run's jurors' grids are read.
func grilleCheck(db *sql.DB, rb func(string) string, jurors []grJuror, landed, refused []grSave) (lost, overwritten, gaps int, err error) {
	type key struct{ passage, user, version int64 }
	type grid struct{ passage, user int64 }
	// The run's grids only (the demo has grids of its own sessions).
	ours := map[grid]bool{}
	for _, j := range jurors {
		ours[grid{j.passage, j.userID}] = true
	}
	rows, err := db.Query(rb(`SELECT passage_id, user_id, version, data FROM grille_saisies`))
	if err != nil {
		return 0, 0, 0, err
	}
	defer rows.Close()
	marks := map[key]string{}
	seen := map[string]bool{}
	versions := map[grid][]int64{}
	for rows.Next() {
		var k key
		var data string
		if err := rows.Scan(&k.passage, &k.user, &k.version, &data); err != nil {
			return 0, 0, 0, err
		}
		if !ours[grid{k.passage, k.user}] {
			continue
		}
		var g struct {
			EntretienFinal struct {
				Remarque string `json:"remarque"`
			} `json:"entretien_final"`
		}
		if err := json.Unmarshal([]byte(data), &g); err != nil {
			return 0, 0, 0, err
		}
		marks[k] = g.EntretienFinal.Remarque
		seen[g.EntretienFinal.Remarque] = true
		versions[grid{k.passage, k.user}] = append(versions[grid{k.passage, k.user}], k.version)
	}
	if err := rows.Err(); err != nil {
		return 0, 0, 0, err
	}
	acked := map[grid]int64{}
	for _, s := range landed {
		if marks[key{s.passage, s.user, s.version}] != s.mark {
			lost++
		}
		acked[grid{s.passage, s.user}]++
	}
	for _, s := range refused {
		if seen[s.mark] {
			overwritten++
		}
	}
	for g, vs := range versions {
		slices.Sort(vs)
		ok := int64(len(vs)) == acked[g]
		for i, v := range vs {
			ok = ok && v == int64(i+1)
		}
		if !ok {
			gaps++
		}
	}
	for g, n := range acked {
		if _, ok := versions[g]; !ok && n > 0 {
			gaps++
		}
	}
	return lost, overwritten, gaps, nil
}
