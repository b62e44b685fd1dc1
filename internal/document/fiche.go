package document

import (
	"bytes"
	"image"
	"io"
	"strings"
	"time"

	"github.com/certif/certif/internal/french"
)

const ficheTitre = "Fiche d'appréciation de stage pratique"

// MaxFichePages bounds the fiche d'appréciation de stage.
const MaxFichePages = 20

// FicheStage is the fiche d'appréciation de stage pratique the tutor filled (R13, seed
// 5-3-3 a), as the dossier professionnel hands it to the jury.
type FicheStage struct {
	Header
	Candidat        Candidat
	Entreprise      string    // the company (required)
	EntrepriseSIRET string    // 14 digits; "" hides it
	Tuteur          string    // the tutor's name
	Debut, Fin      time.Time // the internship's period
	Appreciations   []AppreciationLine
	Commentaire     string    // the tutor's general comment
	Signataire      string    // who signed for the company (required)
	Fonction        string    // their position
	RemplieLe       time.Time // when the tutor filled it (required)
	// Cachet is the company's stamp as a PNG or JPEG image; nil (or a PDF scan, which is
	// attached beside the fiche) says « cachet joint ».
	Cachet []byte
}

// AppreciationLine is the tutor's appreciation of one compétence.
type AppreciationLine struct {
	Code, Intitule string
	Niveau         string // as shown: « Très satisfaisant »
	Commentaire    string
}

// RenderFicheStage writes the fiche d'appréciation de stage: the issuer, the candidate, the
// company and the period, the tutor's appreciation of each compétence, their comment, then the
// signatory with the company's stamp. It returns an error wrapping ErrInvalid, in French, when
// the input is unusable (missing name, company, signatory or date, VAE candidate — R2).
func RenderFicheStage(out io.Writer, f FicheStage) error {
	var p problems
	p.checkHeader(f.Header)
	p.checkCandidat(f.Candidat, true)
	if blank(f.Entreprise) {
		p.add("entreprise manquante")
	}
	if blank(f.Signataire) {
		p.add("signataire de l'entreprise manquant")
	}
	if f.RemplieLe.IsZero() {
		p.add("date de la fiche manquante")
	}
	if err := p.err("fiche d'appréciation de stage"); err != nil {
		return err
	}
	subject := ficheTitre + " — " + nomAffiche(f.Candidat)
	return render(out, budget{document: "fiche d'appréciation de stage", pages: MaxFichePages}, subject, f.Certificateur, f.Certification, f.RemplieLe, func(w *writer) error {
		drawFiche(w, f)
		return nil
	})
}

func drawFiche(w *writer, f FicheStage) {
	w.startDoc(w.runningHeader(f.Certificateur+" — "+f.Certification, ficheTitre+" — "+nomAffiche(f.Candidat)))
	w.docHeader(f.Header)
	w.title(ficheTitre, "")
	w.identityBox(f.Candidat, 10.5)
	stage := "Stage en entreprise chez " + strings.TrimSpace(f.Entreprise)
	if s := strings.ReplaceAll(f.EntrepriseSIRET, " ", ""); len(s) == 14 {
		stage += " (SIRET " + s[:3] + nbsp + s[3:6] + nbsp + s[6:9] + nbsp + s[9:] + ")"
	}
	if !f.Debut.IsZero() && !f.Fin.IsZero() {
		stage += ", " + french.Range(f.Debut, f.Fin)
	}
	if t := strings.TrimSpace(f.Tuteur); t != "" {
		stage += ", sous la tutelle " + french.De(t)
	}
	w.para(marginX, contentW, stage+".", regular, 10, colText, left)
	w.y += 8

	t := newTable(w, marginX, 8.5,
		column{"Compétence", 84 * mm, left},
		column{"Appréciation", 30 * mm, center},
		column{"Commentaire du tuteur", 60 * mm, left},
	)
	w.sectionTitle("Appréciation des compétences", 11, lineH(8.5)*4)
	t.begin(lineH(8.5) * 2)
	for _, a := range f.Appreciations {
		t.row(cell{text: a.Code + " — " + a.Intitule}, cell{text: a.Niveau, st: bold}, cell{text: a.Commentaire})
	}
	if len(f.Appreciations) == 0 {
		t.row(cell{text: "Aucune compétence appréciée une à une.", col: colMuted}, cell{}, cell{})
	}
	t.end()
	w.y += 8
	if c := strings.TrimSpace(f.Commentaire); c != "" {
		w.sectionTitle("Appréciation générale", 11, lineH(10)*3)
		w.para(marginX, contentW, c, regular, 10, colText, left)
		w.y += 8
	}

	w.ensure(lineH(10)*3 + 30*mm)
	x := marginX + contentW*0.48
	width := contentRight - x
	w.para(x, width, "Remplie le "+french.Date(f.RemplieLe), regular, 10, colText, left)
	w.y += 4
	w.para(x, width, f.Signataire, bold, 10, colText, left)
	if q := strings.TrimSpace(f.Fonction); q != "" {
		w.para(x, width, q+", "+strings.TrimSpace(f.Entreprise), regular, 9, colMuted, left)
	}
	w.y += 4
	h := 28 * mm
	w.strokeRect(x, w.y, width, h, 0.6, colRule)
	if iw, ih, ok := stampSize(f.Cachet, width-12, h-12); ok {
		w.image(f.Cachet, x+6, w.y+6, iw, ih)
	} else {
		w.line(x+6, width-12, w.y+5, "Cachet de l'entreprise joint à la fiche", italic, 7.5, colLight, left)
	}
	w.y += h
	w.endDoc(ficheTitre + " — " + nomAffiche(f.Candidat) + " — " + f.Certification)
}

// stampSize is the size the stamp b is drawn at within maxW × maxH, keeping its proportions;
// ok is false when b is not a PNG or JPEG of a sensible size (a PDF scan, nothing).
func stampSize(b []byte, maxW, maxH float64) (float64, float64, bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || (format != "png" && format != "jpeg") || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > 10000 || cfg.Height > 10000 {
		return 0, 0, false
	}
	scale := min(maxW/float64(cfg.Width), maxH/float64(cfg.Height))
	return float64(cfg.Width) * scale, float64(cfg.Height) * scale, true
}
