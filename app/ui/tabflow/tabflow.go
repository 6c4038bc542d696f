// Package tabflow builds Fyne containers whose keyboard focus order (Tab,
// Shift+Tab) follows reading order.
//
// Fyne moves focus in the order objects sit in their container, and
// container.NewBorder puts the centre objects before the edges: Tab from a
// dropdown above a form would jump past the form to whatever comes next
// in the window. Border here lays out the same way but lists the objects
// top, left, centre, right, bottom.
package tabflow

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
)

// Border is container.NewBorder with the objects in reading order.
func Border(top, bottom, left, right fyne.CanvasObject, center ...fyne.CanvasObject) *fyne.Container {
	var objs []fyne.CanvasObject
	for _, o := range []fyne.CanvasObject{top, left} {
		if o != nil {
			objs = append(objs, o)
		}
	}
	for _, o := range center {
		if o != nil {
			objs = append(objs, o)
		}
	}
	for _, o := range []fyne.CanvasObject{right, bottom} {
		if o != nil {
			objs = append(objs, o)
		}
	}
	return container.New(layout.NewBorderLayout(top, bottom, left, right), objs...)
}
