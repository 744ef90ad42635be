package domain_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"

	"tally/domain"
	"tally/reports"
)

// readZipCSV reads the export's files: each a header line and records,
// ';' between fields.
func readZipCSV(t *testing.T, b []byte) (map[string][]map[string]string, []byte) {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]map[string]string{}
	var index []byte
	want := reports.DSFinVKTables()
	for _, f := range z.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == "index.xml" {
			index = data
			continue
		}
		if !bytes.HasSuffix(data, []byte("\r\n")) {
			t.Errorf("%s does not end its lines with CR LF", f.Name)
		}
		r := csv.NewReader(bytes.NewReader(data))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if strings.Join(rows[0], ";") != strings.Join(want[f.Name], ";") {
			t.Errorf("%s's header %v", f.Name, rows[0])
		}
		for _, row := range rows[1:] {
			m := map[string]string{}
			for i, c := range rows[0] {
				m[c] = row[i]
			}
			out[f.Name] = append(out[f.Name], m)
		}
		delete(want, f.Name)
	}
	if len(want) > 0 {
		t.Errorf("the export lacks %v", want)
	}
	return out, index
}

func dsAmount(t *testing.T, s string) int64 {
	t.Helper()
	n, err := domain.ParseAmount(strings.Replace(s, ",", ".", 1), 5)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	return n / 1000 // to cents
}

