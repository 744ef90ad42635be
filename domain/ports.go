package domain

import (
	"context"
	"io"
	"time"
)

// Gateway is Stripe as Tally needs it. Implementations: stripeclient.Client
// (the real API, or stripe-mock in tests) and stripeclient.Simulator (demo
// mode and flow tests). Every method honours ctx cancellation.
//
// Errors are *Error values whose Message is fit for the cashier:
// EUNAUTHORIZED (key refused), EPERMISSION (restricted key lacks the right),
// EUNAVAILABLE (network, proxy, TLS or Stripe down; the write may or may not
// have happened, so retry with the same key), ERATELIMIT, EINVALID (Stripe
// refused the request's content), ENOTFOUND, ECONFLICT (the object is in a
// state that forbids the action, for example a reader busy with another
// action), EDECLINED (card declined).
//
// Every write takes an IdempotencyKey chosen by the caller, never invented by
// the implementation, so that a retry after a crash cannot act twice.
type Gateway interface {
	// Account returns the account the key belongs to.
	Account(ctx context.Context) (Account, error)
	// Balance returns the account's balance.
	Balance(ctx context.Context) (Balance, error)
	// ServerTime is Stripe's time, from the Date of an answer: a clock off
	// by minutes breaks webhook signatures.
	ServerTime(ctx context.Context) (time.Time, error)

	// CreateLocation creates a Terminal location.
	CreateLocation(ctx context.Context, key IdempotencyKey, loc Location) (Location, error)
	// Locations lists all Terminal locations.
	Locations(ctx context.Context) ([]Location, error)
	// RegisterReader pairs a reader by the registration code it shows.
	RegisterReader(ctx context.Context, key IdempotencyKey, code, label, locationID string) (Reader, error)
	// Readers lists all registered readers.
	Readers(ctx context.Context) ([]Reader, error)
	// Reader returns one reader with its current action.
	Reader(ctx context.Context, id string) (Reader, error)
	// RenameReader changes a reader's label.
	RenameReader(ctx context.Context, key IdempotencyKey, id, label string) (Reader, error)
	// DeleteReader unregisters a reader. Deleting a deleted reader is ENOTFOUND.
	DeleteReader(ctx context.Context, id string) error
	// ProcessPaymentIntent hands a PaymentIntent to a reader, which then waits
	// for the card. The reader's action follows the payment; ECONFLICT when the
	// reader is busy, EUNAVAILABLE when it is offline.
	ProcessPaymentIntent(ctx context.Context, key IdempotencyKey, readerID, paymentIntentID string, cfg ProcessConfig) (Reader, error)
	// CancelReaderAction stops what the reader is doing.
	CancelReaderAction(ctx context.Context, key IdempotencyKey, readerID string) (Reader, error)
	// SetReaderDisplay shows a cart on the reader's screen.
	SetReaderDisplay(ctx context.Context, key IdempotencyKey, readerID string, cart ReaderCart) (Reader, error)
	// PresentPaymentMethod is test mode only: a simulated reader acts as if
	// the customer presented card.
	// A tip, when the payment offers one, is added as the customer would.
	PresentPaymentMethod(ctx context.Context, key IdempotencyKey, readerID string, card TestCard, tip int64) (Reader, error)

	// CreatePaymentIntent creates a payment to be confirmed on a reader.
	CreatePaymentIntent(ctx context.Context, key IdempotencyKey, p PaymentIntentParams) (PaymentIntent, error)
	// PaymentIntent returns one payment.
	PaymentIntent(ctx context.Context, id string) (PaymentIntent, error)
	// CapturePaymentIntent captures amount (0: all) of an authorised payment.
	CapturePaymentIntent(ctx context.Context, key IdempotencyKey, id string, amount int64) (PaymentIntent, error)
	// CancelPaymentIntent voids a payment not yet captured.
	CancelPaymentIntent(ctx context.Context, key IdempotencyKey, id string) (PaymentIntent, error)

	// CreateCheckoutSession creates a hosted payment page for one amount.
	CreateCheckoutSession(ctx context.Context, key IdempotencyKey, p CheckoutParams) (CheckoutSession, error)
	// CheckoutSession returns one payment page.
	CheckoutSession(ctx context.Context, id string) (CheckoutSession, error)
	// ExpireCheckoutSession closes an open payment page so it cannot be paid.
	ExpireCheckoutSession(ctx context.Context, key IdempotencyKey, id string) (CheckoutSession, error)

	// CreateRefund refunds (part of) a payment.
	CreateRefund(ctx context.Context, key IdempotencyKey, p RefundParams) (Refund, error)

	// Refund returns one refund.
	Refund(ctx context.Context, id string) (Refund, error)

	// CreateCustomer creates a customer, for invoices.
	CreateCustomer(ctx context.Context, key IdempotencyKey, p CustomerParams) (Customer, error)
	// CreateInvoice creates a draft invoice, paid by link.
	CreateInvoice(ctx context.Context, key IdempotencyKey, p InvoiceParams) (Invoice, error)
	// CreateTaxRate creates a tax rate for invoice lines and returns its id.
	CreateTaxRate(ctx context.Context, key IdempotencyKey, p TaxRateParams) (string, error)
	// AddInvoiceItem adds a line to a draft invoice and returns its id.
	AddInvoiceItem(ctx context.Context, key IdempotencyKey, p InvoiceItemParams) (string, error)
	// FinalizeInvoice numbers a draft invoice and opens it for payment.
	FinalizeInvoice(ctx context.Context, key IdempotencyKey, id string) (Invoice, error)
	// SendInvoice has Stripe e-mail an open invoice to its customer.
	SendInvoice(ctx context.Context, key IdempotencyKey, id string) (Invoice, error)
	// Invoice returns one invoice.
	Invoice(ctx context.Context, id string) (Invoice, error)
	// VoidInvoice voids an open invoice: it can no longer be paid.
	VoidInvoice(ctx context.Context, key IdempotencyKey, id string) (Invoice, error)
	// PayInvoiceOutOfBand marks an open invoice paid outside Stripe (cash
	// at the door).
	PayInvoiceOutOfBand(ctx context.Context, key IdempotencyKey, id string) (Invoice, error)
	// MarkInvoiceUncollectible writes an open invoice off: it stays
	// payable, and is no longer counted as owed.
	MarkInvoiceUncollectible(ctx context.Context, key IdempotencyKey, id string) (Invoice, error)
	// InvoicePDF opens the PDF of a finalised invoice; the caller closes it.
	InvoicePDF(ctx context.Context, inv Invoice) (io.ReadCloser, error)

	// Events returns up to limit events of the given types (all when
	// empty) created after the event with id after ("" for the most recent
	// ones), oldest first. An after that Stripe no longer keeps (events
	// live 30 days) is ENOTFOUND.
	Events(ctx context.Context, after string, types []string, limit int) ([]Event, error)

	// BalanceTransactions calls fn for every balance transaction created in
	// [from, to), or, when payoutID is set, paid out by that payout, as
	// statement lines (key: the transaction id), pages followed.
	BalanceTransactions(ctx context.Context, from, to time.Time, payoutID string, fn func(StatementLine) error) error
	// CreateReportRun asks the Reporting API for a report of reportType over
	// [from, to).
	CreateReportRun(ctx context.Context, key IdempotencyKey, reportType string, from, to time.Time) (ReportRun, error)
	// ReportRun returns a report run's state.
	ReportRun(ctx context.Context, id string) (ReportRun, error)
	// DownloadReport opens the file of a succeeded report run; the caller
	// closes it.
	DownloadReport(ctx context.Context, run ReportRun) (io.ReadCloser, error)
}

