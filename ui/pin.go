package ui

import (
	"context"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// pinPrompt is the dialog that asks for a role's PIN before a protected
// action (a refund, a void, the day close, a change of settings, methods
// or readers). With no owner PIN set yet it asks to choose one: setting it
// is the authorisation.
type pinPrompt struct {
	d       *dialog.CustomDialog
	what    *widget.Label
	pin     *widget.Entry
	again   *widget.Entry // only when choosing the first PIN
	err     *widget.Label
	ok      *widget.Button
	choose  bool
	running bool
}

// lastPrompt is the PIN prompt shown last, for tests.
var lastPrompt *pinPrompt

// authorize asks for role's PIN and then calls then with the grant, on the
// Fyne goroutine. what says what the PIN is for. Without an access service
// (some screen tests) then runs at once with no grant.
func authorize(win fyne.Window, svc Services, run runner, role domain.Role, what string, then func(domain.Grant)) {
	if svc.Access == nil {
		then(domain.Grant{})
		return
	}
	// A PIN entered a few minutes ago holds while the person works on.
	if g, ok := heldGrant(svc.Access, role); ok {
		then(g)
		return
	}
	ctx := svc.Context
	if ctx == nil {
		ctx = context.Background()
	}
	p := &pinPrompt{what: widget.NewLabel(what), pin: widget.NewPasswordEntry(), err: errLabel()}
	p.what.Wrapping = fyne.TextWrapWord
	p.pin.SetPlaceHolder(T("PIN"))
	lastPrompt = p
	submit := func() {
		if p.running {
			return
		}
		pin, again := p.pin.Text, ""
		if p.again != nil {
			again = p.again.Text
		}
		p.err.Hide()
		if p.choose && pin != again {
			p.showErr(T("The two PINs differ: type the same PIN twice."))
			return
		}
		p.running = true
		p.ok.Disable()
		run(func() {
			var g domain.Grant
			var err error
			if p.choose {
				err = svc.Access.SetPIN(ctx, domain.Grant{}, domain.RoleOwner, pin)
			}
			if err == nil {
				g, err = svc.Access.Verify(ctx, role, pin)
			}
			fyne.Do(func() {
				p.running = false
				p.ok.Enable()
				if err != nil {
					p.pin.SetText("")
					if p.again != nil {
						p.again.SetText("")
					}
					p.showErr(errText(err))
					if domain.ErrorCode(err) == domain.EPERMISSION {
						p.ok.Disable() // locked: wait
					}
					return
				}
				p.d.Hide()
				holdGrant(svc.Access, g)
				then(g)
			})
		})
	}
	p.pin.OnSubmitted = func(string) { submit() }
	p.ok = widget.NewButton(T("Unlock"), submit)
	p.ok.Importance = widget.HighImportance
	cancel := widget.NewButton(T("Cancel"), func() { p.d.Hide() })
	body := container.NewVBox(p.what, p.pin, p.err)
	title := role.Title() + T("'s PIN")
	if has, err := svc.Access.HasPIN(ctx, domain.RoleOwner); err == nil && !has {
		p.choose = true
		p.again = widget.NewPasswordEntry()
		p.again.SetPlaceHolder(T("The same PIN again"))
		p.again.OnSubmitted = func(string) { submit() }
		p.ok.SetText(T("Set PIN and continue"))
		title = T("Choose the owner's PIN")
		hint := widget.NewLabel(T("No owner PIN is set yet. Choose one (4 to 12 digits): refunds, voids, the day close and changes to settings, payment methods and readers will ask for it. It is stored as a slow hash, never in clear."))
		hint.Wrapping = fyne.TextWrapWord
		body = container.NewVBox(p.what, hint, p.pin, p.again, p.err)
	}
	p.d = dialog.NewCustomWithoutButtons(title, body, win)
	p.d.SetButtons([]fyne.CanvasObject{cancel, p.ok})
	p.d.Resize(fyne.NewSize(440, 0))
	p.d.Show()
	win.Canvas().Focus(p.pin)
}

func (p *pinPrompt) showErr(msg string) {
	p.err.SetText(msg)
	p.err.Show()
}

// held is the last grant of each role and access service: it holds for
// domain.PINHold of activity.
var held = struct {
	sync.Mutex
	m map[*domain.AccessService]map[domain.Role]domain.Grant
}{m: map[*domain.AccessService]map[domain.Role]domain.Grant{}}

// heldGrant renews the grant of role (or the owner's, which covers a
// cashier's action) when one was given or used within the hold.
func heldGrant(a *domain.AccessService, role domain.Role) (domain.Grant, bool) {
	held.Lock()
	defer held.Unlock()
	for _, r := range []domain.Role{role, domain.RoleOwner} {
		if g, ok := held.m[a][r]; ok {
			if ng, ok := a.Hold(g); ok {
				held.m[a][r] = ng
				return ng, true
			}
			delete(held.m[a], r)
		}
	}
	return domain.Grant{}, false
}

// holdGrant keeps a grant just given.
func holdGrant(a *domain.AccessService, g domain.Grant) {
	held.Lock()
	defer held.Unlock()
	if held.m[a] == nil {
		held.m[a] = map[domain.Role]domain.Grant{}
	}
	held.m[a][g.Role()] = g
}

// forgetGrants ends every held PIN (the till is locked).
func forgetGrants(a *domain.AccessService) {
	held.Lock()
	defer held.Unlock()
	delete(held.m, a)
}

// audit records a change made on an owner's page (opened with the owner's
// PIN) in the audit log, under the owner.
func audit(ctx context.Context, svc Services, action, detail string) {
	if svc.Access == nil {
		return
	}
	if err := svc.Access.RecordOwner(ctx, domain.AuditEntry{Action: action, Detail: detail}); err != nil && svc.Log != nil {
		svc.Log.Error("write the audit log", "err", err)
	}
}
