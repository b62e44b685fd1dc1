package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
)

// The page of the candidate's dossier complet (R12–R17): its synthesis and deadline, the
// conformity report as a checklist, the pieces in three groups with their history, the
// summary, the projects and their coverage of the compétences; the référent's target session
// date and the certificateur's reopening.

// DossierPage is /inscriptions/{id}/dossier.
type DossierPage struct {
	*InscriptionPage
	D       *store.Dossier
	Checks  []CheckLine
	OK      int // lines in order
	Groups  []PieceGroup
	Projets []ProjetView
	Blocs   []referentiel.Bloc
	// Coverage is the matrix of the compétences (rows) against the projects (columns).
	Coverage []CoverageRow
	// Form is the input of the form that failed (FormID), kept with its errors.
	Form   Form
	FormID string
	// PieceErrors are the refusals of an upload, next to its piece's field.
	PieceErrors map[dossier.Kind]string
	// FlashAt is the anchor the last form's redirect went to, where the flash is repeated
	// (the user lands there, far from the flash at the top).
	FlashAt string
	// What the user may do here.
	CanContribute, CanApprove, CanSetDate, CanReopen bool
	// LastDay is the last day of the deposit (Europe/Paris), after any reopening; zero when
	// no session date is known.
	LastDay time.Time
	// MaxDocumentMB and MaxVideoMB are the size caps, for the hints.
	MaxDocumentMB, MaxVideoMB int64
}

// CheckLine is one line of the conformity report: a state word, colour and symbol.
type CheckLine struct {
	dossier.Check
	Label string // the rule, in the page's language
}

// Anchor is where on the page the line's rule is fixed: the piece, the summary, the
// projects, the coverage matrix or the dossier professionnel's group.
func (c CheckLine) Anchor() string {
	switch c.Regle {
	case dossier.RegleResumeMots, dossier.RegleResumeCaracteres:
		return "resume"
	case dossier.RegleDossierPages, dossier.RegleDossierCaracteres:
		return "piece-" + string(dossier.KindDossierTechnique)
	case dossier.RegleStrategieSections:
		return "piece-" + string(dossier.KindStrategie)
	case dossier.RegleCahierSections:
		return "piece-" + string(dossier.KindCahierDesCharges)
	case dossier.RegleVideoDuree:
		return "piece-" + string(dossier.KindVideo)
	case dossier.RegleRealisationURL, dossier.RegleBlog:
		return "projets"
	case dossier.RegleCouverture:
		return "couverture-title"
	case dossier.RegleLettreEntreprise:
		return "piece-" + string(dossier.KindLettreEntreprise)
	case dossier.RegleConfidentialite:
		return "piece-" + string(dossier.KindAutorisationConfidentialite)
	case dossier.ReglePiecesProfessionnel:
		return "groupe-professionnel"
	case dossier.RegleSupportCanevas:
		return "piece-" + string(dossier.KindSupportPresentation)
	}
	return ""
}

// State is the line's state as shown: its statut, or "sans_objet" (neutral, « — Sans
// objet ») for a line that does not apply, whose API statut stays "ok".
func (c CheckLine) State() string {
	if c.SansObjet() {
		return "sans_objet"
	}
	return string(c.Statut)
}

// Symbol is the state's sign, so that a state never rests on its colour alone.
func (c CheckLine) Symbol() string {
	if c.SansObjet() {
		return "—"
	}
	switch c.Statut {
	case dossier.StatutOK:
		return "✓"
	case dossier.StatutAttention:
		return "!"
	case dossier.StatutManquant:
		return "✗"
	}
	return "?"
}

// PieceGroup is one of the three parts of the dossier complet.
type PieceGroup struct {
	ID, Title string
	Slots     []PieceSlot
}

