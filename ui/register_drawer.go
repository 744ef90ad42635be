package ui

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// drawerDialog is the cash drawer's dialog (F2): the opening float, cash
// brought in or paid out with its reason, the drawer opened with no sale,
// and the X report (the day so far).
type drawerDialog struct {
	d       *dialog.CustomDialog
	amount  *widget.Entry
	reason  *widget.Entry
	kind    *widget.RadioGroup
	errL    *widget.Label
	report  *widget.Label
	saveBtn *widget.Button
}

// cashKinds are the drawer dialog's choices, in order.
var cashKinds = []struct {
	kind  domain.CashKind
	label string
}{
	{domain.CashFloat, N("Opening float")},
	{domain.CashIn, N("Cash in (change brought in)")},
	{domain.CashOut, N("Cash out (paid from the drawer)")},
}

// cashDrawer opens the drawer dialog.
func (s *registerScreen) cashDrawer() {
	dd := &drawerDialog{amount: widget.NewEntry(), reason: widget.NewEntry(), errL: errLabel()}
	s.drawer = dd
	var labels []string
	for _, k := range cashKinds {
		labels = append(labels, T(k.label))
	}
	dd.kind = widget.NewRadioGroup(labels, nil)
	dd.kind.SetSelected(labels[0])
	dd.kind.Required = true
	dd.amount.SetPlaceHolder(T("Amount, such as 100.00"))
	dd.reason.SetPlaceHolder(T("Reason, such as \"milk for the coffee\""))
	dd.report = widget.NewLabelWithStyle(T("Counting…"), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	var x domain.DayClose
	showX := func() {
		s.run(func() {
			z, err := s.svc.Register.XReport(s.ctx)
			fyne.Do(func() {
				if err != nil {
					dd.report.SetText(errText(err))
					return
				}
				x = z
				dd.report.SetText(strings.Join(z.TextLinesIn(domain.PaperFor(s.settings.ShopAsUsed())), "\n"))
			})
		})
	}
	record := widget.NewButton(T("Record"), nil)
	record.Importance = widget.HighImportance
	record.OnTapped = func() {
		kind := domain.CashFloat
		for i, l := range labels {
			if l == dd.kind.Selected {
				kind = cashKinds[i].kind
			}
		}
		req := domain.MoveCashRequest{Kind: kind, Amount: dd.amount.Text, Reason: dd.reason.Text}
		record.Disable()
		dd.errL.Hide()
		s.run(func() {
			m, err := s.svc.Register.MoveCash(s.ctx, domain.Grant{}, req)
			kicked := err == nil && s.svc.Register.KickDrawer(s.ctx, domain.Grant{}, "") == nil
			fyne.Do(func() {
				record.Enable()
				if err != nil {
					dd.errL.Importance = widget.DangerImportance
					dd.errL.SetText(errText(err))
					dd.errL.Show()
					return
				}
				msg := T("Recorded: %s %s.", cashKindWord(m.Kind), moneyText(m.Amount))
				if kicked {
					msg += " " + T("The drawer is open.")
				}
				dd.amount.SetText("") // first: a changed amount hides the message
				dd.reason.SetText("")
				dd.errL.Importance = widget.SuccessImportance
				dd.errL.SetText(msg)
				dd.errL.Show()
				s.status.ok(msg)
				showX()
			})
		})
	}
	dd.amount.OnSubmitted = func(string) { record.OnTapped() }
	dd.reason.OnSubmitted = func(string) { record.OnTapped() }
	dd.amount.OnChanged = func(string) { dd.errL.Hide() }
	open := widget.NewButton(T("Open drawer"), func() { s.openDrawer() })
	printX := widget.NewButton(T("Print X report"), func() { s.printReport(x) })
	saveX := widget.NewButton(T("Save X report PDF…"), func() {
		saveFile(s, "x-report-"+x.ClosedAt.Local().Format("2006-01-02-1504")+".pdf", func(w io.Writer) error {
			return s.svc.Register.DayCloseFile(s.ctx, x, "pdf", w)
		})
	})
	dd.saveBtn = saveX
	form := widget.NewForm(widget.NewFormItem(T("What"), dd.kind), widget.NewFormItem(T("Amount"), dd.amount), widget.NewFormItem(T("Reason"), dd.reason))
	top := container.NewVBox(form, container.NewHBox(record, open), dd.errL, widget.NewSeparator(), widget.NewLabelWithStyle(T("The day so far (X report)"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	body := container.NewBorder(top, container.NewHBox(printX, saveX), nil, nil, container.NewVScroll(dd.report))
	dd.d = dialog.NewCustom(T("Cash drawer — ")+s.settings.Till, T("Close"), body, s.win)
	dd.d.Resize(fyne.NewSize(680, 720))
	dd.d.Show()
	s.win.Canvas().Focus(dd.amount)
	showX()
}

// cashKindWord names a movement's kind in a sentence.
func cashKindWord(k domain.CashKind) string {
	switch k {
	case domain.CashFloat:
		return T("Opening float")
	case domain.CashIn:
		return T("Cash in")
	case domain.CashOut:
		return T("Cash out")
	}
	return string(k)
}

// openDrawer kicks the drawer open with no sale: asked why, audited.
func (s *registerScreen) openDrawer() {
	reason := widget.NewEntry()
	reason.SetPlaceHolder(T("Why, such as \"change for the market stall\""))
	d := newFormDialog(T("Open the cash drawer"), T("Open"), []*widget.FormItem{widget.NewFormItem(T("Reason"), reason)}, func() error {
		why := strings.TrimSpace(reason.Text)
		if why == "" {
			return userErr(domain.EINVALID, T("Say why the drawer is opened: it is written in the audit log."))
		}
		s.run(func() {
			err := s.svc.Register.KickDrawer(s.ctx, domain.Grant{}, why)
			fyne.Do(func() {
				if err != nil {
					s.status.fail("open the drawer", err, nil)
					return
				}
				s.status.ok(T("The drawer is open."))
			})
		})
		return nil
	}, s.win)
	reason.OnSubmitted = func(string) { d.ok.OnTapped() }
	d.Show()
	s.win.Canvas().Focus(reason)
}

// printReport prints a Z or X report on the till's printer.
func (s *registerScreen) printReport(z domain.DayClose) {
	s.run(func() {
		err := s.svc.Register.PrintReport(s.ctx, z)
		fyne.Do(func() {
			if err != nil {
				s.status.fail("print the report", err, nil)
				return
			}
			s.status.ok(T("The report is printing."))
		})
	})
}

// countGrid asks how many of each note and coin the drawer holds, and
// calls changed with the count and its total.
func countGrid(c domain.Currency, money func(int64) string, changed func(map[int64]int64, int64)) (fyne.CanvasObject, map[int64]*widget.Entry) {
	entries := map[int64]*widget.Entry{}
	grid := container.NewGridWithColumns(4)
	count := func() {
		m := map[int64]int64{}
		for den, e := range entries {
			if n, err := strconv.ParseInt(strings.TrimSpace(e.Text), 10, 64); err == nil && n > 0 {
				m[den] = n
			}
		}
		changed(m, domain.CountTotal(m))
	}
	for _, den := range domain.Denominations(c) {
		e := widget.NewEntry()
		e.SetPlaceHolder("0")
		e.OnChanged = func(string) { count() }
		entries[den] = e
		grid.Add(container.NewBorder(nil, nil, widget.NewLabel(fmt.Sprintf("%s ×", money(den))), nil, e))
	}
	return grid, entries
}
