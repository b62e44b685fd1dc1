package referentiel_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/referentiel"
)

func TestRoundTrip(t *testing.T) {
	r := load(t)
	for _, format := range []string{"yaml", "json"} {
		t.Run(format, func(t *testing.T) {
			data, err := r.Marshal(format)
			if err != nil {
				t.Fatalf("Marshal(%s): %v", format, err)
			}
			if format == "json" && (!bytes.HasPrefix(data, []byte("{\n  \"certification\"")) || !bytes.Contains(data, []byte("naturel & payant"))) {
				t.Errorf("JSON not indented or HTML-escaped:\n%.200s", data)
			}
			back, err := referentiel.Parse(data)
			if err != nil {
				t.Fatalf("Parse(Marshal(%s)): %v", format, err)
			}
			if !reflect.DeepEqual(r, back) {
				t.Errorf("round trip through %s changed the référentiel", format)
			}
		})
	}
	if _, err := r.Marshal("xml"); !errors.Is(err, apperr.Invalid) {
		t.Errorf("Marshal(xml) = %v, want Invalid", err)
	}
}

func TestParseDecodeErrors(t *testing.T) {
	tests := []struct {
		name     string
		input    string
		format   string
		line     int
		contains string
	}{
		{
			name:     "yaml unknown field",
			input:    strings.Replace(minimalYAML, "    intitule: Bloc\n", "    intitule: Bloc\n    inconnu: oui\n", 1),
			format:   "yaml",
			line:     6,
			contains: "champ inconnu « inconnu »",
		},
		{
			name:     "yaml wrong type",
			input:    strings.Replace(minimalYAML, "numero: 1", "numero: un", 1),
			format:   "yaml",
			line:     4,
			contains: "valeur de type incorrect",
		},
		{
			name:     "yaml syntax",
			input:    "certification:\n  code: x\n   intitule: [\n",
			format:   "yaml",
			line:     3,
			contains: "syntaxe YAML invalide",
		},
		{
			name:     "yaml duplicate key",
			input:    "certification: {code: a}\ncertification: {code: b}\n",
			format:   "yaml",
			line:     2,
			contains: "en double",
		},
		{
			name:     "yaml two documents",
			input:    minimalYAML + "---\nblocs: []\n",
			format:   "yaml",
			line:     12, // the "---" opening the second document
			contains: "plusieurs documents YAML",
		},
		{
			name:     "empty",
			input:    "  \n",
			format:   "yaml",
			contains: "document vide",
		},
		{
			name:     "json unknown field",
			input:    `{"certification": {"code": "x", "zzz": 1}}`,
			format:   "json",
			contains: "champ inconnu « zzz »",
		},
		{
			name:     "json syntax",
			input:    "{\n  \"certification\": {\n    \"code\": ,\n  }\n}",
			format:   "json",
			line:     3,
			contains: "syntaxe JSON invalide",
		},
		{
			name:     "json wrong type",
			input:    "{\n\"blocs\": [{\"numero\": \"1\"}]}",
			format:   "json",
			line:     2,
			contains: "champ « blocs.numero »",
		},
		{
			name:     "json truncated",
			input:    `{"certification": {`,
			format:   "json",
			line:     1,
			contains: "JSON incomplet",
		},
		{
			name:     "json trailing data",
			input:    "{}\n{}",
			format:   "json",
			line:     2,
			contains: "données en trop",
		},
		{
			name:     "too large",
			input:    "#" + strings.Repeat(" ", referentiel.MaxSize),
			contains: "fichier trop volumineux",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := referentiel.Parse([]byte(tt.input))
			if r != nil {
				t.Errorf("Parse returned a référentiel with error %v", err)
			}
			var de *referentiel.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("Parse() = %v (%T), want *DecodeError", err, err)
			}
			if !errors.Is(err, apperr.Invalid) {
				t.Errorf("errors.Is(err, Invalid) = false")
			}
			if de.Format != tt.format {
				t.Errorf("Format = %q, want %q", de.Format, tt.format)
			}
			p := de.Problems[0]
			if p.Line != tt.line || !strings.Contains(p.Message, tt.contains) {
				t.Errorf("problem = line %d %q, want line %d containing %q", p.Line, p.Message, tt.line, tt.contains)
			}
		})
	}
}

func TestParseValidates(t *testing.T) {
	input := strings.Replace(minimalYAML, "code: C1.1.1", "code: C1.1.2", 1)
	input = strings.Replace(input, "[presentation_projet]", "[presentation_projet, xyz]", 1)
	_, err := referentiel.Parse([]byte(input))
	got := apperr.FieldErrors(err)
	want := map[string]string{
		"blocs[0].competences[0].criteres[0].code": "code attendu C1.1.1",
		"blocs[0].competences[0].modalites[1]":     "modalité inconnue : xyz",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse() problems = %v, want %v", got, want)
	}
}

func TestParseJSONAndBOM(t *testing.T) {
	r := load(t)
	data, err := r.Marshal("json")
	if err != nil {
		t.Fatal(err)
	}
	for name, input := range map[string][]byte{
		"json with BOM and blanks": append([]byte("\xef\xbb\xbf \n\t"), data...),
		"yaml with BOM":            append([]byte("\xef\xbb\xbf"), referentiel.Embedded()[referentiel.CommunityManagerFile]...),
	} {
		back, err := referentiel.Parse(input)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !reflect.DeepEqual(r, back) {
			t.Errorf("%s: different référentiel", name)
		}
	}
}
