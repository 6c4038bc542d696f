package editor

import (
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/ui/tabflow"
)

// settingsPane edits the transport settings of the request. Each field
// writes the model as it changes; a number that does not parse leaves the
// model alone and marks the field.
type settingsPane struct {
	ed           *Editor
	timeout      *hookEntry
	connect      *hookEntry
	follow       *widget.Check
	maxRedirects *hookEntry
	verify       *widget.Check
	tlsWarning   *widget.Label
	caFile       *hookEntry
	clientCert   *hookEntry
	clientKey    *hookEntry
	certPassword *hookEntry
	proxy        *hookEntry
	netrc        *widget.Check
}

func newSettingsPane(e *Editor) *settingsPane {
	p := &settingsPane{ed: e}
	hook := e.opts.Shortcut
	p.timeout = newHookEntry(hook, "no limit")
	p.timeout.Validator = validateCount
	p.timeout.OnChanged = p.onTimeoutChanged
	p.connect = newHookEntry(hook, "default")
	p.connect.Validator = validateCount
	p.connect.OnChanged = p.onConnectChanged
	p.follow = widget.NewCheck("Follow redirects", p.onFollowChanged)
	p.maxRedirects = newHookEntry(hook, "10")
	p.maxRedirects.Validator = validateCount
	p.maxRedirects.OnChanged = p.onMaxRedirectsChanged
	p.verify = widget.NewCheck("Verify the server's TLS certificate", p.onVerifyChanged)
	p.tlsWarning = &widget.Label{Wrapping: fyne.TextWrapWord}
	p.caFile = newHookEntry(hook, "system roots")
	p.caFile.OnChanged = p.onTextChanged
	p.clientCert = newHookEntry(hook, "PEM or PKCS#12 (.p12, .pfx)")
	p.clientCert.OnChanged = p.onTextChanged
	p.clientKey = newHookEntry(hook, "PEM key (empty for PKCS#12 or a combined PEM)")
	p.clientKey.OnChanged = p.onTextChanged
	p.certPassword = newSecretEntry(hook, "for PKCS#12 or an encrypted key")
	p.certPassword.OnChanged = p.onTextChanged
	p.proxy = newHookEntry(hook, "empty: HTTP_PROXY, HTTPS_PROXY and NO_PROXY apply")
	p.proxy.OnChanged = p.onTextChanged
	p.netrc = widget.NewCheck("Use credentials from ~/.netrc when the request has none", p.onNetrcChanged)
	return p
}

func (p *settingsPane) content() fyne.CanvasObject {
	browse := func(target *hookEntry) fyne.CanvasObject {
		b := &widget.Button{Icon: theme.FolderOpenIcon(), OnTapped: func() { p.ed.pickFile(target.SetText) }}
		return tabflow.Border(nil, nil, nil, b, target)
	}
	form := widget.NewForm(
		&widget.FormItem{Text: "Timeout (ms)", Widget: p.timeout, HintText: "for the whole exchange; empty for no limit"},
		&widget.FormItem{Text: "Connect timeout (ms)", Widget: p.connect},
		&widget.FormItem{Text: "Redirects", Widget: tabflow.Border(nil, nil, p.follow, nil,
			tabflow.Border(nil, nil, widget.NewLabel("at most"), nil, p.maxRedirects))},
		&widget.FormItem{Text: "TLS", Widget: container.NewVBox(p.verify, p.tlsWarning)},
		&widget.FormItem{Text: "CA file", Widget: browse(p.caFile), HintText: "PEM bundle trusted in addition to the system's roots"},
		&widget.FormItem{Text: "Client certificate", Widget: browse(p.clientCert)},
		&widget.FormItem{Text: "Client key", Widget: browse(p.clientKey)},
		&widget.FormItem{Text: "Certificate password", Widget: p.certPassword},
		&widget.FormItem{Text: "Proxy", Widget: p.proxy, HintText: "http://host:port or socks5://host:port"},
		&widget.FormItem{Text: "netrc", Widget: p.netrc},
	)
	return container.NewVScroll(form)
}

