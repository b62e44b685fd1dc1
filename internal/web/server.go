// Package web serves Certif's HTML pages and its JSON API (/api/v1).
//
// Handlers return errors; one adapter (errors.go) maps them to French pages or JSON bodies.
// Every route declares its access policy (package access), checked before its handler runs;
// store calls carry the acting user so that data is scoped in the queries themselves.
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

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
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
	// MailSending says that a sender delivers the outbox (an SMTP server is configured); the
	// courriels pages say when messages only wait there.
	MailSending bool
	// MetricsToken is the bearer token /metrics asks for; empty: /metrics answers 404.
	MetricsToken string
	// Blobs stores uploaded files (evidence, company stamps, the dossier's pieces).
	Blobs *blob.Dir
	// MaxDocumentBytes and MaxVideoBytes cap one piece of the dossier: a document, the video;
	// 0 means DefaultMaxDocumentBytes, DefaultMaxVideoBytes.
	MaxDocumentBytes, MaxVideoBytes int64
	// MaxDossierBytes caps a dossier, every version of every piece counted; 0 means
	// DefaultMaxDossierBytes.
	MaxDossierBytes int64
	// MeasureSlots is how many deposited pieces are measured at a time, server-wide; 0 means
	// the cores (at least 2).
	MeasureSlots int
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
	resetLimits *loginLimiter // password reset requests (reset.go), every one counted
	metrics     *metrics
	refCache    *refPageCache
	pages       *pageCache // signed-in pages kept until the next write (pagecache.go)
	refJSON     jsonCache
	// verifyPassword checks a password against an argon2id hash (account.VerifyPassword;
	// tests count its calls).
	verifyPassword func(hash, password string) bool
	imports        importSlots   // imports under way (import.go)
	deposits       *depositSlots // the dossier's deposits under way and their measures (dossier_slots.go)
	// routes is the route table registered by Handler, with each route's access policy.
	routes []route
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
	if cfg.MaxDocumentBytes <= 0 {
		cfg.MaxDocumentBytes = DefaultMaxDocumentBytes
	}
	if cfg.MaxVideoBytes <= 0 {
		cfg.MaxVideoBytes = DefaultMaxVideoBytes
	}
	if cfg.MaxDossierBytes <= 0 {
		cfg.MaxDossierBytes = DefaultMaxDossierBytes
	}
	if cfg.MeasureSlots <= 0 {
		cfg.MeasureSlots = max(2, runtime.NumCPU())
	}
	if cfg.BaseURL, err = CheckBaseURL(cfg.BaseURL); err != nil {
		return nil, err
	}
	cfg.Store.SetBaseURL(cfg.BaseURL) // the links of the messages the store queues
	sm := scs.New()
	sm.Store = cfg.Store.SessionStore()
	sm.Codec = store.SessionCodec{} // gob only for sessions stored before it (session_codec.go)
	sm.Lifetime = 12 * time.Hour
	sm.IdleTimeout = 2 * time.Hour
	sm.Cookie.Name = "certif_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies
	s := &Server{
		cfg: cfg, store: cfg.Store, log: cfg.Logger, tr: tr, tpl: tpl, static: st,
		sessions: sm, loginLimits: newLoginLimiter(time.Now), resetLimits: newLoginLimiter(time.Now), metrics: newMetrics(cfg.Registry),
		refCache: newRefPageCache(), pages: newPageCache(), verifyPassword: boundedVerify(account.VerifyPassword, max(2, runtime.NumCPU())),
		deposits: newDepositSlots(cfg.MeasureSlots),
	}
	sm.ErrorFunc = s.sessionError              // a French error page, and nothing after it (sessionerr.go)
	cfg.Store.SetAttacher(s.attachConvocation) // the convocations' PDF, attached when they leave
	return s, nil
}