// ProcessConfig is process_payment_intent's process_config.
type ProcessConfig struct {
	// EnableCustomerCancellation lets the customer cancel on the reader;
	// the action then fails with customer_canceled.
	EnableCustomerCancellation bool
	// SkipTipping turns the reader's tip screen off for this payment.
	SkipTipping bool
	// TipEligible is the amount tip suggestions are computed on (minor
	// units; 0: the whole amount).
	TipEligible int64
}

// ReportRun is a Reporting API report being made.
type ReportRun struct {
	ID         string
	ReportType string
	Status     string // pending, succeeded, failed
	Error      string
	FileURL    string
	FileName   string
}

// Credentials are what a Gateway is built from.
type Credentials struct {
	Mode      Mode
	SecretKey string
	APIBase   string // empty: Stripe's own
}

// Connector builds a Gateway for credentials. main wires it: the simulator in
// demo mode, stripeclient otherwise.
type Connector interface {
	// Connect returns a Gateway that uses creds. It does not call Stripe.
	Connect(creds Credentials) (Gateway, error)
}

// Keychain keeps secrets (the Stripe secret key, the webhook signing secret)
// out of the database. Get returns ENOTFOUND when nothing is stored.
type Keychain interface {
	// Get returns the secret stored under name.
	Get(name string) (string, error)
	// Set stores secret under name, replacing any earlier one.
	Set(name, secret string) error
	// Delete removes the secret; deleting a missing secret is not an error.
	Delete(name string) error
	// Where describes, for the settings screen, where secrets are kept, and
	// whether that is the operating system's keychain.
	Where() (description string, osKeychain bool)
}

