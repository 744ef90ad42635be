// Package reports reads Stripe's exports into statement records and writes
// journals and reports. Files are streamed: one row at a time, never whole.
package reports

import (
	"sort"
	"strings"

	"tally/domain"
)

// layout is one recognised export: the columns that identify it.
type layout struct {
	format domain.StatementFormat
	// all of these columns must be present
	need []string
	// at least one column of each group must be present
	oneOf [][]string
	// none of these may be present (to tell apart close layouts)
	not []string
}

var createdCols = []string{"created_utc", "created", "created (utc)", "created date (utc)", "created date"}

// layouts are tried in order; the first whose columns are all present wins.
var layouts = []layout{
	{format: domain.StatementFormat{ID: "balance.summary", Name: "Balance summary", Kind: domain.KindSummary},
		need: []string{"category", "description", "net_amount"}},
	{format: domain.StatementFormat{ID: "payouts.itemized", Name: "Payouts (itemized)", Kind: domain.KindBalance},
		need: []string{"payout_id", "gross", "fee", "net", "balance_transaction_id"}, oneOf: [][]string{{"effective_at", "effective_at_utc"}}},
	{format: domain.StatementFormat{ID: "payout_reconciliation.itemized", Name: "Payout reconciliation (itemized)", Kind: domain.KindBalance},
		need: []string{"balance_transaction_id", "gross", "fee", "net", "automatic_payout_id"}, oneOf: [][]string{{"created_utc", "created"}}},
	{format: domain.StatementFormat{ID: "balance_change_from_activity.itemized", Name: "Balance change from activity (itemized)", Kind: domain.KindBalance},
		need: []string{"balance_transaction_id", "gross", "fee", "net"}, oneOf: [][]string{{"created_utc", "created"}}},
	{format: domain.StatementFormat{ID: "summary.by_category", Name: "Balance change from activity (summary)", Kind: domain.KindNotBooked,
		Why: "It sums the period's activity by reporting category; the lines themselves are in the itemized report, which Tally books: download Reports > Balance > Balance change from activity, itemized, and import that."},
		need: []string{"reporting_category", "currency", "count", "gross", "fee", "net"}, not: []string{"balance_transaction_id", "created", "created_utc"}},
	{format: domain.StatementFormat{ID: "tax.transactions.itemized", Name: "Stripe Tax: itemized tax transactions", Kind: domain.KindNotBooked,
		Why: "It lists the tax Stripe Tax calculated on each sale, for the tax return; it moves no money in the Stripe balance, so there is nothing to book. Keep it for the tax return; the balance report books the sales and their tax."},
		need: []string{"tax_transaction_id", "tax_amount", "jurisdiction_name"}},
	{format: domain.StatementFormat{ID: "dashboard.payout_transactions", Name: "Dashboard payout transactions (one payout's export)", Kind: domain.KindBalance},
		need: []string{"type", "id", "amount", "fees", "net", "currency"}, oneOf: [][]string{{"created (utc)", "created"}}, not: []string{"fee"}},
	{format: domain.StatementFormat{ID: "dashboard.balance_history", Name: "Dashboard balance history (all activity)", Kind: domain.KindBalance},
		need: []string{"id", "type", "amount", "fee", "net", "currency"}, oneOf: [][]string{{"created (utc)", "created"}}},
	{format: domain.StatementFormat{ID: "dashboard.collected_fees", Name: "Dashboard collected fees (Connect application fees)", Kind: domain.KindNotBooked,
		Why: "It lists a Connect platform's application fees, which Tally does not book: import the balance report (balance change from activity) of the platform account instead."},
		need: []string{"id", "amount", "application id"}, oneOf: [][]string{createdCols}},
	{format: domain.StatementFormat{ID: "dashboard.payouts", Name: "Dashboard payouts", Kind: domain.KindPayouts},
		need: []string{"id", "amount", "status"}, oneOf: [][]string{{"arrival date (utc)", "arrival date", "arrival_date", "arrival_date_utc"}}, not: []string{"net", "fee"}},
	{format: domain.StatementFormat{ID: "dashboard.payments", Name: "Dashboard payments", Kind: domain.KindPayments},
		need: []string{"id", "amount"}, oneOf: [][]string{createdCols}, not: []string{"net", "type"}},
	{format: domain.StatementFormat{ID: "custom.gross_fee_net", Name: "Custom export (Created Date, Gross, Fee, Net)", Kind: domain.KindBalance},
		need: []string{"gross", "fee", "net"}, oneOf: [][]string{createdCols}},
}

// normalise turns a header cell into its lookup form: no BOM, lower case,
// single spaces.
func normalise(h string) string {
	h = strings.TrimPrefix(h, "\ufeff")
	h = strings.ToLower(strings.Join(strings.Fields(h), " "))
	return h
}

// header maps lookup names to column positions.
type header struct {
	names []string // as written, for messages
	pos   map[string]int
}

func newHeader(cells []string) header {
	h := header{names: make([]string, len(cells)), pos: map[string]int{}}
	for i, c := range cells {
		h.names[i] = strings.TrimSpace(strings.TrimPrefix(c, "\ufeff"))
		n := normalise(c)
		if _, dup := h.pos[n]; !dup && n != "" {
			h.pos[n] = i
		}
	}
	return h
}

func (h header) has(n string) bool { _, ok := h.pos[n]; return ok }

func (l layout) matches(h header) bool {
	for _, n := range l.need {
		if !h.has(n) {
			return false
		}
	}
	for _, g := range l.oneOf {
		ok := false
		for _, n := range g {
			ok = ok || h.has(n)
		}
		if !ok {
			return false
		}
	}
	for _, n := range l.not {
		if h.has(n) {
			return false
		}
	}
	return true
}

// missing lists what layout l lacks in h.
func (l layout) missing(h header) (missing []string, score int) {
	for _, n := range l.need {
		if h.has(n) {
			score++
		} else {
			missing = append(missing, n)
		}
	}
	for _, g := range l.oneOf {
		found := false
		for _, n := range g {
			found = found || h.has(n)
		}
		if found {
			score++
		} else {
			missing = append(missing, strings.Join(g, " or "))
		}
	}
	return missing, score
}

// recognise finds the layout of a header row, or explains why none fits.
func recognise(h header) (layout, error) {
	for _, l := range layouts {
		if l.matches(h) {
			return l, nil
		}
	}
	best, bestScore, bestMissing := -1, -1, []string(nil)
	for i, l := range layouts {
		m, score := l.missing(h)
		// The most columns present; of those, the fewest missing.
		if len(m) > 0 && (score > bestScore || score == bestScore && len(m) < len(bestMissing)) {
			best, bestScore, bestMissing = i, score, m
		}
	}
	found := append([]string(nil), h.names...)
	sort.Strings(found)
	if len(found) > 30 {
		found = append(found[:30], "…")
	}
	msg := "This is not a Stripe export Tally knows. Its first row has the columns: " + strings.Join(found, ", ") + "."
	if best >= 0 && bestScore > 0 {
		msg += " The closest is " + layouts[best].format.Name + ", which also needs: " + strings.Join(bestMissing, "; ") + "."
	}
	msg += " Export the file again from Stripe (Reports > Balance, or Payments > Export) without removing columns."
	return layout{}, domain.Errorf(domain.EINVALID, "%s", msg)
}
