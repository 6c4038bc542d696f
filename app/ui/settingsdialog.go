package ui

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/ui/uithread"
	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/secrets"
)

// settingsForm edits the application settings.
type settingsForm struct {
	w        *Window
	s        storage.AppSettings
	theme    *widget.RadioGroup
	fontSize *widget.Entry
	timeout  *widget.Entry
	insecure *widget.Check
	caBundle *widget.Entry
	certs    *widget.Entry // host=cert[,key] per line
	proxy    *widget.RadioGroup
	proxyURL *widget.Entry
	proxyUsr *widget.Entry
	proxyPw  *widget.Entry
	netrc    *widget.Check
	histN    *widget.Entry
	histMB   *widget.Entry
	bodyCap  *widget.Entry
	store    *widget.RadioGroup
}

var themeChoices = []string{"system", "light", "dark"}
var proxyChoices = []string{"system", "none", "manual"}
var storeChoices = []string{string(secrets.KindKeyring), string(secrets.KindSession), string(secrets.KindVault)}

// showSettings loads the settings on a goroutine and opens the dialog.
func (k *Window) showSettings() {
	db := k.ws.DB
	go func() {
		s, err := db.Settings()
		if err == nil {
			err = db.HydrateSettings(&s)
		}
		uithread.Do(func() {
			if err != nil {
				dialog.ShowError(err, k.win)
				return
			}
			(&settingsForm{w: k, s: s}).show()
		})
	}()
}

func (f *settingsForm) show() {
	s := f.s
	f.theme = widget.NewRadioGroup(themeChoices, nil)
	f.theme.Horizontal = true
	f.theme.SetSelected(s.Theme)
	f.fontSize = numberEntry(fmt.Sprint(s.FontSize), "0 = the theme's size")
	f.timeout = numberEntry(strconv.FormatInt(s.DefaultTimeoutMs, 10), "milliseconds")
	f.insecure = widget.NewCheck("Do not verify TLS certificates (every request)", nil)
	f.insecure.SetChecked(s.TLS.Insecure)
	f.caBundle = widget.NewEntry()
	f.caBundle.SetText(s.CABundle)
	f.caBundle.SetPlaceHolder("PEM file of extra trusted CAs")
	f.certs = widget.NewMultiLineEntry()
	f.certs.SetPlaceHolder("host = cert.pem, key.pem   (one per line; *.example.com allowed)")
	f.certs.SetText(certsText(s.ClientCerts))
	f.proxy = widget.NewRadioGroup(proxyChoices, nil)
	f.proxy.Horizontal = true
	f.proxy.SetSelected(s.Proxy.Mode)
	f.proxyURL = widget.NewEntry()
	f.proxyURL.SetText(s.Proxy.URL)
	f.proxyURL.SetPlaceHolder("http://proxy.example:3128")
	f.proxyUsr = widget.NewEntry()
	f.proxyUsr.SetText(s.Proxy.Username)
	f.proxyPw = widget.NewPasswordEntry()
	f.proxyPw.SetText(s.Proxy.Password)
	f.netrc = widget.NewCheck("Use ~/.netrc for requests without auth", nil)
	f.netrc.SetChecked(s.Netrc)
	f.histN = numberEntry(strconv.Itoa(s.HistoryMaxEntries), "entries")
	f.histMB = numberEntry(strconv.FormatInt(s.HistoryMaxBytes>>20, 10), "MiB")
	f.bodyCap = numberEntry(strconv.FormatInt(s.HistoryBodyCap>>10, 10), "KiB kept inside the database")
	f.store = widget.NewRadioGroup(storeChoices, nil)
	f.store.Horizontal = true
	f.store.SetSelected(string(s.SecretStore))

	items := []*widget.FormItem{
		widget.NewFormItem("Theme", f.theme),
		widget.NewFormItem("Font size", f.fontSize),
		widget.NewFormItem("Default timeout", f.timeout),
		widget.NewFormItem("TLS", f.insecure),
		widget.NewFormItem("CA bundle", f.caBundle),
		widget.NewFormItem("Client certificates", f.certs),
		widget.NewFormItem("Proxy", f.proxy),
		widget.NewFormItem("Proxy URL", f.proxyURL),
		widget.NewFormItem("Proxy user", f.proxyUsr),
		widget.NewFormItem("Proxy password", f.proxyPw),
		widget.NewFormItem("netrc", f.netrc),
		widget.NewFormItem("History entries", f.histN),
		widget.NewFormItem("History size", f.histMB),
		widget.NewFormItem("History body cap", f.bodyCap),
		widget.NewFormItem("Secrets", f.store),
	}
	d := dialog.NewForm("Settings", "Save", "Cancel", items, f.onSave, f.w.win)
	// Enter in a one-line field saves, as the Save button does.
	for _, e := range []*widget.Entry{f.fontSize, f.timeout, f.caBundle, f.proxyURL, f.proxyUsr, f.proxyPw, f.histN, f.histMB, f.bodyCap} {
		e.OnSubmitted = func(string) { d.Submit() }
	}
	d.Resize(fyne.NewSize(640, 720))
	d.Show()
	// The keyboard starts on the theme choices: Tab moves through the
	// form, Space picks a choice.
	f.w.win.Canvas().FocusNext()
}

