package domain

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"sync"
	"time"
)

// TSE providers.
const (
	TSENone    = ""
	TSEFiskaly = "fiskaly"
)

// Keychain names of the TSE's secrets.
const (
	FiskalySecretName   = "fiskaly-api-secret"
	FiskalyAdminPINName = "fiskaly-admin-pin"
)

// TSESettings say which TSE a till signs with in live mode (demo and test
// mode sign with the simulator). The API secret and the TSS's admin PIN
// are in the keychain.
type TSESettings struct {
	Provider     string // TSENone or TSEFiskaly
	BaseURL      string // fiskaly's API (DefaultFiskalyURL when empty)
	APIKey       string
	SecretHint   string // "…cdef": which secret is stored
	TSSID        string // the TSS at fiskaly (a UUID)
	ClientID     string // this till at the TSS (a UUID)
	ClientSerial string // this till's serial number, as the TSE and the receipts carry it
	SetUp        time.Time
}

// TSEProvisioner is a TSE that can be set up from Tally (fiskaly's TSS
// created, its admin PIN set, initialised, the till's client added).
type TSEProvisioner interface {
	TSE
	Provision(ctx context.Context, adminPIN, clientSerial string) error
}

// TSEMaker builds the live TSE of the settings with the API secret.
type TSEMaker func(s TSESettings, apiSecret string) (TSEProvisioner, error)

// TSEService chooses the TSE the register signs with, keeps its settings,
// and says what the owner files with the tax office. A German shop in
// demo or test mode signs with the simulator; in live mode with the TSE
// set up in Settings > TSE, and without one it is warned on every screen.
// A shop outside Germany has no TSE.
type TSEService struct {
	Till       TillStore
	Shop       Store // the shop's own file: where the shop is
	Keychain   Keychain
	Connection *Connection
	Clock      Clock
	Make       TSEMaker
	// Simulator signs in demo and test mode.
	Simulator TSE
	// TillName is this computer's till (the register settings' when empty).
	TillName string
	// Register is the register whose sales are signed.
	Register *RegisterService

	mu      sync.Mutex
	live    TSE
	liveFor TSESettings
}

func (s *TSEService) till(ctx context.Context) (string, error) {
	if s.TillName != "" {
		return s.TillName, nil
	}
	rs, err := s.Register.RegisterSettings(ctx)
	return rs.Till, err
}

// Settings returns this till's TSE settings.
func (s *TSEService) Settings(ctx context.Context) (TSESettings, error) {
	till, err := s.till(ctx)
	if err != nil {
		return TSESettings{}, err
	}
	var out TSESettings
	err = s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		out, err = tx.TSESettings(till)
		return err
	})
	return out, err
}

func (s *TSEService) german(ctx context.Context) bool {
	var sh Shop
	if s.Shop != nil {
		s.Shop.View(ctx, func(tx Tx) (err error) { sh, err = tx.Shop(); return err })
	}
	return sh.Country == "DE"
}

