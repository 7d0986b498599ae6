//go:build !unix

package httpapi

// openFileLimit returns 0, unknown: the platform has no RLIMIT_NOFILE.
func openFileLimit() uint64 { return 0 }
