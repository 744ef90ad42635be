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

// Page lifetimes offered for QR link methods (Stripe allows 30 min to 24 h).
var lifetimes = []struct {
	label string
	d     time.Duration
}{
	{T("30 minutes"), 30 * time.Minute}, {T("1 hour"), time.Hour}, {T("2 hours"), 2 * time.Hour}, {T("4 hours"), 4 * time.Hour},
	{T("8 hours"), 8 * time.Hour}, {T("12 hours"), 12 * time.Hour}, {T("24 hours"), 24 * time.Hour},
}

var (
	captureAuto   = T("Automatic: charge at once")
	captureManual = T("Manual: authorise now, capture later")
)

// methodsScreen lists payment methods and edits one at a time.
type methodsScreen struct {
	win fyne.Window
	svc Services
	run runner

	view     domain.MethodsView
	editing  domain.PaymentMethod // the method in the form; ID 0 for a new one
	list     *widget.List
	status   *status
	errs     map[string]*widget.Label
	formArea *fyne.Container

	name                        *widget.Entry
	kind                        *widget.Select
	outstanding                 *widget.Select
	cash                        *widget.Select
	reader                      *widget.Select
	capture                     *widget.RadioGroup
	identify                    *widget.Check
	tips                        *widget.Check
	till                        *widget.Entry // the one till offering a reader's method; empty: every till
	identifyHint                *widget.Label
	lifetime                    *widget.Select
	message                     *widget.Entry
	newBtn, saveBtn, archiveBtn *widget.Button
	jobs                        *jobs // the save under way, if any

	accountByLabel map[string]string
	readerByLabel  map[string]string

	root fyne.CanvasObject
}

func newMethodsScreen(win fyne.Window, svc Services, run runner) *methodsScreen {
	return &methodsScreen{win: win, svc: svc, run: run}
}

