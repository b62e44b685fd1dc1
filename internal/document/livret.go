package document

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/certif/certif/internal/french"
)

const livretTitre = "Livret d'évaluation et de suivi"

// RenderLivret writes the livret d'évaluation et de suivi of a candidate (R3, R4): a summary
// per bloc, then for each bloc every compétence with its state (green acquise, red non
// acquise, grey otherwise) and its evaluations (date, forme, évaluateur, per-critère result,
// score, comment; superseded entries greyed and struck, « Remplacée par une correction »),
// the end-of-bloc project and the bloc's validation. It returns an error wrapping ErrInvalid
// when the input is unusable (no bloc, missing name or date, unknown result, VAE candidate).
func RenderLivret(out io.Writer, l Livret) error {
	if err := checkLivret(l); err != nil {
		return err
	}
	subject := livretTitre + " — " + nomAffiche(l.Candidat)
	return render(out, budget{document: "livret d'évaluation et de suivi", pages: MaxLivretPages}, subject, l.Certificateur, l.Certification, l.Edite, func(w *writer) error {
		drawLivret(w, l)
		return nil
	})
}

func checkLivret(l Livret) error {
	var p problems
	p.checkHeader(l.Header)
	p.checkCandidat(l.Candidat, true)
	if l.Edite.IsZero() {
		p.add("date d'édition manquante")
	}
	if len(l.Blocs) == 0 {
		p.add("aucun bloc de compétences")
	}
	for _, b := range l.Blocs {
		bn := "bloc " + strconv.Itoa(b.Numero)
		if blank(b.Intitule) {
			p.add(bn + " : intitulé manquant")
		}
		for _, c := range b.Competences {
			if blank(c.Code) || blank(c.Intitule) {
				p.add(bn + " : compétence sans code ou sans intitulé")
			}
			for i, e := range c.Evaluations {
				en := "compétence " + c.Code + ", évaluation n° " + strconv.Itoa(i+1)
				if e.Date.IsZero() {
					p.add(en + " : date manquante")
				}
				if badPtr(e.Score) || badPtr(e.Bareme) || badPtr(e.Seuil) || (e.Bareme != nil && *e.Bareme == 0) {
					p.add(en + " : note, barème ou seuil invalide")
				}
				for _, cr := range e.Criteres {
					switch cr.Resultat {
					case "acquis", "non_acquis", "":
					default:
						p.add(en + " : résultat de critère inconnu « " + cr.Resultat + " »")
					}
				}
			}
		}
	}
	return p.err("livret d'évaluation et de suivi")
}

func drawLivret(w *writer, l Livret) {
	c := l.Candidat
	w.startDoc(w.runningHeader(l.Certificateur+" — "+l.Certification, livretTitre+" — "+nomAffiche(c)))
	w.docHeader(l.Header)
	w.title(livretTitre, "Évaluations réalisées en cours de formation")
	w.identityBox(c, 10.5)
	synthese(w, l.Blocs)
	for i, b := range l.Blocs {
		if i > 0 { // each bloc after the first opens a page, as the sections of a livret
			w.newPage()
		}
		drawBloc(w, b)
	}
	w.endDoc("Édité le " + french.Date(l.Edite) + " — " + livretTitre + " — " + nomAffiche(c))
}

// blocEtat is the bloc's state as shown: Etat, or derived from Valide.
func blocEtat(b BlocSection) string {
	if e := strings.TrimSpace(b.Etat); e != "" {
		return e
	}
	if b.Valide {
		return "Validé en formation"
	}
	return "Non validé"
}

// blocTone colours the bloc's state; a state derived from Valide=false stays grey, since
// the bloc is usually still in progress.
func blocTone(b BlocSection) tone {
	switch {
	case b.Valide:
		return positive
	case strings.TrimSpace(b.Etat) == "":
		return neutral
	}
	return toneOf(b.Etat)
}

// synthese draws the summary table: per bloc, compétences acquises, project and state.
func synthese(w *writer, blocs []BlocSection) {
	w.sectionTitle("Synthèse", 11, 60)
	t := newTable(w, marginX, 9,
		column{"Bloc de compétences", 84 * mm, left},
		column{"Compétences acquises", 30 * mm, center},
		column{"Projet de fin de bloc", 30 * mm, center},
		column{"Validation du bloc", 30 * mm, center},
	)
	t.begin(lineH(9) * 2)
	for _, b := range blocs {
		acquises := 0
		for _, c := range b.Competences {
			if toneOf(c.Etat) == positive {
				acquises++
			}
		}
		dec := decision(b.Projet)
		t.row(
			cell{text: fmt.Sprintf("Bloc %d — %s", b.Numero, b.Intitule)},
			cell{text: fmt.Sprintf("%d / %d", acquises, len(b.Competences))},
			cell{text: capitalize(dec), col: toneColor(toneOf(dec))},
			cell{text: blocEtat(b), st: bold, col: toneColor(blocTone(b))},
		)
	}
	t.end()
	w.y += 18
}

