package access

import (
	"fmt"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
)

// Policy is the access rule a route declares. Its gate (Gate) runs before the handler with the
// actor alone; its resource rule (Kind and Need) is applied to the route's resource — by the
// web layer when the route names it in its path, and always by the store's scope.
type Policy uint8

// The policies of the routes.
const (
	Public                Policy = iota + 1 // anyone, signed in or not
	Link                                    // anyone holding a one-time link (the token in the path is the credential)
	SignedIn                                // any signed-in user; the store shows them what they may see
	Administer                              // the certificateur's pages: centres, accounts, journal
	ReadCentre                              // a centre's staff: candidates list, catalogue, promotions
	ManageCentre                            // a centre's référent: enrol, import, catalogue, activation links
	ListAccounts                            // the accounts list: the certificateur, a centre's référent
	MyFile                                  // the candidate's own file page
	ReadInscription                         // an inscription and what hangs from it, read
	ContributeInscription                   // the candidate's (or staff's) submissions on an inscription
	TrainInscription                        // evaluations, séances, stage
	ManageInscription                       // project decisions, statuses
	ReadCandidat                            // a candidate's identity record
	DecideProjet                            // the end-of-bloc project's decision: the centre's référent only (seed 5-1)
	EditCandidat                            // a candidate's identity record, corrected (the centre's référent, the certificateur)
	ContributeDossier                       // the dossier complet's pieces, summary, projects: the candidate, the centre's référent, the certificateur; not the formateur
	policiesCount                           // keep last
)

// Policies lists every policy, for tests that walk them all.
func Policies() []Policy {
	out := make([]Policy, 0, policiesCount-1)
	for p := Public; p < policiesCount; p++ {
		out = append(out, p)
	}
	return out
}

type policyDef struct {
	name string
	kind Kind  // 0 for Public, Link, SignedIn
	need Level // on kind
	// own restricts the gate to the holders of an OwnFile grant (the candidate's home).
	own bool
	// only restricts the policy to one role, whatever level the others hold: the seed gives
	// some acts to one person (the référent pédagogique validates the end-of-bloc project).
	only account.Role
	// except refuses the policy to one role, whatever level it holds: the dossier complet is
	// the candidate's and their référent's (issue 8), not the formateur's who trains them.
	except account.Role
}

func (p Policy) def() policyDef {
	switch p {
	case Public:
		return policyDef{name: "public"}
	case Link:
		return policyDef{name: "link"}
	case SignedIn:
		return policyDef{name: "signed-in"}
	case Administer:
		return policyDef{name: "administer", kind: KindCertification, need: Own}
	case ReadCentre:
		return policyDef{name: "centre.read", kind: KindCentre, need: Read}
	case ManageCentre:
		return policyDef{name: "centre.manage", kind: KindCentre, need: Manage}
	case ListAccounts:
		return policyDef{name: "accounts.list", kind: KindUser, need: Manage}
	case MyFile:
		return policyDef{name: "inscription.own", kind: KindInscription, need: Read, own: true}
	case ReadInscription:
		return policyDef{name: "inscription.read", kind: KindInscription, need: Read}
	case ContributeInscription:
		return policyDef{name: "inscription.contribute", kind: KindInscription, need: Contribute}
	case TrainInscription:
		return policyDef{name: "inscription.train", kind: KindInscription, need: Train}
	case ManageInscription:
		return policyDef{name: "inscription.manage", kind: KindInscription, need: Manage}
	case ReadCandidat:
		return policyDef{name: "candidat.read", kind: KindCandidat, need: Read}
	case DecideProjet:
		return policyDef{name: "projet.decide", kind: KindInscription, need: Manage, only: account.RoleReferent}
	case EditCandidat:
		return policyDef{name: "candidat.edit", kind: KindCandidat, need: Manage}
	case ContributeDossier:
		return policyDef{name: "dossier.contribute", kind: KindInscription, need: Contribute, except: account.RoleFormateur}
	}
	return policyDef{name: fmt.Sprintf("policy(%d)", uint8(p))}
}

// String names the policy (e.g. "inscription.read").
func (p Policy) String() string { return p.def().name }

// Kind is the kind of resource the policy's rule is about (0 for Public, Link and SignedIn).
func (p Policy) Kind() Kind { return p.def().kind }

// Need is the level the policy asks on its resource.
func (p Policy) Need() Level { return p.def().need }

// Gate is the route-level check, with the actor alone: nil when the actor's role could hold
// the policy's level on some resource of its kind; apperr.Unauthenticated for an anonymous
// actor on a non-public route; apperr.Forbidden for a role that never could (the route
// exists for everyone, so refusing it reveals nothing). An unknown policy refuses everyone.
func (p Policy) Gate(a account.Actor) error {
	d := p.def()
	switch p {
	case Public, Link:
		return nil
	}
	if a.UserID == 0 && a.Role == "" {
		return fmt.Errorf("%s: %w", d.name, apperr.Unauthenticated)
	}
	switch {
	case p == SignedIn:
		return nil
	case d.kind == 0:
		return fmt.Errorf("%s: %w", d.name, apperr.Forbidden)
	case d.only != "" && a.Role != d.only, d.except != "" && a.Role == d.except:
		return fmt.Errorf("%s for %s: %w", d.name, a.Role, apperr.Forbidden)
	case d.own:
		if !holdsOwnFile(a) {
			return fmt.Errorf("%s for %s: %w", d.name, a.Role, apperr.Forbidden)
		}
		return nil
	case !MayHold(d.kind, a, d.need):
		return fmt.Errorf("%s for %s: %w", d.name, a.Role, apperr.Forbidden)
	}
	return nil
}

// holdsOwnFile reports whether a's role holds an OwnFile grant on inscriptions.
func holdsOwnFile(a account.Actor) bool {
	for _, g := range Grants(KindInscription) {
		if g.Role == a.Role && g.Relation == OwnFile && g.Relation.applies(a) {
			return true
		}
	}
	return false
}

// CheckInscription applies p's resource rule to inscription r: nil when allowed, else
// apperr.NotFound or apperr.Forbidden wrapped with what. A policy not about inscriptions
// allows (its own rule applies elsewhere).
func (p Policy) CheckInscription(a account.Actor, r Inscription, what string) error {
	if p.Kind() != KindInscription {
		return nil
	}
	if only := p.def().only; only != "" {
		return onlyRole(a, only, InscriptionLevel(a, r), p.Need()).Err(what)
	}
	if except := p.def().except; except != "" {
		return exceptRole(a, except, InscriptionLevel(a, r), p.Need()).Err(what)
	}
	return decide(InscriptionLevel(a, r), p.Need()).Err(what)
}

// CheckCandidat applies p's resource rule to candidate r, as CheckInscription does.
func (p Policy) CheckCandidat(a account.Actor, r Candidat, what string) error {
	if p.Kind() != KindCandidat {
		return nil
	}
	return decide(level(KindCandidat, a, r.rel(a)), p.Need()).Err(what)
}

// exceptRole decides an act refused to role for actor a holding have: Hide for whoever may
// not know the resource, Deny for role when it sees it, else the level rule.
func exceptRole(a account.Actor, role account.Role, have, need Level) Decision {
	if have != None && a.Role == role {
		return Deny
	}
	return decide(have, need)
}

// onlyRole decides an act reserved to role for actor a holding have: Hide for whoever may not
// know the resource, Deny for anyone else who sees it (an admin, a formateur), else the level
// rule.
func onlyRole(a account.Actor, role account.Role, have, need Level) Decision {
	if have != None && a.Role != role {
		return Deny
	}
	return decide(have, need)
}
