package ui

import (
	"context"
	"fmt"
	"image/color"
	"log/slog"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// page is one entry of the navigation.
type page struct {
	title   string
	icon    fyne.Resource
	build   func() fyne.CanvasObject
	pending bool // not built yet: never the page the app opens on
}

// lastPageKey is the preference that remembers the page last shown.
const lastPageKey = "ui.lastPage"

// Shell is the main window: navigation on the left, the mode badge on top.
type Shell struct {
	app  fyne.App
	win  fyne.Window
	svc  Services
	run  runner
	mode domain.Mode

	pages   []page
	nav     *widget.List
	content *fyne.Container
	badge   *badge
	banner  *fyne.Container
	// tseWarning says the receipts are not signed as the law asks ("":
	// they are, or the shop needs no TSE); checkingTSE while it is asked.
	tseWarning  string
	checkingTSE bool
	title       *widget.Label
	current     int

	settings *settingsScreen
	readers  *readersScreen
	methods  *methodsScreen
	recon    *reconcileScreen
	register *registerScreen
	payments *paymentsScreen
	invoices *invoicesScreen
	audit    *auditScreen
	doctor   *doctorScreen

	heard    *widget.Label // the events status line, on every screen
	unlocked map[string]bool
	// OnQuit quits the program (Ctrl+Q), set by main; nil: the app quits.
	OnQuit   func()
	signedIn bool           // a cashier entered the cashier's PIN (when one is set)
	lockBtn  *widget.Button // locks the till again
	signIn   *signInPanel   // shown last, for tests
	setup    *setupWizard   // the first-run set-up while it shows
}

// ownerPages need the owner's PIN before they show: they change how the
// shop takes money.
var ownerPages = map[string]bool{"Settings": true, "Readers": true, "Payment methods": true}

func newShell(app fyne.App, win fyne.Window, svc Services, run runner) *Shell {
	if svc.Log == nil {
		svc.Log = slog.New(slog.DiscardHandler)
	}
	if svc.Context == nil {
		ctx, cancel := context.WithCancel(context.Background())
		svc.Context = ctx
		app.Lifecycle().SetOnStopped(cancel)
	}
	s := &Shell{app: app, win: win, svc: svc, run: run, mode: svc.Connection.Mode()}
	s.settings = newSettingsScreen(win, svc, run)
	s.readers = newReadersScreen(win, svc, run)
	s.methods = newMethodsScreen(win, svc, run)
	s.recon = newReconcileScreen(win, svc, run)
	s.register = newRegisterScreen(app, win, svc, run)
	s.payments = newPaymentsScreen(win, svc, run)
	s.invoices = newInvoicesScreen(win, svc, run)
	s.audit = newAuditScreen(win, svc, run)
	s.doctor = newDoctorScreen(svc, run)
	s.unlocked = map[string]bool{}
	s.pages = []page{
		{N("Register"), theme.ContentAddIcon(), s.register.buildUI, false},
		{N("Payments"), theme.ListIcon(), s.payments.buildUI, false},
		{N("Invoices"), theme.MailComposeIcon(), s.invoices.buildUI, false},
		{N("Reconciliation"), theme.DocumentIcon(), s.recon.buildUI, false},
		{N("Readers"), theme.ComputerIcon(), s.readers.buildUI, false},
		{N("Payment methods"), theme.AccountIcon(), s.methods.buildUI, false},
		{N("Settings"), theme.SettingsIcon(), s.settings.buildUI, false},
		{N("Audit log"), theme.HistoryIcon(), s.audit.buildUI, false},
		{N("Diagnostics"), theme.QuestionIcon(), s.doctor.buildUI, false},
	}
	svc.Connection.OnChange(func(m domain.Mode) {
		if svc.Events != nil {
			svc.Events.Forget()
		}
		fyne.Do(func() { s.setMode(m) })
	})
	return s
}

func (s *Shell) buildUI() fyne.CanvasObject {
	s.content = container.NewStack()
	s.nav = widget.NewList(
		func() int { return len(s.pages) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.HomeIcon()), widget.NewLabel(T("Payment methods")))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Icon).SetResource(s.pages[id].icon)
			row.Objects[1].(*widget.Label).SetText(T(s.pages[id].title))
		},
	)
	s.nav.OnSelected = func(id widget.ListItemID) { s.show(id) }
	s.register.help = s.showKeys
	s.register.pages = s.onShortcut
	s.register.invoice = func(cart *domain.Cart, saleID int64, done func(domain.InvoiceRecord)) {
		if s.invoices.root == nil {
			s.invoices.buildUI() // its jobs and list, without leaving the register
		}
		s.invoices.openForm(cart, saleID, done)
	}
	// Ctrl (Cmd on macOS) and a digit open the pages in the order listed.
	for i := range s.pages {
		if i >= 9 {
			break
		}
		s.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyName(rune('1' + i)), Modifier: fyne.KeyModifierShortcutDefault}, s.onShortcut)
	}
	// Ctrl+Q (Cmd+Q on macOS) quits, as the window's close does.
	s.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}, s.onShortcut)
	quitKey = s.quit
	s.badge = newBadge()
	s.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.banner = container.NewStack()
	s.lockBtn = widget.NewButtonWithIcon(T("Lock till"), theme.LogoutIcon(), func() {
		s.signedIn = false
		forgetGrants(s.svc.Access) // a locked till holds no PIN
		s.lockBtn.Hide()
		s.show(s.current)
	})
	s.lockBtn.Hide()
	header := container.NewBorder(nil, nil,
		container.NewHBox(widget.NewLabelWithStyle(T("Tally"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), s.badge.obj),
		s.lockBtn, s.title)
	top := container.NewVBox(header, s.banner, widget.NewSeparator())
	s.heard = widget.NewLabel("")
	s.heard.Truncation = fyne.TextTruncateEllipsis
	bottom := container.NewVBox(widget.NewSeparator(), s.heard)
	split := container.NewHSplit(s.nav, container.NewBorder(top, bottom, nil, nil, s.content))
	split.Offset = 0.18
	s.setMode(s.mode)
	s.nav.Select(s.startPage())
	return split
}

