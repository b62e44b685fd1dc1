package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
)

// The JSON API of the jury sessions (issue 9, first part): sessions, members, passages and
// their jurors, recevabilité, confidentiality attestations, and the dossier of a passage. The
// names of routes and fields are the issue's. The store decides who sees what: a juror sees
// the sessions they sit on from the session's day, the admin every one, nobody else any.

// apiSessionMembre is a member of a session's jury.
type apiSessionMembre struct {
	UserID     int64        `json:"user_id"`
	Nom        string       `json:"nom"`
	President  bool         `json:"president"`
	Externe    bool         `json:"externe"`
	Profession string       `json:"profession"`
	College    jury.College `json:"college"`
	Signe      bool         `json:"attestation_signee"`
	SigneLe    *time.Time   `json:"attestation_signee_le,omitempty"`
}

// apiPassage is a candidate convoked to a slot.
type apiPassage struct {
	ID            int64         `json:"id"`
	SessionID     int64         `json:"session_id"`
	InscriptionID int64         `json:"inscription_id"`
	Candidat      string        `json:"candidat"`
	Heure         string        `json:"heure"`
	Presence      jury.Presence `json:"presence"`
	Resultat      jury.Resultat `json:"resultat"` // "" until the président decides (the PV's result)
	Jures         []int64       `json:"jures"`
	Version       int64         `json:"version"`
	Confidentiel  bool          `json:"confidentiel"` // a confidential project: its demonstration may be forbidden (R17)
	// ConvoqueLe and RappelLe: when the convocation and the J-2 reminder were queued (absent until then).
	ConvoqueLe *time.Time `json:"convoque_le,omitempty"`
	RappelLe   *time.Time `json:"rappel_le,omitempty"`
}

// apiSession is a session de validation; Membres and Passages only in GET …/sessions/{id}.
type apiSession struct {
	ID                      int64              `json:"id"`
	CertificationID         int64              `json:"certification_id"`
	Date                    apiDate            `json:"date"`
	Lieu                    string             `json:"lieu"`
	Distanciel              bool               `json:"distanciel"`
	CentreID                int64              `json:"centre_id"`
	DureePresentation       int                `json:"duree_presentation_min"`
	DureeEntretienTechnique int                `json:"duree_entretien_technique_min"`
	DureeEntretienFinal     int                `json:"duree_entretien_final_min"`
	Etat                    jury.Etat          `json:"etat"`
	EtatLibelle             string             `json:"etat_libelle"`
	Version                 int64              `json:"version"`
	Membres                 []apiSessionMembre `json:"membres,omitempty"`
	Passages                []apiPassage       `json:"passages,omitempty"`
}

func toAPIPassage(p *store.Passage) apiPassage {
	out := apiPassage{ID: p.ID, SessionID: p.SessionID, InscriptionID: p.InscriptionID, Candidat: p.CandidatNom, Heure: p.Heure,
		Presence: p.Presence, Resultat: p.Resultat, Jures: p.Jures, Version: p.Version, Confidentiel: p.Confidentiel}
	if out.Jures == nil {
		out.Jures = []int64{}
	}
	if !p.ConvoqueLe.IsZero() {
		t := p.ConvoqueLe.UTC()
		out.ConvoqueLe = &t
	}
	if !p.RappelLe.IsZero() {
		t := p.RappelLe.UTC()
		out.RappelLe = &t
	}
	return out
}

func toAPISession(js *store.JurySession) apiSession {
	out := apiSession{ID: js.ID, CertificationID: js.CertificationID, Date: apiDate{js.Date}, Lieu: js.Lieu, Distanciel: js.Distanciel,
		CentreID: js.CentreID, DureePresentation: js.DureePresentation, DureeEntretienTechnique: js.DureeEntretienTechnique,
		DureeEntretienFinal: js.DureeEntretienFinal, Etat: js.Etat, EtatLibelle: js.Etat.Libelle(), Version: js.Version}
	for _, m := range js.Membres {
		am := apiSessionMembre{UserID: m.UserID, Nom: m.Nom, President: m.President, Externe: m.Externe, Profession: m.Profession,
			College: m.College, Signe: !m.SigneLe.IsZero()}
		if am.Signe {
			t := m.SigneLe.UTC()
			am.SigneLe = &t
		}
		out.Membres = append(out.Membres, am)
	}
	for i := range js.Passages {
		out.Passages = append(out.Passages, toAPIPassage(&js.Passages[i]))
	}
	return out
}

// writeSession answers session id as the caller sees it now.
func (s *Server) writeSession(w http.ResponseWriter, r *http.Request, id int64, status int) error {
	js, err := s.store.JurySession(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, status, toAPISession(js))
	return nil
}

