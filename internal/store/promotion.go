package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/livret"
	"github.com/certif/certif/internal/referentiel"
)

// LivretData is everything livret.Compute needs for one inscription of a promotion, with the
// reference référentiel version (see ReferentielVersion).
type LivretData struct {
	InscriptionID int64
	CandidatID    int64
	Nom           string // display "NOM Prénom"
	Voie          candidat.Voie
	BlocsVises    []string
	VersionID     int64
	Evaluations   []livret.Evaluation // every entry, superseded ones linked, by date then id
	Projets       []livret.Projet     // by bloc
}

// lvPromotionWhere selects the inscriptions of a promotion matrix (alias i): those of a centre
// and promotion that are in training (not VAE, the default rule of candidat.Inscription.InTraining:
// the callers apply the référentiel's with it) and not abandoned.
const lvPromotionWhere = ` WHERE i.centre_id = ? AND i.promotion = ? AND i.voie <> ? AND i.statut <> ?`

// lvEvalParts is how many connections read a promotion's livret entries side by side: they are
// most of the work (on SQLite each column read costs more than the row itself).
const lvEvalParts = 2

// PromotionLivrets returns the livret data of every inscription of centre centreID and
// promotion that follows the training (VAE excluded) and has not been abandoned, ordered by
// name (then inscription id); an empty slice when there is none. It reads everything in five
// queries whatever the size of the promotion, the entries in two halves read in parallel.
// Errors: apperr.NotFound unless actor is an admin or staff (référent, formateur) of the centre.
func (s *Store) PromotionLivrets(ctx context.Context, actor account.Actor, centreID int64, promotion string) ([]LivretData, error) {
	if !lvStaffOf(actor, centreID) {
		return nil, fmt.Errorf("promotion of centre %d: %w", centreID, apperr.NotFound)
	}
	args := []any{centreID, promotion, string(candidat.VAE), string(candidat.Abandon)}

	out, err := s.lvPromotionInscriptions(ctx, args)
	if err != nil || len(out) == 0 {
		if err != nil {
			err = fmt.Errorf("promotion of centre %d: %w", centreID, err)
		}
		return out, err
	}
	at := make(map[int64]*LivretData, len(out))
	for i := range out {
		at[out[i].InscriptionID] = &out[i]
	}

	// Each part fills the Evaluations of its own inscriptions, while this goroutine reads the
	// evaluators' names and fills the Projets.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var errs [lvEvalParts]error
	for k := range errs {
		wg.Go(func() {
			if errs[k] = s.lvPromotionEvals(ctx, args, k, at); errs[k] != nil {
				cancel()
			}
		})
	}
	names, err := s.lvPromotionNames(ctx, args)
	if err == nil {
		err = s.lvPromotionProjets(ctx, args, at)
	}
	if err != nil {
		cancel()
	}
	wg.Wait()
	if err = errors.Join(append(errs[:], err)...); err != nil {
		return nil, fmt.Errorf("promotion of centre %d: %w", centreID, err)
	}
	for i := range out {
		evals := out[i].Evaluations
		for j := range evals {
			evals[j].Evaluateur = names[evals[j].EvaluateurID]
		}
		slices.SortFunc(evals, func(a, b livret.Evaluation) int {
			return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.ID, b.ID))
		})
		livret.Link(evals)
	}
	return out, nil
}