// Handler returns the root handler with every route and middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	// The route table: each route names its access policy (package access); s.routes keeps
	// them so that they can be enumerated with their policies.
	s.routes = nil
	r := routeTable{s: s, mux: mux}

	// Operations and assets.
	r.raw("GET /healthz", access.Public, http.HandlerFunc(s.healthz))
	r.raw("GET /readyz", access.Public, http.HandlerFunc(s.readyz))
	r.raw("GET /metrics", access.Link, s.metricsHandler()) // its own bearer token
	r.raw("GET /static/{hash}/{path...}", access.Public, s.static)
	r.raw("GET /favicon.ico", access.Public, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, s.static.URL("favicon.svg"), http.StatusMovedPermanently)
	}))

	// Public pages.
	r.handle("GET /{$}", access.Public, s.home)
	r.handle("GET /referentiel", access.Public, s.referentielDefault)
	r.handle("GET /certifications/{id}/referentiel", access.Public, s.referentielPage)
	r.handle("GET /connexion", access.Public, s.loginForm)
	r.handle("POST /connexion", access.Public, s.login)
	r.handle("POST /deconnexion", access.Public, s.logout)
	r.handle("GET /mot-de-passe-oublie", access.Public, s.forgotForm)
	r.handle("POST /mot-de-passe-oublie", access.Public, s.forgot)
	r.handle("GET /mot-de-passe/{token}", access.Link, s.resetForm)
	r.handle("POST /mot-de-passe/{token}", access.Link, s.reset)
	r.handle("GET /langue/{lang}", access.Public, s.setLang)

	// Signed-in pages.
	r.handle("GET /compte", access.SignedIn, s.accountPage)
	r.handle("POST /compte/mot-de-passe", access.SignedIn, s.changePassword)
	r.handle("POST /compte/jetons", access.SignedIn, s.tokenCreate)
	r.handle("POST /compte/jetons/{id}/revoquer", access.SignedIn, s.tokenRevoke)

	// Administration (certificateur staff).
	r.handle("GET /admin/centres", access.Administer, s.centresList)
	r.handle("GET /admin/centres/nouveau", access.Administer, s.centreNew)
	r.handle("POST /admin/centres", access.Administer, s.centreCreate)
	r.handle("GET /admin/centres/{id}", access.Administer, s.centreEdit)
	r.handle("POST /admin/centres/{id}", access.Administer, s.centreUpdate)
	r.handle("GET /admin/utilisateurs", access.Administer, s.usersList)
	r.handle("GET /admin/utilisateurs/nouveau", access.Administer, s.userNew)
	r.handle("POST /admin/utilisateurs", access.Administer, s.userCreate)
	r.handle("GET /admin/utilisateurs/{id}", access.Administer, s.userEdit)
	r.handle("POST /admin/utilisateurs/{id}", access.Administer, s.userUpdate)
	r.handle("GET /admin/journal", access.Administer, s.auditPage)
	r.handle("GET /admin/certificateur", access.Administer, s.certificateurForm)
	r.handle("POST /admin/certificateur", access.Administer, s.certificateurSave)
	r.handle("GET /admin/certifications/{id}", access.Administer, s.certificationForm)
	r.handle("POST /admin/certifications/{id}", access.Administer, s.certificationSave)
	r.handle("GET /admin/courriels", access.Administer, s.courrielsPage)
	r.handle("GET /admin/courriels/{id}", access.Administer, s.courrielPage)
	r.handle("POST /admin/courriels/{id}/renvoi", access.Administer, s.courrielResend)

	// Candidates, inscriptions and the livret (issue 3). The store scopes every read to the
	// user's centre (staff) or to the candidate themself.
	r.handle("GET /candidats", access.ReadCentre, s.cached(s.candidatsList))
	r.handle("GET /candidats/nouveau", access.ManageCentre, s.inscrireNew)
	r.handle("POST /candidats", access.ManageCentre, s.inscrireCreate)
	r.handle("GET /candidats/import", access.ManageCentre, s.importForm)
	r.handle("GET /candidats/import/modele.csv", access.ManageCentre, s.importTemplate)
	r.handle("POST /candidats/import", access.ManageCentre, s.importUpload)
	r.handle("GET /candidats/{id}/identite", access.EditCandidat, s.identiteForm)
	r.handle("POST /candidats/{id}/identite", access.EditCandidat, s.identiteSave)
	r.handle("GET /mon-dossier", access.MyFile, s.myFile)
	r.handle("GET /inscriptions/{id}", access.ReadInscription, s.inscriptionPage)
	r.handle("POST /inscriptions/{id}/statut", access.ManageInscription, s.inscriptionStatut)
	r.handle("GET /inscriptions/{id}/livret", access.ReadInscription, s.cached(s.livretPage))
	r.handle("GET /inscriptions/{id}/evaluations/nouvelle", access.TrainInscription, s.evaluationForm)
	r.handle("POST /inscriptions/{id}/evaluations", access.TrainInscription, s.evaluationCreate)
	r.handle("POST /inscriptions/{id}/projets/{bloc}", access.ContributeInscription, s.projetSubmit)
	r.handle("POST /inscriptions/{id}/projets/{bloc}/fichiers/{fichier}/retirer", access.ContributeInscription, s.projetFileRemove)
	r.handle("POST /inscriptions/{id}/projets/{bloc}/decision", access.DecideProjet, s.projetDecide)
	r.handle("GET /inscriptions/{id}/planning", access.ReadInscription, s.planningPage)
	r.handle("POST /inscriptions/{id}/planning", access.TrainInscription, s.seanceCreate)
	r.handle("POST /inscriptions/{id}/planning/{seance}", access.TrainInscription, s.seanceUpdate)
	r.handle("POST /inscriptions/{id}/planning/{seance}/supprimer", access.TrainInscription, s.seanceDelete)
	r.handle("GET /inscriptions/{id}/stage", access.ReadInscription, s.stagePage)
	r.handle("POST /inscriptions/{id}/stage", access.TrainInscription, s.stageSave)
	r.handle("POST /inscriptions/{id}/stage/{stage}/lien", access.TrainInscription, s.stageLink)
	r.handle("GET /inscriptions/{id}/documents/{doc}", access.ReadInscription, s.documentPDF)
	// The dossier complet (issue 8): pieces streamed (never parsed whole), projects, summary,
	// the référent's session date and the certificateur's reopening.
	r.handle("GET /inscriptions/{id}/dossier", access.ReadInscription, s.dossierPage)
	r.handle("POST /inscriptions/{id}/dossier/pieces/{kind}", access.ContributeDossier, s.piecePost)
	r.handle("GET /inscriptions/{id}/dossier/pieces/{kind}", access.ReadInscription, s.pieceGet)
	r.handle("POST /inscriptions/{id}/dossier/resume", access.ContributeDossier, s.resumePost)
	r.handle("POST /inscriptions/{id}/dossier/projets", access.ContributeDossier, s.projetCreate)
	r.handle("POST /inscriptions/{id}/dossier/projets/{projet}", access.ContributeDossier, s.projetUpdate)
	r.handle("POST /inscriptions/{id}/dossier/projets/{projet}/supprimer", access.ContributeDossier, s.projetDelete)
	r.handle("POST /inscriptions/{id}/dossier/projets/{projet}/approbation", access.DecideProjet, s.projetApprove)
	r.handle("POST /inscriptions/{id}/dossier/date-session", access.ManageInscription, s.dateSessionPost)
	r.handle("POST /inscriptions/{id}/dossier/reouverture", access.Administer, s.reopenPost)
	// The jury sessions (issue 9): the admin runs them; a juror reads theirs (from the
	// session's day) and signs its confidentiality attestation; the store decides per session
	// (404 to whoever may not see it). The convocation: the admin, the candidate, their
	// centre's staff (the store; 404 to the jury). Profiles and recevabilité: the admin.
	r.handle("GET /sessions", access.SignedIn, s.sessionsList)
	r.handle("GET /sessions/nouvelle", access.Administer, s.sessionNew)
	r.handle("POST /sessions", access.Administer, s.sessionCreate)
	r.handle("GET /sessions/{id}", access.SignedIn, s.sessionShow)
	r.handle("POST /sessions/{id}/etat", access.Administer, s.sessionEtat)
	r.handle("POST /sessions/{id}/membres", access.Administer, s.sessionMembre)
	r.handle("POST /sessions/{id}/passages", access.Administer, s.sessionPassage)
	r.handle("GET /sessions/{id}/attestation", access.SignedIn, s.attestationForm)
	r.handle("POST /sessions/{id}/attestation", access.SignedIn, s.attestationSign)
	r.handle("POST /passages/{id}/jures", access.Administer, s.passageJures)
	r.handle("GET /passages/{id}/convocation.pdf", access.SignedIn, s.convocationPDF)
	// The deliberation and the PV (jury_pv.go): the président decides, the members read and
	// sign, the admin amends; the candidate reads their results once published.
	r.handle("GET /passages/{id}/deliberation", access.SignedIn, s.deliberationPage)
	r.handle("POST /passages/{id}/deliberation", access.SignedIn, s.deliberationPost)
	r.handle("GET /sessions/{id}/pv", access.SignedIn, s.pvPage)
	r.handle("GET /sessions/{id}/pv.pdf", access.SignedIn, s.pvPDF)
	r.handle("POST /sessions/{id}/pv/signer", access.SignedIn, s.pvSign)
	r.handle("POST /sessions/{id}/pv/avenant", access.Administer, s.pvAmend)
	r.handle("GET /inscriptions/{id}/resultats", access.SignedIn, s.resultatsPage)
	r.handle("POST /admin/utilisateurs/{id}/profil-jury", access.Administer, s.profilJuryPost)
	r.handle("POST /inscriptions/{id}/recevabilite", access.Administer, s.recevabilitePost)
	r.handle("GET /promotions/{promotion}", access.ReadCentre, s.cached(s.matricePage))
	r.handle("GET /promotions/{promotion}/releves.pdf", access.ReadCentre, s.relevesPDF)
	r.handle("POST /promotions/{promotion}/activations.csv", access.ManageCentre, s.activationsCSV)
	r.handle("GET /promotions/{promotion}/planifier", access.ReadCentre, s.planifierPage)
	r.handle("POST /promotions/{promotion}/planifier", access.ReadCentre, s.planifierSave)
	r.handle("GET /modules", access.ReadCentre, s.modulesPage)
	r.handle("POST /modules", access.ManageCentre, s.moduleCreate)
	r.handle("POST /modules/{id}", access.ManageCentre, s.moduleUpdate)
	r.handle("GET /fichiers/{id}", access.SignedIn, s.fileDownload)
	r.handle("GET /activation/{token}", access.Link, s.activationForm)
	r.handle("POST /activation/{token}", access.Link, s.activate)
	r.handle("GET /stage/{token}", access.Link, s.tutorForm)
	r.handle("POST /stage/{token}", access.Link, s.tutorSubmit)

	// The juror's grid (issue 9): the store decides who fills and who reads (jury_grille.go).
	r.handle("GET /passages/{id}/grille", access.SignedIn, s.grilleGet)
	r.handle("POST /passages/{id}/grille", access.SignedIn, s.grillePost)
	r.handle("GET /passages/{id}/grille.pdf", access.SignedIn, s.grillePDF)

	s.apiRoutes(r)

	r.handle("/", access.Public, func(w http.ResponseWriter, r *http.Request) error {
		return errNotFoundPage
	})

	root := recordPattern(mux)
	root = s.authenticate(root)
	root = withSessionErrors(s.sessions.LoadAndSave(root))
	root = finalHeaders(root) // outside the session manager, which adds its own Cache-Control (compress.go)
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	root = csrf.Handler(root)
	root = securityHeaders(root, s.cfg.SecureCookies)
	root = s.observe(root)
	return root
}

