package engine

// TLS: verified by default, a per-request switch to turn it off, custom
// CA files, the connection details a Response reports, and client
// certificates in PEM and PKCS#12.

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
)

var loopbackIP = []net.IP{net.IPv4(127, 0, 0, 1)}

func okHandler(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }

func TestTLSSelfSignedIsRefusedWithAWayToTrustIt(t *testing.T) {
	cert, _ := (*testCA)(nil).issue(t, leafSpec{CN: "self.knock.test", IPs: loopbackIP})
	srv := newTLSServer(t, cert, nil, http.HandlerFunc(okHandler))
	sendErr(t, newTestEngine(t), get(srv.URL), Options{}, KindTLS,
		"is self-signed", `subject "CN=self.knock.test,O=Knock Leaf"`, "--cacert", "--insecure", srv.Listener.Addr().String())

	// httptest's own certificate is a self-signed CA.
	srv2 := httptest.NewUnstartedServer(http.HandlerFunc(okHandler))
	srv2.Config.ErrorLog = discardLogger()
	srv2.StartTLS()
	t.Cleanup(srv2.Close)
	sendErr(t, newTestEngine(t), get(srv2.URL), Options{}, KindTLS, "is self-signed", "--cacert", "--insecure")
}

func TestTLSUnknownAuthority(t *testing.T) {
	ca := newTestCA(t, "Untrusted CA")
	cert, _ := ca.issue(t, leafSpec{CN: "leaf", IPs: loopbackIP})
	srv := newTLSServer(t, cert, nil, http.HandlerFunc(okHandler))
	sendErr(t, newTestEngine(t), get(srv.URL), Options{}, KindTLS,
		"signed by an unknown authority", `issuer "CN=Untrusted CA,O=Knock Tests"`, "--cacert", "--insecure")
}

func TestTLSInsecureIsPerRequestAndWarns(t *testing.T) {
	cert, _ := (*testCA)(nil).issue(t, leafSpec{CN: "self", IPs: loopbackIP})
	srv := newTLSServer(t, cert, nil, http.HandlerFunc(okHandler))
	e := newTestEngine(t)
	resp := mustSend(t, e, storage.Request{URL: srv.URL, Settings: storage.Settings{Insecure: true}}, Options{})
	if resp.Status != 200 || resp.TLS == nil || resp.TLS.Verified {
		t.Fatalf("status %d TLS %+v: want 200 over unverified TLS", resp.Status, resp.TLS)
	}
	found := false
	for _, w := range resp.Warnings {
		found = found || strings.Contains(w, "TLS certificate verification is off")
	}
	if !found {
		t.Errorf("Warnings %q do not say verification is off", resp.Warnings)
	}
	// The next request without the switch is verified again, on the same Engine.
	sendErr(t, e, get(srv.URL), Options{}, KindTLS, "self-signed")
	// Plain http has no TLS to warn about.
	plain := newRecServer(t, nil)
	resp = mustSend(t, e, storage.Request{URL: plain.URL, Settings: storage.Settings{Insecure: true}}, Options{})
	if len(resp.Warnings) != 0 || resp.TLS != nil {
		t.Errorf("plain http: Warnings %q TLS %+v", resp.Warnings, resp.TLS)
	}
}

