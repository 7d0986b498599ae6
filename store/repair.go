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
	unlock, err := lockDir(dir)
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
	names, err := filepath.Glob(filepath.Join(dir, "*.vlog"))
	if err != nil {
		return err
	}
	for _, name := range names {
		fi, err := os.Lstat(name)
		if err != nil {
			return fmt.Errorf("store: open %s: %w", dir, err)
		}
		if !fi.Mode().IsRegular() || fi.Size() != 0 {
			continue
		}
		if err := os.Remove(name); err != nil {
			return fmt.Errorf("store: open %s: removing an empty value log file: %w", dir, err)
		}
		log.Warn("removed an empty value log file, left by a process stopped while it opened the store", "file", filepath.Base(name))
	}
	return nil
}
