package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/store"
)

// The JSON API of the candidate's dossier (issue 8): the names of its routes and fields are
// those the issue gives, so that scripts written against Certif keep working.

// apiPiece is one version of a piece of the dossier.
type apiPiece struct {
	ID          int64        `json:"id"`
	Kind        dossier.Kind `json:"kind"`
	Version     int          `json:"version"`
	Nom         string       `json:"nom"`
	Taille      int64        `json:"taille"`
	Type        string       `json:"type"`
	DeposeLe    time.Time    `json:"depose_le"`
	URL         string       `json:"url"`     // the download, for whoever may read the dossier
	Systeme     bool         `json:"systeme"` // produced by Certif and frozen at the close
	AnnexesPage int          `json:"annexes_page,omitempty"`
}

func toAPIPiece(p *store.Piece) apiPiece {
	return apiPiece{ID: p.ID, Kind: p.Kind, Version: p.Version, Nom: p.File.Nom, Taille: p.File.Taille, Type: p.File.MIME,
		DeposeLe: p.DeposeLe.UTC(), URL: fmt.Sprintf("/fichiers/%d", p.File.ID), Systeme: p.Systeme, AnnexesPage: p.AnnexesPage}
}

// apiDossierProjet is one project of the dossier (R6, R7, R11).
type apiDossierProjet struct {
	ID            int64           `json:"id"`
	InscriptionID int64           `json:"inscription_id"`
	Titre         string          `json:"titre"`
	Origine       dossier.Origine `json:"origine"`
	Entreprise    string          `json:"entreprise"`
	URL           string          `json:"url"`
	Blog          string          `json:"blog"`
	Competences   []string        `json:"competences"`
	Confidentiel  bool            `json:"confidentiel"`
	Approuve      bool            `json:"approuve"`
	ApprouveLe    *time.Time      `json:"approuve_le,omitempty"`
	Version       int64           `json:"version"` // give it back in PATCH
}

func toAPIDossierProjet(p *dossier.Projet) apiDossierProjet {
	out := apiDossierProjet{ID: p.ID, InscriptionID: p.InscriptionID, Titre: p.Titre, Origine: p.Origine, Entreprise: p.Entreprise,
		URL: p.URL, Blog: p.Blog, Competences: p.Competences, Confidentiel: p.Confidentiel, Approuve: p.ApprouvePar != 0, Version: p.Version}
	if out.Competences == nil {
		out.Competences = []string{}
	}
	if !p.ApprouveLe.IsZero() {
		t := p.ApprouveLe.UTC()
		out.ApprouveLe = &t
	}
	return out
}

// apiCouverture is the coverage of the compétences by the projects (R11): for each covered
// compétence the projects that mobilise it, and those left to the entretien technique (R8).
type apiCouverture struct {
	Couvertes          map[string][]int64 `json:"couvertes"`
	EntretienTechnique []string           `json:"entretien_technique"`
}

// apiResume is the project summary (item 2 of the plan).
type apiResume struct {
	Texte        string     `json:"texte"`
	EnregistreLe *time.Time `json:"enregistre_le,omitempty"`
}

// apiReouverture is an admin's reopening of a closed dossier.
type apiReouverture struct {
	Motif   string    `json:"motif"`
	JusquAu apiDate   `json:"jusqu_au"`
	Par     string    `json:"par"`
	Le      time.Time `json:"le"`
}

// apiDossier is what GET /api/v1/inscriptions/{id}/dossier gives.
type apiDossier struct {
	InscriptionID int64              `json:"inscription_id"`
	Pieces        []apiPiece         `json:"pieces"`     // the current version of each piece
	Historique    []apiPiece         `json:"historique"` // every version, newest first
	Projets       []apiDossierProjet `json:"projets"`
	Couverture    apiCouverture      `json:"couverture"`
	DateSession   *apiDate           `json:"date_session"`
	Echeance      *apiDate           `json:"echeance"` // the last day (Europe/Paris) of the deposit
	Cloture       *time.Time         `json:"cloture"`  // when the dossier closes (UTC)
	Verrouille    bool               `json:"verrouille"`
	Conformite    []dossier.Check    `json:"conformite"`
	Resume        apiResume          `json:"resume"`
	Reouvertures  []apiReouverture   `json:"reouvertures"`
	Version       int64              `json:"version"` // the inscription's, for PATCH /api/v1/inscriptions/{id}
}

