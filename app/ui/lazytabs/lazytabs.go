// Package lazytabs defers building the contents of the tabs that are not
// shown.
//
// Fyne's AppTabs sizes itself to its largest item, so every item's content
// gets its renderers made, and its text measured, as soon as the tabs are
// laid out, even though only one is on screen. For the request editor and
// the response pane that was most of the cost of opening a tab (and of the
// window's first frame), and each text style measured loads a fallback
// system font. Defer puts an empty placeholder in every item but the
// selected one and swaps the real content in the first time the item is
// selected.
package lazytabs

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// Defer makes every item but the selected one wait for its first selection
// before its content joins the widget tree. Set tabs.OnSelected before
// calling Defer: Defer wraps it. Items added later are not deferred.
func Defer(tabs *container.AppTabs) {
	pending := map[*container.TabItem]fyne.CanvasObject{}
	selected := tabs.Selected()
	for _, item := range tabs.Items {
		if item != selected {
			pending[item] = item.Content
			item.Content = container.NewStack()
		}
	}
	next := tabs.OnSelected
	tabs.OnSelected = func(item *container.TabItem) {
		if real, ok := pending[item]; ok {
			delete(pending, item)
			item.Content = real
			tabs.Refresh()
		}
		if next != nil {
			next(item)
		}
	}
}
