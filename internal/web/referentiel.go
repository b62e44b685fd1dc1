package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"sync"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
)

// ReferentielPage shows one version of a référentiel the way the seed's tables do, readable:
// blocs → compétences → modalités → critères, then the épreuves and the deliverables.
type ReferentielPage struct {
	Base
	Info   store.CertificationInfo
	Ref    *referentiel.Referentiel
	Counts [3]int
	// Enr is the certification's registration at the RNCP (nil when unknown).
	Enr *referentiel.Enregistrement
	// Body is the rendered référentiel, cached per version and language (versions are immutable).
	Body template.HTML
}

// Modalites lists the known modalités for the template's ticks.
func (p *ReferentielPage) Modalites() []referentiel.Modalite { return referentiel.Modalites }

// Has reports whether the compétence lists modalité m.
func (p *ReferentielPage) Has(c referentiel.Competence, m referentiel.Modalite) bool {
	for _, x := range c.Modalites {
		if x == m {
			return true
		}
	}
	return false
}

// Num formats an integer the French way.
func (p *ReferentielPage) Num(n int) string { return formatInt(p.Lang, n) }

// referentielDefault shows the first certification's active référentiel.
func (s *Server) referentielDefault(w http.ResponseWriter, r *http.Request) error {
	certs, err := s.store.Certifications(r.Context())
	if err != nil {
		return err
	}
	if len(certs) == 0 {
		return fmt.Errorf("no certification: %w", apperr.NotFound)
	}
	return s.renderReferentiel(w, r, certs[0].ID)
}

func (s *Server) referentielPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderReferentiel(w, r, id)
}

func (s *Server) renderReferentiel(w http.ResponseWriter, r *http.Request, id int64) error {
	info, ref, err := s.store.ActiveReferentiel(r.Context(), id)
	if err != nil {
		return err
	}
	p := &ReferentielPage{Base: s.base(r, "referentiel.title"), Info: info, Ref: ref}
	p.Title = ref.Certification.Intitule + " — " + p.T("referentiel.title")
	b, c, k := ref.Counts()
	p.Counts = [3]int{b, c, k}
	p.Description = p.T("referentiel.description", "Intitule", ref.Certification.Intitule,
		"Counts", p.T("referentiel.counts", "Blocs", b, "Competences", c, "Criteres", k))
	if p.Enr, err = s.store.Enregistrement(r.Context(), id); err != nil {
		return err
	}
	// The key names an immutable version and the registration's version.
	body, err := s.refCache.get(fmt.Sprintf("%d/%d/%s", info.VersionID, p.Enr.Version, p.Lang), func() (template.HTML, error) {
		var buf bytes.Buffer
		if err := s.tpl.sets["referentiel"].ExecuteTemplate(&buf, "refbody", p); err != nil {
			return "", err
		}
		return template.HTML(buf.String()), nil
	})
	if err != nil {
		return err
	}
	p.Body = body
	return s.render(w, http.StatusOK, "referentiel", p)
}

// refPageCache memoises rendered référentiel bodies; keys name an immutable version.
type refPageCache struct {
	mu sync.RWMutex
	m  map[string]template.HTML
}

func newRefPageCache() *refPageCache { return &refPageCache{m: map[string]template.HTML{}} }

func (c *refPageCache) get(key string, build func() (template.HTML, error)) (template.HTML, error) {
	c.mu.RLock()
	v, ok := c.m[key]
	c.mu.RUnlock()
	if ok {
		return v, nil
	}
	v, err := build()
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	if len(c.m) > 256 { // a handful of versions × 2 languages; never grows without bound
		c.m = map[string]template.HTML{}
	}
	c.m[key] = v
	c.mu.Unlock()
	return v, nil
}

// pathID parses a positive integer path value; anything else is a 404.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%s %q: %w", name, r.PathValue(name), apperr.NotFound)
	}
	return id, nil
}

// isNotFound reports whether err is a NotFound.
func isNotFound(err error) bool { return errors.Is(err, apperr.NotFound) }

// Minutes converts seconds to whole minutes for display.
func (p *ReferentielPage) Minutes(sec int) int { return sec / 60 }

// Registration says when the certification was registered at the RNCP and until when
// (« Enregistré au RNCP le 12 mars 2024, valable jusqu'au 12 mars 2029 »), "" when unknown.
func (p *ReferentielPage) Registration() string {
	if p.Enr == nil || p.Enr.DateEnregistrement.IsZero() {
		return ""
	}
	out := p.T("certification.registered", "Date", p.Date(p.Enr.DateEnregistrement))
	if !p.Enr.FinValidite.IsZero() {
		out += ", " + p.T("certification.valid_until", "Date", p.Date(p.Enr.FinValidite))
	}
	return out
}
