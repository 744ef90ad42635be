package stripeclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	stripe "github.com/stripe/stripe-go/v79"
	"github.com/stripe/stripe-go/v79/webhook"

	"tally/domain"
)

const testSecret = "whsec_test_0123456789abcdef"

// eventJSON is a payment_intent.succeeded event as Stripe sends it.
func eventJSON(id string, livemode bool, version string) []byte {
	return []byte(fmt.Sprintf(`{"id":%q,"object":"event","api_version":%q,"created":1764590400,"livemode":%v,"type":"payment_intent.succeeded",
"data":{"object":{"id":"pi_123","object":"payment_intent","amount":1250,"amount_received":1250,"currency":"eur","status":"succeeded",
"capture_method":"automatic","latest_charge":"ch_123","metadata":{"tally_sale":"1"}}}}`, id, version, livemode))
}

func sign(body []byte, secret string, at time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: at}).Header
}

type applied struct {
	mu   sync.Mutex
	evs  []domain.Event
	fail error
}

func (a *applied) apply(_ context.Context, ev domain.Event) (bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fail != nil {
		return false, a.fail
	}
	a.evs = append(a.evs, ev)
	return true, nil
}

func post(t *testing.T, h http.Handler, body []byte, sig string) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, WebhookPath, strings.NewReader(string(body)))
	if sig != "" {
		req.Header.Set("Stripe-Signature", sig)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func TestWebhookSignedEventApplied(t *testing.T) {
	got := &applied{}
	h := &WebhookHandler{Secret: testSecret, Apply: got.apply}
	// An event in a newer API version than the library's is taken.
	body := eventJSON("evt_ok", false, "2025-09-30.clover")
	if code := post(t, h, body, sign(body, testSecret, time.Now())); code != http.StatusOK {
		t.Fatalf("signed event: %d", code)
	}
	if len(got.evs) != 1 {
		t.Fatalf("applied %d", len(got.evs))
	}
	ev := got.evs[0]
	if ev.ID != "evt_ok" || ev.PaymentIntent == nil || ev.PaymentIntent.ID != "pi_123" || ev.PaymentIntent.Status != domain.PISucceeded ||
		ev.PaymentIntent.AmountReceived != 1250 || ev.APIVersion != "2025-09-30.clover" {
		t.Fatalf("event %+v %+v", ev, ev.PaymentIntent)
	}
}

func TestWebhookRefusesWhatIsNotSignedAndWellFormed(t *testing.T) {
	got := &applied{}
	h := &WebhookHandler{Secret: testSecret, Apply: got.apply}
	body := eventJSON("evt_1", false, stripe.APIVersion)
	now := time.Now()
	garbage := []byte(`{"id": "evt_2", "type": `)
	notEvent := []byte(`{"hello":"world"}`)
	cases := []struct {
		name string
		body []byte
		sig  string
	}{
		{"wrong signature", body, sign(body, "whsec_someone_else_1234", now)},
		{"stale timestamp", body, sign(body, testSecret, now.Add(-6*time.Minute))},
		{"timestamp ahead", body, sign(body, testSecret, now.Add(6*time.Minute))},
		{"malformed body", garbage, sign(garbage, testSecret, now)},
		{"not an event", notEvent, sign(notEvent, testSecret, now)},
		{"missing signature", body, ""},
		{"unreadable header", body, "nonsense"},
		{"body changed after signing", []byte(strings.Replace(string(body), "1250", "9999", 1)), sign(body, testSecret, now)},
	}
	for _, c := range cases {
		if code := post(t, h, c.body, c.sig); code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", c.name, code)
		}
	}
	if len(got.evs) != 0 {
		t.Fatalf("applied %d refused events", len(got.evs))
	}
	req := httptest.NewRequest(http.MethodGet, WebhookPath, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("GET: %d", rec.Code)
	}
}

func TestWebhookOtherModeIgnoredAndStoreFailureRetried(t *testing.T) {
	got := &applied{}
	h := &WebhookHandler{Secret: testSecret, Livemode: true, Apply: got.apply}
	body := eventJSON("evt_test_mode", false, stripe.APIVersion)
	if code := post(t, h, body, sign(body, testSecret, time.Now())); code != http.StatusOK || len(got.evs) != 0 {
		t.Fatalf("test-mode event on live books: %d, applied %d", code, len(got.evs))
	}
	got.fail = errors.New("disk full")
	body = eventJSON("evt_live", true, stripe.APIVersion)
	if code := post(t, h, body, sign(body, testSecret, time.Now())); code != http.StatusInternalServerError {
		t.Fatalf("store failure: %d, want 500 so that Stripe sends it again", code)
	}
}

func TestWebhookServerNeedsASecretAndAFreeAddress(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := &applied{}
	if _, _, err := (WebhookServer{}).Serve(ctx, "127.0.0.1:0", "", false, got.apply); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("without a secret: %v", err)
	}
	addr, done, err := (WebhookServer{}).Serve(ctx, "127.0.0.1:0", testSecret, false, got.apply)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := (WebhookServer{}).Serve(ctx, addr, testSecret, false, got.apply); domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "Cannot listen") {
		t.Fatalf("address in use: %v", err)
	}
	body := eventJSON("evt_net", false, stripe.APIVersion)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+WebhookPath, strings.NewReader(string(body)))
	req.Header.Set("Stripe-Signature", sign(body, testSecret, time.Now()))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(got.evs) != 1 {
		t.Fatalf("over the network: %d, %d applied", resp.StatusCode, len(got.evs))
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the listener did not stop")
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Fatal("still listening after stop")
	}
}
