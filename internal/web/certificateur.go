package web

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // the logo's formats, checked by decoding their header
	_ "image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/gabriel-vasile/mimetype"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/input"
	"github.com/certif/certif/internal/store"
)

// maxLogo caps the certificateur's logo: it is read whole into every document.
const maxLogo = 1 << 20

// logoTypes are the logo's accepted formats, by sniffed type (never an SVG: it is a script
// carrier, and the PDFs take bitmaps).
var logoTypes = map[string]bool{"image/png": true, "image/jpeg": true}

// CertificateurPage is the admin's form naming the certificateur.
type CertificateurPage struct {
	Base
	Form Form
	Cert *account.Certificateur // nil before the certificateur is named
	// Certifications lead to their RNCP registration's page.
	Certifications []store.CertificationInfo
}

var certificateurFields = []string{"nom", "siret", "adresse", "signataire_nom", "signataire_qualite", "version"}

func certificateurValues(c *account.Certificateur) map[string]string {
	return map[string]string{"nom": c.Nom, "siret": c.SIRET, "adresse": c.Adresse, "signataire_nom": c.SignataireNom,
		"signataire_qualite": c.SignataireQualite, "version": itoa64(c.Version)}
}

// loadCertificateur returns the certificateur, or nil on a fresh install.
func (s *Server) loadCertificateur(r *http.Request) (*account.Certificateur, error) {
	c, err := s.store.Certificateur(r.Context())
	if errors.Is(err, apperr.NotFound) {
		return nil, nil
	}
	return c, err
}

func (s *Server) certificateurForm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCertificateur(r)
	if err != nil {
		return err
	}
	f := newForm()
	if c != nil {
		f.Values = certificateurValues(c)
	}
	p := &CertificateurPage{Base: s.base(r, "certificateur.title"), Form: f, Cert: c}
	if p.Certifications, err = s.store.Certifications(r.Context()); err != nil {
		return err
	}
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.render(w, http.StatusOK, "certificateur", p)
}

// certificateurSave saves the form (multipart: the fields and an optional logo); the logo is
// checked with the fields and stored only once they are saved.
func (s *Server) certificateurSave(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.loadCertificateur(r)
	if err != nil {
		return err
	}
	f := newForm()
	cleanup, err := parseUpload(w, r, maxLogo+64<<10, "logo")
	defer cleanup()
	rerender := func(status int, c *account.Certificateur) error {
		return s.render(w, status, "certificateur", &CertificateurPage{Base: s.base(r, "certificateur.title"), Form: f, Cert: c})
	}
	if err != nil {
		if f.absorb(err) {
			if cur != nil {
				f.Values = certificateurValues(cur)
			}
			return rerender(http.StatusUnprocessableEntity, cur)
		}
		return err
	}
	for _, k := range certificateurFields {
		f.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	var logo *upload
	if fhs := r.MultipartForm.File["logo"]; len(fhs) > 0 && fhs[0].Size > 0 {
		u, err := checkLogo(fhs[0])
		if err != nil && !f.absorb(err) {
			return err
		}
		logo = &u
	}
	c := &account.Certificateur{Organisme: account.Organisme{Nom: f.Values["nom"], SIRET: f.Values["siret"]},
		Adresse: f.Values["adresse"], SignataireNom: f.Values["signataire_nom"], SignataireQualite: f.Values["signataire_qualite"]}
	// Every problem at once: the fields' and the logo's, before anything is stored.
	if err := c.Validate(); err != nil && !f.absorb(err) {
		return err
	}
	if f.HasErrors() {
		return rerender(http.StatusUnprocessableEntity, cur)
	}
	c.Version = formVersion(r)
	if logo == nil {
		err = s.store.SaveCertificateur(r.Context(), actor(r), c)
	} else {
		// The logo's bytes first (unattached, « Dépôt d’un fichier »), then one save of the
		// fields and the logo: one version, one journal entry.
		var id int64
		if id, err = s.storeLogo(r, *logo); err == nil {
			if err = s.store.SaveCertificateurLogo(r.Context(), actor(r), c, id); err != nil {
				s.discardUploads(r, actor(r), []int64{id})
			}
		}
	}
	if e := staleOf(err); e != nil {
		if now, lerr := s.loadCertificateur(r); lerr == nil && now != nil {
			s.markStale(r, &f, e)
			f.setTheirs(certificateurValues(now))
			if logo != nil { // a browser never fills a file field again: say so, near it
				f.Errors["logo"] = s.msg(r, "certificateur.logo_again")
			}
			return rerender(http.StatusConflict, now)
		}
	}
	return s.finish(w, r, &f, err, func(status int) error { return rerender(status, cur) },
		s.msg(r, "certificateur.saved"), "/admin/certificateur")
}

// checkLogo checks an uploaded logo: at most 1 Mo, a PNG or JPEG by its bytes, whose image
// header decodes (an SVG, HTML or a renamed file is refused). Problems are on field "logo".
func checkLogo(fh *multipart.FileHeader) (upload, error) {
	u := upload{fh: fh, name: input.FileName(fh.Filename)}
	if fh.Size > maxLogo {
		return u, fieldError("logo", "Le logo ne doit pas dépasser 1 Mo.")
	}
	f, err := fh.Open()
	if err != nil {
		return u, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxLogo+1))
	if err != nil {
		return u, err
	}
	u.mime = strings.TrimSpace(strings.SplitN(mimetype.Detect(b).String(), ";", 2)[0])
	if !logoTypes[u.mime] {
		return u, fieldError("logo", "Le logo doit être une image PNG ou JPEG.")
	}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(b)); err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > 10000 || cfg.Height > 10000 {
		return u, fieldError("logo", "Cette image est illisible : enregistrez-la de nouveau en PNG ou JPEG.")
	}
	u.name = input.FileName(fh.Filename, typeExtensions[u.mime]...)
	return u, nil
}

