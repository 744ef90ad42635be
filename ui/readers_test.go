package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"tally/domain"
)

func (f *fixture) readersScreen(t *testing.T) *readersScreen {
	t.Helper()
	if !f.shell.Show("Readers") {
		t.Fatal("no Readers page")
	}
	return f.shell.readers
}

func wantStatus(t *testing.T, st *status, words string) {
	t.Helper()
	if !strings.Contains(st.msg.Text, words) {
		t.Fatalf("status = %q, want it to say %q", st.msg.Text, words)
	}
}

func TestReadersScreen(t *testing.T) {
	t.Run("RegisterRenameTestRemove", func(t *testing.T) {
		f := newFixture(t)
		s := f.readersScreen(t)
		if len(s.view.Readers) != 1 || len(s.view.Locations) != 1 {
			t.Fatalf("demo data: %d readers, %d locations", len(s.view.Readers), len(s.view.Locations))
		}
		test.Tap(s.simulatedBtn)
		wantStatus(t, s.status, "is registered")
		if len(s.view.Readers) != 2 {
			t.Fatalf("readers after adding: %d", len(s.view.Readers))
		}
		// Select the new reader, rename it, test it.
		for i, r := range s.view.Readers {
			if r.Label == "Simulated reader" {
				s.list.Select(i)
			}
		}
		s.label.SetText("")
		test.Type(s.label, "Back till")
		test.Tap(s.renameBtn)
		wantStatus(t, s.status, "Renamed to Back till")
		if r, _ := s.current(); r.Label != "Back till" {
			t.Fatalf("selected after rename = %+v", r)
		}
		test.Tap(s.testBtn)
		wantStatus(t, s.status, "The reader answered")
		// Remove, after confirming.
		test.Tap(s.removeBtn)
		if s.confirm == nil {
			t.Fatal("no confirmation asked")
		}
		s.confirm.Confirm()
		wantStatus(t, s.status, "Back till was removed")
		if len(s.view.Readers) != 1 {
			t.Fatalf("readers after remove: %d", len(s.view.Readers))
		}
	})
	t.Run("ErrRegistrationCode", func(t *testing.T) {
		f := newFixture(t)
		s := f.readersScreen(t)
		test.Tap(s.registerBtn)
		test.Type(s.code, "wrong-code-here")
		test.Type(s.newLabel, "Till 9")
		test.Tap(s.registerSubmit)
		if e := s.errs["code"]; !e.Visible() || !strings.Contains(e.Text, "not valid or was already used") {
			t.Fatalf("code error = %q", e.Text)
		}
	})
	t.Run("ErrReaderOffline", func(t *testing.T) {
		f := newFixture(t)
		s := f.readersScreen(t)
		f.sim.SetReaderOnline(s.view.Readers[0].ID, false)
		s.list.Select(0)
		test.Tap(s.testBtn)
		wantStatus(t, s.status, "that it is powered, its battery is over 10 %, and it is on a secured network that reaches Stripe")
	})
	t.Run("ErrLocationCountry", func(t *testing.T) {
		f := newFixture(t)
		s := f.readersScreen(t)
		test.Tap(s.locationBtn)
		// The country list offers only Terminal countries; Stripe's answer for another is still worded.
		s.country.Options = append(s.country.Options, "BR")
		s.country.SetSelected("BR")
		test.Type(s.locName, "Loja")
		test.Type(s.line1, "Rua 1")
		test.Type(s.city, "São Paulo")
		test.Type(s.postal, "01000-000")
		test.Tap(s.locationSubmit)
		wantStatus(t, s.status, "not available in the location's country")
	})
	t.Run("ErrLocationNeedsState", func(t *testing.T) {
		f := newFixture(t)
		s := f.readersScreen(t)
		test.Tap(s.locationBtn)
		s.country.SetSelected("US")
		if !strings.HasPrefix(s.stateItem.Text, "State") || !strings.HasPrefix(s.postalItem.Text, "ZIP") {
			t.Errorf("US labels = %q %q", s.stateItem.Text, s.postalItem.Text)
		}
		test.Type(s.locName, "NY shop")
		test.Type(s.line1, "1 Broadway")
		test.Type(s.city, "New York")
		test.Type(s.postal, "10004")
		test.Tap(s.locationSubmit)
		if e := s.errs["state"]; !e.Visible() || !strings.Contains(e.Text, "state") {
			t.Fatalf("state error = %q", e.Text)
		}
		test.Type(s.state, "NY")
		test.Tap(s.locationSubmit)
		wantStatus(t, s.status, "Location NY shop created")
		if len(s.view.Locations) != 2 {
			t.Fatalf("locations = %d", len(s.view.Locations))
		}
	})
	t.Run("ErrNoTerminalPermission", func(t *testing.T) {
		f := newFixture(t)
		s := f.readersScreen(t)
		f.sim.FailNext(domain.Errorf(domain.EPERMISSION, "This key is not allowed to do that."))
		test.Tap(s.refreshBtn)
		wantStatus(t, s.status, "Terminal: Write")
		if len(s.view.Readers) != 1 {
			t.Fatal("a failed refresh emptied the list")
		}
	})
	t.Run("ErrLostConnection", func(t *testing.T) {
		f := newFixture(t)
		s := f.readersScreen(t)
		f.sim.FailNext(domain.Errorf(domain.EUNAVAILABLE, "Could not connect to Stripe. Check that this computer is connected to the internet, then try again."))
		test.Tap(s.refreshBtn)
		wantStatus(t, s.status, "Could not connect to Stripe")
	})
}

