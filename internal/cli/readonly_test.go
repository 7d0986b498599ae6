//go:build linux

package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/internal/tmpfs"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestReadingCommandsOnAReadOnlyMount: check, export and backup only
// read a store, so they work on a filesystem mounted read-only (a
// snapshot, a backup volume), where Badger's read-write open failed
// writing its lock file.
func TestReadingCommandsOnAReadOnlyMount(t *testing.T) {
	mnt := tmpfs.Mount(t, "256m") // room for a write with the default memtable (docs/STORAGE.md)
	dir := filepath.Join(mnt, "data")
	srv := servertest.New(t, servertest.Command(Run), servertest.Dir(dir))
	srv.Stop(t)
	tmpfs.RemountReadOnly(t, mnt)
	out := t.TempDir()
	for _, args := range [][]string{
		{"check", "--data", dir},
		{"export", "--data", dir, "--format", "jsonl", "-o", filepath.Join(out, "nato.jsonl")},
		{"backup", "--data", dir, "-o", filepath.Join(out, "nato.backup")},
	} {
		t.Run(args[0], func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if err := Run(t.Context(), args, &stdout, &stderr); err != nil {
				t.Fatalf("%s on a read-only mount: %v\n%s", args[0], err, stderr.String())
			}
			if args[0] == "check" && !strings.Contains(stdout.String(), "is consistent") {
				t.Errorf("check says %q", stdout.String())
			}
		})
	}
	for _, name := range []string{"nato.jsonl", "nato.backup"} {
		if fi, err := os.Stat(filepath.Join(out, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	restored := filepath.Join(out, "restored")
	if err := Run(t.Context(), []string{"restore", "--data", restored, filepath.Join(out, "nato.backup")}, io.Discard, io.Discard); err != nil {
		t.Fatalf("restore of the backup taken on the read-only mount: %v", err)
	}
	if err := Run(t.Context(), []string{"check", "--data", restored}, io.Discard, io.Discard); err != nil {
		t.Errorf("check of the restored backup: %v", err)
	}
}

// leaveUnclosed writes the NATO dataset into a new store in dir from a
// process that exits without closing it, as a killed server would.
func leaveUnclosed(t *testing.T, dir string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestUnclosedStoreHelper$")
	cmd.Env = append(os.Environ(), "ALLIANCEGRAPH_TEST_UNCLOSED="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the writing process: %v\n%s", err, out)
	}
}

// TestUnclosedStoreHelper is leaveUnclosed's process; alone, it does
// nothing.
func TestUnclosedStoreHelper(t *testing.T) {
	dir := os.Getenv("ALLIANCEGRAPH_TEST_UNCLOSED")
	if dir == "" {
		return
	}
	db, err := store.Open(dir, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.LoadNATO(db); err != nil {
		t.Fatal(err)
	}
	os.Exit(0)
}

// TestReadingCommandsRecoverAnUnclosedStore: a store whose server was
// killed cannot be opened read-only (its write-ahead log must be replayed
// and truncated); check recovers it, saying so, and reports it
// consistent. On a read-only mount it cannot, and says why.
func TestReadingCommandsRecoverAnUnclosedStore(t *testing.T) {
	dir := t.TempDir()
	leaveUnclosed(t, dir)
	var stdout, stderr bytes.Buffer
	if err := Run(t.Context(), []string{"check", "--data", dir}, &stdout, &stderr); err != nil {
		t.Fatalf("check of an unclosed store: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "was not closed cleanly; recovering it") || !strings.Contains(stdout.String(), "is consistent") {
		t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
	}

	t.Run("read-only mount", func(t *testing.T) {
		mnt := tmpfs.Mount(t, "256m")
		dir := filepath.Join(mnt, "data")
		leaveUnclosed(t, dir)
		tmpfs.RemountReadOnly(t, mnt)
		err := Run(t.Context(), []string{"check", "--data", dir}, io.Discard, io.Discard)
		if !errors.Is(err, store.ErrNeedsRecovery) || !strings.Contains(err.Error(), "read-only file system") {
			t.Fatalf("check of an unclosed store on a read-only mount: %v, want ErrNeedsRecovery and why the recovery failed", err)
		}
	})
}
