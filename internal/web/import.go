package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/excelcsv"
	"github.com/certif/certif/internal/importer"
	"github.com/certif/certif/internal/store"
)

// maxImportSize caps an uploaded import file (100,000 lines of CSV are about 20 MB).
const maxImportSize = 64 << 20

// importDeadline bounds the reading and the writing of one import, below the server's
// write timeout (120 s): 100,000 lines take about 20 s.
const importDeadline = 90 * time.Second

// maxConcurrentImports bounds the imports under way on one server: each can hold a few
// dozen MB and one core.
const maxConcurrentImports = 2

// msgImportBusy answers an import beyond maxConcurrentImports.
const msgImportBusy = "Une importation est déjà en cours : le serveur en traite deux au plus à la fois. Réessayez dans quelques minutes."

// errImportBusy is returned by runImport beyond maxConcurrentImports (a 429).
var errImportBusy = fmt.Errorf("import busy: %w", errTooMany)

// importSlots counts the imports under way; its zero value is ready.
type importSlots struct {
	mu sync.Mutex
	n  int
}

// take reserves a slot, false when maxConcurrentImports are under way.
func (sl *importSlots) take() bool {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	if sl.n >= maxConcurrentImports {
		return false
	}
	sl.n++
	return true
}

func (sl *importSlots) release() {
	sl.mu.Lock()
	sl.n--
	sl.mu.Unlock()
}

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
	case errors.Is(err, errImportBusy):
		p.Errors = []candidat.LineError{{Message: msgImportBusy}}
		w.Header().Set("Retry-After", "60")
		return s.render(w, http.StatusTooManyRequests, "import", p)
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
// certification. At most maxConcurrentImports run at once (errImportBusy beyond), each
// within importDeadline: past it, the import is refused as a problem of the file.
func (s *Server) runImport(r *http.Request, centreID int64, file io.Reader, name string) (store.ImportResult, []string, error) {
	if !s.imports.take() {
		return store.ImportResult{}, nil, errImportBusy
	}
	defer s.imports.release()
	ctx, cancel := context.WithTimeout(r.Context(), importDeadline)
	defer cancel()
	res, ignored, err := s.importFile(ctx, r, centreID, file, name)
	if err != nil && errors.Is(err, context.DeadlineExceeded) && !errors.As(err, new(*candidat.ImportError)) {
		err = &candidat.ImportError{Errors: []candidat.LineError{{Message: fmt.Sprintf(
			"L'importation a dépassé %d secondes et n'a rien enregistré : découpez le fichier en plusieurs fichiers.", int(importDeadline.Seconds()))}}}
	}
	return res, ignored, err
}

// importFile is runImport within ctx.
func (s *Server) importFile(ctx context.Context, r *http.Request, centreID int64, file io.Reader, name string) (store.ImportResult, []string, error) {
	certs, err := s.store.Certifications(ctx)
	if err != nil {
		return store.ImportResult{}, nil, err
	}
	if len(certs) == 0 {
		return store.ImportResult{}, nil, fmt.Errorf("no certification: %w", apperr.NotFound)
	}
	_, ref, err := s.store.ActiveReferentiel(ctx, certs[0].ID)
	if err != nil {
		return store.ImportResult{}, nil, err
	}
	rd, err := importer.NewReader(ctx, file, name, ref, s.now())
	if err != nil {
		return store.ImportResult{}, nil, err
	}
	defer rd.Close()
	res, err := s.store.ImportCandidatsStream(ctx, actor(r), certs[0].ID, centreID, rd.Next)
	return res, rd.Ignored(), err
}

// activationsCSV issues fresh activation links for the promotion's accounts never activated
// and returns them as a CSV for French Excel (excelcsv: UTF-8 BOM, « ; », cells neutralised
// against formula injection). It is a POST: it changes the
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
	cw := excelcsv.NewWriter(w)
	if err := cw.Write([]string{"E-mail", "Lien d'activation"}); err != nil {
		return err
	}
	for _, a := range list {
		if err := cw.Write([]string{a.Email, s.activationURL(a.Token)}); err != nil {
			return err
		}
	}
	return cw.Flush()
}
