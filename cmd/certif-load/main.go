// Command certif-load measures a real `certif serve` process on this machine: start-up time on
// an existing database, throughput and latency of pages under concurrent clients next to a
// static file served by the same process (the reference, measured in the same run), and
// resident memory after a fixed number of requests.
//
// Only loopback addresses are ever targeted; every loop is bounded in time and count.
//
//	go run ./cmd/certif-load --bin ./bin/certif [--clients 32] [--duration 5s]
//	go run ./cmd/certif-load write --bin ./bin/certif [--engines sqlite,postgres] (see writeload.go)
//	go run ./cmd/certif-load grille --bin ./bin/certif [--engines sqlite,postgres] (see grilleload.go)
//	go run ./cmd/certif-load upload --bin ./bin/certif [--size 500000000] (see upload.go)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "certif-load:", err)
		os.Exit(1)
	}
}

type config struct {
	bin      string
	clients  int
	duration time.Duration
	rounds   int
	// importRows is the size of the large import measured (and a tenth of it, to show that
	// memory stays flat); 0 skips the import measurement.
	importRows int
	// pages measures the signed-in pages of a centre (pages.go).
	pages bool
}

func run(args []string, out io.Writer) error {
	if len(args) > 0 && args[0] == "write" {
		return writeLoad(args[1:], out) // writeload.go
	}
	if len(args) > 0 && args[0] == "grille" {
		return grilleLoad(args[1:], out) // grilleload.go
	}
	if len(args) > 0 && args[0] == "upload" {
		return uploadLoad(args[1:], out) // upload.go
	}
	fs := flag.NewFlagSet("certif-load", flag.ContinueOnError)
	var c config
	fs.StringVar(&c.bin, "bin", "./bin/certif", "the certif binary to measure")
	fs.IntVar(&c.clients, "clients", 32, "concurrent clients")
	fs.DurationVar(&c.duration, "duration", 4*time.Second, "duration of each measurement")
	fs.IntVar(&c.rounds, "rounds", 3, "alternating rounds per target (the median is kept)")
	fs.IntVar(&c.importRows, "import-rows", 100_000, "candidates in the large CSV import (0: skip)")
	fs.BoolVar(&c.pages, "pages", true, "measure the signed-in pages of a centre (promotions of 30 and 500 seeded)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	data, err := os.MkdirTemp("", "certif-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(data)

	// First start creates and fills the database; the second one is the measured start-up.
	p, err := start(c.bin, data)
	if err != nil {
		return err
	}
	p.stop()
	var livretID int64
	if c.pages {
		t0 := time.Now()
		if livretID, err = seedPromotions(data); err != nil {
			return fmt.Errorf("seed the bench promotions: %w", err)
		}
		fmt.Fprintf(out, "seeded promotions of 30 and 500 candidates, 14 evaluations each, in %s\n", time.Since(t0).Round(time.Millisecond))
	}
	startups := make([]time.Duration, 0, 5)
	for i := 0; i < 5; i++ {
		p, err = start(c.bin, data)
		if err != nil {
			return err
		}
		startups = append(startups, p.ready)
		if i < 4 {
			p.stop()
		}
	}
	defer p.stop()
	fmt.Fprintf(out, "certif-load: %d clients, %s per measurement, %d rounds, GOMAXPROCS of the server = machine cores\n\n", c.clients, c.duration, c.rounds)
	fmt.Fprintf(out, "start-up to ready on an existing database: median %s (5 starts; target < 1 s)\n\n", median(startups).Round(time.Millisecond))

	static, err := staticURL(p.base)
	if err != nil {
		return err
	}
	targets := []struct{ name, path string }{
		{"static file (reference)", static},
		{"référentiel page (HTML)", "/referentiel"},
		{"GET /api/v1/certifications/1/referentiel", "/api/v1/certifications/1/referentiel"},
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c.clients * 2, DisableCompression: true}, Timeout: 10 * time.Second}
	results := make([][]result, len(targets))
	for r := 0; r < c.rounds; r++ { // alternate targets so that machine noise hits them alike
		for i, tg := range targets {
			res, err := hammer(client, p.base+tg.path, c.clients, c.duration)
			if err != nil {
				return fmt.Errorf("%s: %w", tg.name, err)
			}
			results[i] = append(results[i], res)
		}
	}
	ref := medianResult(results[0])
	fmt.Fprintf(out, "%-44s %10s %9s %9s %9s %8s\n", "target", "req/s", "p50", "p99", "ratio", "target")
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
		fmt.Fprintf(out, "%-44s %10.0f %9s %9s %8.0f%% %8s\n", tg.name, m.rps, m.p50.Round(10*time.Microsecond), m.p99.Round(10*time.Microsecond), ratio*100, goal)
	}

	if c.pages {
		if err := centrePages(c, p.base, static, livretID, out); err != nil {
			return err
		}
		fmt.Fprintln(out)
	}

	// One evaluation save through the API, as the demo formateur, 32 clients at once.
	tok, err := exec.Command(c.bin, "token", "create", "--email", "formateur@certif.demo", "--data", data).Output()
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	evalURL := p.base + "/api/v1/inscriptions/1/evaluations"
	body := `{"competence":"C1.4","forme":"quiz","date":"` + time.Now().Format(time.DateOnly) + `","criteres":{"C1.4.1":"acquis","C1.4.2":"acquis"},"score":15,"bareme":20,"seuil":10,"commentaire":"Mesure de charge."}`
	ev, err := hammerPost(client, evalURL, strings.TrimSpace(string(tok)), body, c.clients, c.duration)
	if err != nil {
		return fmt.Errorf("evaluation save: %w", err)
	}
	fmt.Fprintf(out, "%-44s %10.0f %9s %9s %8.0f%% %8s\n", "POST …/evaluations (one save, SQLite)", ev.rps, ev.p50.Round(10*time.Microsecond), ev.p99.Round(10*time.Microsecond), ev.rps/ref.rps*100, "p99")

	// Resident memory after 10,000 more requests on a mix of pages.
	paths := []string{"/referentiel", "/api/v1/certifications/1/referentiel", "/", static, "/api/v1/certifications", "/connexion"}
	if err := fixedCount(client, p.base, paths, 10_000, c.clients); err != nil {
		return err
	}
	rss, err := residentMB(p.cmd.Process.Pid)
	if err != nil {
		return err
	}
	verdict := "ok"
	if rss >= 80 {
		verdict = "MISSED"
	}
	fmt.Fprintf(out, "\nresident memory after 10 000 requests (+ the runs above): %.1f MB (target < 80 MB: %s)\n", rss, verdict)
	p.stop()
	if c.importRows > 0 {
		return importBench(c.bin, []int{c.importRows / 10, c.importRows}, out)
	}
	return nil
}

