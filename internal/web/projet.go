package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/livret"
	"github.com/certif/certif/internal/store"
)

// maxProjetFile caps one deliverable of an end-of-bloc project (a video of the blog, a zip of
// the mock-ups): far above an evidence file, so it is always spilled to disk, never in memory.
const maxProjetFile = 100 << 20

// projetTypes are the deliverable formats accepted, by sniffed type: the evidence formats,
// archives and the videos R7 asks for.
var projetTypes = func() map[string]string {
	m := map[string]string{
		"application/zip": "ZIP", "video/mp4": "MP4", "video/webm": "WebM", "video/quicktime": "QuickTime",
		"application/vnd.oasis.opendocument.presentation": "OpenDocument", "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument",
	}
	for k, v := range allowedTypes {
		m[k] = v
	}
	return m
}()

// projetSubmit records the end-of-bloc project of bloc {bloc}, with its deliverable files when
// the form is multipart (the livret's form); an urlencoded post (older clients) has none.
// The form and the files are checked first, the files stored after, and discarded again when
// the store refuses the project.
func (s *Server) projetSubmit(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadTraining(w, r, true)
	if d == nil {
		return err // VAE: the file and its notice were shown (R2), or the error
	}
	keys := []string{"titre", "description", "url"}
	f := newForm()
	var ups []upload
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		cleanup, err := parseUpload(w, r, store.MaxProjetFilesPerSubmission*maxProjetFile+1<<20, "fichiers")
		defer cleanup()
		if err == nil {
			for _, k := range keys {
				f.Values[k] = strings.TrimSpace(r.PostFormValue(k))
			}
			ups, err = checkProjetFiles(r, &f)
		}
		if err != nil && !f.absorb(err) {
			return err
		}
	} else if f, err = parseForm(r, keys...); err != nil {
		return err
	}
	pr := &livret.Projet{InscriptionID: d.Ins.ID, Bloc: r.PathValue("bloc"), Titre: f.Values["titre"], Description: f.Values["description"], URL: f.Values["url"]}
	if err := pr.ValidateSubmission(); err != nil && !f.absorb(err) {
		return err
	}
	refuse := func() error {
		p := &LivretPage{InscriptionPage: s.pageFor(r, "livret.title", d), Form: f, Bloc: pr.Bloc}
		if err := s.livretFiles(r, p); err != nil {
			return err
		}
		return s.render(w, http.StatusUnprocessableEntity, "livret", p)
	}
	if f.HasErrors() {
		return refuse()
	}
	ids, err := s.storeOwned(r, actor(r), ups, store.OwnerProjet)
	if err != nil {
		if f.absorb(err) {
			return refuse()
		}
		return err
	}
	if err := s.store.SubmitProjetFiles(r.Context(), actor(r), pr, ids); err != nil {
		s.discardUploads(r, actor(r), ids)
		if f.absorb(err) {
			return refuse()
		}
		return err
	}
	return s.redirectFlash(w, r, s.msg(r, "projet.submitted"), fmt.Sprintf("/inscriptions/%d/livret#projet-%s", d.Ins.ID, pr.Bloc))
}

// checkProjetFiles checks the deliverables of the form (field "fichiers"), storing nothing.
func checkProjetFiles(r *http.Request, f *Form) ([]upload, error) {
	var out []upload
	fhs := r.MultipartForm.File["fichiers"]
	if len(fhs) > store.MaxProjetFilesPerSubmission {
		f.Errors["fichiers"] = fmt.Sprintf("%d fichiers au plus par envoi.", store.MaxProjetFilesPerSubmission)
		return nil, nil
	}
	for _, fh := range fhs {
		if fh.Size == 0 && fh.Filename == "" {
			continue // the browser's empty file input
		}
		u, err := checkFile(fh, "fichiers", maxProjetFile, projetTypes, "PDF, image, document bureautique, ZIP, vidéo MP4, WebM ou MOV")
		if err != nil {
			if !f.absorb(err) {
				return nil, err
			}
			continue
		}
		out = append(out, u)
	}
	return out, nil
}

// projetFileRemove takes a deliverable off a project before the référent's decision (« Retirer »).
func (s *Server) projetFileRemove(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadTraining(w, r, true)
	if d == nil {
		return err // VAE: the file and its notice were shown (R2), or the error
	}
	fileID, err := pathID(r, "fichier")
	if err != nil {
		return err
	}
	bloc := r.PathValue("bloc")
	key, err := s.store.RemoveProjetFile(r.Context(), actor(r), d.Ins.ID, bloc, fileID)
	if err != nil {
		f := newForm()
		if f.absorb(err) {
			p := &LivretPage{InscriptionPage: s.pageFor(r, "livret.title", d), Form: f, Bloc: bloc}
			if err := s.livretFiles(r, p); err != nil {
				return err
			}
			return s.render(w, http.StatusUnprocessableEntity, "livret", p)
		}
		return err
	}
	if err := s.cfg.Blobs.Delete(key); err != nil {
		s.log.Warn("remove deliverable", "file", fileID, "err", err) // the record is gone: nobody reads it
	}
	return s.redirectFlash(w, r, s.msg(r, "projet.file_removed"), fmt.Sprintf("/inscriptions/%d/livret#projet-%s", d.Ins.ID, bloc))
}

// Size formats a file size the French way: « 350 Ko », « 12,4 Mo » (french.Bytes).
func (p *LivretPage) Size(n int64) string { return french.Bytes(n) }
