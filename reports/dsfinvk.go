package reports

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"tally/domain"
)

// WriteDSFinVK writes a DSFinV-K export (taxonomy 2.3) as a zip: the
// single-recording module (Einzelaufzeichnungsmodul: receipts, their
// lines, taxes, payments and TSE transactions), the master-data module
// (Stammdatenmodul: each close, the location, the till, the VAT rates,
// the TSE) and the cash-point-closing module (Kassenabschlussmodul: the
// sums by business case, payment type and currency), each file CSV with a
// header line, ';' between fields, '"' around text, ',' as the decimal
// mark, CRLF, UTF-8, and index.xml describing them as the Beschreibungs-
// standard does. The tables Tally has nothing for (vouchers, agencies,
// terminals, references) are there with their header line only.
func WriteDSFinVK(w io.Writer, d domain.DSFinVKData) error {
	x := newDSFinVK(d)
	x.fill()
	z := zip.NewWriter(w)
	for _, t := range dsfinvkTables {
		f, err := z.Create(t.file)
		if err != nil {
			return err
		}
		if _, err := f.Write(x.csv(t)); err != nil {
			return err
		}
	}
	f, err := z.Create("index.xml")
	if err != nil {
		return err
	}
	if _, err := f.Write(x.index()); err != nil {
		return err
	}
	return z.Close()
}

// A column's kind: text, or a number with its decimals.
type dsCol struct {
	name   string
	places int // -1: text
}

type dsTable struct {
	file, name, description string
	cols                    []dsCol
}

func cols(spec string) []dsCol {
	var out []dsCol
	for _, f := range strings.Fields(spec) {
		name, places, ok := strings.Cut(f, ":")
		c := dsCol{name: name, places: -1}
		if ok {
			c.places, _ = strconv.Atoi(places)
		}
		out = append(out, c)
	}
	return out
}

const dsKey = "Z_KASSE_ID Z_ERSTELLUNG Z_NR:0 "

