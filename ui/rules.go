package ui

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// rulesPanel lists the bookkeeper's rules and edits one, with a preview of
// the lines it would take before it is saved.
type rulesPanel struct {
	svc Services
	run runner

	rules   []domain.Rule
	editing domain.Rule
	list    *widget.List
	status  *status
	errs    map[string]*widget.Label

	name, category, pattern, currency, min, max, label, priority *widget.Entry
	account                                                      *widget.Select
	autoBook                                                     *widget.Check
	previewBtn, saveBtn, deleteBtn, newBtn                       *widget.Button
	preview                                                      *widget.Label

	accountByLabel map[string]string
	busy           func() string // why a change must wait, if it must ("" or nil: it need not)
	obj            fyne.CanvasObject
}

func newRulesPanel(svc Services, run runner) *rulesPanel {
	p := &rulesPanel{svc: svc, run: run, errs: map[string]*widget.Label{}, accountByLabel: map[string]string{}}
	p.status = newStatus(svc.Log)
	p.name, p.category, p.pattern, p.currency = widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	p.min, p.max, p.label, p.priority = widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	p.category.SetPlaceHolder(T("for example adjustment, charge, stripe_fee"))
	p.pattern.SetPlaceHolder(T("a regular expression, for example goodwill|credit"))
	p.currency.SetPlaceHolder(T("any"))
	p.min.SetPlaceHolder(T("any"))
	p.max.SetPlaceHolder(T("any"))
	p.priority.SetText("100")
	p.account = widget.NewSelect(nil, nil)
	p.autoBook = widget.NewCheck(T("Book by itself (otherwise only suggest)"), nil)
	p.autoBook.SetChecked(true)
	p.preview = widget.NewLabel("")
	p.preview.Wrapping = fyne.TextWrapWord
	p.previewBtn = widget.NewButton(T("Preview"), p.doPreview)
	p.saveBtn = widget.NewButton(T("Save rule"), p.save)
	p.saveBtn.Importance = widget.HighImportance
	p.deleteBtn = widget.NewButton(T("Delete"), p.remove)
	p.newBtn = widget.NewButton(T("New rule"), func() { p.list.UnselectAll(); p.edit(domain.Rule{Priority: 100, AutoBook: true}) })
	p.list = widget.NewList(
		func() int { return len(p.rules) },
		func() fyne.CanvasObject {
			return container.NewVBox(widget.NewLabelWithStyle(T("rule"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), widget.NewLabel(T("conditions")))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			r := p.rules[id]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(r.Name)
			box.Objects[1].(*widget.Label).SetText(ruleSummary(r))
		},
	)
	p.list.OnSelected = func(id widget.ListItemID) { p.edit(p.rules[id]) }
	form := widget.NewForm(
		widget.NewFormItem(T("Name"), labelled(p.name, p.errs, "name")),
		widget.NewFormItem(T("Category is"), p.category),
		widget.NewFormItem(T("Description matches"), labelled(p.pattern, p.errs, "description")),
		widget.NewFormItem(T("Currency"), labelled(p.currency, p.errs, "currency")),
		widget.NewFormItem(T("Gross from"), labelled(p.min, p.errs, "min")),
		widget.NewFormItem(T("Gross up to"), labelled(p.max, p.errs, "max")),
		widget.NewFormItem(T("Book to"), labelled(p.account, p.errs, "account")),
		widget.NewFormItem(T("Label"), p.label),
		widget.NewFormItem(T("Priority"), labelled(p.priority, p.errs, "priority")),
		widget.NewFormItem("", p.autoBook),
	)
	right := container.NewVScroll(container.NewPadded(container.NewVBox(form,
		container.NewHBox(p.previewBtn, p.saveBtn, p.deleteBtn), p.status.obj, p.preview)))
	split := container.NewHSplit(container.NewBorder(container.NewHBox(p.newBtn), nil, nil, nil, p.list), right)
	split.Offset = 0.3
	p.obj = split
	p.edit(domain.Rule{Priority: 100, AutoBook: true})
	return p
}

func ruleSummary(r domain.Rule) string {
	var c []string
	if r.Category != "" {
		c = append(c, T("category ")+r.Category)
	}
	if r.Description != "" {
		c = append(c, T("description ~ ")+r.Description)
	}
	if r.Currency != "" {
		c = append(c, r.Currency)
	}
	if r.MinGross != nil || r.MaxGross != nil {
		c = append(c, T("amount bounded"))
	}
	how := "suggests"
	if r.AutoBook {
		how = "books"
	}
	return strings.Join(c, ", ") + " → " + how + " " + r.Account
}

// load reads the rules and the accounts off the Fyne goroutine.
func (p *rulesPanel) load() {
	p.run(func() {
		rules, err := p.svc.Rules.List(context.Background())
		accounts, aerr := p.svc.Reconcile.Accounts(context.Background())
		fyne.Do(func() {
			if err == nil {
				err = aerr
			}
			if err != nil {
				p.status.fail("read rules", err, nil)
				return
			}
			p.rules = rules
			p.list.Refresh()
			p.account.Options, p.accountByLabel = accountOptions(accounts)
			p.edit(p.editing)
		})
	})
}

func amountText(v *int64, cur string) string {
	if v == nil {
		return ""
	}
	exp := 2
	if c, err := domain.CurrencyOf(cur); err == nil {
		exp = c.Exponent()
	}
	return domain.FormatAmount(*v, exp)
}

// edit fills the form with r.
func (p *rulesPanel) edit(r domain.Rule) {
	p.editing = r
	clearErrors(p.errs)
	p.name.SetText(r.Name)
	p.category.SetText(r.Category)
	p.pattern.SetText(r.Description)
	p.currency.SetText(r.Currency)
	p.min.SetText(amountText(r.MinGross, r.Currency))
	p.max.SetText(amountText(r.MaxGross, r.Currency))
	p.label.SetText(r.Label)
	p.priority.SetText(strconv.Itoa(r.Priority))
	p.autoBook.SetChecked(r.AutoBook)
	p.account.ClearSelected()
	for l, code := range p.accountByLabel {
		if code == r.Account {
			p.account.SetSelected(l)
		}
	}
	if r.ID == 0 {
		p.deleteBtn.Disable()
	} else {
		p.deleteBtn.Enable()
	}
	p.preview.SetText("")
}

// fromLine starts a rule that takes lines like l.
func (p *rulesPanel) fromLine(l domain.LineView) {
	p.list.UnselectAll()
	p.edit(domain.Rule{Name: strings.TrimSpace(l.Category + " " + l.Description), Category: l.Category,
		Description: "^" + regexp.QuoteMeta(l.Description) + "$", Currency: l.Currency.Code(), Priority: 100, AutoBook: true})
	p.doPreview()
}

// fromForm reads the form; amount fields are parsed exactly.
func (p *rulesPanel) fromForm() (domain.Rule, error) {
	r := p.editing
	r.Name, r.Category, r.Description = strings.TrimSpace(p.name.Text), p.category.Text, p.pattern.Text
	r.Currency, r.Label, r.AutoBook = strings.TrimSpace(p.currency.Text), strings.TrimSpace(p.label.Text), p.autoBook.Checked
	r.Account = p.accountByLabel[p.account.Selected]
	n, err := strconv.Atoi(strings.TrimSpace(p.priority.Text))
	if err != nil {
		return r, &domain.FieldError{Field: "priority", Err: userErr(domain.EINVALID, T("The priority is a whole number; lower goes first."))}
	}
	r.Priority = n
	exp := 2
	if c, err := domain.CurrencyOf(r.Currency); err == nil {
		exp = c.Exponent()
	}
	r.MinGross, r.MaxGross = nil, nil
	for _, f := range []struct {
		e     *widget.Entry
		field string
		dst   **int64
	}{{p.min, "min", &r.MinGross}, {p.max, "max", &r.MaxGross}} {
		if strings.TrimSpace(f.e.Text) == "" {
			continue
		}
		v, err := domain.ParseAmount(f.e.Text, exp)
		if err != nil {
			return r, &domain.FieldError{Field: f.field, Err: userErr(domain.EINVALID, errText(err))}
		}
		*f.dst = &v
	}
	return r, nil
}

func (p *rulesPanel) doPreview() {
	clearErrors(p.errs)
	r, err := p.fromForm()
	if err == nil && r.Account == "" {
		r.Account = domain.AcctSuspense // a preview needs no account yet
	}
	if err != nil {
		p.status.fail("preview rule", err, p.errs)
		return
	}
	p.status.busy(T("Looking for the lines this rule would take…"))
	p.run(func() {
		pv, err := p.svc.Rules.Preview(context.Background(), r, 10)
		fyne.Do(func() {
			if err != nil {
				p.status.fail("preview rule", err, p.errs)
				return
			}
			p.status.info(T("This rule would take %s of the lines waiting for a decision.", plural(pv.Count, "line")))
			var b strings.Builder
			for _, l := range pv.Lines {
				fmt.Fprintf(&b, "%s  %-12s %12s %s  %s\n", l.Created.Format("2006-01-02"), l.Category,
					domain.FormatAmount(l.Gross, l.Currency.Exponent()), l.Currency.Code(), l.Description)
			}
			if pv.Count > len(pv.Lines) {
				fmt.Fprintf(&b, T("… and %d more"), pv.Count-len(pv.Lines))
			}
			p.preview.SetText(b.String())
		})
	})
}

// waits says, and reports, whether a change must wait for a long job.
func (p *rulesPanel) waits() bool {
	if p.busy == nil || p.busy() == "" {
		return false
	}
	p.status.warn(p.busy())
	return true
}

func (p *rulesPanel) save() {
	if p.waits() {
		return
	}
	clearErrors(p.errs)
	r, err := p.fromForm()
	if err != nil {
		p.status.fail("save rule", err, p.errs)
		return
	}
	p.status.busy(T("Saving the rule…"))
	p.run(func() {
		saved, err := p.svc.Rules.Save(context.Background(), r)
		fyne.Do(func() {
			if err != nil {
				p.status.fail("save rule", err, p.errs)
				return
			}
			p.editing = saved
			p.status.ok(T("Saved ") + saved.Name + T(". Press Book lines to apply it."))
			p.load()
		})
	})
}

func (p *rulesPanel) remove() {
	id := p.editing.ID
	if id == 0 || p.waits() {
		return
	}
	p.run(func() {
		err := p.svc.Rules.Delete(context.Background(), id)
		fyne.Do(func() {
			if err != nil {
				p.status.fail("delete rule", err, nil)
				return
			}
			p.status.ok(T("Deleted. What it booked stays booked."))
			p.editing = domain.Rule{Priority: 100, AutoBook: true}
			p.load()
		})
	})
}