func TestTLSCAFileTrustsAServerAndReportsItsCertificate(t *testing.T) {
	ca := newTestCA(t, "Knock Test CA")
	notAfter := time.Date(2035, time.June, 30, 12, 0, 0, 0, time.UTC)
	cert, leaf := ca.issue(t, leafSpec{CN: "knock-tls-test", DNSNames: []string{"localhost"}, IPs: loopbackIP, NotAfter: notAfter})
	var mu sync.Mutex
	var seen tls.ConnectionState
	srv := newTLSServer(t, cert, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = *r.TLS
		mu.Unlock()
		w.Write([]byte("trusted"))
	}))
	resp := mustSend(t, newTestEngine(t), storage.Request{URL: srv.URL, Settings: storage.Settings{CAFile: ca.pemPath}}, Options{})
	if bodyText(t, resp) != "trusted" {
		t.Fatalf("body %q", bodyText(t, resp))
	}
	info := resp.TLS
	if info == nil {
		t.Fatal("no TLS info")
	}
	mu.Lock()
	defer mu.Unlock()
	if info.Version != "TLS 1.3" || info.Version != tls.VersionName(seen.Version) {
		t.Errorf("Version %q, server negotiated %q", info.Version, tls.VersionName(seen.Version))
	}
	if info.CipherSuite == "" || info.CipherSuite != tls.CipherSuiteName(seen.CipherSuite) {
		t.Errorf("CipherSuite %q, server negotiated %q", info.CipherSuite, tls.CipherSuiteName(seen.CipherSuite))
	}
	if info.Subject != "CN=knock-tls-test,O=Knock Leaf" || info.Issuer != "CN=Knock Test CA,O=Knock Tests" {
		t.Errorf("Subject %q Issuer %q", info.Subject, info.Issuer)
	}
	if !info.NotAfter.Equal(notAfter) || !info.NotBefore.Equal(leaf.NotBefore) {
		t.Errorf("NotAfter %v NotBefore %v, want %v and %v", info.NotAfter, info.NotBefore, notAfter, leaf.NotBefore)
	}
	if !info.Verified || len(info.DNSNames) != 1 || info.DNSNames[0] != "localhost" {
		t.Errorf("Verified %v DNSNames %q", info.Verified, info.DNSNames)
	}
	if resp.Proto != "HTTP/1.1" {
		t.Errorf("Proto %q", resp.Proto)
	}
}

func TestTLSHTTP2IsNegotiated(t *testing.T) {
	ca := newTestCA(t, "Knock H2 CA")
	cert, _ := ca.issue(t, leafSpec{CN: "h2", IPs: loopbackIP})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(r.Proto)) }))
	srv.EnableHTTP2 = true
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	resp := mustSend(t, newTestEngine(t), storage.Request{URL: srv.URL, Settings: storage.Settings{CAFile: ca.pemPath}}, Options{})
	if resp.Proto != "HTTP/2.0" || bodyText(t, resp) != "HTTP/2.0" || resp.TLS.ALPN != "h2" {
		t.Errorf("Proto %q body %q ALPN %q", resp.Proto, bodyText(t, resp), resp.TLS.ALPN)
	}
}

func TestTLSCertificateProblemsAreNamed(t *testing.T) {
	ca := newTestCA(t, "Knock Test CA")
	e := newTestEngine(t)
	wrongName, _ := ca.issue(t, leafSpec{CN: "other", DNSNames: []string{"other.knock.test"}})
	srv := newTLSServer(t, wrongName, nil, http.HandlerFunc(okHandler))
	sendErr(t, e, storage.Request{URL: srv.URL, Settings: storage.Settings{CAFile: ca.pemPath}}, Options{}, KindTLS,
		"not valid for that name", "other.knock.test")

	expired, _ := ca.issue(t, leafSpec{CN: "old", IPs: loopbackIP, NotAfter: time.Now().Add(-time.Minute)})
	srv = newTLSServer(t, expired, nil, http.HandlerFunc(okHandler))
	sendErr(t, e, storage.Request{URL: srv.URL, Settings: storage.Settings{CAFile: ca.pemPath}}, Options{}, KindTLS,
		"invalid", "expired")

	// An http server spoken to with https.
	plain := newRecServer(t, nil)
	sendErr(t, e, get(strings.Replace(plain.URL, "http:", "https:", 1)), Options{}, KindTLS, "did not answer with TLS", "http://")
}

func TestTLSBadCAFile(t *testing.T) {
	srv := newRecServer(t, nil)
	e := newTestEngine(t)
	dir := t.TempDir()
	sendErr(t, e, storage.Request{URL: srv.URL, Settings: storage.Settings{CAFile: filepath.Join(dir, "missing.pem")}}, Options{},
		KindTLS, "CA file", "missing.pem", "no such file")
	notPEM := filepath.Join(dir, "not.pem")
	writeFile(t, notPEM, []byte("hello"))
	sendErr(t, e, storage.Request{URL: srv.URL, Settings: storage.Settings{CAFile: notPEM}}, Options{}, KindTLS, "holds no PEM certificate")
	if srv.count() != 0 {
		t.Error("a request went out with a broken TLS configuration")
	}
}

