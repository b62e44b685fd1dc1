package document

import (
	"io"
	"strings"
	"time"

	"github.com/certif/certif/internal/french"
)

// The grille d'évaluation of a passage (R8, R9) as a form a certifier files: blank (boxes to
// tick, lines to write), one juror's filled grid, or the jury's consolidated one.

// The ratings as this package receives them (package jury's values; "" is a blank form).
const (
	NoteAcquis    = "acquis"
	NoteNonAcquis = "non_acquis"
	NoteNonEvalue = "non_evalue"
)

// MaxGrillePages bounds a grid's PDF.
const MaxGrillePages = 40

// Grille is one grid to print.
type Grille struct {
	Header
	Candidat     Candidat
	Session      time.Time // the session's date
	Heure        string    // the passage's time, HH:MM
	Lieu         string
	Jure         string // the juror, « Jury » for the consolidated grid; "" for a blank form (a line to write)
	Consolidee   bool   // the jury's consolidated grid (majority of the jurors)
	NbJures      int    // the consolidated grid's number of jurors
	Confidentiel bool   // a confidential project: its demonstration may be forbidden (R17)
	Edite        time.Time
	Le           time.Time          // when a juror's grid was last saved (« Fait le »); zero: Edite. Unused by the consolidated grid (« Édité le »)
	Competences  []GrilleCompetence // in référentiel order
	Entretien    []int              // the entretien technique's order (indices of Competences: uncovered first)
	Final        GrilleFinal
}

// GrilleCompetence is one compétence of the grid.
type GrilleCompetence struct {
	Code, Intitule string
	Bloc           string // e.g. « BC01 — Élaborer une stratégie… »
	Couverte       bool   // the project covers it (from the dossier)
	Questions      string // questions and answers of the entretien technique
	Criteres       []GrilleCritere
}

// GrilleCritere is one critère's ratings ("" on a blank form) and remark.
type GrilleCritere struct {
	Code, Libelle           string
	Presentation, Entretien string
	Remarque                string
}

// GrilleFinal is the entretien final's appraisal.
type GrilleFinal struct {
	Comprehension, Vision, Culture, Remarque string
}

func (g Grille) blank() bool { return g.Jure == "" && !g.Consolidee }

// RenderGrille writes the grid g. It returns an error wrapping ErrInvalid when g is unusable
// (no certificateur or certification, no candidate name, no compétence, no edition date) or
// too long for MaxGrillePages.
func RenderGrille(out io.Writer, g Grille) error {
	var p problems
	p.checkHeader(g.Header)
	if blank(g.Candidat.NomNaissance) || blank(g.Candidat.Prenoms) {
		p.add("nom du candidat manquant")
	}
	if len(g.Competences) == 0 {
		p.add("aucune compétence")
	}
	if g.Edite.IsZero() || g.Session.IsZero() {
		p.add("date de session ou d'édition manquante")
	}
	if err := p.err("grille d'évaluation"); err != nil {
		return err
	}
	title := "Grille d’évaluation — " + nomAffiche(g.Candidat)
	return render(out, budget{document: "grille d'évaluation", pages: MaxGrillePages}, title, g.Certificateur, g.Certification, g.Edite, func(w *writer) error {
		drawGrille(w, g)
		return nil
	})
}

