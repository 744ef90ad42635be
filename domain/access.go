package domain

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
)

// Role is who is at the till: the owner, or a cashier.
type Role string

// Roles. The owner may do everything; a cashier sells.
const (
	RoleOwner   Role = "owner"
	RoleCashier Role = "cashier"
)

// Title is the role as the screens name it.
func (r Role) Title() string {
	if r == RoleOwner {
		return "Owner"
	}
	return "Cashier"
}

// PIN rules. A few digits are easy to try offline, so the hash is slow
// (PINHasher) and wrong tries are limited online: after MaxPINTries wrong
// PINs in a row the role is locked for PINLockout, doubled at each further
// lock up to PINLockoutMax. The count and the lock are stored, so a
// restart does not reset them.
const (
	MinPINLength  = 4
	MaxPINLength  = 12
	MaxPINTries   = 5
	PINLockout    = 5 * time.Minute
	PINLockoutMax = time.Hour
	// GrantTTL is how long a PIN entered once covers the action it was
	// asked for.
	GrantTTL = 2 * time.Minute
)

// PINHasher hashes PINs slowly (argon2id in storage) and checks them.
type PINHasher interface {
	// Hash returns an encoded hash of pin with a fresh salt.
	Hash(pin string) (string, error)
	// Check reports whether pin matches the encoded hash.
	Check(hash, pin string) (bool, error)
}

// RoleRecord is a role's PIN and its wrong tries.
type RoleRecord struct {
	Role        Role
	Hash        string // never the PIN
	Failures    int    // wrong tries since the last right one or lock
	Locks       int    // locks in a row, for the doubling
	LockedUntil time.Time
	Updated     time.Time
}

// AuditEntry is one protected action: who, what, when, how much.
type AuditEntry struct {
	ID        int64
	At        time.Time
	Role      Role
	Books     Mode
	Action    string // refund, void, capture, day_close, settings, method, reader, pin, pin_locked
	Detail    string
	Amount    Money
	SaleID    int64
	AttemptID int64
}

// AccessStore keeps roles and the audit log: in the live register's file,
// whatever the mode, so that a demo PIN never opens the live settings, and
// never behind the books' long write locks.
type AccessStore interface {
	// UpdateAccess runs fn in a write transaction.
	UpdateAccess(ctx context.Context, fn func(tx AccessTx) error) error
	// ViewAccess runs fn in a read transaction.
	ViewAccess(ctx context.Context, fn func(tx AccessTx) error) error
}

// AccessTx is what an access use case reads and writes.
type AccessTx interface {
	// RoleRecord returns the role's record; ok is false when no PIN is set.
	RoleRecord(r Role) (rec RoleRecord, ok bool, err error)
	// SaveRole inserts or replaces the role's record.
	SaveRole(rec RoleRecord) error
	// InsertAudit appends e to the audit log and sets its ID.
	InsertAudit(e *AuditEntry) error
	// AuditEntries calls fn for each entry, newest first, up to limit (0: all).
	AuditEntries(limit int, fn func(AuditEntry) error) error
	// AuditOf calls fn for each entry about one payment attempt, oldest first.
	AuditOf(attemptID int64, fn func(AuditEntry) error) error
}

// Grant is the proof that a role's PIN was entered just now. Only
// AccessService.Verify makes one; the zero Grant proves nothing.
type Grant struct {
	role   Role
	issued time.Time
}

// PINHold is how long a PIN, once entered, holds while the person goes
// on working: each use within it renews it, and PINHold of no use ends
// it (the screens then ask again).
const PINHold = 5 * time.Minute

// Hold renews a grant last renewed (or issued) within PINHold, so that
// the owner is not asked the PIN at every page of a few minutes' work;
// false when it lapsed.
func (s *AccessService) Hold(g Grant) (Grant, bool) {
	now := s.Clock.Now()
	if g.role == "" || now.Sub(g.issued) > PINHold || now.Before(g.issued) {
		return Grant{}, false
	}
	return Grant{role: g.role, issued: now}, true
}

// Role is who the grant is for ("" for the zero grant).
func (g Grant) Role() Role { return g.role }

// AccessService checks PINs, limits wrong tries and keeps the audit log.
type AccessService struct {
	Store  AccessStore
	Hasher PINHasher
	Clock  Clock
	// Mode names the books an audited action touched.
	Mode func() Mode
}

