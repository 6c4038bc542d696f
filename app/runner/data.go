package runner

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ReadData reads a --data file: CSV with a header row, or a JSON array of
// objects. Each row is one iteration's variables.
func ReadData(path string) ([]map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if strings.EqualFold(filepath.Ext(path), ".json") || bytes.HasPrefix(bytes.TrimSpace(data), []byte("[")) {
		return readJSONData(path, data)
	}
	return readCSVData(path, data)
}

func readJSONData(path string, data []byte) ([]map[string]string, error) {
	var rows []map[string]any
	if err := json.Unmarshal(data, &rows); err != nil {
		return nil, fmt.Errorf("data file %s: want a JSON array of objects: %v", path, err)
	}
	out := make([]map[string]string, len(rows))
	for i, r := range rows {
		out[i] = map[string]string{}
		for k, v := range r {
			switch x := v.(type) {
			case string:
				out[i][k] = x
			case nil:
				out[i][k] = ""
			default:
				b, _ := json.Marshal(x)
				out[i][k] = string(b)
			}
		}
	}
	return out, nil
}

func readCSVData(path string, data []byte) ([]map[string]string, error) {
	r := csv.NewReader(bytes.NewReader(data))
	records, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("data file %s: %v", path, err)
	}
	if len(records) < 1 {
		return nil, fmt.Errorf("data file %s is empty: want a header row of variable names", path)
	}
	head := records[0]
	out := make([]map[string]string, 0, len(records)-1)
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, name := range head {
			row[strings.TrimSpace(name)] = rec[i]
		}
		out = append(out, row)
	}
	return out, nil
}
