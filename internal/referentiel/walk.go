package referentiel

import (
	"fmt"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"
)

// normalize replaces every empty slice under v by nil. Decoders build empty slices for
// "[]" while Marshal omits or writes them in ways that decode back as nil: normalizing
// makes a parsed référentiel equal to itself after a round trip.
func normalize(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			normalize(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			normalize(v.Field(i))
		}
	case reflect.Slice:
		if v.Len() == 0 {
			if !v.IsNil() {
				v.SetZero()
			}
			return
		}
		for i := range v.Len() {
			normalize(v.Index(i))
		}
	}
}

// checkText calls add(path, message) for every string under v that is not valid UTF-8
// or holds a control character other than newline and tab. Paths use the YAML field
// names and 0-based indexes, like Validate.
func checkText(v reflect.Value, p string, add func(field, msg string)) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			checkText(v.Elem(), p, add)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range v.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
			if name == "" {
				name = t.Field(i).Name
			}
			if p != "" {
				name = p + "." + name
			}
			checkText(v.Field(i), name, add)
		}
	case reflect.Slice:
		for i := range v.Len() {
			checkText(v.Index(i), fmt.Sprintf("%s[%d]", p, i), add)
		}
	case reflect.String:
		s := v.String()
		if !utf8.ValidString(s) {
			add(p, "texte UTF-8 invalide")
			return
		}
		for _, c := range s {
			if c != '\n' && c != '\t' && unicode.IsControl(c) {
				add(p, fmt.Sprintf("caractère de contrôle interdit : U+%04X", c))
				return
			}
		}
	}
}
