package storage

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// secretPattern matches Stripe secrets: secret, restricted and webhook keys.
// Publishable keys are public and stay readable.
var secretPattern = regexp.MustCompile(`\b(sk|rk)_(test|live)_[0-9A-Za-z]+|\bwhsec_[0-9A-Za-z]+`)

// Redact replaces every Stripe secret in s by its kind and last four characters.
func Redact(s string) string {
	return secretPattern.ReplaceAllStringFunc(s, func(k string) string {
		prefix := k[:strings.IndexByte(k[3:], '_')+4] // "sk_test_", "rk_live_", "whsec_"
		if len(k) < len(prefix)+8 {
			return prefix + "[redacted]"
		}
		return prefix + "[redacted]" + k[len(k)-4:]
	})
}

// redactHandler scrubs secrets from the message and every string attribute.
type redactHandler struct{ slog.Handler }

func (h redactHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Redact(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.Handler.Handle(ctx, out)
}

func (h redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = redactAttr(a)
	}
	return redactHandler{h.Handler.WithAttrs(clean)}
}

func (h redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{h.Handler.WithGroup(name)}
}

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, Redact(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, x := range g {
			clean[i] = redactAttr(x)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, Redact(err.Error()))
		}
		return slog.String(a.Key, Redact(fmt.Sprint(v.Any())))
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// NewLogger returns a logger writing text records to w with secrets redacted.
func NewLogger(w io.Writer) *slog.Logger {
	return slog.New(redactHandler{slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo})})
}

// OpenLog opens (appending) the log file tally.log beside the database.
func OpenLog(dbPath string) (*slog.Logger, io.Closer, error) {
	p := filepath.Join(filepath.Dir(dbPath), "tally.log")
	f, err := os.OpenFile(p, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open log %s: %w", p, err)
	}
	return NewLogger(f), f, nil
}