// Store is Tally's database. Writes happen in Update, one transaction per use
// case: fn's changes are committed when it returns nil and rolled back
// otherwise. View runs fn on a read-only snapshot.
type Store interface {
	// Update runs fn in a write transaction.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// View runs fn in a read transaction.
	View(ctx context.Context, fn func(tx Tx) error) error
}

// LineCursor is a place in the lines' booking order: the created time and
// key of the last line seen.
type LineCursor struct {
	Created time.Time
	Key     string
}

// PreparedLines are statement lines in a store's own form, ready to write
// (see Tx.PrepareLines).
type PreparedLines interface {
	// Len is how many lines there are.
	Len() int
}

// Tx is what a use case may read and write inside one transaction: one
// small interface per aggregate, so that a second store implements them
// piece by piece and a use case can name only what it touches.
type Tx interface {
	SettingsTx
	MethodTx
	ImportTx
	LedgerTx
	RuleTx
}

// SettingsTx holds the shop's Stripe settings and its chart of accounts.
type SettingsTx interface {
	// Settings returns the stored settings, or the zero Settings when none
	// were saved yet.
	Settings() (Settings, error)
	// SaveSettings replaces the stored settings (the webhook's switch and
	// address excepted).
	SaveSettings(s Settings) error
	// SaveWebhook stores the webhook listener's switch and address.
	SaveWebhook(enabled bool, listen string) error
	// Shop returns the shop's description, the zero Shop when none.
	Shop() (Shop, error)
	// SaveShop replaces the shop's description.
	SaveShop(s Shop) error

	// LedgerAccounts returns the chart of accounts ordered by code.
	LedgerAccounts() ([]LedgerAccount, error)
	// DATEVSettings returns the stored DATEV settings, zero when none.
	DATEVSettings() (DATEVSettings, error)
	// SaveDATEVSettings replaces them.
	SaveDATEVSettings(d DATEVSettings) error
}

// MethodTx holds payment methods and the readers last seen at Stripe.
type MethodTx interface {
	// PaymentMethods returns every payment method, archived ones last.
	PaymentMethods() ([]PaymentMethod, error)
	// SavePaymentMethod inserts m when m.ID is 0 (setting m.ID) or updates
	// it. A name used by another method, or a reader used by another method
	// not archived, is a *FieldError with ECONFLICT; a missing method ENOTFOUND.
	SavePaymentMethod(m *PaymentMethod) error

	// KnownReaders returns the readers last seen at Stripe in mode.
	KnownReaders(mode Mode) ([]KnownReader, error)
	// ReplaceKnownReaders sets the readers of mode to rs.
	ReplaceKnownReaders(mode Mode, rs []KnownReader) error
	// SaveKnownReader inserts or updates one reader of mode.
	SaveKnownReader(mode Mode, r KnownReader) error
	// DeleteKnownReader forgets one reader of mode.
	DeleteKnownReader(mode Mode, id string) error
}

