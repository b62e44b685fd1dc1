package web

import (
	"fmt"
	"net/http"

	"github.com/certif/certif/internal/store"
)

// sessionErrorWriter sits between scs's LoadAndSave and the client. scs commits the session
// when the handler first writes (WriteHeader or Write) and, when that commit fails, calls
// ErrorFunc with this writer and then goes on writing the handler's own status and body.
// Once sessionError has written the error page, those are dropped: the client gets the error
// page alone, not a page appended after it with a "superfluous WriteHeader" in the log.
type sessionErrorWriter struct {
	http.ResponseWriter
	failed bool
}

// WriteHeader passes code on unless the error page was written.
func (w *sessionErrorWriter) WriteHeader(code int) {
	if !w.failed {
		w.ResponseWriter.WriteHeader(code)
	}
}

// Write passes b on unless the error page was written (then it pretends to have written it).
func (w *sessionErrorWriter) Write(b []byte) (int, error) {
	if w.failed {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *sessionErrorWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withSessionErrors wraps next (LoadAndSave) so that sessionError can close the response, and
// gives the session store a place to remember the session it reads (store.WithSessionRead):
// scs's commit at the end of the request then costs no second read.
func withSessionErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&sessionErrorWriter{ResponseWriter: w}, r.WithContext(store.WithSessionRead(r.Context())))
	})
}

// sessionError is scs's ErrorFunc: a session that cannot be loaded or saved is a server error
// like any other (French page, logged by our logger without the session token; a busy
// database is a 503), and nothing the handler writes afterwards reaches the client.
func (s *Server) sessionError(w http.ResponseWriter, r *http.Request, err error) {
	s.writeError(w, r, fmt.Errorf("session: %w", err))
	if sw, ok := w.(*sessionErrorWriter); ok {
		sw.failed = true
	}
}
