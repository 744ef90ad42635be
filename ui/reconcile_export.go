package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// exportChoice is one format the Export dialog offers.
type exportChoice struct {
	format, label, ext string
}

func exportChoices() []exportChoice {
	return []exportChoice{
		{domain.FormatXLSX, T("Workbook (.xlsx): a sheet per month and the payouts"), ".xlsx"},
		{domain.FormatCSV, T("Journal CSV (.csv): one row per posting"), ".csv"},
		{domain.FormatHledger, T("hledger journal (.journal)"), ".journal"},
		{domain.FormatDATEV, T("DATEV Buchungsstapel (.csv) for the tax adviser"), ".csv"},
		{domain.FormatCAMT053, T("Bank statement camt.053 (.xml) for Odoo, Xero, Lexoffice and others"), ".xml"},
		{domain.FormatCAMT0538, T("Bank statement camt.053.001.08 (.xml)"), ".xml"},
		{domain.FormatOFX, T("Bank statement OFX (.ofx)"), ".ofx"},
	}
}

// exportForm is the Export dialog: the format, the period and, for DATEV,
// the tax adviser's numbers and the account mapping.
type exportForm struct {
	s        *reconcileScreen
	choices  []exportChoice
	format   *widget.Select
	from, to *widget.Entry
	help     *widget.Label
	datev    *fyne.Container
	// DATEV
	consultant, client, length *widget.Entry
	chart, yearStart           *widget.Select
	accounts                   *widget.Entry
	err                        *widget.Label
	next                       *widget.Button
	d                          *dialog.CustomDialog
}

func (s *reconcileScreen) chooseExport() {
	s.run(func() {
		d, err := s.svc.Reconcile.DATEVSettings(context.Background())
		fyne.Do(func() {
			if err != nil {
				s.status.fail("read the DATEV settings", err, nil)
				return
			}
			s.export = newExportForm(s, d)
		})
	})
}

func newExportForm(s *reconcileScreen, d domain.DATEVSettings) *exportForm {
	f := &exportForm{s: s, choices: exportChoices()}
	labels := make([]string, len(f.choices))
	for i, c := range f.choices {
		labels[i] = c.label
	}
	f.help = widget.NewLabel("")
	f.help.Wrapping = fyne.TextWrapWord
	f.from, f.to = widget.NewEntry(), widget.NewEntry()
	f.from.SetPlaceHolder(T("YYYY-MM-DD"))
	f.to.SetPlaceHolder(T("YYYY-MM-DD"))
	f.consultant, f.client, f.length = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	if d.Consultant != 0 {
		f.consultant.SetText(strconv.Itoa(d.Consultant))
		f.client.SetText(strconv.Itoa(d.Client))
	}
	f.length.SetText(strconv.Itoa(d.AccountLength))
	f.chart = widget.NewSelect([]string{"SKR03", "SKR04"}, func(string) { f.fillAccounts(nil) })
	months := make([]string, 12)
	for i := range months {
		months[i] = strconv.Itoa(i + 1)
	}
	f.yearStart = widget.NewSelect(months, nil)
	f.yearStart.SetSelected(strconv.Itoa(int(d.YearStart)))
	f.accounts = widget.NewMultiLineEntry()
	f.accounts.SetMinRowsVisible(4)
	f.accounts.Wrapping = fyne.TextWrapWord
	f.chart.SetSelected("SKR" + d.Chart)
	f.fillAccounts(d.Accounts)
	f.datev = container.NewVBox(widget.NewForm(
		widget.NewFormItem(T("Consultant number (Beraternummer)"), f.consultant),
		widget.NewFormItem(T("Client number (Mandantennummer)"), f.client),
		widget.NewFormItem(T("Chart of accounts"), f.chart),
		widget.NewFormItem(T("Financial year starts in month"), f.yearStart),
		widget.NewFormItem(T("Account length"), f.length),
		widget.NewFormItem(T("Accounts (Tally=DATEV)"), f.accounts),
	))
	f.err = widget.NewLabel("")
	f.err.Wrapping = fyne.TextWrapWord
	f.err.Importance = widget.DangerImportance
	f.format = widget.NewSelect(labels, func(string) { f.chosen() })
	form := widget.NewForm(
		widget.NewFormItem(T("Format"), f.format),
		widget.NewFormItem(T("From (YYYY-MM-DD)"), f.from),
		widget.NewFormItem(T("To (YYYY-MM-DD)"), f.to),
	)
	body := container.NewVBox(form, f.help, f.datev, f.err)
	f.next = widget.NewButton(T("Choose the file…"), f.submit)
	f.next.Importance = widget.HighImportance
	cancel := widget.NewButton(T("Cancel"), func() { f.d.Hide() })
	f.d = dialog.NewCustomWithoutButtons(T("Export"), container.NewVScroll(body), s.win)
	f.d.SetButtons([]fyne.CanvasObject{cancel, f.next})
	f.format.SetSelectedIndex(0)
	f.d.Show()
	f.d.Resize(fyne.NewSize(860, 640))
	return f
}

