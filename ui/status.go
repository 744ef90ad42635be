package ui

import (
	"errors"
	"log/slog"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// status is a spinner and a message line under a screen's actions. All its
// methods run on the Fyne goroutine.
type status struct {
	log  *slog.Logger
	spin *widget.Activity
	msg  *widget.Label
	obj  fyne.CanvasObject
}

func newStatus(log *slog.Logger) *status {
	s := &status{log: log, spin: widget.NewActivity(), msg: widget.NewLabel("")}
	s.msg.Wrapping = fyne.TextWrapWord
	s.spin.Hide()
	s.obj = container.NewBorder(nil, nil, s.spin, nil, s.msg)
	return s
}

// busy shows the spinner and what is being done.
func (s *status) busy(what string) {
	s.spin.Show()
	s.spin.Start()
	s.msg.Importance = widget.MediumImportance
	s.msg.SetText(what)
}

func (s *status) stop() {
	s.spin.Stop()
	s.spin.Hide()
}

// ok shows a success message.
func (s *status) ok(msg string) {
	s.stop()
	s.msg.Importance = widget.SuccessImportance
	s.msg.SetText(msg)
}

// warn shows a message that needs attention but is no failure.
func (s *status) warn(msg string) {
	s.stop()
	s.msg.Importance = widget.WarningImportance
	s.msg.SetText(msg)
}

// info shows a neutral message.
func (s *status) info(msg string) {
	s.stop()
	s.msg.Importance = widget.MediumImportance
	s.msg.SetText(msg)
}

// fail logs err and shows its user-facing message; a *FieldError goes to
// its field's label when fields has one.
func (s *status) fail(what string, err error, fields map[string]*widget.Label) {
	s.stop()
	s.log.Warn(what, "err", err, "code", domain.ErrorCode(err))
	var fe *domain.FieldError
	if errors.As(err, &fe) {
		if l, ok := fields[fe.Field]; ok {
			l.SetText(errText(fe.Err))
			l.Show()
			s.msg.Importance = widget.DangerImportance
			s.msg.SetText(T("Please correct the field marked above."))
			return
		}
	}
	s.msg.Importance = widget.DangerImportance
	s.msg.SetText(errText(err))
}

func clearErrors(fields map[string]*widget.Label) {
	for _, l := range fields {
		l.SetText("")
		l.Hide()
	}
}

// labelled stacks a widget over its error label.
func labelled(w fyne.CanvasObject, errs map[string]*widget.Label, field string) fyne.CanvasObject {
	if _, ok := errs[field]; !ok {
		errs[field] = errLabel()
	}
	return container.NewVBox(w, errs[field])
}
