package authlib

// AWS Signature Version 4 (AWS IAM "Create a signed AWS API request";
// test suite: awslabs/aws-c-auth tests/aws-signing-test-suite/v4).
//
// Signing is done by the AWS SDK for Go v2 signer
// (github.com/aws/aws-sdk-go-v2/aws/signer/v4), the one every Go AWS client
// uses. Its logger option (SignerOptions.LogSigning) hands over the
// canonical request and the string to sign, which Knock shows in the trace.
//
// Supported:
//   - the Authorization header (AWS4-HMAC-SHA256) with X-Amz-Date, and the
//     session token as X-Amz-Security-Token;
//   - query signing ("presign"): X-Amz-Algorithm, X-Amz-Credential,
//     X-Amz-Date, X-Amz-Expires (1 s to 7 days), X-Amz-SignedHeaders and
//     X-Amz-Signature in the URL;
//   - the payload hash: the SHA-256 of the body, read through GetBody, or
//     UNSIGNED-PAYLOAD when asked (and always for presigned S3 URLs);
//   - S3's rules: the path is not encoded a second time, and
//     x-amz-content-sha256 is always sent with header signing;
//   - service and region taken from an *.amazonaws.com host when left empty.
//
// Not supported: SigV4a (ECDSA, multi-region), chunked streaming uploads
// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), and normalising "." and ".." path
// segments, which the SDK signer does not do either.
//
// Note: the path is sent strictly percent-encoded (see awsv4StrictPath) and
// the SDK writes the query string back in its canonical form (sorted, %20
// for spaces), so the bytes on the wire are the bytes that were signed.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"
)

func init() {
	register(Method{
		Type:  "awsv4",
		Title: "AWS Signature",
		Help:  "AWS Signature Version 4 (header or presigned URL)",
		Params: []Param{
			{Name: "accessKey", Help: "access key ID (AKIA…, ASIA…)", Required: true},
			{Name: "secretKey", Help: "secret access key", Secret: true, Required: true},
			{Name: "sessionToken", Help: "session token of temporary credentials (X-Amz-Security-Token)", Secret: true},
			{Name: "region", Help: "region, e.g. us-east-1; empty to take it from an *.amazonaws.com host"},
			{Name: "service", Help: "service signing name, e.g. s3, execute-api; empty to take it from an *.amazonaws.com host"},
			{Name: "presign", Help: `"true" signs the URL (query) instead of the Authorization header`, Choices: []string{"true", "false"}},
			{Name: "expires", Help: "lifetime of a presigned URL in seconds (X-Amz-Expires, at most 604800)", Default: "900"},
			{Name: "unsignedPayload", Help: `"true" sends x-amz-content-sha256: UNSIGNED-PAYLOAD instead of hashing the body`, Choices: []string{"true", "false"}},
		},
		New: func(p Params) (Scheme, error) { return newAWSV4FromParams(p) },
	})
}

// AWSV4Config holds the settings of an [AWSV4] scheme.
type AWSV4Config struct {
	AccessKey, SecretKey, SessionToken string
	// Region and Service name the credential scope. When empty they are
	// taken from the request's host if it is <service>[.<region>].amazonaws.com.
	Region, Service string
	// Presign signs the query string instead of the Authorization header.
	Presign bool
	// Expires is X-Amz-Expires for presigned URLs; zero means 900 s.
	Expires time.Duration
	// UnsignedPayload signs the literal UNSIGNED-PAYLOAD instead of the
	// body's hash.
	UnsignedPayload bool
}

// AWSV4 signs each request with AWS Signature Version 4.
type AWSV4 struct {
	cfg    AWSV4Config
	signer *v4.Signer
	now    func() time.Time
}

const (
	awsv4UnsignedPayload = "UNSIGNED-PAYLOAD"
	awsv4MaxExpires      = 7 * 24 * time.Hour
)

