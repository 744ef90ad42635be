package domain

import (
	"strings"
	"time"
)

// Mode is the Stripe state the shop works in.
type Mode string

// Modes. Disabled means no Stripe account is used: Tally runs in demo mode on
// its built-in simulator.
const (
	ModeDisabled Mode = "disabled"
	ModeTest     Mode = "test"
	ModeLive     Mode = "live"
)

// Badge is the word shown on every screen so nobody mistakes test for live.
func (m Mode) Badge() string {
	switch m {
	case ModeTest:
		return "TEST"
	case ModeLive:
		return "LIVE"
	default:
		return "DEMO"
	}
}

// Keychain entry names.
const (
	SecretKeyName     = "stripe-secret-key"
	WebhookSecretName = "stripe-webhook-secret"
)

// Settings are the shop's Stripe settings as stored in the database. The
// secret key and the webhook secret are not here: they live in the Keychain;
// only a hint ("sk_test_…4242") is kept to show which key is stored.
type Settings struct {
	Mode              Mode
	PublishableKey    string
	SecretKeyHint     string
	WebhookSecretHint string
	APIBase           string // empty: api.stripe.com; set to use stripe-mock
	Account           Account
	VerifiedAt        time.Time // zero until a verification succeeded
	// The optional webhook listener (Stripe's events pushed to this
	// machine, beside the poll): off by default.
	WebhookEnabled bool
	WebhookListen  string // host:port; DefaultWebhookListen when empty
}

// DefaultWebhookListen is where the webhook listener listens unless told:
// this machine only, for `stripe listen --forward-to`.
const DefaultWebhookListen = "127.0.0.1:8788"

// Validate checks the mode and the publishable key's shape.
func (s Settings) Validate() error {
	switch s.Mode {
	case ModeDisabled, ModeTest, ModeLive:
	default:
		return Errorf(EINVALID, "unknown Stripe state %q", s.Mode)
	}
	if s.PublishableKey != "" {
		return checkKey("publishable key", s.PublishableKey, s.Mode, "pk_")
	}
	return nil
}

// KeyHint returns a key shortened so it can be shown: its prefix and its last
// four characters. It never returns more than that.
func KeyHint(key string) string {
	key = strings.TrimSpace(key)
	if key == "" {
		return ""
	}
	prefix := key
	if i := strings.LastIndexByte(key[:min(len(key), 9)], '_'); i >= 0 {
		prefix = key[:i+1]
	} else {
		prefix = ""
	}
	if len(key) < len(prefix)+8 {
		return prefix + "…"
	}
	return prefix + "…" + key[len(key)-4:]
}

// keyMode returns the mode a Stripe key belongs to from its prefix.
func keyMode(key string) (kind string, mode Mode, ok bool) {
	for _, p := range []string{"sk_", "rk_", "pk_"} {
		if strings.HasPrefix(key, p+"test_") {
			return p, ModeTest, true
		}
		if strings.HasPrefix(key, p+"live_") {
			return p, ModeLive, true
		}
	}
	return "", "", false
}

// checkKey verifies a key's prefix against the kinds allowed and the mode.
func checkKey(what, key string, mode Mode, kinds ...string) error {
	if strings.ContainsAny(key, " \t\r\n") {
		return Errorf(EINVALID, "The %s contains spaces or line breaks. Copy it again from the Stripe Dashboard (Developers > API keys).", what)
	}
	kind, km, ok := keyMode(key)
	want := strings.Join(kinds, "test_ or ") + "test_"
	if mode == ModeLive {
		want = strings.Join(kinds, "live_ or ") + "live_"
	}
	if !ok || !contains(kinds, kind) {
		return Errorf(EINVALID, "This is not a %s: it should start with %s. Copy it from the Stripe Dashboard (Developers > API keys).", what, want)
	}
	if len(key) < len(kind)+5+8 {
		return Errorf(EINVALID, "The %s is too short: part of it is missing. Copy it again from the Stripe Dashboard.", what)
	}
	if km != mode {
		return Errorf(EINVALID, "The %s is a %s-mode key but Tally is set to %s mode. Choose %s, or paste the %s key (it starts with %s).",
			what, km, mode, km.title(), mode, want)
	}
	return nil
}

func (m Mode) title() string {
	switch m {
	case ModeTest:
		return "Test"
	case ModeLive:
		return "Live"
	default:
		return "Disabled"
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// CheckSecretKey validates a secret (sk_) or restricted (rk_) key for mode.
func CheckSecretKey(key string, mode Mode) error {
	if key == "" {
		return Errorf(EINVALID, "Enter the secret key (sk_…) or a restricted key (rk_…) from the Stripe Dashboard (Developers > API keys).")
	}
	if strings.HasPrefix(key, "pk_") {
		return Errorf(EINVALID, "This is the publishable key (pk_…). The secret key field needs the secret key (sk_…) or a restricted key (rk_…).")
	}
	return checkKey("secret key", key, mode, "sk_", "rk_")
}

// CheckWebhookSecret validates a webhook signing secret.
func CheckWebhookSecret(secret string) error {
	if !strings.HasPrefix(secret, "whsec_") || len(secret) < 14 || strings.ContainsAny(secret, " \t\r\n") {
		return Errorf(EINVALID, "The webhook signing secret should start with whsec_. Find it in the Dashboard under Developers > Webhooks, or in the output of `stripe listen`.")
	}
	return nil
}