// saveLogo stores u as an unattached file of the certificateur, then makes it the logo
// (version: the certificateur's version read); the bytes are removed again when refused.
func (s *Server) saveLogo(r *http.Request, u upload, version int64) (int64, error) {
	act := actor(r)
	id, err := s.storeLogo(r, u)
	if err != nil {
		return 0, err
	}
	v, err := s.store.SetCertificateurLogo(r.Context(), act, id, version)
	if err != nil {
		s.discardUploads(r, act, []int64{id})
		return 0, err
	}
	return v, nil
}

// apiCertificateur is the certificateur in the API.
type apiCertificateurBody struct {
	ID                int64  `json:"id"`
	Nom               string `json:"nom"`
	SIRET             string `json:"siret"`
	Adresse           string `json:"adresse"`
	SignataireNom     string `json:"signataire_nom"`
	SignataireQualite string `json:"signataire_qualite"`
	LogoFileID        int64  `json:"logo_file_id,omitempty"`
	Version           int64  `json:"version"` // give it back in PUT
}

func toAPICertificateur(c *account.Certificateur) apiCertificateurBody {
	return apiCertificateurBody{ID: c.ID, Nom: c.Nom, SIRET: c.SIRET, Adresse: c.Adresse, SignataireNom: c.SignataireNom,
		SignataireQualite: c.SignataireQualite, LogoFileID: c.LogoFileID, Version: c.Version}
}

func (s *Server) apiCertificateurGet(w http.ResponseWriter, r *http.Request) error {
	c, err := s.store.Certificateur(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPICertificateur(c))
	return nil
}

// certificateurInput is the body of PUT /api/v1/certificateur: every field is replaced.
type certificateurInput struct {
	Nom               string `json:"nom"`
	SIRET             string `json:"siret"`
	Adresse           string `json:"adresse"`
	SignataireNom     string `json:"signataire_nom"`
	SignataireQualite string `json:"signataire_qualite"`
	// Version is required once the certificateur exists (see apiVersion).
	Version *int64 `json:"version"`
}

func (s *Server) apiCertificateurPut(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.loadCertificateur(r)
	if err != nil {
		return err
	}
	var in certificateurInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c := &account.Certificateur{Organisme: account.Organisme{Nom: in.Nom, SIRET: in.SIRET},
		Adresse: in.Adresse, SignataireNom: in.SignataireNom, SignataireQualite: in.SignataireQualite}
	status := http.StatusCreated
	if cur != nil {
		if c.Version, err = apiVersion(in.Version); err != nil {
			return err
		}
		status = http.StatusOK
	}
	if err := s.store.SaveCertificateur(r.Context(), actor(r), c); err != nil {
		return err
	}
	writeJSON(w, status, toAPICertificateur(c))
	return nil
}

// apiCertificateurLogo replaces the logo: a multipart form with the file "logo" (PNG or JPEG,
// at most 1 Mo) and the certificateur's "version".
func (s *Server) apiCertificateurLogo(w http.ResponseWriter, r *http.Request) error {
	cleanup, err := parseUpload(w, r, maxLogo+64<<10, "logo")
	defer cleanup()
	if err != nil {
		return err
	}
	fhs := r.MultipartForm.File["logo"]
	if len(fhs) != 1 {
		return fieldError("logo", "Joignez un fichier « logo » (PNG ou JPEG, 1 Mo au plus).")
	}
	u, err := checkLogo(fhs[0])
	if err != nil {
		return err
	}
	v, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if _, err := apiVersion(&v); err != nil {
		return err
	}
	if _, err := s.saveLogo(r, u, v); err != nil {
		return err
	}
	c, err := s.store.Certificateur(r.Context())
	if err != nil {
		return fmt.Errorf("certificateur after logo: %w", err)
	}
	writeJSON(w, http.StatusOK, toAPICertificateur(c))
	return nil
}

// storeLogo stores u as an unattached file of the certificateur and returns its id.
func (s *Server) storeLogo(r *http.Request, u upload) (int64, error) {
	act := actor(r)
	return s.storeUpload(r, u, func(f *store.File, key string) error {
		f.OwnerKind = store.OwnerCertificateur
		return s.store.SaveFile(r.Context(), act, f, key)
	})
}
