//go:build race

package main

// raceEnabled: the tests run under -race, so binaries they build for
// process-level tests use it too (and reuse its build cache).
const raceEnabled = true
