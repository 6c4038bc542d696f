package exchange

// Import of curl command lines: one pasted command (ParseCurl, used by the
// window) or a file of commands (the "curl" importer).
//
// Hand-written: no Go library reads curl's command line. The option table
// is curl 8.x's (src/tool_getparam.c, aliases[]), so every option is known
// to take an argument or not, and option bundles (-sSL, -XPOST, -did=1)
// split as curl splits them. Words come from curl_shell.go.
//
// Mapped to the request: the URL (positional, --url, with --url-query),
// -X, -H (Name;, and Name: to remove), -A, -e, -b (name=value pairs; a
// cookie file is reported), -d/--data/--data-ascii/--data-binary/
// --data-raw/--data-urlencode/--json (joined as curl joins them, @file as a
// body file), -F/--form/--form-string (files, ;type=, ;filename=, the
// legacy a,b,c file lists), -G, -I, -T, -u, --basic/--digest/--ntlm/
// --negotiate/--anyauth, --oauth2-bearer, --aws-sigv4, -n/--netrc-file/
// --netrc-optional, -k, --cacert, -E/--cert (with :password), --key, --pass,
// --cert-type, -x/--proxy, --socks5*, -U/--proxy-user and the --proxy-*
// auth flags, -L, --location-trusted, --max-redirs, -m, --connect-timeout,
// -r, --variable with --expand-*, -: (--next) and several URLs.
// --compressed needs nothing: Knock always asks for gzip, deflate and br
// and decodes them.
// Ignored because they change only what curl prints or saves: -s, -S, -v,
// -i, -o, -O, -w, -D, -c, -f, --retry and the like.
// Reported, because Knock cannot do them: --request-target, --resolve,
// --connect-to, HTTP-version and TLS-version choices, --path-as-is, and
// every other option curl knows; unknown options are reported too.

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/knockhttp/knock/storage"
)

func init() {
	registerImporter(Importer{
		Format: "curl",
		Title:  "curl commands",
		Detect: curlDetect,
		Import: curlImport,
	})
}

// curlArgOptions take an argument (ARG_STRG or ARG_FILE in curl).
var curlArgOptions = curlSet(`abstract-unix-socket alt-svc aws-sigv4 cacert capath cert cert-type ciphers config
connect-timeout connect-to continue-at cookie cookie-jar create-file-mode crlfile curves data data-ascii
data-binary data-raw data-urlencode delegation dns-interface dns-ipv4-addr dns-ipv6-addr dns-servers doh-url
dump-header ech egd-file engine etag-compare etag-save expect100-timeout form form-string ftp-account
ftp-alternative-to-user ftp-method ftp-port ftp-ssl-ccc-mode happy-eyeballs-timeout-ms haproxy-clientip header
help hostpubmd5 hostpubsha256 hsts interface ip-tos ipfs-gateway json keepalive-cnt keepalive-time key key-type
knownhosts krb krb4 libcurl limit-rate local-port login-options mail-auth mail-from mail-rcpt max-filesize
max-redirs max-time netrc-file noproxy oauth2-bearer output output-dir parallel-max parallel-max-host pass
pinnedpubkey preproxy proto proto-default proto-redir proxy proxy-cacert proxy-capath proxy-cert
proxy-cert-type proxy-ciphers proxy-crlfile proxy-header proxy-key proxy-key-type proxy-pass
proxy-pinnedpubkey proxy-service-name proxy-tls13-ciphers proxy-tlsauthtype proxy-tlspassword proxy-tlsuser
proxy-user proxy1.0 pubkey quote random-file range rate referer request request-target resolve retry
retry-delay retry-max-time sasl-authzid service-name sigalgs socks4 socks4a socks5 socks5-gssapi-service
socks5-hostname speed-limit speed-time ssl-sessions stderr telnet-option tftp-blksize time-cond tls-max
tls13-ciphers tlsauthtype tlspassword tlsuser trace trace-ascii trace-config unix-socket upload-file
upload-flags url url-query user user-agent variable vlan-priority write-out`)

// curlFlagOptions take no argument (ARG_BOOL or ARG_NONE in curl).
var curlFlagOptions = curlSet(`alpn anyauth append basic buffer ca-native cert-status clobber compressed
compressed-ssh crlf create-dirs digest disable disable-eprt disable-epsv disallow-username-in-url doh-cert-status
doh-insecure dump-ca-embed eprt epsv fail fail-early fail-with-body false-start follow form-escape
ftp-create-dirs ftp-pasv ftp-pret ftp-skip-pasv-ip ftp-ssl ftp-ssl-ccc ftp-ssl-control ftp-ssl-reqd get globoff
haproxy-protocol head http0.9 http1.0 http1.1 http2 http2-prior-knowledge http3 http3-only
ignore-content-length include insecure ipv4 ipv6 junk-session-cookies keepalive list-only location
location-trusted mail-rcpt-allowfails manual metalink mptcp negotiate netrc netrc-optional next npn ntlm
ntlm-wb out-null parallel parallel-immediate path-as-is post301 post302 post303 progress-bar progress-meter
proxy-anyauth proxy-basic proxy-ca-native proxy-digest proxy-http2 proxy-insecure proxy-negotiate proxy-ntlm
proxy-ssl-allow-beast proxy-ssl-auto-client-cert proxy-tlsv1 proxytunnel raw remote-header-name remote-name
remote-name-all remote-time remove-on-error retry-all-errors retry-connrefused sasl-ir sessionid show-error
show-headers silent skip-existing socks5-basic socks5-gssapi socks5-gssapi-nec ssl ssl-allow-beast
ssl-auto-client-cert ssl-no-revoke ssl-reqd ssl-revoke-best-effort sslv2 sslv3 styled-output
suppress-connect-headers tcp-fastopen tcp-nodelay tftp-no-options tls-earlydata tlsv1 tlsv1.0 tlsv1.1 tlsv1.2
tlsv1.3 tr-encoding trace-ids trace-time use-ascii verbose version xattr`)

