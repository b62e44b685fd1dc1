package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/certif/certif/internal/apperr"
)

// Argon2id parameters (RFC 9106 second recommended option, lighter memory for a 2-core host).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 12

// CheckPassword returns a *apperr.Validation on field "password" when p is too weak.
func CheckPassword(p string) error {
	v := apperr.NewValidation()
	switch n := utf8.RuneCountInString(p); {
	case n < MinPasswordLen:
		v.Add("password", fmt.Sprintf("Le mot de passe doit comporter au moins %d caractères.", MinPasswordLen))
	case n > 200:
		v.Add("password", "Le mot de passe ne doit pas dépasser 200 caractères.")
	}
	return v.Err()
}

// HashPassword returns an encoded argon2id hash of p ("$argon2id$v=19$m=…,t=…,p=…$salt$key").
func HashPassword(p string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(p), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// VerifyPassword reports whether p matches the encoded hash. A malformed hash never matches.
func VerifyPassword(encoded, p string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var th uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &th); err != nil || m == 0 || t == 0 || th == 0 || m > 1<<20 || t > 16 {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false
	}
	key, err := enc.DecodeString(parts[5])
	if err != nil || len(key) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(p), salt, t, m, th, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// DummyHash is verified against when an e-mail is unknown, so that a wrong e-mail and a wrong
// password take the same time and give the same answer.
var DummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Q0VSVElGRFVNTVlIQVNIS0VZMTIzNDU2Nzg5MDEyMw"

// GeneratePassword returns a random 20-character password from an unambiguous alphabet.
func GeneratePassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
