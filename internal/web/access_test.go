package web

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certif/certif/internal/account"
	"github.com/certif/certif/internal/candidat"
	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/store"
)

// The access test is generated from the registered route table: every route × every role ×
// every relation of the resource its path names, with the expected outcome written in
// accessExpected below, keyed by route pattern. A route registered without an expected outcome
// fails the test, as does an outcome listed for a route that no longer exists.

// accessRoles are the columns of the expected outcomes: anonymous, then one demo account per
// role (the référent and the formateur are Lyon's; the candidate is Léa Moreau, of Lyon).
var accessRoles = [6]string{"", "admin@certif.demo", "referent@certif.demo", "formateur@certif.demo", "candidat@certif.demo", "jury@certif.demo"}

// relation is how the resource named in a route's path stands to the roles.
type relation string

const (
	relNone        relation = "-"            // the path names no resource
	relOwnCentre   relation = "own-centre"   // a Lyon resource; for the candidate, another candidate's file
	relOwnFile     relation = "own-file"     // the candidate's own file or account (Lyon)
	relOtherCentre relation = "other-centre" // a Nantes resource
	relMissing     relation = "missing"      // an id that does not exist
	// The jury's relations (issue 9): a file, session or passage of a session dated today
	// jury@ sits on and signed the attestation of; a session or passage of one it does not.
	// (Before the day, a session is as one jury@ does not sit on: the API test covers it.)
	relJuryMember relation = "jury-member" // a file presented to a session jury@ sits on
	relNonMember  relation = "non-member"  // a session (passage) jury@ does not sit on
	// The jury's further relations: a session (passage) of today jury@ sits on without having
	// signed its attestation; one dated later (before the day: unknown to jury@); a past one
	// (after the day, its results published) jury@ sat on and signed; a passage of jury@'s
	// signed session whose candidate jury@ tutored, so not one jury@ evaluates (for a session
	// route, the session of jury-member).
	relJuryUnsigned relation = "jury-unsigned"
	relJuryBefore   relation = "jury-before"
	relJuryAfter    relation = "jury-after"
	relJuryTutor    relation = "jury-tutor"
)

// accessRelations lists every relation an expected outcome may be written for.
var accessRelations = []relation{relNone, relOwnCentre, relOwnFile, relOtherCentre, relMissing, relJuryMember, relNonMember,
	relJuryUnsigned, relJuryBefore, relJuryAfter, relJuryTutor}

// Outcomes, one letter per role in accessRoles order: O the handler ran (any status but the
// ones below), L sent to sign in (303 to /connexion, or 401 from the API), F 403, N 404; a
// server error (5xx) is E, which no expected outcome has.
type outcomes map[relation]string

// accessQuery adds what a route needs in its query string to do its work.
var accessQuery = map[string]string{
	"GET /inscriptions/{id}/evaluations/nouvelle": "?competence=C1.1",
}

// candEdit is who corrects a candidate's identity: the certificateur, the référent of a centre
// where the candidate is enrolled (another centre's candidate is unknown to them); a formateur
// sees the candidate but may not change it, a candidate never (not even themself).
var candEdit = outcomes{relOwnCentre: "LOOFFF", relOwnFile: "LOOFFF", relOtherCentre: "LONFFF", relMissing: "LNNFFF"}