// curlShort maps curl's one-letter options to their long names.
var curlShort = map[byte]string{
	'a': "append", 'A': "user-agent", 'b': "cookie", 'B': "use-ascii", 'c': "cookie-jar", 'C': "continue-at",
	'd': "data", 'D': "dump-header", 'e': "referer", 'E': "cert", 'f': "fail", 'F': "form", 'g': "globoff",
	'G': "get", 'h': "help", 'H': "header", 'i': "show-headers", 'I': "head", 'j': "junk-session-cookies",
	'J': "remote-header-name", 'k': "insecure", 'K': "config", 'l': "list-only", 'L': "location",
	'm': "max-time", 'M': "manual", 'n': "netrc", 'N': "no-buffer", 'o': "output", 'O': "remote-name",
	'p': "proxytunnel", 'P': "ftp-port", 'q': "disable", 'Q': "quote", 'r': "range", 'R': "remote-time",
	's': "silent", 'S': "show-error", 't': "telnet-option", 'T': "upload-file", 'u': "user", 'U': "proxy-user",
	'v': "verbose", 'V': "version", 'w': "write-out", 'x': "proxy", 'X': "request", 'y': "speed-time",
	'Y': "speed-limit", 'z': "time-cond", 'Z': "parallel", '0': "http1.0", '1': "tlsv1", '2': "sslv2",
	'3': "sslv3", '4': "ipv4", '6': "ipv6", '#': "progress-bar", ':': "next",
}

// curlQuiet are options that change only what curl prints, saves or
// retries, never the request; they are dropped without a note.
var curlQuiet = curlSet(`buffer clobber create-dirs create-file-mode dump-header fail fail-early fail-with-body
include show-headers libcurl out-null output output-dir parallel parallel-immediate parallel-max
parallel-max-host progress-bar progress-meter remote-header-name remote-name remote-name-all remote-time
remove-on-error retry retry-all-errors retry-connrefused retry-delay retry-max-time show-error silent
skip-existing stderr styled-output trace trace-ascii trace-config trace-ids trace-time verbose write-out xattr
cookie-jar junk-session-cookies etag-save limit-rate max-filesize speed-limit speed-time rate keepalive
keepalive-cnt keepalive-time tcp-nodelay tcp-fastopen globoff disable suppress-connect-headers sessionid
alpn npn metalink happy-eyeballs-timeout-ms mptcp compressed compressed-ssh ca-native dump-ca-embed egd-file
random-file false-start ssl-sessions`)

func curlSet(list string) map[string]bool {
	m := map[string]bool{}
	for _, f := range strings.Fields(list) {
		m[f] = true
	}
	return m
}

// curlData is one -d/--data-*/--json argument.
type curlData struct {
	opt  string // the long option name
	text string // literal data (already encoded for --data-urlencode)
	file string // @file: the body comes from this file
}

// curlConfig collects the options of one request, as curl's
// OperationConfig does; --next starts a new one.
type curlConfig struct {
	method          string
	head, get       bool
	upload          string
	urls            []string
	urlQuery        []string
	headers         []storage.KeyValue
	removed         []string // headers removed with "Name:"
	data            []curlData
	form            []storage.FormPart
	user            *string
	authType        string
	bearer          string
	awsSigv4        string
	userAgent       *string
	referer         *string
	cookies         []string
	netrc           string // "", "required", "optional"
	netrcFile       string
	insecure        bool
	caFile          string
	cert, certPass  string
	key             string
	proxy           string
	proxyUser       *string
	proxyAuthType   string
	location        bool
	maxRedirs       int
	maxTime         float64
	connectTimeout  float64
	rangeHeader     string
	notes           []string
	sawJSON         bool
	lostData        bool // data that could not be read (a file) was left out
	formEscapeNoted bool
}

func (c *curlConfig) note(format string, a ...any) {
	c.notes = append(c.notes, fmt.Sprintf(format, a...))
}

// curlParser holds what --variable defines across --next.
type curlParser struct {
	vars  map[string]string
	confs []*curlConfig
}

// ParseCurl reads one curl command, as pasted into the window (backslash
// continuations, quotes and $'…' strings included), into a request. The
// warnings name every option that could not be carried over and why. A
// command with several URLs or --next gives its first request, with a
// warning that names the others.
func ParseCurl(cmd string) (storage.Request, []string, error) {
	if len(cmd) > curlMaxInput {
		return storage.Request{}, nil, fmt.Errorf("curl: the command is %d bytes; at most %d are read", len(cmd), curlMaxInput)
	}
	cmds, err := curlSplitCommands(cmd)
	if err != nil {
		return storage.Request{}, nil, fmt.Errorf("curl: %w", err)
	}
	var first *curlCommand
	var extra []string
	for i := range cmds {
		if cmds[i].piped {
			extra = append(extra, fmt.Sprintf("the output piped to %q was ignored", cmds[i].words[0].text))
			continue
		}
		if first == nil {
			first = &cmds[i]
			continue
		}
		extra = append(extra, fmt.Sprintf("line %d: only the first command was read; %q was not", cmds[i].line, curlClip(cmds[i].words[0].text, 40)))
	}
	if first == nil {
		return storage.Request{}, nil, fmt.Errorf("curl: no command found")
	}
	reqs, warnings, err := curlParseCommand(*first)
	if err != nil {
		return storage.Request{}, nil, err
	}
	for _, r := range reqs[1:] {
		warnings = append(warnings, fmt.Sprintf("the command makes %d requests; only the first was read (not %s %s)", len(reqs), r.Method, r.URL))
	}
	return reqs[0], append(warnings, extra...), nil
}

// curlMaxInput bounds what the parser reads: a command or a file of
// commands.
const curlMaxInput = 8 << 20

