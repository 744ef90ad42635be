package domain

import (
	"math"
	"testing"
)

func TestCurrencyOf(t *testing.T) {
	tests := []struct {
		code string
		exp  int
		step int64
	}{
		{"usd", 2, 1}, {"EUR", 2, 1}, {"jpy", 0, 1}, {"KRW", 0, 1}, {"ugx", 0, 1},
		{"kwd", 3, 10}, {"BHD", 3, 10}, {"tnd", 3, 10}, {"isk", 2, 100}, {"huf", 2, 1}, {"hkd", 2, 1},
	}
	for _, tt := range tests {
		c, err := CurrencyOf(tt.code)
		if err != nil {
			t.Fatalf("CurrencyOf(%q): %v", tt.code, err)
		}
		if c.Exponent() != tt.exp || c.Step() != tt.step {
			t.Errorf("CurrencyOf(%q) = exp %d step %d, want %d %d", tt.code, c.Exponent(), c.Step(), tt.exp, tt.step)
		}
	}
	for _, bad := range []string{"", "us", "usdd", "u5d", "€ur"} {
		if _, err := CurrencyOf(bad); ErrorCode(err) != EINVALID {
			t.Errorf("CurrencyOf(%q) err = %v, want EINVALID", bad, err)
		}
	}
}

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in   string
		exp  int
		want int64
	}{
		{"12.34", 2, 1234},
		{"-0.5", 2, -50},
		{"1234", 2, 123400},
		{"0,25", 2, 25},
		{"1,20", 2, 120},
		{" 7.14 ", 2, 714},
		{"40", 2, 4000},
		{"0", 2, 0},
		{"-0", 2, 0},
		{"+3.1", 2, 310},
		{".5", 2, 50},
		{"5.", 2, 500},
		{"12.340", 2, 1234},
		{"1,234.56", 2, 123456},
		{"1.234,56", 2, 123456},
		{"1 234,56", 2, 123456},
		{"1,234,567", 2, 123456700},
		{"(12.34)", 2, -1234},
		{"500", 0, 500},
		{"5.124", 3, 5124},
		{"5,124", 3, 5124},
		{"-8356.57", 2, -835657},
		{"92233720368547758.07", 2, math.MaxInt64},
		{"-92233720368547758.08", 2, math.MinInt64},
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.in, tt.exp)
		if err != nil {
			t.Errorf("ParseAmount(%q, %d): %v", tt.in, tt.exp, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseAmount(%q, %d) = %d, want %d", tt.in, tt.exp, got, tt.want)
		}
	}
}

func TestParseAmountErrors(t *testing.T) {
	tests := []struct {
		in  string
		exp int
	}{
		{"", 2}, {"-", 2}, {"abc", 2}, {"1e3", 2}, {"12.345", 2}, {"1.5", 0}, {"1,234", 2},
		{"1..2", 2}, {"1,2,3", 2}, {"--1", 2}, {"92233720368547758.08", 2}, {"-92233720368547758.09", 2},
		{"99999999999999999999999", 0}, {"12,34.56", 2}, {"NaN", 2}, {"Inf", 2}, {"0x10", 2}, {".", 2}, {"()", 2},
	}
	for _, tt := range tests {
		if got, err := ParseAmount(tt.in, tt.exp); ErrorCode(err) != EINVALID {
			t.Errorf("ParseAmount(%q, %d) = %d, %v; want EINVALID", tt.in, tt.exp, got, err)
		}
	}
}

func TestFormatAmount(t *testing.T) {
	tests := []struct {
		amount int64
		exp    int
		want   string
	}{
		{1234, 2, "12.34"}, {-50, 2, "-0.50"}, {5, 2, "0.05"}, {0, 2, "0.00"}, {500, 0, "500"},
		{5120, 3, "5.120"}, {-1, 3, "-0.001"}, {math.MinInt64, 2, "-92233720368547758.08"},
		{math.MaxInt64, 0, "9223372036854775807"},
	}
	for _, tt := range tests {
		if got := FormatAmount(tt.amount, tt.exp); got != tt.want {
			t.Errorf("FormatAmount(%d, %d) = %q, want %q", tt.amount, tt.exp, got, tt.want)
		}
	}
}

func TestMoneyArithmetic(t *testing.T) {
	eur, usd := MustCurrency("EUR"), MustCurrency("USD")
	s, err := New(1050, eur).Add(New(-50, eur))
	if err != nil || s != New(1000, eur) {
		t.Fatalf("Add = %v, %v", s, err)
	}
	if _, err := New(1, eur).Add(New(1, usd)); ErrorCode(err) != EINVALID {
		t.Errorf("Add across currencies: err = %v", err)
	}
	if _, err := New(math.MaxInt64, eur).Add(New(1, eur)); ErrorCode(err) != EINVALID {
		t.Errorf("Add overflow: err = %v", err)
	}
	if _, err := New(math.MinInt64, eur).Neg(); ErrorCode(err) != EINVALID {
		t.Errorf("Neg(MinInt64): err = %v", err)
	}
	if got := New(-1234, eur).String(); got != "-12.34 EUR" {
		t.Errorf("String = %q", got)
	}
}

func TestValidateCharge(t *testing.T) {
	ok := []Money{New(100, MustCurrency("EUR")), New(5120, MustCurrency("KWD")), New(500, MustCurrency("JPY")), New(4000, MustCurrency("ISK"))}
	for _, m := range ok {
		if err := m.ValidateCharge(); err != nil {
			t.Errorf("ValidateCharge(%v): %v", m, err)
		}
	}
	bad := []Money{New(0, MustCurrency("EUR")), New(-1, MustCurrency("EUR")), New(5124, MustCurrency("KWD")), New(4010, MustCurrency("ISK")), {Amount: 5}}
	for _, m := range bad {
		if err := m.ValidateCharge(); ErrorCode(err) != EINVALID {
			t.Errorf("ValidateCharge(%v) = %v, want EINVALID", m, err)
		}
	}
}

// FuzzParseAmount checks that whatever parses formats back to the same value,
// and that parsing never panics.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"12.34", "-0.5", "1234", "0,25", "1,234.56", "1.234,56", "(1.00)", "92233720368547758.07", "5.120"} {
		f.Add(s, uint8(2))
	}
	f.Add("5.124", uint8(3))
	f.Add("500", uint8(0))
	f.Fuzz(func(t *testing.T, s string, e uint8) {
		exp := int(e % 4)
		v, err := ParseAmount(s, exp)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("ParseAmount(%q) error code %q", s, ErrorCode(err))
			}
			return
		}
		text := FormatAmount(v, exp)
		back, err := ParseAmount(text, exp)
		if err != nil || back != v {
			t.Fatalf("ParseAmount(%q) = %d; FormatAmount = %q; parse again = %d, %v", s, v, text, back, err)
		}
	})
}

// FuzzFormatAmount checks format ∘ parse is the identity on every int64.
func FuzzFormatAmount(f *testing.F) {
	f.Add(int64(0), uint8(2))
	f.Add(int64(math.MinInt64), uint8(2))
	f.Add(int64(math.MaxInt64), uint8(3))
	f.Fuzz(func(t *testing.T, v int64, e uint8) {
		exp := int(e % 4)
		back, err := ParseAmount(FormatAmount(v, exp), exp)
		if err != nil || back != v {
			t.Fatalf("round trip of %d (exp %d) = %d, %v", v, exp, back, err)
		}
	})
}
