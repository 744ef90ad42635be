package domain

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// How the register signs its sales with the TSE (RegisterService.TSE):
//
//   - at checkout the sale's TSE transaction gets an id, recorded
//     (TSEStarting) before the TSE is asked to start it, then recorded as
//     started (TSEOpen);
//   - when the sale is paid, or given up, the receipt's process data is
//     recorded (TSEFinishing) before the TSE is asked to finish it, then
//     the TSE's answer, its signature and counter (TSEDone);
//   - a crash between the TSE's write and Tally's record leaves a record in
//     TSEStarting or TSEFinishing: SignOpen, run at start and after each
//     sale, asks the TSE how far it got and carries on, so that no sale is
//     signed twice and none is left open at the TSE;
//   - a TSE that does not answer stops nothing: the sale goes on, its
//     record says Outage, its receipt says "TSE ausgefallen", Diagnostics
//     counts it, and the transaction is finished at the TSE once it
//     answers again.

// States of a TSE record.
const (
	TSEStarting  = "starting"  // the id recorded; the TSE asked to start
	TSEOpen      = "active"    // started at the TSE
	TSEFinishing = "finishing" // the process data recorded; the TSE asked to finish
	TSEDone      = "finished"  // finished (or cancelled) at the TSE, signed
)

// TSERecord is one TSE transaction as Tally recorded it.
type TSERecord struct {
	ID    string // the transaction's id at the TSE
	Kind  string // "sale"
	Ref   int64  // the sale's id
	Till  string
	State string
	Data  TSEProcessData // what was sent to be signed, from TSEFinishing on
	// Sig is what the TSE answered, and what the receipt prints.
	Sig TSESignature
	// Outage is set when the TSE failed this transaction: its receipt
	// says so, and the owner reports it.
	Outage  bool
	Error   string
	Updated time.Time
}

// Signed reports whether the TSE signed the record.
func (r TSERecord) Signed() bool { return r.State == TSEDone && r.Sig.Signature != "" }

// NewUUID returns a new random UUID (version 4): the ids a TSE
// transaction, a TSS and a client get.
func NewUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[:8], h[8:12], h[12:16], h[16:20], h[20:])
}

func (s *RegisterService) saveTSE(ctx context.Context, r *TSERecord) error {
	r.Updated = s.Clock.Now()
	return s.Till.UpdateTill(ctx, func(tx TillTx) error { return tx.SaveTSERecord(*r) })
}

// tseFailed records that the TSE failed rec: the sale goes on, unsigned.
func (s *RegisterService) tseFailed(ctx context.Context, rec *TSERecord, err error) error {
	rec.Outage, rec.Error = true, ErrorMessage(err)
	s.log().Warn("the TSE failed", "transaction", rec.ID, "sale", rec.Ref, "state", rec.State, "err", err)
	return s.saveTSE(ctx, rec)
}

// tseStart records a new TSE transaction for the sale, then starts it.
// The TSE failing is recorded, not returned: the sale goes on.
func (s *RegisterService) tseStart(ctx context.Context, t TSE, sale Sale) (TSERecord, error) {
	rec := TSERecord{ID: NewUUID(), Kind: "sale", Ref: sale.ID, Till: sale.Till, State: TSEStarting}
	if err := s.saveTSE(ctx, &rec); err != nil {
		return rec, err
	}
	return rec, s.tseAdvanceStart(ctx, t, &rec)
}

// tseAdvanceStart brings a record in TSEStarting to TSEOpen: the TSE
// asked whether it started it (a crash, a lost answer), and to start it
// if not.
func (s *RegisterService) tseAdvanceStart(ctx context.Context, t TSE, rec *TSERecord) error {
	if err := s.tseResting(); err != nil {
		return s.tseFailed(ctx, rec, err)
	}
	cctx, cancel := context.WithTimeout(ctx, TSECallTimeout)
	defer cancel()
	tx, err := t.Transaction(cctx, rec.ID)
	if ErrorCode(err) == ENOTFOUND {
		tx, err = t.Start(cctx, rec.ID)
	}
	if err != nil {
		s.tseNoAnswer(err)
		return s.tseFailed(ctx, rec, err)
	}
	rec.Sig.TSETransaction = tx
	rec.State = TSEOpen
	if tx.State == TSEFinished || tx.State == TSECancelled {
		return s.tseDone(ctx, t, rec, tx)
	}
	return s.saveTSE(ctx, rec)
}

// tseDone records the TSE's signature.
func (s *RegisterService) tseDone(ctx context.Context, t TSE, rec *TSERecord, tx TSETransaction) error {
	info, err := s.tseInfo(ctx, t)
	if err != nil {
		return s.tseFailed(ctx, rec, err)
	}
	rec.Sig = TSESignature{TSETransaction: tx, TSESerial: info.Serial, ClientSerial: info.ClientSerial,
		Algorithm: info.Algorithm, TimeFormat: info.TimeFormat, PublicKey: info.PublicKey}
	rec.State, rec.Error = TSEDone, ""
	return s.saveTSE(ctx, rec)
}

