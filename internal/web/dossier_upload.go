package web

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gabriel-vasile/mimetype"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/input"
	"github.com/certif/certif/internal/store"
)

// The pieces of the dossier are received as a stream: the multipart part (or the raw body) is
// sniffed from its first bytes, then copied straight into blob storage under the kind's size
// cap. Nothing is parsed with ParseMultipartForm, so a 500 MB video never sits in memory nor in
// a temporary multipart file; the only copy is the blob's own temporary file, renamed into
// place once complete.

// Default size caps of the pieces (Config.MaxDocumentBytes, Config.MaxVideoBytes) and of a
// whole dossier, every version of every piece counted (Config.MaxDossierBytes).
const (
	DefaultMaxDocumentBytes = 50 << 20
	DefaultMaxVideoBytes    = 500 << 20
	DefaultMaxDossierBytes  = 2 << 30
)

// pieceUploadTime is how long a client may take to send one piece: a 500 MB video on a slow
// line needs more than the server's read timeout of ordinary requests.
const pieceUploadTime = 30 * time.Minute

// errTooLarge is a body or a piece over its size cap: 413, with the French message on the
// field (bodyTooLarge in errors.go for forms, tooLarge here for the dossier's pieces).
var errTooLarge = errors.New("piece too large")

// The sniffed types a piece may have.
const (
	mimePDF  = "application/pdf"
	mimeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	mimeODT  = "application/vnd.oasis.opendocument.text"
	mimePPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	mimeODP  = "application/vnd.oasis.opendocument.presentation"
	mimeMP4  = "video/mp4"
	mimeMOV  = "video/quicktime"
	mimeWebM = "video/webm"
)

// pieceFormats are the accepted sniffed types of each kind of piece, with their French
// description for the refusal message and the page's hint: what the readers can measure
// (PDF, DOCX, PPTX, MP4/MOV/WebM), and for the dossier professionnel the usual documents and,
// for the letters and supporting documents, their scans.
func pieceFormats(k dossier.Kind) (types []string, described string) {
	docs := []string{mimePDF, mimeDOCX, mimeODT}
	scans := []string{"image/png", "image/jpeg", "image/webp"}
	switch k {
	case dossier.KindCV, dossier.KindBrief:
		return docs, "PDF, Word (DOCX) ou OpenDocument (ODT)"
	case dossier.KindJustificatif, dossier.KindLettreEntreprise, dossier.KindAutorisationConfidentialite:
		return append(docs, scans...), "PDF, Word (DOCX), OpenDocument (ODT) ou image numérisée (PNG, JPEG, WebP)"
	case dossier.KindDossierTechnique, dossier.KindStrategie, dossier.KindCahierDesCharges:
		return []string{mimePDF, mimeDOCX}, "PDF ou Word (DOCX)"
	case dossier.KindSupportPresentation:
		return []string{mimePDF, mimePPTX, mimeODP}, "PDF, PowerPoint (PPTX) ou OpenDocument (ODP)"
	case dossier.KindVideo:
		return []string{mimeMP4, mimeMOV, mimeWebM}, "MP4, MOV ou WebM"
	}
	return nil, ""
}

// pieceAccept is the accept attribute of a kind's file input (a hint to the browser; the
// server sniffs the bytes whatever the browser sends).
func pieceAccept(k dossier.Kind) string {
	types, _ := pieceFormats(k)
	var exts []string
	for _, t := range types {
		exts = append(exts, typeExtensions[t]...)
	}
	return strings.Join(exts, ",")
}

// pieceLimit is the size cap of kind k.
func (s *Server) pieceLimit(k dossier.Kind) int64 {
	if k == dossier.KindVideo {
		return s.cfg.MaxVideoBytes
	}
	return s.cfg.MaxDocumentBytes
}

// tooLarge is the error of a piece over limit: 413, the French message on field "fichier".
func tooLarge(limit int64) error {
	v := apperr.NewValidation()
	v.Add("fichier", fmt.Sprintf("Le fichier dépasse la taille maximale de %d Mo pour cette pièce.", limit>>20))
	return fmt.Errorf("%w: %w", errTooLarge, v)
}

// overQuota is the refusal of a piece that would take dossier d over its quota (every
// version of every piece counted): 413, the French message on field "fichier".
func (s *Server) overQuota(d *store.Dossier, size int64) error {
	if d.Taille()+size <= s.cfg.MaxDossierBytes {
		return nil
	}
	v := apperr.NewValidation()
	v.Add("fichier", fmt.Sprintf("Le dossier ne peut pas dépasser %s, toutes les versions de toutes les pièces comprises : ce fichier n’y tient plus (déjà %d Mo déposés).",
		french.Bytes(s.cfg.MaxDossierBytes), d.Taille()>>20))
	return fmt.Errorf("%w: %w", errTooLarge, v)
}

// errDossierLocked is the refusal of a write to a closed dossier (409), with the store's
// French sentence (« Le dossier est clos depuis le 15 mars 2027 à 0 h (heure de Paris) : … »).
func errDossierLocked(d *store.Dossier) error {
	e := &store.ClosedError{InscriptionID: d.InscriptionID}
	if d.ClosesAt != nil {
		e.Since = *d.ClosesAt
	}
	return e
}

