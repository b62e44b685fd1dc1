package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/edition"
)

// explainedError is an error whose French explanation is shown to the user as is (page and
// API), with the status of the sentinel it wraps; Link, when set, says where to fix it.
type explainedError struct {
	err       error  // the sentinel giving the status (apperr.Conflict …)
	heading   string // the page's heading
	message   string // the explanation
	link      string // "" or where to go to fix it
	linkLabel string
}

func (e *explainedError) Error() string { return e.heading + ": " + e.err.Error() }
func (e *explainedError) Unwrap() error { return e.err }

// issuer loads who issues the documents of certification certID: the certificateur (with its
// logo's bytes) and the registration. When something needed is missing (a fresh install), the
// error explains in French what, and for an admin where to set it up (409).
func (s *Server) issuer(ctx context.Context, certID int64, admin bool) (edition.Issuer, error) {
	var is edition.Issuer
	c, err := s.store.Certificateur(ctx)
	switch {
	case errors.Is(err, apperr.NotFound):
	case err != nil:
		return is, err
	default:
		is.Certificateur = c
	}
	if is.Enregistrement, err = s.store.Enregistrement(ctx, certID); err != nil && !errors.Is(err, apperr.NotFound) {
		return is, err
	}
	if missing := is.Missing(); len(missing) > 0 {
		e := &explainedError{err: apperr.Conflict, heading: "Document pas encore disponible",
			message: "Aucun document ne peut être édité tant que le certificateur n'a pas renseigné : " + strings.Join(missing, " ; ") + "."}
		if admin {
			e.link, e.linkLabel = "/", "Voir ce qui reste à configurer"
		} else {
			e.message += " Prévenez le certificateur."
		}
		return is, e
	}
	if c != nil && c.LogoFileID != 0 {
		f, key, err := s.store.CertificateurLogo(ctx)
		if err != nil {
			return is, err
		}
		rc, err := s.cfg.Blobs.Open(key)
		if err != nil {
			return is, fmt.Errorf("logo file %d: %w", f.ID, err)
		}
		defer rc.Close()
		if is.Logo, err = io.ReadAll(io.LimitReader(rc, maxLogo)); err != nil {
			return is, fmt.Errorf("logo file %d: %w", f.ID, err)
		}
	}
	return is, nil
}
