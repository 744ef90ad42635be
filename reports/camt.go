package reports

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"tally/domain"
)

// The Stripe balance as a bank account, for software that imports bank
// statements: ISO 20022 camt.053 (bank-to-customer statement, versions
// 001.02 and 001.08) and OFX. Each balance movement is an entry (its fee
// one of its own), each month of each currency a statement whose opening
// balance is the sum of the lines before it.

// balanceStatement is one month of one currency.
type balanceStatement struct {
	currency    domain.Currency
	month       time.Time // its first day, in the shop's time zone
	open, close int64
	moves       []balanceMove
}

// balanceMove is one entry of a statement: a line's gross or its fee.
type balanceMove struct {
	line   domain.StatementLine
	fee    bool
	amount int64 // signed: positive credits the balance
}

// balanceStatements collects the lines, oldest first, into statements.
type balanceStatements struct {
	opt     domain.ExportOptions
	loc     *time.Location
	balance map[string]int64
	stmts   map[string]*balanceStatement
}

func newBalanceStatements(opt domain.ExportOptions) *balanceStatements {
	loc := opt.Location
	if loc == nil {
		loc = time.UTC
	}
	return &balanceStatements{opt: opt, loc: loc, balance: map[string]int64{}, stmts: map[string]*balanceStatement{}}
}

func (b *balanceStatements) add(l domain.StatementLine) {
	cur := l.Currency.Code()
	if !b.opt.In(l.Created) {
		b.balance[cur] += l.Net // before the period: part of the opening balance
		return
	}
	t := l.Created.In(b.loc)
	month := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, b.loc)
	key := cur + month.Format("2006-01")
	s := b.stmts[key]
	if s == nil {
		s = &balanceStatement{currency: l.Currency, month: month, open: b.balance[cur]}
		b.stmts[key] = s
	}
	if l.Gross != 0 || l.Fee == 0 {
		s.moves = append(s.moves, balanceMove{line: l, amount: l.Gross})
	}
	if l.Fee != 0 {
		s.moves = append(s.moves, balanceMove{line: l, fee: true, amount: -l.Fee})
	}
	b.balance[cur] += l.Net
	s.close = b.balance[cur]
}

// made returns when the file is made, in the shop's time zone, and the
// account it names ("STRIPE" when the Stripe account is not known).
func (b *balanceStatements) made() (time.Time, string) {
	now := b.opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	account := b.opt.Account
	if account == "" {
		account = "STRIPE"
	}
	return now.In(b.loc), account
}

// sorted returns the statements by currency, then month.
func (b *balanceStatements) sorted() []*balanceStatement {
	out := make([]*balanceStatement, 0, len(b.stmts))
	for _, s := range b.stmts {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].currency.Code() != out[j].currency.Code() {
			return out[i].currency.Code() < out[j].currency.Code()
		}
		return out[i].month.Before(out[j].month)
	})
	return out
}

// transactionCode is the ISO 20022 bank transaction code of a move:
// domain, family, sub-family; empty when none fits (the proprietary code,
// Stripe's category, is always given).
func transactionCode(m balanceMove) (domain_, family, sub string) {
	if m.fee {
		return "ACMT", "MDOP", "CHRG"
	}
	switch m.line.Category {
	case "charge", "payment":
		return "PMNT", "MCRD", "POSP"
	case "refund", "payment_refund", "refund_failure", "partial_capture_reversal", "payment_failure_refund":
		return "PMNT", "MCRD", "OTHR"
	case "dispute", "dispute_reversal":
		return "PMNT", "MCRD", "OTHR"
	case "payout", "payout_reversal", "payout_failure", "payout_cancel":
		return "PMNT", "ICDT", "DMCT"
	case "fee", "stripe_fee", "tax", "application_fee", "network_cost":
		return "ACMT", "MDOP", "CHRG"
	}
	return "", "", ""
}

// moveText is what a move says: the line's description and Stripe ids.
func moveText(m balanceMove) string {
	l := m.line
	if m.fee {
		return strings.TrimSpace("Stripe fee " + l.SourceID)
	}
	desc := strings.TrimSpace(l.Description)
	if desc == "" {
		desc = "Stripe " + l.Category
	}
	if l.SourceID != "" && !strings.Contains(desc, l.SourceID) {
		desc += " " + l.SourceID
	}
	return desc
}