// accessExpected is the expected outcome of every route, by pattern.
var accessExpected = map[string]outcomes{
	// Operations and assets.
	"GET /healthz":                 {relNone: "OOOOOO"},
	"GET /readyz":                  {relNone: "OOOOOO"},
	"GET /metrics":                 {relNone: "NNNNNN"}, // its own bearer token; none configured here
	"GET /static/{hash}/{path...}": {relNone: "OOOOOO"},
	"GET /favicon.ico":             {relNone: "OOOOOO"},

	// Public pages.
	"GET /{$}":                             {relNone: "OOOOOO"},
	"GET /referentiel":                     {relNone: "OOOOOO"},
	"GET /certifications/{id}/referentiel": {relNone: "OOOOOO", relMissing: "NNNNNN"},
	"GET /connexion":                       {relNone: "OOOOOO"},
	"POST /connexion":                      {relNone: "OOOOOO"},
	"POST /deconnexion":                    {relNone: "OOOOOO"},
	"GET /mot-de-passe-oublie":             {relNone: "OOOOOO"},
	"POST /mot-de-passe-oublie":            {relNone: "OOOOOO"},
	"GET /langue/{lang}":                   {relNone: "OOOOOO"},
	"/":                                    {relNone: "NNNNNN"},

	// Signed-in pages.
	"GET /compte":                       {relNone: "LOOOOO"},
	"POST /compte/jetons":               {relNone: "LOOOOO"},
	"POST /compte/jetons/{id}/revoquer": tokenRevoke,
	"POST /compte/mot-de-passe":         {relNone: "LOOOOO"},
	"GET /fichiers/{id}":                insRead, // evidence files follow their evaluation's inscription

	// Administration: the certificateur only; the others know these pages exist.
	"GET /candidats/{id}/identite":      candEdit,
	"POST /candidats/{id}/identite":     candEdit,
	"GET /admin/certificateur":          {relNone: "LOFFFF"},
	"POST /admin/certificateur":         {relNone: "LOFFFF"},
	"GET /admin/certifications/{id}":    {relNone: "LOFFFF", relMissing: "LNFFFF"},
	"POST /admin/certifications/{id}":   {relNone: "LOFFFF", relMissing: "LNFFFF"},
	"GET /admin/centres":                {relNone: "LOFFFF"},
	"GET /admin/centres/nouveau":        {relNone: "LOFFFF"},
	"POST /admin/centres":               {relNone: "LOFFFF"},
	"GET /admin/centres/{id}":           {relOwnCentre: "LOFFFF", relOtherCentre: "LOFFFF", relMissing: "LNFFFF"},
	"POST /admin/centres/{id}":          {relOwnCentre: "LOFFFF", relOtherCentre: "LOFFFF", relMissing: "LNFFFF"},
	"GET /admin/utilisateurs":           {relNone: "LOFFFF"},
	"GET /admin/utilisateurs/nouveau":   {relNone: "LOFFFF"},
	"POST /admin/utilisateurs":          {relNone: "LOFFFF"},
	"GET /admin/utilisateurs/{id}":      {relOwnCentre: "LOFFFF", relOwnFile: "LOFFFF", relOtherCentre: "LOFFFF", relMissing: "LNFFFF"},
	"POST /admin/utilisateurs/{id}":     {relOwnCentre: "LOFFFF", relOwnFile: "LOFFFF", relOtherCentre: "LOFFFF", relMissing: "LNFFFF"},
	"GET /admin/journal":                {relNone: "LOFFFF"},
	"GET /admin/courriels":              {relNone: "LOFFFF"},
	"GET /admin/courriels/{id}":         courrielAdmin,
	"POST /admin/courriels/{id}/renvoi": courrielAdmin,

	// A centre's staff: candidates, catalogue, promotions. The admin names the centre; the
	// staff's promotions are always their own centre's, so another centre's promotion is the
	// same as a missing one: 404 (no matrix, no relevés).
	"GET /candidats":                               {relNone: "LOOOFF"},
	"GET /candidats/nouveau":                       {relNone: "LOOFFF"},
	"POST /candidats":                              {relNone: "LOOFFF"},
	"GET /candidats/import":                        {relNone: "LOOFFF"},
	"GET /candidats/import/modele.csv":             {relNone: "LOOFFF"},
	"POST /candidats/import":                       {relNone: "LOOFFF"},
	"GET /modules":                                 {relNone: "LOOOFF"},
	"POST /modules":                                {relNone: "LOOFFF"},
	"POST /modules/{id}":                           {relOwnCentre: "LOOFFF", relOtherCentre: "LONFFF", relMissing: "LNNFFF"},
	"GET /promotions/{promotion}":                  {relOwnCentre: "LOOOFF", relOtherCentre: "LONNFF", relMissing: "LNNNFF"},
	"GET /promotions/{promotion}/releves.pdf":      {relOwnCentre: "LOOOFF", relOtherCentre: "LONNFF", relMissing: "LNNNFF"},
	"POST /promotions/{promotion}/activations.csv": {relOwnCentre: "LOOFFF", relOtherCentre: "LOOFFF", relMissing: "LOOFFF"},
	"GET /promotions/{promotion}/planifier":        {relOwnCentre: "LOOOFF", relOtherCentre: "LONNFF", relMissing: "LNNNFF"},
	"POST /promotions/{promotion}/planifier":       {relOwnCentre: "LOOOFF", relOtherCentre: "LONNFF", relMissing: "LNNNFF"},

	// The candidate's file and what hangs from it. Another centre's file, another candidate's
	// file and a missing one are all 404; the jury sees no file until it sits on a session.
	"GET /mon-dossier":                       {relNone: "LFFFOF"},
	"GET /inscriptions/{id}":                 withJury(insRead, 'O'),
	"GET /inscriptions/{id}/livret":          withJury(insRead, 'O'),
	"GET /inscriptions/{id}/planning":        withJury(insRead, 'O'),
	"GET /inscriptions/{id}/stage":           withJury(insRead, 'O'),
	"GET /inscriptions/{id}/documents/{doc}": withJury(insRead, 'O'),
	"POST /inscriptions/{id}/projets/{bloc}": withJury(insContribute, 'F'),
	// « Retirer » a deliverable: the demo's Lyon BC01 projects are decided (422, files stand);
	// Nantes has no project (404).
	"POST /inscriptions/{id}/projets/{bloc}/fichiers/{fichier}/retirer": {relOwnCentre: "LFFFNF", relOwnFile: "LFFFOF", relOtherCentre: "LFNNNF", relMissing: "LNNNNF", relJuryMember: "LFFFNF"}, // the candidate only
	"GET /inscriptions/{id}/evaluations/nouvelle":                       withJury(insTrain, 'F'),
	"POST /inscriptions/{id}/evaluations":                               withJury(insTrain, 'F'),
	"POST /inscriptions/{id}/planning":                                  withJury(insTrain, 'F'),
	"POST /inscriptions/{id}/planning/{seance}":                         withJury(insTrain, 'F'),
	"POST /inscriptions/{id}/planning/{seance}/supprimer":               withJury(insTrain, 'F'),
	"POST /inscriptions/{id}/stage":                                     withJury(insTrain, 'F'),
	"POST /inscriptions/{id}/stage/{stage}/lien":                        withJury(insTrain, 'F'),
	"POST /inscriptions/{id}/statut":                                    withJury(insManage, 'F'),
	"POST /inscriptions/{id}/projets/{bloc}/decision":                   withJury(insDecide, 'F'),
	// The dossier (issue 8): read as the file; contributed to by the candidate and the staff;
	// the session date by the référent and the admin; the reopening by the admin alone.
	"GET /inscriptions/{id}/dossier":                               withJury(insRead, 'O'),
	"GET /passages/{id}/grille":                                    juryGrids,
	"POST /passages/{id}/grille":                                   juryOwnGrid,
	"GET /passages/{id}/grille.pdf":                                juryOwnGrid,
	"POST /inscriptions/{id}/dossier/pieces/{kind}":                withJury(dossierContribute, 'F'),
	"GET /inscriptions/{id}/dossier/pieces/{kind}":                 withJury(insRead, 'O'),
	"POST /inscriptions/{id}/dossier/resume":                       withJury(dossierContribute, 'F'),
	"POST /inscriptions/{id}/dossier/projets":                      withJury(dossierContribute, 'F'),
	"POST /inscriptions/{id}/dossier/projets/{projet}":             withJury(dossierContribute, 'F'),
	"POST /inscriptions/{id}/dossier/projets/{projet}/supprimer":   withJury(dossierContribute, 'F'),
	"POST /inscriptions/{id}/dossier/projets/{projet}/approbation": withJury(insDecide, 'F'),
	"POST /inscriptions/{id}/dossier/date-session":                 withJury(insManage, 'F'),
	"POST /inscriptions/{id}/dossier/reouverture":                  withJury(insAdmin, 'F'),

	// One-time links: the token is the credential; an unknown one shows the same "link not
	// valid" page to everyone.
	"GET /activation/{token}":    {relMissing: "OOOOOO"},
	"POST /activation/{token}":   {relMissing: "OOOOOO"},
	"GET /stage/{token}":         {relMissing: "OOOOOO"},
	"POST /stage/{token}":        {relMissing: "OOOOOO"},
	"GET /mot-de-passe/{token}":  {relMissing: "OOOOOO"},
	"POST /mot-de-passe/{token}": {relMissing: "OOOOOO"},

	// The API.
	"GET /api/v1/openapi.json":                                    {relNone: "OOOOOO"},
	"GET /api/v1/certifications":                                  {relNone: "OOOOOO"},
	"GET /api/v1/certifications/{id}/referentiel":                 {relNone: "OOOOOO", relMissing: "NNNNNN"},
	"GET /api/v1/me":                                              {relNone: "LOOOOO"},
	"GET /api/v1/me/tokens":                                       {relNone: "LOOOOO"},
	"POST /api/v1/me/tokens":                                      {relNone: "LOOOOO"},
	"DELETE /api/v1/me/tokens/{id}":                               tokenRevoke,
	"PATCH /api/v1/certifications/{id}":                           {relNone: "LOFFFF", relMissing: "LNFFFF"},
	"GET /api/v1/certificateur":                                   {relNone: "LOFFFF"},
	"PUT /api/v1/certificateur":                                   {relNone: "LOFFFF"},
	"PUT /api/v1/certificateur/logo":                              {relNone: "LOFFFF"},
	"GET /api/v1/centres":                                         {relNone: "LOOOOO"},
	"POST /api/v1/centres":                                        {relNone: "LOFFFF"},
	"GET /api/v1/centres/{id}":                                    {relOwnCentre: "LOOONN", relOtherCentre: "LONNNN", relMissing: "LNNNNN"},
	"PATCH /api/v1/centres/{id}":                                  {relOwnCentre: "LOFFFF", relOtherCentre: "LOFFFF", relMissing: "LNFFFF"},
	"GET /api/v1/users":                                           {relNone: "LOOFFF"},
	"POST /api/v1/users":                                          {relNone: "LOFFFF"},
	"GET /api/v1/users/{id}":                                      {relOwnCentre: "LOOONN", relOwnFile: "LOOOON", relOtherCentre: "LONNNN", relMissing: "LNNNNN"},
	"PATCH /api/v1/users/{id}":                                    {relOwnCentre: "LOFFFF", relOwnFile: "LOFFFF", relOtherCentre: "LOFFFF", relMissing: "LNFFFF"},
	"GET /api/v1/candidats":                                       {relNone: "LOOOFF"},
	"POST /api/v1/candidats":                                      {relNone: "LOOFFF"},
	"PATCH /api/v1/candidats/{id}":                                candEdit,
	"GET /api/v1/candidats/{id}":                                  {relOwnCentre: "LOOONF", relOwnFile: "LOOOOF", relOtherCentre: "LONNNF", relMissing: "LNNNNF"},
	"POST /api/v1/inscriptions":                                   {relNone: "LOOFFF"},
	"GET /api/v1/inscriptions/{id}":                               withJury(insRead, 'O'),
	"GET /api/v1/inscriptions/{id}/evaluations":                   withJury(insRead, 'O'),
	"GET /api/v1/inscriptions/{id}/documents/{doc}":               withJury(insRead, 'O'),
	"POST /api/v1/inscriptions/{id}/blocs/{code}/projet":          withJury(insContribute, 'F'),
	"POST /api/v1/inscriptions/{id}/evaluations":                  withJury(insTrain, 'F'),
	"POST /api/v1/inscriptions/{id}/blocs/{code}/projet/decision": withJury(insDecide, 'F'),
	"POST /api/v1/import/candidats":                               {relNone: "LOOFFF"},
	"PATCH /api/v1/inscriptions/{id}":                             withJury(insManage, 'F'),
	"GET /api/v1/inscriptions/{id}/dossier":                       withJury(insRead, 'O'),
	"GET /api/v1/inscriptions/{id}/dossier/conformite":            withJury(insRead, 'O'),
	"PUT /api/v1/inscriptions/{id}/dossier/pieces/{kind}":         withJury(dossierContribute, 'F'),
	"PUT /api/v1/inscriptions/{id}/dossier/resume":                withJury(dossierContribute, 'F'),
	"POST /api/v1/inscriptions/{id}/dossier/reouverture":          withJury(insAdmin, 'F'),
	"POST /api/v1/inscriptions/{id}/projets":                      withJury(dossierContribute, 'F'),
	"PATCH /api/v1/projets/{projet}":                              dossierContribute, // the rule of the project's inscription
	"DELETE /api/v1/projets/{projet}":                             dossierContribute,
	"POST /api/v1/projets/{projet}/approbation":                   insDecide,
	"GET /api/v1/courriels":                                       {relNone: "LOFFFF"},
	// The jury sessions (issue 9): the admin manages them; jury@ sees the session it sits on
	// (dated today, attestation signed in the fixtures) and its passages' dossiers; nobody
	// else knows a session exists, and the admin is denied signing an attestation.
	"POST /api/v1/inscriptions/{id}/recevabilite": withJury(insAdmin, 'F'),
	"POST /api/v1/sessions":                       {relNone: "LOFFFF"},
	"GET /api/v1/sessions":                        {relNone: "LOOOOO"},
	"GET /api/v1/sessions/{id}":                   juryRead,
	"POST /api/v1/sessions/{id}/etat":             juryAdmin,
	"POST /api/v1/sessions/{id}/membres":          juryAdmin,
	"POST /api/v1/sessions/{id}/passages":         juryAdmin,
	"POST /api/v1/sessions/{id}/attestations":     juryAttest,
	"PUT /api/v1/passages/{id}/jures":             juryAdmin,
	"GET /api/v1/passages/{id}/dossier":           juryDossier,
	"GET /api/v1/passages/{id}/convocation.pdf":   convocationRead,
	"GET /passages/{id}/convocation.pdf":          convocationRead,
	"GET /sessions":                               {relNone: "LOFFFO"},
	"GET /sessions/nouvelle":                      {relNone: "LOFFFF"},
	"POST /sessions":                              {relNone: "LOFFFF"},
	"GET /sessions/{id}":                          juryRead,
	"POST /sessions/{id}/etat":                    juryAdmin,
	"POST /sessions/{id}/membres":                 juryAdmin,
	"POST /sessions/{id}/passages":                juryAdmin,
	"GET /sessions/{id}/attestation":              juryAttest,
	"POST /sessions/{id}/attestation":             juryAttest,
	"POST /passages/{id}/jures":                   juryAdmin,
	"POST /admin/utilisateurs/{id}/profil-jury":   {relOwnCentre: "LOFFFF", relOwnFile: "LOFFFF", relOtherCentre: "LOFFFF", relMissing: "LNFFFF"},
	"POST /inscriptions/{id}/recevabilite":        withJury(insAdmin, 'F'),
	// The grid: a juror fills their own (juryOwnGrid); the président and the admin read every
	// grid (juryGrids).
	"GET /api/v1/passages/{id}/grille":     juryOwnGrid,
	"PUT /api/v1/passages/{id}/grille":     juryOwnGrid,
	"GET /api/v1/passages/{id}/grilles":    juryGrids,
	"GET /api/v1/passages/{id}/grille.pdf": juryOwnGrid,
	// The deliberation and the PV: members read (the attestation signed), the président (jury@
	// in the fixtures) decides and every member signs — the admin, who sees them, may not (403);
	// the admin alone amends.
	"GET /api/v1/passages/{id}/proposition":     juryDeliberation,
	"POST /api/v1/passages/{id}/decision":       juryDecide,
	"POST /api/v1/sessions/{id}/pv/signatures":  juryMemberAct,
	"POST /api/v1/sessions/{id}/pv/amendements": juryAdmin,
	"GET /api/v1/sessions/{id}/pv.pdf":          juryRead,
	"GET /passages/{id}/deliberation":           juryDeliberation,
	"POST /passages/{id}/deliberation":          juryDecide,
	"GET /sessions/{id}/pv":                     juryRead,
	"GET /sessions/{id}/pv.pdf":                 juryRead,
	"POST /sessions/{id}/pv/signer":             juryMemberAct,
	"POST /sessions/{id}/pv/avenant":            juryAdmin,
	"GET /inscriptions/{id}/resultats":          withJury(insRead, 'O'), // the published results: whoever reads the file
	"GET /api/v1/courriels/{id}":                courrielAdmin,
	"POST /api/v1/courriels/{id}/renvoi":        courrielAdmin,
	"/api/":                                     {relNone: "NNNNNN"},
}

