package domain_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tally/domain"
	"tally/internal/testenv"
	"tally/reports"
)

func TestBookLine(t *testing.T) {
	hkd := domain.MustCurrency("HKD")
	tests := []struct {
		category    string
		gross, fee  int64
		counterpart string
	}{
		{"charge", 29480, 1439, domain.AcctSales},
		{"refund", -52519, 1050, domain.AcctRefunds},
		{"payout", -27520, 0, domain.AcctBank},
		{"stripe_fee", -8, 1, domain.AcctPaymentFees},
		{"dispute", -5000, 1500, domain.AcctDisputeLosses},
		{"adjustment", 120, 0, domain.AcctSuspense},
		{"something_new", 1, 0, domain.AcctSuspense},
	}
	for _, tt := range tests {
		l := domain.StatementLine{Key: "k", Category: tt.category, Currency: hkd, Gross: tt.gross, Fee: tt.fee, Net: tt.gross - tt.fee, Bookable: true, Created: time.Now()}
		e, err := domain.BookLine(l, false, "")
		if err != nil {
			t.Fatalf("%s: %v", tt.category, err)
		}
		if e.Postings[0].Account != domain.AcctStripeBalance || e.Postings[0].Amount != l.Net {
			t.Errorf("%s: Stripe balance posting = %+v, want the net %d", tt.category, e.Postings[0], l.Net)
		}
		if e.Postings[1].Account != tt.counterpart || e.Postings[1].Amount != -tt.gross {
			t.Errorf("%s: counterpart = %+v", tt.category, e.Postings[1])
		}
	}
	matched, _ := domain.BookLine(domain.StatementLine{Key: "k", Category: "charge", Currency: hkd, Gross: 100, Net: 100, Bookable: true}, true, "")
	if matched.Postings[1].Account != domain.AcctOutstandingReceipts {
		t.Errorf("a charge matched to a sale clears outstanding receipts: %+v", matched.Postings)
	}
	if _, err := domain.BookLine(domain.StatementLine{Key: "k", Category: "charge", Currency: hkd}, false, ""); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("a line that is not bookable: %v", err)
	}
	unbalanced := domain.Entry{Currency: hkd, Postings: []domain.Posting{{Account: "1100", Amount: 5}, {Account: "4000", Amount: -4}}}
	if err := unbalanced.Validate(); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("unbalanced entry: %v", err)
	}
}

// payoutReconciliation is a payout_reconciliation.itemized export built from
// Stripe's documented columns: two charges and a refund paid out by po_1,
// plus the itemized payouts row of po_1 itself.
const payoutReconciliation = `balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,automatic_payout_id
txn_a,2025-11-01 10:00:00,2025-11-03 00:00:00,eur,100.00,3.20,96.80,charge,ch_a,Sale A,po_1
txn_b,2025-11-01 11:00:00,2025-11-03 00:00:00,eur,50.00,1.70,48.30,charge,ch_b,Sale B,po_1
txn_c,2025-11-02 09:00:00,2025-11-03 00:00:00,eur,-20.00,0.00,-20.00,refund,re_c,Refund B,po_1
`

const payoutItemized = `payout_id,effective_at,currency,gross,fee,net,reporting_category,balance_transaction_id,description,payout_expected_arrival_date,payout_status
po_1,2025-11-03 00:00:00,eur,125.10,0.00,125.10,payout,txn_p1,STRIPE PAYOUT,2025-11-04 00:00:00,paid
`

