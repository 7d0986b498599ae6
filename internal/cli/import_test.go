package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/export"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestImportChecksFilesFirst: a missing file or a directory named as a
// file is refused before the store is opened, so a new --data directory
// is not created for an import that cannot start.
func TestImportChecksFilesFirst(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "data")
	for _, file := range []string{filepath.Join(parent, "missing.jsonl"), parent} {
		err := Run(t.Context(), []string{"import", "--data", dir, file}, io.Discard, io.Discard)
		if err == nil {
			t.Fatalf("import of %s succeeded", file)
		}
		if _, serr := os.Stat(dir); !errors.Is(serr, os.ErrNotExist) {
			t.Errorf("import of %s (%v) created the data directory: %v", file, err, serr)
		}
	}
}

// TestImportAndIngestCommands runs the CLI: export-format JSON Lines into
// an empty directory, a bad file naming its line, and ingest.
func TestImportAndIngestCommands(t *testing.T) {
	src := filepath.Join(t.TempDir(), "nato.jsonl")
	var b bytes.Buffer
	db, err := store.Open("", store.DefaultOptions().WithInMemory(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.LoadNATO(db); err != nil {
		t.Fatal(err)
	}
	f, _ := export.Lookup("jsonl")
	err = db.View(time.Time{}, func(r *store.Reader) error {
		_, err := export.Write(r, f, store.Selection{}, "test", &b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	os.WriteFile(src, b.Bytes(), 0o644)
	var dir string
	var out, errOut bytes.Buffer
	// Into an empty directory the fast path runs unless --fast=false.
	for _, tc := range []struct {
		flags    []string
		progress string
	}{{nil, "records applied in memory"}, {[]string{"--fast=false"}, "records parse"}} {
		dir = t.TempDir()
		out.Reset()
		errOut.Reset()
		args := append(append([]string{"import", "--data", dir}, tc.flags...), src)
		if err := Run(t.Context(), args, &out, &errOut); err != nil {
			t.Fatalf("import %v: %v\n%s", tc.flags, err, errOut.String())
		}
		if !strings.Contains(out.String(), "changed") || !strings.Contains(errOut.String(), "import: done") || !strings.Contains(errOut.String(), tc.progress) {
			t.Errorf("import %v: output %q, progress %q", tc.flags, out.String(), errOut.String())
		}
		if err := Run(t.Context(), []string{"check", "--data", dir}, &out, &errOut); err != nil {
			t.Errorf("check after import %v: %v", tc.flags, err)
		}
	}
	os.WriteFile(src, append(b.Bytes(), "{not json}\n"...), 0o644)
	err = Run(t.Context(), []string{"import", "--data", dir, src}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("nato.jsonl:%d:", bytes.Count(b.Bytes(), []byte("\n"))+1)) {
		t.Errorf("bad file: %v", err)
	}
	out.Reset()
	// The document the README's ingest example uses, shipped in the repo.
	if err := Run(t.Context(), []string{"ingest", "--data", dir, filepath.Join(servertest.Root(t), "testdata", "docs", "nordic-accessions.txt")}, &out, &errOut); err != nil {
		t.Fatalf("ingest: %v", err)
	}
	if !strings.Contains(out.String(), "as doc/sha256-f80a70c44c98d757: 9 entities mentioned") {
		t.Errorf("ingest output %q", out.String())
	}
	if err := Run(t.Context(), []string{"check", "--data", dir}, &out, &errOut); err != nil {
		t.Errorf("check after import and ingest: %v", err)
	}
}
