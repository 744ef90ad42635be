package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/charmap"

	"tally/domain"
)

// Readers of the exchange formats: they read a DATEV batch, a camt.053
// document or an OFX file back, checking it against the rules of its
// format, so that a test (or a doubtful bookkeeper) can see that a file
// holds what the books hold.

// DATEVBooking is one booking of a batch.
type DATEVBooking struct {
	Amount   int64 // in the currency's minor units, positive
	Debit    bool  // S: Konto is debited, Gegenkonto credited
	Currency string
	Account  string
	Contra   string
	Day      time.Time
	Doc      string
	Text     string
}

// DATEVBatch is a batch read back.
type DATEVBatch struct {
	Header   []string
	From, To time.Time // the header's period, To the last day
	Bookings []DATEVBooking
}

var (
	datevAmount = regexp.MustCompile(`^\d{1,10},\d{2}$`)
	datevDoc1   = regexp.MustCompile(`^[A-Za-z0-9$&%*+\-/]{0,36}$`)
)

// ReadDATEV reads a batch in Windows-1252 and checks what DATEV's format
// description asks of the fields Tally writes.
func ReadDATEV(r io.Reader) (DATEVBatch, error) {
	var b DATEVBatch
	raw, err := io.ReadAll(r)
	if err != nil {
		return b, err
	}
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
		return b, fmt.Errorf("a line ends without CR LF")
	}
	text, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil {
		return b, err
	}
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return b, err
	}
	if len(rows) < 2 {
		return b, fmt.Errorf("a batch has a header line and a line of headings")
	}
	h := rows[0]
	if len(h) != 31 || h[0] != "EXTF" || h[1] != "700" || h[2] != "21" || h[3] != "Buchungsstapel" || h[4] != "13" {
		return b, fmt.Errorf("header %q is not an EXTF Buchungsstapel of format version 13", h)
	}
	b.Header = h
	if b.From, err = time.Parse("20060102", h[14]); err != nil {
		return b, fmt.Errorf("Datum vom %q: %w", h[14], err)
	}
	if b.To, err = time.Parse("20060102", h[15]); err != nil {
		return b, fmt.Errorf("Datum bis %q: %w", h[15], err)
	}
	fy, err := time.Parse("20060102", h[12])
	if err != nil || b.From.Before(fy) || !b.To.Before(fy.AddDate(1, 0, 0)) || b.From.Year() != b.To.Year() {
		return b, fmt.Errorf("the period %s–%s is not within the financial year from %s and one calendar year", h[14], h[15], h[12])
	}
	length, _ := strconv.Atoi(h[13])
	if n, _ := strconv.Atoi(h[10]); n < 1001 || n > 9999999 {
		return b, fmt.Errorf("Beraternummer %q", h[10])
	}
	if n, _ := strconv.Atoi(h[11]); n < 1 || n > 99999 {
		return b, fmt.Errorf("Mandantennummer %q", h[11])
	}
	if strings.Join(rows[1], ";") != strings.Join(datevColumns[:], ";") {
		return b, fmt.Errorf("the headings are not the 125 of format version 13")
	}
	for i, row := range rows[2:] {
		line := i + 3
		if len(row) != 125 {
			return b, fmt.Errorf("line %d has %d fields, not 125", line, len(row))
		}
		if !datevAmount.MatchString(row[dvAmount]) || strings.Trim(row[dvAmount], "0,") == "" {
			return b, fmt.Errorf("line %d: amount %q", line, row[dvAmount])
		}
		if row[dvSide] != "S" && row[dvSide] != "H" {
			return b, fmt.Errorf("line %d: debit/credit flag %q", line, row[dvSide])
		}
		for _, a := range []string{row[dvAccount], row[dvContra]} {
			if a == "" || strings.Trim(a, "0123456789") != "" || len(a) > length {
				return b, fmt.Errorf("line %d: account %q", line, a)
			}
		}
		if row[dvAccount] == row[dvContra] {
			return b, fmt.Errorf("line %d: account and contra account are both %s", line, row[dvAccount])
		}
		day, err := time.Parse("0201 2006", row[dvDate]+" "+strconv.Itoa(b.From.Year()))
		if err != nil || len(row[dvDate]) != 4 || day.Before(b.From) || day.After(b.To) {
			return b, fmt.Errorf("line %d: Belegdatum %q is not a day of the batch's period", line, row[dvDate])
		}
		if !datevDoc1.MatchString(row[dvDoc1]) {
			return b, fmt.Errorf("line %d: Belegfeld 1 %q", line, row[dvDoc1])
		}
		if len([]rune(row[dvText])) > 60 {
			return b, fmt.Errorf("line %d: Buchungstext longer than 60", line)
		}
		cur, err := domain.CurrencyOf(row[dvCurrency])
		if err != nil {
			return b, fmt.Errorf("line %d: %w", line, err)
		}
		amt, err := domain.ParseAmount(strings.Replace(row[dvAmount], ",", ".", 1), cur.Exponent())
		if err != nil {
			return b, fmt.Errorf("line %d: %w", line, err)
		}
		b.Bookings = append(b.Bookings, DATEVBooking{Amount: amt, Debit: row[dvSide] == "S", Currency: row[dvCurrency],
			Account: row[dvAccount], Contra: row[dvContra], Day: day, Doc: row[dvDoc1], Text: row[dvText]})
	}
	return b, nil
}

