package web

import (
	"net/http"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/jury"
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
	// The jury profile (issue 9), for an account of role jury only.
	Profession *string       `json:"profession,omitempty"`
	College    *jury.College `json:"college,omitempty"`
	Externe    *bool         `json:"externe,omitempty"`
}

// withProfil adds the jury profile of u to out when u is a juror.
func (s *Server) withProfil(r *http.Request, u *account.User, out apiUser) (apiUser, error) {
	if u.Role != account.RoleJury {
		return out, nil
	}
	p, err := s.store.ProfilJuryOf(r.Context(), actor(r), u.ID)
	if err != nil {
		return out, err
	}
	out.Profession, out.College, out.Externe = &p.Profession, &p.College, &p.Externe
	return out, nil
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

// accountFields reports whether in changes the account itself (not only the jury profile).
func (in *userInput) accountFields() bool {
	return in.Email != nil || in.Nom != nil || in.Prenom != nil || in.Role != nil || in.CentreID != nil || in.Active != nil || in.Lang != nil
}

// profil applies the jury profile fields of in to p; false when in has none.
func (in *userInput) profil(p *store.ProfilJury) bool {
	set(&p.Profession, in.Profession)
	set(&p.College, in.College)
	set(&p.Externe, in.Externe)
	return in.Profession != nil || in.College != nil || in.Externe != nil
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
	out, err := s.withProfil(r, u, toAPIUser(u))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
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
	// Version is required by PATCH: the version read (see apiVersion); optional when only the
	// jury profile changes.
	Version *int64 `json:"version"`
	// The jury profile (issue 9), PATCH only, for an account of role jury.
	Profession *string       `json:"profession"`
	College    *jury.College `json:"college"`
	Externe    *bool         `json:"externe"`
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
	if in.profil(&store.ProfilJury{}) {
		return fieldError("profession", "Le profil de juré se renseigne après la création, par PATCH /api/v1/users/{id}.")
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
	profil, err := s.store.ProfilJuryOf(r.Context(), actor(r), u.ID)
	if err != nil {
		return err
	}
	withProfil := in.profil(&profil)
	if in.accountFields() || !withProfil {
		in.apply(u)
		if u.Version, err = apiVersion(in.Version); err != nil {
			return err
		}
		if err := s.store.UpdateUser(r.Context(), actor(r), u); err != nil {
			return err
		}
	}
	if withProfil {
		version := int64(0) // the current one
		if !in.accountFields() && in.Version != nil {
			version = *in.Version
		}
		if err := s.store.SetProfilJury(r.Context(), actor(r), u.ID, profil, version); err != nil {
			return err
		}
		if u, err = s.loadUser(r); err != nil {
			return err
		}
	}
	out, err := s.withProfil(r, u, toAPIUser(u))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
