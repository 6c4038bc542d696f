// Package clocale keeps Fyne from logging an error at start-up under the
// C.UTF-8 locale, the default of Debian and Ubuntu containers and of many CI
// runners.
//
// Fyne's translations (fyne.io/fyne/v2/lang) look the user's languages up
// in their package init, through github.com/jeandeaual/go-locale. That
// library treats LANG=C and LANG=POSIX as "no language", but turns
// C.UTF-8 into the language tag "C", which golang.org/x/text cannot
// parse, so every run of knock (the window and each headless command)
// began with a three-line "Fyne error: Error parsing user locale C" on
// stderr (fyne-io/fyne#5271). The C locales mean untranslated text, which
// is Fyne's English.
//
// This package's init runs before Fyne's: Go initialises packages in
// import-path order among those whose imports are ready (the Go spec,
// "Package initialization"), and this one needs only os and strings while
// Fyne's lang waits for golang.org/x/text. Under a C.* or POSIX.* locale it
// sets LANGUAGE=en for go-locale to read; Restore, called first thing in
// main, takes the variable away again so that programs knock starts (a
// browser for OAuth, git) see the environment the user gave it.
// TestNoLocaleErrorUnderCUTF8 in the main package checks the stderr.
package clocale

import (
	"os"
	"strings"
)

// set is whether init set LANGUAGE.
var set bool

func init() {
	if _, ok := os.LookupEnv("LANGUAGE"); ok {
		return
	}
	if isCLocale(effectiveLocale()) {
		set = os.Setenv("LANGUAGE", "en") == nil
	}
}

// effectiveLocale is the locale of messages, as go-locale and gettext
// read it: the first of LC_ALL, LC_MESSAGES and LANG that is set.
func effectiveLocale() string {
	for _, name := range [...]string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			return v
		}
	}
	return ""
}

// isCLocale reports a C or POSIX locale with a codeset, such as C.UTF-8 or
// POSIX.utf8. Plain C and POSIX go-locale already understands.
func isCLocale(l string) bool {
	name, _, found := strings.Cut(l, ".")
	return found && (name == "C" || name == "POSIX")
}

// Restore undoes what init did to the environment.
func Restore() {
	if set {
		os.Unsetenv("LANGUAGE")
		set = false
	}
}
