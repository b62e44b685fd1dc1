package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
)

func (e *environment) referentiel(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("utilisation : certif referentiel import FICHIER | export [--format yaml|json]")
	}
	switch args[0] {
	case "import":
		pos, err := parse(e.flags("referentiel import"), args[1:])
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return fmt.Errorf("utilisation : certif referentiel import FICHIER")
		}
		data, err := readCapped(pos[0], 4<<20)
		if err != nil {
			return err
		}
		ref, err := referentiel.Parse(data)
		if err != nil {
			return fmt.Errorf("%s : %w", pos[0], err)
		}
		st, err := e.openStore(ctx, e.logger())
		if err != nil {
			return err
		}
		defer st.Close()
		info, err := st.ImportReferentiel(ctx, account.System, ref)
		if err != nil {
			return err
		}
		b, c, k := ref.Counts()
		fmt.Fprintf(e.stdout, "Référentiel « %s » : version %d active (%d blocs, %d compétences, %d critères).\n", info.Intitule, info.Version, b, c, k)
		return nil
	case "export":
		fs := e.flags("referentiel export")
		format := fs.String("format", "yaml", "yaml ou json")
		code := fs.String("code", "", "code de la certification (défaut : la première)")
		if err := noArgs(fs, args[1:]); err != nil {
			return err
		}
		if *format != "yaml" && *format != "json" {
			return fmt.Errorf("format inconnu %q : yaml ou json", *format)
		}
		st, err := e.openStore(ctx, e.logger())
		if err != nil {
			return err
		}
		defer st.Close()
		var info store.CertificationInfo
		if *code != "" {
			info, err = st.CertificationByCode(ctx, *code)
		} else {
			var certs []store.CertificationInfo
			certs, err = st.Certifications(ctx)
			if err == nil && len(certs) == 0 {
				err = fmt.Errorf("aucun référentiel chargé : lancez « certif referentiel import FICHIER » ou « certif serve »")
			}
			if err == nil {
				info = certs[0]
			}
		}
		if err != nil {
			return err
		}
		_, ref, err := st.ActiveReferentiel(ctx, info.ID)
		if err != nil {
			return err
		}
		out, err := ref.Marshal(*format)
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(out)
		return err
	}
	return fmt.Errorf("sous-commande inconnue %q : import ou export", args[0])
}

// readCapped reads a file of at most max bytes.
func readCapped(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s : fichier trop gros (plus de %d Mo)", path, max>>20)
	}
	return b, nil
}

func (e *environment) user(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("utilisation : certif user add --email E --role R [--centre ID|SIRET] [--prenom P] [--nom N]")
	}
	fs := e.flags("user add")
	email := fs.String("email", "", "adresse e-mail (obligatoire)")
	role := fs.String("role", "", "admin, referent, formateur, candidat ou jury")
	centre := fs.String("centre", "", "centre de formation : identifiant ou SIRET")
	prenom := fs.String("prenom", "", "prénom")
	nom := fs.String("nom", "", "nom")
	if err := noArgs(fs, args[1:]); err != nil {
		return err
	}
	st, err := e.openStore(ctx, e.logger())
	if err != nil {
		return err
	}
	defer st.Close()
	u := &account.User{Email: *email, Role: account.Role(*role), Prenom: *prenom, Nom: *nom}
	if *centre != "" {
		if u.CentreID, err = findCentre(ctx, st, *centre); err != nil {
			return err
		}
	}
	password, generated, err := e.readPassword()
	if err != nil {
		return err
	}
	hash, err := account.HashPassword(password)
	if err != nil {
		return err
	}
	if err := st.CreateUser(ctx, account.System, u, hash); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Compte %d créé : %s (%s).\n", u.ID, u.Email, u.Role)
	if generated {
		fmt.Fprintf(e.stdout, "Mot de passe généré (affiché une seule fois) : %s\n", password)
	}
	return nil
}

// readPassword reads one line from stdin when it is not a terminal; an empty input
// generates a password.
func (e *environment) readPassword() (string, bool, error) {
	if f, ok := e.stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return account.GeneratePassword(), true, nil
		}
	}
	line, err := bufio.NewReader(io.LimitReader(e.stdin, 1024)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", false, err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return account.GeneratePassword(), true, nil
	}
	if err := account.CheckPassword(line); err != nil {
		return "", false, err
	}
	return line, false, nil
}

