//go:build windows

package main

import "errors"

// execSelf: Windows cannot replace a process in place; the error stands.
func execSelf(exe string, args, env []string) error {
	return errors.New("not on Windows")
}