// Current is the TSE the register signs with now (nil: none), as
// RegisterService.TSESource.
func (s *TSEService) Current(ctx context.Context) TSE {
	if !s.german(ctx) {
		return nil
	}
	if s.Connection == nil || s.Connection.Mode() != ModeLive {
		return s.Simulator
	}
	set, err := s.Settings(ctx)
	if err != nil || set.Provider != TSEFiskaly || set.SetUp.IsZero() {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.live != nil && s.liveFor == set {
		return s.live
	}
	secret, err := s.Keychain.Get(FiskalySecretName)
	if err != nil {
		return nil
	}
	t, err := s.Make(set, secret)
	if err != nil {
		return nil
	}
	s.live, s.liveFor = t, set
	return t
}

// TSEStatus is what Settings > TSE, Diagnostics and the banner show.
type TSEStatus struct {
	German   bool
	Mode     Mode
	Settings TSESettings
	Info     TSEInfo
	// Err is why the TSE cannot be asked, when it cannot.
	Err error
	// Warning is what every screen says when receipts are not signed
	// although the law asks it ("" when all is well).
	Warning Phrase
	// Outages are the transactions the TSE failed in the last 30 days.
	Outages []TSERecord
}

// Status describes the till's TSE now.
func (s *TSEService) Status(ctx context.Context) TSEStatus {
	reg := s.Register
	st := TSEStatus{German: s.german(ctx)}
	if s.Connection != nil {
		st.Mode = s.Connection.Mode()
	}
	st.Settings, st.Err = s.Settings(ctx)
	if !st.German {
		return st
	}
	t := s.Current(ctx)
	if t == nil {
		st.Warning = Phrase{"No TSE: this till's receipts are not signed, as German law (KassenSichV) asks. Set one up under Settings > TSE.", nil}
		return st
	}
	st.Info, st.Err = t.Info(ctx)
	if st.Err != nil {
		st.Warning = Phrase{"The TSE does not answer: sales go on, their receipts say the TSE failed. If it lasts, report the outage to the tax office.", nil}
	}
	if reg != nil {
		st.Outages, _ = reg.TSEOutages(ctx, s.Clock.Now().AddDate(0, 0, -30))
	}
	return st
}

// Save checks and stores the fiskaly settings with the API secret (kept
// in the keychain; empty: the one stored), connects, and sets the TSS and
// this till's client up at fiskaly.
func (s *TSEService) Save(ctx context.Context, set TSESettings, secret string) (TSEInfo, error) {
	set.APIKey, set.TSSID, set.ClientID = strings.TrimSpace(set.APIKey), strings.TrimSpace(set.TSSID), strings.TrimSpace(set.ClientID)
	set.ClientSerial, secret = strings.TrimSpace(set.ClientSerial), strings.TrimSpace(secret)
	till, err := s.till(ctx)
	if err != nil {
		return TSEInfo{}, err
	}
	if set.Provider == TSENone {
		return TSEInfo{}, s.Till.UpdateTill(ctx, func(tx TillTx) error { return tx.SaveTSESettings(till, TSESettings{}) })
	}
	if set.Provider != TSEFiskaly {
		return TSEInfo{}, Errorf(EINVALID, "Tally signs with fiskaly SIGN DE, not %q.", set.Provider)
	}
	if set.APIKey == "" {
		return TSEInfo{}, &FieldError{Field: "api_key", Err: Errorf(EINVALID, "Enter the API key of fiskaly's dashboard.")}
	}
	if secret == "" {
		if secret, err = s.Keychain.Get(FiskalySecretName); err != nil {
			return TSEInfo{}, &FieldError{Field: "api_secret", Err: Errorf(EINVALID, "Enter the API secret of fiskaly's dashboard.")}
		}
	}
	if !isUUID(set.TSSID) {
		return TSEInfo{}, &FieldError{Field: "tss", Err: Errorf(EINVALID, "The TSS id is a UUID, such as 1a2b3c4d-…: copy it from fiskaly's dashboard, or leave it empty for a new TSS.")}
	}
	if !isUUID(set.ClientID) {
		return TSEInfo{}, &FieldError{Field: "client", Err: Errorf(EINVALID, "The client id is a UUID: leave it empty for a new one.")}
	}
	if set.ClientSerial == "" {
		set.ClientSerial = "TALLY-" + strings.ToUpper(strings.ReplaceAll(till, " ", "-"))
	}
	t, err := s.Make(set, secret)
	if err != nil {
		return TSEInfo{}, err
	}
	pin, err := s.Keychain.Get(FiskalyAdminPINName)
	if ErrorCode(err) == ENOTFOUND {
		pin = newAdminPIN()
		if err := s.Keychain.Set(FiskalyAdminPINName, pin); err != nil {
			return TSEInfo{}, err
		}
	} else if err != nil {
		return TSEInfo{}, err
	}
	if err := t.Provision(ctx, pin, set.ClientSerial); err != nil {
		return TSEInfo{}, err
	}
	info, err := t.Info(ctx)
	if err != nil {
		return TSEInfo{}, err
	}
	if err := s.Keychain.Set(FiskalySecretName, secret); err != nil {
		return info, err
	}
	set.SecretHint = "…" + secret[max(0, len(secret)-4):]
	set.SetUp = s.Clock.Now()
	return info, s.Till.UpdateTill(ctx, func(tx TillTx) error { return tx.SaveTSESettings(till, set) })
}

// NewTSEIDs returns a new TSS id and client id, for a till set up for
// the first time.
func NewTSEIDs() (tss, client string) { return NewUUID(), NewUUID() }

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}

