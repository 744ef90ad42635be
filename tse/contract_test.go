package tse

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tally/domain"
)

// fakeFiskaly speaks fiskaly SIGN DE's API v2, as Fiskaly calls it, on top
// of a Simulator: the adapter's requests and its reading of the answers are
// tried without fiskaly's servers.
type fakeFiskaly struct {
	sim      *Simulator
	requests []string
	// fresh: the TSS and the client do not exist until Provision makes them.
	fresh                        bool
	tssState, pin, client, puk   string
	adminAuthed, clientSetSerial bool
}

func (f *fakeFiskaly) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.requests = append(f.requests, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery)
	fail := func(code int, msg string) {
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(map[string]any{"status_code": code, "error": http.StatusText(code), "code": "E_FAKE", "message": msg})
	}
	answer := func(v any) { w.Header().Set("Content-Type", "application/json"); json.NewEncoder(w).Encode(v) }
	if r.URL.Path == "/api/v2/auth" {
		var in map[string]string
		json.NewDecoder(r.Body).Decode(&in)
		if in["api_key"] != "key" || in["api_secret"] != "secret" {
			fail(401, "invalid credentials")
			return
		}
		answer(map[string]any{"access_token": "token-1", "access_token_expires_in": 300})
		return
	}
	if r.Header.Get("Authorization") != "Bearer token-1" {
		fail(401, "no token")
		return
	}
	f.sim.mu.Lock()
	down := f.sim.down
	f.sim.mu.Unlock()
	if down {
		fail(503, "service unavailable")
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/v2/"), "/")
	ctx := r.Context()
	info, _ := f.sim.Info(ctx)
	txJSON := func(tx domain.TSETransaction) map[string]any {
		out := map[string]any{"_id": tx.ID, "state": tx.State, "number": tx.Number, "time_start": tx.Start.Unix()}
		if !tx.End.IsZero() {
			out["time_end"] = tx.End.Unix()
			out["signature"] = map[string]any{"value": tx.Signature, "counter": tx.Counter, "algorithm": info.Algorithm, "public_key": info.PublicKey}
			out["qr_code_data"] = domain.TSESignature{TSETransaction: tx, ClientSerial: info.ClientSerial, Algorithm: info.Algorithm,
				TimeFormat: info.TimeFormat, PublicKey: info.PublicKey}.QR()
		}
		return out
	}
	var body map[string]string
	if r.Method == http.MethodPatch || (r.Method == http.MethodPost && len(parts) > 2) || (r.Method == http.MethodPut && (len(parts) < 3 || parts[2] != "tx")) {
		json.NewDecoder(r.Body).Decode(&body)
	}
	if f.fresh {
		switch {
		case len(parts) == 2 && r.Method == http.MethodGet && f.tssState == "":
			fail(404, "TSS not found")
			return
		case len(parts) == 2 && r.Method == http.MethodPut:
			f.tssState, f.puk = "CREATED", "PUK-123456"
			answer(map[string]any{"state": f.tssState, "admin_puk": f.puk})
			return
		case len(parts) == 2 && r.Method == http.MethodPatch:
			want := map[string]string{"UNINITIALIZED": "CREATED", "INITIALIZED": "UNINITIALIZED"}[body["state"]]
			if want == "" || f.tssState != want || (body["state"] == "INITIALIZED" && !f.adminAuthed) {
				fail(400, "bad state change from "+f.tssState+" to "+body["state"])
				return
			}
			f.tssState = body["state"]
			answer(map[string]any{"state": f.tssState})
			return
		case len(parts) == 3 && parts[2] == "admin" && r.Method == http.MethodPatch:
			if body["admin_puk"] != f.puk || len(body["new_admin_pin"]) < 6 {
				fail(400, "bad PUK or PIN")
				return
			}
			f.pin = body["new_admin_pin"]
			answer(map[string]any{})
			return
		case len(parts) == 4 && parts[2] == "admin" && parts[3] == "auth":
			if body["admin_pin"] != f.pin {
				fail(401, "wrong admin PIN")
				return
			}
			f.adminAuthed = true
			answer(map[string]any{})
			return
		case len(parts) == 4 && parts[2] == "admin" && parts[3] == "logout":
			f.adminAuthed = false
			answer(map[string]any{})
			return
		case len(parts) == 4 && parts[2] == "client" && r.Method == http.MethodGet && f.client == "":
			fail(404, "client not found")
			return
		case len(parts) == 4 && parts[2] == "client" && r.Method == http.MethodPut:
			if f.tssState != "INITIALIZED" {
				fail(400, "TSS not initialized")
				return
			}
			f.client = body["serial_number"]
			answer(map[string]any{"serial_number": f.client})
			return
		}
	}
	switch {
	case len(parts) == 2 && parts[0] == "tss" && r.Method == http.MethodGet:
		answer(map[string]any{"serial_number": info.Serial, "public_key": info.PublicKey, "signature_algorithm": info.Algorithm,
			"signature_timestamp_format": info.TimeFormat, "bsi_certification_id": "BSI-K-TR-0000-0000", "state": "INITIALIZED"})
	case len(parts) == 4 && parts[2] == "client" && r.Method == http.MethodGet:
		answer(map[string]any{"serial_number": info.ClientSerial})
	case len(parts) == 4 && parts[2] == "tx" && r.Method == http.MethodGet:
		tx, err := f.sim.Transaction(ctx, parts[3])
		if err != nil {
			fail(404, "transaction not found")
			return
		}
		answer(txJSON(tx))
	case len(parts) == 4 && parts[2] == "tx" && r.Method == http.MethodPut:
		id := parts[3]
		var in struct {
			State    string `json:"state"`
			ClientID string `json:"client_id"`
			Schema   struct {
				Standard struct {
					Receipt struct {
						Type  string `json:"receipt_type"`
						Rates []struct {
							Rate   string `json:"vat_rate"`
							Amount string `json:"amount"`
						} `json:"amounts_per_vat_rate"`
						Payments []struct {
							Type     string `json:"payment_type"`
							Amount   string `json:"amount"`
							Currency string `json:"currency_code"`
						} `json:"amounts_per_payment_type"`
					} `json:"receipt"`
				} `json:"standard_v1"`
			} `json:"schema"`
		}
		json.NewDecoder(r.Body).Decode(&in)
		if in.ClientID != "client-1" {
			fail(400, "unknown client")
			return
		}
		cur, err := f.sim.Transaction(ctx, id)
		switch r.URL.Query().Get("tx_revision") {
		case "1":
			if err == nil {
				fail(409, "revision 1 exists")
				return
			}
			tx, err := f.sim.Start(ctx, id)
			if err != nil {
				fail(500, err.Error())
				return
			}
			answer(txJSON(tx))
		case "2":
			if err != nil {
				fail(404, "transaction not found")
				return
			}
			if cur.State != domain.TSEActive {
				fail(409, "transaction finished")
				return
			}
			data := domain.TSEProcessData{Type: domain.TSEReceipt}
			if in.State == "CANCELLED" {
				data.Type = domain.TSEReceiptCancel
			}
			for _, rt := range in.Schema.Standard.Receipt.Rates {
				for i, name := range fiskalyRates {
					if name == rt.Rate {
						n, _ := domain.ParseAmount(rt.Amount, 2)
						data.Gross[i] += n
					}
				}
			}
			for _, p := range in.Schema.Standard.Receipt.Payments {
				n, _ := domain.ParseAmount(p.Amount, 2)
				data.Payments = append(data.Payments, domain.TSEPayment{Cash: p.Type == "CASH", Amount: n, Currency: p.Currency})
			}
			tx, err := f.sim.Finish(ctx, id, data)
			if err != nil {
				fail(500, err.Error())
				return
			}
			answer(txJSON(tx))
		default:
			fail(400, "tx_revision")
		}
	default:
		fail(404, "no such endpoint")
	}
}

