package document

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/certif/certif/internal/french"
)

// The procès-verbal de jury of a session de validation (issue 9): the certification, the
// session, the jury (président first), a table of the passages (candidate, blocs validés /
// non validés, résultat), the decisions' reasons per candidate, each member's electronic
// sign-off (date, time, IP), then the amendments made after the signature.

const pvTitre = "Procès-verbal de jury"

// MaxPVPages bounds the PV (a session of 200 candidates is about 40 pages).
const MaxPVPages = 400

// PVMembre is a member of the jury as the PV names them.
type PVMembre struct {
	Nom        string
	President  bool
	Profession string
	College    string // « employeur », « salarié », « indépendant »; "" when not given
	Externe    bool
	// SigneLe is when they signed the PV (zero: not yet); IP is where from.
	SigneLe time.Time
	IP      string
}

// PVBloc is one bloc of a passage's decision.
type PVBloc struct {
	Code          string
	Decision      string // « validé », « non validé », « acquis antérieurement »
	Valide        bool
	Motif         string
	ResteAEvaluer string
}

// PVPassage is one candidate of the session.
type PVPassage struct {
	Candidat string
	Heure    string
	Resultat string // « réussite totale »…, "" when undecided
	Blocs    []PVBloc
}

// PVAmendement is an admin's correction after the PV was signed.
type PVAmendement struct {
	Le       time.Time
	Par      string
	Candidat string
	Motif    string
	Blocs    []PVBloc
	Resultat string // the passage's result after it
}

// PV is the data of a procès-verbal de jury.
type PV struct {
	Header
	Date        time.Time // the session's day
	Lieu        string
	Distanciel  bool
	Etat        string // the session's state, as shown
	Membres     []PVMembre
	Passages    []PVPassage
	Amendements []PVAmendement
	Edite       time.Time
}

// RenderPV writes the PV de jury. It returns an error wrapping ErrInvalid when the input is
// unusable (no member, missing date or header) or past MaxPVPages.
func RenderPV(out io.Writer, pv PV) error {
	var p problems
	p.checkHeader(pv.Header)
	if pv.Date.IsZero() {
		p.add("date de session manquante")
	}
	if pv.Edite.IsZero() {
		p.add("date d'édition manquante")
	}
	if len(pv.Membres) == 0 {
		p.add("aucun membre du jury")
	}
	if err := p.err("procès-verbal de jury"); err != nil {
		return err
	}
	subject := pvTitre + " — session du " + french.Date(pv.Date)
	return render(out, budget{document: "procès-verbal de jury", pages: MaxPVPages}, subject, pv.Certificateur, pv.Certification, pv.Edite, func(w *writer) error {
		drawPV(w, pv)
		return nil
	})
}

