package document

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/certif/certif/internal/french"
)

const releveTitre = "Relevé des évaluations en cours de formation"

// releveMention is printed on every relevé (5-2-4 of the référentiel, R2, R10).
const releveMention = "Document remis au jury conformément au référentiel (5-2-4). Ne concerne pas les candidats en VAE."

// RenderReleve writes the relevé des évaluations en cours de formation of one candidate, handed
// to the jury (R10), on exactly one A4 page: the body shrinks from 9 pt down to 6.5 pt, then
// long cells are cut, to fit. It returns an error wrapping ErrInvalid when the input is
// unusable (VAE candidate, no bloc, missing name or edition date) or cannot fit on one page.
func RenderReleve(out io.Writer, r Releve) error {
	return RenderReleves(out, []Releve{r})
}

// RenderReleves writes the relevés of several candidates in one PDF, one page each, in the
// given order, with one bookmark per candidate; its page numbers count per candidate
// (« Page 1 / 1 »). Any invalid relevé fails the whole file, and the error names the
// candidates concerned.
func RenderReleves(out io.Writer, rs []Releve) error {
	if len(rs) == 0 {
		return &InvalidError{Document: "relevés des évaluations", Problemes: []string{"aucun candidat"}}
	}
	if len(rs) > MaxReleves {
		return &InvalidError{Document: "relevés des évaluations", Problemes: []string{fmt.Sprintf(
			"%d candidats : un fichier de relevés en compte au plus %d ; imprimez les relevés candidat par candidat", len(rs), MaxReleves)}}
	}
	var errs []error
	for _, r := range rs {
		if err := checkReleve(r); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	var created time.Time
	for _, r := range rs {
		if r.Edite.After(created) {
			created = r.Edite
		}
	}
	title := releveTitre
	if len(rs) == 1 {
		title += " — " + nomAffiche(rs[0].Candidat)
	}
	return render(out, budget{document: "relevés des évaluations", pages: MaxReleves}, title, rs[0].Certificateur, rs[0].Certification, created, func(w *writer) error {
		for _, r := range rs {
			if err := fitReleve(w, r); err != nil {
				return err
			}
		}
		return nil
	})
}

func checkReleve(r Releve) error {
	var p problems
	p.checkHeader(r.Header)
	p.checkCandidat(r.Candidat, true)
	if r.Edite.IsZero() {
		p.add("date d'édition manquante")
	}
	if len(r.Blocs) == 0 {
		p.add("aucun bloc de compétences")
	}
	for _, b := range r.Blocs {
		if blank(b.Intitule) {
			p.add("bloc " + strconv.Itoa(b.Numero) + " : intitulé manquant")
		}
	}
	doc := "relevé des évaluations"
	if n := nomAffiche(r.Candidat); n != "" {
		doc += " " + french.De(n)
	}
	return p.err(doc)
}

// releveLayout is one try at fitting a relevé on a page.
type releveLayout struct {
	size     float64 // body font size
	maxLines int     // 0: cells wrap freely
}

var releveLayouts = []releveLayout{{9, 0}, {8.5, 0}, {8, 0}, {7.5, 0}, {7, 0}, {6.5, 0}, {6.5, 3}, {6.5, 2}, {6.5, 1}}

// fitReleve draws r with the largest layout that fits on one page.
func fitReleve(w *writer, r Releve) error {
	for _, l := range releveLayouts {
		if w.measure(func() { drawReleve(w, r, l) }) == 1 {
			drawReleve(w, r, l)
			if w.pages != w.first {
				return fmt.Errorf("document : relevé de %s : mise en page sur plus d'une page", nomAffiche(r.Candidat))
			}
			return nil
		}
	}
	return &InvalidError{Document: "relevé des évaluations de " + nomAffiche(r.Candidat),
		Problemes: []string{"trop de lignes pour tenir sur une page"}}
}

// measure runs draw without drawing and returns the number of pages it would take.
func (w *writer) measure(draw func()) int {
	pages, first, y, running, repeat, nf, dry := w.pages, w.first, w.y, w.running, w.repeat, len(w.footers), w.dry
	w.dry = true
	draw()
	used := w.pages - pages
	w.pages, w.first, w.y, w.running, w.repeat, w.footers, w.dry = pages, first, y, running, repeat, w.footers[:nf], dry
	return used
}

func drawReleve(w *writer, r Releve, l releveLayout) {
	c := r.Candidat
	w.startDoc(nil)
	if !w.dry && w.err == nil {
		w.pdf.AddOutline(nomAffiche(c))
	}
	w.docHeader(r.Header)
	w.title(releveTitre, "")
	w.y -= 4
	w.identityBox(c, min(l.size+1.5, 10.5))
	s := l.size
	t := newTable(w, marginX, s,
		column{"Code", 14 * mm, left},
		column{"Compétence", 76 * mm, left},
		column{"État", 22 * mm, left},
		column{"Dernière évaluation", 22 * mm, center},
		column{"Détail", 40 * mm, left},
	)
	t.maxLines = l.maxLines
	t.pad = s * 0.3
	t.begin(lineH(s) * 2)
	for _, b := range r.Blocs {
		head := "Bloc " + strconv.Itoa(b.Numero)
		if code := strings.TrimSpace(b.Code); code != "" {
			head += " · " + code
		}
		t.band(head+" — "+b.Intitule, colBox, colAccent, t.rowHeight([]cell{{text: "x"}}))
		for _, ln := range b.Lignes {
			etat := strings.TrimSpace(ln.Etat)
			if etat == "" {
				etat = "non évaluée"
			}
			t.row(
				cell{text: ln.Code, st: bold, col: colAccent},
				cell{text: ln.Intitule},
				cell{text: capitalize(etat), st: bold, col: toneColor(toneOf(etat))},
				cell{text: french.ShortDate(ln.Derniere)},
				cell{text: ln.Detail, col: colMuted},
			)
		}
		projet := strings.TrimSpace(b.Projet)
		if projet == "" {
			projet = "non remis"
		}
		validation, tv := "Bloc non validé", negative
		if b.Valide {
			validation, tv = "Bloc validé", positive
		}
		t.row(
			cell{},
			cell{text: "Projet de fin de bloc", st: italic, col: colMuted},
			cell{text: capitalize(projet), st: bold, col: toneColor(toneOf(projet))},
			cell{},
			cell{text: validation, st: bold, col: toneColor(tv)},
		)
	}
	t.end()
	w.y += 10
	w.para(marginX, contentW, releveMention, italic, min(s, 8.5), colMuted, left)
	etabli := strings.TrimSpace(r.Centre)
	if etabli == "" {
		etabli = strings.TrimSpace(r.Certificateur)
	}
	w.para(marginX, contentW, "Établi par "+etabli+" le "+french.Date(r.Edite)+".", regular, min(s, 8.5), colMuted, left)
	if sig := strings.TrimSpace(r.CertificateurSignataire); sig != "" {
		if q := strings.TrimSpace(r.CertificateurQualite); q != "" {
			sig += ", " + q
		}
		w.para(marginX, contentW, "Pour le certificateur, "+strings.TrimSpace(r.Certificateur)+" : "+sig+".", regular, min(s, 8.5), colMuted, left)
	}
	w.endDoc("Édité le " + french.Date(r.Edite) + " — " + releveTitre + " — " + nomAffiche(c))
}
