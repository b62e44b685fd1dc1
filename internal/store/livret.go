package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/livret"
)

// French messages of the livret forms.
const (
	msgLvEvaluateur     = "L'évaluateur doit être un formateur ou le référent du centre."
	msgLvEvaluateurVide = "Choisissez l'évaluateur."
	msgLvEvaluateurSoi  = "Un formateur n'enregistre une évaluation qu'en son propre nom."
	msgLvRemplaceDone   = "Cette évaluation a déjà été corrigée."
	msgLvRemplaceNone   = "Évaluation à corriger introuvable."
	msgLvPreuve         = "Pièce justificative introuvable ou déjà utilisée."
	msgLvBlocNonVise    = "Ce bloc n'est pas visé par l'inscription."
	msgLvBlocVide       = "Choisissez le bloc."
	msgLvCompNonVisee   = "Cette compétence n'appartient pas aux blocs visés par l'inscription : %s."
	msgLvAucunProjet    = "Aucun projet remis pour ce bloc."
)

// ---- Inscription scope, shared by the livret, the training plan, the stages and the files ----

// lvIns is what the livret needs of an inscription to scope and validate a call.
type lvIns struct {
	ID, CandidatID, CertificationID, VersionID, CentreID int64
	UserID                                               int64 // the candidate's account, 0 when none
	Voie                                                 candidat.Voie
	BlocsVises                                           []string
	Jury                                                 access.Jury // filled for a juror only (lvLoad)
}

func (i *lvIns) vise(bloc string) bool { return slices.Contains(i.BlocsVises, bloc) }

// lvInscription reads inscription id with its candidate's account; apperr.NotFound when absent.
func lvInscription(ctx context.Context, q querier, id int64) (lvIns, error) {
	var i lvIns
	var user sql.NullInt64
	var blocs string
	err := q.QueryRowContext(ctx,
		`SELECT i.id, i.candidat_id, i.certification_id, i.version_id, i.centre_id, c.user_id, i.voie, i.blocs_vises
		 FROM inscriptions i JOIN candidats c ON c.id = i.candidat_id WHERE i.id = ?`, id).
		Scan(&i.ID, &i.CandidatID, &i.CertificationID, &i.VersionID, &i.CentreID, &user, &i.Voie, &blocs)
	if errors.Is(err, sql.ErrNoRows) {
		return lvIns{}, fmt.Errorf("inscription %d: %w", id, apperr.NotFound)
	}
	if err != nil {
		return lvIns{}, fmt.Errorf("inscription %d: %w", id, err)
	}
	i.UserID = user.Int64
	if i.BlocsVises, err = lvStrings(blocs); err != nil {
		return lvIns{}, fmt.Errorf("inscription %d: blocs: %w", id, err)
	}
	return i, nil
}

// lvAccess is what an actor may do on one inscription's livret, plan and stages: the level
// the access policy gives them on the inscription.
type lvAccess = access.Level

const (
	lvNone        = access.None       // may not know it exists
	lvReader      = access.Read       // reads (the candidate, the staff, the jury)
	lvContributor = access.Contribute // the candidate themself: submits projects
	lvStaff       = access.Train      // a formateur of the centre: records evaluations, plans, stages
	lvReferent    = access.Manage     // the référent of the centre, or an admin: also decides projects
)

func lvAccessOf(actor account.Actor, ins *lvIns) lvAccess {
	return access.InscriptionLevel(actor, ins.relations())
}

// lvCheck returns apperr.NotFound when actor may not see ins, apperr.Forbidden when the actor
// sees it with less than need, and candidat.ErrVAE when inTraining and ins has no in-training
// evaluation (candidat.Inscription.InTraining; the access check has no référentiel at hand, so
// it applies the default rule, the web having checked the référentiel's).
func lvCheck(actor account.Actor, ins *lvIns, need lvAccess, inTraining bool) error {
	a := lvAccessOf(actor, ins)
	switch {
	case a == lvNone:
		return fmt.Errorf("inscription %d: %w", ins.ID, apperr.NotFound)
	case a < need:
		return fmt.Errorf("inscription %d: %w", ins.ID, apperr.Forbidden)
	case inTraining && !(&candidat.Inscription{Voie: ins.Voie}).InTraining(nil):
		return fmt.Errorf("inscription %d: %w", ins.ID, candidat.ErrVAE)
	}
	return nil
}

