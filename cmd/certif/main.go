// Command certif runs the Certif server and its administration commands.
//
//	certif serve [--addr 127.0.0.1:8080] [--data ./data] [--demo]
//	certif migrate
//	certif referentiel import FILE | export [--format yaml|json] [--code CODE]
//	certif user add --email E --role R [--centre ID|SIRET] [--prenom P] [--nom N]
//	certif token create --email E [--name NAME] [--expires 90d] | list --email E | revoke --id N
//	certif candidat merge --from ID --into ID
//	certif demo
//	certif audit verify [--ancre N:EMPREINTE]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // Europe/Paris even on hosts without zoneinfo (package french loads it)

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "certif:", userMessage(err))
		os.Exit(1)
	}
}

const usage = `Certif — certifications professionnelles RNCP

Utilisation :
  certif serve [--addr ADRESSE] [--data DOSSIER] [--demo]   démarre le serveur
  certif migrate                                          applique les migrations
  certif referentiel import FICHIER                       ajoute une version de référentiel
  certif referentiel export [--format yaml|json]          affiche le référentiel actif
  certif user add --email E --role R [--centre C]         crée un compte
  certif token create --email E [--expires 90d]           crée un jeton d'API personnel
  certif token list --email E                             liste les jetons d'un compte
  certif token revoke --id N                              révoque un jeton
  certif candidat merge --from ID --into ID               fusionne deux dossiers d'une même personne
  certif demo                                             charge le jeu de démonstration
  certif audit verify [--ancre N:EMPREINTE]               vérifie la chaîne du journal d’audit

Options communes : --data (CERTIF_DATA, défaut ./data), --database (CERTIF_DATABASE_URL,
défaut sqlite dans le dossier de données).
Courriels (serve) : CERTIF_SMTP_URL (smtp://utilisateur:motdepasse@hôte:587, smtps://…:465)
et --mail-from (CERTIF_MAIL_FROM) ; sans serveur SMTP, les courriels restent lisibles par
l'administrateur dans /admin/courriels.
`

// run is the whole program, with its environment passed in so that tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	env := &environment{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	switch args[0] {
	case "serve":
		return env.serve(ctx, args[1:])
	case "migrate":
		return env.migrate(ctx, args[1:])
	case "referentiel":
		return env.referentiel(ctx, args[1:])
	case "user":
		return env.user(ctx, args[1:])
	case "token":
		return env.token(ctx, args[1:])
	case "candidat":
		return env.candidat(ctx, args[1:])
	case "demo":
		return env.demo(ctx, args[1:])
	case "audit":
		return env.audit(ctx, args[1:])
	default:
		return fmt.Errorf("commande inconnue %q\n\n%s", args[0], usage)
	}
}

// environment carries the process environment and the flags every command shares.
type environment struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
	data, database string
	// now is the clock of the store and of the server alike; nil means time.Now.
	now func() time.Time
}

// clock returns the one clock handed to the store and to the web server.
func (e *environment) clock() func() time.Time {
	if e.now == nil {
		return time.Now
	}
	return e.now
}

// flags returns a flag set with the common --data and --database flags.
func (e *environment) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&e.data, "data", envOr(e.getenv, "CERTIF_DATA", "./data"), "dossier des données (SQLite, fichiers déposés)")
	fs.StringVar(&e.database, "database", e.getenv("CERTIF_DATABASE_URL"), "base de données : postgres://… (défaut : SQLite dans --data)")
	return fs
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func (e *environment) logger() *slog.Logger {
	level := slog.LevelInfo
	if strings.EqualFold(e.getenv("CERTIF_LOG_LEVEL"), "debug") {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
}

// openStore opens and migrates the configured database.
func (e *environment) openStore(ctx context.Context, log *slog.Logger) (*store.Store, error) {
	url := e.database
	if url == "" {
		if err := os.MkdirAll(e.data, 0o750); err != nil {
			return nil, fmt.Errorf("dossier de données %s : %w", e.data, err)
		}
		url = "sqlite:" + filepath.Join(e.data, "certif.db")
	}
	st, err := store.Open(ctx, url, store.Options{Logger: log, Now: e.clock()})
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// userMessage turns an error into the line printed to the operator.
func userMessage(err error) string {
	var v *apperr.Validation
	if errors.As(err, &v) {
		return "données invalides :\n" + v.Error()
	}
	return err.Error()
}

// parse parses flags placed anywhere among the arguments ("import FILE --data d" as well as
// "import --data d FILE") and returns the positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// noArgs parses flags and refuses positional arguments.
func noArgs(fs *flag.FlagSet, args []string) error {
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("argument inattendu %q", pos[0])
	}
	return nil
}
