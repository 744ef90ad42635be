package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// importsPanel lists every import, newest first, and removes one imported
// by mistake, with what was booked from it.
type importsPanel struct {
	svc    Services
	run    runner
	win    fyne.Window
	status *status
	busy   func() string // why a change must wait, if it must
	// remove removes an import, as a job of the screen's (on the Fyne goroutine).
	remove func(id int64)

	history   []domain.ImportRecord
	selected  int // index into history; -1: none
	list      *widget.List
	removeBtn *widget.Button
	confirm   dialog.Dialog // the removal question, while it is asked
	obj       fyne.CanvasObject
}

func newImportsPanel(svc Services, run runner, win fyne.Window, st *status, remove func(id int64)) *importsPanel {
	p := &importsPanel{svc: svc, run: run, win: win, status: st, remove: remove, selected: -1}
	p.list = widget.NewList(
		func() int { return len(p.history) },
		func() fyne.CanvasObject { return widget.NewLabel(T("2025-11-30 10:00  file.csv")) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			h := p.history[id]
			o.(*widget.Label).SetText(T("%s   %s   %d lines, %d new", h.At.Format("2006-01-02 15:04"), h.File, h.Lines, h.New))
		},
	)
	p.list.OnSelected = func(id widget.ListItemID) {
		p.selected = id
		p.removeBtn.Enable()
	}
	p.removeBtn = widget.NewButton(T("Remove this import…"), p.askRemove)
	p.removeBtn.Disable()
	help := widget.NewLabel(T("Every file imported, and every fetch from Stripe, newest first. A file imported by mistake ") +
		T("(another account's, a test-mode export) can be removed: its lines and the entries booked from them leave the books."))
	help.Wrapping = fyne.TextWrapWord
	p.obj = container.NewBorder(container.NewVBox(help, container.NewHBox(p.removeBtn)), nil, nil, nil, p.list)
	return p
}

// load reads the history again; on the Fyne goroutine.
func (p *importsPanel) load() {
	p.run(func() {
		h, err := p.svc.Import.History(context.Background())
		fyne.Do(func() {
			if err != nil {
				p.status.fail("list imports", err, nil)
				return
			}
			p.history = h
			p.selected = -1
			p.list.UnselectAll()
			p.removeBtn.Disable()
			p.list.Refresh()
		})
	})
}

// askRemove says what removing the selected import would take out of the
// books, and asks.
func (p *importsPanel) askRemove() {
	if p.selected < 0 || p.selected >= len(p.history) {
		return
	}
	if why := p.busy(); why != "" {
		p.status.warn(why)
		return
	}
	id := p.history[p.selected].ID
	p.run(func() {
		what, err := p.svc.Import.Preview(context.Background(), id)
		fyne.Do(func() {
			if err != nil {
				p.status.fail("remove import", err, nil)
				p.load()
				return
			}
			stored := strings.Join(what.Stored(), T(" and "))
			msg := fmt.Sprintf(T("%s stored %s; %s booked from them. All of it leaves the books. ")+
				T("Lines that a later import also held go too: import that file again to bring them back."),
				what.File, stored, bookedWords(what.Entries))
			c := dialog.NewConfirm(T("Remove ")+what.File+"?", msg, func(ok bool) {
				p.confirm = nil
				if ok {
					p.remove(id)
				}
			}, p.win)
			c.SetConfirmText(T("Remove"))
			c.SetConfirmImportance(widget.DangerImportance)
			c.SetDismissText(T("Keep it"))
			p.confirm = c
			c.Show()
			p.confirm.Resize(fyne.NewSize(620, 240))
		})
	})
}

func bookedWords(n int) string {
	switch n {
	case 0:
		return T("no entry is")
	case 1:
		return T("1 entry is")
	}
	return fmt.Sprintf(T("%d entries are"), n)
}
