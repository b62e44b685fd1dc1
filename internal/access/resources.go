package access

import (
	"slices"

	"github.com/certif/certif/internal/account"
)

// Jury holds a resource's relations to the jury sessions where its candidate is presented
// (filled by the store for an actor of role jury: the members of the sessions whose day has
// come — a juror sees a session during and after it, never before).
type Jury struct {
	Members  []int64 // accounts of the members of the session where the candidate is presented
	Signed   []int64 // members who signed the session's confidentiality attestation (R17)
	Trainers []int64 // accounts that trained, tutored or evaluated the candidate (jury independence)
}

func (j Jury) holds(r Relation, userID int64) bool {
	member := userID != 0 && slices.Contains(j.Members, userID)
	switch r {
	case SessionMember:
		return member
	case SignedMember:
		return member && slices.Contains(j.Signed, userID)
	case NotTrainerOf:
		// R17 and independence: a member reads the file only once they signed the session's
		// confidentiality attestation, and never the file of a candidate they trained.
		return member && slices.Contains(j.Signed, userID) && !slices.Contains(j.Trainers, userID)
	}
	return false
}

// Inscription is what the policy knows of an inscription (and of everything hanging from it:
// livret, evaluations, projects, plan, stage, documents, evidence files).
type Inscription struct {
	CentreID       int64
	CandidatUserID int64 // the candidate's account, 0 when none
	Jury           Jury
}

func (r Inscription) rel(a account.Actor) Rel {
	return func(rel Relation) bool {
		switch rel {
		case Any:
			return true
		case SameCentre:
			return r.CentreID == a.CentreID
		case OwnFile:
			return r.CandidatUserID == a.UserID
		}
		return r.Jury.holds(rel, a.UserID)
	}
}

// InscriptionLevel is what actor a may do on inscription r.
func InscriptionLevel(a account.Actor, r Inscription) Level {
	return level(KindInscription, a, r.rel(a))
}

// CanReadInscription: the certificateur, the centre's staff, the candidate themself, and (with
// the jury issue) a member of the candidate's jury session who did not train them.
func CanReadInscription(a account.Actor, r Inscription) Decision {
	return decide(InscriptionLevel(a, r), Read)
}

// CanContribute: whoever may read the file and is not the jury: the candidate submits their
// projects and pieces; the staff may do it for them.
func CanContribute(a account.Actor, r Inscription) Decision {
	return decide(InscriptionLevel(a, r), Contribute)
}

// CanContributeDossier: writes the dossier complet (its pieces, summary and projects) — the
// candidate on their own file, the centre's référent and the certificateur (issue 8); the
// formateur sees it and may not.
func CanContributeDossier(a account.Actor, r Inscription) Decision {
	return exceptRole(a, account.RoleFormateur, InscriptionLevel(a, r), Contribute)
}

// CanTrain: records evaluations, plans séances, manages the stage — the centre's formateurs
// and référents, and the certificateur.
func CanTrain(a account.Actor, r Inscription) Decision {
	return decide(InscriptionLevel(a, r), Train)
}

// CanManageInscription: decides end-of-bloc projects and sets statuses — the centre's référent
// and the certificateur.
func CanManageInscription(a account.Actor, r Inscription) Decision {
	return decide(InscriptionLevel(a, r), Manage)
}

// CanDecideProjet: validates or refuses an end-of-bloc project — the référent pédagogique of
// the inscription's centre only (seed 5-1: « validé par le responsable pédagogique »). The
// certificateur and the centre's formateurs see the project but may not decide it.
func CanDecideProjet(a account.Actor, r Inscription) Decision {
	return onlyRole(a, account.RoleReferent, InscriptionLevel(a, r), Manage)
}

// Candidat is what the policy knows of a candidate's identity record.
type Candidat struct {
	CentreIDs []int64 // the centres where the candidate has an inscription
	UserID    int64   // the candidate's account, 0 when none
}

