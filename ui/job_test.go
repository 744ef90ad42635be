package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestOneJobAtATimeAnyScreen: while a screen's job runs its buttons wait,
// a second start is refused with a message, and the result comes back
// after the buttons are given back.
func TestOneJobAtATimeAnyScreen(t *testing.T) {
	test.NewTempApp(t)
	var held []func()
	st := newStatus(nil)
	charge := widget.NewButton("Charge", nil)
	j := newJobs(context.Background(), func(f func()) { held = append(held, f) }, st, charge)
	calls := 0
	work := func(ctx context.Context) func() {
		calls++
		return func() { st.ok("done") }
	}
	if !j.start("the payment", "Charging…", work) || !charge.Disabled() || !j.busy() {
		t.Fatal("the first start did not take the buttons")
	}
	if j.start("the payment", "Charging…", work) {
		t.Fatal("a double tap started a second job")
	}
	wantStatus(t, st, "Wait for the payment to finish")
	if len(held) != 1 {
		t.Fatalf("%d jobs handed to the runner", len(held))
	}
	held[0]()
	if calls != 1 || charge.Disabled() || j.busy() {
		t.Fatalf("after the job: calls %d, disabled %v, busy %v", calls, charge.Disabled(), j.busy())
	}
	wantStatus(t, st, "done")
}
