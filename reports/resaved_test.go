package reports

import (
	"bytes"
	"context"
	"encoding/csv"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"tally/domain"
)

var decimalText = regexp.MustCompile(`^-?\d+\.\d+$`)

// resaveEuropean writes CSV content as Excel does in a German or French
// locale: ';' between fields, decimal commas, dates as 31.12.2025 15:04:05
// and text in Windows-1252.
func resaveEuropean(t *testing.T, content string) []byte {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(content)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	w.UseCRLF = true
	for i, row := range rows {
		for j, v := range row {
			switch {
			case i == 0 || v == "":
			case isDateHeader(rows[0][j]):
				for _, l := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04"} {
					if tm, err := time.Parse(l, v); err == nil {
						row[j] = tm.Format("02.01.2006 " + l[11:])
					}
				}
			case decimalText.MatchString(v):
				row[j] = strings.Replace(v, ".", ",", 1)
			}
		}
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return toCP1252(t, buf.String())
}

// toCP1252 encodes text in Windows-1252.
func toCP1252(t *testing.T, s string) []byte {
	t.Helper()
	var b []byte
next:
	for _, r := range s {
		for i, h := range cp1252High {
			if r == h {
				b = append(b, byte(0x80+i))
				continue next
			}
		}
		if r >= 0x100 || r >= 0x80 && r < 0xa0 {
			t.Fatalf("%q has no Windows-1252 byte", r)
		}
		b = append(b, byte(r))
	}
	return b
}