// HasPIN reports whether role has a PIN.
func (s *AccessService) HasPIN(ctx context.Context, role Role) (bool, error) {
	var ok bool
	err := s.Store.ViewAccess(ctx, func(tx AccessTx) (err error) {
		_, ok, err = tx.RoleRecord(role)
		return err
	})
	return ok, err
}

// ValidatePIN checks a new PIN's form: digits only, 4 to 12 of them.
func ValidatePIN(pin string) error {
	if len(pin) < MinPINLength || len(pin) > MaxPINLength {
		return fieldErr("pin", Errorf(EINVALID, "A PIN is %d to %d digits.", MinPINLength, MaxPINLength))
	}
	for _, r := range pin {
		if !unicode.IsDigit(r) || r > unicode.MaxASCII {
			return fieldErr("pin", Errorf(EINVALID, "A PIN is digits only."))
		}
	}
	return nil
}

// SetPIN sets role's PIN. The owner's first PIN needs nothing; after that
// changing either PIN needs the owner's grant.
func (s *AccessService) SetPIN(ctx context.Context, g Grant, role Role, pin string) error {
	if role != RoleOwner && role != RoleCashier {
		return Errorf(EINVALID, "There is no role %q.", role)
	}
	if err := ValidatePIN(pin); err != nil {
		return err
	}
	ownerSet, err := s.HasPIN(ctx, RoleOwner)
	if err != nil {
		return err
	}
	if !ownerSet && role == RoleCashier {
		return Errorf(ECONFLICT, "Set the owner's PIN first: it is needed to set the cashier's.")
	}
	if ownerSet {
		if err := s.Require(g, RoleOwner); err != nil {
			return err
		}
	}
	hash, err := s.Hasher.Hash(pin)
	if err != nil {
		return fmt.Errorf("hash the PIN: %w", err)
	}
	now := s.Clock.Now()
	by := RoleOwner
	return s.Store.UpdateAccess(ctx, func(tx AccessTx) error {
		if err := tx.SaveRole(RoleRecord{Role: role, Hash: hash, Updated: now}); err != nil {
			return err
		}
		return tx.InsertAudit(&AuditEntry{At: now, Role: by, Books: s.mode(), Action: "pin", Detail: role.Title() + " PIN set"})
	})
}

func (s *AccessService) mode() Mode {
	if s.Mode == nil {
		return ""
	}
	return s.Mode()
}

// Verify checks pin for role and returns a grant. The owner's PIN also
// answers for a cashier. Wrong tries count toward a lock, stored before
// the PIN is checked so that a crash gives no free try.
func (s *AccessService) Verify(ctx context.Context, role Role, pin string) (Grant, error) {
	var rec RoleRecord
	now := s.Clock.Now()
	err := s.Store.UpdateAccess(ctx, func(tx AccessTx) error {
		r, ok, err := tx.RoleRecord(role)
		if err != nil {
			return err
		}
		if !ok {
			return Errorf(ENOTFOUND, "No %s PIN is set yet: set one under Settings, People.", strings.ToLower(role.Title()))
		}
		if now.Before(r.LockedUntil) {
			return lockedError(role, r.LockedUntil, now)
		}
		r.Failures++
		r.Updated = now
		rec = r
		return tx.SaveRole(r)
	})
	if err != nil {
		return Grant{}, err
	}
	ok, err := s.Hasher.Check(rec.Hash, pin)
	if err != nil {
		return Grant{}, fmt.Errorf("check the PIN: %w", err)
	}
	var out error
	err = s.Store.UpdateAccess(ctx, func(tx AccessTx) error {
		r, _, err := tx.RoleRecord(role)
		if err != nil {
			return err
		}
		r.Updated = s.Clock.Now()
		if ok {
			r.Failures, r.Locks, r.LockedUntil = 0, 0, time.Time{}
			return tx.SaveRole(r)
		}
		if r.Failures < MaxPINTries {
			left := MaxPINTries - r.Failures
			out = fieldErr("pin", Errorf(EUNAUTHORIZED, "Wrong PIN. %s left before the %s role locks for a while.", plural(left, "try", "tries"), strings.ToLower(role.Title())))
			return tx.SaveRole(r)
		}
		r.Locks++
		d := PINLockout << (r.Locks - 1)
		if d > PINLockoutMax || d <= 0 {
			d = PINLockoutMax
		}
		r.Failures, r.LockedUntil = 0, now.Add(d)
		out = lockedError(role, r.LockedUntil, now)
		if err := tx.SaveRole(r); err != nil {
			return err
		}
		return tx.InsertAudit(&AuditEntry{At: now, Role: role, Books: s.mode(), Action: "pin_locked",
			Detail: fmt.Sprintf("%s role locked for %s after %d wrong PINs", role.Title(), durationWords(d), MaxPINTries)})
	})
	if err != nil {
		return Grant{}, err
	}
	if out != nil {
		return Grant{}, out
	}
	return Grant{role: role, issued: s.Clock.Now()}, nil
}

