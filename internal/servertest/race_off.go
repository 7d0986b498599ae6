//go:build !race

package servertest

// RaceEnabled: the tests run without -race.
const RaceEnabled = false