// The outcomes shared by the routes of one inscription, by the level they need.
var (
	insRead       = outcomes{relOwnCentre: "LOOONN", relOwnFile: "LOOOON", relOtherCentre: "LONNNN", relMissing: "LNNNNN"}
	insContribute = outcomes{relOwnCentre: "LOOONF", relOwnFile: "LOOOOF", relOtherCentre: "LONNNF", relMissing: "LNNNNF"}
	// The dossier complet is written by the candidate, their référent and the certificateur
	// (issue 8); the formateur, who trains the candidate, is refused.
	dossierContribute = outcomes{relOwnCentre: "LOOFNF", relOwnFile: "LOOFOF", relOtherCentre: "LONFNF", relMissing: "LNNFNF"}
	insTrain          = outcomes{relOwnCentre: "LOOOFF", relOwnFile: "LOOOFF", relOtherCentre: "LONNFF", relMissing: "LNNNFF"}
	insManage         = outcomes{relOwnCentre: "LOOFFF", relOwnFile: "LOOFFF", relOtherCentre: "LONFFF", relMissing: "LNNFFF"}
	// The end-of-bloc project is decided by the centre's référent alone (seed 5-1).
	insDecide = outcomes{relOwnCentre: "LFOFFF", relOwnFile: "LFOFFF", relOtherCentre: "LFNFFF", relMissing: "LFNFFF"}
	// The certificateur's own acts on a file (reopening a closed dossier): the others know the
	// route exists.
	insAdmin = outcomes{relOwnCentre: "LOFFFF", relOwnFile: "LOFFFF", relOtherCentre: "LOFFFF", relMissing: "LNFFFF"}
)

