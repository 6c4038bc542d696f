package uithread

import (
	"sync"
	"testing"
)

func TestReplaceRoutesDoAndRestores(t *testing.T) {
	q := make(chan func(), 4)
	restore := Replace(func(f func()) { q <- f })
	ran := false
	Do(func() { ran = true })
	if ran {
		t.Fatal("Do ran the function itself instead of handing it off")
	}
	(<-q)()
	if !ran {
		t.Fatal("the handed-off function did not run")
	}
	inner := Replace(func(f func()) { f() })
	Do(func() {})
	inner()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); Do(func() {}) }()
	}
	for i := 0; i < 8; i++ {
		(<-q)()
	}
	wg.Wait()
	restore()
	if got := handOff.Load(); got == nil {
		t.Fatal("no hand-off after restore")
	}
}
