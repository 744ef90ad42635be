package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyRule enforces DESIGN.md's one rule: domain imports only the
// standard library; ui, storage, stripeclient and reports import domain and
// never each other (tests excepted).
func TestDependencyRule(t *testing.T) {
	rules := map[string][]string{
		"tally/domain":       {"tally/storage", "tally/stripeclient", "tally/reports", "tally/ui", "tally/assets"},
		"tally/ui":           {"tally/storage", "tally/stripeclient", "tally/reports", "tally/tse", "tally/printer"},
		"tally/storage":      {"tally/stripeclient", "tally/reports", "tally/ui"},
		"tally/stripeclient": {"tally/storage", "tally/reports", "tally/ui"},
		"tally/reports":      {"tally/storage", "tally/stripeclient", "tally/ui"},
		"tally/ui/cli":       {"tally/storage", "tally/stripeclient", "tally/reports"},
		"tally/tse":          {"tally/storage", "tally/stripeclient", "tally/reports", "tally/ui", "tally/printer"},
		"tally/printer":      {"tally/storage", "tally/stripeclient", "tally/reports", "tally/ui", "tally/tse"},
	}
	for pkg, banned := range rules {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if pkg == "tally/domain" && dep != "tally/domain" {
				t.Errorf("domain depends on %s: it may use the standard library only", dep)
			}
			for _, b := range banned {
				if dep == b {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