// startPage is the page the app opens on: the one shown when it last
// closed, else the first page that is built.
func (s *Shell) startPage() int {
	last := s.app.Preferences().String(lastPageKey)
	first := -1
	for i, p := range s.pages {
		if p.pending {
			continue
		}
		if p.title == last {
			return i
		}
		if first < 0 {
			first = i
		}
	}
	return max(first, 0)
}

// SettingUp reports whether the first-run set-up shows instead of the pages.
func (s *Shell) SettingUp() bool { return s.setup != nil }

// Show switches to the page titled title; it reports whether there is one.
func (s *Shell) Show(title string) bool {
	for i, p := range s.pages {
		if p.title == title {
			s.nav.Select(i)
			return true
		}
	}
	return false
}

func (s *Shell) show(i int) {
	s.current = i
	s.app.Preferences().SetString(lastPageKey, s.pages[i].title)
	s.title.SetText(T(s.pages[i].title))
	if s.pages[i].title != "Register" {
		// The register's keys belong to the register only; F1 is everyone's.
		s.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
			if ev.Name == fyne.KeyF1 {
				s.showKeys()
			}
		})
		s.win.Canvas().SetOnTypedRune(nil)
	}
	title := s.pages[i].title
	for t := range s.unlocked {
		if t != title {
			delete(s.unlocked, t) // leaving an owner's page locks it again
		}
	}
	if ownerPages[title] && s.svc.Access != nil && !s.unlocked[title] {
		// The owner's PIN, entered a few minutes ago and used since,
		// still holds: the page opens without asking again.
		if g, ok := heldGrant(s.svc.Access, domain.RoleOwner); ok {
			s.run(func() {
				_ = s.svc.Access.Record(s.svc.Context, g, domain.AuditEntry{Action: "unlock", Detail: title + " opened for changes (PIN held)"})
			})
			s.unlocked[title] = true
		}
	}
	switch {
	case ownerPages[title] && s.svc.Access != nil && !s.unlocked[title]:
		s.content.Objects = []fyne.CanvasObject{s.locked(i)}
	case title == "Register" && s.needsSignIn():
		s.win.Canvas().SetOnTypedKey(nil)
		s.win.Canvas().SetOnTypedRune(nil)
		s.signIn = s.newSignIn(i)
		s.content.Objects = []fyne.CanvasObject{s.signIn.obj}
	default:
		s.content.Objects = []fyne.CanvasObject{s.pages[i].build()}
	}
	s.content.Refresh()
	if s.signIn != nil && title == "Register" && !s.signedIn && s.content.Objects[0] == s.signIn.obj {
		s.win.Canvas().Focus(s.signIn.pin)
	} else if title == "Register" {
		s.register.focusScan() // a scanner can type at once
	}
}

