package domain

import (
	"context"
	"io"
	"time"
)

// The DSFinV-K (Digitale Schnittstelle der Finanzverwaltung für
// Kassensysteme) is the export a German tax office asks of a till: its day
// closes (Kassenabschlüsse) with every receipt, line, payment, TSE
// transaction and cash movement, as CSV files described by an index.xml.
// RegisterService.DSFinVK gathers a period's closes; a DSFinVKWriter
// (reports.WriteDSFinVK) writes them.

// DSFinVKClose is one day close with what it counted.
type DSFinVKClose struct {
	Close DayClose
	Sales []Sale // TSE records filled
	Cash  []CashMovement
	// CashTSE are the cash movements' TSE records, by movement id.
	CashTSE map[int64]*TSERecord
	// Refunds made since the last close, each with its TSE record (nil
	// without one) and its sale.
	Refunds []DSFinVKRefund
}

// DSFinVKRefund is a refund, a receipt of its own.
type DSFinVKRefund struct {
	Refund RefundRecord
	Sale   Sale
	TSE    *TSERecord
}

// DSFinVKData is what an export holds.
type DSFinVKData struct {
	Shop     Shop
	Till     string // Z_KASSE_ID
	Software string // "Tally 0.1.0"
	TSE      TSEInfo
	From, To time.Time // [From, To)
	Closes   []DSFinVKClose
}

// DSFinVKWriter writes an export (a zip of the CSV files and index.xml).
type DSFinVKWriter func(w io.Writer, d DSFinVKData) error

// DSFinVK gathers the till's day closes from from (included) to to
// (excluded) and writes them to w (RegisterService.DSFinVKWriter). It says
// ENOTFOUND when the period has no close.
func (s *RegisterService) DSFinVK(ctx context.Context, from, to time.Time, software string, w io.Writer) (DSFinVKData, error) {
	write := s.DSFinVKWriter
	if write == nil {
		return DSFinVKData{}, Errorf(EUNAVAILABLE, "This build of Tally cannot write the DSFinV-K.")
	}
	rs, err := s.RegisterSettings(ctx)
	if err != nil {
		return DSFinVKData{}, err
	}
	d := DSFinVKData{Shop: rs.ShopAsUsed(), Till: rs.Till, Software: software, From: from, To: to}
	if t := s.tse(ctx); t != nil {
		if d.TSE, err = s.tseInfo(ctx, t); err != nil {
			return d, err
		}
	}
	err = s.Till.ViewTill(ctx, func(tx TillTx) error {
		closes, err := tx.DayCloses(rs.Till, 1<<30)
		if err != nil {
			return err
		}
		// Oldest first.
		for i := len(closes) - 1; i >= 0; i-- {
			c := closes[i]
			if c.ClosedAt.Before(from) || !c.ClosedAt.Before(to) {
				continue
			}
			dc := DSFinVKClose{Close: c}
			if dc.Sales, err = tx.ClosedSales(c.ID); err != nil {
				return err
			}
			for i := range dc.Sales {
				if err := withTSE(tx, &dc.Sales[i]); err != nil {
					return err
				}
			}
			if dc.Cash, err = tx.ClosedCashMovements(c.ID); err != nil {
				return err
			}
			dc.CashTSE = map[int64]*TSERecord{}
			for _, m := range dc.Cash {
				if rec, err := tx.TSERecord("cash", m.ID); err == nil {
					dc.CashTSE[m.ID] = &rec
				} else if ErrorCode(err) != ENOTFOUND {
					return err
				}
			}
			refunds, err := tx.ClosedRefunds(c.ID)
			if err != nil {
				return err
			}
			for _, rf := range refunds {
				if rf.Status != RefundSucceeded {
					continue
				}
				r := DSFinVKRefund{Refund: rf}
				if r.Sale, err = tx.Sale(rf.SaleID); err != nil {
					return err
				}
				if rec, err := tx.TSERecord("refund", rf.ID); err == nil {
					r.TSE = &rec
				} else if ErrorCode(err) != ENOTFOUND {
					return err
				}
				dc.Refunds = append(dc.Refunds, r)
			}
			d.Closes = append(d.Closes, dc)
		}
		return nil
	})
	if err != nil {
		return d, err
	}
	if len(d.Closes) == 0 {
		return d, Errorf(ENOTFOUND, "No day close of %s from %s to %s: close the day first (F8 at the register), then export.",
			rs.Till, from.Format("2006-01-02"), to.AddDate(0, 0, -1).Format("2006-01-02"))
	}
	if d.Shop.Country != "" && d.Shop.Country != "DE" {
		return d, Errorf(EINVALID, "The DSFinV-K is Germany's: this shop is in %s.", d.Shop.Country)
	}
	return d, write(w, d)
}
