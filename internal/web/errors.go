package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"
	"unicode"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/store"
)

// handlerFunc is an HTTP handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// errorKind maps each sentinel to its status and message ids: the one table of error handling.
var errorKinds = []struct {
	err    error
	status int
	code   string // API error code
}{
	{apperr.NotFound, http.StatusNotFound, "not_found"},
	{apperr.Forbidden, http.StatusForbidden, "forbidden"},
	{apperr.Unauthenticated, http.StatusUnauthorized, "unauthenticated"},
	{errTooLarge, http.StatusRequestEntityTooLarge, "too_large"},  // before Invalid: it carries the field's message
	{errTooMany, http.StatusTooManyRequests, "too_many_requests"}, // before Invalid: it may carry the field's message
	{apperr.Invalid, http.StatusUnprocessableEntity, "invalid"},
	{apperr.Conflict, http.StatusConflict, "conflict"},
	{apperr.Busy, http.StatusServiceUnavailable, "busy"},
}

// busyRetryAfter is the Retry-After, in seconds, of a 503 for a busy database.
const busyRetryAfter = "5"

// errTooMany is returned when a rate limit is exceeded.
var errTooMany = errors.New("too many requests")

// bodyTooLarge returns the 413 (errTooLarge) of a body over limit bytes when err is the error
// of reading it through http.MaxBytesReader, nil otherwise: the French message is the page's
// (under « Requête trop volumineuse ») and the API's, and is on the field "body".
func bodyTooLarge(err error) error {
	var mbe *http.MaxBytesError
	if !errors.As(err, &mbe) {
		return nil
	}
	msg := "Le corps de la requête dépasse " + french.Bytes(mbe.Limit) + "."
	v := apperr.NewValidation()
	v.Add("body", msg)
	return &explainedError{err: fmt.Errorf("%w: %w", errTooLarge, v), heading: "Requête trop volumineuse", message: msg}
}

// classify returns the status and API code for err; unknown errors are 500 "internal".
func classify(err error) (int, string) {
	for _, k := range errorKinds {
		if errors.Is(err, k.err) {
			return k.status, k.code
		}
	}
	return http.StatusInternalServerError, "internal"
}

// ErrorPage is the page shown for an HTML error.
type ErrorPage struct {
	Base
	Status  int
	Heading string
	Message string
	// Link and LinkLabel say where to fix the problem ("" for none).
	Link, LinkLabel string
}

