package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"

	"tally/domain"
	"tally/reports"
)

const reconActivity = `balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,automatic_payout_id
txn_a,2025-11-01 10:00:00,2025-11-03 00:00:00,eur,100.00,3.20,96.80,charge,ch_a,Sale A,po_1
txn_b,2025-11-01 11:00:00,2025-11-03 00:00:00,eur,50.00,1.70,48.30,charge,ch_b,Sale B,po_1
txn_c,2025-11-02 09:00:00,2025-11-03 00:00:00,eur,-20.00,0.00,-20.00,refund,re_c,Refund B,po_1
txn_d,2025-11-02 09:30:00,2025-11-03 00:00:00,eur,1.50,0.00,1.50,adjustment,adj_d,Goodwill credit,
`

const reconPayout = `payout_id,effective_at,currency,gross,fee,net,reporting_category,balance_transaction_id,description,payout_expected_arrival_date,payout_status
po_1,2025-11-03 00:00:00,eur,125.10,0.00,125.10,payout,txn_p1,STRIPE PAYOUT,2025-11-04 00:00:00,paid
`

func (f *fixture) reconcileScreen(t *testing.T) *reconcileScreen {
	t.Helper()
	if !f.shell.Show("Reconciliation") {
		t.Fatal("no Reconciliation page")
	}
	return f.shell.recon
}

// textFile is a file to import holding content; it opens as often as asked.
func textFile(name, content string) importSource {
	return importSource{name: name, open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(content)), nil }}
}

// once opens r, once.
func once(r io.Reader) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		if r == nil {
			return nil, errors.New("opened twice")
		}
		rc := io.NopCloser(r)
		r = nil
		return rc, nil
	}
}

func TestReconcileScreen(t *testing.T) {
	f := newFixture(t)
	s := f.reconcileScreen(t)
	s.importFrom(textFile("payout_reconciliation.csv", reconActivity), domain.ImportOptions{})
	wantStatus(t, s.status, "4 lines, 4 new")
	s.importFrom(textFile("payouts.csv", reconPayout), domain.ImportOptions{})
	wantStatus(t, s.status, "1 line, 1 new")
	s.importFrom(textFile("payout_reconciliation.csv", reconActivity), domain.ImportOptions{})
	wantStatus(t, s.status, "4 lines, 0 new")
	if s.rows() != 5 || s.count.Text != "5 lines" { // plural() words it
		t.Fatalf("table rows = %d (%q)", s.rows(), s.count.Text)
	}
	if got := s.cell(widget.TableCellID{Row: 0, Col: 2}); got != "STRIPE PAYOUT" {
		t.Errorf("newest line = %q", got)
	}
	test.Tap(s.bookBtn)
	wantStatus(t, s.status, "5 lines booked now; 5 of 5 bookable lines are booked, 1 parked in suspense")
	if len(s.checks) != 1 || !s.checks[0].OK() {
		t.Fatalf("payout checks = %+v", s.checks)
	}
	if !strings.Contains(s.balances.Text, "Stripe balance") || !strings.Contains(s.balances.Text, "1.50 EUR") {
		t.Errorf("balances = %q", s.balances.Text)
	}
	// The charges without a payment record: no Payments export was imported.
	s.filter.SetSelected("Charges without a payment record")
	if s.rows() != 2 {
		t.Fatalf("unmatched charges: %d rows", s.rows())
	}
	s.filter.SetSelected("Charges matched to a payment record")
	if s.rows() != 0 {
		t.Fatalf("matched charges: %d rows", s.rows())
	}
	// The queue of lines that need a decision.
	s.filter.SetSelected("Waiting for a decision")
	if s.rows() != 1 || s.cell(widget.TableCellID{Row: 0, Col: 2}) != "Goodwill credit" {
		t.Fatalf("suspense queue: %d rows", s.rows())
	}
	// A payout's own lines, on the lines tab, the filter naming the payout.
	s.tabs.SelectIndex(2)
	s.payouts.Select(0)
	if s.rows() != 4 || s.tabs.SelectedIndex() != 0 || s.filter.Selected != "Payout "+s.checks[0].PayoutID {
		t.Fatalf("payout lines = %d, tab %d, filter %q", s.rows(), s.tabs.SelectedIndex(), s.filter.Selected)
	}
	// Selecting it again (from another tab) shows them again.
	s.filter.SetSelected("All lines")
	if s.rows() != 5 || len(s.filter.Options) != len(lineFilters) {
		t.Fatalf("all lines again: %d rows, filter options %v", s.rows(), s.filter.Options)
	}
	s.tabs.SelectIndex(2)
	s.payouts.Select(0)
	if s.rows() != 4 || s.tabs.SelectedIndex() != 0 {
		t.Fatalf("second time: payout lines = %d, tab %d", s.rows(), s.tabs.SelectedIndex())
	}
	// A reload (after booking, an import) keeps the payout's filter.
	s.reload()
	if s.rows() != 4 {
		t.Fatalf("after a reload: %d rows", s.rows())
	}
}

