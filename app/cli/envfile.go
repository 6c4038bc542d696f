package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/knockhttp/knock/storage/exchange"
)

// readEnvFile reads variables from a Postman environment export, a flat
// JSON object, or NAME=value lines (# starts a comment).
func readEnvFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		vars, err := parseJSONEnv(trimmed)
		if err != nil {
			return nil, fmt.Errorf("environment %s: %w", path, exchange.JSONError(trimmed, err))
		}
		return vars, nil
	}
	vars := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("environment %s:%d: want NAME=value, got %q", path, n, line)
		}
		vars[strings.TrimSpace(name)] = strings.TrimSpace(value)
	}
	return vars, sc.Err()
}

func parseJSONEnv(data []byte) (map[string]string, error) {
	var postman struct {
		Values []struct {
			Key     string `json:"key"`
			Value   any    `json:"value"`
			Enabled *bool  `json:"enabled"`
		} `json:"values"`
	}
	if err := json.Unmarshal(data, &postman); err == nil && postman.Values != nil {
		vars := map[string]string{}
		for _, v := range postman.Values {
			if v.Enabled != nil && !*v.Enabled {
				continue
			}
			vars[v.Key] = scalar(v.Value)
		}
		return vars, nil
	}
	var flat map[string]any
	if err := json.Unmarshal(data, &flat); err != nil {
		return nil, err
	}
	vars := map[string]string{}
	for k, v := range flat {
		vars[k] = scalar(v)
	}
	return vars, nil
}

func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
