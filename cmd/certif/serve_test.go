package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

// The dossier's size caps are whole megabytes, by flag or environment; anything else stops
// serve before it starts, saying which.
func TestServeDossierSizeFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--max-document-mb", "0"}, nil, "--max-document-mb"},
		{[]string{"--max-video-mb", "cinq"}, nil, "--max-video-mb"},
		{nil, map[string]string{"CERTIF_MAX_VIDEO_MB": "-3"}, "--max-video-mb"},
		{[]string{"--max-dossier-mb", "2Go"}, nil, "--max-dossier-mb"},
		{nil, map[string]string{"CERTIF_MAX_DOSSIER_MB": "0"}, "--max-dossier-mb"},
	} {
		vars := map[string]string{"CERTIF_DATA": t.TempDir()}
		for k, v := range tc.env {
			vars[k] = v
		}
		err := run(context.Background(), append([]string{"serve", "--addr", "127.0.0.1:0"}, tc.args...), env(vars), strings.NewReader(""), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: %v, want an error naming %s", tc.args, tc.env, err, tc.want)
		}
	}
	if n, err := megabytesFlag("--max-video-mb", " 500 "); err != nil || n != 500<<20 {
		t.Errorf("500 MB: %d %v", n, err)
	}
}
