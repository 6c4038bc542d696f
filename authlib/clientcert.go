package authlib

// TLS client certificates (RFC 8446 §4.4.2), chosen per host.
//
// Supported: a PEM certificate chain with a PEM private key (PKCS#1, PKCS#8
// or SEC 1; the key may sit in the same file as the certificate), and a
// PKCS#12 (.p12/.pfx) bundle with a passphrase, decoded with
// software.sslmate.com/src/go-pkcs12. Encrypted PEM keys (RFC 1423
// "Proc-Type: 4,ENCRYPTED") are refused with a message to convert them,
// because Go deprecated that insecure format.

import (
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path"
	"strings"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// ClientCert names the files of one client certificate.
type ClientCert struct {
	// Host selects the hosts this certificate is used for: an exact host
	// name, or a pattern such as "*.example.com". Empty matches every host.
	Host     string `json:"host,omitempty"`
	CertFile string `json:"certFile"`
	KeyFile  string `json:"keyFile,omitempty"`
	// Password unlocks a PKCS#12 file. It is a secret.
	Password string `json:"password,omitempty"`
}

// Matches reports whether c is meant for host (no port).
func (c ClientCert) Matches(host string) bool {
	if c.Host == "" {
		return true
	}
	ok, err := path.Match(strings.ToLower(c.Host), strings.ToLower(host))
	return err == nil && ok
}

// SelectClientCert returns the first certificate in list that matches host.
func SelectClientCert(list []ClientCert, host string) (ClientCert, bool) {
	for _, c := range list {
		if c.Matches(host) {
			return c, true
		}
	}
	return ClientCert{}, false
}

// Load reads the certificate and its key. A file that starts with a PEM
// block is read as PEM; anything else as PKCS#12.
func (c ClientCert) Load() (tls.Certificate, error) {
	data, err := os.ReadFile(c.CertFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("authlib: client certificate: %w", err)
	}
	if !isPEM(data) {
		return loadPKCS12(c.CertFile, data, c.Password)
	}
	keyData := data
	if c.KeyFile != "" {
		if keyData, err = os.ReadFile(c.KeyFile); err != nil {
			return tls.Certificate{}, fmt.Errorf("authlib: client key: %w", err)
		}
	}
	if bytesContain(keyData, "ENCRYPTED") && bytesContain(keyData, "Proc-Type") {
		return tls.Certificate{}, fmt.Errorf("authlib: client key %s is an encrypted legacy PEM key; convert it with `openssl pkcs8 -topk8` or use a PKCS#12 file", nameOf(c))
	}
	cert, err := tls.X509KeyPair(data, keyData)
	if err != nil {
		if c.KeyFile == "" && !bytesContain(data, "PRIVATE KEY") {
			return tls.Certificate{}, fmt.Errorf("authlib: client certificate %s has no private key: give the key file too", c.CertFile)
		}
		return tls.Certificate{}, fmt.Errorf("authlib: client certificate %s: %w", nameOf(c), err)
	}
	return cert, nil
}

func loadPKCS12(name string, data []byte, password string) (tls.Certificate, error) {
	key, leaf, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			return tls.Certificate{}, fmt.Errorf("authlib: client certificate %s: wrong PKCS#12 password", name)
		}
		return tls.Certificate{}, fmt.Errorf("authlib: client certificate %s: not PEM, and not readable as PKCS#12: %w", name, err)
	}
	cert := tls.Certificate{PrivateKey: key, Leaf: leaf, Certificate: [][]byte{leaf.Raw}}
	for _, c := range chain {
		cert.Certificate = append(cert.Certificate, c.Raw)
	}
	return cert, nil
}

func isPEM(data []byte) bool {
	block, _ := pem.Decode(data)
	return block != nil
}

func bytesContain(b []byte, s string) bool { return strings.Contains(string(b), s) }

func nameOf(c ClientCert) string {
	if c.KeyFile != "" {
		return c.CertFile + " / " + c.KeyFile
	}
	return c.CertFile
}
