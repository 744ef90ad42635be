package storage

import (
	"testing"

	"tally/domain"
)

// TestWindowsCredentialManager: on Windows the shop's Stripe key goes to
// the Credential Manager (run by .ci/run under Wine, whose advapi32 keeps
// credentials as Windows does): stored, read back, replaced, removed.
func TestWindowsCredentialManager(t *testing.T) {
	k := NewKeychain(t.TempDir()+`\secrets.json`, false)
	if _, ok := k.(OSKeychain); !ok {
		t.Fatalf("the keychain on Windows is %T, not the Credential Manager", k)
	}
	const name = "tally-test-credential"
	k.Delete(name)
	if _, err := k.Get(name); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("Get before Set: %v", err)
	}
	for _, v := range []string{"sk_test_first", "sk_test_second_ünïcödé"} {
		if err := k.Set(name, v); err != nil {
			t.Fatal(err)
		}
		if got, err := k.Get(name); err != nil || got != v {
			t.Fatalf("Get = %q, %v; want %q", got, err, v)
		}
	}
	if err := k.Delete(name); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get(name); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("after Delete: %v", err)
	}
	if where, os := k.Where(); !os || where == "" {
		t.Errorf("Where = %q, %v", where, os)
	}
}
