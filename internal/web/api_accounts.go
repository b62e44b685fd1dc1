package web

import (
	"net/http"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/store"
)

// apiUser is a user as the API shows it (never a password hash).
type apiUser struct {
	ID        int64        `json:"id"`
	Email     string       `json:"email"`
	Nom       string       `json:"nom"`
	Prenom    string       `json:"prenom"`
	Role      account.Role `json:"role"`
	CentreID  *int64       `json:"centre_id"`
	Active    bool         `json:"active"`
	Lang      string       `json:"lang"`
	CreatedAt time.Time    `json:"created_at"`
	Version   int64        `json:"version"` // give it back in PATCH
}

func toAPIUser(u *account.User) apiUser {
	out := apiUser{ID: u.ID, Email: u.Email, Nom: u.Nom, Prenom: u.Prenom, Role: u.Role, Active: u.Active, Lang: u.Lang, CreatedAt: u.CreatedAt.UTC(), Version: u.Version}
	if u.CentreID != 0 {
		id := u.CentreID
		out.CentreID = &id
	}
	return out
}

// apiCentre is an organisme as the API shows it.
type apiCentre struct {
	ID                     int64     `json:"id"`
	Nom                    string    `json:"nom"`
	SIRET                  string    `json:"siret"`
	NDA                    string    `json:"nda"` // numéro de déclaration d'activité, "" when not recorded
	Certificateur          bool      `json:"certificateur"`
	HabilitationFormation  bool      `json:"habilitation_formation"`
	HabilitationEvaluation bool      `json:"habilitation_evaluation"`
	Active                 bool      `json:"active"`
	CreatedAt              time.Time `json:"created_at"`
	Version                int64     `json:"version"` // give it back in PATCH
}

func toAPICentre(o *account.Organisme) apiCentre {
	return apiCentre{ID: o.ID, Nom: o.Nom, SIRET: o.SIRET, NDA: o.NDA, Certificateur: o.Certificateur,
		HabilitationFormation: o.HabilitationFormation, HabilitationEvaluation: o.HabilitationEvaluation,
		Active: o.Active, CreatedAt: o.CreatedAt.UTC(), Version: o.Version}
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, toAPIUser(currentUser(r)))
	return nil
}

func (s *Server) apiCentres(w http.ResponseWriter, r *http.Request) error {
	orgs, err := s.store.Organismes(r.Context(), actor(r))
	if err != nil {
		return err
	}
	out := make([]apiCentre, 0, len(orgs))
	for i := range orgs {
		out = append(out, toAPICentre(&orgs[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiCentre(w http.ResponseWriter, r *http.Request) error {
	o, err := s.loadOrganisme(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPICentre(o))
	return nil
}

// centreInput is the body of POST and PATCH /api/v1/centres; absent fields are left unchanged by PATCH.
type centreInput struct {
	Nom                    *string `json:"nom"`
	SIRET                  *string `json:"siret"`
	NDA                    *string `json:"nda"`
	HabilitationFormation  *bool   `json:"habilitation_formation"`
	HabilitationEvaluation *bool   `json:"habilitation_evaluation"`
	Active                 *bool   `json:"active"`
	// Version is required by PATCH: the version read (see apiVersion).
	Version *int64 `json:"version"`
}

func (in centreInput) apply(o *account.Organisme) {
	set(&o.Nom, in.Nom)
	set(&o.SIRET, in.SIRET)
	set(&o.NDA, in.NDA)
	set(&o.HabilitationFormation, in.HabilitationFormation)
	set(&o.HabilitationEvaluation, in.HabilitationEvaluation)
	set(&o.Active, in.Active)
}

// apiVersion reads the required "version" of an API update: the version of the record the
// client read. Without it the update is refused (422), never applied as last-writer-wins; a
// stale one gives 409 with the record's current version in error.conflict.
func apiVersion(v *int64) (int64, error) {
	if v == nil || *v <= 0 {
		return 0, fieldError("version", "Indiquez la version lue (champ « version ») : elle protège des modifications simultanées.")
	}
	return *v, nil
}

// set copies *src into *dst when src is present.
func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

func (s *Server) apiCentreCreate(w http.ResponseWriter, r *http.Request) error {
	var in centreInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	o := &account.Organisme{}
	in.apply(o)
	if err := s.store.CreateOrganisme(r.Context(), actor(r), o); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/centres/"+itoa64(o.ID))
	writeJSON(w, http.StatusCreated, toAPICentre(o))
	return nil
}

func (s *Server) apiCentreUpdate(w http.ResponseWriter, r *http.Request) error {
	o, err := s.loadOrganisme(r)
	if err != nil {
		return err
	}
	var in centreInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	in.apply(o)
	if o.Version, err = apiVersion(in.Version); err != nil {
		return err
	}
	if err := s.store.UpdateOrganisme(r.Context(), actor(r), o); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPICentre(o))
	return nil
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := store.UserFilter{Role: account.Role(q.Get("role")), Query: q.Get("q"), Limit: 1000}
	if f.Role != "" && !f.Role.Valid() {
		f.Role = "__none__"
	}
	users, err := s.store.Users(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	out := make([]apiUser, 0, len(users))
	for i := range users {
		out = append(out, toAPIUser(&users[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.loadUser(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIUser(u))
	return nil
}

// userInput is the body of POST and PATCH /api/v1/users.
type userInput struct {
	Email    *string       `json:"email"`
	Nom      *string       `json:"nom"`
	Prenom   *string       `json:"prenom"`
	Role     *account.Role `json:"role"`
	CentreID *int64        `json:"centre_id"`
	Active   *bool         `json:"active"`
	Lang     *string       `json:"lang"`
	// Password is only read on creation; when absent one is generated and returned once.
	Password *string `json:"password"`
	// Version is required by PATCH: the version read (see apiVersion).
	Version *int64 `json:"version"`
}

func (in userInput) apply(u *account.User) {
	set(&u.Email, in.Email)
	set(&u.Nom, in.Nom)
	set(&u.Prenom, in.Prenom)
	set(&u.Role, in.Role)
	set(&u.CentreID, in.CentreID)
	set(&u.Active, in.Active)
	set(&u.Lang, in.Lang)
}

func (s *Server) apiUserCreate(w http.ResponseWriter, r *http.Request) error {
	var in userInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	u := &account.User{}
	in.apply(u)
	password, generated := account.GeneratePassword(), true
	if in.Password != nil {
		if err := account.CheckPassword(*in.Password); err != nil {
			return err
		}
		password, generated = *in.Password, false
	}
	hash, err := account.HashPassword(password)
	if err != nil {
		return err
	}
	if err := s.store.CreateUser(r.Context(), actor(r), u, hash); err != nil {
		return err
	}
	out := struct {
		apiUser
		GeneratedPassword string `json:"generated_password,omitempty"`
	}{apiUser: toAPIUser(u)}
	if generated {
		out.GeneratedPassword = password
	}
	w.Header().Set("Location", "/api/v1/users/"+itoa64(u.ID))
	noCompress(w)
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) apiUserUpdate(w http.ResponseWriter, r *http.Request) error {
	u, err := s.loadUser(r)
	if err != nil {
		return err
	}
	var in userInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Password != nil {
		return fieldError("password", "Le mot de passe ne se change pas par cette route.")
	}
	in.apply(u)
	if u.Version, err = apiVersion(in.Version); err != nil {
		return err
	}
	if err := s.store.UpdateUser(r.Context(), actor(r), u); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIUser(u))
	return nil
}
