package web

import "sort"

// SecretField is a secret shown once (an API token, an activation link, a generated password):
// a read-only input, selectable without JavaScript, with a « Copier » button that copy.js
// reveals and wires.
type SecretField struct {
	ID, Label, Value string
	// Copy and Copied are the button's label before and after copying.
	Copy, Copied string
}

// Secret builds the SecretField of value, for the "secret" partial; id names its input.
func (b *Base) Secret(id, label, value string) SecretField {
	return SecretField{ID: id, Label: label, Value: value, Copy: b.T("common.copy"), Copied: b.T("common.copied")}
}

// ErrorSummary is the list of a form's problems shown on top of it, each linking to its
// field (where the same message is shown again).
type ErrorSummary struct {
	ID, Title string
	Items     []FieldProblem
}

// FieldProblem is one field's problem in an ErrorSummary.
type FieldProblem struct{ Field, Message string }

// Summary builds the ErrorSummary of f, with the id id, its problems in the order of fields
// (the fields' order on the page); a problem of a field not named comes last.
func (b *Base) Summary(id string, f Form, fields ...string) ErrorSummary {
	sum := ErrorSummary{ID: id, Title: b.T("form.has_errors")}
	seen := map[string]bool{}
	for _, k := range fields {
		if msg, ok := f.Errors[k]; ok && !seen[k] {
			sum.Items = append(sum.Items, FieldProblem{Field: k, Message: msg})
			seen[k] = true
		}
	}
	rest := make([]string, 0, len(f.Errors))
	for k := range f.Errors {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		sum.Items = append(sum.Items, FieldProblem{Field: k, Message: f.Errors[k]})
	}
	return sum
}
