package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/french"
	"github.com/certif/certif/internal/jury"
	"github.com/certif/certif/internal/mail"
)

// What a signed PV changes outside the session: the inscriptions' statuses (at the last
// signature and at each amendment), the candidates' results (published with the session's
// move to « résultats publiés », by mail through the outbox and on the inscription's page).

// StatutOf is the inscription status a passage's result leads to, "" for no change:
// réussite totale → certifié; réussite partielle → partiellement certifié; échec → non
// certifié, or partiellement certifié when blocs acquired at an earlier session remain
// (R18: they stay acquired); absent or excusé → no result status (pvStatut puts an
// inscription the centre had moved to « présenté au jury » back to « dossier en préparation »).
func StatutOf(r jury.Resultat, acquisAvant int) candidat.Statut {
	switch r {
	case jury.ReussiteTotale:
		return candidat.Certifie
	case jury.ReussitePartielle:
		return candidat.PartiellementCertifie
	case jury.Echec:
		if acquisAvant > 0 {
			return candidat.PartiellementCertifie
		}
		return candidat.NonCertifie
	}
	return ""
}

// pvStatut moves passage p's inscription to the status its result leads to (StatutOf),
// through the transition table as candidat.ParJury: directly, or by way of « présenté au
// jury »; each move is audited. An inscription whose status cannot take the result (an
// abandon) refuses with a *apperr.Validation on "statut" naming the candidate.
func (s *Store) pvStatut(ctx context.Context, tx *Tx, actor account.Actor, p *PVPassage) error {
	var from candidat.Statut
	var voie candidat.Voie
	if err := tx.QueryRowContext(ctx, `SELECT statut, voie FROM inscriptions WHERE id = ?`, p.InscriptionID).Scan(&from, &voie); err != nil {
		return fmt.Errorf("inscription %d: %w", p.InscriptionID, err)
	}
	vae := voie == candidat.VAE
	to := StatutOf(p.Resultat, len(p.Acquis))
	if to == "" {
		if from != candidat.PresenteAuJury {
			return nil
		}
		to = candidat.DossierEnPreparation
	}
	var path []candidat.Statut
	switch {
	case from == to:
		return nil
	case candidat.CheckTransition(from, to, candidat.ParJury, vae) == nil:
		path = []candidat.Statut{to}
	case candidat.CheckTransition(from, candidat.PresenteAuJury, candidat.ParJury, vae) == nil &&
		candidat.CheckTransition(candidat.PresenteAuJury, to, candidat.ParJury, vae) == nil:
		path = []candidat.Statut{candidat.PresenteAuJury, to}
	default:
		v := apperr.NewValidation()
		v.Add("statut", fmt.Sprintf(msgPVStatut, p.CandidatNom, from.Libelle()))
		return v
	}
	for _, st := range path {
		if _, err := tx.ExecContext(ctx, `UPDATE inscriptions SET statut = ?, updated_at = ? WHERE id = ?`,
			string(st), s.t(s.nowUTC()), p.InscriptionID); err != nil {
			return err
		}
		if err := tx.audit(ctx, actor, "inscription.statut", "inscription", p.InscriptionID,
			map[string]any{"from": from, "statut": st, "par": candidat.ParJury, "session_id": p.SessionID}); err != nil {
			return err
		}
		from = st
	}
	return nil
}

// jsMoveCheck is what a move of session js to etat requires beyond the transition table:
// to « délibérée », every passage decided (the undecided candidates named); « PV signé » is
// reached only by the last signature.
func jsMoveCheck(ctx context.Context, q querier, js *JurySession, etat jury.Etat) error {
	v := apperr.NewValidation()
	switch etat {
	case jury.PVSigne:
		v.Add("etat", msgPVAuto)
	case jury.Deliberee:
		ps, err := jsPassages(ctx, q, `p.session_id = ? AND p.resultat = ''`, js.ID)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return nil
		}
		noms := make([]string, len(ps))
		for i, p := range ps {
			noms[i] = p.CandidatNom + " (" + french.Heure(p.Heure) + ")"
		}
		v.Add("etat", fmt.Sprintf(msgPVIndecis, strings.Join(noms, ", ")))
	}
	return v.Err()
}

// jsPublish sets, in tx, the status of every passage's inscription from its result (pvStatut)
// and queues the results mail of each (kind mail.KindJuryResultats), when the session moves
// to « résultats publiés ».
func (s *Store) jsPublish(ctx context.Context, tx *Tx, actor account.Actor, js *JurySession) error {
	ps, intitules, err := s.pvPassages(ctx, tx, js.ID, 0)
	if err != nil {
		return err
	}
	// The statuses change with the publication, not before: a candidate never reads their
	// result on their file before it is published.
	for i := range ps {
		if err := s.pvStatut(ctx, tx, actor, &ps[i]); err != nil {
			return err
		}
	}
	for i := range ps {
		if err := s.resultatsMail(ctx, tx, js, &ps[i], intitules, false); err != nil {
			return err
		}
	}
	return nil
}

