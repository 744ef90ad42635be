package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// verifyTimeout bounds a check against Stripe so the screen never waits forever.
const verifyTimeout = 45 * time.Second

var modeLabels = []string{"Disabled (demo)", "Test", "Live"}

func modeOf(label string) domain.Mode {
	switch label {
	case "Test":
		return domain.ModeTest
	case "Live":
		return domain.ModeLive
	}
	return domain.ModeDisabled
}

func labelOf(m domain.Mode) string {
	switch m {
	case domain.ModeTest:
		return "Test"
	case domain.ModeLive:
		return "Live"
	}
	return modeLabels[0]
}

// settingsScreen edits the Stripe credentials and checks them with Stripe.
type settingsScreen struct {
	win fyne.Window
	svc Services
	run runner

	mode        *widget.RadioGroup
	publishable *widget.Entry
	secret      *widget.Entry
	webhook     *widget.Entry
	apiBase     *widget.Entry
	fieldErrs   map[string]*widget.Label
	verifyBtn   *widget.Button
	saveBtn     *widget.Button
	status      *status
	where       *widget.Label
	account     *widget.Label
	root        fyne.CanvasObject

	// loaded is closed-over state of the last load, read on the Fyne goroutine.
	loaded domain.SettingsView
}

func newSettingsScreen(win fyne.Window, svc Services, run runner) *settingsScreen {
	return &settingsScreen{win: win, svc: svc, run: run}
}

func errLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

func (s *settingsScreen) buildUI() fyne.CanvasObject {
	if s.root != nil {
		s.load()
		return s.root
	}
	s.mode = widget.NewRadioGroup(modeLabels, nil)
	s.mode.Horizontal = true
	s.mode.Required = true
	s.publishable = widget.NewEntry()
	s.publishable.SetPlaceHolder("pk_test_… (optional)")
	s.secret = widget.NewPasswordEntry()
	s.secret.SetPlaceHolder("sk_test_… or a restricted key rk_test_…")
	s.webhook = widget.NewPasswordEntry()
	s.webhook.SetPlaceHolder("whsec_… (optional: only with a webhook endpoint or stripe listen)")
	s.apiBase = widget.NewEntry()
	s.apiBase.SetPlaceHolder("https://api.stripe.com")
	if s.svc.Settings.DefaultAPIBase != "" {
		s.apiBase.SetPlaceHolder(s.svc.Settings.DefaultAPIBase + " (from TALLY_STRIPE_API_BASE)")
	}
	s.fieldErrs = map[string]*widget.Label{}
	for _, f := range []string{"mode", "publishable", "secret", "webhook", "apibase"} {
		s.fieldErrs[f] = errLabel()
	}
	s.verifyBtn = widget.NewButton("Verify with Stripe", s.verify)
	s.saveBtn = widget.NewButton("Save", s.save)
	s.saveBtn.Importance = widget.HighImportance
	s.status = newStatus(s.svc.Log)
	s.where = widget.NewLabel("")
	s.where.Wrapping = fyne.TextWrapWord
	s.account = widget.NewLabel("")
	s.account.Wrapping = fyne.TextWrapWord

	field := func(w fyne.CanvasObject, f string) fyne.CanvasObject {
		return container.NewVBox(w, s.fieldErrs[f])
	}
	form := widget.NewForm(
		widget.NewFormItem("Stripe", field(s.mode, "mode")),
		widget.NewFormItem("Publishable key", field(s.publishable, "publishable")),
		widget.NewFormItem("Secret key", field(s.secret, "secret")),
		widget.NewFormItem("Webhook signing secret", field(s.webhook, "webhook")),
		widget.NewFormItem("API address", field(s.apiBase, "apibase")),
	)
	help := widget.NewLabel("Find the keys in the Stripe Dashboard under Developers > API keys. Test keys start with pk_test_ and sk_test_, live keys with pk_live_ and sk_live_. A restricted key (rk_) works if it may write PaymentIntents, Checkout Sessions, Refunds and Terminal, and read Balance and Events. No webhook is needed: Tally asks Stripe for news itself.")
	help.Wrapping = fyne.TextWrapWord
	data := widget.NewLabel("Data file: " + s.svc.DataPath + " (the shop's settings and the live books; the demo and test books are the .demo and .test files beside it, the register's sales the .till files)")
	data.Wrapping = fyne.TextWrapWord
	data.Wrapping = fyne.TextWrapBreak
	s.root = container.NewVScroll(container.NewPadded(container.NewVBox(
		help, form,
		container.NewHBox(s.verifyBtn, s.saveBtn),
		s.status.obj, widget.NewSeparator(), s.account, s.where, data,
	)))
	s.load()
	return s.root
}

