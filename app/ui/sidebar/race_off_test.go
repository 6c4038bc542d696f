//go:build !race

package sidebar

const raceEnabled = false
