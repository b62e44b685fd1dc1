package importer

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/certif/certif/internal/candidat"
	"golang.org/x/text/encoding/charmap"
)

// excel1252 encodes s as French Excel's "CSV (séparateur : point-virgule)" does: Windows-1252.
func excel1252(t testing.TB, s string) string {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().String(s)
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

// windows1252File is a real Windows-1252 file: é è à ç œ € ’ are single bytes (0xE9 0xE8 0xE0
// 0xE7 0x9C 0x80 0x92), none of which is UTF-8 on its own.
func windows1252File(t testing.TB) string {
	return excel1252(t, csvLines(hdr+";Adresse",
		"Lefèvre;Hélène;F;01/02/1990;69123;Lyon;a@example.fr;formation continue;3 rue de l’Église",
		"Cœur;François;M;01/02/1991;69123;Lyon;b@example.fr;formation continue;Bâtiment « Œuvre » — 12 €",
		"Garçon;Loïc;M;01/02/1992;69123;Lyon;c@example.fr;formation continue;à côté"))
}

func TestWindows1252File(t *testing.T) {
	file := windows1252File(t)
	for _, b := range []byte{0xE9, 0xE8, 0xE0, 0xE7, 0x9C, 0x80, 0x92} {
		if !strings.Contains(file, string([]byte{b})) {
			t.Fatalf("the test file lacks byte %#x", b)
		}
	}
	readers := map[string]func() io.Reader{
		"whole":       func() io.Reader { return strings.NewReader(file) },
		"byte a byte": func() io.Reader { return iotest.OneByteReader(strings.NewReader(file)) },
		"half reads":  func() io.Reader { return iotest.HalfReader(strings.NewReader(file)) },
	}
	for name, open := range readers {
		t.Run(name, func(t *testing.T) {
			rd, err := NewReader(context.Background(), open(), "export.csv", cmRef(t), testNow)
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			var got [][3]string
			for {
				row, err := rd.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("line %d: %v", row.Line, err)
				}
				c := row.Candidat
				got = append(got, [3]string{c.NomNaissance, strings.Join(c.Prenoms, " "), c.Adresse.Ligne1})
			}
			want := [][3]string{
				{"Lefèvre", "Hélène", "3 rue de l’Église"},
				{"Cœur", "François", "Bâtiment « Œuvre » — 12 €"},
				{"Garçon", "Loïc", "à côté"},
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("rows =\n%q\nwant\n%q", got, want)
			}
			if enc := rd.Encoding(); enc != Windows1252 {
				t.Errorf("Encoding() = %q, want Windows-1252", enc)
			}
		})
	}
}

func TestEncodingUTF8(t *testing.T) {
	for name, file := range map[string]string{
		"ASCII":    csvLines(hdr, "Dupont;Marie;F;01/02/1990;69123;Lyon;a@example.fr;formation continue"),
		"UTF-8":    csvLines(hdr, "Lefèvre;Hélène;F;01/02/1990;69123;Lyon;a@example.fr;formation continue"),
		"BOM":      "\xEF\xBB\xBF" + csvLines(hdr, "Cœur;François;F;01/02/1990;69123;Lyon;a@example.fr;formation continue"),
		"BOM only": "\xEF\xBB\xBF" + csvLines(strings.ReplaceAll(hdr, "é", "e"), "Dupont;Marie;F;01/02/1990;69123;Lyon;a@example.fr;formation continue"),
	} {
		t.Run(name, func(t *testing.T) {
			rd, err := NewReader(context.Background(), strings.NewReader(file), "c.csv", cmRef(t), testNow)
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			for {
				if _, err := rd.Next(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatal(err)
				}
			}
			if enc := rd.Encoding(); enc != UTF8 {
				t.Errorf("Encoding() = %q, want UTF-8", enc)
			}
		})
	}
}

// asciiHdr is hdr without accents: the encoding is decided further on.
var asciiHdr = strings.NewReplacer("é", "e", "è", "e").Replace(hdr)

