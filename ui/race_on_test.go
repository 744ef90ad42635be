//go:build race

package ui

// raceBuild is true when the tests run under the race detector, where the
// SQLite engine (C compiled to Go) runs some thirty times slower.
const raceBuild = true
