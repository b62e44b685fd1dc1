// Package edition assembles the content of the documents Certif issues — the livret
// d'évaluation et de suivi, the relevé des évaluations (R10) and the attestation de formation
// (R13) — from the domain's data into the plain structs that package document renders.
//
// document takes plain data and imports no domain package; the domain packages do not know
// about documents; web only loads the data (a promotion's in a constant number of queries)
// and serves the PDF. Dates and numbers are written through package french.
package edition

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/document"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/livret"
	"github.com/certif/certif/internal/referentiel"
)

// Dossier is what the documents of one inscription are made from.
type Dossier struct {
	Candidat    candidat.Candidat
	Inscription candidat.Inscription
	// Certification and Version name the inscription's référentiel version.
	Certification string
	Version       int
	Ref           *referentiel.Referentiel // that version
	Evals         []livret.Evaluation      // every livret entry, superseded ones included
	Projets       []livret.Projet
	// Blocs is livret.Compute of the above; nil means that the assembly computes it.
	Blocs []livret.BlocState
}

// blocs returns d.Blocs, computed when missing.
func (d *Dossier) blocs() []livret.BlocState {
	if d.Blocs == nil {
		d.Blocs = livret.Compute(d.Ref, d.Inscription.BlocsVises, d.Evals, d.Projets)
	}
	return d.Blocs
}

// Header names the certificateur, the inscription's centre (both among orgs) and the
// certification of d's référentiel version (intitulé, version, RNCP number, level) on a
// document. A missing organisation leaves its fields empty (document reports what it needs).
func Header(orgs []account.Organisme, d *Dossier) document.Header {
	h := document.Header{Certification: d.Certification, Version: d.Version}
	if d.Ref != nil {
		h.RNCP, h.Niveau = d.Ref.Certification.RNCP, d.Ref.Certification.Niveau
	}
	for _, o := range orgs {
		if o.Certificateur {
			h.Certificateur, h.CertificateurSIRET = o.Nom, o.SIRET
		}
		if o.ID == d.Inscription.CentreID {
			h.Centre, h.CentreSIRET = o.Nom, o.SIRET
		}
	}
	return h
}

// Candidat is the candidate's identity as documents show it: civilité from the sex, place of
// birth with its département (or country abroad), voie and promotion, and whether the
// in-training documents concern them (candidat.Inscription.InTraining under ref, R2).
func Candidat(c candidat.Candidat, ins candidat.Inscription, ref *referentiel.Referentiel) document.Candidat {
	dc := document.Candidat{Prenoms: strings.Join(c.Prenoms, " "), NomNaissance: c.NomNaissance, NomUsage: c.NomUsage,
		DateNaissance: c.DateNaissance, Voie: ins.Voie.Libelle(), Promotion: ins.Promotion, HorsFormation: !ins.InTraining(ref)}
	switch c.Sexe {
	case candidat.Femme:
		dc.Civilite = "Madame"
	case candidat.Homme:
		dc.Civilite = "Monsieur"
	}
	switch {
	case c.PaysNaissance != "":
		dc.LieuNaissance = fmt.Sprintf("%s (%s)", c.CommuneNaissance, c.PaysNaissance)
	case len(c.CommuneNaissanceCode) >= 2:
		dc.LieuNaissance = fmt.Sprintf("%s (%s)", c.CommuneNaissance, c.CommuneNaissanceCode[:2])
	default:
		dc.LieuNaissance = c.CommuneNaissance
	}
	return dc
}

var etatDoc = map[livret.Etat]string{livret.Acquise: "acquise", livret.NonAcquise: "non acquise", livret.EnCours: "en cours", livret.NonEvaluee: "non évaluée"}

var decisionDoc = map[livret.Decision]string{livret.Valide: "validé", livret.Refuse: "refusé", livret.Attente: "en attente"}

// Livret is the livret d'évaluation et de suivi of d (R3), edited at edite: every compétence
// of the blocs aimed at with its state and its evaluations in date order, corrections linked
// to what they correct, and each bloc's end-of-bloc project.
func Livret(h document.Header, d *Dossier, edite time.Time) document.Livret {
	l := document.Livret{Header: h, Candidat: Candidat(d.Candidat, d.Inscription, d.Ref), Edite: edite}
	for _, b := range d.blocs() {
		sec := document.BlocSection{Code: b.Code, Numero: b.Numero, Intitule: b.Intitule, Valide: b.Valide}
		for _, c := range b.Competences {
			cb := document.CompetenceBlock{Code: c.Code, Intitule: c.Intitule, Etat: etatDoc[c.Etat]}
			if c.Derniere != nil {
				cb.Synthese = synthese(&c)
			}
			hist := append([]*livret.Evaluation(nil), c.Historique...)
			sort.SliceStable(hist, func(i, j int) bool { return hist[i].Date.Before(hist[j].Date) })
			for _, e := range hist {
				cb.Evaluations = append(cb.Evaluations, evaluation(d, e))
			}
			sec.Competences = append(sec.Competences, cb)
		}
		sec.Projet = projet(b)
		l.Blocs = append(l.Blocs, sec)
	}
	return l
}