// lvLoad reads inscription id and checks the actor's access (see lvCheck).
func lvLoad(ctx context.Context, q querier, actor account.Actor, id int64, need lvAccess, inTraining bool) (lvIns, error) {
	ins, err := lvInscription(ctx, q, id)
	if err != nil {
		return lvIns{}, err
	}
	if actor.Role == account.RoleJury {
		if ins.Jury, err = juryRelationsOf(ctx, q, id); err != nil {
			return lvIns{}, err
		}
	}
	return ins, lvCheck(actor, &ins, need, inTraining)
}

// ---- Evaluations (R2, R3) ----

// lvEvalCols are the columns of an evaluation (alias e) read by lvEvalRow.
const lvEvalCols = `e.id, e.inscription_id, e.competences, e.forme, e.date_evaluation, e.evaluateur_id, e.criteres,
	e.score, e.bareme, e.seuil, e.commentaire, e.remplace_id, e.created_at, e.created_by, e.module_id, e.motif_forme`

// lvEvalRow scans rows of lvEvalCols (then extra destinations) into the same buffers, so
// that reading thousands of entries allocates little more than the entries themselves.
type lvEvalRow struct {
	e                    livret.Evaluation
	comps, crit, date    string
	score, bareme, seuil sql.NullFloat64
	remplace, module     sql.NullInt64
	dest                 []any
}

func newLvEvalRow(extra ...any) *lvEvalRow {
	r := new(lvEvalRow)
	r.dest = append([]any{&r.e.ID, &r.e.InscriptionID, &r.comps, &r.e.Forme, &r.date, &r.e.EvaluateurID, &r.crit,
		&r.score, &r.bareme, &r.seuil, &r.e.Commentaire, &r.remplace, scanTime(&r.e.CreatedAt), &r.e.CreatedBy, &r.module, &r.e.MotifForme}, extra...)
	return r
}

// scan reads the current row of sc.
func (r *lvEvalRow) scan(sc interface{ Scan(...any) error }) (livret.Evaluation, error) {
	if err := sc.Scan(r.dest...); err != nil {
		return livret.Evaluation{}, err
	}
	e := r.e
	e.Remplace, e.ModuleID = r.remplace.Int64, r.module.Int64
	e.Score, e.Bareme, e.Seuil = lvFloatPtr(r.score), lvFloatPtr(r.bareme), lvFloatPtr(r.seuil)
	var err error
	if e.Date, err = lvParseDate(r.date); err != nil {
		return e, err
	}
	if e.Competences, err = lvStrings(r.comps); err != nil {
		return e, fmt.Errorf("evaluation %d: competences: %w", e.ID, err)
	}
	if e.Criteres, err = lvResultats(r.crit); err != nil {
		return e, fmt.Errorf("evaluation %d: criteres: %w", e.ID, err)
	}
	return e, nil
}

// lvDisplayName is how an evaluator is shown (see account.User.DisplayName).
func lvDisplayName(prenom, nom, email string) string {
	u := account.User{Prenom: prenom, Nom: nom, Email: email}
	return u.DisplayName()
}

