package importer
import ("errors";"io";"os";"testing";"time";"github.com/xuri/excelize/v2")
func TestAdhocXLSXSST(t *testing.T) {
	f := excelize.NewFile()
	hdr := []any{"Nom de naissance","Prénoms","Sexe","Date de naissance","Code commune de naissance","Commune de naissance","E-mail","Voie d'accès","Type de VAE"}
	f.SetSheetRow("Sheet1", "A1", &hdr)
	for i := 1; i <= 100000; i++ {
		p := benchPrenoms[(i/len(benchNoms))%len(benchPrenoms)]
		day := i / 1000
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		row := []any{benchNoms[i%len(benchNoms)], p.prenom, p.sexe, time.Date(1970+day/336, time.Month(day/28%12+1), day%28+1,0,0,0,0,time.UTC), "75056", "Paris", "candidat.numero."+itoa6(i)+"@example.fr", "VAE", "classique"}
		f.SetSheetRow("Sheet1", cell, &row)
	}
	path := os.Getenv("XLSX_OUT")
	if _, err := os.Stat(path); err != nil { f.SaveAs(path) }
	f.Close()
	st, _ := os.Stat(path)
	t.Logf("xlsx size %.1f MB", float64(st.Size())/(1<<20))
	in, _ := os.Open(path); defer in.Close()
	start := time.Now()
	base := heapMB()
	r, err := NewReader(in, "big.xlsx", cmRef(t), testNow)
	if err != nil { t.Fatal(err) }
	rows := 0; var h10 float64
	for { _, err := r.Next(); if errors.Is(err, io.EOF) {break}; if err != nil {t.Fatal(err)}; rows++; if rows == 10000 { h10 = heapMB() } }
	t.Logf("rows %d in %v; heap base %.1f MB, 10k %.1f MB, end %.1f MB", rows, time.Since(start), base, h10, heapMB())
	r.Close()
}
func itoa6(i int) string { b := []byte("000000"); for j := 5; j >= 0; j-- { b[j] = byte('0'+i%10); i /= 10 }; return string(b) }