// balanceRef is a move's own reference: its line's balance transaction,
// "-fee" after it for the fee, within n characters. A longer one keeps its
// end, where the Stripe id is ("charge:ch_…").
func balanceRef(m balanceMove, n int) string {
	ref := m.line.BalanceTxnID
	if ref == "" {
		ref = m.line.Key
	}
	suffix := ""
	if m.fee {
		suffix = "-fee"
	}
	if len(ref)+len(suffix) > n {
		ref = ref[len(ref)+len(suffix)-n:]
	}
	return ref + suffix
}

// xmlOut writes XML elements with escaped text.
type xmlOut struct{ w *bufio.Writer }

// x writes an element with escaped text.
func (o xmlOut) x(name, text string) {
	o.w.WriteString("<" + name + ">")
	xml.EscapeText(o.w, []byte(text))
	o.w.WriteString("</" + name + ">")
}

// CAMTWriter writes the Stripe balance's lines as a camt.053 document.
type CAMTWriter struct {
	xmlOut
	version string // "02" or "08"
	stmts   *balanceStatements
	written int
}

// NewCAMTWriter writes camt.053.001.<version> ("02" or "08") to w.
func NewCAMTWriter(w io.Writer, version string, opt domain.ExportOptions) (*CAMTWriter, error) {
	if version != "02" && version != "08" {
		return nil, fmt.Errorf("camt.053 version %q: Tally writes 02 and 08", version)
	}
	return &CAMTWriter{xmlOut: xmlOut{bufio.NewWriterSize(w, 64<<10)}, version: version, stmts: newBalanceStatements(opt)}, nil
}

// WriteLine takes a line, oldest first.
func (c *CAMTWriter) WriteLine(l domain.StatementLine) error {
	c.stmts.add(l)
	return nil
}

// Statements is how many statements the document holds.
func (c *CAMTWriter) Statements() int { return len(c.stmts.stmts) }

func (c *CAMTWriter) amount(n int64, cur domain.Currency) {
	fmt.Fprintf(c.w, `<Amt Ccy="%s">%s</Amt>`, cur.Code(), domain.FormatAmount(abs(n), cur.Exponent()))
	if n < 0 {
		c.w.WriteString("<CdtDbtInd>DBIT</CdtDbtInd>")
	} else {
		c.w.WriteString("<CdtDbtInd>CRDT</CdtDbtInd>")
	}
}

func (c *CAMTWriter) balance(code string, n int64, cur domain.Currency, day time.Time) {
	c.w.WriteString("<Bal><Tp><CdOrPrtry>")
	c.x("Cd", code)
	c.w.WriteString("</CdOrPrtry></Tp>")
	c.amount(n, cur)
	c.w.WriteString("<Dt>")
	c.x("Dt", day.Format("2006-01-02"))
	c.w.WriteString("</Dt></Bal>\n")
}