// unicodeText writes CSV content as Excel's "Unicode Text": UTF-16 with a
// byte order mark, tabs between fields.
func unicodeText(t *testing.T, content string, bigEndian bool) []byte {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(content)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	w := csv.NewWriter(&text)
	w.Comma = '\t'
	w.UseCRLF = true
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	out := []byte{0xff, 0xfe}
	if bigEndian {
		out = []byte{0xfe, 0xff}
	}
	for _, u := range utf16.Encode([]rune(text.String())) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

// TestGoldenResavedByExcel reads every golden file as a European Excel and
// as Excel's Unicode Text would have re-saved it: the records are those of
// the original.
func TestGoldenResavedByExcel(t *testing.T) {
	opt := domain.ImportOptions{Currency: domain.MustCurrency("EUR")}
	for _, g := range golden {
		t.Run(g.name, func(t *testing.T) {
			_, want := readAll(t, g.name, []byte(g.content), opt)
			format, got := readAll(t, g.name, resaveEuropean(t, g.content), opt)
			if format.ID != g.format {
				t.Fatalf("European re-save read as %s", format.ID)
			}
			sameRecords(t, want, got)
			for _, be := range []bool{false, true} {
				_, want := readAll(t, g.name, []byte(g.content), opt)
				format, got := readAll(t, strings.TrimSuffix(g.name, ".csv")+".txt", unicodeText(t, g.content, be), opt)
				if format.ID != g.format {
					t.Fatalf("Unicode Text (big endian %v) read as %s", be, format.ID)
				}
				sameRecords(t, want, got)
			}
		})
	}
}

// TestResavedDetails: accented text in Windows-1252, a time without seconds,
// and text outside the Basic Multilingual Plane in UTF-16 spanning the
// reader's chunks.
func TestResavedDetails(t *testing.T) {
	opt := domain.ImportOptions{}
	content := "balance_transaction_id;created;available_on;currency;gross;fee;net;reporting_category;description\r\n" +
		"txn_1;02.11.2025 03:19;08.11.2025 16:00;eur;1.294,80;14,39;1.280,41;charge;Café crème – 5 €\r\n"
	_, recs := readAll(t, "resaved.csv", toCP1252(t, content), opt)
	l := recs[0].Balance
	if l.Description != "Café crème – 5 €" {
		t.Errorf("description %q", l.Description)
	}
	if want := time.Date(2025, 11, 2, 3, 19, 0, 0, time.UTC); !l.Created.Equal(want) {
		t.Errorf("created %v, want %v", l.Created, want)
	}
	if l.Gross != 129480 || l.Fee != 1439 || l.Net != 128041 {
		t.Errorf("amounts %d %d %d", l.Gross, l.Fee, l.Net)
	}

	var b strings.Builder
	b.WriteString("balance_transaction_id,created,available_on,currency,gross,fee,net,reporting_category,description\n")
	for i := 0; i < 300; i++ {
		b.WriteString("txn_" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strings.Repeat("0", i/26) +
			",2025-11-02 03:19:33,2025-11-08 16:00:00,hkd,10.00,1.00,9.00,charge,茶 🍵 order\n")
	}
	_, want := readAll(t, "big.csv", []byte(b.String()), opt)
	_, got := readAll(t, "big.txt", unicodeText(t, b.String(), false), opt)
	sameRecords(t, want, got)
	if got[299].Balance.Description != "茶 🍵 order" {
		t.Errorf("description %q", got[299].Balance.Description)
	}
}

func TestFixEncoding(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                "plain",
		"Café":                 "Café", // already UTF-8
		"Caf\xe9":              "Café",
		"\x80 5, \x93q\x94":    "€ 5, “q”",
		"na\xefve \xfcber\x81": "naïve über\u0081",
	} {
		if got := fixEncoding(in); got != want {
			t.Errorf("fixEncoding(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSeparator(t *testing.T) {
	for in, want := range map[string]rune{
		"a,b,c\n1;2;3":      ',',
		"a;b;c\r\n1,5;2;3":  ';',
		"\"x;y\",b,c":       ',',
		"\"x,y\";\"b,c\";d": ';',
		"a\tb\tc\n":         '\t',
		"id":                ',',
		"":                  ',',
	} {
		if got := separator([]byte(in)); got != want {
			t.Errorf("separator(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLocalDates(t *testing.T) {
	utc := time.UTC
	for _, c := range []struct {
		in    string
		order domain.DateOrder
		want  time.Time
	}{
		{"02.11.2025 03:19", domain.DateMonthFirst, time.Date(2025, 11, 2, 3, 19, 0, 0, utc)}, // dots: day first whatever the order
		{"2.11.25", domain.DateAuto, time.Date(2025, 11, 2, 0, 0, 0, 0, utc)},
		{"11/2/2025 3:19 PM", domain.DateMonthFirst, time.Date(2025, 11, 2, 15, 19, 0, 0, utc)},
		{"11/2/2025 12:05 am", domain.DateMonthFirst, time.Date(2025, 11, 2, 0, 5, 0, 0, utc)},
		{"11/2/2025 12:05:09 PM", domain.DateMonthFirst, time.Date(2025, 11, 2, 12, 5, 9, 0, utc)},
		{"02-11-2025 03:19:33", domain.DateDayFirst, time.Date(2025, 11, 2, 3, 19, 33, 0, utc)},
		{"2025/11/02 03:19:33", domain.DateAuto, time.Date(2025, 11, 2, 3, 19, 33, 0, utc)},
		{"2025.11.02", domain.DateAuto, time.Date(2025, 11, 2, 0, 0, 0, 0, utc)},
		{"02/11/2025 03:19:33.000", domain.DateDayFirst, time.Date(2025, 11, 2, 3, 19, 33, 0, utc)},
	} {
		got, err := parseTime(c.in, utc, c.order)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("parseTime(%q, %s) = %v, %v; want %v", c.in, c.order, got, err, c.want)
		}
	}
	for _, bad := range []string{"31.02.2025", "02.11.2025 25:00", "11/2/2025 13:00 PM", "1.2.3", "02.11.2025 3", "x/y/z", "02-11-2025 03:19:77"} {
		if got, err := parseTime(bad, utc, domain.DateDayFirst); err == nil {
			t.Errorf("parseTime(%q) = %v, want an error", bad, got)
		}
	}
	if needsOrder("02.11.2025") || needsOrder("2025/11/02") || !needsOrder("02-11-2025") || !needsOrder("02/11/2025") {
		t.Error("needsOrder: only day/month dates with / or - need the file's order")
	}
}

func TestWorkbookNameThatIsNotAWorkbook(t *testing.T) {
	data := bytes.Repeat([]byte("\x93\xa7 garbage\xfe\x01,"), 100)
	_, err := Parser{}.Open(context.Background(), "balance.xlsx", bytes.NewReader(data), domain.ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "This file is named like an Excel workbook but is not one") {
		t.Fatalf("err = %v", err)
	}
	if domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("code %s", domain.ErrorCode(err))
	}
}

// TestCurrencyFormattedAmounts: amounts a spreadsheet wrote with its
// currency format.
func TestCurrencyFormattedAmounts(t *testing.T) {
	eur, hkd := domain.MustCurrency("EUR"), domain.MustCurrency("HKD")
	for _, c := range []struct {
		in   string
		cur  domain.Currency
		want int64
	}{
		{"$1,294.80", hkd, 129480},
		{"HK$1,294.80", hkd, 129480},
		{"-HK$5.00", hkd, -500},
		{"HK$-5.00", hkd, -500},
		{"(HK$5.00)", hkd, -500},
		{"1.294,80 €", eur, 129480},
		{"-1.294,80 €", eur, -129480},
		{"−12,00 €", eur, -1200},
		{"€12.00", eur, 1200},
		{"EUR 12.00", eur, 1200},
		{"12.00 eur", eur, 1200},
		{"EUR12.00", eur, 1200},
		{"12.00-", eur, -1200},
		{"12.00", eur, 1200},
	} {
		s, err := stripCurrency(c.in, c.cur)
		var got int64
		if err == nil {
			got, err = domain.ParseAmount(s, c.cur.Exponent())
		}
		if err != nil || got != c.want {
			t.Errorf("%q in %s: %d, %v; want %d", c.in, c.cur.Code(), got, err, c.want)
		}
	}
	for _, bad := range []string{"USD 12.00", "12.00 USD"} {
		if s, err := stripCurrency(bad, eur); err == nil || !strings.Contains(err.Error(), "the amount is in USD but the row's currency is EUR") {
			t.Errorf("%q in EUR: %q, %v", bad, s, err)
		}
	}
	for _, bad := range []string{"EURO 12", "12 kr", "$", "abc"} {
		s, err := stripCurrency(bad, eur)
		if err == nil {
			_, err = domain.ParseAmount(s, 2)
		}
		if err == nil {
			t.Errorf("%q was read as an amount (%q)", bad, s)
		}
	}
	// Through the reader: a re-saved row with currency formats.
	content := "balance_transaction_id,created,available_on,currency,gross,fee,net,reporting_category,description\n" +
		`txn_1,2025-11-02 03:19:33,2025-11-08 16:00:00,hkd,"HK$1,294.80",HK$14.39,"HK$1,280.41",charge,x` + "\n"
	_, recs := readAll(t, "formatted.csv", []byte(content), domain.ImportOptions{})
	if l := recs[0].Balance; l.Gross != 129480 || l.Fee != 1439 || l.Net != 128041 {
		t.Errorf("amounts %d %d %d", l.Gross, l.Fee, l.Net)
	}
}

// TestParseStripeTimeAgreesWithTimeParse: the fast path for Stripe's own
// date form reads exactly what time.ParseInLocation reads, and leaves it
// everything else.
func TestParseStripeTimeAgreesWithTimeParse(t *testing.T) {
	dublin, err := time.LoadLocation("Europe/Dublin")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"2025-11-03 16:00:05", "2024-02-29 23:59:59", "2025-02-29 10:00:00", "2025-02-30 10:00:00",
		"2025-13-01 00:00:00", "2025-00-10 00:00:00", "2025-11-03 24:00:00", "2025-11-03 23:60:00", "2025-11-03 23:59:60",
		"2025-11-03T16:00:05", "2025-11-03 16:00", "2025-11-3 16:00:05", "2025-11-03 16:00:0x", "0000-01-01 00:00:00",
		"2025-03-30 01:30:00", "2025-10-26 01:30:00", "+025-11-03 16:00:05", "2025-11-03 -1:00:05"} {
		for _, loc := range []*time.Location{time.UTC, dublin} {
			want, werr := time.ParseInLocation("2006-01-02 15:04:05", v, loc)
			got, ok := parseStripeTime(v, loc)
			if ok != (werr == nil) || ok && !got.Equal(want) {
				t.Errorf("%q in %s: fast path %v %v, time.Parse %v %v", v, loc, got, ok, want, werr)
			}
		}
	}
}

// TestUnknownLayoutNamesWhatIsMissing: a file that is not quite a Stripe
// export names its columns, the layout it comes closest to, and what that
// layout still needs.
func TestUnknownLayoutNamesWhatIsMissing(t *testing.T) {
	for _, c := range []struct{ header, want string }{
		{"balance_transaction_id,created,available_on,currency,gross,fee,reporting_category,description",
			"The closest is Balance change from activity (itemized), which also needs: net."},
		{"balance_transaction_id,created_utc,currency,gross,fee,reporting_category,automatic_payout_id",
			"The closest is Payout reconciliation (itemized), which also needs: net."},
		{"id,Type,Amount,Fee,Currency,Created (UTC)", "The closest is Dashboard balance history (all activity), which also needs: net."},
		{"foo,bar", "Its first row has the columns: bar, foo. Export the file again"},
	} {
		_, err := Parser{}.Open(context.Background(), "x.csv", strings.NewReader(c.header+"\n"), domain.ImportOptions{})
		if err == nil || !strings.Contains(err.Error(), c.want) || domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("%s:\n got %v\nwant %q", c.header, err, c.want)
		}
	}
}