// proc is a running `certif serve`.
type proc struct {
	cmd   *exec.Cmd
	base  string
	ready time.Duration
}

func start(bin, data string) (*proc, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin, "serve", "--demo", "--data", data, "--addr", addr)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	p := &proc{cmd: cmd, base: "http://" + addr}
	deadline := t0.Add(20 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(p.base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				p.ready = time.Since(t0)
				return p, nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	p.stop()
	return nil, errors.New("server not ready after 20 s")
}

func (p *proc) stop() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// staticURL finds the hashed URL of the stylesheet in the home page: a real static file.
func staticURL(base string) (string, error) {
	res, err := http.Get(base + "/")
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	m := regexp.MustCompile(`href="(/static/[0-9a-f]+/css/app\.css)"`).FindSubmatch(b)
	if m == nil {
		return "", errors.New("no stylesheet link in the home page")
	}
	return string(m[1]), nil
}

type result struct {
	rps      float64
	p50, p99 time.Duration
}

// hammer runs clients loops of GET url for d and returns throughput and latency percentiles.
func hammer(client *http.Client, url string, clients int, d time.Duration) (result, error) {
	return hammerReq(client, func() (*http.Request, error) { return http.NewRequest(http.MethodGet, url, nil) }, http.StatusOK, clients, d)
}

// hammerReq runs clients loops of the request built by mk for d, expecting status want.
func hammerReq(client *http.Client, mk func() (*http.Request, error), want, clients int, d time.Duration) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var mu sync.Mutex
	var lat []time.Duration
	var failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	t0 := time.Now()
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 4096)
			for ctx.Err() == nil && len(local) < 2_000_000 {
				s := time.Now()
				req, err := mk()
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
					return
				}
				res, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						failed.Add(1)
						firstErr.CompareAndSwap(nil, err)
					}
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != want {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Errorf("status %d", res.StatusCode))
					continue
				}
				local = append(local, time.Since(s))
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)
	if n := failed.Load(); n > 0 {
		return result{}, fmt.Errorf("%d failed requests, first: %v", n, firstErr.Load())
	}
	if len(lat) == 0 {
		return result{}, errors.New("no request completed")
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return result{rps: float64(len(lat)) / elapsed.Seconds(), p50: lat[len(lat)/2], p99: lat[len(lat)*99/100]}, nil
}

// hammerPost runs clients loops of POST url with a bearer token for d.
func hammerPost(client *http.Client, url, token, body string, clients int, d time.Duration) (result, error) {
	return hammerReq(client, func() (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		if err == nil {
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
		}
		return req, err
	}, http.StatusCreated, clients, d)
}

// fixedCount sends exactly n requests spread over paths with the given concurrency.
func fixedCount(client *http.Client, base string, paths []string, n, clients int) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, clients)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := next.Add(1) - 1
				if k >= int64(n) {
					return
				}
				res, err := client.Get(base + paths[k%int64(len(paths))])
				if err != nil {
					errc <- err
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}()
	}
	wg.Wait()
	close(errc)
	return <-errc
}

// residentMB reads VmRSS of pid from /proc.
func residentMB(pid int) (float64, error) { return procStatusMB(pid, "VmRSS:") }

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func medianResult(rs []result) result {
	s := append([]result(nil), rs...)
	sort.Slice(s, func(i, j int) bool { return s[i].rps < s[j].rps })
	return s[len(s)/2]
}
