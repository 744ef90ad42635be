package domain

import (
	"context"
	"fmt"
	"strings"
)

// PaymentMethodService lists, creates, edits and archives payment methods.
type PaymentMethodService struct {
	Store      Store
	Connection *Connection
}

// MethodsView is what the payment methods screen shows: the methods and the
// choices its form offers.
type MethodsView struct {
	Methods  []PaymentMethod
	Accounts []LedgerAccount
	Readers  []KnownReader // readers of the current mode, as last refreshed
}

// List returns the methods, the ledger accounts and the known readers.
func (s *PaymentMethodService) List(ctx context.Context) (MethodsView, error) {
	var v MethodsView
	mode := s.Connection.Mode()
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		if v.Methods, err = tx.PaymentMethods(); err != nil {
			return err
		}
		if v.Accounts, err = tx.LedgerAccounts(); err != nil {
			return err
		}
		v.Readers, err = tx.KnownReaders(mode)
		return err
	})
	if err != nil {
		return v, fmt.Errorf("list payment methods: %w", err)
	}
	return v, nil
}

// Save validates m and stores it, returning it with its ID. Errors are
// *FieldError values naming the field at fault.
func (s *PaymentMethodService) Save(ctx context.Context, m PaymentMethod) (PaymentMethod, error) {
	m.Name, m.Till = strings.TrimSpace(m.Name), strings.TrimSpace(m.Till)
	m.SuccessMessage = strings.TrimSpace(m.SuccessMessage)
	// Fields of other kinds are cleared so a method never carries stale settings.
	switch m.Kind {
	case MethodCash:
		m.ReaderID, m.CaptureMethod, m.IdentifyCustomer, m.PageLifetime, m.SuccessMessage, m.OutstandingAccount = "", CaptureAutomatic, false, 0, "", ""
		m.Tips = false
	case MethodCardReader:
		m.CashAccount, m.PageLifetime, m.SuccessMessage = "", 0, ""
	case MethodQRLink:
		m.CashAccount, m.ReaderID, m.CaptureMethod, m.IdentifyCustomer, m.Tips = "", "", CaptureAutomatic, false, false
	}
	if err := m.Validate(); err != nil {
		return m, err
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		all, err := tx.PaymentMethods()
		if err != nil {
			return err
		}
		for _, o := range all {
			if o.ID == m.ID {
				continue
			}
			if strings.EqualFold(o.Name, m.Name) {
				return fieldErr("name", Errorf(ECONFLICT, "Another payment method is already called %q.", o.Name))
			}
			if m.ReaderID != "" && !m.Archived && !o.Archived && o.ReaderID == m.ReaderID {
				return fieldErr("reader", Errorf(ECONFLICT, "This reader already belongs to the payment method %q. A reader serves one method.", o.Name))
			}
		}
		for _, f := range []struct{ field, code string }{{"outstanding_account", m.OutstandingAccount}, {"cash_account", m.CashAccount}} {
			if f.code == "" {
				continue
			}
			if ok, err := accountExists(tx, f.code); err != nil {
				return err
			} else if !ok {
				return fieldErr(f.field, Errorf(EINVALID, "There is no account %s.", f.code))
			}
		}
		if m.Kind == MethodCardReader && !m.Archived {
			readers, err := tx.KnownReaders(s.Connection.Mode())
			if err != nil {
				return err
			}
			found := false
			for _, r := range readers {
				found = found || r.ID == m.ReaderID
			}
			if !found {
				return fieldErr("reader", Errorf(EINVALID, "This reader is not registered in %s mode. Refresh the Readers screen, or choose another reader.", s.Connection.Mode().Badge()))
			}
		}
		return tx.SavePaymentMethod(&m)
	})
	return m, err
}

// SetArchived archives a method (it stays in the books but is no longer
// offered) or brings it back.
func (s *PaymentMethodService) SetArchived(ctx context.Context, id int64, archived bool) error {
	return s.Store.Update(ctx, func(tx Tx) error {
		all, err := tx.PaymentMethods()
		if err != nil {
			return err
		}
		for _, m := range all {
			if m.ID != id {
				continue
			}
			if !archived && m.ReaderID != "" {
				for _, o := range all {
					if o.ID != id && !o.Archived && o.ReaderID == m.ReaderID {
						return Errorf(ECONFLICT, "Its reader now belongs to %q: choose another reader before restoring this method.", o.Name)
					}
				}
			}
			m.Archived = archived
			return tx.SavePaymentMethod(&m)
		}
		return Errorf(ENOTFOUND, "This payment method no longer exists.")
	})
}