func drawGrille(w *writer, g Grille) {
	who := "Grille vierge"
	switch {
	case g.Consolidee:
		who = "Grille consolidée du jury"
	case g.Jure != "":
		who = "Grille de " + g.Jure
	}
	// The running header names the session's day too, when it fits in its half of the line.
	right := nomAffiche(g.Candidat) + " · " + who
	if dated := right + " · session du " + french.Date(g.Session); w.textWidth(typo(dated), regular, 7.5) <= contentW/2-6 {
		right = dated
	}
	w.startDoc(w.runningHeader(g.Certification+" — grille d’évaluation", right))
	w.docHeader(g.Header)
	sub := "Session de validation du " + french.Date(g.Session)
	if g.Heure != "" {
		sub += " · passage à " + french.Heure(g.Heure)
	}
	if g.Lieu != "" {
		sub += " · " + g.Lieu
	}
	w.title("Grille d’évaluation du jury", sub)
	w.identityBox(g.Candidat, 11)
	// Who fills it.
	switch {
	case g.Consolidee:
		kv(w, "Grille", "consolidée du jury — pour chaque critère, la note de la majorité des "+french.Count(g.NbJures, "membre", "membres")+" (« non évalué » sans majorité)", regular, colText)
	case g.Jure != "":
		kv(w, "Membre du jury", g.Jure, bold, colText)
	default:
		w.ensure(lineH(10) + 8)
		w.line(marginX, 120, w.y, "Membre du jury :", bold, 10, colText, left)
		w.rule(marginX+95, w.y+lineH(10)-2, contentRight, w.y+lineH(10)-2, 0.5, colMuted)
		w.y += lineH(10) + 6
	}
	if g.Confidentiel {
		w.para(marginX, contentW, "Projet confidentiel : l’entreprise peut en interdire la démonstration ; ses éléments confidentiels ne sont montrés qu’au jury, dont chaque membre a signé l’attestation de confidentialité (R17).", italic, 8.5, colRed, left)
	}
	w.y += 4
	w.para(marginX, contentW, "A : acquis · NA : non acquis · NE : non évalué. Cochez une case par critère et par épreuve.", italic, 8, colMuted, left)
	w.y += 8

	// 1. Présentation du projet: every compétence in référentiel order, with its coverage.
	w.sectionTitle("1. Présentation du projet", 12, 60)
	bloc := ""
	for _, c := range g.Competences {
		if c.Bloc != bloc {
			bloc = c.Bloc
			w.ensure(60)
			w.para(marginX, contentW, c.Bloc, bold, 9.5, colAccent, left)
			w.y += 3
		}
		t := grilleTable(w, true)
		t.band(competenceBand(c), colHead, colText, 45)
		t.begin(20)
		for _, k := range c.Criteres {
			grilleRow(w, t, g, k.Code+"  "+k.Libelle, k.Presentation, k.Remarque, true)
		}
		t.end()
		w.y += 8
	}

	// 2. Entretien technique: the compétences the project does not cover first (R8).
	w.sectionTitle("2. Entretien technique", 12, 60)
	w.para(marginX, contentW, "Le jury vérifie d’abord les compétences que le projet ne couvre pas, puis celles qu’il couvre.", italic, 8.5, colMuted, left)
	w.y += 4
	for _, i := range g.Entretien {
		if i < 0 || i >= len(g.Competences) {
			continue
		}
		c := g.Competences[i]
		t := grilleTable(w, false)
		// The compétence's heading, its questions and its first critères stay together.
		keep := 110.0
		if g.blank() {
			keep = 150
		}
		w.ensure(keep)
		t.band(competenceBand(c), colHead, colText, 60)
		questionsBox(w, g, "Questions et réponses", c.Questions, 4)
		t.begin(20)
		for _, k := range c.Criteres {
			grilleRow(w, t, g, k.Code+"  "+k.Libelle, k.Entretien, "", false)
		}
		t.end()
		w.y += 8
	}

	// 3. Entretien final (R9).
	w.sectionTitle("3. Entretien final", 12, 80)
	t := grilleTable(w, false)
	t.begin(20)
	for _, x := range []struct{ lib, n string }{{"Compréhension", g.Final.Comprehension}, {"Vision", g.Final.Vision}, {"Culture professionnelle", g.Final.Culture}} {
		grilleRow(w, t, g, x.lib, x.n, "", false)
	}
	t.end()
	w.y += 4
	questionsBox(w, g, "Appréciation", g.Final.Remarque, 4)

	// Sign-off.
	w.y += 10
	w.ensure(70)
	top := w.y
	w.strokeRect(marginX, top, contentW, 60, 0.6, colRule)
	w.line(marginX+8, contentW/2, top+6, dateOrLine(g), regular, 9, colText, left)
	w.line(marginX+contentW/2, contentW/2-8, top+6, "Signature", regular, 9, colText, left)
	w.y = top + 66
	w.endDoc("Grille d’évaluation — " + nomAffiche(g.Candidat) + " — éditée le " + french.Date(g.Edite))
}

