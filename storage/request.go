package storage

// BodyMode says how a request body is built. The names are Postman's, so
// imports and exports map one to one.
type BodyMode string

// The body modes a request can use.
const (
	BodyNone       BodyMode = ""           // no body
	BodyRaw        BodyMode = "raw"        // text, JSON or XML with a content type
	BodyURLEncoded BodyMode = "urlencoded" // application/x-www-form-urlencoded
	BodyFormData   BodyMode = "formdata"   // multipart/form-data, with files
	BodyFile       BodyMode = "file"       // the bytes of one file
	BodyGraphQL    BodyMode = "graphql"    // a GraphQL query and variables, sent as JSON
)

// KeyValue is one row of a query, header or form table. Keys may repeat; a
// row that is not Enabled is kept but not sent.
type KeyValue struct {
	Key     string `json:"key"`
	Value   string `json:"value"`
	Enabled bool   `json:"enabled"`
	// SecretRef is set on disk for the credential headers
	// (Authorization, Proxy-Authorization, Cookie) of saved requests,
	// folders and collections: their values live in the secret store.
	SecretRef string `json:"secretRef,omitempty"`
}

// FormPart is one field of a multipart body: either a text Value or, when
// File is set, the contents of that file.
type FormPart struct {
	Key         string `json:"key"`
	Value       string `json:"value,omitempty"`
	File        string `json:"file,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	Enabled     bool   `json:"enabled"`
}

// GraphQL is the body of a GraphQL request. Variables is JSON text.
type GraphQL struct {
	Query         string `json:"query"`
	Variables     string `json:"variables,omitempty"`
	OperationName string `json:"operationName,omitempty"`
}

// Body is a request body. Only the fields of the chosen Mode are used; the
// others are kept so that switching modes in the editor loses nothing.
type Body struct {
	Mode        BodyMode   `json:"mode,omitempty"`
	Raw         string     `json:"raw,omitempty"`
	ContentType string     `json:"contentType,omitempty"`
	Form        []KeyValue `json:"form,omitempty"`
	Multipart   []FormPart `json:"multipart,omitempty"`
	File        string     `json:"file,omitempty"`
	GraphQL     *GraphQL   `json:"graphql,omitempty"`
}

// Auth types that are not schemes of their own.
const (
	AuthNone    = "none"    // send no credentials (netrc still applies when on)
	AuthInherit = "inherit" // use the nearest folder's or collection's auth
)

// AuthSpec names an auth method and its parameters. Type is a Postman auth
// type name ("basic", "digest", …) or AuthNone/AuthInherit; an empty Type
// means AuthNone. Params use the keys Postman uses in its exports.
//
// In memory Params hold every value, secrets included. On disk the values of
// secret parameters are replaced by references into the secret store (see
// storage/secrets); SecretRefs maps a parameter name to its reference.
type AuthSpec struct {
	Type       string            `json:"type,omitempty"`
	Params     map[string]string `json:"params,omitempty"`
	SecretRefs map[string]string `json:"secretRefs,omitempty"`
}

// IsNone reports whether the spec sends no credentials of its own.
func (a AuthSpec) IsNone() bool { return a.Type == "" || a.Type == AuthNone }

// Settings are the per-request transport settings. Zero values mean the
// defaults: follow up to 10 redirects, verify TLS, no timeout beyond the
// default.
type Settings struct {
	TimeoutMs        int64  `json:"timeoutMs,omitempty"`
	ConnectTimeoutMs int64  `json:"connectTimeoutMs,omitempty"`
	NoFollow         bool   `json:"noFollow,omitempty"`
	MaxRedirects     int    `json:"maxRedirects,omitempty"`
	Insecure         bool   `json:"insecure,omitempty"`
	CAFile           string `json:"caFile,omitempty"`
	ClientCert       string `json:"clientCert,omitempty"`
	ClientKey        string `json:"clientKey,omitempty"`
	// ClientCertPassword unlocks a PKCS#12 client certificate or an
	// encrypted key. It is a secret: on disk it is a reference.
	ClientCertPassword string `json:"clientCertPassword,omitempty"`
	// ClientCertPasswordRef is the secret-store reference that holds
	// ClientCertPassword on disk.
	ClientCertPasswordRef string `json:"clientCertPasswordRef,omitempty"`
	// Proxy is an explicit proxy URL. When empty, HTTP_PROXY, HTTPS_PROXY
	// and NO_PROXY apply. Credentials in it are secrets.
	Proxy string `json:"proxy,omitempty"`
	// ProxyPasswordRef is the secret-store reference that holds the
	// password of Proxy's userinfo; on disk Proxy keeps only the user name.
	ProxyPasswordRef string `json:"proxyPasswordRef,omitempty"`
	// ProxyAuth authenticates to the proxy with Proxy-Authorization.
	ProxyAuth *AuthSpec `json:"proxyAuth,omitempty"`
	// NoNetrc turns off the netrc lookup for this request.
	NoNetrc bool `json:"noNetrc,omitempty"`
}

// Request is one saved or edited HTTP request.
type Request struct {
	ID          string      `json:"id,omitempty"`
	Name        string      `json:"name,omitempty"`
	Description string      `json:"description,omitempty"`
	Method      string      `json:"method"`
	URL         string      `json:"url"`
	Params      []KeyValue  `json:"params,omitempty"`
	Headers     []KeyValue  `json:"headers,omitempty"`
	Body        Body        `json:"body,omitzero"`
	Auth        AuthSpec    `json:"auth,omitzero"`
	Settings    Settings    `json:"settings,omitzero"`
	Assertions  []Assertion `json:"assertions,omitempty"`
	Scripts     []Script    `json:"scripts,omitempty"`
	Examples    []Example   `json:"examples,omitempty"`
}

// Assertion is a declarative check of a response, evaluated by the
// collection runner.
type Assertion struct {
	// Kind is AssertStatus, AssertHeader, AssertJQ, AssertBody or AssertTime.
	Kind string `json:"kind"`
	// Target is the header name (AssertHeader) or the jq expression
	// (AssertJQ); empty otherwise.
	Target string `json:"target,omitempty"`
	// Op is one of ==, !=, <, >, contains, matches.
	Op      string `json:"op,omitempty"`
	Value   string `json:"value"`
	Enabled bool   `json:"enabled"`
}

// The kinds of assertion.
const (
	AssertStatus = "status" // the status code
	AssertHeader = "header" // a header's value
	AssertJQ     = "jq"     // a jq expression over a JSON body
	AssertBody   = "body"   // the body (contains, matches)
	AssertTime   = "time"   // the response time in ms (<)
)

// Script is a pre-request or test script imported from another client.
// Knock does not run scripts: it keeps them so that nothing is lost, and
// shows them as not run.
type Script struct {
	Event    string `json:"event"`              // "prerequest" or "test"
	Language string `json:"language,omitempty"` // e.g. "javascript"
	Text     string `json:"text"`
}

// Example is a saved example response, as Postman keeps them.
type Example struct {
	Name        string     `json:"name"`
	Status      int        `json:"status,omitempty"`
	Header      []KeyValue `json:"header,omitempty"`
	Body        string     `json:"body,omitempty"`
	ContentType string     `json:"contentType,omitempty"`
	// Request is the request the example was recorded for, when it differs.
	Request *Request `json:"request,omitempty"`
}

// Variable is a named value of an environment, a collection or the
// globals. A Secret variable's value lives in the secret store.
type Variable struct {
	Key       string `json:"key"`
	Value     string `json:"value,omitempty"`
	Enabled   bool   `json:"enabled"`
	Secret    bool   `json:"secret,omitempty"`
	SecretRef string `json:"secretRef,omitempty"`
}
