// Package secrets keeps Knock's secret values: passwords, tokens, client
// secrets, private keys, passphrases, AWS secret keys, client certificate
// passwords, proxy credentials and variables marked secret.
//
// # Basics
//
// A Store maps a reference to a value. Package storage saves only the
// reference in its database and asks the Store for the value when a
// document is hydrated. There are three stores:
//
//   - Keyring, the default: the OS keyring through github.com/zalando/go-keyring,
//     service "knock", one item per secret, the reference as the item's
//     account name. Values over MaxItemSize (2048) bytes are split into
//     chunks "<ref>#chunk1" … with a header item under the reference,
//     because Windows refuses items over 2560 bytes.
//   - Session: memory only, gone when Knock exits.
//   - Vault: an encrypted file, DATA/vault.knock, keyed by scrypt from a
//     passphrase and sealed with XChaCha20-Poly1305.
//
// # Choosing a store
//
// At start the window calls NewKeyring(nil).Probe() in a goroutine. When it
// returns an *UnavailableError (errors.Is(err, ErrUnavailable)), the window
// shows err.Reason and lets the user choose: NewSession() for this session
// only, or a vault (CreateVault the first time, OpenVault after). Any
// keyring call can also fail later with an *UnavailableError (the keyring
// was locked and the unlock refused); the same choice is offered then.
// Nothing here ever falls back to another store, and no store writes a
// secret in plain text.
//
// # Caveats
//
//   - Every call may block: D-Bus round trips, unlock prompts, scrypt, file
//     syncs. Never call a Store on the UI goroutine.
//   - On Linux the keyring needs a D-Bus session bus with a Secret Service.
//     SystemBackend refuses to start without a session bus address, because
//     godbus would otherwise launch dbus-launch and leave a daemon behind.
//   - A keyring call that waits longer than its timeout (DefaultTimeout) is
//     reported as unavailable; the call itself cannot be cancelled and its
//     late result is dropped.
//   - Error messages name references, never values.
//   - The Vault holds its values and key in memory while open. Session
//     values are lost at exit by design: the references stay, and hydrating
//     reports the values missing so the user can type them again.
package secrets
