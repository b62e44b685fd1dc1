package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Envelope is what the sender adds to a rendered message: the sender address, the Message-ID
// (stable across retries, so that a receiver can tell a retry from a new message) and the
// date of this attempt.
type Envelope struct {
	MessageID string // without angle brackets
	Date      time.Time
}

// SendError is a delivery failure with the server's answer. Permanent is true for a 5xx
// answer (the message will never be accepted as it is: no retry).
type SendError struct {
	Answer    string
	Permanent bool
}

func (e *SendError) Error() string { return "smtp: " + e.Answer }

// Sender delivers messages through one SMTP server. It is safe for concurrent use.
type Sender struct {
	from string
	opts []gomail.Option
	host string
}

// CheckFrom validates a sender address ("Certif <certif@example.fr>" or a bare address).
func CheckFrom(from string) error {
	if _, err := mail.ParseAddress(from); err != nil {
		return fmt.Errorf("adresse d’expédition « %s » invalide", from)
	}
	return nil
}

// NewSender returns a sender for rawURL: smtp://[user:pass@]host[:port] (STARTTLS when the
// server offers it; port 587 by default, 25 allowed) or smtps://[user:pass@]host[:port]
// (implicit TLS, port 465 by default). The query may say ?tls=none to refuse STARTTLS even
// when offered (a local relay; credentials then go in clear, PLAIN), or ?tls=required. from is the sender address (CheckFrom).
// The error says, in French, what is wrong; it never repeats the password.
func NewSender(rawURL, from string) (*Sender, error) {
	if err := CheckFrom(from); err != nil {
		return nil, err
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, errors.New("CERTIF_SMTP_URL invalide : attendu smtp://utilisateur:motdepasse@hôte:port ou smtps://…")
	}
	s := &Sender{from: from, host: u.Hostname()}
	port := 587
	if u.Scheme == "smtps" {
		port = 465
		s.opts = append(s.opts, gomail.WithSSL())
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return nil, fmt.Errorf("CERTIF_SMTP_URL invalide : port « %s »", p)
		}
	}
	s.opts = append(s.opts, gomail.WithPort(port), gomail.WithTimeout(30*time.Second))
	auth := gomail.SMTPAuthAutoDiscover
	if u.Scheme == "smtp" {
		switch u.Query().Get("tls") {
		case "", "opportunistic":
			s.opts = append(s.opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
		case "none":
			s.opts = append(s.opts, gomail.WithTLSPolicy(gomail.NoTLS))
			auth = gomail.SMTPAuthPlainNoEnc // the operator chose a clear channel (a local relay)
		case "required":
			s.opts = append(s.opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		default:
			return nil, errors.New("CERTIF_SMTP_URL invalide : tls vaut none, opportunistic ou required")
		}
	}
	if u.User != nil {
		pass, _ := u.User.Password()
		s.opts = append(s.opts, gomail.WithSMTPAuth(auth),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	return s, nil
}

// Compose builds the MIME message of m (multipart/alternative, UTF-8, quoted-printable, its
// attachments after the bodies) from the sender's address.
func (s *Sender) Compose(m Message, env Envelope) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP))
	if err := msg.From(s.from); err != nil {
		return nil, &SendError{Answer: "adresse d’expédition invalide", Permanent: true}
	}
	if err := msg.To(m.To); err != nil {
		return nil, &SendError{Answer: "adresse du destinataire invalide", Permanent: true}
	}
	msg.Subject(m.Subject)
	msg.SetDateWithValue(env.Date)
	if env.MessageID != "" {
		msg.SetMessageIDWithValue(env.MessageID)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(a.Type))); err != nil {
			return nil, &SendError{Answer: "pièce jointe illisible : " + a.Name}
		}
	}
	return msg, nil
}

// Send delivers m. A refusal by the server is a *SendError carrying its answer (Permanent for
// a 5xx code); a server that cannot be reached is a *SendError too, temporary.
func (s *Sender) Send(ctx context.Context, m Message, env Envelope) error {
	msg, err := s.Compose(m, env)
	if err != nil {
		return err
	}
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return &SendError{Answer: err.Error()}
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return classify(err)
	}
	return nil
}

// classify turns go-mail's error into a SendError with the server's answer.
func classify(err error) error {
	answer := err.Error()
	code := 0
	var se *gomail.SendError
	if errors.As(err, &se) {
		code = se.ErrorCode()
	}
	var ne net.Error
	if code == 0 && !errors.As(err, &ne) {
		code = firstCode(answer)
	}
	if len(answer) > 500 {
		answer = answer[:500]
	}
	return &SendError{Answer: strings.ToValidUTF8(answer, "?"), Permanent: code >= 500 && code < 600}
}

// firstCode finds a three-digit SMTP reply code in s (0 when there is none).
func firstCode(s string) int {
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' }) {
		if len(f) == 3 && f[0] >= '2' && f[0] <= '5' {
			n, _ := strconv.Atoi(f)
			return n
		}
	}
	return 0
}
