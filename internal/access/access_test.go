package access_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
)

// The cast: Lyon is centre 1, Nantes centre 2; the candidate's account is 40, the jury's 50.
const lyon, nantes = 1, 2

var (
	anon      = account.Actor{}
	admin     = account.Actor{UserID: 1, Role: account.RoleAdmin}
	system    = account.System
	referent  = account.Actor{UserID: 10, Role: account.RoleReferent, CentreID: lyon}
	formateur = account.Actor{UserID: 20, Role: account.RoleFormateur, CentreID: lyon}
	candidat  = account.Actor{UserID: 40, Role: account.RoleCandidat}
	jury      = account.Actor{UserID: 50, Role: account.RoleJury}
	// A centre role without its centre (a broken account) sees nothing.
	orphan = account.Actor{UserID: 60, Role: account.RoleReferent}
)

// actors lists every role, in the column order of the tables below.
var actors = []struct {
	name string
	a    account.Actor
}{{"anon", anon}, {"admin", admin}, {"system", system}, {"referent", referent}, {"formateur", formateur}, {"candidat", candidat}, {"jury", jury}, {"orphan", orphan}}

const (
	H = access.Hide
	D = access.Deny
	A = access.Allow
)

// Every relation an inscription can stand in with the actors.
var inscriptions = []struct {
	name string
	r    access.Inscription
}{
	{"own centre, other candidate's file", access.Inscription{CentreID: lyon, CandidatUserID: 41}},
	{"own file", access.Inscription{CentreID: lyon, CandidatUserID: 40}},
	{"other centre", access.Inscription{CentreID: nantes, CandidatUserID: 42}},
	{"jury member who signed", access.Inscription{CentreID: nantes, CandidatUserID: 42, Jury: access.Jury{Members: []int64{50}, Signed: []int64{50}}}},
	{"jury member who trained the candidate", access.Inscription{CentreID: nantes, CandidatUserID: 42, Jury: access.Jury{Members: []int64{50}, Signed: []int64{50}, Trainers: []int64{50}}}},
	{"jury non-member", access.Inscription{CentreID: nantes, CandidatUserID: 42, Jury: access.Jury{Members: []int64{51}}}},
	// R17: before signing the confidentiality attestation, a member sees nothing of the file.
	{"jury member who did not sign", access.Inscription{CentreID: nantes, CandidatUserID: 42, Jury: access.Jury{Members: []int64{50}}}},
}

func TestInscriptionRules(t *testing.T) {
	rules := []struct {
		name string
		fn   func(account.Actor, access.Inscription) access.Decision
		// want[relation][actor], actors in the order of the actors table.
		want [7][8]access.Decision
	}{
		{"read", access.CanReadInscription, [7][8]access.Decision{
			{H, A, A, A, A, H, H, H},
			{H, A, A, A, A, A, H, H},
			{H, A, A, H, H, H, H, H},
			{H, A, A, H, H, H, A, H},
			{H, A, A, H, H, H, H, H},
			{H, A, A, H, H, H, H, H},
			{H, A, A, H, H, H, H, H},
		}},
		{"contribute", access.CanContribute, [7][8]access.Decision{
			{H, A, A, A, A, H, H, H},
			{H, A, A, A, A, A, H, H},
			{H, A, A, H, H, H, H, H},
			{H, A, A, H, H, H, D, H},
			{H, A, A, H, H, H, H, H},
			{H, A, A, H, H, H, H, H},
			{H, A, A, H, H, H, H, H},
		}},
		// Issue 8: the dossier complet is the candidate's and their référent's (and the
		// certificateur's); the formateur sees it and is denied.
		{"contribute dossier", access.CanContributeDossier, [7][8]access.Decision{
			{H, A, A, A, D, H, H, H},
			{H, A, A, A, D, A, H, H},
			{H, A, A, H, H, H, H, H},
			{H, A, A, H, H, H, D, H},
			{H, A, A, H, H, H, H, H},
			{H, A, A, H, H, H, H, H},
			{H, A, A, H, H, H, H, H},
		}},
		{"train", access.CanTrain, [7][8]access.Decision{
			{H, A, A, A, A, H, H, H},
			{H, A, A, A, A, D, H, H},
			{H, A, A, H, H, H, H, H},
			{H, A, A, H, H, H, D, H},
			{H, A, A, H, H, H, H, H},
			{H, A, A, H, H, H, H, H},
			{H, A, A, H, H, H, H, H},
		}},
		{"manage", access.CanManageInscription, [7][8]access.Decision{
			{H, A, A, A, D, H, H, H},
			{H, A, A, A, D, D, H, H},
			{H, A, A, H, H, H, H, H},
			{H, A, A, H, H, H, D, H},
			{H, A, A, H, H, H, H, H},
			{H, A, A, H, H, H, H, H},
			{H, A, A, H, H, H, H, H},
		}},
		// Seed 5-1: the référent pédagogique of the centre alone validates the project; the
		// certificateur and the formateurs see it and are denied.
		{"decide projet", access.CanDecideProjet, [7][8]access.Decision{
			{H, D, D, A, D, H, H, H},
			{H, D, D, A, D, D, H, H},
			{H, D, D, H, H, H, H, H},
			{H, D, D, H, H, H, D, H},
			{H, D, D, H, H, H, H, H},
			{H, D, D, H, H, H, H, H},
			{H, D, D, H, H, H, H, H},
		}},
	}
	for _, rule := range rules {
		for i, ins := range inscriptions {
			for j, ac := range actors {
				if got := rule.fn(ac.a, ins.r); got != rule.want[i][j] {
					t.Errorf("%s %s as %s: %s, want %s", rule.name, ins.name, ac.name, got, rule.want[i][j])
				}
			}
		}
	}
}