// Balances sums the bookings per DATEV account, debit positive.
func (b DATEVBatch) Balances() map[string]int64 {
	out := map[string]int64{}
	for _, k := range b.Bookings {
		n := k.Amount
		if !k.Debit {
			n = -n
		}
		out[k.Account] += n
		out[k.Contra] -= n
	}
	return out
}

// CAMTStatement is a camt.053 statement read back.
type CAMTStatement struct {
	ID            string
	Account       string
	Currency      string
	Opening       int64
	Closing       int64
	OpeningDay    string
	ClosingDay    string
	Entries       []CAMTEntry
	CountInHeader int
}

// CAMTEntry is one entry: signed amount, its reference and booking day.
type CAMTEntry struct {
	Amount     int64
	Ref        string
	EndToEnd   string
	Payout     string
	BookingDay string
	Text       string
}

type camtAmount struct {
	Ccy   string `xml:"Ccy,attr"`
	Value string `xml:",chardata"`
}

type camtDoc struct {
	XMLName xml.Name
	Stmts   []struct {
		ID   string `xml:"Id"`
		Acct struct {
			ID  string `xml:"Id>Othr>Id"`
			Ccy string `xml:"Ccy"`
		} `xml:"Acct"`
		Bals []struct {
			Code string     `xml:"Tp>CdOrPrtry>Cd"`
			Amt  camtAmount `xml:"Amt"`
			Ind  string     `xml:"CdtDbtInd"`
			Day  string     `xml:"Dt>Dt"`
		} `xml:"Bal"`
		Count   int `xml:"TxsSummry>TtlNtries>NbOfNtries"`
		Entries []struct {
			Amt camtAmount `xml:"Amt"`
			Ind string     `xml:"CdtDbtInd"`
			Sts struct {
				Text string `xml:",chardata"`
				Cd   string `xml:"Cd"`
			} `xml:"Sts"`
			Day      string `xml:"BookgDt>Dt"`
			Ref      string `xml:"AcctSvcrRef"`
			EndToEnd string `xml:"NtryDtls>TxDtls>Refs>EndToEndId"`
			Payout   string `xml:"NtryDtls>TxDtls>Refs>PmtInfId"`
			Text     string `xml:"NtryDtls>TxDtls>RmtInf>Ustrd"`
		} `xml:"Ntry"`
	} `xml:"BkToCstmrStmt>Stmt"`
}

func camtSigned(a camtAmount, ind string) (int64, error) {
	cur, err := domain.CurrencyOf(a.Ccy)
	if err != nil {
		return 0, err
	}
	n, err := domain.ParseAmount(a.Value, cur.Exponent())
	if err != nil {
		return 0, err
	}
	switch ind {
	case "CRDT":
		return n, nil
	case "DBIT":
		return -n, nil
	}
	return 0, fmt.Errorf("credit/debit indicator %q", ind)
}

