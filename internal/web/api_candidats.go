package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/livret"
	"github.com/certif/certif/internal/referentiel"
	"github.com/certif/certif/internal/store"
)

// apiDate is a calendar date in JSON ("2027-03-12").
type apiDate struct{ time.Time }

// MarshalJSON writes YYYY-MM-DD.
func (d apiDate) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.Format(time.DateOnly) + `"`), nil
}

// UnmarshalJSON reads YYYY-MM-DD or JJ/MM/AAAA.
func (d *apiDate) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		d.Time = time.Time{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' {
		return jsonValueError{"Date attendue sous la forme « AAAA-MM-JJ » ou « JJ/MM/AAAA »."}
	}
	t, err := candidat.ParseDate(string(b[1 : len(b)-1]))
	if err != nil {
		return jsonValueError{"Date illisible : attendu « AAAA-MM-JJ » ou « JJ/MM/AAAA »."}
	}
	d.Time = t
	return nil
}

// apiCandidat is a candidate in the API.
type apiCandidat struct {
	ID                   int64            `json:"id"`
	NomNaissance         string           `json:"nom_naissance"`
	NomUsage             string           `json:"nom_usage"`
	Prenoms              []string         `json:"prenoms"`
	Sexe                 candidat.Sexe    `json:"sexe"`
	DateNaissance        apiDate          `json:"date_naissance"`
	CommuneNaissanceCode string           `json:"commune_naissance_code"`
	CommuneNaissance     string           `json:"commune_naissance"`
	PaysNaissance        string           `json:"pays_naissance"`
	Email                string           `json:"email"`
	Telephone            string           `json:"telephone"`
	Adresse              candidat.Adresse `json:"adresse"`
	Inscriptions         []int64          `json:"inscriptions,omitempty"`
	Version              int64            `json:"version"` // give it back in PATCH
}

func toAPICandidat(c *candidat.Candidat) apiCandidat {
	return apiCandidat{ID: c.ID, NomNaissance: c.NomNaissance, NomUsage: c.NomUsage, Prenoms: append([]string{}, c.Prenoms...), Sexe: c.Sexe,
		DateNaissance: apiDate{c.DateNaissance}, CommuneNaissanceCode: c.CommuneNaissanceCode, CommuneNaissance: c.CommuneNaissance,
		PaysNaissance: c.PaysNaissance, Email: c.Email, Telephone: c.Telephone, Adresse: c.Adresse, Version: c.Version}
}

func (a apiCandidat) domain() *candidat.Candidat {
	return &candidat.Candidat{ID: a.ID, NomNaissance: a.NomNaissance, NomUsage: a.NomUsage, Prenoms: a.Prenoms, Sexe: a.Sexe,
		DateNaissance: a.DateNaissance.Time, CommuneNaissanceCode: a.CommuneNaissanceCode, CommuneNaissance: a.CommuneNaissance,
		PaysNaissance: a.PaysNaissance, Email: a.Email, Telephone: a.Telephone, Adresse: a.Adresse}
}

// apiInscriptionInput is the inscription part of POST /candidats and POST /inscriptions.
type apiInscriptionInput struct {
	CandidatID      int64            `json:"candidat_id,omitempty"`
	CertificationID int64            `json:"certification_id"`
	CentreID        int64            `json:"centre_id"`
	Voie            candidat.Voie    `json:"voie"`
	TypeVAE         candidat.TypeVAE `json:"type_vae"`
	Promotion       string           `json:"promotion"`
	Date            apiDate          `json:"date"`
	BlocsVises      []string         `json:"blocs_vises"`
}

func (in apiInscriptionInput) domain(r *http.Request, now time.Time) *candidat.Inscription {
	ins := &candidat.Inscription{CertificationID: in.CertificationID, CentreID: in.CentreID, Voie: in.Voie, TypeVAE: in.TypeVAE,
		Promotion: in.Promotion, Date: in.Date.Time, BlocsVises: in.BlocsVises}
	if u := currentUser(r); u.CentreID != 0 && ins.CentreID == 0 {
		ins.CentreID = u.CentreID
	}
	if ins.Date.IsZero() {
		ins.Date = french.InParis(now)
	}
	return ins
}