func toAPIDossier(d *store.Dossier) apiDossier {
	out := apiDossier{InscriptionID: d.InscriptionID, Pieces: []apiPiece{}, Historique: []apiPiece{}, Projets: []apiDossierProjet{},
		Couverture: apiCouverture{Couvertes: d.Covered, EntretienTechnique: d.Missing}, Verrouille: d.Verrouille,
		Conformite: d.Conformite, Resume: apiResume{Texte: d.Resume}, Reouvertures: []apiReouverture{}, Version: d.InscriptionVersion}
	for _, k := range dossier.Kinds() {
		if p, ok := d.Current[k]; ok {
			out.Pieces = append(out.Pieces, toAPIPiece(&p))
		}
	}
	for _, k := range dossier.SystemKinds() {
		if p, ok := d.Current[k]; ok {
			out.Pieces = append(out.Pieces, toAPIPiece(&p))
		}
	}
	for i := range d.History {
		out.Historique = append(out.Historique, toAPIPiece(&d.History[i]))
	}
	for i := range d.Projets {
		out.Projets = append(out.Projets, toAPIDossierProjet(&d.Projets[i]))
	}
	if out.Couverture.Couvertes == nil {
		out.Couverture.Couvertes = map[string][]int64{}
	}
	if out.Couverture.EntretienTechnique == nil {
		out.Couverture.EntretienTechnique = []string{}
	}
	if out.Conformite == nil {
		out.Conformite = []dossier.Check{}
	}
	if d.DateSession != nil {
		out.DateSession = &apiDate{*d.DateSession}
	}
	if d.Echeance != nil {
		out.Echeance = &apiDate{*d.Echeance}
	}
	if d.ClosesAt != nil {
		t := d.ClosesAt.UTC()
		out.Cloture = &t
	}
	if !d.ResumeLe.IsZero() {
		t := d.ResumeLe.UTC()
		out.Resume.EnregistreLe = &t
	}
	for _, ro := range d.Reouvertures {
		out.Reouvertures = append(out.Reouvertures, apiReouverture{Motif: ro.Motif, JusquAu: apiDate{ro.JusquAu}, Par: ro.ParNom, Le: ro.Le.UTC()})
	}
	return out
}

// loadDossier loads the dossier of inscription {id} as the user may read it.
func (s *Server) loadDossier(r *http.Request) (*store.Dossier, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.store.Dossier(r.Context(), actor(r), id)
}

// writeDossier answers the dossier of inscription id as it stands now (after a write).
func (s *Server) writeDossier(w http.ResponseWriter, r *http.Request, id int64, status int) error {
	d, err := s.store.Dossier(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, status, toAPIDossier(d))
	return nil
}

func (s *Server) apiDossier(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadDossier(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIDossier(d))
	return nil
}

