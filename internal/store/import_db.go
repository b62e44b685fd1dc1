package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/certif/certif/internal/access"
	"github.com/certif/certif/internal/account"
)

// The database passes of an import: lookups (pass B) and batched inserts (pass C).

// lookupIdentities finds the candidates of the file that exist already in the centre imported
// into (see candMatchInCentre), whoever imports: an import never joins records across
// centres (the admin does it with MergeCandidats); with several, the oldest.
func (im *candImport) lookupIdentities(ctx context.Context, tx *Tx) error {
	args := make([]any, 0, candBatch+2)
	rowOf := make(map[string]int, candBatch)
	return im.batches(im.isFirst, func(idx []int) error {
		args = args[:0]
		clear(rowOf)
		for _, i := range idx {
			args = append(args, im.keys[i])
			rowOf[im.keys[i]] = i
		}
		args = append(args, candScopedKey(im.centreID, ""), im.centreID)
		st, err := im.stmt(ctx, tx, `SELECT c.id, c.identite, c.user_id FROM candidats c WHERE c.identite IN `+candIn(len(idx))+
			` AND (c.identity_key = ? || c.identite
			OR EXISTS (SELECT 1 FROM inscriptions mi WHERE mi.candidat_id = c.id AND mi.centre_id = ?)) ORDER BY c.id`)
		if err != nil {
			return err
		}
		rs, err := st.QueryContext(ctx, args...)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var id int64
			var key string
			var user sql.NullInt64
			if err := rs.Scan(&id, &key, &user); err != nil {
				return err
			}
			f, ok := rowOf[key]
			if !ok {
				continue
			}
			delete(rowOf, key) // the oldest record wins
			p := &im.plan[f]
			p.existing, p.candID, p.userID = true, id, user.Int64
		}
		return rs.Err()
	})
}

// lookupAccounts decides, for each new candidate (and each existing one without an
// account), whether to create an account, link one, or refuse the e-mail.
func (im *candImport) lookupAccounts(ctx context.Context, tx *Tx) error {
	needs := func(i int) bool { return im.isFirst(i) && im.plan[i].userID == 0 }
	emails := make(map[string]int, candBatch)
	args := make([]any, 0, candBatch)
	type owner struct {
		id   int64
		role string
		cand int64 // the (first) candidate linked to the account, 0 if none
		// centre is the centre the account was made for (0: none).
		centre int64
	}
	return im.batches(needs, func(idx []int) error {
		clear(emails)
		args = args[:0]
		for _, i := range idx {
			e := im.rows[i].Candidat.Email
			if im.plan[i].existing {
				// The stored e-mail of an existing candidate without account.
				var err error
				if e, err = im.storedEmail(ctx, tx, im.plan[i].candID); err != nil {
					return err
				}
				if g, ok := im.byEmail[e]; ok && int(g) != i {
					im.add(i, "email", fmt.Sprintf(msgCandImportEmail, im.rows[g].Line))
					continue
				}
			}
			if _, dup := emails[e]; !dup {
				emails[e] = i
				args = append(args, e)
			}
		}
		if len(args) == 0 {
			return nil
		}
		st, err := im.stmt(ctx, tx, `SELECT u.id, u.email, u.role, COALESCE((SELECT MIN(c.id) FROM candidats c WHERE c.user_id = u.id), 0), COALESCE(u.centre_id, 0)
			FROM users u WHERE u.email IN `+candIn(len(args)))
		if err != nil {
			return err
		}
		rs, err := st.QueryContext(ctx, args...)
		if err != nil {
			return err
		}
		owners := make(map[string]owner, len(args))
		for rs.Next() {
			var o owner
			var email string
			if err := rs.Scan(&o.id, &email, &o.role, &o.cand, &o.centre); err != nil {
				rs.Close()
				return err
			}
			owners[email] = o
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return err
		}
		for e, i := range emails {
			p := &im.plan[i]
			o, ok := owners[e]
			switch {
			case !ok:
				p.needUser = true
			case o.role != string(account.RoleCandidat):
				im.add(i, "email", msgCandEmailNotCand)
			case o.cand != 0 && o.cand != p.candID, // p.candID is 0 for a new candidate
				access.CanAdminister(im.actor) != access.Allow && o.centre != 0 && o.centre != im.centreID: // made for another centre
				im.add(i, "email", msgCandEmailOther)
			default:
				p.userID = o.id
			}
			p.link = p.existing
		}
		return nil
	})
}

func (im *candImport) storedEmail(ctx context.Context, tx *Tx, candID int64) (string, error) {
	var e string
	err := tx.QueryRowContext(ctx, `SELECT email FROM candidats WHERE id = ?`, candID).Scan(&e)
	return e, err
}