func drawPV(w *writer, pv PV) {
	session := "Session de validation du " + french.Date(pv.Date)
	w.startDoc(w.runningHeader(pv.Certificateur+" — "+pv.Certification, pvTitre+" — "+session))
	w.docHeader(pv.Header)
	w.title(pvTitre, session)
	lieu := "Lieu : " + pv.Lieu
	if pv.Distanciel {
		lieu = "À distance : " + pv.Lieu
	}
	w.para(marginX, contentW, lieu, regular, 9.5, colText, left)
	w.para(marginX, contentW, fmt.Sprintf("%s — état de la session : %s", french.Count(len(pv.Passages), "candidat convoqué", "candidats convoqués"), pv.Etat),
		regular, 9.5, colMuted, left)
	w.y += 10

	w.sectionTitle("Composition du jury", 11, 40)
	t := newTable(w, marginX, 8.5,
		column{"Membre", 52 * mm, left},
		column{"Qualité", 24 * mm, left},
		column{"Profession", 52 * mm, left},
		column{"Collège", 24 * mm, left},
		column{"Externe", 22 * mm, center},
	)
	t.begin(lineH(8.5) * 2)
	for _, m := range pv.Membres {
		q := "Membre"
		if m.President {
			q = "Président(e)"
		}
		ext := "non"
		if m.Externe {
			ext = "oui"
		}
		t.row(cell{text: m.Nom, st: bold}, cell{text: q}, cell{text: dash(m.Profession)}, cell{text: dash(m.College)}, cell{text: ext})
	}
	t.end()
	w.y += 14

	w.sectionTitle("Résultats par candidat", 11, 40)
	t = newTable(w, marginX, 8.5,
		column{"Candidat", 50 * mm, left},
		column{"Heure", 14 * mm, center},
		column{"Blocs validés", 37 * mm, left},
		column{"Blocs non validés", 37 * mm, left},
		column{"Résultat", 36 * mm, left},
	)
	t.begin(lineH(8.5) * 2)
	for _, p := range pv.Passages {
		var ok, ko []string
		for _, b := range p.Blocs {
			if b.Valide {
				code := b.Code
				if strings.Contains(b.Decision, "antérieur") {
					code += " (acquis)"
				}
				ok = append(ok, code)
			} else {
				ko = append(ko, b.Code)
			}
		}
		t.row(cell{text: p.Candidat, st: bold}, cell{text: french.Heure(p.Heure)},
			cell{text: dash(strings.Join(ok, ", ")), col: colGreen}, cell{text: dash(strings.Join(ko, ", ")), col: colRed},
			cell{text: dash(p.Resultat), st: bold, col: resultatColor(p.Resultat)})
	}
	t.end()
	w.y += 14

	w.sectionTitle("Motifs des décisions", 11, 40)
	for _, p := range pv.Passages {
		if len(p.Blocs) == 0 {
			continue
		}
		w.ensure(lineH(9.5) + lineH(8.5)*2)
		w.para(marginX, contentW, p.Candidat+" — "+dash(p.Resultat), bold, 9.5, colText, left)
		drawMotifs(w, p.Blocs)
		w.y += 6
	}

	w.sectionTitle("Signatures des membres du jury", 11, 60)
	for _, m := range pv.Membres {
		q := ""
		if m.President {
			q = ", président(e) du jury"
		}
		sig := "Non signé à la date d'édition."
		c := colRed
		if !m.SigneLe.IsZero() {
			sig = "Signé électroniquement le " + french.DateTime(m.SigneLe) + " depuis l'adresse IP " + m.IP + "."
			c = colGreen
		}
		w.ensure(lineH(9.5) + lineH(8.5) + 12)
		w.para(marginX, contentW, m.Nom+q, bold, 9.5, colText, left)
		w.para(marginX+8, contentW-8, sig, regular, 8.5, c, left)
		w.y += 6
	}

	if len(pv.Amendements) > 0 {
		w.y += 8
		w.sectionTitle("Avenants au procès-verbal", 11, 60)
		for i, a := range pv.Amendements {
			w.ensure(lineH(9.5) * 3)
			w.para(marginX, contentW, fmt.Sprintf("Avenant n° %d du %s — %s (par %s)", i+1, french.DateTime(a.Le), a.Candidat, a.Par),
				bold, 9.5, colText, left)
			w.para(marginX+8, contentW-8, "Motif : "+a.Motif, italic, 8.5, colText, left)
			drawMotifs(w, a.Blocs)
			if a.Resultat != "" {
				w.para(marginX+8, contentW-8, "Résultat après l'avenant : "+a.Resultat, bold, 8.5, resultatColor(a.Resultat), left)
			}
			w.y += 6
		}
	}
	w.endDoc("Édité le " + french.Date(pv.Edite) + " — " + pvTitre + " — " + session)
}

// drawMotifs draws each bloc's decision with its reasons and what remains to be evaluated.
func drawMotifs(w *writer, blocs []PVBloc) {
	for _, b := range blocs {
		c := colRed
		if b.Valide {
			c = colGreen
		}
		w.para(marginX+8, contentW-8, b.Code+" : "+b.Decision, bold, 8.5, c, left)
		if m := strings.TrimSpace(b.Motif); m != "" {
			w.para(marginX+16, contentW-16, "Motifs : "+m, regular, 8.5, colText, left)
		}
		if r := strings.TrimSpace(b.ResteAEvaluer); r != "" && !b.Valide {
			w.para(marginX+16, contentW-16, "Reste à évaluer : "+r, regular, 8.5, colText, left)
		}
	}
}

func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func resultatColor(r string) rgb {
	switch r {
	case "réussite totale":
		return colGreen
	case "réussite partielle":
		return colAccent
	case "échec":
		return colRed
	}
	return colGrey
}
