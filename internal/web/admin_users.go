package web

import (
	"net/http"
	"strconv"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
)

// UsersPage lists accounts with a role filter and a search box.
type UsersPage struct {
	Base
	Users   []account.User
	Role    string
	Query   string
	Centres map[int64]string
	// InactiveCentres holds the ids of the deactivated centres.
	InactiveCentres map[int64]bool
}

// CentreOff reports whether u is staff (referent, formateur) of a deactivated centre: such
// an account cannot sign in, whatever its own state.
func (p *UsersPage) CentreOff(u account.User) bool {
	return u.Role.NeedsCentre() && p.InactiveCentres[u.CentreID]
}

// Roles lists the roles for the filter.
func (p *UsersPage) Roles() []account.Role { return account.Roles }

// UserFormPage creates or edits an account.
type UserFormPage struct {
	Base
	Form     Form
	Edited   *account.User // nil when creating
	Centres  []account.Organisme
	Password string // the generated password, shown once after creation
	Created  *account.User
	// ProfilForm is the jury profile's form (profession, college, externe), for an edited
	// account of role jury only (HasProfil).
	ProfilForm Form
	HasProfil  bool
}

// Colleges lists the jurors' colleges for the profile's select.
func (p *UserFormPage) Colleges() []jury.College {
	return []jury.College{jury.Employeur, jury.Salarie, jury.Independant}
}

// Roles lists the roles for the select.
func (p *UserFormPage) Roles() []account.Role { return account.Roles }

func (s *Server) usersList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := &UsersPage{Base: s.base(r, "user.list"), Role: q.Get("role"), Query: q.Get("q")}
	f := store.UserFilter{Role: account.Role(p.Role), Query: p.Query, Limit: 500}
	if !f.Role.Valid() {
		f.Role, p.Role = "", ""
	}
	users, err := s.store.Users(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	p.Users = users
	orgs, err := s.store.Organismes(r.Context(), actor(r))
	if err != nil {
		return err
	}
	p.Centres, p.InactiveCentres = make(map[int64]string, len(orgs)), map[int64]bool{}
	for _, o := range orgs {
		p.Centres[o.ID] = o.Nom
		if !o.Active {
			p.InactiveCentres[o.ID] = true
		}
	}
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.render(w, http.StatusOK, "users", p)
}

func (s *Server) userFormPage(r *http.Request, title string, f Form, edited *account.User) (*UserFormPage, error) {
	orgs, err := s.store.Organismes(r.Context(), actor(r))
	if err != nil {
		return nil, err
	}
	p := &UserFormPage{Base: s.base(r, title), Form: f, Edited: edited, ProfilForm: newForm()}
	if edited != nil && edited.Role == account.RoleJury {
		pj, err := s.store.ProfilJuryOf(r.Context(), actor(r), edited.ID)
		if err != nil {
			return nil, err
		}
		p.HasProfil, p.ProfilForm.Values = true, profilValues(pj, edited.Version)
	}
	for _, o := range orgs {
		if !o.Certificateur {
			p.Centres = append(p.Centres, o)
		}
	}
	return p, nil
}

func (s *Server) userNew(w http.ResponseWriter, r *http.Request) error {
	f := newForm()
	f.Values["role"] = r.URL.Query().Get("role")
	p, err := s.userFormPage(r, "user.new", f, nil)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "user_form", p)
}

var userFields = []string{"email", "prenom", "nom", "role", "centre", "lang", "active", "password", "version"}

// userValues are the form fields of a recorded account.
func userValues(u *account.User) map[string]string {
	m := map[string]string{"email": u.Email, "prenom": u.Prenom, "nom": u.Nom, "role": string(u.Role),
		"lang": u.Lang, "active": boolValue(u.Active), "version": itoa64(u.Version)}
	if u.CentreID != 0 {
		m["centre"] = itoa64(u.CentreID)
	}
	return m
}

