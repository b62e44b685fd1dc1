package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/mail/mailtest"
)

// TestServeDeliversMail: `certif serve` with CERTIF_SMTP_URL delivers what the pages queue (a
// password reset here) to a real SMTP server, with its link built from --base-url.
func TestServeDeliversMail(t *testing.T) {
	smtp := mailtest.Start(t, "certif", "secret")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--base-url", "https://certif.example.fr", "--mail-from", "Certif <certif@example.fr>", "--demo"},
			env(map[string]string{"CERTIF_DATA": t.TempDir(), "CERTIF_SMTP_URL": smtp.URL()}), strings.NewReader(""), &out, io.Discard)
	}()
	base := waitReady(t, &out)
	res, err := http.PostForm(base+"/mot-de-passe-oublie", url.Values{"email": {"admin@certif.demo"}})
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("forgot: %v %v", res, err)
	}
	res.Body.Close()
	var got *mailtest.Received
	for i := 0; i < 300 && got == nil; i++ { // the sender runs every 5 s
		for _, m := range smtp.Messages() {
			if m.To[0] == "admin@certif.demo" {
				got = &m
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got == nil {
		t.Fatalf("no reset message arrived (%d messages)", len(smtp.Messages()))
	}
	body := strings.ReplaceAll(string(got.Data), "=\r\n", "") // quoted-printable soft breaks
	if got.From != "certif@example.fr" || !strings.Contains(body, "https://certif.example.fr/mot-de-passe/") {
		t.Errorf("message from %q:\n%s", got.From, body)
	}
	// The demo's activation messages went out too (the demo queues them for its candidates).
	if n := len(smtp.Messages()); n < 2 {
		t.Errorf("%d messages delivered", n)
	}
	// The demo candidate's convocation left with its PDF attached (made as it left).
	var convocation string
	for i := 0; i < 300 && convocation == ""; i++ {
		for _, m := range smtp.Messages() {
			if m.To[0] == "candidat@certif.demo" && strings.Contains(mailtest.Header(m.Data, "Subject"), "Convocation") {
				convocation = string(m.Data)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(convocation, "Content-Type: application/pdf") || !strings.Contains(convocation, "convocation-lea-moreau.pdf") {
		t.Errorf("the demo candidate's convocation without its PDF:\n%.3000s", convocation)
	}
	// ... with links to the server's public address, never to http://localhost (the demo is
	// seeded once the base URL is known).
	for _, m := range smtp.Messages() {
		if b := strings.ReplaceAll(string(m.Data), "=\r\n", ""); strings.Contains(b, "localhost") {
			t.Errorf("message to %v links to localhost:\n%s", m.To, b)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestServeSMTPNeedsSender(t *testing.T) {
	err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"},
		env(map[string]string{"CERTIF_DATA": t.TempDir(), "CERTIF_SMTP_URL": "smtp://mail.example.fr"}), strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "CERTIF_MAIL_FROM") {
		t.Errorf("no sender address: %v", err)
	}
	err = run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--mail-from", "certif@example.fr"},
		env(map[string]string{"CERTIF_DATA": t.TempDir(), "CERTIF_SMTP_URL": "http://mail.example.fr"}), strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "CERTIF_SMTP_URL") {
		t.Errorf("bad URL: %v", err)
	}
}
