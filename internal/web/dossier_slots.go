package web

import (
	"context"
	"fmt"
	"sync"
)

// depositSlots bounds the work of the dossier's deposits: one deposit under way per person
// (a second one, while the first is received or measured, is refused at once with a 429,
// before its body is read), and measureSlots measures at a time server-wide (the readers of
// package inspect take a core each; the others wait, for as long as their request lives).
type depositSlots struct {
	measuring chan struct{}
	mu        sync.Mutex
	users     map[int64]bool
}

func newDepositSlots(measureSlots int) *depositSlots {
	return &depositSlots{measuring: make(chan struct{}, max(1, measureSlots)), users: map[int64]bool{}}
}

// errDepositBusy is the refusal of a person's second deposit while their first is under way:
// 429 (errTooMany), the French message on the field "fichier".
func errDepositBusy() error {
	return fmt.Errorf("%w: %w", errTooMany, fieldError("fichier",
		"Un dépôt est déjà en cours d’analyse : attendez qu’il se termine avant d’envoyer une autre pièce."))
}

// begin reserves user's deposit; false when they already have one under way.
func (d *depositSlots) begin(user int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.users[user] {
		return false
	}
	d.users[user] = true
	return true
}

// end releases user's deposit.
func (d *depositSlots) end(user int64) {
	d.mu.Lock()
	delete(d.users, user)
	d.mu.Unlock()
}

// measure runs fn once a server-wide slot is free; it gives up with ctx's error when ctx is
// done first.
func (d *depositSlots) measure(ctx context.Context, fn func()) error {
	select {
	case d.measuring <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-d.measuring }()
	fn()
	return nil
}
