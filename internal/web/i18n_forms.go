package web

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// validationPrefix starts the ids of the domain's validation messages in the locales: their
// French text is the domain's message itself (the catalogue's source text, as in gettext), so
// a message the domain writes in French is shown in English by its stable id.
const validationPrefix = "validation."

// validationIDs indexes the validation messages' ids by their French text (locales/fr.json).
func validationIDs() (map[string]string, error) {
	b, err := localeFS.ReadFile("locales/fr.json")
	if err != nil {
		return nil, err
	}
	var msgs map[string]any
	if err := json.Unmarshal(b, &msgs); err != nil {
		return nil, fmt.Errorf("locales/fr.json: %w", err)
	}
	out := map[string]string{}
	for id, v := range msgs {
		if s, ok := v.(string); ok && strings.HasPrefix(id, validationPrefix) {
			out[s] = id
		}
	}
	return out, nil
}

// validation translates a French validation message of the domain into lang; a message the
// catalogue does not know stays as written.
func (t *translator) validation(lang, msg string) string {
	if lang == "fr" {
		return msg
	}
	if id, ok := t.byText[msg]; ok {
		return t.T(lang, id)
	}
	return msg
}

// basePage is a page: every page embeds Base.
type basePage interface{ pageBase() *Base }

func (b *Base) pageBase() *Base { return b }

// localizeForms translates, in a page about to be rendered in another language than French,
// the field errors of every Form the page holds (directly or in an embedded struct), so that
// the fields and the error summary speak the page's language.
func (s *Server) localizeForms(data any) {
	p, ok := data.(basePage)
	if !ok || p.pageBase().Lang == "fr" || p.pageBase().Lang == "" {
		return
	}
	lang := p.pageBase().Lang
	var walk func(v reflect.Value, depth int)
	walk = func(v reflect.Value, depth int) {
		if depth > 3 {
			return
		}
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem(), depth)
			}
		case reflect.Struct:
			if v.Type() == reflect.TypeFor[Form]() && v.CanAddr() {
				f := v.Addr().Interface().(*Form)
				for k, msg := range f.Errors {
					f.Errors[k] = s.tr.validation(lang, msg)
				}
				return
			}
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i), depth+1)
				}
			}
		}
	}
	walk(reflect.ValueOf(data), 0)
}