// curlParseCommand turns one command's words into requests.
func curlParseCommand(cmd curlCommand) ([]storage.Request, []string, error) {
	words := cmd.words
	if len(words) == 0 {
		return nil, nil, fmt.Errorf("curl: empty command")
	}
	start := 0
	if words[0].text == "$" || words[0].text == "%" || words[0].text == ">" {
		start = 1 // a pasted prompt
	}
	if start >= len(words) || !curlIsCurl(words[start].text) {
		w := words[min(start, len(words)-1)]
		return nil, nil, fmt.Errorf("curl: line %d, column %d: not a curl command: it starts with %q", w.line, w.col, curlClip(w.text, 40))
	}
	p := &curlParser{vars: map[string]string{}}
	c := &curlConfig{maxRedirs: -2}
	p.confs = append(p.confs, c)
	args := words[start+1:]
	endOfOpts := false
	for i := 0; i < len(args); i++ {
		w := args[i]
		at := fmt.Sprintf("line %d, column %d", w.line, w.col)
		if endOfOpts || !strings.HasPrefix(w.text, "-") || w.text == "-" {
			c.urls = append(c.urls, w.text)
			continue
		}
		if w.text == "--" {
			endOfOpts = true
			continue
		}
		// next returns the argument of an option: the rest of the word or
		// the next word.
		next := func(name, rest string, hasRest bool) (string, error) {
			if hasRest {
				return rest, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("curl: %s: option --%s needs an argument", at, name)
			}
			i++
			return args[i].text, nil
		}
		if strings.HasPrefix(w.text, "--") {
			name := w.text[2:]
			var inline string
			hasInline := false
			if eq := strings.IndexByte(name, '='); eq > 0 && !curlArgOptions[name] && !curlFlagOptions[name] {
				if base := name[:eq]; curlArgOptions[strings.TrimPrefix(base, "expand-")] {
					name, inline, hasInline = base, name[eq+1:], true
					c.note("%s: curl does not accept --%s=value; read as --%s followed by the value", at, base, base)
				}
			}
			expand := false
			if strings.HasPrefix(name, "expand-") && curlArgOptions[name[7:]] {
				name, expand = name[7:], true
			}
			switch {
			case curlArgOptions[name]:
				val, err := next(name, inline, hasInline)
				if err != nil {
					return nil, nil, err
				}
				if expand {
					val = p.expand(c, val)
				}
				if err := p.apply(c, name, val, true, at); err != nil {
					return nil, nil, err
				}
			case curlFlagOptions[name]:
				if err := p.apply(c, name, "", true, at); err != nil {
					return nil, nil, err
				}
			case strings.HasPrefix(name, "no-") && curlFlagOptions[name[3:]]:
				if err := p.apply(c, name[3:], "", false, at); err != nil {
					return nil, nil, err
				}
			default:
				c.note("%s: unknown option --%s (not in curl 8's option list); ignored", at, name)
			}
			if name == "next" && i+1 < len(args) {
				c = &curlConfig{maxRedirs: -2}
				p.confs = append(p.confs, c)
			}
			continue
		}
		// A bundle of short options: -sSL, -XPOST, -did=1.
		bundle := w.text[1:]
		for j := 0; j < len(bundle); j++ {
			name, ok := curlShort[bundle[j]]
			if !ok {
				c.note("%s: unknown option -%c; ignored", at, bundle[j])
				continue
			}
			if name == "no-buffer" {
				continue
			}
			if curlArgOptions[name] {
				rest := bundle[j+1:]
				val, err := next(name, rest, rest != "")
				if err != nil {
					return nil, nil, fmt.Errorf("curl: %s: option -%c needs an argument", at, bundle[j])
				}
				if err := p.apply(c, name, val, true, at); err != nil {
					return nil, nil, err
				}
				break
			}
			if err := p.apply(c, name, "", true, at); err != nil {
				return nil, nil, err
			}
			if name == "next" && i+1 < len(args) {
				c = &curlConfig{maxRedirs: -2}
				p.confs = append(p.confs, c)
			}
		}
	}
	var reqs []storage.Request
	var warnings []string
	for _, name := range cmd.vars {
		warnings = append(warnings, fmt.Sprintf("the shell variable $%s became the Knock variable {{%s}}", name, name))
	}
	warnings = append(warnings, cmd.notes...)
	for _, c := range p.confs {
		rs, err := c.requests()
		warnings = append(warnings, c.notes...)
		if err != nil {
			return nil, nil, fmt.Errorf("curl: line %d: %w", cmd.line, err)
		}
		reqs = append(reqs, rs...)
	}
	if len(reqs) == 0 {
		return nil, nil, fmt.Errorf("curl: line %d: the command has no URL", cmd.line)
	}
	if len(cmd.comments) > 0 {
		for i := range reqs {
			reqs[i].Description = strings.Join(cmd.comments, "\n")
		}
	}
	return reqs, warnings, nil
}