// AddEvaluation records e in the livret of inscription e.InscriptionID, setting e.ID,
// e.CreatedAt, e.CreatedBy (and e.EvaluateurID when 0: the actor), with files (ids of evidence
// files uploaded by the actor and not yet attached) as its evidence; it is audited. Entries
// are never overwritten: a correction is a new entry whose e.Remplace names the entry it
// supersedes.
//
// Who: a formateur or the référent of the inscription's centre, or an admin.
// Errors: apperr.NotFound when the inscription does not exist or the actor may not see it;
// apperr.Forbidden for the candidate themself; an error wrapping candidat.ErrVAE for a VAE
// inscription; *apperr.Validation from e.Validate (against the référentiel version of the
// inscription), on "competence" for a compétence outside the blocs aimed at, on "evaluateur"
// when the evaluator is not a formateur or référent of the centre, on "remplace" when the
// entry to correct is not one of this inscription or is already corrected, on "preuves" for a
// file that is not the actor's or is already attached; apperr.Conflict when a concurrent
// write wins a race.
func (s *Store) AddEvaluation(ctx context.Context, actor account.Actor, e *livret.Evaluation, files []int64) error {
	now := s.nowUTC()
	err := s.Transact(ctx, func(tx *Tx) error {
		files = lvUnique(files)
		ins, err := s.lvCheckEvaluation(ctx, tx, actor, e, files, now)
		if err != nil {
			return err
		}
		e.Date = lvDay(e.Date)
		var id int64
		err = tx.QueryRowContext(ctx,
			`INSERT INTO evaluations (inscription_id, competences, forme, date_evaluation, evaluateur_id, criteres,
			 score, bareme, seuil, commentaire, remplace_id, created_at, created_by, module_id, motif_forme)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			ins.ID, lvJSON(e.Competences), string(e.Forme), e.Date.Format(time.DateOnly), e.EvaluateurID,
			lvJSON(e.Criteres), lvFloat(e.Score), lvFloat(e.Bareme), lvFloat(e.Seuil), e.Commentaire,
			nullID(e.Remplace), s.t(now), actor.UserID, nullID(e.ModuleID), e.MotifForme).Scan(&id)
		if err != nil {
			err = mapErr(err)
			if e.Remplace != 0 && errors.Is(err, apperr.Conflict) { // a concurrent correction won
				v := apperr.NewValidation()
				v.Add("remplace", msgLvRemplaceDone)
				return v
			}
			return err
		}
		for _, f := range files {
			if _, err := tx.ExecContext(ctx, `INSERT INTO evaluation_preuves (evaluation_id, file_id) VALUES (?, ?)`, id, f); err != nil {
				return err
			}
			if err := attachFile(ctx, tx, f, OwnerEvaluation, id); err != nil {
				return err
			}
		}
		e.ID, e.CreatedAt, e.CreatedBy, e.RemplaceePar = id, now, actor.UserID, 0
		return tx.audit(ctx, actor, "evaluation.add", "evaluation", id, map[string]any{
			"inscription_id": ins.ID, "competences": e.Competences, "forme": e.Forme, "hors_referentiel": e.MotifForme != "",
			"module_id": e.ModuleID, "evaluateur_id": e.EvaluateurID, "remplace": e.Remplace, "preuves": files,
		})
	})
	if err != nil {
		return fmt.Errorf("add evaluation: %w", err)
	}
	return nil
}

// CheckEvaluation runs every check AddEvaluation(ctx, actor, e, nil) runs, writing nothing, so
// that a form is validated before its evidence files are stored. e is normalised as by
// AddEvaluation (e.EvaluateurID set to the actor when 0).
// Errors: as AddEvaluation.
func (s *Store) CheckEvaluation(ctx context.Context, actor account.Actor, e *livret.Evaluation) error {
	if _, err := s.lvCheckEvaluation(ctx, s.q(nil), actor, e, nil, s.nowUTC()); err != nil {
		return fmt.Errorf("check evaluation: %w", err)
	}
	return nil
}

// lvCheckEvaluation loads e's inscription for actor and checks e and its evidence files (see
// AddEvaluation); it returns the inscription, or the first error or the field problems.
func (s *Store) lvCheckEvaluation(ctx context.Context, tx querier, actor account.Actor, e *livret.Evaluation, files []int64, now time.Time) (lvIns, error) {
	ins, err := lvLoad(ctx, tx, actor, e.InscriptionID, lvStaff, true)
	if err != nil {
		return ins, err
	}
	ref, err := s.ReferentielVersion(ctx, ins.VersionID)
	if err != nil {
		return ins, err
	}
	if e.EvaluateurID == 0 {
		e.EvaluateurID = actor.UserID
	}
	v := apperr.NewValidation()
	if err := e.Validate(ref, now); err != nil {
		if !errors.As(err, &v) {
			return ins, err
		}
	}
	for _, code := range e.Competences {
		if b, _, ok := ref.Competence(code); ok && !ins.vise(b.Code) {
			v.Add("competence", fmt.Sprintf(msgLvCompNonVisee, code))
		}
	}
	if err := s.lvCheckEvaluateur(ctx, tx, actor, &ins, e, v); err != nil {
		return ins, err
	}
	if e.Remplace != 0 {
		var insID int64
		err := tx.QueryRowContext(ctx, `SELECT inscription_id FROM evaluations WHERE id = ?`, e.Remplace).Scan(&insID)
		switch {
		case errors.Is(err, sql.ErrNoRows) || (err == nil && insID != ins.ID):
			v.Add("remplace", msgLvRemplaceNone)
		case err != nil:
			return ins, err
		default:
			if done, err := exists(ctx, tx, `SELECT 1 FROM evaluations WHERE remplace_id = ?`, e.Remplace); err != nil {
				return ins, err
			} else if done {
				v.Add("remplace", msgLvRemplaceDone)
			}
		}
	}
	if err := lvCheckEvalModule(ctx, tx, &ins, e, v); err != nil {
		return ins, err
	}
	for _, f := range files {
		if ok, err := fileFree(ctx, tx, f, pendingFile{kind: OwnerEvaluation, uploader: actor.UserID}); err != nil {
			return ins, err
		} else if !ok || actor.UserID == 0 {
			v.Add("preuves", msgLvPreuve)
		}
	}
	if err := v.Err(); err != nil {
		return ins, err
	}
	return ins, nil
}

// lvCheckEvalModule adds the "module" problem unless e names no module or a module of the
// inscription's centre and certification that is active (or, for a correction, the module of
// the entry it corrects, active or not).
func lvCheckEvalModule(ctx context.Context, tx querier, ins *lvIns, e *livret.Evaluation, v *apperr.Validation) error {
	if e.Module = ""; e.ModuleID == 0 {
		return nil
	}
	var active bool
	err := tx.QueryRowContext(ctx, `SELECT active, intitule FROM modules WHERE id = ? AND centre_id = ? AND certification_id = ?`,
		e.ModuleID, ins.CentreID, ins.CertificationID).Scan(&active, &e.Module)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		v.Add("module", msgLvModuleInconnu)
	case err != nil:
		return err
	case !active:
		kept := false
		if e.Remplace != 0 {
			if kept, err = exists(ctx, tx, `SELECT 1 FROM evaluations WHERE id = ? AND module_id = ?`, e.Remplace, e.ModuleID); err != nil {
				return err
			}
		}
		if !kept {
			v.Add("module", msgLvModuleInactif)
		}
	}
	return nil
}

// lvCheckEvaluateur adds the "evaluateur" problem unless id is the actor themself (who passed
// the scope check) or, for a référent or an admin, an active formateur or référent of the
// inscription's centre: a formateur records evaluations only as themself. It sets
// e.Evaluateur to the evaluator's display name, as Evaluations shows it.
func (s *Store) lvCheckEvaluateur(ctx context.Context, tx querier, actor account.Actor, ins *lvIns, e *livret.Evaluation, v *apperr.Validation) error {
	id := e.EvaluateurID
	switch {
	case id == 0:
		v.Add("evaluateur", msgLvEvaluateurVide)
		return nil
	case id != actor.UserID && actor.Role == account.RoleFormateur:
		v.Add("evaluateur", msgLvEvaluateurSoi)
		return nil
	}
	var prenom, nom, email string
	err := tx.QueryRowContext(ctx, `SELECT prenom, nom, email FROM users WHERE id = ?
		AND (id = ? OR (centre_id = ? AND role IN (?, ?) AND active = ?))`,
		id, actor.UserID, ins.CentreID, string(account.RoleFormateur), string(account.RoleReferent), true).Scan(&prenom, &nom, &email)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		v.Add("evaluateur", msgLvEvaluateur)
		return nil
	case err != nil:
		return err
	}
	e.Evaluateur = lvDisplayName(prenom, nom, email)
	return nil
}

// Evaluations returns every livret entry of inscription inscriptionID, superseded ones
// included (RemplaceePar set by livret.Link), with the evaluators' display names, ordered by
// date then id; an empty slice when there is none.
//
// Who: an admin, the staff of the inscription's centre, the candidate themself.
// Errors: apperr.NotFound when the inscription does not exist or the actor may not see it; an
// error wrapping candidat.ErrVAE for a VAE inscription (it has no livret).
func (s *Store) Evaluations(ctx context.Context, actor account.Actor, inscriptionID int64) ([]livret.Evaluation, error) {
	if _, err := lvLoad(ctx, s.q(nil), actor, inscriptionID, lvReader, true); err != nil {
		return nil, fmt.Errorf("evaluations: %w", err)
	}
	rows, err := s.query(ctx, `SELECT `+lvEvalCols+`, u.prenom, u.nom, u.email, COALESCE(m.intitule, '')
		FROM evaluations e JOIN users u ON u.id = e.evaluateur_id LEFT JOIN modules m ON m.id = e.module_id
		WHERE e.inscription_id = ? ORDER BY e.date_evaluation, e.id`, inscriptionID)
	if err != nil {
		return nil, fmt.Errorf("evaluations of inscription %d: %w", inscriptionID, err)
	}
	defer rows.Close()
	out := []livret.Evaluation{}
	var prenom, nom, email, module string
	row := newLvEvalRow(&prenom, &nom, &email, &module)
	for rows.Next() {
		e, err := row.scan(rows)
		if err != nil {
			return nil, fmt.Errorf("evaluations of inscription %d: %w", inscriptionID, err)
		}
		e.Evaluateur, e.Module = lvDisplayName(prenom, nom, email), module
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("evaluations of inscription %d: %w", inscriptionID, err)
	}
	livret.Link(out)
	return out, nil
}

// ---- End-of-bloc projects (R4) ----

const lvProjetSelect = `SELECT id, inscription_id, bloc, titre, description, url, soumis_le, soumis_par,
	decision, decision_par, decision_le, commentaire FROM projets`

func lvScanProjet(sc interface{ Scan(...any) error }) (livret.Projet, error) {
	var p livret.Projet
	var par sql.NullInt64
	err := sc.Scan(&p.ID, &p.InscriptionID, &p.Bloc, &p.Titre, &p.Description, &p.URL, scanTime(&p.SoumisLe),
		&p.SoumisPar, &p.Decision, &par, scanTime(&p.DecisionLe), &p.Commentaire)
	p.DecisionPar = par.Int64
	return p, err
}

// SubmitProjet records the end-of-bloc project p for bloc p.Bloc of inscription
// p.InscriptionID, setting p.ID, p.SoumisLe and p.SoumisPar. A resubmission for the same bloc
// replaces the previous one and resets the decision to en attente (livret.Attente). It is
// audited ("projet.submit").
//
// Who: the candidate themself, the staff of the inscription's centre, or an admin.
// Errors: apperr.NotFound when the inscription does not exist or the actor may not see it; an
// error wrapping candidat.ErrVAE for a VAE inscription; *apperr.Validation from
// p.ValidateSubmission, and on "bloc" when the bloc is not aimed at by the inscription or its
// project is already validated.
func (s *Store) SubmitProjet(ctx context.Context, actor account.Actor, p *livret.Projet) error {
	return s.submitProjet(ctx, actor, p, nil)
}

// submitProjet is SubmitProjet, running then(tx, project id) in its transaction (nil: nothing)
// before the journal entry.
func (s *Store) submitProjet(ctx context.Context, actor account.Actor, p *livret.Projet, then func(tx *Tx, projetID int64) error) error {
	now := s.nowUTC()
	err := s.Transact(ctx, func(tx *Tx) error {
		ins, err := lvLoad(ctx, tx, actor, p.InscriptionID, lvContributor, true)
		if err != nil {
			return err
		}
		v := apperr.NewValidation()
		if err := p.ValidateSubmission(); err != nil && !errors.As(err, &v) {
			return err
		}
		p.Bloc = strings.TrimSpace(p.Bloc)
		switch {
		case p.Bloc == "":
			v.Add("bloc", msgLvBlocVide)
		case !ins.vise(p.Bloc):
			v.Add("bloc", msgLvBlocNonVise)
		}
		if err := v.Err(); err != nil {
			return err
		}
		again, err := exists(ctx, tx, `SELECT 1 FROM projets WHERE inscription_id = ? AND bloc = ?`, ins.ID, p.Bloc)
		if err != nil {
			return err
		}
		// A validated project stands: the bloc's validation in training rests on it (R4).
		validated, err := exists(ctx, tx, `SELECT 1 FROM projets WHERE inscription_id = ? AND bloc = ? AND decision = ?`, ins.ID, p.Bloc, string(livret.Valide))
		if err != nil {
			return err
		}
		if validated {
			v.Add("bloc", "Ce projet est déjà validé par le référent pédagogique : il ne peut plus être remplacé.")
			return v
		}
		var id int64
		err = tx.QueryRowContext(ctx,
			`INSERT INTO projets (inscription_id, bloc, titre, description, url, soumis_le, soumis_par, decision, decision_par, decision_le, commentaire)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, '')
			 ON CONFLICT (inscription_id, bloc) DO UPDATE SET titre = excluded.titre, description = excluded.description,
			   url = excluded.url, soumis_le = excluded.soumis_le, soumis_par = excluded.soumis_par,
			   decision = excluded.decision, decision_par = NULL, decision_le = NULL, commentaire = ''
			 RETURNING id`,
			ins.ID, p.Bloc, p.Titre, p.Description, p.URL, s.t(now), actor.UserID, string(livret.Attente)).Scan(&id)
		if err != nil {
			return mapErr(err)
		}
		if then != nil {
			if err := then(tx, id); err != nil {
				return err
			}
		}
		p.ID, p.SoumisLe, p.SoumisPar = id, now, actor.UserID
		p.Decision, p.DecisionPar, p.DecisionLe, p.Commentaire = livret.Attente, 0, time.Time{}, ""
		return tx.audit(ctx, actor, "projet.submit", "projet", id, map[string]any{
			"inscription_id": ins.ID, "bloc": p.Bloc, "resoumission": again,
		})
	})
	if err != nil {
		return fmt.Errorf("submit projet: %w", err)
	}
	return nil
}

// DecideProjet records the référent's decision d (with commentaire, required for a refusal)
// on the project submitted for bloc of inscription inscriptionID; it is audited
// ("projet.decide"). A later decision replaces an earlier one.
//
// Who: the référent pédagogique of the inscription's centre only (seed 5-1,
// access.CanDecideProjet).
// Errors: apperr.NotFound when the inscription does not exist or the actor may not see it;
// apperr.Forbidden for an admin, a formateur of the centre or the candidate; an error wrapping
// candidat.ErrVAE for a VAE inscription; *apperr.Validation from livret.ValidateDecision, and on
// "bloc" when no project was submitted for this bloc.
func (s *Store) DecideProjet(ctx context.Context, actor account.Actor, inscriptionID int64, bloc string, d livret.Decision, commentaire string) error {
	now := s.nowUTC()
	commentaire = strings.TrimSpace(commentaire)
	err := s.Transact(ctx, func(tx *Tx) error {
		ins, err := lvLoad(ctx, tx, actor, inscriptionID, lvReader, true)
		if err != nil {
			return err
		}
		if err := access.CanDecideProjet(actor, ins.relations()).Err(fmt.Sprintf("inscription %d", ins.ID)); err != nil {
			return err
		}
		v := apperr.NewValidation()
		if err := livret.ValidateDecision(d, commentaire); err != nil && !errors.As(err, &v) {
			return err
		}
		if len([]rune(commentaire)) > 4000 {
			v.Add("commentaire", "Le commentaire ne doit pas dépasser 4 000 caractères.")
		}
		var id int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM projets WHERE inscription_id = ? AND bloc = ?`, ins.ID, bloc).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			v.Add("bloc", msgLvAucunProjet)
		case err != nil:
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE projets SET decision = ?, decision_par = ?, decision_le = ?, commentaire = ? WHERE id = ?`,
			string(d), nullID(actor.UserID), s.t(now), commentaire, id); err != nil {
			return err
		}
		return tx.audit(ctx, actor, "projet.decide", "projet", id, map[string]any{
			"inscription_id": ins.ID, "bloc": bloc, "decision": d,
		})
	})
	if err != nil {
		return fmt.Errorf("decide projet %d/%s: %w", inscriptionID, bloc, err)
	}
	return nil
}

// Projets returns the end-of-bloc projects of inscription inscriptionID, by bloc; an empty
// slice when there is none.
//
// Who: an admin, the staff of the inscription's centre, the candidate themself.
// Errors: apperr.NotFound when the inscription does not exist or the actor may not see it; an
// error wrapping candidat.ErrVAE for a VAE inscription.
func (s *Store) Projets(ctx context.Context, actor account.Actor, inscriptionID int64) ([]livret.Projet, error) {
	if _, err := lvLoad(ctx, s.q(nil), actor, inscriptionID, lvReader, true); err != nil {
		return nil, fmt.Errorf("projets: %w", err)
	}
	rows, err := s.query(ctx, lvProjetSelect+` WHERE inscription_id = ? ORDER BY bloc, id`, inscriptionID)
	if err != nil {
		return nil, fmt.Errorf("projets of inscription %d: %w", inscriptionID, err)
	}
	defer rows.Close()
	out := []livret.Projet{}
	for rows.Next() {
		p, err := lvScanProjet(rows)
		if err != nil {
			return nil, fmt.Errorf("projets of inscription %d: %w", inscriptionID, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("projets of inscription %d: %w", inscriptionID, err)
	}
	return out, nil
}
