package domain

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
)

// NewIdempotencyKey returns a fresh random key for a write that is safe to
// retry within one user action (registering a reader, renaming it). Payment
// attempts store theirs before the call instead.
func NewIdempotencyKey(prefix string) IdempotencyKey {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported systems
	return IdempotencyKey(prefix + "-" + hex.EncodeToString(b))
}

// KnownReader is a reader as Tally last saw it at Stripe, kept so screens
// can show readers without a network call.
type KnownReader struct {
	Reader
	LocationName string
	RefreshedAt  time.Time
}

// SimulatedRegistrationCode registers Stripe's simulated WisePOS E.
const SimulatedRegistrationCode = "simulated-wpe"

// AddressFormat says which address fields a country's Terminal location needs
// and what they are called there.
type AddressFormat struct {
	StateLabel     string // "" when the country has no state field
	StateRequired  bool
	PostalLabel    string
	PostalRequired bool
}

// AddressFormatFor returns the address format of an ISO country code.
func AddressFormatFor(country string) AddressFormat {
	switch strings.ToUpper(country) {
	case "US":
		return AddressFormat{StateLabel: "State", StateRequired: true, PostalLabel: "ZIP code", PostalRequired: true}
	case "CA":
		return AddressFormat{StateLabel: "Province", StateRequired: true, PostalLabel: "Postal code", PostalRequired: true}
	case "AU":
		return AddressFormat{StateLabel: "State or territory", StateRequired: true, PostalLabel: "Postcode", PostalRequired: true}
	case "IE":
		return AddressFormat{StateLabel: "County", PostalLabel: "Eircode"}
	case "GB":
		return AddressFormat{StateLabel: "County", PostalLabel: "Postcode", PostalRequired: true}
	case "MY":
		return AddressFormat{StateLabel: "State", StateRequired: true, PostalLabel: "Postcode", PostalRequired: true}
	case "SG", "NZ":
		return AddressFormat{PostalLabel: "Postcode", PostalRequired: true}
	}
	return AddressFormat{PostalLabel: "Postal code", PostalRequired: true}
}

// ValidateLocation checks a new location's fields for its country. It returns
// a *FieldError naming the field.
func ValidateLocation(l Location) error {
	a := l.Address
	f := AddressFormatFor(a.Country)
	switch {
	case strings.TrimSpace(l.DisplayName) == "":
		return fieldErr("name", Errorf(EINVALID, "Give the location a name, for example the shop's name."))
	case len(strings.TrimSpace(a.Country)) != 2:
		return fieldErr("country", Errorf(EINVALID, "Choose the country."))
	case strings.TrimSpace(a.Line1) == "":
		return fieldErr("line1", Errorf(EINVALID, "Enter the street address."))
	case strings.TrimSpace(a.City) == "":
		return fieldErr("city", Errorf(EINVALID, "Enter the city."))
	case f.StateRequired && strings.TrimSpace(a.State) == "":
		return fieldErr("state", Errorf(EINVALID, "Enter the %s.", strings.ToLower(f.StateLabel)))
	case f.PostalRequired && strings.TrimSpace(a.PostalCode) == "":
		return fieldErr("postal", Errorf(EINVALID, "Enter the %s.", strings.ToLower(f.PostalLabel)))
	}
	return nil
}