func (s *methodsScreen) buildUI() fyne.CanvasObject {
	if s.root != nil {
		s.load()
		return s.root
	}
	s.errs = map[string]*widget.Label{}
	s.status = newStatus(s.svc.Log)
	s.list = widget.NewList(
		func() int { return len(s.view.Methods) },
		func() fyne.CanvasObject {
			return container.NewVBox(widget.NewLabelWithStyle(T("Method name"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), widget.NewLabel(T("kind")))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			m := s.view.Methods[id]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(m.Name)
			box.Objects[1].(*widget.Label).SetText(s.summary(m))
		},
	)
	s.list.OnSelected = func(id widget.ListItemID) { s.edit(s.view.Methods[id]) }

	s.name = widget.NewEntry()
	s.kind = widget.NewSelect(nil, func(string) { s.layoutForm() })
	for _, k := range domain.MethodKinds {
		s.kind.Options = append(s.kind.Options, kindText(k))
	}
	s.outstanding = widget.NewSelect(nil, nil)
	s.cash = widget.NewSelect(nil, nil)
	s.reader = widget.NewSelect(nil, nil)
	s.reader.PlaceHolder = T("Choose a registered reader")
	s.capture = widget.NewRadioGroup([]string{captureAuto, captureManual}, nil)
	s.identify = widget.NewCheck(T("Identify customer"), nil)
	s.tips = widget.NewCheck(T("Tips on the reader (the customer may add one; booked to Tips payable)"), nil)
	s.till = widget.NewEntry()
	s.till.SetPlaceHolder(T("Every till (with several tills on one server: the name of the till this reader stands at)"))
	s.identifyHint = widget.NewLabel(T("Offer this method only once a customer is attached to the sale; their e-mail gets Stripe's receipt."))
	s.identifyHint.Wrapping = fyne.TextWrapWord
	s.identifyHint.Importance = widget.LowImportance
	s.lifetime = widget.NewSelect(nil, nil)
	for _, l := range lifetimes {
		s.lifetime.Options = append(s.lifetime.Options, l.label)
	}
	s.message = widget.NewMultiLineEntry()
	s.message.SetPlaceHolder(T("Shown to the customer after paying, for example: Thank you! Show this screen at the till."))
	s.message.SetMinRowsVisible(2)
	s.newBtn = widget.NewButton(T("New method"), func() { s.list.UnselectAll(); s.edit(domain.PaymentMethod{Kind: domain.MethodCardReader}) })
	s.saveBtn = widget.NewButton(T("Save"), s.save)
	s.saveBtn.Importance = widget.HighImportance
	s.archiveBtn = widget.NewButton(T("Archive"), s.toggleArchive)
	s.jobs = newJobs(s.svc.Context, s.run, s.status, s.saveBtn, s.archiveBtn, s.newBtn)
	s.formArea = container.NewStack()

	right := container.NewVScroll(container.NewPadded(container.NewVBox(s.formArea, container.NewHBox(s.saveBtn, s.archiveBtn), s.status.obj)))
	left := container.NewBorder(container.NewHBox(s.newBtn), nil, nil, nil, s.list)
	split := container.NewHSplit(left, right)
	split.Offset = 0.3
	s.root = split
	s.edit(domain.PaymentMethod{Kind: domain.MethodCardReader})
	s.load()
	return s.root
}

func (s *methodsScreen) summary(m domain.PaymentMethod) string {
	parts := []string{kindText(m.Kind)}
	switch m.Kind {
	case domain.MethodCardReader:
		parts = append(parts, s.readerName(m.ReaderID))
		if m.CaptureMethod == domain.CaptureManual {
			parts = append(parts, T("manual capture"))
		}
	case domain.MethodQRLink:
		parts = append(parts, T("page lives ")+lifetimeLabel(m.PageLifetime))
	}
	if m.Archived {
		parts = append(parts, "archived")
	}
	return strings.Join(parts, " · ")
}

func (s *methodsScreen) readerName(id string) string {
	for _, r := range s.view.Readers {
		if r.ID == id {
			return r.Label
		}
	}
	return id + T(" (not in this mode)")
}

func lifetimeLabel(d time.Duration) string {
	for _, l := range lifetimes {
		if l.d == d {
			return l.label
		}
	}
	return d.String()
}

// load reads the methods, accounts and readers off the Fyne goroutine.
func (s *methodsScreen) load() {
	s.run(func() {
		v, err := s.svc.Methods.List(context.Background())
		fyne.Do(func() {
			if err != nil {
				s.status.fail("list payment methods", err, nil)
				return
			}
			s.show(v)
		})
	})
}

func (s *methodsScreen) show(v domain.MethodsView) {
	s.view = v
	accounts, byLabel := accountOptions(v.Accounts)
	s.accountByLabel = byLabel
	s.outstanding.Options, s.cash.Options = accounts, accounts
	s.readerByLabel = map[string]string{}
	var readers []string
	for _, r := range v.Readers {
		l := fmt.Sprintf("%s (%s)", r.Label, r.ID)
		readers = append(readers, l)
		s.readerByLabel[l] = r.ID
	}
	s.reader.Options = readers
	s.list.Refresh()
	s.edit(s.editing)
	if len(v.Readers) == 0 {
		s.status.info(T("No reader is known in this mode yet: register one on the Readers screen to create a card reader method."))
	}
}

func (s *methodsScreen) accountLabel(code string) string {
	for l, c := range s.accountByLabel {
		if c == code {
			return l
		}
	}
	return ""
}

// edit fills the form with m.
func (s *methodsScreen) edit(m domain.PaymentMethod) {
	if m.OutstandingAccount == "" {
		m.OutstandingAccount = domain.AcctOutstandingReceipts
	}
	if m.CashAccount == "" {
		m.CashAccount = domain.AcctCash
	}
	if m.PageLifetime == 0 {
		m.PageLifetime = time.Hour
	}
	s.editing = m
	clearErrors(s.errs)
	s.name.SetText(m.Name)
	s.kind.SetSelected(kindText(m.Kind))
	s.outstanding.SetSelected(s.accountLabel(m.OutstandingAccount))
	s.cash.SetSelected(s.accountLabel(m.CashAccount))
	s.reader.ClearSelected()
	for l, id := range s.readerByLabel {
		if id == m.ReaderID {
			s.reader.SetSelected(l)
		}
	}
	s.capture.SetSelected(captureAuto)
	if m.CaptureMethod == domain.CaptureManual {
		s.capture.SetSelected(captureManual)
	}
	s.identify.SetChecked(m.IdentifyCustomer)
	s.tips.SetChecked(m.Tips)
	s.till.SetText(m.Till)
	s.lifetime.SetSelected(lifetimeLabel(m.PageLifetime))
	s.message.SetText(m.SuccessMessage)
	if m.Archived {
		s.archiveBtn.SetText(T("Restore"))
	} else {
		s.archiveBtn.SetText(T("Archive"))
	}
	if m.ID == 0 {
		s.archiveBtn.Disable()
	} else {
		s.archiveBtn.Enable()
	}
	s.layoutForm()
}

func (s *methodsScreen) selectedKind() domain.MethodKind {
	for _, k := range domain.MethodKinds {
		if kindText(k) == s.kind.Selected {
			return k
		}
	}
	return ""
}

// layoutForm shows the fields of the selected kind.
func (s *methodsScreen) layoutForm() {
	if s.formArea == nil {
		return
	}
	title := T("New payment method")
	if s.editing.ID != 0 {
		title = T("Edit ") + s.editing.Name
	}
	items := []*widget.FormItem{
		widget.NewFormItem(T("Name"), labelled(s.name, s.errs, "name")),
		widget.NewFormItem(T("Kind"), labelled(s.kind, s.errs, "kind")),
	}
	switch s.selectedKind() {
	case domain.MethodCash:
		items = append(items, widget.NewFormItem(T("Cash account"), labelled(s.cash, s.errs, "cash_account")))
	case domain.MethodCardReader:
		items = append(items,
			widget.NewFormItem(T("Reader"), labelled(s.reader, s.errs, "reader")),
			widget.NewFormItem(T("Capture"), labelled(s.capture, s.errs, "capture")),
			widget.NewFormItem(T("Till"), s.till),
			widget.NewFormItem("", container.NewVBox(s.identify, s.identifyHint, s.tips)),
			widget.NewFormItem(T("Outstanding receipts"), labelled(s.outstanding, s.errs, "outstanding_account")))
	case domain.MethodQRLink:
		items = append(items,
			widget.NewFormItem(T("Payment page lives"), labelled(s.lifetime, s.errs, "lifetime")),
			widget.NewFormItem(T("Message after payment"), labelled(s.message, s.errs, "message")),
			widget.NewFormItem(T("Outstanding receipts"), labelled(s.outstanding, s.errs, "outstanding_account")))
	}
	s.formArea.Objects = []fyne.CanvasObject{container.NewVBox(
		widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), widget.NewForm(items...))}
	s.formArea.Refresh()
}

