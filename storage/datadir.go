package storage

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// DataDirEnv names the environment variable that overrides the data
// directory.
const DataDirEnv = "KNOCK_DATA_DIR"

// DataDir returns the directory that holds Knock's database: $KNOCK_DATA_DIR
// when set, otherwise $XDG_DATA_HOME/knock (~/.local/share/knock) on Linux
// and the BSDs, and the platform's application-data folder elsewhere.
func DataDir() (string, error) {
	if d := os.Getenv(DataDirEnv); d != "" {
		return filepath.Abs(d)
	}
	switch runtime.GOOS {
	case "darwin", "windows", "ios", "android":
		d, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(d, "Knock"), nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "knock"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", errors.New("storage: no data directory: set " + DataDirEnv + " or HOME")
	}
	return filepath.Join(home, ".local", "share", "knock"), nil
}
