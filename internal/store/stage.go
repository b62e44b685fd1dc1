package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/mail"
	"github.com/certif/certif/internal/referentiel"
)

// StageLinkTTL is how long a tutor's one-time link stays valid (candidat.StageLinkTTL).
const StageLinkTTL = candidat.StageLinkTTL

// Stage is a candidate's internship in a company (R13, not VAE), with the tutor's fiche
// d'appréciation once filled through a one-time link.
type Stage struct {
	ID, InscriptionID int64
	Entreprise        string
	EntrepriseSIRET   string // optional
	TuteurNom         string
	TuteurEmail       string
	Debut, Fin        time.Time // dates
	Fiche             *FicheStage
	FicheRemplieLe    time.Time // zero until the fiche is filled
	CachetFileID      int64     // the company stamp, 0 when none
	LienExpire        time.Time // zero when no live link
	Version           int64     // the stored version read; an update gives it back
}

// FicheStage is the fiche d'appréciation de stage filled by the tutor (candidat.FicheStage).
type FicheStage = candidat.FicheStage

// Appreciation is the tutor's appreciation of one compétence (candidat.Appreciation).
type Appreciation = candidat.Appreciation

// AppreciationNiveaux lists the levels of an Appreciation, best first.
var AppreciationNiveaux = candidat.AppreciationNiveaux

// StageForm is what the tutor's one-time link shows.
type StageForm struct {
	Stage         Stage
	Candidat      string                   // display name
	Certification string                   // intitulé
	Competences   []referentiel.Competence // of the blocs aimed at
}

const lvStageSelect = `SELECT id, inscription_id, entreprise, entreprise_siret, tuteur_nom, tuteur_email, debut, fin,
	lien_hash, lien_expire, fiche, fiche_remplie_le, cachet_file_id, version FROM stages`

// lvScanStage reads a stage; the link is live when it has a hash and expires after now.
func lvScanStage(sc interface{ Scan(...any) error }, now time.Time) (Stage, error) {
	var st Stage
	var debut, fin string
	var hash, fiche sql.NullString
	var cachet sql.NullInt64
	err := sc.Scan(&st.ID, &st.InscriptionID, &st.Entreprise, &st.EntrepriseSIRET, &st.TuteurNom, &st.TuteurEmail,
		&debut, &fin, &hash, scanTime(&st.LienExpire), &fiche, scanTime(&st.FicheRemplieLe), &cachet, &st.Version)
	if err != nil {
		return st, err
	}
	st.CachetFileID = cachet.Int64
	if !hash.Valid || !candidat.StageLinkLive(st.LienExpire, now) {
		st.LienExpire = time.Time{}
	}
	if st.Debut, err = lvParseDate(debut); err != nil {
		return st, err
	}
	if st.Fin, err = lvParseDate(fin); err != nil {
		return st, err
	}
	if fiche.Valid {
		st.Fiche = new(FicheStage)
		if err := json.Unmarshal([]byte(fiche.String), st.Fiche); err != nil {
			return st, fmt.Errorf("stage %d: fiche: %w", st.ID, err)
		}
	}
	return st, nil
}

// validate normalises and checks the editable fields of st with the domain's rule
// (candidat.StageTerms.Check).
func (st *Stage) validate() error {
	t := candidat.StageTerms{Entreprise: st.Entreprise, EntrepriseSIRET: st.EntrepriseSIRET, TuteurNom: st.TuteurNom,
		TuteurEmail: st.TuteurEmail, Debut: st.Debut, Fin: st.Fin}
	err := t.Check()
	st.Entreprise, st.EntrepriseSIRET, st.TuteurNom, st.TuteurEmail, st.Debut, st.Fin =
		t.Entreprise, t.EntrepriseSIRET, t.TuteurNom, t.TuteurEmail, t.Debut, t.Fin
	return err
}