// fillAccounts writes the chart's defaults with the owner's mapping over
// them.
func (f *exportForm) fillAccounts(own map[string]string) {
	if f.accounts == nil || f.chart == nil {
		return
	}
	if own == nil {
		if cur, err := domain.ParseAccounts(f.accounts.Text); err == nil {
			own = cur
			// The old chart's defaults are not the owner's: drop them.
			for code, acct := range domain.DATEVDefaults(domain.ChartSKR03) {
				if own[code] == acct {
					delete(own, code)
				}
			}
			for code, acct := range domain.DATEVDefaults(domain.ChartSKR04) {
				if own[code] == acct {
					delete(own, code)
				}
			}
		}
	}
	m := domain.DATEVDefaults(strings.TrimPrefix(f.chart.Selected, "SKR"))
	for k, v := range own {
		m[k] = v
	}
	f.accounts.SetText(domain.FormatAccounts(m))
}

func (f *exportForm) choice() exportChoice {
	i := f.format.SelectedIndex()
	if i < 0 {
		i = 0
	}
	return f.choices[i]
}

// chosen shows what the chosen format needs and says what it is for.
func (f *exportForm) chosen() {
	c := f.choice()
	switch {
	case c.format == domain.FormatDATEV:
		f.help.SetText(T("One batch a financial year within one calendar year, in the shop's currency. Without dates: the year of the latest entry. Sales, fees, refunds and payouts are separate bookings against the Stripe balance's account."))
		f.datev.Show()
	case domain.IsStatementFormat(c.format):
		f.help.SetText(T("The Stripe balance as a bank account: one statement per month and currency, each fee an entry of its own, the charge's and payout's ids in the references, so that bookkeeping software imports and matches it like a bank statement."))
		f.datev.Hide()
	default:
		f.help.SetText(T("The whole journal, every entry with its postings."))
		f.datev.Hide()
	}
	f.err.SetText("")
}

