// Package ui is Tally's face: Fyne screens that call domain services only.
package ui

import (
	"context"
	"log/slog"

	"fyne.io/fyne/v2"

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
	Register   *domain.RegisterService
	Connection *domain.Connection
	Log        *slog.Logger
	// DataPath is the database file, shown on the settings screen.
	DataPath string
	// Context ends when the app quits: the screens' jobs, the register's
	// polling and its start-up check run under it. newShell sets it.
	Context context.Context
}

// New builds Tally's main window content on win and returns the shell.
func New(app fyne.App, win fyne.Window, svc Services) *Shell {
	s := newShell(app, win, svc, goRunner)
	win.SetContent(s.buildUI())
	s.register.recoverAtStart()
	return s
}

// runner starts background work; tests replace it to run work synchronously.
type runner func(func())

func goRunner(f func()) { go f() }
