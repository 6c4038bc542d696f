package clocale

import (
	"os"
	"testing"
)

func TestIsCLocale(t *testing.T) {
	for l, want := range map[string]bool{
		"C.UTF-8": true, "C.utf8": true, "POSIX.UTF-8": true,
		"C": false, "POSIX": false, "": false, "en_US.UTF-8": false, "Cy.UTF-8": false,
	} {
		if got := isCLocale(l); got != want {
			t.Errorf("isCLocale(%q) = %v, want %v", l, got, want)
		}
	}
}

func TestRestoreRemovesOnlyWhatInitSet(t *testing.T) {
	t.Setenv("LANGUAGE", "en")
	set = true
	Restore()
	if v, ok := os.LookupEnv("LANGUAGE"); ok {
		t.Errorf("after Restore LANGUAGE=%q is still set", v)
	}
	t.Setenv("LANGUAGE", "de")
	Restore() // init did not set it this time
	if v := os.Getenv("LANGUAGE"); v != "de" {
		t.Errorf("Restore took the user's LANGUAGE=de away (now %q)", v)
	}
}
