package ui

import (
	"context"
	"fmt"
	"image/color"
	"io"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// balancesView is the Balances tab: the balances as a table, a chart of
// sales, fees, refunds and payouts by month or day, and the month report.
type balancesView struct {
	win     fyne.Window
	svc     Services
	run     runner
	status  *status
	obj     fyne.CanvasObject
	checks  *widget.Label
	table   *widget.Table
	chart   *activityChart
	by      *widget.RadioGroup
	month   *widget.Select
	rows    []domain.AccountBalance
	periods []domain.ActivityPeriod
	months  []domain.ActivityPeriod
	// Text is the tab's figures as plain text (the balances, then the
	// checks), as the tab showed them before it had a table.
	Text string
}

func newBalancesView(win fyne.Window, svc Services, run runner, st *status) *balancesView {
	v := &balancesView{win: win, svc: svc, run: run, status: st}
	v.checks = widget.NewLabel("")
	v.checks.Wrapping = fyne.TextWrapWord
	v.table = widget.NewTable(
		func() (int, int) { return len(v.rows) + 1, 4 },
		func() fyne.CanvasObject { return widget.NewLabel(T("Outstanding receipts 000")) },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.TextStyle.Bold = id.Row == 0
			l.Alignment = fyne.TextAlignLeading
			if id.Col == 3 {
				l.Alignment = fyne.TextAlignTrailing
			}
			if id.Row == 0 {
				l.SetText([]string{T("Account"), T("Name"), T("Currency"), T("Balance")}[id.Col])
				return
			}
			b := v.rows[id.Row-1]
			switch id.Col {
			case 0:
				l.SetText(b.Account)
			case 1:
				l.SetText(b.Name)
			case 2:
				l.SetText(b.Balance.Currency.Code())
			default:
				l.SetText(localAmount(b.Balance.Amount, b.Balance.Currency))
			}
		})
	for col, w := range []float32{80, 240, 90, 160} {
		v.table.SetColumnWidth(col, w)
	}
	v.chart = newActivityChart()
	v.by = widget.NewRadioGroup([]string{T("By month"), T("By day")}, nil)
	v.by.Horizontal = true
	v.by.SetSelected(T("By month"))
	v.by.OnChanged = func(string) { v.load() }
	v.month = widget.NewSelect(nil, nil)
	v.month.PlaceHolder = T("Month")
	// The chart follows the currency of the month chosen.
	v.month.OnChanged = func(sel string) {
		for _, p := range v.months {
			if monthOption(p) == sel {
				v.chart.set(v.periods, v.by.Selected != T("By day"), p.Currency)
				return
			}
		}
	}
	report := widget.NewButtonWithIcon(T("Month report…"), theme.DocumentSaveIcon(), v.saveReport)
	top := container.NewHBox(v.by, widget.NewSeparator(), container.NewGridWrap(fyne.NewSize(160, v.month.MinSize().Height), v.month), report)
	tableBox := container.NewGridWrap(fyne.NewSize(600, 260), v.table)
	v.obj = container.NewBorder(top, nil, nil, nil,
		container.NewVScroll(container.NewVBox(v.chart, tableBox, v.checks)))
	return v
}

// show puts a summary's balances and checks on screen, and reads the
// activity for the chart.
func (v *balancesView) show(res domain.ReconcileSummary) {
	v.rows = res.Balances
	v.table.Refresh()
	var b strings.Builder
	for _, c := range res.Summaries {
		fmt.Fprintf(&b, T("Balance summary %s to %s (%s): %s.\n"), c.From.Format("2006-01-02"), c.To.AddDate(0, 0, -1).Format("2006-01-02"), c.Currency, c.Status())
	}
	if m := res.Matches; m.Charges > 0 {
		fmt.Fprintf(&b, T("%d of %d charge lines matched to a payment record by Stripe id.\n"), m.Matched, m.Charges)
	}
	if len(res.Balances) == 0 {
		b.WriteString(T("Nothing is booked yet."))
	}
	v.checks.SetText(strings.TrimSpace(b.String()))
	var t strings.Builder
	for _, bal := range res.Balances {
		fmt.Fprintf(&t, "%-6s %-26s %22s\n", bal.Account, bal.Name, bal.Balance)
	}
	v.Text = t.String() + b.String()
	v.load()
}