func projet(b livret.BlocState) document.ProjetBloc {
	p := document.ProjetBloc{Decision: "non remis"}
	if b.Projet != nil {
		p = document.ProjetBloc{Sujet: b.Projet.Titre, Soumis: b.Projet.SoumisLe, Decision: decisionDoc[b.Projet.Decision],
			DecisionLe: b.Projet.DecisionLe, Commentaire: b.Projet.Commentaire}
	}
	return p
}

func evaluation(d *Dossier, e *livret.Evaluation) document.EvaluationEntry {
	// Entries saved before lists were deduplicated may repeat a compétence: print it once.
	codes := referentiel.UniqueCodes(e.Competences)
	out := document.EvaluationEntry{Date: e.Date, Competences: codes, Forme: e.Forme.Libelle(), Evaluateur: e.Evaluateur,
		Score: e.Score, Bareme: e.Bareme, Seuil: e.Seuil, Commentaire: e.Commentaire, Corrige: e.RemplaceePar != 0,
		Module: e.Module, MotifForme: e.MotifForme}
	if e.Remplace != 0 {
		out.Remplace = "correction d'une évaluation précédente"
		for i := range d.Evals {
			if old := &d.Evals[i]; old.ID == e.Remplace {
				out.Remplace = fmt.Sprintf("corrige l'évaluation du %s (%s)", french.Date(old.Date), strings.ToLower(old.Forme.Libelle()))
			}
		}
	}
	for _, code := range codes {
		if _, c, ok := d.Ref.Competence(code); ok {
			for _, k := range c.Criteres {
				out.Criteres = append(out.Criteres, document.CritereResult{Code: k.Code, Libelle: k.Libelle, Resultat: string(e.Criteres[k.Code])})
			}
		}
	}
	return out
}

// Releve is the relevé des évaluations of d handed to the jury (R10), edited at edite: per
// compétence its state and its latest evaluation (« 3/4 critères acquis · 15/20 »).
func Releve(h document.Header, d *Dossier, edite time.Time) document.Releve {
	rl := document.Releve{Header: h, Candidat: Candidat(d.Candidat, d.Inscription, d.Ref), Edite: edite}
	for _, b := range d.blocs() {
		rb := document.ReleveBloc{Code: b.Code, Numero: b.Numero, Intitule: b.Intitule, Valide: b.Valide, Projet: projet(b).Decision}
		for _, c := range b.Competences {
			line := document.ReleveLine{Code: c.Code, Intitule: c.Intitule, Etat: etatDoc[c.Etat]}
			if e := c.Derniere; e != nil {
				line.Derniere = e.Date
				line.Detail = detail(&c)
			}
			rb.Lignes = append(rb.Lignes, line)
		}
		rl.Blocs = append(rl.Blocs, rb)
	}
	return rl
}

// synthese states where the compétence stands (R4): « 4/5 critères acquis », from the latest
// current result of each critère, and « note sous le seuil » when the latest score with a
// pass mark misses it.
func synthese(c *livret.CompetenceState) string {
	n := len(c.Criteres)
	s := fmt.Sprintf("%d/%d %s (dernier résultat en vigueur de chaque critère)", c.Acquis(), n, french.Plural(n, "critère acquis", "critères acquis"))
	if !c.ScoreReached() {
		s += " ; la dernière note n'atteint pas le seuil de réussite"
	}
	return s
}

// detail summarises a compétence for the relevé: « 3/4 critères acquis », « 1/1 critère
// acquis » (each critère's latest current result), then the latest score when there is one
// (« · 15,5/20 »).
func detail(c *livret.CompetenceState) string {
	n := len(c.Criteres)
	s := fmt.Sprintf("%d/%d %s", c.Acquis(), n, french.Plural(n, "critère acquis", "critères acquis"))
	e := c.Score
	if e == nil {
		for _, h := range c.Historique {
			if h.RemplaceePar == 0 && h.Score != nil && h.Bareme != nil {
				e = h
				break
			}
		}
	}
	if e != nil && e.Score != nil && e.Bareme != nil {
		s += " · " + french.Number(*e.Score) + "/" + french.Number(*e.Bareme)
	}
	return s
}