// handle adapts a handlerFunc: a returned error becomes a French error page (or JSON under
// /api/), logged without personal data when it is a server error.
func (s *Server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cleanURL(r) {
			s.writeError(w, r, errNotFoundPage)
			return
		}
		// r is our middleware's copy: net/http never removes the temporary files of a
		// multipart form parsed on it (uploads remove theirs; this catches any other parse).
		defer func() {
			if r.MultipartForm != nil {
				_ = r.MultipartForm.RemoveAll()
			}
		}()
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errClientGone) { // nobody to answer; not a server error
		s.log.InfoContext(r.Context(), "request abandoned by the client", slog.String("method", r.Method),
			slog.String("route", r.Pattern), slog.String("error", err.Error()))
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	status, code := classify(err)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", busyRetryAfter)
		s.log.WarnContext(r.Context(), "database busy", slog.String("method", r.Method),
			slog.String("route", r.Pattern), slog.String("error", err.Error()))
	}
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "request failed", slog.String("method", r.Method),
			slog.String("route", r.Pattern), slog.String("error", err.Error()))
	}
	lang := requestLang(r)
	if isAPI(r) {
		body := apiError{Code: code, Message: s.tr.T(lang, "error."+code)}
		body.Fields = apperr.FieldErrors(err)
		var ierr *candidat.ImportError
		if errors.As(err, &ierr) {
			body.Lines = ierr.Errors
		}
		if e := staleOf(err); e != nil {
			body.Conflict = &apiConflict{Version: e.Version, ModifiedBy: e.By}
			if !e.At.IsZero() {
				at := e.At.UTC()
				body.Conflict.ModifiedAt = &at
			}
		}
		var cur *currentError
		if errors.As(err, &cur) && status == http.StatusConflict {
			if body.Conflict == nil {
				body.Conflict = &apiConflict{}
			}
			body.Conflict.Current = cur.current
		}
		var ex *explainedError
		if errors.As(err, &ex) {
			body.Message = ex.message
		}
		var closed *store.ClosedError
		if errors.As(err, &closed) {
			body.Message = closed.Message()
		}
		var pverr *store.PVError
		if errors.As(err, &pverr) {
			body.Message = pverr.Message()
		}
		if errors.Is(err, candidat.ErrVAE) {
			body.Message = "L'évaluation en cours de formation ne s'applique pas aux candidats en VAE : pas de livret, d'attestation de formation, de fiche de stage ni de relevé des évaluations."
		}
		if status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="certif"`)
		}
		writeJSON(w, status, struct {
			Error apiError `json:"error"`
		}{body})
		return
	}
	if status == http.StatusUnauthorized {
		http.Redirect(w, r, "/connexion?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	p := &ErrorPage{Base: s.base(r, "error."+code+".title"), Status: status}
	p.Heading = p.T("error." + code + ".title")
	p.Message = p.T("error." + code)
	var ex *explainedError
	if errors.As(err, &ex) {
		p.Heading, p.Message, p.Link, p.LinkLabel = ex.heading, ex.message, ex.link, ex.linkLabel
	}
	var pverr *store.PVError
	if errors.As(err, &pverr) { // the PV is signed: say so
		p.Message = pverr.Message()
	}
	var closed *store.ClosedError
	if errors.As(err, &closed) { // the dossier's deadline passed: say so, and where it stands
		p.Heading, p.Message = p.T("dossier.closed_title"), closed.Message()
		p.Link, p.LinkLabel = fmt.Sprintf("/inscriptions/%d/dossier", closed.InscriptionID), p.T("dossier.title")
	}
	if rerr := s.render(w, status, "error", p); rerr != nil {
		s.log.ErrorContext(r.Context(), "render error page", slog.String("error", rerr.Error()))
		http.Error(w, p.Message, status)
	}
}

// apiError is the JSON error body: {"error": {"code", "message", "fields"}}.
type apiError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	// Lines lists the problems of a refused import, by line and column.
	Lines []candidat.LineError `json:"lignes,omitempty"`
	// Conflict says, for an update of a stale version, the current one and who made it.
	Conflict *apiConflict `json:"conflict,omitempty"`
}

// apiConflict is the detail of a 409 on a versioned record.
type apiConflict struct {
	Version    int64      `json:"version"`               // the record's current version
	ModifiedBy string     `json:"modified_by,omitempty"` // who made the latest change
	ModifiedAt *time.Time `json:"modified_at,omitempty"` // when (UTC)
	// Current is the record as it stands now, when the route gives it (a dossier's project).
	Current any `json:"current,omitempty"`
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// jsonValueError is what the UnmarshalJSON methods of the web layer return: a French message
// about a value, shown to the client as is (the standard library does not say which field).
type jsonValueError struct{ msg string }

func (e jsonValueError) Error() string { return e.msg }

// jsonDecodeError turns an error of encoding/json into a *apperr.Validation whose messages are
// French and name the JSON field ("competences", "adresse.ville"), never a Go type or a Go
// error text; a body over the limit is a 413 (bodyTooLarge).
func jsonDecodeError(err error) error {
	if tl := bodyTooLarge(err); tl != nil {
		return tl
	}
	v := apperr.NewValidation()
	var (
		ute *json.UnmarshalTypeError
		se  *json.SyntaxError
		tpe *time.ParseError
		jve jsonValueError
	)
	switch {
	case errors.As(err, &ute) && ute.Field == "":
		v.Add("body", "Le corps de la requête doit être "+jsonKind(ute.Type)+".")
	case errors.As(err, &ute):
		v.Add(ute.Field, "Type incorrect : ce champ attend "+jsonKind(ute.Type)+".")
	case errors.As(err, &se):
		v.Add("body", fmt.Sprintf("JSON invalide : erreur de syntaxe vers le caractère %d.", se.Offset))
	case errors.Is(err, io.EOF):
		v.Add("body", "Le corps de la requête est vide.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		v.Add("body", "JSON invalide : le document est incomplet.")
	case errors.As(err, &tpe):
		v.Add("body", "Date et heure illisibles : attendu AAAA-MM-JJTHH:MM:SSZ.")
	case errors.As(err, &jve):
		v.Add("body", jve.msg)
	default:
		// encoding/json reports an unknown field (DisallowUnknownFields) only by its text.
		if name, ok := strings.CutPrefix(err.Error(), `json: unknown field "`); ok {
			name = strings.TrimSuffix(name, `"`)
			if len(name) <= 100 && !strings.ContainsFunc(name, unicode.IsControl) {
				v.Add(name, "Champ inconnu.")
				break
			}
			v.Add("body", "JSON invalide : un champ est inconnu.")
			break
		}
		v.Add("body", "JSON invalide.")
	}
	return v
}

// jsonKind names in French what a Go type expects in JSON.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "une valeur"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[time.Time]() {
		return "une date et heure"
	}
	switch t.Kind() {
	case reflect.String:
		return "du texte"
	case reflect.Bool:
		return "vrai ou faux (true, false)"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "un nombre entier"
	case reflect.Float32, reflect.Float64:
		return "un nombre"
	case reflect.Slice, reflect.Array:
		return "une liste"
	case reflect.Struct, reflect.Map:
		return "un objet"
	}
	return "une autre valeur"
}

// multipartMessage is the French message of a form with a file that could not be read.
func multipartMessage(err error) string {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return fmt.Sprintf("Le fichier dépasse %d Mo.", maxUpload>>20)
	case errors.Is(err, http.ErrNotMultipart):
		return "Le formulaire n’a pas été envoyé avec son fichier (multipart/form-data) : rechargez la page et réessayez."
	}
	return "Le formulaire envoyé est illisible : rechargez la page et réessayez."
}
