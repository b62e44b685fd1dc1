package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/input"
	"github.com/certif/certif/internal/referentiel"
)

// French messages of the project form (issue 8, R6, R7, R11).
const (
	msgDsTitre         = "Indiquez le titre du projet."
	msgDsTitreLong     = "Le titre tient en 200 caractères au plus."
	msgDsOrigine       = "Choisissez l’origine du brief : entreprise, stage, responsable pédagogique ou projet personnel."
	msgDsEntreprise    = "Indiquez le nom de l’entreprise qui a remis le brief."
	msgDsEntrepriseLg  = "Le nom de l’entreprise tient en 200 caractères au plus."
	msgDsURL           = "Le lien doit commencer par https:// ou http:// et tenir en 500 caractères au plus."
	msgDsCompetence    = "Compétence inconnue du référentiel : %s."
	msgDsCompetences   = "Un projet mobilise au plus %d compétences."
	msgDsApprobation   = "Seul un projet personnel attend l’approbation du responsable pédagogique."
	maxDsTitre         = 200
	maxDsURL           = 500
	dsProjetEntity     = "dossier_projet"
	dsProjetCols       = `p.id, p.inscription_id, p.titre, p.origine, p.entreprise, p.url, p.blog, p.confidentiel, p.competences, p.approuve_par, p.approuve_le, p.version`
	dsProjetFromSelect = `SELECT ` + dsProjetCols + ` FROM dossier_projets p WHERE `
)

// dsProjets returns the projects matching where (on alias p), by id.
func dsProjets(ctx context.Context, q querier, where string, args ...any) ([]dossier.Projet, error) {
	rows, err := q.QueryContext(ctx, dsProjetFromSelect+where+` ORDER BY p.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []dossier.Projet{}
	for rows.Next() {
		p, err := dsScanProjet(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func dsScanProjet(sc interface{ Scan(...any) error }) (dossier.Projet, error) {
	var p dossier.Projet
	var comps string
	var par sql.NullInt64
	err := sc.Scan(&p.ID, &p.InscriptionID, &p.Titre, &p.Origine, &p.Entreprise, &p.URL, &p.Blog, &p.Confidentiel, &comps,
		&par, scanTime(&p.ApprouveLe), &p.Version)
	p.ApprouvePar, p.Competences = par.Int64, dsSplit(comps)
	return p, err
}

// dsProjetByID reads project id; apperr.NotFound when absent.
func dsProjetByID(ctx context.Context, q querier, id int64) (dossier.Projet, error) {
	p, err := dsScanProjet(q.QueryRowContext(ctx, dsProjetFromSelect+`p.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("projet %d: %w", id, apperr.NotFound)
	}
	return p, err
}

