package store

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/alliancegraph/alliancegraph/domain"
	badger "github.com/dgraph-io/badger/v4"
)

// Writer changes the graph inside one Update transaction. It reads its own
// writes. It is valid only inside the Update closure.
type Writer struct {
	Reader
	next    uint64          // next free internal id
	seq0    uint64          // next when the transaction began
	dirty   bool            // anything written
	changed []domain.Change // what changed, in order, one entry per ID
	// changedAt indexes changed by ID, so recording a change stays O(1)
	// however large a bulk write grows.
	changedAt map[string]int
	// edgeWrites holds this transaction's edge writes by key prefix (see
	// pendingEdges), value nil for a delete.
	edgeWrites map[string]map[string][]byte
	// cached lists the written keys the entity cache may hold; the commit
	// drops them from it (see noteCached and DB.publish).
	cached []string
	// rec, on a replica, records every put and delete for the change set
	// (replica.go).
	rec *recorder
}

func (w *Writer) wrap(err error) error {
	if errors.Is(err, badger.ErrTxnTooBig) && w.rec != nil {
		// A single store would commit a bulk write in hidden chunks; a
		// replica's write is one change set (see BulkUpdate).
		return fmt.Errorf("%w: transaction too big: a write through a cluster node must fit one transaction (15%% of the memtable, serve --memtable-mb); split the import into smaller files", domain.ErrInvalid)
	}
	if errors.Is(err, badger.ErrTxnTooBig) {
		return fmt.Errorf("%w: transaction too big: %v", domain.ErrInvalid, err)
	}
	return fmt.Errorf("store: write: %w", err)
}

func (w *Writer) set(k, v []byte) error {
	w.dirty = true
	if err := w.put(k, v); err != nil {
		return err
	}
	w.noteEdge(k, v, false)
	w.noteCached(k)
	return nil
}

func (w *Writer) del(k []byte) error {
	w.dirty = true
	if w.rec != nil {
		w.rec.add(k, nil, true)
	}
	if w.mem != nil {
		w.mem.del(k)
	} else if err := w.txn.Delete(k); err != nil {
		return w.wrap(err)
	}
	w.noteEdge(k, nil, true)
	w.noteCached(k)
	return nil
}

// put writes k = v into the transaction, or into memory during a Load.
func (w *Writer) put(k, v []byte) error {
	if w.rec != nil {
		w.rec.add(k, v, false)
	}
	if w.mem != nil {
		w.mem.set(k, v)
		return nil
	}
	if err := w.txn.Set(k, v); err != nil {
		return w.wrap(err)
	}
	return nil
}

func (w *Writer) alloc() uint64 {
	n := w.next
	w.next++
	return n
}

// touched records a change. An ID changed twice in one commit keeps its
// first operation, unless the later one deletes it.
//
// The index by ID is built at the first change that is not a creation.
// Until then every change is a creation, and a creation's ID cannot be in
// the list already: had this commit created it before, the Writer, which
// reads its own writes, would have found it and this would be an update;
// had it deleted it, the index would exist. So an import that only
// creates (the usual first import) appends and never builds the index.
func (w *Writer) touched(c domain.Change) {
	if w.changedAt == nil {
		if c.Op == domain.OpCreate {
			w.changed = appendDoubling(w.changed, c)
			return
		}
		w.changedAt = make(map[string]int, len(w.changed))
		for i, x := range w.changed {
			w.changedAt[x.ID] = i
		}
	}
	if i, ok := w.changedAt[c.ID]; ok {
		if c.Op == domain.OpDelete {
			w.changed[i] = c
		}
		return
	}
	w.changedAt[c.ID] = len(w.changed)
	w.changed = appendDoubling(w.changed, c)
}

// appendDoubling is append that doubles a full slice's capacity: append
// grows a large slice by a quarter at a time, which copies a large
// import's change list many times over.
func appendDoubling[T any](s []T, v T) []T {
	if len(s) == cap(s) {
		s = slices.Grow(s, max(len(s), 64))
	}
	return append(s, v)
}

// factChange describes a change of fact f.
func factChange(f *domain.Fact, op domain.Op) domain.Change {
	return domain.Change{ID: f.ID, Op: op, Predicate: f.Predicate, From: f.From, To: f.To}
}

