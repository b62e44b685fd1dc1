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
// and the reading goes on, so that every problem is reported. It is all or nothing: the rows
// are checked and written chunk by chunk in ONE transaction, rolled back when any row of any
// chunk has a problem. In-file duplicates across chunks are for the reader to report
// (importer.Reader does); a row repeating an earlier one of the same file is otherwise
// counted as existing.
//
// Errors: as ImportCandidats; an error of next other than *candidat.ImportError and io.EOF
// aborts the import and is returned wrapped.
func (s *Store) ImportCandidatsStream(ctx context.Context, actor account.Actor, certID, centreID int64, next func() (candidat.ImportRow, error)) (ImportResult, error) {
	if err := candMayEnrol(actor, centreID); err != nil {
		return ImportResult{}, fmt.Errorf("import candidats: %w", err)
	}
	info, ref, err := s.ActiveReferentiel(ctx, certID)
	if err != nil {
		return ImportResult{}, fmt.Errorf("import candidats: %w", err)
	}
	var res ImportResult
	var problems []candidat.LineError
	total := 0
	note := func(les []candidat.LineError) {
		total += len(les)
		for _, le := range les {
			if len(problems) < candidat.MaxImportErrors {
				problems = append(problems, le)
			}
		}
	}
	rowsSeen := 0
	err = s.Transact(ctx, func(tx *Tx) error {
		problem, formation, err := candCentre(ctx, tx, centreID)
		if err != nil {
			return err
		}
		if problem != "" {
			v := apperr.NewValidation()
			v.Add("centre", problem)
			return v
		}
		chunk := make([]candidat.ImportRow, 0, streamChunk)
		flush := func() error {
			if len(chunk) == 0 {
				return nil
			}
			im := &candImport{s: s, actor: actor, info: info, centreID: centreID, rows: chunk, stmts: map[string]*sql.Stmt{}}
			defer im.closeStmts()
			im.validate(ref, formation)
			im.problems = slices.Clone(im.checked)
			if err := im.check(ctx, tx); err != nil {
				return err
			}
			note(im.problems)
			if total == 0 { // once a problem is found nothing more is written: all is rolled back
				if err := im.write(ctx, tx, &res); err != nil {
					return err
				}
			}
			chunk = chunk[:0]
			return nil
		}
		for {
			row, err := next()
			if errors.Is(err, io.EOF) {
				break
			}
			var ie *candidat.ImportError
			switch {
			case errors.As(err, &ie):
				note(ie.Errors)
				continue
			case err != nil:
				return fmt.Errorf("read row: %w", err)
			}
			rowsSeen++
			chunk = append(chunk, row)
			if len(chunk) == streamChunk {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		if rowsSeen == 0 && total == 0 {
			note([]candidat.LineError{{Line: 1, Message: msgCandImportEmpty}})
		}
		if total > 0 {
			sort.SliceStable(problems, func(a, b int) bool { return problems[a].Line < problems[b].Line })
			if total > len(problems) {
				problems = append(problems, candidat.LineError{Message: fmt.Sprintf("… et d'autres erreurs (%d au total).", total)})
			}
			return &candidat.ImportError{Errors: problems}
		}
		return tx.audit(ctx, actor, "candidat.import", "organisme", centreID, map[string]any{
			"centre": centreID, "certification": info.ID, "version": info.VersionID,
			"created": res.Created, "existing": res.Existing, "new_candidats": res.NewCandidats,
		})
	})
	if err != nil {
		var ie *candidat.ImportError
		if errors.As(err, &ie) {
			return ImportResult{}, ie
		}
		return ImportResult{}, fmt.Errorf("import candidats: %w", err)
	}
	return res, nil
}

// closeStmts closes the statements prepared for one chunk.
func (im *candImport) closeStmts() {
	for _, st := range im.stmts {
		st.Close()
	}
}
