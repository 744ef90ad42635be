package domain

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// The TSE (technische Sicherheitseinrichtung) that German law (§ 146a AO,
// KassenSichV) asks of every electronic till: each sale is a TSE
// transaction, started when the sale opens and finished when it is paid
// or given up, and the TSE's signature goes on the receipt. The port is
// TSE; fiskaly SIGN DE (a cloud TSE) and a simulator implement it.

// TSE is a technical security device, as the register uses it. Every call
// names the transaction by an id Tally chose and stored first, so that a
// call whose answer was lost is made again without a second transaction.
type TSE interface {
	// Info describes the TSE and this till's client at it.
	Info(ctx context.Context) (TSEInfo, error)
	// Start starts transaction id (again: the same transaction).
	Start(ctx context.Context, id string) (TSETransaction, error)
	// Finish finishes transaction id with the receipt's process data; a
	// finished transaction is answered as it was.
	Finish(ctx context.Context, id string, data TSEProcessData) (TSETransaction, error)
	// Transaction returns transaction id as the TSE has it; ENOTFOUND when
	// the TSE never started it.
	Transaction(ctx context.Context, id string) (TSETransaction, error)
}

// TSEInfo is what the TSE says of itself and of this till, and what the
// tax office's registration of the till lists (§ 146a (4) AO).
type TSEInfo struct {
	Provider      string // "fiskaly SIGN DE", "Tally's TSE simulator"
	Serial        string // the TSE's serial number: the hash of its public key, hex
	PublicKey     string // base64
	Algorithm     string // "ecdsa-plain-SHA256"
	TimeFormat    string // "unixTime" or "utcTime"
	CertificateID string // the BSI certificate, "BSI-K-TR-0000-0000"
	ClientSerial  string // this till's serial at the TSE (its client)
	Simulated     bool   // a simulator: nothing it signs is lawful
}

// TSE transaction states, as the TSE has them.
const (
	TSEActive    = "ACTIVE"
	TSEFinished  = "FINISHED"
	TSECancelled = "CANCELLED"
)

// TSETransaction is a TSE transaction as the TSE answered it.
type TSETransaction struct {
	ID          string
	State       string // TSEActive, TSEFinished, TSECancelled
	Number      int64  // the TSE's transaction number
	Start, End  time.Time
	ProcessType string // "Kassenbeleg-V1"
	ProcessData string // TSEProcessData.String()
	// The signature of the finishing log message.
	Signature string // base64
	Counter   int64  // the signature counter
}

// The DSFinV-K's VAT ids (UST_SCHLUESSEL) of the receipt's process data, in
// its order: 19 %, 7 %, 10.7 %, 5.5 %, 0 %.
var tseRates = [5]TaxRate{190000, 70000, 107000, 55000, 0}

// TSERateIndex returns the place of rate among the DSFinV-K's five (its VAT
// id less one), or -1.
func TSERateIndex(rate TaxRate) int {
	for i, r := range tseRates {
		if r == rate {
			return i
		}
	}
	return -1
}

// TSEPayment is one payment of a receipt's process data.
type TSEPayment struct {
	Cash     bool // Bar, else Unbar
	Amount   int64
	Currency string // "" for the shop's (EUR)
}

// Receipt types of the process data (DSFinV-K's BON_TYP, as Kassenbeleg-V1
// names them).
const (
	TSEReceipt       = "Beleg"          // a sale, or a refund (negative)
	TSEReceiptCancel = "AVBelegabbruch" // a sale given up before it was paid
	TSETransfer      = "AVTransfer"     // cash into or out of the drawer
	TSEOther         = "AVSonstige"     // anything else
	TSEProcessType   = "Kassenbeleg-V1" // the process type of every receipt
	TSETimeUTC       = "utcTime"        // the time formats of the TSE's log
	TSETimeUnix      = "unixTime"       //
	TSEAlgorithm     = "ecdsa-plain-SHA256"
	tseProcessAmount = 2 // decimals of the process data's amounts
)

// TSEProcessData is a receipt as the TSE signs it (Kassenbeleg-V1):
// gross per VAT rate and the payments.
type TSEProcessData struct {
	Type     string // TSEReceipt, TSEReceiptCancel, …
	Gross    [5]int64
	Payments []TSEPayment
}