func (r Candidat) rel(a account.Actor) Rel {
	return func(rel Relation) bool {
		switch rel {
		case Any:
			return true
		case SameCentre:
			return slices.Contains(r.CentreIDs, a.CentreID)
		case OwnFile:
			return r.UserID == a.UserID
		}
		return false
	}
}

// CanReadCandidat: the certificateur, the staff of a centre where the candidate has an
// inscription, the candidate themself.
func CanReadCandidat(a account.Actor, r Candidat) Decision {
	return decide(level(KindCandidat, a, r.rel(a)), Read)
}

// CanEditCandidat: the certificateur, or the référent of a centre where the candidate has an
// inscription.
func CanEditCandidat(a account.Actor, r Candidat) Decision {
	return decide(level(KindCandidat, a, r.rel(a)), Manage)
}

// Centre is what the policy knows of a training centre: its id.
type Centre struct{ ID int64 }

func (r Centre) rel(a account.Actor) Rel {
	return func(rel Relation) bool {
		return rel == Any || rel == SameCentre && r.ID == a.CentreID
	}
}

// CentreLevel is what actor a may do on centre r.
func CentreLevel(a account.Actor, r Centre) Level { return level(KindCentre, a, r.rel(a)) }

// CanReadCentre: the certificateur, and the centre's staff (its record, catalogue, promotions).
func CanReadCentre(a account.Actor, r Centre) Decision { return decide(CentreLevel(a, r), Read) }

// CanManageCentre: the certificateur, and the centre's référent — enrols candidates into it,
// edits its training catalogue, issues activation links.
func CanManageCentre(a account.Actor, r Centre) Decision { return decide(CentreLevel(a, r), Manage) }

// CanEditCentre: only the certificateur edits a centre's record (name, SIRET, habilitations).
func CanEditCentre(a account.Actor, r Centre) Decision { return decide(CentreLevel(a, r), Own) }

// CanAdminister: the certificateur's own work — centres, référentiel, journal, every account.
// Others are denied (they know these pages exist).
func CanAdminister(a account.Actor) Decision {
	if level(KindCertification, a, func(r Relation) bool { return r == Any }) == Own {
		return Allow
	}
	return Deny
}

// Account is what the policy knows of a user account.
type Account struct {
	ID       int64
	CentreID int64 // 0 unless the role needs one (a candidat's account may carry its centre)
	Role     account.Role
}

func (r Account) rel(a account.Actor) Rel {
	return func(rel Relation) bool {
		switch rel {
		case Any:
			return true
		case SameCentre:
			return r.CentreID == a.CentreID
		case Self:
			return r.ID == a.UserID
		}
		return false
	}
}

// CanReadAccount: the certificateur, everyone their own account, a centre's staff the accounts
// of their centre.
func CanReadAccount(a account.Actor, r Account) Decision {
	return decide(level(KindUser, a, r.rel(a)), Read)
}

// CanGiveRole reports whether actor a may create or keep an account of role: the certificateur
// any role, a référent formateur and candidat accounts (of their own centre).
func CanGiveRole(a account.Actor, role account.Role) bool {
	switch {
	case a.Role == account.RoleAdmin:
		return true
	case MayHold(KindUser, a, Manage):
		return role == account.RoleFormateur || role == account.RoleCandidat
	}
	return false
}

// CanEditAccount: the certificateur any account; a référent the formateur and candidat
// accounts of their centre. Others who see the account are denied.
func CanEditAccount(a account.Actor, r Account) Decision {
	d := decide(level(KindUser, a, r.rel(a)), Manage)
	if d == Allow && !CanGiveRole(a, r.Role) {
		return Deny
	}
	return d
}

// CanActForAccount: the account's owner and the certificateur change its password and manage
// its API tokens; anyone else is denied.
func CanActForAccount(a account.Actor, userID int64) Decision {
	if a.Role == account.RoleAdmin || (a.UserID != 0 && a.UserID == userID) {
		return Allow
	}
	return Deny
}
