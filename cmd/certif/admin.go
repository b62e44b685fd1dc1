package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/certif/certif/internal/account"
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

func (e *environment) token(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("utilisation : certif token create --email E [--name NOM]")
	}
	fs := e.flags("token create")
	email := fs.String("email", "", "adresse e-mail du titulaire")
	name := fs.String("name", "cli", "nom du jeton")
	if err := noArgs(fs, args[1:]); err != nil {
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
	tok, err := st.CreateToken(ctx, account.System, u.ID, *name)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, tok)
	return nil
}
