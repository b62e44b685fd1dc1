package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/dossier"
)

// The forms of the dossier page: each posts, then redirects (303) back to the page with a
// flash; a refusal shows the page again with the input kept and the message next to the field.

func dossierURL(id int64, anchor string) string {
	u := fmt.Sprintf("/inscriptions/%d/dossier", id)
	if anchor != "" {
		u += "#" + anchor
	}
	return u
}

// piecePost receives a new version of piece {kind} from the page's upload form (streamed:
// see receivePiece).
func (s *Server) piecePost(w http.ResponseWriter, r *http.Request) error {
	kind, err := pathKind(r)
	if err != nil {
		return err
	}
	d, err := s.openDossier(r) // 404 / 409 before reading a byte of the body
	if err != nil {
		return err
	}
	p, err := s.receivePiece(w, r, d, kind)
	if err != nil {
		fields := apperr.FieldErrors(err)
		if fields == nil {
			return err
		}
		msg := fields["fichier"] // else the annexes' page, else whatever the store said
		for _, k := range []string{"annexes_page", "kind"} {
			if msg == "" {
				msg = fields[k]
			}
		}
		for _, m := range fields {
			if msg == "" {
				msg = m
			}
		}
		status, _ := classify(err)            // 422, 413 over the cap, 429 while another deposit is under way
		w.Header().Set("Connection", "close") // the rest of a refused body is not read
		return s.rerenderDossier(w, r, status, newForm(), "", map[dossier.Kind]string{kind: msg})
	}
	s.sessions.Put(r.Context(), "flash", s.msg(r, "dossier.piece_saved", "Piece", s.tr.T(requestLang(r), "dossier.kind."+string(kind)), "Version", p.Version))
	s.sessions.Put(r.Context(), "flash_at", "piece-"+string(kind))
	http.Redirect(w, r, dossierURL(d.InscriptionID, "piece-"+string(kind)), http.StatusSeeOther)
	return nil
}

