//go:build unix

package httpapi

import "syscall"

// openFileLimit returns how many files (sockets included) the process may
// have open: the soft RLIMIT_NOFILE, which the Go runtime raises to the
// hard limit at start. 0: unknown.
func openFileLimit() uint64 {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0
	}
	return uint64(r.Cur)
}
