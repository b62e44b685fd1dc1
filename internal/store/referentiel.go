package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/referentiel"
)

// CertificationInfo describes a certification and one version of its référentiel (the active
// one, unless said otherwise).
type CertificationInfo struct {
	ID         int64
	Code       string
	Intitule   string
	Niveau     string
	RNCP       string
	VersionID  int64
	Version    int // 1, 2, … per certification
	ImportedAt time.Time
}

// activeTTL bounds how long this process trusts its idea of a certification's active version:
// another process sharing the database may import a new one.
const activeTTL = 2 * time.Second

// refCache keeps parsed référentiels by version id (versions are immutable) and, briefly, the
// active version of each certification.
type refCache struct {
	mu     sync.Mutex
	docs   map[int64]*referentiel.Referentiel
	active map[int64]activeEntry
	// list is the last Certifications result, trusted for activeTTL like active entries.
	list        []CertificationInfo
	listFetched time.Time
}

type activeEntry struct {
	info    CertificationInfo
	fetched time.Time // wall clock with monotonic reading, not the domain clock
}

func (c *refCache) init() {
	c.docs = map[int64]*referentiel.Referentiel{}
	c.active = map[int64]activeEntry{}
}

// ImportReferentiel stores ref as the active version of its certification (found by
// ref.Certification.Code, created when new) and returns that version.
//
// When ref's content equals the active version's, nothing is written and the active version is
// returned (the server imports its shipped files at every start). Otherwise version N+1 is
// inserted, made active, and the certification's intitulé is updated (its niveau and RNCP number
// only when none was recorded: see UpdateEnregistrement);
// the import is audited. Errors: apperr.Forbidden unless actor is an admin (or the system);
// *apperr.Validation when ref is nil or fails ref.Validate.
func (s *Store) ImportReferentiel(ctx context.Context, actor account.Actor, ref *referentiel.Referentiel) (CertificationInfo, error) {
	if err := access.CanAdminister(actor).Err("import référentiel"); err != nil {
		return CertificationInfo{}, err
	}
	if ref == nil || strings.TrimSpace(ref.Certification.Code) == "" {
		v := apperr.NewValidation()
		v.Add("certification.code", "Le code de la certification est obligatoire.")
		return CertificationInfo{}, v
	}
	if err := ref.Validate(); err != nil {
		return CertificationInfo{}, err
	}
	content, err := json.Marshal(ref)
	if err != nil {
		return CertificationInfo{}, fmt.Errorf("import référentiel: %w", err)
	}
	sum := sha256.Sum256(content)
	digest := hex.EncodeToString(sum[:])

	// Two processes starting together may import the same file at once: the loser of the race
	// gets a uniqueness conflict, and its retry finds the winner's version.
	var info CertificationInfo
	for attempt := 0; ; attempt++ {
		err = s.Transact(ctx, func(tx *Tx) error {
			var e error
			info, e = s.importTx(ctx, tx, actor, ref, content, digest)
			return e
		})
		if err == nil || !errors.Is(err, apperr.Conflict) || attempt == 2 {
			break
		}
	}
	if err != nil {
		return CertificationInfo{}, fmt.Errorf("import référentiel %s: %w", ref.Certification.Code, err)
	}
	s.refs.mu.Lock()
	delete(s.refs.active, info.ID)
	s.refs.list = nil
	s.refs.mu.Unlock()
	return info, nil
}

