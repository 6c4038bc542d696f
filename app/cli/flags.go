package cli

import (
	"flag"
	"fmt"
	"strings"
)

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ", ") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// parseInterspersed parses flags that may come before or after the
// positional arguments, as curl allows: `knock send URL -H 'A: b'`.
// "--" ends the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// splitHeader parses a -H value, "Name: value". "Name;" sends an empty
// value, as in curl.
func splitHeader(h string) (string, string, error) {
	if strings.HasSuffix(h, ";") && !strings.Contains(h, ":") {
		return strings.TrimSuffix(h, ";"), "", nil
	}
	name, value, ok := strings.Cut(h, ":")
	if !ok || strings.TrimSpace(name) == "" {
		return "", "", fmt.Errorf("bad header %q: want 'Name: value'", h)
	}
	return strings.TrimSpace(name), strings.TrimSpace(value), nil
}
