package ui

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// dayClose shows the Z report as it stands, asks for the cash counted, and
// closes the day.
func (s *registerScreen) dayClose() {
	counted := widget.NewEntry()
	counted.SetPlaceHolder(T("Cash counted in the drawer, such as 120.00"))
	keep := widget.NewEntry()
	keep.SetPlaceHolder(T("All of it"))
	var count map[int64]int64
	report := widget.NewLabelWithStyle(T("Counting…"), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	errL := errLabel()
	var d *dialog.CustomDialog
	closeBtn := widget.NewButton(T("Close the day"), nil)
	closeBtn.Importance = widget.HighImportance
	cancel := widget.NewButton(T("Cancel"), func() { d.Hide() })
	exp := s.cart.Currency.Exponent()
	var allTills *widget.Check
	paper := domain.PaperFor(s.settings.ShopAsUsed())
	preview := func() {
		v, _ := domain.ParseAmount(strings.TrimSpace(counted.Text), exp)
		all := allTills.Checked
		s.run(func() {
			z, err := s.svc.Register.DayClosePreviewOf(s.ctx, v, all)
			fyne.Do(func() {
				if err != nil {
					report.SetText(errText(err))
					return
				}
				report.SetText(strings.Join(z.TextLinesIn(paper), "\n"))
			})
		})
	}
	// Counting by notes and coins fills the counted cash.
	grid, _ := countGrid(s.cart.Currency, s.money, func(m map[int64]int64, total int64) {
		count = m
		counted.SetText(entryAmount(total, s.cart.Currency))
	})
	grid.Hide()
	countBtn := widget.NewButton(T("Count notes and coins…"), nil)
	countBtn.OnTapped = func() {
		if grid.Visible() {
			grid.Hide()
		} else {
			grid.Show()
		}
	}
	s.dayCount = grid
	// Where several tills share a server, the owner may close them all at
	// once: the cash counted is then every drawer's.
	allTills = widget.NewCheck(T("Every till at once (the cash of every drawer)"), func(bool) { preview() })
	s.dayAll, s.dayReport = allTills, report
	counted.OnChanged = func(string) { preview() }
	closeBtn.OnTapped = func() {
		v, err := domain.ParseAmount(strings.TrimSpace(counted.Text), exp)
		if err != nil {
			errL.SetText(T("Type the cash counted in the drawer (0 when there is none)."))
			errL.Show()
			return
		}
		kept := int64(-1)
		if t := strings.TrimSpace(keep.Text); t != "" {
			if kept, err = domain.ParseAmount(t, exp); err != nil || kept < 0 {
				errL.SetText(T("Type what stays in the drawer for tomorrow, such as 100.00, or leave it empty to keep all of it."))
				errL.Show()
				return
			}
		}
		if count != nil && domain.CountTotal(count) != v {
			count = nil // the total was typed over: the count no longer says it
		}
		authorize(s.win, s.svc, s.run, domain.RoleOwner, T("Closing the day needs the owner's PIN."), func(g domain.Grant) {
			closeBtn.Disable()
			all := allTills.Checked
			s.run(func() {
				z, err := s.svc.Register.CloseDayWith(s.ctx, g, domain.DayCloseRequest{Counted: v, Count: count, Keep: kept, All: all})
				fyne.Do(func() {
					closeBtn.Enable()
					if err != nil {
						errL.SetText(errText(err))
						errL.Show()
						return
					}
					report.SetText(strings.Join(z.TextLinesIn(paper), "\n"))
					closeBtn.Hide()
					cancel.SetText(T("Done"))
					pdfBtn := widget.NewButton(T("Save PDF…"), func() {
						saveFile(s, "z-report-"+z.ClosedAt.Local().Format("2006-01-02")+".pdf", func(w io.Writer) error { return s.svc.Register.DayCloseFile(s.ctx, z, "pdf", w) })
					})
					xlsxBtn := widget.NewButton(T("Save XLSX…"), func() {
						saveFile(s, "z-report-"+z.ClosedAt.Local().Format("2006-01-02")+".xlsx", func(w io.Writer) error { return s.svc.Register.DayCloseFile(s.ctx, z, "xlsx", w) })
					})
					printBtn := widget.NewButton(T("Print"), func() { s.printReport(z) })
					buttons := []fyne.CanvasObject{printBtn, pdfBtn, xlsxBtn}
					if paper.German() {
						// The tax office's export of this day's close (DSFinV-K).
						day := z.ClosedAt.Local()
						from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.Local)
						buttons = append(buttons, widget.NewButton(T("DSFinV-K…"), func() {
							saveFile(s, "dsfinvk-"+day.Format("2006-01-02")+".zip", func(w io.Writer) error {
								_, err := s.svc.Register.DSFinVK(s.ctx, from, from.AddDate(0, 0, 1), s.svc.Version, w)
								return err
							})
						}))
					}
					d.SetButtons(append(buttons, cancel))
					s.status.ok(T("Day closed: %d sales, %s. The Z report is stored.", z.Sales, s.money(z.Total)))
				})
			})
		})
	}
	top := widget.NewForm(widget.NewFormItem(T("Cash counted"), container.NewBorder(nil, nil, nil, countBtn, counted)),
		widget.NewFormItem(T("Stays in the drawer"), keep))
	// A German till without a signing TSE is told so at each close.
	tseWarn := widget.NewLabel("")
	tseWarn.Wrapping = fyne.TextWrapWord
	tseWarn.Importance = widget.DangerImportance
	tseWarn.Hide()
	if s.svc.TSE != nil {
		s.run(func() {
			st := s.svc.TSE.Status(s.ctx)
			fyne.Do(func() {
				if st.Warning.Format != "" {
					tseWarn.SetText(phraseText(st.Warning))
					tseWarn.Show()
				}
			})
		})
	}
	body := container.NewBorder(container.NewVBox(tseWarn, top, grid, allTills, errL), nil, nil, nil, container.NewVScroll(report))
	d = dialog.NewCustomWithoutButtons(T("Day close (Z report) — ")+s.settings.Till, body, s.win)
	d.SetButtons([]fyne.CanvasObject{cancel, closeBtn})
	d.Resize(fyne.NewSize(760, 720))
	d.Show()
	s.win.Canvas().Focus(counted)
	preview()
}