// clientCertServer requires a client certificate signed by clientCA and
// answers with its common name.
func clientCertServer(t *testing.T, clientCA *testCA) (*httptest.Server, string) {
	serverCA := newTestCA(t, "Knock Server CA")
	cert, _ := serverCA.issue(t, leafSpec{CN: "mtls", IPs: loopbackIP})
	pool := x509.NewCertPool()
	pool.AddCert(clientCA.cert)
	srv := newTLSServer(t, cert, &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool},
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("hello " + r.TLS.PeerCertificates[0].Subject.CommonName))
		}))
	return srv, serverCA.pemPath
}

func TestTLSClientCertificates(t *testing.T) {
	clientCA := newTestCA(t, "Knock Client CA")
	srv, serverCA := clientCertServer(t, clientCA)
	dir := t.TempDir()
	cert, leaf := clientCA.issue(t, leafSpec{CN: "alice-client", Client: true})
	certPEM := pemBlock("CERTIFICATE", cert.Certificate[0])
	key := keyPEM(t, cert)

	certFile, keyFile := filepath.Join(dir, "client.crt"), filepath.Join(dir, "client.key")
	writeFile(t, certFile, certPEM)
	writeFile(t, keyFile, key)
	bundle := filepath.Join(dir, "bundle.pem")
	writeFile(t, bundle, append(append([]byte{}, certPEM...), key...))
	p12, err := pkcs12.Modern.Encode(cert.PrivateKey, leaf, []*x509.Certificate{clientCA.cert}, "p12-pass")
	if err != nil {
		t.Fatal(err)
	}
	p12File := filepath.Join(dir, "client.p12")
	writeFile(t, p12File, p12)

	cases := []struct {
		name string
		s    storage.Settings
	}{
		{"PEM cert and key files", storage.Settings{ClientCert: certFile, ClientKey: keyFile}},
		{"PEM key inside the cert file", storage.Settings{ClientCert: bundle}},
		{"PKCS#12 with a passphrase", storage.Settings{ClientCert: p12File, ClientCertPassword: "p12-pass"}},
	}
	e := newTestEngine(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.s.CAFile = serverCA
			resp := mustSend(t, e, storage.Request{URL: srv.URL, Settings: tc.s}, Options{})
			if got := bodyText(t, resp); got != "hello alice-client" {
				t.Errorf("server answered %q", got)
			}
		})
	}

	t.Run("per-host certificate from the options", func(t *testing.T) {
		opt := Options{ClientCerts: []authlib.ClientCert{
			{Host: "*.elsewhere.test", CertFile: "/nonexistent"},
			{Host: "127.0.0.1", CertFile: p12File, Password: "p12-pass"},
		}}
		resp := mustSend(t, e, storage.Request{URL: srv.URL, Settings: storage.Settings{CAFile: serverCA}}, opt)
		if got := bodyText(t, resp); got != "hello alice-client" {
			t.Errorf("server answered %q", got)
		}
	})

	t.Run("wrong PKCS#12 password", func(t *testing.T) {
		s := storage.Settings{CAFile: serverCA, ClientCert: p12File, ClientCertPassword: "wrong"}
		err := sendErr(t, e, storage.Request{URL: srv.URL, Settings: s}, Options{}, KindTLS, "client.p12", "wrong PKCS#12 password")
		if strings.Contains(err.Msg, "p12-pass") || strings.Contains(err.Msg, "wrong\"") {
			t.Errorf("the message shows a password: %s", err.Msg)
		}
	})

	t.Run("no client certificate", func(t *testing.T) {
		sendErr(t, e, storage.Request{URL: srv.URL, Settings: storage.Settings{CAFile: serverCA}}, Options{}, KindTLS,
			"client certificate", "--cert")
	})

	t.Run("certificate from another CA", func(t *testing.T) {
		other := newTestCA(t, "Other CA")
		c, _ := other.issue(t, leafSpec{CN: "mallory", Client: true})
		f := filepath.Join(t.TempDir(), "mallory.pem")
		writeFile(t, f, append(pemBlock("CERTIFICATE", c.Certificate[0]), keyPEM(t, c)...))
		sendErr(t, e, storage.Request{URL: srv.URL, Settings: storage.Settings{CAFile: serverCA, ClientCert: f}}, Options{}, KindTLS,
			"client certificate")
	})
}
