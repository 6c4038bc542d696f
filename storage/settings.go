package storage

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/knockhttp/knock/storage/secrets"
)

// AppSettings is the application's settings document. (Settings, in
// request.go, are one request's transport settings.) Fields missing from
// the stored document take their defaults (DefaultAppSettings).
type AppSettings struct {
	Theme    string  `json:"theme"`              // "system", "light" or "dark"
	FontSize float32 `json:"fontSize,omitempty"` // 0: the theme's size

	// DefaultTimeoutMs applies to requests with no timeout of their own.
	DefaultTimeoutMs int64 `json:"defaultTimeoutMs"`

	TLS TLSDefaults `json:"tls"`
	// CABundle is a PEM file of extra trusted CAs for every request.
	CABundle string `json:"caBundle,omitempty"`
	// ClientCerts are client certificates chosen by host.
	ClientCerts []ClientCert `json:"clientCerts,omitempty"`

	Proxy ProxySettings `json:"proxy"`

	// Netrc turns the ~/.netrc lookup on (the default) or off.
	Netrc bool `json:"netrc"`
	// NetrcFile overrides the netrc path ($NETRC, then ~/.netrc).
	NetrcFile string `json:"netrcFile,omitempty"`

	// History bounds: entries are dropped oldest first past either limit.
	HistoryMaxEntries int   `json:"historyMaxEntries"`
	HistoryMaxBytes   int64 `json:"historyMaxBytes"`
	// HistoryBodyCap is the largest body kept inside the database; larger
	// ones go to files under DATA/history.
	HistoryBodyCap int64 `json:"historyBodyCap"`

	// TrashDays is how long deleted items stay in the trash.
	TrashDays int `json:"trashDays"`

	// SecretStore is the store the user chose: keyring, session or vault.
	SecretStore secrets.Kind `json:"secretStore"`
}

// TLSDefaults apply to requests that do not set their own.
type TLSDefaults struct {
	// Insecure turns certificate verification off for every request; the
	// window keeps a warning visible while it is on.
	Insecure bool `json:"insecure,omitempty"`
	// MinVersion is "1.2" or "1.3"; empty means Go's default.
	MinVersion string `json:"minVersion,omitempty"`
}

// ClientCert is a client certificate used for one host ("api.example.com",
// or "*.example.com"). Password is a secret.
type ClientCert struct {
	Host        string `json:"host"`
	CertFile    string `json:"certFile"`
	KeyFile     string `json:"keyFile,omitempty"` // empty for PKCS#12
	Password    string `json:"password,omitempty"`
	PasswordRef string `json:"passwordRef,omitempty"`
}

// ProxySettings choose the proxy for requests without their own.
type ProxySettings struct {
	// Mode is "system" (HTTP_PROXY and friends, the default), "none" or
	// "manual" (URL).
	Mode     string `json:"mode"`
	URL      string `json:"url,omitempty"`
	NoProxy  string `json:"noProxy,omitempty"`
	Username string `json:"username,omitempty"`
	// Password is a secret.
	Password    string `json:"password,omitempty"`
	PasswordRef string `json:"passwordRef,omitempty"`
	// URLPasswordRef holds a password written into URL's userinfo.
	URLPasswordRef string `json:"urlPasswordRef,omitempty"`
}

// DefaultAppSettings returns the settings of a new installation.
func DefaultAppSettings() AppSettings {
	return AppSettings{
		Theme:             "system",
		DefaultTimeoutMs:  30_000,
		Proxy:             ProxySettings{Mode: "system"},
		Netrc:             true,
		HistoryMaxEntries: 1000,
		HistoryMaxBytes:   100 << 20,
		HistoryBodyCap:    256 << 10,
		TrashDays:         30,
		SecretStore:       secrets.KindKeyring,
	}
}

func settingsSlots(s *AppSettings) ([]slot, error) {
	slots := []slot{stringSlot("proxy password", "proxy.password", &s.Proxy.Password, &s.Proxy.PasswordRef)}
	p, err := proxyURLSlot("proxy URL password", &s.Proxy.URL, &s.Proxy.URLPasswordRef)
	if err != nil {
		return nil, err
	}
	p.name = "proxy.urlPassword"
	slots = append(slots, p)
	for i := range s.ClientCerts {
		c := &s.ClientCerts[i]
		// A random reference name: hosts change and repeat.
		slots = append(slots, stringSlot("client certificate password for "+c.Host, "clientCert.", &c.Password, &c.PasswordRef))
	}
	return slots, nil
}

// Settings returns the settings, with secret references and no values.
func (db *DB) Settings() (AppSettings, error) {
	s := DefaultAppSettings()
	err := db.view(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bSettings).Get(kAppSettings)
		if raw == nil {
			return nil
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			return fmt.Errorf("storage: settings: the stored document cannot be read: %w", err)
		}
		return nil
	})
	s.normalize()
	return s, err
}

