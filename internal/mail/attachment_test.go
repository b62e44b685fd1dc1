package mail_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	certifmail "github.com/certif/certif/internal/mail"
	"github.com/certif/certif/internal/mail/mailtest"
)

// TestSendAttachment: a message with a PDF attached arrives as multipart/mixed, the bodies
// first, the file with its name, type and exact bytes.
func TestSendAttachment(t *testing.T) {
	srv := mailtest.Start(t, "", "")
	s, err := certifmail.NewSender(srv.URL(), "Certif <certif@example.fr>")
	if err != nil {
		t.Fatal(err)
	}
	m, err := certifmail.Render(certifmail.KindJuryConvocation, "lea@example.fr", certifmail.JuryConvocation{Prenom: "Léa", Accord: "e",
		Certification: "Community Manager", Date: time.Date(2027, 3, 12, 0, 0, 0, 0, time.UTC), Heure: "09:30", Lieu: "Lyon",
		Link: "http://localhost/passages/7/convocation.pdf", Page: "http://localhost/inscriptions/1"})
	if err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.7\n\x00\xff binary \r\n%%EOF")
	m.Attachments = []certifmail.Attachment{{Name: "convocation-lea-moreau.pdf", Type: "application/pdf", Data: pdf}}
	if err := s.Send(context.Background(), m, certifmail.Envelope{MessageID: "x@certif", Date: time.Now()}); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	msg, err := mail.ReadMessage(bytes.NewReader(got[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("content type %q %v", mt, err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var found bool
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(p.Header.Get("Content-Type"), "application/pdf") {
			continue
		}
		found = true
		if !strings.Contains(p.Header.Get("Content-Disposition"), "convocation-lea-moreau.pdf") {
			t.Errorf("disposition %q", p.Header.Get("Content-Disposition"))
		}
		b, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
		if !bytes.Equal(b, pdf) {
			t.Errorf("the PDF's bytes changed: %q", b)
		}
	}
	if !found {
		t.Fatalf("no PDF part in:\n%s", got[0].Data)
	}
}
