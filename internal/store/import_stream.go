package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/referentiel"
)

// MaxActivationsShown bounds the activation links an import returns; beyond, the accounts
// are counted in ImportResult.ActivationsOmitted and their links issued by PendingActivations.
const MaxActivationsShown = 2000

// streamChunk is how many rows ImportCandidatsStream holds at once: memory stays flat
// whatever the size of the file.
const streamChunk = 2000

// ImportCandidatsStream is ImportCandidats for rows read one by one from next, so that an
// import of any size holds only streamChunk rows in memory. next returns io.EOF at the end;
// a *candidat.ImportError from next is a problem of that row (as importer.Reader reports them)
// and the reading goes on, so that every problem is reported.
//
// The file is read and every row validated (pass A) BEFORE any write transaction: the
// normalised rows go to a temporary spool file (removed on return), so that the database's
// single writer (SQLite) is held only for the lookups and inserts, never while a slow file is
// parsed. When pass A finds a problem, the rows are checked against the database (pass B) in
// a read-only transaction, to report those problems too, and nothing is written. Otherwise one
// write transaction reads the spool back chunk by chunk, checks and writes: all or nothing,
// rolled back when any row of any chunk has a problem. In-file duplicates across chunks are
// for the reader to report (importer.Reader does); a row repeating an earlier one of the same
// file is otherwise counted as existing.
//
// Errors: as ImportCandidats; an error of next other than *candidat.ImportError and io.EOF
// aborts the import and is returned wrapped; an error of the spool file is returned wrapped.
func (s *Store) ImportCandidatsStream(ctx context.Context, actor account.Actor, certID, centreID int64, next func() (candidat.ImportRow, error)) (ImportResult, error) {
	if err := candMayEnrol(actor, centreID); err != nil {
		return ImportResult{}, fmt.Errorf("import candidats: %w", err)
	}
	info, ref, err := s.ActiveReferentiel(ctx, certID)
	if err != nil {
		return ImportResult{}, fmt.Errorf("import candidats: %w", err)
	}
	problem, formation, err := candCentre(ctx, s.q(nil), centreID)
	if err != nil {
		return ImportResult{}, fmt.Errorf("import candidats: %w", err)
	}
	if problem != "" {
		return ImportResult{}, candCentreProblem(problem)
	}
	sp, err := newImportSpool()
	if err != nil {
		return ImportResult{}, fmt.Errorf("import candidats: %w", err)
	}
	defer sp.remove()
	st := &streamImport{s: s, actor: actor, info: info, ref: ref, centreID: centreID}

	// Pass A: read, validate and spool, no transaction.
	rowsSeen, err := st.readAll(sp, next, formation)
	if err != nil {
		return ImportResult{}, fmt.Errorf("import candidats: %w", err)
	}
	if rowsSeen == 0 && st.total == 0 {
		st.note([]candidat.LineError{{Line: 1, Message: msgCandImportEmpty}})
	}
	if err := sp.finish(); err != nil {
		return ImportResult{}, fmt.Errorf("import candidats: %w", err)
	}

	var res ImportResult
	if st.total > 0 { // refused already: complete the report read-only, write nothing
		if rowsSeen > 0 {
			err = s.readOnly(ctx, func(tx *Tx) error { return st.dbPass(ctx, tx, sp, formation, nil) })
		}
	} else {
		err = s.Transact(ctx, func(tx *Tx) error {
			problem, formation, err := candCentre(ctx, tx, centreID)
			if err != nil {
				return err
			}
			if problem != "" {
				return candCentreProblem(problem)
			}
			if err := st.dbPass(ctx, tx, sp, formation, &res); err != nil {
				return err
			}
			if st.total > 0 {
				return st.report()
			}
			return tx.audit(ctx, actor, "candidat.import", "organisme", centreID, map[string]any{
				"centre": centreID, "certification": info.ID, "version": info.VersionID,
				"created": res.Created, "existing": res.Existing, "new_candidats": res.NewCandidats,
			})
		})
	}
	if err == nil && st.total > 0 {
		err = st.report()
	}
	if err != nil {
		var ie *candidat.ImportError
		if errors.As(err, &ie) {
			return ImportResult{}, ie
		}
		var v *apperr.Validation
		if errors.As(err, &v) {
			return ImportResult{}, v
		}
		return ImportResult{}, fmt.Errorf("import candidats: %w", err)
	}
	return res, nil
}

// candCentreProblem is the *apperr.Validation of a centre that may not receive the import.
func candCentreProblem(problem string) error {
	v := apperr.NewValidation()
	v.Add("centre", problem)
	return v
}

