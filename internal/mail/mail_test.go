package mail_test

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/mail"
	"github.com/certif/certif/internal/mail/mailtest"
)

var expires = time.Date(2027, 3, 12, 9, 42, 0, 0, time.UTC)

func TestRenderEveryKind(t *testing.T) {
	link := "http://localhost:8080/x/abc-DEF_123"
	for _, tc := range []struct {
		kind, subject string
		data          any
	}{
		{mail.KindActivation, "Activez votre compte Certif", mail.Activation{Prenom: "Éloïse", Link: link, Expires: expires}},
		{mail.KindDossierReminder, "Votre dossier technique est attendu le 12 mars 2027", mail.DossierReminder{Prenom: "Éloïse",
			Echeance: time.Date(2027, 3, 12, 0, 0, 0, 0, time.UTC), Manque: []string{"Vidéo : absente — 5 min au plus"}, Link: link}},
		{mail.KindDossierReopened, "Votre dossier de certification est rouvert jusqu’au 12 mars 2027", mail.DossierReopened{Prenom: "Éloïse",
			JusquAu: time.Date(2027, 3, 12, 0, 0, 0, 0, time.UTC), Link: link}},
		{mail.KindJuryConvocation, "Convocation à la session de validation du 12 mars 2027 — Community Manager", mail.JuryConvocation{Prenom: "Éloïse", Accord: "e",
			Certification: "Community Manager", Date: time.Date(2027, 3, 12, 0, 0, 0, 0, time.UTC), Heure: "09:30", Lieu: "Café <&> Cie, Lyon",
			Echeance: time.Date(2027, 3, 2, 0, 0, 0, 0, time.UTC), Link: link, Page: "http://localhost:8080/mon-dossier"}},
		{mail.KindJuryReminder, "Rappel : votre passage devant le jury le 12 mars 2027 à 9 h 30", mail.JuryConvocation{Prenom: "Éloïse",
			Certification: "Community Manager", Date: time.Date(2027, 3, 12, 0, 0, 0, 0, time.UTC), Heure: "09:30", Lieu: "https://visio.example.fr/<&>",
			Distanciel: true, Link: link}},
		{mail.KindReset, "Réinitialisation de votre mot de passe Certif", mail.Reset{Prenom: "Éloïse", Link: link, Expires: expires}},
		{mail.KindTutor, "Fiche d’appréciation de stage de Éloïse Lefèvre", mail.Tutor{Tuteur: "M. Dupré", Candidat: "Éloïse Lefèvre",
			Entreprise: "Café <&> Cie", Link: link, Expires: expires}},
		{mail.KindJuryResultats, "Vos résultats : Community Manager — session du 12 mars 2027", mail.JuryResultats{Prenom: "Éloïse",
			Certification: "Community Manager", Date: time.Date(2027, 3, 12, 0, 0, 0, 0, time.UTC), Resultat: "réussite partielle", Link: link,
			Blocs: []mail.BlocResultat{{Code: "BC01", Intitule: "Veille <&> stratégie", Acquis: true, Valide: true},
				{Code: "BC02", Intitule: "Contenus", Valide: true, Motif: "Blog solide."},
				{Code: "BC03", Intitule: "Mesure", Motif: "KPI non maîtrisés.", ResteAEvaluer: "Tableau de bord des KPI."}}}},
	} {
		m, err := mail.Render(tc.kind, "a@example.fr", tc.data)
		if err != nil {
			t.Fatalf("%s: %v", tc.kind, err)
		}
		if m.Subject != tc.subject || m.To != "a@example.fr" {
			t.Errorf("%s: subject %q to %q", tc.kind, m.Subject, m.To)
		}
		for _, body := range []string{m.Text, m.HTML} {
			if !strings.Contains(body, link) {
				t.Errorf("%s: link missing from %q", tc.kind, body)
			}
		}
		if !strings.Contains(m.Text, "12\u00a0mars\u00a02027") {
			t.Errorf("%s: French date missing: %q", tc.kind, m.Text)
		}
		if tc.kind == mail.KindDossierReminder && !strings.Contains(m.Text, "au plus tard le 12\u00a0mars\u00a02027 à 23\u00a0h\u00a059 (heure de Paris)") {
			t.Errorf("the reminder does not say the deadline as the dossier page does: %q", m.Text)
		}
		if strings.Contains(m.HTML, "<&>") {
			t.Errorf("%s: HTML not escaped", tc.kind)
		}
	}
	m, err := mail.Render(mail.KindJuryResultats, "a@example.fr", mail.JuryResultats{Prenom: "Éloïse", Certification: "CM",
		Date: time.Date(2027, 3, 12, 0, 0, 0, 0, time.UTC), Resultat: "réussite partielle", Link: link,
		Blocs: []mail.BlocResultat{{Code: "BC01", Intitule: "Veille", Acquis: true, Valide: true},
			{Code: "BC03", Intitule: "Mesure", Motif: "KPI non maîtrisés.", ResteAEvaluer: "Tableau de bord des KPI."}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Résultat : réussite partielle.", "BC01 Veille : déjà validé à une session précédente",
		"BC03 Mesure : non validé", "Motifs : KPI non maîtrisés.", "Reste à évaluer : Tableau de bord des KPI."} {
		if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want[strings.LastIndex(want, ": ")+2:]) {
			t.Errorf("results mail without %q:\n%s", want, m.Text)
		}
	}
	r, err := mail.Render(mail.KindJuryResultats, "a@example.fr", mail.JuryResultats{Prenom: "Éloïse", Certification: "CM", Rectificatif: true,
		Date: time.Date(2027, 3, 12, 0, 0, 0, 0, time.UTC), Resultat: "réussite totale", Link: link})
	if err != nil || !strings.HasPrefix(r.Subject, "Rectificatif — vos résultats") || !strings.Contains(r.Text, "rectifié par un avenant") ||
		!strings.Contains(r.HTML, "rectifié par un avenant") {
		t.Errorf("corrected results: %v %q %q", err, r.Subject, r.Text)
	}
	if _, err := mail.Render("convocation-inconnue", "a@example.fr", nil); err == nil {
		t.Error("unknown kind rendered")
	}
}

// decodeBody returns the text/plain and text/html parts of a received message, decoded.
func decodeBody(t *testing.T, data []byte) (text, html string, msg *netmail.Message) {
	t.Helper()
	msg, err := netmail.ReadMessage(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
			t.Errorf("part encoding %q", p.Header.Get("Content-Transfer-Encoding"))
		}
		ct := p.Header.Get("Content-Type")
		if !strings.Contains(strings.ToLower(ct), "charset=utf-8") {
			t.Errorf("part charset: %q", ct)
		}
		b, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasPrefix(ct, "text/plain"):
			text = string(b)
		case strings.HasPrefix(ct, "text/html"):
			html = string(b)
		}
	}
	return text, html, msg
}

