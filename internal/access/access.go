// Package access is Certif's one access policy: who may see or change what.
//
// The policy is data — for each kind of resource, a table of grants (a role, standing in a
// relation to the resource, gets a level) — and pure functions over the acting user and the
// resource's relations (its centre, its candidate, its jury session…), in the style of WTF
// Dial's CanEditDial. The same grants give three things:
//
//   - the answer for one resource (Decide and the Can… functions), used by the store after
//     loading a record and by the web layer before running a handler;
//   - the SQL scope of the store's queries (Scope: one condition per relation the actor's
//     role holds, the store maps each relation to its SQL);
//   - the role gate of a route (Policy.Gate: which roles could ever pass it).
//
// A refusal of something the actor may not know exists is Hide (apperr.NotFound); of
// something they may see but not change, Deny (apperr.Forbidden).
package access

import (
	"fmt"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/apperr"
)

// Decision is the policy's answer. Its zero value is Hide: when in doubt, reveal nothing.
type Decision uint8

// The decisions.
const (
	Hide  Decision = iota // the actor may not know it exists: apperr.NotFound (404)
	Deny                  // the actor sees it but may not do this: apperr.Forbidden (403)
	Allow                 // go ahead
)

// String names the decision (for tests and logs).
func (d Decision) String() string {
	switch d {
	case Allow:
		return "allow"
	case Deny:
		return "deny"
	}
	return "hide"
}