// implementations returns each implementation of domain.TSE, with the
// simulator behind it (to take it down) and its client's serial.
func implementations(t *testing.T) map[string]func() (domain.TSE, *Simulator) {
	return map[string]func() (domain.TSE, *Simulator){
		"Simulator": func() (domain.TSE, *Simulator) {
			s, err := NewSimulator("", "KASSE-1")
			if err != nil {
				t.Fatal(err)
			}
			return s, s
		},
		"Fiskaly": func() (domain.TSE, *Simulator) {
			s, err := NewSimulator("", "KASSE-1")
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(&fakeFiskaly{sim: s})
			t.Cleanup(srv.Close)
			return &Fiskaly{BaseURL: srv.URL + "/api/v2", APIKey: "key", APISecret: "secret", TSSID: "tss-1", ClientID: "client-1"}, s
		},
	}
}

// TestTSEContract holds every TSE to what the register relies on.
func TestTSEContract(t *testing.T) {
	ctx := context.Background()
	for name, make := range implementations(t) {
		t.Run(name, func(t *testing.T) {
			tse, sim := make()
			info, err := tse.Info(ctx)
			if err != nil || info.Serial == "" || info.PublicKey == "" || info.ClientSerial != "KASSE-1" || info.Algorithm != domain.TSEAlgorithm {
				t.Fatalf("Info = %+v, %v", info, err)
			}
			// A transaction is started once, however often it is asked for.
			a, err := tse.Start(ctx, "tx-a")
			if err != nil || a.State != domain.TSEActive || a.Number == 0 || a.Start.IsZero() {
				t.Fatalf("Start = %+v, %v", a, err)
			}
			again, err := tse.Start(ctx, "tx-a")
			if err != nil || again.Number != a.Number {
				t.Fatalf("Start again = %+v, %v", again, err)
			}
			b, _ := tse.Start(ctx, "tx-b")
			if b.Number != a.Number+1 {
				t.Errorf("the next transaction is number %d after %d", b.Number, a.Number)
			}
			if got, err := tse.Transaction(ctx, "tx-a"); err != nil || got.State != domain.TSEActive {
				t.Errorf("Transaction = %+v, %v", got, err)
			}
			// Finished with the receipt's data, signed; again: the same.
			data := domain.TSEProcessData{Type: domain.TSEReceipt, Gross: [5]int64{840, 160}, Payments: []domain.TSEPayment{{Cash: true, Amount: 1000}}}
			f, err := tse.Finish(ctx, "tx-a", data)
			if err != nil || f.State != domain.TSEFinished || f.Signature == "" || f.Counter == 0 || f.End.Before(f.Start) {
				t.Fatalf("Finish = %+v, %v", f, err)
			}
			if f.ProcessData != "Beleg^8.40_1.60_0.00_0.00_0.00^10.00:Bar" {
				t.Errorf("process data %q", f.ProcessData)
			}
			f2, err := tse.Finish(ctx, "tx-a", data)
			if err != nil || f2.Signature != f.Signature || f2.Counter != f.Counter {
				t.Errorf("Finish again = %+v, %v", f2, err)
			}
			if err := Verify(info.PublicKey, info.ClientSerial, f); err != nil {
				t.Errorf("the signature does not verify: %v", err)
			}
			forged := f
			forged.ProcessData = "Beleg^0.84_0.16_0.00_0.00_0.00^1.00:Bar"
			if Verify(info.PublicKey, info.ClientSerial, forged) == nil {
				t.Error("a changed receipt verifies")
			}
			// Given up: cancelled.
			c, err := tse.Finish(ctx, "tx-b", domain.TSEProcessData{Type: domain.TSEReceiptCancel, Gross: [5]int64{380}})
			if err != nil || c.State != domain.TSECancelled || c.Counter <= f.Counter {
				t.Errorf("cancel = %+v, %v", c, err)
			}
			// What was never started.
			if _, err := tse.Transaction(ctx, "tx-none"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("Transaction of nothing: %v", err)
			}
			if _, err := tse.Finish(ctx, "tx-none", data); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("Finish of nothing: %v", err)
			}
			// Down, then back.
			sim.SetDown(true)
			if _, err := tse.Start(ctx, "tx-c"); domain.ErrorCode(err) != domain.EUNAVAILABLE {
				t.Errorf("a TSE down: %v", err)
			}
			sim.SetDown(false)
			if _, err := tse.Start(ctx, "tx-c"); err != nil {
				t.Errorf("the TSE back: %v", err)
			}
		})
	}
}