func TestReconcileScreenBadFile(t *testing.T) {
	f := newFixture(t)
	s := f.reconcileScreen(t)
	bad := reconActivity + "txn_e,2025-11-02 09:00:00,,eur,abc,0.00,1.00,charge,ch_e,x,\n"
	s.importFrom(textFile("bad.csv", bad), domain.ImportOptions{})
	wantStatus(t, s.status, "1 bad row; nothing was imported")
	wantStatus(t, s.status, "line 6, column gross")
	if s.rows() != 0 {
		t.Fatalf("a failed import wrote %d lines", s.rows())
	}
	s.importFrom(textFile("notes.txt", "just some notes\nnothing else\n"), domain.ImportOptions{})
	wantStatus(t, s.status, "not a Stripe export")
}

// queueLineSelected imports and books the test activity, and selects the
// one line waiting for a decision.
func queueLineSelected(t *testing.T) (*fixture, *reconcileScreen) {
	t.Helper()
	f := newFixture(t)
	s := f.reconcileScreen(t)
	s.importFrom(textFile("payout_reconciliation.csv", reconActivity), domain.ImportOptions{})
	test.Tap(s.bookBtn)
	s.filter.SetSelected("Waiting for a decision")
	s.table.Select(widget.TableCellID{Row: 0, Col: 2})
	return f, s
}

func TestRuleFromLine(t *testing.T) {
	_, s := queueLineSelected(t)
	if s.fromLine.Disabled() {
		t.Fatal("selecting a line does not offer a rule")
	}
	test.Tap(s.fromLine)
	p := s.rules
	if p.category.Text != "adjustment" || p.pattern.Text != `^Goodwill credit$` {
		t.Fatalf("rule from line: %q %q", p.category.Text, p.pattern.Text)
	}
	wantStatus(t, p.status, "would take 1 line")
	if !strings.Contains(p.preview.Text, "Goodwill credit") {
		t.Errorf("preview = %q", p.preview.Text)
	}
	test.Tap(p.saveBtn)
	if e := p.errs["account"]; !e.Visible() {
		t.Fatal("a rule without an account was saved")
	}
	p.account.SetSelected("4000 Sales")
	test.Tap(p.saveBtn)
	wantStatus(t, p.status, "Saved")
	if len(p.rules) != 1 {
		t.Fatalf("rules = %d", len(p.rules))
	}
	test.Tap(s.bookBtn)
	wantStatus(t, s.status, "0 parked in suspense")
	// A broken pattern is refused beside the field.
	test.Tap(p.newBtn)
	p.name.SetText("Broken")
	p.pattern.SetText("(unclosed")
	p.account.SetSelected("4000 Sales")
	test.Tap(p.saveBtn)
	if e := p.errs["description"]; !e.Visible() || !strings.Contains(e.Text, "not a valid regular expression") {
		t.Fatalf("pattern error = %q", e.Text)
	}
}

func TestFetchFromStripe(t *testing.T) {
	f := newFixture(t)
	s := f.reconcileScreen(t)
	s.fetchFrom.SetText("2000-01-01")
	s.fetchTo.SetText("2099-12-31")
	test.Tap(s.fetchBtn)
	wantStatus(t, s.status, "9 lines, 9 new")
	if s.rows() != 9 {
		t.Fatalf("rows = %d", s.rows())
	}
	s.fetchTo.SetText("31/12/2099")
	test.Tap(s.fetchBtn)
	wantStatus(t, s.status, "Write the days as 2025-11-01")
	f.sim.FailNext(domain.Errorf(domain.EUNAVAILABLE, "Could not connect to Stripe. Check that this computer is connected to the internet, then try again."))
	s.fetchTo.SetText("2099-12-31")
	test.Tap(s.fetchBtn)
	wantStatus(t, s.status, "Could not connect to Stripe")
	// Cancelled while Stripe answers: said so, nothing imported, the buttons back.
	f.sim.FailNext(context.Canceled)
	test.Tap(s.fetchBtn)
	wantStatus(t, s.status, "Fetch cancelled: nothing was imported.")
	if s.rows() != 9 || s.cancelBtn.Visible() || s.fetchBtn.Disabled() || s.importBtn.Disabled() {
		t.Errorf("after a cancelled fetch: %d rows, cancel visible %v, fetch disabled %v, import disabled %v",
			s.rows(), s.cancelBtn.Visible(), s.fetchBtn.Disabled(), s.importBtn.Disabled())
	}
}

