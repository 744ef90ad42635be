//go:build !windows

package main

import "syscall"

// execSelf replaces this process with exe (the same program, started
// again).
func execSelf(exe string, args, env []string) error { return syscall.Exec(exe, args, env) }
