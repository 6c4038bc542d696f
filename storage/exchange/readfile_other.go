//go:build !unix

package exchange

import "os"

// nativeReadSmallFile reads a whole request file (buf is a hint only).
func nativeReadSmallFile(path string, buf []byte) ([]byte, error) { return os.ReadFile(path) }