func TestDecisionBar(t *testing.T) {
	f := newFixture(t)
	s := f.reconcileScreen(t)
	s.importFrom(textFile("payout_reconciliation.csv", reconActivity), domain.ImportOptions{})
	test.Tap(s.bookBtn)
	d := s.decide
	if !d.bookBtn.Disabled() {
		t.Fatal("the decision bar is open with no line selected")
	}
	// A booked line (the refund, second newest) offers no decision.
	s.table.Select(widget.TableCellID{Row: 1, Col: 2})
	if !d.bookBtn.Disabled() || !strings.Contains(d.why.Text, "Booked to") {
		t.Fatalf("booked line: disabled=%v why=%q", d.bookBtn.Disabled(), d.why.Text)
	}
	s.filter.SetSelected("Waiting for a decision")
	s.table.Select(widget.TableCellID{Row: 0, Col: 2})
	if d.bookBtn.Disabled() || !strings.Contains(d.why.Text, "choose its account") || d.account.Selected != "" {
		t.Fatalf("parked line: disabled=%v why=%q account=%q", d.bookBtn.Disabled(), d.why.Text, d.account.Selected)
	}
	for _, o := range d.account.Options {
		if strings.HasPrefix(o, domain.AcctSuspense) || strings.HasPrefix(o, domain.AcctStripeBalance) {
			t.Fatalf("suspense offered as a decision: %v", d.account.Options)
		}
	}
	test.Tap(d.bookBtn)
	wantStatus(t, s.status, "Choose the account")
	d.account.SetSelected("4000 Sales")
	test.Tap(d.bookBtn)
	wantStatus(t, s.status, "Booked “Goodwill credit” to 4000 Sales")
	if s.rows() != 0 || !d.bookBtn.Disabled() {
		t.Fatalf("queue after the decision: %d rows", s.rows())
	}
	test.Tap(s.bookBtn)
	wantStatus(t, s.status, "0 parked in suspense")
}

func TestDecisionBarSuggestion(t *testing.T) {
	f := newFixture(t)
	s := f.reconcileScreen(t)
	if _, err := s.svc.Rules.Save(context.Background(), domain.Rule{Name: "Goodwill", Description: "goodwill", Account: domain.AcctSales, Label: "Stripe"}); err != nil {
		t.Fatal(err)
	}
	s.importFrom(textFile("payout_reconciliation.csv", reconActivity), domain.ImportOptions{})
	test.Tap(s.bookBtn)
	wantStatus(t, s.status, "1 waiting on a suggestion")
	s.filter.SetSelected("Waiting for a decision")
	s.table.Select(widget.TableCellID{Row: 0, Col: 2})
	d := s.decide
	if d.account.Selected != "4000 Sales" || !strings.Contains(d.why.Text, "Goodwill") {
		t.Fatalf("suggestion: %q %q", d.account.Selected, d.why.Text)
	}
	// The line was booked meanwhile, elsewhere: the bar says so and nothing changes.
	if _, err := s.svc.Reconcile.Book(context.Background(), domain.BookRequest{Key: "txn_d", Account: domain.AcctRefunds}); err != nil {
		t.Fatal(err)
	}
	test.Tap(d.bookBtn)
	wantStatus(t, s.status, "already booked to 4900")
	s.filter.SetSelected("All lines")
	if got := s.cell(widget.TableCellID{Row: 0, Col: 8}); !strings.HasPrefix(got, "4900") {
		t.Fatalf("txn_d booked to %q", got)
	}
}