// streamImport is one run of ImportCandidatsStream: what every chunk shares.
type streamImport struct {
	s        *Store
	actor    account.Actor
	info     CertificationInfo
	ref      *referentiel.Referentiel
	centreID int64
	// problems holds the first candidat.MaxImportErrors problems found; total counts them all.
	problems []candidat.LineError
	total    int
}

func (st *streamImport) note(les []candidat.LineError) {
	st.total += len(les)
	for _, le := range les {
		if len(st.problems) < candidat.MaxImportErrors {
			st.problems = append(st.problems, le)
		}
	}
}

// report is the *candidat.ImportError of the problems noted, by line.
func (st *streamImport) report() *candidat.ImportError {
	ps := st.problems
	sort.SliceStable(ps, func(a, b int) bool { return ps[a].Line < ps[b].Line })
	if st.total > len(ps) {
		ps = append(ps, candidat.LineError{Message: fmt.Sprintf("… et d'autres erreurs (%d au total).", st.total)})
	}
	return &candidat.ImportError{Errors: ps}
}

// chunk returns the candImport of rows (normalised and validated: pass A).
func (st *streamImport) chunk(rows []candidat.ImportRow, formation bool) *candImport {
	im := &candImport{s: st.s, actor: st.actor, info: st.info, centreID: st.centreID, rows: rows, stmts: map[string]*sql.Stmt{}}
	im.validate(st.ref, formation)
	return im
}

// readAll is pass A: it reads every row from next, validates them chunk by chunk, notes the
// problems and spools the normalised rows. It returns how many rows it read.
func (st *streamImport) readAll(sp *importSpool, next func() (candidat.ImportRow, error), formation bool) (int, error) {
	rowsSeen := 0
	rows := make([]candidat.ImportRow, 0, streamChunk)
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		im := st.chunk(rows, formation)
		st.note(im.checked)
		err := sp.write(im)
		rows = rows[:0]
		return err
	}
	for {
		row, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		var ie *candidat.ImportError
		switch {
		case errors.As(err, &ie):
			st.note(ie.Errors)
			continue
		case err != nil:
			return 0, fmt.Errorf("read row: %w", err)
		}
		rowsSeen++
		rows = append(rows, row)
		if len(rows) == streamChunk {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	return rowsSeen, flush()
}

// dbPass reads the spool back chunk by chunk and checks each chunk against the database in
// tx (pass B), noting the problems the database reveals (pass A's were noted by readAll).
// With res non-nil, and as long as no problem was noted, it writes each chunk (pass C).
func (st *streamImport) dbPass(ctx context.Context, tx *Tx, sp *importSpool, formation bool, res *ImportResult) error {
	if err := sp.rewind(); err != nil {
		return err
	}
	for {
		c, err := sp.read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		var im *candImport
		if st.total > 0 { // the rows with problems must be known again: validate anew
			im = st.chunk(c.Rows, formation)
		} else {
			im = st.spooled(c)
		}
		im.problems = slices.Clone(im.checked)
		err = im.check(ctx, tx)
		if err == nil {
			st.note(im.problems[len(im.checked):])
			if res != nil && st.total == 0 { // once a problem is found nothing more is written
				err = im.write(ctx, tx, res)
			}
		}
		im.closeStmts()
		if err != nil {
			return err
		}
	}
}

// spooled is the candImport of a chunk pass A found without problem, rebuilt from the spool
// without validating it again (the write transaction does not pay for it): every row is
// valid, the first row of each identity is the one for its e-mail.
func (st *streamImport) spooled(c *spoolChunk) *candImport {
	im := &candImport{s: st.s, actor: st.actor, info: st.info, centreID: st.centreID, rows: c.Rows,
		stmts: map[string]*sql.Stmt{}, keys: c.Keys, plan: make([]candRowPlan, len(c.Rows)),
		byEmail: make(map[string]int32, len(c.Rows))}
	for i, f := range c.First {
		im.plan[i].first = f
		if int(f) == i {
			im.byEmail[c.Rows[i].Candidat.Email] = f
		}
	}
	return im
}

// readOnly runs fn in a read-only transaction, which on SQLite does not take the write lock.
func (s *Store) readOnly(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store: begin read-only: %w", mapErr(err))
	}
	defer sqlTx.Rollback() //nolint:errcheck // nothing was written
	return fn(&Tx{tx: sqlTx, s: s})
}

// closeStmts closes the statements prepared for one chunk.
func (im *candImport) closeStmts() {
	for _, st := range im.stmts {
		st.Close()
	}
}
