package storage

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"tally/domain"
)

// PINHasher hashes PINs with argon2id, the memory-hard hash RFC 9106
// recommends, so that a stolen database does not give its PINs away
// cheaply. A PIN has few digits, so the hash only slows an offline search;
// the online limit on wrong tries (domain.AccessService) does the rest.
type PINHasher struct {
	// Time and MemoryKiB are argon2id's cost; zero takes OWASP's minimum
	// for argon2id (19 MiB, 2 passes).
	Time      uint32
	MemoryKiB uint32
}

var _ domain.PINHasher = PINHasher{}

func (h PINHasher) params() (t, m uint32) {
	t, m = h.Time, h.MemoryKiB
	if t == 0 {
		t = 2
	}
	if m == 0 {
		m = 19 * 1024
	}
	return t, m
}

// Hash implements domain.PINHasher: $argon2id$v=19$m=…,t=…,p=1$salt$hash.
func (h PINHasher) Hash(pin string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	t, m := h.params()
	sum := argon2.IDKey([]byte(pin), salt, t, m, 1, 32)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=1$%s$%s", argon2.Version, m, t, enc.EncodeToString(salt), enc.EncodeToString(sum)), nil
}

// Check implements domain.PINHasher, with the cost stored in the hash.
func (h PINHasher) Check(encoded, pin string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, fmt.Errorf("not an argon2id hash")
	}
	var v int
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, fmt.Errorf("argon2 version %q not supported", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || p == 0 || t == 0 || m == 0 {
		return false, fmt.Errorf("argon2id parameters %q unreadable", parts[3])
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("argon2id salt unreadable")
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, fmt.Errorf("argon2id hash unreadable")
	}
	got := argon2.IDKey([]byte(pin), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
