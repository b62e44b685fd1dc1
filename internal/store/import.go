package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/referentiel"
)

// ImportResult sums up an import of candidates.
type ImportResult struct {
	// ActivationsOmitted counts the accounts created beyond MaxActivationsShown whose links are
	// not returned (issue them later with PendingActivations).
	ActivationsOmitted int
	Created            int // inscriptions created
	Existing           int // inscriptions already present, left as they were
	// NewCandidats is the number of candidates created (the others existed already).
	NewCandidats int
	// Activations lists the accounts created, in file order, with their one-time activation
	// token in plain text: send it to the candidate, it cannot be read again.
	Activations []Activation
}

// Activation is an account created by an import, to be sent its activation link.
type Activation struct {
	Line  int // the line of the file that created the candidate
	Email string
	Token string
}

// candBatch is how many rows one multi-row INSERT or one lookup carries.
const candBatch = 500

// French messages of the import report.
const (
	msgCandImportEmpty   = "Le fichier ne contient aucun candidat."
	msgCandImportTooMany = "Trop de problèmes : les suivants ne sont pas listés. Corrigez ceux-ci et recommencez."
	msgCandImportDupLine = candidat.MsgImportDoublon
	msgCandImportEmail   = candidat.MsgImportEmail
)

// candRowPlan is what the import decided for one row. The fields after first and bad are set
// per attempt and, except skip, only on the first row of each identity.
type candRowPlan struct {
	first    int32 // index of the first row with the same identity (itself when first)
	bad      bool  // the row has a problem
	skip     bool  // its inscription exists already
	existing bool  // the candidate exists in the database
	needUser bool  // an account must be created for it
	link     bool  // an existing candidate gets linked to userID
	candID   int64
	userID   int64
}

// ImportCandidats enrols every row into centre centreID for certification certID, all or
// nothing, in one transaction with one audit row ("candidat.import", with the centre and
// the counts only).
//
// Every row is normalised in place (its inscription also gets the centre, certification,
// version and, once written, candidate ids) and validated (candidat.Candidat.Validate,
// candidat.Inscription.Validate against the active référentiel version; a row without a date
// of inscription is enrolled today) and checked against the file and the database before
// anything is written: an e-mail belonging to a non-candidat account or to another
// candidate, the same e-mail for two identities, the same candidate twice in one promotion,
// a non-VAE row when the centre may not train. Candidates are matched by identity
// (candidat.Identity) within the file and with the database: the first row of a new
// identity creates the candidate and, when no account has its e-mail, a candidat account
// with an activation token as Inscrire does (an existing candidat account is linked);
// existing candidates keep their stored details. An inscription already present (same
// candidate, certification, centre and promotion) is counted in Existing and left alone, so
// importing the same rows twice creates nothing the second time.
//
// Writes go in multi-row INSERTs of candBatch rows and lookups in batches, so that the
// store's own memory grows only with small per-row bookkeeping.
//
// Who: as Inscrire (an admin, or the referent of centreID). Errors: apperr.Forbidden;
// apperr.NotFound when the certification does not exist; *apperr.Validation on "centre" when
// the centre does not exist, is inactive or is the certificateur; *candidat.ImportError
// listing the problems by line and field key, as the importer names its columns (e.g.
// "nom_naissance", "email", "promotion", "date_inscription"; "" for the whole line), by
// line, at most candidat.MaxImportErrors of them (the last one then says that more were
// left out), when any row has one; apperr.Conflict when concurrent writes keep winning the
// race.
func (s *Store) ImportCandidats(ctx context.Context, actor account.Actor, certID, centreID int64, rows []candidat.ImportRow) (ImportResult, error) {
	if err := candMayEnrol(actor, centreID); err != nil {
		return ImportResult{}, fmt.Errorf("import candidats: %w", err)
	}
	info, ref, err := s.ActiveReferentiel(ctx, certID)
	if err != nil {
		return ImportResult{}, fmt.Errorf("import candidats: %w", err)
	}
	if len(rows) == 0 {
		return ImportResult{}, &candidat.ImportError{Errors: []candidat.LineError{{Line: 1, Message: msgCandImportEmpty}}}
	}
	problem, formation, err := candCentre(ctx, s.q(nil), centreID)
	if err != nil {
		return ImportResult{}, fmt.Errorf("import candidats: %w", err)
	}
	if problem != "" {
		v := apperr.NewValidation()
		v.Add("centre", problem)
		return ImportResult{}, v
	}
	im := &candImport{s: s, actor: actor, info: info, centreID: centreID, rows: rows}
	im.validate(ref, formation)
	var res ImportResult
	for attempt := 0; ; attempt++ {
		err = s.Transact(ctx, func(tx *Tx) error {
			var e error
			res, e = im.run(ctx, tx)
			return e
		})
		if err == nil || !errors.Is(err, apperr.Conflict) || attempt == 2 {
			break
		}
	}
	if err != nil {
		var ie *candidat.ImportError
		if errors.As(err, &ie) {
			return ImportResult{}, ie
		}
		return ImportResult{}, fmt.Errorf("import candidats: %w", err)
	}
	return res, nil
}

