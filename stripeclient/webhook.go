package stripeclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	stripe "github.com/stripe/stripe-go/v79"
	"github.com/stripe/stripe-go/v79/webhook"

	"tally/domain"
)

// WebhookPath is where the listener takes Stripe's events.
const WebhookPath = "/webhook"

// maxWebhookBody bounds an event's body: Stripe's are a few kilobytes.
const maxWebhookBody = 1 << 20

// WebhookHandler verifies and applies Stripe's webhook events.
//
// The signature is checked by stripe-go's webhook package with Stripe's
// 5-minute tolerance; a timestamp more than 5 minutes ahead is refused too
// (the package checks only the past). The API-version check is switched off
// on purpose: an endpoint (or `stripe listen`) renders events in the
// account's API version, which is usually not stripe-go v79's 2024-06-20.
// Refusing them would make Stripe retry every event for three days and
// then disable the endpoint. Tally reads only fields that are stable
// across versions (ids, status, amounts, currency, metadata), decoded
// leniently; the version is logged once when it differs, so a field that
// moves shows up in the log rather than as a lost payment. The poller
// reads events in the library's own version, so both paths meet.
type WebhookHandler struct {
	Secret string
	// Livemode is the mode of the books events are applied to: an event of
	// the other mode is answered 200 and ignored, never applied.
	Livemode bool
	Apply    func(ctx context.Context, ev domain.Event) (bool, error)
	Log      *slog.Logger
	Now      func() time.Time

	warned sync.Map // API versions already logged
}

func (h *WebhookHandler) log() *slog.Logger {
	if h.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Log
}

func (h *WebhookHandler) now() time.Time {
	if h.Now == nil {
		return time.Now()
	}
	return h.Now()
}

// ServeHTTP implements http.Handler: 400 for anything not correctly
// signed and well formed, 500 when the event could not be stored (Stripe
// retries), 200 otherwise: applied, already applied, or not handled.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "Stripe's events are POSTed here.", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
	if err != nil || len(body) > maxWebhookBody {
		h.refuse(w, r, "body unreadable or too large")
		return
	}
	sig := r.Header.Get("Stripe-Signature")
	if sig == "" {
		h.refuse(w, r, "no Stripe-Signature header")
		return
	}
	if ts, ok := signatureTime(sig); ok && ts.After(h.now().Add(webhook.DefaultTolerance)) {
		h.refuse(w, r, "signature timestamp in the future")
		return
	}
	ev, err := webhook.ConstructEventWithOptions(body, sig, h.Secret, webhook.ConstructEventOptions{
		Tolerance: webhook.DefaultTolerance, IgnoreAPIVersionMismatch: true})
	if err != nil {
		h.refuse(w, r, err.Error())
		return
	}
	if ev.ID == "" || ev.Type == "" || ev.Data == nil || ev.Data.Raw == nil {
		h.refuse(w, r, "not an event")
		return
	}
	if ev.APIVersion != "" && ev.APIVersion != stripe.APIVersion {
		if _, seen := h.warned.LoadOrStore(ev.APIVersion, true); !seen {
			h.log().Info("webhook events arrive in another API version than stripe-go's; Tally reads only stable fields",
				"event_version", ev.APIVersion, "library_version", stripe.APIVersion)
		}
	}
	if ev.Livemode != h.Livemode {
		h.log().Warn("webhook event of the other mode ignored", "event", ev.ID, "livemode", ev.Livemode)
		writeJSON(w, http.StatusOK, map[string]any{"received": true, "ignored": "other mode"})
		return
	}
	changed, err := h.Apply(r.Context(), toEvent(&ev))
	if err != nil {
		h.log().Error("webhook event not applied; Stripe will send it again", "event", ev.ID, "type", ev.Type, "err", err)
		http.Error(w, "not stored; send again later", http.StatusInternalServerError)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"received": true, "applied": changed})
}

func (h *WebhookHandler) refuse(w http.ResponseWriter, r *http.Request, why string) {
	h.log().Warn("webhook request refused", "from", r.RemoteAddr, "why", why)
	http.Error(w, "refused: "+why, http.StatusBadRequest)
}

// signatureTime reads t= of a Stripe-Signature header.
func signatureTime(header string) (time.Time, bool) {
	for _, part := range strings.Split(header, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "t="); ok {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				return time.Unix(n, 0), true
			}
		}
	}
	return time.Time{}, false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// WebhookServer implements domain.WebhookServer on net/http.
type WebhookServer struct {
	Log *slog.Logger
}

// Serve implements domain.WebhookServer: it binds addr at once (an address
// in use is an error now, not later) and serves until ctx ends.
func (s WebhookServer) Serve(ctx context.Context, addr, secret string, livemode bool, apply func(context.Context, domain.Event) (bool, error)) (string, <-chan error, error) {
	if secret == "" {
		return "", nil, domain.Errorf(domain.EINVALID, "The webhook listener needs the signing secret (whsec_…): without it anyone could send forged events. Enter it under Settings.")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, domain.WrapError(domain.EINVALID, fmt.Sprintf("Cannot listen on %s: %s. Choose another address or port under Settings.", addr, errText(err)), err)
	}
	mux := http.NewServeMux()
	mux.Handle(WebhookPath, &WebhookHandler{Secret: secret, Livemode: livemode, Apply: apply, Log: s.Log})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	done := make(chan error, 1)
	go func() {
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		done <- err
	}()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	return ln.Addr().String(), done, nil
}

func errText(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	return err.Error()
}
