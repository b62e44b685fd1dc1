package document

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/certif/certif/internal/french"
)

const convocationTitre = "Convocation"

// MaxConvocationPages bounds the convocation (two pages in practice).
const MaxConvocationPages = 6

// Convocation is a candidate's convocation to their passage before the jury of a session de
// validation (issue 9, R14), as the certificateur sends it.
type Convocation struct {
	Header
	Candidat   Candidat
	Adresse    string    // the candidate's postal address, lines separated by "\n"; "" hides it
	Date       time.Time // the session's day (required)
	Heure      string    // the passage's slot, « HH:MM » (required)
	Lieu       string    // the address, or the link when Distanciel (required)
	Distanciel bool
	// The time allowed to each part of the oral, in minutes (each required, > 0).
	DureePresentation, DureeEntretienTechnique, DureeEntretienFinal int
	Echeance                                                        time.Time // the dossier technique's last day (R14); zero hides the paragraph
	// Confidentiel: a project of the dossier is confidential (R17): the letter says how it is
	// shown to the jury.
	Confidentiel bool
	Contact      string    // how to reach the organiser (an address, a telephone); "" hides it
	Emise        time.Time // the day the convocation is issued (required)
}

// RenderConvocation writes the convocation: the issuer, the addressee, the date, hour and
// place (or link) of the passage, how the oral goes and how long each part lasts, the
// dossier's deadline, what to bring (an identity document; the candidate's own equipment
// within the centre's technical constraints, as the seed allows), and the certificateur's
// signatory. It returns an error wrapping ErrInvalid, in French, when the input is unusable.
func RenderConvocation(out io.Writer, c Convocation) error {
	var p problems
	p.checkHeader(c.Header)
	p.checkCandidat(c.Candidat, false)
	if c.Date.IsZero() {
		p.add("date de la session manquante")
	}
	if blank(c.Heure) {
		p.add("heure de passage manquante")
	}
	if blank(c.Lieu) {
		p.add("lieu de la session manquant")
	}
	if c.DureePresentation <= 0 || c.DureeEntretienTechnique <= 0 || c.DureeEntretienFinal <= 0 {
		p.add("durées des épreuves manquantes")
	}
	if c.Emise.IsZero() {
		p.add("date d'émission manquante")
	}
	if err := p.err("convocation"); err != nil {
		return err
	}
	subject := convocationTitre + " — " + nomAffiche(c.Candidat)
	return render(out, budget{document: "convocation", pages: MaxConvocationPages}, subject, c.Certificateur, c.Certification, c.Emise, func(w *writer) error {
		drawConvocation(w, c)
		return nil
	})
}