func TestMethodsScreen(t *testing.T) {
	f := newFixture(t)
	f.readersScreen(t) // refreshes the readers of demo mode
	if !f.shell.Show("Payment methods") {
		t.Fatal("no Payment methods page")
	}
	s := f.shell.methods
	if len(s.view.Methods) != 1 || s.view.Methods[0].Name != "Cash" {
		t.Fatalf("methods at start = %+v", s.view.Methods)
	}
	test.Tap(s.newBtn)
	s.kind.SetSelected("Card reader")
	test.Type(s.name, "Card")
	test.Tap(s.saveBtn)
	if e := s.errs["reader"]; !e.Visible() || !strings.Contains(e.Text, "needs a reader") {
		t.Fatalf("reader error = %q", e.Text)
	}
	s.reader.SetSelectedIndex(0)
	s.capture.SetSelected(captureManual)
	s.identify.SetChecked(true)
	test.Tap(s.saveBtn)
	wantStatus(t, s.status, "Saved Card")
	if len(s.view.Methods) != 2 {
		t.Fatalf("methods = %d", len(s.view.Methods))
	}
	var card domain.PaymentMethod
	for _, m := range s.view.Methods {
		if m.Name == "Card" {
			card = m
		}
	}
	if card.ReaderID == "" || card.CaptureMethod != domain.CaptureManual || !card.IdentifyCustomer || card.OutstandingAccount != domain.AcctOutstandingReceipts {
		t.Fatalf("saved = %+v", card)
	}
	// A second method on the same reader is refused beside the field.
	test.Tap(s.newBtn)
	test.Type(s.name, "Card 2")
	s.reader.SetSelectedIndex(0)
	test.Tap(s.saveBtn)
	if e := s.errs["reader"]; !e.Visible() || !strings.Contains(e.Text, "already belongs") {
		t.Fatalf("reader error = %q", e.Text)
	}
	// A duplicate name too.
	s.kind.SetSelected("QR code")
	s.name.SetText("cash")
	test.Tap(s.saveBtn)
	if e := s.errs["name"]; !e.Visible() || !strings.Contains(e.Text, "already called") {
		t.Fatalf("name error = %q", e.Text)
	}
	// Archive the card method.
	s.selectID(card.ID)
	test.Tap(s.archiveBtn)
	wantStatus(t, s.status, "is archived")
}