func (s *Store) importTx(ctx context.Context, tx *Tx, actor account.Actor, ref *referentiel.Referentiel, content []byte, digest string) (CertificationInfo, error) {
	c := ref.Certification
	var certID int64
	var activeID sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT id, active_version_id FROM certifications WHERE code = ?`, c.Code).
		Scan(&certID, &activeID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = tx.QueryRowContext(ctx,
			`INSERT INTO certifications (code, intitule, niveau, rncp, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			c.Code, c.Intitule, c.Niveau, c.RNCP, s.t(s.nowUTC())).Scan(&certID)
		if err != nil {
			return CertificationInfo{}, mapErr(err)
		}
	case err != nil:
		return CertificationInfo{}, err
	case activeID.Valid:
		var activeDigest string
		err := tx.QueryRowContext(ctx, `SELECT content_sha256 FROM referentiel_versions WHERE id = ?`, activeID.Int64).
			Scan(&activeDigest)
		if err != nil {
			return CertificationInfo{}, err
		}
		if activeDigest == digest {
			return s.certification(ctx, tx, `c.id = ?`, certID)
		}
	}
	var version int
	if err := tx.QueryRowContext(ctx,
		`SELECT COALESCE(MAX(version), 0) + 1 FROM referentiel_versions WHERE certification_id = ?`, certID).
		Scan(&version); err != nil {
		return CertificationInfo{}, err
	}
	var versionID int64
	err = tx.QueryRowContext(ctx,
		`INSERT INTO referentiel_versions (certification_id, version, intitule, niveau, rncp, content, content_sha256, imported_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		certID, version, c.Intitule, c.Niveau, c.RNCP, string(content), digest, s.t(s.nowUTC())).Scan(&versionID)
	if err != nil {
		return CertificationInfo{}, mapErr(err)
	}
	if _, err := tx.ExecContext(ctx,
		// The registration (RNCP number, level) recorded by the admin wins over the file's.
		`UPDATE certifications SET active_version_id = ?, intitule = ?, niveau = COALESCE(NULLIF(niveau, ''), ?),
		 rncp = COALESCE(NULLIF(rncp, ''), ?) WHERE id = ?`,
		versionID, c.Intitule, c.Niveau, c.RNCP, certID); err != nil {
		return CertificationInfo{}, err
	}
	detail := map[string]any{"code": c.Code, "version": version, "version_id": versionID}
	if err := tx.audit(ctx, actor, "referentiel.import", "certification", certID, detail); err != nil {
		return CertificationInfo{}, err
	}
	return s.certification(ctx, tx, `c.id = ?`, certID)
}

// certSelect reads a certification with its active version.
const certSelect = `SELECT c.id, c.code, c.intitule, c.niveau, c.rncp, v.id, v.version, v.imported_at
	FROM certifications c JOIN referentiel_versions v ON v.id = c.active_version_id`

func scanCert(sc interface{ Scan(...any) error }) (CertificationInfo, error) {
	var ci CertificationInfo
	err := sc.Scan(&ci.ID, &ci.Code, &ci.Intitule, &ci.Niveau, &ci.RNCP, &ci.VersionID, &ci.Version, scanTime(&ci.ImportedAt))
	return ci, err
}

// certification reads one certification matching where (a condition on alias c with one `?`).
func (s *Store) certification(ctx context.Context, tx *Tx, where string, arg any) (CertificationInfo, error) {
	ci, err := scanCert(s.q(tx).QueryRowContext(ctx, certSelect+` WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return CertificationInfo{}, fmt.Errorf("certification %v: %w", arg, apperr.NotFound)
	}
	if err != nil {
		return CertificationInfo{}, fmt.Errorf("certification %v: %w", arg, err)
	}
	return ci, nil
}

// Certifications lists every certification with its active version, by code. It is public
// (no actor) and returns an empty slice when there is none. Like ActiveReferentiel, the list
// is cached for at most two seconds (an import by this Store is seen at once); callers must
// not modify the returned slice.
func (s *Store) Certifications(ctx context.Context) ([]CertificationInfo, error) {
	s.refs.mu.Lock()
	list, fetched := s.refs.list, s.refs.listFetched
	s.refs.mu.Unlock()
	if list != nil && time.Since(fetched) <= activeTTL {
		return list, nil
	}
	list, err := s.certifications(ctx)
	if err != nil {
		return nil, err
	}
	s.refs.mu.Lock()
	s.refs.list, s.refs.listFetched = list, time.Now()
	s.refs.mu.Unlock()
	return list, nil
}

