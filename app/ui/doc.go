// Package ui is Knock's Fyne window. It is the only package that imports
// Fyne widgets.
//
// Threading: every widget change happens on Fyne's goroutine. Work started
// from a callback (sending, reading a large body, store writes) runs in its
// own goroutine and hands its result back with fyne.Do. Each pane is a
// struct that holds its widgets and has named handler methods.
package ui