func (s *Server) apiCandidats(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	rows, err := s.store.Inscriptions(r.Context(), actor(r), store.InscriptionFilter{Promotion: q.Get("promotion"), Query: q.Get("q"), Limit: 5000})
	if err != nil {
		return err
	}
	out := []apiCandidat{}
	index := map[int64]int{}
	for i := range rows {
		c := &rows[i].Candidat
		k, ok := index[c.ID]
		if !ok {
			k = len(out)
			index[c.ID] = k
			out = append(out, toAPICandidat(c))
		}
		out[k].Inscriptions = append(out[k].Inscriptions, rows[i].ID)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiCandidat(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.store.Candidat(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	out := toAPICandidat(c)
	rows, err := s.store.Inscriptions(r.Context(), actor(r), store.InscriptionFilter{CandidatID: id, Limit: 100})
	if err != nil {
		return err
	}
	for _, row := range rows {
		out.Inscriptions = append(out.Inscriptions, row.ID)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiEnrolment is the response of an enrolment: the inscription and, when an account was
// created, its one-time activation link.
type apiEnrolment struct {
	Inscription apiInscription `json:"inscription"`
	Activation  string         `json:"activation,omitempty"`
}

// POST /api/v1/candidats: {"candidat": {…}, "inscription": {…}} creates (or finds by
// identity) the candidate and enrols them.
func (s *Server) apiCandidatCreate(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Candidat    apiCandidat         `json:"candidat"`
		Inscription apiInscriptionInput `json:"inscription"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	return s.apiEnrol(w, r, in.Candidat.domain(), in.Inscription)
}

// POST /api/v1/inscriptions: enrols an existing candidate (candidat_id) again.
func (s *Server) apiInscriptionCreate(w http.ResponseWriter, r *http.Request) error {
	var in apiInscriptionInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.CandidatID == 0 {
		return fieldError("candidat_id", "Indiquez le candidat (candidat_id).")
	}
	c, err := s.store.Candidat(r.Context(), actor(r), in.CandidatID)
	if err != nil {
		return err
	}
	return s.apiEnrol(w, r, c, in)
}

func (s *Server) apiEnrol(w http.ResponseWriter, r *http.Request, c *candidat.Candidat, in apiInscriptionInput) error {
	ins := in.domain(r, s.now())
	if ins.CertificationID == 0 {
		certs, err := s.store.Certifications(r.Context())
		if err != nil {
			return err
		}
		if len(certs) > 0 {
			ins.CertificationID = certs[0].ID
		}
	}
	tok, err := s.store.Inscrire(r.Context(), actor(r), c, ins)
	if err != nil {
		return err
	}
	row, err := s.store.Inscription(r.Context(), actor(r), ins.ID)
	if err != nil {
		return err
	}
	out := apiEnrolment{Inscription: toAPIInscription(row, nil)}
	if tok != "" {
		out.Activation = s.activationURL(tok)
	}
	w.Header().Set("Location", "/api/v1/inscriptions/"+itoa64(ins.ID))
	noCompress(w)
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// apiInscription is an inscription with (not VAE) the livret's summary.
type apiInscription struct {
	ID              int64            `json:"id"`
	CandidatID      int64            `json:"candidat_id"`
	Candidat        string           `json:"candidat"`
	CertificationID int64            `json:"certification_id"`
	Version         int              `json:"version"`
	CentreID        int64            `json:"centre_id"`
	Voie            candidat.Voie    `json:"voie"`
	TypeVAE         candidat.TypeVAE `json:"type_vae"`
	Promotion       string           `json:"promotion"`
	Date            apiDate          `json:"date"`
	BlocsVises      []string         `json:"blocs_vises"`
	Statut          candidat.Statut  `json:"statut"`
	Livret          *apiLivret       `json:"livret"`
}

type apiLivret struct {
	Blocs []apiBlocState `json:"blocs"`
}

type apiBlocState struct {
	Code        string          `json:"code"`
	Valide      bool            `json:"valide"`
	Projet      *apiProjet      `json:"projet"`
	Competences []apiCompetence `json:"competences"`
}

type apiCompetence struct {
	Code               string      `json:"code"`
	Etat               livret.Etat `json:"etat"`
	DerniereEvaluation *int64      `json:"derniere_evaluation"`
	Evaluations        int         `json:"evaluations"`
}

type apiProjet struct {
	Titre       string          `json:"titre"`
	URL         string          `json:"url"`
	SoumisLe    time.Time       `json:"soumis_le"`
	Decision    livret.Decision `json:"decision"`
	Commentaire string          `json:"commentaire"`
}

func toAPIInscription(row *store.InscriptionRow, blocs []livret.BlocState) apiInscription {
	out := apiInscription{ID: row.ID, CandidatID: row.CandidatID, Candidat: row.Candidat.NomAffiche(), CertificationID: row.CertificationID,
		Version: row.Version, CentreID: row.CentreID, Voie: row.Voie, TypeVAE: row.TypeVAE, Promotion: row.Promotion,
		Date: apiDate{row.Date}, BlocsVises: append([]string{}, row.BlocsVises...), Statut: row.Statut}
	if blocs == nil { // no livret: not yet loaded, or no in-training evaluation (R2)
		return out
	}
	out.Livret = &apiLivret{Blocs: []apiBlocState{}}
	for _, b := range blocs {
		ab := apiBlocState{Code: b.Code, Valide: b.Valide, Competences: []apiCompetence{}}
		if p := b.Projet; p != nil {
			ab.Projet = &apiProjet{Titre: p.Titre, URL: p.URL, SoumisLe: p.SoumisLe.UTC(), Decision: p.Decision, Commentaire: p.Commentaire}
		}
		for _, c := range b.Competences {
			ac := apiCompetence{Code: c.Code, Etat: c.Etat, Evaluations: len(c.Historique)}
			if c.Derniere != nil {
				id := c.Derniere.ID
				ac.DerniereEvaluation = &id
			}
			ab.Competences = append(ab.Competences, ac)
		}
		out.Livret.Blocs = append(out.Livret.Blocs, ab)
	}
	return out
}

func (s *Server) apiInscription(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadInscription(r, true)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIInscription(d.Ins, d.Blocs))
	return nil
}

// apiEvaluation is an entry of the livret in the API.
type apiEvaluation struct {
	ID            int64                      `json:"id"`
	InscriptionID int64                      `json:"inscription_id"`
	Competence    string                     `json:"competence,omitempty"`
	Competences   []string                   `json:"competences"`
	Forme         referentiel.Forme          `json:"forme"`
	Date          apiDate                    `json:"date"`
	EvaluateurID  int64                      `json:"evaluateur_id"`
	Evaluateur    string                     `json:"evaluateur"`
	Criteres      map[string]livret.Resultat `json:"criteres"`
	Score         *float64                   `json:"score"`
	Bareme        *float64                   `json:"bareme"`
	Seuil         *float64                   `json:"seuil"`
	Commentaire   string                     `json:"commentaire"`
	Remplace      int64                      `json:"remplace"`
	RemplaceePar  int64                      `json:"remplacee_par"`
	ModuleID      int64                      `json:"module_id"`
	Module        string                     `json:"module"`
	MotifForme    string                     `json:"motif_forme"`
	CreatedAt     time.Time                  `json:"created_at"`
}

func toAPIEvaluation(e *livret.Evaluation) apiEvaluation {
	crit := e.Criteres
	if crit == nil {
		crit = map[string]livret.Resultat{}
	}
	// Entries saved before lists were deduplicated may repeat a compétence: list it once.
	return apiEvaluation{ID: e.ID, InscriptionID: e.InscriptionID, Competences: referentiel.UniqueCodes(e.Competences), Forme: e.Forme, Date: apiDate{e.Date},
		EvaluateurID: e.EvaluateurID, Evaluateur: e.Evaluateur, Criteres: crit, Score: e.Score, Bareme: e.Bareme, Seuil: e.Seuil,
		Commentaire: e.Commentaire, Remplace: e.Remplace, RemplaceePar: e.RemplaceePar, ModuleID: e.ModuleID, Module: e.Module, MotifForme: e.MotifForme,
		CreatedAt: e.CreatedAt.UTC()}
}

func (s *Server) apiEvaluations(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	evals, err := s.store.Evaluations(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	out := make([]apiEvaluation, 0, len(evals))
	for i := range evals {
		out = append(out, toAPIEvaluation(&evals[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// POST /api/v1/inscriptions/{id}/evaluations.
func (s *Server) apiEvaluationCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.requireTraining(r); err != nil {
		return err
	}
	var in apiEvaluation
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	e := &livret.Evaluation{InscriptionID: id, Competences: in.Competences, Forme: in.Forme, Date: in.Date.Time, EvaluateurID: in.EvaluateurID,
		Criteres: in.Criteres, Score: in.Score, Bareme: in.Bareme, Seuil: in.Seuil, Commentaire: in.Commentaire, Remplace: in.Remplace,
		ModuleID: in.ModuleID, MotifForme: in.MotifForme}
	if in.Competence != "" {
		e.Competences = append([]string{in.Competence}, e.Competences...)
	}
	if e.Criteres == nil {
		e.Criteres = map[string]livret.Resultat{}
	}
	if err := s.store.AddEvaluation(r.Context(), actor(r), e, nil); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/inscriptions/"+itoa64(id)+"/evaluations")
	writeJSON(w, http.StatusCreated, toAPIEvaluation(e))
	return nil
}

// POST /api/v1/inscriptions/{id}/blocs/{code}/projet.
func (s *Server) apiProjetSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.requireTraining(r); err != nil {
		return err
	}
	var in struct {
		Titre       string `json:"titre"`
		Description string `json:"description"`
		URL         string `json:"url"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p := &livret.Projet{InscriptionID: id, Bloc: r.PathValue("code"), Titre: in.Titre, Description: in.Description, URL: in.URL}
	if err := s.store.SubmitProjet(r.Context(), actor(r), p); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, apiProjet{Titre: p.Titre, URL: p.URL, SoumisLe: p.SoumisLe.UTC(), Decision: p.Decision})
	return nil
}

// POST /api/v1/inscriptions/{id}/blocs/{code}/projet/decision.
func (s *Server) apiProjetDecide(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.requireTraining(r); err != nil {
		return err
	}
	var in struct {
		Decision    livret.Decision `json:"decision"`
		Commentaire string          `json:"commentaire"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.store.DecideProjet(r.Context(), actor(r), id, r.PathValue("code"), in.Decision, in.Commentaire); err != nil {
		return err
	}
	projets, err := s.store.Projets(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	for _, p := range projets {
		if p.Bloc == r.PathValue("code") {
			writeJSON(w, http.StatusOK, apiProjet{Titre: p.Titre, URL: p.URL, SoumisLe: p.SoumisLe.UTC(), Decision: p.Decision, Commentaire: p.Commentaire})
			return nil
		}
	}
	return apperr.NotFound
}

// POST /api/v1/import/candidats: the file as multipart "fichier" (with "centre" for an
// admin), or as the raw body (text/csv or XLSX) with ?centre=.
func (s *Server) apiImport(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	centreID := u.CentreID
	if v := r.URL.Query().Get("centre"); v != "" && u.CentreID == 0 {
		centreID, _ = strconv.ParseInt(v, 10, 64)
	}
	release, err := s.takeImportSlot() // before reading the body: a busy server reads none of it
	if err != nil {
		w.Header().Set("Retry-After", "60")
		w.Header().Set("Connection", "close")
		writeJSON(w, http.StatusTooManyRequests, struct {
			Error apiError `json:"error"`
		}{apiError{Code: "too_many_requests", Message: msgImportBusy}})
		return nil
	}
	defer release()
	var res store.ImportResult
	var info importInfo
	if ct := r.Header.Get("Content-Type"); len(ct) >= 19 && ct[:19] == "multipart/form-data" {
		cleanup, perr := parseUpload(w, r, maxImportSize+1<<20, "fichier")
		defer cleanup()
		if perr != nil {
			return perr
		}
		if v := r.FormValue("centre"); v != "" && u.CentreID == 0 {
			centreID, _ = strconv.ParseInt(v, 10, 64)
		}
		f, hdr, ferr := r.FormFile("fichier")
		if ferr != nil {
			return fieldError("fichier", "Joignez le fichier (champ « fichier »).")
		}
		defer f.Close()
		if centreID == 0 {
			return fieldError("centre", "Indiquez le centre (centre).")
		}
		res, info, err = s.runImport(r, centreID, f, hdr.Filename)
	} else {
		if centreID == 0 {
			return fieldError("centre", "Indiquez le centre (?centre=).")
		}
		name := "import.csv"
		if ct == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			name = "import.xlsx"
		}
		res, info, err = s.runImport(r, centreID, http.MaxBytesReader(w, r.Body, maxImportSize+1<<20), name)
	}
	if err != nil {
		return err
	}
	out := struct {
		Created      int `json:"created"`
		Existing     int `json:"existing"`
		NewCandidats int `json:"new_candidats"`
		// Encodage is how a CSV was read: "UTF-8" or "Windows-1252" (French Excel's CSV).
		Encodage    string `json:"encodage"`
		Activations []struct {
			Ligne int    `json:"ligne"`
			Email string `json:"email"`
			Lien  string `json:"lien"`
		} `json:"activations"`
	}{Created: res.Created, Existing: res.Existing, NewCandidats: res.NewCandidats, Encodage: string(info.encoding)}
	for _, a := range res.Activations {
		out.Activations = append(out.Activations, struct {
			Ligne int    `json:"ligne"`
			Email string `json:"email"`
			Lien  string `json:"lien"`
		}{a.Line, a.Email, s.activationURL(a.Token)})
	}
	noCompress(w)
	writeJSON(w, http.StatusOK, out)
	return nil
}
