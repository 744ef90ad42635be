package ui

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// The first-run set-up's steps.
const (
	stepShop = iota
	stepStripe
	stepMethods
	setupSteps
)

// qrTaken marks, among the readers in use, that a QR method exists.
const qrTaken = "\x00qr"

// The set-up's Stripe choices.
var (
	choiceDemo    = N("Try the demo")
	choiceConnect = N("Connect Stripe")
)

// setupWizard is the first-run set-up: the shop, then demo or Stripe, then
// a first card reader or QR method. Each step saves what it asked, so a
// crash in the middle loses nothing; it shows again until finished or
// skipped, and never after.
type setupWizard struct {
	win    fyne.Window
	svc    Services
	run    runner
	onDone func()

	step   int
	built  bool // the window shows the set-up: focus can move
	title  *widget.Label
	pages  []fyne.CanvasObject
	body   *fyne.Container
	status *status
	back   *widget.Button
	next   *widget.Button
	skip   *widget.Button

	shop *shopDetails

	choice      *widget.RadioGroup
	connectBox  *fyne.Container
	mode        *widget.RadioGroup
	secret      *widget.Entry
	publishable *keyEntry
	stripeErrs  map[string]*widget.Label
	account     *widget.Label

	methodsNote *widget.Label
	reader      *widget.Select
	readerIDs   map[string]string
	cardName    *keyEntry
	card        *widget.Check
	cardBox     *fyne.Container
	qr          *widget.Check
	qrDone      *widget.Label // "QR code payments are set up already."
	methodErrs  map[string]*widget.Label
}

func newSetupWizard(win fyne.Window, svc Services, run runner, onDone func()) *setupWizard {
	if svc.Log == nil {
		svc.Log = slog.New(slog.DiscardHandler)
	}
	return &setupWizard{win: win, svc: svc, run: run, onDone: onDone}
}

func (w *setupWizard) ctx() context.Context {
	if w.svc.Context != nil {
		return w.svc.Context
	}
	return context.Background()
}