// needsSignIn reports whether the till waits for the cashier's PIN: once a
// cashier's PIN is set, selling starts with it, and Lock till asks again.
func (s *Shell) needsSignIn() bool {
	if s.svc.Access == nil || s.signedIn {
		return false
	}
	has, err := s.svc.Access.HasPIN(s.svc.Context, domain.RoleCashier)
	return err == nil && has
}

// signInPanel is the locked till.
type signInPanel struct {
	obj fyne.CanvasObject
	pin *widget.Entry
	err *widget.Label
	ok  *widget.Button
}

func (s *Shell) newSignIn(i int) *signInPanel {
	p := &signInPanel{pin: widget.NewPasswordEntry(), err: errLabel()}
	p.pin.SetPlaceHolder(T("Cashier's PIN"))
	msg := widget.NewLabel(T("The till is locked. Enter the cashier's PIN to sell. (Refunds, voids and the day close ask for the owner's PIN when they are needed.)"))
	msg.Wrapping = fyne.TextWrapWord
	submit := func() {
		pin := p.pin.Text
		p.ok.Disable()
		s.run(func() {
			_, err := s.svc.Access.Verify(s.svc.Context, domain.RoleCashier, pin)
			fyne.Do(func() {
				p.ok.Enable()
				p.pin.SetText("")
				if err != nil {
					p.err.SetText(errText(err))
					p.err.Show()
					return
				}
				s.signedIn = true
				s.lockBtn.Show()
				if s.current == i {
					s.show(i)
				}
			})
		})
	}
	p.pin.OnSubmitted = func(string) { submit() }
	p.ok = widget.NewButton(T("Sign in"), submit)
	p.ok.Importance = widget.HighImportance
	p.obj = container.NewPadded(container.NewVBox(msg, container.NewGridWrap(fyne.NewSize(320, 40), p.pin), p.err, container.NewHBox(p.ok)))
	return p
}

// onShortcut opens the page of a Ctrl+digit shortcut.
func (s *Shell) onShortcut(sc fyne.Shortcut) {
	cs, ok := sc.(*desktop.CustomShortcut)
	if !ok || len(cs.KeyName) != 1 {
		return
	}
	if cs.KeyName == fyne.KeyQ {
		s.quit()
		return
	}
	if i := int(cs.KeyName[0] - '1'); i >= 0 && i < len(s.pages) && i < 9 {
		s.nav.Select(i)
	}
}