// load reads the stored settings off the Fyne goroutine and shows them.
func (s *settingsScreen) load() {
	s.run(func() {
		v, err := s.svc.Settings.Current(context.Background())
		fyne.Do(func() {
			if err != nil {
				s.status.fail("read settings", err, s.fieldErrs)
				return
			}
			s.apply(v)
		})
	})
}

func (s *settingsScreen) apply(v domain.SettingsView) {
	s.loaded = v
	s.mode.SetSelected(labelOf(v.Mode))
	s.publishable.SetText(v.PublishableKey)
	s.apiBase.SetText(v.APIBase)
	s.secret.SetText("")
	s.webhook.SetText("")
	if v.HasSecretKey && v.SecretKeyHint != "" {
		s.secret.SetPlaceHolder("Stored: " + v.SecretKeyHint + " — leave empty to keep it")
	}
	if v.HasWebhookSecret && v.WebhookSecretHint != "" {
		s.webhook.SetPlaceHolder("Stored: " + v.WebhookSecretHint + " — leave empty to keep it")
	}
	where := "The secret key is kept " + v.KeychainWhere + "."
	if !v.OSKeychain {
		where = "No system keychain is available, so the secret key is kept " + v.KeychainWhere + "."
	}
	if v.KeychainErr != "" {
		where += " " + v.KeychainErr
	}
	s.where.SetText(where + " It is never logged and never shown in full.")
	switch {
	case v.Account.ID != "" && !v.VerifiedAt.IsZero():
		s.account.SetText(fmt.Sprintf("Last verified %s: %s (%s), %s, %s.", v.VerifiedAt.Local().Format("2006-01-02 15:04"),
			orDash(v.Account.Name), v.Account.ID, orDash(v.Account.Country), orDash(v.Account.DefaultCurrency.Code())))
	case v.Mode != domain.ModeDisabled:
		s.account.SetText("These keys have not been verified with Stripe yet.")
	default:
		s.account.SetText("")
	}
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (s *settingsScreen) form() domain.CredentialsForm {
	return domain.CredentialsForm{
		Mode: modeOf(s.mode.Selected), PublishableKey: s.publishable.Text, SecretKey: s.secret.Text,
		WebhookSecret: s.webhook.Text, APIBase: s.apiBase.Text,
	}
}

// asking disables the buttons while Stripe is asked; done enables them.
func (s *settingsScreen) asking(what string) {
	s.verifyBtn.Disable()
	s.saveBtn.Disable()
	s.status.busy(what)
}

func (s *settingsScreen) done() {
	s.verifyBtn.Enable()
	s.saveBtn.Enable()
}

func (s *settingsScreen) verify() {
	f := s.form()
	clearErrors(s.fieldErrs)
	s.asking("Asking Stripe…")
	s.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), verifyTimeout)
		defer cancel()
		v, err := s.svc.Settings.Verify(ctx, f)
		fyne.Do(func() {
			s.done()
			if err != nil {
				s.status.fail("verify settings", err, s.fieldErrs)
				return
			}
			s.status.ok("✓ " + v.Summary() + " Not saved yet: press Save to keep these settings.")
		})
	})
}

func (s *settingsScreen) save() {
	f := s.form()
	clearErrors(s.fieldErrs)
	s.asking("Checking with Stripe and saving…")
	s.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), verifyTimeout)
		defer cancel()
		res, err := s.svc.Settings.Save(ctx, f)
		var v domain.SettingsView
		if err == nil {
			v, err = s.svc.Settings.Current(ctx)
		}
		fyne.Do(func() {
			s.done()
			if err != nil {
				s.status.fail("save settings", err, s.fieldErrs)
				return
			}
			s.apply(v)
			switch {
			case res.Verification != nil:
				s.status.ok("✓ Saved. " + res.Verification.Summary())
			case res.Unverified != nil:
				s.status.warn("Saved, but not verified: " + domain.ErrorMessage(res.Unverified) + " Press Verify once the connection is back.")
			default:
				s.status.ok("✓ Saved. Stripe is disabled: Tally runs in demo mode on its simulator.")
			}
		})
	})
}