// ImportTx holds imports: their lines, payment records and balance summaries.
type ImportTx interface {
	// BeginImport records a file being imported and returns its id.
	BeginImport(file string, format StatementFormat, at time.Time) (int64, error)
	// FinishImport records how many lines the file had and how many were new.
	FinishImport(id int64, lines, newLines int) error
	// PrepareLines turns lines of the import into what InsertPrepared
	// writes, and writes nothing. It is the one method an import calls from
	// its parsing goroutine, batch after batch, while the transaction's
	// goroutine writes the batches before: that work then runs on another
	// core. The last call happens before FinishImport.
	PrepareLines(importID int64, ls []StatementLine) PreparedLines
	// InsertPrepared stores the prepared lines whose keys are not stored
	// yet and returns how many were new.
	InsertPrepared(p PreparedLines) (int, error)
	// InsertPaymentRecord stores p, or updates what a later export may
	// change (refunds, status), and reports whether it was new.
	InsertPaymentRecord(importID int64, p *PaymentRecord) (bool, error)
	// InsertPayoutRow stores a payout of the Dashboard's Payouts export, or
	// updates its status, and reports whether it was new.
	InsertPayoutRow(importID int64, p *PayoutRow) (bool, error)
	// DashboardPayouts returns the payouts imported from that export, by id.
	DashboardPayouts() (map[string]PayoutRow, error)
	// InsertSummary stores the rows of one balance summary, unless an
	// earlier import stored the very same rows (the same file imported
	// again), and reports whether it stored them. A summary of the same
	// period with other figures is new: its check is shown beside the first.
	InsertSummary(importID int64, rows []SummaryRow) (bool, error)
	// Imports lists the imports, newest first.
	Imports() ([]ImportRecord, error)
	// ImportContents counts what an import stored and the entries booked
	// from its lines; ENOTFOUND when there is no such import.
	ImportContents(id int64) (RemovedImport, error)
	// RemoveImport deletes an import with what it stored and the entries
	// booked from its lines (postings included), and says what it removed;
	// ENOTFOUND when there is no such import.
	RemoveImport(id int64) (RemovedImport, error)
}

// LedgerTx holds the ledger: entries, balances and the checks made on them.
type LedgerTx interface {
	// UnbookedLines returns up to limit bookable lines without an entry,
	// oldest first (by Created, then Key), after the line after names
	// (from the first when after is zero).
	UnbookedLines(after LineCursor, limit int) ([]StatementLine, error)
	// UnbookedBrief is UnbookedLines with only what booking decides on:
	// key, category, description, source, PaymentIntent and charge ids,
	// currency, gross, fee, net and created.
	UnbookedBrief(after LineCursor, limit int) ([]StatementLine, error)
	// BookLines writes the entries of many lines at once, each as BookLine
	// books it with the plan's account and description.
	BookLines(plans []LinePlan) error
	// InsertEntry stores a balanced entry (EINVALID otherwise) and sets its ID.
	// A second entry for the same line or sale is ECONFLICT.
	InsertEntry(e *Entry) error
	// BookedSales returns the SaleRef of every sale booked.
	BookedSales() (map[string]bool, error)
	// ChargeFees sums Stripe's fees on the imported or fetched charge lines
	// of these charges (ch_… or py_…) and says how many of them have one.
	ChargeFees(chargeIDs []string) (fee int64, found int, err error)
	// Entries calls fn for every entry by date, postings included.
	Entries(fn func(Entry) error) error
	// LatestEntry returns the date of the latest entry in currency, zero
	// when there is none.
	LatestEntry(currency string) (time.Time, error)
	// StatementLines calls fn for every statement line, oldest first (by
	// Created, then Key).
	StatementLines(fn func(StatementLine) error) error
	// AccountBalances sums postings per account and currency.
	AccountBalances() ([]AccountBalance, error)
	// AccountBalancesUntil is AccountBalances of the entries dated before end.
	AccountBalancesUntil(end time.Time) ([]AccountBalance, error)
	// Activity sums sales, fees, refunds and payouts by month (or day).
	Activity(monthly bool) ([]ActivityPeriod, error)
	// PayoutChecks compares each payout with the lines it pays out.
	PayoutChecks() ([]PayoutCheck, error)
	// LineCounts counts lines, bookable, booked and in suspense.
	LineCounts() (LineCounts, error)
	// Lines returns a page of lines matching f, newest first, and, for the
	// first page (offset 0), the number of lines that match; -1 otherwise.
	Lines(f LineFilter, offset, limit int) ([]LineView, int, error)
}

