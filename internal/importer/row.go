package importer

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/input"
)

// problems collects the problems of one row, at most one per field.
type problems struct {
	cols *columns
	line int
	list []problem
	keys map[string]bool
}

type problem struct {
	col int // column index, -1 for the whole line
	key string
	le  candidat.LineError
}

// add records msg for field key, located on its column (see columns.locate), unless the
// field already has a problem.
func (p *problems) add(key, msg string) {
	if p.keys[key] {
		return
	}
	if p.keys == nil {
		p.keys = map[string]bool{}
	}
	p.keys[key] = true
	header, col, hint := p.cols.locate(key)
	p.list = append(p.list, problem{col: col, key: key, le: candidat.LineError{Line: p.line, Column: header, Message: msg + hint}})
}

// addLine records a problem of the whole line.
func (p *problems) addLine(msg string) {
	p.list = append(p.list, problem{col: -1, key: "", le: candidat.LineError{Line: p.line, Message: msg}})
}

// has reports whether any of the fields has a problem.
func (p *problems) has(keys ...string) bool {
	for _, k := range keys {
		if p.keys[k] {
			return true
		}
	}
	return false
}

// err returns the problems in column order as a *candidat.ImportError, or nil.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	sort.SliceStable(p.list, func(i, j int) bool {
		a, b := p.list[i], p.list[j]
		if a.col != b.col {
			return a.col < b.col
		}
		return a.key < b.key
	})
	e := &candidat.ImportError{Errors: make([]candidat.LineError, len(p.list))}
	for i, x := range p.list {
		e.Errors[i] = x.le
	}
	return e
}

// parse turns the cells of one data line into a row, checking everything a row can be
// checked for on its own, then the duplicates within the file.
func (r *Reader) parse(line int, cells []string) (candidat.ImportRow, error) {
	p := &problems{cols: &r.cols, line: line}
	get := func(key string) string { return input.Clean(r.cols.cell(cells, key), false) } // a file is an edge like a form
	if r.csv && len(cells) > len(r.cols.headers) && !blank(cells[len(r.cols.headers):]) {
		p.addLine(fmt.Sprintf("La ligne compte %d cellules pour %d colonnes d'en-tête : une valeur contenant « %c » doit être entre guillemets",
			len(cells), len(r.cols.headers), r.comma))
	}

	c := candidat.Candidat{
		NomNaissance:     get(kNomNaissance),
		NomUsage:         get(kNomUsage),
		CommuneNaissance: get(kCommune),
		PaysNaissance:    get(kPaysNaissance),
		Email:            get(kEmail),
		Telephone:        frenchPhone(get(kTelephone)),
		Adresse: candidat.Adresse{
			Ligne1: get(kAdresse), Ligne2: get(kAdresse2), Ville: get(kVille), Pays: get(kPays),
		},
	}
	for _, k := range []string{kPrenoms, kPrenom1, kPrenom2, kPrenom3} {
		if v := get(k); v != "" {
			c.Prenoms = append(c.Prenoms, strings.Split(v, ",")...)
		}
	}
	// Excel stores codes typed as numbers without their leading zero (01053 → 1053).
	c.CommuneNaissanceCode = get(kCodeCommune)
	if france(c.PaysNaissance) {
		c.CommuneNaissanceCode = leadingZero(c.CommuneNaissanceCode, 5)
	}
	c.Adresse.CodePostal = get(kCodePostal)
	if france(c.Adresse.Pays) {
		c.Adresse.CodePostal = leadingZero(c.Adresse.CodePostal, 5)
	}
	if v := get(kSexe); v != "" {
		s, ok := parseSexe(v)
		if !ok {
			p.add(kSexe, fmt.Sprintf("Valeur « %s » non reconnue. %s", short(v), candidat.SexeImportMessage))
		}
		c.Sexe = s
	}
	if v := get(kDateNaissance); v != "" {
		d, msg := parseDate(v, r.date1904, r.now, true)
		if msg != "" {
			p.add(kDateNaissance, msg)
		}
		c.DateNaissance = d
	}
	if err := c.Validate(r.now); err != nil {
		fields := apperr.FieldErrors(err)
		if fields == nil {
			return candidat.ImportRow{}, fmt.Errorf("ligne %d : %w", line, err)
		}
		for k, msg := range fields {
			if k == "sexe" { // a file writes F or M, not the form's « Femme » or « Homme »
				msg = candidat.SexeImportMessage
			}
			p.add(candidat.ImportField(k), msg)
		}
	}

	ins := r.inscription(get, p)
	r.duplicates(&c, ins.Promotion, p)
	// A CSV line with fewer cells than the header (a separator missing, a line cut in two)
	// leaves its last columns empty: say so first, since it explains the problems found.
	// A short line without problems is accepted (trailing empty cells may be left out).
	if r.csv && len(cells) < len(r.cols.headers) && len(p.list) > 0 {
		p.addLine(shortLine(line, len(cells), len(r.cols.headers)))
	}
	if err := p.err(); err != nil {
		return candidat.ImportRow{Line: line}, err
	}
	return candidat.ImportRow{Line: line, Candidat: c, Inscription: ins}, nil
}