// String writes the process data as the DSFinV-K's receipt QR code carries
// it: "Beleg^75.33_7.99_0.00_0.00_0.00^10.00:Bar_5.00:Bar:CHF_64.30:Unbar".
func (p TSEProcessData) String() string {
	var b strings.Builder
	b.WriteString(p.Type)
	b.WriteByte('^')
	for i, g := range p.Gross {
		if i > 0 {
			b.WriteByte('_')
		}
		b.WriteString(FormatAmount(g, tseProcessAmount))
	}
	b.WriteByte('^')
	for i, pay := range p.Payments {
		if i > 0 {
			b.WriteByte('_')
		}
		b.WriteString(FormatAmount(pay.Amount, tseProcessAmount))
		if pay.Cash {
			b.WriteString(":Bar")
		} else {
			b.WriteString(":Unbar")
		}
		if pay.Currency != "" && pay.Currency != "EUR" {
			b.WriteString(":" + pay.Currency)
		}
	}
	return b.String()
}

// SaleProcessData is a sale's process data: its gross per rate and its
// settled payments. A rate the DSFinV-K has no id for is refused.
func SaleProcessData(sale Sale, receiptType string) (TSEProcessData, error) {
	p := TSEProcessData{Type: receiptType}
	if sale.Cart.Currency.Exponent() != tseProcessAmount {
		return p, Errorf(EINVALID, "The TSE signs amounts with two decimals; %s has %d.", sale.Cart.Currency.Code(), sale.Cart.Currency.Exponent())
	}
	cart := sale.Cart
	cart.Totals() // each line's amounts
	for _, l := range cart.Lines {
		i := TSERateIndex(l.TaxRate)
		if i < 0 {
			return p, Errorf(EINVALID, "The TSE knows the German rates 19 %%, 7 %%, 10.7 %%, 5.5 %% and 0 %%, not %s %%.", l.TaxRate)
		}
		p.Gross[i] += l.Total
	}
	if receiptType == TSEReceiptCancel {
		return p, nil
	}
	byKind := map[bool]int64{}
	for _, a := range sale.Attempts {
		if a.Status != AttemptSucceeded {
			continue
		}
		byKind[a.Kind == MethodCash] += a.Amount.Amount
	}
	for _, cash := range []bool{true, false} {
		if n := byKind[cash]; n != 0 {
			p.Payments = append(p.Payments, TSEPayment{Cash: cash, Amount: n, Currency: sale.Cart.Currency.Code()})
		}
	}
	return p, nil
}

// TSESignature is what a receipt carries of its TSE transaction.
type TSESignature struct {
	TSETransaction
	TSESerial    string
	ClientSerial string
	Algorithm    string
	TimeFormat   string
	PublicKey    string
}

// QR is the receipt's QR code in the DSFinV-K's format (Anhang I):
// V0;client;process type;process data;transaction;counter;start;end;
// algorithm;time format;signature;public key.
func (s TSESignature) QR() string {
	t := func(x time.Time) string { return x.UTC().Format("2006-01-02T15:04:05.000Z") }
	return strings.Join([]string{"V0", s.ClientSerial, s.ProcessType, s.ProcessData,
		fmt.Sprint(s.Number), fmt.Sprint(s.Counter), t(s.Start), t(s.End),
		s.Algorithm, s.TimeFormat, s.Signature, s.PublicKey}, ";")
}

// TSESignedMessage is the message the simulator signs for a transaction's
// finish: the fields the receipt's QR code carries, in its order, from the
// process type to the end time. A certified TSE signs its BSI TR-03151 log
// message instead; a receipt's check against it is the TSE maker's.
func TSESignedMessage(clientSerial string, tx TSETransaction) string {
	return strings.Join([]string{clientSerial, tx.ProcessType, tx.ProcessData, fmt.Sprint(tx.Number), fmt.Sprint(tx.Counter),
		tx.Start.UTC().Format(time.RFC3339Nano), tx.End.UTC().Format(time.RFC3339Nano)}, ";")
}
