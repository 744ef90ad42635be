package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"tally/domain"
)

// WebhookUsage documents `tally webhook`.
const WebhookUsage = `tally webhook [--db PATH] [--listen ADDR] [--poll]
  Runs the webhook listener without the window, for a back-office PC that
  stays on: Stripe's events, POSTed to http://ADDR/webhook, are verified with
  the signing secret and applied to the books of the mode set in Settings.
  ADDR is --listen, else the address set in Settings, else 127.0.0.1:8788.
  The signing secret (whsec_…) is $TALLY_WEBHOOK_SECRET, else the one stored
  under Settings; without one the listener does not start.
  --poll also polls Stripe's Events API every few seconds, as the window does.
  Forward events from Stripe with:  stripe listen --forward-to http://ADDR/webhook
  Ctrl-C stops it.`

// Webhook runs `tally webhook` until ctx ends.
func Webhook(ctx context.Context, svc Services, args []string, stdout io.Writer) error {
	listen, poll := "", false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--help" || a == "-h":
			fmt.Fprintln(stdout, WebhookUsage)
			return nil
		case a == "--listen":
			if i+1 >= len(args) {
				return fmt.Errorf("--listen needs an address, such as %s", domain.DefaultWebhookListen)
			}
			listen = args[i+1]
			i++
		case strings.HasPrefix(a, "--listen="):
			listen = strings.TrimPrefix(a, "--listen=")
		case a == "--poll":
			poll = true
		default:
			return fmt.Errorf("unknown option %s\n\n%s", a, WebhookUsage)
		}
	}
	v, err := svc.Settings.Current(ctx)
	if err != nil {
		return err
	}
	if listen == "" {
		listen = v.WebhookListen
	}
	if listen == "" {
		listen = domain.DefaultWebhookListen
	}
	if err := domain.ValidateListen(listen); err != nil {
		return err
	}
	secret, from := os.Getenv("TALLY_WEBHOOK_SECRET"), "$TALLY_WEBHOOK_SECRET"
	if secret == "" {
		secret, from = "", "Settings"
		if s, err := svc.Settings.Keychain.Get(domain.WebhookSecretName); err == nil {
			secret = s
		}
	}
	if secret == "" {
		return domain.Errorf(domain.EINVALID, "No webhook signing secret: set $TALLY_WEBHOOK_SECRET or enter it under Settings (whsec_…, from the Dashboard's webhook endpoint or from `stripe listen`). Without it the listener would take forged events, so it does not start.")
	}
	st, err := svc.Webhook.Listen(ctx, listen, secret, svc.Books == domain.ModeLive)
	if err != nil {
		return err
	}
	defer svc.Webhook.Stop()
	fmt.Fprintf(stdout, "Listening on http://%s%s for Stripe's events (%s books; signing secret from %s).\n", st.Listening, "/webhook", svc.Books.Badge(), from)
	fmt.Fprintf(stdout, "Forward them with:  stripe listen --forward-to http://%s/webhook\n", st.Listening)
	if poll {
		fmt.Fprintln(stdout, "Polling Stripe's Events API as well.")
		go svc.Events.Run(ctx, nil)
	}
	<-ctx.Done()
	fmt.Fprintln(stdout, "Stopped.")
	return nil
}
