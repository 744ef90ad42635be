package stripeclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/url"
	"strings"

	"github.com/stripe/stripe-go/v79"

	"tally/domain"
)

func asStripeError(err error) (*stripe.Error, bool) {
	var se *stripe.Error
	ok := errors.As(err, &se)
	return se, ok
}

// mapError turns what stripe-go returned into a domain error whose message
// says, in plain language, what happened and what to do.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	if se, ok := asStripeError(err); ok {
		return fromStripeError(se)
	}
	return fromTransportError(err)
}

func fromStripeError(se *stripe.Error) error {
	code, decline := string(se.Code), string(se.DeclineCode)
	switch {
	case se.HTTPStatusCode == 401:
		return domain.WrapError(domain.EUNAUTHORIZED, "Stripe did not accept this key: it is wrong, was rolled, or was deleted. Copy the current key from the Stripe Dashboard (Developers > API keys).", se)
	case se.HTTPStatusCode == 403:
		return domain.WrapError(domain.EPERMISSION, "This key is not allowed to do that. If it is a restricted key (rk_…), give it the permission in the Stripe Dashboard (Developers > API keys > edit the key), or use the secret key. Stripe said: "+se.Msg, se)
	case se.HTTPStatusCode == 429 || code == string(stripe.ErrorCodeRateLimit):
		return domain.WrapError(domain.ERATELIMIT, "Stripe is receiving too many requests from this account. Wait a minute and try again.", se)
	case se.Type == stripe.ErrorTypeCard:
		return domain.WrapError(domain.EDECLINED, declineMessage(code, decline), se)
	case se.Type == stripe.ErrorTypeIdempotency:
		return domain.WrapError(domain.ECONFLICT, "Stripe saw this request before with different details. Nothing was charged twice; start the payment again.", se)
	case se.HTTPStatusCode == 404 || code == string(stripe.ErrorCodeResourceMissing):
		return domain.WrapError(domain.ENOTFOUND, "Stripe does not know this object (it may belong to the other mode, test or live, or to another account). Stripe said: "+se.Msg, se)
	case code == string(stripe.ErrorCodePaymentIntentUnexpectedState) || strings.Contains(se.Msg, "no longer open"):
		return domain.WrapError(domain.ECONFLICT, "The payment has moved on at Stripe and cannot do that now. Stripe said: "+se.Msg, se)
	case code == "terminal_reader_offline":
		return domain.WrapError(domain.EUNAVAILABLE, "The card reader is offline. Check that it is powered, its battery is over 10 %, and it is on a secured network that reaches Stripe.", se)
	case code == "terminal_reader_busy":
		return domain.WrapError(domain.ECONFLICT, "The card reader is busy with another action. Wait for it to finish, or cancel that action on the reader, then try again.", se)
	case code == "terminal_reader_timeout":
		return domain.WrapError(domain.EUNAVAILABLE, "The card reader did not answer in time. Check its network connection and try again.", se)
	case code == string(stripe.ErrorCodeAmountTooLarge):
		return domain.WrapError(domain.EINVALID, "The amount is more than Stripe takes in one payment ("+strings.TrimPrefix(se.Msg, "Amount must be no more than ")+"): take it in two or more payments.", se)
	case code == "terminal_location_country_unsupported":
		return domain.WrapError(domain.EINVALID, "Stripe Terminal is not available in the location's country. Choose a location in a supported country.", se)
	case strings.Contains(se.Msg, "registration code"):
		return domain.WrapError(domain.EINVALID, "The registration code is not valid or was already used. On the reader, open the settings, choose \"Generate pairing code\", and type the new code.", se)
	case se.HTTPStatusCode >= 500 || se.Type == stripe.ErrorTypeAPI:
		return domain.WrapError(domain.EUNAVAILABLE, "Stripe had a problem on its side. Nothing was lost; try again in a moment (status.stripe.com shows incidents).", se)
	case se.Type == stripe.ErrorTypeInvalidRequest:
		msg := "Stripe refused the request: " + se.Msg
		if se.Param != "" {
			msg += " (field: " + se.Param + ")"
		}
		return domain.WrapError(domain.EINVALID, msg, se)
	}
	return domain.WrapError(domain.EINTERNAL, "Stripe answered with an error Tally does not know: "+se.Msg, se)
}