func (s *methodsScreen) fromForm() domain.PaymentMethod {
	m := s.editing
	m.Name = s.name.Text
	m.Kind = s.selectedKind()
	m.OutstandingAccount = s.accountByLabel[s.outstanding.Selected]
	m.CashAccount = s.accountByLabel[s.cash.Selected]
	m.ReaderID = s.readerByLabel[s.reader.Selected]
	m.CaptureMethod = domain.CaptureAutomatic
	if s.capture.Selected == captureManual {
		m.CaptureMethod = domain.CaptureManual
	}
	m.IdentifyCustomer = s.identify.Checked
	m.Tips = s.tips.Checked
	m.Till = s.till.Text
	for _, l := range lifetimes {
		if l.label == s.lifetime.Selected {
			m.PageLifetime = l.d
		}
	}
	m.SuccessMessage = s.message.Text
	return m
}

func (s *methodsScreen) save() {
	m := s.fromForm()
	clearErrors(s.errs)
	s.jobs.start("saving", T("Saving…"), func(ctx context.Context) func() {
		saved, err := s.svc.Methods.Save(ctx, m)
		if err == nil {
			audit(ctx, s.svc, "method", "Payment method "+saved.Name+" saved ("+saved.Kind.Title()+")")
		}
		var v domain.MethodsView
		if err == nil {
			v, err = s.svc.Methods.List(ctx)
		}
		return func() {
			if err != nil {
				s.status.fail("save payment method", err, s.errs)
				return
			}
			s.editing = saved
			s.show(v)
			s.selectID(saved.ID)
			s.status.ok(T("Saved ") + saved.Name + ".")
		}
	})
}

func (s *methodsScreen) selectID(id int64) {
	for i, m := range s.view.Methods {
		if m.ID == id {
			s.list.Select(i)
		}
	}
}

func (s *methodsScreen) toggleArchive() {
	m := s.editing
	if m.ID == 0 {
		return
	}
	s.jobs.start("saving", T("Saving…"), func(ctx context.Context) func() {
		err := s.svc.Methods.SetArchived(ctx, m.ID, !m.Archived)
		if err == nil {
			audit(ctx, s.svc, "method", fmt.Sprintf("Payment method %s archived: %v", m.Name, !m.Archived))
		}
		var v domain.MethodsView
		if err == nil {
			v, err = s.svc.Methods.List(ctx)
		}
		return func() {
			if err != nil {
				s.status.fail("archive payment method", err, s.errs)
				return
			}
			m.Archived = !m.Archived
			s.editing = m
			s.show(v)
			s.selectID(m.ID)
			if m.Archived {
				s.status.ok(m.Name + T(" is archived: kept in the books, no longer offered at the register."))
			} else {
				s.status.ok(m.Name + T(" is offered again."))
			}
		}
	})
}
