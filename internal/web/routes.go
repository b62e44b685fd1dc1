package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
)

// route is one entry of the route table: its pattern, the access policy it declares and its
// handler. The table is kept on the Server so that the routes and their policies can be
// enumerated (the access test is generated from it).
type route struct {
	pattern string
	policy  access.Policy
}

// routeTable registers routes on a mux, each behind the guard of its policy.
type routeTable struct {
	s   *Server
	mux *http.ServeMux
}

// handle registers fn at pattern behind policy p.
func (t routeTable) handle(pattern string, p access.Policy, fn handlerFunc) {
	t.s.routes = append(t.s.routes, route{pattern: pattern, policy: p})
	t.mux.Handle(pattern, t.s.handle(t.s.guard(p, fn)))
}

// raw registers a plain handler (operations, static assets) at pattern, recording policy p
// without applying it: only for Public routes and Link routes whose handler checks its own
// token (the metrics).
func (t routeTable) raw(pattern string, p access.Policy, h http.Handler) {
	t.s.routes = append(t.s.routes, route{pattern: pattern, policy: p})
	t.mux.Handle(pattern, h)
}

// guard applies policy p before fn: the gate with the actor alone, then, for a policy about
// inscriptions or candidates on a route naming one as {id}, the policy's rule on its
// relations — so that a refusal is decided before any form is read, and the same way on every
// route (404 for an inscription the actor may not know, 403 for one they see but may not
// change). The store applies the same rule again in its queries.
func (s *Server) guard(p access.Policy, fn handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		a := actor(r)
		if err := p.Gate(a); err != nil {
			return err
		}
		if err := s.checkResource(r, p, a); err != nil {
			return err
		}
		return fn(w, r)
	}
}

// checkResource applies p's rule to the resource the route names as {id}, when p is about
// inscriptions or candidates (other kinds are decided by the store alone).
func (s *Server) checkResource(r *http.Request, p access.Policy, a account.Actor) error {
	kind, raw := p.Kind(), r.PathValue("id")
	if raw == "" && kind == access.KindInscription && r.PathValue("projet") != "" {
		return s.checkProjet(r, p, a) // /api/v1/projets/{projet}: the rule of its inscription
	}
	if raw == "" || (kind != access.KindInscription && kind != access.KindCandidat) {
		return nil
	}
	what := fmt.Sprintf("%s %s", kind, raw)
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("%s: %w", what, apperr.NotFound)
	}
	if kind == access.KindCandidat {
		rel, err := s.store.CandidatRelations(r.Context(), id)
		if err != nil {
			return err
		}
		return p.CheckCandidat(a, rel, what)
	}
	rel, err := s.store.InscriptionRelations(r.Context(), a, id)
	if err != nil {
		return err
	}
	return p.CheckInscription(a, rel, what)
}

// checkProjet applies p's rule to the inscription of the dossier's project {projet}.
func (s *Server) checkProjet(r *http.Request, p access.Policy, a account.Actor) error {
	raw := r.PathValue("projet")
	what := "projet " + raw
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("%s: %w", what, apperr.NotFound)
	}
	rel, err := s.store.ProjetRelations(r.Context(), id)
	if err != nil {
		return err
	}
	return p.CheckInscription(a, rel, what)
}