// Close writes the document.
func (c *CAMTWriter) Close() error {
	opt := c.stmts.opt
	now, account := c.stmts.made()
	fmt.Fprintf(c.w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.%s\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n<BkToCstmrStmt>\n<GrpHdr>", c.version)
	c.x("MsgId", "TALLY-"+now.Format("20060102T150405"))
	c.x("CreDtTm", now.Format(time.RFC3339))
	c.w.WriteString("</GrpHdr>\n")
	for i, s := range c.stmts.sorted() {
		last := s.month.AddDate(0, 1, -1)
		c.w.WriteString("<Stmt>")
		c.x("Id", clip(fmt.Sprintf("%s-%s-%s", account, s.currency.Code(), s.month.Format("2006-01")), 35))
		c.x("ElctrncSeqNb", strconv.Itoa(i+1))
		c.x("CreDtTm", now.Format(time.RFC3339))
		c.w.WriteString("<FrToDt>")
		c.x("FrDtTm", s.month.Format(time.RFC3339))
		c.x("ToDtTm", time.Date(last.Year(), last.Month(), last.Day(), 23, 59, 59, 0, c.stmts.loc).Format(time.RFC3339))
		c.w.WriteString("</FrToDt>\n<Acct><Id><Othr>")
		c.x("Id", clip(account, 34))
		c.w.WriteString("</Othr></Id>")
		c.x("Ccy", s.currency.Code())
		c.x("Nm", "Stripe balance")
		if opt.Shop != "" {
			c.w.WriteString("<Ownr>")
			c.x("Nm", clip(opt.Shop, 70))
			c.w.WriteString("</Ownr>")
		}
		c.w.WriteString("<Svcr><FinInstnId>")
		c.x("Nm", "Stripe")
		c.w.WriteString("</FinInstnId></Svcr></Acct>\n")
		c.balance("OPBD", s.open, s.currency, s.month)
		c.balance("CLBD", s.close, s.currency, last)
		var cr, db, crN, dbN int64
		for _, m := range s.moves {
			if m.amount < 0 {
				db += -m.amount
				dbN++
			} else {
				cr += m.amount
				crN++
			}
		}
		exp := s.currency.Exponent()
		fmt.Fprintf(c.w, "<TxsSummry><TtlNtries><NbOfNtries>%d</NbOfNtries><Sum>%s</Sum></TtlNtries>"+
			"<TtlCdtNtries><NbOfNtries>%d</NbOfNtries><Sum>%s</Sum></TtlCdtNtries>"+
			"<TtlDbtNtries><NbOfNtries>%d</NbOfNtries><Sum>%s</Sum></TtlDbtNtries></TxsSummry>\n",
			len(s.moves), domain.FormatAmount(cr+db, exp), crN, domain.FormatAmount(cr, exp), dbN, domain.FormatAmount(db, exp))
		for _, m := range s.moves {
			c.entry(m)
		}
		c.w.WriteString("</Stmt>\n")
		c.written++
	}
	c.w.WriteString("</BkToCstmrStmt>\n</Document>\n")
	return c.w.Flush()
}

func (c *CAMTWriter) entry(m balanceMove) {
	l := m.line
	loc := c.stmts.loc
	c.w.WriteString("<Ntry>")
	c.amount(m.amount, l.Currency)
	if c.version == "02" {
		c.w.WriteString("<Sts>BOOK</Sts>")
	} else {
		c.w.WriteString("<Sts><Cd>BOOK</Cd></Sts>")
	}
	c.w.WriteString("<BookgDt>")
	c.x("Dt", l.Created.In(loc).Format("2006-01-02"))
	c.w.WriteString("</BookgDt><ValDt>")
	val := l.AvailableOn
	if val.IsZero() {
		val = l.Created
	}
	c.x("Dt", val.In(loc).Format("2006-01-02"))
	c.w.WriteString("</ValDt>")
	ref := balanceRef(m, 35)
	c.x("AcctSvcrRef", ref)
	c.w.WriteString("<BkTxCd>")
	if d, f, sub := transactionCode(m); d != "" {
		c.w.WriteString("<Domn>")
		c.x("Cd", d)
		c.w.WriteString("<Fmly>")
		c.x("Cd", f)
		c.x("SubFmlyCd", sub)
		c.w.WriteString("</Fmly></Domn>")
	}
	c.w.WriteString("<Prtry>")
	cat := l.Category
	if m.fee {
		cat = "stripe_fee"
	}
	c.x("Cd", clip(cat, 35))
	c.x("Issr", "Stripe")
	c.w.WriteString("</Prtry></BkTxCd>\n<NtryDtls><TxDtls><Refs>")
	c.x("AcctSvcrRef", ref)
	if l.PayoutID != "" {
		c.x("PmtInfId", clip(l.PayoutID, 35))
	}
	e2e := l.ChargeID
	if e2e == "" {
		e2e = l.SourceID
	}
	if e2e == "" {
		e2e = "NOTPROVIDED"
	}
	c.x("EndToEndId", clip(e2e, 35))
	if l.PaymentIntentID != "" {
		c.x("TxId", clip(l.PaymentIntentID, 35))
	}
	c.w.WriteString("</Refs><RmtInf>")
	c.x("Ustrd", clip(moveText(m), 140))
	c.w.WriteString("</RmtInf></TxDtls></NtryDtls>")
	c.x("AddtlNtryInf", clip(moveText(m), 500))
	c.w.WriteString("</Ntry>\n")
}

// OFXWriter writes the Stripe balance's lines as an OFX 2.2 bank
// statement: one statement per currency over the whole period.
type OFXWriter struct {
	xmlOut
	stmts *balanceStatements
}

// NewOFXWriter writes OFX to w.
func NewOFXWriter(w io.Writer, opt domain.ExportOptions) *OFXWriter {
	return &OFXWriter{xmlOut: xmlOut{bufio.NewWriterSize(w, 64<<10)}, stmts: newBalanceStatements(opt)}
}

// WriteLine takes a line, oldest first.
func (o *OFXWriter) WriteLine(l domain.StatementLine) error {
	o.stmts.add(l)
	return nil
}

// Statements is how many statements (currencies) the file holds.
func (o *OFXWriter) Statements() int {
	cur := map[string]bool{}
	for _, s := range o.stmts.stmts {
		cur[s.currency.Code()] = true
	}
	return len(cur)
}

// ofxTime is OFX's datetime: YYYYMMDDHHMMSS.XXX[gmt offset:tz name].
func ofxTime(t time.Time) string {
	name, off := t.Zone()
	h := off / 3600
	return t.Format("20060102150405.000") + fmt.Sprintf("[%+d:%s]", h, name)
}

// ofxType is the OFX transaction type of a move.
func ofxType(m balanceMove) string {
	switch {
	case m.fee:
		return "FEE"
	case strings.HasPrefix(m.line.Category, "payout"):
		return "XFER"
	case m.amount < 0:
		return "DEBIT"
	}
	return "CREDIT"
}

// Close writes the file.
func (o *OFXWriter) Close() error {
	now, account := o.stmts.made()
	o.w.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n" +
		"<?OFX OFXHEADER=\"200\" VERSION=\"220\" SECURITY=\"NONE\" OLDFILEUID=\"NONE\" NEWFILEUID=\"NONE\"?>\n<OFX>\n" +
		"<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>")
	o.x("DTSERVER", ofxTime(now))
	o.w.WriteString("<LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1>\n<BANKMSGSRSV1>\n")
	// One statement per currency: its months run on.
	byCur := map[string][]*balanceStatement{}
	var curs []string
	for _, s := range o.stmts.sorted() {
		c := s.currency.Code()
		if byCur[c] == nil {
			curs = append(curs, c)
		}
		byCur[c] = append(byCur[c], s)
	}
	for i, c := range curs {
		ss := byCur[c]
		first, last := ss[0], ss[len(ss)-1]
		cur := first.currency
		fmt.Fprintf(o.w, "<STMTTRNRS><TRNUID>%d</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>\n<STMTRS>", i+1)
		o.x("CURDEF", c)
		o.w.WriteString("<BANKACCTFROM>")
		o.x("BANKID", "STRIPE")
		o.x("ACCTID", clip(account, 22))
		o.w.WriteString("<ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>\n<BANKTRANLIST>")
		o.x("DTSTART", ofxTime(first.month))
		end := last.month.AddDate(0, 1, 0).Add(-time.Second)
		o.x("DTEND", ofxTime(end))
		o.w.WriteString("\n")
		for _, s := range ss {
			for _, m := range s.moves {
				l := m.line
				o.w.WriteString("<STMTTRN>")
				o.x("TRNTYPE", ofxType(m))
				o.x("DTPOSTED", ofxTime(l.Created.In(o.stmts.loc)))
				if !l.AvailableOn.IsZero() {
					o.x("DTAVAIL", ofxTime(l.AvailableOn.In(o.stmts.loc)))
				}
				o.x("TRNAMT", domain.FormatAmount(m.amount, cur.Exponent()))
				o.x("FITID", balanceRef(m, 255))
				name := l.CustomerEmail
				if name == "" || m.fee {
					name = "Stripe"
				}
				o.x("NAME", clip(name, 32))
				o.x("MEMO", clip(moveText(m), 255))
				o.w.WriteString("</STMTTRN>\n")
			}
		}
		o.w.WriteString("</BANKTRANLIST><LEDGERBAL>")
		o.x("BALAMT", domain.FormatAmount(last.close, cur.Exponent()))
		o.x("DTASOF", ofxTime(end))
		o.w.WriteString("</LEDGERBAL></STMTRS></STMTTRNRS>\n")
	}
	o.w.WriteString("</BANKMSGSRSV1>\n</OFX>\n")
	return o.w.Flush()
}

// NewExportWriter builds the writer of an export format (a
// domain.ExportWriters).
func NewExportWriter(opt domain.ExportOptions, w io.Writer, accounts []domain.LedgerAccount) (any, error) {
	switch opt.Format {
	case domain.FormatDATEV:
		return NewDATEVWriter(w, opt, accounts)
	case domain.FormatCAMT053:
		return NewCAMTWriter(w, "02", opt)
	case domain.FormatCAMT0538:
		return NewCAMTWriter(w, "08", opt)
	case domain.FormatOFX:
		return NewOFXWriter(w, opt), nil
	}
	return NewJournalWriter(opt.Format, w, accounts)
}
