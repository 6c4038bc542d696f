//go:build !race

package bodyview

const raceEnabled = false
