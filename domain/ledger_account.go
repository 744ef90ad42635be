package domain

import "strings"

// LedgerAccount is an account of Tally's double-entry ledger. Code is stable
// and used in exports; Name can be changed by the owner.
type LedgerAccount struct {
	Code string
	Name string
	Kind AccountKind
}

// AccountKind is the accounting nature of a ledger account.
type AccountKind string

// Account kinds.
const (
	AccountAsset     AccountKind = "asset"
	AccountLiability AccountKind = "liability"
	AccountIncome    AccountKind = "income"
	AccountExpense   AccountKind = "expense"
)

// Default account codes (DESIGN.md's accounting model, plus Cash).
const (
	AcctBank                = "1000"
	AcctCash                = "1010"
	AcctStripeBalance       = "1100"
	AcctOutstandingReceipts = "1200"
	AcctReceivables         = "1300"
	AcctSalesTax            = "2100"
	AcctTips                = "2200"
	AcctSales               = "4000"
	AcctRefunds             = "4900"
	AcctPaymentFees         = "6100"
	AcctDisputeLosses       = "6200"
	AcctBadDebts            = "6300"
	// AcctCashOverShort books what a day close found over or short in the
	// drawer; AcctPettyCash what was paid out of it (milk, stamps).
	AcctCashOverShort = "6400"
	AcctPettyCash     = "6500"
)

// Validate checks the account's fields.
func (a LedgerAccount) Validate() error {
	if strings.TrimSpace(a.Code) == "" {
		return Errorf(EINVALID, "An account needs a code.")
	}
	if strings.TrimSpace(a.Name) == "" {
		return Errorf(EINVALID, "An account needs a name.")
	}
	switch a.Kind {
	case AccountAsset, AccountLiability, AccountIncome, AccountExpense:
		return nil
	}
	return Errorf(EINVALID, "Unknown account kind %q.", a.Kind)
}

// accountExists reports whether the chart of accounts has code.
func accountExists(tx Tx, code string) (bool, error) {
	accounts, err := tx.LedgerAccounts()
	if err != nil {
		return false, err
	}
	for _, a := range accounts {
		if a.Code == code {
			return true, nil
		}
	}
	return false, nil
}
