package store

import (
	"cmp"
	"encoding/json"
	"io"
	"slices"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
)

// Dump writes every entity and then every fact of the snapshot at knownAt
// (zero: now) to w, one JSON object a line, each group sorted by ID. Two
// stores with the same graph dump the same bytes, whatever their internal
// ids; tests compare dumps to prove that a restart or reload changed
// nothing.
func (db *DB) Dump(knownAt time.Time, w io.Writer) error {
	return db.View(knownAt, func(r *Reader) error {
		var ents []*domain.Entity
		err := r.scanValues(tagPrefix(tagNode), func(_, v []byte) error {
			e, err := decodeEntity(v)
			ents = append(ents, e)
			return err
		})
		if err != nil {
			return err
		}
		var facts []*domain.Fact
		err = r.scanValues(tagPrefix(tagOut), func(_, v []byte) error {
			f, err := decodeOutVal(v)
			facts = append(facts, f)
			return err
		})
		if err != nil {
			return err
		}
		slices.SortFunc(ents, func(a, b *domain.Entity) int { return cmp.Compare(a.ID, b.ID) })
		slices.SortFunc(facts, func(a, b *domain.Fact) int { return cmp.Compare(a.ID, b.ID) })
		enc := json.NewEncoder(w)
		for _, e := range ents {
			if err := enc.Encode(struct {
				Entity *domain.Entity `json:"entity"`
			}{e}); err != nil {
				return err
			}
		}
		for _, f := range facts {
			if err := enc.Encode(struct {
				Fact *domain.Fact `json:"fact"`
			}{f}); err != nil {
				return err
			}
		}
		return nil
	})
}

// scanValues calls fn with each key and value under prefix; both are only
// valid during the call.
func (r *Reader) scanValues(prefix []byte, fn func(k, v []byte) error) error {
	opts := badgerIterOpts(prefix)
	it := r.txn.NewIterator(opts)
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		if err := item.Value(func(v []byte) error { return fn(item.Key(), v) }); err != nil {
			return err
		}
	}
	return nil
}