func curlIsCurl(w string) bool {
	base := path.Base(strings.ReplaceAll(w, `\`, "/"))
	return base == "curl" || base == "curl.exe"
}

func curlClip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

// expand replaces {{name}} with --variable values, as --expand-* does.
// Unknown names stay {{name}}: Knock resolves them as its own variables.
func (p *curlParser) expand(c *curlConfig, s string) string {
	var b strings.Builder
	for guard := 0; guard < len(s)+1; guard++ {
		open := strings.Index(s, "{{")
		if open < 0 {
			break
		}
		end := strings.Index(s[open:], "}}")
		if end < 0 {
			break
		}
		b.WriteString(s[:open])
		name := s[open+2 : open+end]
		if fn := strings.IndexByte(name, ':'); fn >= 0 {
			c.note("the --expand function in {{%s}} is not applied", name)
			name = name[:fn]
		}
		if v, ok := p.vars[name]; ok {
			b.WriteString(v)
		} else {
			b.WriteString("{{" + name + "}}")
		}
		s = s[open+end+2:]
	}
	b.WriteString(s)
	return b.String()
}

// apply handles one option. on is false for --no-NAME.
func (p *curlParser) apply(c *curlConfig, name, val string, on bool, at string) error {
	if curlQuiet[name] {
		return nil
	}
	switch name {
	case "request":
		c.method = val
	case "url":
		c.urls = append(c.urls, val)
	case "url-query":
		if strings.HasPrefix(val, "+") {
			c.urlQuery = append(c.urlQuery, val[1:])
		} else if enc, ok := curlURLEncodeArg(c, val, "--url-query", at); ok {
			c.urlQuery = append(c.urlQuery, enc)
		}
	case "header":
		c.addHeader(val, at)
	case "proxy-header":
		name, _, _ := strings.Cut(val, ":")
		c.note("%s: --proxy-header %s: Knock sends no extra headers to proxies; ignored", at, curlClip(strings.TrimSpace(name), 40))
	case "user-agent":
		c.userAgent = &val
	case "referer":
		v := strings.TrimSuffix(val, ";auto")
		if v != val {
			c.note("%s: --referer ;auto (set Referer on redirects) is not supported; the first Referer is kept", at)
		}
		if v != "" {
			c.referer = &v
		}
	case "cookie":
		if strings.Contains(val, "=") {
			c.cookies = append(c.cookies, val)
		} else {
			c.note("%s: -b %s reads cookies from a file, which is not imported; add them as a Cookie header or let Knock's cookie jar collect them", at, val)
		}
	case "data", "data-ascii", "data-binary", "data-raw", "json":
		d := curlData{opt: name, text: val}
		if name != "data-raw" && strings.HasPrefix(val, "@") {
			d.text, d.file = "", val[1:]
		}
		if name == "json" {
			c.sawJSON = true
		}
		c.data = append(c.data, d)
	case "data-urlencode":
		if enc, ok := curlURLEncodeArg(c, val, "--data-urlencode", at); ok {
			c.data = append(c.data, curlData{opt: name, text: enc})
		} else {
			c.lostData = true // curl still POSTs
		}
	case "form", "form-string":
		c.addForm(val, name == "form-string", at)
	case "form-escape":
		if !c.formEscapeNoted {
			c.formEscapeNoted = true
			c.note("%s: --form-escape: Knock escapes quotes in part names as the HTML standard does", at)
		}
	case "get":
		c.get = on
	case "head":
		c.head = on
	case "upload-file":
		c.upload = val
	case "user":
		c.user = &val
	case "basic", "digest", "ntlm", "negotiate", "anyauth", "ntlm-wb":
		if on {
			c.authType = name
		}
	case "oauth2-bearer":
		c.bearer = val
	case "aws-sigv4":
		c.awsSigv4 = val
	case "netrc":
		if on {
			c.netrc = "required"
		}
	case "netrc-optional":
		if on {
			c.netrc = "optional"
		}
	case "netrc-file":
		c.netrcFile = val
		if c.netrc == "" {
			c.netrc = "required"
		}
	case "insecure":
		c.insecure = on
	case "cacert":
		c.caFile = val
	case "capath":
		c.note("%s: --capath %s: Knock takes one CA file (--cacert), not a directory; ignored", at, val)
	case "cert":
		c.cert, c.certPass = curlSplitCert(val)
	case "key":
		c.key = val
	case "pass":
		c.certPass = val
	case "cert-type", "key-type":
		if t := strings.ToUpper(val); t != "PEM" && t != "P12" {
			c.note("%s: --%s %s: Knock reads PEM and PKCS#12 files only", at, name, val)
		}
	case "proxy":
		c.proxy = val
	case "socks4", "socks4a", "socks5", "socks5-hostname":
		scheme := map[string]string{"socks4": "socks4", "socks4a": "socks4a", "socks5": "socks5", "socks5-hostname": "socks5h"}[name]
		c.proxy = scheme + "://" + val
		c.note("%s: --%s: Knock does not support SOCKS proxies; the proxy is kept as %s", at, name, c.proxy)
	case "proxy-user":
		c.proxyUser = &val
	case "proxy-basic", "proxy-digest", "proxy-ntlm", "proxy-negotiate", "proxy-anyauth":
		if on {
			c.proxyAuthType = strings.TrimPrefix(name, "proxy-")
		}
	case "noproxy":
		c.note("%s: --noproxy %s: Knock uses the NO_PROXY environment variable instead; ignored", at, val)
	case "location":
		c.location = on
	case "follow":
		c.location = on
	case "location-trusted":
		c.location = on
		if on {
			c.note("%s: --location-trusted: Knock follows the redirects but, by design, never sends credentials to another host", at)
		}
	case "max-redirs":
		n, err := strconv.Atoi(val)
		if err != nil {
			c.note("%s: --max-redirs %q is not a number; ignored", at, val)
		} else if n < 0 {
			c.note("%s: --max-redirs %d (no limit): Knock keeps its own limit", at, n)
		} else {
			c.maxRedirs = n
		}
	case "max-time", "connect-timeout":
		f, err := strconv.ParseFloat(val, 64)
		if err != nil || f < 0 || f > 1e9 {
			c.note("%s: --%s %q is not a number of seconds; ignored", at, name, val)
		} else if name == "max-time" {
			c.maxTime = f
		} else {
			c.connectTimeout = f
		}
	case "range":
		c.rangeHeader = "bytes=" + val
	case "variable":
		p.defineVariable(c, val, at)
	case "next":
		// handled by the caller
	case "help", "manual", "version":
		return fmt.Errorf("curl: %s: --%s prints curl's own text and sends no request", at, name)
	case "config":
		c.note("%s: -K %s: options in a config file are not read", at, val)
	case "request-target":
		c.note("%s: --request-target %s: Knock always sends the path of the URL; ignored", at, val)
	case "http1.0", "http1.1", "http2", "http2-prior-knowledge", "http3", "http3-only", "http0.9":
		c.note("%s: --%s: Knock lets Go choose the HTTP version (HTTP/1.1, or HTTP/2 over TLS); ignored", at, name)
	case "time-cond":
		c.note("%s: -z %s: add an If-Modified-Since header instead; ignored", at, val)
	case "post301", "post302", "post303":
		c.note("%s: --%s: Knock follows redirects as browsers do; ignored", at, name)
	default:
		if curlArgOptions[name] {
			c.note("%s: --%s (with its argument) has no equivalent in Knock; ignored", at, name)
		} else {
			c.note("%s: --%s has no equivalent in Knock; ignored", at, name)
		}
	}
	return nil
}

// defineVariable reads --variable name=value, name@file and %ENV.
func (p *curlParser) defineVariable(c *curlConfig, val, at string) {
	switch {
	case strings.HasPrefix(val, "%"):
		name := strings.TrimPrefix(val, "%")
		if eq := strings.IndexAny(name, "=@"); eq >= 0 {
			name = name[:eq]
		}
		c.note("%s: --variable %%%s imports an environment variable; it stays the Knock variable {{%s}}", at, name, name)
	case strings.Contains(val, "="):
		k, v, _ := strings.Cut(val, "=")
		p.vars[k] = v
	case strings.Contains(val, "@"):
		k, f, _ := strings.Cut(val, "@")
		c.note("%s: --variable %s@%s reads a file, which is not imported; it stays {{%s}}", at, k, f, k)
	default:
		c.note("%s: --variable %q has no value; ignored", at, val)
	}
}

// curlURLEncodeArg applies --data-urlencode's rules: "content",
// "=content", "name=content", "@file" and "name@file".
func curlURLEncodeArg(c *curlConfig, val, opt, at string) (string, bool) {
	sep := strings.IndexByte(val, '=')
	if sep < 0 {
		sep = strings.IndexByte(val, '@')
	}
	if sep >= 0 && val[sep] == '@' {
		c.note("%s: %s %s reads a file, which cannot be read while importing; left out", at, opt, val)
		return "", false
	}
	name, content := "", val
	if sep >= 0 {
		name, content = val[:sep], val[sep+1:]
	}
	enc := curlEscape(content)
	if name != "" {
		return name + "=" + enc, true
	}
	return enc, true
}

// curlEscape is curl_easy_escape followed by %20 → +: every byte except
// ALPHA, DIGIT and -._~ is percent-encoded (RFC 3986 §2.3).
func curlEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '.', c == '_', c == '~':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// curlSplitCert splits -E file:password; \: and \\ escape.
func curlSplitCert(v string) (file, pass string) {
	if strings.HasPrefix(v, "pkcs11:") || !strings.ContainsAny(v, `:\`) {
		return v, ""
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			if i+1 < len(v) && (v[i+1] == ':' || v[i+1] == '\\') {
				b.WriteByte(v[i+1])
				i++
			} else {
				b.WriteByte('\\')
			}
		case ':':
			return b.String(), v[i+1:]
		default:
			b.WriteByte(v[i])
		}
	}
	return b.String(), ""
}

// addHeader reads -H: "Name: value", "Name;" (empty value), "Name:"
// (remove an internal header), @file.
func (c *curlConfig) addHeader(v, at string) {
	if strings.HasPrefix(v, "@") {
		c.note("%s: -H %s reads headers from a file, which is not imported", at, v)
		return
	}
	colon := strings.IndexByte(v, ':')
	semi := strings.IndexByte(v, ';')
	switch {
	case colon >= 0:
		name := strings.TrimSpace(v[:colon])
		value := strings.TrimSpace(v[colon+1:])
		if name == "" {
			c.note("%s: -H without a header name before ':'; ignored", at)
			return
		}
		if value == "" {
			c.removed = append(c.removed, name)
			c.note("%s: -H %q removes curl's own %s header; Knock sends its usual one", at, v, name)
			return
		}
		if name != v[:colon] {
			c.note("%s: -H %s: the blanks around the header name were removed", at, name)
		}
		c.headers = append(c.headers, storage.KeyValue{Key: name, Value: value, Enabled: true})
	case semi >= 0 && strings.TrimSpace(v[semi+1:]) == "":
		c.headers = append(c.headers, storage.KeyValue{Key: strings.TrimSpace(v[:semi]), Value: "", Enabled: true})
	default:
		c.note("%s: -H is not followed by a header (Name: value, no ':' found); ignored", at)
	}
}

func (c *curlConfig) hasHeader(name string) bool {
	for _, h := range c.headers {
		if strings.EqualFold(h.Key, name) {
			return true
		}
	}
	return false
}

// addForm reads one -F argument: name=value, name=@file[,file…],
// name=<file, with ;type=, ;filename=, ;headers= and ;encoder=.
func (c *curlConfig) addForm(v string, literal bool, at string) {
	name, rest, ok := strings.Cut(v, "=")
	if !ok {
		c.note("%s: -F %q has no '='; ignored", at, v)
		return
	}
	if literal {
		c.form = append(c.form, storage.FormPart{Key: name, Value: rest, Enabled: true})
		return
	}
	kind := byte(0)
	if rest != "" && (rest[0] == '@' || rest[0] == '<') {
		kind, rest = rest[0], rest[1:]
	}
	// Files of the legacy list form a,b,c each get their own ;type.
	var values []string
	if kind == '@' {
		values = curlSplitFormList(rest)
		if len(values) > 1 {
			c.note("%s: -F %s sends %d files in one multipart/mixed part; Knock sends them as %d parts named %q", at, curlClip(v, 50), len(values), len(values), name)
		}
	} else {
		values = []string{rest}
	}
	for _, item := range values {
		value, params := curlFormValue(item)
		part := storage.FormPart{Key: name, Enabled: true}
		for _, prm := range params {
			k, pv, _ := strings.Cut(prm, "=")
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "type":
				part.ContentType = pv
			case "filename":
				if pv != path.Base(value) {
					c.note("%s: -F %s: the file name %q sent for the part is not kept; Knock sends the file's own name", at, curlClip(v, 50), pv)
				}
			case "headers":
				c.note("%s: -F %s: the part header %q is not kept", at, curlClip(v, 50), pv)
			case "encoder":
				c.note("%s: -F %s: the encoder %q is not applied", at, curlClip(v, 50), pv)
			case "":
			default:
				// curl treats unknown ;params as part of the value.
				value += ";" + prm
			}
		}
		switch kind {
		case '@':
			part.File = value
		case '<':
			part.File = value
			c.note("%s: -F %s=<%s sends the file's text as a plain field; Knock sends it as a file part (with a file name)", at, name, value)
		default:
			part.Value = value
		}
		c.form = append(c.form, part)
	}
}

// curlSplitFormList splits a,b,c at commas outside double quotes.
func curlSplitFormList(s string) []string {
	var out []string
	inQ := false
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			inQ = !inQ
		case '\\':
			i++
		case ',':
			if !inQ {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// curlFormValue splits a -F value from its ;params. A value may be
// double-quoted, with \" and \\ escapes.
func curlFormValue(s string) (string, []string) {
	var value string
	rest := s
	if strings.HasPrefix(s, `"`) {
		var b strings.Builder
		i := 1
		for ; i < len(s); i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
				b.WriteByte(s[i])
				continue
			}
			if s[i] == '"' {
				i++
				break
			}
			b.WriteByte(s[i])
		}
		value, rest = b.String(), s[min(i, len(s)):]
	} else {
		cut := strings.IndexByte(s, ';')
		if cut < 0 {
			return s, nil
		}
		// Only ;type= ;filename= ;headers= ;encoder= split the value.
		for cut >= 0 {
			after := strings.ToLower(s[cut+1:])
			if strings.HasPrefix(after, "type=") || strings.HasPrefix(after, "filename=") ||
				strings.HasPrefix(after, "headers=") || strings.HasPrefix(after, "encoder=") {
				break
			}
			n := strings.IndexByte(s[cut+1:], ';')
			if n < 0 {
				cut = -1
				break
			}
			cut += 1 + n
		}
		if cut < 0 {
			return s, nil
		}
		value, rest = s[:cut], s[cut:]
	}
	var params []string
	for _, p := range strings.Split(rest, ";") {
		if strings.TrimSpace(p) != "" {
			params = append(params, strings.TrimSpace(p))
		}
	}
	return value, params
}

