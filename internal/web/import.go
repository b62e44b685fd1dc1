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

// Caps on what a refused import echoes back into the page: the file's name, the ignored
// columns and the problems come from the upload and may be huge.
const (
	echoNameRunes    = 200 // the file's name, an ignored column's name
	echoMessageRunes = 500 // a problem's column and message
	echoIgnoredMax   = 30  // ignored columns listed
)

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
	// Windows1252 is true when the CSV was read as Windows-1252 (French Excel's default CSV).
	Windows1252 bool
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
	// The slot first: a busy server answers 429 without reading (nor keeping) the upload.
	release, err := s.takeImportSlot()
	if err != nil {
		p.Errors = []candidat.LineError{{Message: msgImportBusy}}
		w.Header().Set("Retry-After", "60")
		w.Header().Set("Connection", "close") // the unread body is not worth draining
		return s.render(w, http.StatusTooManyRequests, "import", p)
	}
	defer release()
	u := currentUser(r)
	cleanup, err := parseUpload(w, r, maxImportSize+1<<20, "fichier")
	defer cleanup()
	if err != nil {
		msg, ok := apperr.FieldErrors(err)["fichier"]
		if !ok {
			return err
		}
		p.Errors = []candidat.LineError{{Message: msg}}
		return s.render(w, http.StatusUnprocessableEntity, "import", p)
	}
	centreID := u.CentreID
	if u.Role == account.RoleAdmin {
		centreID, _ = strconv.ParseInt(r.FormValue("centre"), 10, 64)
		if centreID > 0 {
			p.Centre = strconv.FormatInt(centreID, 10) // only a valid id is echoed back
		}
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
	p.FileName = echoCap(hdr.Filename, echoNameRunes)
	result, info, err := s.runImport(r, centreID, file, hdr.Filename)
	p.Ignored = echoList(info.ignored)
	p.Windows1252 = info.encoding == importer.Windows1252
	var ierr *candidat.ImportError
	switch {
	case errors.As(err, &ierr):
		p.Errors = echoErrors(ierr.Errors)
		return s.render(w, http.StatusUnprocessableEntity, "import", p)
	case err != nil:
		if f := apperr.FieldErrors(err); f != nil {
			for k, v := range f {
				p.Errors = append(p.Errors, candidat.LineError{Column: k, Message: v})
			}
			p.Errors = echoErrors(p.Errors)
			return s.render(w, http.StatusUnprocessableEntity, "import", p)
		}
		return err
	}
	p.Result = &result
	for _, a := range result.Activations {
		p.Links = append(p.Links, ImportLink{Line: a.Line, Email: a.Email, URL: s.activationURL(a.Token)})
	}
	noCompress(w)
	return s.render(w, http.StatusOK, "import", p)
}

// echoCap is v cut to n runes (with an ellipsis), for echoing an uploaded value back.
func echoCap(v string, n int) string {
	if len(v) <= n { // bytes ≥ runes
		return v
	}
	i := 0
	for k := range v {
		if i == n {
			return v[:k] + "…"
		}
		i++
	}
	return v
}

// echoList caps the ignored columns echoed back: echoIgnoredMax of them, each echoCap'd.
func echoList(vs []string) []string {
	out := make([]string, 0, min(len(vs), echoIgnoredMax+1))
	for i, v := range vs {
		if i == echoIgnoredMax {
			out = append(out, fmt.Sprintf("… (%d colonnes en tout)", len(vs)))
			break
		}
		out = append(out, echoCap(v, echoNameRunes))
	}
	return out
}

// echoErrors caps the column and message of each problem echoed back.
func echoErrors(les []candidat.LineError) []candidat.LineError {
	for i := range les {
		les[i].Column = echoCap(les[i].Column, echoNameRunes)
		les[i].Message = echoCap(les[i].Message, echoMessageRunes)
	}
	return les
}

// takeImportSlot reserves one of the maxConcurrentImports import slots, before the upload is
// read; errImportBusy when none is free. Call release when the import is over.
func (s *Server) takeImportSlot() (release func(), err error) {
	if !s.imports.take() {
		return nil, errImportBusy
	}
	return s.imports.release, nil
}

// runImport reads the whole file, then imports it all or nothing into centreID for the first
// certification, within importDeadline: past it, the import is refused as a problem of the
// file. The caller holds an import slot (takeImportSlot), taken before reading the upload.
func (s *Server) runImport(r *http.Request, centreID int64, file io.Reader, name string) (store.ImportResult, importInfo, error) {
	ctx, cancel := context.WithTimeout(r.Context(), importDeadline)
	defer cancel()
	res, info, err := s.importFile(ctx, r, centreID, file, name)
	if err != nil && errors.Is(err, context.DeadlineExceeded) && !errors.As(err, new(*candidat.ImportError)) {
		err = &candidat.ImportError{Errors: []candidat.LineError{{Message: fmt.Sprintf(
			"L'importation a dépassé %d secondes et n'a rien enregistré : découpez le fichier en plusieurs fichiers.", int(importDeadline.Seconds()))}}}
	}
	return res, info, err
}

// importInfo is what the reading of an import file tells beside its rows.
type importInfo struct {
	ignored  []string          // headers naming no known field
	encoding importer.Encoding // how a CSV was read (UTF-8 for an XLSX)
}

// importFile is runImport within ctx.
func (s *Server) importFile(ctx context.Context, r *http.Request, centreID int64, file io.Reader, name string) (store.ImportResult, importInfo, error) {
	certs, err := s.store.Certifications(ctx)
	if err != nil {
		return store.ImportResult{}, importInfo{}, err
	}
	if len(certs) == 0 {
		return store.ImportResult{}, importInfo{}, fmt.Errorf("no certification: %w", apperr.NotFound)
	}
	_, ref, err := s.store.ActiveReferentiel(ctx, certs[0].ID)
	if err != nil {
		return store.ImportResult{}, importInfo{}, err
	}
	rd, err := importer.NewReader(ctx, file, name, ref, s.now())
	if err != nil {
		return store.ImportResult{}, importInfo{}, err
	}
	defer rd.Close()
	res, err := s.store.ImportCandidatsStream(ctx, actor(r), certs[0].ID, centreID, rd.Next)
	return res, importInfo{ignored: rd.Ignored(), encoding: rd.Encoding()}, err
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