func findCentre(ctx context.Context, st *store.Store, ref string) (int64, error) {
	orgs, err := st.Organismes(ctx, account.System)
	if err != nil {
		return 0, err
	}
	id, _ := strconv.ParseInt(ref, 10, 64)
	for _, o := range orgs {
		if o.ID == id || o.SIRET == ref {
			return o.ID, nil
		}
	}
	return 0, fmt.Errorf("centre %q introuvable (identifiant ou SIRET)", ref)
}

const tokenUsage = `utilisation :
  certif token create --email E [--name NOM] [--expires 90d]
  certif token list --email E
  certif token revoke --id N`

func (e *environment) token(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New(tokenUsage)
	}
	switch args[0] {
	case "create":
		return e.tokenCreate(ctx, args[1:])
	case "list":
		return e.tokenList(ctx, args[1:])
	case "revoke":
		return e.tokenRevoke(ctx, args[1:])
	}
	return fmt.Errorf("sous-commande inconnue %q\n%s", args[0], tokenUsage)
}

// parseDays reads a token lifetime: "90d" or "90" (days), from 1 to 365 days.
func parseDays(v string) (time.Duration, error) {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), "d"))
	if err != nil || n < 1 || n > 365 {
		return 0, fmt.Errorf("durée %q invalide : de 1d à 365d (jours)", v)
	}
	return time.Duration(n) * 24 * time.Hour, nil
}

func (e *environment) tokenCreate(ctx context.Context, args []string) error {
	fs := e.flags("token create")
	email := fs.String("email", "", "adresse e-mail du titulaire")
	name := fs.String("name", "cli", "nom du jeton")
	expires := fs.String("expires", "90d", "durée de validité, en jours (1d à 365d)")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	ttl, err := parseDays(*expires)
	if err != nil {
		return err
	}
	st, err := e.openStore(ctx, e.logger())
	if err != nil {
		return err
	}
	defer st.Close()
	u, _, err := st.Credentials(ctx, *email)
	if err != nil {
		return fmt.Errorf("compte %q : %w", *email, err)
	}
	t, tok, err := st.CreateToken(ctx, account.System, u.ID, *name, ttl)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "Jeton %d, valable jusqu'au %s (affiché une seule fois) :\n", t.ID, t.ExpiresAt.Format(time.DateOnly))
	fmt.Fprintln(e.stdout, tok)
	return nil
}

func (e *environment) tokenList(ctx context.Context, args []string) error {
	fs := e.flags("token list")
	email := fs.String("email", "", "adresse e-mail du titulaire")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	st, err := e.openStore(ctx, e.logger())
	if err != nil {
		return err
	}
	defer st.Close()
	u, _, err := st.Credentials(ctx, *email)
	if err != nil {
		return fmt.Errorf("compte %q : %w", *email, err)
	}
	toks, err := st.Tokens(ctx, account.System, u.ID)
	if err != nil {
		return err
	}
	if len(toks) == 0 {
		fmt.Fprintln(e.stdout, "Aucun jeton.")
		return nil
	}
	day := func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format(time.DateOnly)
	}
	now := time.Now()
	fmt.Fprintf(e.stdout, "%-6s %-10s %-10s %-10s %-9s %s\n", "id", "créé", "utilisé", "expire", "état", "nom")
	for _, t := range toks {
		state := "valide"
		switch {
		case !t.RevokedAt.IsZero():
			state = "révoqué"
		case !t.Valid(now):
			state = "expiré"
		}
		fmt.Fprintf(e.stdout, "%-6d %-10s %-10s %-10s %-9s %s\n", t.ID, day(t.CreatedAt), day(t.LastUsedAt), day(t.ExpiresAt), state, t.Name)
	}
	return nil
}

func (e *environment) tokenRevoke(ctx context.Context, args []string) error {
	fs := e.flags("token revoke")
	id := fs.Int64("id", 0, "identifiant du jeton (voir certif token list)")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	if *id <= 0 {
		return errors.New("--id est obligatoire (voir « certif token list --email E »)")
	}
	st, err := e.openStore(ctx, e.logger())
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.RevokeToken(ctx, account.System, 0, *id); err != nil {
		if errors.Is(err, apperr.NotFound) {
			return fmt.Errorf("jeton %d introuvable", *id)
		}
		return err
	}
	fmt.Fprintf(e.stdout, "Jeton %d révoqué.\n", *id)
	return nil
}
