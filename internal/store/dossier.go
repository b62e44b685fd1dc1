package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/referentiel"
)

// The candidate's dossier complet (issue 8, R12–R16): its pieces, each a history of versions
// (append-only), the summary (versioned rows), the projects, the target session date standing
// in for the jury's sessions, the deadline and its reopenings, and the conformity report
// computed from the measures stored with each piece (package dossier holds the rules).

// Piece is one version of a piece of the dossier.
type Piece struct {
	ID, InscriptionID int64
	Kind              dossier.Kind
	Version           int
	File              File
	AnnexesPage       int // page where the annexes start (dossier technique), 0 for none
	Measure           dossier.Measure
	Systeme           bool // frozen by the system when the dossier closed (livret, attestation, fiche)
	DeposeLe          time.Time
	DeposePar         int64 // user id, 0 for the system
	DeposeParNom      string
}

// Reouverture is an admin's reopening of a closed dossier until the end of JusquAu (a date,
// Europe/Paris), for the reason Motif.
type Reouverture struct {
	ID      int64
	Motif   string
	JusquAu time.Time // a date (00:00 UTC)
	Par     int64
	ParNom  string
	Le      time.Time
}

// Dossier is what GET /api/v1/inscriptions/{id}/dossier shows.
type Dossier struct {
	InscriptionID int64
	CandidatNom   string
	VAE           bool       // no in-training evaluation: no livret, attestation or fiche de stage
	Stage         bool       // an internship is planned
	DateSession   *time.Time // the target session date (a date), nil until the référent sets it
	Echeance      *time.Time // the last day to submit (a date), nil without a session date
	ClosesAt      *time.Time // when the dossier closes (UTC), reopenings included; nil without a date
	Verrouille    bool
	Current       map[dossier.Kind]Piece // the latest version of each kind
	History       []Piece                // every version, newest first; the older ones without Measure
	Resume        string
	ResumeLe      time.Time
	Projets       []dossier.Projet
	Covered       map[string][]int64 // compétence code → ids of the projects covering it (R11)
	Missing       []string           // compétences left to the entretien technique (R8)
	Reouvertures  []Reouverture
	Conformite    []dossier.Check
	// InscriptionVersion is the inscription's version, for SetDateSession.
	InscriptionVersion int64
}

// Taille is the bytes of every version of every piece of the dossier (its quota counts them).
func (d *Dossier) Taille() int64 {
	var n int64
	for _, p := range d.History {
		n += p.File.Taille
	}
	return n
}

// Versions is the number of versions of piece kind.
func (d *Dossier) Versions(kind dossier.Kind) int {
	n := 0
	for _, p := range d.History {
		if p.Kind == kind {
			n++
		}
	}
	return n
}

// ClosedError is the error of a write on a locked dossier. errors.Is(err, apperr.Conflict) is
// true (HTTP 409); Message is the French sentence to show.
type ClosedError struct {
	InscriptionID int64
	Since         time.Time // when the dossier closed (UTC)
}

// Error says which dossier is closed, without personal data.
func (e *ClosedError) Error() string {
	return fmt.Sprintf("dossier %d: closed since %s", e.InscriptionID, e.Since.Format(time.RFC3339))
}

// Is makes errors.Is(err, apperr.Conflict) true.
func (e *ClosedError) Is(target error) bool { return target == apperr.Conflict }

// Message is « Le dossier est clos depuis le 15 mars 2027 à 0 h (heure de Paris) : … »
// (french.ClosedSince, the phrasing of the dossier page).
func (e *ClosedError) Message() string {
	return "Le dossier est clos " + french.ClosedSince(e.Since) + " : seul un administrateur peut le rouvrir."
}

// dsIns is what the dossier needs of an inscription: its scope (lvIns), its target session
// date, its version and its reopenings' last date.
type dsIns struct {
	lvIns
	DateSession  *time.Time
	Version      int64
	Reouvertures []Reouverture
}

// vae reports whether the inscription has no in-training evaluation (R2) under its
// référentiel ref.
func (i *dsIns) vae(ref *referentiel.Referentiel) bool {
	return !(&candidat.Inscription{Voie: i.Voie}).InTraining(ref)
}

// closes returns the last day and the close of the dossier (zero times without a date).
func (i *dsIns) closes(delai int) (echeance, closes time.Time) {
	if i.DateSession != nil {
		echeance = dossier.Echeance(*i.DateSession, delai)
	}
	until := make([]time.Time, len(i.Reouvertures))
	for k, r := range i.Reouvertures {
		until[k] = r.JusquAu
	}
	var session time.Time
	if i.DateSession != nil {
		session = *i.DateSession
	}
	return echeance, dossier.Close(echeance, session, until...)
}

