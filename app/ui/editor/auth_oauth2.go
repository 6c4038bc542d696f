package editor

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

const (
	// maxClaimRunes bounds one claim's value in the inspector.
	maxClaimRunes = 200
	// cachedTokenTimeout bounds the look-up of a cached token (a keyring
	// that does not answer).
	cachedTokenTimeout = 10 * time.Second
)

// oauth2Panel gets, refreshes and clears the OAuth 2 token of the form's
// parameters and shows what the token holds. The grant runs on a goroutine
// (it may wait minutes for a browser); its progress and result come back
// through fyne.Do, and Cancel (or loading another request) cancels it.
type oauth2Panel struct {
	form     *authForm
	get      *widget.Button
	refresh  *widget.Button
	clear    *widget.Button
	cancel   *widget.Button
	activity *widget.Activity
	status   *fyne.Container // activity and message
	message  *widget.Label
	details  *widget.Label
	claims   *widget.Label

	running context.CancelFunc
	// gen counts the tasks started; a result applies only if no other
	// task started (or Cancel was tapped) since its own began.
	gen int
}

func newOAuth2Panel(f *authForm) *oauth2Panel {
	p := &oauth2Panel{form: f}
	p.get = &widget.Button{Text: "Get new access token", Icon: theme.LoginIcon(), Importance: widget.HighImportance, OnTapped: p.onGetTapped}
	p.refresh = &widget.Button{Text: "Refresh", Icon: theme.ViewRefreshIcon(), OnTapped: p.onRefreshTapped}
	p.clear = &widget.Button{Text: "Clear", Icon: theme.DeleteIcon(), OnTapped: p.onClearTapped}
	p.cancel = &widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), OnTapped: p.onCancelTapped}
	p.cancel.Disable()
	p.activity = widget.NewActivity()
	p.activity.Hide()
	p.message = widget.NewLabel("The token is fetched with the parameters below, and again when it expires.")
	p.message.Wrapping = fyne.TextWrapWord
	p.message.Importance = widget.LowImportance
	p.status = container.NewBorder(nil, nil, p.activity, nil, p.message)
	p.details = widget.NewLabel("No token yet.")
	p.claims = &widget.Label{TextStyle: fyne.TextStyle{Monospace: true}, Wrapping: fyne.TextWrapBreak}
	opts := f.pane.ed.opts
	if opts.GetToken == nil {
		p.get.Disable()
	}
	if opts.RefreshToken == nil {
		p.refresh.Disable()
	}
	if opts.ClearToken == nil {
		p.clear.Disable()
	}
	return p
}

func (p *oauth2Panel) content() fyne.CanvasObject {
	buttons := container.NewHBox(p.get, p.refresh, p.clear, p.cancel)
	title := &widget.Label{Text: "Token", TextStyle: fyne.TextStyle{Bold: true}}
	return container.NewVBox(buttons, p.status, title, p.details, p.claims)
}

// tokenTask is a hook that produces a token.
type tokenTask func(ctx context.Context, params map[string]string, progress func(string)) (TokenInfo, error)

func (p *oauth2Panel) onGetTapped() {
	p.run("Getting a token…", p.form.pane.ed.opts.GetToken)
}

func (p *oauth2Panel) onRefreshTapped() {
	p.run("Refreshing the token…", p.form.pane.ed.opts.RefreshToken)
}

func (p *oauth2Panel) onClearTapped() {
	clearFn := p.form.pane.ed.opts.ClearToken
	if clearFn == nil {
		return
	}
	p.run("Clearing the token…", func(ctx context.Context, params map[string]string, _ func(string)) (TokenInfo, error) {
		return TokenInfo{}, clearFn(ctx, params)
	})
}

func (p *oauth2Panel) onCancelTapped() {
	p.stop()
	p.showMessage("Cancelled.", widget.LowImportance)
}

// run starts task on a goroutine with a copy of the parameters.
func (p *oauth2Panel) run(what string, task tokenTask) {
	if task == nil {
		return
	}
	p.stop()
	p.gen++
	gen := p.gen
	ctx, cancel := context.WithCancel(context.Background())
	p.running = cancel
	params := maps.Clone(p.form.values)
	p.setRunning(true)
	p.showMessage(what, widget.MediumImportance)
	progress := func(step string) {
		runOnUI(func() {
			if gen == p.gen {
				p.showMessage(step, widget.MediumImportance)
			}
		})
	}
	go func() {
		info, err := task(ctx, params, progress)
		runOnUI(func() { p.finished(gen, cancel, info, err) })
	}()
}

// finished shows a task's result, unless another task replaced it.
func (p *oauth2Panel) finished(gen int, cancel context.CancelFunc, info TokenInfo, err error) {
	cancel()
	if gen != p.gen {
		return
	}
	p.running = nil
	p.setRunning(false)
	if err != nil {
		p.showMessage(err.Error(), widget.DangerImportance)
		return
	}
	p.showMessage("", widget.MediumImportance)
	p.showToken(info)
}

