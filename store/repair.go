package store

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

// removeEmptyValueLogs deletes the value log files in dir that are empty,
// before Badger opens it.
//
// Badger starts a new value log file every time it opens a directory: it
// creates the file, then sizes it and writes its header. A process killed
// between the two (a SIGKILL, an out-of-memory kill, while a server
// starts) leaves a file of zero bytes, and every later open of the
// directory fails on it ("Open existing file ...: Create a new file",
// Badger v4.9.6), so the store could not be opened again without deleting
// the file by hand. A file of zero bytes holds no value, nothing points
// into it, and Badger lists value log files from the directory, not from
// its manifest, so deleting it loses nothing.
//
// It holds the directory's lock (the one Badger takes) while it looks,
// so it never touches a file that a running process is creating; a
// directory locked by another process is ErrLocked. A directory that does
// not exist yet has nothing to remove. Where the lock is not available
// (see lockDir), it does nothing.
func removeEmptyValueLogs(dir string, log *slog.Logger) error {
	unlock, err := lockDir(dir, false)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case errors.Is(err, ErrLocked):
		return err
	case err != nil:
		return fmt.Errorf("store: open %s: %w", dir, err)
	case unlock == nil:
		return nil
	}
	defer unlock()
	names, err := emptyValueLogs(dir)
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := os.Remove(name); err != nil {
			return fmt.Errorf("store: open %s: removing an empty value log file: %w", dir, err)
		}
		log.Warn("removed an empty value log file, left by a process stopped while it opened the store", "file", filepath.Base(name))
	}
	return nil
}

// emptyValueLogs lists the value log files in dir that are empty.
func emptyValueLogs(dir string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.vlog"))
	if err != nil {
		return nil, err
	}
	var empty []string
	for _, name := range names {
		fi, err := os.Lstat(name)
		if err != nil {
			return nil, fmt.Errorf("store: open %s: %w", dir, err)
		}
		if fi.Mode().IsRegular() && fi.Size() == 0 {
			empty = append(empty, name)
		}
	}
	return empty, nil
}

// checkRecovered returns ErrNeedsRecovery when opening dir needs writes:
// a memtable log (*.mem) is left only by a process that did not close
// the store (Close flushes and deletes it), and Badger replays and
// truncates it; an empty value log file must be removed. It holds the
// shared lock a read-only open takes while it looks, so that a writer's
// files are ErrLocked, not mistaken for leftovers. Where the lock is not
// available (see lockDir), it looks without it.
func checkRecovered(dir string) error {
	unlock, err := lockDir(dir, true)
	switch {
	case errors.Is(err, ErrLocked):
		return err
	case err != nil:
		return fmt.Errorf("store: open %s: %w", dir, err)
	case unlock != nil:
		defer unlock()
	}
	mems, err := filepath.Glob(filepath.Join(dir, "*.mem"))
	if err != nil {
		return err
	}
	empty, err := emptyValueLogs(dir)
	if err != nil {
		return err
	}
	switch {
	case len(mems) > 0:
		return fmt.Errorf("%w: %s holds a write-ahead log to replay (open it once read-write, e.g. with serve, or where the directory is writable)", ErrNeedsRecovery, dir)
	case len(empty) > 0:
		return fmt.Errorf("%w: %s holds an empty value log file to remove (open it once read-write, e.g. with serve, or where the directory is writable)", ErrNeedsRecovery, dir)
	}
	return nil
}