// load reads the activity off the Fyne goroutine.
func (v *balancesView) load() {
	if v.chart == nil {
		return
	}
	monthly := v.by.Selected != T("By day")
	v.run(func() {
		ctx := context.Background()
		ps, err := v.svc.Reconcile.Activity(ctx, monthly)
		ms := ps
		if err == nil && !monthly {
			ms, err = v.svc.Reconcile.Activity(ctx, true)
		}
		var shopCur domain.Currency
		if v.svc.Settings != nil {
			if sh, err := v.svc.Settings.Shop(ctx); err == nil {
				shopCur = sh.Currency
			}
		}
		fyne.Do(func() {
			if err != nil {
				v.status.fail("read the activity", err, nil)
				return
			}
			v.periods, v.months = ps, ms
			// The shop's currency first: its newest month is chosen, and
			// the chart shows it, whatever other currencies were imported.
			opts := make([]string, 0, len(ms))
			for i := len(ms) - 1; i >= 0; i-- {
				if ms[i].Currency == shopCur {
					opts = append(opts, monthOption(ms[i]))
				}
			}
			for i := len(ms) - 1; i >= 0; i-- {
				if ms[i].Currency != shopCur {
					opts = append(opts, monthOption(ms[i]))
				}
			}
			opts = dedupe(opts)
			v.month.Options = opts
			cur := shopCur
			if v.month.Selected != "" {
				for _, p := range ms {
					if monthOption(p) == v.month.Selected {
						cur = p.Currency
					}
				}
			}
			v.chart.set(ps, monthly, cur)
			if v.month.Selected == "" && len(opts) > 0 {
				v.month.SetSelected(opts[0])
			}
			v.month.Refresh()
		})
	})
}

func monthOption(p domain.ActivityPeriod) string {
	return p.Start.Format("2006-01") + " " + p.Currency.Code()
}

func dedupe(s []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// saveReport writes the chosen month's report as PDF or XLSX.
func (v *balancesView) saveReport() {
	sel := v.month.Selected
	if sel == "" {
		v.status.warn(T("Nothing is booked yet: there is no month to report."))
		return
	}
	var month time.Time
	var cur domain.Currency
	for _, p := range v.months {
		if monthOption(p) == sel {
			month, cur = p.Start, p.Currency
		}
	}
	ext := "pdf"
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			return
		}
		path := wc.URI().Path()
		if strings.HasSuffix(strings.ToLower(path), ".xlsx") {
			ext = "xlsx"
		}
		v.run(func() {
			err := v.writeReport(month, cur, ext, wc)
			if cerr := wc.Close(); err == nil {
				err = cerr
			}
			fyne.Do(func() {
				if err != nil {
					v.status.fail("save the month report", err, nil)
					return
				}
				v.status.ok(T("Saved the month report to ") + path + ".")
			})
		})
	}, v.win)
	d.SetFileName("tally-" + month.Format("2006-01") + ".pdf")
	d.Show()
}

func (v *balancesView) writeReport(month time.Time, cur domain.Currency, format string, w io.Writer) error {
	r, err := v.svc.Reconcile.MonthReport(context.Background(), month, cur)
	if err != nil {
		return err
	}
	return v.svc.Reconcile.MonthReportFile(r, format, w)
}

// Series colours of the chart.
var (
	colorSales   = color.NRGBA{R: 0x22, G: 0x8B, B: 0x3C, A: 0xFF}
	colorFees    = color.NRGBA{R: 0xD9, G: 0x77, B: 0x06, A: 0xFF}
	colorRefunds = color.NRGBA{R: 0xC0, G: 0x26, B: 0x26, A: 0xFF}
	colorPayouts = color.NRGBA{R: 0x25, G: 0x63, B: 0xEB, A: 0xFF}
)

// activityChart draws sales, fees, refunds and payouts as grouped bars, one
// group a period (the last 12 months, or the last 31 days), in the
// currency with the most sales.
type activityChart struct {
	widget.BaseWidget
	periods  []domain.ActivityPeriod
	monthly  bool
	currency domain.Currency
}

func newActivityChart() *activityChart {
	c := &activityChart{}
	c.ExtendBaseWidget(c)
	return c
}