// options reads the form; an error says which field is wrong.
func (f *exportForm) options() (domain.ExportOptions, error) {
	c := f.choice()
	opt := domain.ExportOptions{Format: c.format, Location: time.Local}
	from, to := strings.TrimSpace(f.from.Text), strings.TrimSpace(f.to.Text)
	if from != "" || to != "" {
		var err error
		if opt.From, err = time.ParseInLocation("2006-01-02", from, time.Local); err != nil {
			return opt, userErr(domain.EINVALID, T("Write the first day as YYYY-MM-DD, or leave both days empty for everything."))
		}
		if opt.To, err = time.ParseInLocation("2006-01-02", to, time.Local); err != nil {
			return opt, userErr(domain.EINVALID, T("Write the last day as YYYY-MM-DD, or leave both days empty for everything."))
		}
		opt.To = opt.To.AddDate(0, 0, 1)
		if !opt.To.After(opt.From) {
			return opt, userErr(domain.EINVALID, T("The last day is before the first."))
		}
	}
	if c.format != domain.FormatDATEV {
		return opt, nil
	}
	var d domain.DATEVSettings
	var err error
	if d.Consultant, err = strconv.Atoi(strings.TrimSpace(f.consultant.Text)); err != nil {
		return opt, userErr(domain.EINVALID, T("Enter the consultant number (Beraternummer) the tax adviser gave you."))
	}
	if d.Client, err = strconv.Atoi(strings.TrimSpace(f.client.Text)); err != nil {
		return opt, userErr(domain.EINVALID, T("Enter the client number (Mandantennummer) the tax adviser gave you."))
	}
	if d.AccountLength, err = strconv.Atoi(strings.TrimSpace(f.length.Text)); err != nil {
		return opt, userErr(domain.EINVALID, T("DATEV's account length is 4 to 8 digits."))
	}
	d.Chart = strings.TrimPrefix(f.chart.Selected, "SKR")
	d.YearStart = time.Month(f.yearStart.SelectedIndex() + 1)
	all, err := domain.ParseAccounts(f.accounts.Text)
	if err != nil {
		return opt, err
	}
	// Keep only what differs from the chart: a later change of the
	// chart's defaults then reaches this shop.
	d.Accounts = map[string]string{}
	defaults := domain.DATEVDefaults(d.Chart)
	for k, v := range all {
		if defaults[k] != v {
			d.Accounts[k] = v
		}
	}
	opt.DATEV = d
	return opt, nil
}

func (f *exportForm) submit() {
	f.err.SetText("")
	opt, err := f.options()
	if err != nil {
		f.err.SetText(errText(err))
		return
	}
	c := f.choice()
	name := "tally-journal-" + time.Now().Format("2006-01-02") + c.ext
	switch {
	case c.format == domain.FormatDATEV:
		name = "EXTF_Buchungsstapel_" + time.Now().Format("2006-01-02") + c.ext
	case domain.IsStatementFormat(c.format):
		name = "stripe-balance-" + time.Now().Format("2006-01-02") + c.ext
	}
	f.next.Disable()
	f.s.run(func() {
		var err error
		if opt.Format == domain.FormatDATEV {
			err = f.s.svc.Reconcile.SaveDATEVSettings(context.Background(), opt.DATEV)
		}
		fyne.Do(func() {
			f.next.Enable()
			if err != nil {
				f.err.SetText(errText(err))
				return
			}
			f.d.Hide()
			f.s.saveExport(opt, name, c.ext)
		})
	})
}

// saveExport asks where to write the export, then writes it.
func (s *reconcileScreen) saveExport(opt domain.ExportOptions, name, ext string) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			s.status.fail("export", err, nil)
			return
		}
		if wc == nil {
			return // cancelled
		}
		s.exportWith(opt, wc.URI().Name(), wc, func() { storage.Delete(wc.URI()) })
	}, s.win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	d.Show()
	d.Resize(fyne.NewSize(900, 600)) // after Show, as for the open dialog
}

// exportSaid is what the status line says of a finished export.
func exportSaid(res domain.ExportResult, name string) string {
	var what string
	switch {
	case domain.IsStatementFormat(res.Format):
		what = fmt.Sprintf(T("%d balance movements in %d statements"), res.Lines, res.Statements)
	case res.Entries == 1:
		what = T("1 entry")
	default:
		what = fmt.Sprintf(T("%d entries"), res.Entries)
	}
	if res.Format == domain.FormatDATEV && !res.From.IsZero() {
		what += fmt.Sprintf(T(" of %s to %s"), res.From.Format("2006-01-02"), res.To.AddDate(0, 0, -1).Format("2006-01-02"))
	}
	msg := what + T(" written to ") + name + "."
	if res.Skipped > 0 {
		if res.Format == domain.FormatDATEV && len(res.SkippedCurrencies) > 0 {
			msg += fmt.Sprintf(T(" %d entries outside the period or in %s were not written: DATEV takes one currency a batch."), res.Skipped, strings.Join(res.SkippedCurrencies, ", "))
		} else {
			msg += fmt.Sprintf(T(" %d outside the period were not written."), res.Skipped)
		}
	}
	return msg
}