// bigActivity is a balance-change export of n charges.
func bigActivity(n int) *strings.Builder {
	var b strings.Builder
	b.WriteString("balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description\n")
	for i := range n {
		fmt.Fprintf(&b, "txn_%05d,2025-11-01 10:00:00,2025-11-03 00:00:00,eur,10.00,0.50,9.50,charge,ch_%05d,Sale %d\n", i, i, i)
	}
	return &b
}

// tapAfter is a file that taps a button once its reader has read past n
// bytes: the user pressing Cancel in the middle of an import.
type tapAfter struct {
	r    io.Reader
	n    int
	read int
	tap  func()
}

func (t *tapAfter) Read(p []byte) (int, error) {
	k, err := t.r.Read(p)
	t.read += k
	if t.tap != nil && t.read > t.n {
		t.tap()
		t.tap = nil
	}
	return k, err
}

func TestImportCancel(t *testing.T) {
	f := newFixture(t)
	s := f.reconcileScreen(t)
	b := bigActivity(20000)
	file := &tapAfter{r: strings.NewReader(b.String()), n: 200_000, tap: func() {
		if !s.cancelBtn.Visible() || !s.importBtn.Disabled() || !s.fetchBtn.Disabled() || !s.bookBtn.Disabled() {
			t.Errorf("during the import: cancel visible %v, import disabled %v, fetch disabled %v, book disabled %v",
				s.cancelBtn.Visible(), s.importBtn.Disabled(), s.fetchBtn.Disabled(), s.bookBtn.Disabled())
		}
		test.Tap(s.cancelBtn)
		if s.status.msg.Text != "Cancelling…" || !s.cancelBtn.Disabled() {
			t.Errorf("after Cancel: status %q, cancel disabled %v", s.status.msg.Text, s.cancelBtn.Disabled())
		}
	}}
	s.importFrom(importSource{name: "big.csv", open: once(file)}, domain.ImportOptions{})
	wantStatus(t, s.status, "Import cancelled: nothing of big.csv was written.")
	if s.cancelBtn.Disabled() {
		t.Error("the cancel button stays disabled for the next job")
	}
	if s.rows() != 0 {
		t.Errorf("a cancelled import left %d lines", s.rows())
	}
	if s.cancelBtn.Visible() || s.importBtn.Disabled() || s.progress.Visible() {
		t.Errorf("after the import: cancel visible %v, import disabled %v, progress visible %v",
			s.cancelBtn.Visible(), s.importBtn.Disabled(), s.progress.Visible())
	}
	// The same file, not cancelled, imports whole.
	s.importFrom(textFile("big.csv", b.String()), domain.ImportOptions{})
	wantStatus(t, s.status, "20000 lines, 20000 new")
	if s.count.Text != "20,000 lines" {
		t.Errorf("count = %q", s.count.Text)
	}
}

// TestImportProgress: a CSV file of known size shows how far its import is.
func TestImportProgress(t *testing.T) {
	f := newFixture(t)
	s := f.reconcileScreen(t)
	b := bigActivity(20000)
	var during string
	file := &tapAfter{r: strings.NewReader(b.String()), n: b.Len() * 3 / 4, tap: func() {
		if !s.percent.Visible() || s.progress.Visible() {
			t.Errorf("during a CSV import of known size: percent bar visible %v, moving bar visible %v", s.percent.Visible(), s.progress.Visible())
		}
		during = s.status.msg.Text
	}}
	s.importFrom(importSource{name: "big.csv", open: once(file), sizeOf: func() int64 { return int64(b.Len()) }}, domain.ImportOptions{})
	if !strings.Contains(during, ",") || !strings.Contains(during, " rows read") || s.percent.Value <= 0.5 {
		t.Errorf("status during the import = %q, bar at %v", during, s.percent.Value)
	}
	wantStatus(t, s.status, "20000 lines, 20000 new")
	if s.percent.Visible() {
		t.Error("the bar stays after the import")
	}
	if got := groupThousands(1234567); got != "1,234,567" {
		t.Errorf("groupThousands = %q", got)
	}
}

// TestImportOpensFileDialog: the import button opens a file dialog (with
// Fyne 2.8 a file dialog resized before it is shown crashed the app).
func TestImportOpensFileDialog(t *testing.T) {
	f := newFixture(t)
	s := f.reconcileScreen(t)
	test.Tap(s.importBtn)
	if f.shell.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no file dialog after tapping Import")
	}
}