// The outcomes of a session's (or passage's) routes: read by the admin and its members;
// managed by the admin alone.
var (
	juryRead  = juryOutcomes("LONNNO", "LONNNO", "LONNNN", "LONNNO", "LONNNO", "LONNNN", "LNNNNN")
	juryAdmin = juryOutcomes("LOFFFF", "LOFFFF", "LOFFFF", "LOFFFF", "LOFFFF", "LOFFFF", "LNFFFF")
	// juryAttest: a member signs the attestation of a session they can see (again: no change).
	juryAttest = juryOutcomes("LFNNNO", "LFNNNO", "LFNNNN", "LFNNNO", "LFNNNO", "LFNNNN", "LNNNNN")
	// juryDossier: a passage's dossier, to a member once they signed the attestation (R17).
	// Never to the member who tutored the candidate (independence).
	juryDossier = juryOutcomes("LONNNO", "LONNNF", "LONNNN", "LONNNO", "LONNNF", "LONNNN", "LNNNNN")
	// juryOwnGrid: a juror's own grid (read, saved, printed) — only a member assigned to the
	// passage who signed (jury-member: the session is « planifiée », so a save is refused 409,
	// which the handler answers); the admin fills none.
	juryOwnGrid = juryOutcomes("LFNNNO", "LFNNNF", "LFNNNN", "LFNNNF", "LFNNNF", "LFNNNN", "LNNNNN")
	// juryGrids: every juror's grid of a passage (and its page): the admin, the président who
	// signed (jury@ presides its sessions), every signed member once délibérée (jury-after);
	// never the member who tutored the candidate.
	juryGrids = juryOutcomes("LONNNO", "LONNNF", "LONNNN", "LONNNO", "LONNNF", "LONNNN", "LNNNNN")
	// juryMemberAct: a member's own act (sign the PV, decide as président): the admin sees the
	// session but may not act in a member's name.
	juryMemberAct = juryOutcomes("LFNNNO", "LFNNNO", "LFNNNN", "LFNNNO", "LFNNNO", "LFNNNN", "LNNNNN")
	// juryDeliberation, juryDecide: the deliberation is read by the admin and the members who
	// signed the attestation (403 before), decided by the président (jury@) alone.
	// Never the member who tutored the candidate (as the grids and the dossier).
	juryDeliberation = juryOutcomes("LONNNO", "LONNNF", "LONNNN", "LONNNO", "LONNNF", "LONNNN", "LNNNNN")
	juryDecide       = juryOutcomes("LFNNNO", "LFNNNF", "LFNNNN", "LFNNNO", "LFNNNF", "LFNNNN", "LNNNNN")
)