// set shows the periods of currency want (the shop's, or the month's
// chosen); where none is in that currency, the one with the most sales.
func (c *activityChart) set(ps []domain.ActivityPeriod, monthly bool, want domain.Currency) {
	by := map[domain.Currency]int64{}
	for _, p := range ps {
		by[p.Currency] += p.Sales
	}
	var best domain.Currency
	for cur, v := range by {
		if best.IsZero() || v > by[best] || (v == by[best] && cur.Code() < best.Code()) {
			best = cur
		}
	}
	if _, ok := by[want]; ok {
		best = want
	}
	var mine []domain.ActivityPeriod
	for _, p := range ps {
		if p.Currency == best {
			mine = append(mine, p)
		}
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].Start.Before(mine[j].Start) })
	keep := 12
	if !monthly {
		keep = 31
	}
	if len(mine) > keep {
		mine = mine[len(mine)-keep:]
	}
	c.periods, c.monthly, c.currency = mine, monthly, best
	c.Refresh()
}

func (c *activityChart) MinSize() fyne.Size { return fyne.NewSize(600, 220) }

func (c *activityChart) CreateRenderer() fyne.WidgetRenderer {
	r := &chartRenderer{c: c}
	r.rebuild()
	return r
}

type chartRenderer struct {
	c    *activityChart
	objs []fyne.CanvasObject
	size fyne.Size
}

func (r *chartRenderer) Destroy()                     {}
func (r *chartRenderer) MinSize() fyne.Size           { return r.c.MinSize() }
func (r *chartRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *chartRenderer) Refresh()                     { r.rebuild(); canvas.Refresh(r.c) }
func (r *chartRenderer) Layout(s fyne.Size)           { r.size = s; r.rebuild() }

// rebuild lays out the bars, the axis labels and the legend for the size.
func (r *chartRenderer) rebuild() {
	c, size := r.c, r.size
	if size.IsZero() {
		size = c.MinSize()
	}
	text := func(s string, x, y float32, col color.Color) *canvas.Text {
		t := canvas.NewText(s, col)
		t.TextSize = theme.CaptionTextSize()
		t.Move(fyne.NewPos(x, y))
		return t
	}
	fg := theme.Color(theme.ColorNameForeground)
	r.objs = r.objs[:0]
	if len(c.periods) == 0 {
		r.objs = append(r.objs, text(T("Nothing is booked yet: the chart shows sales, fees, refunds and payouts once lines are booked."), 0, size.Height/2, fg))
		return
	}
	legend := []struct {
		name string
		col  color.Color
	}{{T("Sales"), colorSales}, {T("Fees"), colorFees}, {T("Refunds"), colorRefunds}, {T("Payouts"), colorPayouts}}
	x := float32(0)
	for _, l := range legend {
		sw := canvas.NewRectangle(l.col)
		sw.Resize(fyne.NewSize(10, 10))
		sw.Move(fyne.NewPos(x, 4))
		r.objs = append(r.objs, sw, text(l.name, x+14, 0, fg))
		x += 90
	}
	r.objs = append(r.objs, text(c.currency.Code()+", "+map[bool]string{true: T("by month"), false: T("by day")}[c.monthly], x+10, 0, fg))
	var top int64
	for _, p := range c.periods {
		top = max(top, p.Sales, p.Fees, p.Refunds, p.Payouts)
	}
	if top == 0 {
		top = 1
	}
	const left, header, footer = float32(70), float32(24), float32(20)
	plotH := size.Height - header - footer
	plotW := size.Width - left
	axis := canvas.NewLine(fg)
	axis.Position1, axis.Position2 = fyne.NewPos(left, header+plotH), fyne.NewPos(size.Width, header+plotH)
	r.objs = append(r.objs, axis,
		text(localAmount(top, c.currency), 0, header-4, fg),
		text("0", left-16, header+plotH-12, fg))
	group := plotW / float32(len(c.periods))
	bar := min(max((group-6)/4, 1), 28)
	for i, p := range c.periods {
		gx := left + float32(i)*group + (group-4*bar)/2
		for k, v := range []int64{p.Sales, p.Fees, p.Refunds, p.Payouts} {
			h := plotH * float32(float64(v)/float64(top))
			rect := canvas.NewRectangle(legend[k].col)
			rect.Resize(fyne.NewSize(bar, h))
			rect.Move(fyne.NewPos(gx+float32(k)*bar, header+plotH-h))
			r.objs = append(r.objs, rect)
		}
		label := p.Start.Format("Jan 06")
		if !c.monthly {
			label = p.Start.Format("02")
		}
		if c.monthly || i%3 == 0 {
			r.objs = append(r.objs, text(label, gx, header+plotH+2, fg))
		}
	}
}
