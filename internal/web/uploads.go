package web

import (
	"context"
	"errors"
	"fmt"
	"github.com/certif/certif/internal/input"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/gabriel-vasile/mimetype"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/store"
)

// maxUpload caps one uploaded file; maxUploads caps the files of one form.
const (
	maxUpload  = 20 << 20
	maxUploads = 5
)

// allowedTypes are the evidence and stamp formats accepted, by sniffed MIME type (the
// client's claim and the file name are never trusted).
var allowedTypes = map[string]string{
	"application/pdf": "PDF",
	"image/png":       "PNG",
	"image/jpeg":      "JPEG",
	"image/webp":      "WebP",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   "Word",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         "Excel",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
	"application/vnd.oasis.opendocument.text":                                   "OpenDocument",
	"text/plain": "texte",
}

// typeExtensions are the file extensions that fit each accepted type, the usual one first: a
// file is offered back under a name that says what its bytes are (input.FileName).
var typeExtensions = map[string][]string{
	"application/pdf": {".pdf"},
	"image/png":       {".png"},
	"image/jpeg":      {".jpg", ".jpeg"},
	"image/webp":      {".webp"},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   {".docx"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         {".xlsx"},
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": {".pptx"},
	"application/vnd.oasis.opendocument.text":                                   {".odt"},
	"text/plain": {".txt", ".csv", ".md"},
	// The deliverables of a project also take archives and videos (projetTypes).
	"application/zip": {".zip"}, "video/mp4": {".mp4"}, "video/webm": {".webm"}, "video/quicktime": {".mov"},
	"application/vnd.oasis.opendocument.presentation": {".odp"}, "application/vnd.oasis.opendocument.spreadsheet": {".ods"},
}

// uploadMemory is what parsing one multipart form keeps in memory; larger parts spill to
// temporary files (removed by the cleanup parseUpload returns), never a whole upload in RAM.
const uploadMemory = 1 << 20

// parseUpload is the one way an upload route reads its form: it caps r's body at limit bytes,
// parses it with parseMultipart (values cleaned; parts beyond uploadMemory spill to multipart-*
// files in the temporary directory) and returns the cleanup that removes those files, which the caller
// defers at once. The cleanup is explicit because r may be a copy of the server's request (our
// middleware adds the user to its context), whose form net/http never sees nor removes.
// On error nothing is left behind and the cleanup is a no-op; the error is a
// *apperr.Validation on field: a body over limit, or one that is not a multipart form.
func parseUpload(w http.ResponseWriter, r *http.Request, limit int64, field string) (cleanup func(), err error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := parseMultipart(r, uploadMemory); err != nil { // it removes its own files on error
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return func() {}, fieldError(field, fmt.Sprintf("L'envoi dépasse la taille maximale de %d Mo.", limit>>20))
		}
		return func() {}, fieldError(field, multipartMessage(err))
	}
	form := r.MultipartForm
	return func() { _ = form.RemoveAll() }, nil
}

// upload is one file of a form, sniffed and checked but not stored yet: forms are validated
// first and their files stored after (storeUpload).
type upload struct {
	fh    *multipart.FileHeader
	name  string // cleaned
	mime  string // sniffed
	limit int64  // the size cap it was checked against (maxUpload when 0)
}

// checkUpload checks the size and the sniffed type of fh without storing anything; problems
// are a *apperr.Validation on field.
func checkUpload(fh *multipart.FileHeader, field string) (upload, error) {
	return checkFile(fh, field, maxUpload, allowedTypes, "PDF, image, document bureautique")
}

// checkFile is checkUpload with a size cap and accepted types of its own (described, in
// French, by kinds).
func checkFile(fh *multipart.FileHeader, field string, limit int64, types map[string]string, kinds string) (upload, error) {
	u := upload{fh: fh, name: input.FileName(fh.Filename), limit: limit}
	if fh.Size > limit {
		return u, fieldError(field, fmt.Sprintf("« %s » dépasse %d Mo.", u.name, limit>>20))
	}
	f, err := fh.Open()
	if err != nil {
		return u, err
	}
	defer f.Close()
	head := make([]byte, 3072)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return u, err
	}
	u.mime = strings.TrimSpace(strings.SplitN(mimetype.Detect(head[:n]).String(), ";", 2)[0])
	if _, ok := types[u.mime]; !ok {
		return u, fieldError(field, fmt.Sprintf("« %s » n'est pas d'un format accepté (%s).", u.name, kinds))
	}
	u.name = input.FileName(fh.Filename, typeExtensions[u.mime]...)
	return u, nil
}

