package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestOpenAfterKillCreatingValueLog: Badger opens a new value log file
// every time it opens a directory, and a process killed between creating
// that file and sizing it leaves it empty; Badger then refuses the
// directory for good ("Open existing file ...: Create a new file"). Open
// removes the empty file (it can hold nothing) and opens the store with
// everything it had, again and again.
func TestOpenAfterKillCreatingValueLog(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, DefaultOptions().WithClock(newFakeClock(t0).Now))
	if err != nil {
		t.Fatal(err)
	}
	fixture(t, db)
	want := dump(t, db, time.Time{})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		empty := filepath.Join(dir, fmt.Sprintf("%06d.vlog", maxVlogFid(t, dir)+1))
		if err := os.WriteFile(empty, nil, 0o666); err != nil {
			t.Fatal(err)
		}
		db, err := Open(dir, DefaultOptions())
		if err != nil {
			t.Fatalf("round %d: Open with an empty value log file: %v", round, err)
		}
		got := dump(t, db, time.Time{})
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("round %d: the store reads\n%s\nwant\n%s", round, got, want)
		}
	}
}

// maxVlogFid returns the largest value log file number in dir.
func maxVlogFid(t *testing.T, dir string) int {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.vlog"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no value log files in %s (%v)", dir, err)
	}
	var fids []int
	for _, n := range names {
		fid, err := strconv.Atoi(strings.TrimSuffix(filepath.Base(n), ".vlog"))
		if err != nil {
			t.Fatal(err)
		}
		fids = append(fids, fid)
	}
	return slices.Max(fids)
}

// TestOpenLeavesALockedDirectoryAlone: while another handle holds the
// directory, an empty value log file may be one it is creating: Open
// reports ErrLocked and removes nothing.
func TestOpenLeavesALockedDirectoryAlone(t *testing.T) {
	dir := t.TempDir()
	db := openDir(t, dir, nil)
	empty := filepath.Join(dir, fmt.Sprintf("%06d.vlog", maxVlogFid(t, dir)+1))
	if err := os.WriteFile(empty, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	db2, err := Open(dir, DefaultOptions())
	if err == nil {
		db2.Close()
		t.Fatal("Open of a locked directory succeeded")
	}
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("Open of a locked directory: %v, want ErrLocked", err)
	}
	if _, err := os.Stat(empty); err != nil {
		t.Fatalf("the empty value log file of a locked directory: %v", err)
	}
	os.Remove(empty) // before the first handle closes, as its creator would have filled it
	fixture(t, db)
}

// TestOpenWithoutCreate: with WithCreate(false), a directory that does
// not exist or is empty is ErrNoStore and stays as it was; a store opens.
func TestOpenWithoutCreate(t *testing.T) {
	parent := t.TempDir()
	missing := filepath.Join(parent, "missing")
	empty := filepath.Join(parent, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	o := DefaultOptions().WithCreate(false)
	for _, dir := range []string{missing, empty} {
		db, err := Open(dir, o)
		if err == nil {
			db.Close()
			t.Fatalf("Open(%s) without create succeeded", filepath.Base(dir))
		}
		if !errors.Is(err, ErrNoStore) {
			t.Fatalf("Open(%s) without create: %v, want ErrNoStore", filepath.Base(dir), err)
		}
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the missing directory was created: %v", err)
	}
	if entries, _ := os.ReadDir(empty); len(entries) > 0 {
		t.Errorf("the empty directory holds %v", entries)
	}
	db, err := Open(empty, DefaultOptions()) // creates the store
	if err != nil {
		t.Fatal(err)
	}
	fixture(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(empty, o)
	if err != nil {
		t.Fatalf("Open of a store without create: %v", err)
	}
	db.Close()
	if db, err := Open("", DefaultOptions().WithInMemory(true).WithCreate(false)); err != nil {
		t.Errorf("an in-memory store without create: %v", err)
	} else {
		db.Close()
	}
}

// TestOpenAFile: a --data that names a file is refused as not a
// directory (Badger's own message was about its pid file).
func TestOpenAFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(file, []byte("hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, o := range []Options{DefaultOptions(), DefaultOptions().WithCreate(false)} {
		db, err := Open(file, o)
		if err == nil {
			db.Close()
			t.Fatal("Open of a file succeeded")
		}
		if want := "store: open " + file + ": not a directory"; err.Error() != want {
			t.Errorf("Open of a file: %q, want %q", err, want)
		}
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "hi" {
		t.Errorf("the file now holds %q (%v)", b, err)
	}
}
