package main

// The write load: concurrent clients writing evaluations and corrections on one promotion,
// through the API with a bearer token, against real `certif serve` processes on SQLite or on
// PostgreSQL. Half of the clients read the growing list of evaluations before correcting one
// entry (as a person would); the other half add new evaluations. Afterwards the successful
// writes are counted against the rows found through the API, and the audit chain is verified.
//
//	go run ./cmd/certif-load write --bin ./bin/certif [--engines sqlite,postgres]
//	    [--postgres DSN (default $CERTIF_TEST_POSTGRES)] [--clients 50] [--duration 20s] [--servers 1]

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // a fresh schema per PostgreSQL run
)

type writeConfig struct {
	bin      string
	engines  string
	pgDSN    string
	clients  int
	duration time.Duration
	servers  int
	mixed    bool
}

// writeLoad runs `certif-load write`: one measurement per engine; an error (non-zero exit)
// when a count does not match, a request fails or the audit chain is broken.
func writeLoad(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("certif-load write", flag.ContinueOnError)
	var c writeConfig
	fs.StringVar(&c.bin, "bin", "./bin/certif", "the certif binary to measure")
	fs.StringVar(&c.engines, "engines", "sqlite,postgres", "engines to measure, comma-separated")
	fs.StringVar(&c.pgDSN, "postgres", os.Getenv("CERTIF_TEST_POSTGRES"), "PostgreSQL DSN (a fresh schema is created and dropped); empty skips PostgreSQL")
	fs.IntVar(&c.clients, "clients", 50, "concurrent clients (half of them read the list before correcting)")
	fs.DurationVar(&c.duration, "duration", 20*time.Second, "duration of the measurement")
	fs.IntVar(&c.servers, "servers", 1, "`certif serve` processes sharing the database (clients spread over them)")
	fs.BoolVar(&c.mixed, "mixed", true, "half the clients read the list then correct; false: every client adds (to isolate the reads' cost)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var failed []string
	for _, engine := range strings.Split(c.engines, ",") {
		engine = strings.TrimSpace(engine)
		if engine == "postgres" && c.pgDSN == "" {
			fmt.Fprintln(out, "write load on PostgreSQL: skipped (no --postgres DSN nor CERTIF_TEST_POSTGRES)")
			continue
		}
		if engine != "sqlite" && engine != "postgres" {
			return fmt.Errorf("unknown engine %q", engine)
		}
		if err := writeRun(c, engine, out); err != nil {
			fmt.Fprintf(out, "\n*** FAIL (%s): %v ***\n\n", engine, err)
			failed = append(failed, engine+": "+err.Error())
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("write load FAILED: %s", strings.Join(failed, "; "))
	}
	return nil
}

// writeTarget is one inscription of the promotion that takes evaluations.
type writeTarget struct {
	id     int64
	before int
}

// latencies collects durations from many goroutines.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) { l.mu.Lock(); l.d = append(l.d, d); l.mu.Unlock() }

func (l *latencies) line(name string, elapsed time.Duration) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return fmt.Sprintf("  %-34s %7d", name, 0)
	}
	s := append([]time.Duration(nil), l.d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	q := func(p int) time.Duration { return s[min(len(s)-1, len(s)*p/100)].Round(100 * time.Microsecond) }
	return fmt.Sprintf("  %-34s %7d %9.1f/s  p50 %9s  p99 %9s  max %9s", name, len(s), float64(len(s))/elapsed.Seconds(), q(50), q(99), s[len(s)-1].Round(time.Millisecond))
}

// writeStats is what the clients of one run observed.
type writeStats struct {
	create, correct, list, writes latencies
	ok                            sync.Map // id of every evaluation a 201 returned → true
	okCount, refused, failed      atomic.Int64
	firstErr                      atomic.Value
}

func (st *writeStats) fail(err error) {
	st.failed.Add(1)
	st.firstErr.CompareAndSwap(nil, err)
}

func writeRun(c writeConfig, engine string, out io.Writer) error {
	data, err := os.MkdirTemp("", "certif-writeload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(data)
	extra := []string{"--data", data}
	if engine == "postgres" {
		dsn, drop, err := freshSchema(c.pgDSN)
		if err != nil {
			return err
		}
		defer drop()
		extra = append(extra, "--database", dsn)
	}
	var procs []*proc
	defer func() {
		for _, p := range procs {
			p.stop()
		}
	}()
	for i := 0; i < max(1, c.servers); i++ { // one after the other: the first one migrates and seeds
		p, err := startServe(c.bin, extra...)
		if err != nil {
			return err
		}
		procs = append(procs, p)
	}
	tok, err := exec.Command(c.bin, append([]string{"token", "create", "--email", "formateur@certif.demo"}, extra...)...).Output()
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	w := &writer{client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c.clients * 2}, Timeout: 2 * time.Minute},
		token: strings.TrimSpace(string(tok))}
	targets, err := w.targets(procs[0].base)
	if err != nil {
		return err
	}

	// Reference: one client alone, writing new evaluations for 3 s (the unloaded service time).
	var solo writeStats
	w.run(procs, targets, 1, 3*time.Second, false, &solo)
	if n := solo.failed.Load(); n > 0 {
		return fmt.Errorf("single client: %d failed requests, first: %v", n, solo.firstErr.Load())
	}
	for i := range targets { // counts start after the reference run
		if targets[i].before, err = w.count(procs[0].base, targets[i].id); err != nil {
			return err
		}
	}

	var st writeStats
	cpu0, err := cpuTimes(procs)
	if err != nil {
		return err
	}
	t0 := time.Now()
	w.run(procs, targets, c.clients, c.duration, c.mixed, &st)
	elapsed := time.Since(t0)
	cpu1, err := cpuTimes(procs)
	if err != nil {
		return err
	}

	label := map[string]string{"sqlite": "SQLite", "postgres": "PostgreSQL"}[engine]
	readers := 0
	if c.mixed {
		readers = c.clients / 2
	}
	fmt.Fprintf(out, "write load on %s: %d server(s), %d clients (%d add evaluations, %d read the list then correct), %s, %d inscriptions of one promotion\n",
		label, len(procs), c.clients, c.clients-readers, readers, c.duration, len(targets))
	fmt.Fprintf(out, "  %-34s %7s %11s  %13s  %13s  %13s\n", "", "count", "rate", "", "", "")
	fmt.Fprintln(out, solo.writes.line("reference: 1 client, POST new", 3*time.Second))
	fmt.Fprintln(out, st.create.line("POST new evaluation", elapsed))
	fmt.Fprintln(out, st.list.line("GET list (before correcting)", elapsed))
	fmt.Fprintln(out, st.correct.line("POST correction", elapsed))
	fmt.Fprintln(out, st.writes.line("every write (POST)", elapsed))
	fmt.Fprintf(out, "  corrections refused because another client corrected the same entry first (422): %d\n", st.refused.Load())
	reqs := len(st.writes.d) + len(st.list.d)
	fmt.Fprintf(out, "  CPU during the run (%d cores): server(s) %.1f s = %.2f ms per request, load generator %.1f s\n",
		runtime.NumCPU(), (cpu1.server - cpu0.server).Seconds(), float64((cpu1.server-cpu0.server).Microseconds())/1000/float64(max(reqs, 1)),
		(cpu1.self - cpu0.self).Seconds())

	// The check: every 201 is a row, and every row added is a 201.
	var problems []string
	if n := st.failed.Load(); n > 0 {
		problems = append(problems, fmt.Sprintf("%d failed requests, first: %v", n, st.firstErr.Load()))
	}
	found, missing := 0, 0
	for _, tg := range targets {
		ids, err := w.list(procs[len(procs)-1].base, tg.id)
		if err != nil {
			return err
		}
		found += len(ids) - tg.before
		for _, e := range ids {
			st.ok.Delete(e.ID)
		}
	}
	st.ok.Range(func(any, any) bool { missing++; return true })
	verdict := "match"
	if int64(found) != st.okCount.Load() || missing > 0 {
		verdict = "MISMATCH"
		problems = append(problems, fmt.Sprintf("%d successful writes but %d rows found (%d acknowledged ids missing)", st.okCount.Load(), found, missing))
	}
	fmt.Fprintf(out, "  successful writes (201): %d   rows found afterwards through the API: %d   → %s\n", st.okCount.Load(), found, verdict)

	chain, err := exec.Command(c.bin, append([]string{"audit", "verify"}, extra...)...).Output()
	first, _, _ := strings.Cut(string(chain), "\n")
	fmt.Fprintf(out, "  audit chain after the run: %s\n\n", first)
	if err != nil {
		problems = append(problems, "audit chain: "+first)
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// startServe starts `certif serve --demo` on a free loopback port with extra flags.
func startServe(bin string, extra ...string) (*proc, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin, append([]string{"serve", "--demo", "--addr", addr}, extra...)...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	p := &proc{cmd: cmd, base: "http://" + addr}
	for time.Since(t0) < 60*time.Second {
		if res, err := http.Get(p.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				p.ready = time.Since(t0)
				return p, nil
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.stop()
	return nil, errors.New("server not ready after 60 s")
}

// freshSchema creates a schema for one run and returns the DSN using it and its drop.
func freshSchema(dsn string) (string, func(), error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, fmt.Errorf("--postgres: %w", err)
	}
	if h := u.Hostname(); h != "127.0.0.1" && h != "localhost" && h != "::1" {
		return "", nil, fmt.Errorf("--postgres: only a loopback server is measured, not %q", h)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "load_" + hex.EncodeToString(b[:])
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", nil, err
	}
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		db.Close()
		return "", nil, fmt.Errorf("create schema: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
		db.Close()
	}, nil
}

// writer is the API client of the write load.
type writer struct {
	client *http.Client
	token  string
}

func (w *writer) do(method, url, body string) (int, []byte, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+w.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := w.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	return res.StatusCode, b, err
}

// targets finds the inscriptions of the demo promotion that take evaluations of C1.4.
func (w *writer) targets(base string) ([]writeTarget, error) {
	code, b, err := w.do(http.MethodGet, base+"/api/v1/candidats?promotion=CM-2026-A", "")
	if err != nil || code != http.StatusOK {
		return nil, fmt.Errorf("list candidats: %d %v %s", code, err, b)
	}
	var cands []struct {
		Inscriptions []int64 `json:"inscriptions"`
	}
	if err := json.Unmarshal(b, &cands); err != nil {
		return nil, err
	}
	var out []writeTarget
	for _, c := range cands {
		for _, id := range c.Inscriptions {
			code, b, err := w.do(http.MethodGet, base+"/api/v1/inscriptions/"+strconv.FormatInt(id, 10), "")
			if err != nil || code != http.StatusOK {
				return nil, fmt.Errorf("inscription %d: %d %v", id, code, err)
			}
			if bytes.Contains(b, []byte(`"code":"C1.4"`)) { // has a livret (not VAE) aiming at bloc 1
				out = append(out, writeTarget{id: id})
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no inscription of the demo promotion takes evaluations")
	}
	return out, nil
}

type listedEval struct {
	ID           int64 `json:"id"`
	RemplaceePar int64 `json:"remplacee_par"`
}

func (w *writer) list(base string, ins int64) ([]listedEval, error) {
	code, b, err := w.do(http.MethodGet, base+"/api/v1/inscriptions/"+strconv.FormatInt(ins, 10)+"/evaluations", "")
	if err != nil || code != http.StatusOK {
		return nil, fmt.Errorf("list evaluations of %d: %d %v", ins, code, err)
	}
	var out []listedEval
	return out, json.Unmarshal(b, &out)
}

func (w *writer) count(base string, ins int64) (int, error) {
	l, err := w.list(base, ins)
	return len(l), err
}

// run starts clients loops for d over the servers; correctors (odd clients, when mixed) read
// the list then correct a recent entry. A request is never cancelled once sent: its outcome
// must be known for the count to be exact.
func (w *writer) run(procs []*proc, targets []writeTarget, clients int, d time.Duration, mixed bool, st *writeStats) {
	deadline := time.Now().Add(d)
	today := time.Now().Format(time.DateOnly)
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := procs[i%len(procs)].base
			ins := targets[i%len(targets)].id
			url := base + "/api/v1/inscriptions/" + strconv.FormatInt(ins, 10) + "/evaluations"
			corrector := mixed && i%2 == 1
			for n := 0; time.Now().Before(deadline); n++ {
				remplace := int64(0)
				if corrector {
					t := time.Now()
					l, err := w.list(base, ins)
					if err != nil {
						st.fail(err)
						continue
					}
					st.list.add(time.Since(t))
					var open []int64
					for k := len(l) - 1; k >= 0 && len(open) < 5; k-- {
						if l[k].RemplaceePar == 0 {
							open = append(open, l[k].ID)
						}
					}
					if len(open) > 0 {
						r, _ := rand.Int(rand.Reader, big.NewInt(int64(len(open))))
						remplace = open[r.Int64()]
					}
				}
				body := fmt.Sprintf(`{"competence":"C1.4","forme":"quiz","date":%q,"criteres":{"C1.4.1":"acquis","C1.4.2":"non_acquis"},"score":%d,"bareme":20,"seuil":10,"commentaire":"Charge %d-%d.","remplace":%d}`,
					today, 8+n%12, i, n, remplace)
				t := time.Now()
				code, b, err := w.do(http.MethodPost, url, body)
				lat := time.Since(t)
				switch {
				case err != nil:
					st.fail(fmt.Errorf("POST (outcome unknown): %w", err))
				case code == http.StatusCreated:
					var e listedEval
					if err := json.Unmarshal(b, &e); err != nil || e.ID == 0 {
						st.fail(fmt.Errorf("201 without an id: %s", b))
						continue
					}
					st.ok.Store(e.ID, true)
					st.okCount.Add(1)
					st.writes.add(lat)
					if remplace != 0 {
						st.correct.add(lat)
					} else {
						st.create.add(lat)
					}
				case code == http.StatusUnprocessableEntity && remplace != 0 && bytes.Contains(b, []byte("remplace")):
					st.refused.Add(1) // another client corrected this entry first
					st.writes.add(lat)
				default:
					st.fail(fmt.Errorf("POST: status %d: %.200s", code, b))
				}
			}
		}()
	}
	wg.Wait()
}

// cpuSample is the CPU time used so far by the servers and by this process.
type cpuSample struct{ server, self time.Duration }

// cpuTimes reads utime+stime of the server processes (/proc/PID/stat) and of this process.
func cpuTimes(procs []*proc) (cpuSample, error) {
	var c cpuSample
	const tick = 10 * time.Millisecond // USER_HZ = 100 on Linux
	for _, p := range procs {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/stat")
		if err != nil {
			return c, err
		}
		_, rest, _ := strings.Cut(string(b), ") ") // the command name may hold spaces
		f := strings.Fields(rest)
		if len(f) < 13 {
			return c, errors.New("short /proc stat")
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		c.server += time.Duration(u+s) * tick
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return c, err
	}
	c.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return c, nil
}
