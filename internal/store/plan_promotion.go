package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/french"
)

// MaxPlanSelection bounds the candidates one promotion planning may name: far above a
// promotion (20 to 500), far below what would hold the write lock for long.
const MaxPlanSelection = 2000

// planLockClass is the first key of the PostgreSQL advisory lock that serialises the plannings
// of one centre (the second is the centre's id): two plannings of the same candidates cannot
// both see "not planned yet". SQLite's immediate transactions serialise them already.
const planLockClass = 0x706c616e // "plan"

// planLock serialises, on PostgreSQL, the writes of plannings of centreID until the end of
// the transaction (SQLite's immediate transactions are serialised already).
func (tx *Tx) planLock(ctx context.Context, centreID int64) error {
	if tx.s.dialect != DialectPostgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?, ?)`, planLockClass, centreID)
	return err
}

// PromotionPlan is a module planned at once for several candidates of a promotion.
type PromotionPlan struct {
	CentreID  int64
	Promotion string
	// InscriptionIDs is the selection; empty means every candidate of the promotion in training.
	InscriptionIDs []int64
	// Seance holds the module, dates and hours (its InscriptionID is ignored).
	Seance candidat.Seance
	// SkipPlanned leaves out, instead of refusing, the candidates who have the module already.
	SkipPlanned bool
}

// PlanConflict is why one candidate of a promotion planning cannot get the séance.
type PlanConflict struct {
	InscriptionID int64
	Nom           string // "NOM Prénom"
	Message       string // in French, with the dates
	// Planned is true when the candidate has the module already (SkipPlanned leaves them out);
	// false for an overlap with another module.
	Planned bool
}

// PlanConflictError refuses a promotion planning: nothing was written. errors.Is(err,
// apperr.Conflict) is true.
type PlanConflictError struct {
	Conflicts []PlanConflict // by name
}

func (e *PlanConflictError) Error() string {
	return fmt.Sprintf("promotion planning: %d conflicts", len(e.Conflicts))
}

// Is makes errors.Is(err, apperr.Conflict) true.
func (e *PlanConflictError) Is(target error) bool { return target == apperr.Conflict }

// PlanResult is what a promotion planning wrote.
type PlanResult struct {
	Planned int            // séances added, one per candidate
	Skipped []PlanConflict // candidates left out because they had the module (SkipPlanned)
}

// PromotionMember is a candidate of a promotion in training, for a selection list.
type PromotionMember struct {
	InscriptionID int64
	Nom           string // "NOM Prénom"
	// Modules are the ids of the modules already in their planning.
	Modules []int64
}

// PromotionMembers lists the candidates of promotion in centre centreID who follow the training
// (not VAE, not abandoned), by name, with the modules already planned for each; an empty slice
// when there is none.
// Errors: apperr.NotFound unless actor is an admin or staff (référent, formateur) of the centre.
func (s *Store) PromotionMembers(ctx context.Context, actor account.Actor, centreID int64, promotion string) ([]PromotionMember, error) {
	if !lvStaffOf(actor, centreID) {
		return nil, fmt.Errorf("promotion of centre %d: %w", centreID, apperr.NotFound)
	}
	ms, err := planMembers(ctx, s.q(nil), centreID, promotion)
	if err != nil {
		return nil, fmt.Errorf("promotion of centre %d: %w", centreID, err)
	}
	out := make([]PromotionMember, 0, len(ms))
	for _, m := range ms {
		pm := PromotionMember{InscriptionID: m.id, Nom: m.nom}
		for _, se := range m.seances {
			pm.Modules = append(pm.Modules, se.module)
		}
		out = append(out, pm)
	}
	return out, nil
}

// PromotionVAE counts the candidates of promotion in centre centreID who take the VAE path
// (not abandoned): they follow no training, so planning leaves them out.
// Errors: apperr.NotFound unless actor is an admin or staff (référent, formateur) of the centre.
func (s *Store) PromotionVAE(ctx context.Context, actor account.Actor, centreID int64, promotion string) (int, error) {
	if !lvStaffOf(actor, centreID) {
		return 0, fmt.Errorf("promotion of centre %d: %w", centreID, apperr.NotFound)
	}
	var n int
	err := s.q(nil).QueryRowContext(ctx, `SELECT COUNT(*) FROM inscriptions
		WHERE centre_id = ? AND promotion = ? AND voie = ? AND statut <> ?`,
		centreID, promotion, string(candidat.VAE), string(candidat.Abandon)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("promotion of centre %d: %w", centreID, err)
	}
	return n, nil
}

// planMember is one candidate of a promotion with their séances.
type planMember struct {
	id, certificationID int64
	nom                 string
	seances             []planSeance
}

type planSeance struct {
	module     int64
	intitule   string
	debut, fin time.Time
}

// planMembers reads the candidates of a promotion in training, by name, with their séances,
// in two queries whatever the size of the promotion.
func planMembers(ctx context.Context, q querier, centreID int64, promotion string) ([]*planMember, error) {
	args := []any{centreID, promotion, string(candidat.VAE), string(candidat.Abandon)}
	rows, err := q.QueryContext(ctx, `SELECT i.id, i.certification_id, c.nom_naissance, c.nom_usage, c.prenoms
		FROM inscriptions i JOIN candidats c ON c.id = i.candidat_id`+lvPromotionWhere, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*planMember
	at := map[int64]*planMember{}
	keys := map[int64][2]string{}
	for rows.Next() {
		m := &planMember{}
		var naissance, usage, prenoms string
		if err := rows.Scan(&m.id, &m.certificationID, &naissance, &usage, &prenoms); err != nil {
			return nil, err
		}
		ps, err := lvStrings(prenoms)
		if err != nil {
			return nil, fmt.Errorf("inscription %d: %w", m.id, err)
		}
		nom := cmp.Or(usage, naissance)
		prenom := ""
		if len(ps) > 0 {
			prenom = ps[0]
		}
		m.nom = strings.TrimSpace(strings.ToUpper(nom) + " " + prenom)
		keys[m.id] = [2]string{candidat.Fold(nom), candidat.Fold(prenom)}
		list = append(list, m)
		at[m.id] = m
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(list, func(a, b *planMember) int {
		ka, kb := keys[a.id], keys[b.id]
		return cmp.Or(cmp.Compare(ka[0], kb[0]), cmp.Compare(ka[1], kb[1]), cmp.Compare(a.id, b.id))
	})
	srows, err := q.QueryContext(ctx, `SELECT se.inscription_id, se.module_id, m.intitule, se.debut, se.fin
		FROM seances se JOIN modules m ON m.id = se.module_id JOIN inscriptions i ON i.id = se.inscription_id`+
		lvPromotionWhere+` ORDER BY se.debut, se.id`, args...)
	if err != nil {
		return nil, err
	}
	defer srows.Close()
	for srows.Next() {
		var insID int64
		var se planSeance
		var debut, fin string
		if err := srows.Scan(&insID, &se.module, &se.intitule, &debut, &fin); err != nil {
			return nil, err
		}
		if se.debut, err = lvParseDate(debut); err == nil {
			se.fin, err = lvParseDate(fin)
		}
		if err != nil {
			return nil, fmt.Errorf("seance of inscription %d: %w", insID, err)
		}
		if m := at[insID]; m != nil {
			m.seances = append(m.seances, se)
		}
	}
	return list, srows.Err()
}

// PlanPromotion adds séance p.Seance to the planning of every candidate selected in promotion
// p.Promotion of centre p.CentreID (all of them in training when p.InscriptionIDs is empty),
// all or nothing in one transaction; each séance is audited as a "seance.add".
//
// Who: an admin, a référent or formateur of the centre.
// Errors: apperr.NotFound when the actor is not, when the promotion has no candidate in
// training, or when a selected id is not one of them (another centre's, VAE, unknown: the
// whole planning is refused, nothing tells which); *apperr.Validation from Seance.Validate, on
// "module" when the module is not an active module of the centre and certification, and on
// "candidats" for a selection larger than MaxPlanSelection; a *PlanConflictError
// (apperr.Conflict) listing the candidates who have the module already (unless p.SkipPlanned)
// or another séance overlapping the dates.
func (s *Store) PlanPromotion(ctx context.Context, actor account.Actor, p *PromotionPlan) (PlanResult, error) {
	var res PlanResult
	if !lvStaffOf(actor, p.CentreID) {
		return res, fmt.Errorf("plan promotion: %w", apperr.NotFound)
	}
	if len(p.InscriptionIDs) > MaxPlanSelection {
		v := apperr.NewValidation()
		v.Add("candidats", fmt.Sprintf("Sélectionnez au plus %s candidats à la fois.", french.Int(MaxPlanSelection)))
		return res, fmt.Errorf("plan promotion: %w", v)
	}
	se := p.Seance
	v := apperr.NewValidation()
	if err := se.Validate(); err != nil && !errors.As(err, &v) {
		return res, fmt.Errorf("plan promotion: %w", err)
	}
	se.Debut, se.Fin = lvDay(se.Debut), lvDay(se.Fin)
	selected := lvUnique(p.InscriptionIDs)
	err := s.Transact(ctx, func(tx *Tx) error {
		if err := tx.planLock(ctx, p.CentreID); err != nil {
			return err
		}
		list, err := planMembers(ctx, tx, p.CentreID, p.Promotion)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return apperr.NotFound
		}
		targets := list
		if len(selected) > 0 {
			targets = make([]*planMember, 0, len(selected))
			for _, m := range list { // in the promotion's order
				if slices.Contains(selected, m.id) {
					targets = append(targets, m)
				}
			}
			if len(targets) != len(selected) {
				return apperr.NotFound
			}
		}
		if se.ModuleID != 0 {
			var active bool
			err := tx.QueryRowContext(ctx, `SELECT active FROM modules WHERE id = ? AND centre_id = ? AND certification_id = ?`,
				se.ModuleID, p.CentreID, targets[0].certificationID).Scan(&active)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				v.Add("module", msgLvModuleInconnu)
			case err != nil:
				return err
			case !active:
				v.Add("module", msgLvModuleInactif)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		var conflicts []PlanConflict
		var write []*planMember
		for _, m := range targets {
			c, ok := planConflict(m, &se)
			switch {
			case !ok && m.certificationID != targets[0].certificationID:
				conflicts = append(conflicts, PlanConflict{InscriptionID: m.id, Nom: m.nom, Message: msgLvModuleInconnu})
			case !ok:
				write = append(write, m)
			case c.Planned && p.SkipPlanned:
				res.Skipped = append(res.Skipped, c)
			default:
				conflicts = append(conflicts, c)
			}
		}
		if len(conflicts) > 0 {
			return &PlanConflictError{Conflicts: conflicts}
		}
		now := s.t(s.nowUTC())
		for _, m := range write {
			var id int64
			err := tx.QueryRowContext(ctx,
				`INSERT INTO seances (inscription_id, module_id, debut, fin, heures_prevues, heures_realisees, created_at, updated_at)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				m.id, se.ModuleID, se.Debut.Format(time.DateOnly), se.Fin.Format(time.DateOnly),
				se.HeuresPrevues, se.HeuresRealisees, now, now).Scan(&id)
			if err != nil {
				return mapErr(err)
			}
			if err := tx.audit(ctx, actor, "seance.add", "seance", id, map[string]any{
				"inscription_id": m.id, "module_id": se.ModuleID, "promotion": true,
			}); err != nil {
				return err
			}
		}
		res.Planned = len(write)
		return nil
	})
	if err != nil {
		return PlanResult{}, fmt.Errorf("plan promotion: %w", err)
	}
	return res, nil
}

