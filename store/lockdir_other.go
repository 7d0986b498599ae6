//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package store

// lockDir has no lock to take on this system: it returns no release, and
// the caller leaves the directory as it is (Badger's own open still
// locks it).
func lockDir(dir string, shared bool) (unlock func(), err error) { return nil, nil }
