package main

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
)

// fyneApp is the package metadata that `fyne package` reads; the version
// the program shows comes from the same file, so the two cannot differ.
//
//go:embed FyneApp.toml
var fyneApp string

// appMeta is what FyneApp.toml's [Details] says.
type appMeta struct {
	Name, ID, Version string
	Build             int
}

// parseFyneApp reads the [Details] keys Tally uses from FyneApp.toml. It
// reads only `key = "text"` and `key = number` lines, which is all the file
// holds; anything else in [Details] is an error, so a malformed file fails
// the build's tests rather than showing a wrong version.
func parseFyneApp(text string) (appMeta, error) {
	var m appMeta
	section := ""
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[]")
			continue
		}
		if section != "Details" {
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			return m, fmt.Errorf("FyneApp.toml line %d: no '='", n+1)
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		str := ""
		if strings.HasPrefix(val, `"`) {
			s, err := strconv.Unquote(val)
			if err != nil {
				return m, fmt.Errorf("FyneApp.toml line %d: %v", n+1, err)
			}
			str = s
		}
		switch key {
		case "Name":
			m.Name = str
		case "ID":
			m.ID = str
		case "Version":
			m.Version = str
		case "Build":
			b, err := strconv.Atoi(val)
			if err != nil {
				return m, fmt.Errorf("FyneApp.toml line %d: Build is not a number", n+1)
			}
			m.Build = b
		}
	}
	if m.Name == "" || m.ID == "" || m.Version == "" || m.Build < 1 {
		return m, fmt.Errorf("FyneApp.toml: Name, ID, Version and Build are all needed")
	}
	return m, nil
}

// metadata is FyneApp.toml as built in; a broken file is caught by
// TestFyneAppMetadata, so here it falls back to naming the build "dev".
var metadata = func() appMeta {
	m, err := parseFyneApp(fyneApp)
	if err != nil {
		return appMeta{Name: "Tally", ID: appID, Version: "dev", Build: 0}
	}
	return m
}()

// versionText is what `tally version`, the diagnostics and the help show:
// FyneApp.toml's version and build, or what the build's -ldflags set.
func versionText() string {
	if version != "" {
		return version
	}
	return fmt.Sprintf("%s (build %d)", metadata.Version, metadata.Build)
}