// openDossier loads the dossier of inscription {id} for a write: the cheap check made before
// any byte of a body is read (404 for an inscription the actor may not know, 409 when closed).
func (s *Server) openDossier(r *http.Request) (*store.Dossier, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	d, err := s.store.Dossier(r.Context(), actor(r), id)
	if err != nil {
		return nil, err
	}
	if d.Verrouille {
		return d, errDossierLocked(d)
	}
	return d, nil
}

// pathKind reads the {kind} of the route: one of the kinds a person deposits, else 404.
func pathKind(r *http.Request) (dossier.Kind, error) {
	k := dossier.Kind(r.PathValue("kind"))
	if !dossier.Uploadable(k) {
		return "", fmt.Errorf("piece kind %q: %w", k, apperr.NotFound)
	}
	return k, nil
}

// incomingPiece is a piece being received: its cleaned name, sniffed type, and the stream of
// its bytes (the sniffed head included).
type incomingPiece struct {
	name        string
	mime        string
	body        io.Reader
	annexesPage int
}

// receivePiece stores a new version of piece kind of dossier d from the request: multipart
// (the part "fichier", optional value "annexes_page" before it) or the raw body with its
// Content-Type; "annexes_page" may also be a query parameter. It streams, sniffs, stores,
// measures and records the piece (store.AddPiece), deleting the bytes again when the store
// refuses them. Errors: *apperr.Validation on "fichier" or "annexes_page" (422), errTooLarge
// with a validation on "fichier" (413), errTooMany with one on "fichier" (429) while the
// person's previous deposit is under way, or the store's. The measure waits for a free slot
// of the server's (Config.MeasureSlots) as long as the request lives.
func (s *Server) receivePiece(w http.ResponseWriter, r *http.Request, d *store.Dossier, kind dossier.Kind) (*store.Piece, error) {
	user := actor(r).UserID
	if !s.deposits.begin(user) { // one deposit at a time a person, refused before its body is read
		return nil, errDepositBusy()
	}
	defer s.deposits.end(user)
	limit := s.pieceLimit(kind)
	// The server's read and write timeouts suit ordinary requests; a piece may take longer
	// (the write deadline too: net/http starts it when the request's headers are read).
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(pieceUploadTime))
	_ = rc.SetWriteDeadline(time.Now().Add(pieceUploadTime + time.Minute))
	// The multipart envelope adds a few hundred bytes around the file; the blob's own cap is
	// the exact one.
	body := &watchedBody{ReadCloser: http.MaxBytesReader(w, r.Body, limit+64<<10)}
	r.Body = body
	// Refused before a byte is read: a body announced over the cap, a kind at its last
	// version, a body announced over the quota (the multipart envelope's few hundred bytes are
	// allowed for).
	if r.ContentLength > limit+64<<10 {
		w.Header().Set("Connection", "close") // the body is not read
		return nil, tooLarge(limit)
	}
	if d.Versions(kind) >= dossier.MaxVersions {
		return nil, store.ErrMaxVersions()
	}
	if err := s.overQuota(d, r.ContentLength-64<<10); r.ContentLength > 0 && err != nil {
		return nil, err
	}
	in, err := readPieceHead(r, kind)
	if err != nil {
		return nil, body.gone(overLimit(err, limit))
	}
	key, size, sum, err := s.cfg.Blobs.Put(r.Context(), in.body, limit)
	if err != nil {
		if errors.Is(err, apperr.Invalid) { // over the cap (blob.Put's own validation)
			return nil, tooLarge(limit)
		}
		return nil, body.gone(overLimit(err, limit))
	}
	if err := s.overQuota(d, size); err != nil {
		if derr := s.cfg.Blobs.Delete(key); derr != nil {
			s.log.Warn("discard piece over quota", "err", derr)
		}
		return nil, err
	}
	var m dossier.Measure
	err = s.deposits.measure(r.Context(), func() { m = s.measurePiece(r.Context(), kind, key, size, in.mime) })
	var p *store.Piece
	if err == nil {
		f := &store.File{Nom: in.name, MIME: in.mime, Taille: size, SHA256: sum}
		p, err = s.store.AddPiece(r.Context(), actor(r), d.InscriptionID, kind, f, key, m, in.annexesPage)
	}
	if err != nil {
		if derr := s.cfg.Blobs.Delete(key); derr != nil {
			s.log.Warn("discard refused piece", "err", derr)
		}
		return nil, err
	}
	return p, nil
}

// errClientGone is a request whose client went away before its body was read whole (a
// closed connection, a deadline): nobody reads the answer, and it is no server error
// (writeError logs it at INFO).
var errClientGone = errors.New("client gone")

// watchedBody remembers the first error reading a request's body met, other than its end.
type watchedBody struct {
	io.ReadCloser
	err error
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}