// dsfinvkTables are the DSFinV-K's files, with their columns in order.
var dsfinvkTables = []dsTable{
	{"lines.csv", "Bonpos", "Positionen der Vorgänge", cols(dsKey + "BON_ID POS_ZEILE GUTSCHEIN_NR ARTIKELTEXT POS_TERMINAL_ID GV_TYP GV_NAME INHAUS P_STORNO AGENTUR_ID:0 ART_NR GTIN WARENGR_ID WARENGR MENGE:3 FAKTOR:3 EINHEIT STK_BR:2")},
	{"lines_vat.csv", "Bonpos_USt", "USt der Positionen", cols(dsKey + "BON_ID POS_ZEILE UST_SCHLUESSEL:0 POS_BRUTTO:5 POS_NETTO:5 POS_UST:5")},
	{"itemamounts.csv", "Bonpos_Preisfindung", "Preisfindung der Positionen", cols(dsKey + "BON_ID POS_ZEILE TYP UST_SCHLUESSEL:0 PF_BRUTTO:5 PF_NETTO:5 PF_UST:5")},
	{"subitems.csv", "Bonpos_Zusatzinfo", "Zusatzinformationen der Positionen", cols(dsKey + "BON_ID POS_ZEILE ZI_ART_NR ZI_GTIN ZI_NAME ZI_WARENGR_ID ZI_WARENGR ZI_MENGE:3 ZI_FAKTOR:3 ZI_EINHEIT ZI_UST_SCHLUESSEL:0 ZI_BASISPREIS_BRUTTO:5 ZI_BASISPREIS_NETTO:5 ZI_BASISPREIS_UST:5")},
	{"transactions.csv", "Bonkopf", "Vorgänge (Belege)", cols(dsKey + "BON_ID BON_NR:0 BON_TYP BON_NAME TERMINAL_ID BON_STORNO BON_START BON_ENDE BEDIENER_ID BEDIENER_NAME UMS_BRUTTO:2 KUNDE_NAME KUNDE_ID KUNDE_TYP KUNDE_STRASSE KUNDE_PLZ KUNDE_ORT KUNDE_LAND KUNDE_USTID BON_NOTIZ")},
	{"transactions_vat.csv", "Bonkopf_USt", "USt der Vorgänge", cols(dsKey + "BON_ID UST_SCHLUESSEL:0 BON_BRUTTO:5 BON_NETTO:5 BON_UST:5")},
	{"allocation_groups.csv", "Bonkopf_AbrKreis", "Abrechnungskreise", cols(dsKey + "BON_ID ABRECHNUNGSKREIS")},
	{"datapayment.csv", "Bonkopf_Zahlarten", "Zahlarten der Vorgänge", cols(dsKey + "BON_ID ZAHLART_TYP ZAHLART_NAME ZAHLWAEH_CODE ZAHLWAEH_BETRAG:2 BASISWAEH_BETRAG:2")},
	{"references.csv", "Bon_Referenzen", "Referenzen", cols(dsKey + "BON_ID POS_ZEILE REF_TYP REF_NAME REF_DATUM REF_Z_KASSE_ID REF_Z_NR:0 REF_BON_ID")},
	{"transactions_tse.csv", "TSE_Transaktionen", "TSE-Transaktionen", cols(dsKey + "BON_ID TSE_ID:0 TSE_TANR:0 TSE_TA_START TSE_TA_ENDE TSE_TA_VORGANGSART TSE_TA_SIGZ:0 TSE_TA_SIG TSE_TA_FEHLER TSE_TA_VORGANGSDATEN")},
	{"cashpointclosing.csv", "Stamm_Abschluss", "Kassenabschlüsse", cols(dsKey + "Z_BUCHUNGSTAG TAXONOMIE_VERSION Z_START_ID Z_ENDE_ID NAME STRASSE PLZ ORT LAND STNR USTID Z_SE_ZAHLUNGEN:2 Z_SE_BARZAHLUNGEN:2")},
	{"location.csv", "Stamm_Orte", "Standorte", cols(dsKey + "LOC_NAME LOC_STRASSE LOC_PLZ LOC_ORT LOC_LAND LOC_USTID")},
	{"cashregister.csv", "Stamm_Kassen", "Kassen", cols(dsKey + "KASSE_BRAND KASSE_MODELL KASSE_SERIENNR KASSE_SW_BRAND KASSE_SW_VERSION KASSE_BASISWAEH_CODE KEINE_UST_ZUORDNUNG")},
	{"slaves.csv", "Stamm_Terminals", "Terminals", cols(dsKey + "TERMINAL_ID TERMINAL_BRAND TERMINAL_MODELL TERMINAL_SERIENNR TERMINAL_SW_BRAND TERMINAL_SW_VERSION")},
	{"pa.csv", "Stamm_Agenturen", "Agenturen", cols(dsKey + "AGENTUR_ID:0 AGENTUR_NAME AGENTUR_STRASSE AGENTUR_PLZ AGENTUR_ORT AGENTUR_LAND AGENTUR_STNR AGENTUR_USTID")},
	{"vat.csv", "Stamm_USt", "USt-Sätze", cols(dsKey + "UST_SCHLUESSEL:0 UST_SATZ:2 UST_BESCHR")},
	{"tse.csv", "Stamm_TSE", "TSE", cols(dsKey + "TSE_ID:0 TSE_SERIAL TSE_SIG_ALGO TSE_ZEITFORMAT TSE_PD_ENCODING TSE_PUBLIC_KEY TSE_ZERTIFIKAT_I TSE_ZERTIFIKAT_II")},
	{"businesscases.csv", "Z_GV_Typ", "Summen je Geschäftsvorfall", cols(dsKey + "GV_TYP GV_NAME AGENTUR_ID:0 UST_SCHLUESSEL:0 Z_UMS_BRUTTO:5 Z_UMS_NETTO:5 Z_UST:5")},
	{"payment.csv", "Z_Zahlart", "Summen je Zahlart", cols(dsKey + "ZAHLART_TYP ZAHLART_NAME Z_ZAHLART_BETRAG:2")},
	{"cash_per_currency.csv", "Z_Waehrungen", "Kassenbestand je Währung", cols(dsKey + "ZAHLART_WAEH ZAHLART_BETRAG_WAEH:2")},
}