// declineMessage says why a card was declined and what the cashier can do.
func declineMessage(code, decline string) string {
	switch decline {
	case "insufficient_funds":
		return "Declined: insufficient funds. Ask the customer for another card or another way to pay."
	case "lost_card", "stolen_card", "pickup_card", "fraudulent", "merchant_blacklist", "blocked":
		return "Declined by the card's bank. Ask the customer for another card; do not retry this one."
	case "expired_card":
		return "Declined: the card has expired. Ask the customer for another card."
	case "call_issuer":
		return "Declined: the bank asks the cardholder to call it. Ask the customer for another card or another way to pay."
	case "incorrect_pin", "invalid_pin", "pin_try_exceeded", "offline_pin_required", "online_or_offline_pin_required":
		return "Declined: PIN problem. Ask the customer to try again and enter the PIN, or use another card."
	case "authentication_required":
		return "Declined: the bank requires the customer to authenticate. Ask the customer to insert the card and enter the PIN, or use another card."
	}
	switch code {
	case "expired_card":
		return "Declined: the card has expired. Ask the customer for another card."
	case "incorrect_cvc", "incorrect_number", "invalid_number", "invalid_expiry_month", "invalid_expiry_year":
		return "Declined: the card details are wrong. Ask the customer to try again or use another card."
	case "authentication_required":
		return "Declined: the bank requires the customer to authenticate. Ask the customer to insert the card and enter the PIN, or use another card."
	case "processing_error":
		return "The card could not be processed. Try again; if it fails again, use another card."
	}
	return "Declined by the card's bank. Ask the customer for another card or another way to pay."
}

// fromTransportError explains failures below Stripe: no network, a proxy, TLS.
func fromTransportError(err error) error {
	if errors.Is(err, context.Canceled) {
		return domain.WrapError(domain.ECANCELED, "Cancelled.", err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return domain.WrapError(domain.EUNAVAILABLE, "Stripe did not answer in time. Check the internet connection and try again; nothing will be charged twice.", err)
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Timeout() {
		return domain.WrapError(domain.EUNAVAILABLE, "Stripe did not answer in time. Check the internet connection and try again; nothing will be charged twice.", err)
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recordErr tls.RecordHeaderError
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return domain.WrapError(domain.EUNAVAILABLE, "The secure connection to Stripe failed: the certificate was not Stripe's. A firewall, proxy or antivirus may be inspecting HTTPS traffic; allow api.stripe.com, or check the computer's date and time.", err)
	case errors.As(err, &recordErr):
		return domain.WrapError(domain.EUNAVAILABLE, "The secure connection to Stripe failed: something on the network answered without TLS. Check the proxy settings and the API address.", err)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return domain.WrapError(domain.EUNAVAILABLE, "Could not find Stripe on the network (name lookup failed). Check that this computer is connected to the internet.", err)
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		if opErr.Op == "proxyconnect" {
			return domain.WrapError(domain.EUNAVAILABLE, "The proxy server refused the connection to Stripe. Check the proxy settings (HTTPS_PROXY) or ask whoever runs the network to allow api.stripe.com.", err)
		}
		return domain.WrapError(domain.EUNAVAILABLE, "Could not connect to Stripe. Check that this computer is connected to the internet, then try again.", err)
	}
	if ue != nil && strings.Contains(ue.Error(), "proxy") {
		return domain.WrapError(domain.EUNAVAILABLE, "The proxy server refused the connection to Stripe. Check the proxy settings or ask whoever runs the network to allow api.stripe.com.", err)
	}
	if ue != nil {
		return domain.WrapError(domain.EUNAVAILABLE, "Could not connect to Stripe. Check that this computer is connected to the internet, then try again.", err)
	}
	// A body that is not Stripe's JSON: a captive portal, a proxy page.
	return domain.WrapError(domain.EUNAVAILABLE, "The answer did not come from Stripe (a proxy, captive portal or firewall may be in the way). Check the network and the API address.", err)
}