// newAdminPIN returns a TSS admin PIN of 10 digits.
func newAdminPIN() string {
	var b [10]byte
	rand.Read(b[:])
	out := make([]byte, 10)
	for i, c := range b {
		out[i] = '0' + c%10
	}
	return string(out)
}

// TSERegistration is what § 146a (4) AO asks the owner to file with the
// tax office for each till (through ELSTER): the TSE, the till, and since
// when it is in use.
type TSERegistration struct {
	Shop          Shop
	TSESerial     string
	CertificateID string
	TSEProvider   string
	Simulated     bool
	TillType      string // the till's kind: software on a computer
	TillMaker     string
	TillSoftware  string
	TillSerial    string
	InUseSince    time.Time // the till's first signed transaction, or the TSE's set-up
}

// Registration lists the data of the till's registration.
func (s *TSEService) Registration(ctx context.Context, version string) (TSERegistration, error) {
	t := s.Current(ctx)
	if t == nil {
		return TSERegistration{}, Errorf(ENOTFOUND, "This till has no TSE yet: set one up under Settings > TSE.")
	}
	info, err := t.Info(ctx)
	if err != nil {
		return TSERegistration{}, err
	}
	var sh Shop
	if s.Shop != nil {
		s.Shop.View(ctx, func(tx Tx) (err error) { sh, err = tx.Shop(); return err })
	}
	reg := TSERegistration{Shop: sh, TSESerial: info.Serial, CertificateID: info.CertificateID, TSEProvider: info.Provider,
		Simulated: info.Simulated, TillType: "PC-Kassensystem (Software)", TillMaker: "Tally", TillSoftware: "Tally " + version,
		TillSerial: info.ClientSerial}
	set, _ := s.Settings(ctx)
	reg.InUseSince = set.SetUp
	err = s.Till.ViewTill(ctx, func(tx TillTx) error {
		all, err := tx.TSERecords(true, time.Time{})
		for _, r := range all {
			if r.Sig.Start.IsZero() {
				continue
			}
			if reg.InUseSince.IsZero() || r.Sig.Start.Before(reg.InUseSince) {
				reg.InUseSince = r.Sig.Start
			}
		}
		return err
	})
	return reg, err
}

// Lines writes the registration as the sheet prints it.
func (r TSERegistration) Lines(p Paper) []string {
	line := func(label, v string) string { return fmt.Sprintf("%-28s %s", label, v) }
	since := "—"
	if !r.InUseSince.IsZero() {
		since = p.Date(r.InUseSince)
	}
	out := []string{
		p.T("For the tax office (§ 146a (4) AO), to file through ELSTER:"), "",
		line(p.T("Business"), r.Shop.Name),
	}
	for _, a := range r.Shop.AddressLines() {
		out = append(out, line("", a))
	}
	out = append(out,
		line(p.T("VAT no."), r.Shop.VATID), "",
		line(p.T("Till type"), r.TillType),
		line(p.T("Till software"), r.TillSoftware),
		line(p.T("Till serial number"), r.TillSerial),
		line(p.T("In use since"), since), "",
		line(p.T("TSE"), r.TSEProvider),
		line(p.T("TSE serial number"), ""),
		"  "+r.TSESerial,
		line(p.T("BSI certificate"), r.CertificateID),
	)
	if r.Simulated {
		out = append(out, "", p.T("SIMULATED TSE (demo or test mode): not for filing."))
	}
	return out
}