// RuleTx holds the bookkeeper's rules, the decision queue and matching.
type RuleTx interface {
	// Rules returns the bookkeeper's rules by priority.
	Rules() ([]Rule, error)
	// SaveRule inserts (ID 0) or updates a rule.
	SaveRule(r *Rule) error
	// DeleteRule removes a rule.
	DeleteRule(id int64) error
	// UnbookSuspense deletes the entries that parked lines in suspense and
	// returns the keys of those lines.
	UnbookSuspense() (map[string]bool, error)
	// UnbookLine deletes the entry that books the line with key, postings
	// included; a line without an entry is left as it is.
	UnbookLine(key string) error
	// QueueLines calls fn for each line waiting for a decision, oldest first.
	QueueLines(fn func(StatementLine) error) error
	// MatchCounts counts charge lines and those matched to a payment record.
	MatchCounts() (MatchCounts, error)
	// SummaryChecks compares each imported balance summary with its period's lines.
	SummaryChecks() ([]SummaryCheck, error)
}

// Clock tells the time; tests use a fixed one.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// IntegrityChecker checks the database files are whole.
type IntegrityChecker interface {
	// CheckIntegrity runs SQLite's integrity check on every file open; it
	// names the file and the first problem found.
	CheckIntegrity(ctx context.Context) error
}

// BackupRecord says when the shop's data was last backed up.
type BackupRecord interface {
	// LastBackup returns when and where the last backup went; the zero
	// time when none was made.
	LastBackup(ctx context.Context) (time.Time, string, error)
}

// TillStore is the register's database: sales, attempts, products and day
// closes, kept apart from the books so that a sale never waits on a long
// import or booking. UpdateTill commits fn's changes when it returns nil.
type TillStore interface {
	// UpdateTill runs fn in a write transaction.
	UpdateTill(ctx context.Context, fn func(tx TillTx) error) error
	// ViewTill runs fn in a read transaction.
	ViewTill(ctx context.Context, fn func(tx TillTx) error) error
}

// TillTx is what a register use case may read and write in one transaction.
// It is made of one small interface per aggregate.
type TillTx interface {
	RegisterTx
	ProductTx
	SaleTx
	DayCloseTx
	EventTx
	RefundTx
	PaymentTx
	InvoiceTx
	PrinterTx
	TSETx
}

// TSETx holds the register's TSE transactions as Tally recorded them.
type TSETx interface {
	// TSERecord returns the TSE transaction of (kind, ref); ENOTFOUND when none.
	TSERecord(kind string, ref int64) (TSERecord, error)
	// SaveTSERecord inserts or replaces a record (by its ID).
	SaveTSERecord(r TSERecord) error
	// TSERecords returns the records not finished, or, with all, every one
	// from since on, oldest first.
	TSERecords(all bool, since time.Time) ([]TSERecord, error)
	// TSESettings returns till's TSE settings (zero: none).
	TSESettings(till string) (TSESettings, error)
	// SaveTSESettings replaces them.
	SaveTSESettings(till string, s TSESettings) error
}

