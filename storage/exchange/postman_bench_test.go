package exchange

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	postmanBenchOnce sync.Once
	postmanBenchData []byte
)

// postmanBenchCollection generates a Postman v2.1 collection of 10,000
// requests in 100 folders; each request has headers, query rows, a JSON
// body, auth, a test script and a saved response.
func postmanBenchCollection() []byte {
	postmanBenchOnce.Do(func() { postmanBenchData = postmanGenerate(100) })
	return postmanBenchData
}

// postmanGenerate writes a collection of folders×100 requests.
func postmanGenerate(folders int) []byte {
	var b strings.Builder
	b.WriteString(`{"info": {"name": "bench", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "variable": [{"key": "base", "value": "https://api.example"}], "item": [`)
	for f := 0; f < folders; f++ {
		if f > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"name": "Folder %d", "auth": {"type": "basic", "basic": [{"key": "username", "value": "u%d"}, {"key": "password", "value": "p%d"}]}, "item": [`, f, f, f)
		for r := 0; r < 100; r++ {
			if r > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"name": "Request %d-%d", "event": [{"listen": "test", "script": {"type": "text/javascript", "exec": ["pm.test('ok', function () {", "  pm.response.to.have.status(200);", "});"]}}],
 "request": {"method": "POST", "header": [{"key": "Content-Type", "value": "application/json"}, {"key": "X-Request", "value": "%d"}, {"key": "X-Off", "value": "1", "disabled": true}],
  "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{token}}", "type": "string"}]},
  "body": {"mode": "raw", "raw": "{\"id\": %d, \"name\": \"item %d\", \"tags\": [\"a\", \"b\"]}", "options": {"raw": {"language": "json"}}},
  "url": {"raw": "{{base}}/items/%d?page=1&size=20", "host": ["{{base}}"], "path": ["items", "%d"], "query": [{"key": "page", "value": "1"}, {"key": "size", "value": "20"}]},
  "description": "Request number %d"},
 "response": [{"name": "OK", "code": 200, "status": "OK", "header": [{"key": "Content-Type", "value": "application/json"}], "body": "{\"id\": %d}"}]}`, f, r, r, r, r, r, r, r, r)
		}
		b.WriteString("]}")
	}
	b.WriteString("]}")
	return []byte(b.String())
}

func BenchmarkPostmanImport10k(b *testing.B) {
	data := postmanBenchCollection()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := ImportPostman("bench.json", data)
		if err != nil {
			b.Fatal(err)
		}
		if n := Requests(res.Items); n != 10000 {
			b.Fatalf("%d requests", n)
		}
	}
}

// BenchmarkPostmanDecodeBaseline is a plain encoding/json decode of the
// same file into map[string]any: the import must stay within 3 times it.
func BenchmarkPostmanDecodeBaseline(b *testing.B) {
	data := postmanBenchCollection()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var v map[string]any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPostmanImportSpeed checks the 3x bound on a 2,000-request file made
// like the benchmarks' (the ratio does not depend on the size), taking the fastest of three alternated runs of each so that other
// load on the machine counts little. Under the race detector timings mean
// nothing, and the check is left to the benchmarks.
func TestPostmanImportSpeed(t *testing.T) {
	if testing.Short() || nativeRace {
		t.Log("short or race mode: the speed is measured by BenchmarkPostmanImport10k and BenchmarkPostmanDecodeBaseline")
		return
	}
	data := postmanGenerate(20)
	best := func(d, cur time.Duration) time.Duration {
		if cur == 0 || d < cur {
			return d
		}
		return cur
	}
	var imp, dec time.Duration
	for range 3 {
		start := time.Now()
		var v map[string]any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatal(err)
		}
		dec = best(time.Since(start), dec)
		start = time.Now()
		if _, err := ImportPostman("bench.json", data); err != nil {
			t.Fatal(err)
		}
		imp = best(time.Since(start), imp)
	}
	ratio := float64(imp) / float64(dec)
	t.Logf("2,000 requests (%d bytes): import %v, plain decode %v, ratio %.2f", len(data), imp, dec, ratio)
	if ratio > 3 {
		t.Errorf("importing takes %.2f times a plain decode, more than 3", ratio)
	}
}