// keysHelp lists the keyboard's shortcuts.
func (s *Shell) keysHelp() string {
	var b strings.Builder
	b.WriteString(T("Everywhere\n  F1  this help\n"))
	for i, p := range s.pages {
		if i >= 9 {
			break
		}
		fmt.Fprintf(&b, T("  Ctrl+%d  %s (Cmd+%d on macOS)\n"), i+1, T(p.title), i+1)
	}
	b.WriteString("\n" + T("Register") + "\n" +
		T("  type or scan, Enter  add the product; 3*code adds three\n") +
		T("  F3  the part of the total to take now\n") +
		T("  F4  a free amount\n") +
		T("  F9 / F10 / F11  cash / card reader / QR code\n") +
		T("  F5  try a declined card again, or ask Stripe now\n") +
		T("  Esc  cancel the payment under way\n") +
		T("  F6  the customer display\n") +
		T("  F7  (test and demo) the customer pays\n") +
		T("  F8  the day close\n") +
		T("  F2  the cash drawer: float, cash in and out, X report\n") +
		T("  F12  a new sale\n"))
	return b.String()
}

// keysDialog is the keyboard help shown last, for tests.
var keysDialog dialog.Dialog

// showKeys opens the keyboard help.
func (s *Shell) showKeys() {
	l := widget.NewLabel(s.keysHelp())
	l.TextStyle.Monospace = true
	keysDialog = dialog.NewCustom(T("Keyboard · Tally ")+s.svc.Version, T("Close"), container.NewVScroll(l), s.win)
	keysDialog.Resize(fyne.NewSize(620, 560))
	keysDialog.Show()
}

// locked is an owner's page before the owner's PIN is entered.
func (s *Shell) locked(i int) fyne.CanvasObject {
	title := s.pages[i].title
	msg := widget.NewLabel(T(title) + T(" changes how this shop takes money: it needs the owner's PIN. Cashiers sell on the Register and need no PIN for that."))
	msg.Wrapping = fyne.TextWrapWord
	unlock := widget.NewButton(T("Unlock with the owner's PIN"), func() {
		authorize(s.win, s.svc, s.run, domain.RoleOwner, T("Opening ")+T(title)+T(" needs the owner's PIN."), func(g domain.Grant) {
			_ = s.svc.Access.Record(s.svc.Context, g, domain.AuditEntry{Action: "unlock", Detail: title + " opened for changes"})
			s.unlocked[title] = true
			if s.current == i {
				s.show(i)
			}
		})
	})
	unlock.Importance = widget.HighImportance
	return container.NewPadded(container.NewVBox(msg, container.NewHBox(unlock)))
}

// quit ends the program as the window's close does.
func (s *Shell) quit() {
	if s.OnQuit != nil {
		s.OnQuit()
		return
	}
	s.app.Quit()
}

// Unlock opens an owner's page without asking, for tests.
func (s *Shell) Unlock(title string) { s.unlocked[title] = true }

// showHeard updates the status line: when Stripe was last heard from, and
// whether the webhook listens. On the Fyne goroutine.
func (s *Shell) showHeard(st domain.EventState, hook domain.WebhookStatus) {
	if s.heard == nil {
		return
	}
	ps, stale := domain.StatusPhrases(st, time.Now())
	text := phrasesText(ps)
	switch {
	case hook.Listening != "":
		text += T(" · webhook listening on ") + hook.Listening
	case hook.Err != "":
		text += T(" · webhook off: ") + hook.Err
	}
	imp := widget.LowImportance
	if stale {
		imp = widget.WarningImportance
	}
	// Only a change is drawn: an idle till repaints nothing.
	if s.heard.Text == text && s.heard.Importance == imp {
		return
	}
	s.heard.Importance = imp
	s.heard.SetText(text)
}

// HeardText is the status line, for tests.
func (s *Shell) HeardText() string { return s.heard.Text }