// requests builds the requests of one configuration: one per URL.
func (c *curlConfig) requests() ([]storage.Request, error) {
	if len(c.urls) == 0 {
		if c.method != "" || len(c.headers) > 0 || len(c.data) > 0 {
			return nil, fmt.Errorf("the command has no URL")
		}
		return nil, nil
	}
	var out []storage.Request
	for _, u := range c.urls {
		r, err := c.request(u)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func (c *curlConfig) request(rawURL string) (storage.Request, error) {
	r := storage.Request{}
	u := strings.TrimSpace(rawURL)
	if strings.TrimSpace(strings.SplitN(u, "#", 2)[0]) == "" {
		return r, fmt.Errorf("the URL %q is empty", u)
	}
	if !curlHasScheme(u) && !strings.HasPrefix(u, "{{") {
		if strings.ContainsAny(u, "[]{}") {
			c.note("the URL %q has no scheme, and curl would read its [ ] or { } as a glob pattern; edit it before sending", u)
		} else {
			c.note("the URL %q has no scheme; http:// was added, as curl does", u)
			u = "http://" + u
		}
	} else if strings.ContainsAny(u, "[]{}") && !strings.Contains(u, "{{") {
		c.note("the URL %q holds [ ] or { }, which curl expands as a glob pattern; Knock sends it as written", u)
	}
	// Credentials in the URL become Basic auth, so the password is kept in
	// the secret store rather than in the URL.
	var urlUser *url.Userinfo
	base, frag := u, ""
	if i := strings.IndexByte(u, '#'); i >= 0 {
		base, frag = u[:i], u[i:]
	}
	if pu, err := url.Parse(strings.TrimSpace(base)); err == nil && pu.User != nil && pu.Host != "" {
		if pu.User.String() != "" {
			urlUser = pu.User
		}
		pu.User = nil
		u = pu.String() + frag
	}
	if len(c.urlQuery) > 0 {
		u = curlAppendQuery(u, strings.Join(c.urlQuery, "&"))
	}
	if c.upload != "" && c.upload != "-" && c.upload != "." {
		if pu, err := url.Parse(u); err == nil && (pu.Path == "" || strings.HasSuffix(pu.Path, "/")) {
			pu.Path = strings.TrimSuffix(pu.Path, "/") + "/" + path.Base(c.upload)
			u = pu.String()
		}
	}

	// Method: -X wins; then -I, -T, data or form (POST), -G.
	method := "GET"
	switch {
	case c.head:
		method = "HEAD"
	case c.upload != "":
		method = "PUT"
	case (len(c.data) > 0 || len(c.form) > 0 || c.lostData) && !c.get:
		method = "POST"
	}
	if c.method != "" {
		if !curlIsToken(c.method) {
			return r, fmt.Errorf("-X %q is not a method: a method is a token of letters, digits and !#$%%&'*+-.^_`|~ (RFC 9110 §9.1)", c.method)
		}
		method = c.method
	}
	r.Method = method

	// Headers: -H first, then those curl adds when -H did not set them.
	r.Headers = append(r.Headers, c.headers...)
	addUnlessSet := func(name, value, opt string) {
		if value == "" {
			return
		}
		if c.hasHeader(name) {
			c.note("%s is not sent: curl lets the -H %s header replace it", opt, name)
			return
		}
		r.Headers = append(r.Headers, storage.KeyValue{Key: name, Value: value, Enabled: true})
	}
	if c.userAgent != nil {
		addUnlessSet("User-Agent", *c.userAgent, "-A")
	}
	if c.referer != nil {
		addUnlessSet("Referer", *c.referer, "-e")
	}
	if len(c.cookies) > 0 {
		addUnlessSet("Cookie", strings.Join(c.cookies, "; "), "-b")
	}
	if c.rangeHeader != "" {
		addUnlessSet("Range", c.rangeHeader, "-r")
	}

	if err := c.body(&r, &u); err != nil {
		return r, err
	}
	r.URL = u
	c.auth(&r, urlUser)
	c.settings(&r)
	r.Name = curlRequestName(r.Method, r.URL)
	return r, nil
}

// curlIsToken reports whether s is an RFC 9110 §5.6.2 token.
func curlIsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

var curlSchemeRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)

// curlHasScheme reports whether u starts with scheme:// (RFC 3986 §3.1).
func curlHasScheme(u string) bool { return curlSchemeRe.MatchString(u) }

func curlAppendQuery(u, q string) string {
	if q == "" {
		return u
	}
	frag := ""
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u, frag = u[:i], u[i:]
	}
	switch {
	case strings.HasSuffix(u, "?") || strings.HasSuffix(u, "&"):
		u += q
	case strings.Contains(u, "?"):
		u += "&" + q
	default:
		u += "?" + q
	}
	return u + frag
}

