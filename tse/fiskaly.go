package tse

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"tally/domain"
)

// Fiskaly is fiskaly SIGN DE, API v2 (KassenSichV), as its public API
// reference describes it (developer.fiskaly.com, "SIGN DE API v2"):
//
//   - POST /auth trades the API key and secret for a bearer token;
//   - GET /tss/{tss_id} describes the TSS (serial number, public key,
//     signature algorithm, timestamp format, BSI certification id);
//   - PUT /tss/{tss_id}/tx/{tx_id}?tx_revision=1 with state ACTIVE starts a
//     transaction, revision 2 with state FINISHED and the receipt's
//     standard_v1 schema (amounts per VAT rate and per payment type)
//     finishes it, CANCELLED gives it up; the answer carries the number,
//     the times, the signature with its counter, and qr_code_data;
//   - GET /tss/{tss_id}/tx/{tx_id} returns a transaction's latest revision;
//   - set-up (Provision): PUT /tss/{tss_id} (answers the admin PUK once),
//     PATCH state UNINITIALIZED, PATCH /tss/{tss_id}/admin to set the
//     admin PIN with the PUK, POST /tss/{tss_id}/admin/auth, PATCH state
//     INITIALIZED, PUT /tss/{tss_id}/client/{client_id} with the till's
//     serial number, POST /tss/{tss_id}/admin/logout.
//
// Transaction ids are the UUIDs Tally stored before calling: a PUT that
// lost its answer is sent again, and the revision makes it the same.
type Fiskaly struct {
	BaseURL   string // https://kassensichv-middleware.fiskaly.com/api/v2
	APIKey    string
	APISecret string
	TSSID     string
	ClientID  string
	HTTP      *http.Client

	mu      sync.Mutex
	token   string
	expires time.Time
}

// DefaultFiskalyURL is fiskaly SIGN DE's API v2.
const DefaultFiskalyURL = "https://kassensichv-middleware.fiskaly.com/api/v2"

func (f *Fiskaly) client() *http.Client {
	if f.HTTP != nil {
		return f.HTTP
	}
	return &http.Client{Timeout: 15 * time.Second}
}