// checkUploads checks every file of form field field (at most maxUploads), storing nothing;
// the problems go to f.Errors[field].
func checkUploads(r *http.Request, f *Form, field string) ([]upload, error) {
	fhs := r.MultipartForm.File[field]
	if len(fhs) > maxUploads {
		f.Errors[field] = fmt.Sprintf("%d fichiers au plus.", maxUploads)
		return nil, nil
	}
	var out []upload
	for _, fh := range fhs {
		u, err := checkUpload(fh, field)
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

// storeUpload streams u from its multipart part into blob storage and records its metadata
// through save (store.SaveFile or store.SaveStageFile, which set the owner), removing the
// bytes again when save refuses them. It returns the new file's id.
func (s *Server) storeUpload(r *http.Request, u upload, save func(*store.File, string) error) (int64, error) {
	f, err := u.fh.Open()
	if err != nil {
		return 0, err
	}
	defer f.Close()
	limit := u.limit
	if limit <= 0 {
		limit = maxUpload
	}
	key, size, sum, err := s.cfg.Blobs.Put(r.Context(), f, limit)
	if err != nil {
		return 0, err
	}
	meta := &store.File{Nom: u.name, MIME: u.mime, Taille: size, SHA256: sum}
	if err := save(meta, key); err != nil {
		_ = s.cfg.Blobs.Delete(key)
		return 0, err
	}
	return meta.ID, nil
}

// storeUploads stores every upload as evidence of act (see storeUpload); when one fails, those
// already stored are discarded and the error returned.
func (s *Server) storeUploads(r *http.Request, act account.Actor, ups []upload) ([]int64, error) {
	return s.storeOwned(r, act, ups, store.OwnerEvaluation)
}

// storeOwned stores every upload as a pending file of owner kind kind uploaded by act (see
// storeUploads).
func (s *Server) storeOwned(r *http.Request, act account.Actor, ups []upload, kind string) ([]int64, error) {
	var ids []int64
	for _, u := range ups {
		id, err := s.storeUpload(r, u, func(f *store.File, key string) error {
			f.OwnerKind = kind
			return s.store.SaveFile(r.Context(), act, f, key)
		})
		if err != nil {
			s.discardUploads(r, act, ids)
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// discardUploads deletes files just stored by act whose owner's record was then refused
// (row and bytes); what cannot be deleted now is left to the sweeper (store.SweepFiles).
func (s *Server) discardUploads(r *http.Request, act account.Actor, ids []int64) {
	ctx := context.WithoutCancel(r.Context()) // clean up even when the client went away
	for _, id := range ids {
		key, err := s.store.DiscardFile(ctx, act, id)
		if err == nil && key != "" {
			err = s.cfg.Blobs.Delete(key)
		}
		if err != nil {
			s.log.Warn("discard upload", "file", id, "err", err)
		}
	}
}

// parseEvidenceForm parses the evaluation form (multipart) and checks its evidence files,
// storing nothing (evaluationCreate stores them once the evaluation is valid); the caller
// defers the returned cleanup.
func (s *Server) parseEvidenceForm(w http.ResponseWriter, r *http.Request) ([]upload, Form, func(), error) {
	f := newForm()
	cleanup, err := parseUpload(w, r, maxUploads*maxUpload+1<<20, "fichiers")
	if err != nil {
		return nil, f, cleanup, err
	}
	for _, k := range []string{"competence", "forme", "date", "commentaire", "remplace", "score", "bareme", "seuil", "module", "motif_forme"} {
		f.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	ups, err := checkUploads(r, &f, "fichiers")
	return ups, f, cleanup, err
}

// fileDownload serves an uploaded file to whoever may read what it is attached to; a
// dossier's piece is journalled first (file.download).
func (s *Server) fileDownload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	meta, key, err := s.store.FileByID(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	if meta.OwnerKind == store.OwnerPiece { // every download of a dossier's piece is journalled
		if err := s.store.AuditDownload(r.Context(), actor(r), meta); err != nil {
			return err
		}
	}
	rc, err := s.cfg.Blobs.Open(key)
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", meta.MIME)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename*=UTF-8''%s", urlPathEscape(meta.Nom)))
	w.Header().Set("Content-Security-Policy", "sandbox")
	http.ServeContent(w, r, "", meta.CreatedAt, rc)
	return nil
}

func urlPathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
