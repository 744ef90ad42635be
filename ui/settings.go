package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// verifyTimeout bounds a check against Stripe so the screen never waits forever.
const verifyTimeout = 45 * time.Second

var modeLabels = []string{T("Disabled (demo)"), T("Test"), T("Live")}

func modeOf(label string) domain.Mode {
	switch label {
	case T("Test"):
		return domain.ModeTest
	case T("Live"):
		return domain.ModeLive
	}
	return domain.ModeDisabled
}

func labelOf(m domain.Mode) string {
	switch m {
	case domain.ModeTest:
		return T("Test")
	case domain.ModeLive:
		return T("Live")
	}
	return modeLabels[0]
}

// settingsScreen edits the Stripe credentials and checks them with Stripe.
type settingsScreen struct {
	win fyne.Window
	svc Services
	run runner

	printer     *printerForm
	tse         *tseForm
	tabs        *container.AppTabs
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

	hookOn     *widget.Check
	hookListen *widget.Entry
	hookStatus *status
	hookBtn    *widget.Button
	people     *widget.Label
	pinStatus  *status
	pinForm    *formDialog // the open PIN dialog, for tests
	pinNew     *widget.Entry
	pinAgain   *widget.Entry
	look       *widget.RadioGroup
	shop       *shopDetails
	shopStatus *status
	shopBtn    *widget.Button
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
	s.publishable.SetPlaceHolder(T("pk_test_… (optional)"))
	s.secret = widget.NewPasswordEntry()
	s.secret.SetPlaceHolder(T("sk_test_… or a restricted key rk_test_…"))
	s.webhook = widget.NewPasswordEntry()
	s.webhook.SetPlaceHolder(T("whsec_… (optional: only with a webhook endpoint or stripe listen)"))
	s.apiBase = widget.NewEntry()
	s.apiBase.SetPlaceHolder(T("https://api.stripe.com"))
	if s.svc.Settings.DefaultAPIBase != "" {
		s.apiBase.SetPlaceHolder(s.svc.Settings.DefaultAPIBase + T(" (from TALLY_STRIPE_API_BASE)"))
	}
	s.fieldErrs = map[string]*widget.Label{}
	for _, f := range []string{"mode", "publishable", "secret", "webhook", "apibase"} {
		s.fieldErrs[f] = errLabel()
	}
	s.verifyBtn = widget.NewButton(T("Verify with Stripe"), s.verify)
	s.saveBtn = widget.NewButton(T("Save"), s.save)
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
		widget.NewFormItem(T("Stripe"), field(s.mode, "mode")),
		widget.NewFormItem(T("Publishable key"), field(s.publishable, "publishable")),
		widget.NewFormItem(T("Secret key"), field(s.secret, "secret")),
		widget.NewFormItem(T("Webhook signing secret"), field(s.webhook, "webhook")),
		widget.NewFormItem(T("API address"), field(s.apiBase, "apibase")),
	)
	help := widget.NewLabel(T("Find the keys in the Stripe Dashboard under Developers > API keys. Test keys start with pk_test_ and sk_test_, live keys with pk_live_ and sk_live_. A restricted key (rk_) works if it may write PaymentIntents, Checkout Sessions, Refunds and Terminal, and read Balance and Events. No webhook is needed: Tally asks Stripe for news itself."))
	help.Wrapping = fyne.TextWrapWord
	data := widget.NewLabel(T("Data file: ") + s.svc.DataPath + T(" (the shop's settings and the live books; the demo and test books are the .demo and .test files beside it, the register's sales the .till files)"))
	data.Wrapping = fyne.TextWrapBreak // a long path breaks anywhere
	if strings.HasPrefix(s.svc.DataPath, "postgres") {
		data.SetText(T("Database: PostgreSQL server %s, shared by every till and the bookkeeper (each mode's books and register in schemas of their own). This computer keeps only its Stripe secret key, in its keychain, and its log.", s.svc.DataPath))
		data.Wrapping = fyne.TextWrapWord
	}
	// One tab a subject: each fits the window, none is found by scrolling
	// past the others.
	page := func(objs ...fyne.CanvasObject) fyne.CanvasObject {
		return container.NewVScroll(container.NewPadded(container.NewVBox(objs...)))
	}
	s.tabs = container.NewAppTabs(
		container.NewTabItem(T("Stripe"), page(help, form, container.NewHBox(s.verifyBtn, s.saveBtn),
			s.status.obj, widget.NewSeparator(), s.account, s.where, data)),
		container.NewTabItem(T("Shop"), page(s.shopUI())),
		container.NewTabItem(T("Printer"), page(s.printerUI())),
		container.NewTabItem(T("TSE"), page(s.tseUI())),
		container.NewTabItem(T("Webhook"), page(s.webhookUI())),
		container.NewTabItem(T("People"), page(s.peopleUI())),
		container.NewTabItem(T("Look"), page(s.lookUI())),
	)
	s.root = s.tabs
	s.load()
	return s.root
}

