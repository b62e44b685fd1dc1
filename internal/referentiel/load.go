package referentiel

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"reflect"
	"strings"

	"github.com/certif/certif/internal/apperr"
	"go.yaml.in/yaml/v3"
)

// MaxSize is the largest référentiel file Parse accepts, in bytes. The shipped one weighs
// about 40 KiB; the cap keeps a hostile upload from tying up the decoder.
const MaxSize = 4 << 20

// CommunityManagerFile is the name of the shipped "Community Manager" référentiel.
const CommunityManagerFile = "community-manager.yaml"

//go:embed data/*.yaml
var dataFS embed.FS

// Embedded returns a copy of every shipped référentiel file, keyed by its base name
// (e.g. "community-manager.yaml"). The files are not parsed: use Parse on them.
func Embedded() map[string][]byte {
	out := map[string][]byte{}
	entries, err := fs.ReadDir(dataFS, "data")
	if err != nil {
		// Unreachable: the directory is embedded at build time.
		return out
	}
	for _, e := range entries {
		b, err := dataFS.ReadFile("data/" + e.Name())
		if err == nil {
			out[e.Name()] = b
		}
	}
	return out
}

// EmbeddedFile returns the bytes of the shipped référentiel file name, given with or
// without its ".yaml" extension. It wraps apperr.NotFound when no such file is shipped.
func EmbeddedFile(name string) ([]byte, error) {
	if !strings.HasSuffix(name, ".yaml") {
		name += ".yaml"
	}
	if name != path.Base(name) || !fs.ValidPath(name) {
		return nil, fmt.Errorf("référentiel embarqué %q: %w", name, apperr.NotFound)
	}
	b, err := dataFS.ReadFile("data/" + name)
	if err != nil {
		return nil, fmt.Errorf("référentiel embarqué %q: %w", name, apperr.NotFound)
	}
	return b, nil
}

// CommunityManager parses and validates the shipped "Community Manager" référentiel. Each
// call returns a fresh value. An error means the shipped file is broken (a build defect).
func CommunityManager() (*Referentiel, error) {
	b, err := EmbeddedFile(CommunityManagerFile)
	if err != nil {
		return nil, err
	}
	r, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", CommunityManagerFile, err)
	}
	return r, nil
}

// Parse decodes a référentiel written in YAML or JSON and validates it.
//
// The input is JSON when its first non-blank byte is '{' (decoded strictly with
// encoding/json), YAML otherwise. Unknown fields, a second YAML document or data after the
// JSON object are refused. Input larger than MaxSize is refused before decoding.
//
// Errors: a *DecodeError when the input cannot be decoded, a *apperr.Validation (see
// Validate) when it decodes but breaks a rule; both satisfy errors.Is(err, apperr.Invalid).
// On error the returned référentiel is nil.
func Parse(data []byte) (*Referentiel, error) {
	if len(data) > MaxSize {
		return nil, &DecodeError{Problems: []DecodeProblem{{
			Message: fmt.Sprintf("fichier trop volumineux : %d octets, %d au maximum", len(data), MaxSize),
		}}}
	}
	// A byte-order mark is common in files saved by Windows editors; JSON forbids it.
	body := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var (
		r   Referentiel
		err error
	)
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		err = decodeJSON(body, &r)
	} else {
		err = decodeYAML(body, &r)
	}
	if err != nil {
		return nil, err
	}
	normalize(reflect.ValueOf(&r).Elem())
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return &r, nil
}

// Marshal encodes r as "yaml" or "json" (indented, without HTML escaping, so that « & »
// stays readable). Parse(Marshal(r)) yields a référentiel equal to r when r is valid.
// An unknown format wraps apperr.Invalid.
func (r *Referentiel) Marshal(format string) ([]byte, error) {
	var buf bytes.Buffer
	switch format {
	case "yaml", "yml":
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(r); err != nil {
			return nil, fmt.Errorf("référentiel en YAML: %w", err)
		}
		if err := enc.Close(); err != nil {
			return nil, fmt.Errorf("référentiel en YAML: %w", err)
		}
	case "json":
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return nil, fmt.Errorf("référentiel en JSON: %w", err)
		}
	default:
		return nil, fmt.Errorf("format %q inconnu, yaml ou json attendu: %w", format, apperr.Invalid)
	}
	return buf.Bytes(), nil
}

// DecodeError reports a référentiel file that cannot be decoded: bad syntax, unknown
// field, value of the wrong type, several documents, file too large. Its messages are
// French, ready for the user. errors.Is(err, apperr.Invalid) is true.
type DecodeError struct {
	// Format is "yaml" or "json", empty when the input was refused before decoding.
	Format string
	// Problems lists what went wrong, in input order; never empty.
	Problems []DecodeProblem
}

// DecodeProblem is one decoding problem.
type DecodeProblem struct {
	// Line is the 1-based line of the problem, 0 when the decoder does not say.
	Line int
	// Message is French.
	Message string
}

