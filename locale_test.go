package main

import (
	"bytes"
	"os/exec"
	"testing"
)

// TestNoLocaleErrorUnderCUTF8: under the C.UTF-8 locale of Debian
// containers and CI runners, a headless command prints its output and
// nothing on stderr (Fyne used to log "Error parsing user locale C" at
// init; see internal/clocale). `knock version` is run under each kind of
// locale; that LANGUAGE is taken back is internal/clocale's own test.
func TestNoLocaleErrorUnderCUTF8(t *testing.T) {
	bin := buildKnock(t)
	for _, lang := range []string{"C.UTF-8", "C", "POSIX.utf8", "en_US.UTF-8", ""} {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(bin, "version")
		cmd.Env = []string{"LANG=" + lang, "HOME=" + t.TempDir()}
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("LANG=%s knock version: %v\n%s", lang, err, stderr.String())
		}
		if stderr.Len() != 0 {
			t.Errorf("LANG=%s: knock version wrote to stderr:\n%s", lang, stderr.String())
		}
		if !bytes.HasPrefix(stdout.Bytes(), []byte("knock ")) {
			t.Errorf("LANG=%s: knock version printed %q", lang, stdout.String())
		}
	}
}
