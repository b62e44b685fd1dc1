package web

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/importer"
	"github.com/certif/certif/internal/store"
)

// maxImportSize caps an uploaded import file (100,000 lines of CSV are about 20 MB).
const maxImportSize = 64 << 20

// ImportPage uploads a CSV or XLSX file of candidates and shows the outcome.
type ImportPage struct {
	Base
	Centres  []account.Organisme
	Centre   string
	Errors   []candidat.LineError
	Ignored  []string
	Result   *store.ImportResult
	Links    []ImportLink
	FileName string
}

// ImportLink is an activation link of an account created by the import.
type ImportLink struct {
	Line  int
	Email string
	URL   string
}

func (s *Server) importPage(r *http.Request) (*ImportPage, error) {
	p := &ImportPage{Base: s.base(r, "import.title")}
	if currentUser(r).Role == account.RoleAdmin {
		orgs, err := s.store.Organismes(r.Context(), actor(r))
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			if !o.Certificateur && o.Active {
				p.Centres = append(p.Centres, o)
			}
		}
	}
	return p, nil
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.importPage(r)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "import", p)
}

func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="modele-import-candidats.csv"`)
	return importer.Template(w)
}

func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) error {
	p, err := s.importPage(r)
	if err != nil {
		return err
	}
	u := currentUser(r)
	r.Body = http.MaxBytesReader(w, r.Body, maxImportSize+1<<20)
	if err := parseMultipart(r, 8<<20); err != nil {
		p.Errors = []candidat.LineError{{Message: fmt.Sprintf("Le fichier dépasse %d Mo ou l'envoi a échoué.", maxImportSize>>20)}}
		return s.render(w, http.StatusUnprocessableEntity, "import", p)
	}
	defer r.MultipartForm.RemoveAll()
	centreID := u.CentreID
	if u.Role == account.RoleAdmin {
		p.Centre = r.FormValue("centre")
		centreID, _ = strconv.ParseInt(p.Centre, 10, 64)
	}
	file, hdr, err := r.FormFile("fichier")
	if err != nil || centreID == 0 {
		msg := "Choisissez un fichier CSV ou XLSX."
		if centreID == 0 {
			msg = "Choisissez le centre où inscrire les candidats."
		}
		p.Errors = []candidat.LineError{{Message: msg}}
		return s.render(w, http.StatusUnprocessableEntity, "import", p)
	}
	defer file.Close()
	p.FileName = hdr.Filename
	result, ignored, err := s.runImport(r, centreID, file, hdr.Filename)
	p.Ignored = ignored
	var ierr *candidat.ImportError
	switch {
	case errors.As(err, &ierr):
		p.Errors = ierr.Errors
		return s.render(w, http.StatusUnprocessableEntity, "import", p)
	case err != nil:
		if f := apperr.FieldErrors(err); f != nil {
			for k, v := range f {
				p.Errors = append(p.Errors, candidat.LineError{Column: k, Message: v})
			}
			return s.render(w, http.StatusUnprocessableEntity, "import", p)
		}
		return err
	}
	p.Result = &result
	for _, a := range result.Activations {
		p.Links = append(p.Links, ImportLink{Line: a.Line, Email: a.Email, URL: s.activationURL(a.Token)})
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, http.StatusOK, "import", p)
}

// runImport reads the whole file, then imports it all or nothing into centreID for the first
// certification.
func (s *Server) runImport(r *http.Request, centreID int64, file interface{ Read([]byte) (int, error) }, name string) (store.ImportResult, []string, error) {
	certs, err := s.store.Certifications(r.Context())
	if err != nil {
		return store.ImportResult{}, nil, err
	}
	if len(certs) == 0 {
		return store.ImportResult{}, nil, fmt.Errorf("no certification: %w", apperr.NotFound)
	}
	_, ref, err := s.store.ActiveReferentiel(r.Context(), certs[0].ID)
	if err != nil {
		return store.ImportResult{}, nil, err
	}
	rd, err := importer.NewReader(file, name, ref, s.now())
	if err != nil {
		return store.ImportResult{}, nil, err
	}
	defer rd.Close()
	res, err := s.store.ImportCandidatsStream(r.Context(), actor(r), certs[0].ID, centreID, rd.Next)
	return res, rd.Ignored(), err
}

// activationsCSV issues fresh activation links for the promotion's accounts never activated
// and returns them as a CSV for French Excel (UTF-8 BOM, « ; »). It is a POST: it changes the
// tokens (earlier links stop working).
func (s *Server) activationsCSV(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	centreID := u.CentreID
	if u.Role == account.RoleAdmin {
		centreID, _ = strconv.ParseInt(r.FormValue("centre"), 10, 64)
	}
	promo := r.PathValue("promotion")
	list, err := s.store.PendingActivations(r.Context(), actor(r), centreID, promo)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="activations-%s.csv"`, slug(promo)))
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	_ = cw.Write([]string{"E-mail", "Lien d'activation"})
	for _, a := range list {
		_ = cw.Write([]string{a.Email, s.activationURL(a.Token)})
	}
	cw.Flush()
	return cw.Error()
}