// candImport is one run of ImportCandidats.
type candImport struct {
	s        *Store
	actor    account.Actor
	info     CertificationInfo
	centreID int64
	rows     []candidat.ImportRow
	plan     []candRowPlan
	// keys holds the identity key of each row whose candidate is valid.
	keys []string
	// byEmail maps the e-mail of a new candidate to the index of its first row.
	byEmail map[string]int32
	// pass-A problems, kept across attempts; problems holds those of the current attempt.
	checked, problems []candidat.LineError
	stmts             map[string]*sql.Stmt
}

func (im *candImport) add(i int, field, msg string) {
	im.plan[i].bad = true
	if len(im.problems) <= candidat.MaxImportErrors {
		im.problems = append(im.problems, candidat.LineError{Line: im.rows[i].Line, Column: field, Message: msg})
	}
}

func (im *candImport) full() bool { return len(im.problems) > candidat.MaxImportErrors }

// validate is pass A: each row on its own and against the other rows, no database.
func (im *candImport) validate(ref *referentiel.Referentiel, formation bool) {
	now := im.s.now()
	today := candToday(now)
	n := len(im.rows)
	im.plan = make([]candRowPlan, n)
	im.keys = make([]string, n)
	// byIdentity maps an identity key to the index of its first row; pass A only needs it.
	byIdentity := make(map[string]int32, n)
	im.byEmail = make(map[string]int32, n)
	// promos holds "identity\x00promotion" for the identities met more than once.
	var promos map[string]int32
	var fields []string
	for i := range im.rows {
		if im.full() {
			break
		}
		r := &im.rows[i]
		c, ins := &r.Candidat, &r.Inscription
		ins.CentreID, ins.CertificationID, ins.VersionID = im.centreID, im.info.ID, im.info.VersionID
		if ins.Date.IsZero() {
			ins.Date = today
		}
		errC := c.Validate(now)
		errI := ins.Validate(ref)
		for _, e := range []error{errC, errI} {
			f := apperr.FieldErrors(e)
			fields = fields[:0]
			for k := range f {
				fields = append(fields, k)
			}
			sort.Strings(fields)
			for _, k := range fields {
				im.add(i, candImportKey(k), f[k])
			}
		}
		if errI == nil {
			for k, msg := range apperr.FieldErrors(ins.ValidateCentre(ref, formation)) {
				im.add(i, candImportKey(k), msg)
			}
		}
		im.plan[i].first = int32(i)
		if errC != nil {
			continue
		}
		key := candIdentityKey(c.Identity())
		im.keys[i] = key
		f, seen := byIdentity[key]
		if !seen {
			byIdentity[key] = int32(i)
			if g, ok := im.byEmail[c.Email]; ok {
				im.add(i, "email", fmt.Sprintf(msgCandImportEmail, im.rows[g].Line))
			} else {
				im.byEmail[c.Email] = int32(i)
			}
			continue
		}
		im.plan[i].first = f
		if promos == nil {
			promos = map[string]int32{}
		}
		fk := key + "\x00" + im.rows[f].Inscription.Promotion
		if _, ok := promos[fk]; !ok {
			promos[fk] = f
		}
		k := key + "\x00" + ins.Promotion
		if g, ok := promos[k]; ok {
			im.add(i, "promotion", fmt.Sprintf(msgCandImportDupLine, im.rows[g].Line))
		} else {
			promos[k] = int32(i)
		}
	}
	im.checked = slices.Clone(im.problems)
}

// candImportKey is the import file's key of a validation field (candidat.ImportField): the inscription's "date"
// is the file's "date_inscription"; the other keys are the same.
func candImportKey(field string) string { return candidat.ImportField(field) }

