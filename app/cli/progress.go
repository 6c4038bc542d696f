package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/knockhttp/knock/app/engine"
)

// progressBar draws a download bar on stderr when it is a terminal and the
// download has lasted longer than a moment.
type progressBar struct {
	w      io.Writer
	active bool
	start  time.Time
	mu     sync.Mutex
	last   time.Time
	drawn  bool
}

func newProgressBar(stderr io.Writer) *progressBar {
	f, ok := stderr.(*os.File)
	return &progressBar{w: stderr, active: ok && term.IsTerminal(int(f.Fd())), start: time.Now()}
}

func (p *progressBar) update(received, total int64) {
	if !p.active {
		return
	}
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if now.Sub(p.start) < 300*time.Millisecond || now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	p.drawn = true
	rate := float64(received) / now.Sub(p.start).Seconds()
	if total > 0 {
		const width = 30
		done := int(float64(width) * float64(received) / float64(total))
		done = min(max(done, 0), width)
		fmt.Fprintf(p.w, "\r[%s%s] %3d%% %s / %s  %s/s ", strings.Repeat("#", done), strings.Repeat(" ", width-done),
			received*100/total, engine.HumanBytes(received), engine.HumanBytes(total), engine.HumanBytes(int64(rate)))
		return
	}
	fmt.Fprintf(p.w, "\r%s received  %s/s ", engine.HumanBytes(received), engine.HumanBytes(int64(rate)))
}

func (p *progressBar) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
