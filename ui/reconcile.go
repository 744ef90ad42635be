package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// linePage is how many lines the table loads at a time.
const linePage = 200

var lineFilters = []struct{ label, status string }{
	{T("All lines"), ""}, {T("Waiting for a decision"), "queue"}, {T("Not booked"), "unbooked"}, {T("Booked"), "booked"}, {T("Parked in suspense"), "suspense"},
	{T("Charges matched to a payment record"), "matched"}, {T("Charges without a payment record"), "unmatched"},
	{T("Charges that paid a register sale"), "sale"},
}

var lineColumns = []struct {
	title string
	width float32
}{
	{T("Date (UTC)"), 150}, {T("Category"), 100}, {T("Description"), 230}, {T("Gross"), 100}, {T("Fee"), 80}, {T("Net"), 100},
	{T("Cur."), 50}, {T("Customer paid"), 120}, {T("Booked to"), 150}, {T("Payment record"), 200}, {T("Payout"), 200}, {T("Stripe id"), 230},
}

// reconcileScreen imports statements, books them and shows the result.
type reconcileScreen struct {
	win fyne.Window
	svc Services
	run runner

	importBtn, cancelBtn, bookBtn *widget.Button
	cancelling                    bool           // Cancel was pressed: progress no longer overwrites the status
	dayFirst, monthFirst          *widget.Button // the date-order question's answers, while it is asked
	imports                       *importsPanel
	jobs                          *jobs // the long job running (import, booking, fetch, removal), if any
	exportBtn                     *widget.Button
	export                        *exportForm // the Export dialog last shown
	fetchBtn                      *widget.Button
	fetchFrom, fetchTo            *widget.Entry
	progress                      *widget.ProgressBarInfinite // an import of unknown length
	percent                       *widget.ProgressBar         // a CSV file of known size
	bars                          *fyne.Container             // the bar in use and the cancel button
	status                        *status
	filter                        *widget.Select
	table                         *widget.Table
	count                         *widget.Label
	payouts                       *widget.List
	balances                      *balancesView
	empty                         *widget.Label // what to do when there are no lines

	// The line cache: pages by number, the total for the current filter,
	// and a generation that discards answers for an older filter.
	mu      sync.Mutex
	pages   map[int][]domain.LineView
	loading map[int]bool
	total   int
	gen     int
	kept    domain.LineFilter // the filter the pages are for

	checks   []domain.PayoutCheck
	rules    *rulesPanel
	tabs     *container.AppTabs
	selected *domain.LineView // the line selected in the table
	fromLine *widget.Button
	decide   *decisionBar
	root     fyne.CanvasObject
}

func newReconcileScreen(win fyne.Window, svc Services, run runner) *reconcileScreen {
	return &reconcileScreen{win: win, svc: svc, run: run, pages: map[int][]domain.LineView{}, loading: map[int]bool{}}
}

