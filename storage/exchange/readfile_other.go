//go:build !unix

package exchange

import "os"

// nativeReadSmallFile reads a whole request file.
func nativeReadSmallFile(path string) ([]byte, error) { return os.ReadFile(path) }
