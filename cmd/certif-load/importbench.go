package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
)

// importBench imports CSV files of 10,000 and 100,000 candidates through the API of a fresh
// `certif serve` each, reporting time and the server's peak resident memory, next to a raw
// bulk insert of the same rows (users, candidats, inscriptions; plain multi-row INSERTs in one
// transaction, no checks) measured in the same run. Then xlsxBench measures the largest size
// as XLSX, and XLSX bombs, next to that CSV.
func importBench(bin string, sizes []int, out io.Writer) error {
	dir, err := os.MkdirTemp("", "certif-import-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Fprintf(out, "\n%-34s %12s %12s %14s %10s\n", "import of candidates (CSV)", "time", "rows/s", "peak RSS", "vs raw")
	var last importRun
	for _, n := range sizes {
		file := filepath.Join(dir, fmt.Sprintf("candidats-%d.csv", n))
		if err := writeCSV(file, n); err != nil {
			return err
		}
		raw, err := rawInsert(filepath.Join(dir, fmt.Sprintf("raw-%d.db", n)), file)
		if err != nil {
			return fmt.Errorf("raw insert: %w", err)
		}
		d, peak, err := apiImport(bin, filepath.Join(dir, fmt.Sprintf("data-%d", n)), file)
		if err != nil {
			return fmt.Errorf("import %d: %w", n, err)
		}
		last = importRun{rows: n, time: d, peak: peak}
		fmt.Fprintf(out, "%-34s %12s %12.0f %14s %10s\n", fmt.Sprintf("raw bulk insert, %d rows (ref.)", n), raw.Round(time.Millisecond), float64(n)/raw.Seconds(), "—", "1.0×")
		verdict := "ok"
		if d > 3*raw {
			verdict = "MISSED"
		}
		fmt.Fprintf(out, "%-34s %12s %12.0f %11.1f MB %9.1f× (target ≤ 3×: %s)\n", fmt.Sprintf("POST /api/v1/import, %d rows", n), d.Round(time.Millisecond), float64(n)/d.Seconds(), peak, d.Seconds()/raw.Seconds(), verdict)
	}
	return xlsxBench(bin, dir, last, out)
}

// importRun is one measured import.
type importRun struct {
	rows int
	time time.Duration
	peak float64 // MB
}

// benchHeader is the header of the bench files.
var benchHeader = []string{"Nom de naissance", "Prénom", "Sexe", "Date de naissance", "Commune de naissance", "Code INSEE", "E-mail", "Voie d'accès", "Promotion"}

// benchRow returns the cells of candidate i (distinct for every i).
func benchRow(i int) []string {
	noms := []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia"}
	prenoms := []string{"Camille", "Léa", "Manon", "Chloé", "Inès", "Hugo", "Lucas", "Théo", "Nathan", "Louis", "Zoé", "Jules", "Anaïs", "Benoît", "Hélène"}
	born := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%12000)
	return []string{noms[i%len(noms)] + strconv.Itoa(i/len(noms)), prenoms[(i/7)%len(prenoms)], []string{"F", "M"}[i%2], born.Format("02/01/2006"),
		"Lyon", "69123", fmt.Sprintf("c%d@exemple.fr", i), "formation continue", "BENCH"}
}

// writeCSV writes n distinct candidates as a French Excel CSV.
func writeCSV(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	w.WriteString("\ufeff" + strings.Join(benchHeader, ";") + "\r\n")
	for i := 0; i < n; i++ {
		w.WriteString(strings.Join(benchRow(i), ";") + "\r\n")
	}
	return w.Flush()
}

// apiImport starts a fresh server with the demo data, imports file as the demo référent
// through the API and returns the duration and the server's peak resident memory (MB).
func apiImport(bin, data, file string) (time.Duration, float64, error) {
	d, peak, _, err := apiImportAs(bin, data, file, "text/csv", http.StatusOK)
	return d, peak, err
}

