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
	Label  string            // « Valeur actuelle », in the request's language
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
	f.Stale = &Stale{By: e.By, At: e.At, Theirs: map[string]string{}, Label: s.msg(r, "conflict.theirs")}
	f.Values["version"] = strconv.FormatInt(e.Version, 10)
}

// theirs returns the current stored value of field name when the form is stale and that value
// differs from the user's input, "" otherwise.
func (f Form) theirs(name string) string {
	if f.Stale == nil {
		return ""
	}
	if v, ok := f.Stale.Theirs[name]; ok && v != f.Values[name] {
		return v
	}
	return ""
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
