package store

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/alliancegraph/alliancegraph/domain"
)

// DatasetStamp names the curated dataset a store was first loaded with or
// last upgraded to: the dataset's name and a hash of its content. The
// dataset package writes it in the same commit as the records, so a
// server can tell, without writing anything, whether the dataset it
// embeds is the one the store holds.
type DatasetStamp struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// String is name@ and the hash's first 12 hex digits, or "unknown" for
// the zero stamp (a store made before stamps were kept, or by an import).
func (s DatasetStamp) String() string {
	if s == (DatasetStamp{}) {
		return "unknown"
	}
	return s.Name + "@" + s.SHA256[:min(12, len(s.SHA256))]
}

// SetDatasetStamp records s as the store's curated dataset, in this
// write's commit.
func (w *Writer) SetDatasetStamp(s DatasetStamp) error {
	if s.Name == "" || s.SHA256 == "" {
		return fmt.Errorf("%w: a dataset stamp needs a name and a hash", domain.ErrInvalid)
	}
	v, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return w.set(metaKey(metaDataset), v)
}

// DatasetStamp returns the curated dataset this snapshot records, and
// false when it records none.
func (r *Reader) DatasetStamp() (DatasetStamp, bool, error) {
	r.count()
	v, err := r.get(metaKey(metaDataset))
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return DatasetStamp{}, false, nil
	case err != nil:
		return DatasetStamp{}, false, err
	}
	var s DatasetStamp
	if err := json.Unmarshal(v, &s); err != nil {
		return DatasetStamp{}, false, fmt.Errorf("%w: dataset stamp: %v", ErrCorrupt, err)
	}
	return s, true, nil
}

// Empty reports whether this snapshot holds nothing but what Open wrote
// into a new directory: no commit after the format version's. A store
// anything was ever written to (even if all of it was deleted since) is
// not empty.
func (r *Reader) Empty() (bool, error) {
	r.count()
	ts, err := newestCommit(r.txn, r.ts)
	return ts <= formatTs, err
}
