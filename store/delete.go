package store

import (
	"fmt"
	"slices"

	"github.com/alliancegraph/alliancegraph/domain"
)

// DeleteEntity removes the entity with id and retracts every fact that
// starts or ends at it, in the same transaction; earlier transaction
// times still show them all. An entity that other facts still name as
// their event or cite as their source cannot be deleted (ErrConflict):
// those facts would point at nothing. It returns the IDs of the facts it
// retracted.
func (w *Writer) DeleteEntity(id string) ([]string, error) {
	e, n, err := w.entity(id)
	if err != nil {
		return nil, err
	}
	var eds []edge
	for _, out := range []bool{true, false} {
		err := w.scanEdges(out, n, 0, func(ed edge, _ []byte) error {
			eds = append(eds, ed)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	var facts []string
	for _, ed := range eds { // read outside the scan, which lends its values
		f, err := w.factAt(ed)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(facts, f.ID) {
			facts = append(facts, f.ID)
		}
	}
	if e.Kind == domain.KindEvent || e.Kind == domain.KindDocument {
		if err := w.refuseIfReferenced(id, facts); err != nil {
			return nil, err
		}
	}
	for _, f := range facts {
		if err := w.DeleteFact(f); err != nil {
			return nil, err
		}
	}
	if err := w.dropEntityIndexes(e, n); err != nil {
		return nil, err
	}
	_, key, _ := domain.SplitID(id)
	for _, k := range [][]byte{nodeKey(n), slugKey(e.Kind, key), kindKey(e.Kind, n)} {
		if err := w.del(k); err != nil {
			return nil, err
		}
	}
	w.touched(domain.Change{ID: id, Op: domain.OpDelete})
	return facts, nil
}

// refuseIfReferenced returns ErrConflict if a fact other than those in
// going names id as its event or a citation source. Events and sources
// have no reverse index, so this reads every fact; deleting them is rare.
func (w *Writer) refuseIfReferenced(id string, going []string) error {
	var by string
	err := w.scanValues(tagPrefix(tagOut), func(_, v []byte) error {
		if by != "" {
			return nil
		}
		f, err := decodeOutVal(v)
		if err != nil {
			return err
		}
		if slices.Contains(going, f.ID) {
			return nil
		}
		if f.Event == id || slices.ContainsFunc(f.Citations, func(c domain.Citation) bool { return c.Source == id }) {
			by = f.ID
		}
		return nil
	})
	if err != nil {
		return err
	}
	if by != "" {
		return fmt.Errorf("%w: %s is still referenced by %s; retract or change that fact first", domain.ErrConflict, id, by)
	}
	return nil
}