// Err returns nil for Allow, apperr.Forbidden for Deny and apperr.NotFound for Hide, wrapped
// with what (e.g. "inscription 12") when what is not empty.
func (d Decision) Err(what string) error {
	var err error
	switch d {
	case Allow:
		return nil
	case Deny:
		err = apperr.Forbidden
	default:
		err = apperr.NotFound
	}
	if what == "" {
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Level is what a grant lets its holder do on a resource; each level includes the ones below.
type Level uint8

// The levels, from nothing to everything.
const (
	None       Level = iota // may not know it exists
	Read                    // sees it
	Contribute              // the candidate on their own file: submits projects and pieces
	Train                   // a formateur: records evaluations, plans séances, manages the stage
	Manage                  // a référent: decides projects, sets statuses, enrols, edits the catalogue
	Own                     // the certificateur: everything, including the centres and accounts
)

// decide turns the level the actor holds into the decision for an action needing need.
func decide(have, need Level) Decision {
	switch {
	case have == None:
		return Hide
	case have < need:
		return Deny
	}
	return Allow
}

// Relation is how an actor stands to a resource. Each one is a pure predicate here and one
// SQL condition in the store.
type Relation uint8

// The relations. The jury ones are defined now so that the jury issue only fills them in.
const (
	Any            Relation = iota + 1 // any resource of the kind
	SameCentre                         // the resource belongs to the actor's centre
	OwnFile                            // the actor is the candidate of the resource
	Self                               // the resource is the actor's own account
	SessionMember                      // the actor sits on the jury session where the resource is presented
	SignedMember                       // SessionMember, and has signed the confidentiality attestation (R17)
	NotTrainerOf                       // SignedMember, and never trained, tutored or evaluated this candidate
	relationsCount                     // keep last
)

// Relations lists every relation, for tests that walk them all.
func Relations() []Relation {
	out := make([]Relation, 0, relationsCount-1)
	for r := Any; r < relationsCount; r++ {
		out = append(out, r)
	}
	return out
}

// String names the relation.
func (r Relation) String() string {
	switch r {
	case Any:
		return "any"
	case SameCentre:
		return "same-centre"
	case OwnFile:
		return "own-file"
	case Self:
		return "self"
	case SessionMember:
		return "session-member"
	case SignedMember:
		return "signed-member"
	case NotTrainerOf:
		return "not-trainer-of"
	}
	return fmt.Sprintf("relation(%d)", uint8(r))
}

// applies reports whether a relation can hold at all for actor a (a centre's relations need
// a centre, a person's relations need a user).
func (r Relation) applies(a account.Actor) bool {
	switch r {
	case Any:
		return true
	case SameCentre:
		return a.Role.NeedsCentre() && a.CentreID != 0
	case OwnFile, Self, SessionMember, SignedMember, NotTrainerOf:
		return a.UserID != 0
	}
	return false
}

// Grant gives the holders of Role, standing in Relation to a resource, Level on it.
type Grant struct {
	Role     account.Role
	Relation Relation
	Level    Level
}

// Kind is a kind of resource; each has its table of grants.
type Kind uint8

// The kinds of resource.
const (
	KindCertification Kind = iota + 1 // the référentiel, the centres as a list, the journal: the certificateur's
	KindCentre                        // one training centre and its catalogue, promotions and candidates list
	KindInscription                   // an inscription with its livret, plan, stage, documents and files
	KindCandidat                      // a candidate's identity record (may have inscriptions in several centres)
	KindUser                          // an account
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case KindCertification:
		return "certification"
	case KindCentre:
		return "centre"
	case KindInscription:
		return "inscription"
	case KindCandidat:
		return "candidat"
	case KindUser:
		return "user"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Grants returns the grants of kind k: the whole policy for that kind of resource.
func Grants(k Kind) []Grant {
	switch k {
	case KindCertification:
		return []Grant{{account.RoleAdmin, Any, Own}}
	case KindCentre:
		return []Grant{
			{account.RoleAdmin, Any, Own},
			{account.RoleReferent, SameCentre, Manage},
			{account.RoleFormateur, SameCentre, Read},
		}
	case KindInscription:
		return []Grant{
			{account.RoleAdmin, Any, Own},
			{account.RoleReferent, SameCentre, Manage},
			{account.RoleFormateur, SameCentre, Train},
			{account.RoleCandidat, OwnFile, Contribute},
			// The jury reads the files of its session's candidates, once it signed the
			// confidentiality attestation and unless it trained the candidate.
			{account.RoleJury, NotTrainerOf, Read},
		}
	case KindCandidat:
		return []Grant{
			{account.RoleAdmin, Any, Own},
			{account.RoleReferent, SameCentre, Manage},
			{account.RoleFormateur, SameCentre, Read},
			{account.RoleCandidat, OwnFile, Read},
		}
	case KindUser:
		return []Grant{
			{account.RoleAdmin, Any, Own},
			{account.RoleReferent, SameCentre, Manage},
			{account.RoleFormateur, SameCentre, Read},
			{account.RoleReferent, Self, Read},
			{account.RoleFormateur, Self, Read},
			{account.RoleCandidat, Self, Read},
			{account.RoleJury, Self, Read},
		}
	}
	return nil
}

// Rel is the set of relations a resource stands in with one actor, computed by the
// resource's relations struct (see Inscription.Rel…).
type Rel func(Relation) bool

// level is the highest level a grants to actor a on a resource with relations rel.
func level(k Kind, a account.Actor, rel Rel) Level {
	best := None
	for _, g := range Grants(k) {
		if g.Role == a.Role && g.Level > best && g.Relation.applies(a) && rel(g.Relation) {
			best = g.Level
		}
	}
	return best
}

// Scope returns the relations through which actor a may see resources of kind k: the store
// turns each into its SQL condition and ORs them (none: the actor sees nothing).
func Scope(k Kind, a account.Actor) []Relation {
	var out []Relation
	for _, g := range Grants(k) {
		if g.Role == a.Role && g.Level >= Read && g.Relation.applies(a) {
			out = append(out, g.Relation)
		}
	}
	return out
}

// MayHold reports whether actor a could hold need on some resource of kind k (the role gate
// of a route, before the resource is known).
func MayHold(k Kind, a account.Actor, need Level) bool {
	for _, g := range Grants(k) {
		if g.Role == a.Role && g.Level >= need && g.Relation.applies(a) {
			return true
		}
	}
	return false
}