// dateOrLine is the sign-off's date: a line to write on a blank form; « Édité le … » on the
// consolidated grid (made by the application from every juror's grid, signed by the
// président); « Fait le … » on a juror's grid, the day of its latest save (else of the edition).
func dateOrLine(g Grille) string {
	switch {
	case g.blank():
		return "Fait le …… / …… / ………"
	case g.Consolidee:
		return "Édité le " + french.Date(g.Edite)
	case !g.Le.IsZero():
		return "Fait le " + french.Date(g.Le)
	}
	return "Fait le " + french.Date(g.Edite)
}

func competenceBand(c GrilleCompetence) string {
	cov := "non couverte par le projet"
	if c.Couverte {
		cov = "couverte par le projet"
	}
	return c.Code + "  " + c.Intitule + " — " + cov
}

// grilleTable is a critère table: the critère, the three boxes, and the remark (présentation).
func grilleTable(w *writer, remarque bool) *table {
	const box = 27
	critere := contentW - 3*box
	cols := []column{{"Critère", critere, left}, {"A", box, center}, {"NA", box, center}, {"NE", box, center}}
	if remarque {
		cols[0].width = critere - 150
		cols = append(cols, column{"Remarque", 150, left})
	}
	t := newTable(w, marginX, 8.5, cols...)
	t.zebra = false
	return t
}

// grilleRow draws one critère: its text, a box per rating (ticked when n is that rating) and
// the remark (blank lines on a blank form).
func grilleRow(w *writer, t *table, g Grille, text, n, remarque string, withRemark bool) {
	cells := []cell{{text: text}, {}, {}, {}}
	if withRemark {
		cells = append(cells, cell{text: remarque, st: italic, col: colMuted})
	}
	pages := w.pages
	t.row(cells...)
	h := t.rowHeight(cells)
	top := w.y - h
	if w.pages != pages && top < w.topOfPage() { // split over two pages: its boxes go with its end
		top = w.topOfPage()
	}
	x := t.x + t.cols[0].width
	for i, r := range []string{NoteAcquis, NoteNonAcquis, NoteNonEvalue} {
		const s = 9
		bx, by := x+float64(i)*t.cols[1].width+(t.cols[1].width-s)/2, top+(h-s)/2
		w.strokeRect(bx, by, s, s, 0.7, colText)
		if n == r && !g.blank() {
			c := colText
			switch r {
			case NoteAcquis:
				c = colGreen
			case NoteNonAcquis:
				c = colRed
			}
			w.fillRect(bx+1.5, by+1.5, s-3, s-3, c)
		}
	}
}

// questionsBox draws a labelled box: the text when filled, ruled lines on a blank form.
func questionsBox(w *writer, g Grille, label, text string, lines int) {
	w.ensure(lineH(8.5) + 30)
	w.line(marginX, contentW, w.y+2, label, bold, 8.5, colMuted, left)
	w.y += lineH(8.5) + 2
	if g.blank() {
		w.ensure(float64(lines) * 16)
		for range lines {
			w.y += 16
			w.rule(marginX, w.y, contentRight, w.y, 0.4, colRule)
		}
		w.y += 6
		return
	}
	if strings.TrimSpace(text) == "" {
		text = "—"
	}
	w.para(marginX+6, contentW-12, text, regular, 8.5, colText, left)
	w.y += 6
}