// setMode updates the badge and the demo banner; on the Fyne goroutine.
func (s *Shell) setMode(m domain.Mode) {
	if m != s.mode {
		s.register.modeChanged(m)
	}
	s.mode = m
	s.badge.set(m)
	s.banner.Objects = nil
	switch m {
	case domain.ModeDisabled:
		s.banner.Objects = []fyne.CanvasObject{notice(colorDemo,
			T("Demo mode, demo books: no Stripe account is connected. Everything here runs on Tally's built-in Stripe simulator; no real money moves, and nothing here reaches your test or live books. Enter your Stripe keys under Settings to connect."))}
	case domain.ModeTest:
		s.banner.Objects = []fyne.CanvasObject{notice(colorTest, T("Test mode, test books: Stripe's test account. Sales, payments and imports here are kept apart from your live books."))}
	case domain.ModeLive:
		s.banner.Objects = []fyne.CanvasObject{notice(colorLive, T("Live mode, live books: payments are real and charge real cards."))}
	}
	if s.tseWarning != "" {
		s.banner.Objects = append(s.banner.Objects, notice(colorWarn, s.tseWarning))
	}
	s.banner.Layout = layout.NewVBoxLayout()
	s.banner.Refresh()
	s.checkTSE()
}

// checkTSE asks, off the Fyne goroutine, whether the till's receipts are
// signed as the law of its shop asks, and shows the answer on every
// screen when they are not.
func (s *Shell) checkTSE() {
	if s.svc.TSE == nil || s.checkingTSE {
		return
	}
	s.checkingTSE = true
	s.run(func() {
		st := s.svc.TSE.Status(s.svc.Context)
		fyne.Do(func() {
			s.checkingTSE = false
			if w := phraseText(st.Warning); w != s.tseWarning {
				s.tseWarning = w
				s.setMode(s.mode)
			}
		})
	})
}

var (
	colorDemo = color.NRGBA{R: 0xB4, G: 0x53, B: 0x09, A: 0xFF} // amber
	colorTest = color.NRGBA{R: 0x63, G: 0x5B, B: 0xFF, A: 0xFF} // Stripe's test-mode violet
	colorLive = color.NRGBA{R: 0x15, G: 0x80, B: 0x3D, A: 0xFF} // green
	colorWarn = color.NRGBA{R: 0xB9, G: 0x1C, B: 0x1C, A: 0xFF} // red: the law is not met
)

// badge shows DEMO, TEST or LIVE on a coloured background.
type badge struct {
	bg   *canvas.Rectangle
	text *canvas.Text
	obj  fyne.CanvasObject
}

func newBadge() *badge {
	b := &badge{bg: canvas.NewRectangle(colorDemo), text: canvas.NewText("DEMO", color.White)}
	b.bg.CornerRadius = 4
	b.text.TextStyle = fyne.TextStyle{Bold: true}
	b.obj = container.NewStack(b.bg, container.NewPadded(b.text))
	return b
}

func (b *badge) set(m domain.Mode) {
	b.text.Text = m.Badge()
	switch m {
	case domain.ModeTest:
		b.bg.FillColor = colorTest
	case domain.ModeLive:
		b.bg.FillColor = colorLive
	default:
		b.bg.FillColor = colorDemo
	}
	b.text.Refresh()
	b.bg.Refresh()
}

// Badge returns the badge's text, for tests.
func (s *Shell) Badge() string { return s.badge.text.Text }

// notice is a coloured strip with a message in white.
func notice(c color.Color, msg string) fyne.CanvasObject {
	bg := canvas.NewRectangle(c)
	bg.CornerRadius = 4
	rt := widget.NewRichText(&widget.TextSegment{Text: msg, Style: widget.RichTextStyle{ColorName: theme.ColorNameForegroundOnPrimary, Inline: true}})
	rt.Wrapping = fyne.TextWrapWord
	return container.NewStack(bg, rt)
}

// notYet is the honest content of a screen that later work builds.
func notYet(what string) fyne.CanvasObject {
	body := widget.NewLabel(what)
	body.Wrapping = fyne.TextWrapWord
	later := widget.NewLabel(T("This screen is not built yet: nothing here works so far, and nothing pretends to."))
	later.Importance = widget.WarningImportance
	later.Wrapping = fyne.TextWrapWord
	return container.NewPadded(container.NewVBox(body, later))
}
