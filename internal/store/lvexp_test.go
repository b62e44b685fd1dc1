package store_test

import (
	"testing"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/store/storetest"
)

func BenchmarkLvExp(b *testing.B) {
	s := storetest.Open(b)
	ref, certID, versionID := lvFixtureRef(b, s)
	centre := &account.Organisme{Nom: "Centre", SIRET: newSIRET(), HabilitationFormation: true}
	if err := s.CreateOrganisme(ctx, account.System, centre); err != nil {
		b.Fatal(err)
	}
	form := &account.User{Email: "form@example.org", Nom: "Durand", Prenom: "Anne", Role: account.RoleFormateur, CentreID: centre.ID}
	if err := s.CreateUser(ctx, account.System, form, ""); err != nil {
		b.Fatal(err)
	}
	lvBulkPromotion(b, s, ref.Blocs, certID, versionID, centre.ID, form.ID, 500, 20)
	for name, q := range map[string]string{
		"full14": `SELECT e.id, e.inscription_id, e.competences, e.forme, e.date_evaluation, e.evaluateur_id, e.criteres, e.score, e.bareme, e.seuil, e.commentaire, e.remplace_id, e.created_at, e.created_by FROM evaluations e JOIN inscriptions i ON i.id = e.inscription_id WHERE i.promotion = 'P500'`,
		"json1":  `SELECT json_array(e.id, e.inscription_id, e.competences, e.forme, e.date_evaluation, e.evaluateur_id, e.criteres, e.score, e.bareme, e.seuil, e.commentaire, e.remplace_id, e.created_at, e.created_by) FROM evaluations e JOIN inscriptions i ON i.id = e.inscription_id WHERE i.promotion = 'P500'`,
		"id1":    `SELECT e.id FROM evaluations e JOIN inscriptions i ON i.id = e.inscription_id WHERE i.promotion = 'P500'`,
		"noJoin": `SELECT e.id, e.inscription_id, e.competences, e.forme, e.date_evaluation, e.evaluateur_id, e.criteres, e.score, e.bareme, e.seuil, e.commentaire, e.remplace_id, e.created_at, e.created_by FROM evaluations e`,
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				rows, err := s.DB().QueryContext(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				cols, _ := rows.Columns()
				dest := make([]any, len(cols))
				for i := range dest {
					dest[i] = new(any)
				}
				n := 0
				for rows.Next() {
					if err := rows.Scan(dest...); err != nil {
						b.Fatal(err)
					}
					n++
				}
				rows.Close()
				if n != 10000 {
					b.Fatal(n)
				}
			}
		})
	}
}