func numberEntry(text, hint string) *widget.Entry {
	e := widget.NewEntry()
	e.SetText(text)
	e.SetPlaceHolder(hint)
	return e
}

func (f *settingsForm) onSave(ok bool) {
	if !ok {
		return
	}
	s := f.s
	s.Theme = f.theme.Selected
	if v, err := strconv.ParseFloat(f.fontSize.Text, 32); err == nil && v >= 0 && v < 40 {
		s.FontSize = float32(v)
	}
	if v, err := strconv.ParseInt(f.timeout.Text, 10, 64); err == nil && v >= 0 {
		s.DefaultTimeoutMs = v
	}
	s.TLS.Insecure = f.insecure.Checked
	s.CABundle = f.caBundle.Text
	certs, err := parseCerts(f.certs.Text, s.ClientCerts)
	if err != nil {
		dialog.ShowError(err, f.w.win)
		return
	}
	s.ClientCerts = certs
	s.Proxy.Mode = f.proxy.Selected
	s.Proxy.URL, s.Proxy.Username, s.Proxy.Password = f.proxyURL.Text, f.proxyUsr.Text, f.proxyPw.Text
	s.Netrc = f.netrc.Checked
	if v, err := strconv.Atoi(f.histN.Text); err == nil && v > 0 {
		s.HistoryMaxEntries = v
	}
	if v, err := strconv.ParseInt(f.histMB.Text, 10, 64); err == nil && v > 0 {
		s.HistoryMaxBytes = v << 20
	}
	if v, err := strconv.ParseInt(f.bodyCap.Text, 10, 64); err == nil && v >= 0 {
		s.HistoryBodyCap = v << 10
	}
	s.SecretStore = secrets.Kind(f.store.Selected)
	db := f.w.ws.DB
	go func() {
		err := db.SaveSettings(&s)
		uithread.Do(func() {
			if err != nil {
				dialog.ShowError(fmt.Errorf("save settings: %w", err), f.w.win)
				return
			}
			setTheme(f.w.app, s.Theme, s.FontSize)
			f.w.toolbar.showInsecure(s.TLS.Insecure)
		})
	}()
}

func certsText(list []storage.ClientCert) string {
	var text string
	for _, c := range list {
		line := c.Host + " = " + c.CertFile
		if c.KeyFile != "" {
			line += ", " + c.KeyFile
		}
		text += line + "\n"
	}
	return text
}

// parseCerts reads "host = cert[, key]" lines, keeping the passwords of
// certificates that stay.
func parseCerts(text string, old []storage.ClientCert) ([]storage.ClientCert, error) {
	var out []storage.ClientCert
	for i, line := range splitLines(text) {
		host, files, ok := cutTrim(line, "=")
		if !ok || host == "" || files == "" {
			return nil, fmt.Errorf("client certificates, line %d: want host = cert.pem[, key.pem]", i+1)
		}
		cert, key, _ := cutTrim(files, ",")
		c := storage.ClientCert{Host: host, CertFile: cert, KeyFile: key}
		for _, o := range old {
			if o.Host == host && o.CertFile == cert {
				c.Password, c.PasswordRef = o.Password, o.PasswordRef
			}
		}
		out = append(out, c)
	}
	return out, nil
}
