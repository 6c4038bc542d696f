// Package workspace ties the send pipeline to the store, for the window
// and the command line alike: it opens the database in the data
// directory, attaches the secret store the user chose (the OS keyring, a
// session-only store, or an encrypted vault), and sends requests with
// what they inherit from their folders and collection, the environment's
// variables and the application settings applied, recording each send in
// history with its secrets redacted.
//
// Every method may block (bbolt, the keyring, the network): the window
// calls them from goroutines.
package workspace