func TestSendThroughRealSMTP(t *testing.T) {
	srv := mailtest.Start(t, "certif", "s3cret")
	s, err := mail.NewSender(srv.URL(), "Certif <certif@example.fr>")
	if err != nil {
		t.Fatal(err)
	}
	link := "http://localhost:8080/mot-de-passe/tok_EN-123"
	m, err := mail.Render(mail.KindReset, "eloise@example.fr", mail.Reset{Prenom: "Éloïse", Link: link, Expires: expires})
	if err != nil {
		t.Fatal(err)
	}
	date := time.Date(2027, 3, 12, 8, 42, 0, 0, time.UTC)
	if err := s.Send(context.Background(), m, mail.Envelope{MessageID: "abc123@certif", Date: date}); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages arrived", len(got))
	}
	r := got[0]
	if r.From != "certif@example.fr" || len(r.To) != 1 || r.To[0] != "eloise@example.fr" {
		t.Errorf("envelope %q → %q", r.From, r.To)
	}
	raw := string(r.Data)
	if subj := mailtest.Header(r.Data, "Subject"); !strings.HasPrefix(subj, "=?UTF-8?q?") && !strings.HasPrefix(subj, "=?UTF-8?Q?") {
		t.Errorf("subject not encoded: %q", subj)
	}
	for _, b := range []byte(raw) {
		if b >= 0x80 {
			t.Fatal("8-bit byte in the message: accents must be encoded")
		}
	}
	text, html, msg := decodeBody(t, r.Data)
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != "Réinitialisation de votre mot de passe Certif" {
		t.Errorf("subject %q (%v)", subject, err)
	}
	if from, err := msg.Header.AddressList("From"); err != nil || from[0].Address != "certif@example.fr" || from[0].Name != "Certif" {
		t.Errorf("From %v (%v)", from, err)
	}
	if to, err := msg.Header.AddressList("To"); err != nil || to[0].Address != "eloise@example.fr" {
		t.Errorf("To %v (%v)", to, err)
	}
	if d, err := msg.Header.Date(); err != nil || !d.Equal(date) {
		t.Errorf("Date %v (%v)", d, err)
	}
	if id := msg.Header.Get("Message-Id"); id != "<abc123@certif>" {
		t.Errorf("Message-ID %q", id)
	}
	for _, want := range []string{"Bonjour Éloïse,", link, "Quelqu’un"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(html, `href="`+link+`"`) || !strings.Contains(html, "Éloïse") {
		t.Errorf("html lacks the link or the accents:\n%s", html)
	}
}