func TestNeitherUTF8Nor1252(t *testing.T) {
	row := "Dupont;Marie;F;01/02/1990;69123;Lyon;a@example.fr;formation continue"
	utf16 := func(s string) string { // little-endian, no BOM
		var b bytes.Buffer
		for _, r := range s {
			b.WriteByte(byte(r))
			b.WriteByte(0)
		}
		return b.String()
	}
	tests := []struct {
		name, file string
		want       []candidat.LineError
	}{
		// 0x81 is undefined in Windows-1252: no Excel writes it.
		{"undefined byte", csvLines(asciiHdr, row, "Dupont;Mari\xe9\x81e;F"), []candidat.LineError{{Line: 0, Message: notText}}},
		{"control bytes", "Nom\xE9\x01\x02\x03;" + csvLines(asciiHdr), []candidat.LineError{{Line: 0, Message: notText}}},
		{"binary", "\x89\xAB\xCD\x01\x02\x1B\x7F\xFE", []candidat.LineError{{Line: 0, Message: notText}}},
		{"UTF-16 without BOM", utf16(csvLines(hdr, row)), []candidat.LineError{{Line: 0,
			Message: "Le fichier est en UTF-16 sans marque d'ordre (BOM) — enregistrez-le en « CSV UTF-8 »"}}},
		// UTF-8 accents first, then a Windows-1252 byte: two encodings, the line says where.
		{"mixed", csvLines(hdr, row, "Lefèvre;H\xe9l\xe8ne;F;01/02/1990;69123;Lyon;b@example.fr;formation continue"),
			[]candidat.LineError{{Line: 3, Message: notUTF8}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := ReadAll(context.Background(), strings.NewReader(tt.file), "c.csv", cmRef(t), testNow)
			if rows != nil {
				t.Errorf("rows = %v, want none", rows)
			}
			if got := importErrors(t, err); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors =\n%#v\nwant\n%#v", got, tt.want)
			}
			if tt.want[0].Line == 0 && strings.Contains(err.Error(), "ligne") {
				t.Errorf("a whole-file problem names a line: %q", err.Error())
			}
		})
	}
}

// A big Windows-1252 file streams: the reader holds no more than its buffers.
func TestWindows1252Streams(t *testing.T) {
	line := excel1252(t, "Lefèvre%d;Hélène;F;01/02/1990;69123;Lyon;a%d@example.fr;formation continue;l’Œuvre à 12 €\r\n")
	head := excel1252(t, hdr+";Adresse\r\n")
	const n = 20000
	var b strings.Builder
	b.WriteString(head)
	for i := range n {
		b.WriteString(strings.ReplaceAll(line, "%d", itoa(i)))
	}
	rd, err := NewReader(context.Background(), strings.NewReader(b.String()), "c.csv", cmRef(t), testNow)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	count := 0
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("line %d: %v", row.Line, err)
		}
		if row.Candidat.Adresse.Ligne1 != "l’Œuvre à 12 €" {
			t.Fatalf("line %d: adresse %q", row.Line, row.Candidat.Adresse.Ligne1)
		}
		count++
	}
	if count != n {
		t.Errorf("%d rows, want %d", count, n)
	}
}

func FuzzCharsetReader(f *testing.F) {
	f.Add([]byte(windows1252File(f)), 3)
	f.Add([]byte("a\xe9b\x81"), 1)
	f.Add([]byte("é\xe9"), 2)
	f.Fuzz(func(t *testing.T, data []byte, chunk int) {
		if chunk < 1 || chunk > 64 {
			return
		}
		br := bufioReader(bytes.NewReader(data))
		c := newCharsetReader(br)
		buf := make([]byte, chunk)
		var out []byte
		for {
			n, err := c.Read(buf)
			out = append(out, buf[:n]...)
			if err != nil {
				break
			}
		}
		if c.encoding() == Windows1252 && !utf8Valid(out) {
			t.Fatalf("decoded Windows-1252 is not UTF-8: %q", out)
		}
	})
}

func bufioReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, 16) }

func utf8Valid(b []byte) bool { return utf8.Valid(b) }
