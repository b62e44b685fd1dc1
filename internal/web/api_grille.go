package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/store"
)

// The juror's grid through the API (issue 9): GET …/passages/{id}/grille is the calling
// juror's grid, PUT the same body with the version read saves it (409 with the current grid
// when another save landed since); GET …/grilles is every juror's grid and the jury's
// consolidated one (président, admin). The store decides who may (store/jury_grille.go).

// apiGrille is a grid as the API gives it: the shape (jury.Grille) and when it was
// last saved. A client may PUT back what it read: enregistree_le is ignored.
type apiGrille struct {
	jury.Grille
	EnregistreeLe *time.Time `json:"enregistree_le,omitempty"`
}

func toAPIGrille(g jury.Grille, le time.Time) apiGrille {
	out := apiGrille{Grille: g}
	if !le.IsZero() {
		t := le.UTC()
		out.EnregistreeLe = &t
	}
	return out
}

// Bounds of a grid in input, before the domain reads it: the référentiel has 14 compétences
// of at most a dozen critères; anything much larger is not a grid (and its errors would be
// as long as it).
const (
	maxGrilleCompetences = 100
	maxGrilleCriteres    = 100
)

// checkGrilleSize refuses a grid far larger than any référentiel's (422 on "competences").
func checkGrilleSize(g jury.Grille) error {
	if len(g.Competences) > maxGrilleCompetences {
		return fieldError("competences", fmt.Sprintf("Une grille compte au plus %d compétences.", maxGrilleCompetences))
	}
	for _, c := range g.Competences {
		if len(c.Criteres) > maxGrilleCriteres {
			return fieldError("competences", fmt.Sprintf("Une compétence compte au plus %d critères.", maxGrilleCriteres))
		}
	}
	return nil
}

// grilleError gives a refused save its French explanation: a stale version carries the
// current grid (409, error.conflict.current), a closed session says why.
func grilleError(err error) error {
	var stale *store.GrilleStaleError
	if errors.As(err, &stale) {
		return &explainedError{err: withCurrent(err, toAPIGrille(stale.Current, stale.At)),
			heading: "Grille modifiée entre-temps", message: staleGrilleMessage(stale)}
	}
	var closed *store.GrilleCloseError
	if errors.As(err, &closed) {
		return &explainedError{err: err, heading: "Grille fermée", message: closed.Message()}
	}
	var unsigned *store.AttestationError
	if errors.As(err, &unsigned) { // R17: say what to do, and where
		return &explainedError{err: err, heading: "Attestation de confidentialité à signer",
			message:   "Avant de voir les dossiers et de remplir les grilles de cette session, signez son attestation de confidentialité.",
			link:      fmt.Sprintf("/sessions/%d/attestation", unsigned.SessionID),
			linkLabel: "Signer l’attestation de confidentialité"}
	}
	return err
}

// staleGrilleMessage is « Votre grille a été modifiée dans une autre fenêtre le 15 février
// 2027 à 10 h 42 : voici les valeurs les plus récentes. »
func staleGrilleMessage(e *store.GrilleStaleError) string {
	when := ""
	if !e.At.IsZero() {
		when = " le " + french.DateTime(e.At)
	}
	return "Votre grille a été modifiée dans une autre fenêtre" + when + " : voici les valeurs les plus récentes. Vos derniers choix n’ont pas été enregistrés."
}

func (s *Server) apiGrille(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	g, le, err := s.store.Grille(r.Context(), actor(r), id)
	if err != nil {
		return grilleError(err)
	}
	writeJSON(w, http.StatusOK, toAPIGrille(g, le))
	return nil
}

// apiGrilleSave saves the calling juror's grid: the body is the grid read, with its version.
func (s *Server) apiGrilleSave(w http.ResponseWriter, r *http.Request) error {
	var in apiGrille
	id, err := pathAndBody(w, r, &in)
	if err != nil {
		return err
	}
	if err := checkGrilleSize(in.Grille); err != nil {
		return err
	}
	g, le, err := s.store.SaveGrille(r.Context(), actor(r), id, in.Grille)
	if err != nil {
		return grilleError(err)
	}
	writeJSON(w, http.StatusOK, toAPIGrille(g, le))
	return nil
}

// apiGrilleJure is one juror's grid in GET …/grilles.
type apiGrilleJure struct {
	UserID    int64     `json:"user_id"`
	Nom       string    `json:"nom"`
	President bool      `json:"president"`
	Grille    apiGrille `json:"grille"`
}

// apiGrilles is every assigned juror's grid and the jury's consolidated one.
func (s *Server) apiGrilles(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	all, err := s.store.Grilles(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	out := struct {
		PassageID  int64           `json:"passage_id"`
		Jures      []apiGrilleJure `json:"jures"`
		Consolidee jury.Grille     `json:"consolidee"`
	}{PassageID: id, Jures: []apiGrilleJure{}, Consolidee: all.Consolidee}
	for _, j := range all.Jures {
		out.Jures = append(out.Jures, apiGrilleJure{UserID: j.UserID, Nom: j.Nom, President: j.President, Grille: toAPIGrille(j.Grille, j.SaveLe)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
