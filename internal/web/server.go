// Package web serves Certif's HTML pages and its JSON API (/api/v1).
//
// Handlers return errors; one adapter (errors.go) maps them to French pages or JSON bodies.
// Every route declares the roles it admits; store calls carry the acting user so that data
// is scoped in the queries themselves.
package web

import (
	"log/slog"
	"net/http"
	"net/netip"
	"runtime"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/blob"
	"github.com/certif/certif/internal/store"
)

// Config is what the server needs from its environment.
type Config struct {
	Store  *store.Store
	Logger *slog.Logger
	// SecureCookies marks cookies Secure (set it when served over HTTPS).
	SecureCookies bool
	// TrustProxy takes the client address from X-Forwarded-For (behind a load balancer): the
	// right-most hop, or the right-most one not in TrustedProxies when that is set.
	TrustProxy bool
	// TrustedProxies are our own proxies (implies TrustProxy); see ProxyTrust.
	TrustedProxies []netip.Prefix
	// BaseURL is the public address of the server ("https://certif.example.fr"), from which
	// activation and tutor links are built; never the request's Host. Empty: http://localhost.
	BaseURL string
	// MetricsToken is the bearer token /metrics asks for; empty: /metrics answers 404.
	MetricsToken string
	// Blobs stores uploaded files (evidence, company stamps).
	Blobs *blob.Dir
	// Registry receives the Prometheus metrics; nil → a new registry.
	Registry *prometheus.Registry
	// Now is the server's clock, the same as the store's (store.Options.Now): default dates
	// of forms, document dates, import checks. Nil means time.Now. Rate limits and request
	// metrics measure wall time and do not use it.
	Now func() time.Time
}

// Server holds the dependencies of the handlers. Create it with New.
type Server struct {
	cfg         Config
	store       *store.Store
	log         *slog.Logger
	tr          *translator
	tpl         *templates
	static      *staticAssets
	sessions    *scs.SessionManager
	loginLimits *loginLimiter
	metrics     *metrics
	refCache    *refPageCache
	refJSON     jsonCache
	// verifyPassword checks a password against an argon2id hash (account.VerifyPassword;
	// tests count its calls).
	verifyPassword func(hash, password string) bool
	imports        importSlots // imports under way (import.go)
}

// New builds a server; it fails when embedded assets are broken or cfg.BaseURL is invalid.
func New(cfg Config) (*Server, error) {
	tr, err := newTranslator()
	if err != nil {
		return nil, err
	}
	tpl, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	st, err := newStaticAssets()
	if err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.BaseURL, err = CheckBaseURL(cfg.BaseURL); err != nil {
		return nil, err
	}
	sm := scs.New()
	sm.Store = cfg.Store.SessionStore()
	sm.Lifetime = 12 * time.Hour
	sm.IdleTimeout = 2 * time.Hour
	sm.Cookie.Name = "certif_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies
	s := &Server{
		cfg: cfg, store: cfg.Store, log: cfg.Logger, tr: tr, tpl: tpl, static: st,
		sessions: sm, loginLimits: newLoginLimiter(time.Now), metrics: newMetrics(cfg.Registry),
		refCache: newRefPageCache(), verifyPassword: boundedVerify(account.VerifyPassword, max(2, runtime.NumCPU())),
	}
	sm.ErrorFunc = s.sessionError // a French error page, and nothing after it (sessionerr.go)
	return s, nil
}

