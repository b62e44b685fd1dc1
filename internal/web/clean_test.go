package web

import (
	"net/http/httptest"
	"testing"
)

func TestCleanJSONReachesEveryString(t *testing.T) {
	type inner struct {
		Ville string `json:"ville"`
	}
	type named string
	var v struct {
		Nom         string            `json:"nom"`
		Commentaire string            `json:"commentaire"`
		Liste       []string          `json:"liste"`
		Ptr         *inner            `json:"ptr"`
		Map         map[string]string `json:"map"`
		Named       named             `json:"named"`
		Any         any               `json:"any"`
		Password    string            `json:"password"`
	}
	v.Nom, v.Commentaire, v.Liste = "a\x00b", "l1\x00\r\nl2", []string{"c\x00", "d"}
	v.Ptr, v.Map, v.Named = &inner{"Ly\x00on"}, map[string]string{"k\x00": "v\x00"}, "n\x00"
	v.Any = map[string]any{"x": []any{"y\x00"}}
	v.Password = "mot\tde passe"
	cleanJSON(&v)
	if v.Nom != "ab" || v.Commentaire != "l1\nl2" || v.Liste[0] != "c" || v.Ptr.Ville != "Lyon" || v.Map["k"] != "v" || len(v.Map) != 1 || v.Named != "n" {
		t.Errorf("cleanJSON left %+v %+v", v, *v.Ptr)
	}
	if v.Password != "mot\tde passe" {
		t.Errorf("cleanJSON changed a password: %q", v.Password)
	}
	if got := v.Any.(map[string]any)["x"].([]any)[0]; got != "y" {
		t.Errorf("cleanJSON left %q in an interface", got)
	}
}

func TestCleanURL(t *testing.T) {
	r := httptest.NewRequest("GET", "/candidats?q=Dur%00and&promotion=CM", nil)
	if !cleanURL(r) || r.URL.Query().Get("q") != "Durand" || r.URL.Query().Get("promotion") != "CM" {
		t.Errorf("query not cleaned: %q", r.URL.RawQuery)
	}
	if r := httptest.NewRequest("GET", "/promotions/CM%00/releves.pdf", nil); cleanURL(r) {
		t.Error("a path with a NUL byte was accepted")
	}
}