// stop cancels the task in flight and forgets its result.
func (p *oauth2Panel) stop() {
	p.gen++
	if p.running != nil {
		p.running()
		p.running = nil
	}
	p.setRunning(false)
}

func (p *oauth2Panel) setRunning(running bool) {
	opts := p.form.pane.ed.opts
	if running {
		p.get.Disable()
		p.refresh.Disable()
		p.clear.Disable()
		p.cancel.Enable()
		p.activity.Show()
		p.activity.Start()
		p.status.Refresh()
		return
	}
	p.cancel.Disable()
	if p.activity.Visible() {
		p.activity.Stop()
		p.activity.Hide()
		p.status.Refresh()
	}
	enable(p.get, opts.GetToken != nil)
	enable(p.refresh, opts.RefreshToken != nil)
	enable(p.clear, opts.ClearToken != nil)
}

func enable(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// showCached asks, on a goroutine, for the token already cached.
func (p *oauth2Panel) showCached() {
	cached := p.form.pane.ed.opts.CachedToken
	if cached == nil {
		return
	}
	gen := p.gen
	params := maps.Clone(p.form.values)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), cachedTokenTimeout)
		defer cancel()
		info, ok, err := cached(ctx, params)
		runOnUI(func() {
			if gen != p.gen || err != nil || !ok {
				return
			}
			p.showToken(info)
		})
	}()
}

func (p *oauth2Panel) showMessage(text string, imp widget.Importance) {
	p.message.Text = text
	p.message.Importance = imp
	p.message.Refresh()
}

// showToken fills the inspector. A zero TokenInfo means no token.
func (p *oauth2Panel) showToken(info TokenInfo) {
	if info.AccessToken == "" {
		p.details.SetText("No token yet.")
		p.claims.SetText("")
		return
	}
	p.details.SetText(tokenSummary(info, time.Now()))
	p.claims.SetText(claimsText(info.Claims))
}

// tokenSummary is the inspector's text, without the claims.
func tokenSummary(info TokenInfo, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Access token: %s", info.AccessToken)
	if info.TokenType != "" {
		fmt.Fprintf(&b, "\nType: %s", info.TokenType)
	}
	fmt.Fprintf(&b, "\nExpires: %s", expiryText(info.Expiry, now))
	if len(info.Scopes) > 0 {
		fmt.Fprintf(&b, "\nScopes: %s", strings.Join(info.Scopes, " "))
	}
	refresh := "no"
	if info.HasRefreshToken {
		refresh = "yes"
	}
	fmt.Fprintf(&b, "\nRefresh token: %s", refresh)
	if len(info.Claims) > 0 {
		b.WriteString("\nJWT claims (not verified):")
	}
	return b.String()
}

func expiryText(exp, now time.Time) string {
	if exp.IsZero() {
		return "not given by the server"
	}
	at := exp.Local().Format("2006-01-02 15:04:05")
	d := exp.Sub(now)
	if d <= 0 {
		return fmt.Sprintf("%s (expired %s ago)", at, humanDuration(-d))
	}
	return fmt.Sprintf("%s (in %s)", at, humanDuration(d))
}

// humanDuration writes d, cut (not rounded) to its largest units.
func humanDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h %d min", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
}

// claimsText lists the claims one per line, sorted, with the times of
// exp, iat and nbf written out.
func claimsText(claims map[string]any) string {
	var lines []string
	for _, k := range slices.Sorted(maps.Keys(claims)) {
		v := claimValue(claims[k])
		switch k {
		case "exp", "iat", "nbf", "auth_time":
			if t, ok := unixTime(claims[k]); ok {
				v += "  (" + t.Local().Format("2006-01-02 15:04:05") + ")"
			}
		}
		lines = append(lines, k+": "+v)
	}
	return strings.Join(lines, "\n")
}

func claimValue(v any) string {
	s, ok := v.(string)
	if !ok {
		b, err := json.Marshal(v)
		if err != nil {
			s = fmt.Sprint(v)
		} else {
			s = string(b)
		}
	}
	if r := []rune(s); len(r) > maxClaimRunes {
		s = string(r[:maxClaimRunes]) + "…"
	}
	return s
}

func unixTime(v any) (time.Time, bool) {
	switch n := v.(type) {
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return time.Unix(i, 0), true
		}
		if f, err := n.Float64(); err == nil {
			return time.Unix(int64(f), 0), true
		}
	case float64:
		return time.Unix(int64(n), 0), true
	case int64:
		return time.Unix(n, 0), true
	case int:
		return time.Unix(int64(n), 0), true
	}
	return time.Time{}, false
}