func (s *reconcileScreen) buildUI() fyne.CanvasObject {
	if s.root != nil {
		s.reload()
		return s.root
	}
	s.status = newStatus(s.svc.Log)
	s.importBtn = widget.NewButton(T("Import Stripe export…"), s.chooseFile)
	s.importBtn.Importance = widget.HighImportance
	s.cancelBtn = widget.NewButton(T("Cancel"), func() {
		if s.jobs.busy() {
			// The job stops at its next batch, or when a stalled read
			// returns: say at once that the press was taken.
			s.jobs.stop()
			s.cancelBtn.Disable()
			s.status.busy(T("Cancelling…"))
		}
	})
	s.cancelBtn.Hide()
	s.bookBtn = widget.NewButton(T("Book lines"), s.book)
	s.exportBtn = widget.NewButton(T("Export…"), s.chooseExport)
	s.fetchFrom, s.fetchTo = widget.NewEntry(), widget.NewEntry()
	now := time.Now()
	s.fetchFrom.SetText(time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0).Format("2006-01-02"))
	s.fetchTo.SetText(now.Format("2006-01-02"))
	s.fetchBtn = widget.NewButton(T("Fetch from Stripe"), s.fetchFromStripe)
	// One job at a time: a second would take the cancel button.
	s.jobs = newJobs(s.svc.Context, s.run, s.status, s.importBtn, s.bookBtn, s.exportBtn, s.fetchBtn)
	s.jobs.onChange = s.jobChanged
	s.progress = widget.NewProgressBarInfinite()
	s.progress.Stop()
	s.progress.Hide()
	s.percent = widget.NewProgressBar()
	s.percent.Hide()
	s.filter = widget.NewSelect(nil, func(sel string) {
		if !strings.HasPrefix(sel, payoutFilterPrefix) {
			s.filter.Options = s.filter.Options[:len(lineFilters)] // a payout's entry goes with it
		}
		s.reload()
	})
	for _, f := range lineFilters {
		s.filter.Options = append(s.filter.Options, f.label)
	}
	s.count = widget.NewLabel("")
	s.table = widget.NewTableWithHeaders(
		func() (int, int) { return s.rows(), len(lineColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			// Amounts right-aligned, so their digits line up.
			l.Alignment = columnAlignment(id.Col)
			l.SetText(s.cell(id))
		},
	)
	s.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		if id.Row < 0 && id.Col >= 0 {
			l.Alignment = columnAlignment(id.Col)
			l.SetText(lineColumns[id.Col].title)
			l.TextStyle.Bold = true
		} else if id.Col < 0 {
			l.SetText(fmt.Sprint(id.Row + 1))
		}
	}
	for i, c := range lineColumns {
		s.table.SetColumnWidth(i, c.width)
	}
	s.payouts = widget.NewList(
		func() int { return len(s.checks) },
		func() fyne.CanvasObject {
			return container.NewVBox(widget.NewLabelWithStyle(T("payout"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), widget.NewLabel(T("status")))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			c := s.checks[id]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(T("%s  %s  %s", dateText(c.Date), c.PayoutID, moneyText(domain.Money{Amount: c.Paid, Currency: c.Currency})))
			st := box.Objects[1].(*widget.Label)
			st.SetText(T("%d lines, net %s: %s", c.Lines, moneyText(domain.Money{Amount: c.LinesNet, Currency: c.Currency}), c.Status()))
			switch {
			case c.OK():
				st.Importance = widget.SuccessImportance
			case c.PayoutLines > 0 && c.Lines > 0:
				st.Importance = widget.DangerImportance
			default:
				st.Importance = widget.WarningImportance
			}
			st.Refresh()
		},
	)
	s.payouts.OnSelected = func(id widget.ListItemID) {
		s.payouts.Unselect(id) // so that selecting it again shows its lines again
		s.showPayout(s.checks[id].PayoutID)
	}
	s.balances = newBalancesView(s.win, s.svc, s.run, s.status)

	s.rules = newRulesPanel(s.svc, s.run)
	s.fromLine = widget.NewButton(T("Rule from this line"), func() {
		if s.selected != nil {
			s.tabs.SelectIndex(1)
			s.rules.fromLine(*s.selected)
		}
	})
	s.fromLine.Disable()
	s.table.OnSelected = func(id widget.TableCellID) {
		s.mu.Lock()
		page, ok := s.pages[id.Row/linePage]
		s.mu.Unlock()
		if ok && id.Row%linePage < len(page) {
			l := page[id.Row%linePage]
			s.selected = &l
			s.fromLine.Enable()
			s.decide.show(&l)
		}
	}
	s.decide = newDecisionBar(s.svc, s.run, s.status, s.reload)
	s.decide.busy = s.busyWith
	s.rules.busy = s.busyWith
	s.imports = newImportsPanel(s.svc, s.run, s.win, s.status, s.removeImport)
	s.imports.busy = s.busyWith
	s.empty = widget.NewLabel(T("No statement lines yet. To bring Stripe's in, either:\n\n") +
		T("• in the Stripe Dashboard, open Reports > Balance, choose the month, download \"Balance change from activity\" (itemized) as CSV, and press Import Stripe export… above; or\n") +
		T("• choose the dates above and press Fetch from Stripe: Tally asks Stripe's API for the same lines (in demo mode, its simulator).\n\n") +
		T("Then press Book lines: sales, fees, refunds and payouts are booked by themselves; what needs a decision waits here."))
	s.empty.Wrapping = fyne.TextWrapWord
	s.empty.Hide()
	linesTab := container.NewBorder(container.NewVBox(container.NewHBox(container.NewGridWrap(fyne.NewSize(320, s.filter.MinSize().Height), s.filter), s.count, s.fromLine), s.decide.obj), nil, nil, nil,
		container.NewStack(s.table, container.NewPadded(container.NewVBox(s.empty))))
	s.tabs = container.NewAppTabs(
		container.NewTabItem(T("Statement lines"), linesTab),
		container.NewTabItem(T("Rules"), s.rules.obj),
		container.NewTabItem(T("Payouts"), container.NewBorder(
			widget.NewLabel(T("Each payout against the net of the lines it pays out. Select one to see its lines.")), nil, nil, nil, s.payouts)),
		container.NewTabItem(T("Balances"), s.balances.obj),
		container.NewTabItem(T("Imports"), s.imports.obj),
	)
	tabs := s.tabs
	help := widget.NewLabel(T("Import the reports Stripe makes under Reports > Balance (balance change from activity, payout reconciliation, itemized payouts, balance summary) or the Dashboard's Payments and Balance exports, as CSV or XLSX. Importing the same period twice adds nothing."))
	help.Wrapping = fyne.TextWrapWord
	fetchRow := container.NewHBox(widget.NewLabel(T("or fetch from")), container.NewGridWrap(fyne.NewSize(120, s.fetchFrom.MinSize().Height), s.fetchFrom),
		widget.NewLabel(T("to")), container.NewGridWrap(fyne.NewSize(120, s.fetchTo.MinSize().Height), s.fetchTo), s.fetchBtn)
	// The cancel button sits at the end of the bar, so the row of buttons
	// keeps its width while a job runs.
	s.bars = container.NewBorder(nil, nil, nil, s.cancelBtn, container.NewStack(s.progress, s.percent))
	s.bars.Hide()
	top := container.NewVBox(help, container.NewHBox(s.importBtn, s.bookBtn, s.exportBtn, fetchRow), s.bars, s.status.obj)
	s.root = container.NewBorder(top, nil, nil, nil, tabs)
	s.filter.SetSelected(lineFilters[0].label) // loads
	s.rules.load()
	s.decide.load()
	return s.root
}

