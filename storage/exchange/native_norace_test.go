//go:build !race

package exchange

// nativeRace is true under the race detector, where timings mean nothing.
const nativeRace = false
