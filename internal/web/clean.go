package web

import (
	"net/http"
	"reflect"
	"strings"
)

// cleanJSON cleans, in place, every string that decoding a JSON body put into v (struct
// fields, slices, arrays, pointers, map keys and values, at any depth) with cleanText; a
// struct field is multi-line when its JSON name says so (multiline), and a password is left
// as typed (passwordFields). decodeJSON calls it: it is the one place JSON input is cleaned.
func cleanJSON(v any) {
	cleanValue(reflect.ValueOf(v), false)
}

func cleanValue(v reflect.Value, ml bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			e := v.Elem()
			if v.Kind() == reflect.Interface && e.Kind() == reflect.String {
				if c := cleanText(e.String(), ml); c != e.String() && v.CanSet() {
					v.Set(reflect.ValueOf(c).Convert(e.Type()))
				}
				return
			}
			cleanValue(e, ml)
		}
	case reflect.String:
		if c := cleanText(v.String(), ml); c != v.String() && v.CanSet() {
			v.SetString(c)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if passwordFields[name] {
				continue
			}
			cleanValue(v.Field(i), multiline(name))
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			cleanValue(v.Index(i), ml)
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		for _, k := range v.MapKeys() {
			val := reflect.New(v.Type().Elem()).Elem()
			val.Set(v.MapIndex(k))
			cleanValue(val, ml)
			nk := k
			if k.Kind() == reflect.String {
				if c := cleanText(k.String(), false); c != k.String() {
					nk = reflect.ValueOf(c).Convert(k.Type())
					v.SetMapIndex(k, reflect.Value{})
				}
			}
			v.SetMapIndex(nk, val)
		}
	}
}

// cleanURL cleans the request's query values in place (cleanText) and reports whether its
// path is usable: a path holding a control character or invalid UTF-8 names no page, and its
// segments (a promotion's name, a token) must not reach the database. handle calls it before
// every handler.
func cleanURL(r *http.Request) bool {
	if r.URL.RawQuery != "" {
		q := r.URL.Query()
		changed := false
		for _, vs := range q {
			for i, v := range vs {
				if c := cleanText(v, false); c != v {
					vs[i], changed = c, true
				}
			}
		}
		if changed {
			r.URL.RawQuery = q.Encode()
		}
	}
	return cleanText(r.URL.Path, false) == r.URL.Path
}
