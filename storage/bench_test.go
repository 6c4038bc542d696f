package storage

import (
	"fmt"
	"testing"
	"time"

	"github.com/knockhttp/knock/storage/secrets"
)

// Scale: a store of 10,000 requests in 200 folders of 50, as one
// collection. Run with
//
//	go test -run '^$' -bench . -benchtime 20x ./storage/
//
// Targets: open plus tree load under 150 ms, a URL search under 20 ms, a
// save under 10 ms.
const (
	benchFolders    = 200
	benchPerFolder  = 50
	benchSearchTerm = "resource-137/items/688"
)

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
}

func buildBenchStore(b *testing.B) (dir, collID, someRequest string) {
	b.Helper()
	dir = b.TempDir()
	db, err := Open(dir, &Options{Secrets: secrets.NewSession()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	c := &Collection{Name: "Big API", Headers: []KeyValue{{Key: "Accept", Value: "application/json", Enabled: true}}}
	items := make([]TreeItem, 0, benchFolders)
	var probe *Request
	for f := range benchFolders {
		kids := make([]TreeItem, 0, benchPerFolder)
		for i := range benchPerFolder {
			r := &Request{
				Name:    fmt.Sprintf("Get item %d of resource %d", i, f),
				Method:  []string{"GET", "POST", "PUT", "DELETE", "PATCH"}[i%5],
				URL:     fmt.Sprintf("https://api.example.com/v1/resource-%d/items/%d?expand=owner&page={{page}}", f, f*benchPerFolder+i),
				Headers: []KeyValue{{Key: "X-Request", Value: fmt.Sprint(i), Enabled: true}},
				Body:    Body{Mode: BodyRaw, ContentType: "application/json", Raw: fmt.Sprintf(`{"id": %d, "name": "item %d", "tags": ["a", "b", "c"]}`, i, i)},
				Auth:    AuthSpec{Type: AuthInherit},
			}
			if f == 100 && i == 25 {
				probe = r
			}
			kids = append(kids, TreeItem{Request: r})
		}
		items = append(items, TreeItem{Folder: &Folder{Name: fmt.Sprintf("Resource %d", f)}, Children: kids})
	}
	if err := db.CreateCollectionTree(c, items); err != nil {
		b.Fatal(err)
	}
	return dir, c.ID, probe.ID
}

func BenchmarkOpenAndLoadTree(b *testing.B) {
	dir, collID, _ := buildBenchStore(b)
	b.ResetTimer()
	defer reportCPU(b, cpuTime())
	for b.Loop() {
		db, err := Open(dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		tree, err := db.Tree(collID)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(tree.Children); n != benchFolders {
			b.Fatalf("%d folders", n)
		}
		_ = db.Close()
	}
}

func BenchmarkOpen(b *testing.B) {
	dir, _, _ := buildBenchStore(b)
	b.ResetTimer()
	defer reportCPU(b, cpuTime())
	for b.Loop() {
		db, err := Open(dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		_ = db.Close()
	}
}

func BenchmarkLoadTree(b *testing.B) {
	dir, collID, _ := buildBenchStore(b)
	db, err := Open(dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.ResetTimer()
	defer reportCPU(b, cpuTime())
	for b.Loop() {
		if _, err := db.Tree(collID); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearchURL(b *testing.B) {
	dir, _, _ := buildBenchStore(b)
	db, err := Open(dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.ResetTimer()
	defer reportCPU(b, cpuTime())
	for b.Loop() {
		hits, err := db.Search(benchSearchTerm, 0)
		if err != nil {
			b.Fatal(err)
		}
		if len(hits) != 10 { // items 6880-6889
			b.Fatalf("%d hits", len(hits))
		}
	}
}

func BenchmarkSaveRequest(b *testing.B) {
	dir, _, id := buildBenchStore(b)
	db, err := Open(dir, &Options{Secrets: secrets.NewSession()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	r, err := db.Request(id)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	defer reportCPU(b, cpuTime())
	n := 0
	for b.Loop() {
		n++
		r.URL = fmt.Sprintf("https://api.example.com/v1/changed/%d", n)
		if err := db.SaveRequest(r); err != nil {
			b.Fatal(err)
		}
	}
}
