// Package uithread hands work finished on a goroutine back to Fyne's UI
// goroutine, for every package of the window.
//
// Do is fyne.Do. Tests replace it (Replace) with a queue they drain on one
// goroutine of their own, because Fyne's test driver runs fyne.Do's
// function at once on the calling goroutine: two background results would
// then touch widgets at the same time, which the race detector reports and
// the real driver never does.
package uithread

import (
	"sync/atomic"

	"fyne.io/fyne/v2"
)

var handOff atomic.Pointer[func(func())]

func init() {
	do := fyne.Do
	handOff.Store(&do)
}

// Do runs f on the UI goroutine (through the hand-off in place).
func Do(f func()) { (*handOff.Load())(f) }

// Replace makes Do call h, and returns the function that puts the previous
// hand-off back. It is safe while goroutines call Do.
func Replace(h func(func())) (restore func()) {
	old := handOff.Swap(&h)
	return func() { handOff.Store(old) }
}