// PrinterTx holds each till's receipt printer settings.
type PrinterTx interface {
	// PrinterSettings returns till's printer (Kind none when it has none).
	PrinterSettings(till string) (PrinterSettings, error)
	// SavePrinterSettings replaces till's printer settings.
	SavePrinterSettings(till string, p PrinterSettings) error
}

// EventTx holds Stripe's events as applied, and what they describe that
// is not an attempt: payouts and disputes.
type EventTx interface {
	// InsertEvent records an event; false when its id was recorded before
	// (the event is then not applied again).
	InsertEvent(e EventRecord) (bool, error)
	// EventState returns the poller's cursor and last contact.
	EventState() (EventState, error)
	// SaveEventState replaces them.
	SaveEventState(st EventState) error
	// EventsOf returns the events recorded for an attempt, oldest first.
	EventsOf(attemptID int64) ([]EventRecord, error)
	// AttemptByStripe finds the attempt with this PaymentIntent, Checkout
	// Session or charge (the first id that is set and known).
	AttemptByStripe(paymentIntent, session, charge string) (Attempt, bool, error)
	// Payout returns a payout as last recorded.
	Payout(id string) (PayoutRecord, bool, error)
	// SavePayout inserts or replaces a payout.
	SavePayout(p PayoutRecord) error
	// Payouts returns the payouts, newest first.
	Payouts(limit int) ([]PayoutRecord, error)
	// Dispute returns a dispute as last recorded.
	Dispute(id string) (DisputeRecord, bool, error)
	// SaveDispute inserts or replaces a dispute.
	SaveDispute(d DisputeRecord) error
	// DisputesOf returns the disputes of an attempt.
	DisputesOf(attemptID int64) ([]DisputeRecord, error)
}

// RefundTx holds refunds.
type RefundTx interface {
	// InsertRefund stores a refund (its Key set by the caller) and sets its ID.
	InsertRefund(r *RefundRecord) error
	// SaveRefund updates a refund; ENOTFOUND if none.
	SaveRefund(r RefundRecord) error
	// Refund returns one refund; ENOTFOUND if none.
	Refund(id int64) (RefundRecord, error)
	// RefundByStripeID finds a refund by Stripe's id.
	RefundByStripeID(id string) (RefundRecord, bool, error)
	// RefundsOfSale returns a sale's refunds, oldest first.
	RefundsOfSale(saleID int64) ([]RefundRecord, error)
	// OpenRefunds returns the refunds not settled yet (requested or pending).
	OpenRefunds() ([]RefundRecord, error)
	// BookableRefunds returns the refunds that succeeded at some time,
	// oldest first: the books follow them.
	BookableRefunds() ([]RefundRecord, error)
	// UnclosedRefunds returns the refunds of till's sales not counted by a
	// day close yet, succeeded or under way; till "" for every till.
	UnclosedRefunds(till string) ([]RefundRecord, error)
	// CloseRefunds marks refunds as counted by the day close closeID.
	CloseRefunds(closeID int64, ids []int64) error
}

// PaymentTx reads payments for the Payments screen.
type PaymentTx interface {
	// Payments returns a page of payments matching f, newest first.
	Payments(f PaymentFilter, offset, limit int) ([]PaymentView, error)
	// CountPayments counts the payments matching f.
	CountPayments(f PaymentFilter) (PaymentCounts, error)
	// Payment returns one payment; ENOTFOUND if none.
	Payment(attemptID int64) (PaymentView, error)
	// Uncaptured returns the authorised payments not captured yet, oldest first.
	Uncaptured() ([]PaymentView, error)
}

// RegisterTx holds the register's settings.
type RegisterTx interface {
	// RegisterSettings returns the stored settings, or the zero value.
	RegisterSettings() (RegisterSettings, error)
	// SaveRegisterSettings replaces them.
	SaveRegisterSettings(s RegisterSettings) error
}

