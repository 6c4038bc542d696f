// Package exchange reads and writes the files Knock shares: its native
// request files, and (in later versions) the formats of other clients.
package exchange