// gone is err, or errClientGone when reading the body failed for another reason than its
// cap (the client disconnected or stalled past the read deadline).
func (b *watchedBody) gone(err error) error {
	var mbe *http.MaxBytesError
	if b.err == nil || errors.As(b.err, &mbe) || errors.Is(err, errTooLarge) {
		return err
	}
	return fmt.Errorf("%w: %w", errClientGone, b.err)
}

// overLimit turns a body cut by its MaxBytesReader into the 413 of the kind's cap.
func overLimit(err error, limit int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(limit)
	}
	return err
}

// readPieceHead finds the file in the request, sniffs its type and checks it against kind's
// formats; the returned body still yields every byte of the file.
func readPieceHead(r *http.Request, kind dossier.Kind) (*incomingPiece, error) {
	in := &incomingPiece{}
	annexes := r.URL.Query().Get("annexes_page")
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, fieldError("fichier", multipartMessage(err))
		}
		part, value, err := filePart(mr)
		if err != nil {
			return nil, err
		}
		if a := value["annexes_page"]; a != "" {
			annexes = a
		}
		in.name, in.body = part.FileName(), part
	} else {
		in.body = r.Body
		if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition")); err == nil {
			in.name = params["filename"]
		}
		if in.name == "" {
			in.name = r.URL.Query().Get("nom")
		}
	}
	if err := in.setAnnexes(annexes); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(in.body, 3072)
	head, err := br.Peek(3072)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	if len(head) == 0 {
		return nil, fieldError("fichier", "Le fichier est vide : choisissez le fichier à déposer.")
	}
	in.body = br
	in.mime = strings.TrimSpace(strings.SplitN(mimetype.Detect(head).String(), ";", 2)[0])
	types, described := pieceFormats(kind)
	name := input.FileName(input.Clean(in.name, false))
	ok := false
	for _, t := range types {
		ok = ok || t == in.mime
	}
	if in.mime == mimePDF && !pdfAtStart(head) { // the sniffer finds %PDF- anywhere in the first kilobyte
		ok = false
	}
	if !ok {
		return nil, fieldError("fichier", fmt.Sprintf("« %s » n’est pas d’un format accepté pour cette pièce, qui attend %s ; son contenu a été vérifié, pas seulement son nom.", name, described))
	}
	if strings.TrimSpace(in.name) == "" {
		in.name = string(kind)
	}
	in.name = input.FileName(input.Clean(in.name, false), typeExtensions[in.mime]...)
	return in, nil
}

// pdfAtStart reports whether head starts as a PDF does: « %PDF- » at its first byte, after
// an optional UTF-8 byte order mark (an HTML page with %PDF- further down is no PDF).
func pdfAtStart(head []byte) bool {
	return bytes.HasPrefix(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), []byte("%PDF-"))
}

// setAnnexes reads the page where the annexes start ("" for none).
func (in *incomingPiece) setAnnexes(v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 10000 {
		return fieldError("annexes_page", "Page de début des annexes : un numéro de page (1, 2, …), ou rien s’il n’y a pas d’annexes.")
	}
	in.annexesPage = n
	return nil
}

// maxFormValue bounds a text part read before the file part of a piece's form.
const maxFormValue = 1 << 10

// filePart reads the parts of mr up to the one named "fichier", keeping the short text values
// met before it (annexes_page, the CSRF-free form's others are ignored); every other file part
// is skipped. Errors: a validation on "fichier" when the form has no file.
func filePart(mr *multipart.Reader) (*multipart.Part, map[string]string, error) {
	values := map[string]string{}
	for i := 0; i < 20; i++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		if part.FormName() == "fichier" && part.FileName() != "" {
			return part, values, nil
		}
		b, err := io.ReadAll(io.LimitReader(part, maxFormValue+1))
		if err != nil {
			return nil, nil, err
		}
		if part.FileName() == "" && len(b) <= maxFormValue {
			values[part.FormName()] = input.Clean(string(b), false)
		}
	}
	return nil, nil, fieldError("fichier", "Choisissez le fichier à déposer.")
}

// measurableKinds are the pieces whose content the conformity report reads.
var measurableKinds = map[dossier.Kind]bool{dossier.KindDossierTechnique: true, dossier.KindStrategie: true,
	dossier.KindCahierDesCharges: true, dossier.KindVideo: true, dossier.KindSupportPresentation: true}

// measurePiece measures a stored piece once, when it is deposited, with the bounded readers of
// package inspect (a document's pages, characters and headings; a video's duration). The
// other kinds are only checked for presence.
func (s *Server) measurePiece(ctx context.Context, kind dossier.Kind, key string, size int64, mimeType string) dossier.Measure {
	if !measurableKinds[kind] {
		return dossier.Measure{}
	}
	rc, err := s.cfg.Blobs.Open(key)
	if err != nil {
		return dossier.Measure{Reason: "Le fichier n’a pas pu être relu pour être mesuré."}
	}
	defer rc.Close()
	ra, ok := rc.(io.ReaderAt)
	if !ok {
		return dossier.Measure{Reason: "Le fichier n’a pas pu être relu pour être mesuré."}
	}
	return measure(ctx, kind, io.NewSectionReader(ra, 0, size), size, mimeType, s.cfg.MaxDocumentBytes)
}