func (s *Server) apiSessions(w http.ResponseWriter, r *http.Request) error {
	list, err := s.store.JurySessions(r.Context(), actor(r))
	if err != nil {
		return err
	}
	out := make([]apiSession, len(list))
	for i := range list {
		out[i] = toAPISession(&list[i])
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiSession(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.writeSession(w, r, id, http.StatusOK)
}

func (s *Server) apiSessionCreate(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		CertificationID         int64   `json:"certification_id"`
		Date                    apiDate `json:"date"`
		Lieu                    string  `json:"lieu"`
		Distanciel              bool    `json:"distanciel"`
		CentreID                int64   `json:"centre_id"`
		DureePresentation       int     `json:"duree_presentation_min"`
		DureeEntretienTechnique int     `json:"duree_entretien_technique_min"`
		DureeEntretienFinal     int     `json:"duree_entretien_final_min"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	js := &store.JurySession{CertificationID: in.CertificationID, Date: in.Date.Time, Lieu: in.Lieu, Distanciel: in.Distanciel,
		CentreID: in.CentreID, DureePresentation: in.DureePresentation, DureeEntretienTechnique: in.DureeEntretienTechnique,
		DureeEntretienFinal: in.DureeEntretienFinal}
	if err := s.store.CreateJurySession(r.Context(), actor(r), js); err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/sessions/%d", js.ID))
	return s.writeSession(w, r, js.ID, http.StatusCreated)
}

// apiSessionEtat moves the session along its states: {"etat", "version"?}; refused with the
// reason (the transition, or the jury's composition) in error.fields.
func (s *Server) apiSessionEtat(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Etat    jury.Etat `json:"etat"`
		Version int64     `json:"version"`
	}
	id, err := pathAndBody(w, r, &in)
	if err != nil {
		return err
	}
	if _, err := s.store.MoveJurySession(r.Context(), actor(r), id, in.Etat, in.Version); err != nil {
		return err
	}
	return s.writeSession(w, r, id, http.StatusOK)
}

func (s *Server) apiSessionMembre(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		UserID    int64 `json:"user_id"`
		President bool  `json:"president"`
	}
	id, err := pathAndBody(w, r, &in)
	if err != nil {
		return err
	}
	if err := s.store.AddMembre(r.Context(), actor(r), id, in.UserID, in.President); err != nil {
		return err
	}
	return s.writeSession(w, r, id, http.StatusOK)
}

// apiSessionPassage convokes an inscription: 201 with the passage; refused with the reason
// when the inscription is not eligible.
func (s *Server) apiSessionPassage(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		InscriptionID int64  `json:"inscription_id"`
		Heure         string `json:"heure"`
	}
	id, err := pathAndBody(w, r, &in)
	if err != nil {
		return err
	}
	p := &store.Passage{SessionID: id, InscriptionID: in.InscriptionID, Heure: in.Heure}
	if err := s.store.AddPassage(r.Context(), actor(r), p); err != nil {
		return err
	}
	p, err = s.store.Passage(r.Context(), actor(r), p.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPIPassage(p))
	return nil
}

// apiPassageJures sets the jurors of a passage: {"user_ids": […]}; refused naming the member
// who trained, tutored or evaluated the candidate.
func (s *Server) apiPassageJures(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		UserIDs []int64 `json:"user_ids"`
	}
	id, err := pathAndBody(w, r, &in)
	if err != nil {
		return err
	}
	if len(in.UserIDs) > 50 {
		return fieldError("user_ids", "Trop de membres pour un passage.")
	}
	p, err := s.store.SetJures(r.Context(), actor(r), id, in.UserIDs)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIPassage(p))
	return nil
}

// apiAttestation: the calling juror signs the session's confidentiality attestation (R17):
// 201 with the text, time and IP, 200 with the first signature when signed already.
func (s *Server) apiAttestation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, created, err := s.store.SignAttestation(r.Context(), actor(r), id, clientIP(r, s.proxyTrust()))
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, map[string]any{"session_id": a.SessionID, "user_id": a.UserID, "texte": a.Texte,
		"signe_le": a.SigneLe.UTC(), "ip": a.IP})
	return nil
}

// apiPassageDossier is the dossier of the passage's candidate (issue 8's JSON), for the admin
// and a member who signed the attestation and is independent of the candidate; 403 to a
// member who has not signed.
func (s *Server) apiPassageDossier(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.store.PassageDossier(r.Context(), actor(r), id)
	if err != nil {
		return grilleError(err) // an unsigned attestation says so, with where to sign it
	}
	writeJSON(w, http.StatusOK, toAPIDossier(d))
	return nil
}

// apiRecevabilite records the recevabilité decision on a VAE inscription: {"decision":
// "recevable|non_recevable", "motif"} → 201 with the history of decisions.
func (s *Server) apiRecevabilite(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Decision jury.Recevabilite `json:"decision"`
		Motif    string            `json:"motif"`
	}
	id, err := pathAndBody(w, r, &in)
	if err != nil {
		return err
	}
	if _, err := s.store.RecordRecevabilite(r.Context(), actor(r), id, in.Decision, in.Motif); err != nil {
		return err
	}
	h, err := s.store.Recevabilites(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	type decision struct {
		Decision jury.Recevabilite `json:"decision"`
		Motif    string            `json:"motif"`
		Date     apiDate           `json:"date"`
		Par      string            `json:"par"`
	}
	out := struct {
		InscriptionID int64      `json:"inscription_id"`
		Decision      decision   `json:"decision"`
		Historique    []decision `json:"historique"`
	}{InscriptionID: id, Historique: []decision{}}
	for _, d := range h {
		out.Historique = append(out.Historique, decision{Decision: d.Decision, Motif: d.Motif, Date: apiDate{d.Date}, Par: d.ParNom})
	}
	out.Decision = out.Historique[len(out.Historique)-1]
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// pathAndBody reads the route's {id} and then its JSON body into v.
func pathAndBody(w http.ResponseWriter, r *http.Request, v any) (int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, err
	}
	return id, decodeJSON(w, r, v)
}