// decision is the project's decision, « non remis » when nothing was submitted.
func decision(p ProjetBloc) string {
	if d := strings.TrimSpace(p.Decision); d != "" {
		return d
	}
	if blank(p.Sujet) && p.Soumis.IsZero() {
		return "non remis"
	}
	return "en attente"
}

// blocBand draws the bloc's heading: an accent band with its number, code, wording and state.
func blocBand(w *writer, b BlocSection) {
	const pad = 8
	etat := blocEtat(b)
	bw := w.badgeWidth(etat)
	inner := contentW - 2*pad - bw - 10
	kicker := "BLOC " + strconv.Itoa(b.Numero)
	if code := strings.TrimSpace(b.Code); code != "" {
		kicker += " · " + code
	}
	lines := w.wrap(b.Intitule, inner, bold, 11.5)
	h := lineH(7.5) + float64(len(lines))*lineH(11.5) + 2*pad
	w.ensure(h + 90)
	w.fillRect(marginX, w.y, contentW, h, colAccent)
	w.line(marginX+pad, inner, w.y+pad, kicker, bold, 7.5, rgb{190, 205, 228}, left)
	y := w.y + pad + lineH(7.5)
	for _, l := range lines {
		w.line(marginX+pad, inner, y, l, bold, 11.5, colWhite, left)
		y += lineH(11.5)
	}
	w.badge(contentRight-pad, w.y+pad, etat, toneColor(blocTone(b)))
	w.y += h + 10
}

func drawBloc(w *writer, b BlocSection) {
	blocBand(w, b)
	for _, c := range b.Competences {
		drawCompetence(w, c)
	}
	drawProjet(w, b)
}

// evalKeep is the height of an evaluation's header, its critères' header and first row: what
// is kept together at a page break.
const evalKeep = 80

// indent is where a compétence's intitulé and evaluations start.
const indent = 14 * mm

func drawCompetence(w *writer, c CompetenceBlock) {
	const size = 9.5
	etat := strings.TrimSpace(c.Etat)
	if etat == "" {
		etat = "non évaluée"
	}
	bw := w.badgeWidth(etat)
	lines := w.wrap(c.Intitule, contentW-indent-bw-8, bold, size)
	h := max(float64(len(lines))*lineH(size), badgeSize+5)
	// Keep the heading with its first evaluation's header and first critère.
	w.ensure(h + 8 + evalKeep)
	w.line(marginX, indent, w.y, c.Code, bold, size, colAccent, left)
	for i, l := range lines {
		w.line(marginX+indent, contentW-indent, w.y+float64(i)*lineH(size), l, bold, size, colText, left)
	}
	w.badge(contentRight, w.y, etat, toneColor(toneOf(etat)))
	w.y += h + 2
	w.rule(marginX, w.y, contentRight, w.y, 0.4, colRule)
	w.y += 6
	if syn := strings.TrimSpace(c.Synthese); syn != "" {
		w.para(marginX+indent, contentW-indent, syn, bold, 8.5, colText, left)
		w.y += 4
	}
	if len(c.Evaluations) == 0 {
		w.para(marginX+indent, contentW-indent, "Aucune évaluation enregistrée pour cette compétence.", italic, 8.5, colMuted, left)
		w.y += 10
		return
	}
	for _, e := range c.Evaluations {
		drawEvaluation(w, c.Code, e)
	}
	w.y += 4
}