// resultatsMail queues, in tx, the results mail of passage p of session js (kind
// mail.KindJuryResultats; rectificatif: after an amendment of published results). A
// candidate without an address gets none.
func (s *Store) resultatsMail(ctx context.Context, tx *Tx, js *JurySession, p *PVPassage, intitules map[string]string, rectificatif bool) error {
	cert, err := s.Certification(ctx, js.CertificationID)
	if err != nil {
		return err
	}
	ins, err := lvInscription(ctx, tx, p.InscriptionID)
	if err != nil {
		return err
	}
	email, prenom, err := dsRecipient(ctx, tx, ins.CandidatID)
	if err != nil || email == "" {
		return err
	}
	r := resultatOf(p, intitules, js)
	data := mail.JuryResultats{Prenom: prenom, Certification: cert.Intitule, Date: js.Date, Resultat: r.Resultat.Libelle(),
		Absent: r.Resultat == jury.ResultatAbsent || r.Resultat == jury.ResultatExcuse, Rectificatif: rectificatif,
		Link: s.link(fmt.Sprintf("/inscriptions/%d/resultats", p.InscriptionID), "")}
	for _, b := range r.Blocs {
		data.Blocs = append(data.Blocs, mail.BlocResultat{Code: b.Code, Intitule: b.Intitule, Valide: b.Valide, Acquis: b.Acquis,
			Motif: b.Motif, ResteAEvaluer: b.ResteAEvaluer})
	}
	return tx.enqueue(ctx, mail.KindJuryResultats, email, data)
}

// ResultatBloc is the result of one bloc aimed at, as the candidate sees it.
type ResultatBloc struct {
	Code, Intitule       string
	Valide               bool // validated at this session (or acquired before)
	Acquis               bool // acquired at an earlier session
	Motif, ResteAEvaluer string
}

// ResultatPublie is the published result of one passage of an inscription.
type ResultatPublie struct {
	SessionID int64
	Date      time.Time
	Lieu      string
	Resultat  jury.Resultat
	Blocs     []ResultatBloc // the blocs aimed at, référentiel order
}

func resultatOf(p *PVPassage, intitules map[string]string, js *JurySession) ResultatPublie {
	r := ResultatPublie{SessionID: js.ID, Date: js.Date, Lieu: js.Lieu, Resultat: p.Resultat}
	if p.Presence != jury.Present {
		return r
	}
	for _, code := range p.Vises {
		b := ResultatBloc{Code: code, Intitule: intitules[code]}
		for _, a := range p.Acquis {
			if a == code {
				b.Acquis, b.Valide = true, true
			}
		}
		for _, d := range p.Decisions {
			if d.Bloc == code {
				b.Valide, b.Motif, b.ResteAEvaluer = d.Decision == jury.Valide, d.Motif, d.ResteAEvaluer
			}
		}
		r.Blocs = append(r.Blocs, b)
	}
	return r
}

// Resultats returns the published results of inscription insID, most recent session first:
// only sessions whose results are published (before that, nothing). Who: whoever may read
// the inscription (the candidate, their centre's staff, the admin). Errors: apperr.NotFound.
func (s *Store) Resultats(ctx context.Context, actor account.Actor, insID int64) ([]ResultatPublie, error) {
	q := s.q(nil)
	if _, err := s.inscription(ctx, q, actor, insID); err != nil {
		return nil, fmt.Errorf("resultats: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT s.id, p.id FROM passages p JOIN jury_sessions s ON s.id = p.session_id
		WHERE p.inscription_id = ? AND s.etat = ? ORDER BY s.date_session DESC, s.id DESC`, insID, string(jury.ResultatsPublies))
	if err != nil {
		return nil, fmt.Errorf("resultats: %w", err)
	}
	var ids [][2]int64
	for rows.Next() {
		var id [2]int64
		if err := rows.Scan(&id[0], &id[1]); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []ResultatPublie{}
	for _, id := range ids {
		js, err := s.jsLoad(ctx, q, account.System, id[0])
		if err != nil {
			return nil, err
		}
		ps, intitules, err := s.pvPassages(ctx, q, id[0], id[1])
		if err != nil {
			return nil, err
		}
		for i := range ps {
			out = append(out, resultatOf(&ps[i], intitules, js))
		}
	}
	return out, nil
}