func newAWSV4FromParams(p Params) (*AWSV4, error) {
	cfg := AWSV4Config{
		AccessKey:    strings.TrimSpace(p["accessKey"]),
		SecretKey:    p["secretKey"],
		SessionToken: strings.TrimSpace(p["sessionToken"]),
		Region:       strings.TrimSpace(p["region"]),
		Service:      strings.TrimSpace(p["service"]),
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"presign", &cfg.Presign}, {"unsignedPayload", &cfg.UnsignedPayload}} {
		if v := strings.TrimSpace(p[b.name]); v != "" {
			x, err := strconv.ParseBool(v)
			if err != nil {
				return nil, fmt.Errorf("authlib: awsv4: parameter %q is %q; want true or false", b.name, v)
			}
			*b.dst = x
		}
	}
	if v := strings.TrimSpace(p.Get("expires", "900")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("authlib: awsv4: parameter \"expires\" is %q; want a number of seconds from 1 to 604800", v)
		}
		cfg.Expires = time.Duration(n) * time.Second
	}
	return NewAWSV4(cfg)
}

// NewAWSV4 returns the AWS Signature Version 4 scheme.
func NewAWSV4(cfg AWSV4Config) (*AWSV4, error) {
	if cfg.AccessKey == "" {
		return nil, errors.New(`authlib: awsv4: parameter "accessKey" is required`)
	}
	if cfg.SecretKey == "" {
		return nil, errors.New(`authlib: awsv4: parameter "secretKey" is required`)
	}
	if cfg.Expires == 0 {
		cfg.Expires = 900 * time.Second
	}
	if cfg.Expires < time.Second || cfg.Expires > awsv4MaxExpires {
		return nil, fmt.Errorf("authlib: awsv4: expires is %d s; a presigned URL may live 1 to 604800 s (7 days)", int64(cfg.Expires/time.Second))
	}
	for _, f := range []struct{ name, v string }{{"region", cfg.Region}, {"service", cfg.Service}} {
		if strings.ContainsAny(f.v, "/ \t\n") {
			return nil, fmt.Errorf("authlib: awsv4: %s %q may not contain '/' or spaces: it is part of the credential scope", f.name, f.v)
		}
	}
	return &AWSV4{cfg: cfg, signer: v4.NewSigner(), now: time.Now}, nil
}

// awsv4ScopeFromHost reads service and region from an AWS endpoint name:
// service.region.amazonaws.com, bucket.s3.region.amazonaws.com,
// service.amazonaws.com (us-east-1).
func awsv4ScopeFromHost(host string) (service, region string) {
	host = strings.ToLower(host)
	rest, ok := strings.CutSuffix(host, ".amazonaws.com")
	if !ok {
		rest, ok = strings.CutSuffix(host, ".amazonaws.com.cn")
		if !ok {
			return "", ""
		}
	}
	labels := strings.Split(rest, ".")
	for i, l := range labels {
		if l == "s3" || strings.HasPrefix(l, "s3-") {
			if i+1 < len(labels) {
				return "s3", labels[i+1]
			}
			return "s3", "us-east-1"
		}
	}
	switch len(labels) {
	case 1:
		return labels[0], "us-east-1"
	default:
		return labels[len(labels)-2], labels[len(labels)-1]
	}
}

// awsv4StrictPath re-encodes each path segment so that every byte but
// A-Z a-z 0-9 - . _ ~ is percent-encoded, as AWS SDK clients send paths.
// AWS recomputes the canonical URI from the decoded path, so a literal "+",
// "$" or "@" on the wire would not match what the SDK signer derives from
// it. An encoded "/" (%2F) stays inside its segment.
func awsv4StrictPath(u *url.URL) error {
	if u.Opaque != "" {
		return fmt.Errorf("authlib: awsv4: the URL %q has no path that can be signed", u.String())
	}
	escaped := u.EscapedPath()
	if escaped == "" {
		return nil
	}
	segs := strings.Split(escaped, "/")
	for i, seg := range segs {
		dec, err := url.PathUnescape(seg)
		if err != nil {
			return fmt.Errorf("authlib: awsv4: path segment %q: %v", seg, err)
		}
		segs[i] = awsv4Encode(dec)
	}
	raw := strings.Join(segs, "/")
	path, err := url.PathUnescape(raw)
	if err != nil {
		return fmt.Errorf("authlib: awsv4: path %q: %v", raw, err)
	}
	u.Path, u.RawPath = path, raw
	return nil
}