// TestDSFinVKExportAddsUpToTheZReport: a day of sales (cash, card, split,
// one given up), a float and a cash out, closed; the export of the day is
// read back: every file there with its columns, the receipts' totals, the
// business cases and the payments equal the Z report's, and each sale's
// TSE transaction is there with its signature.
func TestDSFinVKExportAddsUpToTheZReport(t *testing.T) {
	ctx := context.Background()
	r := newTill(t)
	withTSE(t, r, nil)
	r.reg.DSFinVKWriter = reports.WriteDSFinVK
	float, err := r.reg.MoveCash(ctx, domain.Grant{}, domain.MoveCashRequest{Kind: domain.CashFloat, Amount: "100.00"})
	if err != nil {
		t.Fatal(err)
	}
	s1 := r.germanSale()
	must(t)(r.reg.PayCash(ctx, s1.ID, r.cash, 1000))
	s2 := r.germanSale()
	res := must(t)(r.reg.StartCard(ctx, s2.ID, r.card, 500))
	must(t)(r.reg.PresentTestCard(ctx, res.Attempt.ID, domain.CardSucceeds))
	must(t)(r.reg.PayCash(ctx, s2.ID, r.cash, 470))
	s3 := r.germanSale()
	if _, err := r.reg.CancelSale(ctx, s3.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := r.reg.MoveCash(ctx, domain.Grant{}, domain.MoveCashRequest{Kind: domain.CashOut, Amount: "3.50", Reason: "Milch"}); err != nil {
		t.Fatal(err)
	}
	// 2.00 of the split sale's card part refunded.
	refund, err := r.pay.Refund(ctx, r.owner(), domain.RefundRequest{SaleID: s2.ID, AttemptID: res.Attempt.ID, Amount: 200})
	if err != nil || len(refund.Refunds) != 1 {
		t.Fatalf("refund %+v %v", refund, err)
	}
	z, err := r.reg.CloseDay(ctx, domain.Grant{}, 10000+970+470-350)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	from := r.clock.Now().AddDate(0, 0, -1)
	to := r.clock.Now().AddDate(0, 0, 1)
	if _, err := r.reg.DSFinVK(ctx, from, to, "Tally test", &buf); err != nil {
		t.Fatal(err)
	}
	files, index := readZipCSV(t, buf.Bytes())

	// Receipts: the sales' totals are the Z report's.
	var total, refunded int64
	bons := 0
	for _, row := range files["transactions.csv"] {
		if row["BON_TYP"] == "Beleg" && strings.HasPrefix(row["BON_ID"], "R") {
			refunded -= dsAmount(t, row["UMS_BRUTTO"])
		} else if row["BON_TYP"] == "Beleg" {
			total += dsAmount(t, row["UMS_BRUTTO"])
			bons++
		}
		if row["Z_NR"] == "" || row["Z_KASSE_ID"] == "" || row["Z_ERSTELLUNG"] == "" {
			t.Errorf("a receipt without its close: %v", row)
		}
	}
	if total != z.Total || bons != 2 || refunded != z.Refunds || refunded != 200 {
		t.Errorf("receipts add up to %d over %d, refunds %d; the Z report says %d, refunds %d", total, bons, refunded, z.Total, z.Refunds)
	}
	// Business cases: sales per rate as the Z report's tax table.
	byRate := map[string]int64{}
	for _, row := range files["businesscases.csv"] {
		if row["GV_TYP"] == "Umsatz" {
			byRate[row["UST_SCHLUESSEL"]] += dsAmount(t, row["Z_UMS_BRUTTO"])
		}
	}
	for _, rt := range z.TaxByRate {
		id := map[domain.TaxRate]string{190000: "1", 70000: "2"}[rt.Rate]
		if byRate[id]+refundedAt(t, files, id) != rt.Gross {
			t.Errorf("rate %s: business cases %d, Z report %d", rt.Rate, byRate[id], rt.Gross)
		}
	}
	// Payments: per type as the Z report's methods, the drawer's movements in cash.
	pay := map[string]int64{}
	for _, row := range files["payment.csv"] {
		pay[row["ZAHLART_TYP"]] += dsAmount(t, row["Z_ZAHLART_BETRAG"])
	}
	var zCash, zCard int64
	for _, m := range z.ByMethod {
		if m.Kind == domain.MethodCash {
			zCash += m.Amount
		} else {
			zCard += m.Amount
		}
	}
	if pay["Unbar"] != zCard-200 || pay["Bar"] != zCash+10000-350 {
		t.Errorf("payments %v; Z report cash %d card %d (float 100.00, cash out 3.50)", pay, zCash, zCard)
	}
	// The TSE: every sale's transaction, signed.
	tse := map[string]map[string]string{}
	for _, row := range files["transactions_tse.csv"] {
		tse[row["BON_ID"]] = row
	}
	if row := tse["G"+strconv.FormatInt(float.ID, 10)]; row == nil || row["TSE_TA_VORGANGSDATEN"] != "AVTransfer^0.00_0.00_0.00_0.00_100.00^100.00:Bar" || row["TSE_TA_SIG"] == "" {
		t.Errorf("the float's TSE transaction: %v", row)
	}
	if row := tse["R"+strconv.FormatInt(refund.Refunds[0].ID, 10)]; row == nil || !strings.HasPrefix(row["TSE_TA_VORGANGSDATEN"], "Beleg^-") {
		t.Errorf("the refund's TSE transaction: %v", row)
	}
	for _, s := range []domain.Sale{r.saleNow(s1.ID), r.saleNow(s2.ID), r.saleNow(s3.ID)} {
		row := tse[strconv.FormatInt(s.ID, 10)]
		if row == nil || row["TSE_TA_SIG"] != s.TSE.Sig.Signature || row["TSE_TA_VORGANGSART"] != "Kassenbeleg-V1" {
			t.Errorf("sale #%d's TSE transaction: %v", s.Number, row)
		}
	}
	if len(files["tse.csv"]) != 1 || files["tse.csv"][0]["TSE_SERIAL"] == "" {
		t.Errorf("tse.csv %v", files["tse.csv"])
	}
	if len(files["cashpointclosing.csv"]) != 1 || files["cashpointclosing.csv"][0]["TAXONOMIE_VERSION"] != "2.3" {
		t.Errorf("cashpointclosing.csv %v", files["cashpointclosing.csv"])
	}
	// index.xml describes every file.
	var ix struct {
		Tables []struct {
			URL string `xml:"URL"`
		} `xml:"Media>Table"`
	}
	dec := xml.NewDecoder(bytes.NewReader(index))
	dec.Strict = false
	if err := dec.Decode(&ix); err != nil || len(ix.Tables) != len(reports.DSFinVKTables()) {
		t.Errorf("index.xml: %d tables, %v", len(ix.Tables), err)
	}

	// A period without a close is said as such.
	if _, err := r.reg.DSFinVK(ctx, from.AddDate(-1, 0, 0), from.AddDate(-1, 0, 1), "", &buf); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("an empty period: %v", err)
	}
}

// refundedAt sums the refunds' receipts of a VAT id (positive).
func refundedAt(t *testing.T, files map[string][]map[string]string, id string) int64 {
	var n int64
	for _, row := range files["transactions_vat.csv"] {
		if strings.HasPrefix(row["BON_ID"], "R") && row["UST_SCHLUESSEL"] == id {
			n -= dsAmount(t, row["BON_BRUTTO"])
		}
	}
	return n
}
