package ui

import (
	"context"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// auditScreen shows the audit log of protected actions and exports it.
type auditScreen struct {
	win     fyne.Window
	svc     Services
	run     runner
	root    fyne.CanvasObject
	list    *widget.List
	status  *status
	entries []domain.AuditEntry
}

func newAuditScreen(win fyne.Window, svc Services, run runner) *auditScreen {
	return &auditScreen{win: win, svc: svc, run: run}
}

func (s *auditScreen) ctx() context.Context {
	if s.svc.Context != nil {
		return s.svc.Context
	}
	return context.Background()
}

func (s *auditScreen) buildUI() fyne.CanvasObject {
	if s.root != nil {
		s.load()
		return s.root
	}
	s.status = newStatus(s.svc.Log)
	s.list = widget.NewList(func() int { return len(s.entries) },
		func() fyne.CanvasObject { return tableRow(auditColumns, 5, 3) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			e := s.entries[id]
			amount := ""
			if !e.Amount.Currency.IsZero() && e.Amount.Amount != 0 {
				amount = moneyText(e.Amount)
			}
			texts := []string{e.At.Local().Format("2006-01-02 15:04:05"), e.Role.Title() + " · " + e.Books.Badge(), auditActionText(e.Action), amount, e.Detail}
			for i, t := range texts {
				o.(*fyne.Container).Objects[i].(*widget.Label).SetText(t)
			}
		})
	export := widget.NewButton(T("Export CSV…"), s.export)
	help := widget.NewLabel(T("Every refund, void, capture, day close, change of settings, payment methods or readers, PIN change and lock, newest first: who (the role whose PIN was entered), what, when and how much. The log is append-only."))
	help.Wrapping = fyne.TextWrapWord
	header := container.New(auditColumns, heading(T("When")), heading(T("Who")), heading(T("What")), rightAligned(heading(T("Amount"))), heading(T("Detail")))
	s.root = container.NewBorder(container.NewVBox(help, container.NewHBox(export), header), s.status.obj, nil, nil, s.list)
	s.load()
	return s.root
}

func (s *auditScreen) load() {
	if s.svc.Access == nil {
		return
	}
	s.run(func() {
		es, err := s.svc.Access.AuditLog(s.ctx(), 0)
		fyne.Do(func() {
			if err != nil {
				s.status.fail("read the audit log", err, nil)
				return
			}
			s.entries = es
			s.list.Refresh()
			s.status.info(T("%d entries.", len(es)))
		})
	})
}

func (s *auditScreen) export() {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			s.status.fail("choose a file", err, nil)
			return
		}
		if wc == nil {
			return
		}
		path := wc.URI().Path()
		s.run(func() {
			n, err := s.exportTo(wc)
			if cerr := wc.Close(); err == nil {
				err = cerr
			}
			fyne.Do(func() {
				if err != nil {
					s.status.fail("export the audit log", err, nil)
					return
				}
				s.status.ok(T("Saved %d entries to %s.", n, path))
			})
		})
	}, s.win)
	d.SetFileName("tally-audit.csv")
	d.Show()
}

func (s *auditScreen) exportTo(w io.Writer) (int, error) { return s.svc.Access.ExportAudit(s.ctx(), w) }

// auditColumns are the audit log's column widths.
var auditColumns = columns{1.5, 1.1, 0.9, 1, 5}
