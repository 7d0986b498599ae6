package store

import (
	"fmt"

	"github.com/alliancegraph/alliancegraph/domain"
)

// Domain rules. PutFact applies them to every write, whoever makes it (a
// mutation, an import, the dataset loader), so no path can store a graph
// that breaks them:
//
//   - a state is a member of an alliance at most once at a time: two
//     MEMBER_OF facts with the same ends must not overlap in valid time (a
//     state that leaves and rejoins has two facts that do not overlap);
//   - a single-holder office has one holder at a time: two HOLDS facts to
//     it must not overlap. Every Office is single-holder unless its
//     boolean property "singleHolder" is false (a board, a college).
//
// A rule that fails is ErrConflict: the fact is well-formed but collides
// with one already stored. Rules are checked when a fact is written; an
// office later marked single-holder is not re-checked against old terms.

// checkRules checks fact f, to be stored as edge e, against the facts
// already stored.
func (w *Writer) checkRules(f *domain.Fact, e edge) error {
	switch f.Predicate {
	case domain.MemberOf:
		prefix := be64(edgePrefix(true, e.src, domain.MemberOf), e.dst)
		return w.overlapping(prefix, true, f, func(o *domain.Fact) error {
			return fmt.Errorf("%w: %s: %s would be a member of %s twice at once: it overlaps %s %s",
				domain.ErrConflict, f.ID, f.From, f.To, o.ID, o.Valid)
		})
	case domain.Holds:
		office, err := w.entityByNum(e.dst)
		if err != nil {
			return err
		}
		if !domain.SingleHolder(office) {
			return nil
		}
		return w.overlapping(edgePrefix(false, e.dst, domain.Holds), false, f, func(o *domain.Fact) error {
			return fmt.Errorf("%w: %s: %s has one holder at a time, and %s holds it %s (%s)",
				domain.ErrConflict, f.ID, f.To, o.From, o.Valid, o.ID)
		})
	}
	return nil
}

// overlapping calls refuse with the first fact under the O (out) or I
// prefix, other than f itself, whose interval overlaps f's.
//
// It scans the stored edges through a read-only transaction and this
// transaction's own edge writes through pendingEdges: an iterator on the
// write transaction itself would sort all its pending writes every time,
// which made large imports quadratic.
func (w *Writer) overlapping(prefix []byte, out bool, f *domain.Fact, refuse func(*domain.Fact) error) error {
	pending := w.edgeWrites[string(prefix)]
	var clash *domain.Fact
	check := func(k []byte) (bool, error) {
		e, err := parseEdgeKey(k)
		if err != nil {
			return false, err
		}
		o, err := w.factAt(e)
		if err != nil {
			return false, err
		}
		if o.ID != f.ID && o.Valid.Overlaps(f.Valid) {
			clash = o
			return false, nil
		}
		return true, nil
	}
	rtxn := w.db.bdb.NewTransactionAt(w.ts, false)
	defer rtxn.Discard()
	it := rtxn.NewIterator(badgerIterOpts(prefix))
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix) && clash == nil; it.Next() {
		k := it.Item().Key()
		if _, rewritten := pending[string(k)]; rewritten {
			continue // deleted or rewritten here; checked below if still set
		}
		if more, err := check(k); err != nil || !more {
			if err != nil {
				return err
			}
			break
		}
	}
	for k, v := range pending {
		if clash != nil {
			break
		}
		if v == nil {
			continue
		}
		if _, err := check([]byte(k)); err != nil {
			return err
		}
	}
	if clash != nil {
		return refuse(clash)
	}
	return nil
}

// ruleScanPrefix returns the prefix under which checkRules scans for edge
// key k (a membership's pair of ends, an office's terms), or nil if no
// rule scans it.
func ruleScanPrefix(k []byte) []byte {
	if len(k) != edgeKeyLen || (k[0] != tagOut && k[0] != tagIn) {
		return nil // not an edge; checked here to spare parseEdgeKey's error
	}
	e, err := parseEdgeKey(k)
	if err != nil {
		return nil
	}
	switch out := k[0] == tagOut; {
	case out && e.pred == domain.MemberOf:
		return be64(edgePrefix(true, e.src, domain.MemberOf), e.dst)
	case !out && e.pred == domain.Holds:
		return edgePrefix(false, e.dst, domain.Holds)
	}
	return nil
}

// noteEdge records an edge key written (or deleted) in this transaction
// under the prefix overlapping scans for it. Only edges a rule scans are
// noted: a bulk import writes hundreds of thousands of others.
func (w *Writer) noteEdge(k, v []byte, deleted bool) {
	prefix := ruleScanPrefix(k)
	if prefix == nil {
		return
	}
	if w.edgeWrites == nil {
		w.edgeWrites = map[string]map[string][]byte{}
	}
	if !deleted && v == nil {
		v = []byte{} // an empty value, not a delete
	}
	p := string(prefix)
	m := w.edgeWrites[p]
	if m == nil {
		m = map[string][]byte{}
		w.edgeWrites[p] = m
	}
	if deleted {
		m[string(k)] = nil
	} else {
		m[string(k)] = v
	}
}