func TestCentreRules(t *testing.T) {
	rules := []struct {
		name string
		fn   func(account.Actor, access.Centre) access.Decision
		want [2][8]access.Decision // own centre, other centre
	}{
		{"read", access.CanReadCentre, [2][8]access.Decision{{H, A, A, A, A, H, H, H}, {H, A, A, H, H, H, H, H}}},
		{"manage", access.CanManageCentre, [2][8]access.Decision{{H, A, A, A, D, H, H, H}, {H, A, A, H, H, H, H, H}}},
		{"edit", access.CanEditCentre, [2][8]access.Decision{{H, A, A, D, D, H, H, H}, {H, A, A, H, H, H, H, H}}},
	}
	for _, rule := range rules {
		for i, c := range []access.Centre{{ID: lyon}, {ID: nantes}} {
			for j, ac := range actors {
				if got := rule.fn(ac.a, c); got != rule.want[i][j] {
					t.Errorf("%s centre %d as %s: %s, want %s", rule.name, c.ID, ac.name, got, rule.want[i][j])
				}
			}
		}
	}
	for j, want := range []access.Decision{D, A, A, D, D, D, D, D} {
		if got := access.CanAdminister(actors[j].a); got != want {
			t.Errorf("administer as %s: %s, want %s", actors[j].name, got, want)
		}
	}
}

func TestCandidatRules(t *testing.T) {
	cands := []access.Candidat{
		{CentreIDs: []int64{lyon}, UserID: 41},         // own centre
		{CentreIDs: []int64{nantes, lyon}, UserID: 40}, // own file, enrolled in both centres
		{CentreIDs: []int64{nantes}, UserID: 42},       // other centre
	}
	read := [3][8]access.Decision{{H, A, A, A, A, H, H, H}, {H, A, A, A, A, A, H, H}, {H, A, A, H, H, H, H, H}}
	edit := [3][8]access.Decision{{H, A, A, A, D, H, H, H}, {H, A, A, A, D, D, H, H}, {H, A, A, H, H, H, H, H}}
	for i, c := range cands {
		for j, ac := range actors {
			if got := access.CanReadCandidat(ac.a, c); got != read[i][j] {
				t.Errorf("read candidat %d as %s: %s, want %s", i, ac.name, got, read[i][j])
			}
			if got := access.CanEditCandidat(ac.a, c); got != edit[i][j] {
				t.Errorf("edit candidat %d as %s: %s, want %s", i, ac.name, got, edit[i][j])
			}
		}
	}
}