// webhookUI is the optional webhook listener's section.
func (s *settingsScreen) webhookUI() fyne.CanvasObject {
	s.hookOn = widget.NewCheck(T("Listen for Stripe's webhook events on this computer"), nil)
	s.hookListen = widget.NewEntry()
	s.hookListen.SetPlaceHolder(domain.DefaultWebhookListen)
	s.hookStatus = newStatus(s.svc.Log)
	s.hookBtn = widget.NewButton(T("Apply"), s.applyWebhook)
	help := widget.NewLabel(T("Tally asks Stripe for news every few seconds, which works behind any router. Where events can reach this computer (a public address, or the Stripe CLI: stripe listen --forward-to http://") +
		domain.DefaultWebhookListen + T("/webhook), switch this on as well: events arrive at once. Every event must be signed with the webhook signing secret (on the Stripe tab); the listener does not start without one."))
	help.Wrapping = fyne.TextWrapWord
	return container.NewVBox(heading(T("Webhook (optional)")), help, s.hookOn,
		widget.NewForm(widget.NewFormItem(T("Listen on"), s.hookListen)), container.NewHBox(s.hookBtn), s.hookStatus.obj)
}

func (s *settingsScreen) showWebhook(v domain.SettingsView) {
	if s.hookOn == nil {
		return
	}
	s.hookOn.SetChecked(v.WebhookEnabled)
	s.hookListen.SetText(v.WebhookListen)
	if s.svc.Webhook == nil {
		s.hookStatus.info(T("The listener runs with the window open, or with tally webhook."))
		return
	}
	st := s.svc.Webhook.Status()
	switch {
	case st.Listening != "":
		s.hookStatus.ok(T("Listening on http://") + st.Listening + T("/webhook"))
	case st.Err != "":
		s.hookStatus.warn(T("Not listening: ") + st.Err)
	case v.WebhookEnabled:
		s.hookStatus.info(T("Starting…"))
	default:
		s.hookStatus.info(T("Off."))
	}
}

