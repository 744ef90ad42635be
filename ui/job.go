package ui

import (
	"context"

	"fyne.io/fyne/v2"
)

// jobs is the one way a screen runs a long or remote call: one at a time,
// with the buttons that must wait disabled while it runs (a double tap on
// Charge cannot start two payments), the status line saying what is being
// done, an optional Cancel, and the result handed back on the Fyne
// goroutine. A job's context ends when it is cancelled or the screen's
// context ends (the app quits). All methods run on the Fyne goroutine.
type jobs struct {
	run    runner
	status *status
	parent context.Context
	// wait are disabled while a job runs and enabled after it; waitFn,
	// when set, adds the buttons a screen builds as it goes (forms).
	wait   []fyne.Disableable
	waitFn func() []fyne.Disableable
	// onChange, when set, is told when a job starts or ends (to show a
	// Cancel button, for instance).
	onChange func(busy bool)

	name       string
	cancel     context.CancelFunc
	cancelling bool // stop was called: progress should no longer overwrite the status
}

func newJobs(parent context.Context, run runner, st *status, wait ...fyne.Disableable) *jobs {
	if parent == nil {
		parent = context.Background()
	}
	return &jobs{run: run, status: st, parent: parent, wait: wait}
}

// busy reports whether a job runs.
func (j *jobs) busy() bool { return j.cancel != nil }

// doing names the running job, "" when none.
func (j *jobs) doing() string { return j.name }

// start runs work off the Fyne goroutine unless a job runs already, in
// which case it says so and returns false. work returns the function that
// shows its result; it runs on the Fyne goroutine after the buttons are
// given back.
func (j *jobs) start(name, doing string, work func(ctx context.Context) (then func())) bool {
	if j.busy() {
		j.status.warn(T("Wait for ") + j.name + T(" to finish, or cancel it."))
		return false
	}
	ctx, cancel := context.WithCancel(j.parent)
	j.name, j.cancel = name, cancel
	waiting := j.waiting()
	for _, w := range waiting {
		w.Disable()
	}
	if doing != "" {
		j.status.busy(doing)
	}
	if j.onChange != nil {
		j.onChange(true)
	}
	j.run(func() {
		then := work(ctx)
		cancel()
		fyne.Do(func() {
			j.name, j.cancel, j.cancelling = "", nil, false
			for _, w := range waiting {
				w.Enable()
			}
			if j.onChange != nil {
				j.onChange(false)
			}
			if then != nil {
				then()
			}
		})
	})
	return true
}

// stop cancels the running job, if any; its result still comes back.
func (j *jobs) stop() {
	if j.cancel != nil {
		j.cancel()
		j.cancelling = true
	}
}

func (j *jobs) waiting() []fyne.Disableable {
	out := append([]fyne.Disableable(nil), j.wait...)
	if j.waitFn != nil {
		for _, w := range j.waitFn() {
			if w != nil {
				out = append(out, w)
			}
		}
	}
	return out
}