// columnAlignment aligns the amounts (gross, fee, net, what the customer
// paid) to the right.
func columnAlignment(col int) fyne.TextAlign {
	if col >= 3 && col <= 5 || col == 7 {
		return fyne.TextAlignTrailing
	}
	return fyne.TextAlignLeading
}

// payoutFilterPrefix starts the line filter's entry for one payout's lines.
var payoutFilterPrefix = T("Payout ")

// showPayout shows the lines of one payout, the filter saying so.
func (s *reconcileScreen) showPayout(id string) {
	s.filter.Options = append(s.filter.Options[:len(lineFilters)], payoutFilterPrefix+id)
	s.filter.SetSelected(payoutFilterPrefix + id) // loads
	s.tabs.SelectIndex(0)
}

func (s *reconcileScreen) currentFilter() domain.LineFilter {
	if id, ok := strings.CutPrefix(s.filter.Selected, payoutFilterPrefix); ok {
		return domain.LineFilter{PayoutID: id}
	}
	for _, f := range lineFilters {
		if f.label == s.filter.Selected {
			return domain.LineFilter{Status: f.status}
		}
	}
	return domain.LineFilter{}
}

// reload drops the cached lines and reads the first page, the payouts and
// the balances again; on the Fyne goroutine.
func (s *reconcileScreen) reload() {
	s.loadLines(s.currentFilter())
	s.imports.load()
	s.run(func() {
		ctx := context.Background()
		res, err := s.svc.Reconcile.Summary(ctx)
		fyne.Do(func() {
			if err != nil {
				s.status.fail("read reconciliation", err, nil)
				return
			}
			s.checks = res.Payouts
			s.payouts.Refresh()
			s.balances.show(res)
		})
	})
}

