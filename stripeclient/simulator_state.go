package stripeclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"tally/domain"
)

// The simulator keeps its state in a JSON file beside the demo books, so that
// a demo sale paid yesterday is still paid today and crash recovery can be
// tried end to end: kill Tally in the middle of a payment, start it again,
// and the simulated Stripe still knows what it did.

// stateVersion changes when the file's shape does; an older file is set
// aside (renamed) and the simulator starts afresh.
const stateVersion = 1

type simState struct {
	Version   int
	Seq       int
	Account   domain.Account
	Available map[domain.Currency]int64
	Pending   map[domain.Currency]int64
	Locations []domain.Location
	Readers   []*domain.Reader
	Allow     map[string]bool // readers whose customer may cancel the action
	Tips      map[string]bool // readers whose payment offers a tip
	Intents   map[string]*savedIntent
	Sessions  map[string]*domain.CheckoutSession
	Refunds   map[string]*domain.Refund
	Events    []domain.Event
	Idem      map[domain.IdempotencyKey]savedIdem
	Codes     map[string]string
	Txns      []domain.StatementLine
	Reports   map[string]savedReport
	Plans     map[string]refundPlan       `json:",omitempty"`
	Payouts   map[string]*domain.Payout   `json:",omitempty"`
	Disputes  map[string]*domain.Dispute  `json:",omitempty"`
	Customers map[string]*domain.Customer `json:",omitempty"`
	TaxRates  map[string]*simTaxRate      `json:",omitempty"`
	Invoices  map[string]*simInvoice      `json:",omitempty"`
	InvoiceNo int                         `json:",omitempty"`
}

type savedIntent struct {
	PI       domain.PaymentIntent
	Types    []string
	Refunded int64
}

type savedIdem struct {
	Op      string
	Result  json.RawMessage
	ErrCode string `json:",omitempty"`
	ErrMsg  string `json:",omitempty"`
}

type savedReport struct {
	From, To time.Time
	Run      domain.ReportRun
}

// OpenSimulator returns the demo simulator whose state lives at path: the
// state saved there when there is one, else a fresh demo shop, saved at
// once. Every write is saved before it returns.
func OpenSimulator(path string, clock domain.Clock) (*Simulator, error) {
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		s := NewDemoSimulator(clock)
		s.path = path
		s.mu.Lock()
		defer s.mu.Unlock()
		return s, s.save()
	case err != nil:
		return nil, fmt.Errorf("read simulator state %s: %w", path, err)
	}
	var st simState
	if err := json.Unmarshal(b, &st); err != nil || st.Version != stateVersion {
		// A damaged or older file: keep it for a look, start a new demo shop.
		aside := path + ".damaged-" + time.Now().UTC().Format("20060102T150405")
		if rerr := os.Rename(path, aside); rerr != nil {
			return nil, fmt.Errorf("set aside simulator state %s: %w", path, rerr)
		}
		return OpenSimulator(path, clock)
	}
	s := NewSimulator(clock, SimulatorOptions{})
	s.path = path
	s.load(st)
	return s, nil
}

func (s *Simulator) load(st simState) {
	s.seq, s.account = st.Seq, st.Account
	copyMap(s.available, st.Available)
	copyMap(s.pending, st.Pending)
	s.locations, s.readers, s.events, s.txns = st.Locations, st.Readers, st.Events, st.Txns
	copyMap(s.allowCancel, st.Allow)
	copyMap(s.allowTips, st.Tips)
	for id, si := range st.Intents {
		s.intents[id] = &simIntent{pi: si.PI, types: si.Types, refunded: si.Refunded}
	}
	copyMap(s.sessions, st.Sessions)
	copyMap(s.refunds, st.Refunds)
	copyMap(s.codes, st.Codes)
	copyMap(s.refundPlans, st.Plans)
	copyMap(s.payouts, st.Payouts)
	copyMap(s.disputes, st.Disputes)
	copyMap(s.customers, st.Customers)
	copyMap(s.taxRates, st.TaxRates)
	copyMap(s.invoices, st.Invoices)
	s.invoiceSeq = st.InvoiceNo
	for k, e := range st.Idem {
		ie := idemEntry{op: e.Op, result: e.Result}
		if e.ErrCode != "" {
			ie.err = &domain.Error{Code: e.ErrCode, Message: e.ErrMsg}
		}
		s.idem[k] = ie
	}
	for id, r := range st.Reports {
		s.reports[id] = reportWindow{from: r.From, to: r.To, run: r.Run}
	}
}

func copyMap[K comparable, V any](dst, src map[K]V) {
	for k, v := range src {
		dst[k] = v
	}
}

// save writes the state to s.path (when set) through a temporary file and a
// rename, so a crash leaves the old state or the new one, never half. Called
// with mu held.
func (s *Simulator) save() error {
	if s.path == "" {
		return nil
	}
	st := simState{Version: stateVersion, Seq: s.seq, Account: s.account, Available: s.available, Pending: s.pending,
		Locations: s.locations, Readers: s.readers, Allow: s.allowCancel, Tips: s.allowTips, Sessions: s.sessions, Refunds: s.refunds,
		Events: s.events, Codes: s.codes, Txns: s.txns, Plans: s.refundPlans, Payouts: s.payouts, Disputes: s.disputes,
		Customers: s.customers, TaxRates: s.taxRates, Invoices: s.invoices, InvoiceNo: s.invoiceSeq,
		Intents: map[string]*savedIntent{}, Idem: map[domain.IdempotencyKey]savedIdem{}, Reports: map[string]savedReport{}}
	for id, si := range s.intents {
		st.Intents[id] = &savedIntent{PI: si.pi, Types: si.types, Refunded: si.refunded}
	}
	for k, e := range s.idem {
		se := savedIdem{Op: e.op}
		if raw, ok := e.result.(json.RawMessage); ok {
			se.Result = raw
		} else if b, err := json.Marshal(e.result); err == nil {
			se.Result = b
		}
		if e.err != nil {
			se.ErrCode, se.ErrMsg = domain.ErrorCode(e.err), domain.ErrorMessage(e.err)
		}
		st.Idem[k] = se
	}
	for id, r := range s.reports {
		st.Reports[id] = savedReport{From: r.from, To: r.to, Run: r.run}
	}
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode simulator state: %w", err)
	}
	tmp := s.path + ".tmp"
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return fmt.Errorf("save simulator state: %w", err)
	}
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("save simulator state: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("save simulator state: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("save simulator state: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save simulator state: %w", err)
	}
	if err := os.Rename(tmp, s.path); err != nil {
		return fmt.Errorf("save simulator state: %w", err)
	}
	return nil
}

// replay turns a remembered answer into T: answers read back from the state
// file are JSON until first used.
func replay[T any](result any) (T, error) {
	var v T
	switch r := result.(type) {
	case T:
		return r, nil
	case json.RawMessage:
		if err := json.Unmarshal(r, &v); err != nil {
			return v, fmt.Errorf("replay simulator answer: %w", err)
		}
		return v, nil
	}
	return v, fmt.Errorf("replay simulator answer: unexpected %T", result)
}