// userFromForm copies the form into u; an unparsable centre becomes 0 (then "choose a centre").
func userFromForm(f Form, u *account.User) {
	u.Email, u.Prenom, u.Nom = f.Values["email"], f.Values["prenom"], f.Values["nom"]
	u.Role = account.Role(f.Values["role"])
	u.CentreID, _ = strconv.ParseInt(f.Values["centre"], 10, 64)
	if !u.Role.NeedsCentre() && u.Role != account.RoleCandidat {
		u.CentreID = 0
	}
	u.Lang = f.Values["lang"]
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r, userFields...)
	if err != nil {
		return err
	}
	u := &account.User{}
	userFromForm(f, u)
	password := f.Values["password"]
	generated := password == ""
	if generated {
		password = account.GeneratePassword()
	} else if err := account.CheckPassword(password); err != nil {
		f.absorb(err)
	}
	var hash string
	if !f.HasErrors() {
		if hash, err = account.HashPassword(password); err != nil {
			return err
		}
		err = s.store.CreateUser(r.Context(), actor(r), u, hash)
	}
	if f.HasErrors() || (err != nil && f.absorb(err)) {
		if err := u.Validate(); err != nil { // show every field problem at once
			f.absorb(err)
		}
		f.Values["password"] = ""
		p, perr := s.userFormPage(r, "user.new", f, nil)
		if perr != nil {
			return perr
		}
		return s.render(w, http.StatusUnprocessableEntity, "user_form", p)
	}
	if err != nil {
		return err
	}
	// The generated password is shown once, on this response only (never stored in the session).
	p, err := s.userFormPage(r, "user.created_title", newForm(), nil)
	if err != nil {
		return err
	}
	p.Created = u
	if generated {
		p.Password = password
	}
	noCompress(w)
	return s.render(w, http.StatusCreated, "user_created", p)
}

func (s *Server) userEdit(w http.ResponseWriter, r *http.Request) error {
	u, err := s.loadUser(r)
	if err != nil {
		return err
	}
	f := newForm()
	for k, v := range userValues(u) {
		f.Values[k] = v
	}
	p, err := s.userFormPage(r, "user.edit", f, u)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "user_form", p)
}

func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) error {
	u, err := s.loadUser(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r, userFields...)
	if err != nil {
		return err
	}
	userFromForm(f, u)
	u.Active = checked(r, "active")
	u.Version = formVersion(r)
	if u.ID == actor(r).UserID && !u.Active {
		f.Errors["active"] = s.msg(r, "user.cannot_deactivate_self")
	}
	if !f.HasErrors() {
		err = s.store.UpdateUser(r.Context(), actor(r), u)
	}
	if f.HasErrors() || (err != nil && f.absorb(err)) {
		p, perr := s.userFormPage(r, "user.edit", f, u)
		if perr != nil {
			return perr
		}
		return s.render(w, http.StatusUnprocessableEntity, "user_form", p)
	}
	if e := staleOf(err); e != nil {
		cur, cerr := s.loadUser(r)
		if cerr != nil {
			return cerr
		}
		s.markStale(r, &f, e)
		f.setTheirs(userValues(cur))
		p, perr := s.userFormPage(r, "user.edit", f, cur)
		if perr != nil {
			return perr
		}
		f.setShown("role", p.RoleLabel(cur.Role))
		f.setShown("active", s.activeShown(r, cur.Active))
		f.setShown("lang", map[string]string{"fr": "Français", "en": "English"}[cur.Lang])
		f.setShown("centre", "—")
		for _, o := range p.Centres {
			if o.ID == cur.CentreID {
				f.setShown("centre", o.Nom)
			}
		}
		return s.render(w, http.StatusConflict, "user_form", p)
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(w, r, s.msg(r, "user.updated"), "/admin/utilisateurs")
}

func (s *Server) loadUser(r *http.Request) (*account.User, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.store.User(r.Context(), actor(r), id)
}