func (p *settingsPane) load() {
	s := p.ed.req.Settings
	p.timeout.SetText(countText(s.TimeoutMs))
	p.connect.SetText(countText(s.ConnectTimeoutMs))
	p.follow.SetChecked(!s.NoFollow)
	p.maxRedirects.SetText(countText(int64(s.MaxRedirects)))
	p.verify.SetChecked(!s.Insecure)
	p.caFile.SetText(s.CAFile)
	p.clientCert.SetText(s.ClientCert)
	p.clientKey.SetText(s.ClientKey)
	p.certPassword.SetText(s.ClientCertPassword)
	p.proxy.SetText(s.Proxy)
	p.netrc.SetChecked(!s.NoNetrc)
	p.showState()
}

// showState shows what depends on other fields.
func (p *settingsPane) showState() {
	s := p.ed.req.Settings
	// The line is always there, so the form never jumps; its text turns
	// into the warning while verification is off.
	if s.Insecure {
		p.tlsWarning.Text = "Verification is OFF: anyone on the network path can read and change this request's traffic, credentials included."
		p.tlsWarning.Importance = widget.DangerImportance
	} else {
		p.tlsWarning.Text = "Certificates are checked against the system's roots and the CA file below, if any."
		p.tlsWarning.Importance = widget.LowImportance
	}
	p.tlsWarning.Refresh()
	if s.NoFollow {
		p.maxRedirects.Disable()
	} else {
		p.maxRedirects.Enable()
	}
}

func countText(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

var errNotCount = errors.New("a whole number of 0 or more")

// validateCount accepts an empty field or a non-negative whole number.
func validateCount(s string) error {
	_, err := parseCount(s)
	return err
}

func parseCount(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, errNotCount
	}
	return n, nil
}

func (p *settingsPane) onTimeoutChanged(text string) {
	if n, err := parseCount(text); err == nil && !p.ed.loading() {
		p.ed.req.Settings.TimeoutMs = n
		p.ed.edited()
	}
}

func (p *settingsPane) onConnectChanged(text string) {
	if n, err := parseCount(text); err == nil && !p.ed.loading() {
		p.ed.req.Settings.ConnectTimeoutMs = n
		p.ed.edited()
	}
}

func (p *settingsPane) onMaxRedirectsChanged(text string) {
	if n, err := parseCount(text); err == nil && !p.ed.loading() && n <= 1000 {
		p.ed.req.Settings.MaxRedirects = int(n)
		p.ed.edited()
	}
}

func (p *settingsPane) onFollowChanged(on bool) {
	if p.ed.loading() {
		return
	}
	p.ed.req.Settings.NoFollow = !on
	p.showState()
	p.ed.edited()
}

func (p *settingsPane) onVerifyChanged(on bool) {
	if p.ed.loading() {
		return
	}
	p.ed.req.Settings.Insecure = !on
	p.showState()
	p.ed.bar.status.update()
	p.ed.edited()
}

func (p *settingsPane) onNetrcChanged(on bool) {
	if p.ed.loading() {
		return
	}
	p.ed.req.Settings.NoNetrc = !on
	p.ed.edited()
}

// onTextChanged writes the file, password and proxy fields.
func (p *settingsPane) onTextChanged(string) {
	if p.ed.loading() {
		return
	}
	s := &p.ed.req.Settings
	s.CAFile = strings.TrimSpace(p.caFile.Text)
	s.ClientCert = strings.TrimSpace(p.clientCert.Text)
	s.ClientKey = strings.TrimSpace(p.clientKey.Text)
	s.ClientCertPassword = p.certPassword.Text
	s.Proxy = strings.TrimSpace(p.proxy.Text)
	p.ed.edited()
}