// CreateStage records internship st of inscription st.InscriptionID, setting st.ID (the fiche,
// stamp and link start empty); it is audited.
//
// Who: a formateur or the référent of the inscription's centre, or an admin.
// Errors: apperr.NotFound when the inscription does not exist or the actor may not see it;
// apperr.Forbidden for the candidate; an error wrapping candidat.ErrVAE for a VAE inscription;
// *apperr.Validation on "entreprise", "entreprise_siret" (optional, checked when given),
// "tuteur_nom", "tuteur_email", "debut" and "fin".
func (s *Store) CreateStage(ctx context.Context, actor account.Actor, st *Stage) error {
	err := s.Transact(ctx, func(tx *Tx) error {
		ins, err := lvLoad(ctx, tx, actor, st.InscriptionID, lvStaff, true)
		if err != nil {
			return err
		}
		if err := st.validate(); err != nil {
			return err
		}
		now := s.nowUTC()
		var id int64
		err = tx.QueryRowContext(ctx,
			`INSERT INTO stages (inscription_id, entreprise, entreprise_siret, tuteur_nom, tuteur_email, debut, fin, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			ins.ID, st.Entreprise, st.EntrepriseSIRET, st.TuteurNom, st.TuteurEmail,
			st.Debut.Format(time.DateOnly), st.Fin.Format(time.DateOnly), s.t(now), s.t(now)).Scan(&id)
		if err != nil {
			return mapErr(err)
		}
		st.ID, st.Fiche, st.FicheRemplieLe, st.CachetFileID, st.LienExpire, st.Version = id, nil, time.Time{}, 0, time.Time{}, 1
		return tx.audit(ctx, actor, "stage.create", "stage", id, map[string]any{"inscription_id": ins.ID})
	})
	if err != nil {
		return fmt.Errorf("create stage: %w", err)
	}
	return nil
}

// lvStageFor reads stage id of inscription inscriptionID (the parent named by the route: a
// stage of another inscription is NotFound) and checks the actor's access (need) to it.
func (s *Store) lvStageFor(ctx context.Context, q querier, actor account.Actor, inscriptionID, id int64, need lvAccess) (Stage, lvIns, error) {
	st, err := lvScanStage(q.QueryRowContext(ctx, lvStageSelect+` WHERE id = ? AND inscription_id = ?`, id, inscriptionID), s.nowUTC())
	if errors.Is(err, sql.ErrNoRows) {
		return Stage{}, lvIns{}, fmt.Errorf("stage %d: %w", id, apperr.NotFound)
	}
	if err != nil {
		return Stage{}, lvIns{}, err
	}
	ins, err := lvLoad(ctx, q, actor, st.InscriptionID, need, true)
	if errors.Is(err, apperr.NotFound) {
		err = fmt.Errorf("stage %d: %w", id, apperr.NotFound)
	}
	return st, ins, err
}

// UpdateStage saves st's company, tutor and dates, st.ID being a stage of inscription
// st.InscriptionID and st.Version the version read; the fiche, stamp and link are kept (st's
// copies are reset to the stored values), except that changing the tutor's e-mail revokes a
// live link (it went to the former address). It is audited when something changed, and
// st.Version is then the new version.
//
// Who and errors: as CreateStage, with apperr.NotFound when the stage does not exist, is not
// one of st.InscriptionID or the actor may not see it, and a *StaleError (apperr.Conflict)
// when st.Version is no longer the stored version.
func (s *Store) UpdateStage(ctx context.Context, actor account.Actor, st *Stage) error {
	err := s.Transact(ctx, func(tx *Tx) error {
		old, _, err := s.lvStageFor(ctx, tx, actor, st.InscriptionID, st.ID, lvStaff)
		if err != nil {
			return err
		}
		if err := st.validate(); err != nil {
			return err
		}
		st.InscriptionID, st.Fiche, st.FicheRemplieLe, st.CachetFileID, st.LienExpire =
			old.InscriptionID, old.Fiche, old.FicheRemplieLe, old.CachetFileID, old.LienExpire
		var fields changed
		fields.add("entreprise", st.Entreprise != old.Entreprise)
		fields.add("entreprise_siret", st.EntrepriseSIRET != old.EntrepriseSIRET)
		fields.add("tuteur_nom", st.TuteurNom != old.TuteurNom)
		fields.add("tuteur_email", st.TuteurEmail != old.TuteurEmail)
		fields.add("debut", !st.Debut.Equal(old.Debut))
		fields.add("fin", !st.Fin.Equal(old.Fin))
		if len(fields) == 0 {
			return tx.checkVersion(ctx, "stages", st.ID, st.Version)
		}
		set := `entreprise = ?, entreprise_siret = ?, tuteur_nom = ?, tuteur_email = ?, debut = ?, fin = ?, updated_at = ?`
		if st.TuteurEmail != old.TuteurEmail {
			set += `, lien_hash = NULL, lien_expire = NULL`
			st.LienExpire = time.Time{}
		}
		if err := tx.updateVersioned(ctx, "stages", st.ID, st.Version, set,
			st.Entreprise, st.EntrepriseSIRET, st.TuteurNom, st.TuteurEmail, st.Debut.Format(time.DateOnly),
			st.Fin.Format(time.DateOnly), s.t(s.nowUTC())); err != nil {
			return err
		}
		st.Version++
		return tx.audit(ctx, actor, "stage.update", "stage", st.ID, map[string]any{
			"inscription_id": st.InscriptionID, "fields": fields,
		})
	})
	if err != nil {
		return fmt.Errorf("update stage %d: %w", st.ID, err)
	}
	return nil
}

// Stages returns the internships of inscription inscriptionID by start date (then id), with
// their fiche when filled; an empty slice when there is none.
//
// Who: an admin, the staff of the inscription's centre, the candidate themself.
// Errors: apperr.NotFound when the inscription does not exist or the actor may not see it; an
// error wrapping candidat.ErrVAE for a VAE inscription.
func (s *Store) Stages(ctx context.Context, actor account.Actor, inscriptionID int64) ([]Stage, error) {
	if _, err := lvLoad(ctx, s.q(nil), actor, inscriptionID, lvReader, true); err != nil {
		return nil, fmt.Errorf("stages: %w", err)
	}
	rows, err := s.query(ctx, lvStageSelect+` WHERE inscription_id = ? ORDER BY debut, id`, inscriptionID)
	if err != nil {
		return nil, fmt.Errorf("stages of inscription %d: %w", inscriptionID, err)
	}
	defer rows.Close()
	now := s.nowUTC()
	out := []Stage{}
	for rows.Next() {
		st, err := lvScanStage(rows, now)
		if err != nil {
			return nil, fmt.Errorf("stages of inscription %d: %w", inscriptionID, err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stages of inscription %d: %w", inscriptionID, err)
	}
	return out, nil
}

// StageLink issues a one-time link token for the tutor of stage stageID of inscription
// inscriptionID and returns it in
// plain text (32 random bytes in base64url; only its SHA-256 is stored). It expires after
// StageLinkTTL and replaces any previous link. A new link on a stage whose fiche is filled
// lets the tutor fill it again (the new fiche replaces the old one). It is audited.
//
// Who: a formateur or the référent of the inscription's centre, or an admin.
// Errors: apperr.NotFound when the stage does not exist, is not one of inscriptionID, or the
// actor may not see it; apperr.Forbidden for the candidate.
func (s *Store) StageLink(ctx context.Context, actor account.Actor, inscriptionID, stageID int64) (string, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("stage link: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	err := s.Transact(ctx, func(tx *Tx) error {
		st, _, err := s.lvStageFor(ctx, tx, actor, inscriptionID, stageID, lvStaff)
		if err != nil {
			return err
		}
		expire := s.nowUTC().Add(StageLinkTTL)
		if _, err := tx.ExecContext(ctx, `UPDATE stages SET lien_hash = ?, lien_expire = ?, updated_at = ? WHERE id = ?`,
			hashToken(token), s.t(expire), s.t(s.nowUTC()), stageID); err != nil {
			return err
		}
		if err := s.mailTutor(ctx, tx, st, token, expire); err != nil {
			return err
		}
		return tx.audit(ctx, actor, "stage.link", "stage", stageID, map[string]any{
			"inscription_id": st.InscriptionID, "expire": expire.Format(time.RFC3339),
		})
	})
	if err != nil {
		return "", fmt.Errorf("stage %d link: %w", stageID, err)
	}
	return token, nil
}

// mailTutor queues, in tx, the message carrying the tutor's link token of stage st.
func (s *Store) mailTutor(ctx context.Context, tx *Tx, st Stage, token string, expire time.Time) error {
	if st.TuteurEmail == "" {
		return nil // nowhere to send it: the link is shown to the sender only
	}
	ins, err := lvInscription(ctx, tx, st.InscriptionID)
	if err != nil {
		return err
	}
	var c candidat.Candidat
	var prenoms string
	if err := tx.QueryRowContext(ctx, `SELECT nom_naissance, nom_usage, prenoms FROM candidats WHERE id = ?`, ins.CandidatID).
		Scan(&c.NomNaissance, &c.NomUsage, &prenoms); err != nil {
		return err
	}
	if c.Prenoms, err = lvStrings(prenoms); err != nil {
		return err
	}
	return tx.enqueue(ctx, mail.KindTutor, st.TuteurEmail, mail.Tutor{Tuteur: st.TuteurNom, Candidat: c.NomAffiche(),
		Entreprise: st.Entreprise, Link: s.link("/stage/", token), Expires: expire})
}

// lvStageByToken reads the stage whose live link is token; apperr.NotFound when the token is
// unknown, used or expired.
func (s *Store) lvStageByToken(ctx context.Context, q querier, token string) (Stage, error) {
	now := s.nowUTC()
	st, err := lvScanStage(q.QueryRowContext(ctx, lvStageSelect+` WHERE lien_hash = ? AND lien_expire > ?`,
		hashToken(token), s.t(now)), now)
	if errors.Is(err, sql.ErrNoRows) || token == "" {
		return Stage{}, fmt.Errorf("stage link: %w", apperr.NotFound)
	}
	if err != nil {
		return Stage{}, fmt.Errorf("stage link: %w", err)
	}
	return st, nil
}

// StageByToken returns what the tutor's one-time link shows: the stage, the candidate's display
// name, the certification and the compétences of the blocs aimed at. It needs no account.
// Errors: apperr.NotFound when the token is unknown, used or expired.
func (s *Store) StageByToken(ctx context.Context, token string) (*StageForm, error) {
	st, err := s.lvStageByToken(ctx, s.q(nil), token)
	if err != nil {
		return nil, err
	}
	ins, err := lvInscription(ctx, s.q(nil), st.InscriptionID)
	if err != nil {
		return nil, fmt.Errorf("stage link: %w", err)
	}
	ref, err := s.ReferentielVersion(ctx, ins.VersionID)
	if err != nil {
		return nil, fmt.Errorf("stage link: %w", err)
	}
	var c candidat.Candidat
	var prenoms string
	if err := s.queryRow(ctx, `SELECT nom_naissance, nom_usage, prenoms FROM candidats WHERE id = ?`, ins.CandidatID).
		Scan(&c.NomNaissance, &c.NomUsage, &prenoms); err != nil {
		return nil, fmt.Errorf("stage link: %w", err)
	}
	if c.Prenoms, err = lvStrings(prenoms); err != nil {
		return nil, fmt.Errorf("stage link: prénoms: %w", err)
	}
	return &StageForm{
		Stage:         st,
		Candidat:      c.NomAffiche(),
		Certification: ref.Certification.Intitule,
		Competences:   lvRefCompetences(ref, ins.BlocsVises),
	}, nil
}

// MsgCachetManquant is the refusal of a fiche d'appréciation without the company's stamp or
// a signed scan of the fiche (seed 5-3-3 a).
const MsgCachetManquant = "Joignez le cachet de l'entreprise ou la fiche signée et scannée : la fiche d'appréciation ne peut pas être envoyée sans."

// SubmitFiche stores fiche f of the stage whose live link is token, with the company stamp
// or signed scan of the fiche cachetFileID (required, seed 5-3-3 a: a file saved through this
// same link by SaveStageFile, owned by its stage and attached to nothing yet), attaches it and consumes the token
// in the same transaction: a second submission with it returns apperr.NotFound. It is audited
// with actor 0 ("stage.fiche").
//
// Errors: apperr.NotFound when the token is unknown, used or expired; *apperr.Validation on
// "appreciations" when there is neither an appreciation nor a general comment, on
// "appreciations.<code>" for a compétence outside the form or an unknown niveau, on
// "signataire", "fonction", "commentaire_general" and "cachet" (none, a file of another link,
// of another owner or already attached).
func (s *Store) SubmitFiche(ctx context.Context, token string, f FicheStage, cachetFileID int64) error {
	now := s.nowUTC()
	err := s.Transact(ctx, func(tx *Tx) error {
		st, v, err := s.lvCheckFiche(ctx, tx, token, &f)
		if err != nil {
			return err
		}
		switch {
		case cachetFileID == 0: // seed 5-3-3 a: the fiche carries the company's stamp
			v.Add("cachet", MsgCachetManquant)
		default:
			ok, err := fileFree(ctx, tx, cachetFileID, pendingFile{kind: OwnerStage, ownerID: st.ID, linkHash: hashToken(token)})
			if err != nil {
				return err
			}
			if !ok {
				v.Add("cachet", "Le cachet de l'entreprise est introuvable : déposez-le à nouveau.")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if cachetFileID != 0 {
			if err := attachFile(ctx, tx, cachetFileID, OwnerStage, st.ID); err != nil {
				return err
			}
		}
		if st.CachetFileID != 0 && st.CachetFileID != cachetFileID {
			// The stamp of the fiche this one replaces belongs to nothing any more: detached,
			// it is unreadable and the sweeper collects it.
			if _, err := tx.ExecContext(ctx, `UPDATE files SET attached = ? WHERE id = ? AND owner_kind = ? AND owner_id = ?`,
				false, st.CachetFileID, OwnerStage, st.ID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx,
			`UPDATE stages SET fiche = ?, fiche_remplie_le = ?, cachet_file_id = ?, lien_hash = NULL, lien_expire = NULL, updated_at = ?
			 WHERE id = ? AND lien_hash = ?`,
			lvJSON(f), s.t(now), nullID(cachetFileID), s.t(now), st.ID, hashToken(token))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 { // consumed concurrently
			return apperr.NotFound
		}
		return tx.audit(ctx, account.Actor{}, "stage.fiche", "stage", st.ID, map[string]any{
			"inscription_id": st.InscriptionID, "appreciations": len(f.Appreciations), "cachet_file_id": cachetFileID,
		})
	})
	if err != nil {
		return fmt.Errorf("submit fiche: %w", err)
	}
	return nil
}

// CheckFiche runs every check of SubmitFiche but the stamp's, writing nothing, so that the
// tutor's form is validated before the company stamp is stored; f is normalised as there.
// Errors: as SubmitFiche.
func (s *Store) CheckFiche(ctx context.Context, token string, f *FicheStage) error {
	_, v, err := s.lvCheckFiche(ctx, s.q(nil), token, f)
	if err == nil {
		err = v.Err()
	}
	if err != nil {
		return fmt.Errorf("check fiche: %w", err)
	}
	return nil
}

// lvCheckFiche reads the stage of the live link token and validates f against the compétences
// of its form; the field problems come back in v, other errors in err.
func (s *Store) lvCheckFiche(ctx context.Context, q querier, token string, f *FicheStage) (Stage, *apperr.Validation, error) {
	st, err := s.lvStageByToken(ctx, q, token)
	if err != nil {
		return st, nil, err
	}
	ins, err := lvInscription(ctx, q, st.InscriptionID)
	if err != nil {
		return st, nil, err
	}
	ref, err := s.ReferentielVersion(ctx, ins.VersionID)
	if err != nil {
		return st, nil, err
	}
	var codes []string
	for _, c := range lvRefCompetences(ref, ins.BlocsVises) {
		codes = append(codes, c.Code)
	}
	return st, candidat.CheckFiche(f, codes), nil
}
