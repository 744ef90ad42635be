package main

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

// windowError is the window system failing to start.
type windowError struct{ cause string }

func (e windowError) Error() string {
	hint := "check that you are logged in to a desktop session (DISPLAY or WAYLAND_DISPLAY is set) and that OpenGL is installed (Debian and Ubuntu: sudo apt-get install libgl1-mesa-dri)"
	switch runtime.GOOS {
	case "windows":
		hint = "update the graphics driver (Windows Update, or the maker of the graphics card), or start Tally in a normal desktop session rather than over a remote connection that offers no OpenGL"
	case "darwin":
		hint = "start Tally from Finder or the Dock in a logged-in session"
	}
	return fmt.Sprintf("Tally could not open its window: the window system did not start (%s). Your data is safe: nothing was lost. To fix it, %s; the details are in tally.log beside the data.", e.cause, hint)
}

// startAgain runs Tally once more in this process's place, a second
// later, marked so that it does not do so again (where the system can
// replace a process; elsewhere the error stands).
func startAgain() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	time.Sleep(time.Second)
	return execSelf(exe, os.Args, append(os.Environ(), "TALLY_WINDOW_RETRY=1"))
}
