package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/input"
)

// Form carries submitted values and field errors back to a template.
type Form struct {
	Values map[string]string
	Errors map[string]string
	// Stale is set when the save hit a newer version of the record (see markStale).
	Stale *Stale
}

// newForm returns an empty form.
func newForm() Form { return Form{Values: map[string]string{}, Errors: map[string]string{}} }

// Field is what the "field" partial renders.
type Field struct {
	Name, Label, Type, Value, Error, Auto string
	Required                              bool
	// Theirs is the value stored in the meantime by someone else, when it differs from
	// Value (after a 409); TheirsLabel introduces it.
	Theirs, TheirsLabel string
}

// Input builds a Field for name with its label, value and error.
func (f Form) Input(name, label, typ string, required bool) Field {
	fd := Field{Name: name, Label: label, Type: typ, Value: f.Values[name], Error: f.Errors[name], Required: required}
	switch typ { // what browsers fill in; WithAuto says otherwise
	case "password":
		fd.Auto = "new-password"
	case "email":
		fd.Auto = "off" // the forms with an e-mail field are about someone else (candidate, tutor, user)
	}
	if fd.Theirs = f.Theirs(name); fd.Theirs != "" {
		fd.TheirsLabel = f.Stale.Label
	}
	return fd
}

// WithAuto returns the field with its autocomplete token ("current-password", "username"…).
func (fd Field) WithAuto(token string) Field {
	fd.Auto = token
	return fd
}

// TheirsField is a Field carrying only name and, after a 409, the stored value that differs
// from the user's input (for the "theirs" partial next to checkboxes and selects).
func (f Form) TheirsField(name string) Field {
	fd := Field{Name: name, Theirs: f.Theirs(name)}
	if fd.Theirs != "" {
		fd.TheirsLabel = f.Stale.Label
	}
	return fd
}

// HasErrors reports whether the form has any field error.
func (f Form) HasErrors() bool { return len(f.Errors) > 0 }

// parseForm parses a POST body of at most 64 KiB (a larger one is a 413), cleans every value (cleanForm) and returns
// the trimmed values of keys.
func parseForm(r *http.Request, keys ...string) (Form, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		if tl := bodyTooLarge(err); tl != nil {
			return Form{}, tl
		}
		return Form{}, fmt.Errorf("form: %w", apperr.Invalid)
	}
	cleanForm(r)
	f := newForm()
	for _, k := range keys {
		f.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	return f, nil
}

// parseMultipart parses a multipart body (maxMemory bytes kept in memory, the rest in
// temporary files) and cleans every value (cleanForm). Every multipart form goes through it.
func parseMultipart(r *http.Request, maxMemory int64) error {
	if err := r.ParseMultipartForm(maxMemory); err != nil {
		return err
	}
	cleanForm(r)
	return nil
}

// multiline reports whether a field, of a form or a JSON body alike, holds several lines of
// text (a description, a comment: commentaire, commentaire_general, commentaire_C1.1…; the
// certificateur's adresse, a certification's mentions, the dossier's summary « texte » and a
// reopening's « motif »): it
// keeps its line feeds and tabs, every other field loses them (cleanText).
func multiline(field string) bool {
	return field == "description" || field == "adresse" || field == "mentions" || field == "texte" || field == "motif" || strings.HasPrefix(field, "commentaire")
}

// passwordFields are left as typed: a password is only hashed, never stored or shown, and
// cleaning it would change the password of whoever chose one with such characters.
var passwordFields = map[string]bool{"password": true, "current": true, "confirm": true}

// cleanForm cleans, in place, every value of the parsed form (query, body, multipart) but the
// passwords with cleanText, so that whatever reads the form afterwards (Form, PostFormValue,
// r.PostForm) gets no NUL or control character. It is the one place forms are cleaned; JSON
// bodies are cleaned by decodeJSON, URLs by cleanURL.
func cleanForm(r *http.Request) {
	clean := func(vals map[string][]string) {
		for k, vs := range vals {
			if passwordFields[k] {
				continue
			}
			ml := multiline(k)
			for i, v := range vs {
				vs[i] = cleanText(v, ml)
			}
		}
	}
	clean(r.Form)
	clean(r.PostForm)
	if r.MultipartForm != nil {
		clean(r.MultipartForm.Value)
	}
}

// cleanText is input.Clean: the one cleaning rule of every text field.
func cleanText(s string, multiline bool) string { return input.Clean(s, multiline) }

// checked reports whether a checkbox was ticked.
func checked(r *http.Request, name string) bool { return r.PostFormValue(name) != "" }

// absorb moves the field errors of a *apperr.Validation into the form and reports whether
// err was one; other errors are left for the caller to return.
func (f *Form) absorb(err error) bool {
	fields := apperr.FieldErrors(err)
	if fields == nil {
		return false
	}
	for k, v := range fields {
		if _, ok := f.Errors[k]; !ok { // the first problem found for a field stays
			f.Errors[k] = v
		}
	}
	return true
}

// fieldError returns a *apperr.Validation with one field problem.
func fieldError(field, msg string) error {
	v := apperr.NewValidation()
	v.Add(field, msg)
	return v
}

// finish ends a form POST the one way every form does: field problems (in the form or in
// err) re-render the page with status 422, a save on a stale version re-renders it with 409
// and f.Stale set (the user's input kept), another error is returned, and success flashes
// flash and redirects (303) to dest.
func (s *Server) finish(w http.ResponseWriter, r *http.Request, f *Form, err error, rerender func(status int) error, flash, dest string) error {
	if f.HasErrors() || (err != nil && f.absorb(err)) {
		return rerender(http.StatusUnprocessableEntity)
	}
	if e := staleOf(err); e != nil {
		s.markStale(r, f, e)
		return rerender(http.StatusConflict)
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(w, r, flash, dest)
}

// date reads the optional date field key (JJ/MM/AAAA, or AAAA-MM-JJ from a date input); an
// unreadable date becomes the field's error and the zero time.
func (f *Form) date(key string) time.Time {
	v := f.Values[key]
	if v == "" {
		return time.Time{}
	}
	t, err := candidat.ParseDate(v)
	if err != nil {
		f.Errors[key] = "Date illisible : attendu JJ/MM/AAAA."
	}
	return t
}

// redirectFlash ends a successful POST the one way: it keeps flash for the next page and
// redirects there (303, dest). It returns nil, for handlers to `return` it.
func (s *Server) redirectFlash(w http.ResponseWriter, r *http.Request, flash, dest string) error {
	s.sessions.Put(r.Context(), "flash", flash)
	http.Redirect(w, r, dest, http.StatusSeeOther)
	return nil
}