// PutEntity creates or replaces the entity with e.ID. It reports whether
// anything changed: putting an identical entity writes nothing. The kind
// follows from the ID's prefix and cannot change.
func (w *Writer) PutEntity(e domain.Entity) (bool, error) {
	if err := domain.NormalizeEntity(&e); err != nil {
		return false, err
	}
	rec, err := encodeEntity(&e)
	if err != nil {
		return false, err
	}
	_, key, _ := domain.SplitID(e.ID)
	var n uint64
	op := domain.OpUpdate
	old, oldN, err := w.entity(e.ID)
	if err == nil || errors.Is(err, domain.ErrNotFound) {
		// Check external IDs before writing anything, so a rejected put
		// leaves the transaction as it was.
		if xerr := w.checkXIDs(&e, old != nil, oldN); xerr != nil {
			return false, xerr
		}
	}
	switch {
	case errors.Is(err, domain.ErrNotFound):
		op = domain.OpCreate
		n = w.alloc()
		if err := w.set(slugKey(e.Kind, key), numVal(n)); err != nil {
			return false, err
		}
		if err := w.set(kindKey(e.Kind, n), nil); err != nil {
			return false, err
		}
	case err != nil:
		return false, err
	default:
		n = oldN
		cur, err := encodeEntity(old)
		if err != nil {
			return false, err
		}
		if bytes.Equal(cur, rec) {
			return false, nil
		}
		if err := w.dropEntityIndexes(old, n); err != nil {
			return false, err
		}
	}
	for scheme, value := range e.XIDs {
		if err := w.set(xidKey(scheme, value), numVal(n)); err != nil {
			return false, err
		}
	}
	for _, t := range domain.NameTokens(&e) {
		if err := w.set(wordKey(t, n), nil); err != nil {
			return false, err
		}
	}
	if e.Date != 0 {
		if err := w.set(datedKey(e.Date, n), nil); err != nil {
			return false, err
		}
	}
	if err := w.set(nodeKey(n), rec); err != nil {
		return false, err
	}
	w.touched(domain.Change{ID: e.ID, Op: op})
	return true, nil
}

