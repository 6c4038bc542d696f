// Package storage defines Knock's documents (requests, collections,
// environments, history) and keeps them in a bbolt database in the user's
// data directory.
//
// Every document type is defined here once; the engine, the window, the
// command line and the importers all use these types.
package storage
