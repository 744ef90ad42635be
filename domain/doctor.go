package domain

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Check is one diagnosis: ok, a warning, or a failure with its cause and fix.
type Check struct {
	Name   string
	Status string // "ok", "warn", "fail"
	Detail string
	// Format and Args are Detail's English format and its values (an
	// error among them is its message in Detail), so a screen can say the
	// check in the user's language. Label is the reader's, for a reader's
	// check: Name is "Reader " and the label.
	Format string
	Args   []any
	Label  string
}

// Failed reports whether any check failed.
func Failed(cs []Check) bool {
	for _, c := range cs {
		if c.Status == "fail" {
			return true
		}
	}
	return false
}

// ClockSkewLimit is how far this computer's clock may be from Stripe's
// before webhook signatures are refused (Stripe's tolerance is 5 minutes).
const ClockSkewLimit = 2 * time.Minute

// DoctorService runs the checks a shop would otherwise find in a
// troubleshooting guide, and names the cause and the fix of each failure.
type DoctorService struct {
	Settings   *SettingsService
	Connection *Connection
	Register   *RegisterService
	Events     *EventService
	Integrity  IntegrityChecker
	Backups    BackupRecord
	Clock      Clock
	// TSE, when set, checks the till's TSE (a German shop's).
	TSE *TSEService
}

// readerCheck starts the name of a reader's check.
const readerCheck = "Reader "

// BackupDue is how old the last backup may be before the doctor warns.
const BackupDue = 7 * 24 * time.Hour

// Run runs every check, in order.
func (d *DoctorService) Run(ctx context.Context) []Check {
	var out []Check
	add := func(name, status, format string, args ...any) {
		shown := make([]any, len(args))
		for i, a := range args {
			if err, ok := a.(error); ok {
				a = ErrorMessage(err)
			}
			shown[i] = a
		}
		c := Check{Name: name, Status: status, Detail: fmt.Sprintf(format, shown...), Format: format, Args: args}
		if l, ok := strings.CutPrefix(name, readerCheck); ok {
			c.Label = l
		}
		out = append(out, c)
	}
	v, err := d.Settings.Current(ctx)
	if err != nil {
		add("Settings", "fail", "%s", err)
		return out
	}
	gw, _ := d.Connection.Gateway()
	stripeOK := true
	if v.Mode == ModeDisabled {
		add("Stripe", "ok", "Demo mode: Tally runs on its built-in simulator; there is no Stripe account to check.")
	} else if ver, err := d.Settings.Verify(ctx, CredentialsForm{Mode: v.Mode, APIBase: v.APIBase}); err != nil {
		stripeOK = false
		add("Stripe", "fail", "%s", err)
	} else {
		add("Stripe", "ok", "%s", ver.Summary())
		for _, n := range ver.Notes {
			add("Stripe key", "warn", "%s", n)
		}
	}
	if stripeOK && gw != nil {
		if t, err := gw.ServerTime(ctx); err != nil {
			add("Clock", "warn", "Stripe's time could not be read: %s", err)
		} else {
			skew := d.Clock.Now().Sub(t)
			switch abs := max(skew, -skew); {
			case abs > ClockSkewLimit:
				way := "fast"
				if skew < 0 {
					way = "slow"
				}
				add("Clock", "fail", "This computer's clock is %s %s against Stripe's: webhook signatures will be refused and times will be wrong. Set the clock to be set automatically (Windows: Settings > Time > Set time automatically; macOS: Date & Time).", durationWords(abs.Round(time.Second)), way)
			default:
				add("Clock", "ok", "Within %s of Stripe's.", durationWords(max(abs.Round(time.Second), time.Second)))
			}
		}
		d.readers(ctx, gw, add)
	}
	st := d.Events.Status(ctx)
	switch text, stale := StatusPhrases(st, d.Clock.Now()); {
	case st.LastHeard.IsZero():
		add("Events", "warn", "%s (Tally's window polls Stripe for news every few seconds while it is open.)", text)
	case stale:
		add("Events", "warn", "%s", text)
	default:
		add("Events", "ok", "%s", text)
	}
	if v.WebhookEnabled {
		if _, err := d.Settings.Keychain.Get(WebhookSecretName); err != nil {
			add("Webhook", "fail", "The webhook listener is switched on but no signing secret is stored: it cannot start. Enter the secret (whsec_…) under Settings, or switch the listener off.")
		} else {
			add("Webhook", "ok", "Switched on, with its signing secret.")
		}
	}
	if d.TSE != nil {
		st := d.TSE.Status(ctx)
		switch {
		case !st.German:
		case st.Warning.Format != "" && st.Info.Serial == "" && st.Err == nil:
			add("TSE", "fail", "No TSE: this till's receipts are not signed, as German law (KassenSichV) asks. Set one up under Settings > TSE.")
		case st.Err != nil:
			add("TSE", "fail", "The TSE does not answer (%s): sales go on, their receipts say the TSE failed. If it lasts, report the outage to the tax office.", ErrorMessage(st.Err))
		case len(st.Outages) > 0:
			add("TSE", "warn", "%d sales of the last 30 days were not signed when sold (the TSE failed); they are finished at the TSE since. Report an outage of more than a few hours to the tax office.", len(st.Outages))
		case st.Info.Simulated:
			add("TSE", "ok", "Signing with Tally's TSE simulator (demo and test mode), serial %s.", st.Info.Serial)
		default:
			add("TSE", "ok", "Signing with %s, serial %s.", st.Info.Provider, st.Info.Serial)
		}
	}
	if d.Integrity != nil {
		if err := d.Integrity.CheckIntegrity(ctx); err != nil {
			add("Database", "fail", "%s", err)
		} else {
			add("Database", "ok", "Every data file is whole.")
		}
	}
	if d.Backups != nil {
		at, path, err := d.Backups.LastBackup(ctx)
		switch {
		case err != nil:
			add("Backup", "warn", "%s", err)
		case at.IsZero():
			add("Backup", "warn", "No backup made yet: run `tally backup --db PATH COPY.db` and keep the copy off this computer (a USB stick, another machine).")
		case d.Clock.Now().Sub(at) > BackupDue:
			add("Backup", "warn", "The last backup is %s old (%s): make a new one with `tally backup`.", durationWords(d.Clock.Now().Sub(at).Round(time.Hour)), path)
		default:
			add("Backup", "ok", "Last backup %s, to %s.", at.Local().Format("2006-01-02 15:04"), path)
		}
	}
	return out
}