func (s *settingsScreen) applyWebhook() {
	if s.svc.Webhook == nil {
		return
	}
	on, addr := s.hookOn.Checked, s.hookListen.Text
	s.hookBtn.Disable()
	s.hookStatus.busy(T("Applying…"))
	s.run(func() {
		st, err := s.svc.Webhook.Configure(s.ctx(), on, addr)
		if err == nil {
			audit(s.ctx(), s.svc, "settings", fmt.Sprintf("Webhook listener %s (%s)", onOff(on), orDash(addr)))
		}
		fyne.Do(func() {
			s.hookBtn.Enable()
			if err != nil {
				s.hookStatus.fail("webhook", err, nil)
				return
			}
			if st.Listening != "" {
				s.hookStatus.ok(T("Listening on http://") + st.Listening + T("/webhook"))
			} else {
				s.hookStatus.info(T("Off."))
			}
		})
	})
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func (s *settingsScreen) ctx() context.Context {
	if s.svc.Context != nil {
		return s.svc.Context
	}
	return context.Background()
}

// lookUI switches between light, dark and the system's look.
func (s *settingsScreen) lookUI() fyne.CanvasObject {
	app := fyne.CurrentApp()
	s.look = widget.NewRadioGroup(looks, nil)
	s.look.Horizontal = true
	s.look.SetSelected(lookLabel(app))
	s.look.OnChanged = func(v string) {
		if v != "" {
			setLook(app, v)
		}
	}
	return container.NewVBox(heading(T("Look")), s.look)
}

// peopleUI sets the owner's and the cashier's PINs.
func (s *settingsScreen) peopleUI() fyne.CanvasObject {
	s.people = widget.NewLabel("")
	s.people.Wrapping = fyne.TextWrapWord
	s.pinStatus = newStatus(s.svc.Log)
	owner := widget.NewButton(T("Set the owner's PIN…"), func() { s.setPIN(domain.RoleOwner) })
	cashier := widget.NewButton(T("Set the cashier's PIN…"), func() { s.setPIN(domain.RoleCashier) })
	return container.NewVBox(heading(T("People and PINs")), s.people, container.NewHBox(owner, cashier), s.pinStatus.obj)
}

func (s *settingsScreen) showPeople() {
	if s.people == nil || s.svc.Access == nil {
		if s.people != nil {
			s.people.SetText(T("PINs are not used here."))
		}
		return
	}
	s.run(func() {
		o, _ := s.svc.Access.HasPIN(s.ctx(), domain.RoleOwner)
		c, _ := s.svc.Access.HasPIN(s.ctx(), domain.RoleCashier)
		fyne.Do(func() {
			word := map[bool]string{true: "set", false: T("not set")}
			s.people.SetText(T("Owner's PIN: %s. Cashier's PIN: %s. The owner's PIN guards refunds, voids, the day close and changes here, under Payment methods and under Readers; %d wrong tries lock it for %d minutes (longer each time), even across a restart. PINs are kept as argon2id hashes, never in clear, in the live register's file.",
				word[o], word[c], domain.MaxPINTries, int(domain.PINLockout/time.Minute)))
		})
	})
}

// setPIN asks for the owner's PIN (when one is set), then for the new PIN twice.
func (s *settingsScreen) setPIN(role domain.Role) {
	if s.svc.Access == nil {
		return
	}
	ask := func(g domain.Grant) {
		s.pinNew, s.pinAgain = widget.NewPasswordEntry(), widget.NewPasswordEntry()
		items := []*widget.FormItem{widget.NewFormItem(T("New PIN"), s.pinNew), widget.NewFormItem(T("Again"), s.pinAgain)}
		s.pinForm = newFormDialog(role.Title()+T("'s PIN"), T("Set PIN"), items, func() error {
			if s.pinNew.Text != s.pinAgain.Text {
				return userErr(domain.EINVALID, T("The two PINs differ: type the same PIN twice."))
			}
			if err := s.svc.Access.SetPIN(s.ctx(), g, role, s.pinNew.Text); err != nil {
				return err
			}
			s.pinStatus.ok(role.Title() + T("'s PIN set."))
			s.showPeople()
			return nil
		}, s.win)
		s.pinForm.Show()
	}
	has, _ := s.svc.Access.HasPIN(s.ctx(), domain.RoleOwner)
	if !has && role == domain.RoleOwner {
		ask(domain.Grant{})
		return
	}
	authorize(s.win, s.svc, s.run, domain.RoleOwner, T("Changing a PIN needs the owner's PIN."), ask)
}

// load reads the stored settings off the Fyne goroutine and shows them.
func (s *settingsScreen) load() {
	s.run(func() {
		v, err := s.svc.Settings.Current(context.Background())
		sh, shErr := s.svc.Settings.Shop(context.Background())
		fyne.Do(func() {
			if shErr != nil {
				s.shopStatus.fail("read the shop's details", shErr, nil)
			} else {
				s.shop.set(sh)
			}
			if err != nil {
				s.status.fail("read settings", err, s.fieldErrs)
				return
			}
			s.apply(v)
		})
	})
}

// shopUI is the shop's name, country, currency and time zone, as the
// first-run set-up asked them.
func (s *settingsScreen) shopUI() fyne.CanvasObject {
	s.shop = newShopDetails()
	s.shopStatus = newStatus(s.svc.Log)
	s.shopBtn = widget.NewButton(T("Save the shop's details"), s.saveShop)
	note := widget.NewLabel(T("A register keeps its own name and currency once set in its settings; a new time zone counts from the next start."))
	note.Wrapping = fyne.TextWrapWord
	return container.NewVBox(heading(T("Shop")), s.shop.form, note, container.NewHBox(s.shopBtn), s.shopStatus.obj)
}

func (s *settingsScreen) saveShop() {
	sh := s.shop.shop()
	clearErrors(s.shop.errs)
	s.shopBtn.Disable()
	s.shopStatus.busy(T("Saving…"))
	s.run(func() {
		ctx := s.ctx()
		saved, err := s.svc.Settings.SaveShop(ctx, sh)
		if err == nil {
			audit(ctx, s.svc, "settings", "Shop details saved: "+saved.Name)
		}
		fyne.Do(func() {
			s.shopBtn.Enable()
			if err != nil {
				s.shopStatus.fail("save the shop's details", err, s.shop.errs)
				return
			}
			s.shop.set(saved)
			s.shopStatus.ok(T("✓ Saved. Dates are counted in %s from now on.", saved.TimeZone))
		})
	})
}

func (s *settingsScreen) apply(v domain.SettingsView) {
	s.loaded = v
	s.showWebhook(v)
	s.showPeople()
	s.mode.SetSelected(labelOf(v.Mode))
	s.publishable.SetText(v.PublishableKey)
	s.apiBase.SetText(v.APIBase)
	s.secret.SetText("")
	s.webhook.SetText("")
	if v.HasSecretKey && v.SecretKeyHint != "" {
		s.secret.SetPlaceHolder(T("Stored: ") + v.SecretKeyHint + T(" — leave empty to keep it"))
	}
	if v.HasWebhookSecret && v.WebhookSecretHint != "" {
		s.webhook.SetPlaceHolder(T("Stored: ") + v.WebhookSecretHint + T(" — leave empty to keep it"))
	}
	// The keychain says where in English ("in PATH, readable only by
	// your user account"): its fixed words are said in the user's language.
	kw := strings.Replace(v.KeychainWhere, ", readable only by your user account", T(", readable only by your user account"), 1)
	if strings.HasPrefix(kw, "in ") {
		kw = T("in %s", strings.TrimPrefix(kw, "in "))
	}
	v.KeychainWhere = kw
	where := T("The secret key is kept ") + v.KeychainWhere + "."
	if !v.OSKeychain {
		where = T("No system keychain is available, so the secret key is kept ") + v.KeychainWhere + "."
	}
	if v.KeychainErr != "" {
		where += " " + v.KeychainErr
	}
	s.where.SetText(where + T(" It is never logged and never shown in full."))
	switch {
	case v.Account.ID != "" && !v.VerifiedAt.IsZero():
		s.account.SetText(T("Last verified %s: %s (%s), %s, %s.", v.VerifiedAt.Local().Format("2006-01-02 15:04"),
			orDash(v.Account.Name), v.Account.ID, orDash(v.Account.Country), orDash(v.Account.DefaultCurrency.Code())))
	case v.Mode != domain.ModeDisabled:
		s.account.SetText(T("These keys have not been verified with Stripe yet."))
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
	s.asking(T("Asking Stripe…"))
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
			s.status.ok("✓ " + v.Summary() + T(" Not saved yet: press Save to keep these settings."))
		})
	})
}

func (s *settingsScreen) save() {
	f := s.form()
	clearErrors(s.fieldErrs)
	s.asking(T("Checking with Stripe and saving…"))
	s.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), verifyTimeout)
		defer cancel()
		res, err := s.svc.Settings.Save(ctx, f)
		if err == nil {
			audit(ctx, s.svc, "settings", "Stripe settings saved: "+labelOf(f.Mode))
		}
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
				s.status.ok(T("✓ Saved. ") + res.Verification.Summary())
			case res.Unverified != nil:
				s.status.warn(T("Saved, but not verified: ") + errText(res.Unverified) + T(" Press Verify once the connection is back."))
			default:
				s.status.ok(T("✓ Saved. Stripe is disabled: Tally runs in demo mode on its simulator."))
			}
		})
	})
}
