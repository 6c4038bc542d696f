// Package storage defines Knock's documents (requests, collections,
// environments, history) and keeps them in a bbolt database in the user's
// data directory.
//
// Every document type is defined here once; the engine, the window, the
// command line and the importers all use these types.
//
// # Basics
//
// Open(dir, nil) opens DATA/knock.db (DATA is DataDir(), which
// $KNOCK_DATA_DIR overrides), creating it, or migrating an older schema
// after a backup. Attach a secret store (package storage/secrets) with
// Options.Secrets or SetSecrets before saving anything that holds a secret.
//
//	db, err := storage.Open("", nil)          // errors.Is(err, storage.ErrAlreadyRunning)
//	db.SetSecrets(secrets.NewKeyring(nil))    // after Probe() succeeded
//	c := &storage.Collection{Name: "API"}
//	db.CreateCollection(c)
//	r := &storage.Request{Method: "GET", URL: "https://example.com"}
//	db.CreateRequest(c.ID, r)                 // r.ID is set
//	tree, _ := db.Tree(c.ID)                  // the sidebar
//	hits, _ := db.Search("users", 50)         // name, URL, method
//	res, _ := db.Resolve(r.ID)                // inherited auth, headers, variables
//	db.History().Add(snapshot, summary, body) // after each send
//
// Documents are read with references in place of secret values;
// HydrateRequest (and the other Hydrate methods) fill the values in from
// the secret store when they are needed.
//
// IDs are 16 random hex digits (64 bits from crypto/rand). Random IDs stay
// unique when nodes move between collections and when collections are
// shared as files between machines, which per-bucket NextSequence values
// would not. History entries, which never move, use NextSequence.
//
// # Bucket layout (schema v2)
//
//	meta          "schema" -> u64 version; "history.count", "history.bytes" -> u64
//	collections   <collection ID> -> bucket:
//	                "doc"   -> Collection JSON
//	                "order" -> i64, the collection's place in the list
//	                nodes/  <node ID> -> node summary (binary, see below)
//	                docs/   <node ID> -> Request or Folder JSON
//	nodeloc       <node ID> -> collection ID
//	environments  <environment ID> -> Environment JSON ("globals" is the globals)
//	trash         <trash ID> -> the deleted subtree: summaries, documents,
//	              a collection's environments and cookies
//	history       <u64 sequence> -> HistoryEntry JSON (no body)
//	historybody   <u64 sequence> -> the body, when it is at most the cap
//	cookies       <collection ID, "~" for none> -> []CookieRecord JSON
//	settings      "app" -> AppSettings JSON
//	session       "tabs" -> Session JSON (open tabs, drafts, environments)
//	synclinks     <collection ID> -> bucket: "link" -> SyncLink JSON (the
//	              linked directory), files/ <path> -> SyncFile JSON; made
//	              by the first link (see synclink.go), absent before
//
// Integers are big-endian. A node summary is one byte of layout version,
// one byte of kind ('f' or 'r'), the order among siblings as an i64, then
// the parent ID, name, method and URL, each as a uvarint length and bytes.
// The tree and the search read only summaries, so neither decodes a
// request document; order values are spaced 2^20 apart, an insert takes
// the midpoint of its neighbours, and siblings are renumbered only when no
// room is left.
//
// Bodies over the cap are files DATA/history/<random>.body, removed with
// their entries. Backups are DATA/backups/knock-<UTC time>-v<schema>.db,
// written by tx.WriteTo before every migration and once a day.
//
// # Secret references
//
// The database never holds a secret value. A secret's place in a document
// holds a reference, and the value lives in the secret store under it:
//
//	AuthSpec.SecretRefs[param]       auth parameters that authlib marks Secret
//	Variable.SecretRef               variables marked Secret
//	Settings.ClientCertPasswordRef   a request's client certificate password
//	Settings.ProxyPasswordRef        the password of a request's proxy URL
//	KeyValue.SecretRef               Authorization, Proxy-Authorization and
//	                                 Cookie header values (requests, folder
//	                                 and collection default headers)
//	ProxySettings.PasswordRef, ClientCert.PasswordRef  in AppSettings
//
// A reference is "<owner kind>:<owner ID>:<field>", for example
//
//	request:3f2a9c1b7d4e5f60:auth.password
//	request:3f2a9c1b7d4e5f60:proxyAuth.password
//	request:3f2a9c1b7d4e5f60:clientCertPassword
//	folder:0a1b2c3d4e5f6071:auth.clientSecret
//	collection:…:var.9f8e7d6c        (variables, header rows and client
//	request:…:header.5e6f7a8b         certificates get a random suffix)
//	environment:…:var.1a2b3c4d
//	settings:app:proxy.password
//	draft:<tab ID>:auth.token        (unsaved drafts in open tabs)
//
// and it is the account name of the keyring item (service "knock"). The
// document whose ID is in the reference owns it. On save, a secret value
// is written under the owner's reference and removed from the document;
// references the document no longer uses are deleted from the store. A
// reference owned by another document (a duplicate, a request reopened
// from history) is copied to one of the saver's own, so that deleting one
// document never takes another's secret. Deleting to the trash keeps the
// secrets, so Restore brings them back; purging the trash (PurgeTrash,
// after AppSettings.TrashDays) deletes them.
//
// In an auth spec, a secret parameter missing from Params means "not
// loaded: keep the stored value", and one present but empty means "the
// user cleared it". For the other fields, an empty value with a reference
// keeps the stored value; clear the reference to clear the secret.
//
// # Caveats
//
//   - Every method blocks on disk, and methods that save or hydrate secrets
//     block on the secret store (D-Bus, unlock prompts). Never call them on
//     the UI goroutine.
//   - Open does not run the full consistency check unless Options.Check
//     asks (it costs about as much as loading a 10,000-request tree); the
//     window can run db.Check() in a goroutine after start. A damaged page
//     is reported as a *CorruptError whenever it is read anyway.
//   - Expired trash is purged by PurgeExpiredTrash, which the window calls
//     once the secret store is attached (purging deletes secrets).
//   - Only one process can open the database. A second Open fails after
//     Options.Timeout (1 s) with "Knock is already running (data: DIR)".
//   - A damaged file is never written to. Open and every later call return
//     a *CorruptError naming the file and the latest backup; RestoreBackup
//     puts a backup in place and keeps the damaged file beside it.
//   - Documents returned are copies; changing them changes nothing until
//     they are saved.
//   - Without a secret store, saving a document with a secret value fails
//     with ErrNoSecretStore: nothing is ever written in plain text instead.
//   - History redacts secrets from what it is given; values shorter than
//     four bytes are removed from their own fields but not searched for
//     elsewhere.
package storage
