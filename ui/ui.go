// Package ui is Tally's face: Fyne screens that call domain services only.
package ui

import (
	"log/slog"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"tally/domain"
)

// Services are the domain services the screens use.
type Services struct {
	Settings   *domain.SettingsService
	Readers    *domain.ReaderService
	Methods    *domain.PaymentMethodService
	Import     *domain.ImportService
	Reconcile  *domain.ReconcileService
	Rules      *domain.RuleService
	Fetch      *domain.FetchService
	Connection *domain.Connection
	Log        *slog.Logger
	// DataPath is the database file, shown on the settings screen.
	DataPath string
}

// New builds Tally's main window content on win and returns the shell.
func New(app fyne.App, win fyne.Window, svc Services) *Shell {
	s := newShell(app, win, svc, goRunner)
	win.SetContent(s.buildUI())
	return s
}

// runner starts background work; tests replace it to run work synchronously.
type runner func(func())

func goRunner(f func()) { go f() }

// showError logs err and shows its user-facing message in a dialog. It must
// run on the Fyne goroutine.
func showError(win fyne.Window, log *slog.Logger, what string, err error) {
	log.Error(what, "err", err, "code", domain.ErrorCode(err))
	d := dialog.NewError(errorForUser{err}, win)
	d.Show()
}

// errorForUser shows only the user-facing message of an error.
type errorForUser struct{ err error }

func (e errorForUser) Error() string { return domain.ErrorMessage(e.err) }