// dsLoad reads inscription id with its dossier's dates and checks the actor's access (need;
// see lvCheck: NotFound for whoever may not see it, Forbidden below need).
func (s *Store) dsLoad(ctx context.Context, q querier, actor account.Actor, id int64, need lvAccess) (*dsIns, error) {
	ins, err := lvLoad(ctx, q, actor, id, need, false)
	if err != nil {
		return nil, err
	}
	d := &dsIns{lvIns: ins}
	var date sql.NullString
	if err := q.QueryRowContext(ctx, `SELECT date_session, version FROM inscriptions WHERE id = ?`, id).Scan(&date, &d.Version); err != nil {
		return nil, fmt.Errorf("inscription %d: %w", id, err)
	}
	if date.Valid && date.String != "" {
		t, err := lvParseDate(date.String)
		if err != nil {
			return nil, fmt.Errorf("inscription %d: date_session: %w", id, err)
		}
		d.DateSession = &t
	}
	if d.Reouvertures, err = dsReouvertures(ctx, q, id); err != nil {
		return nil, err
	}
	return d, nil
}

// dsWritable loads inscription id for a write by actor (access.CanContributeDossier: the
// candidate, the centre's référent, the admin; not the formateur) and refuses it with a
// *ClosedError when the dossier is locked.
func (s *Store) dsWritable(ctx context.Context, tx *Tx, actor account.Actor, id int64) (*dsIns, *referentiel.Referentiel, error) {
	ins, err := s.dsLoad(ctx, tx, actor, id, lvContributor)
	if err != nil {
		return nil, nil, err
	}
	if err := access.CanContributeDossier(actor, ins.relations()).Err(fmt.Sprintf("dossier %d", id)); err != nil {
		return nil, nil, err
	}
	ref, err := s.ReferentielVersion(ctx, ins.VersionID)
	if err != nil {
		return nil, nil, err
	}
	if _, closes := ins.closes(ref.Livrables.DossierTechnique.DelaiJoursAvantSession); dossier.Locked(s.now(), closes) {
		return nil, nil, &ClosedError{InscriptionID: id, Since: closes}
	}
	return ins, ref, nil
}