func (s *Store) certifications(ctx context.Context) ([]CertificationInfo, error) {
	rows, err := s.query(ctx, certSelect+` ORDER BY c.code`)
	if err != nil {
		return nil, fmt.Errorf("certifications: %w", err)
	}
	defer rows.Close()
	out := []CertificationInfo{}
	for rows.Next() {
		ci, err := scanCert(rows)
		if err != nil {
			return nil, fmt.Errorf("certifications: %w", err)
		}
		out = append(out, ci)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("certifications: %w", err)
	}
	return out, nil
}

// Certification returns the certification id with its active version, or apperr.NotFound.
func (s *Store) Certification(ctx context.Context, id int64) (CertificationInfo, error) {
	return s.certification(ctx, nil, `c.id = ?`, id)
}

// CertificationByCode returns the certification with this code and its active version, or
// apperr.NotFound.
func (s *Store) CertificationByCode(ctx context.Context, code string) (CertificationInfo, error) {
	return s.certification(ctx, nil, `c.code = ?`, code)
}

// ActiveReferentiel returns the active version of certification certID and its parsed
// référentiel, or apperr.NotFound. The document is shared: callers must not modify it.
// Parsed versions are cached for the life of the Store, and the active version id for at most
// two seconds (another process may import a newer one); an import by this Store is seen at once.
func (s *Store) ActiveReferentiel(ctx context.Context, certID int64) (CertificationInfo, *referentiel.Referentiel, error) {
	s.refs.mu.Lock()
	e, ok := s.refs.active[certID]
	s.refs.mu.Unlock()
	info := e.info
	if !ok || time.Since(e.fetched) > activeTTL {
		var err error
		if info, err = s.Certification(ctx, certID); err != nil {
			return CertificationInfo{}, nil, err
		}
		s.refs.mu.Lock()
		s.refs.active[certID] = activeEntry{info: info, fetched: time.Now()}
		s.refs.mu.Unlock()
	}
	ref, err := s.ReferentielVersion(ctx, info.VersionID)
	if err != nil {
		return CertificationInfo{}, nil, err
	}
	return info, ref, nil
}

// ReferentielVersion returns the référentiel of version versionID (active or not), or
// apperr.NotFound. The document is shared: callers must not modify it.
func (s *Store) ReferentielVersion(ctx context.Context, versionID int64) (*referentiel.Referentiel, error) {
	s.refs.mu.Lock()
	ref, ok := s.refs.docs[versionID]
	s.refs.mu.Unlock()
	if ok {
		return ref, nil
	}
	var content string
	err := s.queryRow(ctx, `SELECT content FROM referentiel_versions WHERE id = ?`, versionID).Scan(&content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("référentiel version %d: %w", versionID, apperr.NotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("référentiel version %d: %w", versionID, err)
	}
	ref = new(referentiel.Referentiel)
	if err := json.Unmarshal([]byte(content), ref); err != nil {
		return nil, fmt.Errorf("référentiel version %d: stored content: %w", versionID, err)
	}
	s.refs.mu.Lock()
	s.refs.docs[versionID] = ref
	s.refs.mu.Unlock()
	return ref, nil
}

// ReferentielVersions lists every version of certification certID, newest first; each entry
// carries the intitulé, niveau and RNCP number of that version. apperr.NotFound when the
// certification does not exist.
func (s *Store) ReferentielVersions(ctx context.Context, certID int64) ([]CertificationInfo, error) {
	rows, err := s.query(ctx,
		`SELECT c.id, c.code, v.intitule, v.niveau, v.rncp, v.id, v.version, v.imported_at
		 FROM referentiel_versions v JOIN certifications c ON c.id = v.certification_id
		 WHERE v.certification_id = ? ORDER BY v.version DESC`, certID)
	if err != nil {
		return nil, fmt.Errorf("certification %d versions: %w", certID, err)
	}
	defer rows.Close()
	out := []CertificationInfo{}
	for rows.Next() {
		ci, err := scanCert(rows)
		if err != nil {
			return nil, fmt.Errorf("certification %d versions: %w", certID, err)
		}
		out = append(out, ci)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("certification %d versions: %w", certID, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("certification %d: %w", certID, apperr.NotFound)
	}
	return out, nil
}
