package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
)

// errChainBroken is returned (exit code 1) when `certif audit verify` finds a broken chain.
var errChainBroken = errors.New("journal d’audit : chaîne rompue")

// audit runs `certif audit verify [--ancre N:EMPREINTE]`: it walks the whole audit log, checks
// every hash and link, prints the verdict in French and fails when the chain is broken or the
// anchor does not match.
func (e *environment) audit(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return fmt.Errorf("utilisation : certif audit verify [--ancre N:EMPREINTE]")
	}
	fs := e.flags("audit verify")
	anchor := fs.String("ancre", "", "N:EMPREINTE notée lors d’une vérification précédente : l’entrée n° N doit toujours avoir cette empreinte")
	if err := noArgs(fs, args[1:]); err != nil {
		return err
	}
	var anchorID int64
	var anchorHash string
	if *anchor != "" {
		id, h, ok := strings.Cut(*anchor, ":")
		n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64)
		if !ok || err != nil || n <= 0 || len(strings.TrimSpace(h)) != 64 {
			return fmt.Errorf("--ancre attend N:EMPREINTE (numéro d’entrée, deux-points, 64 caractères hexadécimaux)")
		}
		anchorID, anchorHash = n, strings.ToLower(strings.TrimSpace(h))
	}
	st, err := e.openStore(ctx, e.logger())
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := st.VerifyAudit(ctx, account.System)
	if err != nil {
		return err
	}
	p := message.NewPrinter(language.French)
	switch {
	case c.Entries == 0:
		fmt.Fprintln(e.stdout, "Journal d’audit vide : rien à vérifier.")
	case c.Intact():
		fmt.Fprint(e.stdout, p.Sprintf("Chaîne intègre : %d %s.\n", c.Entries, plural(c.Entries, "entrée vérifiée", "entrées vérifiées")))
		fmt.Fprintf(e.stdout, "Dernière entrée : n° %d, empreinte %s\n", c.HeadID, c.HeadHash)
		fmt.Fprintf(e.stdout, "Conservez « %d:%s » hors de la base (sauvegarde, courriel) : « certif audit verify --ancre … » prouvera plus tard que rien n’a été coupé ni réécrit jusque-là.\n", c.HeadID, c.HeadHash)
	default:
		fmt.Fprintf(e.stdout, "Chaîne rompue à l’entrée n° %d : %s.\n", c.First.ID, c.First.Describe())
		fmt.Fprint(e.stdout, p.Sprintf("%d %s sur %d %s.\n", c.Breaks, plural(c.Breaks, "entrée en défaut", "entrées en défaut"),
			c.Entries, plural(c.Entries, "vérifiée", "vérifiées")))
	}
	if anchorID != 0 {
		h, err := st.AuditHashOf(ctx, account.System, anchorID)
		switch {
		case errors.Is(err, apperr.NotFound):
			fmt.Fprintf(e.stdout, "Ancre : l’entrée n° %d n’existe plus : le journal a été coupé.\n", anchorID)
			return errChainBroken
		case err != nil:
			return err
		case h != anchorHash:
			fmt.Fprintf(e.stdout, "Ancre : l’entrée n° %d a l’empreinte %s, pas %s : le journal a été réécrit jusqu’à elle.\n", anchorID, h, anchorHash)
			return errChainBroken
		}
		fmt.Fprintf(e.stdout, "Ancre : l’entrée n° %d a toujours l’empreinte notée.\n", anchorID)
	}
	if !c.Intact() {
		return errChainBroken
	}
	return nil
}

// plural picks the French singular for 0 and 1, the plural from 2.
func plural(n int64, one, other string) string {
	if n < 2 {
		return one
	}
	return other
}
