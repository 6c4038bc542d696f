package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/knockhttp/knock/authlib"
)

func sendHelp(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `Usage: knock send [flags] URL

Sends one request and prints the response like curl -i: the status line, the
headers, a blank line, then the body. {{name}} in any field is replaced from
the -e environment file; {{$uuid}}, {{$timestamp}}, {{$isoTimestamp}} and
{{$randomInt}} are generated.

Exit status: 0 when a response arrived; 22 with --fail when the status is 400
or higher; 1 when the request failed or the usage was wrong.

Flags:
`)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	fmt.Fprint(w, `
Auth methods (--auth TYPE, parameters with --auth-param name=value;
a value written @FILE is read from that file; -u user:password fills
username and password):
`)
	for _, m := range authlib.Methods() {
		fmt.Fprintf(w, "\n  %-10s %s: %s\n", m.Type, m.Title, m.Help)
		for _, p := range m.Params {
			var notes []string
			if p.Required {
				notes = append(notes, "required")
			}
			if p.Secret {
				notes = append(notes, "secret")
			}
			if p.Default != "" {
				notes = append(notes, "default "+p.Default)
			}
			if len(p.Choices) > 0 {
				notes = append(notes, "one of "+strings.Join(p.Choices, "|"))
			}
			extra := ""
			if len(notes) > 0 {
				extra = " [" + strings.Join(notes, ", ") + "]"
			}
			fmt.Fprintf(w, "      %-22s %s%s\n", p.Name, p.Help, extra)
		}
	}
	fmt.Fprint(w, `
With no --auth, credentials from $NETRC, ~/.netrc or ~/_netrc are used for a
matching host (turn off with --no-netrc), and user:password@ in the URL is
sent as Basic.
`)
}