// juryOutcomes lists the outcomes of a session's or passage's route by relation: jury@ a
// signed member (today), an unsigned member, a member before the day, after it, the tutor of
// the passage's candidate; a session jury@ does not sit on; a missing one.
func juryOutcomes(member, unsigned, before, after, tutor, nonMember, missing string) outcomes {
	return outcomes{relJuryMember: member, relJuryUnsigned: unsigned, relJuryBefore: before, relJuryAfter: after,
		relJuryTutor: tutor, relNonMember: nonMember, relMissing: missing}
}

// convocationRead: a candidate's convocation is read by the admin and the staff of the
// candidate's centre (jury-member is a Lyon file, non-member a Nantes one), never by the jury;
// the candidate's own is in the web tests (no fixture passage of Léa's).
var convocationRead = juryOutcomes("LOOONN", "LOOONN", "LOOONN", "LOOONN", "LOOONN", "LONNNN", "LNNNNN")

// withJury adds to o the outcome on a file convoked to a session jury@ sits on (attestation
// signed): the others' as on a Lyon file, jury@'s letter j (O where reading is enough, F where
// the route writes: a juror reads, never changes, a file).
func withJury(o outcomes, j byte) outcomes {
	out := outcomes{}
	for r, w := range o {
		out[r] = w
	}
	own := []byte(o[relOwnCentre])
	own[len(own)-1] = j
	out[relJuryMember] = string(own)
	return out
}

// tokenRevoke: only a token's owner revokes it from their account; anyone else's token is
// unknown to them, the certificateur's included (own-centre is the Lyon formateur's token,
// own-file the candidate's, other-centre the Nantes formateur's).
var tokenRevoke = outcomes{relOwnCentre: "LNNONN", relOwnFile: "LNNNON", relOtherCentre: "LNNNNN", relMissing: "LNNNNN"}

// courrielAdmin: the outbox is the certificateur's (the messages carry live links); the
// others know the pages exist. other-centre is the Nantes candidate's activation message.
var courrielAdmin = outcomes{relOtherCentre: "LOFFFF", relMissing: "LNFFFF"}

// accessFixtures holds the demo records each relation's paths are filled from.
type accessFixtures struct {
	e                                   *testEnv
	lyon, nantes, cert                  int64
	insLyon, insLea, insNantes          int64 // inscriptions
	candLyon, candLea, candNantes       int64
	formateurLyon, lea, formateurNantes int64 // accounts
	moduleLyon, moduleNantes            int64
	fileLyon, fileLea, fileNantes       int64           // evidence files of the three inscriptions
	tokenLyon, tokenLea, tokenNantes    int64           // API tokens of the Lyon formateur, the candidate, the Nantes formateur
	stages                              map[int64]int64 // inscription → one of its stages
	courrielNantes                      int64           // the Nantes candidate's activation message
	sessionJury, sessionOther           int64           // jury sessions (today) jury@ sits on (signed), and not
	insJury                             int64           // a Lyon file convoked to sessionJury (none of the above)
	passageJury, passageOther           int64           // a passage of each (Lyon's file, Nantes'); jury@ evaluates the first
	sessionUnsigned, passageUnsigned    int64           // today, jury@ a member who has not signed
	sessionBefore, passageBefore        int64           // in ten days, jury@ a member
	sessionAfter, passageAfter          int64           // yesterday, results published, jury@ sat and signed
	passageTutor                        int64           // in sessionJury, a Lyon file jury@ tutored: not assigned to jury@
	newUnsigned                         func() int64    // another session like sessionUnsigned (freshUnsigned)
	static                              string          // a real static asset path
}