// awsv4Encode is the URI encoding of SigV4: unreserved bytes kept, all
// others %XX in upper-case hex.
func awsv4Encode(s string) string {
	const hexUpper = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexUpper[c>>4])
		b.WriteByte(hexUpper[c&15])
	}
	return b.String()
}

// awsv4Logger receives the SDK signer's log of the canonical request and
// the string to sign.
type awsv4Logger struct {
	mu                      sync.Mutex
	canonical, stringToSign string
}

func (l *awsv4Logger) Logf(_ logging.Classification, format string, v ...interface{}) {
	if !strings.Contains(format, "CANONICAL STRING") || len(v) < 2 {
		return
	}
	c, ok1 := v[0].(string)
	s, ok2 := v[1].(string)
	if ok1 && ok2 {
		l.mu.Lock()
		l.canonical, l.stringToSign = c, s
		l.mu.Unlock()
	}
}

// awsv4SigningKey derives the signing key, for the trace only (the SDK
// derives its own).
func awsv4SigningKey(secret, date, region, service string) []byte {
	mac := func(key []byte, data string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(data))
		return m.Sum(nil)
	}
	k := mac([]byte("AWS4"+secret), date)
	k = mac(k, region)
	k = mac(k, service)
	return mac(k, "aws4_request")
}