// DSFinVKTables lists the export's files and columns (for tests).
func DSFinVKTables() map[string][]string {
	out := map[string][]string{}
	for _, t := range dsfinvkTables {
		for _, c := range t.cols {
			out[t.file] = append(out[t.file], c.name)
		}
	}
	return out
}

// dsRow is one record: its values by column name (amounts in minor
// units, quantities in thousandths).
type dsRow map[string]any

type dsfinvk struct {
	d    domain.DSFinVKData
	loc  *time.Location
	rows map[string][]dsRow
}

func newDSFinVK(d domain.DSFinVKData) *dsfinvk {
	loc := d.Shop.Location()
	return &dsfinvk{d: d, loc: loc, rows: map[string][]dsRow{}}
}

func (x *dsfinvk) t(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(x.loc).Format("2006-01-02T15:04:05")
}

// money is an amount of minor units, as dsfinvk amounts are written.
type money int64

// vatRates are the DSFinV-K's VAT ids and rates Tally uses.
var vatRates = []struct {
	id   int
	rate float64
	desc string
}{{1, 19, "Regelsteuersatz"}, {2, 7, "Ermäßigter Steuersatz"}, {3, 10.7, "Durchschnittsatz § 24 Abs. 1 Nr. 3 UStG"},
	{4, 5.5, "Durchschnittsatz § 24 Abs. 1 Nr. 1 UStG"}, {5, 0, "Nicht steuerbar / steuerfrei"}}

