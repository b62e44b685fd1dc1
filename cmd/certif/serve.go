package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/blob"
	"github.com/certif/certif/internal/demo"
	"github.com/certif/certif/internal/mail"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
	"github.com/certif/certif/internal/web"
)

func (e *environment) serve(ctx context.Context, args []string) error {
	fs := e.flags("serve")
	addr := fs.String("addr", envOr(e.getenv, "CERTIF_ADDR", "127.0.0.1:8080"), "adresse d'écoute")
	withDemo := fs.Bool("demo", e.getenv("CERTIF_DEMO") == "1", "charger le jeu de démonstration")
	secure := fs.Bool("secure-cookies", e.getenv("CERTIF_SECURE_COOKIES") == "1", "cookies Secure (derrière HTTPS)")
	trustProxy := fs.Bool("trust-proxy", e.getenv("CERTIF_TRUST_PROXY") == "1", "lire l'adresse du client dans X-Forwarded-For (dernier saut)")
	proxies := fs.String("trusted-proxies", e.getenv("CERTIF_TRUSTED_PROXIES"), "adresses IP ou préfixes CIDR de nos proxys, séparés par des virgules (implique --trust-proxy)")
	baseURL := fs.String("base-url", e.getenv("CERTIF_BASE_URL"), "adresse publique du serveur, pour les liens envoyés (défaut : http:// + --addr)")
	mailFrom := fs.String("mail-from", e.getenv("CERTIF_MAIL_FROM"), "adresse d'expédition des courriels, p. ex. « Certif <certif@exemple.fr> » (avec CERTIF_SMTP_URL)")
	maxDocMB := fs.String("max-document-mb", envOr(e.getenv, "CERTIF_MAX_DOCUMENT_MB", strconv.Itoa(web.DefaultMaxDocumentBytes>>20)), "taille maximale d'un document du dossier, en Mo")
	maxVideoMB := fs.String("max-video-mb", envOr(e.getenv, "CERTIF_MAX_VIDEO_MB", strconv.Itoa(web.DefaultMaxVideoBytes>>20)), "taille maximale de la vidéo du dossier, en Mo")
	maxDossierMB := fs.String("max-dossier-mb", envOr(e.getenv, "CERTIF_MAX_DOSSIER_MB", strconv.Itoa(web.DefaultMaxDossierBytes>>20)), "taille maximale d'un dossier, toutes les versions de ses pièces comprises, en Mo")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	maxDossier, err := megabytesFlag("--max-dossier-mb", *maxDossierMB)
	if err != nil {
		return err
	}
	maxDoc, err := megabytesFlag("--max-document-mb", *maxDocMB)
	if err != nil {
		return err
	}
	maxVideo, err := megabytesFlag("--max-video-mb", *maxVideoMB)
	if err != nil {
		return err
	}
	trusted, err := web.ParseTrustedProxies(*proxies)
	if err != nil {
		return err
	}
	if *baseURL != "" {
		if *baseURL, err = web.CheckBaseURL(*baseURL); err != nil {
			return err
		}
	}
	var sender *mail.Sender // nil: no SMTP, mails stay in the outbox
	if smtpURL := e.getenv("CERTIF_SMTP_URL"); smtpURL != "" {
		if sender, err = newMailSender(smtpURL, *mailFrom); err != nil {
			return err
		}
	}
	start := time.Now() // wall time: how long the start-up took
	log := e.logger()
	st, err := e.openStore(ctx, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := loadShippedReferentiels(ctx, st); err != nil {
		return err
	}
	blobs, err := blob.NewDir(filepath.Join(e.data, "fichiers"))
	if err != nil {
		return fmt.Errorf("dossier des fichiers : %w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("écoute sur %s : %w", *addr, err)
	}
	defer ln.Close()
	if *baseURL == "" {
		*baseURL = defaultBaseURL(ln.Addr().String())
	}
	// The demo's messages (activation and tutor links) carry the server's address: the base
	// URL is known once the listener is open (--addr :0 picks the port), so the demo comes after.
	st.SetBaseURL(*baseURL)
	var accounts []demo.Account
	if *withDemo {
		if accounts, err = demo.Seed(ctx, st, blobs); err != nil {
			return fmt.Errorf("jeu de démonstration : %w", err)
		}
	}
	srv, err := web.New(web.Config{Store: st, Blobs: blobs, Logger: log, SecureCookies: *secure,
		TrustProxy: *trustProxy, TrustedProxies: trusted, BaseURL: *baseURL, MailSending: sender != nil, MetricsToken: e.getenv("CERTIF_METRICS_TOKEN"), Now: e.clock(),
		MaxDocumentBytes: maxDoc, MaxVideoBytes: maxVideo, MaxDossierBytes: maxDossier})
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(e.stdout, "Certif est prêt sur %s (démarrage en %d ms)\n", url, time.Since(start).Milliseconds())
	if len(accounts) > 0 {
		fmt.Fprintf(e.stdout, "Comptes de démonstration (mot de passe : %s) :\n", demo.Password)
		for _, a := range accounts {
			fmt.Fprintf(e.stdout, "  %-10s %-30s %s\n", a.Role, a.Email, a.Name)
		}
	}
	log.Info("serving", slog.String("addr", ln.Addr().String()), slog.String("database", st.Dialect()))

	go sweepSessions(ctx, st, log)
	go st.SweepFilesEvery(ctx, time.Hour, store.UnattachedFileTTL, blobs.Delete, log) // unattached uploads
	go st.SendRemindersEvery(ctx, time.Hour, log)                                     // J-7 and J-2 of the dossiers, J-2 of the jury
	go freezeDossiers(ctx, srv, log)                                                  // the system pieces of the dossiers that closed
	if sender != nil {
		go st.RunOutbox(ctx, sender.Send, outboxInterval, log)
	} else {
		log.Info("no CERTIF_SMTP_URL: e-mails stay in the outbox (/admin/courriels)")
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Graceful shutdown: stop accepting, let in-flight requests finish (30 s at most).
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("arrêt : %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(e.stdout, "Certif s’est arrêté proprement.")
	return nil
}

// outboxInterval is how often the sender looks for due courriels.
const outboxInterval = 5 * time.Second

// newMailSender returns the SMTP sender of smtpURL; a sender address is required with it.
func newMailSender(smtpURL, from string) (*mail.Sender, error) {
	if from == "" {
		return nil, errors.New("CERTIF_SMTP_URL est défini : indiquez aussi l'adresse d'expédition (--mail-from ou CERTIF_MAIL_FROM)")
	}
	return mail.NewSender(smtpURL, from)
}

// defaultBaseURL is http:// + the listen address, with localhost for an unspecified host
// (":8080", "0.0.0.0:8080"): behind a proxy or on a public address, set --base-url.
func defaultBaseURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// loadShippedReferentiels imports the référentiels embedded in the binary; an unchanged
// file adds no version, so this runs at every start.
func loadShippedReferentiels(ctx context.Context, st *store.Store) error {
	ref, err := referentiel.CommunityManager()
	if err != nil {
		return fmt.Errorf("référentiel embarqué : %w", err)
	}
	if _, err := st.ImportReferentiel(ctx, account.System, ref); err != nil {
		return fmt.Errorf("chargement du référentiel : %w", err)
	}
	return nil
}

// megabytesFlag reads a size in megabytes (a positive whole number) into bytes.
func megabytesFlag(name, v string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n <= 0 || n > 1<<20 {
		return 0, fmt.Errorf("%s : un nombre entier de mégaoctets est attendu (%q)", name, v)
	}
	return n << 20, nil
}

// freezeDossiers attaches the system pieces of the dossiers that closed (livret, attestation
// de formation), at start and every ten minutes until ctx ends.
func freezeDossiers(ctx context.Context, srv *web.Server, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		if n, err := srv.FreezeDossiers(ctx); err != nil && ctx.Err() == nil {
			log.Warn("dossier freeze", slog.String("error", err.Error()))
		} else if n > 0 {
			log.Info("dossier freeze", slog.Int("pieces", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweepSessions deletes expired sessions every ten minutes until ctx ends.
func sweepSessions(ctx context.Context, st *store.Store, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := st.DeleteExpiredSessions(ctx); err != nil && ctx.Err() == nil {
				log.Warn("session sweep", slog.String("error", err.Error()))
			}
		}
	}
}

func (e *environment) migrate(ctx context.Context, args []string) error {
	if err := noArgs(e.flags("migrate"), args); err != nil {
		return err
	}
	st, err := e.openStore(ctx, e.logger())
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(e.stdout, "Migrations appliquées.")
	return nil
}

func (e *environment) demo(ctx context.Context, args []string) error {
	if err := noArgs(e.flags("demo"), args); err != nil {
		return err
	}
	st, err := e.openStore(ctx, e.logger())
	if err != nil {
		return err
	}
	defer st.Close()
	if err := loadShippedReferentiels(ctx, st); err != nil {
		return err
	}
	blobs, err := blob.NewDir(filepath.Join(e.data, "fichiers"))
	if err != nil {
		return fmt.Errorf("dossier des fichiers : %w", err)
	}
	accounts, err := demo.Seed(ctx, st, blobs)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Jeu de démonstration chargé : %d comptes (mot de passe : %s).\n", len(accounts), demo.Password)
	return nil
}