func newAccessFixtures(t *testing.T, e *testEnv) *accessFixtures {
	ctx := t.Context()
	f := &accessFixtures{e: e, stages: map[int64]int64{}}
	orgs, err := e.st.Organismes(ctx, account.System)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		switch o.Nom {
		case "Campus Numérique Lyon":
			f.lyon = o.ID
		case "École du Web Nantes":
			f.nantes = o.ID
		}
	}
	certs, err := e.st.Certifications(ctx)
	if err != nil || len(certs) == 0 {
		t.Fatalf("certifications: %v", err)
	}
	f.cert = certs[0].ID
	rows, err := e.st.Inscriptions(ctx, account.System, store.InscriptionFilter{Promotion: "CM-2026-A", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if !r.InTraining(nil) {
			continue
		}
		st, err := e.st.Stages(ctx, account.System, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case r.Candidat.NomNaissance == "Moreau":
			f.insLea, f.candLea, f.lea = r.ID, r.Candidat.ID, r.Candidat.UserID
		case f.insLyon == 0 && len(st) > 0:
			f.insLyon, f.candLyon = r.ID, r.Candidat.ID
		}
		if len(st) > 0 {
			f.stages[r.ID] = st[0].ID
		}
	}
	// A Nantes candidate with a module, a séance and a stage.
	mod := candidat.Module{CentreID: f.nantes, Intitule: "Veille nantaise", Heures: 14, Competences: []string{"C1.1"}, Active: true}
	if err := e.st.CreateModule(ctx, account.System, f.cert, &mod); err != nil {
		t.Fatal(err)
	}
	f.moduleNantes = mod.ID
	mods, err := e.st.Modules(ctx, account.System, f.lyon)
	if err != nil || len(mods) == 0 {
		t.Fatalf("Lyon modules: %v", err)
	}
	f.moduleLyon = mods[0].ID
	c := &candidat.Candidat{NomNaissance: "Nantais", Prenoms: []string{"Yann"}, Sexe: candidat.Homme, DateNaissance: time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC),
		CommuneNaissance: "Nantes", CommuneNaissanceCode: "44109", Email: "yann.nantais@exemple.fr"}
	ins := &candidat.Inscription{CertificationID: f.cert, CentreID: f.nantes, Voie: candidat.FormationContinue, Promotion: "NA-1", Date: time.Now()}
	if _, err := e.st.Inscrire(ctx, account.System, c, ins); err != nil {
		t.Fatal(err)
	}
	f.insNantes, f.candNantes = ins.ID, c.ID
	admin, _, err := e.st.Credentials(ctx, "admin@certif.demo")
	if err != nil {
		t.Fatal(err)
	}
	mails, err := e.st.Courriels(ctx, account.ActorOf(admin), store.CourrielFilter{Limit: 1})
	if err != nil || len(mails) != 1 || mails[0].To != "yann.nantais@exemple.fr" {
		t.Fatalf("the Nantes activation message: %+v %v", mails, err)
	}
	f.courrielNantes = mails[0].ID
	stage := &store.Stage{InscriptionID: ins.ID, Entreprise: "Chantiers de l'Atlantique", TuteurNom: "Anne Le Goff", TuteurEmail: "tuteur.nantes@exemple.fr",
		Debut: time.Now().AddDate(0, -1, 0).Truncate(24 * time.Hour), Fin: time.Now().AddDate(0, 1, 0).Truncate(24 * time.Hour)}
	if err := e.st.CreateStage(ctx, account.System, stage); err != nil {
		t.Fatal(err)
	}
	f.stages[ins.ID] = stage.ID
	for email, id := range map[string]*int64{"formateur@certif.demo": &f.formateurLyon, "formateur.nantes@certif.demo": &f.formateurNantes} {
		u, _, err := e.st.Credentials(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		*id = u.ID
	}
	for user, id := range map[int64]*int64{f.formateurLyon: &f.tokenLyon, f.lea: &f.tokenLea, f.formateurNantes: &f.tokenNantes} {
		tok, _, err := e.st.CreateToken(ctx, account.System, user, "accès", 0)
		if err != nil {
			t.Fatal(err)
		}
		*id = tok.ID
	}
	if f.insLea == 0 || f.insLyon == 0 || f.lea == 0 {
		t.Fatalf("demo fixtures missing: %+v", f)
	}
	f.static = e.srv.static.URL("favicon.svg")
	f.addSessions(t)
	return f
}