// Handler returns the root handler with every route and middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	h := func(pattern string, fn handlerFunc) { mux.Handle(pattern, s.handle(fn)) }
	admin, signedIn, staff, manager, inscriptionRoles := s.admin, s.signedIn, s.staff, s.manager, s.inscriptionRoles

	// Operations and assets.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metricsHandler())
	mux.Handle("GET /static/{hash}/{path...}", s.static)
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, s.static.URL("favicon.svg"), http.StatusMovedPermanently)
	})

	// Public pages.
	h("GET /{$}", s.home)
	h("GET /referentiel", s.referentielDefault)
	h("GET /certifications/{id}/referentiel", s.referentielPage)
	h("GET /connexion", s.loginForm)
	h("POST /connexion", s.login)
	h("POST /deconnexion", s.logout)
	h("GET /langue/{lang}", s.setLang)

	// Signed-in pages.
	h("GET /compte", signedIn(s.accountPage))
	h("POST /compte/mot-de-passe", signedIn(s.changePassword))
	h("POST /compte/jetons", signedIn(s.tokenCreate))
	h("POST /compte/jetons/{id}/revoquer", signedIn(s.tokenRevoke))

	// Administration (certificateur staff).
	h("GET /admin/centres", admin(s.centresList))
	h("GET /admin/centres/nouveau", admin(s.centreNew))
	h("POST /admin/centres", admin(s.centreCreate))
	h("GET /admin/centres/{id}", admin(s.centreEdit))
	h("POST /admin/centres/{id}", admin(s.centreUpdate))
	h("GET /admin/utilisateurs", admin(s.usersList))
	h("GET /admin/utilisateurs/nouveau", admin(s.userNew))
	h("POST /admin/utilisateurs", admin(s.userCreate))
	h("GET /admin/utilisateurs/{id}", admin(s.userEdit))
	h("POST /admin/utilisateurs/{id}", admin(s.userUpdate))
	h("GET /admin/journal", admin(s.auditPage))

	// Candidates, inscriptions and the livret (issue 3). The store scopes every read to the
	// user's centre (staff) or to the candidate themself.
	h("GET /candidats", staff(s.candidatsList))
	h("GET /candidats/nouveau", manager(s.inscrireNew))
	h("POST /candidats", manager(s.inscrireCreate))
	h("GET /candidats/import", manager(s.importForm))
	h("GET /candidats/import/modele.csv", manager(s.importTemplate))
	h("POST /candidats/import", manager(s.importUpload))
	h("GET /mon-dossier", s.require(s.myFile, account.RoleCandidat))
	h("GET /inscriptions/{id}", inscriptionRoles(s.inscriptionPage))
	h("POST /inscriptions/{id}/statut", manager(s.inscriptionStatut))
	h("GET /inscriptions/{id}/livret", inscriptionRoles(s.livretPage))
	h("GET /inscriptions/{id}/evaluations/nouvelle", staff(s.evaluationForm))
	h("POST /inscriptions/{id}/evaluations", staff(s.evaluationCreate))
	h("POST /inscriptions/{id}/projets/{bloc}", inscriptionRoles(s.projetSubmit))
	h("POST /inscriptions/{id}/projets/{bloc}/decision", manager(s.projetDecide))
	h("GET /inscriptions/{id}/planning", inscriptionRoles(s.planningPage))
	h("POST /inscriptions/{id}/planning", staff(s.seanceCreate))
	h("POST /inscriptions/{id}/planning/{seance}", staff(s.seanceUpdate))
	h("POST /inscriptions/{id}/planning/{seance}/supprimer", staff(s.seanceDelete))
	h("GET /inscriptions/{id}/stage", inscriptionRoles(s.stagePage))
	h("POST /inscriptions/{id}/stage", staff(s.stageSave))
	h("POST /inscriptions/{id}/stage/{stage}/lien", staff(s.stageLink))
	h("GET /inscriptions/{id}/documents/{doc}", inscriptionRoles(s.documentPDF))
	h("GET /promotions/{promotion}", staff(s.matricePage))
	h("GET /promotions/{promotion}/releves.pdf", staff(s.relevesPDF))
	h("POST /promotions/{promotion}/activations.csv", manager(s.activationsCSV))
	h("GET /modules", staff(s.modulesPage))
	h("POST /modules", manager(s.moduleCreate))
	h("POST /modules/{id}", manager(s.moduleUpdate))
	h("GET /fichiers/{id}", signedIn(s.fileDownload))
	h("GET /activation/{token}", s.activationForm)
	h("POST /activation/{token}", s.activate)
	h("GET /stage/{token}", s.tutorForm)
	h("POST /stage/{token}", s.tutorSubmit)

	s.apiRoutes(mux)

	mux.Handle("/", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return errNotFoundPage
	}))

	root := recordPattern(mux)
	root = s.authenticate(root)
	root = withSessionErrors(s.sessions.LoadAndSave(root))
	root = http.NewCrossOriginProtection().Handler(root)
	root = securityHeaders(root)
	root = s.observe(root)
	return root
}

// securityHeaders sets the headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
		next.ServeHTTP(w, r)
	})
}

// base fills the layout data for a request.
func (s *Server) base(r *http.Request, titleID string) Base {
	b := Base{Lang: requestLang(r), User: currentUser(r), Path: r.URL.Path, srv: s}
	b.Title = b.T(titleID)
	b.Nav = s.nav(&b)
	return b
}

// nav returns the navigation of the user's role.
func (s *Server) nav(b *Base) []NavItem {
	items := []NavItem{{Href: "/", Label: b.T("nav.home")}, {Href: "/referentiel", Label: b.T("nav.referentiel")}}
	if b.User != nil {
		switch b.User.Role {
		case account.RoleAdmin, account.RoleReferent, account.RoleFormateur:
			items = append(items, NavItem{Href: "/candidats", Label: b.T("nav.candidats")}, NavItem{Href: "/modules", Label: b.T("nav.modules")})
		case account.RoleCandidat:
			items = append(items, NavItem{Href: "/mon-dossier", Label: b.T("nav.mon_dossier")})
		}
	}
	if b.User != nil && b.User.Role == account.RoleAdmin {
		items = append(items,
			NavItem{Href: "/admin/centres", Label: b.T("nav.centres")},
			NavItem{Href: "/admin/utilisateurs", Label: b.T("nav.users")},
			NavItem{Href: "/admin/journal", Label: b.T("nav.audit")})
	}
	for i := range items {
		if items[i].Href == "/mon-dossier" && strings.HasPrefix(b.Path, "/inscriptions/") {
			items[i].Active = true
			continue
		}
		items[i].Active = items[i].Href == b.Path || (items[i].Href != "/" && len(b.Path) > len(items[i].Href) && b.Path[:len(items[i].Href)+1] == items[i].Href+"/")
	}
	return items
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request) error {
	lang := r.PathValue("lang")
	if lang != "fr" && lang != "en" {
		return errNotFoundPage
	}
	setLangCookie(w, lang)
	next := safeNext(r.URL.Query().Get("next"))
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func setLangCookie(w http.ResponseWriter, lang string) {
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}