func TestExportJournal(t *testing.T) {
	f := newFixture(t)
	s := f.reconcileScreen(t)
	s.importFrom(textFile("payout_reconciliation.csv", reconActivity), domain.ImportOptions{})
	test.Tap(s.bookBtn)
	dir := t.TempDir()
	for _, c := range []struct{ name, want string }{
		{"journal.journal", "assets:Stripe balance"},
		{"journal.csv", "Stripe balance"},
		{"journal.xlsx", "PK"},
	} {
		path := filepath.Join(dir, c.name)
		out, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		discarded := false
		s.exportTo(c.name, out, func() { discarded = true })
		wantStatus(t, s.status, "4 entries written to "+c.name)
		b, _ := os.ReadFile(path)
		if discarded || !strings.Contains(string(b), c.want) {
			t.Errorf("%s: discarded %v, %d bytes, want %q in it", c.name, discarded, len(b), c.want)
		}
	}
	// A name that says no format: nothing written, the file the dialog made removed.
	out, err := os.Create(filepath.Join(dir, "journal.txt"))
	if err != nil {
		t.Fatal(err)
	}
	discarded := false
	s.exportTo("journal.txt", out, func() { discarded = true })
	wantStatus(t, s.status, "Name the file .xlsx")
	if !discarded {
		t.Error("the empty file was kept")
	}
	// A writer that fails: the status says so and the file is discarded.
	discarded = false
	s.exportTo("journal.csv", failingFile{}, func() { discarded = true })
	wantStatus(t, s.status, "disk full")
	if !discarded {
		t.Error("a failed export kept its file")
	}
	if s.exportBtn.Disabled() {
		t.Error("the export button stays disabled")
	}
}

type failingFile struct{}

func (failingFile) Write([]byte) (int, error) { return 0, errors.New("disk full") }
func (failingFile) Close() error              { return nil }

// TestExportOpensFileDialog: the export button opens a save dialog.
func TestExportOpensFileDialog(t *testing.T) {
	f := newFixture(t)
	s := f.reconcileScreen(t)
	test.Tap(s.exportBtn)
	if f.shell.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no file dialog after tapping Export")
	}
}

// TestOneJobAtATime: while an import runs, saving a rule and booking a line
// from the queue wait, saying why, instead of waiting on the database and
// failing as if another copy of Tally held it.
func TestOneJobAtATime(t *testing.T) {
	_, s := queueLineSelected(t)
	test.Tap(s.fromLine)
	p, d := s.rules, s.decide
	p.account.SetSelected("4000 Sales")
	d.account.SetSelected(d.account.Options[0])
	b := bigActivity(20000)
	var rulesSaid, bookSaid string
	file := &tapAfter{r: strings.NewReader(b.String()), n: 200_000, tap: func() {
		test.Tap(p.saveBtn)
		rulesSaid = p.status.msg.Text
		test.Tap(d.bookBtn)
		bookSaid = s.status.msg.Text
	}}
	s.importFrom(importSource{name: "big.csv", open: once(file)}, domain.ImportOptions{})
	wantStatus(t, s.status, "20000 lines, 20000 new")
	for what, said := range map[string]string{"saving a rule": rulesSaid, "booking a line": bookSaid} {
		if !strings.Contains(said, "Wait for the import to finish, or cancel it") {
			t.Errorf("%s during the import said %q", what, said)
		}
	}
	if len(p.rules) != 0 {
		t.Errorf("%d rules saved during the import", len(p.rules))
	}
	// Afterwards both go ahead.
	test.Tap(p.saveBtn)
	wantStatus(t, p.status, "Saved")
}

