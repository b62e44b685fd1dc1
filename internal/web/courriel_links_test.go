package web

import (
	"reflect"
	"testing"
)

func TestSplitLinks(t *testing.T) {
	got := splitLinks("Activez : https://certif.example/activation/abc?x=1&y=2. Ou <https://a.b/c>, javascript:alert(1) http://")
	want := []TextPart{{Text: "Activez : "}, {URL: "https://certif.example/activation/abc?x=1&y=2"}, {Text: ". Ou <"},
		{URL: "https://a.b/c"}, {Text: ">, javascript:alert(1) http://"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("splitLinks = %#v", got)
	}
	if got := splitLinks(""); len(got) != 0 {
		t.Errorf("empty text: %#v", got)
	}
}
