package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/knockhttp/knock/app/engine"
	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/exchange"
)

// sendFlags are the flags of `knock send`.
type sendFlags struct {
	method       string
	headers      listFlag
	data         listFlag
	dataBinary   listFlag
	user         string
	auth         string
	authParams   listFlag
	insecure     bool
	cacert       string
	cert         string
	key          string
	certPassword string
	proxy        string
	proxyAuth    string
	proxyUser    string
	timeout      time.Duration
	connTimeout  time.Duration
	noFollow     bool
	maxRedirects int
	output       string
	envFile      string
	requestFile  string
	trace        bool
	failOnError  bool
	noNetrc      bool
}

func (f *sendFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.method, "X", "", "request `METHOD` (any token: GET, POST, PURGE, PROPFIND, …)")
	fs.Var(&f.headers, "H", "add a header, `'Name: value'` (repeatable)")
	fs.Var(&f.data, "d", "send `DATA` as the body (repeatable, joined with &); @FILE reads a file, without newlines, as curl does. Implies POST and a form content type unless -X or -H say otherwise")
	fs.Var(&f.dataBinary, "data-binary", "send `DATA` as the body exactly; @FILE reads a file as it is")
	fs.StringVar(&f.user, "u", "", "`user:password` for the auth method (Basic unless --auth says otherwise)")
	fs.StringVar(&f.auth, "auth", "", "auth method `TYPE` (see the list below)")
	fs.Var(&f.authParams, "auth-param", "auth parameter `name=value` (repeatable); value @FILE reads a file")
	fs.BoolVar(&f.insecure, "insecure", false, "do not verify the server's TLS certificate")
	fs.StringVar(&f.cacert, "cacert", "", "trust the CA certificates in PEM `FILE`, on top of the system's")
	fs.StringVar(&f.cert, "cert", "", "client certificate `FILE`: PEM (with --key, or key inside) or PKCS#12")
	fs.StringVar(&f.key, "key", "", "client private key PEM `FILE`")
	fs.StringVar(&f.certPassword, "cert-password", "", "`PASSWORD` of a PKCS#12 client certificate; @FILE reads it from a file")
	fs.StringVar(&f.proxy, "proxy", "", "send through the proxy `URL`, http://[user:password@]host:port (default: HTTP_PROXY, HTTPS_PROXY, NO_PROXY)")
	fs.StringVar(&f.proxyAuth, "proxy-auth", "", "authenticate to the proxy with `TYPE`: basic (default with --proxy-user), digest or ntlm")
	fs.StringVar(&f.proxyUser, "proxy-user", "", "`user:password` for the proxy (NTLM: DOMAIN\\user:password); @FILE reads it")
	fs.DurationVar(&f.timeout, "timeout", 0, "total timeout, e.g. 30s (default none)")
	fs.DurationVar(&f.connTimeout, "connect-timeout", 0, "connect timeout (default 30s)")
	fs.BoolVar(&f.noFollow, "no-follow", false, "do not follow redirects")
	fs.IntVar(&f.maxRedirects, "max-redirects", engine.DefaultMaxRedirects, "follow at most `N` redirects")
	fs.StringVar(&f.output, "o", "", "stream the body to `FILE` instead of stdout (- is stdout)")
	fs.StringVar(&f.envFile, "e", "", "variables for {{name}} from `ENVFILE`: a Postman environment, a JSON object, or NAME=value lines")
	fs.StringVar(&f.requestFile, "file", "", "send the request in native request `FILE`; flags and URL override its fields")
	fs.BoolVar(&f.trace, "trace", false, "also print timings, the redirect chain and the auth steps (secrets masked) to stderr")
	fs.BoolVar(&f.failOnError, "fail", false, "exit 22 when the status is 400 or higher")
	fs.BoolVar(&f.noNetrc, "no-netrc", false, "do not use ~/.netrc credentials")
}