// TestImportAsksDateOrder: a file whose dates read both ways is not
// imported until the bookkeeper says how they are written, once; then it
// is read that way.
func TestImportAsksDateOrder(t *testing.T) {
	const ambiguous = "balance_transaction_id,created,available_on,currency,gross,fee,net,reporting_category,description\n" +
		"txn_a1,01-02-2025 10:00,01-02-2025 10:00,eur,10.00,0.50,9.50,charge,A\n" +
		"txn_a2,02-01-2025 10:00,02-01-2025 10:00,eur,20.00,0.70,19.30,charge,B\n"
	f := newFixture(t)
	s := f.reconcileScreen(t)
	s.importFrom(textFile("ambiguous.csv", ambiguous), domain.ImportOptions{})
	wantStatus(t, s.status, "01-02-2025 10:00 could be day first (31/12) or month first (12/31)")
	if s.rows() != 0 || s.dayFirst == nil || f.shell.win.Canvas().Overlays().Top() == nil {
		t.Fatalf("rows %d, question asked %v", s.rows(), s.dayFirst != nil)
	}
	test.Tap(s.dayFirst)
	wantStatus(t, s.status, "2 lines, 2 new")
	// Day first, A (01-02-2025) is 1 February, the newest.
	if date, desc := s.cell(widget.TableCellID{Row: 0, Col: 0}), s.cell(widget.TableCellID{Row: 0, Col: 2}); date != "2025-02-01 10:00:00" || desc != "A" {
		t.Errorf("newest line %q dated %q, want A on 1 February", desc, date)
	}
	if f.shell.win.Canvas().Overlays().Top() != nil {
		t.Error("the question stays open")
	}
	// Month first, in a fresh database: B (02-01-2025) is 1 February.
	g := newFixture(t)
	s = g.reconcileScreen(t)
	s.importFrom(textFile("ambiguous.csv", ambiguous), domain.ImportOptions{})
	test.Tap(s.monthFirst)
	wantStatus(t, s.status, "2 lines, 2 new")
	if date, desc := s.cell(widget.TableCellID{Row: 0, Col: 0}), s.cell(widget.TableCellID{Row: 0, Col: 2}); date != "2025-02-01 10:00:00" || desc != "B" {
		t.Errorf("month first: newest line %q dated %q, want B on 1 February", desc, date)
	}
}

// TestImportFileThatCannotBeOpened: the file went away between the dialog
// and the import.
func TestImportFileThatCannotBeOpened(t *testing.T) {
	f := newFixture(t)
	s := f.reconcileScreen(t)
	s.importFrom(importSource{name: "gone.csv", open: func() (io.ReadCloser, error) {
		return nil, domain.Errorf(domain.ENOTFOUND, "gone.csv is no longer there.")
	}}, domain.ImportOptions{})
	wantStatus(t, s.status, "gone.csv is no longer there")
	if s.importBtn.Disabled() || s.cancelBtn.Visible() {
		t.Error("the screen stays busy after a file that could not be opened")
	}
}

// tapButtonIn taps the button labelled label among obj's descendants.
func tapButtonIn(t *testing.T, obj fyne.CanvasObject, label string) {
	t.Helper()
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == label {
			found = b
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, k := range c.Objects {
				walk(k)
			}
		}
		if w, ok := o.(fyne.Widget); ok && found == nil {
			if r := test.WidgetRenderer(w); r != nil {
				for _, k := range r.Objects() {
					walk(k)
				}
			}
		}
	}
	walk(obj)
	if found == nil {
		t.Fatalf("no %q button", label)
	}
	test.Tap(found)
}

// TestRemoveImportScreen: the Imports tab lists the files; one removed
// after the question leaves the lines, the payout check and the balances.
func TestRemoveImportScreen(t *testing.T) {
	f := newFixture(t)
	s := f.reconcileScreen(t)
	s.importFrom(textFile("payout_reconciliation.csv", reconActivity), domain.ImportOptions{})
	s.importFrom(textFile("payouts.csv", reconPayout), domain.ImportOptions{})
	test.Tap(s.bookBtn)
	wantStatus(t, s.status, "5 lines booked now")
	p := s.imports
	if len(p.history) != 2 || p.history[0].File != "payouts.csv" || !p.removeBtn.Disabled() {
		t.Fatalf("history %+v, remove disabled %v", p.history, p.removeBtn.Disabled())
	}
	p.list.Select(1) // payout_reconciliation.csv
	test.Tap(p.removeBtn)
	if p.confirm == nil {
		t.Fatal("no question before removing")
	}
	top := f.shell.win.Canvas().Overlays().Top()
	tapButtonIn(t, top, "Keep it")
	if s.rows() != 5 || p.confirm != nil {
		t.Fatalf("after Keep it: %d rows", s.rows())
	}
	p.list.Select(1)
	test.Tap(p.removeBtn)
	tapButtonIn(t, f.shell.win.Canvas().Overlays().Top(), "Remove")
	wantStatus(t, s.status, "Removed payout_reconciliation.csv: 4 lines, 4 booked entries.")
	if s.rows() != 1 || len(p.history) != 1 {
		t.Fatalf("after removal: %d rows, %d imports", s.rows(), len(p.history))
	}
	if len(s.checks) != 1 || s.checks[0].OK() {
		t.Errorf("the payout check still adds up without its lines: %+v", s.checks)
	}
}

