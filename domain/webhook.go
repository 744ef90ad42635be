package domain

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
)

// WebhookServer listens for Stripe's webhook events (stripeclient on
// net/http). Serve binds addr at once, verifies each event's signature
// with secret, and hands the good ones to apply until ctx ends; done
// receives the listener's end. An event of the other mode than livemode is
// never applied.
type WebhookServer interface {
	Serve(ctx context.Context, addr, secret string, livemode bool, apply func(context.Context, Event) (bool, error)) (bound string, done <-chan error, err error)
}

// WebhookStatus is what the settings screen says of the listener.
type WebhookStatus struct {
	Enabled   bool
	Listening string // the address, when listening
	Err       string // why it is not listening
}

// WebhookService runs the optional webhook listener: Stripe's events pushed
// to this machine (through a public address, or `stripe listen
// --forward-to`), applied by the same handlers as the poll, which goes on
// anyway. It refuses to start without a signing secret: an unsigned event
// could be anyone's.
type WebhookService struct {
	Settings *SettingsService
	Events   *EventService
	Server   WebhookServer

	mu     sync.Mutex
	cancel context.CancelFunc
	status WebhookStatus
}

// ValidateListen checks a listen address: host:port, port 1 to 65535.
func ValidateListen(addr string) error {
	host, port, err := net.SplitHostPort(strings.TrimSpace(addr))
	if err != nil {
		return fieldErr("listen", Errorf(EINVALID, "%q is not an address to listen on: write host:port, such as %s.", addr, DefaultWebhookListen))
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fieldErr("listen", Errorf(EINVALID, "The port %q is not a number from 1 to 65535 (0: any free port).", port))
	}
	_ = host // empty: every interface
	return nil
}

// Configure switches the listener on or off at addr and applies it now:
// on needs a signing secret stored under Settings.
func (w *WebhookService) Configure(ctx context.Context, enabled bool, addr string) (WebhookStatus, error) {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		addr = DefaultWebhookListen
	}
	if err := ValidateListen(addr); err != nil {
		return w.Status(), err
	}
	if enabled {
		if _, err := w.Settings.Keychain.Get(WebhookSecretName); err != nil {
			return w.Status(), fieldErr("webhook", Errorf(EINVALID, "Enter the webhook signing secret (whsec_…) first: the listener refuses to start without it, since anyone could send it forged events."))
		}
	}
	if err := w.Settings.Store.Update(ctx, func(tx Tx) error { return tx.SaveWebhook(enabled, addr) }); err != nil {
		return w.Status(), err
	}
	return w.Restart(ctx)
}

// Restart stops the listener and starts it again as the settings say.
func (w *WebhookService) Restart(ctx context.Context) (WebhookStatus, error) {
	w.Stop()
	v, err := w.Settings.Current(ctx)
	if err != nil {
		return w.Status(), err
	}
	st := WebhookStatus{Enabled: v.WebhookEnabled}
	if !v.WebhookEnabled {
		w.setStatus(st)
		return st, nil
	}
	addr := v.WebhookListen
	if addr == "" {
		addr = DefaultWebhookListen
	}
	secret, err := w.Settings.Keychain.Get(WebhookSecretName)
	if err != nil {
		st.Err = "No signing secret is stored: the listener stays off."
		w.setStatus(st)
		return st, Errorf(EINVALID, "%s", st.Err)
	}
	return w.Listen(ctx, addr, secret, v.Mode == ModeLive)
}

// Listen starts the listener at addr with secret, whatever the settings
// say (the `tally webhook` command).
func (w *WebhookService) Listen(ctx context.Context, addr, secret string, livemode bool) (WebhookStatus, error) {
	w.Stop()
	st := WebhookStatus{Enabled: true}
	if err := CheckWebhookSecret(secret); err != nil {
		st.Err = ErrorMessage(err)
		w.setStatus(st)
		return st, err
	}
	lctx, cancel := context.WithCancel(ctx)
	bound, done, err := w.Server.Serve(lctx, addr, secret, livemode, func(c context.Context, ev Event) (bool, error) {
		return w.Events.Apply(c, ev, FromWebhook)
	})
	if err != nil {
		cancel()
		st.Err = ErrorMessage(err)
		w.setStatus(st)
		return st, err
	}
	st.Listening = bound
	w.mu.Lock()
	w.cancel, w.status = cancel, st
	w.mu.Unlock()
	go func() {
		if err := <-done; err != nil {
			w.setStatus(WebhookStatus{Enabled: true, Err: fmt.Sprintf("The listener stopped: %v", err)})
		}
	}()
	return st, nil
}

// Stop stops the listener, if it runs.
func (w *WebhookService) Stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cancel != nil {
		w.cancel()
		w.cancel = nil
	}
	w.status.Listening = ""
}

// Status says whether the listener runs, and where.
func (w *WebhookService) Status() WebhookStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.status
}

func (w *WebhookService) setStatus(st WebhookStatus) {
	w.mu.Lock()
	w.status = st
	w.mu.Unlock()
}