// ReadCAMT053 reads a camt.053 document of version 001.02 or 001.08 and
// checks that each statement's opening balance plus its entries is its
// closing balance.
func ReadCAMT053(r io.Reader) (version string, out []CAMTStatement, err error) {
	var doc camtDoc
	if err := xml.NewDecoder(r).Decode(&doc); err != nil {
		return "", nil, err
	}
	switch doc.XMLName.Space {
	case "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02":
		version = "02"
	case "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08":
		version = "08"
	default:
		return "", nil, fmt.Errorf("namespace %q is not camt.053.001.02 or .08", doc.XMLName.Space)
	}
	for _, s := range doc.Stmts {
		st := CAMTStatement{ID: s.ID, Account: s.Acct.ID, Currency: s.Acct.Ccy, CountInHeader: s.Count}
		var haveOpen, haveClose bool
		for _, b := range s.Bals {
			n, err := camtSigned(b.Amt, b.Ind)
			if err != nil {
				return version, nil, fmt.Errorf("statement %s: %w", s.ID, err)
			}
			switch b.Code {
			case "OPBD":
				st.Opening, st.OpeningDay, haveOpen = n, b.Day, true
			case "CLBD":
				st.Closing, st.ClosingDay, haveClose = n, b.Day, true
			}
		}
		if !haveOpen || !haveClose {
			return version, nil, fmt.Errorf("statement %s lacks its opening or closing booked balance", s.ID)
		}
		sum := st.Opening
		for _, e := range s.Entries {
			n, err := camtSigned(e.Amt, e.Ind)
			if err != nil {
				return version, nil, fmt.Errorf("statement %s: %w", s.ID, err)
			}
			if e.Amt.Ccy != st.Currency {
				return version, nil, fmt.Errorf("statement %s: an entry in %s", s.ID, e.Amt.Ccy)
			}
			sts := strings.TrimSpace(e.Sts.Text) // 02: the code itself
			if version == "08" {
				sts = e.Sts.Cd
			}
			if sts != "BOOK" {
				return version, nil, fmt.Errorf("statement %s: entry %s has status %q", s.ID, e.Ref, sts)
			}
			sum += n
			st.Entries = append(st.Entries, CAMTEntry{Amount: n, Ref: e.Ref, EndToEnd: e.EndToEnd, Payout: e.Payout, BookingDay: e.Day, Text: e.Text})
		}
		if sum != st.Closing {
			return version, nil, fmt.Errorf("statement %s: opening %d and the entries make %d, not the closing %d", s.ID, st.Opening, sum, st.Closing)
		}
		if st.CountInHeader != len(st.Entries) {
			return version, nil, fmt.Errorf("statement %s says %d entries and holds %d", s.ID, st.CountInHeader, len(st.Entries))
		}
		out = append(out, st)
	}
	return version, out, nil
}

// OFXStatement is one currency's statement of an OFX file read back.
type OFXStatement struct {
	Currency string
	Ledger   int64
	Moves    []CAMTEntry // Ref is the FITID
}

// ReadOFX reads an OFX 2 file as Tally writes it.
func ReadOFX(r io.Reader) ([]OFXStatement, error) {
	var doc struct {
		Stmts []struct {
			Cur   string `xml:"CURDEF"`
			Trans []struct {
				Type  string `xml:"TRNTYPE"`
				Amt   string `xml:"TRNAMT"`
				FITID string `xml:"FITID"`
				Memo  string `xml:"MEMO"`
			} `xml:"BANKTRANLIST>STMTTRN"`
			Bal string `xml:"LEDGERBAL>BALAMT"`
		} `xml:"BANKMSGSRSV1>STMTTRNRS>STMTRS"`
	}
	if err := xml.NewDecoder(r).Decode(&doc); err != nil {
		return nil, err
	}
	var out []OFXStatement
	for _, s := range doc.Stmts {
		cur, err := domain.CurrencyOf(s.Cur)
		if err != nil {
			return nil, err
		}
		st := OFXStatement{Currency: s.Cur}
		if st.Ledger, err = domain.ParseAmount(s.Bal, cur.Exponent()); err != nil {
			return nil, err
		}
		for _, t := range s.Trans {
			n, err := domain.ParseAmount(t.Amt, cur.Exponent())
			if err != nil {
				return nil, fmt.Errorf("%s: %w", t.FITID, err)
			}
			st.Moves = append(st.Moves, CAMTEntry{Amount: n, Ref: t.FITID, Text: t.Memo})
		}
		out = append(out, st)
	}
	return out, nil
}
