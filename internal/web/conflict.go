package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/certif/certif/internal/store"
)

// Stale is what a form shows when its save hit a version of the record that someone else
// changed in the meantime (409): who and when, and the record's current values beside the
// user's own input, which the form keeps.
type Stale struct {
	By     string            // display name of the author of the latest change, "" when unknown
	At     time.Time         // when
	Theirs map[string]string // the record's current values, by form field
	// Shown holds, for the fields whose stored value is a code (a checkbox, a select), how
	// that value reads (« Actif », a role's or a centre's name).
	Shown map[string]string
	Label string // « Valeur actuelle », in the request's language
}

// staleOf returns the *store.StaleError in err, or nil.
func staleOf(err error) *store.StaleError {
	var e *store.StaleError
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// markStale records a stale save in the form: the notice, and the current version in the
// hidden "version" field, so that saving again deliberately replaces the other person's
// values with the user's. The caller fills f.Stale.Theirs from the reloaded record.
func (s *Server) markStale(r *http.Request, f *Form, e *store.StaleError) {
	f.Stale = &Stale{By: e.By, At: e.At, Theirs: map[string]string{}, Shown: map[string]string{}, Label: s.msg(r, "conflict.theirs")}
	f.Values["version"] = strconv.FormatInt(e.Version, 10)
}

// Differs reports whether the form is stale and the stored value of field name differs from
// the user's input.
func (f Form) Differs(name string) bool {
	if f.Stale == nil {
		return false
	}
	v, ok := f.Stale.Theirs[name]
	return ok && v != f.Values[name]
}

// Theirs returns how the current stored value of field name reads when it differs from the
// user's input (see Differs), "" otherwise.
func (f Form) Theirs(name string) string {
	if !f.Differs(name) {
		return ""
	}
	if v, ok := f.Stale.Shown[name]; ok {
		return v
	}
	return f.Stale.Theirs[name]
}

// setShown records how the current value of field name reads (see Stale.Shown); it does
// nothing when the form is not stale.
func (f *Form) setShown(name, shown string) {
	if f.Stale != nil {
		f.Stale.Shown[name] = shown
	}
}

// activeShown is how an "active" checkbox's stored value reads.
func (s *Server) activeShown(r *http.Request, on bool) string {
	if on {
		return s.msg(r, "common.active")
	}
	return s.msg(r, "common.inactive")
}

// yesNo is how a checkbox's stored value reads.
func (s *Server) yesNo(r *http.Request, on bool) string {
	if on {
		return s.msg(r, "common.yes")
	}
	return s.msg(r, "common.no")
}

// setTheirs fills the current values of a stale form from values (the record as stored
// now, in form fields); it does nothing when the form is not stale.
func (f *Form) setTheirs(values map[string]string) {
	if f.Stale == nil {
		return
	}
	for k, v := range values {
		if k != "version" {
			f.Stale.Theirs[k] = v
		}
	}
}

// formVersion reads the hidden "version" field of an edit form (0 when missing or
// unreadable: the store then answers with a conflict).
func formVersion(r *http.Request) int64 {
	v, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	return v
}