// pieceGet answers a GET of a deposit's address (the page shown after a refused upload,
// reloaded or bookmarked): the dossier's page, at the piece.
func (s *Server) pieceGet(w http.ResponseWriter, r *http.Request) error {
	kind, err := pathKind(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	http.Redirect(w, r, dossierURL(id, "piece-"+string(kind)), http.StatusSeeOther)
	return nil
}

func (s *Server) resumePost(w http.ResponseWriter, r *http.Request) error {
	d, err := s.openDossier(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r, "texte")
	if err != nil {
		return err
	}
	err = s.store.SaveResume(r.Context(), actor(r), d.InscriptionID, f.Values["texte"])
	s.sessions.Put(r.Context(), "flash_at", "resume") // removed again if the form is refused
	return s.finish(w, r, &f, err, func(status int) error { return s.rerenderDossier(w, r, status, f, "resume", nil) },
		s.msg(r, "dossier.resume_saved"), dossierURL(d.InscriptionID, "resume"))
}

var projetFields = []string{"titre", "origine", "entreprise", "url", "blog", "version"}

// readProjet reads a project form into p.
func readProjet(r *http.Request, p *dossier.Projet) (Form, error) {
	f, err := parseForm(r, projetFields...)
	if err != nil {
		return f, err
	}
	codes := r.PostForm["competences"]
	if len(codes) > maxProjetCompetences {
		f.Errors["competences"] = "Trop de compétences : choisissez parmi celles du référentiel."
		codes = nil
	}
	f.Values["competences"] = strings.Join(codes, ",")
	if checked(r, "confidentiel") {
		f.Values["confidentiel"] = "1"
	}
	p.Titre, p.Origine, p.Entreprise = f.Values["titre"], dossier.Origine(f.Values["origine"]), f.Values["entreprise"]
	p.URL, p.Blog, p.Competences, p.Confidentiel = f.Values["url"], f.Values["blog"], codes, checked(r, "confidentiel")
	p.Version, _ = strconv.ParseInt(f.Values["version"], 10, 64)
	return f, nil
}

func (s *Server) projetCreate(w http.ResponseWriter, r *http.Request) error {
	d, err := s.openDossier(r)
	if err != nil {
		return err
	}
	p := &dossier.Projet{InscriptionID: d.InscriptionID}
	f, err := readProjet(r, p)
	if err != nil {
		return err
	}
	if !f.HasErrors() {
		err = s.store.CreateProjet(r.Context(), actor(r), p)
	}
	return s.finish(w, r, &f, err, func(status int) error { return s.rerenderDossier(w, r, status, f, "projet-new", nil) },
		s.msg(r, "dossier.projet_saved"), dossierURL(d.InscriptionID, "projets"))
}

// dossierProjet loads project {projet} of the dossier {id}: 404 when it belongs to another.
func (s *Server) dossierProjet(r *http.Request, insID int64) (*dossier.Projet, error) {
	id, err := pathID(r, "projet")
	if err != nil {
		return nil, err
	}
	p, err := s.store.Projet(r.Context(), actor(r), id)
	if err != nil {
		return nil, err
	}
	if p.InscriptionID != insID {
		return nil, fmt.Errorf("projet %d of inscription %d: %w", id, insID, apperr.NotFound)
	}
	return p, nil
}

func (s *Server) projetUpdate(w http.ResponseWriter, r *http.Request) error {
	d, err := s.openDossier(r)
	if err != nil {
		return err
	}
	p, err := s.dossierProjet(r, d.InscriptionID)
	if err != nil {
		return err
	}
	f, err := readProjet(r, p)
	if err != nil {
		return err
	}
	if !f.HasErrors() {
		err = s.store.UpdateProjet(r.Context(), actor(r), p)
	}
	formID := fmt.Sprintf("projet-%d", p.ID)
	return s.finish(w, r, &f, err, func(status int) error {
		if f.Stale != nil {
			if cur, cerr := s.store.Projet(r.Context(), actor(r), p.ID); cerr == nil {
				f.setTheirs(projetValues(cur).Values)
			}
		}
		return s.rerenderDossier(w, r, status, f, formID, nil)
	}, s.msg(r, "dossier.projet_saved"), dossierURL(d.InscriptionID, formID))
}

func (s *Server) projetDelete(w http.ResponseWriter, r *http.Request) error {
	d, err := s.openDossier(r)
	if err != nil {
		return err
	}
	p, err := s.dossierProjet(r, d.InscriptionID)
	if err != nil {
		return err
	}
	if err := s.store.DeleteProjet(r.Context(), actor(r), p.ID); err != nil {
		return err
	}
	return s.redirectFlash(w, r, s.msg(r, "dossier.projet_deleted"), dossierURL(d.InscriptionID, "projets"))
}

func (s *Server) projetApprove(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadDossier(r)
	if err != nil {
		return err
	}
	p, err := s.dossierProjet(r, d.InscriptionID)
	if err != nil {
		return err
	}
	if err := s.store.ApproveProjet(r.Context(), actor(r), p.ID); err != nil {
		return err
	}
	return s.redirectFlash(w, r, s.msg(r, "dossier.projet_approved"), dossierURL(d.InscriptionID, fmt.Sprintf("projet-%d", p.ID)))
}

func (s *Server) dateSessionPost(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadDossier(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r, "date_session", "version")
	if err != nil {
		return err
	}
	date := f.date("date_session")
	if date.IsZero() && f.Errors["date_session"] == "" {
		f.Errors["date_session"] = "Indiquez la date de la session visée."
	}
	if !f.HasErrors() {
		err = s.store.SetDateSession(r.Context(), actor(r), d.InscriptionID, date, formVersion(r))
	}
	return s.finish(w, r, &f, err, func(status int) error { return s.rerenderDossier(w, r, status, f, "date", nil) },
		s.msg(r, "dossier.date_saved"), dossierURL(d.InscriptionID, ""))
}

func (s *Server) reopenPost(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadDossier(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r, "motif", "jusqu_au")
	if err != nil {
		return err
	}
	until := f.date("jusqu_au")
	if until.IsZero() && f.Errors["jusqu_au"] == "" {
		f.Errors["jusqu_au"] = "Indiquez jusqu’à quelle date le dossier est rouvert."
	}
	if f.Values["motif"] == "" {
		f.Errors["motif"] = "Indiquez le motif de la réouverture."
	}
	if !f.HasErrors() {
		err = s.store.ReopenDossier(r.Context(), actor(r), d.InscriptionID, f.Values["motif"], until)
	}
	return s.finish(w, r, &f, err, func(status int) error { return s.rerenderDossier(w, r, status, f, "reouverture", nil) },
		s.msg(r, "dossier.reopened"), dossierURL(d.InscriptionID, ""))
}