// body builds the body from the data, form and upload options.
func (c *curlConfig) body(r *storage.Request, u *string) error {
	contentType := ""
	for _, h := range r.Headers {
		if strings.EqualFold(h.Key, "Content-Type") {
			contentType = h.Value
		}
	}
	if len(c.data) > 0 && len(c.form) > 0 {
		return fmt.Errorf("-d and -F cannot be combined (curl refuses it too)")
	}
	switch {
	case len(c.form) > 0:
		if strings.HasPrefix(strings.ToLower(contentType), "multipart/form-data") && !strings.Contains(strings.ToLower(contentType), "boundary=") {
			r.Headers = curlWithoutHeader(r.Headers, "Content-Type")
			c.note("the Content-Type: %s header was left out: Knock sets it with the part boundary, as curl does", contentType)
		}
		r.Body = storage.Body{Mode: storage.BodyFormData, Multipart: c.form}
		if c.upload != "" {
			c.note("-T %s is ignored: the form is the body", c.upload)
		}
		return nil
	case len(c.data) > 0:
		var text strings.Builder
		var files []string
		for i, d := range c.data {
			if i > 0 && d.opt != "json" {
				text.WriteByte('&')
			}
			if d.file != "" {
				files = append(files, d.file)
				continue
			}
			text.WriteString(d.text)
		}
		if c.get {
			if len(files) > 0 {
				c.note("-G with data from a file (@%s) cannot be read while importing; that part of the query is left out", strings.Join(files, ", @"))
			}
			*u = curlAppendQuery(*u, strings.Trim(text.String(), "&"))
			return nil
		}
		if c.sawJSON {
			if !c.hasHeader("Content-Type") {
				r.Headers = append(r.Headers, storage.KeyValue{Key: "Content-Type", Value: "application/json", Enabled: true})
				contentType = "application/json"
			}
			if !c.hasHeader("Accept") {
				r.Headers = append(r.Headers, storage.KeyValue{Key: "Accept", Value: "application/json", Enabled: true})
			}
		}
		if contentType == "" {
			contentType = "application/x-www-form-urlencoded" // what curl sends with -d
		}
		if len(files) > 0 {
			if len(files) > 1 || len(c.data) > 1 {
				c.note("data from the file @%s is mixed with other data; Knock sends only the file", files[0])
			}
			if d := c.data[0]; d.opt == "data" || d.opt == "data-ascii" {
				c.note("-d @%s: curl strips the file's line breaks; Knock sends the file unchanged (use --data-binary to compare)", files[0])
			}
			r.Body = storage.Body{Mode: storage.BodyFile, File: files[0], ContentType: contentType}
			return nil
		}
		r.Body = storage.Body{Mode: storage.BodyRaw, Raw: text.String(), ContentType: contentType}
		if c.upload != "" {
			c.note("-T %s is ignored: the data is the body", c.upload)
		}
		return nil
	case c.upload != "":
		if c.upload == "-" || c.upload == "." {
			c.note("-T %s uploads standard input, which is not imported; choose a body file", c.upload)
			return nil
		}
		r.Body = storage.Body{Mode: storage.BodyFile, File: c.upload, ContentType: contentType}
	}
	return nil
}