// TestFiskalyRefusesWrongKey: a wrong API key is said as such.
func TestFiskalyRefusesWrongKey(t *testing.T) {
	s, _ := NewSimulator("", "KASSE-1")
	srv := httptest.NewServer(&fakeFiskaly{sim: s})
	defer srv.Close()
	f := &Fiskaly{BaseURL: srv.URL + "/api/v2", APIKey: "key", APISecret: "wrong", TSSID: "tss-1", ClientID: "client-1"}
	_, err := f.Start(context.Background(), NewID())
	if domain.ErrorCode(err) != domain.EUNAUTHORIZED || !strings.Contains(domain.ErrorMessage(err), "Settings > TSE") {
		t.Errorf("a wrong secret: %v", err)
	}
	unreachable := &Fiskaly{BaseURL: "http://127.0.0.1:1/api/v2", APIKey: "key", APISecret: "secret", TSSID: "t", ClientID: "c",
		HTTP: &http.Client{Timeout: time.Second}}
	if _, err := unreachable.Start(context.Background(), NewID()); domain.ErrorCode(err) != domain.EUNAVAILABLE {
		t.Errorf("fiskaly unreachable: %v", err)
	}
}

// TestSimulatorKeepsItsKey: a demo till's TSE is the same after a restart.
func TestSimulatorKeepsItsKey(t *testing.T) {
	path := t.TempDir() + "/tse.json"
	a, err := NewSimulator(path, "KASSE-1")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a.Start(ctx, "x")
	b, err := NewSimulator(path, "KASSE-1")
	if err != nil {
		t.Fatal(err)
	}
	ia, _ := a.Info(ctx)
	ib, _ := b.Info(ctx)
	if ia.Serial != ib.Serial {
		t.Error("the simulator's key changed with a restart")
	}
	if tx, err := b.Transaction(ctx, "x"); err != nil || tx.Number != 1 {
		t.Errorf("the transaction after a restart: %+v %v", tx, err)
	}
	if y, _ := b.Start(ctx, "y"); y.Number != 2 {
		t.Errorf("numbering after a restart: %d", y.Number)
	}
}