// PieceSlot is one piece (or plan item) of a group: its current version, its history and its
// upload form.
type PieceSlot struct {
	Kind    dossier.Kind
	Numero  int    // the item of the dossier technique's plan (R14), 0 outside the plan
	Libelle string // the référentiel's wording (french.Prose) or the kind's label
	// Titre is the short title of a plan item filled elsewhere on the page (its wording
	// then stands under it).
	Titre string
	// Sections are the sections the référentiel asks of the item (digital strategy,
	// specification), which the conformity report looks for among its headings.
	Sections []string
	Current  *store.Piece
	Older    []store.Piece // the earlier versions, newest first
	Accept   string        // file input hint
	Formats  string        // accepted formats, for the hint
	MaxMB    int64
	// MaxBytes is the size cap the browser checks before sending (limits.js).
	MaxBytes int64
	Error    string
	// Uploadable is false for the pieces Certif produces and the plan items filled elsewhere
	// on the page (compétences, summary, realisation URL: Anchor says where).
	Uploadable bool
	Anchor     string
	// Today links to the document as it stands today, for a system piece not frozen yet.
	Today string
}

// ProjetView is a project with how it reads.
type ProjetView struct {
	dossier.Projet
	Form Form // the edit form's values (the user's input after an error)
}

// Has reports whether the project mobilises compétence code.
func (p ProjetView) Has(code string) bool { return slices.Contains(p.Competences, code) }

// Awaiting reports whether the project is personal and not approved yet (it does not count
// towards the coverage until the référent approves it).
func (p ProjetView) Awaiting() bool {
	return p.Origine == dossier.OriginePersonnel && p.ApprouvePar == 0
}

// CoverageRow is one compétence of the coverage matrix.
type CoverageRow struct {
	Code, Intitule string
	Cells          []CoverageCell
	Covered        bool
}

// CoverageCell is one project's mobilisation of one compétence: "✓" (counted), "…" (awaiting
// approval), "" (not mobilised).
type CoverageCell struct {
	Symbol string
	State  string // covered, awaiting, none
}

// Origines lists the origins of a brief, for the project forms.
func (p *DossierPage) Origines() []dossier.Origine {
	return []dossier.Origine{dossier.OrigineEntreprise, dossier.OrigineStage, dossier.OrigineResponsablePedagogique, dossier.OriginePersonnel}
}

// Entretien lists the compétences left to the entretien technique (R8), joined.
func (p *DossierPage) Entretien() string { return strings.Join(p.D.Missing, ", ") }

// ClosedAt is the instant the deposit closed (the midnight after LastDay, in Paris): « clos
// depuis le 8 janvier 2027 à 0 h (heure de Paris) »; zero without a session date.
func (p *DossierPage) ClosedAt() time.Time {
	if p.LastDay.IsZero() {
		return time.Time{}
	}
	return p.LastDay.Add(time.Second)
}

// Reopened reports whether the dossier was reopened by the admin and is open now.
func (p *DossierPage) Reopened() bool { return !p.D.Verrouille && len(p.D.Reouvertures) > 0 }

// LatestReouverture is the last reopening (nil when none).
func (p *DossierPage) LatestReouverture() *store.Reouverture {
	if len(p.D.Reouvertures) == 0 {
		return nil
	}
	return &p.D.Reouvertures[len(p.D.Reouvertures)-1]
}

// DateSessionValue is the target session date for the date input.
func (p *DossierPage) DateSessionValue() string {
	if v, ok := p.Form.Values["date_session"]; ok && p.FormID == "date" {
		return v
	}
	if p.D.DateSession == nil {
		return ""
	}
	return p.D.DateSession.Format(time.DateOnly)
}

// FormFor returns the form values of form id: the user's input after an error, else empty.
func (p *DossierPage) FormFor(id string) Form {
	if p.FormID == id {
		return p.Form
	}
	return newForm()
}

// KindLabel names a kind of piece in the page's language.
func (p *DossierPage) KindLabel(k dossier.Kind) string { return p.T("dossier.kind." + string(k)) }

// OrigineLabel names an origin of a brief in the page's language.
func (p *DossierPage) OrigineLabel(o dossier.Origine) string {
	return p.T("dossier.origine." + string(o))
}

