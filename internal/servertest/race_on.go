//go:build race

package servertest

// RaceEnabled: the tests run under -race, so a binary Build makes for
// them uses it too.
const RaceEnabled = true