// planConflict returns why m cannot get se: the module planned already, or another séance
// whose dates overlap; ok is false when there is none.
func planConflict(m *planMember, se *candidat.Seance) (c PlanConflict, ok bool) {
	for _, o := range m.seances {
		if o.module == se.ModuleID {
			return PlanConflict{InscriptionID: m.id, Nom: m.nom, Planned: true, Message: fmt.Sprintf(
				"Module déjà planifié %s.", french.Range(o.debut, o.fin))}, true
		}
	}
	if o := overlapping(m.seances, se.Debut, se.Fin); o != nil {
		return PlanConflict{InscriptionID: m.id, Nom: m.nom, Message: overlapMessage(o)}, true
	}
	return PlanConflict{}, false
}

// overlapping returns the first séance of list whose dates meet [debut, fin], or nil.
func overlapping(list []planSeance, debut, fin time.Time) *planSeance {
	for i := range list {
		if o := &list[i]; !o.debut.After(fin) && !debut.After(o.fin) {
			return o
		}
	}
	return nil
}

// overlapMessage says which séance the dates overlap, with its French dates.
func overlapMessage(o *planSeance) string {
	return fmt.Sprintf("Ces dates chevauchent le module « %s », planifié %s.", o.intitule, french.Range(o.debut, o.fin))
}