// Size formats a file size (« 1,2 Mo », french.Bytes; the English units in English).
func (p *DossierPage) Size(n int64) string {
	if p.Lang != "en" {
		return french.Bytes(n)
	}
	switch {
	case n >= 1<<20:
		return strings.Replace(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), ".", p.T("dossier.decimal"), 1) + " " + p.T("dossier.mb")
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " " + p.T("dossier.kb")
	}
	return strconv.FormatInt(n, 10) + " " + p.T("dossier.bytes")
}

// dossierData assembles the page of dossier d of inscription view v; f and formID are the
// input of a failed form ("" for none).
func (s *Server) dossierData(r *http.Request, v *inscriptionView, d *store.Dossier, f Form, formID string) *DossierPage {
	p := &DossierPage{InscriptionPage: s.pageFor(r, "dossier.title", v), D: d, Form: f, FormID: formID,
		PieceErrors: map[dossier.Kind]string{}, Blocs: v.Ref.Blocs,
		MaxDocumentMB: s.cfg.MaxDocumentBytes >> 20, MaxVideoMB: s.cfg.MaxVideoBytes >> 20}
	a := actor(r)
	rel := access.Inscription{CentreID: v.Ins.CentreID, CandidatUserID: v.Ins.Candidat.UserID}
	p.CanContribute = access.CanContributeDossier(a, rel) == access.Allow && !d.Verrouille
	p.CanApprove = access.CanDecideProjet(a, rel) == access.Allow
	p.CanSetDate = p.CanManage
	p.CanReopen = a.Role == account.RoleAdmin
	if d.ClosesAt != nil {
		p.LastDay = d.ClosesAt.Add(-time.Second)
	}
	for _, c := range d.Conformite {
		p.Checks = append(p.Checks, CheckLine{Check: c, Label: p.T("dossier.regle." + c.Regle)})
		if c.Statut == dossier.StatutOK {
			p.OK++
		}
	}
	p.Groups = s.pieceGroups(p, v)
	for _, pr := range d.Projets {
		pv := ProjetView{Projet: pr, Form: projetValues(&pr)}
		if formID == fmt.Sprintf("projet-%d", pr.ID) {
			pv.Form = f
		}
		p.Projets = append(p.Projets, pv)
	}
	for _, b := range v.Ref.Blocs {
		for _, c := range b.Competences {
			row := CoverageRow{Code: c.Code, Intitule: c.Intitule, Covered: len(d.Covered[c.Code]) > 0}
			for _, pv := range p.Projets {
				cell := CoverageCell{State: "none"}
				if pv.Has(c.Code) {
					cell = CoverageCell{Symbol: "✓", State: "covered"}
					if pv.Awaiting() {
						cell = CoverageCell{Symbol: "…", State: "awaiting"}
					}
				}
				row.Cells = append(row.Cells, cell)
			}
			p.Coverage = append(p.Coverage, row)
		}
	}
	return p
}

