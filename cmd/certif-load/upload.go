package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/certif/certif/internal/inspect/sample"
)

// uploadLoad measures the server's memory while a candidate deposits a large video: a fresh
// `certif serve --demo`, the demo candidate's API token, then a 5-minute MP4 padded to --size
// bytes, generated on the fly into the request body (never held whole, never on disk),
// streamed to PUT /api/v1/inscriptions/{id}/dossier/pieces/video as a raw body and then as
// the multipart form a browser sends. After each, the server's peak resident memory (VmHWM
// of /proc/<pid>/status) is printed next to the file size and to the peak before the upload
// (the server restarted on the seeded database, as the page load test does), and the dossier
// must show the video measured at 5 minutes.
//
//	go run ./cmd/certif-load upload --bin ./bin/certif [--size 500000000]
func uploadLoad(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("certif-load upload", flag.ContinueOnError)
	bin := fs.String("bin", "./bin/certif", "the certif binary to measure")
	size := fs.Int64("size", 500_000_000, "size of the video uploaded, in bytes (the server's cap is 500 MiB)")
	limit := fs.Float64("target-mb", 100, "peak resident memory the server must stay under, in MB")
	if err := fs.Parse(args); err != nil {
		return err
	}
	data, err := os.MkdirTemp("", "certif-upload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(data)
	p, err := start(*bin, data) // the first start seeds the demo; the measured server is the second
	if err != nil {
		return err
	}
	p.stop()
	if p, err = start(*bin, data); err != nil {
		return err
	}
	defer p.stop()
	tok, err := exec.Command(*bin, "token", "create", "--email", "candidat@certif.demo", "--data", data).Output()
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	token := "Bearer " + strings.TrimSpace(string(tok))
	id, err := ownInscription(p.base, token)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "certif-load upload: a 5-minute MP4 of %s streamed to PUT …/dossier/pieces/video as the demo candidate\n\n", mb(float64(*size)))
	fmt.Fprintf(out, "%-28s %12s %10s %14s %14s %10s %s\n", "upload", "file", "time", "peak before", "peak after", "rise", "target")
	for _, multi := range []bool{false, true} {
		before, err := procStatusMB(p.cmd.Process.Pid, "VmHWM:")
		if err != nil {
			return err
		}
		d, err := putVideo(p.base, token, id, *size, multi)
		if err != nil {
			return err
		}
		after, err := procStatusMB(p.cmd.Process.Pid, "VmHWM:")
		if err != nil {
			return err
		}
		if err := checkVideo(p.base, token, id); err != nil {
			return err
		}
		name, verdict := "raw body (video/mp4)", "ok"
		if multi {
			name = "multipart (field fichier)"
		}
		if after >= *limit {
			verdict = "MISSED"
		}
		fmt.Fprintf(out, "%-28s %12s %10s %11.1f MB %11.1f MB %7.1f MB %s\n", name, mb(float64(*size)), d.Round(time.Millisecond), before, after,
			max(after-before, 0), fmt.Sprintf("peak < %.0f MB: %s", *limit, verdict))
	}
	return nil
}

// mb writes a size in bytes as « 476.8 MiB ».
func mb(n float64) string { return fmt.Sprintf("%.1f MiB", n/(1<<20)) }

// ownInscription finds the inscription whose dossier the token's candidate may read: the
// first of the demo's ids (bounded).
func ownInscription(base, token string) (int64, error) {
	for id := int64(1); id <= 50; id++ {
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/v1/inscriptions/%d/dossier", base, id), nil)
		req.Header.Set("Authorization", token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			return id, nil
		}
	}
	return 0, errors.New("no dossier readable by the demo candidate among inscriptions 1–50")
}

// putVideo streams a 5-minute MP4 of size bytes to the inscription's video piece, as a raw
// body or a multipart form, written by sample.MP4 into a pipe while the request reads it.
func putVideo(base, token string, id, size int64, multi bool) (time.Duration, error) {
	pr, pw := io.Pipe()
	contentType := "video/mp4"
	var mw *multipart.Writer
	if multi {
		mw = multipart.NewWriter(pw)
		contentType = mw.FormDataContentType()
	}
	go func() {
		var w io.Writer = pw
		if multi {
			part, err := mw.CreateFormFile("fichier", "video-500.mp4")
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			w = part
		}
		err := sample.MP4(w, 5*time.Minute, size)
		if err == nil && multi {
			err = mw.Close()
		}
		pw.CloseWithError(err) // nil: io.EOF for the reader
	}()
	req, err := http.NewRequest(http.MethodPut, fmt.Sprintf("%s/api/v1/inscriptions/%d/dossier/pieces/video", base, id), pr)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", token)
	req.Header.Set("Content-Type", contentType)
	t0 := time.Now()
	res, err := (&http.Client{Timeout: 10 * time.Minute}).Do(req)
	if err != nil {
		pr.CloseWithError(err)
		return 0, fmt.Errorf("upload: %w", err)
	}
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<10))
	res.Body.Close()
	d := time.Since(t0)
	if res.StatusCode/100 != 2 {
		return 0, fmt.Errorf("upload: status %d: %s", res.StatusCode, body)
	}
	return d, nil
}

// checkVideo asks the conformity report whether the video was measured at 5 minutes.
func checkVideo(base, token string, id int64) error {
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/v1/inscriptions/%d/dossier/conformite", base, id), nil)
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var checks []struct{ Regle, Statut, Valeur string }
	if err := json.NewDecoder(res.Body).Decode(&checks); err != nil {
		return fmt.Errorf("conformite: %w", err)
	}
	for _, c := range checks {
		if c.Regle == "video_duree" {
			if c.Valeur != "5 min 00 s" {
				return fmt.Errorf("the video measured %q (%s), want 5 min 00 s", c.Valeur, c.Statut)
			}
			return nil
		}
	}
	return errors.New("no video_duree line in the conformity report")
}