// fiskalyError is fiskaly's error body.
type fiskalyError struct {
	Status  int    `json:"status_code"`
	Error   string `json:"error"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// call sends a request and decodes the answer into out.
func (f *Fiskaly) call(ctx context.Context, method, path string, in, out any, authed bool) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(f.BaseURL, "/")+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if authed {
		tok, err := f.auth(ctx)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := f.client().Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "connection refused") {
			return domain.WrapError(domain.EUNAVAILABLE, "The TSE (fiskaly) cannot be reached: check the internet connection.", err)
		}
		return domain.WrapError(domain.EUNAVAILABLE, "The TSE (fiskaly) cannot be reached.", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		var fe fiskalyError
		json.Unmarshal(b, &fe)
		msg := fe.Message
		if msg == "" {
			msg = resp.Status
		}
		switch {
		case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
			if authed {
				f.mu.Lock()
				f.token = "" // a token the server no longer takes: ask for another next time
				f.mu.Unlock()
			}
			return domain.Errorf(domain.EUNAUTHORIZED, "fiskaly refused the API key or secret (%s): check them in Settings > TSE.", msg)
		case resp.StatusCode == http.StatusNotFound:
			return domain.Errorf(domain.ENOTFOUND, "fiskaly: %s", msg)
		case resp.StatusCode == http.StatusConflict || resp.StatusCode == http.StatusBadRequest:
			return domain.Errorf(domain.EINVALID, "fiskaly refused the request: %s (%s)", msg, fe.Code)
		}
		return domain.Errorf(domain.EUNAVAILABLE, "The TSE (fiskaly) failed: %s", msg)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return domain.WrapError(domain.EUNAVAILABLE, "fiskaly's answer could not be read.", err)
	}
	return nil
}

// auth returns a valid bearer token, asking for one when needed.
func (f *Fiskaly) auth(ctx context.Context) (string, error) {
	f.mu.Lock()
	tok, exp := f.token, f.expires
	f.mu.Unlock()
	if tok != "" && time.Until(exp) > time.Minute {
		return tok, nil
	}
	var out struct {
		Token     string `json:"access_token"`
		ExpiresIn int64  `json:"access_token_expires_in"`
	}
	if err := f.call(ctx, http.MethodPost, "/auth", map[string]string{"api_key": f.APIKey, "api_secret": f.APISecret}, &out, false); err != nil {
		return "", err
	}
	if out.Token == "" {
		return "", domain.Errorf(domain.EUNAVAILABLE, "fiskaly answered no access token.")
	}
	if out.ExpiresIn <= 0 {
		out.ExpiresIn = 300
	}
	f.mu.Lock()
	f.token, f.expires = out.Token, time.Now().Add(time.Duration(out.ExpiresIn)*time.Second)
	f.mu.Unlock()
	return out.Token, nil
}

type fiskalyTSS struct {
	SerialNumber    string `json:"serial_number"`
	PublicKey       string `json:"public_key"`
	SignatureAlg    string `json:"signature_algorithm"`
	TimestampFormat string `json:"signature_timestamp_format"`
	Certification   string `json:"bsi_certification_id"`
	State           string `json:"state"`
	AdminPUK        string `json:"admin_puk"`
}

type fiskalyClient struct {
	SerialNumber string `json:"serial_number"`
}

// Info implements domain.TSE.
func (f *Fiskaly) Info(ctx context.Context) (domain.TSEInfo, error) {
	var t fiskalyTSS
	if err := f.call(ctx, http.MethodGet, "/tss/"+f.TSSID, nil, &t, true); err != nil {
		return domain.TSEInfo{}, err
	}
	var c fiskalyClient
	if err := f.call(ctx, http.MethodGet, "/tss/"+f.TSSID+"/client/"+f.ClientID, nil, &c, true); err != nil {
		return domain.TSEInfo{}, err
	}
	return domain.TSEInfo{Provider: "fiskaly SIGN DE", Serial: t.SerialNumber, PublicKey: t.PublicKey, Algorithm: t.SignatureAlg,
		TimeFormat: t.TimestampFormat, CertificateID: t.Certification, ClientSerial: c.SerialNumber}, nil
}

type fiskalyTx struct {
	ID        string `json:"_id"`
	State     string `json:"state"`
	Number    int64  `json:"number"`
	TimeStart int64  `json:"time_start"`
	TimeEnd   int64  `json:"time_end"`
	Signature *struct {
		Value   string `json:"value"`
		Counter int64  `json:"counter"`
	} `json:"signature"`
	QRCodeData string `json:"qr_code_data"`
}

func (t fiskalyTx) domain(id string, data string) domain.TSETransaction {
	out := domain.TSETransaction{ID: id, State: t.State, Number: t.Number, ProcessType: domain.TSEProcessType, ProcessData: data}
	if t.TimeStart > 0 {
		out.Start = time.Unix(t.TimeStart, 0).UTC()
	}
	if t.TimeEnd > 0 {
		out.End = time.Unix(t.TimeEnd, 0).UTC()
	}
	if t.Signature != nil {
		out.Signature, out.Counter = t.Signature.Value, t.Signature.Counter
	}
	// The process data as the TSE signed it, from its QR code.
	if parts := strings.Split(t.QRCodeData, ";"); len(parts) >= 4 && parts[0] == "V0" {
		out.ProcessType, out.ProcessData = parts[2], parts[3]
	}
	return out
}

// Start implements domain.TSE.
func (f *Fiskaly) Start(ctx context.Context, id string) (domain.TSETransaction, error) {
	var t fiskalyTx
	err := f.call(ctx, http.MethodPut, "/tss/"+f.TSSID+"/tx/"+id+"?tx_revision=1",
		map[string]string{"state": "ACTIVE", "client_id": f.ClientID}, &t, true)
	if domain.ErrorCode(err) == domain.EINVALID {
		// Revision 1 sent before (its answer lost): the transaction as it is.
		return f.Transaction(ctx, id)
	}
	if err != nil {
		return domain.TSETransaction{}, err
	}
	return t.domain(id, ""), nil
}

// fiskalyRates names the DSFinV-K's five rates as fiskaly's standard_v1 does.
var fiskalyRates = [5]string{"NORMAL", "REDUCED_1", "SPECIAL_RATE_1", "SPECIAL_RATE_2", "NULL"}

func fiskalyReceipt(data domain.TSEProcessData) map[string]any {
	var rates, pays []map[string]string
	for i, g := range data.Gross {
		if g != 0 {
			rates = append(rates, map[string]string{"vat_rate": fiskalyRates[i], "amount": domain.FormatAmount(g, 2)})
		}
	}
	for _, p := range data.Payments {
		pt := "NON_CASH"
		if p.Cash {
			pt = "CASH"
		}
		m := map[string]string{"payment_type": pt, "amount": domain.FormatAmount(p.Amount, 2)}
		if p.Currency != "" && p.Currency != "EUR" {
			m["currency_code"] = p.Currency
		}
		pays = append(pays, m)
	}
	kind := map[string]string{domain.TSEReceipt: "RECEIPT", domain.TSEReceiptCancel: "CANCELLATION", domain.TSETransfer: "TRANSFER"}[data.Type]
	if kind == "" {
		kind = "OTHER"
	}
	if rates == nil {
		rates = []map[string]string{}
	}
	if pays == nil {
		pays = []map[string]string{}
	}
	return map[string]any{"standard_v1": map[string]any{"receipt": map[string]any{
		"receipt_type": kind, "amounts_per_vat_rate": rates, "amounts_per_payment_type": pays}}}
}

// Finish implements domain.TSE.
func (f *Fiskaly) Finish(ctx context.Context, id string, data domain.TSEProcessData) (domain.TSETransaction, error) {
	state := "FINISHED"
	if data.Type == domain.TSEReceiptCancel {
		state = "CANCELLED"
	}
	var t fiskalyTx
	err := f.call(ctx, http.MethodPut, "/tss/"+f.TSSID+"/tx/"+id+"?tx_revision=2",
		map[string]any{"state": state, "client_id": f.ClientID, "schema": fiskalyReceipt(data)}, &t, true)
	if domain.ErrorCode(err) == domain.EINVALID {
		// Finished before: answered as it was.
		if cur, gerr := f.Transaction(ctx, id); gerr == nil && cur.State != domain.TSEActive {
			return cur, nil
		}
	}
	if err != nil {
		return domain.TSETransaction{}, err
	}
	return t.domain(id, data.String()), nil
}

// Transaction implements domain.TSE.
func (f *Fiskaly) Transaction(ctx context.Context, id string) (domain.TSETransaction, error) {
	var t fiskalyTx
	if err := f.call(ctx, http.MethodGet, "/tss/"+f.TSSID+"/tx/"+id, nil, &t, true); err != nil {
		return domain.TSETransaction{}, err
	}
	return t.domain(id, ""), nil
}

// Provision creates the TSS and this till's client at fiskaly and
// initialises them, from wherever an earlier try stopped; adminPIN is the
// TSS's admin PIN (kept in the keychain by the caller).
func (f *Fiskaly) Provision(ctx context.Context, adminPIN, clientSerial string) error {
	var t fiskalyTSS
	err := f.call(ctx, http.MethodGet, "/tss/"+f.TSSID, nil, &t, true)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		err = f.call(ctx, http.MethodPut, "/tss/"+f.TSSID, map[string]any{}, &t, true)
	}
	if err != nil {
		return err
	}
	if t.State == "CREATED" {
		if t.AdminPUK == "" {
			return domain.Errorf(domain.EINVALID, "fiskaly created the TSS without answering its admin PUK: create a new TSS.")
		}
		if err := f.call(ctx, http.MethodPatch, "/tss/"+f.TSSID, map[string]string{"state": "UNINITIALIZED"}, &t, true); err != nil {
			return err
		}
		if err := f.call(ctx, http.MethodPatch, "/tss/"+f.TSSID+"/admin", map[string]string{"admin_puk": t.AdminPUK, "new_admin_pin": adminPIN}, nil, true); err != nil {
			return err
		}
	}
	if t.State == "CREATED" || t.State == "UNINITIALIZED" {
		if err := f.call(ctx, http.MethodPost, "/tss/"+f.TSSID+"/admin/auth", map[string]string{"admin_pin": adminPIN}, nil, true); err != nil {
			return err
		}
		if err := f.call(ctx, http.MethodPatch, "/tss/"+f.TSSID, map[string]string{"state": "INITIALIZED"}, &t, true); err != nil {
			return err
		}
		defer f.call(ctx, http.MethodPost, "/tss/"+f.TSSID+"/admin/logout", map[string]any{}, nil, true)
	}
	var c fiskalyClient
	if err := f.call(ctx, http.MethodGet, "/tss/"+f.TSSID+"/client/"+f.ClientID, nil, &c, true); domain.ErrorCode(err) == domain.ENOTFOUND {
		return f.call(ctx, http.MethodPut, "/tss/"+f.TSSID+"/client/"+f.ClientID, map[string]string{"serial_number": clientSerial}, &c, true)
	} else {
		return err
	}
}

// NewID returns a new UUID (version 4), as fiskaly's ids are.
func NewID() string { return domain.NewUUID() }