func dsReouvertures(ctx context.Context, q querier, id int64) ([]Reouverture, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.motif, r.jusqu_au, r.par, r.le, u.prenom, u.nom, u.email
		FROM dossier_reouvertures r LEFT JOIN users u ON u.id = r.par WHERE r.inscription_id = ? ORDER BY r.id`, id)
	if err != nil {
		return nil, fmt.Errorf("dossier %d reopenings: %w", id, err)
	}
	defer rows.Close()
	out := []Reouverture{}
	for rows.Next() {
		var r Reouverture
		var until string
		var prenom, nom, email sql.NullString
		if err := rows.Scan(&r.ID, &r.Motif, &until, &r.Par, scanTime(&r.Le), &prenom, &nom, &email); err != nil {
			return nil, fmt.Errorf("dossier %d reopenings: %w", id, err)
		}
		if r.JusquAu, err = lvParseDate(until); err != nil {
			return nil, fmt.Errorf("dossier %d reopenings: %w", id, err)
		}
		if email.Valid {
			r.ParNom = lvDisplayName(prenom.String, nom.String, email.String)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Dossier returns the dossier of inscription inscriptionID: its pieces (current and history),
// summary, projects and coverage, deadline and lock, reopenings and conformity report.
// Who: whoever may read the inscription (the candidate themself, the centre's staff, the
// admin; the jury with issue 9). Errors: apperr.NotFound when it does not exist or the actor
// may not see it.
func (s *Store) Dossier(ctx context.Context, actor account.Actor, inscriptionID int64) (*Dossier, error) {
	q := s.q(nil)
	ins, err := s.dsLoad(ctx, q, actor, inscriptionID, lvReader)
	if err != nil {
		return nil, fmt.Errorf("dossier: %w", err)
	}
	d, err := s.dsRead(ctx, q, ins)
	if err != nil {
		return nil, fmt.Errorf("dossier %d: %w", inscriptionID, err)
	}
	return d, nil
}

// dsRead reads the dossier of ins (access already checked).
func (s *Store) dsRead(ctx context.Context, q querier, ins *dsIns) (*Dossier, error) {
	ref, err := s.ReferentielVersion(ctx, ins.VersionID)
	if err != nil {
		return nil, err
	}
	d := &Dossier{InscriptionID: ins.ID, VAE: ins.vae(ref), DateSession: ins.DateSession,
		Reouvertures: ins.Reouvertures, InscriptionVersion: ins.Version, Current: map[dossier.Kind]Piece{}}
	if ins.DateSession != nil || len(ins.Reouvertures) > 0 {
		echeance, closes := ins.closes(ref.Livrables.DossierTechnique.DelaiJoursAvantSession)
		if !echeance.IsZero() {
			d.Echeance = &echeance
		}
		d.ClosesAt = &closes
		d.Verrouille = dossier.Locked(s.now(), closes)
	}
	var c candidat.Candidat
	var prenoms string
	if err := q.QueryRowContext(ctx, `SELECT nom_naissance, nom_usage, prenoms FROM candidats WHERE id = ?`, ins.CandidatID).
		Scan(&c.NomNaissance, &c.NomUsage, &prenoms); err != nil {
		return nil, err
	}
	if c.Prenoms, err = lvStrings(prenoms); err != nil {
		return nil, err
	}
	d.CandidatNom = c.NomAffiche()
	if d.Stage, err = exists(ctx, q, `SELECT 1 FROM stages WHERE inscription_id = ?`, ins.ID); err != nil {
		return nil, err
	}
	if d.History, err = dsPieces(ctx, q, ins.ID); err != nil {
		return nil, err
	}
	for _, p := range d.History { // newest first: the first of each kind is current
		if _, ok := d.Current[p.Kind]; !ok {
			d.Current[p.Kind] = p
		}
	}
	if err := q.QueryRowContext(ctx, `SELECT texte, enregistre_le FROM dossier_resumes WHERE inscription_id = ? ORDER BY id DESC LIMIT 1`,
		ins.ID).Scan(&d.Resume, scanTime(&d.ResumeLe)); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if d.Projets, err = dsProjets(ctx, q, `p.inscription_id = ?`, ins.ID); err != nil {
		return nil, err
	}
	d.Covered, d.Missing = dossier.Coverage(ref.Livrables.Projet.CouvertureObligatoire, d.Projets)
	facts, err := s.dsFacts(ctx, q, ins, d)
	if err != nil {
		return nil, err
	}
	d.Conformite = dossier.Report(ref.Livrables, facts)
	return d, nil
}

// dsFacts gathers what the conformity report needs from d.
func (s *Store) dsFacts(ctx context.Context, q querier, ins *dsIns, d *Dossier) (dossier.Facts, error) {
	f := dossier.Facts{VAE: d.VAE, Stage: d.Stage, Resume: d.Resume, Projets: d.Projets,
		Pieces: map[dossier.Kind]*dossier.Measure{}, System: map[dossier.Kind]bool{}}
	for k, p := range d.Current {
		m := p.Measure
		f.Pieces[k] = &m
	}
	f.AnnexesPage = d.Current[dossier.KindDossierTechnique].AnnexesPage
	if !d.VAE { // the system produces the livret and the attestation; the tutor fills the fiche
		f.System[dossier.KindLivret] = true
		f.System[dossier.KindAttestationFormation] = true
		fiche, err := exists(ctx, q, `SELECT 1 FROM stages WHERE inscription_id = ? AND fiche IS NOT NULL`, ins.ID)
		if err != nil {
			return f, err
		}
		f.System[dossier.KindFicheStage] = fiche
	}
	return f, nil
}

// dsPieceCols are the columns of a piece; the measure is read for the current version of each
// kind only (an older version's is '{}': it may be large, and nothing shows it).
const dsPieceCols = `p.id, p.inscription_id, p.kind, p.version, p.annexes_page,
	CASE WHEN NOT EXISTS (SELECT 1 FROM dossier_pieces n WHERE n.inscription_id = p.inscription_id AND n.kind = p.kind
		AND n.version > p.version) THEN p.mesure ELSE '{}' END,
	p.systeme, p.depose_le, p.depose_par, u.prenom, u.nom, u.email, ` + fileCols

// dsPieces returns every version of every piece of inscription id, newest first; only the
// current version of each kind carries its Measure.
func dsPieces(ctx context.Context, q querier, id int64) ([]Piece, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+dsPieceCols+` FROM dossier_pieces p JOIN files f ON f.id = p.file_id
		LEFT JOIN users u ON u.id = p.depose_par WHERE p.inscription_id = ? ORDER BY p.depose_le DESC, p.id DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Piece{}
	for rows.Next() {
		p, err := dsScanPiece(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func dsScanPiece(sc interface{ Scan(...any) error }) (Piece, error) {
	var p Piece
	var annexes sql.NullInt64
	var mesure string
	var prenom, nom, email sql.NullString
	var f File
	var key string
	var owner sql.NullInt64
	err := sc.Scan(&p.ID, &p.InscriptionID, &p.Kind, &p.Version, &annexes, &mesure, &p.Systeme, scanTime(&p.DeposeLe), &p.DeposePar,
		&prenom, &nom, &email,
		&f.ID, &f.Nom, &f.MIME, &f.Taille, &f.SHA256, &f.UploadedBy, scanTime(&f.CreatedAt), &f.OwnerKind, &owner, &f.Attached, &key)
	if err != nil {
		return p, err
	}
	f.OwnerID = owner.Int64
	p.File, p.AnnexesPage = f, int(annexes.Int64)
	if email.Valid {
		p.DeposeParNom = lvDisplayName(prenom.String, nom.String, email.String)
	}
	if err := json.Unmarshal([]byte(mesure), &p.Measure); err != nil {
		return p, fmt.Errorf("piece %d: mesure: %w", p.ID, err)
	}
	return p, nil
}

// dsJoin encodes compétence codes as stored ("C1.1,C2.3"); dsSplit decodes them.
func dsJoin(codes []string) string { return strings.Join(codes, ",") }

func dsSplit(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}