// dsHTTPURL cleans an optional link; ok is false when it is not an http(s) URL of at most
// maxDsURL characters. A link typed without its scheme (« www.exemple.fr », « exemple.fr/blog »)
// gets https://; one with another scheme (« javascript: ») does not, and is refused.
func dsHTTPURL(raw string) (string, bool) {
	s := strings.TrimSpace(input.Clean(raw, false))
	if s == "" {
		return "", true
	}
	if !strings.Contains(s, "://") {
		if i := strings.IndexAny(s, ":/"); i < 0 || s[i] == '/' || strings.Contains(s[:i], ".") {
			s = "https://" + s
		}
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || utf8.RuneCountInString(s) > maxDsURL {
		return s, false
	}
	return s, true
}

// dsValidateProjet cleans p and checks it against the référentiel ref of its inscription.
func dsValidateProjet(p *dossier.Projet, ref *referentiel.Referentiel) error {
	v := apperr.NewValidation()
	p.Titre = strings.TrimSpace(input.Clean(p.Titre, false))
	switch n := utf8.RuneCountInString(p.Titre); {
	case n == 0:
		v.Add("titre", msgDsTitre)
	case n > maxDsTitre:
		v.Add("titre", msgDsTitreLong)
	}
	if !p.Origine.Valid() {
		v.Add("origine", msgDsOrigine)
	}
	p.Entreprise = strings.TrimSpace(input.Clean(p.Entreprise, false))
	switch {
	case p.Origine == dossier.OrigineEntreprise && p.Entreprise == "":
		v.Add("entreprise", msgDsEntreprise)
	case utf8.RuneCountInString(p.Entreprise) > maxDsTitre:
		v.Add("entreprise", msgDsEntrepriseLg)
	}
	var ok bool
	if p.URL, ok = dsHTTPURL(p.URL); !ok {
		v.Add("url", msgDsURL)
	}
	if p.Blog, ok = dsHTTPURL(p.Blog); !ok {
		v.Add("blog", msgDsURL)
	}
	var known []string
	for _, b := range ref.Blocs {
		for _, c := range b.Competences {
			known = append(known, c.Code)
		}
	}
	comps := []string{}
	for _, c := range p.Competences {
		c = strings.TrimSpace(input.Clean(c, false))
		switch {
		case c == "" || slices.Contains(comps, c):
		case !slices.Contains(known, c):
			v.Add("competences", fmt.Sprintf(msgDsCompetence, c))
		default:
			comps = append(comps, c)
		}
	}
	if len(comps) > len(known) {
		v.Add("competences", fmt.Sprintf(msgDsCompetences, len(known)))
	}
	p.Competences = comps
	return v.Err()
}

// CreateProjet records project p of inscription p.InscriptionID (p.ID, p.Version set; the
// approval fields ignored), audited with ids only.
// Who: access.CanContributeDossier (the candidate, the centre's référent, the admin; not the
// formateur), before the deadline. Errors: apperr.NotFound when the inscription does not exist or
// the actor may not see it; apperr.Forbidden when they see it without contributing;
// *ClosedError (apperr.Conflict) when the dossier is locked; *apperr.Validation on "titre",
// "origine", "entreprise", "url", "blog", "competences".
func (s *Store) CreateProjet(ctx context.Context, actor account.Actor, p *dossier.Projet) error {
	err := s.Transact(ctx, func(tx *Tx) error {
		_, ref, err := s.dsWritable(ctx, tx, actor, p.InscriptionID)
		if err != nil {
			return err
		}
		if err := dsValidateProjet(p, ref); err != nil {
			return err
		}
		now := s.nowUTC()
		if err := tx.QueryRowContext(ctx, `INSERT INTO dossier_projets (inscription_id, titre, origine, entreprise, url, blog,
			confidentiel, competences, version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?) RETURNING id`,
			p.InscriptionID, p.Titre, string(p.Origine), p.Entreprise, p.URL, p.Blog, p.Confidentiel, dsJoin(p.Competences), s.t(now)).
			Scan(&p.ID); err != nil {
			return mapErr(err)
		}
		p.Version, p.ApprouvePar, p.ApprouveLe = 1, 0, time.Time{}
		return tx.audit(ctx, actor, dsProjetEntity+".create", dsProjetEntity, p.ID, map[string]any{
			"inscription_id": p.InscriptionID, "origine": p.Origine, "competences": p.Competences})
	})
	if err != nil {
		return fmt.Errorf("create projet: %w", err)
	}
	return nil
}

// dsProjetWritable loads project id and its inscription for a write by actor (see
// dsWritable).
func (s *Store) dsProjetWritable(ctx context.Context, tx *Tx, actor account.Actor, id int64) (dossier.Projet, *dsIns, *referentiel.Referentiel, error) {
	old, err := dsProjetByID(ctx, tx, id)
	if err != nil {
		return old, nil, nil, err
	}
	ins, ref, err := s.dsWritable(ctx, tx, actor, old.InscriptionID)
	if errors.Is(err, apperr.NotFound) {
		err = fmt.Errorf("projet %d: %w", id, apperr.NotFound) // say nothing of the inscription
	}
	return old, ins, ref, err
}

// UpdateProjet replaces project p.ID's fields by p's (its inscription unchanged), if p.Version
// is still its version; p.Version is then the new one. A personal project's approval stays
// while its title, origin and compétences stay; changing any of them asks for a new approval.
// Who and errors: as CreateProjet, plus apperr.NotFound when the project does not exist and a
// *StaleError (apperr.Conflict) when someone changed it since p.Version.
func (s *Store) UpdateProjet(ctx context.Context, actor account.Actor, p *dossier.Projet) error {
	err := s.Transact(ctx, func(tx *Tx) error {
		old, _, ref, err := s.dsProjetWritable(ctx, tx, actor, p.ID)
		if err != nil {
			return err
		}
		p.InscriptionID = old.InscriptionID
		if err := dsValidateProjet(p, ref); err != nil {
			return err
		}
		p.ApprouvePar, p.ApprouveLe = old.ApprouvePar, old.ApprouveLe
		if p.Origine != dossier.OriginePersonnel || p.Titre != old.Titre || p.Origine != old.Origine ||
			!slices.Equal(p.Competences, old.Competences) {
			p.ApprouvePar, p.ApprouveLe = 0, time.Time{}
		}
		if err := tx.updateVersioned(ctx, "dossier_projets", p.ID, p.Version,
			`titre = ?, origine = ?, entreprise = ?, url = ?, blog = ?, confidentiel = ?, competences = ?, approuve_par = ?, approuve_le = ?`,
			p.Titre, string(p.Origine), p.Entreprise, p.URL, p.Blog, p.Confidentiel, dsJoin(p.Competences),
			nullID(p.ApprouvePar), s.t(p.ApprouveLe)); err != nil {
			return err
		}
		p.Version++
		return tx.audit(ctx, actor, dsProjetEntity+".update", dsProjetEntity, p.ID, map[string]any{
			"inscription_id": p.InscriptionID, "origine": p.Origine, "competences": p.Competences, "version": p.Version})
	})
	if err != nil {
		return fmt.Errorf("update projet: %w", err)
	}
	return nil
}

// DeleteProjet deletes project id (a real DELETE, journaled) before the deadline.
// Who and errors: as UpdateProjet (no version).
func (s *Store) DeleteProjet(ctx context.Context, actor account.Actor, id int64) error {
	err := s.Transact(ctx, func(tx *Tx) error {
		old, _, _, err := s.dsProjetWritable(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM dossier_projets WHERE id = ?`, id); err != nil {
			return err
		}
		return tx.audit(ctx, actor, dsProjetEntity+".delete", dsProjetEntity, id, map[string]any{"inscription_id": old.InscriptionID})
	})
	if err != nil {
		return fmt.Errorf("delete projet: %w", err)
	}
	return nil
}

// Projet returns project id. Who: whoever may read its inscription. Errors: apperr.NotFound
// when it does not exist or the actor may not see it.
func (s *Store) Projet(ctx context.Context, actor account.Actor, id int64) (*dossier.Projet, error) {
	q := s.q(nil)
	p, err := dsProjetByID(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if _, err := lvLoad(ctx, q, actor, p.InscriptionID, lvReader, false); err != nil {
		return nil, fmt.Errorf("projet %d: %w", id, apperr.NotFound)
	}
	return &p, nil
}

// ProjetRelations returns the relations of project id's inscription (see InscriptionRelations),
// for the web layer's route guard on /api/v1/projets/{id}. apperr.NotFound when it does not
// exist.
func (s *Store) ProjetRelations(ctx context.Context, id int64) (access.Inscription, error) {
	p, err := dsProjetByID(ctx, s.q(nil), id)
	if err != nil {
		return access.Inscription{}, err
	}
	return s.inscriptionRelations(ctx, p.InscriptionID) // the jury acts on no project
}

// ApproveProjet records the référent pédagogique's approval of personal project id (R6),
// before the deadline; approving an approved project again changes nothing.
// Who: the référent of the inscription's centre only (as access.CanDecideProjet). Errors:
// apperr.NotFound when it does not exist or the actor may not see it; apperr.Forbidden for
// anyone else who sees it (the admin, a formateur, the candidate); *ClosedError when the
// dossier is locked; *apperr.Validation on "origine" when the project is not personal.
func (s *Store) ApproveProjet(ctx context.Context, actor account.Actor, id int64) error {
	err := s.Transact(ctx, func(tx *Tx) error {
		p, ins, _, err := s.dsProjetWritable(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := access.CanDecideProjet(actor, ins.relations()).Err(fmt.Sprintf("projet %d", id)); err != nil {
			return err
		}
		if p.Origine != dossier.OriginePersonnel {
			v := apperr.NewValidation()
			v.Add("origine", msgDsApprobation)
			return v
		}
		if p.ApprouvePar != 0 {
			return nil
		}
		if err := tx.updateVersioned(ctx, "dossier_projets", id, p.Version, `approuve_par = ?, approuve_le = ?`,
			actor.UserID, s.t(s.nowUTC())); err != nil {
			return err
		}
		return tx.audit(ctx, actor, dsProjetEntity+".approve", dsProjetEntity, id, map[string]any{"inscription_id": p.InscriptionID})
	})
	if err != nil {
		return fmt.Errorf("approve projet: %w", err)
	}
	return nil
}
