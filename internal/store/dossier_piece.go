package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/input"
)

// French messages of the pieces and the summary.
const (
	msgDsKind       = "Type de pièce inconnu."
	msgDsAnnexes    = "La page des annexes doit être une page du document."
	msgDsVersions   = "Cette pièce a déjà %d versions, le plus que garde le dossier : aucune nouvelle version n’est acceptée."
	msgDsResumeLong = "Le résumé tient en 5 000 caractères au plus."
	// MaxResume is the longest summary kept, in characters (the rule asks about 1,200).
	MaxResume      = 5000
	dsPieceEntity  = "dossier_piece"
	dsResumeEntity = "dossier_resume"
)

// AddPiece records a new version of the piece kind of inscription inscriptionID: the file f
// whose bytes are already in blob storage under storageKey (owner kind OwnerPiece, cleaned and
// completed as by SaveFile) and what was measured in it, m; annexesPage is the page where the
// annexes start in a dossier technique (0: none; ignored for the other kinds). The file and
// the version are inserted in one transaction, audited with ids only; no version is ever
// overwritten (version = the kind's last + 1).
// Who: access.CanContributeDossier (the candidate themself, the référent of the centre, the
// admin; not the formateur). Errors: *apperr.Validation on "kind" when kind is not uploadable
// (dossier.Uploadable), on "annexes_page" when it is negative or beyond the document's pages,
// on "fichier" as SaveFile and when the kind has dossier.MaxVersions already;
// apperr.NotFound when the inscription does not exist or the actor may not see it;
// apperr.Forbidden when they see it without contributing (the formateur, the jury); *ClosedError (errors.Is apperr.Conflict, its Message says since when in French)
// when the dossier is locked; apperr.Conflict when a concurrent upload took the same version.
// On any error nothing is recorded: the caller deletes the blob it wrote.
func (s *Store) AddPiece(ctx context.Context, actor account.Actor, inscriptionID int64, kind dossier.Kind, f *File, storageKey string, m dossier.Measure, annexesPage int) (*Piece, error) {
	v := apperr.NewValidation()
	if !dossier.Uploadable(kind) {
		v.Add("kind", msgDsKind)
	}
	if kind != dossier.KindDossierTechnique {
		annexesPage = 0
	}
	if annexesPage < 0 || (m.Pages > 0 && annexesPage > m.Pages) {
		v.Add("annexes_page", msgDsAnnexes)
	}
	if err := v.Err(); err != nil {
		return nil, fmt.Errorf("add piece: %w", err)
	}
	var p *Piece
	err := s.Transact(ctx, func(tx *Tx) error {
		if _, _, err := s.dsWritable(ctx, tx, actor, inscriptionID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossier_pieces WHERE inscription_id = ? AND kind = ?`,
			inscriptionID, string(kind)).Scan(&n); err != nil {
			return err
		}
		if n >= dossier.MaxVersions {
			return ErrMaxVersions()
		}
		var err error
		p, err = s.dsInsertPiece(ctx, tx, actor, inscriptionID, kind, f, storageKey, m, annexesPage, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("add piece: %w", err)
	}
	return p, nil
}

// ErrMaxVersions is the refusal of a version beyond dossier.MaxVersions: a validation on
// "fichier" (the web checks it before reading a body, the store again in its transaction).
func ErrMaxVersions() error {
	return fieldErr("fichier", fmt.Sprintf(msgDsVersions, dossier.MaxVersions))
}

// dsInsertPiece inserts file f and the next version of piece kind, attaches the file to it
// and audits both (by actor; the system for a frozen piece).
func (s *Store) dsInsertPiece(ctx context.Context, tx *Tx, actor account.Actor, insID int64, kind dossier.Kind, f *File, storageKey string, m dossier.Measure, annexesPage int, systeme bool) (*Piece, error) {
	f.OwnerKind, f.OwnerID = OwnerPiece, 0
	if err := s.insertFile(ctx, tx, actor, f, storageKey, ""); err != nil {
		return nil, err
	}
	mesure, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	p := &Piece{InscriptionID: insID, Kind: kind, AnnexesPage: annexesPage, Measure: m, Systeme: systeme,
		DeposeLe: s.nowUTC(), DeposePar: actor.UserID}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM dossier_pieces WHERE inscription_id = ? AND kind = ?`,
		insID, string(kind)).Scan(&p.Version); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO dossier_pieces (inscription_id, kind, version, file_id, annexes_page, mesure,
		systeme, depose_le, depose_par) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		insID, string(kind), p.Version, f.ID, nullID(int64(annexesPage)), string(mesure), systeme, s.t(p.DeposeLe), actor.UserID).
		Scan(&p.ID); err != nil {
		return nil, mapErr(err)
	}
	if err := attachFile(ctx, tx, f.ID, OwnerPiece, p.ID); err != nil {
		return nil, err
	}
	f.OwnerID, f.Attached = p.ID, true
	p.File = *f
	return p, tx.audit(ctx, actor, dsPieceEntity+".add", dsPieceEntity, p.ID, map[string]any{
		"inscription_id": insID, "kind": kind, "version": p.Version, "file_id": f.ID, "systeme": systeme})
}

// SaveResume records texte as the summary (item 2) of inscription inscriptionID: a new row
// (the former versions are kept), cleaned (input.Clean, multi-line, trimmed), at most
// MaxResume characters; "" clears it. Audited with ids only.
// Who and errors: as AddPiece, with *apperr.Validation on "texte" when too long.
func (s *Store) SaveResume(ctx context.Context, actor account.Actor, inscriptionID int64, texte string) error {
	texte = strings.TrimSpace(input.Clean(texte, true))
	if utf8.RuneCountInString(texte) > MaxResume {
		v := apperr.NewValidation()
		v.Add("texte", msgDsResumeLong)
		return fmt.Errorf("save resume: %w", v)
	}
	err := s.Transact(ctx, func(tx *Tx) error {
		if _, _, err := s.dsWritable(ctx, tx, actor, inscriptionID); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO dossier_resumes (inscription_id, texte, enregistre_le, enregistre_par)
			VALUES (?, ?, ?, ?) RETURNING id`, inscriptionID, texte, s.t(s.nowUTC()), actor.UserID).Scan(&id); err != nil {
			return mapErr(err)
		}
		return tx.audit(ctx, actor, dsResumeEntity+".save", dsResumeEntity, id, map[string]any{"inscription_id": inscriptionID})
	})
	if err != nil {
		return fmt.Errorf("save resume: %w", err)
	}
	return nil
}

// dsToFreeze returns the system kinds still to freeze into the closed dossier ins (nil when
// it is not closed or has no in-training evaluation): the livret and the attestation de
// formation, and the fiche de stage once the tutor filled it, each unless already frozen.
func (s *Store) dsToFreeze(ctx context.Context, q querier, ins *dsIns, now time.Time) ([]dossier.Kind, error) {
	ref, err := s.ReferentielVersion(ctx, ins.VersionID)
	if err != nil {
		return nil, err
	}
	if _, closes := ins.closes(ref.Livrables.DossierTechnique.DelaiJoursAvantSession); !dossier.Locked(now, closes) || ins.vae(ref) {
		return nil, nil
	}
	want := []dossier.Kind{dossier.KindLivret, dossier.KindAttestationFormation}
	if fiche, err := exists(ctx, q, `SELECT 1 FROM stages WHERE inscription_id = ? AND fiche IS NOT NULL`, ins.ID); err != nil {
		return nil, err
	} else if fiche {
		want = append(want, dossier.KindFicheStage)
	}
	var out []dossier.Kind
	for _, k := range want {
		done, err := exists(ctx, q, `SELECT 1 FROM dossier_pieces WHERE inscription_id = ? AND kind = ? AND systeme = ?`, ins.ID, string(k), true)
		if err != nil {
			return nil, err
		}
		if !done {
			out = append(out, k)
		}
	}
	return out, nil
}

// dsDated returns the inscriptions with a target session date, by id.
func (s *Store) dsDated(ctx context.Context) ([]int64, error) {
	rows, err := s.query(ctx, `SELECT id FROM inscriptions WHERE date_session IS NOT NULL ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// DossiersToFreeze returns the ids of the closed dossiers of inscriptions with in-training
// evaluation (formation continue…) that miss one of their frozen system pieces (see
// SystemPiecesToFreeze), by id. It is the server's periodic job's, not a user's.
func (s *Store) DossiersToFreeze(ctx context.Context) ([]int64, error) {
	ids, err := s.dsDated(ctx)
	if err != nil {
		return nil, fmt.Errorf("dossiers to freeze: %w", err)
	}
	out := []int64{}
	for _, id := range ids {
		kinds, err := s.SystemPiecesToFreeze(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("dossiers to freeze: %w", err)
		}
		if len(kinds) > 0 {
			out = append(out, id)
		}
	}
	return out, nil
}

// SystemPiecesToFreeze returns the system kinds (dossier.SystemKinds) still to freeze into
// the dossier of inscription inscriptionID: none until it closes or for a VAE; then the
// livret, the attestation de formation and, once the tutor filled it, the fiche de stage,
// each until frozen. Errors: apperr.NotFound when the inscription does not exist.
func (s *Store) SystemPiecesToFreeze(ctx context.Context, inscriptionID int64) ([]dossier.Kind, error) {
	q := s.q(nil)
	ins, err := s.dsLoad(ctx, q, account.System, inscriptionID, lvReader)
	if err != nil {
		return nil, err
	}
	return s.dsToFreeze(ctx, q, ins, s.now())
}

// FreezeSystemPiece attaches the system piece kind (the livret, the attestation de formation
// or the fiche de stage, as produced on the day the dossier closed) to the dossier of
// inscription inscriptionID: file f already in blob storage under storageKey, systeme true,
// deposited by the system actor. Errors: *apperr.Validation on "kind" for a kind that is not a
// system kind; apperr.NotFound when the inscription does not exist; apperr.Conflict when the
// dossier is not closed, the kind does not apply to it or is already frozen (the caller then
// deletes the blob it wrote).
func (s *Store) FreezeSystemPiece(ctx context.Context, inscriptionID int64, kind dossier.Kind, f *File, storageKey string) error {
	if !slices.Contains(dossier.SystemKinds(), kind) {
		v := apperr.NewValidation()
		v.Add("kind", msgDsKind)
		return fmt.Errorf("freeze piece: %w", v)
	}
	err := s.Transact(ctx, func(tx *Tx) error {
		ins, err := s.dsLoad(ctx, tx, account.System, inscriptionID, lvReader)
		if err != nil {
			return err
		}
		kinds, err := s.dsToFreeze(ctx, tx, ins, s.now())
		if err != nil {
			return err
		}
		if !slices.Contains(kinds, kind) {
			return fmt.Errorf("dossier %d %s: %w", inscriptionID, kind, apperr.Conflict)
		}
		_, err = s.dsInsertPiece(ctx, tx, account.System, inscriptionID, kind, f, storageKey,
			dossier.Measure{Measured: true}, 0, true)
		return err
	})
	if err != nil {
		return fmt.Errorf("freeze piece: %w", err)
	}
	return nil
}
