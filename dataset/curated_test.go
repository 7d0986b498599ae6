package dataset_test

import (
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestSeedCuratedSmallMemtable: the whole curated set seeds a store
// opened with a small memtable (serve --memtable-mb 8), whose transactions
// cannot hold it in one request, and the store passes its check.
func TestSeedCuratedSmallMemtable(t *testing.T) {
	db, err := store.Open(t.TempDir(), store.DefaultOptions().WithMemTableSize(8<<20))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	res, err := dataset.SeedCurated(db)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Loaded || res.Stored != res.Given || res.Changed < 2000 {
		t.Fatalf("seed: %+v", res)
	}
	v, err := db.Check(time.Time{}, 0)
	if err != nil || len(v) > 0 {
		t.Fatalf("check: %v %v", v, err)
	}
	again, err := dataset.SeedCurated(db)
	if err != nil || again.Loaded || again.Changed != 0 || again.Stored != again.Given {
		t.Fatalf("second seed: %+v %v", again, err)
	}
	// The parse is shared between seeds; a second store gets the same.
	other, err := store.Open("", store.DefaultOptions().WithInMemory(true))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	res2, err := dataset.SeedCurated(other)
	if err != nil || res2.Given != res.Given || res2.Changed != res.Changed {
		t.Fatalf("another store: %+v %v, want %+v", res2, err, res)
	}
}
