// Package mail renders Certif's French e-mails (plain text and HTML, from embedded templates)
// and delivers them over SMTP (wneessen/go-mail). It knows nothing of the database: the store
// writes rendered messages to its outbox in the transaction of the action that causes them,
// and a sender started by `certif serve` hands them to an SMTP client (Sender).
//
// A message kind is a pair of templates, templates/<kind>.txt and templates/<kind>.html:
//   - the .txt file defines "subject" (one line) and "text" (the plain-text body), rendered
//     with text/template;
//   - the .html file defines "body", rendered with html/template inside layout.html.
//
// A new kind (the jury convocations, next) adds its two files and its data type; Render
// needs nothing else.
package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"github.com/certif/certif/internal/french"
)

//go:embed templates/*.txt templates/*.html
var files embed.FS

// The message kinds rendered today.
const (
	KindActivation = "activation"   // data: Activation
	KindReset      = "mot-de-passe" // data: Reset
	KindTutor      = "tuteur"       // data: Tutor
	// KindEmailChanged goes to the old address when the certificateur changes an activated
	// account's login address.
	KindEmailChanged = "adresse-modifiee" // data: EmailChanged
	// KindDossierReminder reminds a candidate whose dossier is incomplete of its deadline
	// (7 and 2 days before).
	KindDossierReminder = "dossier-rappel" // data: DossierReminder
	// KindDossierReopened tells a candidate that the certificateur reopened their closed
	// dossier, and until when.
	KindDossierReopened = "dossier-rouvert" // data: DossierReopened
	// KindJuryConvocation convokes a candidate to their passage before a session's jury
	// (issue 9), with the link to the PDF convocation.
	KindJuryConvocation = "jury-convocation" // data: JuryConvocation
	// KindJuryReminder reminds a convoked candidate of their passage, two days before.
	KindJuryReminder = "jury-rappel" // data: JuryConvocation
	// KindJuryResultats tells a candidate their results once the session's results are
	// published: the result, each bloc validé or non validé with its reasons and what remains
	// to be evaluated.
	KindJuryResultats = "jury-resultats" // data: JuryResultats
)

// Message is one rendered e-mail: its recipient's address, subject and two bodies, and the
// files attached when it leaves (none when it is rendered: the outbox stores text).
type Message struct {
	To          string
	Subject     string
	Text        string
	HTML        string
	Attachments []Attachment
}

// Attachment is a file joined to a message.
type Attachment struct {
	Name string // the file's name as the recipient sees it ("convocation.pdf")
	Type string // its MIME type ("application/pdf")
	Data []byte
}

// Activation is the data of an account activation message.
type Activation struct {
	Prenom  string
	Link    string
	Expires time.Time
}

// Reset is the data of a password reset message.
type Reset struct {
	Prenom  string
	Link    string
	Expires time.Time
}

// EmailChanged is the data of the message telling an account's old address that its login
// address was changed (the new address is not written: it may be an impostor's).
type EmailChanged struct {
	Prenom string
	At     time.Time
}

// Tutor is the data of the message carrying a tutor's link to the fiche d'appréciation de stage.
type Tutor struct {
	Tuteur     string // the tutor's name, may be empty
	Candidat   string // the trainee's display name
	Entreprise string
	Link       string
	Expires    time.Time
}

// DossierReminder is the data of the reminder of an incomplete dossier's deadline.
type DossierReminder struct {
	Prenom   string
	Echeance time.Time // the last day (a date)
	Manque   []string  // what is missing, one French sentence each
	Link     string    // the dossier's page
}

// DossierReopened is the data of the message saying a closed dossier is open again. The
// reopening's reason is not in it: it may concern the candidate's health or private life,
// and an e-mail travels further than the page.
type DossierReopened struct {
	Prenom  string
	JusquAu time.Time // the new last day (a date)
	Link    string    // the dossier's page
}

// JuryConvocation is the data of a candidate's convocation to a session de validation, and of
// its reminder.
type JuryConvocation struct {
	Prenom        string
	Accord        string    // the agreement of « convoqué »: "e", "" or "(e)" when the sex is unknown
	Certification string    // the title's name
	Date          time.Time // the session's day (a date)
	Heure         string    // the passage's slot, HH:MM
	Lieu          string    // the address, or the link when Distanciel
	Distanciel    bool
	Echeance      time.Time // the dossier's last day (a date); zero: not said
	Link          string    // the PDF convocation (the candidate signs in to open it)
	Page          string    // the candidate's page, where the convocation is shown
}

// JuryResultats is the data of the results message of a jury session.
type JuryResultats struct {
	Prenom        string
	Certification string
	Date          time.Time // the session's day
	Resultat      string    // « réussite totale », « échec »…
	Absent        bool      // absent or excused: no bloc decided
	Rectificatif  bool      // sent again after an amendment of the published PV
	Blocs         []BlocResultat
	Link          string // the results page
}

// BlocResultat is one bloc of a results message.
type BlocResultat struct {
	Code, Intitule       string
	Valide               bool
	Acquis               bool // acquired at an earlier session
	Motif, ResteAEvaluer string
}

var funcs = map[string]any{
	"date":     french.Date,
	"datetime": french.DateTime,
	"deadline": french.Deadline,
	"heure":    french.Heure,
}

// kindTemplates are the parsed templates of one kind.
type kindTemplates struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// cache holds the parsed templates by kind (an import queues thousands of messages).
var cache sync.Map // kind → *kindTemplates

func parsed(kind string) (*kindTemplates, error) {
	if tp, ok := cache.Load(kind); ok {
		return tp.(*kindTemplates), nil
	}
	txt, err := texttemplate.New(kind+".txt").Funcs(funcs).ParseFS(files, "templates/"+kind+".txt")
	if err != nil {
		return nil, fmt.Errorf("mail %s: %w", kind, err)
	}
	html, err := htmltemplate.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/"+kind+".html")
	if err != nil {
		return nil, fmt.Errorf("mail %s: %w", kind, err)
	}
	tp, _ := cache.LoadOrStore(kind, &kindTemplates{text: txt, html: html})
	return tp.(*kindTemplates), nil
}

// Render renders message kind with data, addressed to to. Errors: an unknown kind, or data
// that does not fit its templates (a programming error: tests render every kind).
func Render(kind, to string, data any) (Message, error) {
	tp, err := parsed(kind)
	if err != nil {
		return Message{}, err
	}
	txt, html := tp.text, tp.html
	m := Message{To: to}
	var b bytes.Buffer
	if err := txt.ExecuteTemplate(&b, "subject", data); err != nil {
		return Message{}, fmt.Errorf("mail %s subject: %w", kind, err)
	}
	m.Subject = strings.Join(strings.Fields(b.String()), " ") // one line, whatever the data
	b.Reset()
	if err := txt.ExecuteTemplate(&b, "text", data); err != nil {
		return Message{}, fmt.Errorf("mail %s text: %w", kind, err)
	}
	m.Text = strings.TrimSpace(b.String()) + "\n"
	b.Reset()
	if err := html.ExecuteTemplate(&b, "layout.html", struct {
		Subject string
		Data    any
	}{m.Subject, data}); err != nil {
		return Message{}, fmt.Errorf("mail %s html: %w", kind, err)
	}
	m.HTML = b.String()
	return m, nil
}