func TestLedgerInvariants(t *testing.T) {
	ctx := context.Background()
	s, db := newImporter(t)
	recon := &domain.ReconcileService{Store: db}
	for name, content := range map[string]string{"recon.csv": payoutReconciliation, "payouts_2025-11-01_to_2025-11-30_UTC.csv": payoutItemized, "a.csv": activity} {
		if _, err := imp(t, s, name, content); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	res, err := recon.Reconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Booked != 6 || res.Counts.Booked != 6 {
		t.Fatalf("booked %d (%+v)", res.Booked, res.Counts)
	}
	// Every entry balances; the Stripe balance equals the sum of the nets.
	_, stripe := checkJournal(t, recon)
	nets := int64(9680 + 4830 - 2000 - 12510 + 28041 - 1000)
	if stripe != nets {
		t.Errorf("Stripe balance = %d, sum of nets = %d", stripe, nets)
	}
	if len(res.Payouts) != 1 || !res.Payouts[0].OK() {
		t.Fatalf("payout check = %+v", res.Payouts)
	}
	// Booking again books nothing.
	if again, err := recon.Reconcile(ctx); err != nil || again.Booked != 0 {
		t.Fatalf("second run booked %d, %v", again.Booked, err)
	}
}

// checkJournal checks that every entry of the journal balances, and returns
// how many there are and the Stripe balance account's total.
func checkJournal(t *testing.T, recon *domain.ReconcileService) (entries int, stripe int64) {
	t.Helper()
	err := recon.Journal(context.Background(), func(e domain.Entry) error {
		entries++
		if err := e.Validate(); err != nil {
			t.Errorf("entry %d: %v", e.ID, err)
		}
		for _, p := range e.Postings {
			if p.Account == domain.AcctStripeBalance {
				stripe += p.Amount
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return entries, stripe
}

func TestPayoutCheckCatchesMissingLine(t *testing.T) {
	ctx := context.Background()
	s, db := newImporter(t)
	recon := &domain.ReconcileService{Store: db}
	lines := strings.Split(payoutReconciliation, "\n")
	missing := strings.Join(append(lines[:2], lines[3:]...), "\n") // drop Sale B
	if _, err := imp(t, s, "recon.csv", missing); err != nil {
		t.Fatal(err)
	}
	if _, err := imp(t, s, "payouts.csv", payoutItemized); err != nil {
		t.Fatal(err)
	}
	res, err := recon.Reconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := res.Payouts[0]
	if p.OK() || !strings.Contains(p.Status(), "differs by -48.30") {
		t.Fatalf("check = %+v: %s", p, p.Status())
	}
}

// TestHledgerAcceptsExport writes the journal of the real samples and has
// hledger itself read and balance it.
func TestHledgerAcceptsExport(t *testing.T) {
	bin, err := exec.LookPath("hledger")
	if err != nil {
		if testing.Short() {
			t.Skip("hledger not installed")
		}
		t.Fatal("hledger is not installed: scripts/test.sh installs it")
	}
	ctx := context.Background()
	s, db := newImporter(t)
	files, _ := filepath.Glob(filepath.Join(testenv.Samples(t), "*.csv"))
	if len(files) == 0 {
		t.Fatal("no samples")
	}
	for _, f := range files {
		if _, err := importPath(s, f); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	// A file a European Excel re-saved, in Windows-1252: the journal is UTF-8.
	resaved := "balance_transaction_id;created;available_on;currency;gross;fee;net;reporting_category;description\r\n" +
		"txn_cp1;02.11.2025 03:19;08.11.2025 16:00;eur;1.294,80;14,39;1.280,41;charge;Caf\xe9 cr\xe8me \x96 5 \x80\r\n"
	if _, err := imp(t, s, "resaved.csv", resaved); err != nil {
		t.Fatalf("re-saved file: %v", err)
	}
	recon := &domain.ReconcileService{Store: db}
	if _, err := recon.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	accounts, _ := recon.Accounts(ctx)
	out := filepath.Join(t.TempDir(), "tally.journal")
	f, err := createFile(out)
	if err != nil {
		t.Fatal(err)
	}
	w := reports.NewHledgerWriter(f, accounts)
	if err := recon.Journal(ctx, w.Write); err != nil {
		t.Fatal(err)
	}
	w.Close()
	f.Close()
	if b, _ := os.ReadFile(out); !bytes.Contains(b, []byte("Café crème – 5 €")) {
		t.Error("the re-saved file's description is not in the journal as UTF-8")
	}
	// hledger reads the journal in the locale's encoding: UTF-8 whatever
	// the machine's language (C.UTF-8 exists on every Debian).
	cmd := exec.Command(bin, "-f", out, "bal", "--flat")
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	got, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("hledger refused the journal: %v\n%s", err, got)
	}
	text := strings.TrimSpace(string(got))
	lastLine := strings.TrimSpace(text[strings.LastIndexByte(text, '\n')+1:])
	if lastLine != "0" {
		t.Errorf("hledger's total is %q, want 0:\n%s", lastLine, got)
	}
}

// TestReconcileCancel: booking cancelled after its first batch books
// nothing; booked again, every line is booked once, with progress reported.
func TestReconcileCancel(t *testing.T) {
	s, db := newImporter(t)
	recon := &domain.ReconcileService{Store: db}
	var b strings.Builder
	b.WriteString("balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description\n")
	const n = 12000 // more than two batches
	for i := range n {
		fmt.Fprintf(&b, "txn_%05d,2025-11-01 10:%02d:%02d,2025-11-03 00:00:00,eur,10.00,0.50,9.50,charge,ch_%05d,Sale %d\n", i, i/60%60, i%60, i, i)
	}
	if _, err := imp(t, s, "big.csv", b.String()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	_, err := recon.ReconcileProgress(ctx, func(int) { cancel() })
	if domain.ErrorCode(err) != domain.ECANCELED {
		t.Fatalf("cancelled booking: %v", err)
	}
	sum, err := recon.Summary(context.Background())
	if err != nil || sum.Counts.Booked != 0 {
		t.Fatalf("after a cancelled booking: %d booked, %v", sum.Counts.Booked, err)
	}
	var reports []int
	res, err := recon.ReconcileProgress(context.Background(), func(k int) { reports = append(reports, k) })
	if err != nil || res.Booked != n || res.Counts.Booked != n {
		t.Fatalf("booking: %+v %v", res, err)
	}
	if len(reports) != 2 || reports[0] != 5000 || reports[1] != 10000 {
		t.Errorf("progress reports: %v", reports)
	}
}

// TestReconcileInChunks: booking commits a chunk at a time; cancelled in
// the third chunk, the two before stay booked and are counted, and the next
// run books the rest, each line once.
func TestReconcileInChunks(t *testing.T) {
	s, db := newImporter(t)
	recon := &domain.ReconcileService{Store: db, ChunkLines: 5000}
	var b strings.Builder
	b.WriteString("balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description\n")
	const n = 12000
	for i := range n {
		fmt.Fprintf(&b, "txn_%05d,2025-11-01 10:%02d:%02d,2025-11-03 00:00:00,eur,10.00,0.50,9.50,charge,ch_%05d,Sale %d\n", i, i/60%60, i%60, i, i)
	}
	if _, err := imp(t, s, "big.csv", b.String()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	reports := 0
	res, err := recon.ReconcileProgress(ctx, func(int) {
		if reports++; reports == 2 {
			cancel()
		}
	})
	if domain.ErrorCode(err) != domain.ECANCELED || res.Booked != 10000 {
		t.Fatalf("cancelled in the third chunk: %+v %v", res.Booked, err)
	}
	sum, _ := recon.Summary(context.Background())
	if sum.Counts.Booked != 10000 {
		t.Fatalf("%d booked after the cancel", sum.Counts.Booked)
	}
	res, err = recon.Reconcile(context.Background())
	if err != nil || res.Booked != 2000 || res.Counts.Booked != n {
		t.Fatalf("the rest: %+v %v", res, err)
	}
}
