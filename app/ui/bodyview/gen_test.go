package bodyview

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"
)

// genJSON returns a minified JSON array of API-like records of about size
// bytes: the hardest case for the pretty view, which adds the most rows.
// Record i has "id": i and, every 1000th record, "status": "needle-<i>".
func genJSON(size int) []byte {
	b := make([]byte, 0, size+512)
	b = append(b, '[')
	for i := 0; len(b) < size; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		status := "active"
		if i%1000 == 0 {
			status = "needle-" + strconv.Itoa(i)
		}
		b = fmt.Appendf(b, `{"id":%d,"name":"user-%d","email":"user%d@example.com","status":%q,"score":%d.%d,"verified":%t,"tags":["alpha","beta","gamma-%d"],"address":{"street":"%d Main Street","city":"Springfield","zip":"%05d"},"bio":"Lorem ipsum dolor sit amet, consectetur adipiscing elit \u00e9t\u00e9 %d.","manager":null}`,
			i, i, i, status, i%100, i%10, i%2 == 0, i%7, i%999, i%100000, i)
	}
	return append(b, ']')
}

func BenchmarkPrettyJSON(b *testing.B) {
	src := genJSON(100 << 20)
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for b.Loop() {
		d, err := prettyJSON(context.Background(), src, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(d.rows()), "rows")
		b.ReportMetric(float64(len(d.text))/float64(len(src)), "out/in")
	}
}

func BenchmarkIndexLines(b *testing.B) {
	d, _ := prettyJSON(context.Background(), genJSON(100<<20), nil)
	text := d.appendText(nil)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		indexLines(context.Background(), text, "", nil)
	}
}

func BenchmarkSearch(b *testing.B) {
	src := genJSON(100 << 20)
	for _, q := range []string{"needle-5000", "Springfield", "e", "\"id\":"} {
		b.Run(q, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				t0 := time.Now()
				r := search(context.Background(), src, []byte(q), false)
				b.ReportMetric(float64(r.total), "matches")
				b.ReportMetric(float64(time.Since(t0).Milliseconds()), "ms")
			}
		})
	}
}

func BenchmarkSearchBaseline(b *testing.B) {
	src := genJSON(100 << 20)
	for _, q := range []string{"Springfield", "\"id\":"} {
		b.Run(q, func(b *testing.B) {
			k, v := chooseAnchor([]byte(q))
			b.Logf("anchor %q at %d: %q", q, k, v)
			for b.Loop() {
				bytes.Count(src, []byte(q))
			}
		})
	}
}
