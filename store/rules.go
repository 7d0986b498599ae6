package store

import (
	"github.com/alliancegraph/alliancegraph/domain"
)

// The store's side of the alliance rules (domain/rules.go): PutFact
// finds the stored facts a new fact must not overlap, as its predicate's
// Exclusivity says, and the domain decides whether each one clashes.

// checkRules checks fact f, to be stored as edge e, against the facts
// already stored.
func (w *Writer) checkRules(f *domain.Fact, e edge) error {
	switch f.Predicate.Exclusivity() {
	case domain.ExclusivePair:
		return w.overlapping(pairPrefix(e), f)
	case domain.ExclusiveTo:
		to, err := w.entityByNum(e.dst)
		if err != nil {
			return err
		}
		if !domain.SingleHolder(to) {
			return nil
		}
		return w.overlapping(edgePrefix(false, e.dst, e.pred), f)
	}
	return nil
}

// overlapping returns domain.Overlap's refusal for the first fact under
// the O (out) or I prefix that f may not stand beside.
//
// It scans the stored edges through a read-only transaction and this
// transaction's own edge writes through edgeWrites (see noteEdge): an
// iterator on the write transaction itself would sort all its pending
// writes every time, which makes large imports quadratic.
func (w *Writer) overlapping(prefix []byte, f *domain.Fact) error {
	pending := w.edgeWrites[string(prefix)]
	var clash error
	check := func(k []byte) (bool, error) {
		key, err := ParseKey(k)
		if err != nil {
			return false, err
		}
		o, err := w.factAt(key.edge())
		if err != nil {
			return false, err
		}
		clash = domain.Overlap(f, o)
		return clash == nil, nil
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
	return clash
}

// ruleScanPrefix returns the prefix under which checkRules scans for edge
// key k (the out-edges between a pair of ends, the in-edges of one end),
// or nil if no rule scans it.
func ruleScanPrefix(k []byte) []byte {
	if t := keyTag(k); t != tagOut && t != tagIn {
		return nil // not an edge: most keys a write makes
	}
	key, err := ParseKey(k)
	if err != nil {
		return nil
	}
	e := key.edge()
	switch out := key.Tag == tagOut; e.pred.Exclusivity() {
	case domain.ExclusivePair:
		if out {
			return pairPrefix(e)
		}
	case domain.ExclusiveTo:
		if !out {
			return edgePrefix(false, e.dst, e.pred)
		}
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