func TestSendRefused(t *testing.T) {
	srv := mailtest.Start(t, "", "")
	srv.Refuse(550, "Mailbox unavailable")
	s, err := mail.NewSender(srv.URL(), "certif@example.fr")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := mail.Render(mail.KindActivation, "nobody@example.fr", mail.Activation{Prenom: "A", Link: "http://x/y", Expires: expires})
	err = s.Send(context.Background(), m, mail.Envelope{MessageID: "x@certif", Date: expires})
	var se *mail.SendError
	if !errors.As(err, &se) || !se.Permanent || !strings.Contains(se.Answer, "550") || !strings.Contains(se.Answer, "Mailbox unavailable") {
		t.Fatalf("550: %#v", err)
	}
	srv.Refuse(451, "Try again later")
	err = s.Send(context.Background(), m, mail.Envelope{MessageID: "x@certif", Date: expires})
	if !errors.As(err, &se) || se.Permanent || !strings.Contains(se.Answer, "451") {
		t.Fatalf("451: %#v", err)
	}
	// Nobody listening: temporary.
	s, _ = mail.NewSender("smtp://127.0.0.1:1?tls=none", "certif@example.fr")
	err = s.Send(context.Background(), m, mail.Envelope{MessageID: "x@certif", Date: expires})
	if !errors.As(err, &se) || se.Permanent {
		t.Fatalf("unreachable: %#v", err)
	}
}

func TestNewSenderRefusesBadConfig(t *testing.T) {
	for _, tc := range []struct{ url, from string }{
		{"http://host", "a@b.fr"},
		{"smtp://", "a@b.fr"},
		{"smtp://host:99999", "a@b.fr"},
		{"smtp://host?tls=maybe", "a@b.fr"},
		{"smtp://host", "pas une adresse"},
	} {
		if _, err := mail.NewSender(tc.url, tc.from); err == nil {
			t.Errorf("%q %q accepted", tc.url, tc.from)
		}
	}
	if _, err := mail.NewSender("smtp://user:topsecret@host:bad", "a@b.fr"); err == nil || strings.Contains(err.Error(), "topsecret") {
		t.Errorf("error repeats the password or accepts: %v", err)
	}
	for _, ok := range []string{"smtp://u:p@mail.example.fr:587", "smtps://u:p@mail.example.fr", "smtp://localhost:25?tls=none"} {
		if _, err := mail.NewSender(ok, "Certif <certif@example.fr>"); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

func TestRenderEmailChanged(t *testing.T) {
	m, err := mail.Render(mail.KindEmailChanged, "ancienne@example.fr", mail.EmailChanged{Prenom: "Éloïse", At: expires})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Adresse de connexion modifiée sur Certif" || !strings.Contains(m.Text, "12\u00a0mars\u00a02027") ||
		!strings.Contains(m.HTML, "Éloïse") {
		t.Errorf("message = %+v", m)
	}
}