// TestBalancesTab: the balances as a table, the chart of the month's
// sales, fees, refunds and payouts, and the month report as PDF and XLSX.
func TestBalancesTab(t *testing.T) {
	f := newFixture(t)
	s := f.reconcileScreen(t)
	b := s.balances
	if !s.empty.Visible() || !strings.Contains(s.empty.Text, "Fetch from Stripe") {
		t.Fatal("a new shop's empty lines say nothing of what to do")
	}
	if len(b.rows) != 0 || len(b.chart.periods) != 0 || !strings.Contains(b.checks.Text, "Nothing is booked yet") {
		t.Fatalf("empty books: %d rows, %d periods, %q", len(b.rows), len(b.chart.periods), b.checks.Text)
	}
	s.importFrom(textFile("payout_reconciliation.csv", reconActivity), domain.ImportOptions{})
	s.importFrom(textFile("payouts.csv", reconPayout), domain.ImportOptions{})
	test.Tap(s.bookBtn)
	if s.empty.Visible() {
		t.Fatal("the empty state stays over the lines")
	}
	if len(b.rows) == 0 {
		t.Fatal("no balances")
	}
	rows, cols := b.table.Length()
	if rows != len(b.rows)+1 || cols != 4 {
		t.Fatalf("table %dx%d for %d balances", rows, cols, len(b.rows))
	}
	if len(b.chart.periods) != 1 {
		t.Fatalf("chart periods %+v", b.chart.periods)
	}
	p := b.chart.periods[0]
	if p.Sales != 15000 || p.Fees != 490 || p.Refunds != 2000 || p.Payouts != 12510 || b.chart.currency.Code() != "EUR" {
		t.Fatalf("November: %+v", p)
	}
	b.by.SetSelected("By day")
	if len(b.chart.periods) != 3 || b.chart.monthly {
		t.Fatalf("by day: %+v", b.chart.periods)
	}
	if b.month.Selected != "2025-11 EUR" {
		t.Fatalf("month choice %q (%v)", b.month.Selected, b.month.Options)
	}
	var pdf, xlsx bytes.Buffer
	if err := b.writeReport(p.Start, p.Currency, "pdf", &pdf); err != nil || !strings.HasPrefix(pdf.String(), "%PDF") {
		t.Fatalf("pdf: %v", err)
	}
	if err := b.writeReport(p.Start, p.Currency, "xlsx", &xlsx); err != nil || xlsx.Len() == 0 {
		t.Fatalf("xlsx: %v", err)
	}
	x, err := excelize.OpenReader(&xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rowsX, _ := x.GetRows(x.GetSheetList()[0])
	found := false
	for _, r := range rowsX {
		if len(r) == 2 && r[0] == "Sales" && r[1] == "150.00 EUR" {
			found = true
		}
	}
	if !found {
		t.Fatalf("month report rows %v", rowsX)
	}
}

// TestChartFollowsTheCurrency: a EUR shop that imported more HKD than EUR
// sees its EUR first; choosing an HKD month shows HKD, and back.
func TestChartFollowsTheCurrency(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.Settings.SaveShop(bg, domain.Shop{Name: "Shop", Country: "IE", Currency: domain.MustCurrency("EUR"), TimeZone: "Europe/Dublin"}); err != nil {
		t.Fatal(err)
	}
	s := f.reconcileScreen(t)
	b := s.balances
	s.importFrom(textFile("payout_reconciliation.csv", reconActivity), domain.ImportOptions{})
	hkd := "balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category\n" +
		"txn_h1,2025-10-02 10:00:00,hkd,90000.00,30.00,89970.00,charge\n"
	s.importFrom(textFile("hkd.csv", hkd), domain.ImportOptions{})
	test.Tap(s.bookBtn)
	if b.chart.currency.Code() != "EUR" || !strings.HasSuffix(b.month.Selected, "EUR") {
		t.Fatalf("chart in %s, month %q (%v)", b.chart.currency, b.month.Selected, b.month.Options)
	}
	b.month.SetSelected("2025-10 HKD")
	if b.chart.currency.Code() != "HKD" || len(b.chart.periods) != 1 {
		t.Fatalf("after choosing HKD: %s %+v", b.chart.currency, b.chart.periods)
	}
	b.month.SetSelected("2025-11 EUR")
	if b.chart.currency.Code() != "EUR" {
		t.Fatalf("back to EUR: %s", b.chart.currency)
	}
}

// TestExportDialog: the Export dialog offers every format; DATEV asks for
// the adviser's numbers (a wrong one is said in the dialog, which stays),
// keeps them, and writes a batch that reads back; a camt.053 export of the
// same books is a statement whose entries are the lines.
func TestExportDialog(t *testing.T) {
	f := newFixture(t)
	s := f.reconcileScreen(t)
	s.importFrom(textFile("payout_reconciliation.csv", reconActivity), domain.ImportOptions{})
	test.Tap(s.bookBtn)
	test.Tap(s.exportBtn)
	x := s.export
	if x == nil || len(x.format.Options) != 7 {
		t.Fatalf("the export dialog offers %v", x)
	}
	if x.datev.Visible() {
		t.Error("the DATEV fields show for the workbook")
	}
	x.format.SetSelectedIndex(3) // DATEV
	if !x.datev.Visible() || !strings.Contains(x.accounts.Text, "4000=8200") {
		t.Fatalf("DATEV fields: visible %v, accounts %q", x.datev.Visible(), x.accounts.Text)
	}
	x.chart.SetSelected("SKR04")
	if !strings.Contains(x.accounts.Text, "4000=4200") || strings.Contains(x.accounts.Text, "4000=8200") {
		t.Errorf("SKR04's accounts: %q", x.accounts.Text)
	}
	test.Type(x.consultant, "12")
	test.Type(x.client, "7")
	test.Tap(x.next)
	if !strings.Contains(x.err.Text, "1001 to 9999999") {
		t.Fatalf("a wrong consultant number: %q", x.err.Text)
	}
	x.consultant.SetText("29098")
	x.accounts.SetText(strings.Replace(x.accounts.Text, "6100=6855", "6100=6856", 1))
	test.Tap(x.next)
	if x.err.Text != "" {
		t.Fatalf("error: %q", x.err.Text)
	}
	d, err := f.svc.Reconcile.DATEVSettings(context.Background())
	if err != nil || d.Consultant != 29098 || d.Client != 7 || d.Chart != domain.ChartSKR04 || len(d.Accounts) != 1 || d.Accounts["6100"] != "6856" {
		t.Fatalf("saved %+v %v", d, err)
	}
	opt, _ := x.options()
	path := filepath.Join(t.TempDir(), "EXTF.csv")
	out, _ := os.Create(path)
	s.exportWith(opt, "EXTF.csv", out, func() {})
	wantStatus(t, s.status, "entries of 2025-01-01 to 2025-12-31 written to EXTF.csv")
	b, _ := os.ReadFile(path)
	batch, err := reports.ReadDATEV(bytes.NewReader(b))
	if err != nil || len(batch.Bookings) == 0 {
		t.Fatalf("the batch: %v", err)
	}
	if batch.Balances()["6856"] != 320+170 {
		t.Errorf("fees on 6856: %d", batch.Balances()["6856"])
	}

	// The dialog again: the numbers are kept.
	test.Tap(s.exportBtn)
	x = s.export
	if x.consultant.Text != "29098" || x.chart.Selected != "SKR04" || !strings.Contains(x.accounts.Text, "6100=6856") {
		t.Errorf("the dialog forgot: %q %q %q", x.consultant.Text, x.chart.Selected, x.accounts.Text)
	}
	x.format.SetSelectedIndex(4) // camt.053
	x.from.SetText("2025-11-01")
	x.to.SetText("2025-11-3O")
	test.Tap(x.next)
	if !strings.Contains(x.err.Text, "last day as YYYY-MM-DD") {
		t.Fatalf("a wrong day: %q", x.err.Text)
	}
	x.to.SetText("2025-11-30")
	opt, err = x.options()
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "stripe.xml")
	out, _ = os.Create(path)
	s.exportWith(opt, "stripe.xml", out, func() {})
	wantStatus(t, s.status, "balance movements in 1 statements written to stripe.xml")
	b, _ = os.ReadFile(path)
	_, stmts, err := reports.ReadCAMT053(bytes.NewReader(b))
	if err != nil || len(stmts) != 1 || stmts[0].Closing != 9680+4830-2000+150 {
		t.Fatalf("camt.053: %+v %v", stmts, err)
	}
}