// editProducts lists the products and edits one at a time.
func (s *registerScreen) editProducts() {
	var d *dialog.CustomDialog
	name := widget.NewEntry()
	price := widget.NewEntry()
	tax := widget.NewEntry()
	barcode := widget.NewEntry()
	quick := widget.NewCheck(T("Quick key on the register"), nil)
	errL := errLabel()
	editing := domain.Product{}
	list := widget.NewList(func() int { return len(s.products) },
		func() fyne.CanvasObject { return widget.NewLabel(T("Cappuccino with oat milk — 3.50 EUR")) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			p := s.products[id]
			o.(*widget.Label).SetText(p.Name + " — " + s.money(p.Price.Amount))
		})
	fill := func(p domain.Product) {
		editing = p
		name.SetText(p.Name)
		price.SetText("")
		if p.ID != 0 {
			price.SetText(domain.FormatAmount(p.Price.Amount, s.settings.Currency.Exponent()))
		}
		tax.SetText(discountText(p.TaxRate))
		barcode.SetText(p.Barcode)
		quick.SetChecked(p.QuickKey)
		errL.Hide()
	}
	list.OnSelected = func(id widget.ListItemID) { fill(s.products[id]) }
	save := widget.NewButton(T("Save product"), func() {
		v, err := domain.ParseAmount(price.Text, s.settings.Currency.Exponent())
		if err != nil {
			errL.SetText(T("Price: ") + errText(err))
			errL.Show()
			return
		}
		rate, err := domain.ParseTaxRate(tax.Text)
		if err != nil {
			errL.SetText(errText(err))
			errL.Show()
			return
		}
		p := editing
		p.Name, p.Price, p.TaxRate, p.Barcode, p.QuickKey = name.Text, domain.Money{Amount: v, Currency: s.settings.Currency}, rate, barcode.Text, quick.Checked
		s.run(func() {
			saved, err := s.svc.Register.SaveProduct(context.Background(), p)
			ps, lerr := s.svc.Register.Products(context.Background())
			fyne.Do(func() {
				if err != nil {
					errL.SetText(errText(err))
					errL.Show()
					return
				}
				if lerr == nil {
					s.products = ps
				}
				list.Refresh()
				s.showKeys()
				fill(saved)
				errL.SetText(T("Saved."))
				errL.Importance = widget.SuccessImportance
				errL.Show()
			})
		})
	})
	save.Importance = widget.HighImportance
	newBtn := widget.NewButton(T("New product"), func() { list.UnselectAll(); fill(domain.Product{TaxRate: s.settings.DefaultTaxRate, QuickKey: true}) })
	form := widget.NewForm(widget.NewFormItem(T("Name"), name), widget.NewFormItem(T("Price"), price), widget.NewFormItem(T("Tax %"), tax),
		widget.NewFormItem(T("Barcode"), barcode), widget.NewFormItem("", quick))
	right := container.NewVBox(form, container.NewHBox(newBtn, save), errL)
	split := container.NewHSplit(list, right)
	split.Offset = 0.45
	incl := T("Prices include tax.")
	if !s.settings.TaxInclusive {
		incl = T("Tax is added to prices.")
	}
	d = dialog.NewCustom(T("Products (")+s.settings.Currency.Code()+"; "+incl+")", T("Close"), split, s.win)
	d.Resize(fyne.NewSize(900, 560))
	fill(domain.Product{TaxRate: s.settings.DefaultTaxRate, QuickKey: true})
	d.Show()
}

