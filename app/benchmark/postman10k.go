package benchmark

import (
	"encoding/json"
	"fmt"
	"runtime"
	"time"

	"github.com/knockhttp/knock/storage/exchange"
)

// Postman10k returns a Postman v2.1 collection of 10,000 requests in 200
// folders of 50, shaped like a real export: URL objects with query rows,
// headers, JSON bodies on writes, Bearer and Basic auth with variables,
// descriptions and test scripts.
func Postman10k() []byte {
	type kv = map[string]any
	folders := make([]any, 0, 200)
	for f := range 200 {
		items := make([]any, 0, 50)
		for i := range 50 {
			n := f*50 + i
			method := []string{"GET", "POST", "PUT", "DELETE", "PATCH"}[n%5]
			req := kv{
				"method": method,
				"header": []any{
					kv{"key": "Accept", "value": "application/json", "type": "text"},
					kv{"key": "X-Request-Id", "value": "{{$uuid}}", "type": "text"},
					kv{"key": "X-Tenant", "value": fmt.Sprintf("tenant-%d", f), "type": "text", "disabled": n%7 == 0},
				},
				"url": kv{
					"raw":      fmt.Sprintf("{{baseUrl}}/v1/resource-%d/items/%d?expand=owner&page={{page}}", f, n),
					"host":     []any{"{{baseUrl}}"},
					"path":     []any{"v1", fmt.Sprintf("resource-%d", f), "items", fmt.Sprint(n)},
					"query":    []any{kv{"key": "expand", "value": "owner"}, kv{"key": "page", "value": "{{page}}"}},
					"variable": []any{},
				},
				"description": fmt.Sprintf("Item %d of resource %d. Returns the item with its owner expanded.", n, f),
			}
			if method == "POST" || method == "PUT" || method == "PATCH" {
				req["body"] = kv{"mode": "raw", "raw": fmt.Sprintf("{\n  \"id\": %d,\n  \"name\": \"item %d\",\n  \"tags\": [\"a\", \"b\", \"c\"]\n}", n, n),
					"options": kv{"raw": kv{"language": "json"}}}
			}
			switch n % 4 {
			case 1:
				req["auth"] = kv{"type": "bearer", "bearer": []any{kv{"key": "token", "value": "{{token}}", "type": "string"}}}
			case 2:
				req["auth"] = kv{"type": "basic", "basic": []any{kv{"key": "username", "value": "{{user}}", "type": "string"}, kv{"key": "password", "value": "{{password}}", "type": "string"}}}
			}
			items = append(items, kv{
				"name":    fmt.Sprintf("Get item %d of resource %d", n, f),
				"request": req,
				"event": []any{kv{"listen": "test", "script": kv{"type": "text/javascript",
					"exec": []any{`pm.test("status is 200", function () {`, `    pm.response.to.have.status(200);`, `});`}}}},
				"response": []any{},
			})
		}
		folders = append(folders, kv{"name": fmt.Sprintf("Resource %d", f), "item": items, "description": fmt.Sprintf("Endpoints of resource %d", f)})
	}
	c := kv{
		"info": kv{"_postman_id": "9c7a4e5e-0000-4000-8000-000000010000", "name": "Ten thousand requests",
			"schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
		"item":     folders,
		"variable": []any{kv{"key": "baseUrl", "value": "https://api.example.com"}, kv{"key": "page", "value": "1"}},
		"auth":     kv{"type": "bearer", "bearer": []any{kv{"key": "token", "value": "{{token}}", "type": "string"}}},
	}
	data, err := json.MarshalIndent(c, "", "\t")
	if err != nil {
		panic(err) // maps of strings and slices always marshal
	}
	return data
}

// MeasureImport times exchange.Import of data and a plain json.Unmarshal
// of it into map[string]any, runs times each, alternating, after one
// warm-up of each. The import must yield 10,000 requests.
func MeasureImport(data []byte, runs int) (imports, decodes []time.Duration, err error) {
	importOnce := func() (time.Duration, error) {
		runtime.GC()
		t0 := time.Now()
		res, err := exchange.Import("ten-thousand.postman_collection.json", data, "")
		d := time.Since(t0)
		if err != nil {
			return 0, err
		}
		if n := exchange.Requests(res.Items); n != 10000 {
			return 0, fmt.Errorf("the import gave %d requests, want 10000", n)
		}
		return d, nil
	}
	decodeOnce := func() (time.Duration, error) {
		runtime.GC()
		t0 := time.Now()
		var m map[string]any
		err := json.Unmarshal(data, &m)
		return time.Since(t0), err
	}
	if _, err := importOnce(); err != nil {
		return nil, nil, err
	}
	if _, err := decodeOnce(); err != nil {
		return nil, nil, err
	}
	for range runs {
		d, err := importOnce()
		if err != nil {
			return nil, nil, err
		}
		imports = append(imports, d)
		if d, err = decodeOnce(); err != nil {
			return nil, nil, err
		}
		decodes = append(decodes, d)
	}
	return imports, decodes, nil
}