func (w *setupWizard) buildUI() fyne.CanvasObject {
	w.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.status = newStatus(w.svc.Log)
	w.pages = []fyne.CanvasObject{w.shopPage(), w.stripePage(), w.methodsPage()}
	w.body = container.NewStack()
	w.back = widget.NewButtonWithIcon(T("Back"), theme.NavigateBackIcon(), func() { w.show(w.step - 1) })
	w.next = widget.NewButtonWithIcon(T("Next"), theme.NavigateNextIcon(), w.forward)
	w.next.Importance = widget.HighImportance
	w.skip = widget.NewButton(T("Skip set-up"), w.skipAll)
	later := widget.NewLabel(T("Everything asked here can be changed later in Settings, Readers and Payment methods."))
	later.Wrapping = fyne.TextWrapWord
	buttons := container.NewHBox(w.skip, layout.NewSpacer(), w.back, w.next)
	welcome := widget.NewLabelWithStyle(T("Welcome to Tally"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewVBox(welcome, w.title, widget.NewSeparator())
	bottom := container.NewVBox(w.status.obj, later, widget.NewSeparator(), buttons)
	// A column of readable width in the middle of the window.
	column := container.NewBorder(top, bottom, nil, nil, container.NewVScroll(w.body))
	w.show(stepShop)
	w.built = true
	return container.NewPadded(container.NewGridWithColumns(1, container.New(&centreColumn{width: 640}, column)))
}

// show switches to step i and loads what it shows.
func (w *setupWizard) show(i int) {
	w.step = max(0, min(i, setupSteps-1))
	w.title.SetText(T("Step %d of %d: %s", w.step+1, setupSteps, w.stepName(w.step)))
	w.body.Objects = []fyne.CanvasObject{w.pages[w.step]}
	w.body.Refresh()
	w.status.stop()
	w.status.msg.SetText("") // what the last step said is done with
	if w.step == 0 {
		w.back.Disable()
	} else {
		w.back.Enable()
	}
	w.next.SetText(T("Next"))
	if w.step == setupSteps-1 {
		w.next.SetText(T("Finish"))
	}
	switch w.step {
	case stepShop:
		w.loadShop()
		if w.built {
			w.win.Canvas().Focus(w.shop.name)
		}
	case stepMethods:
		w.loadReaders()
	}
}

func (w *setupWizard) stepName(i int) string {
	switch i {
	case stepShop:
		return T("Your shop")
	case stepStripe:
		return T("Demo or Stripe")
	default:
		return T("How customers pay")
	}
}

// forward saves the current step and goes on.
func (w *setupWizard) forward() {
	switch w.step {
	case stepShop:
		w.saveShop()
	case stepStripe:
		w.saveStripe()
	case stepMethods:
		w.saveMethods()
	}
}

// busy disables the buttons while a step saves; free gives them back.
func (w *setupWizard) busy(what string) {
	w.back.Disable()
	w.next.Disable()
	w.skip.Disable()
	w.status.busy(what)
}

func (w *setupWizard) free() {
	if w.step > 0 {
		w.back.Enable()
	}
	w.next.Enable()
	w.skip.Enable()
}

// skipAll ends the set-up now; what it already saved stays.
func (w *setupWizard) skipAll() {
	w.busy(T("Closing the set-up…"))
	w.run(func() {
		err := w.svc.Settings.FinishSetup(w.ctx())
		fyne.Do(func() {
			w.free()
			if err != nil {
				w.status.fail("skip the set-up", err, nil)
				return
			}
			w.onDone()
		})
	})
}

// --- step 1: the shop ---

func (w *setupWizard) shopPage() fyne.CanvasObject {
	w.shop = newShopDetails()
	intro := widget.NewLabel(T("Tally prints the shop's name on receipts and shows it on the customer display. The currency is the register's; dates and the day close count in the time zone."))
	intro.Wrapping = fyne.TextWrapWord
	return container.NewVBox(intro, w.shop.form)
}

func (w *setupWizard) loadShop() {
	sh, err := w.svc.Settings.Shop(w.ctx())
	if err != nil {
		w.status.fail("read the shop's details", err, nil)
		return
	}
	if sh.Name == "" && w.shop.name.Text != "" {
		return // typed already, not saved yet
	}
	w.shop.set(sh)
}

func (w *setupWizard) saveShop() {
	sh := w.shop.shop()
	clearErrors(w.shop.errs)
	w.busy(T("Saving…"))
	w.run(func() {
		_, err := w.svc.Settings.SaveShop(w.ctx(), sh)
		if err == nil {
			audit(w.ctx(), w.svc, "settings", "Shop details saved in the set-up: "+sh.Name)
		}
		fyne.Do(func() {
			w.free()
			if err != nil {
				w.status.fail("save the shop's details", err, w.shop.errs)
				return
			}
			w.show(stepStripe)
		})
	})
}

// --- step 2: demo or Stripe ---

func (w *setupWizard) stripePage() fyne.CanvasObject {
	demo := widget.NewLabel(T("The demo runs on Tally's own simulator: a reader, card payments, QR payments and a week of history, with no Stripe account and no real money. Its books are kept apart from real ones."))
	demo.Wrapping = fyne.TextWrapWord
	connect := widget.NewLabel(T("Connecting uses your Stripe account's secret key (Stripe Dashboard > Developers > API keys). Start with the test key (sk_test_…): Tally switches to live whenever you choose, in Settings."))
	connect.Wrapping = fyne.TextWrapWord
	w.stripeErrs = map[string]*widget.Label{}
	for _, k := range []string{"mode", "secret", "publishable"} {
		w.stripeErrs[k] = errLabel()
	}
	w.mode = widget.NewRadioGroup([]string{labelOf(domain.ModeTest), labelOf(domain.ModeLive)}, nil)
	w.mode.Horizontal = true
	w.mode.SetSelected(labelOf(domain.ModeTest))
	w.secret = widget.NewPasswordEntry()
	w.secret.SetPlaceHolder(T("sk_test_… or a restricted key rk_test_…"))
	w.publishable = newFormEntry()
	w.publishable.SetPlaceHolder(T("pk_test_… (optional)"))
	w.account = widget.NewLabel("")
	w.account.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(T("Mode"), labelled(w.mode, w.stripeErrs, "mode")),
		widget.NewFormItem(T("Secret key"), labelled(w.secret, w.stripeErrs, "secret")),
		widget.NewFormItem(T("Publishable key"), labelled(w.publishable, w.stripeErrs, "publishable")),
	)
	w.connectBox = container.NewVBox(connect, form)
	w.connectBox.Hide()
	w.choice = widget.NewRadioGroup([]string{T(choiceDemo), T(choiceConnect)}, func(v string) {
		if v == T(choiceConnect) {
			demo.Hide()
			w.connectBox.Show()
			if w.built {
				w.win.Canvas().Focus(w.secret)
			}
		} else {
			demo.Show()
			w.connectBox.Hide()
		}
	})
	w.choice.Required = true
	w.choice.SetSelected(T(choiceDemo))
	return container.NewVBox(w.choice, demo, w.connectBox, w.account)
}

func (w *setupWizard) saveStripe() {
	if w.choice.Selected != T(choiceConnect) {
		// The demo: Stripe stays off. A key saved earlier is left alone
		// unless the shop is in demo mode already.
		w.busy(T("Starting the demo…"))
		w.run(func() {
			var err error
			if w.svc.Connection.Mode() != domain.ModeDisabled {
				_, err = w.svc.Settings.Save(w.ctx(), domain.CredentialsForm{Mode: domain.ModeDisabled})
			}
			fyne.Do(func() {
				w.free()
				if err != nil {
					w.status.fail("start the demo", err, nil)
					return
				}
				w.show(stepMethods)
			})
		})
		return
	}
	f := domain.CredentialsForm{Mode: modeOf(w.mode.Selected), SecretKey: w.secret.Text, PublishableKey: w.publishable.Text}
	clearErrors(w.stripeErrs)
	w.busy(T("Asking Stripe…"))
	w.run(func() {
		ctx, cancel := context.WithTimeout(w.ctx(), verifyTimeout)
		defer cancel()
		// A wrong key is refused before anything is stored; a key Stripe
		// accepts is saved with what Stripe said of its account.
		v, err := w.svc.Settings.Verify(ctx, f)
		if err == nil {
			_, err = w.svc.Settings.Save(ctx, f)
		}
		if err == nil {
			audit(ctx, w.svc, "settings", "Stripe settings saved in the set-up: "+labelOf(f.Mode))
		}
		fyne.Do(func() {
			w.free()
			if err != nil {
				w.account.SetText("")
				w.status.fail("connect Stripe", err, w.stripeErrs)
				return
			}
			w.secret.SetText("")
			w.account.SetText("✓ " + v.Summary())
			w.show(stepMethods)
			w.status.ok("✓ " + v.Summary())
		})
	})
}

// --- step 3: a card reader and QR payments ---

func (w *setupWizard) methodsPage() fyne.CanvasObject {
	cash := widget.NewLabel("✓ " + T("Cash is set up already."))
	cash.Importance = widget.SuccessImportance
	w.methodsNote = widget.NewLabel("")
	w.methodsNote.Wrapping = fyne.TextWrapWord
	w.methodErrs = map[string]*widget.Label{}
	for _, k := range []string{"name", "reader"} {
		w.methodErrs[k] = errLabel()
	}
	w.readerIDs = map[string]string{}
	w.reader = widget.NewSelect(nil, nil)
	w.reader.PlaceHolder = T("Choose the reader")
	w.cardName = newFormEntry()
	w.cardName.SetText(T("Card reader"))
	w.card = widget.NewCheck(T("Take cards on a Stripe reader"), func(on bool) {
		if on {
			w.reader.Enable()
			w.cardName.Enable()
		} else {
			w.reader.Disable()
			w.cardName.Disable()
		}
	})
	w.qr = widget.NewCheck(T("Take payments by QR code: the customer pays on a Stripe page on their phone"), nil)
	w.qr.SetChecked(true)
	cardForm := widget.NewForm(
		widget.NewFormItem(T("Reader"), labelled(w.reader, w.methodErrs, "reader")),
		widget.NewFormItem(T("Name on the register"), labelled(w.cardName, w.methodErrs, "name")),
	)
	w.cardBox = container.NewVBox(w.card, cardForm)
	w.qrDone = widget.NewLabel("")
	w.qrDone.Importance = widget.SuccessImportance
	w.qrDone.Hide()
	return container.NewVBox(cash, w.cardBox, w.methodsNote, widget.NewSeparator(), w.qr, w.qrDone)
}

// loadReaders asks Stripe (or the demo) for the account's readers.
func (w *setupWizard) loadReaders() {
	w.methodsNote.SetText(T("Looking for the account's readers…"))
	w.card.Disable()
	w.run(func() {
		ctx, cancel := context.WithTimeout(w.ctx(), verifyTimeout)
		defer cancel()
		v, err := w.svc.Readers.Refresh(ctx)
		var used map[string]bool
		var names map[string]bool
		if err == nil {
			var mv domain.MethodsView
			if mv, err = w.svc.Methods.List(ctx); err == nil {
				used, names = map[string]bool{}, map[string]bool{}
				for _, m := range mv.Methods {
					if m.Archived {
						continue
					}
					used[m.ReaderID] = true
					names[m.Name] = true
					if m.Kind == domain.MethodQRLink {
						used[qrTaken] = true
					}
				}
			}
		}
		fyne.Do(func() { w.showReaders(v, used, names, err) })
	})
}

func (w *setupWizard) showReaders(v domain.ReadersView, used, names map[string]bool, err error) {
	if err != nil {
		w.methodsNote.SetText(T("Tally could not list the readers: %s Pair one later on the Readers screen.", errText(err)))
		w.card.SetChecked(false)
		w.cardBox.Hide()
		return
	}
	if used[qrTaken] {
		// Done, not an unticked box: nothing to add.
		w.qr.SetChecked(false)
		w.qr.Hide()
		w.qrDone.SetText("✓ " + T("QR code payments are set up already."))
		w.qrDone.Show()
	}
	var labels []string
	w.readerIDs = map[string]string{}
	for _, r := range v.Readers {
		if used[r.ID] || r.ID == "" {
			continue
		}
		l := fmt.Sprintf("%s · %s · %s", orDash(r.Label), r.ID, readerStatusText(r.Status))
		labels = append(labels, l)
		w.readerIDs[l] = r.ID
	}
	w.reader.SetOptions(labels)
	switch {
	case len(labels) == 0 && len(v.Readers) > 0:
		w.methodsNote.SetText(T("Every reader of this account has its card payment method already: the register offers it."))
		w.card.SetChecked(false)
		w.cardBox.Hide()
		return
	case len(labels) == 0:
		w.methodsNote.SetText(T("This account has no reader yet. Pair one on the Readers screen (the reader shows a registration code), then add a card reader method under Payment methods."))
		w.card.SetChecked(false)
		w.cardBox.Hide()
		return
	}
	if names[w.cardName.Text] {
		w.cardName.SetText(w.cardName.Text + " 2")
	}
	w.cardBox.Show()
	w.card.Enable()
	w.reader.SetSelectedIndex(0)
	w.card.SetChecked(true)
	w.methodsNote.SetText(T("%d reader(s) found. The register sends the total to the reader chosen here.", len(labels)))
}

func (w *setupWizard) saveMethods() {
	var add []domain.PaymentMethod
	clearErrors(w.methodErrs)
	if w.card.Checked {
		add = append(add, domain.PaymentMethod{Name: w.cardName.Text, Kind: domain.MethodCardReader,
			ReaderID: w.readerIDs[w.reader.Selected], CaptureMethod: domain.CaptureAutomatic,
			OutstandingAccount: domain.AcctOutstandingReceipts})
	}
	if w.qr.Checked {
		add = append(add, domain.PaymentMethod{Name: T("QR code"), Kind: domain.MethodQRLink,
			PageLifetime: time.Hour, OutstandingAccount: domain.AcctOutstandingReceipts})
	}
	w.busy(T("Saving…"))
	w.run(func() {
		ctx := w.ctx()
		var err error
		for _, m := range add {
			if err = w.saveMethod(ctx, m); err != nil {
				break
			}
		}
		if err == nil {
			err = w.svc.Settings.FinishSetup(ctx)
		}
		fyne.Do(func() {
			w.free()
			if err != nil {
				w.status.fail("add the payment methods", err, w.methodErrs)
				return
			}
			w.onDone()
		})
	})
}

// saveMethod adds m unless the shop has a QR method already (for a QR
// method) or a method on its reader (for a card method): the set-up may
// have run up to here before, and the demo brings both.
func (w *setupWizard) saveMethod(ctx context.Context, m domain.PaymentMethod) error {
	v, err := w.svc.Methods.List(ctx)
	if err != nil {
		return err
	}
	for _, o := range v.Methods {
		if o.Archived || o.Kind != m.Kind {
			continue
		}
		if m.Kind == domain.MethodQRLink || o.ReaderID == m.ReaderID {
			return nil // one QR method is enough; a reader serves one method
		}
	}
	saved, err := w.svc.Methods.Save(ctx, m)
	if err == nil {
		audit(ctx, w.svc, "methods", "Payment method added in the set-up: "+saved.Name)
	}
	return err
}

// centreColumn lays its one object out in a column of at most width,
// centred, the full height.
type centreColumn struct{ width float32 }

func (c *centreColumn) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := min(size.Width, c.width)
	for _, o := range objs {
		o.Resize(fyne.NewSize(w, size.Height))
		o.Move(fyne.NewPos((size.Width-w)/2, 0))
	}
}

func (c *centreColumn) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}
