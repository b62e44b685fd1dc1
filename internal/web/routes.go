package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/certif/certif/internal/access"
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
// inscriptions on a route naming one as {id}, the policy's rule on that inscription's
// relations — so that a refusal is decided before any form is read, and the same way on every
// route (404 for an inscription the actor may not know, 403 for one they see but may not
// change). The store applies the same rule again in its queries.
func (s *Server) guard(p access.Policy, fn handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		a := actor(r)
		if err := p.Gate(a); err != nil {
			return err
		}
		if p.Kind() == access.KindInscription {
			if raw := r.PathValue("id"); raw != "" {
				id, err := strconv.ParseInt(raw, 10, 64)
				if err != nil || id <= 0 {
					return fmt.Errorf("inscription %q: %w", raw, apperr.NotFound)
				}
				rel, err := s.store.InscriptionRelations(r.Context(), id)
				if err != nil {
					return err
				}
				if err := p.CheckInscription(a, rel, fmt.Sprintf("inscription %d", id)); err != nil {
					return err
				}
			}
		}
		return fn(w, r)
	}
}
