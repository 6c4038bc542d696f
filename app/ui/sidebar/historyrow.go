package sidebar

import (
	"fmt"
	"image/color"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Status colours by class.
var (
	color2xx = color.NRGBA{R: 0x2e, G: 0x9e, B: 0x4f, A: 0xff}
	color3xx = color.NRGBA{R: 0x2f, G: 0x6f, B: 0xdb, A: 0xff}
	color4xx = color.NRGBA{R: 0xd9, G: 0x8a, B: 0x04, A: 0xff}
	color5xx = color.NRGBA{R: 0xd6, G: 0x45, B: 0x41, A: 0xff}
)

func statusColor(status int) color.Color {
	switch status / 100 {
	case 2:
		return color2xx
	case 3:
		return color3xx
	case 4:
		return color4xx
	case 0, 5:
		return color5xx
	}
	return colorOtherMd
}

// historyRow is one entry: status, method and URL on the first line, the
// time and duration (or the error) below.
type historyRow struct {
	widget.BaseWidget
	status *canvas.Text
	badge  *methodBadge
	url    *widget.Label
	meta   *widget.RichText
}

func newHistoryRow() *historyRow {
	r := &historyRow{
		status: &canvas.Text{TextStyle: fyne.TextStyle{Bold: true}, TextSize: theme.CaptionTextSize()},
		badge:  newMethodBadge(),
		url:    &widget.Label{Truncation: fyne.TextTruncateEllipsis},
		meta:   captionText(),
	}
	r.ExtendBaseWidget(r)
	return r
}

func (r *historyRow) CreateRenderer() fyne.WidgetRenderer {
	status := container.New(&fixedWidth{w: statusWidth()}, r.status)
	line := container.NewBorder(nil, nil, container.NewHBox(status, r.badge), nil, r.url)
	meta := container.New(&indent{by: statusWidth() + theme.Padding()}, r.meta)
	return widget.NewSimpleRenderer(container.New(&stackedLabels{}, line, meta))
}

func statusWidth() float32 {
	return fyne.MeasureText("000", theme.CaptionTextSize(), fyne.TextStyle{Bold: true}).Width + theme.Padding()
}

func (r *historyRow) show(it historyItem, now time.Time) {
	if it.status == 0 {
		r.status.Text = "ERR"
	} else {
		r.status.Text = strconv.Itoa(it.status)
	}
	r.status.Color = statusColor(it.status)
	r.status.Refresh()
	r.badge.setMethod(it.method)
	r.url.SetText(it.url)
	meta := whenText(it.when, now)
	if it.duration > 0 {
		meta += " · " + durationText(it.duration)
	}
	if it.errText != "" {
		msg := it.errText
		if r := []rune(msg); len(r) > 120 {
			msg = string(r[:120]) + "…"
		}
		meta += " · " + msg
	}
	setCaption(r.meta, meta)
}

// whenText is the local time of an entry: the time alone today, with the
// date before.
func whenText(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04:05")
	}
	if t.Year() == now.Year() {
		return t.Format("2 Jan 15:04")
	}
	return t.Format("2 Jan 2006 15:04")
}

func durationText(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < 10*time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	default:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
}