// payloadHash is the hex SHA-256 of the body, streamed from GetBody.
func awsv4PayloadHash(r *http.Request) (string, error) {
	h := sha256.New()
	rc, err := oauth1BodyReader(r)
	if err != nil {
		return "", err
	}
	if rc != nil {
		defer rc.Close()
		if _, err := io.Copy(h, rc); err != nil {
			return "", fmt.Errorf("reading the body: %w", err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Wrap implements [Scheme].
func (a *AWSV4) Wrap(next http.RoundTripper) http.RoundTripper {
	return RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = cloneRequest(r)
		if err := a.sign(r); err != nil {
			return nil, err
		}
		return next.RoundTrip(r)
	})
}

func (a *AWSV4) sign(r *http.Request) error {
	ctx := r.Context()
	tr := TraceFrom(ctx)
	// The SDK reads the query with url.Values, which silently drops pairs
	// it cannot decode; refuse them instead of sending a different URL.
	if _, err := url.ParseQuery(r.URL.RawQuery); err != nil {
		return fmt.Errorf("authlib: awsv4: the query string cannot be signed: %v", err)
	}
	service, region := a.cfg.Service, a.cfg.Region
	if service == "" || region == "" {
		hs, hr := awsv4ScopeFromHost(r.URL.Hostname())
		if service == "" {
			service = hs
		}
		if region == "" {
			region = hr
		}
		if service == "" || region == "" {
			return fmt.Errorf("authlib: awsv4: set parameters \"service\" and \"region\": they cannot be read from the host %q, which is not an *.amazonaws.com endpoint", r.URL.Hostname())
		}
		tr.Add("awsv4", "Credential scope from the host name", F("host", r.URL.Hostname()), F("service", service), F("region", region))
	}
	s3 := strings.EqualFold(service, "s3")
	if err := awsv4StrictPath(r.URL); err != nil {
		return err
	}

	var payload string
	switch {
	case a.cfg.UnsignedPayload || (a.cfg.Presign && s3):
		payload = awsv4UnsignedPayload
	default:
		var err error
		if payload, err = awsv4PayloadHash(r); err != nil {
			return fmt.Errorf("authlib: awsv4: payload hash: %v", err)
		}
	}
	// With presigning the header is the only way to tell a service other
	// than S3 that the payload is unsigned; S3 presumes it.
	if (!a.cfg.Presign && s3) || a.cfg.UnsignedPayload {
		r.Header.Set("X-Amz-Content-Sha256", payload)
	}
	tr.Add("awsv4", "Payload hash", F("hex(SHA-256(body)) or UNSIGNED-PAYLOAD", payload))

	creds := aws.Credentials{AccessKeyID: a.cfg.AccessKey, SecretAccessKey: a.cfg.SecretKey, SessionToken: a.cfg.SessionToken}
	log := &awsv4Logger{}
	opts := func(o *v4.SignerOptions) {
		o.Logger = log
		o.LogSigning = true
		o.DisableURIPathEscaping = s3
	}
	t := a.now().UTC()
	var signature, result string
	if a.cfg.Presign {
		q := r.URL.Query()
		q.Set("X-Amz-Expires", strconv.FormatInt(int64(a.cfg.Expires/time.Second), 10))
		r.URL.RawQuery = q.Encode()
		signed, _, err := a.signer.PresignHTTP(ctx, creds, r, payload, service, region, t, opts)
		if err != nil {
			return fmt.Errorf("authlib: awsv4: presign: %v", err)
		}
		u, err := url.Parse(signed)
		if err != nil {
			return fmt.Errorf("authlib: awsv4: presign: the signed URL does not parse: %v", err)
		}
		r.URL = u
		signature = u.Query().Get("X-Amz-Signature")
		result = a.maskToken(u.String())
	} else {
		if err := a.signer.SignHTTP(ctx, creds, r, payload, service, region, t, opts); err != nil {
			return fmt.Errorf("authlib: awsv4: %v", err)
		}
		result = r.Header.Get("Authorization")
		if i := strings.LastIndex(result, "Signature="); i >= 0 {
			signature = result[i+len("Signature="):]
		}
	}

	log.mu.Lock()
	canonical, sts := log.canonical, log.stringToSign
	log.mu.Unlock()
	sum := sha256.Sum256([]byte(canonical))
	if canonical != "" && strings.HasSuffix(sts, "\n"+hex.EncodeToString(sum[:])) {
		tr.Add("awsv4", "Canonical request (SigV4 task 1)",
			F("canonical request", a.maskToken(canonical)),
			F("hex(SHA-256(canonical request))", hex.EncodeToString(sum[:])))
		tr.Add("awsv4", "String to sign (SigV4 task 2)", F("string to sign", sts))
	} else {
		tr.Add("awsv4", "Canonical request (SigV4 task 1)", F("canonical request", "(the AWS SDK signer did not report it)"))
	}
	date := t.Format("20060102")
	tr.Add("awsv4", "Signing key (SigV4 task 3)",
		S("secret access key", a.cfg.SecretKey),
		F("formula", `kDate = HMAC-SHA256("AWS4" + secret, "`+date+`"); kRegion = HMAC-SHA256(kDate, "`+region+`"); kService = HMAC-SHA256(kRegion, "`+service+`"); kSigning = HMAC-SHA256(kService, "aws4_request")`),
		S("kSigning (hex)", hex.EncodeToString(awsv4SigningKey(a.cfg.SecretKey, date, region, service))))
	fields := []Field{F("formula", "hex(HMAC-SHA256(kSigning, string to sign))"), F("signature", signature)}
	if a.cfg.Presign {
		fields = append(fields, F("presigned URL", result))
	} else {
		fields = append(fields, F("Authorization", result), F("X-Amz-Date", r.Header.Get("X-Amz-Date")))
	}
	if a.cfg.SessionToken != "" {
		fields = append(fields, S("X-Amz-Security-Token", a.cfg.SessionToken))
	}
	tr.Add("awsv4", "Signature (SigV4 task 4)", fields...)
	return nil
}

// maskToken hides the session token, raw or percent-encoded, in s.
func (a *AWSV4) maskToken(s string) string {
	tok := a.cfg.SessionToken
	if tok == "" {
		return s
	}
	m := Mask(tok)
	for _, form := range []string{tok, url.QueryEscape(tok), strings.ReplaceAll(url.QueryEscape(tok), "+", "%20")} {
		s = strings.ReplaceAll(s, form, m)
	}
	return s
}

// This is a compile-time check that the logger fits the SDK.
var _ logging.Logger = (*awsv4Logger)(nil)