// ProductTx holds the product list.
type ProductTx interface {
	// Products returns the products by name; archived ones only when asked.
	Products(archived bool) ([]Product, error)
	// SaveProduct inserts (ID 0, setting ID) or updates p; a name or barcode
	// of another product in use is a *FieldError with ECONFLICT.
	SaveProduct(p *Product) error
	// ProductByBarcode finds the product in use with that barcode; ENOTFOUND
	// otherwise.
	ProductByBarcode(code string) (Product, error)
}

// SaleTx holds sales and their payment attempts.
type SaleTx interface {
	// InsertSale stores s with its lines, giving it an ID and the next number.
	InsertSale(s *Sale) error
	// Sale returns a sale with its lines and attempts; ENOTFOUND if none.
	Sale(id int64) (Sale, error)
	// SaleByNumber returns the sale with the receipt number; ENOTFOUND if
	// none.
	SaleByNumber(number int64) (Sale, error)
	// SetSaleStatus records a sale's new state.
	SetSaleStatus(id int64, st SaleStatus, at time.Time) error
	// InsertAttempt stores a new attempt (its Key set by the caller) and
	// sets its ID. A second pending attempt for one sale is ECONFLICT.
	InsertAttempt(a *Attempt) error
	// SaveAttempt updates an attempt's state; ENOTFOUND if none.
	SaveAttempt(a Attempt) error
	// Attempt returns one attempt; ENOTFOUND if none.
	Attempt(id int64) (Attempt, error)
	// PendingAttempts returns every attempt not settled yet, oldest first.
	PendingAttempts() ([]Attempt, error)
	// PaidSales returns every paid sale, oldest first, attempts included.
	PaidSales() ([]Sale, error)
}

// DayCloseTx holds day closes.
type DayCloseTx interface {
	// UnclosedSales returns the paid and cancelled sales of till not counted
	// by a day close yet, attempts included; till "" for every till.
	UnclosedSales(till string) ([]Sale, error)
	// InsertDayClose stores d, marks the sales as counted by it and sets d.ID.
	InsertDayClose(d *DayClose, saleIDs []int64) error
	// DayCloses returns the closes of till, newest first.
	DayCloses(till string, limit int) ([]DayClose, error)
	// ClosedSales returns the sales a day close counted, attempts included.
	ClosedSales(closeID int64) ([]Sale, error)
	// ClosedCashMovements returns the cash movements a day close counted.
	ClosedCashMovements(closeID int64) ([]CashMovement, error)
	// ClosedRefunds returns the refunds a day close counted.
	ClosedRefunds(closeID int64) ([]RefundRecord, error)
	// OpenSales returns the numbers of till's sales still open (nothing
	// settled, not cancelled); till "" for every till.
	OpenSales(till string) ([]int64, error)
	// AllDayCloses returns every till's closes, oldest first: the books
	// take each one's cash over or short.
	AllDayCloses() ([]DayClose, error)
	// InsertCashMovement stores m (a float, cash in or out) and sets its ID.
	InsertCashMovement(m *CashMovement) error
	// UnclosedCashMovements returns till's movements no day close counted
	// yet, oldest first; till "" for every till.
	UnclosedCashMovements(till string) ([]CashMovement, error)
	// CloseCashMovements marks movements as counted by the close.
	CloseCashMovements(closeID int64, ids []int64) error
	// CashMovements returns every movement, oldest first, for the books.
	CashMovements() ([]CashMovement, error)
}

// DemoCustomer is the customer of demo mode: the simulator paying a payment
// page or pressing Cancel on a reader, so that every flow can be tried
// without a phone or a card.
type DemoCustomer interface {
	// PayCheckout pays an open payment page with card.
	PayCheckout(sessionID string, card TestCard) (CheckoutSession, error)
	// CustomerCancel presses Cancel on the reader's screen.
	CustomerCancel(readerID string) error
	// PayInvoice pays an open invoice on its hosted page with card.
	PayInvoice(invoiceID string, card TestCard) (Invoice, error)
}
