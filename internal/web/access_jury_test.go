package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/store"
)

// addJuryRelations builds the jury's further relations of the access test (relJuryUnsigned,
// relJuryBefore, relJuryAfter, relJuryTutor), and assigns jury@ to the passage of its signed
// session. Passages are inserted as is: eligibility is not the matter here.
func (f *accessFixtures) addJuryRelations(t *testing.T, admin account.Actor, juror *account.User) {
	ctx := t.Context()
	st := f.e.st
	exec := func(q string) int64 {
		t.Helper()
		var id int64
		if err := st.DB().QueryRowContext(ctx, q).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	stamp := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	passage := func(session, ins int64) int64 { // convoked: the convocation is not the matter either
		return exec(fmt.Sprintf(`INSERT INTO passages (session_id, inscription_id, heure, presence, version, created_at, convoque_le)
			VALUES (%d, %d, '11:00', '', 1, '%s', '%s') RETURNING id`, session, ins, stamp, stamp))
	}
	now := time.Now()
	// Each relation's passage is a file of its own (Lyon), so that no other session's
	// attestation speaks for it.
	inscrire := func(nom, prenom string) int64 {
		t.Helper()
		c := &candidat.Candidat{NomNaissance: nom, Prenoms: []string{prenom}, Sexe: candidat.Homme, DateNaissance: time.Date(1992, 5, 6, 0, 0, 0, 0, time.UTC),
			CommuneNaissance: "Lyon", CommuneNaissanceCode: "69123", Email: fmt.Sprintf("%s.%s@exemple.fr", prenom, nom)}
		ins := &candidat.Inscription{CertificationID: f.cert, CentreID: f.lyon, Voie: candidat.FormationContinue, Promotion: "JURY-R", Date: now}
		if _, err := st.Inscrire(ctx, account.System, c, ins); err != nil {
			t.Fatal(err)
		}
		return ins.ID
	}
	exec(fmt.Sprintf(`INSERT INTO passage_jures (passage_id, user_id) VALUES (%d, %d) RETURNING passage_id`, f.passageJury, juror.ID))
	session := func(day time.Time, sign bool, ins int64) (int64, int64) {
		js := &store.JurySession{CertificationID: f.cert, CentreID: f.lyon, Date: day, Lieu: "Lyon",
			DureePresentation: 20, DureeEntretienTechnique: 20, DureeEntretienFinal: 20}
		if err := st.CreateJurySession(ctx, admin, js); err != nil {
			t.Fatal(err)
		}
		p := passage(js.ID, ins)
		if err := st.AddMembre(ctx, admin, js.ID, juror.ID, true); err != nil {
			t.Fatal(err)
		}
		if sign {
			if _, _, err := st.SignAttestation(ctx, account.ActorOf(juror), js.ID, "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
		}
		return js.ID, p
	}
	f.sessionUnsigned, f.passageUnsigned = session(now, false, inscrire("Nonsigne", "Marius"))
	fresh := 0
	f.newUnsigned = func() int64 {
		fresh++
		id, _ := session(now, false, inscrire(fmt.Sprintf("Signataire%c", 'A'+fresh), "Hector"))
		return id
	}
	f.sessionBefore, f.passageBefore = session(now.AddDate(0, 0, 10), false, inscrire("Avant", "Basile"))
	yesterday := now.AddDate(0, 0, -1)
	prev := st.SetClock(func() time.Time { return yesterday })
	apres := inscrire("Apres", "Gaspard")
	f.sessionAfter, f.passageAfter = session(yesterday, true, apres)
	st.SetClock(prev)
	exec(fmt.Sprintf(`UPDATE jury_sessions SET etat = 'resultats_publies' WHERE id = %d RETURNING id`, f.sessionAfter))

	// A Lyon file whose internship jury@ tutored, convoked to jury@'s signed session.
	tutore := inscrire("Tutore", "Paul")
	stage := &store.Stage{InscriptionID: tutore, Entreprise: "Agence Lefèvre", TuteurNom: juror.DisplayName(), TuteurEmail: juror.Email,
		Debut: now.AddDate(0, -2, 0).Truncate(24 * time.Hour), Fin: now.AddDate(0, -1, 0).Truncate(24 * time.Hour)}
	if err := st.CreateStage(ctx, account.System, stage); err != nil {
		t.Fatal(err)
	}
	f.passageTutor = passage(f.sessionJury, tutore)
}

// freshUnsigned gives a route that signs the attestation (relJuryUnsigned) a session of its
// own per request, with a file of its own, so that signing it does not change the next
// routes' outcomes.
func (f *accessFixtures) freshUnsigned(pattern, url string, rel relation) string {
	if rel != relJuryUnsigned || !strings.Contains(pattern, "/attestation") || !strings.HasPrefix(pattern, "POST ") {
		return url
	}
	return strings.Replace(url, fmt.Sprintf("/sessions/%d/", f.sessionUnsigned), fmt.Sprintf("/sessions/%d/", f.newUnsigned()), 1)
}
