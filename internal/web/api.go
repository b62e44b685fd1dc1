package web

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"

	"github.com/certif/certif/internal/account"
)

// apiRoutes registers the JSON API under /api/v1. Every handler checks its role with
// require and passes the actor to the store, which scopes the data.
func (s *Server) apiRoutes(mux *http.ServeMux) {
	h := func(pattern string, fn handlerFunc) { mux.Handle(pattern, s.handle(fn)) }
	admin, staff, manager, inscriptionRoles := s.admin, s.staff, s.manager, s.inscriptionRoles

	h("GET /api/v1/openapi.json", s.apiOpenAPI)
	h("GET /api/v1/certifications", s.apiCertifications)
	h("GET /api/v1/certifications/{id}/referentiel", s.apiReferentiel)
	h("GET /api/v1/me", s.require(s.apiMe))
	h("GET /api/v1/me/tokens", s.require(s.apiTokens))
	h("POST /api/v1/me/tokens", s.require(s.apiTokenCreate))
	h("DELETE /api/v1/me/tokens/{id}", s.require(s.apiTokenRevoke))

	h("GET /api/v1/centres", s.require(s.apiCentres))
	h("POST /api/v1/centres", admin(s.apiCentreCreate))
	h("GET /api/v1/centres/{id}", s.require(s.apiCentre))
	h("PATCH /api/v1/centres/{id}", admin(s.apiCentreUpdate))

	h("GET /api/v1/users", s.require(s.apiUsers, account.RoleAdmin, account.RoleReferent))
	h("POST /api/v1/users", admin(s.apiUserCreate))
	h("GET /api/v1/users/{id}", s.require(s.apiUser))
	h("PATCH /api/v1/users/{id}", admin(s.apiUserUpdate))

	h("GET /api/v1/candidats", staff(s.apiCandidats))
	h("POST /api/v1/candidats", manager(s.apiCandidatCreate))
	h("GET /api/v1/candidats/{id}", inscriptionRoles(s.apiCandidat))
	h("POST /api/v1/inscriptions", manager(s.apiInscriptionCreate))
	h("GET /api/v1/inscriptions/{id}", inscriptionRoles(s.apiInscription))
	h("GET /api/v1/inscriptions/{id}/evaluations", inscriptionRoles(s.apiEvaluations))
	h("POST /api/v1/inscriptions/{id}/evaluations", staff(s.apiEvaluationCreate))
	h("POST /api/v1/inscriptions/{id}/blocs/{code}/projet", inscriptionRoles(s.apiProjetSubmit))
	h("POST /api/v1/inscriptions/{id}/blocs/{code}/projet/decision", manager(s.apiProjetDecide))
	h("GET /api/v1/inscriptions/{id}/documents/{doc}", inscriptionRoles(s.documentPDF))
	h("POST /api/v1/import/candidats", manager(s.apiImport))

	h("/api/", func(w http.ResponseWriter, r *http.Request) error { return errNotFoundPage })
}

// decodeJSON reads a JSON body of at most 1 MiB into v, rejecting unknown fields and
// trailing data, then cleans every string of v (cleanJSON: no NUL or control character
// reaches the domain); problems come back as a *apperr.Validation in French, on the field at
// fault or on "body" (see jsonDecodeError).
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.Decode(&struct{}{}) != io.EOF {
		err = jsonValueError{"JSON invalide : des données suivent l’objet JSON."}
	}
	if err != nil {
		return jsonDecodeError(err)
	}
	cleanJSON(v)
	return nil
}

// jsonCache keeps encoded JSON of immutable documents (référentiel versions).
type jsonCache struct {
	mu sync.RWMutex
	m  map[int64][]byte
}

func (c *jsonCache) get(key int64, build func() ([]byte, error)) ([]byte, error) {
	c.mu.RLock()
	b, ok := c.m[key]
	c.mu.RUnlock()
	if ok {
		return b, nil
	}
	b, err := build()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) > 64 {
		c.m = map[int64][]byte{}
	}
	c.m[key] = b
	c.mu.Unlock()
	return b, nil
}
