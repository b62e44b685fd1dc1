package main

import (
	"context"
	"fmt"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/french"
)

// candidat runs "certif candidat merge --from ID --into ID": the certificateur joins the two
// records of one person enrolled in two centres (store.MergeCandidats), as the system actor.
func (e *environment) candidat(ctx context.Context, args []string) error {
	const use = "utilisation : certif candidat merge --from ID --into ID"
	if len(args) == 0 || args[0] != "merge" {
		return fmt.Errorf("%s", use)
	}
	fs := e.flags("candidat merge")
	from := fs.Int64("from", 0, "identifiant du dossier candidat à fusionner (il disparaît)")
	into := fs.Int64("into", 0, "identifiant du dossier candidat conservé")
	if err := noArgs(fs, args[1:]); err != nil {
		return err
	}
	if *from <= 0 || *into <= 0 {
		return fmt.Errorf("%s", use)
	}
	st, err := e.openStore(ctx, e.logger())
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := st.MergeCandidats(ctx, account.System, *from, *into)
	if err != nil {
		return err
	}
	account := map[string]string{
		"none":        "aucun compte à reprendre",
		"moved":       "le compte du dossier fusionné est repris",
		"deactivated": "le compte du dossier fusionné est désactivé",
	}[res.Account]
	fmt.Fprintf(e.stdout, "Dossier %d fusionné dans le dossier %d : %s, %s.\n",
		*from, *into, french.Count(res.Inscriptions, "inscription déplacée", "inscriptions déplacées"), account)
	return nil
}