// recover runs the start-up check and tells the cashier what it found.
func (s *registerScreen) recoverAtStart() {
	s.run(func() {
		found, err := s.svc.Register.Recover(s.ctx)
		fyne.Do(func() {
			if err != nil {
				s.svc.Log.Error("start-up payment check", "err", err)
				dialog.ShowError(fmt.Errorf("%s", T("Tally could not check the unfinished payments: ")+errText(err)), s.win)
				return
			}
			if len(found) == 0 {
				return
			}
			var lines []string
			for _, r := range found {
				lines = append(lines, "• "+sayText(r.Describe()))
				s.svc.Log.Info("start-up payment check", "sale", r.Sale.Number, "attempt", r.Attempt.ID, "status", string(r.Attempt.Status), "message", r.Message)
			}
			msg := widget.NewLabel(T("Tally was stopped while payments were under way. It asked Stripe what became of each:\n\n") + strings.Join(lines, "\n"))
			msg.Wrapping = fyne.TextWrapWord
			d := dialog.NewCustom(T("Unfinished payments checked"), T("OK"), container.NewVScroll(msg), s.win)
			d.Resize(fyne.NewSize(720, 360))
			d.Show()
			// Resume the last sale still waiting on a reader or a page.
			for i := len(found) - 1; i >= 0; i-- {
				r := found[i]
				if r.Attempt.Status == domain.AttemptPending && r.Err == nil && s.root != nil {
					res := domain.PaymentResult{Attempt: r.Attempt, Sale: r.Sale, Message: r.Message}
					s.showResult(res, nil)
					break
				}
			}
		})
	})
}

// editShop edits the register's settings: the shop's name on receipts and
// the customer display, the currency, whether prices include tax, the
// default tax rate and the till's name.
func (s *registerScreen) editShop() {
	rs := s.settings
	name, cur, tax, till := widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	name.SetText(rs.ShopName)
	cur.SetText(rs.Currency.Code())
	tax.SetText(discountText(rs.DefaultTaxRate))
	till.SetText(rs.Till)
	incl := widget.NewCheck(T("Prices include tax (usual in Europe; untick where tax is added at the till)"), nil)
	incl.SetChecked(rs.TaxInclusive)
	items := []*widget.FormItem{widget.NewFormItem(T("Shop name"), name), widget.NewFormItem(T("Currency"), cur),
		widget.NewFormItem("", incl), widget.NewFormItem(T("Default tax %"), tax), widget.NewFormItem(T("Till"), till)}
	d := newFormDialog(T("The register"), T("Save"), items, func() error {
		c, err := domain.CurrencyOf(cur.Text)
		if err != nil {
			return err
		}
		rate, err := domain.ParseTaxRate(tax.Text)
		if err != nil {
			return err
		}
		if s.sale != nil || len(s.cart.Lines) > 0 {
			return userErr(domain.ECONFLICT, T("Finish the sale under way, or start a new one (F12), first."))
		}
		next := domain.RegisterSettings{ShopName: strings.TrimSpace(name.Text), Currency: c, TaxInclusive: incl.Checked, DefaultTaxRate: rate, Till: till.Text}
		s.run(func() {
			err := s.svc.Register.SaveRegisterSettings(s.ctx, next)
			fyne.Do(func() {
				if err != nil {
					s.status.fail("save the register's settings", err, nil)
					return
				}
				s.status.ok(T("The register's settings are saved."))
				s.cart = domain.Cart{}
				s.load()
			})
		})
		return nil
	}, s.win)
	s.shopForm = &shopForm{d: d, name: name, currency: cur, tax: tax, inclusive: incl}
	d.Show()
}

// shopForm is the open register-settings dialog, for tests.
type shopForm struct {
	d                   *formDialog
	name, currency, tax *widget.Entry
	inclusive           *widget.Check
}
