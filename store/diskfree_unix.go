//go:build unix

package store

import (
	"io/fs"
	"syscall"

	"golang.org/x/sys/unix"
)

// freeBytes returns the bytes of dir's filesystem that an unprivileged
// process may still use.
func freeBytes(dir string) (free uint64, ok bool, err error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, false, err
	}
	return uint64(st.Bavail) * uint64(st.Bsize), true, nil
}

// allocatedBytes returns the bytes of disk a file takes, which for a
// sparse file is less than its size.
func allocatedBytes(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Blocks) * 512 // st_blocks counts 512-byte units
	}
	return uint64(fi.Size())
}
