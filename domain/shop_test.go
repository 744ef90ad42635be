package domain_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"tally/domain"
	"tally/storage"
)

// The set-up shows until it is finished or skipped, and never again after;
// a restart on the same file remembers it.
func TestShopSetUpOnceAndKept(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newSettingsService(t)
	if !s.NeedsSetup(ctx) {
		t.Fatal("a new shop should be asked to set up")
	}
	bad := []struct {
		shop  domain.Shop
		field string
		words string
	}{
		{domain.Shop{Country: "DE", Currency: domain.MustCurrency("EUR"), TimeZone: "Europe/Berlin"}, "shop_name", "Give the shop's name"},
		{domain.Shop{Name: "Corner", Country: "XX", Currency: domain.MustCurrency("EUR"), TimeZone: "Europe/Berlin"}, "country", "Choose the country"},
		{domain.Shop{Name: "Corner", Country: "DE", TimeZone: "Europe/Berlin"}, "currency", "Choose the currency"},
		{domain.Shop{Name: "Corner", Country: "DE", Currency: domain.MustCurrency("EUR"), TimeZone: "Mars/Olympus"}, "time_zone", "not a time zone Tally knows"},
		{domain.Shop{Name: "Corner", Country: "DE", Currency: domain.MustCurrency("EUR")}, "time_zone", "Choose the shop's time zone"},
		{domain.Shop{Name: strings.Repeat("x", 81), Country: "DE", Currency: domain.MustCurrency("EUR"), TimeZone: "Europe/Berlin"}, "shop_name", "80 characters"},
	}
	for _, b := range bad {
		_, err := s.SaveShop(ctx, b.shop)
		fe, ok := err.(*domain.FieldError)
		if !ok || fe.Field != b.field || !strings.Contains(domain.ErrorMessage(err), b.words) {
			t.Errorf("SaveShop(%+v) = %v; want field %q, %q", b.shop, err, b.field, b.words)
		}
	}
	if !s.NeedsSetup(ctx) {
		t.Fatal("a refused shop must not count as set up")
	}
	saved, err := s.SaveShop(ctx, domain.Shop{Name: "  Corner Deli ", Country: "de", Currency: domain.MustCurrency("EUR"), TimeZone: "Europe/Berlin"})
	if err != nil {
		t.Fatal(err)
	}
	if saved.Name != "Corner Deli" || saved.Country != "DE" {
		t.Fatalf("saved %+v", saved)
	}
	// The set-up's first step saved; a crash before its end asks again.
	if !s.NeedsSetup(ctx) {
		t.Fatal("the set-up is done only when finished or skipped")
	}
	if err := s.FinishSetup(ctx); err != nil || s.NeedsSetup(ctx) {
		t.Fatalf("finished: %v", err)
	}
	saved, _ = s.Shop(ctx)
	// Changing it later keeps the set-up time.
	again, err := s.SaveShop(ctx, domain.Shop{Name: "Corner Deli & Café", Country: "AT", Currency: domain.MustCurrency("EUR"), TimeZone: "Europe/Vienna"})
	if err != nil || !again.SetUpAt.Equal(saved.SetUpAt) {
		t.Fatalf("changed: %+v %v", again, err)
	}
	got, err := s.Shop(ctx)
	if err != nil || got.Name != "Corner Deli & Café" || got.Country != "AT" || got.TimeZone != "Europe/Vienna" || got.Currency.Code() != "EUR" {
		t.Fatalf("read back %+v %v", got, err)
	}
}

// Skipping the set-up keeps it from showing again, across a restart.
func TestShopSetUpSkipped(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tally.db")
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s := &domain.SettingsService{Store: db, Clock: domain.SystemClock{}}
	if err := s.FinishSetup(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s.Store = db
	if s.NeedsSetup(ctx) {
		t.Fatal("a skipped set-up showed again after a restart")
	}
	sh, _ := s.Shop(ctx)
	if sh.Name != "" || sh.SetUpAt.IsZero() {
		t.Fatalf("skipped: %+v", sh)
	}
}

// Every country offered has a currency and a time zone Tally knows.
func TestCountriesAreWhole(t *testing.T) {
	for _, c := range domain.Countries {
		if _, err := domain.CurrencyOf(c.Currency); err != nil {
			t.Errorf("%s: %v", c.Code, err)
		}
		if _, err := domain.LoadTimeZone(c.TimeZone); err != nil {
			t.Errorf("%s: %v", c.Code, err)
		}
	}
}
