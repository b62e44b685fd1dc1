package account_test

import (
	"strings"
	"testing"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
)

func TestCheckSIRET(t *testing.T) {
	for siret, ok := range map[string]bool{"51234567800019": true, "89123456700008": true, "51234567800018": false, "5123456780001": false, "5123456780001A": false, "": false} {
		if got := account.CheckSIRET(siret) == ""; got != ok {
			t.Errorf("CheckSIRET(%q) ok=%v, want %v", siret, got, ok)
		}
	}
}

func TestUserValidate(t *testing.T) {
	for _, tc := range []struct {
		u     account.User
		field string
	}{
		{account.User{Email: " Jean@Exemple.fr ", Role: account.RoleAdmin}, ""},
		{account.User{Email: "jean@exemple", Role: account.RoleAdmin}, "email"},
		{account.User{Email: "=cmd|'/Ccalc'!A0@x.fr", Role: account.RoleAdmin}, "email"},
		{account.User{Email: "@jean@exemple.fr", Role: account.RoleAdmin}, "email"},
		{account.User{Email: "jean-pierre+cm@exemple.fr", Role: account.RoleAdmin}, ""},
		{account.User{Email: "jean@exemple.fr", Role: "chef"}, "role"},
		{account.User{Email: "jean@exemple.fr", Role: account.RoleFormateur}, "centre"},
		{account.User{Email: "jean@exemple.fr", Role: account.RoleJury, CentreID: 3}, "centre"},
	} {
		err := tc.u.Validate()
		if tc.field == "" && err != nil || tc.field != "" && apperr.FieldErrors(err)[tc.field] == "" {
			t.Errorf("%+v: %v, want problem on %q", tc.u, err, tc.field)
		}
	}
}

func TestPasswords(t *testing.T) {
	h, err := account.HashPassword("un mot de passe correct")
	if err != nil {
		t.Fatal(err)
	}
	if !account.VerifyPassword(h, "un mot de passe correct") || account.VerifyPassword(h, "un autre") || account.VerifyPassword("", "x") {
		t.Error("verification")
	}
	if account.CheckPassword("court") == nil || account.CheckPassword("suffisamment long") != nil {
		t.Error("length rule")
	}
	if p := account.GeneratePassword(); len(p) != 20 || account.CheckPassword(p) != nil {
		t.Errorf("generated %q", p)
	}
}

func TestValidEmail(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"marie.dupont@exemple.fr", true},
		{"=cmd|'/Ccalc'!A0@x.fr", false},
		{"+33@x.fr", false},
		{"\u200b=cmd@x.fr", false}, // invisible character before a formula sign
		{"＝cmd@x.fr", false},       // full-width equals
		{"marie dupont@exemple.fr", false},
		{"marie@exemple", false},
		{strings.Repeat("a", 250) + "@x.fr", false},
	} {
		if got := account.ValidEmail(tt.in); got != tt.want {
			t.Errorf("ValidEmail(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestCheckNDA(t *testing.T) {
	for s, ok := range map[string]bool{"": true, "84691234569": true, "11751234567": true, "8469123456": false,
		"846912345691": false, "8469123456x": false, "00691234569": false, "84 69 12345 69": false} {
		if got := account.CheckNDA(s) == ""; got != ok {
			t.Errorf("CheckNDA(%q) valid = %v, want %v", s, got, ok)
		}
	}
	o := account.Organisme{Nom: "C", SIRET: "51234567800019", NDA: "84 69 12345 69"}
	if err := o.Validate(); err != nil || o.NDA != "84691234569" || account.FormatNDA(o.NDA) != "84 69 12345 69" {
		t.Errorf("Validate = %v, NDA %q", err, o.NDA)
	}
}