func (s *reconcileScreen) loadLines(f domain.LineFilter) {
	if s.selected != nil { // the rows are about to change under the selection
		s.selected = nil
		s.table.UnselectAll()
		s.fromLine.Disable()
		s.decide.show(nil)
	}
	s.mu.Lock()
	s.gen++
	s.pages, s.loading, s.total, s.kept = map[int][]domain.LineView{}, map[int]bool{}, 0, f
	s.mu.Unlock()
	s.fetch(0, f)
}

// fetch loads page p for filter f off the Fyne goroutine.
func (s *reconcileScreen) fetch(p int, f domain.LineFilter) {
	s.mu.Lock()
	if s.loading[p] {
		s.mu.Unlock()
		return
	}
	s.loading[p] = true
	gen := s.gen
	s.mu.Unlock()
	s.run(func() {
		lines, total, err := s.svc.Reconcile.Lines(context.Background(), f, p*linePage, linePage)
		fyne.Do(func() {
			s.mu.Lock()
			if gen != s.gen {
				s.mu.Unlock()
				return // an answer for a filter no longer shown
			}
			if err == nil {
				s.pages[p] = lines
				if total >= 0 {
					s.total = total
				}
			}
			s.kept = f
			s.mu.Unlock()
			if err != nil {
				s.status.fail("read lines", err, nil)
				return
			}
			if n := s.rows(); n == 1 {
				s.count.SetText(T("1 line"))
			} else {
				s.count.SetText(groupThousands(n) + T(" lines")) // 1,000,000 lines
			}
			// A new shop's empty books say how to fill them.
			if s.rows() == 0 && f == (domain.LineFilter{}) {
				s.empty.Show()
				s.table.Hide()
			} else {
				s.empty.Hide()
				s.table.Show()
			}
			s.table.Refresh()
		})
	})
}

func (s *reconcileScreen) rows() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// cell returns a cell's text, asking for its page when it is not loaded.
func (s *reconcileScreen) cell(id widget.TableCellID) string {
	s.mu.Lock()
	page, ok := s.pages[id.Row/linePage]
	f := s.kept
	s.mu.Unlock()
	if !ok {
		s.fetch(id.Row/linePage, f)
		return "…"
	}
	i := id.Row % linePage
	if i >= len(page) {
		return ""
	}
	l := page[i]
	switch id.Col {
	case 0:
		return dateTimeText(l.Created, true)
	case 1:
		return l.Category
	case 2:
		return l.Description
	case 3:
		return localAmount(l.Gross, l.Currency)
	case 4:
		return localAmount(l.Fee, l.Currency)
	case 5:
		return localAmount(l.Net, l.Currency)
	case 6:
		return l.Currency.Code()
	case 7:
		return l.CustomerFacing()
	case 8:
		if !l.Bookable {
			return T("not booked (no money moved)")
		}
		if !l.Booked {
			return "—"
		}
		return l.Account
	case 9:
		return l.Payment
	case 10:
		return l.PayoutID
	case 11:
		if l.SourceID != "" {
			return l.SourceID
		}
		return l.Key
	}
	return ""
}

func (s *reconcileScreen) chooseFile() {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			s.status.fail("open file", err, nil)
			return
		}
		if rc == nil {
			return // cancelled
		}
		u := rc.URI()
		first := rc
		s.importFrom(importSource{
			name: u.Name(),
			open: func() (io.ReadCloser, error) { // on the job's goroutine, one job at a time
				if r := first; r != nil {
					first = nil
					return r, nil
				}
				return storage.Reader(u)
			},
			sizeOf: func() int64 { return fileSize(u) },
		}, domain.ImportOptions{})
	}, s.win)
	// .txt and .tsv: Excel's "Unicode Text" and tab-separated re-saves.
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".xlsx", ".xlsm", ".txt", ".tsv",
		".CSV", ".XLSX", ".XLSM", ".TXT", ".TSV"}))
	d.Show()
	d.Resize(fyne.NewSize(900, 600)) // after Show: before, Fyne 2.8's file dialog has no window yet and crashes
}

// fileSize is the size of a local file, else 0 (unknown).
func fileSize(u fyne.URI) int64 {
	if u.Scheme() != "file" {
		return 0
	}
	fi, err := os.Stat(u.Path())
	if err != nil {
		return 0
	}
	return fi.Size()
}