func TestAccountRules(t *testing.T) {
	accts := []struct {
		name string
		r    access.Account
		read [8]access.Decision
		edit [8]access.Decision
	}{
		{"formateur of own centre", access.Account{ID: 21, CentreID: lyon, Role: account.RoleFormateur},
			[8]access.Decision{H, A, A, A, A, H, H, H}, [8]access.Decision{H, A, A, A, D, H, H, H}},
		{"referent of own centre (the referent themself)", access.Account{ID: 10, CentreID: lyon, Role: account.RoleReferent},
			[8]access.Decision{H, A, A, A, A, H, H, H}, [8]access.Decision{H, A, A, D, D, H, H, H}},
		{"formateur of other centre", access.Account{ID: 22, CentreID: nantes, Role: account.RoleFormateur},
			[8]access.Decision{H, A, A, H, H, H, H, H}, [8]access.Decision{H, A, A, H, H, H, H, H}},
		{"the candidate's own account", access.Account{ID: 40, Role: account.RoleCandidat},
			[8]access.Decision{H, A, A, H, H, A, H, H}, [8]access.Decision{H, A, A, H, H, D, H, H}},
		{"the jury's own account", access.Account{ID: 50, Role: account.RoleJury},
			[8]access.Decision{H, A, A, H, H, H, A, H}, [8]access.Decision{H, A, A, H, H, H, D, H}},
	}
	for _, c := range accts {
		for j, ac := range actors {
			if got := access.CanReadAccount(ac.a, c.r); got != c.read[j] {
				t.Errorf("read %s as %s: %s, want %s", c.name, ac.name, got, c.read[j])
			}
			if got := access.CanEditAccount(ac.a, c.r); got != c.edit[j] {
				t.Errorf("edit %s as %s: %s, want %s", c.name, ac.name, got, c.edit[j])
			}
		}
	}
	for j, want := range []access.Decision{D, A, A, D, D, A, D, D} {
		if got := access.CanActForAccount(actors[j].a, 40); got != want {
			t.Errorf("act for account 40 as %s: %s, want %s", actors[j].name, got, want)
		}
	}
}

// TestGates checks each policy's route gate for every role: what the route table used to
// spell out as role lists now follows from the grants.
func TestGates(t *testing.T) {
	const (
		ok   = 0
		auth = 1 // apperr.Unauthenticated
		no   = 2 // apperr.Forbidden
	)
	// Columns: anon, admin, system, referent, formateur, candidat, jury, orphan.
	want := map[access.Policy][8]int{
		access.Public:                {ok, ok, ok, ok, ok, ok, ok, ok},
		access.Link:                  {ok, ok, ok, ok, ok, ok, ok, ok},
		access.SignedIn:              {auth, ok, ok, ok, ok, ok, ok, ok},
		access.Administer:            {auth, ok, ok, no, no, no, no, no},
		access.ReadCentre:            {auth, ok, ok, ok, ok, no, no, no},
		access.ManageCentre:          {auth, ok, ok, ok, no, no, no, no},
		access.ListAccounts:          {auth, ok, ok, ok, no, no, no, no},
		access.MyFile:                {auth, no, no, no, no, ok, no, no},
		access.ReadInscription:       {auth, ok, ok, ok, ok, ok, ok, no},
		access.ContributeInscription: {auth, ok, ok, ok, ok, ok, no, no},
		access.TrainInscription:      {auth, ok, ok, ok, ok, no, no, no},
		access.ManageInscription:     {auth, ok, ok, ok, no, no, no, no},
		access.ReadCandidat:          {auth, ok, ok, ok, ok, ok, no, no},
		access.DecideProjet:          {auth, no, no, ok, no, no, no, no},
		access.EditCandidat:          {auth, ok, ok, ok, no, no, no, no},
		access.ContributeDossier:     {auth, ok, ok, ok, no, ok, no, no},
	}
	for _, p := range access.Policies() {
		w, found := want[p]
		if !found {
			t.Errorf("policy %s has no expected gate", p)
			continue
		}
		for j, ac := range actors {
			err := p.Gate(ac.a)
			got := ok
			switch {
			case errors.Is(err, apperr.Unauthenticated):
				got = auth
			case errors.Is(err, apperr.Forbidden):
				got = no
			case err != nil:
				t.Errorf("%s as %s: unexpected %v", p, ac.name, err)
			}
			if got != w[j] {
				t.Errorf("gate %s as %s: %d, want %d (%v)", p, ac.name, got, w[j], err)
			}
		}
	}
}

func TestDecisionErr(t *testing.T) {
	if access.Allow.Err("x") != nil || !errors.Is(access.Deny.Err("x"), apperr.Forbidden) ||
		!errors.Is(access.Hide.Err(""), apperr.NotFound) || !errors.Is(access.Decision(0).Err("x"), apperr.NotFound) {
		t.Error("decision errors")
	}
}

// TestScopes checks the relations each role's store scope is built from.
func TestScopes(t *testing.T) {
	for _, tc := range []struct {
		kind access.Kind
		a    account.Actor
		want []access.Relation
	}{
		{access.KindInscription, admin, []access.Relation{access.Any}},
		{access.KindInscription, referent, []access.Relation{access.SameCentre}},
		{access.KindInscription, candidat, []access.Relation{access.OwnFile}},
		{access.KindInscription, jury, []access.Relation{access.NotTrainerOf}},
		{access.KindInscription, orphan, nil},
		{access.KindInscription, anon, nil},
		{access.KindUser, formateur, []access.Relation{access.SameCentre, access.Self}},
		{access.KindUser, jury, []access.Relation{access.Self}},
		{access.KindCentre, candidat, nil},
	} {
		got := access.Scope(tc.kind, tc.a)
		if len(got) != len(tc.want) {
			t.Errorf("scope %s for %s: %v, want %v", tc.kind, tc.a.Role, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("scope %s for %s: %v, want %v", tc.kind, tc.a.Role, got, tc.want)
			}
		}
	}
}

