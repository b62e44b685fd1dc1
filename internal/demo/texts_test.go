package demo

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestProjetTitre(t *testing.T) {
	for sujet, want := range map[string]string{
		"Projet de mise en place d'une veille et de stratégie de communication sur les réseaux sociaux": "Mise en place d’une veille et de stratégie de communication sur les réseaux sociaux",
		"Mini-projet de création et d'animation de blog":                                                "Création et d’animation de blog",
		"Étude de cas": "Étude de cas",
	} {
		if got := projetTitre(sujet); got != want {
			t.Errorf("projetTitre(%q) = %q, want %q", sujet, got, want)
		}
	}
}

// TestDemoTextsTypographic: the demo's texts (Go string literals of this package) print the
// typographic apostrophe, as the pages do, never the straight one.
func TestDemoTextsTypographic(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && strings.Contains(s, "'") {
					t.Errorf("%s: straight apostrophe in %q", fset.Position(lit.Pos()), s)
				}
			}
			return true
		})
	}
}