func TestNewID(t *testing.T) {
	a, b := NewID(), NewID()
	if a == b || len(a) != 36 || a[14] != '4' {
		t.Errorf("ids %s %s", a, b)
	}
}

// TestFiskalyProvision: a new TSS is created, given its admin PIN with
// the PUK, initialised while the admin is signed in, and the till's
// client added; run again, it changes nothing.
func TestFiskalyProvision(t *testing.T) {
	s, _ := NewSimulator("", "KASSE-1")
	fake := &fakeFiskaly{sim: s, fresh: true}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	f := &Fiskaly{BaseURL: srv.URL + "/api/v2", APIKey: "key", APISecret: "secret", TSSID: "tss-1", ClientID: "client-1"}
	ctx := context.Background()
	if err := f.Provision(ctx, "0123456789", "KASSE-1"); err != nil {
		t.Fatalf("provision: %v\n%s", err, strings.Join(fake.requests, "\n"))
	}
	if fake.tssState != "INITIALIZED" || fake.pin != "0123456789" || fake.client != "KASSE-1" || fake.adminAuthed {
		t.Errorf("after the set-up: %+v", fake)
	}
	n := len(fake.requests)
	if err := f.Provision(ctx, "0123456789", "KASSE-1"); err != nil {
		t.Fatal(err)
	}
	for _, r := range fake.requests[n:] {
		if !strings.HasPrefix(r, "GET ") && !strings.HasPrefix(r, "POST /api/v2/auth") {
			t.Errorf("a second set-up changed something: %s", r)
		}
	}
	if _, err := f.Start(ctx, NewID()); err != nil {
		t.Errorf("a transaction on the TSS set up: %v", err)
	}
}
