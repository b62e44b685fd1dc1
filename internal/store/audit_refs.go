package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
)

// AuditRef is what the journal shows of the record an entry wrote: its name and the record a
// link should lead to. The journal's rows keep only ids (never personal data); the names are
// read at display time, so a renamed record shows its current name.
type AuditRef struct {
	// Name is the record's name: a user's or candidate's display name, a centre's, module's,
	// certification's or file's name, an API token's label; "" when the record is gone.
	Name string
	// InscriptionID is the inscription the record belongs to (evaluation, projet, stage, séance,
	// inscription; a candidate's latest), 0 when none.
	InscriptionID int64
	// UserID is the account the record belongs to (an API token's owner), 0 when none.
	UserID int64
}

// auditRefQueries reads, by entity, the name (and owner) of records by id: each query takes
// the ids in its IN list and returns id, name parts and the inscription or user id. Entities
// not listed have no name to show.
var auditRefQueries = map[string]string{
	"user":          `SELECT id, TRIM(prenom || ' ' || nom), '', '', 0 FROM users WHERE id IN (%s)`,
	"organisme":     `SELECT id, nom, '', '', 0 FROM organismes WHERE id IN (%s)`,
	"certification": `SELECT id, intitule, '', '', 0 FROM certifications WHERE id IN (%s)`,
	"module":        `SELECT id, intitule, '', '', 0 FROM modules WHERE id IN (%s)`,
	"file":          `SELECT id, nom, '', '', 0 FROM files WHERE id IN (%s)`,
	"token":         `SELECT id, name, '', '', user_id FROM api_tokens WHERE id IN (%s)`,
	"candidat": `SELECT c.id, c.nom_naissance, c.nom_usage, c.prenoms,
		COALESCE((SELECT MAX(i.id) FROM inscriptions i WHERE i.candidat_id = c.id), 0)
		FROM candidats c WHERE c.id IN (%s)`,
	"inscription":  auditRefOfInscription("inscriptions x", "x.id"),
	"evaluation":   auditRefOfInscription("evaluations x", "x.inscription_id"),
	"projet":       auditRefOfInscription("projets x", "x.inscription_id"),
	"stage":        auditRefOfInscription("stages x", "x.inscription_id"),
	"seance":       auditRefOfInscription("seances x", "x.inscription_id"),
	"passage":      auditRefOfInscription("passages x", "x.inscription_id"),
	"jury_session": `SELECT id, date_session, '', '', 0 FROM jury_sessions WHERE id IN (%s)`,
	"recevabilite": auditRefOfInscription("recevabilites x", "x.inscription_id"),
	// The dossier's records are named by their candidate, as the livret's.
	"dossier_piece":  auditRefOfInscription("dossier_pieces x", "x.inscription_id"),
	"dossier_resume": auditRefOfInscription("dossier_resumes x", "x.inscription_id"),
	"dossier_projet": auditRefOfInscription("dossier_projets x", "x.inscription_id"),
}

// auditRefOfInscription is the query naming records that belong to an inscription by its
// candidate's name.
func auditRefOfInscription(table, insCol string) string {
	return `SELECT x.id, c.nom_naissance, c.nom_usage, c.prenoms, i.id FROM ` + table + `
		JOIN inscriptions i ON i.id = ` + insCol + ` JOIN candidats c ON c.id = i.candidat_id
		WHERE x.id IN (%s)`
}

// auditRefDetailInscription names the entries whose record may be gone (a séance removed from
// the planning, a project deleted from the dossier) by the inscription their detail names.
var auditRefDetailInscription = map[string]bool{"seance": true, "stage": true, "dossier_projet": true}

// AuditRefs names the records the entries wrote, by entry id (entries whose record has no name
// to show are absent). Only an admin may read it, as the journal: apperr.Forbidden otherwise.
func (s *Store) AuditRefs(ctx context.Context, actor account.Actor, entries []AuditEntry) (map[int64]AuditRef, error) {
	if err := access.CanAdminister(actor).Err("audit log"); err != nil {
		return nil, err
	}
	ids := map[string][]int64{}
	for _, e := range entries {
		if e.EntityID == 0 {
			continue
		}
		if _, ok := auditRefQueries[e.Entity]; ok {
			ids[e.Entity] = append(ids[e.Entity], e.EntityID)
		}
		if auditRefDetailInscription[e.Entity] {
			if id := detailInt(e.Detail, "inscription_id"); id != 0 {
				ids["inscription"] = append(ids["inscription"], id)
			}
		}
	}
	found := map[string]map[int64]AuditRef{}
	for entity, list := range ids {
		refs, err := s.auditRefsOf(ctx, entity, list)
		if err != nil {
			return nil, err
		}
		found[entity] = refs
	}
	out := map[int64]AuditRef{}
	for _, e := range entries {
		ref, ok := found[e.Entity][e.EntityID]
		if !ok && auditRefDetailInscription[e.Entity] {
			ref, ok = found["inscription"][detailInt(e.Detail, "inscription_id")]
		}
		if ok {
			out[e.ID] = ref
		}
	}
	return out, nil
}

// auditRefsOf runs the entity's naming query over ids (deduplicated, in batches).
func (s *Store) auditRefsOf(ctx context.Context, entity string, ids []int64) (map[int64]AuditRef, error) {
	seen := map[int64]bool{}
	uniq := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	out := map[int64]AuditRef{}
	const batch = 500
	for start := 0; start < len(uniq); start += batch {
		part := uniq[start:min(start+batch, len(uniq))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		q := fmt.Sprintf(auditRefQueries[entity], strings.TrimSuffix(strings.Repeat("?,", len(part)), ","))
		rows, err := s.query(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("audit refs %s: %w", entity, err)
		}
		if err := scanAuditRefs(rows, entity, out); err != nil {
			return nil, fmt.Errorf("audit refs %s: %w", entity, err)
		}
	}
	return out, nil
}

func scanAuditRefs(rows *sql.Rows, entity string, out map[int64]AuditRef) error {
	defer rows.Close()
	for rows.Next() {
		var (
			id, owner            int64
			name, usage, prenoms string
		)
		if err := rows.Scan(&id, &name, &usage, &prenoms, &owner); err != nil {
			return err
		}
		ref := AuditRef{Name: name}
		if prenoms != "" { // a candidate: name is the birth name
			c := candidat.Candidat{NomNaissance: name, NomUsage: usage}
			_ = json.Unmarshal([]byte(prenoms), &c.Prenoms)
			ref.Name = c.NomAffiche()
		}
		if entity == "token" {
			ref.UserID = owner
		} else {
			ref.InscriptionID = owner
		}
		out[id] = ref
	}
	return rows.Err()
}

// detailInt reads an integer field of an entry's JSON detail (0 when absent).
func detailInt(detail, key string) int64 {
	var m map[string]any
	if json.Unmarshal([]byte(detail), &m) != nil {
		return 0
	}
	if f, ok := m[key].(float64); ok {
		return int64(f)
	}
	return 0
}
