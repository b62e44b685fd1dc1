package web

import (
	_ "embed"
	"net/http"
)

// openapiDoc is the OpenAPI 3.1 description of /api/v1, checked against real responses in tests.
//
//go:embed openapi.json
var openapiDoc []byte

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err := w.Write(openapiDoc)
	return err
}
