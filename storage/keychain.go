package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/zalando/go-keyring"

	"tally/domain"
)

// keyringService is the service name under which secrets appear in the
// operating system's keychain (Keychain Access, Credential Manager, Secret
// Service).
const keyringService = "Tally (Stripe back office)"

// OSKeychain stores secrets in the operating system's keychain through
// go-keyring: macOS Keychain, Windows Credential Manager, the Secret Service
// on Linux.
type OSKeychain struct{}

// Get implements domain.Keychain.
func (OSKeychain) Get(name string) (string, error) {
	s, err := keyring.Get(keyringService, name)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", domain.Errorf(domain.ENOTFOUND, "no %s is stored", name)
	} else if err != nil {
		return "", domain.WrapError(domain.EUNAVAILABLE, "The system keychain could not be read. Unlock it and try again.", err)
	}
	return s, nil
}

// Set implements domain.Keychain.
func (OSKeychain) Set(name, secret string) error {
	if err := keyring.Set(keyringService, name, secret); err != nil {
		return domain.WrapError(domain.EUNAVAILABLE, "The system keychain refused to store the key. Unlock it and try again.", err)
	}
	return nil
}

// Delete implements domain.Keychain.
func (OSKeychain) Delete(name string) error {
	if err := keyring.Delete(keyringService, name); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return domain.WrapError(domain.EUNAVAILABLE, "The system keychain refused to remove the key.", err)
	}
	return nil
}

// Where implements domain.Keychain.
func (OSKeychain) Where() (string, bool) {
	switch runtime.GOOS {
	case "darwin":
		return "in the macOS Keychain", true
	case "windows":
		return "in Windows Credential Manager", true
	default:
		return "in the system keychain (Secret Service)", true
	}
}

// FileKeychain stores secrets in a JSON file readable only by its owner
// (mode 0600), for systems without a keychain such as a headless Linux.
type FileKeychain struct {
	Path   string
	Reason string // why the OS keychain is not used, shown on the settings screen
	mu     sync.Mutex
}

func (f *FileKeychain) load() (map[string]string, error) {
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	} else if err != nil {
		return nil, domain.WrapError(domain.EUNAVAILABLE, "The secrets file "+f.Path+" could not be read: check its permissions.", err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, domain.WrapError(domain.EINTERNAL, "The secrets file "+f.Path+" is damaged: delete it and enter the keys again.", err)
	}
	return m, nil
}

func (f *FileKeychain) save(m map[string]string) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode secrets: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o700); err != nil {
		return fmt.Errorf("create secrets folder: %w", err)
	}
	tmp := f.Path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return domain.WrapError(domain.EUNAVAILABLE, "The key could not be written to "+f.Path+".", err)
	}
	if err := os.Rename(tmp, f.Path); err != nil {
		return domain.WrapError(domain.EUNAVAILABLE, "The key could not be written to "+f.Path+".", err)
	}
	return nil
}

// Get implements domain.Keychain.
func (f *FileKeychain) Get(name string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return "", err
	}
	s, ok := m[name]
	if !ok {
		return "", domain.Errorf(domain.ENOTFOUND, "no %s is stored", name)
	}
	return s, nil
}

// Set implements domain.Keychain.
func (f *FileKeychain) Set(name, secret string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return err
	}
	m[name] = secret
	return f.save(m)
}

// Delete implements domain.Keychain.
func (f *FileKeychain) Delete(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return err
	}
	delete(m, name)
	return f.save(m)
}

// Where implements domain.Keychain.
func (f *FileKeychain) Where() (string, bool) {
	where := "in " + f.Path + ", readable only by your user account"
	if f.Reason != "" {
		where += " (" + f.Reason + ")"
	}
	return where, false
}

// NewKeychain returns the operating system's keychain when it answers within
// a few seconds, and otherwise a FileKeychain at fallbackPath that says why.
// forceFile (TALLY_KEYCHAIN=file) skips the OS keychain.
func NewKeychain(fallbackPath string, forceFile bool) domain.Keychain {
	if forceFile {
		return &FileKeychain{Path: fallbackPath, Reason: "TALLY_KEYCHAIN=file"}
	}
	probe := make(chan error, 1)
	go func() {
		_, err := keyring.Get(keyringService, "probe")
		probe <- err
	}()
	select {
	case err := <-probe:
		if err == nil || errors.Is(err, keyring.ErrNotFound) {
			return OSKeychain{}
		}
		return &FileKeychain{Path: fallbackPath, Reason: "no system keychain is available on this computer"}
	case <-time.After(3 * time.Second):
		return &FileKeychain{Path: fallbackPath, Reason: "the system keychain did not answer"}
	}
}
