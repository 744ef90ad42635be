package domain

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Error codes. Each tells the UI what kind of trouble it is, and so what the
// person in front of the screen can do about it.
const (
	ECONFLICT     = "conflict"     // the action clashes with the current state (already paid, name taken)
	EINTERNAL     = "internal"     // a bug or an unexpected failure: nothing the user can fix
	EINVALID      = "invalid"      // the input is wrong: fix the field and retry
	ENOTFOUND     = "not_found"    // the thing does not exist (any more)
	EUNAUTHORIZED = "unauthorized" // the key is not accepted
	EPERMISSION   = "permission"   // the key is accepted but may not do this
	EUNAVAILABLE  = "unavailable"  // Stripe or the network cannot be reached now: retry later
	EDECLINED     = "declined"     // the card or bank said no
	ERATELIMIT    = "rate_limit"   // too many requests: wait and retry
	ECANCELED     = "canceled"     // the person or the context cancelled the operation
)

// Error is an error fit to be shown to the user: Message says what happened
// and what to do, in plain language. Err, when set, is the underlying cause
// for the log; it is never shown.
type Error struct {
	Code    string
	Message string
	Err     error
	// Format and Args are Message's English format and its values, so a
	// screen can say the message in the user's language (WrapError's
	// message is its own format, its % doubled); Format is empty when
	// Message was not made by Errorf or WrapError.
	Format string
	Args   []any
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// WrapError returns an *Error with the code and message, keeping err as cause.
func WrapError(code, message string, err error) *Error {
	return &Error{Code: code, Message: message, Err: err, Format: strings.ReplaceAll(message, "%", "%%")}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if errors.Is(err, context.Canceled) {
		return ECANCELED
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of the first *Error in err's
// chain, or a generic message for any other error.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	if errors.Is(err, context.Canceled) {
		return "Cancelled."
	}
	return "Something went wrong inside Tally. Nothing was changed. The details are in the log file; please report them."
}