func drawConvocation(w *writer, c Convocation) {
	w.startDoc(w.runningHeader(c.Certificateur+" — "+c.Certification, convocationTitre+" — "+nomAffiche(c.Candidat)))
	w.docHeader(c.Header)

	// The addressee on the right as in a letter; the date of issue on the left, beside it.
	x := marginX + contentW*0.55
	width := contentRight - x
	civ := strings.TrimSpace(c.Candidat.Civilite)
	dest := strings.TrimSpace(civ + " " + nomAffiche(c.Candidat))
	top := w.y
	w.para(marginX, contentW*0.45, "Le "+french.Date(c.Emise), regular, 9.5, colMuted, left)
	w.y = top
	w.para(x, width, dest, bold, 10, colText, left)
	if a := strings.TrimSpace(c.Adresse); a != "" {
		w.para(x, width, a, regular, 9.5, colText, left)
	}
	w.y += 12

	// The title, smaller than a report's: a letter keeps its page.
	for _, l := range w.wrap(convocationTitre+" à la session de validation", contentW, bold, 15) {
		w.line(marginX, contentW, w.y, l, bold, 15, colAccent, center)
		w.y += lineH(15)
	}
	w.para(marginX, contentW, "« "+strings.TrimSpace(c.Certification)+" »"+rncpSuffix(c.RNCP), regular, 9.5, colMuted, center)
	w.y += 8

	salut := "Madame, Monsieur,"
	convoque := "convoqué(e)"
	switch civ {
	case "Madame":
		salut, convoque = "Madame,", "convoquée"
	case "Monsieur":
		salut, convoque = "Monsieur,", "convoqué"
	}
	w.para(marginX, contentW, salut, regular, 10, colText, left)
	w.y += 4
	intro := "Vous êtes " + convoque + " devant le jury de professionnels de la session de validation du titre « " +
		strings.TrimSpace(c.Certification) + " »"
	if ctr := strings.TrimSpace(c.Centre); ctr != "" && !strings.EqualFold(ctr, strings.TrimSpace(c.Certificateur)) {
		intro += ", organisée avec " + ctr
	}
	intro += ", aux date, heure et lieu suivants :"
	w.para(marginX, contentW, intro, regular, 10, colText, left)
	w.y += 8

	w.rendezVous(c)

	total := c.DureePresentation + c.DureeEntretienTechnique + c.DureeEntretienFinal
	t := newTable(w, marginX, 8.5,
		column{"Épreuve", 38 * mm, left},
		column{"Ce que le jury attend", 118 * mm, left},
		column{"Durée", 18 * mm, right},
	)
	w.sectionTitle("Déroulement de l'épreuve", 11, lineH(8.5)*6)
	t.begin(lineH(8.5) * 2)
	t.row(cell{text: "Présentation du projet", st: bold},
		cell{text: "Le projet réalisé en amont de la session, avec votre support de présentation."},
		cell{text: minutes(c.DureePresentation)})
	t.row(cell{text: "Entretien technique", st: bold},
		cell{text: "Les compétences couvertes par le projet, puis celles qu'il ne couvre pas."},
		cell{text: minutes(c.DureeEntretienTechnique)})
	t.row(cell{text: "Entretien final", st: bold},
		cell{text: "Votre compréhension du métier, votre vision, votre culture professionnelle."},
		cell{text: minutes(c.DureeEntretienFinal)})
	t.row(cell{text: "Total", st: bold}, cell{}, cell{text: minutes(total), st: bold})
	t.end()
	w.y += 8

	if !c.Echeance.IsZero() {
		w.sectionTitle("Votre dossier", 11, lineH(10)*2)
		w.para(marginX, contentW, "Votre dossier technique est à déposer dans Certif "+french.Deadline(c.Echeance)+
			" : le dossier se ferme ensuite et le jury le reçoit tel quel, avec votre dossier professionnel.", regular, 10, colText, left)
		w.y += 8
	}

	w.sectionTitle("À apporter", 11, lineH(10)*3)
	bring := []string{"Une pièce d'identité en cours de validité (carte nationale d'identité, passeport ou titre de séjour)."}
	if c.Distanciel {
		bring = append(bring, "Un ordinateur avec caméra et micro, une connexion stable et un endroit calme ; ouvrez le lien quelques minutes avant l'heure pour vérifier que tout fonctionne.")
	} else {
		bring = append(bring, "Le support de votre présentation ; vous pouvez venir avec votre propre matériel (ordinateur, adaptateurs), dans le respect des contraintes techniques du centre.")
	}
	if c.Confidentiel {
		bring = append(bring, "Votre projet comporte des éléments confidentiels : chaque membre du jury signe un engagement de confidentialité avant de consulter votre dossier ; si l'entreprise interdit la démonstration, présentez le projet sans la faire.")
	}
	for _, b := range bring {
		w.bullet(b, 9.5)
	}
	w.y += 6

	// The practical notice on the left, the signatory on the right, side by side.
	notice := "Présentez-vous quinze minutes avant l'heure de votre passage. En cas d'empêchement, prévenez-nous au plus tôt : une absence non justifiée est constatée par le jury."
	if ct := strings.TrimSpace(c.Contact); ct != "" {
		notice += " Contact : " + ct + "."
	}
	leftW := contentW * 0.52
	noticeH := float64(len(w.wrap(notice, leftW, regular, 9)))*lineH(9) + 4
	w.ensure(max(noticeH, lineH(10)*3+lineH(9)))
	top = w.y
	w.para(marginX, leftW, notice, regular, 9, colText, left)
	bottom := w.y
	w.y = top
	who := strings.TrimSpace(c.CertificateurSignataire)
	w.para(x, width, "Pour "+strings.TrimSpace(c.Certificateur)+",", regular, 10, colText, left)
	if who != "" {
		w.para(x, width, who, bold, 10, colText, left)
	}
	if q := strings.TrimSpace(c.CertificateurQualite); q != "" {
		w.para(x, width, q, regular, 9, colMuted, left)
	}
	w.y = max(w.y, bottom)
	w.endDoc(convocationTitre + " — " + nomAffiche(c.Candidat) + " — " + c.Certification)
}

// rendezVous draws the date, hour and place of the passage in a shaded box.
func (w *writer) rendezVous(c Convocation) {
	const padX, padY, labelW = 12, 8, 34 * mm
	lieuLabel := "Lieu"
	if c.Distanciel {
		lieuLabel = "À distance"
	}
	rows := [][2]string{
		{"Date", capitalize(jour(c.Date)) + " " + french.Date(c.Date)},
		{"Heure de passage", french.Heure(c.Heure)},
		{lieuLabel, strings.TrimSpace(c.Lieu)},
	}
	inner := contentW - 2*padX - 3 - labelW
	h := 2.0 * padY
	for _, r := range rows {
		h += float64(len(w.wrap(r[1], inner, bold, 11)))*lineH(11) + 3
	}
	w.ensure(h)
	w.fillRect(marginX, w.y, contentW, h, colBox)
	w.fillRect(marginX, w.y, 3, h, colAccent)
	w.y += padY
	for _, r := range rows {
		w.line(marginX+padX+3, labelW, w.y+1.5, r[0], regular, 9, colMuted, left)
		for _, l := range w.wrap(r[1], inner, bold, 11) {
			w.line(marginX+padX+3+labelW, inner, w.y, l, bold, 11, colText, left)
			w.y += lineH(11)
		}
		w.y += 3
	}
	w.y += padY + 9
}

// bullet draws one item of a list, with a hanging indent.
func (w *writer) bullet(s string, size float64) {
	const indent = 12
	w.ensure(lineH(size))
	w.line(marginX+2, indent, w.y, "•", regular, size, colAccent, left)
	w.para(marginX+indent, contentW-indent, s, regular, size, colText, left)
	w.y += 3
}

// rncpSuffix is « — Titre RNCP n° 12345 », or "" without a number.
func rncpSuffix(n string) string {
	if r := rncp(n); r != "" {
		return " — " + r
	}
	return ""
}

// minutes is « 20 min ».
func minutes(n int) string { return strconv.Itoa(n) + nbsp + "min" }

// jour is the French name of t's weekday (« lundi »).
func jour(t time.Time) string {
	return [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}[french.InParis(t).Weekday()]
}