func lockedError(role Role, until, now time.Time) error {
	wait := until.Sub(now).Round(time.Second)
	if wait < time.Second {
		wait = time.Second
	}
	return &Error{Code: EPERMISSION, Message: fmt.Sprintf("Too many wrong PINs: the %s role is locked for %s more. Wait, then try again; a restart does not unlock it.",
		strings.ToLower(role.Title()), durationWords(wait))}
}

// durationWords writes a wait as a person would: "5 min", "1 h 30 min", "40 s".
func durationWords(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int((d+30*time.Second)/time.Minute))
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	}
	h, m := int(d/time.Hour), int((d%time.Hour+30*time.Second)/time.Minute)
	if m == 0 {
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}

// Require checks that g was issued for role (an owner's grant covers a
// cashier's action) within GrantTTL.
func (s *AccessService) Require(g Grant, role Role) error {
	if g.role == "" {
		return Errorf(EPERMISSION, "This needs the %s's PIN.", strings.ToLower(role.Title()))
	}
	if role == RoleOwner && g.role != RoleOwner {
		return Errorf(EPERMISSION, "This needs the owner's PIN: a cashier cannot do it.")
	}
	if s.Clock.Now().Sub(g.issued) > GrantTTL {
		return Errorf(EPERMISSION, "The PIN was entered more than %s ago: enter it again.", GrantTTL)
	}
	return nil
}

// Record appends an action to the audit log under g's role (a cashier when
// nobody entered a PIN).
func (s *AccessService) Record(ctx context.Context, g Grant, e AuditEntry) error {
	e.Role = g.role
	if e.Role == "" {
		e.Role = RoleCashier
	}
	if e.At.IsZero() {
		e.At = s.Clock.Now()
	}
	if e.Books == "" {
		e.Books = s.mode()
	}
	return s.Store.UpdateAccess(ctx, func(tx AccessTx) error { return tx.InsertAudit(&e) })
}

// RecordOwner appends an action taken on a screen the owner unlocked with
// the PIN (settings, payment methods, readers).
func (s *AccessService) RecordOwner(ctx context.Context, e AuditEntry) error {
	return s.Record(ctx, Grant{role: RoleOwner}, e)
}

// AuditLog returns the newest entries, up to limit (0: all).
func (s *AccessService) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	err := s.Store.ViewAccess(ctx, func(tx AccessTx) error {
		return tx.AuditEntries(limit, func(e AuditEntry) error {
			out = append(out, e)
			return nil
		})
	})
	return out, err
}

// AuditOf returns the entries about one payment attempt, oldest first.
func (s *AccessService) AuditOf(ctx context.Context, attemptID int64) ([]AuditEntry, error) {
	var out []AuditEntry
	err := s.Store.ViewAccess(ctx, func(tx AccessTx) error {
		return tx.AuditOf(attemptID, func(e AuditEntry) error {
			out = append(out, e)
			return nil
		})
	})
	return out, err
}

// ExportAudit writes the whole audit log as CSV, newest first, and says how
// many entries it wrote. Times are UTC, RFC 3339; amounts in major units.
func (s *AccessService) ExportAudit(ctx context.Context, w io.Writer) (int, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"id", "time_utc", "role", "books", "action", "detail", "amount", "currency", "sale_id", "attempt_id"}); err != nil {
		return 0, err
	}
	n := 0
	err := s.Store.ViewAccess(ctx, func(tx AccessTx) error {
		return tx.AuditEntries(0, func(e AuditEntry) error {
			amount, cur := "", ""
			if !e.Amount.Currency.IsZero() {
				amount, cur = FormatAmount(e.Amount.Amount, e.Amount.Currency.Exponent()), e.Amount.Currency.Code()
			}
			n++
			return cw.Write([]string{itoa(e.ID), e.At.UTC().Format(time.RFC3339), string(e.Role), e.Books.Badge(), e.Action, csvSafe(e.Detail),
				amount, cur, itoa(e.SaleID), itoa(e.AttemptID)})
		})
	})
	if err != nil {
		return n, err
	}
	cw.Flush()
	return n, cw.Error()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
