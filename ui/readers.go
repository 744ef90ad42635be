package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// callTimeout bounds one Stripe call started from a screen.
const callTimeout = 45 * time.Second

// readersScreen lists Stripe Terminal readers and locations and acts on them.
type readersScreen struct {
	win fyne.Window
	svc Services
	run runner

	view     domain.ReadersView
	selected int            // index in view.Readers, -1 for none
	account  domain.Account // the connected account, for the test cart's currency and the default country

	list      *widget.List
	locations *widget.Label
	status    *status
	jobs      *jobs           // the Stripe call under way, if any
	panel     *fyne.Container // right side: details or a form
	errs      map[string]*widget.Label

	refreshBtn, registerBtn, simulatedBtn, locationBtn *widget.Button

	// Details of the selected reader.
	detail                        *widget.Label
	label                         *widget.Entry
	renameBtn, testBtn, removeBtn *widget.Button
	confirm                       *dialog.ConfirmDialog

	// The register form.
	code, newLabel  *widget.Entry
	regLocation     *widget.Select
	registerSubmit  *widget.Button
	locationsByName map[string]string

	// The location form.
	locName, line1, line2, city, state, postal *widget.Entry
	country                                    *widget.Select
	stateItem, postalItem                      *widget.FormItem
	locationSubmit                             *widget.Button

	root fyne.CanvasObject
}

func newReadersScreen(win fyne.Window, svc Services, run runner) *readersScreen {
	return &readersScreen{win: win, svc: svc, run: run, selected: -1}
}