// readers checks each reader is online, on a location in the account's
// country, and used by a payment method.
func (d *DoctorService) readers(ctx context.Context, gw Gateway, add func(name, status, format string, args ...any)) {
	rs, err := gw.Readers(ctx)
	if err != nil {
		add("Readers", "fail", "%s", err)
		return
	}
	if len(rs) == 0 {
		add("Readers", "ok", "No card reader is registered (cash and QR payments need none).")
		return
	}
	country := ""
	if acct, err := gw.Account(ctx); err == nil {
		country = acct.Country
	}
	locs := map[string]Location{}
	if ls, err := gw.Locations(ctx); err == nil {
		for _, l := range ls {
			locs[l.ID] = l
		}
	}
	used := map[string]string{}
	if d.Register != nil {
		if ms, err := d.Register.Methods(ctx); err == nil {
			for _, m := range ms {
				if m.ReaderID != "" {
					used[m.ReaderID] = m.Name
				}
			}
		}
	}
	for _, r := range rs {
		name := readerCheck + r.Label
		switch {
		case r.Status == ReaderOffline:
			add(name, "fail", "Offline: Stripe does not hear from it. Check that it is on, charged and on the shop's network (it needs to reach Stripe over the internet), then restart it.")
		case country != "" && locs[r.LocationID].Address.Country != "" && locs[r.LocationID].Address.Country != country:
			add(name, "warn", "Its location is in %s, the account in %s: Stripe takes card-present payments only on a location in the account's country.", locs[r.LocationID].Address.Country, country)
		case used[r.ID] == "":
			add(name, "warn", "Online, but no payment method uses it: add a card-reader method under Payment methods.")
		default:
			add(name, "ok", "Online, used by %s.", used[r.ID])
		}
	}
}

// Report words the checks for the command line, one a line.
func Report(cs []Check) string {
	var b strings.Builder
	for _, c := range cs {
		mark := map[string]string{"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}[c.Status]
		fmt.Fprintf(&b, "%s  %-22s %s\n", mark, c.Name, c.Detail)
	}
	return b.String()
}