func curlWithoutHeader(h []storage.KeyValue, name string) []storage.KeyValue {
	out := h[:0:0]
	for _, kv := range h {
		if !strings.EqualFold(kv.Key, name) {
			out = append(out, kv)
		}
	}
	return out
}

// auth maps -u and the auth options to an AuthSpec.
func (c *curlConfig) auth(r *storage.Request, urlUser *url.Userinfo) {
	user, pass, haveUser := "", "", false
	if c.user != nil {
		user, pass, _ = strings.Cut(*c.user, ":")
		haveUser = true
		if !strings.Contains(*c.user, ":") && c.authType != "negotiate" {
			c.note("-u %s has no password: curl would ask for it; enter it in the auth tab", user)
		}
	} else if urlUser != nil {
		user = urlUser.Username()
		pass, _ = urlUser.Password()
		haveUser = true
		c.note("the user name and password in the URL were moved to Basic auth, so the password is kept in the secret store")
	}
	switch {
	case c.awsSigv4 != "":
		parts := strings.Split(c.awsSigv4, ":")
		params := map[string]string{"accessKey": user, "secretKey": pass}
		if len(parts) >= 3 {
			params["region"] = parts[2]
		}
		if len(parts) >= 4 {
			params["service"] = parts[3]
		}
		if parts[0] != "aws" && parts[0] != "" {
			c.note("--aws-sigv4 %s: the provider %q is signed as AWS SigV4 (the AWS4-HMAC-SHA256 algorithm)", c.awsSigv4, parts[0])
		}
		// The session token curl users pass as a header belongs to the
		// signature (X-Amz-Security-Token is signed).
		for i, h := range r.Headers {
			if strings.EqualFold(h.Key, "X-Amz-Security-Token") {
				params["sessionToken"] = h.Value
				r.Headers = append(r.Headers[:i:i], r.Headers[i+1:]...)
				break
			}
		}
		r.Auth = storage.AuthSpec{Type: "awsv4", Params: params}
	case c.bearer != "":
		r.Auth = storage.AuthSpec{Type: "bearer", Params: map[string]string{"token": c.bearer}}
	case haveUser:
		typ := c.authType
		switch typ {
		case "", "basic":
			typ = "basic"
		case "anyauth":
			c.note("--anyauth: Knock does not pick the scheme from the server's challenge; Basic was chosen, change it in the auth tab if the server wants Digest, NTLM or Negotiate")
			typ = "basic"
		case "ntlm-wb":
			typ = "ntlm"
		}
		params := map[string]string{"username": user, "password": pass}
		if typ == "ntlm" {
			if d, u, ok := strings.Cut(user, `\`); ok {
				params["domain"], params["username"] = d, u
			}
		}
		r.Auth = storage.AuthSpec{Type: typ, Params: params}
	case c.authType == "negotiate":
		r.Auth = storage.AuthSpec{Type: "negotiate", Params: map[string]string{}}
	case c.netrc != "":
		params := map[string]string{}
		if c.netrcFile != "" {
			params["file"] = c.netrcFile
		}
		if c.netrc == "optional" {
			params["implicit"] = "true"
		}
		r.Auth = storage.AuthSpec{Type: "netrc", Params: params}
	case c.authType != "":
		c.note("--%s without -u sends no credentials; no auth was set", c.authType)
	}
	if c.bearer != "" && haveUser && c.awsSigv4 == "" {
		c.note("-u is not used: --oauth2-bearer sets the Authorization header")
	}
}

func (c *curlConfig) settings(r *storage.Request) {
	s := &r.Settings
	s.Insecure = c.insecure
	s.CAFile = c.caFile
	s.ClientCert = c.cert
	s.ClientKey = c.key
	s.ClientCertPassword = c.certPass
	if !c.location {
		s.NoFollow = true // curl follows redirects only with -L
	}
	if c.maxRedirs >= 0 {
		s.MaxRedirects = c.maxRedirs
		if c.maxRedirs == 0 {
			s.NoFollow = true
		}
	}
	s.TimeoutMs = int64(c.maxTime * 1000)
	s.ConnectTimeoutMs = int64(c.connectTimeout * 1000)
	if c.proxy != "" {
		p := c.proxy
		if !strings.Contains(p, "://") {
			p = "http://" + p // curl's default proxy scheme
		}
		s.Proxy = p
	}
	if c.proxyUser != nil {
		user, pass, _ := strings.Cut(*c.proxyUser, ":")
		typ := c.proxyAuthType
		if typ == "" || typ == "anyauth" {
			typ = "basic"
		}
		params := map[string]string{"username": user, "password": pass}
		if typ == "ntlm" {
			if d, u, ok := strings.Cut(user, `\`); ok {
				params["domain"], params["username"] = d, u
			}
		}
		s.ProxyAuth = &storage.AuthSpec{Type: typ, Params: params}
		if typ != "basic" {
			c.note("--proxy-%s: Knock authenticates to proxies with Basic only for now; the proxy auth is kept as %s", typ, typ)
		}
		if c.proxy == "" {
			c.note("-U without -x: the proxy comes from HTTP_PROXY/HTTPS_PROXY")
		}
	}
}

// curlRequestName names an imported request: "POST example.com/path".
func curlRequestName(method, u string) string {
	name := u
	if pu, err := url.Parse(u); err == nil && pu.Host != "" {
		name = pu.Host + pu.EscapedPath()
	}
	return method + " " + curlClip(name, 80)
}

// curlDetect recognises a file whose first command is curl.
func curlDetect(name string, data []byte) bool {
	lower := strings.ToLower(name)
	if strings.HasSuffix(lower, ".curl") {
		return true
	}
	for _, line := range strings.SplitN(string(data[:min(len(data), 64<<10)]), "\n", 200) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(strings.TrimPrefix(line, "$ "), "% ")
		return strings.HasPrefix(line, "curl ") || strings.HasPrefix(line, "curl\t")
	}
	return false
}

// curlImport reads a file of curl commands: one request per command (or
// per URL), comments above a command as its description.
func curlImport(name string, data []byte) (*Result, error) {
	if len(data) > curlMaxInput {
		return nil, fmt.Errorf("the file is %d bytes; at most %d are read", len(data), curlMaxInput)
	}
	cmds, err := curlSplitCommands(strings.TrimPrefix(string(data), "\ufeff"))
	if err != nil {
		return nil, err
	}
	res := &Result{Collection: &storage.Collection{Name: curlBaseName(name)}}
	var firstErr error
	for i, cmd := range cmds {
		item := fmt.Sprintf("command %d (line %d)", i+1, cmd.line)
		if cmd.piped {
			res.Report.Skipf(item, "output piped to %q: ignored", cmd.words[0].text)
			continue
		}
		reqs, warnings, err := curlParseCommand(cmd)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			res.Report.Skipf(item, "%v", err)
			continue
		}
		for _, w := range warnings {
			res.Report.Skipf(item, "%s", w)
		}
		for _, r := range reqs {
			r := r
			res.Items = append(res.Items, storage.TreeItem{Request: &r})
			res.Report.Imported = append(res.Report.Imported, r.Name)
		}
	}
	if len(res.Items) == 0 {
		if firstErr != nil {
			return nil, firstErr
		}
		return nil, fmt.Errorf("no curl command found")
	}
	return res, nil
}

// curlBaseName is a file name without its directory and extension, as
// a collection name.
func curlBaseName(name string) string {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	if ext := path.Ext(base); ext != "" && ext != base {
		base = strings.TrimSuffix(base, ext)
	}
	if base == "" || base == "." || base == "/" {
		return "Imported"
	}
	return base
}