// TestPolicyChecks checks the resource rule a route applies after its gate.
func TestPolicyChecks(t *testing.T) {
	own, other := access.Inscription{CentreID: lyon, CandidatUserID: 40}, access.Inscription{CentreID: nantes, CandidatUserID: 42}
	for _, tc := range []struct {
		p    access.Policy
		a    account.Actor
		r    access.Inscription
		want error
	}{
		{access.ReadInscription, candidat, own, nil},
		{access.ReadInscription, candidat, other, apperr.NotFound},
		{access.ManageInscription, formateur, own, apperr.Forbidden},
		{access.ManageInscription, referent, other, apperr.NotFound},
		{access.TrainInscription, referent, own, nil},
		{access.DecideProjet, referent, own, nil},
		{access.DecideProjet, referent, other, apperr.NotFound},
		{access.DecideProjet, admin, own, apperr.Forbidden},
		{access.DecideProjet, admin, other, apperr.Forbidden},
		{access.DecideProjet, formateur, own, apperr.Forbidden},
		{access.DecideProjet, formateur, other, apperr.NotFound},
		{access.DecideProjet, candidat, own, apperr.Forbidden},
		{access.ContributeDossier, candidat, own, nil},
		{access.ContributeDossier, candidat, other, apperr.NotFound},
		{access.ContributeDossier, referent, own, nil},
		{access.ContributeDossier, formateur, own, apperr.Forbidden},
		{access.ContributeDossier, formateur, other, apperr.NotFound},
		{access.ContributeDossier, admin, other, nil},
		{access.ReadCentre, candidat, other, nil}, // not about inscriptions: decided elsewhere
	} {
		err := tc.p.CheckInscription(tc.a, tc.r, "inscription")
		if (tc.want == nil) != (err == nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("%s as %s on centre %d: %v, want %v", tc.p, tc.a.Role, tc.r.CentreID, err, tc.want)
		}
	}
	lyonCand, nantesCand := access.Candidat{CentreIDs: []int64{lyon}}, access.Candidat{CentreIDs: []int64{nantes}}
	if err := access.ReadCandidat.CheckCandidat(formateur, lyonCand, "c"); err != nil {
		t.Errorf("formateur reads a candidate of their centre: %v", err)
	}
	if err := access.ReadCandidat.CheckCandidat(formateur, nantesCand, "c"); !errors.Is(err, apperr.NotFound) {
		t.Errorf("formateur reads a candidate of another centre: %v", err)
	}
	// Correcting an identity: the référent of the candidate's centre, not another's, never a formateur.
	if err := access.EditCandidat.CheckCandidat(referent, lyonCand, "c"); err != nil {
		t.Errorf("référent corrects a candidate of their centre: %v", err)
	}
	if err := access.EditCandidat.CheckCandidat(referent, nantesCand, "c"); !errors.Is(err, apperr.NotFound) {
		t.Errorf("référent corrects a candidate of another centre: %v", err)
	}
	if err := access.EditCandidat.CheckCandidat(formateur, lyonCand, "c"); !errors.Is(err, apperr.Forbidden) {
		t.Errorf("formateur corrects a candidate of their centre: %v", err)
	}
	if err := access.ReadInscription.CheckCandidat(formateur, nantesCand, "c"); err != nil {
		t.Errorf("a policy about inscriptions does not judge candidates: %v", err)
	}
}

// TestNames checks that every relation, kind and policy has a name (logs and test messages).
func TestNames(t *testing.T) {
	for _, r := range access.Relations() {
		if strings.HasPrefix(r.String(), "relation(") {
			t.Errorf("relation %d has no name", r)
		}
	}
	for _, p := range access.Policies() {
		if strings.HasPrefix(p.String(), "policy(") {
			t.Errorf("policy %d has no name", p)
		}
	}
	for k := access.KindCertification; k <= access.KindUser; k++ {
		if strings.HasPrefix(k.String(), "kind(") || len(access.Grants(k)) == 0 {
			t.Errorf("kind %d has no name or no grants", k)
		}
	}
}