// pieceGroups lays out the pieces: the dossier professionnel (R13), the dossier technique in
// the order of its 8-item plan (R14), the support de présentation (R16).
func (s *Server) pieceGroups(p *DossierPage, v *inscriptionView) []PieceGroup {
	history := map[dossier.Kind][]store.Piece{}
	for _, pc := range p.D.History {
		history[pc.Kind] = append(history[pc.Kind], pc)
	}
	slot := func(k dossier.Kind, numero int, libelle string) PieceSlot {
		sl := PieceSlot{Kind: k, Numero: numero, Libelle: libelle, Uploadable: dossier.Uploadable(k), Error: p.PieceErrors[k]}
		if libelle == "" {
			sl.Libelle = p.KindLabel(k)
		}
		if cur, ok := p.D.Current[k]; ok {
			sl.Current = &cur
			for _, h := range history[k] {
				if h.ID != cur.ID {
					sl.Older = append(sl.Older, h)
				}
			}
		}
		if sl.Uploadable {
			sl.Accept = pieceAccept(k)
			sl.Formats = formatNames(k)
			sl.MaxBytes = s.pieceLimit(k)
			sl.MaxMB = sl.MaxBytes >> 20
		}
		return sl
	}
	pro := PieceGroup{ID: "professionnel", Title: p.T("dossier.group.professionnel")}
	pro.Slots = append(pro.Slots, slot(dossier.KindCV, 0, ""))
	if !p.D.VAE {
		for _, k := range dossier.SystemKinds() {
			if k == dossier.KindFicheStage && !p.D.Stage {
				continue
			}
			sl := slot(k, 0, "")
			if sl.Current == nil {
				sl.Today = systemToday(v.Ins.ID, k)
			}
			pro.Slots = append(pro.Slots, sl)
		}
	}
	pro.Slots = append(pro.Slots, slot(dossier.KindJustificatif, 0, ""))

	tech := PieceGroup{ID: "technique", Title: p.T("dossier.group.technique")}
	tech.Slots = append(tech.Slots, slot(dossier.KindDossierTechnique, 0, ""))
	planKinds := map[string]dossier.Kind{"brief": dossier.KindBrief, "video": dossier.KindVideo,
		"strategie_digitale": dossier.KindStrategie, "specifications": dossier.KindCahierDesCharges,
		"autorisation_entreprise": dossier.KindLettreEntreprise}
	anchors := map[string]string{"competences": "projets", "resume": "resume", "realisation_url": "projets"}
	for _, it := range v.Ref.Livrables.DossierTechnique.Plan {
		if k, ok := planKinds[it.Code]; ok {
			sl := slot(k, it.Numero, french.Prose(it.Libelle))
			for _, sec := range it.Sections {
				sl.Sections = append(sl.Sections, french.Prose(sec.Libelle))
			}
			tech.Slots = append(tech.Slots, sl)
			continue
		}
		sl := PieceSlot{Numero: it.Numero, Libelle: french.Prose(it.Libelle), Anchor: anchors[it.Code]}
		if sl.Anchor != "" {
			sl.Titre = p.T("dossier.item." + it.Code)
		}
		tech.Slots = append(tech.Slots, sl)
	}
	tech.Slots = append(tech.Slots, slot(dossier.KindAutorisationConfidentialite, 0, ""))

	sup := PieceGroup{ID: "presentation", Title: p.T("dossier.group.presentation")}
	sup.Slots = append(sup.Slots, slot(dossier.KindSupportPresentation, 0, ""))
	return []PieceGroup{pro, tech, sup}
}

// systemToday links to a system piece as Certif produces it today.
func systemToday(insID int64, k dossier.Kind) string {
	switch k {
	case dossier.KindLivret:
		return fmt.Sprintf("/inscriptions/%d/documents/livret.pdf", insID)
	case dossier.KindAttestationFormation:
		return fmt.Sprintf("/inscriptions/%d/documents/attestation-formation.pdf", insID)
	}
	return fmt.Sprintf("/inscriptions/%d/documents/fiche-stage.pdf", insID)
}

// projetValues are the form fields of a recorded project.
func projetValues(p *dossier.Projet) Form {
	f := newForm()
	f.Values = map[string]string{"titre": p.Titre, "origine": string(p.Origine), "entreprise": p.Entreprise, "url": p.URL,
		"blog": p.Blog, "competences": strings.Join(p.Competences, ","), "version": strconv.FormatInt(p.Version, 10)}
	if p.Confidentiel {
		f.Values["confidentiel"] = "1"
	}
	return f
}

// Checked reports whether compétence code is ticked in form f (its "competences" value).
func (p *DossierPage) Checked(f Form, code string) bool {
	return slices.Contains(strings.Split(f.Values["competences"], ","), code)
}

// dossierPage serves GET /inscriptions/{id}/dossier.
func (s *Server) dossierPage(w http.ResponseWriter, r *http.Request) error {
	v, d, err := s.loadDossierView(r)
	if err != nil {
		return err
	}
	p := s.dossierData(r, v, d, newForm(), "")
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	p.FlashAt = s.sessions.PopString(r.Context(), "flash_at")
	return s.render(w, http.StatusOK, "dossier", p)
}