func (x *dsfinvk) fill() {
	sh := x.d.Shop
	land := "DEU"
	for _, c := range x.d.Closes {
		z := c.Close
		key := dsRow{"Z_KASSE_ID": x.d.Till, "Z_ERSTELLUNG": x.t(z.ClosedAt), "Z_NR": z.ID}
		with := func(r dsRow) dsRow {
			for k, v := range key {
				r[k] = v
			}
			return r
		}
		var payments, cash int64
		startID, endID := "", ""
		// Sums of the close by business case (GV_TYP and rate) and by payment type.
		type gv struct {
			typ  string
			rate int
		}
		gvSum := map[gv][3]int64{}
		paySum := map[[2]string]int64{}
		for _, s := range c.Sales {
			bon := strconv.FormatInt(s.ID, 10)
			if startID == "" {
				startID = bon
			}
			endID = bon
			cart := s.Cart
			cart.Totals()
			typ := domain.TSEReceipt
			total := s.Totals.Total
			if s.Status == domain.SaleCanceled {
				typ, total = domain.TSEReceiptCancel, 0
			}
			x.add("transactions.csv", with(dsRow{"BON_ID": bon, "BON_NR": s.Number, "BON_TYP": typ, "TERMINAL_ID": s.Till,
				"BON_STORNO": "0", "BON_START": x.t(s.Created), "BON_ENDE": x.t(s.Settled), "UMS_BRUTTO": money(total),
				"KUNDE_NAME": cart.CustomerName}))
			byRate := map[int][3]int64{}
			for i, l := range cart.Lines {
				id := domain.TSERateIndex(l.TaxRate) + 1
				if id == 0 {
					id = 5
				}
				unit := l.UnitPrice // the price with tax, as the receipt shows it
				if !cart.TaxInclusive {
					unit += domain.TaxOf(l.UnitPrice, l.TaxRate)
				}
				artNr := ""
				if l.ProductID != 0 {
					artNr = strconv.FormatInt(l.ProductID, 10)
				}
				x.add("lines.csv", with(dsRow{"BON_ID": bon, "POS_ZEILE": strconv.Itoa(i + 1), "ARTIKELTEXT": l.Description,
					"POS_TERMINAL_ID": s.Till, "GV_TYP": "Umsatz", "INHAUS": "0", "P_STORNO": "0", "AGENTUR_ID": int64(0),
					"ART_NR": artNr, "MENGE": l.Quantity * 1000, "FAKTOR": int64(1000), "EINHEIT": "Stück", "STK_BR": money(unit)}))
				if s.Status == domain.SaleCanceled {
					continue
				}
				x.add("lines_vat.csv", with(dsRow{"BON_ID": bon, "POS_ZEILE": strconv.Itoa(i + 1), "UST_SCHLUESSEL": int64(id),
					"POS_BRUTTO": money(l.Total), "POS_NETTO": money(l.Net), "POS_UST": money(l.Tax)}))
				r := byRate[id]
				byRate[id] = [3]int64{r[0] + l.Total, r[1] + l.Net, r[2] + l.Tax}
			}
			for _, id := range sortedKeys(byRate) {
				r := byRate[id]
				x.add("transactions_vat.csv", with(dsRow{"BON_ID": bon, "UST_SCHLUESSEL": int64(id),
					"BON_BRUTTO": money(r[0]), "BON_NETTO": money(r[1]), "BON_UST": money(r[2])}))
				g := gvSum[gv{"Umsatz", id}]
				gvSum[gv{"Umsatz", id}] = [3]int64{g[0] + r[0], g[1] + r[1], g[2] + r[2]}
			}
			for _, a := range s.Attempts {
				if !a.Status.Settled() {
					continue
				}
				kind := "Unbar"
				if a.Kind == domain.MethodCash {
					kind = "Bar"
					cash += a.Amount.Amount
				}
				payments += a.Amount.Amount
				name := a.MethodName
				if a.Card.Brand != "" {
					name = domain.BrandName(a.Card.Brand)
				}
				x.add("datapayment.csv", with(dsRow{"BON_ID": bon, "ZAHLART_TYP": kind, "ZAHLART_NAME": name,
					"BASISWAEH_BETRAG": money(a.Amount.Amount)}))
				paySum[[2]string{kind, name}] += a.Amount.Amount
			}
			if r := s.TSE; r != nil {
				x.tseRow(with, bon, r)
			}
		}
		// Refunds: receipts of their own, negative, in the sale's rates.
		for _, rr := range c.Refunds {
			rf := rr.Refund
			bon := "R" + strconv.FormatInt(rf.ID, 10)
			data, err := domain.RefundProcessData(rr.Sale, rf)
			if err != nil {
				continue
			}
			x.add("transactions.csv", with(dsRow{"BON_ID": bon, "BON_NR": rf.ID, "BON_TYP": domain.TSEReceipt, "BON_NAME": "Erstattung",
				"TERMINAL_ID": rr.Sale.Till, "BON_STORNO": "0", "BON_START": x.t(rf.Created), "BON_ENDE": x.t(rf.Succeeded),
				"UMS_BRUTTO": money(-rf.Amount.Amount), "BON_NOTIZ": fmt.Sprintf("Erstattung zu Beleg %d", rr.Sale.Number)}))
			x.add("references.csv", with(dsRow{"BON_ID": bon, "REF_TYP": "Transaktion", "REF_Z_KASSE_ID": x.d.Till,
				"REF_BON_ID": strconv.FormatInt(rr.Sale.ID, 10)}))
			line := 0
			for i, g := range data.Gross {
				if g == 0 {
					continue
				}
				line++
				id := i + 1
				rate := []domain.TaxRate{190000, 70000, 107000, 55000, 0}[i]
				tax := domain.TaxInGross(g, rate)
				x.add("lines.csv", with(dsRow{"BON_ID": bon, "POS_ZEILE": strconv.Itoa(line), "ARTIKELTEXT": fmt.Sprintf("Erstattung zu Beleg %d", rr.Sale.Number),
					"POS_TERMINAL_ID": rr.Sale.Till, "GV_TYP": "Umsatz", "INHAUS": "0", "P_STORNO": "0", "AGENTUR_ID": int64(0),
					"MENGE": int64(1000), "FAKTOR": int64(1000), "EINHEIT": "Stück", "STK_BR": money(g)}))
				x.add("lines_vat.csv", with(dsRow{"BON_ID": bon, "POS_ZEILE": strconv.Itoa(line), "UST_SCHLUESSEL": int64(id),
					"POS_BRUTTO": money(g), "POS_NETTO": money(g - tax), "POS_UST": money(tax)}))
				x.add("transactions_vat.csv", with(dsRow{"BON_ID": bon, "UST_SCHLUESSEL": int64(id),
					"BON_BRUTTO": money(g), "BON_NETTO": money(g - tax), "BON_UST": money(tax)}))
				s := gvSum[gv{"Umsatz", id}]
				gvSum[gv{"Umsatz", id}] = [3]int64{s[0] + g, s[1] + g - tax, s[2] + tax}
			}
			kind, name := "Unbar", "Karte"
			if rf.Kind == domain.MethodCash {
				kind, name = "Bar", "Bar"
				cash -= rf.Amount.Amount
			}
			payments -= rf.Amount.Amount
			x.add("datapayment.csv", with(dsRow{"BON_ID": bon, "ZAHLART_TYP": kind, "ZAHLART_NAME": name, "BASISWAEH_BETRAG": money(-rf.Amount.Amount)}))
			paySum[[2]string{kind, name}] -= rf.Amount.Amount
			if r := rr.TSE; r != nil {
				x.tseRow(with, bon, r)
			}
		}
		// The drawer's movements: receipts of their own, not taxable.
		gvOf := map[domain.CashKind]string{domain.CashFloat: "Anfangsbestand", domain.CashIn: "Einzahlung", domain.CashOut: "Auszahlung", domain.CashDeposit: "Geldtransit"}
		for _, m := range c.Cash {
			bon := "G" + strconv.FormatInt(m.ID, 10)
			signed := m.Signed()
			if r := c.CashTSE[m.ID]; r != nil {
				x.tseRow(with, bon, r)
			}
			x.add("transactions.csv", with(dsRow{"BON_ID": bon, "BON_NR": m.ID, "BON_TYP": domain.TSETransfer, "BON_NAME": gvOf[m.Kind],
				"TERMINAL_ID": m.Till, "BON_STORNO": "0", "BON_START": x.t(m.Created), "BON_ENDE": x.t(m.Created), "UMS_BRUTTO": money(signed),
				"BON_NOTIZ": m.Reason}))
			x.add("lines.csv", with(dsRow{"BON_ID": bon, "POS_ZEILE": "1", "ARTIKELTEXT": m.Reason, "POS_TERMINAL_ID": m.Till,
				"GV_TYP": gvOf[m.Kind], "INHAUS": "0", "P_STORNO": "0", "AGENTUR_ID": int64(0), "MENGE": int64(1000), "FAKTOR": int64(1000),
				"EINHEIT": "Stück", "STK_BR": money(signed)}))
			x.add("lines_vat.csv", with(dsRow{"BON_ID": bon, "POS_ZEILE": "1", "UST_SCHLUESSEL": int64(5), "POS_BRUTTO": money(signed),
				"POS_NETTO": money(signed), "POS_UST": money(0)}))
			x.add("transactions_vat.csv", with(dsRow{"BON_ID": bon, "UST_SCHLUESSEL": int64(5), "BON_BRUTTO": money(signed),
				"BON_NETTO": money(signed), "BON_UST": money(0)}))
			x.add("datapayment.csv", with(dsRow{"BON_ID": bon, "ZAHLART_TYP": "Bar", "ZAHLART_NAME": "Bar", "BASISWAEH_BETRAG": money(signed)}))
			g := gvSum[gv{gvOf[m.Kind], 5}]
			gvSum[gv{gvOf[m.Kind], 5}] = [3]int64{g[0] + signed, g[1] + signed, g[2]}
			paySum[[2]string{"Bar", "Bar"}] += signed
		}
		if diff := z.CashDifference(); !z.NotCounted && diff != 0 {
			gvSum[gv{"DifferenzSollIst", 5}] = [3]int64{diff, diff, 0}
		}
		var gvKeys []gv
		for k := range gvSum {
			gvKeys = append(gvKeys, k)
		}
		sort.Slice(gvKeys, func(i, j int) bool {
			if gvKeys[i].typ != gvKeys[j].typ {
				return gvKeys[i].typ < gvKeys[j].typ
			}
			return gvKeys[i].rate < gvKeys[j].rate
		})
		for _, k := range gvKeys {
			s := gvSum[k]
			x.add("businesscases.csv", with(dsRow{"GV_TYP": k.typ, "AGENTUR_ID": int64(0), "UST_SCHLUESSEL": int64(k.rate),
				"Z_UMS_BRUTTO": money(s[0]), "Z_UMS_NETTO": money(s[1]), "Z_UST": money(s[2])}))
		}
		var payKeys [][2]string
		for k := range paySum {
			payKeys = append(payKeys, k)
		}
		sort.Slice(payKeys, func(i, j int) bool { return payKeys[i][0]+payKeys[i][1] < payKeys[j][0]+payKeys[j][1] })
		for _, k := range payKeys {
			x.add("payment.csv", with(dsRow{"ZAHLART_TYP": k[0], "ZAHLART_NAME": k[1], "Z_ZAHLART_BETRAG": money(paySum[k])}))
		}
		drawer := z.CashCounted
		if z.NotCounted {
			drawer = z.CashExpected
		}
		x.add("cash_per_currency.csv", with(dsRow{"ZAHLART_WAEH": z.Currency.Code(), "ZAHLART_BETRAG_WAEH": money(drawer)}))
		x.add("cashpointclosing.csv", with(dsRow{"Z_BUCHUNGSTAG": z.ClosedAt.In(x.loc).Format("2006-01-02"), "TAXONOMIE_VERSION": "2.3",
			"Z_START_ID": startID, "Z_ENDE_ID": endID, "NAME": sh.Name, "STRASSE": sh.Street, "PLZ": sh.PostalCode, "ORT": sh.City,
			"LAND": land, "USTID": sh.VATID, "Z_SE_ZAHLUNGEN": money(payments), "Z_SE_BARZAHLUNGEN": money(cash)}))
		x.add("location.csv", with(dsRow{"LOC_NAME": sh.Name, "LOC_STRASSE": sh.Street, "LOC_PLZ": sh.PostalCode, "LOC_ORT": sh.City,
			"LOC_LAND": land, "LOC_USTID": sh.VATID}))
		serial := x.d.TSE.ClientSerial
		if serial == "" {
			serial = x.d.Till
		}
		x.add("cashregister.csv", with(dsRow{"KASSE_BRAND": "Tally", "KASSE_MODELL": "Tally", "KASSE_SERIENNR": serial,
			"KASSE_SW_BRAND": "Tally", "KASSE_SW_VERSION": x.d.Software, "KASSE_BASISWAEH_CODE": z.Currency.Code()}))
		for _, v := range vatRates {
			x.add("vat.csv", with(dsRow{"UST_SCHLUESSEL": int64(v.id), "UST_SATZ": money(int64(v.rate * 100)), "UST_BESCHR": v.desc}))
		}
		if x.d.TSE.Serial != "" {
			x.add("tse.csv", with(dsRow{"TSE_ID": int64(1), "TSE_SERIAL": x.d.TSE.Serial, "TSE_SIG_ALGO": x.d.TSE.Algorithm,
				"TSE_ZEITFORMAT": x.d.TSE.TimeFormat, "TSE_PD_ENCODING": "UTF-8", "TSE_PUBLIC_KEY": x.d.TSE.PublicKey}))
		}
	}
}

