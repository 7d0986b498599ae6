package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/internal/tmpfs"
)

// bigPlaces writes n places, each with a property of a kilobyte that
// does not compress, flushing a bulk's chunk every 200 when flush is not
// nil.
func bigPlaces(w func() *Writer, flush func() error, n int) error {
	rng := rand.New(rand.NewPCG(1, 2))
	blob := make([]byte, 1024)
	for i := range n {
		for j := range blob {
			blob[j] = 'a' + byte(rng.IntN(26))
		}
		e := domain.Entity{ID: fmt.Sprintf("place/big-%d", i), Kind: domain.KindPlace, Name: fmt.Sprintf("Place %d", i),
			Props: []domain.Prop{{Key: "blob", Type: domain.PropString, Value: string(blob)}}}
		if _, err := w().PutEntity(e); err != nil {
			return err
		}
		if flush != nil && i%200 == 199 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// TestLoadAndBulkOnAFullDisk: a Load or a bulk write larger than the
// free space of a small tmpfs is refused with ErrDiskFull, where Badger's
// StreamWriter and memtable log, writing through memory maps, got SIGBUS
// and killed the process. Each runs in a process of its own, so that a
// crash fails the test instead of ending it. The store is then as it was:
// read-only at once, and read-write once there is room to roll the bulk's
// committed chunks back.
func TestLoadAndBulkOnAFullDisk(t *testing.T) {
	if dir := os.Getenv("ALLIANCEGRAPH_TEST_FULL"); dir != "" {
		db, err := Open(dir, DefaultOptions().WithMemTableSize(8<<20))
		if err != nil {
			fmt.Println("open:", err)
			os.Exit(0)
		}
		if os.Getenv("ALLIANCEGRAPH_TEST_OP") == "load" {
			_, err = db.Load(UpdateOptions{Author: "test"}, func(w *Writer) error {
				return bigPlaces(func() *Writer { return w }, nil, 60000)
			})
		} else {
			_, err = db.BulkUpdate(UpdateOptions{Author: "test"}, func(b *Bulk) error {
				return bigPlaces(b.Writer, b.Flush, 60000)
			})
		}
		fmt.Println("write:", err)
		if os.Getenv("ALLIANCEGRAPH_TEST_OP") == "bulk" {
			// A write while the disk is still full, then one with room.
			later := func(id string) error {
				return db.Update("test", putEntities(domain.Entity{ID: id, Kind: domain.KindPlace, Name: "Later"}))
			}
			fmt.Println("full:", later("place/while-full"))
			if out, err := exec.Command("mount", "-o", "remount,size=256m", os.Getenv("ALLIANCEGRAPH_TEST_MNT")).CombinedOutput(); err != nil {
				fmt.Println("remount:", err, string(out))
			}
			fmt.Println("room:", later("place/with-room"))
		}
		fmt.Println("close:", db.Close())
		os.Exit(0)
	}
	for _, op := range []string{"load", "bulk"} {
		t.Run(op, func(t *testing.T) {
			mnt := tmpfs.Mount(t, "48m")
			dir := filepath.Join(mnt, "data")
			opts := DefaultOptions().WithMemTableSize(8 << 20).WithClock(newFakeClock(t0).Now)
			db, err := Open(dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			if op == "bulk" {
				fixture(t, db)
			}
			want := dump(t, db, time.Time{})
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestLoadAndBulkOnAFullDisk$")
			cmd.Env = append(os.Environ(), "ALLIANCEGRAPH_TEST_FULL="+dir, "ALLIANCEGRAPH_TEST_OP="+op, "ALLIANCEGRAPH_TEST_MNT="+mnt)
			out, err := cmd.CombinedOutput()
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); err != nil || ok && ws.Signaled() || strings.Contains(string(out), "fatal error") {
				t.Fatalf("the %s process crashed (%v):\n%s", op, err, out)
			}
			if !strings.Contains(string(out), "write: "+ErrDiskFull.Error()) {
				t.Fatalf("%s larger than the free space: want ErrDiskFull, got\n%s", op, out)
			}
			if op == "load" {
				// Refused before anything was written: the store reads
				// as it was, read-only at once.
				ro := openOpts(t, dir, DefaultOptions().WithReadOnly(true))
				if got := dump(t, ro, time.Time{}); got != want {
					t.Errorf("after the refused load:\n%.2000s", got)
				}
				ro.Close()
			} else {
				// The bulk's committed chunks are rolled back, which needs
				// room too: a write while the disk is still full is
				// refused, and once the disk has room the next write
				// finishes the rollback and goes through.
				for prefix, want := range map[string]string{"full: ": ErrDiskFull.Error(), "room: ": "<nil>", "close: ": "<nil>"} {
					if !strings.Contains(lineOf(string(out), prefix), want) {
						t.Errorf("after the refused bulk, want %q after %q in\n%s", want, prefix, out)
					}
				}
			}
			tmpfs.Run(t, "-o", "remount,size=256m", mnt)
			db = openOpts(t, dir, opts)
			checkClean(t, db, time.Time{})
			view(t, db, time.Time{}, func(r *Reader) error {
				for id, there := range map[string]bool{"place/big-0": false, "place/while-full": false, "place/with-room": op == "bulk"} {
					if _, err := r.Entity(id); (err == nil) != there {
						t.Errorf("after the refused %s, %s: %v, want it there: %v", op, id, err, there)
					}
				}
				return nil
			})
		})
	}
}

// TestRestoreOnAFullDisk: restoring a backup larger than the target's
// free space is refused with ErrDiskFull before anything is written,
// where Badger's load into the new directory got SIGBUS. The restore
// runs in a process of its own, so that a crash fails the test.
func TestRestoreOnAFullDisk(t *testing.T) {
	if file := os.Getenv("ALLIANCEGRAPH_TEST_RESTORE"); file != "" {
		fmt.Println("restore:", RestoreFile(os.Getenv("ALLIANCEGRAPH_TEST_TARGET"), file, DefaultOptions()))
		os.Exit(0)
	}
	mnt := tmpfs.Mount(t, "32m")
	src := openOpts(t, t.TempDir(), DefaultOptions().WithSyncWrites(false))
	_, err := src.BulkUpdate(UpdateOptions{Author: "test"}, func(b *Bulk) error { return bigPlaces(b.Writer, b.Flush, 40000) })
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "big.agb")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Backup(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	target := filepath.Join(mnt, "restored")
	cmd := exec.Command(os.Args[0], "-test.run=^TestRestoreOnAFullDisk$")
	cmd.Env = append(os.Environ(), "ALLIANCEGRAPH_TEST_RESTORE="+file, "ALLIANCEGRAPH_TEST_TARGET="+target)
	out, err := cmd.CombinedOutput()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); err != nil || ok && ws.Signaled() || strings.Contains(string(out), "fatal error") {
		t.Fatalf("the restoring process crashed (%v):\n%.3000s", err, out)
	}
	if !strings.Contains(string(out), "restore: "+ErrDiskFull.Error()) {
		t.Fatalf("restore larger than the free space: want ErrDiskFull, got\n%s", out)
	}
	if entries, err := os.ReadDir(mnt); err != nil || len(entries) > 0 {
		t.Errorf("the refused restore left %v (%v)", entries, err)
	}
}

// lineOf returns the line of out that starts with prefix.
func lineOf(out, prefix string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}