func runSend(args []string, stdout, stderr io.Writer) int {
	var f sendFlags
	fs := flag.NewFlagSet("knock send", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f.register(fs)
	positional, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		sendHelp(stdout, fs)
		return 0
	}
	if err != nil {
		return fail(stderr, "%v (see knock send --help)", err)
	}
	if len(positional) > 1 {
		return fail(stderr, "one URL expected, got %d: %s", len(positional), strings.Join(positional, " "))
	}
	req, err := f.request(positional)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	vars, err := f.variables()
	if err != nil {
		return fail(stderr, "%v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	// One trace for the whole command, so that --trace also shows the
	// steps of an OAuth 2 token fetched before the send (the browser and
	// device grants).
	trace := &authlib.Trace{}
	opt := engine.Options{Vars: vars, Netrc: !f.noNetrc, Trace: trace}
	var out *os.File
	if f.output != "" && f.output != "-" {
		out, err = os.Create(f.output)
		if err != nil {
			return fail(stderr, "%v", err)
		}
		defer out.Close()
		opt.Sink = out
	} else {
		opt.Sink = stdout
	}
	opt.OnHeader = func(r *engine.Response) { writeHead(stdout, r) }
	eng := engine.New()
	if err := ensureOAuth2Token(authlib.WithTrace(ctx, trace), req.Auth, vars, eng.HTTPClient(req.Settings, nil), stderr); err != nil {
		return fail(stderr, "%v", err)
	}
	bar := newProgressBar(stderr)
	opt.Progress = bar.update

	resp, err := eng.Send(ctx, req, opt)
	bar.finish()
	if err != nil {
		if out != nil {
			out.Close()
			os.Remove(f.output)
		}
		return fail(stderr, "%v", err)
	}
	for _, w := range resp.Warnings {
		fmt.Fprintln(stderr, "knock: warning: "+w)
	}
	if f.trace {
		writeTrace(stderr, resp)
	}
	if f.failOnError && resp.Status >= 400 {
		return 22
	}
	return 0
}

// request builds the request from --file, the flags and the URL.
func (f *sendFlags) request(positional []string) (storage.Request, error) {
	var req storage.Request
	var missing []string
	if f.requestFile != "" {
		r, err := exchange.ReadRequestFile(f.requestFile)
		if err != nil {
			return req, err
		}
		// Secret references (auth, headers, certificate and proxy
		// passwords) are filled from KNOCK_SECRET_* variables; the auth
		// ones may also come from --auth-param, checked in authSpec.
		if missing, err = exchange.FillRequestSecrets(&r, os.LookupEnv); err != nil {
			return req, fmt.Errorf("%s: %w", f.requestFile, err)
		}
		req = r
	}
	if len(positional) == 1 {
		req.URL = positional[0]
	}
	if req.URL == "" {
		return req, errors.New("no URL given (see knock send --help)")
	}
	for _, h := range f.headers {
		name, value, err := splitHeader(h)
		if err != nil {
			return req, err
		}
		req.Headers = append(req.Headers, storage.KeyValue{Key: name, Value: value, Enabled: true})
	}
	if err := f.body(&req); err != nil {
		return req, err
	}
	if f.method != "" {
		req.Method = f.method
	}
	if req.Method == "" {
		req.Method = "GET"
	}
	if err := f.authSpec(&req, missing); err != nil {
		return req, err
	}
	s := &req.Settings
	s.Insecure = s.Insecure || f.insecure
	if f.cacert != "" {
		s.CAFile = f.cacert
	}
	if f.cert != "" {
		s.ClientCert, s.ClientKey = f.cert, f.key
	}
	if f.certPassword != "" {
		pw, err := readAtFile(f.certPassword)
		if err != nil {
			return req, fmt.Errorf("--cert-password: %w", err)
		}
		s.ClientCertPassword = strings.TrimRight(pw, "\r\n")
	}
	if f.proxy != "" {
		s.Proxy = f.proxy
	}
	if f.proxyAuth != "" || f.proxyUser != "" {
		pa, err := f.proxyAuthSpec()
		if err != nil {
			return req, err
		}
		s.ProxyAuth = pa
	}
	if f.timeout > 0 {
		s.TimeoutMs = f.timeout.Milliseconds()
	}
	if f.connTimeout > 0 {
		s.ConnectTimeoutMs = f.connTimeout.Milliseconds()
	}
	s.NoFollow = s.NoFollow || f.noFollow
	if f.maxRedirects != engine.DefaultMaxRedirects || s.MaxRedirects == 0 {
		if f.maxRedirects < 0 {
			return req, errors.New("--max-redirects must be 0 or more")
		}
		s.MaxRedirects = f.maxRedirects
		if f.maxRedirects == 0 {
			s.NoFollow = true
		}
	}
	s.NoNetrc = s.NoNetrc || f.noNetrc
	return req, nil
}

// authParamFor names the auth parameter a missing secret reference stands
// for, or "" when it is not an auth secret.
func authParamFor(a storage.AuthSpec, ref string) string {
	for param, r := range a.SecretRefs {
		if r == ref {
			return param
		}
	}
	for param := range a.Params {
		if exchange.SecretEnvName(param) == ref {
			return param
		}
	}
	return ""
}

// proxyAuthSpec builds the proxy's auth from --proxy-auth and --proxy-user.
func (f *sendFlags) proxyAuthSpec() (*storage.AuthSpec, error) {
	typ := strings.ToLower(f.proxyAuth)
	if typ == "" {
		typ = "basic"
	}
	switch typ {
	case "basic", "digest", "ntlm":
	default:
		return nil, fmt.Errorf("unknown --proxy-auth %q: want basic, digest or ntlm", f.proxyAuth)
	}
	if f.proxyUser == "" {
		return nil, fmt.Errorf("--proxy-auth %s needs --proxy-user user:password", typ)
	}
	cred, err := readAtFile(f.proxyUser)
	if err != nil {
		return nil, fmt.Errorf("--proxy-user: %w", err)
	}
	user, pw, _ := strings.Cut(strings.TrimRight(cred, "\r\n"), ":")
	return &storage.AuthSpec{Type: typ, Params: map[string]string{"username": user, "password": pw}}, nil
}

// body applies -d and --data-binary.
func (f *sendFlags) body(req *storage.Request) error {
	if len(f.data) == 0 && len(f.dataBinary) == 0 {
		return nil
	}
	var parts []string
	for _, d := range f.data {
		v, err := readAtFile(d)
		if err != nil {
			return fmt.Errorf("-d: %w", err)
		}
		if strings.HasPrefix(d, "@") {
			v = strings.NewReplacer("\r", "", "\n", "").Replace(v)
		}
		parts = append(parts, v)
	}
	for _, d := range f.dataBinary {
		v, err := readAtFile(d)
		if err != nil {
			return fmt.Errorf("--data-binary: %w", err)
		}
		parts = append(parts, v)
	}
	req.Body = storage.Body{Mode: storage.BodyRaw, Raw: strings.Join(parts, "&"), ContentType: "application/x-www-form-urlencoded"}
	if req.Method == "" {
		req.Method = "POST"
	}
	return nil
}

// authSpec applies -u, --auth and --auth-param. Secret parameters of a
// request file that are missing are read from KNOCK_SECRET_<NAME>.
func (f *sendFlags) authSpec(req *storage.Request, missing []string) error {
	a := &req.Auth
	if f.auth != "" {
		if _, ok := authlib.Lookup(f.auth); !ok {
			var names []string
			for _, m := range authlib.Methods() {
				names = append(names, m.Type)
			}
			return fmt.Errorf("unknown --auth %q (known: %s)", f.auth, strings.Join(names, ", "))
		}
		if !strings.EqualFold(a.Type, f.auth) {
			a.Params = nil
		}
		a.Type = strings.ToLower(f.auth)
	}
	if a.Params == nil {
		a.Params = map[string]string{}
	}
	if f.user != "" {
		if a.IsNone() {
			a.Type = "basic"
		}
		user, pw, _ := strings.Cut(f.user, ":")
		a.Params["username"] = user
		a.Params["password"] = pw
	}
	for _, p := range f.authParams {
		name, value, ok := strings.Cut(p, "=")
		if !ok || name == "" {
			return fmt.Errorf("bad --auth-param %q: want name=value", p)
		}
		v, err := readAtFile(value)
		if err != nil {
			return fmt.Errorf("--auth-param %s: %w", name, err)
		}
		a.Params[name] = v
	}
	for _, name := range missing {
		param := authParamFor(req.Auth, name)
		if param != "" && a.Params[param] != "" {
			continue // given with --auth-param
		}
		if param != "" {
			return fmt.Errorf("the request file needs the secret %q of its %s auth: pass --auth-param %s=VALUE or set %s", param, a.Type, param, name)
		}
		return fmt.Errorf("the request file needs the secret %s: set it in the environment", name)
	}
	if len(f.authParams) > 0 && a.IsNone() {
		return errors.New("--auth-param given without --auth TYPE")
	}
	return nil
}

func (f *sendFlags) variables() (engine.Variables, error) {
	if f.envFile == "" {
		return engine.Variables{}, nil
	}
	env, err := readEnvFile(f.envFile)
	if err != nil {
		return engine.Variables{}, err
	}
	return engine.Variables{Environment: env}, nil
}
