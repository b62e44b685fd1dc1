package web

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/gabriel-vasile/mimetype"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
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

// saveUpload sniffs, caps and stores one uploaded file, and records its metadata.
func (s *Server) saveUpload(r *http.Request, fh *multipart.FileHeader) (int64, error) {
	return s.saveUploadAs(r, fh, actor(r))
}

// saveUploadAs is saveUpload on behalf of act (the zero Actor for a tutor's one-time link).
func (s *Server) saveUploadAs(r *http.Request, fh *multipart.FileHeader, act account.Actor) (int64, error) {
	if fh.Size > maxUpload {
		return 0, fieldError("fichiers", fmt.Sprintf("« %s » dépasse %d Mo.", cleanName(fh.Filename), maxUpload>>20))
	}
	f, err := fh.Open()
	if err != nil {
		return 0, err
	}
	defer f.Close()
	head := make([]byte, 3072)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return 0, err
	}
	head = head[:n]
	mt := mimetype.Detect(head)
	base := strings.TrimSpace(strings.SplitN(mt.String(), ";", 2)[0])
	if _, ok := allowedTypes[base]; !ok {
		return 0, fieldError("fichiers", fmt.Sprintf("« %s » n'est pas d'un format accepté (PDF, image, document bureautique).", cleanName(fh.Filename)))
	}
	key, size, sum, err := s.cfg.Blobs.Put(r.Context(), io.MultiReader(bytes.NewReader(head), f), maxUpload)
	if err != nil {
		return 0, err
	}
	meta := &store.File{Nom: cleanName(fh.Filename), MIME: base, Taille: size, SHA256: sum}
	if err := s.store.SaveFile(r.Context(), act, meta, key); err != nil {
		_ = s.cfg.Blobs.Delete(key)
		return 0, err
	}
	return meta.ID, nil
}

// cleanName keeps a displayable base name of an uploaded file.
func cleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '/' {
			return -1
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 120 {
		name = string(r[:120])
	}
	if name == "" || name == "." {
		name = "fichier"
	}
	return name
}

// parseEvidenceForm parses the evaluation form (multipart) and stores its evidence files.
func (s *Server) parseEvidenceForm(w http.ResponseWriter, r *http.Request) ([]int64, Form, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploads*maxUpload+1<<20)
	f := newForm()
	if err := parseMultipart(r, 8<<20); err != nil {
		return nil, f, fmt.Errorf("evaluation form: %w", apperr.Invalid)
	}
	for _, k := range []string{"competence", "forme", "date", "commentaire", "remplace", "score", "bareme", "seuil"} {
		f.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	var ids []int64
	files := r.MultipartForm.File["fichiers"]
	if len(files) > maxUploads {
		f.Errors["fichiers"] = fmt.Sprintf("%d fichiers au plus.", maxUploads)
		return nil, f, nil
	}
	for _, fh := range files {
		id, err := s.saveUpload(r, fh)
		if err != nil {
			if !f.absorb(err) {
				return nil, f, err
			}
			continue
		}
		ids = append(ids, id)
	}
	return ids, f, nil
}

// fileDownload serves an uploaded file to whoever may read what it is attached to.
func (s *Server) fileDownload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	meta, key, err := s.store.FileByID(r.Context(), actor(r), id)
	if err != nil {
		return err
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
