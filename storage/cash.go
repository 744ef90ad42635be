package storage

import (
	"database/sql"
	"errors"
	"fmt"

	"tally/domain"
)

// The drawer's cash movements (domain.DayCloseTx).

const cashCols = `id, till, kind, amount, currency, reason, by_role, close_id, created`

func (t *tillTx) InsertCashMovement(m *domain.CashMovement) error {
	id, err := t.tx.insert(`INSERT INTO cash_movements (till, kind, amount, currency, reason, by_role, close_id, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		m.Till, string(m.Kind), m.Amount.Amount, m.Amount.Currency.Code(), m.Reason, string(m.Role), m.CloseID, unix(m.Created))
	if err != nil {
		return fmt.Errorf("insert cash movement: %w", err)
	}
	m.ID = id
	return nil
}

func (t *tillTx) UnclosedCashMovements(till string) ([]domain.CashMovement, error) {
	return t.cashMovements(`WHERE close_id = 0 AND (? = '' OR till = ?) ORDER BY id`, till, till)
}

// ClosedCashMovements implements domain.DayCloseTx.
func (t *tillTx) ClosedCashMovements(closeID int64) ([]domain.CashMovement, error) {
	return t.cashMovements(`WHERE close_id = ? ORDER BY id`, closeID)
}

func (t *tillTx) CashMovements() ([]domain.CashMovement, error) {
	return t.cashMovements(`ORDER BY id`)
}

func (t *tillTx) CloseCashMovements(closeID int64, ids []int64) error {
	for _, id := range ids {
		if _, err := t.tx.Exec(`UPDATE cash_movements SET close_id = ? WHERE id = ?`, closeID, id); err != nil {
			return fmt.Errorf("mark cash movement closed: %w", err)
		}
	}
	return nil
}

func (t *tillTx) cashMovements(where string, args ...any) ([]domain.CashMovement, error) {
	rows, err := t.tx.Query(`SELECT `+cashCols+` FROM cash_movements `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read cash movements: %w", err)
	}
	defer rows.Close()
	var out []domain.CashMovement
	for rows.Next() {
		var m domain.CashMovement
		var kind, cur, role string
		var created int64
		if err := rows.Scan(&m.ID, &m.Till, &kind, &m.Amount.Amount, &cur, &m.Reason, &role, &m.CloseID, &created); err != nil {
			return nil, fmt.Errorf("read cash movements: %w", err)
		}
		m.Kind, m.Role, m.Created = domain.CashKind(kind), domain.Role(role), fromUnix(created)
		m.Amount.Currency = currencyOrZero(cur)
		out = append(out, m)
	}
	return out, rows.Err()
}

func (t *tillTx) AllDayCloses() ([]domain.DayClose, error) {
	return t.dayCloses(`SELECT id, report FROM day_closes ORDER BY id`)
}

func (t *tillTx) PrinterSettings(till string) (domain.PrinterSettings, error) {
	var p domain.PrinterSettings
	var kind string
	var auto, drawer int
	err := t.tx.QueryRow(`SELECT kind, address, paper, auto_print, drawer, logo FROM printers WHERE till = ?`, till).
		Scan(&kind, &p.Address, &p.Paper, &auto, &drawer, &p.Logo)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.PrinterSettings{Paper: 80}, nil
	}
	if err != nil {
		return p, fmt.Errorf("read the printer settings: %w", err)
	}
	p.Kind, p.AutoPrint, p.Drawer = domain.PrinterKind(kind), auto == 1, drawer == 1
	return p, nil
}

func (t *tillTx) SavePrinterSettings(till string, p domain.PrinterSettings) error {
	_, err := t.tx.Exec(`INSERT INTO printers (till, kind, address, paper, auto_print, drawer, logo) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (till) DO UPDATE SET kind = excluded.kind, address = excluded.address, paper = excluded.paper,
		auto_print = excluded.auto_print, drawer = excluded.drawer, logo = excluded.logo`,
		till, string(p.Kind), p.Address, p.Paper, boolInt(p.AutoPrint), boolInt(p.Drawer), p.Logo)
	if err != nil {
		return fmt.Errorf("save the printer settings: %w", err)
	}
	return nil
}
