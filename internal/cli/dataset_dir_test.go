package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestDatasetUpgradeFromDir: --from takes a directory laid out like
// dataset/ (every file merged, as the built-in set is); a copy of the
// built-in files is the dataset the store holds, and a copy missing a
// leaders file removes that state's leaders.
func TestDatasetUpgradeFromDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	db, err := store.Open(dir, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.SeedCurated(db); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	err = fs.WalkDir(dataset.CuratedFS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(dataset.CuratedFS(), p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(src, filepath.Dir(p)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(src, p), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := upgrade(t, "--data", dir, "--from", src, "--dry-run")
	if err != nil || !strings.Contains(out, "nothing to do") {
		t.Fatalf("the same files: %v\n%s", err, out)
	}
	if err := os.Remove(filepath.Join(src, "leaders", "fin.yaml")); err != nil {
		t.Fatal(err)
	}
	out, err = upgrade(t, "--data", dir, "--from", src, "--dry-run")
	if err != nil || !strings.Contains(out, "remove fact/sanna-marin-holds-prime-minister-of-finland-2019") {
		t.Fatalf("without Finland's leaders: %v\n%s", err, out)
	}
}
