// Package cli holds Knock's headless commands. They use the same send
// pipeline (app/engine) and store as the window.
package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// Commands are the headless subcommands; main runs the window for anything
// else.
var Commands = map[string]bool{"send": true, "run": true, "import": true, "export": true, "link": true, "unlink": true, "gen": true, "help": true, "version": true}

// IsCommand reports whether args (without the program name) start a
// headless command.
func IsCommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	switch args[0] {
	case "-h", "--help", "-help", "--version":
		return true
	}
	return Commands[args[0]]
}

// Version is set by main.
var Version = "dev"

// Main runs a headless command and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 1
	}
	switch args[0] {
	case "send":
		return runSend(args[1:], stdout, stderr)
	case "run":
		return runRun(args[1:], stdout, stderr)
	case "import":
		return runImport(args[1:], stdout, stderr)
	case "export":
		return runExport(args[1:], stdout, stderr)
	case "link":
		return runLink(args[1:], stdout, stderr)
	case "unlink":
		return runUnlink(args[1:], stdout, stderr)
	case "gen":
		return runGen(args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "knock", Version)
		return 0
	case "help", "-h", "--help", "-help":
		if len(args) > 1 && args[1] == "send" {
			return runSend([]string{"--help"}, stdout, stderr)
		}
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "knock: unknown command %q\n", args[0])
	usage(stderr)
	return 1
}

func usage(w io.Writer) {
	fmt.Fprint(w, strings.TrimLeft(`
Knock: a native REST client.

Usage:
  knock                  open the window
  knock send [flags] URL send one request and print the response like curl -i
  knock run TARGET       run a collection and check its assertions (knock run --help)
  knock import FILE...   add Postman, Insomnia, HAR, curl, .http, OpenAPI, Bruno or native files to the store
  knock export --format native|postman|har|curl|http --collection NAME [-o PATH]
  knock link --collection NAME DIR   keep a collection in step with a folder of Knock files (git)
  knock unlink --collection NAME     stop that
  knock gen --lang curl|python|go|js|httpie REQUESTFILE
  knock help send        the flags of send, and every auth method
  knock version

Environment:
  KNOCK_DATA_DIR         where the database lives (default: the user's data directory)
`, "\n"))
}

// fail prints a one-line error and returns exit code 1.
func fail(stderr io.Writer, format string, a ...any) int {
	msg := fmt.Sprintf(format, a...)
	msg = strings.ReplaceAll(msg, "\n", " ")
	fmt.Fprintln(stderr, "knock: "+msg)
	return 1
}

func readAtFile(v string) (string, error) {
	if !strings.HasPrefix(v, "@") {
		return v, nil
	}
	data, err := os.ReadFile(v[1:])
	if err != nil {
		return "", err
	}
	return string(data), nil
}
