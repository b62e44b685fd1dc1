package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
)

// The jury's part of two existing pages (issue 9): a juror's profile on the admin's account
// page, and, on an inscription's page, the VAE recevabilité (the admin decides; the centre's
// staff and the candidate read the history) and the candidate's convocations.

// profilValues are the profile form's fields of a recorded profile.
func profilValues(p store.ProfilJury, version int64) map[string]string {
	return map[string]string{"profession": p.Profession, "college": string(p.College), "externe": boolValue(p.Externe),
		"version": strconv.FormatInt(version, 10)}
}

// profilJuryPost saves a juror's profile (form: profession, college, externe, version); a
// stale version re-renders the account page with 409 and the other person's values.
func (s *Server) profilJuryPost(w http.ResponseWriter, r *http.Request) error {
	u, err := s.loadUser(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r, "profession", "college", "externe", "version")
	if err != nil {
		return err
	}
	pj := store.ProfilJury{Profession: f.Values["profession"], College: jury.College(f.Values["college"]), Externe: checked(r, "externe")}
	f.Values["externe"] = boolValue(pj.Externe)
	err = s.store.SetProfilJury(r.Context(), actor(r), u.ID, pj, formVersion(r))
	rerender := func(status int) error {
		cur, err := s.loadUser(r)
		if err != nil {
			return err
		}
		p, err := s.userFormPage(r, "user.edit", userForm(cur), cur)
		if err != nil {
			return err
		}
		if f.Stale != nil {
			theirs := p.ProfilForm.Values
			f.setTheirs(theirs)
			f.setShown("externe", s.yesNo(r, theirs["externe"] != ""))
			if c := theirs["college"]; c != "" {
				f.setShown("college", s.msg(r, "college."+c))
			}
		}
		p.ProfilForm, p.HasProfil = f, p.HasProfil || f.HasErrors()
		return s.render(w, status, "user_form", p)
	}
	return s.finish(w, r, &f, err, rerender, s.msg(r, "user.profil_saved"), fmt.Sprintf("/admin/utilisateurs/%d#profil-jury", u.ID))
}

// userForm is the account form filled with u's recorded values.
func userForm(u *account.User) Form {
	f := newForm()
	for k, v := range userValues(u) {
		f.Values[k] = v
	}
	return f
}

// InscriptionJury is the jury's part of an inscription's page.
type InscriptionJury struct {
	VAE           bool
	IsAdmin       bool
	Recevabilites []jury.DecisionRecevabilite // oldest first
	Form          Form                        // the admin's recevabilité form
	Convocations  []store.Convocation         // the convocations sent (not to the jury)
	Resultats     []store.ResultatPublie      // the published results, latest session first
}

// Latest is the decision that counts, nil before any.
func (j *InscriptionJury) Latest() *jury.DecisionRecevabilite {
	if len(j.Recevabilites) == 0 {
		return nil
	}
	return &j.Recevabilites[len(j.Recevabilites)-1]
}

// inscriptionJury loads the jury's part of the page of inscription view d.
func (s *Server) inscriptionJury(r *http.Request, d *inscriptionView) (*InscriptionJury, error) {
	a := actor(r)
	j := &InscriptionJury{VAE: !d.InTraining, IsAdmin: a.IsAdmin(), Form: newForm()}
	var err error
	if j.VAE {
		if j.Recevabilites, err = s.store.Recevabilites(r.Context(), a, d.Ins.ID); err != nil {
			return nil, err
		}
	}
	if j.Convocations, err = s.store.Convocations(r.Context(), a, d.Ins.ID); err != nil {
		return nil, err
	}
	if j.Resultats, err = s.store.Resultats(r.Context(), a, d.Ins.ID); err != nil {
		return nil, err
	}
	return j, nil
}

// recevabilitePost records the admin's recevabilité decision (form: decision, motif).
func (s *Server) recevabilitePost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := parseForm(r, "decision", "motif")
	if err != nil {
		return err
	}
	_, err = s.store.RecordRecevabilite(r.Context(), actor(r), id, jury.Recevabilite(f.Values["decision"]), f.Values["motif"])
	return s.finish(w, r, &f, err, func(status int) error {
		d, err := s.loadInscription(r, true)
		if err != nil {
			return err
		}
		p := s.pageFor(r, "inscription.title", d)
		if p.Jury, err = s.inscriptionJury(r, d); err != nil {
			return err
		}
		p.Jury.Form = f
		return s.render(w, status, "inscription", p)
	}, s.msg(r, "recevabilite.recorded"), fmt.Sprintf("/inscriptions/%d#recevabilite", id))
}
