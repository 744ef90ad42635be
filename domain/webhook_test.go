package domain_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v79/webhook"

	"tally/domain"
	"tally/storage"
	"tally/stripeclient"
)

// TestWebhookAppliesWhatThePollWouldAndRefusesWithoutSecret: the listener
// refuses to start without a signing secret; once set, a signed event
// settles the payment, and the poll afterwards finds nothing more to do.
func TestWebhookAppliesWhatThePollWouldAndRefusesWithoutSecret(t *testing.T) {
	r := newTill(t)
	conn := r.reg.Connection
	settings := &domain.SettingsService{Store: r.books.Settings(), Keychain: storage.NewKeychain(filepath.Join(r.dir, "secrets.json"), true),
		Connection: conn, Clock: r.clock}
	hooks := &domain.WebhookService{Settings: settings, Events: r.events, Server: stripeclient.WebhookServer{}}
	t.Cleanup(hooks.Stop)
	if _, err := hooks.Configure(ctx, true, "127.0.0.1:0"); domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "signing secret") {
		t.Fatalf("started without a secret: %v", err)
	}
	if st := hooks.Status(); st.Listening != "" {
		t.Fatalf("listening without a secret: %+v", st)
	}
	if _, err := hooks.Configure(ctx, true, "not an address"); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("bad address: %v", err)
	}
	const secret = "whsec_tally_test_0123456789"
	if err := settings.Keychain.Set(domain.WebhookSecretName, secret); err != nil {
		t.Fatal(err)
	}
	st, err := hooks.Configure(ctx, true, "127.0.0.1:0")
	if err != nil || st.Listening == "" {
		t.Fatalf("start: %+v %v", st, err)
	}
	if v, _ := settings.Current(ctx); !v.WebhookEnabled || v.WebhookListen != "127.0.0.1:0" {
		t.Fatalf("not stored: %+v", v.Settings)
	}

	s, a := r.paidBehind(1250, domain.CardSucceeds)
	pi := r.intents(s)[0]
	body := []byte(fmt.Sprintf(`{"id":"evt_hook_1","object":"event","api_version":"2024-06-20","created":%d,"livemode":false,"type":"payment_intent.succeeded",
"data":{"object":{"id":%q,"object":"payment_intent","amount":1250,"amount_received":1250,"currency":"eur","status":"succeeded","capture_method":"automatic",
"latest_charge":%q,"payment_method_details":null}}}`, r.clock.Now().Unix(), pi.ID, pi.LatestChargeID))
	send := func(body []byte, sig string) int {
		req, _ := http.NewRequest(http.MethodPost, "http://"+st.Listening+stripeclient.WebhookPath, strings.NewReader(string(body)))
		if sig != "" {
			req.Header.Set("Stripe-Signature", sig)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	forged := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: "whsec_forger_000000000000", Timestamp: time.Now()}).Header
	if code := send(body, forged); code != http.StatusBadRequest || r.attempt(a.ID).Status != domain.AttemptPending {
		t.Fatalf("forged event: %d, attempt %s", code, r.attempt(a.ID).Status)
	}
	if code := send(body, ""); code != http.StatusBadRequest || r.attempt(a.ID).Status != domain.AttemptPending {
		t.Fatalf("unsigned event: %d", code)
	}
	good := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: time.Now()}).Header
	if code := send(body, good); code != http.StatusOK {
		t.Fatalf("signed event: %d", code)
	}
	if got := r.attempt(a.ID); got.Status != domain.AttemptSucceeded || r.saleNow(s.ID).Status != domain.SalePaid {
		t.Fatalf("after the webhook: %+v", got)
	}
	if code := send(body, good); code != http.StatusOK {
		t.Fatalf("the same event again: %d", code)
	}
	before := r.attempt(a.ID)
	r.sync()
	if after := r.attempt(a.ID); after.Updated != before.Updated || after.Message != before.Message {
		t.Fatalf("the poll changed what the webhook applied: %+v", after)
	}
	if _, err := hooks.Configure(ctx, false, "127.0.0.1:0"); err != nil || hooks.Status().Listening != "" {
		t.Fatalf("switch off: %+v %v", hooks.Status(), err)
	}
}
