package web

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
)

// apiCertification is one entry of GET /api/v1/certifications.
type apiCertification struct {
	ID         int64     `json:"id"`
	Code       string    `json:"code"`
	Intitule   string    `json:"intitule"`
	Niveau     string    `json:"niveau"`
	RNCP       string    `json:"rncp"`
	Version    int       `json:"version"`
	ImportedAt time.Time `json:"imported_at"`
	// Enregistrement is the RNCP registration with its own version, the one PATCH
	// /api/v1/certifications/{id} wants back (Version above is the référentiel's).
	Enregistrement apiEnregistrement `json:"enregistrement"`
}

func toAPICertification(c store.CertificationInfo, e *referentiel.Enregistrement) apiCertification {
	return apiCertification{ID: c.ID, Code: c.Code, Intitule: c.Intitule, Niveau: c.Niveau, RNCP: c.RNCP, Version: c.Version, ImportedAt: c.ImportedAt.UTC(),
		Enregistrement: toAPIEnregistrement(e)}
}

func (s *Server) apiCertifications(w http.ResponseWriter, r *http.Request) error {
	certs, err := s.store.Certifications(r.Context())
	if err != nil {
		return err
	}
	out := make([]apiCertification, 0, len(certs))
	for _, c := range certs {
		e, err := s.store.Enregistrement(r.Context(), c.ID)
		if err != nil {
			return err
		}
		out = append(out, toAPICertification(c, e))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiReferentielDoc is the body of GET /api/v1/certifications/{id}/referentiel: the
// référentiel file's structure, with the certification's id and version added.
type apiReferentielDoc struct {
	Certification struct {
		ID      int64 `json:"id"`
		Version int   `json:"version"`
		referentiel.Certification
	} `json:"certification"`
	Blocs     []referentiel.Bloc    `json:"blocs"`
	Epreuves  []referentiel.Epreuve `json:"epreuves"`
	Livrables referentiel.Livrables `json:"livrables"`
}

func (s *Server) apiReferentiel(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	info, ref, err := s.store.ActiveReferentiel(r.Context(), id)
	if err != nil {
		return err
	}
	body, err := s.refJSON.get(info.VersionID, func() ([]byte, error) {
		var d apiReferentielDoc
		d.Certification.ID, d.Certification.Version, d.Certification.Certification = info.ID, info.Version, ref.Certification
		d.Blocs, d.Epreuves, d.Livrables = ref.Blocs, ref.Epreuves, ref.Livrables
		return json.Marshal(d)
	})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err = w.Write(body)
	return err
}