// lvPromotionInscriptions reads the inscriptions of a promotion, ordered by name.
func (s *Store) lvPromotionInscriptions(ctx context.Context, args []any) ([]LivretData, error) {
	// Counting the entries (on an index) lets them land in one array instead of growing slices.
	rows, err := s.query(ctx, `SELECT i.id, i.candidat_id, c.nom_naissance, c.nom_usage, c.prenoms, i.voie, i.blocs_vises, i.version_id,
		(SELECT COUNT(*) FROM evaluations e WHERE e.inscription_id = i.id)
		FROM inscriptions i JOIN candidats c ON c.id = i.candidat_id`+lvPromotionWhere, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []LivretData{}
	keys := map[int64][2]string{} // inscription → folded nom, prénom for the order
	var counts []int
	for rows.Next() {
		var d LivretData
		var naissance, usage, prenoms, blocs string
		var n int
		if err := rows.Scan(&d.InscriptionID, &d.CandidatID, &naissance, &usage, &prenoms, &d.Voie, &blocs, &d.VersionID, &n); err != nil {
			return nil, err
		}
		counts = append(counts, n)
		ps, err := lvStrings(prenoms)
		if err == nil {
			d.BlocsVises, err = lvStrings(blocs)
		}
		if err != nil {
			return nil, fmt.Errorf("inscription %d: %w", d.InscriptionID, err)
		}
		nom := usage
		if nom == "" {
			nom = naissance
		}
		prenom := ""
		if len(ps) > 0 {
			prenom = ps[0]
		}
		d.Nom = strings.TrimSpace(strings.ToUpper(nom) + " " + prenom)
		d.Projets = []livret.Projet{}
		keys[d.InscriptionID] = [2]string{candidat.Fold(nom), candidat.Fold(prenom)}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Each inscription gets a window of one shared array, its capacity capped so that an entry
	// added since the count reallocates instead of spilling over the next window.
	backing := make([]livret.Evaluation, 0, lvSum(counts))
	for i, n := range counts {
		out[i].Evaluations = backing[len(backing) : len(backing) : len(backing)+n]
		backing = backing[:len(backing)+n]
	}
	slices.SortFunc(out, func(a, b LivretData) int {
		ka, kb := keys[a.InscriptionID], keys[b.InscriptionID]
		return cmp.Or(cmp.Compare(ka[0], kb[0]), cmp.Compare(ka[1], kb[1]), cmp.Compare(a.InscriptionID, b.InscriptionID))
	})
	return out, nil
}

func lvSum(ns []int) int {
	t := 0
	for _, n := range ns {
		t += n
	}
	return t
}

// lvPromotionNames reads the display names of the evaluators of a promotion: they are few, so
// they come apart rather than joined to every entry.
func (s *Store) lvPromotionNames(ctx context.Context, args []any) (map[int64]string, error) {
	rows, err := s.query(ctx, `SELECT u.id, u.prenom, u.nom, u.email FROM users u WHERE u.id IN
		(SELECT e.evaluateur_id FROM evaluations e JOIN inscriptions i ON i.id = e.inscription_id`+lvPromotionWhere+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names := map[int64]string{}
	for rows.Next() {
		var id int64
		var prenom, nom, email string
		if err := rows.Scan(&id, &prenom, &nom, &email); err != nil {
			return nil, err
		}
		names[id] = lvDisplayName(prenom, nom, email)
	}
	return names, rows.Err()
}

// lvPromotionEvals appends to at the livret entries of the promotion's inscriptions whose id
// is part modulo lvEvalParts (only those: parts run side by side), unordered.
func (s *Store) lvPromotionEvals(ctx context.Context, args []any, part int, at map[int64]*LivretData) error {
	rows, err := s.query(ctx, `SELECT `+lvEvalCols+` FROM evaluations e JOIN inscriptions i ON i.id = e.inscription_id`+
		lvPromotionWhere+` AND i.id % ? = ?`, append(slices.Clip(args), lvEvalParts, part)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	row := newLvEvalRow()
	for rows.Next() {
		e, err := row.scan(rows)
		if err != nil {
			return err
		}
		// nil only for an inscription that joined the promotion since it was read
		if d := at[e.InscriptionID]; d != nil && e.InscriptionID%lvEvalParts == int64(part) {
			d.Evaluations = append(d.Evaluations, e)
		}
	}
	return rows.Err()
}

// lvPromotionProjets reads the projects of a promotion's inscriptions into at, by bloc.
func (s *Store) lvPromotionProjets(ctx context.Context, args []any, at map[int64]*LivretData) error {
	rows, err := s.query(ctx, `SELECT p.id, p.inscription_id, p.bloc, p.titre, p.description, p.url, p.soumis_le, p.soumis_par,
		p.decision, p.decision_par, p.decision_le, p.commentaire
		FROM projets p JOIN inscriptions i ON i.id = p.inscription_id`+lvPromotionWhere+` ORDER BY p.inscription_id, p.bloc`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		p, err := lvScanProjet(rows)
		if err != nil {
			return err
		}
		if d := at[p.InscriptionID]; d != nil {
			d.Projets = append(d.Projets, p)
		}
	}
	return rows.Err()
}

// ---- Encoding helpers of the livret, plan and stage tables ----

// lvJSON encodes v (a slice or map of strings, which cannot fail) for a TEXT column.
func lvJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("store: encode %T: %v", v, err))
	}
	if string(b) == "null" {
		switch v.(type) {
		case []string:
			return "[]"
		default:
			return "{}"
		}
	}
	return string(b)
}

// lvDay is t's calendar day (in t's own location) at midnight UTC, as dates are read back.
func lvDay(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func lvParseDate(s string) (time.Time, error) {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' { // the common case, without time.Parse's generality
		y, m, d := lvAtoi(s[0:4]), lvAtoi(s[5:7]), lvAtoi(s[8:10])
		if y > 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31 {
			if t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC); t.Day() == d {
				return t, nil
			}
		}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: bad stored date %q: %w", s, err)
	}
	return t, nil
}