// isWorkbook says whether name is an Excel workbook's: it is read by its
// parts, not from start to end, so its bytes read do not measure progress.
func isWorkbook(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".xlsx" || ext == ".xlsm"
}

// countingReader counts the bytes read through it; the count may be read
// from another goroutine.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n.Add(int64(k))
	return k, err
}

// importSource is a file to import: its name, how to open it (again when
// the bookkeeper has to settle its date order first), and its size.
type importSource struct {
	name   string
	open   func() (io.ReadCloser, error) // called off the Fyne goroutine
	sizeOf func() int64                  // nil or 0: unknown; called off the Fyne goroutine
}

// importFrom imports src off the Fyne goroutine, with a progress bar and a
// cancel button. sizeOf runs off the Fyne goroutine too, as a file on a
// stalled network share could hold it. A text file of known size is read
// from start to end, so its bar says how far the import is; other imports
// show a moving bar and the rows read.
func (s *reconcileScreen) importFrom(src importSource, opt domain.ImportOptions) {
	name := src.name
	s.runJob(T("Cancel import"), T("Importing ")+name+"…", func(ctx context.Context) func() {
		r, err := src.open()
		if err != nil {
			return func() { s.status.fail("open "+name, err, nil) }
		}
		defer r.Close()
		counter := &countingReader{r: r}
		var size int64
		if src.sizeOf != nil && !isWorkbook(name) {
			size = src.sizeOf()
		}
		determinate := size > 0
		if determinate {
			fyne.Do(func() { // queued before the job's end, so always before jobDone
				s.progress.Stop()
				s.progress.Hide()
				s.percent.SetValue(0)
				s.percent.Show()
			})
		}
		res, err := s.svc.Import.Import(ctx, domain.ImportRequest{Name: name, Reader: counter, Options: opt, Progress: func(n int) {
			read := counter.n.Load()
			fyne.Do(func() {
				if determinate {
					s.percent.SetValue(min(float64(read)/float64(size), 1))
				}
				if !s.jobs.cancelling {
					s.status.busy(T("Importing %s… %s rows read", name, groupThousands(n)))
				}
			})
		}})
		return func() {
			switch {
			case err == nil:
				s.status.ok(name + ": " + res.String())
				s.reload()
			case domain.ErrorCode(err) == domain.ECANCELED:
				s.status.warn(T("Import cancelled: nothing of ") + name + T(" was written."))
			case errors.Is(err, domain.ErrAmbiguousDates) && opt.DateOrder == domain.DateAuto:
				s.status.warn(name + ": " + errText(err))
				s.askDateOrder(src, errText(err))
			default:
				s.status.fail("import "+name, err, nil)
				s.status.msg.SetText(name + ": " + describeImportError(err))
			}
		}
	})
}

// askDateOrder asks which order the dates of src are written in, then
// imports it read that way. Nothing was written in the meantime.
func (s *reconcileScreen) askDateOrder(src importSource, why string) {
	var d dialog.Dialog
	choose := func(o domain.DateOrder) func() {
		return func() {
			d.Hide()
			s.importFrom(src, domain.ImportOptions{DateOrder: o})
		}
	}
	text := widget.NewLabel(why)
	text.Wrapping = fyne.TextWrapWord
	s.dayFirst = widget.NewButton(T("Day first: 31/12/2025"), choose(domain.DateDayFirst))
	s.monthFirst = widget.NewButton(T("Month first: 12/31/2025"), choose(domain.DateMonthFirst))
	notNow := widget.NewButton(T("Do not import it"), func() {
		d.Hide()
		s.status.warn(src.name + T(" was not imported: its date order was not given."))
	})
	d = dialog.NewCustomWithoutButtons(T("How are the dates of ")+src.name+T(" written?"),
		container.NewVBox(text, container.NewHBox(s.dayFirst, s.monthFirst, notNow)), s.win)
	d.Show()
	d.Resize(fyne.NewSize(640, 180))
}

