// Package apperr defines the error vocabulary shared by every layer of Certif.
//
// Domain and store code wrap one of the sentinels with fmt.Errorf("…: %w", apperr.NotFound);
// the web layer maps each sentinel to one HTTP status and one French message. A *Validation
// carries the field-level messages shown next to form fields and returned by the API.
package apperr

import (
	"errors"
	"sort"
	"strings"
)

// Sentinel errors. Wrap them with %w; test them with errors.Is.
var (
	// NotFound: the record does not exist or the actor may not know it exists.
	NotFound = errors.New("not found")
	// Invalid: the input is malformed; prefer *Validation when fields are known.
	Invalid = errors.New("invalid")
	// Conflict: the write contradicts existing data (duplicate, stale state).
	Conflict = errors.New("conflict")
	// Forbidden: the actor is known but may not do this.
	Forbidden = errors.New("forbidden")
	// Unauthenticated: no valid session or token.
	Unauthenticated = errors.New("unauthenticated")
	// Busy: the database is too busy to take the write now (it waited and gave up); the
	// client may try again in a moment.
	Busy = errors.New("busy")
)

// Validation lists field problems, keyed by field path (e.g. "email",
// "blocs[1].competences[3].criteres"). Messages are French, ready for the user.
// errors.Is(v, Invalid) is true.
type Validation struct {
	Fields map[string]string
}

// NewValidation returns an empty *Validation ready for Add.
func NewValidation() *Validation { return &Validation{Fields: map[string]string{}} }

// Add records msg for field, keeping the first message given for a field.
func (v *Validation) Add(field, msg string) {
	if v.Fields == nil {
		v.Fields = map[string]string{}
	}
	if _, ok := v.Fields[field]; !ok {
		v.Fields[field] = msg
	}
}

// Empty reports whether no problem was recorded.
func (v *Validation) Empty() bool { return v == nil || len(v.Fields) == 0 }

// Err returns v as an error when it holds problems, nil otherwise.
func (v *Validation) Err() error {
	if v.Empty() {
		return nil
	}
	return v
}

// Error lists the problems sorted by field, one "field: message" per line.
func (v *Validation) Error() string {
	keys := make([]string, 0, len(v.Fields))
	for k := range v.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(v.Fields[k])
	}
	return b.String()
}

// Is makes errors.Is(v, Invalid) true.
func (v *Validation) Is(target error) bool { return target == Invalid }

// FieldErrors returns the field map of the *Validation wrapped in err, or nil.
func FieldErrors(err error) map[string]string {
	var v *Validation
	if errors.As(err, &v) {
		return v.Fields
	}
	return nil
}

// Has reports whether field already has a problem.
func (v *Validation) Has(field string) bool {
	if v == nil {
		return false
	}
	_, ok := v.Fields[field]
	return ok
}
