package editor

import "fyne.io/fyne/v2"

// commonHeaders are offered as completions for a header name.
var commonHeaders = []string{
	"Accept", "Accept-Charset", "Accept-Encoding", "Accept-Language",
	"Authorization", "Cache-Control", "Connection", "Content-Disposition",
	"Content-Encoding", "Content-Language", "Content-Length", "Content-MD5",
	"Content-Type", "Cookie", "Date", "DNT", "Expect", "Forwarded", "From",
	"Host", "If-Match", "If-Modified-Since", "If-None-Match", "If-Range",
	"If-Unmodified-Since", "Max-Forwards", "Origin", "Pragma", "Prefer",
	"Proxy-Authorization", "Range", "Referer", "TE", "Upgrade",
	"User-Agent", "Via", "Warning", "X-API-Key", "X-Correlation-ID",
	"X-CSRF-Token", "X-Forwarded-For", "X-Forwarded-Host",
	"X-Forwarded-Proto", "X-HTTP-Method-Override", "X-Request-ID",
	"X-Requested-With",
}

// headersPane is the header table, with header names completed.
type headersPane struct {
	ed    *Editor
	table *kvTable
}

func newHeadersPane(e *Editor) *headersPane {
	p := &headersPane{ed: e}
	p.table = newKVTable(e.opts.Shortcut, "Header", "Value")
	vars := varSource{names: e.opts.VariableNames}
	p.table.setSources([]suggestSource{vars, listSource{items: commonHeaders}}, []suggestSource{vars})
	p.table.onChanged = p.onRowsEdited
	return p
}

func (p *headersPane) content() fyne.CanvasObject { return p.table.content() }

func (p *headersPane) load() { p.table.setRows(p.ed.req.Headers) }

func (p *headersPane) onRowsEdited() {
	if p.ed.loading() {
		return
	}
	p.ed.req.Headers = p.table.values()
	p.ed.edited()
}