// runJob runs work off the Fyne goroutine as the screen's one long job (an
// import, a booking, a fetch, a removal): the buttons that must wait are
// disabled, and Cancel, labelled cancelLabel, cancels work's context. The
// function work returns runs on the Fyne goroutine once the job is over and
// the screen is freed.
func (s *reconcileScreen) runJob(cancelLabel, doing string, work func(ctx context.Context) (then func())) {
	s.cancelBtn.SetText(cancelLabel)
	s.jobs.start(strings.TrimPrefix(cancelLabel, T("Cancel ")), doing, work)
}

// jobChanged shows the job's cancel button and the moving bar while one
// runs (the shared jobs disable and enable the buttons that must wait).
func (s *reconcileScreen) jobChanged(busy bool) {
	if busy {
		s.cancelBtn.Show()
		s.progress.Show()
		s.progress.Start()
		s.bars.Show()
		return
	}
	s.cancelBtn.Enable()
	s.cancelBtn.Hide()
	s.progress.Stop()
	s.progress.Hide()
	s.percent.Hide()
	s.bars.Hide()
}

// removeImport takes an import out of the books as a job: a large one
// takes seconds (100,000 booked lines about one), and can be cancelled.
func (s *reconcileScreen) removeImport(id int64) {
	if why := s.busyWith(); why != "" {
		s.status.warn(why)
		return
	}
	s.runJob(T("Cancel removal"), T("Removing the import…"), func(ctx context.Context) func() {
		res, err := s.svc.Import.Remove(ctx, id)
		return func() {
			switch {
			case err == nil:
				s.status.ok(res.String())
			case domain.ErrorCode(err) == domain.ECANCELED:
				s.status.warn(T("Removal cancelled: the import and its entries are all still there."))
			default:
				s.status.fail("remove import", err, nil)
			}
			s.reload()
		}
	})
}

// busyWith says why a change to the books must wait, if it must: a long
// job holds the database, and a second writer would wait on it and then
// fail as if another copy of Tally held it.
func (s *reconcileScreen) busyWith() string {
	if !s.jobs.busy() {
		return ""
	}
	return T("Wait for the ") + s.jobs.doing() + T(" to finish, or cancel it: Tally makes one change to the books at a time.")
}

// groupThousands writes n as 1,234,567.
func groupThousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// describeImportError lists a file's bad rows, or says what went wrong.
func describeImportError(err error) string {
	var pe *domain.ParseErrors
	if errors.As(err, &pe) {
		return pe.List(8)
	}
	return errText(err)
}

// fetchFromStripe imports the balance transactions of the chosen days from Stripe.
func (s *reconcileScreen) fetchFromStripe() {
	from, err1 := time.Parse("2006-01-02", strings.TrimSpace(s.fetchFrom.Text))
	to, err2 := time.Parse("2006-01-02", strings.TrimSpace(s.fetchTo.Text))
	if err1 != nil || err2 != nil {
		s.status.fail("fetch", userErr(domain.EINVALID, T("Write the days as 2025-11-01.")), nil)
		return
	}
	s.runJob(T("Cancel fetch"), T("Asking Stripe for the balance transactions…"), func(ctx context.Context) func() {
		tctx, stop := context.WithTimeout(ctx, 10*time.Minute)
		defer stop()
		res, err := s.svc.Fetch.Fetch(tctx, domain.FetchRequest{From: from, To: to.AddDate(0, 0, 1)})
		// Whatever the error says once the request was cut, the user cancelled.
		cancelled := errors.Is(ctx.Err(), context.Canceled) || domain.ErrorCode(err) == domain.ECANCELED
		return func() {
			if err != nil && cancelled {
				s.status.warn(T("Fetch cancelled: nothing was imported."))
				return
			}
			if err != nil {
				s.status.fail("fetch", err, nil)
				return
			}
			s.status.ok(res.File + ": " + res.String())
			s.reload()
		}
	})
}

// exportFormats maps a file's extension to the journal format written in it.
var exportFormats = map[string]string{".xlsx": "xlsx", ".csv": "csv", ".journal": "hledger", ".hledger": "hledger", ".ledger": "hledger"}

