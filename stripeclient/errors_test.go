package stripeclient

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"tally/domain"
)

// stub serves one canned answer for every request.
func stub(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Request-Id", "req_test")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, err error, code, words string) {
		t.Helper()
		if domain.ErrorCode(err) != code {
			t.Fatalf("code = %q (%v), want %q", domain.ErrorCode(err), err, code)
		}
		if msg := domain.ErrorMessage(err); !strings.Contains(msg, words) {
			t.Errorf("message %q does not say %q", msg, words)
		}
		if strings.Contains(domain.ErrorMessage(err), "sk_") {
			t.Errorf("message shows a key: %q", domain.ErrorMessage(err))
		}
	}
	t.Run("ErrWrongKeyStripeMock", func(t *testing.T) {
		_, err := New("sk_test_wrong_key_here", mockURL(t), nil, nil).Account(ctx)
		check(t, err, domain.EUNAUTHORIZED, "did not accept this key")
	})
	t.Run("ErrLiveKeyOnStripeMock", func(t *testing.T) {
		_, err := New("sk_live_123", mockURL(t), nil, nil).Account(ctx)
		check(t, err, domain.EUNAUTHORIZED, "did not accept this key")
	})
	t.Run("ErrUnauthorized", func(t *testing.T) {
		u := stub(t, 401, `{"error":{"message":"Invalid API Key provided: sk_test_****1234","type":"invalid_request_error"}}`)
		_, err := New("sk_test_1234", u, nil, nil).Account(ctx)
		check(t, err, domain.EUNAUTHORIZED, "Developers > API keys")
	})
	t.Run("ErrPermission", func(t *testing.T) {
		u := stub(t, 403, `{"error":{"message":"The provided key 'rk_test_***' does not have the required permissions for this endpoint.","type":"invalid_request_error"}}`)
		_, err := New("rk_test_1234", u, nil, nil).Readers(ctx)
		check(t, err, domain.EPERMISSION, "restricted key")
	})
	t.Run("ErrDeclined", func(t *testing.T) {
		u := stub(t, 402, `{"error":{"message":"Your card has insufficient funds.","type":"card_error","code":"card_declined","decline_code":"insufficient_funds"}}`)
		_, err := New("sk_test_1234", u, nil, nil).CapturePaymentIntent(ctx, "k1", "pi_1", 0)
		check(t, err, domain.EDECLINED, "insufficient funds")
	})
	t.Run("ErrReaderOffline", func(t *testing.T) {
		u := stub(t, 400, `{"error":{"message":"Reader is currently offline","type":"invalid_request_error","code":"terminal_reader_offline"}}`)
		_, err := New("sk_test_1234", u, nil, nil).ProcessPaymentIntent(ctx, "k1", "tmr_1", "pi_1", domain.ProcessConfig{})
		check(t, err, domain.EUNAVAILABLE, "battery is over 10 %")
	})
	t.Run("ErrRateLimit", func(t *testing.T) {
		u := stub(t, 429, `{"error":{"message":"Too many requests","type":"invalid_request_error","code":"rate_limit"}}`)
		c := New("sk_test_1234", u, nil, nil)
		_, err := c.Account(ctx)
		check(t, err, domain.ERATELIMIT, "Wait a minute")
	})
	t.Run("ErrStripeDown", func(t *testing.T) {
		u := stub(t, 500, `{"error":{"message":"An unknown error occurred","type":"api_error"}}`)
		_, err := New("sk_test_1234", u, nil, nil).Account(ctx)
		check(t, err, domain.EUNAVAILABLE, "problem on its side")
	})
	t.Run("ErrNotStripe", func(t *testing.T) {
		u := stub(t, 200, `<html>Welcome to the hotel wifi</html>`)
		_, err := New("sk_test_1234", u, nil, nil).Account(ctx)
		check(t, err, domain.EUNAVAILABLE, "did not come from Stripe")
	})
	t.Run("ErrUnreachable", func(t *testing.T) {
		_, err := New("sk_test_1234", "http://"+closedAddr(t), nil, nil).Account(ctx)
		check(t, err, domain.EUNAVAILABLE, "Could not connect to Stripe")
	})
	t.Run("ErrNoSuchHost", func(t *testing.T) {
		_, err := New("sk_test_1234", "http://api.stripe.invalid", nil, nil).Account(ctx)
		check(t, err, domain.EUNAVAILABLE, "name lookup failed")
	})
	t.Run("ErrProxyRefused", func(t *testing.T) {
		proxy, _ := url.Parse("http://" + closedAddr(t))
		hc := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}, Timeout: 5 * time.Second}
		_, err := New("sk_test_1234", "https://api.stripe.com", hc, nil).Account(ctx)
		check(t, err, domain.EUNAVAILABLE, "proxy")
	})
	t.Run("ErrTLSIntercepted", func(t *testing.T) {
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		defer srv.Close()
		_, err := New("sk_test_1234", srv.URL, nil, nil).Account(ctx)
		check(t, err, domain.EUNAVAILABLE, "certificate")
	})
	t.Run("ErrCanceled", func(t *testing.T) {
		c, cancel := context.WithCancel(ctx)
		cancel()
		_, err := New("sk_test_1234", "http://"+closedAddr(t), nil, nil).Account(c)
		if domain.ErrorCode(err) != domain.ECANCELED {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("SameWordsFromSimulator", func(t *testing.T) {
		sim := NewDemoSimulator(nil)
		rs, _ := sim.Readers(ctx)
		sim.SetReaderOnline(rs[0].ID, false)
		_, err := sim.SetReaderDisplay(ctx, "k", rs[0].ID, domain.ReaderCart{Currency: domain.MustCurrency("EUR"), Lines: []domain.ReaderCartLine{{Description: "x", Quantity: 1, Amount: 1}}})
		check(t, err, domain.EUNAVAILABLE, "battery is over 10 %")
	})
}

func TestDownloadReport(t *testing.T) {
	ctx := context.Background()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user, _, ok := r.BasicAuth(); !ok || user != "sk_test_1234" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte("balance_transaction_id,created_utc\n"))
	}))
	defer srv.Close()
	c := New("sk_test_1234", srv.URL, nil, nil)
	rc, err := c.DownloadReport(ctx, domain.ReportRun{ID: "frr_1", Status: "succeeded", FileURL: srv.URL + "/v1/files/file_1/contents"})
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	_, err = New("sk_test_other", srv.URL, nil, nil).DownloadReport(ctx, domain.ReportRun{FileURL: srv.URL + "/f"})
	if domain.ErrorCode(err) != domain.EUNAUTHORIZED {
		t.Fatalf("wrong key: %v", err)
	}
	if _, err := c.DownloadReport(ctx, domain.ReportRun{Status: "pending"}); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("pending report: %v", err)
	}
}
