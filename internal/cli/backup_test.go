package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/export"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/store"
)

// jsonlExport returns a whole-graph JSON Lines export of dir.
func jsonlExport(t *testing.T, dir string) []byte {
	t.Helper()
	db, err := store.Open(dir, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f, err := export.Lookup("jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	err = db.View(time.Time{}, func(r *store.Reader) error {
		_, err := export.Write(r, f, store.Selection{}, "alliancegraph test", &b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestBackupRestoreCLI: backup, then restore into an empty directory, gives
// a store whose JSON Lines export is byte-identical; a truncated backup is
// refused and leaves no target behind.
func TestBackupRestoreCLI(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	srv := servertest.New(t, servertest.Command(Run), servertest.Dir(src))
	srv.Stop(t)
	file := filepath.Join(dir, "nato.agb")
	ctx := context.Background()
	if err := Run(ctx, []string{"backup", "--data", src, "-o", file}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "dst")
	if err := Run(ctx, []string{"restore", "--data", dst, file}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if a, b := jsonlExport(t, src), jsonlExport(t, dst); !bytes.Equal(a, b) {
		t.Error("the restored store's export differs")
	}
	if err := Run(ctx, []string{"check", "--data", dst}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	whole, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(dir, "short.agb")
	if err := os.WriteFile(short, whole[:len(whole)-100], 0o644); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "never")
	if err := Run(ctx, []string{"restore", "--data", target, short}, io.Discard, io.Discard); !errors.Is(err, store.ErrBadBackup) {
		t.Fatalf("truncated restore: %v", err)
	}
	if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
		t.Error("a refused restore created its target")
	}
}
