// Package ui is Tally's face: Fyne screens that call domain services only.
package ui

import (
	"context"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"

	"tally/domain"
)

// Services are the domain services the screens use.
type Services struct {
	Settings  *domain.SettingsService
	Readers   *domain.ReaderService
	Methods   *domain.PaymentMethodService
	Import    *domain.ImportService
	Reconcile *domain.ReconcileService
	Rules     *domain.RuleService
	Fetch     *domain.FetchService
	Register  *domain.RegisterService
	Events    *domain.EventService
	Payments  *domain.PaymentsService
	Invoices  *domain.InvoiceService
	Access    *domain.AccessService
	Webhook   *domain.WebhookService
	Doctor    *domain.DoctorService
	// TSE chooses and describes the till's TSE (nil: this build has none).
	TSE        *domain.TSEService
	Connection *domain.Connection
	Log        *slog.Logger
	// DataPath is the database file, shown on the settings screen.
	DataPath string
	// Version is the program's version (FyneApp.toml's), shown on the
	// diagnostics screen and in the help.
	Version string
	// Context ends when the app quits: the screens' jobs, the register's
	// polling and its start-up check run under it. newShell sets it.
	Context context.Context
}

// New builds Tally's main window content on win and returns the shell.
func New(app fyne.App, win fyne.Window, svc Services) *Shell {
	applyLook(app)
	s := newShell(app, win, svc, goRunner)
	start := func() {
		win.SetContent(s.buildUI())
		s.register.recoverAtStart()
		s.startBackground()
	}
	// A first start shows the set-up; the shell opens when it is
	// finished or skipped.
	if svc.Settings.NeedsSetup(s.svc.Context) {
		s.setup = newSetupWizard(win, s.svc, goRunner, func() {
			s.setup = nil
			s.mode = svc.Connection.Mode()
			start()
		})
		win.SetContent(s.setup.buildUI())
		win.Canvas().Focus(s.setup.shop.name)
		return s
	}
	start()
	return s
}

// startBackground starts what runs while the window is open: the events
// poll (with its backoff), following refunds under way, the webhook
// listener when switched on, and the status line's clock. All stop when
// the app does.
func (s *Shell) startBackground() {
	svc := s.svc
	if svc.Events == nil {
		return
	}
	svc.Events.OnApplied = func() {
		fyne.Do(func() {
			switch s.pages[s.current].title {
			case "Payments":
				s.payments.reload()
				if d := s.payments.selected; d != nil {
					s.payments.openPayment(d.Payment.ID)
				}
			case "Invoices":
				s.invoices.reload()
			}
		})
	}
	go svc.Events.Run(svc.Context, nil)
	if svc.Invoices != nil {
		go func() {
			// Invoices a crash or a lost connection left half issued.
			if n, err := svc.Invoices.Resume(svc.Context); err != nil && svc.Log != nil {
				svc.Log.Warn("unfinished invoices not all issued", "err", err, "issued", n)
			}
		}()
	}
	if svc.Webhook != nil {
		go func() {
			if _, err := svc.Webhook.Restart(svc.Context); err != nil && svc.Log != nil {
				svc.Log.Warn("webhook listener not started", "err", err)
			}
		}()
	}
	go func() {
		// Every 5 s: the status line's words change by the minute, and an
		// idle till should sleep (each change repaints the window).
		tick := time.NewTicker(5 * time.Second)
		defer tick.Stop()
		n := 0
		for {
			select {
			case <-svc.Context.Done():
				return
			case <-tick.C:
			}
			st := svc.Events.Status(svc.Context)
			var hook domain.WebhookStatus
			if svc.Webhook != nil {
				hook = svc.Webhook.Status()
			}
			fyne.Do(func() { s.showHeard(st, hook) })
			if n++; n%3 == 1 && svc.Payments != nil {
				_, _ = svc.Payments.Follow(svc.Context) // refunds under way, and lost answers sent again
			}
		}
	}()
}

// runner starts background work; tests replace it to run work synchronously.
type runner func(func())

func goRunner(f func()) { go f() }
