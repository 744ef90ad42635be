package ui

import (
	"context"
	"errors"
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
	busy        *widget.Activity
	result      *widget.Label
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
	s.busy = widget.NewActivity()
	s.busy.Hide()
	s.result = widget.NewLabel("")
	s.result.Wrapping = fyne.TextWrapWord
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
	data := widget.NewLabel("Data file: " + s.svc.DataPath)
	data.Wrapping = fyne.TextWrapBreak
	s.root = container.NewVScroll(container.NewPadded(container.NewVBox(
		help, form,
		container.NewHBox(s.verifyBtn, s.saveBtn, s.busy),
		s.result, widget.NewSeparator(), s.account, s.where, data,
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
				s.showResult(err)
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

func (s *settingsScreen) setBusy(busy bool, msg string) {
	if busy {
		s.verifyBtn.Disable()
		s.saveBtn.Disable()
		s.busy.Show()
		s.busy.Start()
	} else {
		s.verifyBtn.Enable()
		s.saveBtn.Enable()
		s.busy.Stop()
		s.busy.Hide()
	}
	s.result.Importance = widget.MediumImportance
	s.result.SetText(msg)
}

func (s *settingsScreen) clearFieldErrors() {
	for _, l := range s.fieldErrs {
		l.SetText("")
		l.Hide()
	}
}

// showResult shows err beside its field, or below the buttons; it logs it.
func (s *settingsScreen) showResult(err error) {
	s.svc.Log.Warn("settings", "err", err, "code", domain.ErrorCode(err))
	var fe *domain.FieldError
	if errors.As(err, &fe) {
		if l, ok := s.fieldErrs[fe.Field]; ok {
			l.SetText(fe.Err.Message)
			l.Show()
			s.result.Importance = widget.DangerImportance
			s.result.SetText("Please correct the field marked above.")
			return
		}
	}
	s.result.Importance = widget.DangerImportance
	s.result.SetText(domain.ErrorMessage(err))
}

func (s *settingsScreen) verify() {
	f := s.form()
	s.clearFieldErrors()
	s.setBusy(true, "Asking Stripe…")
	s.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), verifyTimeout)
		defer cancel()
		v, err := s.svc.Settings.Verify(ctx, f)
		fyne.Do(func() {
			s.setBusy(false, "")
			if err != nil {
				s.showResult(err)
				return
			}
			s.result.Importance = widget.SuccessImportance
			s.result.SetText("✓ " + v.Summary() + " Not saved yet: press Save to keep these settings.")
		})
	})
}

func (s *settingsScreen) save() {
	f := s.form()
	s.clearFieldErrors()
	s.setBusy(true, "Checking with Stripe and saving…")
	s.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), verifyTimeout)
		defer cancel()
		res, err := s.svc.Settings.Save(ctx, f)
		var v domain.SettingsView
		if err == nil {
			v, err = s.svc.Settings.Current(ctx)
		}
		fyne.Do(func() {
			s.setBusy(false, "")
			if err != nil {
				s.showResult(err)
				return
			}
			s.apply(v)
			switch {
			case res.Verification != nil:
				s.result.Importance = widget.SuccessImportance
				s.result.SetText("✓ Saved. " + res.Verification.Summary())
			case res.Unverified != nil:
				s.result.Importance = widget.WarningImportance
				s.result.SetText("Saved, but not verified: " + domain.ErrorMessage(res.Unverified) + " Press Verify once the connection is back.")
			default:
				s.result.Importance = widget.SuccessImportance
				s.result.SetText("✓ Saved. Stripe is disabled: Tally runs in demo mode on its simulator.")
			}
		})
	})
}
