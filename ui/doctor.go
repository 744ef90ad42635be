package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// doctorScreen runs the diagnostics and shows each check: ok, a warning,
// or the cause and the fix of a failure.
type doctorScreen struct {
	svc    Services
	run    runner
	root   fyne.CanvasObject
	list   *widget.List
	status *status
	runBtn *widget.Button
	checks []domain.Check
}

func newDoctorScreen(svc Services, run runner) *doctorScreen {
	return &doctorScreen{svc: svc, run: run}
}

func (s *doctorScreen) buildUI() fyne.CanvasObject {
	if s.root != nil {
		return s.root
	}
	s.status = newStatus(s.svc.Log)
	s.list = widget.NewList(func() int { return len(s.checks) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			detail := widget.NewLabel("")
			detail.Wrapping = fyne.TextWrapWord
			return container.NewBorder(nil, nil, container.NewHBox(widget.NewIcon(theme.ConfirmIcon()), container.NewGridWrap(fyne.NewSize(190, 36), name)), nil, detail)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			c := s.checks[id]
			row := o.(*fyne.Container)
			detail := row.Objects[0].(*widget.Label)
			left := row.Objects[1].(*fyne.Container)
			icon := left.Objects[0].(*widget.Icon)
			name := left.Objects[1].(*fyne.Container).Objects[0].(*widget.Label)
			name.SetText(checkName(c))
			detail.SetText(checkDetail(c))
			switch c.Status {
			case "fail":
				icon.SetResource(theme.NewErrorThemedResource(theme.ErrorIcon()))
				detail.Importance = widget.DangerImportance
			case "warn":
				icon.SetResource(theme.NewWarningThemedResource(theme.WarningIcon()))
				detail.Importance = widget.WarningImportance
			default:
				icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
				detail.Importance = widget.MediumImportance
			}
			detail.Refresh()
			s.list.SetItemHeight(id, max(detail.MinSize().Height, 40))
		})
	s.runBtn = widget.NewButtonWithIcon(T("Run the checks"), theme.ViewRefreshIcon(), s.check)
	s.runBtn.Importance = widget.HighImportance
	help := widget.NewLabel(T("What a troubleshooting guide would have you check by hand: Stripe reachable, the key, the clock, the readers, Stripe's events, the webhook, the data files. Each failure names its cause and what to do. The same checks run with `tally doctor`."))
	help.Wrapping = fyne.TextWrapWord
	version := widget.NewLabel(T("Tally ") + s.svc.Version)
	version.Importance = widget.LowImportance
	s.root = container.NewBorder(container.NewVBox(help, container.NewHBox(s.runBtn, layout.NewSpacer(), version)), s.status.obj, nil, nil, s.list)
	s.check()
	return s.root
}

// check runs the diagnostics off the Fyne goroutine.
func (s *doctorScreen) check() {
	if s.svc.Doctor == nil {
		return
	}
	s.runBtn.Disable()
	s.status.busy(T("Checking…"))
	s.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cs := s.svc.Doctor.Run(ctx)
		fyne.Do(func() {
			s.runBtn.Enable()
			s.checks = cs
			s.list.Refresh()
			fails := 0
			for _, c := range cs {
				if c.Status == "fail" {
					fails++
				}
			}
			if fails > 0 {
				s.status.warn(plural(fails, T("failing check")) + T(": see the cause and the fix beside each."))
				return
			}
			s.status.ok(T("Every check passes") + map[bool]string{true: T(", with warnings to read."), false: "."}[hasWarn(cs)])
		})
	})
}

func hasWarn(cs []domain.Check) bool {
	for _, c := range cs {
		if c.Status == "warn" {
			return true
		}
	}
	return false
}

// checkName is a check's name in the user's language.
func checkName(c domain.Check) string {
	if c.Label != "" {
		return T("Reader") + " " + c.Label
	}
	return T(c.Name)
}

// checkDetail is what a check found, in the user's language.
func checkDetail(c domain.Check) string {
	if c.Format == "" {
		return c.Detail
	}
	args := make([]any, len(c.Args))
	for i, a := range c.Args {
		switch v := a.(type) {
		case error:
			a = errText(v)
		case domain.Phrases:
			a = phrasesText(v)
		}
		args[i] = a
	}
	return fmt.Sprintf(T(c.Format), args...)
}