// addSessions creates two jury sessions dated today, jury@ sitting on the first (and having
// signed its attestation), each with one passage (inserted as is: eligibility is not the
// matter here).
func (f *accessFixtures) addSessions(t *testing.T) {
	ctx := t.Context()
	admin, _, err := f.e.st.Credentials(ctx, "admin@certif.demo")
	if err != nil {
		t.Fatal(err)
	}
	juror, _, err := f.e.st.Credentials(ctx, "jury@certif.demo")
	if err != nil {
		t.Fatal(err)
	}
	c := &candidat.Candidat{NomNaissance: "Convoqué", Prenoms: []string{"Jules"}, Sexe: candidat.Homme, DateNaissance: time.Date(1991, 3, 4, 0, 0, 0, 0, time.UTC),
		CommuneNaissance: "Lyon", CommuneNaissanceCode: "69123", Email: "jules.convoque@exemple.fr"}
	ins := &candidat.Inscription{CertificationID: f.cert, CentreID: f.lyon, Voie: candidat.FormationContinue, Promotion: "JURY-A", Date: time.Now()}
	if _, err := f.e.st.Inscrire(ctx, account.System, c, ins); err != nil {
		t.Fatal(err)
	}
	f.insJury = ins.ID
	stage := &store.Stage{InscriptionID: ins.ID, Entreprise: "Agence Rhône", TuteurNom: "Luc Bernard", TuteurEmail: "tuteur.jury@exemple.fr",
		Debut: time.Now().AddDate(0, -1, 0).Truncate(24 * time.Hour), Fin: time.Now().AddDate(0, 1, 0).Truncate(24 * time.Hour)}
	if err := f.e.st.CreateStage(ctx, account.System, stage); err != nil {
		t.Fatal(err)
	}
	f.stages[ins.ID] = stage.ID
	for _, x := range []struct {
		session, passage *int64
		ins              int64
	}{{&f.sessionJury, &f.passageJury, f.insJury}, {&f.sessionOther, &f.passageOther, f.insNantes}} {
		js := &store.JurySession{CertificationID: f.cert, CentreID: f.lyon, Date: time.Now(), Lieu: "Lyon",
			DureePresentation: 20, DureeEntretienTechnique: 20, DureeEntretienFinal: 20}
		if err := f.e.st.CreateJurySession(ctx, account.ActorOf(admin), js); err != nil {
			t.Fatal(err)
		}
		*x.session = js.ID
		now := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z") // convoked: the convocation is readable
		q := fmt.Sprintf(`INSERT INTO passages (session_id, inscription_id, heure, presence, version, created_at, convoque_le)
			VALUES (%d, %d, '09:00', '', 1, '%s', '%s') RETURNING id`, js.ID, x.ins, now, now)
		if err := f.e.st.DB().QueryRowContext(ctx, q).Scan(x.passage); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.e.st.AddMembre(ctx, account.ActorOf(admin), f.sessionJury, juror.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.e.st.SignAttestation(ctx, account.ActorOf(juror), f.sessionJury, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	f.addJuryRelations(t, account.ActorOf(admin), juror)
}

// relations returns the relations the resource named by the path of pattern can stand in,
// each with its path; ok is false when the path names a resource the fixtures do not know
// (a new kind of route: give it fixtures).
func (f *accessFixtures) paths(t *testing.T, pattern string) (map[relation]string, bool) {
	_, path, hasMethod := strings.Cut(pattern, " ")
	if !hasMethod {
		path = pattern
	}
	switch path {
	case "/":
		return map[relation]string{relNone: "/nulle-part"}, true
	case "/api/":
		return map[relation]string{relNone: "/api/nulle-part"}, true
	case "/static/{hash}/{path...}":
		return map[relation]string{relNone: f.static}, true
	}
	path = strings.TrimSuffix(path, "{$}")
	// The resource is the {id} (or {promotion}, {token}) and the segment before it names its kind.
	ids := map[string]map[relation]int64{
		"inscriptions":   {relOwnCentre: f.insLyon, relOwnFile: f.insLea, relOtherCentre: f.insNantes, relMissing: 999999, relJuryMember: f.insJury},
		"centres":        {relOwnCentre: f.lyon, relOtherCentre: f.nantes, relMissing: 999999},
		"utilisateurs":   {relOwnCentre: f.formateurLyon, relOwnFile: f.lea, relOtherCentre: f.formateurNantes, relMissing: 999999},
		"users":          {relOwnCentre: f.formateurLyon, relOwnFile: f.lea, relOtherCentre: f.formateurNantes, relMissing: 999999},
		"candidats":      {relOwnCentre: f.candLyon, relOwnFile: f.candLea, relOtherCentre: f.candNantes, relMissing: 999999},
		"modules":        {relOwnCentre: f.moduleLyon, relOtherCentre: f.moduleNantes, relMissing: 999999},
		"certifications": {relNone: f.cert, relMissing: 999999},
		"jetons":         {relOwnCentre: f.tokenLyon, relOwnFile: f.tokenLea, relOtherCentre: f.tokenNantes, relMissing: 999999},
		"tokens":         {relOwnCentre: f.tokenLyon, relOwnFile: f.tokenLea, relOtherCentre: f.tokenNantes, relMissing: 999999},
		"fichiers":       {relOwnCentre: f.fileLyon, relOwnFile: f.fileLea, relOtherCentre: f.fileNantes, relMissing: 999999},
		"courriels":      {relOtherCentre: f.courrielNantes, relMissing: 999999},
		"sessions": {relJuryMember: f.sessionJury, relNonMember: f.sessionOther, relMissing: 999999, relJuryUnsigned: f.sessionUnsigned,
			relJuryBefore: f.sessionBefore, relJuryAfter: f.sessionAfter, relJuryTutor: f.sessionJury},
		"passages": {relJuryMember: f.passageJury, relNonMember: f.passageOther, relMissing: 999999, relJuryUnsigned: f.passageUnsigned,
			relJuryBefore: f.passageBefore, relJuryAfter: f.passageAfter, relJuryTutor: f.passageTutor},
	}
	segs := strings.Split(path, "/")
	rels := map[relation]string{relNone: ""}
	resource := ""
	for i, seg := range segs {
		switch seg {
		case "{id}":
			byRel, ok := ids[segs[i-1]]
			if !ok {
				t.Errorf("%s: no fixtures for {id} of %q", pattern, segs[i-1])
				return nil, false
			}
			resource = segs[i-1]
			rels = map[relation]string{}
			for r, id := range byRel {
				rels[r] = fmt.Sprint(id)
			}
		case "{promotion}":
			rels = map[relation]string{
				relOwnCentre:   fmt.Sprintf("CM-2026-A?centre=%d", f.lyon),
				relOtherCentre: fmt.Sprintf("NA-1?centre=%d", f.nantes),
				relMissing:     "INCONNUE",
			}
		case "{token}":
			rels = map[relation]string{relMissing: "jeton-inconnu"}
		case "{projet}":
			if resource == "" { // /api/v1/projets/{projet}: a fresh project of each relation's file (fillProjet)
				rels = map[relation]string{relOwnCentre: "", relOwnFile: "", relOtherCentre: "", relMissing: ""}
			}
		}
	}
	out := map[relation]string{}
	for r, id := range rels {
		p := make([]string, len(segs))
		insID := id
		for i, seg := range segs {
			switch seg {
			case "{id}", "{promotion}", "{token}":
				p[i] = id
			case "{bloc}", "{code}":
				p[i] = "BC01"
			case "{doc}":
				p[i] = "livret.pdf"
			case "{fichier}":
				p[i] = "999999"
			case "{lang}":
				p[i] = "fr"
			case "{kind}":
				p[i] = "cv"
			case "{projet}":
				p[i] = "{projet}" // filled per request: a fresh project (fillProjet)
			case "{seance}":
				p[i] = "{seance}" // filled per request: a fresh séance, so that a deletion does not change the next outcome
			case "{stage}":
				p[i] = "999999"
				if resource == "inscriptions" {
					var ins int64
					fmt.Sscan(insID, &ins)
					if st, ok := f.stages[ins]; ok {
						p[i] = fmt.Sprint(st)
					}
				}
			default:
				if strings.HasPrefix(seg, "{") {
					t.Errorf("%s: no fixture for %s", pattern, seg)
					return nil, false
				}
				p[i] = seg
			}
		}
		// A query carried by the resource (the admin names a promotion's centre) goes last.
		joined, query := strings.Join(p, "/"), ""
		if before, after, ok := strings.Cut(joined, "?"); ok {
			rest, tail, _ := strings.Cut(after, "/")
			joined, query = before, "?"+rest
			if tail != "" {
				joined += "/" + tail
			}
		}
		out[r] = joined + query
	}
	if strings.HasSuffix(pattern, "{$}") && len(out[relNone]) == 0 {
		out[relNone] = "/"
	}
	return out, true
}

// fillSeance replaces {seance} in path with a séance added now to the path's inscription (or
// an id that does not exist when the inscription does not).
func (f *accessFixtures) fillSeance(t *testing.T, path string, rel relation) string {
	if !strings.Contains(path, "{seance}") {
		return path
	}
	ins := map[relation]int64{relOwnCentre: f.insLyon, relOwnFile: f.insLea, relOtherCentre: f.insNantes, relJuryMember: f.insJury}[rel]
	if ins == 0 {
		return strings.Replace(path, "{seance}", "999999", 1)
	}
	mod := f.moduleLyon
	if rel == relOtherCentre {
		mod = f.moduleNantes
	}
	day := time.Now().Truncate(24 * time.Hour)
	se := &candidat.Seance{InscriptionID: ins, ModuleID: mod, Debut: day, Fin: day.AddDate(0, 0, 1), HeuresPrevues: 7}
	if err := f.e.st.AddSeance(context.Background(), account.System, se); err != nil {
		t.Fatalf("séance for %s: %v", rel, err)
	}
	return strings.Replace(path, "{seance}", fmt.Sprint(se.ID), 1)
}

// fillProjet replaces {projet} in path with a dossier project added now to the relation's
// inscription (or an id that does not exist for a missing one), so that a deletion does not
// change the next outcome.
func (f *accessFixtures) fillProjet(t *testing.T, path string, rel relation) string {
	if !strings.Contains(path, "{projet}") {
		return path
	}
	ins := map[relation]int64{relOwnCentre: f.insLyon, relOwnFile: f.insLea, relOtherCentre: f.insNantes, relJuryMember: f.insJury}[rel]
	if ins == 0 {
		return strings.Replace(path, "{projet}", "999999", 1)
	}
	p := &dossier.Projet{InscriptionID: ins, Titre: "Projet d'accès", Origine: dossier.OrigineResponsablePedagogique, Competences: []string{"C1.1"}}
	if err := f.e.st.CreateProjet(context.Background(), account.System, p); err != nil {
		t.Fatalf("projet for %s: %v", rel, err)
	}
	return strings.Replace(path, "{projet}", fmt.Sprint(p.ID), 1)
}

// addEvidence records an evaluation with one evidence file on each fixture inscription, as
// the formateur of its centre would.
func (f *accessFixtures) addEvidence(t *testing.T, lyon, nantes *http.Client) {
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	for _, x := range []struct {
		c   *http.Client
		ins int64
		id  *int64
	}{{lyon, f.insLyon, &f.fileLyon}, {lyon, f.insLea, &f.fileLea}, {nantes, f.insNantes, &f.fileNantes}} {
		if res, body := f.e.postEvaluation(x.c, fmt.Sprint(x.ins), "preuve.pdf", pdf); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("evidence on inscription %d: %d %s", x.ins, res.StatusCode, body)
		}
		if err := f.e.st.DB().QueryRowContext(t.Context(), `SELECT MAX(id) FROM files`).Scan(x.id); err != nil {
			t.Fatal(err)
		}
	}
}

var patternMethod = regexp.MustCompile(`^([A-Z]+) `)

// TestEveryRouteEveryRoleEveryRelation is the access test generated from the route table.
func TestEveryRouteEveryRoleEveryRelation(t *testing.T) {
	e := newEnv(t)
	f := newAccessFixtures(t, e)
	clients := make([]*http.Client, len(accessRoles))
	login := func(i int) {
		if accessRoles[i] == "" {
			clients[i] = e.client()
		} else {
			clients[i] = e.login(accessRoles[i])
		}
	}
	for i := range accessRoles {
		login(i)
	}
	f.addEvidence(t, clients[3], e.login("formateur.nantes@certif.demo"))
	seen := map[string]bool{}
	for _, rt := range e.srv.routes {
		if seen[rt.pattern] {
			t.Errorf("route %s registered twice", rt.pattern)
		}
		seen[rt.pattern] = true
		want, ok := accessExpected[rt.pattern]
		if !ok {
			t.Errorf("route %s (policy %s) has no expected outcome in accessExpected: add one", rt.pattern, rt.policy)
			continue
		}
		paths, ok := f.paths(t, rt.pattern)
		if !ok {
			continue
		}
		for rel := range want {
			if !slices.Contains(accessRelations, rel) {
				t.Errorf("route %s: unknown relation %q", rt.pattern, rel)
			}
			if _, ok := paths[rel]; !ok {
				t.Errorf("route %s: outcome for relation %s, which its resource has no fixture for", rt.pattern, rel)
			}
		}
		method := http.MethodGet
		if m := patternMethod.FindStringSubmatch(rt.pattern); m != nil {
			method = m[1]
		}
		for rel, path := range paths {
			w, ok := want[rel]
			if !ok {
				t.Errorf("route %s: no expected outcome for relation %s", rt.pattern, rel)
				continue
			}
			if len(w) != len(accessRoles) {
				t.Errorf("route %s %s: %q has not one letter per role", rt.pattern, rel, w)
				continue
			}
			got := make([]byte, len(accessRoles))
			for i := range accessRoles {
				url := f.freshUnsigned(rt.pattern, f.fillProjet(t, f.fillSeance(t, path, rel), rel), rel) + accessQuery[rt.pattern]
				got[i] = accessOutcome(t, e, clients[i], method, url)
				if rt.pattern == "POST /deconnexion" {
					login(i)
				}
			}
			if string(got) != w {
				t.Errorf("%s %s [%s]: %s, want %s (roles: anonymous admin referent formateur candidat jury)", method, path, rel, got, w)
			}
		}
	}
	for pattern := range accessExpected {
		if !seen[pattern] {
			t.Errorf("accessExpected lists %s, which is not a registered route", pattern)
		}
	}
}

// accessOutcome sends one request as a same-origin browser would (an empty form, or an
// empty JSON object to the API) and classifies the answer.
func accessOutcome(t *testing.T, e *testEnv, c *http.Client, method, path string) byte {
	t.Helper()
	api := strings.HasPrefix(path, "/api/")
	var body *strings.Reader
	if api {
		body = strings.NewReader("{}")
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, e.ts.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if method != http.MethodGet {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if api {
			req.Header.Set("Content-Type", "application/json")
		} else {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	switch {
	case res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/connexion"):
		return 'L'
	case res.StatusCode == http.StatusUnauthorized && api:
		return 'L'
	case res.StatusCode == http.StatusForbidden:
		return 'F'
	case res.StatusCode == http.StatusNotFound:
		return 'N'
	case res.StatusCode >= 500:
		return 'E'
	}
	return 'O'
}