// lookupInscriptions marks the rows whose inscription exists already.
func (im *candImport) lookupInscriptions(ctx context.Context, tx *Tx) error {
	type pair struct {
		cand  int64
		promo string
	}
	found := make(map[pair]bool, candBatch)
	ids := make(map[int64]bool, candBatch)
	args := make([]any, 0, candBatch+2)
	enrolled := func(i int) bool { return !im.plan[i].bad && im.plan[im.plan[i].first].existing }
	return im.batches(enrolled, func(idx []int) error {
		clear(found)
		clear(ids)
		args = append(args[:0], im.info.ID, im.centreID)
		for _, i := range idx {
			if id := im.plan[im.plan[i].first].candID; !ids[id] {
				ids[id] = true
				args = append(args, id)
			}
		}
		st, err := im.stmt(ctx, tx, `SELECT candidat_id, promotion FROM inscriptions
			WHERE certification_id = ? AND centre_id = ? AND candidat_id IN `+candIn(len(args)-2))
		if err != nil {
			return err
		}
		rs, err := st.QueryContext(ctx, args...)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var k pair
			if err := rs.Scan(&k.cand, &k.promo); err != nil {
				return err
			}
			found[k] = true
		}
		if err := rs.Err(); err != nil {
			return err
		}
		for _, i := range idx {
			if found[pair{im.plan[im.plan[i].first].candID, im.rows[i].Inscription.Promotion}] {
				im.plan[i].skip = true
			}
		}
		return nil
	})
}

// insertUsers creates the accounts of pass C, with their activation tokens.
func (im *candImport) insertUsers(ctx context.Context, tx *Tx, res *ImportResult) error {
	now := im.s.nowUTC()
	args := make([]any, 0, candBatch*candUserArity)
	byEmail := make(map[string]int, candBatch)
	var mails activationMails // rendered once for the import
	n := 0
	for i := range im.plan {
		if im.plan[i].needUser {
			n++
		}
	}
	if res.Activations == nil {
		res.Activations = make([]Activation, 0, min(n, MaxActivationsShown))
	}
	return im.batches(func(i int) bool { return im.plan[i].needUser }, func(idx []int) error {
		args = args[:0]
		clear(byEmail)
		for _, i := range idx {
			token, hash, err := candNewActivation()
			if err != nil {
				return err
			}
			c := &im.rows[i].Candidat
			if im.plan[i].existing { // the account takes the stored e-mail
				cc := *c
				if cc.Email, err = im.storedEmail(ctx, tx, im.plan[i].candID); err != nil {
					return err
				}
				c = &cc
			}
			args = im.s.candUserArgs(args, c, im.centreID, hash, now)
			_, prenom := candUserNames(c)
			if err := tx.mailActivationCached(ctx, &mails, c.Email, prenom, token, now.Add(ActivationTTL)); err != nil {
				return err
			}
			byEmail[c.Email] = i
			if len(res.Activations) < MaxActivationsShown {
				res.Activations = append(res.Activations, Activation{Line: im.rows[i].Line, Email: c.Email, Token: token})
			} else {
				res.ActivationsOmitted++
			}
		}
		if err := mails.flush(ctx, tx, im.stmt); err != nil { // the batch's courriels, one INSERT
			return err
		}
		st, err := im.stmt(ctx, tx, candUserInsert+candValues(len(idx), candUserArity)+` RETURNING id, email`)
		if err != nil {
			return err
		}
		rs, err := st.QueryContext(ctx, args...)
		if err != nil {
			return mapErr(err)
		}
		defer rs.Close()
		for rs.Next() {
			var id int64
			var email string
			if err := rs.Scan(&id, &email); err != nil {
				return err
			}
			im.plan[byEmail[email]].userID = id
		}
		return mapErr(rs.Err())
	})
}

// insertCandidats creates the new candidates and links existing ones to their account.
func (im *candImport) insertCandidats(ctx context.Context, tx *Tx, res *ImportResult) error {
	now := im.s.nowUTC()
	for i := range im.plan {
		if p := &im.plan[i]; p.link && p.userID != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE candidats SET user_id = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
				p.userID, im.s.t(now), p.candID); err != nil {
				return err
			}
		}
	}
	args := make([]any, 0, candBatch*candInsertArity)
	rowOf := make(map[string]int, candBatch)
	return im.batches(func(i int) bool { return im.isFirst(i) && !im.plan[i].existing }, func(idx []int) error {
		args = args[:0]
		clear(rowOf)
		for _, i := range idx {
			rowOf[im.keys[i]] = i
			args = im.s.candArgs(args, &im.rows[i].Candidat, im.centreID, im.plan[i].userID, now)
		}
		st, err := im.stmt(ctx, tx, `INSERT INTO candidats `+candInsertColumns+` VALUES `+
			candValues(len(idx), candInsertArity)+` RETURNING id, identite`)
		if err != nil {
			return err
		}
		rs, err := st.QueryContext(ctx, args...)
		if err != nil {
			return mapErr(err)
		}
		defer rs.Close()
		for rs.Next() {
			var id int64
			var key string
			if err := rs.Scan(&id, &key); err != nil {
				return err
			}
			im.plan[rowOf[key]].candID = id
			res.NewCandidats++
		}
		return mapErr(rs.Err())
	})
}

// insertInscriptions creates the inscriptions that do not exist yet.
func (im *candImport) insertInscriptions(ctx context.Context, tx *Tx, res *ImportResult) error {
	now := im.s.nowUTC()
	for i := range im.plan {
		if im.plan[i].skip {
			res.Existing++
		}
	}
	args := make([]any, 0, candBatch*candInsArity)
	return im.batches(func(i int) bool { return !im.plan[i].skip }, func(idx []int) error {
		args = args[:0]
		for _, i := range idx {
			ins := &im.rows[i].Inscription
			ins.CandidatID = im.plan[im.plan[i].first].candID
			args = im.s.candInsArgs(args, ins, now)
		}
		st, err := im.stmt(ctx, tx, candInsInsert+candValues(len(idx), candInsArity))
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return mapErr(err)
		}
		res.Created += len(idx)
		return nil
	})
}