// inscription reads the voie, type de VAE, promotion, date and blocs of a row.
func (r *Reader) inscription(get func(string) string, p *problems) candidat.Inscription {
	var ins candidat.Inscription
	// Here only what reading a cell can get wrong; the rules (voie and type of VAE required,
	// promotion's length, blocs) are Inscription.Validate's, called below as for the form.
	raw := get(kVoie)
	voie, typ, ok := parseVoie(raw)
	if raw != "" && !ok {
		p.add(kVoie, fmt.Sprintf("Voie d'accès « %s » inconnue : indiquez formation continue, contrat de professionnalisation, apprentissage ou VAE.", short(raw)))
	}
	ins.Voie = voie
	if voie == candidat.VAE {
		if t := get(kTypeVAE); t != "" {
			var ok bool
			if typ, ok = parseTypeVAE(t); !ok {
				p.add(kTypeVAE, fmt.Sprintf("Type de VAE « %s » inconnu : indiquez congé VAE ou VAE classique.", short(t)))
			}
		}
		ins.TypeVAE = typ
	}
	ins.Promotion = strings.Join(strings.Fields(get(kPromotion)), " ")
	ins.Date = time.Date(r.now.Year(), r.now.Month(), r.now.Day(), 0, 0, 0, 0, time.UTC)
	if v := get(kDateInscription); v != "" {
		d, msg := parseDate(v, r.date1904, r.now, false)
		switch {
		case msg != "":
			p.add(kDateInscription, msg)
		case d.Year() < 2000 || d.After(r.now.AddDate(2, 0, 0)):
			p.add(kDateInscription, fmt.Sprintf("Date d'inscription invraisemblable : attendu une date entre 2000 et %d.", r.now.Year()+2))
		default:
			ins.Date = d
		}
	}
	blocs, unknown := parseBlocs(get(kBlocs), r.ref)
	switch len(unknown) {
	case 0:
		ins.BlocsVises = blocs
	case 1:
		p.add(kBlocs, fmt.Sprintf("Bloc inconnu : « %s » (blocs du référentiel : %s ; laissez vide ou écrivez « tous » pour tous les blocs).", short(unknown[0]), r.blocCodes()))
	default:
		p.add(kBlocs, fmt.Sprintf("Blocs inconnus : %s (blocs du référentiel : %s ; laissez vide ou écrivez « tous » pour tous les blocs).", quotedList(unknown), r.blocCodes()))
	}
	check := ins // Validate normalises: the row keeps what the file says, the store validates it again
	check.BlocsVises = append([]string(nil), ins.BlocsVises...)
	for k, msg := range apperr.FieldErrors(check.Validate(r.ref)) {
		if k != "centre" { // the import's, not the file's
			p.add(candidat.ImportField(k), msg)
		}
	}
	return ins
}

func (r *Reader) blocCodes() string {
	codes := make([]string, len(r.ref.Blocs))
	for i, b := range r.ref.Blocs {
		codes[i] = b.Code
	}
	return strings.Join(codes, ", ")
}

// duplicates reports a candidate already met in the file with the same promotion, and an
// e-mail address already given to someone else, then remembers this row.
func (r *Reader) duplicates(c *candidat.Candidat, promotion string, p *problems) {
	if p.has(kNomNaissance, kPrenoms, kDateNaissance) || c.NomNaissance == "" || len(c.Prenoms) == 0 || c.DateNaissance.IsZero() {
		return
	}
	id := c.Identity()
	idKey := r.dup.key(id.NomNaissance, id.Prenom, id.Naissance)
	promoKey := r.dup.key(id.NomNaissance, id.Prenom, id.Naissance, candidat.Fold(promotion))
	if first, ok := r.dup.ids[promoKey]; ok {
		p.addLine(fmt.Sprintf(candidat.MsgImportDoublon, first))
	} else {
		r.dup.ids[promoKey] = int32(p.line)
	}
	if p.has(kEmail) || c.Email == "" {
		return
	}
	mailKey := r.dup.key(c.Email)
	if seen, ok := r.dup.emails[mailKey]; !ok {
		r.dup.emails[mailKey] = idKey>>32<<32 | uint64(uint32(p.line))
	} else if seen>>32 != idKey>>32 {
		p.add(kEmail, fmt.Sprintf(candidat.MsgImportEmail, uint32(seen)))
	}
}

// shortLine is the problem of a CSV line with cells cells for headers header columns.
func shortLine(line, cells, headers int) string {
	unit := "colonnes"
	if cells <= 1 {
		unit = "colonne"
	}
	return fmt.Sprintf("La ligne %d a %d %s au lieu de %d : vérifiez qu'aucun séparateur ne manque.", line, cells, unit, headers)
}