// checkXIDs returns ErrConflict if one of e's external IDs belongs to an
// entity other than e (internal id n when exists).
func (w *Writer) checkXIDs(e *domain.Entity, exists bool, n uint64) error {
	for scheme, value := range e.XIDs {
		v, err := w.get(xidKey(scheme, value))
		if errors.Is(err, domain.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		held, ok := parseNum(v)
		if !ok {
			return fmt.Errorf("%w: external ID %s %q", ErrCorrupt, scheme, value)
		}
		if exists && held == n {
			continue
		}
		holder, _ := w.entityByNum(held)
		name := "another entity"
		if holder != nil {
			name = holder.ID
		}
		return fmt.Errorf("%w: external ID %s %q already belongs to %s", domain.ErrConflict, scheme, value, name)
	}
	return nil
}

func (w *Writer) dropEntityIndexes(e *domain.Entity, n uint64) error {
	if e.Date != 0 {
		if err := w.del(datedKey(e.Date, n)); err != nil {
			return err
		}
	}
	for scheme, value := range e.XIDs {
		if err := w.del(xidKey(scheme, value)); err != nil {
			return err
		}
	}
	for _, t := range domain.NameTokens(e) {
		if err := w.del(wordKey(t, n)); err != nil {
			return err
		}
	}
	return nil
}

// PutFact creates or replaces the fact with f.ID. Both ends must exist and
// fit the predicate; the interval must be well-formed; at least one
// citation is required, each naming an existing Document. It reports
// whether anything changed.
func (w *Writer) PutFact(f domain.Fact) (bool, error) {
	e, rec, err := w.prepareFact(&f)
	if err != nil {
		return false, err
	}
	_, key, _ := domain.SplitID(f.ID) // prepareFact checked it
	n, err := w.slugNum(domain.KindFact, key, f.ID)
	op := domain.OpUpdate
	switch {
	case errors.Is(err, domain.ErrNotFound):
		op = domain.OpCreate
		n = w.alloc()
		if err := w.set(slugKey(domain.KindFact, key), numVal(n)); err != nil {
			return false, err
		}
	case err != nil:
		return false, err
	default:
		old, oldEdge, err := w.fact(f.ID)
		if err != nil {
			return false, err
		}
		cur, err := encodeFact(old)
		if err != nil {
			return false, err
		}
		if bytes.Equal(cur, rec) {
			return false, nil
		}
		if err := w.dropEdge(oldEdge, old.Valid); err != nil {
			return false, err
		}
	}
	e.fact = n
	if err := w.checkRules(&f, e); err != nil {
		return false, err
	}
	if err := w.set(factKey(n), factLoc(e)); err != nil {
		return false, err
	}
	// Both edges hold the same value, one slice: nothing changes a value
	// once it is set (Badger and the Writer's own edge notes only read it).
	val := outVal(f.Valid, rec)
	if err := w.set(outKey(e), val); err != nil {
		return false, err
	}
	if err := w.set(inKey(e), val); err != nil {
		return false, err
	}
	if err := w.set(timeKey(e.pred, f.Valid.From, n), timeVal(e.src, e.dst)); err != nil {
		return false, err
	}
	if f.Valid.To != 0 {
		if err := w.set(endKey(e.pred, f.Valid.To, n), timeVal(e.src, e.dst)); err != nil {
			return false, err
		}
	}
	w.touched(factChange(&f, op))
	return true, nil
}

// prepareFact validates f, resolves its ends and encodes it. Its ends,
// event and sources are looked up by ID; their kinds follow from their IDs
// (they never change), so their records are not read.
func (w *Writer) prepareFact(f *domain.Fact) (edge, []byte, error) {
	k, _, err := domain.SplitID(f.ID)
	if err != nil {
		return edge{}, nil, err
	}
	if k != domain.KindFact {
		return edge{}, nil, fmt.Errorf("%w: fact ID %s must start with fact/", domain.ErrInvalid, f.ID)
	}
	if !f.Predicate.Valid() {
		return edge{}, nil, fmt.Errorf("%w: %s: unknown predicate %d", domain.ErrInvalid, f.ID, f.Predicate)
	}
	if err := f.Valid.Validate(); err != nil {
		return edge{}, nil, fmt.Errorf("%s: %w", f.ID, err)
	}
	src, fromKind, err := w.entityNum(f.From)
	if err != nil {
		return edge{}, nil, fmt.Errorf("%s: from: %w", f.ID, unknown(err))
	}
	dst, toKind, err := w.entityNum(f.To)
	if err != nil {
		return edge{}, nil, fmt.Errorf("%s: to: %w", f.ID, unknown(err))
	}
	if err := f.Predicate.Allows(fromKind, toKind); err != nil {
		return edge{}, nil, fmt.Errorf("%s: %w", f.ID, err)
	}
	if f.Event != "" {
		_, evKind, err := w.entityNum(f.Event)
		if err != nil {
			return edge{}, nil, fmt.Errorf("%s: event: %w", f.ID, unknown(err))
		}
		if evKind != domain.KindEvent {
			return edge{}, nil, fmt.Errorf("%w: %s: event %s is a %s", domain.ErrInvalid, f.ID, f.Event, evKind)
		}
	}
	if len(f.Citations) == 0 {
		return edge{}, nil, fmt.Errorf("%w: %s has no citation", domain.ErrInvalid, f.ID)
	}
	for i, c := range f.Citations {
		_, docKind, err := w.entityNum(c.Source)
		if err != nil {
			return edge{}, nil, fmt.Errorf("%s: citation %d: %w", f.ID, i+1, unknown(err))
		}
		if docKind != domain.KindDocument {
			return edge{}, nil, fmt.Errorf("%w: %s: citation %d: source %s is a %s, not a Document", domain.ErrInvalid, f.ID, i+1, c.Source, docKind)
		}
		if c.Span != nil && !c.Span.Valid() {
			return edge{}, nil, fmt.Errorf("%w: %s: citation %d: span [%d,%d) is empty or negative", domain.ErrInvalid, f.ID, i+1, c.Span.Start, c.Span.End)
		}
		if err := domain.CheckText("citation URL", c.URL); err != nil {
			return edge{}, nil, err
		}
	}
	props, err := domain.NormalizeProps(f.Props)
	if err != nil {
		return edge{}, nil, fmt.Errorf("%s: %w", f.ID, err)
	}
	f.Props = props
	if err := domain.CheckPrecision(f); err != nil {
		return edge{}, nil, err
	}
	rec, err := encodeFact(f)
	return edge{src: src, pred: f.Predicate, dst: dst}, rec, err
}

func (w *Writer) dropEdge(e edge, iv domain.Interval) error {
	keys := [][]byte{outKey(e), inKey(e), timeKey(e.pred, iv.From, e.fact)}
	if iv.To != 0 {
		keys = append(keys, endKey(e.pred, iv.To, e.fact))
	}
	for _, k := range keys {
		if err := w.del(k); err != nil {
			return err
		}
	}
	return nil
}

// DeleteFact removes the fact with id from the current graph. Earlier
// transaction times still show it.
func (w *Writer) DeleteFact(id string) error {
	f, e, err := w.fact(id)
	if err != nil {
		return err
	}
	if err := w.dropEdge(e, f.Valid); err != nil {
		return err
	}
	_, key, _ := domain.SplitID(id)
	if err := w.del(factKey(e.fact)); err != nil {
		return err
	}
	if err := w.del(slugKey(domain.KindFact, key)); err != nil {
		return err
	}
	w.touched(factChange(f, domain.OpDelete))
	return nil
}

// unknown turns "not found" about a referenced entity into bad input: the
// write names an entity that does not exist, which the caller must fix.
func unknown(err error) error {
	if errors.Is(err, domain.ErrNotFound) {
		return fmt.Errorf("%w: unknown entity: %v", domain.ErrInvalid, strings.TrimPrefix(err.Error(), domain.ErrNotFound.Error()+": "))
	}
	return err
}