// exportTo writes the journal into wc (closed afterwards) in the format its
// name says, off the Fyne goroutine. The journal goes to a temporary file
// first and into wc in one copy at the end; when it fails, discard removes
// the file the save dialog made, so that no half journal is left.
func (s *reconcileScreen) exportTo(name string, wc io.WriteCloser, discard func()) {
	format, ok := exportFormats[strings.ToLower(filepath.Ext(name))]
	if !ok {
		wc.Close()
		discard()
		s.status.fail("export", userErr(domain.EINVALID,
			T("Name the file .xlsx (a workbook with a sheet per month and the payouts), .csv (one row per posting) or .journal (for hledger): Tally writes the format the name says.")), nil)
		return
	}
	s.exportWith(domain.ExportOptions{Format: format, Location: time.Local}, name, wc, discard)
}

// exportWith writes the export opt says into wc (closed afterwards), off
// the Fyne goroutine. It goes to a temporary file first and into wc in one
// copy at the end; when it fails, discard removes the file the save dialog
// made, so that no half export is left.
func (s *reconcileScreen) exportWith(opt domain.ExportOptions, name string, wc io.WriteCloser, discard func()) {
	s.exportBtn.Disable()
	s.status.busy(T("Writing ") + name + "…")
	s.run(func() {
		res, err := s.exportVia(opt, wc)
		if err != nil {
			discard()
		}
		fyne.Do(func() {
			s.exportBtn.Enable()
			if err != nil {
				s.status.fail("export to "+name, err, nil)
				return
			}
			s.status.ok(exportSaid(res, name))
		})
	})
}

func (s *reconcileScreen) exportVia(opt domain.ExportOptions, wc io.WriteCloser) (domain.ExportResult, error) {
	cannot := func(err error) error {
		return domain.WrapError(domain.EUNAVAILABLE, T("Could not write the file: ")+err.Error()+T(". Check that the disk has room and the folder can be written to, then export again."), err)
	}
	tmp, err := os.CreateTemp("", "tally-export-*")
	if err != nil {
		wc.Close()
		return domain.ExportResult{}, cannot(err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	res, err := s.svc.Reconcile.ExportWith(context.Background(), opt, tmp)
	if err != nil {
		wc.Close()
		return res, err
	}
	if _, err = tmp.Seek(0, io.SeekStart); err == nil {
		_, err = io.Copy(wc, tmp)
	}
	if cerr := wc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return res, cannot(err)
	}
	return res, nil
}

func (s *reconcileScreen) book() {
	s.runJob(T("Cancel booking"), T("Booking lines…"), func(ctx context.Context) func() {
		res, err := s.svc.Reconcile.ReconcileProgress(ctx, func(n int) {
			fyne.Do(func() {
				if !s.jobs.cancelling {
					s.status.busy(T("Booking lines… %s booked so far", groupThousands(n)))
				}
			})
		})
		return func() {
			if domain.ErrorCode(err) == domain.ECANCELED {
				if res.Booked > 0 {
					s.status.warn(T("Booking cancelled: %s lines booked before it stopped stay booked; book again for the rest.", groupThousands(res.Booked)))
					s.reload()
					return
				}
				s.status.warn(T("Booking cancelled: nothing was booked."))
				return
			}
			if err != nil {
				s.status.fail("book lines", err, nil)
				return
			}
			bad := 0
			for _, p := range res.Payouts {
				if p.PayoutLines > 0 && p.Lines > 0 && !p.OK() {
					bad++
				}
			}
			msg := fmt.Sprintf(T("%d lines booked now; %d of %d bookable lines are booked, %d parked in suspense, %d waiting on a suggestion."),
				res.Booked, res.Counts.Booked, res.Counts.Bookable, res.Counts.Suspense, res.Waiting)
			if res.InvoiceEntries > 0 {
				msg += fmt.Sprintf(T(" %d invoice entries booked."), res.InvoiceEntries)
			}
			if res.SalesBooked > 0 || res.MatchedToSales > 0 {
				msg += fmt.Sprintf(T(" %d register sales booked, %d charges matched to a sale."), res.SalesBooked, res.MatchedToSales)
			}
			if bad > 0 {
				s.status.warn(msg + T(" %d payouts do not add up: see Payouts.", bad))
			} else {
				s.status.ok(msg)
			}
			s.reload()
		}
	})
}