func (s *AppSettings) normalize() {
	d := DefaultAppSettings()
	if s.HistoryMaxEntries <= 0 {
		s.HistoryMaxEntries = d.HistoryMaxEntries
	}
	if s.HistoryMaxBytes <= 0 {
		s.HistoryMaxBytes = d.HistoryMaxBytes
	}
	if s.HistoryBodyCap <= 0 {
		s.HistoryBodyCap = d.HistoryBodyCap
	}
	if s.TrashDays <= 0 {
		s.TrashDays = d.TrashDays
	}
	if !s.SecretStore.Valid() {
		s.SecretStore = d.SecretStore
	}
}

// SaveSettings saves the settings; secret values move to the secret store
// and s receives the references.
func (db *DB) SaveSettings(s *AppSettings) error {
	doc := cloneJSON(s)
	doc.normalize()
	docSlots, err := settingsSlots(doc)
	if err != nil {
		return err
	}
	if err := db.dehydrate(docSlots, ownerSettings, true); err != nil {
		return err
	}
	var stale []string
	err = db.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bSettings)
		if raw := b.Get(kAppSettings); raw != nil {
			var old AppSettings
			if json.Unmarshal(raw, &old) == nil {
				if oldSlots, err := settingsSlots(&old); err == nil {
					stale = staleRefs(ownedRefs(oldSlots, ownerSettings), ownedRefs(docSlots, ownerSettings))
				}
			}
		}
		return putJSON(b, kAppSettings, doc)
	})
	if err != nil {
		return err
	}
	if ss, err := settingsSlots(s); err == nil {
		copyRefs(ss, docSlots)
	}
	_ = db.deleteRefs(stale)
	return nil
}

// Tab is one open tab: a saved request (RequestID), a saved request with
// unsaved edits (RequestID and Draft), or a new request (Draft only).
type Tab struct {
	ID        string   `json:"id"`
	RequestID string   `json:"requestId,omitempty"`
	Draft     *Request `json:"draft,omitempty"`
}

// Session is the window's state restored at start: the open tabs, the
// active one, and the environment chosen per collection.
type Session struct {
	Tabs   []Tab `json:"tabs"`
	Active int   `json:"active"`
	// Environments maps a collection ID (NoCollection for unsaved
	// requests) to its active environment's ID.
	Environments map[string]string `json:"environments,omitempty"`
}

func sessionSlots(s *Session) ([]slot, []string, error) {
	var slots []slot
	var owners []string
	for i := range s.Tabs {
		t := &s.Tabs[i]
		if t.Draft == nil {
			continue
		}
		ds, err := requestSlots(t.Draft)
		if err != nil {
			return nil, nil, err
		}
		slots = append(slots, ds...)
		for range ds {
			owners = append(owners, ownerOf(ownerKindDraft, t.ID))
		}
	}
	return slots, owners, nil
}

// Session returns the saved window state, drafts with references only.
func (db *DB) Session() (*Session, error) {
	var s Session
	err := db.view(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bSession).Get(kTabs)
		if raw == nil {
			return nil
		}
		return decodeDoc(raw, &s, "session", "tabs")
	})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// SaveSession saves the window state. Secret values typed into drafts go
// to the secret store under the draft's own references ("draft:<tab>:…");
// a draft of a saved request keeps pointing at that request's secrets
// until the user types a new value. References of drafts that are gone are
// deleted.
func (db *DB) SaveSession(s *Session) error {
	doc := cloneJSON(s)
	for i := range doc.Tabs {
		if doc.Tabs[i].ID == "" {
			doc.Tabs[i].ID = newID()
			s.Tabs[i].ID = doc.Tabs[i].ID
		}
	}
	docSlots, owners, err := sessionSlots(doc)
	if err != nil {
		return err
	}
	for i := range docSlots {
		if err := db.dehydrate(docSlots[i:i+1], owners[i], false); err != nil {
			return err
		}
	}
	var stale []string
	err = db.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bSession)
		if raw := b.Get(kTabs); raw != nil {
			var old Session
			if json.Unmarshal(raw, &old) == nil {
				if oldSlots, oldOwners, err := sessionSlots(&old); err == nil {
					var oldRefs, newRefs []string
					for i := range oldSlots {
						oldRefs = append(oldRefs, ownedRefs(oldSlots[i:i+1], oldOwners[i])...)
					}
					for i := range docSlots {
						newRefs = append(newRefs, ownedRefs(docSlots[i:i+1], owners[i])...)
					}
					stale = staleRefs(oldRefs, newRefs)
				}
			}
		}
		return putJSON(b, kTabs, doc)
	})
	if err != nil {
		return err
	}
	if ss, _, err := sessionSlots(s); err == nil {
		copyRefs(ss, docSlots)
	}
	_ = db.deleteRefs(stale)
	return nil
}
