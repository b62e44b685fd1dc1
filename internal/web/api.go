package web

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"

	"github.com/certif/certif/internal/access"
)

// apiRoutes registers the JSON API under /api/v1. Every route names its access policy and
// every handler passes the actor to the store, which scopes the data.
func (s *Server) apiRoutes(r routeTable) {
	r.handle("GET /api/v1/openapi.json", access.Public, s.apiOpenAPI)
	r.handle("GET /api/v1/certifications", access.Public, s.apiCertifications)
	r.handle("GET /api/v1/certifications/{id}/referentiel", access.Public, s.apiReferentiel)
	r.handle("PATCH /api/v1/certifications/{id}", access.Administer, s.apiCertificationUpdate)
	r.handle("GET /api/v1/certificateur", access.Administer, s.apiCertificateurGet)
	r.handle("PUT /api/v1/certificateur", access.Administer, s.apiCertificateurPut)
	r.handle("PUT /api/v1/certificateur/logo", access.Administer, s.apiCertificateurLogo)
	r.handle("GET /api/v1/me", access.SignedIn, s.apiMe)
	r.handle("GET /api/v1/me/tokens", access.SignedIn, s.apiTokens)
	r.handle("POST /api/v1/me/tokens", access.SignedIn, s.apiTokenCreate)
	r.handle("DELETE /api/v1/me/tokens/{id}", access.SignedIn, s.apiTokenRevoke)

	r.handle("GET /api/v1/centres", access.SignedIn, s.apiCentres)
	r.handle("POST /api/v1/centres", access.Administer, s.apiCentreCreate)
	r.handle("GET /api/v1/centres/{id}", access.SignedIn, s.apiCentre)
	r.handle("PATCH /api/v1/centres/{id}", access.Administer, s.apiCentreUpdate)

	r.handle("GET /api/v1/users", access.ListAccounts, s.apiUsers)
	r.handle("POST /api/v1/users", access.Administer, s.apiUserCreate)
	r.handle("GET /api/v1/users/{id}", access.SignedIn, s.apiUser)
	r.handle("PATCH /api/v1/users/{id}", access.Administer, s.apiUserUpdate)

	r.handle("GET /api/v1/courriels", access.Administer, s.apiCourriels)
	r.handle("GET /api/v1/courriels/{id}", access.Administer, s.apiCourriel)
	r.handle("POST /api/v1/courriels/{id}/renvoi", access.Administer, s.apiCourrielResend)

	r.handle("GET /api/v1/candidats", access.ReadCentre, s.apiCandidats)
	r.handle("POST /api/v1/candidats", access.ManageCentre, s.apiCandidatCreate)
	r.handle("GET /api/v1/candidats/{id}", access.ReadCandidat, s.apiCandidat)
	r.handle("PATCH /api/v1/candidats/{id}", access.EditCandidat, s.apiCandidatUpdate)
	r.handle("POST /api/v1/inscriptions", access.ManageCentre, s.apiInscriptionCreate)
	r.handle("GET /api/v1/inscriptions/{id}", access.ReadInscription, s.apiInscription)
	r.handle("GET /api/v1/inscriptions/{id}/evaluations", access.ReadInscription, s.apiEvaluations)
	r.handle("POST /api/v1/inscriptions/{id}/evaluations", access.TrainInscription, s.apiEvaluationCreate)
	r.handle("POST /api/v1/inscriptions/{id}/blocs/{code}/projet", access.ContributeInscription, s.apiProjetSubmit)
	r.handle("POST /api/v1/inscriptions/{id}/blocs/{code}/projet/decision", access.DecideProjet, s.apiProjetDecide)
	r.handle("GET /api/v1/inscriptions/{id}/documents/{doc}", access.ReadInscription, s.documentPDF)
	r.handle("PATCH /api/v1/inscriptions/{id}", access.ManageInscription, s.apiInscriptionPatch)
	r.handle("GET /api/v1/inscriptions/{id}/dossier", access.ReadInscription, s.apiDossier)
	r.handle("GET /api/v1/inscriptions/{id}/dossier/conformite", access.ReadInscription, s.apiConformite)
	r.handle("PUT /api/v1/inscriptions/{id}/dossier/pieces/{kind}", access.ContributeDossier, s.apiPiecePut)
	r.handle("PUT /api/v1/inscriptions/{id}/dossier/resume", access.ContributeDossier, s.apiResumePut)
	r.handle("POST /api/v1/inscriptions/{id}/dossier/reouverture", access.Administer, s.apiReopen)
	r.handle("POST /api/v1/inscriptions/{id}/projets", access.ContributeDossier, s.apiProjetCreate)
	// A project is named by its own id ({projet}): the store applies the rule of its
	// inscription (the route's gate only keeps out the roles that never contribute).
	r.handle("PATCH /api/v1/projets/{projet}", access.ContributeDossier, s.apiProjetUpdate)
	r.handle("DELETE /api/v1/projets/{projet}", access.ContributeDossier, s.apiProjetDelete)
	r.handle("POST /api/v1/projets/{projet}/approbation", access.DecideProjet, s.apiProjetApprove)
	r.handle("POST /api/v1/import/candidats", access.ManageCentre, s.apiImport)
	// The jury sessions (issue 9): the admin manages them; a juror reads the sessions they sit
	// on (from the session's day), signs the attestation and then reads the dossiers; the
	// store decides per session and passage (404 to whoever may not see it).
	r.handle("POST /api/v1/inscriptions/{id}/recevabilite", access.Administer, s.apiRecevabilite)
	r.handle("POST /api/v1/sessions", access.Administer, s.apiSessionCreate)
	r.handle("GET /api/v1/sessions", access.SignedIn, s.apiSessions)
	r.handle("GET /api/v1/sessions/{id}", access.SignedIn, s.apiSession)
	r.handle("POST /api/v1/sessions/{id}/etat", access.Administer, s.apiSessionEtat)
	r.handle("POST /api/v1/sessions/{id}/membres", access.Administer, s.apiSessionMembre)
	r.handle("POST /api/v1/sessions/{id}/passages", access.Administer, s.apiSessionPassage)
	r.handle("POST /api/v1/sessions/{id}/attestations", access.SignedIn, s.apiAttestation)
	r.handle("PUT /api/v1/passages/{id}/jures", access.Administer, s.apiPassageJures)
	r.handle("GET /api/v1/passages/{id}/dossier", access.SignedIn, s.apiPassageDossier)
	// The convocation: the admin, the candidate, their centre's staff (the store; 404 to the jury).
	r.handle("GET /api/v1/passages/{id}/convocation.pdf", access.SignedIn, s.convocationPDF)
	r.handle("GET /api/v1/passages/{id}/grille", access.SignedIn, s.apiGrille)
	r.handle("PUT /api/v1/passages/{id}/grille", access.SignedIn, s.apiGrilleSave)
	r.handle("GET /api/v1/passages/{id}/grilles", access.SignedIn, s.apiGrilles)
	r.handle("GET /api/v1/passages/{id}/grille.pdf", access.SignedIn, s.grillePDF)
	// The deliberation and the PV (jury_pv.go): the store decides (the président decides, the
	// members sign, the admin amends).
	r.handle("GET /api/v1/passages/{id}/proposition", access.SignedIn, s.apiProposition)
	r.handle("POST /api/v1/passages/{id}/decision", access.SignedIn, s.apiDecision)
	r.handle("POST /api/v1/sessions/{id}/pv/signatures", access.SignedIn, s.apiPVSignature)
	r.handle("POST /api/v1/sessions/{id}/pv/amendements", access.Administer, s.apiPVAmendement)
	r.handle("GET /api/v1/sessions/{id}/pv.pdf", access.SignedIn, s.pvPDF)

	r.handle("/api/", access.Public, func(w http.ResponseWriter, r *http.Request) error { return errNotFoundPage })
}

// decodeJSON reads a JSON body of at most 1 MiB into v, rejecting unknown fields and
// trailing data, then cleans every string of v (cleanJSON: no NUL or control character
// reaches the domain); problems come back as a *apperr.Validation in French, on the field at
// fault or on "body" (see jsonDecodeError).
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.Decode(&struct{}{}) != io.EOF {
		err = jsonValueError{"JSON invalide : des données suivent l’objet JSON."}
	}
	if err != nil {
		return jsonDecodeError(err)
	}
	cleanJSON(v)
	return nil
}

// jsonCache keeps encoded JSON of immutable documents (référentiel versions).
type jsonCache struct {
	mu sync.RWMutex
	m  map[int64][]byte
}

func (c *jsonCache) get(key int64, build func() ([]byte, error)) ([]byte, error) {
	c.mu.RLock()
	b, ok := c.m[key]
	c.mu.RUnlock()
	if ok {
		return b, nil
	}
	b, err := build()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) > 64 {
		c.m = map[int64][]byte{}
	}
	c.m[key] = b
	c.mu.Unlock()
	return b, nil
}