func (s *Server) apiConformite(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadDossier(r)
	if err != nil {
		return err
	}
	out := d.Conformite
	if out == nil {
		out = []dossier.Check{}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiPiecePut stores a new version of piece {kind}: 201 with the piece.
func (s *Server) apiPiecePut(w http.ResponseWriter, r *http.Request) error {
	kind, err := pathKind(r)
	if err != nil {
		return err
	}
	d, err := s.openDossier(r) // before reading a byte of the body
	if err != nil {
		return err
	}
	p, err := s.receivePiece(w, r, d, kind)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/inscriptions/%d/dossier", d.InscriptionID))
	writeJSON(w, http.StatusCreated, toAPIPiece(p))
	return nil
}

func (s *Server) apiResumePut(w http.ResponseWriter, r *http.Request) error {
	d, err := s.openDossier(r)
	if err != nil {
		return err
	}
	var in struct {
		Texte *string `json:"texte"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Texte == nil {
		return fieldError("texte", "Le résumé (champ « texte ») est attendu.")
	}
	if err := s.store.SaveResume(r.Context(), actor(r), d.InscriptionID, *in.Texte); err != nil {
		return err
	}
	return s.writeDossier(w, r, d.InscriptionID, http.StatusOK)
}

// projetInput is the body of POST …/projets and PATCH /api/v1/projets/{id}: absent fields keep
// their value in a PATCH.
type projetInput struct {
	Titre        *string          `json:"titre"`
	Origine      *dossier.Origine `json:"origine"`
	Entreprise   *string          `json:"entreprise"`
	URL          *string          `json:"url"`
	Blog         *string          `json:"blog"`
	Competences  *[]string        `json:"competences"`
	Confidentiel *bool            `json:"confidentiel"`
	Version      *int64           `json:"version"`
}

// maxProjetCompetences bounds the list a client sends before the store checks it against the
// référentiel (14 compétences for the Community Manager title).
const maxProjetCompetences = 100

func (in *projetInput) apply(p *dossier.Projet) error {
	set(&p.Titre, in.Titre)
	set(&p.Origine, in.Origine)
	set(&p.Entreprise, in.Entreprise)
	set(&p.URL, in.URL)
	set(&p.Blog, in.Blog)
	set(&p.Confidentiel, in.Confidentiel)
	if in.Competences != nil {
		if len(*in.Competences) > maxProjetCompetences {
			return fieldError("competences", "Trop de compétences : choisissez parmi celles du référentiel.")
		}
		p.Competences = *in.Competences
	}
	return nil
}

func (s *Server) apiProjetCreate(w http.ResponseWriter, r *http.Request) error {
	d, err := s.openDossier(r)
	if err != nil {
		return err
	}
	var in projetInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p := &dossier.Projet{InscriptionID: d.InscriptionID}
	if err := in.apply(p); err != nil {
		return err
	}
	if err := s.store.CreateProjet(r.Context(), actor(r), p); err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/projets/%d", p.ID))
	writeJSON(w, http.StatusCreated, toAPIDossierProjet(p))
	return nil
}

// loadProjet loads project {projet} as the user may read it.
func (s *Server) loadProjet(r *http.Request) (*dossier.Projet, error) {
	id, err := pathID(r, "projet")
	if err != nil {
		return nil, err
	}
	return s.store.Projet(r.Context(), actor(r), id)
}

func (s *Server) apiProjetUpdate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.loadProjet(r)
	if err != nil {
		return err
	}
	var in projetInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := in.apply(p); err != nil {
		return err
	}
	if p.Version, err = apiVersion(in.Version); err != nil {
		return err
	}
	if err := s.store.UpdateProjet(r.Context(), actor(r), p); err != nil {
		if staleOf(err) != nil || errors.Is(err, apperr.Conflict) {
			if cur, cerr := s.store.Projet(r.Context(), actor(r), p.ID); cerr == nil && cur.Version != p.Version {
				return withCurrent(err, toAPIDossierProjet(cur))
			}
		}
		return err
	}
	writeJSON(w, http.StatusOK, toAPIDossierProjet(p))
	return nil
}

func (s *Server) apiProjetDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "projet")
	if err != nil {
		return err
	}
	if err := s.store.DeleteProjet(r.Context(), actor(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiProjetApprove(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "projet")
	if err != nil {
		return err
	}
	if err := s.store.ApproveProjet(r.Context(), actor(r), id); err != nil {
		return err
	}
	p, err := s.store.Projet(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIDossierProjet(p))
	return nil
}

// apiInscriptionPatch sets the target session date of an inscription (the référent, until the
// jury sessions exist): {"date_session": "YYYY-MM-DD", "version"?}; answers the dossier, whose
// deadline follows.
func (s *Server) apiInscriptionPatch(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadDossier(r)
	if err != nil {
		return err
	}
	var in struct {
		DateSession *apiDate `json:"date_session"`
		Version     *int64   `json:"version"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.DateSession == nil || in.DateSession.IsZero() {
		return fieldError("date_session", "Indiquez la date de la session visée (AAAA-MM-JJ).")
	}
	version := d.InscriptionVersion
	if in.Version != nil {
		version = *in.Version
	}
	if err := s.store.SetDateSession(r.Context(), actor(r), d.InscriptionID, in.DateSession.Time, version); err != nil {
		return err
	}
	return s.writeDossier(w, r, d.InscriptionID, http.StatusOK)
}

func (s *Server) apiReopen(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadDossier(r)
	if err != nil {
		return err
	}
	var in struct {
		Motif   string  `json:"motif"`
		JusquAu apiDate `json:"jusqu_au"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.store.ReopenDossier(r.Context(), actor(r), d.InscriptionID, in.Motif, in.JusquAu.Time); err != nil {
		return err
	}
	return s.writeDossier(w, r, d.InscriptionID, http.StatusOK)
}

// currentError carries, with a 409 on a stale version, the record as it stands now: the API
// answers it in error.conflict.current.
type currentError struct {
	error
	current any
}

func (e *currentError) Unwrap() error { return e.error }

func withCurrent(err error, current any) error { return &currentError{err, current} }
