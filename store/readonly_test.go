package store

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
)

// dirState lists dir's files with their sizes and modification times.
func dirState(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %d %v\n", e.Name(), fi.Size(), fi.ModTime().UnixNano())
	}
	return b.String()
}

// TestOpenReadOnly: a store opened read-only reads as it does read-write,
// refuses every write with ErrReadOnly, shares the directory with other
// read-only opens but not with a writer, and leaves every file as it was.
func TestOpenReadOnly(t *testing.T) {
	dir := t.TempDir()
	db := openDir(t, dir, newFakeClock(t0))
	fixture(t, db)
	want := dump(t, db, time.Time{})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	before := dirState(t, dir)
	ro := openOpts(t, dir, DefaultOptions().WithReadOnly(true))
	ro2 := openOpts(t, dir, DefaultOptions().WithReadOnly(true))
	for _, db := range []*DB{ro, ro2} {
		if got := dump(t, db, time.Time{}); got != want {
			t.Errorf("read-only dump:\n%s\nwant\n%s", got, want)
		}
	}
	checkClean(t, ro, time.Time{})
	for name, write := range map[string]func() error{
		"update": func() error { return ro.Update("test", putEntities(domain.Entity{ID: "person/later", Name: "Later"})) },
		"bulk": func() error {
			_, err := ro.BulkUpdate(UpdateOptions{}, func(b *Bulk) error { return nil })
			return err
		},
		"load": func() error {
			_, err := ro.Load(UpdateOptions{}, func(w *Writer) error { return nil })
			return err
		},
	} {
		if err := write(); !errors.Is(err, ErrReadOnly) {
			t.Errorf("%s on a read-only store: %v, want ErrReadOnly", name, err)
		}
	}
	if n, err := ro.GCValueLog(); n != 0 || err != nil {
		t.Errorf("GCValueLog on a read-only store: %d, %v", n, err)
	}
	if _, err := Open(dir, DefaultOptions()); !errors.Is(err, ErrLocked) {
		t.Errorf("a writer while read-only handles are open: %v, want ErrLocked", err)
	}
	ro.Close()
	ro2.Close()
	if after := dirState(t, dir); after != before {
		t.Errorf("read-only opens changed the directory:\n%s\nit was\n%s", after, before)
	}
	for _, d := range []string{filepath.Join(dir, "missing"), t.TempDir()} {
		if _, err := Open(d, DefaultOptions().WithReadOnly(true)); !errors.Is(err, ErrNoStore) {
			t.Errorf("read-only open of %s: %v, want ErrNoStore", d, err)
		}
	}
}

// TestOpenReadOnlyHidesAnUnsettledBulk: a bulk write that failed and
// could not be rolled back leaves hidden versions above the newest
// commit; a read-write open rolls them back, and a read-only one, which
// cannot, reads below them.
func TestOpenReadOnlyHidesAnUnsettledBulk(t *testing.T) {
	dir := t.TempDir()
	c := newFakeClock(t0)
	db := openDir(t, dir, c)
	fixture(t, db)
	before := dump(t, db, time.Time{})
	settleFault = func() error { return errors.New("disk on fire") }
	t.Cleanup(func() { settleFault = nil })
	c.Advance(time.Second)
	_, err := db.BulkUpdate(UpdateOptions{Author: "test"}, func(b *Bulk) error {
		if err := putEntities(domain.Entity{ID: "person/hidden", Name: "Hidden One"})(b.Writer()); err != nil {
			return err
		}
		if err := b.Flush(); err != nil {
			return err
		}
		return errors.New("the import's next record is bad")
	})
	if !errors.Is(err, ErrUnsettled) && !strings.Contains(fmt.Sprint(err), "disk on fire") {
		t.Fatalf("bulk: %v", err)
	}
	settleFault = nil
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(dir, DefaultOptions().WithReadOnly(true))
	if errors.Is(err, ErrNeedsRecovery) {
		t.Fatalf("a closed store needs recovery: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if got := dump(t, ro, time.Time{}); got != before {
		t.Errorf("read-only open shows the unsettled bulk:\n%s", got)
	}
	checkClean(t, ro, time.Time{})
}

// TestOpenReadOnlyNeedsRecovery: a store whose process exited without
// closing it, or with an empty value log file left by a kill, needs writes
// to open; read-only, Open says so with ErrNeedsRecovery and writes
// nothing, and once a read-write open has recovered it, it opens
// read-only.
func TestOpenReadOnlyNeedsRecovery(t *testing.T) {
	if dir := os.Getenv("ALLIANCEGRAPH_TEST_UNCLOSED"); dir != "" {
		db, err := Open(dir, DefaultOptions().WithClock(newFakeClock(t0).Now))
		if err != nil {
			t.Fatal(err)
		}
		fixture(t, db)
		os.Exit(0) // without Close, as a killed process
	}
	unclosed := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestOpenReadOnlyNeedsRecovery$")
	cmd.Env = append(os.Environ(), "ALLIANCEGRAPH_TEST_UNCLOSED="+unclosed)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the writing process: %v\n%s", err, out)
	}
	emptyLog := t.TempDir()
	db := openDir(t, emptyLog, newFakeClock(t0))
	fixture(t, db)
	want := dump(t, db, time.Time{})
	db.Close()
	if err := os.WriteFile(filepath.Join(emptyLog, fmt.Sprintf("%06d.vlog", maxVlogFid(t, emptyLog)+1)), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, dir := range map[string]string{"not closed": unclosed, "empty value log": emptyLog} {
		t.Run(name, func(t *testing.T) {
			before := dirState(t, dir)
			if _, err := Open(dir, DefaultOptions().WithReadOnly(true)); !errors.Is(err, ErrNeedsRecovery) {
				t.Fatalf("read-only open: %v, want ErrNeedsRecovery", err)
			}
			if after := dirState(t, dir); after != before {
				t.Errorf("the refused read-only open changed the directory:\n%s\nit was\n%s", after, before)
			}
			rw, err := Open(dir, DefaultOptions().WithCreate(false))
			if err != nil {
				t.Fatal(err)
			}
			rw.Close()
			ro := openOpts(t, dir, DefaultOptions().WithReadOnly(true))
			if got := dump(t, ro, time.Time{}); got != want {
				t.Errorf("after recovery:\n%s\nwant\n%s", got, want)
			}
		})
	}
}