// lvAtoi reads a short string of ASCII digits; -1 when it is not one.
func lvAtoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func lvFloat(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func lvFloatPtr(n sql.NullFloat64) *float64 {
	if !n.Valid {
		return nil
	}
	f := n.Float64
	return &f
}

// lvUnique returns ids without zeros and duplicates, in their first order.
func lvUnique(ids []int64) []int64 {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id != 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// lvRefCompetences lists the compétences of the blocs aimed at (all blocs when none).
func lvRefCompetences(ref *referentiel.Referentiel, blocs []string) []referentiel.Competence {
	var out []referentiel.Competence
	for _, b := range ref.Blocs {
		if len(blocs) == 0 || slices.Contains(blocs, b.Code) {
			out = append(out, b.Competences...)
		}
	}
	return out
}

// lvStrings decodes a JSON array of strings as the store writes them. Plain arrays (no escape
// sequences) are split directly, which matters when a promotion matrix reads thousands of
// entries; anything else goes through encoding/json.
func lvStrings(s string) ([]string, error) {
	if out, ok := lvFastStrings(s); ok {
		return out, nil
	}
	var out []string
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}

func lvFastStrings(s string) ([]string, bool) {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' || strings.IndexByte(s, '\\') >= 0 {
		return nil, false
	}
	body := s[1 : len(s)-1]
	if body == "" {
		return []string{}, true
	}
	out := make([]string, 0, strings.Count(body, ",")+1)
	for {
		v, rest, ok := lvFastString(body)
		if !ok {
			return nil, false
		}
		out = append(out, v)
		if rest == "" {
			return out, true
		}
		if rest[0] != ',' {
			return nil, false
		}
		body = rest[1:]
	}
}

// lvFastString reads one quoted string without escapes at the start of s.
func lvFastString(s string) (v, rest string, ok bool) {
	if len(s) < 2 || s[0] != '"' {
		return "", "", false
	}
	end := strings.IndexByte(s[1:], '"')
	if end < 0 {
		return "", "", false
	}
	v = s[1 : 1+end]
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 { // control characters are invalid JSON: let encoding/json say so
			return "", "", false
		}
	}
	return v, s[2+end:], true
}

// lvResultats decodes the JSON object critère code → result written by AddEvaluation, like
// lvStrings.
func lvResultats(s string) (map[string]livret.Resultat, error) {
	if out, ok := lvFastResultats(s); ok {
		return out, nil
	}
	var out map[string]livret.Resultat
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = map[string]livret.Resultat{}
	}
	return out, nil
}

func lvFastResultats(s string) (map[string]livret.Resultat, bool) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' || strings.IndexByte(s, '\\') >= 0 {
		return nil, false
	}
	body := s[1 : len(s)-1]
	out := make(map[string]livret.Resultat, strings.Count(body, ",")+1)
	if body == "" {
		return out, true
	}
	for {
		k, rest, ok := lvFastString(body)
		if !ok || rest == "" || rest[0] != ':' {
			return nil, false
		}
		v, rest, ok := lvFastString(rest[1:])
		if !ok {
			return nil, false
		}
		out[k] = lvResultat(v)
		if rest == "" {
			return out, true
		}
		if rest[0] != ',' {
			return nil, false
		}
		body = rest[1:]
	}
}

// lvResultat returns the constant for the usual results, so that they share one string.
func lvResultat(v string) livret.Resultat {
	switch livret.Resultat(v) {
	case livret.Acquis:
		return livret.Acquis
	case livret.NonAcquis:
		return livret.NonAcquis
	}
	return livret.Resultat(v)
}