// apiImportAs is apiImport for a file of contentType, expecting status; it also returns the
// start of the response body.
func apiImportAs(bin, data, file, contentType string, status int) (time.Duration, float64, string, error) {
	p, err := start(bin, data)
	if err != nil {
		return 0, 0, "", err
	}
	defer p.stop()
	tok, err := exec.Command(bin, "token", "create", "--email", "referent@certif.demo", "--data", data).Output()
	if err != nil {
		return 0, 0, "", fmt.Errorf("token: %w", err)
	}
	f, err := os.Open(file)
	if err != nil {
		return 0, 0, "", err
	}
	defer f.Close()
	req, _ := http.NewRequest(http.MethodPost, p.base+"/api/v1/import/candidats", f)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
	req.Header.Set("Content-Type", contentType)
	t0 := time.Now()
	res, err := (&http.Client{Timeout: 10 * time.Minute}).Do(req)
	if err != nil {
		return 0, 0, "", err
	}
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<10))
	res.Body.Close()
	d := time.Since(t0)
	if res.StatusCode != status {
		return 0, 0, "", fmt.Errorf("status %d (want %d): %s", res.StatusCode, status, body)
	}
	peak, err := procStatusMB(p.cmd.Process.Pid, "VmHWM:")
	return d, peak, string(body), err
}

// rawInsert is the reference: the same rows, read with encoding/csv and inserted with plain
// multi-row INSERTs into users, candidats and inscriptions in one transaction.
func rawInsert(dbPath, file string) (time.Duration, error) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+dbPath, store.Options{})
	if err != nil {
		return 0, err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return 0, err
	}
	ref, err := referentiel.CommunityManager()
	if err != nil {
		return 0, err
	}
	cert, err := st.ImportReferentiel(ctx, account.System, ref)
	if err != nil {
		return 0, err
	}
	centre := &account.Organisme{Nom: "Centre", SIRET: "51234567800019", HabilitationFormation: true}
	if err := st.CreateOrganisme(ctx, account.System, centre); err != nil {
		return 0, err
	}
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	t0 := time.Now()
	r := csv.NewReader(bufio.NewReader(f))
	r.Comma = ';'
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil { // header
		return 0, err
	}
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	err = st.Transact(ctx, func(tx *store.Tx) error {
		const batch = 500
		var users, cands, ins []any
		flush := func() error {
			n := len(users) / 9
			if n == 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO users (email, nom, prenom, role, centre_id, active, lang, password_hash, search_key, created_at, updated_at) VALUES `+rows(n, 11), expand(users, now, 2)...); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO candidats (nom_naissance, nom_usage, prenoms, sexe, date_naissance, commune_naissance_code, commune_naissance, pays_naissance, email, telephone, adresse, identity_key, search_key, created_at, updated_at) VALUES `+rows(n, 15), cands...); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO inscriptions (candidat_id, certification_id, version_id, centre_id, voie, type_vae, promotion, date_inscription, blocs_vises, statut, created_at, updated_at) VALUES `+rows(n, 12), ins...); err != nil {
				return err
			}
			users, cands, ins = users[:0], cands[:0], ins[:0]
			return nil
		}
		id := 0
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			id++
			email := rec[6]
			users = append(users, email, rec[0], rec[1], "candidat", centre.ID, true, "fr", "", email)
			cands = append(cands, rec[0], "", `["`+rec[1]+`"]`, rec[2], rec[3], rec[5], rec[4], "", email, "", "{}", rec[0]+"|"+rec[1]+"|"+rec[3], email, now, now)
			ins = append(ins, id, cert.ID, cert.VersionID, centre.ID, "formation_continue", "", rec[8], "2026-11-01", `["BC01","BC02","BC03"]`, "en_formation", now, now)
			if id%batch == 0 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return flush()
	})
	return time.Since(t0), err
}

// rows returns n groups of arity placeholders.
func rows(n, arity int) string {
	one := "(" + strings.Repeat("?, ", arity-1) + "?)"
	return strings.Repeat(one+", ", n-1) + one
}

// expand appends the extra trailing values (timestamps) to each group of 9 user values.
func expand(vals []any, now string, extra int) []any {
	out := make([]any, 0, len(vals)/9*(9+extra))
	for i := 0; i < len(vals); i += 9 {
		out = append(out, vals[i:i+9]...)
		for k := 0; k < extra; k++ {
			out = append(out, now)
		}
	}
	return out
}

// procStatusMB reads a kB field of /proc/PID/status in MB.
func procStatusMB(pid int, field string) (float64, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024, err
		}
	}
	return 0, fmt.Errorf("%s not found", field)
}
