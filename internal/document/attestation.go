package document

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/certif/certif/internal/french"
)

const attestationTitre = "Attestation de formation"

// RenderAttestation writes the attestation de formation of a candidate (R13): the issuer, the
// candidate's identity, the modules followed as a planning with dates and hours, the totals,
// then « Fait à …, le … » and the signature area of the signataire. It returns an error
// wrapping ErrInvalid, in French, when the input is unusable (missing name, no module, end
// before start, negative hours, VAE candidate — R2), and writes nothing then.
func RenderAttestation(out io.Writer, a Attestation) error {
	if err := checkAttestation(a); err != nil {
		return err
	}
	subject := attestationTitre + " — " + nomAffiche(a.Candidat)
	return render(out, budget{document: "attestation de formation", pages: MaxAttestationPages}, subject, a.Certificateur, a.Certification, a.Date, func(w *writer) error {
		drawAttestation(w, a)
		return nil
	})
}

func checkAttestation(a Attestation) error {
	var p problems
	p.checkHeader(a.Header)
	p.checkCandidat(a.Candidat, true)
	if blank(a.Signataire) {
		p.add("signataire manquant")
	}
	if blank(a.Lieu) {
		p.add("lieu de signature manquant")
	}
	if a.Date.IsZero() {
		p.add("date de signature manquante")
	}
	if len(a.Modules) == 0 {
		p.add("aucun module de formation")
	}
	if nda := strings.ReplaceAll(a.NDA, " ", ""); len(nda) != 11 || strings.Trim(nda, "0123456789") != "" {
		p.add("numéro de déclaration d'activité de l'organisme de formation manquant ou invalide")
	}
	for i, m := range a.Modules {
		n := "module n° " + strconv.Itoa(i+1)
		if blank(m.Intitule) {
			p.add(n + " : intitulé manquant")
		}
		if badNumber(m.HeuresPrevues) {
			p.add(n + " : heures prévues invalides")
		}
		if badNumber(m.HeuresRealisees) {
			p.add(n + " : heures réalisées invalides")
		}
		if !m.Debut.IsZero() && !m.Fin.IsZero() && m.Fin.Before(m.Debut) {
			p.add(n + " : date de fin antérieure à la date de début")
		}
	}
	return p.err("attestation de formation")
}

func drawAttestation(w *writer, a Attestation) {
	c := a.Candidat
	w.startDoc(w.runningHeader(a.Certificateur+" — "+a.Certification, attestationTitre+" — "+nomAffiche(c)))
	w.docHeader(a.Header)
	w.title(attestationTitre, "")

	organisme := strings.TrimSpace(a.Centre)
	if organisme == "" {
		organisme = strings.TrimSpace(a.Certificateur)
	}
	soussigne := "Je soussigné(e), " + strings.TrimSpace(a.Signataire)
	if q := strings.TrimSpace(a.SignataireQualite); q != "" {
		soussigne += ", " + lowerFirst(q) + " de " + organisme
	} else {
		soussigne += ", pour " + organisme
	}
	w.para(marginX, contentW, soussigne+", atteste que :", regular, 10, colText, left)
	w.y += 8
	w.identityBox(c, 10.5)

	debut, fin := periode(a.Modules)
	var prevues, realisees float64
	for _, m := range a.Modules {
		prevues += m.HeuresPrevues
		realisees += m.HeuresRealisees
	}
	phrase := "a suivi la formation préparant à la certification professionnelle « " + strings.TrimSpace(a.Certification) + " »"
	var refs []string
	if r := rncp(a.RNCP); r != "" {
		refs = append(refs, r)
	}
	if n := niveau(a.Niveau); n != "" {
		refs = append(refs, lowerFirst(n))
	}
	if len(refs) > 0 {
		phrase += " (" + strings.Join(refs, ", ") + ")"
	}
	if !debut.IsZero() && !fin.IsZero() {
		phrase += ", " + french.Range(debut, fin)
	}
	phrase += " :"
	w.para(marginX, contentW, phrase, regular, 10, colText, left)
	w.y += 8

	w.sectionTitle("L'action de formation", 11, lineH(10)*3)
	if n := strings.TrimSpace(a.Nature); n != "" {
		w.para(marginX, contentW, "Nature : "+n+".", regular, 10, colText, left)
		w.y += 3
	}
	if len(a.Objectifs) > 0 {
		w.para(marginX, contentW, "Objectifs : acquérir les compétences que le référentiel de la certification décrit, "+
			strings.Join(a.Objectifs, " ; ")+".", regular, 10, colText, left)
		w.y += 3
	}
	duree := "Durée : " + heures(realisees) + " de formation réalisées"
	if prevues > 0 && prevues != realisees {
		duree += " (" + heures(prevues) + " prévues)"
	}
	w.para(marginX, contentW, duree+", selon le planning ci-dessous des modules suivis (terminés, avec leurs heures réalisées).", regular, 10, colText, left)
	w.y += 3
	w.para(marginX, contentW, "Déclaration d'activité de "+organisme+" enregistrée sous le numéro "+groupNDA(a.NDA)+
		" auprès du préfet de région ; cet enregistrement ne vaut pas agrément de l'État.", regular, 8.5, colMuted, left)
	w.y += 8

	t := newTable(w, marginX, 8.5,
		column{"N°", 8 * mm, center},
		column{"Module", 67 * mm, left},
		column{"Compétences", 28 * mm, left},
		column{"Du", 19 * mm, center},
		column{"Au", 19 * mm, center},
		column{"Heures prévues", 16 * mm, right},
		column{"Heures réalisées", 17 * mm, right},
	)
	t.begin(lineH(8.5) * 2)
	for i, m := range a.Modules {
		t.row(
			cell{text: strconv.Itoa(i + 1), col: colMuted},
			cell{text: m.Intitule},
			cell{text: strings.Join(m.Competences, ", ")},
			cell{text: french.ShortDate(m.Debut)},
			cell{text: french.ShortDate(m.Fin)},
			cell{text: heures(m.HeuresPrevues)},
			cell{text: heures(m.HeuresRealisees), st: bold},
		)
	}
	t.end()
	w.y += 6
	total := fmt.Sprintf("Total : %s prévues · %s réalisées", heures(prevues), heures(realisees))
	if prevues > 0 {
		total += " (" + french.Number(math.Round(1000*realisees/prevues)/10) + nbsp + "%)"
	}
	w.ensure(lineH(10))
	w.line(marginX, contentW, w.y+1, french.Count(len(a.Modules), "module", "modules"), regular, 9, colMuted, left)
	w.line(marginX, contentW, w.y, total, bold, 10, colText, right)
	w.y += lineH(10) + 10

	if len(a.Resultats) > 0 {
		drawResultats(w, a.Resultats)
	}

	w.ensure(lineH(10)*4 + 24*mm + 12)
	top := w.y
	w.para(marginX, contentW*0.44, "La présente attestation est délivrée pour servir et valoir ce que de droit.", regular, 10, colText, left)
	w.y = top
	signature(w, a)
	w.endDoc(attestationTitre + " — " + nomAffiche(c) + " — " + a.Certification)
}