// candToday is the date of now in Paris (french.Paris), as midnight UTC like the dates the
// import parses.
func candToday(now time.Time) time.Time {
	y, m, d := french.InParis(now).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// run checks the rows against the database (pass B) and, when nothing is wrong, writes them
// (pass C), in tx.
func (im *candImport) run(ctx context.Context, tx *Tx) (ImportResult, error) {
	im.problems = slices.Clone(im.checked)
	for i := range im.plan { // a retry starts afresh
		p := &im.plan[i]
		*p = candRowPlan{first: p.first, bad: p.bad}
	}
	im.stmts = map[string]*sql.Stmt{}
	defer func() {
		for _, st := range im.stmts {
			st.Close()
		}
	}()
	problem, _, err := candCentre(ctx, tx, im.centreID)
	if err != nil {
		return ImportResult{}, err
	}
	if problem != "" {
		v := apperr.NewValidation()
		v.Add("centre", problem)
		return ImportResult{}, v
	}
	if err := im.check(ctx, tx); err != nil {
		return ImportResult{}, err
	}
	if len(im.problems) > 0 {
		return ImportResult{}, im.report()
	}
	var res ImportResult
	if err := im.write(ctx, tx, &res); err != nil {
		return ImportResult{}, err
	}
	err = tx.audit(ctx, im.actor, "candidat.import", "organisme", im.centreID, map[string]any{
		"centre": im.centreID, "certification": im.info.ID, "version": im.info.VersionID,
		"created": res.Created, "existing": res.Existing, "new_candidats": res.NewCandidats,
	})
	return res, err
}

// check is pass B: the rows against the database, in tx.
func (im *candImport) check(ctx context.Context, tx *Tx) error {
	if im.full() {
		return nil
	}
	if err := im.lookupIdentities(ctx, tx); err != nil {
		return err
	}
	if err := im.lookupAccounts(ctx, tx); err != nil {
		return err
	}
	return im.lookupInscriptions(ctx, tx)
}

// write is pass C: the users, candidates and inscriptions of rows without problems.
func (im *candImport) write(ctx context.Context, tx *Tx, res *ImportResult) error {
	if err := im.insertUsers(ctx, tx, res); err != nil {
		return err
	}
	if err := im.insertCandidats(ctx, tx, res); err != nil {
		return err
	}
	return im.insertInscriptions(ctx, tx, res)
}

// report is the *candidat.ImportError of the problems found, by line, capped.
func (im *candImport) report() *candidat.ImportError {
	ps := im.problems
	sort.SliceStable(ps, func(a, b int) bool { return ps[a].Line < ps[b].Line })
	if len(ps) > candidat.MaxImportErrors {
		ps = ps[:candidat.MaxImportErrors]
		ps[len(ps)-1] = candidat.LineError{Line: ps[len(ps)-1].Line, Message: msgCandImportTooMany}
	}
	return &candidat.ImportError{Errors: ps}
}

// stmt returns the statement of q prepared in tx, once per import.
func (im *candImport) stmt(ctx context.Context, tx *Tx, q string) (*sql.Stmt, error) {
	if st, ok := im.stmts[q]; ok {
		return st, nil
	}
	// Not Store.rebind: its cache would keep one long query per batch size for ever.
	bound := q
	if im.s.dialect == DialectPostgres {
		bound = rebind(q)
	}
	st, err := tx.tx.PrepareContext(ctx, bound)
	if err != nil {
		return nil, err
	}
	im.stmts[q] = st
	return st, nil
}

// batches calls fn with the indexes of the rows selected by keep, candBatch at a time.
func (im *candImport) batches(keep func(i int) bool, fn func(idx []int) error) error {
	idx := make([]int, 0, candBatch)
	for i := range im.rows {
		if !keep(i) {
			continue
		}
		if idx = append(idx, i); len(idx) == candBatch {
			if err := fn(idx); err != nil {
				return err
			}
			idx = idx[:0]
		}
	}
	if len(idx) > 0 {
		return fn(idx)
	}
	return nil
}

// isFirst reports whether row i is valid and the first of its identity.
func (im *candImport) isFirst(i int) bool { return !im.plan[i].bad && int(im.plan[i].first) == i }

func candIn(n int) string { return "(" + strings.Repeat("?, ", n-1) + "?)" }