func drawEvaluation(w *writer, code string, e EvaluationEntry) {
	const size = 8.8
	x, width := marginX+indent, contentW-indent
	txt, muted := colText, colMuted
	if e.Corrige {
		txt, muted = colLight, colLight
	}
	head := french.Date(e.Date)
	if f := strings.TrimSpace(e.Forme); f != "" {
		head += " · " + f
	}
	if ev := strings.TrimSpace(e.Evaluateur); ev != "" {
		head += " · évaluateur : " + ev
	}
	sc := score(e.Score, e.Bareme, e.Seuil)
	scW := 0.0
	if sc != "" {
		scW = w.textWidth(typo(sc), bold, size) + 10
	}
	lines := w.wrap(head, width-scW, bold, size)
	w.ensure(float64(len(lines)-1)*lineH(size) + evalKeep)
	for i, l := range lines {
		w.line(x, width, w.y, l, bold, size, txt, left)
		if e.Corrige { // strike the superseded entry through
			sy := w.y + size*0.7
			w.rule(x, sy, x+w.textWidth(l, bold, size), sy, 0.6, colGrey)
		}
		if i == 0 && sc != "" {
			w.line(x, width, w.y, sc, bold, size, txt, right)
		}
		w.y += lineH(size)
	}
	if e.Corrige {
		w.para(x, width, "« Remplacée par une correction »", italic, 8, colGrey, left)
	}
	if r := strings.TrimSpace(e.Remplace); r != "" {
		w.para(x, width, "Remplace : "+r, italic, 8, muted, left)
	}
	if m := strings.TrimSpace(e.Module); m != "" {
		w.para(x, width, "À la suite du module « "+m+" »", regular, 8, muted, left)
	}
	if m := strings.TrimSpace(e.MotifForme); m != "" {
		w.para(x, width, "Forme hors référentiel : "+m, italic, 8, txt, left)
	}
	var others []string
	for _, cc := range e.Competences {
		if cc != code {
			others = append(others, cc)
		}
	}
	if len(others) > 0 {
		w.para(x, width, "Évalue aussi : "+strings.Join(others, ", "), regular, 8, muted, left)
	}
	w.y += 3
	if len(e.Criteres) > 0 {
		t := newTable(w, x, 8,
			column{"Critère", 16 * mm, left},
			column{"Libellé", width - 16*mm - 27*mm, left},
			column{"Résultat", 27 * mm, left},
		)
		t.muted = e.Corrige
		t.begin(lineH(8) * 2)
		for _, cr := range e.Criteres {
			res, col := resultat(cr.Resultat)
			t.row(cell{text: cr.Code, col: colMuted}, cell{text: cr.Libelle}, cell{text: res, st: bold, col: col})
		}
		t.end()
	}
	if cm := strings.TrimSpace(e.Commentaire); cm != "" {
		w.y += 3
		w.para(x, width, "Commentaire : "+cm, italic, 8.5, muted, left)
	}
	w.y += 9
}

// resultat is the shown result of a critère and its colour: ✓ acquis, ✗ non acquis, — non évalué.
func resultat(r string) (string, rgb) {
	switch r {
	case "acquis":
		return "✓ acquis", colGreen
	case "non_acquis":
		return "✗ non acquis", colRed
	}
	return "— non évalué", colGrey
}

// drawProjet draws the end-of-bloc project and the bloc's validation in training (R4).
func drawProjet(w *writer, b BlocSection) {
	p := b.Projet
	w.y += 4
	w.sectionTitle("Projet de fin de bloc", 10, 50)
	sujet := strings.TrimSpace(p.Sujet)
	if sujet == "" {
		sujet = "—"
	}
	kv(w, "Sujet", sujet, regular, colText)
	remis := "non remis"
	if !p.Soumis.IsZero() {
		remis = french.Date(p.Soumis)
	}
	kv(w, "Remis le", remis, regular, colText)
	dec := decision(p)
	suite := ""
	if by := strings.TrimSpace(p.DecisionPar); by != "" {
		suite += "par " + by
	}
	if !p.DecisionLe.IsZero() {
		suite += " le " + french.Date(p.DecisionLe)
	}
	kvBadge(w, "Décision", dec, toneColor(toneOf(dec)), strings.TrimSpace(suite))
	if cm := strings.TrimSpace(p.Commentaire); cm != "" {
		kv(w, "Commentaire", cm, italic, colMuted)
	}
	w.y += 8
	w.sectionTitle("Validation du bloc en formation", 10, 30)
	phrase := "Le bloc n'est pas encore validé en formation."
	if b.Valide {
		phrase = "Évaluations des modules réalisées et projet de fin de bloc validé par le référent pédagogique."
	}
	kvBadge(w, "État", blocEtat(b), toneColor(blocTone(b)), phrase)
	w.y += 22
}

// kvLabel is the width of the label column of key/value lines.
const kvLabel = 30 * mm

// kv draws « label   value », the value wrapped in the remaining width.
func kv(w *writer, label, value string, st style, c rgb) {
	const size = 9
	lines := w.wrap(value, contentW-kvLabel, st, size)
	for i, l := range lines {
		w.ensure(lineH(size))
		if i == 0 {
			w.line(marginX, kvLabel, w.y, label, regular, size, colMuted, left)
		}
		w.line(marginX+kvLabel, contentW-kvLabel, w.y, l, st, size, c, left)
		w.y += lineH(size)
	}
	w.y += 2
}

// kvBadge draws « label   [badge] text ».
func kvBadge(w *writer, label, value string, c rgb, after string) {
	const size = 9
	x := marginX + kvLabel
	bw := w.badgeWidth(value)
	h := max(lineH(size), badgeSize+5)
	lines := w.wrap(after, contentW-kvLabel-bw-8, regular, size)
	w.ensure(h + float64(len(lines)-1)*lineH(size))
	w.line(marginX, kvLabel, w.y+1, label, regular, size, colMuted, left)
	w.badge(x+bw, w.y, value, c)
	for i, l := range lines {
		w.line(x+bw+8, contentW-kvLabel-bw-8, w.y+1+float64(i)*lineH(size), l, regular, size, colText, left)
	}
	w.y += max(h, float64(len(lines))*lineH(size)) + 3
}