// tseRow writes a receipt's TSE transaction.
func (x *dsfinvk) tseRow(with func(dsRow) dsRow, bon string, r *domain.TSERecord) {
	errText := ""
	if r.Outage {
		errText = "TSE ausgefallen: " + r.Error
	}
	x.add("transactions_tse.csv", with(dsRow{"BON_ID": bon, "TSE_ID": int64(1), "TSE_TANR": r.Sig.Number,
		"TSE_TA_START": x.tseTime(r.Sig.Start), "TSE_TA_ENDE": x.tseTime(r.Sig.End), "TSE_TA_VORGANGSART": r.Sig.ProcessType,
		"TSE_TA_SIGZ": r.Sig.Counter, "TSE_TA_SIG": r.Sig.Signature, "TSE_TA_FEHLER": errText, "TSE_TA_VORGANGSDATEN": r.Sig.ProcessData}))
}

// tseTime writes a TSE log time as the DSFinV-K asks (ISO 8601, UTC).
func (x *dsfinvk) tseTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func sortedKeys(m map[int][3]int64) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

func (x *dsfinvk) add(file string, r dsRow) { x.rows[file] = append(x.rows[file], r) }

// csv writes a table: the header line, then its records.
func (x *dsfinvk) csv(t dsTable) []byte {
	var b bytes.Buffer
	for i, c := range t.cols {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(c.name)
	}
	b.WriteString("\r\n")
	for _, r := range x.rows[t.file] {
		for i, c := range t.cols {
			if i > 0 {
				b.WriteByte(';')
			}
			v, ok := r[c.name]
			if !ok {
				continue
			}
			b.WriteString(dsValue(v, c))
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// dsValue writes a value: text in quotes (a quote doubled), numbers with a
// decimal comma and the column's decimals.
func dsValue(v any, c dsCol) string {
	switch v := v.(type) {
	case string:
		if c.places >= 0 {
			return v
		}
		v = strings.NewReplacer("\r", " ", "\n", " ").Replace(v)
		return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
	case money:
		return decimalComma(int64(v), 2, c.places)
	case int64:
		if c.places == 3 { // quantities in thousandths
			return decimalComma(v, 3, 3)
		}
		if c.places > 0 {
			return decimalComma(v*pow10(c.places), c.places, c.places)
		}
		return strconv.FormatInt(v, 10)
	}
	return fmt.Sprint(v)
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// decimalComma writes v (with exp decimals) with places decimals and a comma.
func decimalComma(v int64, exp, places int) string {
	for exp < places {
		v *= 10
		exp++
	}
	s := domain.FormatAmount(v, exp)
	return strings.Replace(s, ".", ",", 1)
}

// index writes index.xml: the GDPdU description of the export's tables.
func (x *dsfinvk) index() []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<!DOCTYPE DataSet SYSTEM \"gdpdu-01-09-2004.dtd\">\n<DataSet>\n<Version>1.0</Version>\n<DataSupplier>")
	esc := func(s string) string { var e bytes.Buffer; xml.EscapeText(&e, []byte(s)); return e.String() }
	fmt.Fprintf(&b, "<Name>%s</Name><Location>%s</Location><Comment>DSFinV-K 2.3, %s</Comment></DataSupplier>\n<Media><Name>DSFinV-K</Name>\n",
		esc(x.d.Shop.Name), esc(strings.Join(x.d.Shop.AddressLines(), ", ")), esc(x.d.Software))
	from, to := x.d.From.In(x.loc).Format("02.01.2006"), x.d.To.In(x.loc).AddDate(0, 0, -1).Format("02.01.2006")
	for _, t := range dsfinvkTables {
		fmt.Fprintf(&b, "<Table><URL>%s</URL><Name>%s</Name><Description>%s</Description>"+
			"<Validity><Range><From>%s</From><To>%s</To></Range><Format>DD.MM.YYYY</Format></Validity>"+
			"<UTF8/><DecimalSymbol>,</DecimalSymbol><DigitGroupingSymbol>.</DigitGroupingSymbol>"+
			"<VariableLength><ColumnDelimiter>;</ColumnDelimiter><RecordDelimiter>&#13;&#10;</RecordDelimiter><TextEncapsulator>\"</TextEncapsulator>\n",
			t.file, t.name, esc(t.description), from, to)
		for i, c := range t.cols {
			tag := "VariableColumn"
			if i < 3 { // the close's key
				tag = "VariablePrimaryKey"
			}
			kind := "<AlphaNumeric/>"
			if c.places >= 0 {
				kind = fmt.Sprintf("<Numeric><Accuracy>%d</Accuracy></Numeric>", c.places)
			}
			fmt.Fprintf(&b, "<%s><Name>%s</Name>%s</%s>\n", tag, c.name, kind, tag)
		}
		b.WriteString("</VariableLength></Table>\n")
	}
	b.WriteString("</Media>\n</DataSet>\n")
	return b.Bytes()
}