// Error lists the problems on one line, each with its line number when known.
func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("référentiel illisible")
	if e.Format != "" {
		b.WriteString(" (" + strings.ToUpper(e.Format) + ")")
	}
	for i, p := range e.Problems {
		if i == 0 {
			b.WriteString(" : ")
		} else {
			b.WriteString(" ; ")
		}
		if p.Line > 0 {
			fmt.Fprintf(&b, "ligne %d : ", p.Line)
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

// Is makes errors.Is(e, apperr.Invalid) true.
func (e *DecodeError) Is(target error) bool { return target == apperr.Invalid }

// decodeJSON decodes one JSON object into r, refusing unknown fields and trailing data.
func decodeJSON(data []byte, r *Referentiel) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(r); err != nil {
		return &DecodeError{Format: "json", Problems: []DecodeProblem{jsonProblem(data, err)}}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &DecodeError{Format: "json", Problems: []DecodeProblem{{
			Line:    lineAt(data, dec.InputOffset()),
			Message: "données en trop après l'objet JSON",
		}}}
	}
	return nil
}

// jsonProblem turns an encoding/json error into a French message with its line.
func jsonProblem(data []byte, err error) DecodeProblem {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return DecodeProblem{Line: lineAt(data, syn.Offset), Message: "syntaxe JSON invalide (" + syn.Error() + ")"}
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(racine)"
		}
		return DecodeProblem{
			Line:    lineAt(data, typ.Offset),
			Message: fmt.Sprintf("champ « %s » : valeur %s au lieu de %s", field, typ.Value, typ.Type),
		}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return DecodeProblem{Line: lineAt(data, int64(len(data))), Message: "JSON incomplet"}
	}
	// encoding/json reports unknown fields with an untyped error: its text is only
	// reworded for display, never used to decide anything.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return DecodeProblem{Message: "champ inconnu « " + strings.Trim(name, `"`) + " »"}
	}
	return DecodeProblem{Message: "JSON invalide (" + err.Error() + ")"}
}

// lineAt returns the 1-based line holding byte offset off of data.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// decodeYAML decodes exactly one YAML document into r, refusing unknown fields.
func decodeYAML(data []byte, r *Referentiel) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(r); err != nil {
		if errors.Is(err, io.EOF) {
			return &DecodeError{Format: "yaml", Problems: []DecodeProblem{{Message: "document vide"}}}
		}
		return &DecodeError{Format: "yaml", Problems: yamlProblems(err)}
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
		return nil
	case err != nil:
		return &DecodeError{Format: "yaml", Problems: yamlProblems(err)}
	default:
		return &DecodeError{Format: "yaml", Problems: []DecodeProblem{{
			Line:    extra.Line,
			Message: "plusieurs documents YAML : un seul est attendu",
		}}}
	}
}

// yamlProblems turns a go.yaml.in/yaml/v3 error into French messages with their lines.
// The library reports lines only inside its error texts ("line 3: …"), so those texts are
// parsed for display; nothing else depends on them.
func yamlProblems(err error) []DecodeProblem {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		out := make([]DecodeProblem, 0, len(te.Errors))
		for _, s := range te.Errors {
			line, msg := yamlLine(s)
			out = append(out, DecodeProblem{Line: line, Message: yamlMessage(msg)})
		}
		if len(out) > 0 {
			return out
		}
	}
	line, msg := yamlLine(strings.TrimPrefix(err.Error(), "yaml: "))
	return []DecodeProblem{{Line: line, Message: "syntaxe YAML invalide (" + msg + ")"}}
}

// yamlLine splits "line 12: message" into 12 and "message"; 0 when there is no line.
func yamlLine(s string) (int, string) {
	var line int
	if rest, ok := strings.CutPrefix(s, "line "); ok {
		if num, msg, ok := strings.Cut(rest, ": "); ok {
			if _, err := fmt.Sscan(num, &line); err == nil && line > 0 {
				return line, msg
			}
		}
	}
	return 0, s
}

// yamlMessage rewords one yaml.TypeError entry in French, keeping unknown shapes as they are.
func yamlMessage(msg string) string {
	if rest, ok := strings.CutPrefix(msg, "field "); ok {
		if name, _, ok := strings.Cut(rest, " not found in type "); ok {
			return "champ inconnu « " + name + " »"
		}
		if name, _, ok := strings.Cut(rest, " already set in type "); ok {
			return "champ « " + name + " » en double"
		}
	}
	if rest, ok := strings.CutPrefix(msg, "mapping key "); ok {
		if key, at, ok := strings.Cut(rest, " already defined at line "); ok {
			return "clé " + key + " en double (déjà définie ligne " + at + ")"
		}
	}
	if strings.HasPrefix(msg, "cannot unmarshal ") {
		return "valeur de type incorrect (" + msg + ")"
	}
	return msg
}