// contentSecurityPolicy allows only this origin's scripts, styles and images (and data: images),
// no plugins (object-src), no <base> pointing elsewhere, no framing, forms posted here only.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"

// securityHeaders sets the headers every response carries; served over HTTPS (secure cookies),
// Strict-Transport-Security too, so that browsers never try plain HTTP again for two years.
func securityHeaders(next http.Handler, https bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		if https {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
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
	// A link is shown when its route's policy lets the user through.
	var a account.Actor
	if b.User != nil {
		a = account.ActorOf(b.User)
	}
	if access.ReadCentre.Gate(a) == nil {
		items = append(items, NavItem{Href: "/candidats", Label: b.T("nav.candidats")}, NavItem{Href: "/modules", Label: b.T("nav.modules")})
	}
	if access.MyFile.Gate(a) == nil {
		items = append(items, NavItem{Href: "/mon-dossier", Label: b.T("nav.mon_dossier")})
	}
	if b.User != nil && (b.User.Role == account.RoleAdmin || b.User.Role == account.RoleJury) { // mayListSessions
		items = append(items, NavItem{Href: "/sessions", Label: b.T("nav.sessions")})
	}
	if access.Administer.Gate(a) == nil {
		items = append(items,
			NavItem{Href: "/admin/certificateur", Label: b.T("nav.certificateur")},
			NavItem{Href: "/admin/centres", Label: b.T("nav.centres")},
			NavItem{Href: "/admin/utilisateurs", Label: b.T("nav.users")},
			NavItem{Href: "/admin/courriels", Label: b.T("nav.courriels")},
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
	s.setLangCookie(w, lang)
	next := safeNext(r.URL.Query().Get("next"))
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// setLangCookie remembers the interface's language for a year; Secure as the session's cookie.
func (s *Server) setLangCookie(w http.ResponseWriter, lang string) {
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies})
}

// crossOriginDenied answers a request refused by http.CrossOriginProtection (a form posted
// from another site, or by a script of another origin): a 403 in French, page or JSON, instead
// of net/http's English text.
func (s *Server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	s.writeError(w, r, &explainedError{err: apperr.Forbidden, heading: "Requête refusée",
		message: "Cette requête vient d’un autre site que Certif : elle est refusée pour vous protéger. " +
			"Rechargez la page de Certif et recommencez depuis elle.",
		link: "/", linkLabel: "Retour à l’accueil"})
}