// tseInfo asks the TSE what it is, once.
func (s *RegisterService) tseInfo(ctx context.Context, t TSE) (TSEInfo, error) {
	s.tseMu.Lock()
	defer s.tseMu.Unlock()
	if s.tseInfoCache.Serial != "" && s.tseInfoFor == t {
		return s.tseInfoCache, nil
	}
	info, err := t.Info(ctx)
	if err == nil {
		s.tseInfoCache, s.tseInfoFor = info, t
	}
	return info, err
}

// tse is the TSE the register signs with now (nil: none).
func (s *RegisterService) tse(ctx context.Context) TSE {
	if s.TSESource != nil {
		return s.TSESource(ctx)
	}
	return s.TSE
}

// SignSale signs a paid or given-up sale at the TSE (a no-op without a
// TSE, for an open sale, or one signed already) and returns its record.
// The TSE failing is recorded on the record (Outage), not returned.
func (s *RegisterService) SignSale(ctx context.Context, saleID int64) (*TSERecord, error) {
	t := s.tse(ctx)
	if t == nil {
		return nil, nil
	}
	s.tseSign.Lock() // one signing at a time: a sale is never finished twice
	defer s.tseSign.Unlock()
	var sale Sale
	var rec TSERecord
	found := true
	err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		if sale, err = tx.Sale(saleID); err != nil {
			return err
		}
		rec, err = tx.TSERecord("sale", saleID)
		if ErrorCode(err) == ENOTFOUND {
			found, err = false, nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if !found {
		if rec, err = s.tseStart(ctx, t, sale); err != nil {
			return nil, err
		}
	}
	if rec.State == TSEDone || sale.Status == SaleOpen {
		return &rec, nil
	}
	if rec.State != TSEFinishing { // a record finishing keeps the data it recorded
		kind := TSEReceipt
		if sale.Status == SaleCanceled {
			kind = TSEReceiptCancel
		}
		data, err := SaleProcessData(sale, kind)
		if err != nil {
			return &rec, s.tseFailed(ctx, &rec, err)
		}
		rec.Data = data
	}
	return &rec, s.tseRun(ctx, t, &rec)
}

// SignOpen carries on every TSE transaction a crash or an outage left
// unfinished: a paid or given-up sale's is finished, an open sale's
// started. It returns how many it finished.
func (s *RegisterService) SignOpen(ctx context.Context) (int, error) {
	t := s.tse(ctx)
	if t == nil {
		return 0, nil
	}
	var recs []TSERecord
	if err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		recs, err = tx.TSERecords(false, time.Time{})
		return err
	}); err != nil {
		return 0, err
	}
	n := 0
	for _, r := range recs {
		if r.Kind == "refund" || r.Kind == "cash" {
			r := r
			s.tseSign.Lock()
			err := s.tseRun(ctx, t, &r)
			s.tseSign.Unlock()
			if err != nil {
				return n, err
			}
			if r.State == TSEDone {
				n++
			}
			continue
		}
		rec, err := s.SignSale(ctx, r.Ref)
		if err != nil {
			return n, err
		}
		if rec != nil && rec.State == TSEDone {
			n++
		} else if rec != nil && rec.State == TSEStarting {
			s.tseSign.Lock()
			err := s.tseAdvanceStart(ctx, t, rec)
			s.tseSign.Unlock()
			if err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// TSEOutages returns the records the TSE failed since a time: what the
// owner reports to the tax office when it lasted.
func (s *RegisterService) TSEOutages(ctx context.Context, since time.Time) ([]TSERecord, error) {
	var out []TSERecord
	err := s.Till.ViewTill(ctx, func(tx TillTx) error {
		all, err := tx.TSERecords(true, since)
		for _, r := range all {
			if r.Outage {
				out = append(out, r)
			}
		}
		return err
	})
	return out, err
}

// TSEInfo describes the register's TSE; ENOTFOUND without one.
func (s *RegisterService) TSEInfo(ctx context.Context) (TSEInfo, error) {
	t := s.tse(ctx)
	if t == nil {
		return TSEInfo{}, Errorf(ENOTFOUND, "This register has no TSE.")
	}
	return s.tseInfo(ctx, t)
}

// RefundProcessData is a refund's process data: a receipt of negative
// amounts, the sale's rates in the refund's share, and the way it was paid
// back.
func RefundProcessData(sale Sale, rf RefundRecord) (TSEProcessData, error) {
	whole, err := SaleProcessData(sale, TSEReceipt)
	if err != nil {
		return whole, err
	}
	p := TSEProcessData{Type: TSEReceipt}
	total := sale.Totals.Total
	left := rf.Amount.Amount
	last := -1
	for i, g := range whole.Gross {
		if g != 0 {
			last = i
		}
	}
	for i, g := range whole.Gross {
		if g == 0 || total == 0 {
			continue
		}
		share := divRound(g*rf.Amount.Amount, total)
		if i == last {
			share = left // the rounding's cent goes to the last rate
		}
		left -= share
		p.Gross[i] = -share
	}
	p.Payments = []TSEPayment{{Cash: rf.Kind == MethodCash, Amount: -rf.Amount.Amount, Currency: rf.Amount.Currency.Code()}}
	return p, nil
}

// SignRefund signs a refund that succeeded, as a receipt of its own (a
// no-op without a TSE, or for one signed already).
func (s *RegisterService) SignRefund(ctx context.Context, rf RefundRecord) (*TSERecord, error) {
	t := s.tse(ctx)
	if t == nil || rf.Status != RefundSucceeded {
		return nil, nil
	}
	s.tseSign.Lock()
	defer s.tseSign.Unlock()
	var sale Sale
	var rec TSERecord
	found := true
	err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		if sale, err = tx.Sale(rf.SaleID); err != nil {
			return err
		}
		rec, err = tx.TSERecord("refund", rf.ID)
		if ErrorCode(err) == ENOTFOUND {
			found, err = false, nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if !found {
		data, err := RefundProcessData(sale, rf)
		if err != nil {
			return nil, err
		}
		rec = TSERecord{ID: NewUUID(), Kind: "refund", Ref: rf.ID, Till: sale.Till, State: TSEStarting, Data: data}
		if err := s.saveTSE(ctx, &rec); err != nil {
			return nil, err
		}
	}
	return &rec, s.tseRun(ctx, t, &rec)
}

// tseRun carries a record whose process data is known to the end:
// started, then finished (or learnt finished already).
func (s *RegisterService) tseRun(ctx context.Context, t TSE, rec *TSERecord) error {
	if rec.State == TSEDone {
		return nil
	}
	if rec.State == TSEStarting {
		if err := s.tseAdvanceStart(ctx, t, rec); err != nil || rec.State != TSEOpen {
			return err
		}
	}
	if rec.State == TSEOpen {
		rec.State = TSEFinishing
		if err := s.saveTSE(ctx, rec); err != nil {
			return err
		}
	}
	tx, err := s.tseFinish(ctx, t, rec)
	if err != nil {
		return s.tseFailed(ctx, rec, err)
	}
	return s.tseDone(ctx, t, rec, tx)
}

// CashProcessData is a cash movement's process data: a transfer
// (AVTransfer) of cash into or out of the drawer, not taxable.
func CashProcessData(m CashMovement) TSEProcessData {
	p := TSEProcessData{Type: TSETransfer}
	p.Gross[4] = m.Signed()
	p.Payments = []TSEPayment{{Cash: true, Amount: m.Signed(), Currency: m.Amount.Currency.Code()}}
	return p
}

// SignCash signs a float, cash in, cash out or deposit at the TSE (a
// no-op without a TSE, or for one signed already).
func (s *RegisterService) SignCash(ctx context.Context, m CashMovement) (*TSERecord, error) {
	t := s.tse(ctx)
	if t == nil {
		return nil, nil
	}
	s.tseSign.Lock()
	defer s.tseSign.Unlock()
	var rec TSERecord
	err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		rec, err = tx.TSERecord("cash", m.ID)
		return err
	})
	if ErrorCode(err) == ENOTFOUND {
		rec = TSERecord{ID: NewUUID(), Kind: "cash", Ref: m.ID, Till: m.Till, State: TSEStarting, Data: CashProcessData(m)}
		if err := s.saveTSE(ctx, &rec); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	return &rec, s.tseRun(ctx, t, &rec)
}

// TSECallTimeout bounds one call to the TSE: a cloud TSE that does not
// answer holds a sale up this long at the most.
const TSECallTimeout = 5 * time.Second

// tseRest is how long the register leaves a TSE that did not answer
// alone: the sales meanwhile are recorded as the outage's at once, without
// a wait each, and finished at the TSE afterwards (SignOpen).
const tseRest = time.Minute

// tseResting says the TSE is left alone after it did not answer.
func (s *RegisterService) tseResting() error {
	s.tseMu.Lock()
	defer s.tseMu.Unlock()
	if s.Clock.Now().Before(s.tseDownUntil) {
		return Errorf(EUNAVAILABLE, "The TSE does not answer.")
	}
	return nil
}

// tseNoAnswer leaves a TSE that could not be reached alone for a while.
func (s *RegisterService) tseNoAnswer(err error) {
	if ErrorCode(err) != EUNAVAILABLE && !errors.Is(err, context.DeadlineExceeded) {
		return
	}
	s.tseMu.Lock()
	s.tseDownUntil = s.Clock.Now().Add(tseRest)
	s.tseMu.Unlock()
}

// tseFinish asks the TSE to finish rec, within TSECallTimeout.
func (s *RegisterService) tseFinish(ctx context.Context, t TSE, rec *TSERecord) (TSETransaction, error) {
	if err := s.tseResting(); err != nil {
		return TSETransaction{}, err
	}
	cctx, cancel := context.WithTimeout(ctx, TSECallTimeout)
	defer cancel()
	tx, err := t.Finish(cctx, rec.ID, rec.Data)
	if err != nil {
		s.tseNoAnswer(err)
	}
	return tx, err
}