func (s *readersScreen) buildUI() fyne.CanvasObject {
	if s.root != nil {
		s.load()
		return s.root
	}
	s.errs = map[string]*widget.Label{}
	s.status = newStatus(s.svc.Log)
	s.list = widget.NewList(
		func() int { return len(s.view.Readers) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle(T("Front counter"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			line := widget.NewLabel(T("device · serial · location · refreshed"))
			line.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(container.NewHBox(widget.NewLabel(T("● Online")), name), line)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			r := s.view.Readers[id]
			box := o.(*fyne.Container)
			top := box.Objects[0].(*fyne.Container)
			st := top.Objects[0].(*widget.Label)
			if r.Status == domain.ReaderOnline {
				st.SetText(T("● Online"))
				st.Importance = widget.SuccessImportance
			} else {
				st.SetText(T("○ Offline"))
				st.Importance = widget.DangerImportance
			}
			st.Refresh()
			top.Objects[1].(*widget.Label).SetText(r.Label)
			box.Objects[1].(*widget.Label).SetText(readerLine(r))
		},
	)
	s.list.OnSelected = func(id widget.ListItemID) { s.selected = id; s.showDetails() }
	s.list.OnUnselected = func(widget.ListItemID) { s.selected = -1 }
	s.locations = widget.NewLabel("")
	s.locations.Wrapping = fyne.TextWrapWord

	s.refreshBtn = widget.NewButton(T("Refresh"), s.refresh)
	s.registerBtn = widget.NewButton(T("Register a reader"), s.showRegister)
	s.simulatedBtn = widget.NewButton(T("Add simulated reader"), s.addSimulated)
	s.locationBtn = widget.NewButton(T("New location"), s.showLocation)
	s.buildDetails()
	s.buildRegister()
	s.buildLocation()
	s.panel = container.NewStack()

	left := container.NewBorder(nil, container.NewVBox(widget.NewSeparator(),
		widget.NewLabelWithStyle(T("Locations"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), s.locations), nil, nil, s.list)
	split := container.NewHSplit(left, container.NewPadded(s.panel))
	split.Offset = 0.5
	top := container.NewVBox(container.NewHBox(s.refreshBtn, s.registerBtn, s.simulatedBtn, s.locationBtn), s.status.obj)
	s.root = container.NewBorder(top, nil, nil, nil, split)
	s.load()
	return s.root
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func readerLine(r domain.KnownReader) string {
	parts := []string{strings.ReplaceAll(r.DeviceType, "_", " ")}
	if r.SerialNumber != "" {
		parts = append(parts, r.SerialNumber)
	}
	if r.LocationName != "" {
		parts = append(parts, r.LocationName)
	}
	parts = append(parts, T("refreshed ")+r.RefreshedAt.Local().Format("2006-01-02 15:04"))
	return strings.Join(parts, " · ")
}

// load shows the cached readers at once, then asks Stripe.
func (s *readersScreen) load() {
	s.simulatedBtn.Hidden = s.svc.Connection.Mode() == domain.ModeLive
	s.simulatedBtn.Refresh()
	s.run(func() {
		v, err := s.svc.Readers.Cached(context.Background())
		set, serr := s.svc.Settings.Current(context.Background())
		fyne.Do(func() {
			if serr == nil {
				s.account = set.Account
			}
			if err == nil {
				s.show(v)
			}
		})
		s.refreshNow()
	})
}

func (s *readersScreen) refresh() { s.run(s.refreshNow) }

// refreshNow runs off the Fyne goroutine.
func (s *readersScreen) refreshNow() {
	fyne.Do(func() { s.status.busy(T("Asking Stripe for the readers…")) })
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	v, err := s.svc.Readers.Refresh(ctx)
	fyne.Do(func() {
		if err != nil {
			s.status.fail("refresh readers", err, nil)
			return
		}
		s.show(v)
		s.status.info(T("%s, %s. Refreshed %s.", plural(len(v.Readers), "reader"), plural(len(v.Locations), "location"), time.Now().Format("15:04:05")))
	})
}

// show puts a view on screen; on the Fyne goroutine.
func (s *readersScreen) show(v domain.ReadersView) {
	keepID := ""
	if s.selected >= 0 && s.selected < len(s.view.Readers) {
		keepID = s.view.Readers[s.selected].ID
	}
	if v.Locations == nil {
		v.Locations = s.view.Locations
	}
	s.view = v
	s.list.UnselectAll()
	s.list.Refresh()
	var names []string
	s.locationsByName = map[string]string{}
	for _, l := range v.Locations {
		name := fmt.Sprintf("%s (%s, %s)", l.DisplayName, l.Address.City, l.Address.Country)
		names = append(names, name)
		s.locationsByName[name] = l.ID
	}
	sort.Strings(names)
	s.regLocation.Options = names
	if len(names) == 1 {
		s.regLocation.SetSelected(names[0])
	}
	s.regLocation.Refresh()
	if len(names) == 0 {
		s.locations.SetText(T("No location yet. Readers belong to a location: create one with New location."))
	} else {
		s.locations.SetText(strings.Join(names, "\n"))
	}
	for i, r := range v.Readers {
		if r.ID == keepID {
			s.list.Select(i)
			return
		}
	}
	if len(v.Readers) == 0 {
		s.panel.Objects = []fyne.CanvasObject{widget.NewLabel(T("No reader yet. Register one with the code it shows, or add Stripe's simulated reader in test mode."))}
	} else {
		s.panel.Objects = []fyne.CanvasObject{widget.NewLabel(T("Select a reader to rename, test or remove it."))}
	}
	s.panel.Refresh()
}

func (s *readersScreen) buildDetails() {
	s.detail = widget.NewLabel("")
	s.detail.Wrapping = fyne.TextWrapWord
	s.label = widget.NewEntry()
	s.renameBtn = widget.NewButton(T("Rename"), s.rename)
	s.testBtn = widget.NewButton(T("Test reader"), s.test)
	s.removeBtn = widget.NewButton(T("Remove…"), s.askRemove)
	s.removeBtn.Importance = widget.DangerImportance
}

func (s *readersScreen) current() (domain.KnownReader, bool) {
	if s.selected < 0 || s.selected >= len(s.view.Readers) {
		return domain.KnownReader{}, false
	}
	return s.view.Readers[s.selected], true
}

func (s *readersScreen) showDetails() {
	r, ok := s.current()
	if !ok {
		return
	}
	clearErrors(s.errs)
	s.detail.SetText(T("%s\nStatus: %s\nDevice: %s\nSerial number: %s\nLocation: %s\nStripe id: %s\nLast refreshed: %s",
		r.Label, r.Status, r.DeviceType, orDash(r.SerialNumber), orDash(r.LocationName), r.ID, r.RefreshedAt.Local().Format("2006-01-02 15:04:05")))
	s.label.SetText(r.Label)
	form := widget.NewForm(widget.NewFormItem(T("Label"), labelled(s.label, s.errs, "label")))
	s.panel.Objects = []fyne.CanvasObject{container.NewVBox(s.detail, form, container.NewHBox(s.renameBtn, s.testBtn, s.removeBtn))}
	s.panel.Refresh()
}

// act runs a Stripe call for the selected reader off the Fyne goroutine.
func (s *readersScreen) act(what string, call func(ctx context.Context, r domain.KnownReader) (string, error)) {
	r, ok := s.current()
	if !ok {
		return
	}
	clearErrors(s.errs)
	s.job().start(what, what, func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		msg, err := call(ctx, r)
		if err == nil {
			s.refreshQuiet()
		}
		return func() {
			if err != nil {
				s.status.fail(what, err, s.errs)
				return
			}
			s.status.ok(msg)
		}
	})
}

// job is the screen's one Stripe call at a time: while it runs, every
// button that would call Stripe is disabled.
func (s *readersScreen) job() *jobs {
	if s.jobs == nil {
		s.jobs = newJobs(s.svc.Context, s.run, s.status)
		s.jobs.waitFn = func() []fyne.Disableable {
			var out []fyne.Disableable
			for _, b := range []*widget.Button{s.refreshBtn, s.registerBtn, s.simulatedBtn, s.renameBtn, s.testBtn, s.removeBtn, s.registerSubmit, s.locationSubmit} {
				if b != nil {
					out = append(out, b)
				}
			}
			return out
		}
	}
	return s.jobs
}

// refreshQuiet reloads the cached list after a change, keeping the message.
func (s *readersScreen) refreshQuiet() {
	v, err := s.svc.Readers.Cached(context.Background())
	fyne.Do(func() {
		if err == nil {
			s.show(v)
		}
	})
}

func (s *readersScreen) rename() {
	label := strings.TrimSpace(s.label.Text)
	s.act(T("Renaming the reader…"), func(ctx context.Context, r domain.KnownReader) (string, error) {
		_, err := s.svc.Readers.Rename(ctx, r.ID, label)
		if err == nil {
			audit(ctx, s.svc, "reader", "Reader "+r.ID+" renamed "+label)
		}
		return T("Renamed to ") + label + ".", err
	})
}

func (s *readersScreen) test() {
	cur := s.account.DefaultCurrency
	if cur.IsZero() {
		cur = domain.MustCurrency("EUR")
	}
	s.act(T("Showing a test cart on the reader…"), func(ctx context.Context, r domain.KnownReader) (string, error) {
		res, err := s.svc.Readers.Test(ctx, r.ID, cur)
		if err == nil && !res.Answered {
			return "", domain.Errorf(domain.EUNAVAILABLE, "%s", res.Message)
		}
		return sayText(res.Message), err
	})
}

func (s *readersScreen) askRemove() {
	r, ok := s.current()
	if !ok {
		return
	}
	s.confirm = dialog.NewConfirm(T("Remove reader"),
		T("Remove %q from Stripe? To use it again you will need a new registration code from the reader.", r.Label),
		func(yes bool) {
			if !yes {
				return
			}
			s.act(T("Removing the reader…"), func(ctx context.Context, r domain.KnownReader) (string, error) {
				audit(ctx, s.svc, "reader", "Reader "+r.Label+" ("+r.ID+") removed")
				return r.Label + T(" was removed."), s.svc.Readers.Remove(ctx, r.ID)
			})
		}, s.win)
	s.confirm.Show()
}

func (s *readersScreen) buildRegister() {
	s.code = widget.NewEntry()
	s.code.SetPlaceHolder(T("for example apple-grape-orange"))
	s.newLabel = widget.NewEntry()
	s.newLabel.SetPlaceHolder(T("for example Front counter"))
	s.regLocation = widget.NewSelect(nil, nil)
	s.regLocation.PlaceHolder = T("Choose a location")
	s.registerSubmit = widget.NewButton(T("Register"), s.register)
	s.registerSubmit.Importance = widget.HighImportance
}

func (s *readersScreen) showRegister() {
	s.list.UnselectAll()
	clearErrors(s.errs)
	help := widget.NewLabel(T("On the reader, open Settings and choose \"Generate pairing code\"; type the three words it shows."))
	help.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(T("Registration code"), labelled(s.code, s.errs, "code")),
		widget.NewFormItem(T("Label"), s.newLabel),
		widget.NewFormItem(T("Location"), labelled(s.regLocation, s.errs, "location")),
	)
	s.panel.Objects = []fyne.CanvasObject{container.NewVBox(widget.NewLabelWithStyle(T("Register a reader"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), help, form, s.registerSubmit)}
	s.panel.Refresh()
}

func (s *readersScreen) register() {
	req := domain.RegisterRequest{Code: strings.TrimSpace(s.code.Text), Label: strings.TrimSpace(s.newLabel.Text), LocationID: s.locationsByName[s.regLocation.Selected]}
	s.submit(T("Registering the reader…"), func(ctx context.Context) (string, error) {
		r, err := s.svc.Readers.Register(ctx, req)
		if err == nil {
			audit(ctx, s.svc, "reader", "Reader "+r.Label+" ("+r.ID+") registered")
		}
		return r.Label + T(" is registered."), err
	}, func() { s.code.SetText(""); s.newLabel.SetText("") })
}

func (s *readersScreen) addSimulated() {
	loc := ""
	if len(s.view.Locations) > 0 {
		loc = s.view.Locations[0].ID
	}
	if sel := s.locationsByName[s.regLocation.Selected]; sel != "" {
		loc = sel
	}
	if loc == "" {
		s.status.fail("add simulated reader", userErr(domain.EINVALID, T("Create a location first: every reader belongs to one.")), nil)
		return
	}
	s.submit(T("Adding Stripe's simulated reader…"), func(ctx context.Context) (string, error) {
		r, err := s.svc.Readers.AddSimulated(ctx, T("Simulated reader"), loc)
		return r.Label + T(" is registered (") + r.ID + ").", err
	}, nil)
}

// submit runs a form's call off the Fyne goroutine and refreshes on success.
func (s *readersScreen) submit(what string, call func(ctx context.Context) (string, error), onOK func()) {
	clearErrors(s.errs)
	s.job().start(what, what, func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		msg, err := call(ctx)
		var v domain.ReadersView
		var rerr error
		if err == nil {
			v, rerr = s.svc.Readers.Refresh(ctx)
		}
		return func() {
			if err != nil {
				s.status.fail(what, err, s.errs)
				return
			}
			if onOK != nil {
				onOK()
			}
			s.status.ok(msg)
			if rerr == nil {
				s.show(v)
			}
		}
	})
}

// Countries offered for a location: where Stripe Terminal is available.
var terminalCountries = []string{"AT", "AU", "BE", "CA", "CH", "CZ", "DE", "DK", "ES", "FI", "FR", "GB", "IE", "IT", "LU", "MY", "NL", "NO", "NZ", "PL", "PT", "SE", "SG", "US"}

func (s *readersScreen) buildLocation() {
	s.locName, s.line1, s.line2, s.city, s.state, s.postal = widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	s.stateItem = widget.NewFormItem(T("State"), labelled(s.state, s.errs, "state"))
	s.postalItem = widget.NewFormItem(T("Postal code"), labelled(s.postal, s.errs, "postal"))
	s.country = widget.NewSelect(terminalCountries, func(c string) {
		f := domain.AddressFormatFor(c)
		s.stateItem.Text = f.StateLabel
		if f.StateLabel == "" {
			s.stateItem.Text = T("Region")
		}
		if !f.StateRequired {
			s.stateItem.Text += T(" (optional)")
		}
		s.postalItem.Text = f.PostalLabel
		if !f.PostalRequired {
			s.postalItem.Text += T(" (optional)")
		}
		if s.panel != nil {
			s.panel.Refresh()
		}
	})
	s.locationSubmit = widget.NewButton(T("Create location"), s.createLocation)
	s.locationSubmit.Importance = widget.HighImportance
}

func (s *readersScreen) showLocation() {
	s.list.UnselectAll()
	clearErrors(s.errs)
	if s.country.Selected == "" {
		country := s.account.Country
		if country == "" {
			country = "IE"
		}
		s.country.SetSelected(country)
	}
	form := widget.NewForm(
		widget.NewFormItem(T("Name"), labelled(s.locName, s.errs, "name")),
		widget.NewFormItem(T("Country"), labelled(s.country, s.errs, "country")),
		widget.NewFormItem(T("Street"), labelled(s.line1, s.errs, "line1")),
		widget.NewFormItem(T("Street, line 2"), s.line2),
		widget.NewFormItem(T("City"), labelled(s.city, s.errs, "city")),
		s.stateItem, s.postalItem,
	)
	s.panel.Objects = []fyne.CanvasObject{container.NewVBox(widget.NewLabelWithStyle(T("New location"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), form, s.locationSubmit)}
	s.panel.Refresh()
}

func (s *readersScreen) createLocation() {
	loc := domain.Location{DisplayName: strings.TrimSpace(s.locName.Text), Address: domain.Address{
		Line1: strings.TrimSpace(s.line1.Text), Line2: strings.TrimSpace(s.line2.Text), City: strings.TrimSpace(s.city.Text),
		State: strings.TrimSpace(s.state.Text), PostalCode: strings.TrimSpace(s.postal.Text), Country: s.country.Selected,
	}}
	s.submit(T("Creating the location…"), func(ctx context.Context) (string, error) {
		l, err := s.svc.Readers.CreateLocation(ctx, loc)
		return T("Location ") + l.DisplayName + T(" created."), err
	}, func() {
		for _, e := range []*widget.Entry{s.locName, s.line1, s.line2, s.city, s.state, s.postal} {
			e.SetText("")
		}
	})
}