// loadDossierView loads the inscription (its référentiel) and its dossier.
func (s *Server) loadDossierView(r *http.Request) (*inscriptionView, *store.Dossier, error) {
	v, err := s.loadInscription(r, false)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.store.Dossier(r.Context(), actor(r), v.Ins.ID)
	if err != nil {
		return nil, nil, err
	}
	return v, d, nil
}

// rerenderDossier shows the page again after a refused form, with its input and errors.
func (s *Server) rerenderDossier(w http.ResponseWriter, r *http.Request, status int, f Form, formID string, pieceErr map[dossier.Kind]string) error {
	v, d, err := s.loadDossierView(r)
	if err != nil {
		return err
	}
	s.sessions.Remove(r.Context(), "flash_at") // put by the refused form, for its success only
	p := s.dossierData(r, v, d, f, formID)
	for k, m := range pieceErr {
		p.PieceErrors[k] = m
	}
	p.Groups = s.pieceGroups(p, v)
	return s.render(w, status, "dossier", p)
}

// PieceSummary lists a refused deposit's problem on top of the page, linking to its file
// field (the form's usual error summary).
func (p *DossierPage) PieceSummary() ErrorSummary {
	sum := ErrorSummary{ID: "dossier-errors", Title: p.T("form.has_errors")}
	for _, k := range dossier.Kinds() {
		if m, ok := p.PieceErrors[k]; ok {
			sum.Items = append(sum.Items, FieldProblem{Field: "fichier-" + string(k), Message: p.KindLabel(k) + p.T("punct.colon") + " " + m})
		}
	}
	return sum
}

// ResumeRule is the référentiel's rule of the summary (the live counter's range).
func (p *DossierPage) ResumeRule() referentiel.ResumeRules {
	return p.Ref.Livrables.DossierTechnique.Resume
}

// Tolerance is the report's tolerance around a range, for the live counter (dossier.Tolerance).
func (p *DossierPage) Tolerance() float64 { return dossier.Tolerance }

// SessionDate is the target session date (zero when none).
func (p *DossierPage) SessionDate() time.Time {
	if p.D.DateSession == nil {
		return time.Time{}
	}
	return *p.D.DateSession
}

// ResumeWords and ResumeChars count the recorded summary as the conformity report does.
func (p *DossierPage) ResumeWords() string { return p.Int(dossier.CountWords(p.D.Resume)) }

// ResumeChars counts the summary's characters without spaces.
func (p *DossierPage) ResumeChars() string { return p.Int(dossier.CharsWithoutSpaces(p.D.Resume)) }

// ResumeLive is the template of the summary's live counts, with the référentiel's rule.
func (p *DossierPage) ResumeLive() string {
	r := p.Ref.Livrables.DossierTechnique.Resume
	return p.T("dossier.resume_live", "Min", r.MotsMin, "Max", r.MotsMax, "Chars", p.Int(r.CaracteresSansEspaces))
}

// ProjetFieldsData is what the projet_fields partial renders: the fields of one project form,
// their ids prefixed with ID (several forms share the page).
type ProjetFieldsData struct {
	P  *DossierPage
	ID string
	F  Form
}

// ProjetFields returns the data of a project form's fields.
func (p *DossierPage) ProjetFields(id string, f Form) ProjetFieldsData {
	return ProjetFieldsData{P: p, ID: id, F: f}
}

// formatNames lists the accepted formats of kind k by their usual names (« PDF, DOCX »).
func formatNames(k dossier.Kind) string {
	types, _ := pieceFormats(k)
	names := make([]string, 0, len(types))
	for _, t := range types {
		ext := strings.ToUpper(strings.TrimPrefix(typeExtensions[t][0], "."))
		if ext == "WEBP" {
			ext = "WebP"
		}
		names = append(names, ext)
	}
	return strings.Join(names, ", ")
}
