package ui

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/engine"
)

// timelineView shows every round trip of a send (redirects, and auth
// rounds such as a 401 challenge then the retry) and a waterfall of the
// final one's phases: DNS, connect, TLS, time to first byte, download.
type timelineView struct {
	box *fyne.Container
}

func newTimelineView() *timelineView {
	return &timelineView{box: container.NewVBox()}
}

func (t *timelineView) content() fyne.CanvasObject { return container.NewVScroll(t.box) }

// setEmpty says why there is no timeline.
func (t *timelineView) setEmpty(why string) {
	t.box.RemoveAll()
	t.box.Add(widget.NewLabel(why))
	t.box.Refresh()
}

func (t *timelineView) set(r *engine.Response) {
	t.box.RemoveAll()
	if r == nil {
		t.box.Refresh()
		return
	}
	t.box.Add(heading("Round trips"))
	for i, ex := range r.Exchanges {
		line := fmt.Sprintf("%d.  %s %s  →  %d   %s", i+1, ex.Method, ex.URL, ex.Status, ex.Timings.Total.Round(time.Microsecond*100))
		lbl := widget.NewLabel(line)
		lbl.Truncation = fyne.TextTruncateEllipsis
		t.box.Add(lbl)
		if ex.Challenge != "" {
			c := widget.NewLabel("      challenge: " + ex.Challenge)
			c.Truncation = fyne.TextTruncateEllipsis
			c.Importance = widget.LowImportance
			t.box.Add(c)
		}
	}
	if len(r.Redirects) > 0 {
		t.box.Add(heading("Redirects"))
		for _, h := range r.Redirects {
			note := ""
			if h.CredentialsDropped {
				note = "   (another origin: credentials dropped)"
			}
			lbl := widget.NewLabel(fmt.Sprintf("%d  %s  →  %s %s%s", h.Status, h.From, h.Method, h.To, note))
			lbl.Truncation = fyne.TextTruncateEllipsis
			t.box.Add(lbl)
		}
	}
	t.box.Add(heading("Waterfall (final round trip)"))
	tm := r.Timings
	phases := []struct {
		name string
		d    time.Duration
		c    fyne.ThemeColorName
	}{
		{"DNS", tm.DNS, theme.ColorNamePrimary},
		{"Connect", tm.Connect, theme.ColorNameSuccess},
		{"TLS", tm.TLS, theme.ColorNameWarning},
		{"Waiting (TTFB)", waitTime(tm), theme.ColorNameForeground},
		{"Download", tm.Download, theme.ColorNameError},
	}
	total := tm.Total
	if total <= 0 {
		total = time.Millisecond
	}
	var offset time.Duration
	for _, ph := range phases {
		t.box.Add(waterfallRow(ph.name, ph.d, offset, total, theme.Color(ph.c)))
		offset += ph.d
	}
	t.box.Add(widget.NewLabel(fmt.Sprintf("Total %s%s", tm.Total.Round(time.Microsecond*100), reusedNote(tm.Reused))))
	if tl := r.TLS; tl != nil {
		t.box.Add(heading("TLS"))
		t.box.Add(widget.NewLabel(fmt.Sprintf("%s, %s, ALPN %q, verified %v", tl.Version, tl.CipherSuite, tl.ALPN, tl.Verified)))
		t.box.Add(widget.NewLabel(fmt.Sprintf("Certificate: %s, issued by %s, expires %s", tl.Subject, tl.Issuer, tl.NotAfter.Format("2006-01-02"))))
	}
	t.box.Refresh()
}

// waitTime is the wait for the first byte after the connection was ready.
func waitTime(t engine.Timings) time.Duration {
	w := t.TTFB - t.DNS - t.Connect - t.TLS
	if w < 0 {
		return 0
	}
	return w
}

func reusedNote(reused bool) string {
	if reused {
		return " (connection reused)"
	}
	return ""
}

func heading(text string) fyne.CanvasObject {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// waterfallRow draws one phase as a bar placed by its start within the
// total, on a fixed-width track.
func waterfallRow(name string, d, start, total time.Duration, c color.Color) fyne.CanvasObject {
	const track = 420
	label := widget.NewLabel(fmt.Sprintf("%-15s %9s", name, d.Round(time.Microsecond*10)))
	label.TextStyle = fyne.TextStyle{Monospace: true}
	x := float32(track) * float32(start) / float32(total)
	w := float32(track) * float32(d) / float32(total)
	if d > 0 && w < 2 {
		w = 2
	}
	bar := canvas.NewRectangle(c)
	bar.Resize(fyne.NewSize(w, 12))
	bar.Move(fyne.NewPos(x, 12))
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.Resize(fyne.NewSize(track, 12))
	bg.Move(fyne.NewPos(0, 12))
	lane := container.NewWithoutLayout(bg, bar)
	sized := container.New(layout.NewGridWrapLayout(fyne.NewSize(track, 36)), lane)
	return container.NewHBox(label, sized)
}