// drawResultats states the results of the evaluation of the acquired skills per bloc (L6353-1).
func drawResultats(w *writer, rs []ResultatBloc) {
	const note = "Évaluation en cours de formation (livret d'évaluation et de suivi) ; seul le jury délivre les blocs et le titre."
	t := newTable(w, marginX, 8.5,
		column{"Bloc de compétences", 88 * mm, left},
		column{"Compétences acquises", 24 * mm, center},
		column{"Projet de fin de bloc", 26 * mm, center},
		column{"Résultat", 36 * mm, center},
	)
	rowOf := func(r ResultatBloc) []cell {
		st := regular
		if strings.HasPrefix(r.Etat, "Validé") {
			st = bold
		}
		return []cell{
			{text: fmt.Sprintf("Bloc %d — %s", r.Numero, r.Intitule)},
			{text: fmt.Sprintf("%d sur %d", r.Acquises, r.Total)},
			{text: r.Projet},
			{text: r.Etat, st: st},
		}
	}
	// The heading stays with its note, the table's header and its first rows (keep-with-next).
	first := lineH(8.5) * 2 // no bloc: room for one line
	if len(rs) > 0 {
		first = 0
		for _, r := range rs[:min(len(rs), 2)] {
			first += t.rowHeight(rowOf(r))
		}
	}
	keep := float64(len(w.wrap(note, contentW, regular, 8.5)))*lineH(8.5) + 6 + t.headerHeight() + first
	w.sectionTitle("Résultats de l'évaluation des acquis de la formation", 11, keep)
	w.para(marginX, contentW, note, regular, 8.5, colMuted, left)
	w.y += 6
	t.begin(lineH(8.5) * 2)
	for _, r := range rs {
		t.row(rowOf(r)...)
	}
	t.end()
	w.y += 10
}

// groupNDA prints a numéro de déclaration d'activité as the récépissé does: « 84 69 12345 69 ».
func groupNDA(s string) string {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) != 11 {
		return s
	}
	return s[:2] + nbsp + s[2:4] + nbsp + s[4:9] + nbsp + s[9:]
}

// signature draws « Fait à …, le … » and the signature area in the right half of the page.
func signature(w *writer, a Attestation) {
	x := marginX + contentW*0.48
	width := contentRight - x
	w.para(x, width, "Fait à "+strings.TrimSpace(a.Lieu)+", le "+french.Date(a.Date), regular, 10, colText, left)
	w.y += 6
	w.para(x, width, a.Signataire, bold, 10, colText, left)
	if q := strings.TrimSpace(a.SignataireQualite); q != "" {
		w.para(x, width, q, regular, 9, colMuted, left)
	}
	w.y += 6
	h := 24 * mm
	w.ensure(h)
	w.strokeRect(x, w.y, width, h, 0.6, colRule)
	w.line(x+6, width-12, w.y+5, "Signature et cachet de l'organisme", italic, 7.5, colLight, left)
	w.y += h
}

// periode returns the earliest start and the latest end of the modules (zero when unknown).
func periode(ms []ModuleLine) (debut, fin time.Time) {
	for _, m := range ms {
		if !m.Debut.IsZero() && (debut.IsZero() || m.Debut.Before(debut)) {
			debut = m.Debut
		}
		if !m.Fin.IsZero() && m.Fin.After(fin) {
			fin = m.Fin
		}
	}
	return debut, fin
}

// lowerFirst lower-cases the first letter: "Responsable pédagogique" → "responsable pédagogique".
func lowerFirst(s string) string {
	s = strings.TrimSpace(s)
	for i, r := range s {
		return strings.ToLower(string(r)) + s[i+len(string(r)):]
	}
	return s
}
