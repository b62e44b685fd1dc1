package web

import (
	"net/http"
	"time"

	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
)

// The JSON API of the deliberation and the PV (issue 9): the proposition per bloc, the
// président's decision, the members' signatures of the PV, the admin's amendments. The store
// decides who may (404 to whoever may not know the session, 403 to a member who may not).

// apiDecisionBloc is a recorded decision on a bloc.
type apiDecisionBloc struct {
	Decision      jury.Decision `json:"decision"`
	Propose       jury.Decision `json:"propose"`
	Motif         string        `json:"motif"`
	ResteAEvaluer string        `json:"reste_a_evaluer"`
	AmendementID  int64         `json:"amendement_id,omitempty"`
	Le            time.Time     `json:"le"`
}

// apiCompetenceAvis is a compétence of a bloc presented: the jury's consolidation and each
// assigned juror's conclusion, by user id.
type apiCompetenceAvis struct {
	Code     string          `json:"code"`
	Intitule string          `json:"intitule"`
	Acquise  bool            `json:"acquise"`
	Jures    map[string]bool `json:"jures"`
}

// apiBlocProposition is one bloc presented at a passage.
type apiBlocProposition struct {
	Bloc        string              `json:"bloc"`
	Intitule    string              `json:"intitule"`
	Proposition jury.Decision       `json:"proposition"`
	Acquises    []string            `json:"competences_acquises"`
	NonAcquises []string            `json:"competences_non_acquises"`
	Competences []apiCompetenceAvis `json:"competences"`
	Decision    *apiDecisionBloc    `json:"decision"`
}

// apiDeliberation is a passage with its proposition and decisions.
type apiDeliberation struct {
	apiPassage
	Resultat        jury.Resultat        `json:"resultat"`
	ResultatLibelle string               `json:"resultat_libelle"`
	Vises           []string             `json:"blocs_vises"`
	Acquis          []string             `json:"blocs_acquis"` // at an earlier session (R18)
	Blocs           []apiBlocProposition `json:"blocs"`
	PeutDecider     bool                 `json:"peut_decider"`
	PVSigne         bool                 `json:"pv_signe"`
}

func toAPIDecision(d *store.DecisionBloc) *apiDecisionBloc {
	if d == nil {
		return nil
	}
	return &apiDecisionBloc{Decision: d.Decision, Propose: d.Propose, Motif: d.Motif, ResteAEvaluer: d.ResteAEvaluer,
		AmendementID: d.AmendementID, Le: d.Le.UTC()}
}

func toAPIDeliberation(d *store.Deliberation) apiDeliberation {
	out := apiDeliberation{apiPassage: toAPIPassage(d.Passage), Resultat: d.Passage.Resultat, Vises: d.Vises, Acquis: d.Acquis,
		Blocs: []apiBlocProposition{}, PeutDecider: d.MayDecide, PVSigne: d.Signe}
	if d.Passage.Resultat != "" {
		out.ResultatLibelle = d.Passage.Resultat.Libelle()
	}
	if out.Vises == nil {
		out.Vises = []string{}
	}
	if out.Acquis == nil {
		out.Acquis = []string{}
	}
	for _, b := range d.Blocs {
		ab := apiBlocProposition{Bloc: b.Bloc, Intitule: b.Intitule, Proposition: b.Proposition.Decision, Acquises: b.Acquises,
			NonAcquises: b.NonAcquises, Decision: toAPIDecision(b.Decision)}
		if ab.Acquises == nil {
			ab.Acquises = []string{}
		}
		if ab.NonAcquises == nil {
			ab.NonAcquises = []string{}
		}
		for _, c := range b.Competences {
			av := apiCompetenceAvis{Code: c.Code, Intitule: c.Intitule, Acquise: c.Acquise, Jures: map[string]bool{}}
			for i, j := range d.Jures {
				av.Jures[itoa64(j.UserID)] = c.Jures[i]
			}
			ab.Competences = append(ab.Competences, av)
		}
		out.Blocs = append(out.Blocs, ab)
	}
	return out
}

// apiProposition: the proposition per bloc of a passage, from its jurors' grids.
func (s *Server) apiProposition(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.store.Deliberation(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIDeliberation(d))
	return nil
}

// apiDecisionBody is the body of a decision: {"presence", "blocs": {"BC01": {…}}}.
type apiDecisionBody struct {
	Presence jury.Presence                `json:"presence"`
	Blocs    map[string]jury.BlocDecision `json:"blocs"`
}

// apiDecision: the président decides a passage → the passage with its resultat and blocs.
func (s *Server) apiDecision(w http.ResponseWriter, r *http.Request) error {
	var in apiDecisionBody
	id, err := pathAndBody(w, r, &in)
	if err != nil {
		return err
	}
	d, err := s.store.Decide(r.Context(), actor(r), id, in.Presence, in.Blocs)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIDeliberation(d))
	return nil
}

// apiPVSignature: the calling member signs the PV: 201 with the date, time and IP, 200 with
// the first signature when signed already; with the session's state after it.
func (s *Server) apiPVSignature(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	g, created, err := s.store.SignPV(r.Context(), actor(r), id, clientIP(r, s.proxyTrust()))
	if err != nil {
		return err
	}
	js, err := s.store.JurySession(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, map[string]any{"session_id": id, "user_id": g.UserID, "signe_le": g.SigneLe.UTC(), "ip": g.IP,
		"etat": js.Etat, "etat_libelle": js.Etat.Libelle()})
	return nil
}

// apiPVAmendement: the admin amends a signed PV: {"passage_id", "blocs": {…}, "motif"} → 201
// with the amendment and the passage's new result.
func (s *Server) apiPVAmendement(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		PassageID int64                        `json:"passage_id"`
		Blocs     map[string]jury.BlocDecision `json:"blocs"`
		Motif     string                       `json:"motif"`
	}
	id, err := pathAndBody(w, r, &in)
	if err != nil {
		return err
	}
	a, err := s.store.Amend(r.Context(), actor(r), id, in.PassageID, in.Blocs, in.Motif)
	if err != nil {
		return err
	}
	blocs := map[string]*apiDecisionBloc{}
	for i := range a.Decisions {
		blocs[a.Decisions[i].Bloc] = toAPIDecision(&a.Decisions[i])
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": a.ID, "session_id": id, "passage_id": a.PassageID, "motif": a.Motif,
		"le": a.Le.UTC(), "blocs": blocs, "resultat": a.Resultat, "resultat_libelle": a.Resultat.Libelle()})
	return nil
}
