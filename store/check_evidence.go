package store

import (
	"bytes"
	"errors"
	"hash/maphash"
	"slices"

	"github.com/alliancegraph/alliancegraph/domain"
	badger "github.com/dgraph-io/badger/v4"
)

// evidence answers what the judges ask about keys other than the one
// they judge.
type evidence interface {
	// outExists: the out-edge of e exists.
	outExists(e edge) (bool, error)
	// locExists: a locator of fact number n exists.
	locExists(n uint64) (bool, error)
	// entity: the entity record of number n, or nil if there is none that
	// decodes.
	entity(n uint64) (*entSum, error)
	// factValid: the interval of the fact record in the out-edge of e, if
	// it exists and decodes.
	factValid(e edge) (domain.Interval, bool, error)
	// slugIs: the slug of kind and key holds number n.
	slugIs(kind domain.Kind, key string, n uint64) (bool, error)
	// kindEntry, datedEntry, xidEntry, wordEntry: the entry exists.
	kindEntry(kind domain.Kind, n uint64) (bool, error)
	datedEntry(d domain.Date, n uint64) (bool, error)
	xidEntry(scheme, value string) (bool, error)
	wordEntry(tok string, n uint64) (bool, error)
	// inEdge: the in-edge of e exists, and its value is out.
	inEdge(e edge, out []byte) (exists, same bool, err error)
	// locIs: the locator of e's fact locates e.
	locIs(e edge) (bool, error)
	// timeEntry, endEntry: the by-time (by-end) key exists, whatever its
	// value.
	timeEntry(p domain.Predicate, d domain.Date, n uint64) (bool, error)
	endEntry(p domain.Predicate, d domain.Date, n uint64) (bool, error)
}

var (
	_ evidence = pointReads{}
	_ evidence = summaries{}
)

// pointReads answers by reading the keys asked about, counting the reads
// in calls.
type pointReads struct {
	r     *Reader
	calls *int
}

func (p pointReads) has(k []byte) (bool, error) {
	*p.calls++
	return p.r.exists(k)
}

// value returns k's value, or nil and false when k does not exist.
func (p pointReads) value(k []byte) ([]byte, bool, error) {
	*p.calls++
	v, err := p.r.get(k)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, false, nil
	}
	return v, err == nil, err
}

func (p pointReads) outExists(e edge) (bool, error)   { return p.has(outKey(e)) }
func (p pointReads) locExists(n uint64) (bool, error) { return p.has(factKey(n)) }

func (p pointReads) entity(n uint64) (*entSum, error) {
	v, ok, err := p.value(nodeKey(n))
	if err != nil || !ok {
		return nil, err
	}
	e, err := decodeEntity(v)
	if err != nil {
		return nil, nil
	}
	return &entSum{id: e.ID, kind: e.Kind, date: e.Date, xids: e.XIDs, tokens: domain.NameTokens(e)}, nil
}

func (p pointReads) factValid(e edge) (domain.Interval, bool, error) {
	v, ok, err := p.value(outKey(e))
	if err != nil || !ok {
		return domain.Interval{}, false, err
	}
	f, err := decodeOutVal(v)
	if err != nil {
		return domain.Interval{}, false, nil
	}
	return f.Valid, true, nil
}

func (p pointReads) slugIs(kind domain.Kind, key string, n uint64) (bool, error) {
	v, ok, err := p.value(slugKey(kind, key))
	return ok && numIs(v, n), err
}

func (p pointReads) kindEntry(kind domain.Kind, n uint64) (bool, error) {
	return p.has(kindKey(kind, n))
}
func (p pointReads) datedEntry(d domain.Date, n uint64) (bool, error) { return p.has(datedKey(d, n)) }
func (p pointReads) xidEntry(scheme, value string) (bool, error) {
	return p.has(xidKey(scheme, value))
}
func (p pointReads) wordEntry(tok string, n uint64) (bool, error) { return p.has(wordKey(tok, n)) }

func (p pointReads) inEdge(e edge, out []byte) (bool, bool, error) {
	v, ok, err := p.value(inKey(e))
	return ok, ok && bytes.Equal(v, out), err
}

func (p pointReads) locIs(e edge) (bool, error) {
	v, ok, err := p.value(factKey(e.fact))
	return ok && bytes.Equal(v, factLoc(e)), err
}

func (p pointReads) timeEntry(pr domain.Predicate, d domain.Date, n uint64) (bool, error) {
	return p.has(timeKey(pr, d, n))
}
func (p pointReads) endEntry(pr domain.Predicate, d domain.Date, n uint64) (bool, error) {
	return p.has(endKey(pr, d, n))
}

// summaries answers from what the scans kept. The answers about entries
// (outExists, locExists, entity, factValid) hold once the entity,
// out-edge and locator scans are done, before any entry is judged. The
// answers about a record's own entries (the rest) hold after all scans,
// and only for a record the scans summarized (an entity in ents, a fact
// in facts): the judges ask them about the record they judge.
type summaries struct{ c *checker }

func (s summaries) outExists(e edge) (bool, error) {
	if s.c.factAt(e) != nil {
		return true, nil
	}
	_, ok := s.c.otherOut[s.c.hash(outKey(e))]
	return ok, nil
}

func (s summaries) locExists(n uint64) (bool, error) {
	if f := s.c.fact(n); f != nil && f.seen&seenLocKey != 0 {
		return true, nil
	}
	_, ok := s.c.locOther[n]
	return ok, nil
}

func (s summaries) entity(n uint64) (*entSum, error) { return s.c.ents[n], nil }

func (s summaries) factValid(e edge) (domain.Interval, bool, error) {
	if f := s.c.factAt(e); f != nil {
		return f.valid, true, nil
	}
	o := s.c.otherOut[s.c.hash(outKey(e))]
	return o.valid, o.decodes, nil
}

func (s summaries) slugIs(kind domain.Kind, key string, n uint64) (bool, error) {
	if kind == domain.KindFact {
		f := s.c.fact(n)
		return f != nil && f.seen&seenSlug != 0 && f.keyHash == maphash.String(s.c.seed, key), nil
	}
	e := s.c.ents[n]
	return e != nil && e.slug && e.kind == kind && e.id == kind.Prefix()+"/"+key, nil
}

func (s summaries) kindEntry(kind domain.Kind, n uint64) (bool, error) {
	e := s.c.ents[n]
	return e != nil && e.kindEntry && e.kind == kind, nil
}

func (s summaries) datedEntry(d domain.Date, n uint64) (bool, error) {
	e := s.c.ents[n]
	return e != nil && e.dated && e.date == d, nil
}

func (s summaries) xidEntry(scheme, value string) (bool, error) {
	_, ok := s.c.xidKeys[s.c.hash(xidKey(scheme, value))]
	return ok, nil
}

func (s summaries) wordEntry(tok string, n uint64) (bool, error) {
	e := s.c.ents[n]
	if e == nil {
		return false, nil
	}
	i := slices.Index(e.tokens, tok)
	return i >= 0 && e.tokSeen[i], nil
}

func (s summaries) inEdge(e edge, _ []byte) (bool, bool, error) {
	f := s.c.factAt(e)
	if f == nil {
		return false, false, nil
	}
	return f.seen&seenInKey != 0, f.seen&seenIn != 0, nil
}

func (s summaries) locIs(e edge) (bool, error) {
	f := s.c.factAt(e)
	return f != nil && f.seen&seenLoc != 0, nil
}

func (s summaries) timeEntry(p domain.Predicate, d domain.Date, n uint64) (bool, error) {
	f := s.c.fact(n)
	return f != nil && f.seen&seenTimeKey != 0 && f.e.pred == p && f.valid.From == d, nil
}

func (s summaries) endEntry(p domain.Predicate, d domain.Date, n uint64) (bool, error) {
	f := s.c.fact(n)
	return f != nil && f.seen&seenEndKey != 0 && f.e.pred == p && f.valid.To == d, nil
}

// seqReader reads the values of keys asked for in ascending order with
// one iterator: it steps to a key a few keys ahead and seeks to one
// further away, so a dense run of keys costs a step each and a sparse
// one a seek each.
type seqReader struct {
	it      *badger.Iterator
	started bool
}

// seqSteps is how many keys seqReader steps over before it seeks.
const seqSteps = 16

func (c *checker) newSeqReader() *seqReader {
	return &seqReader{it: c.r.txn.NewIterator(badgerIterOpts(nil))}
}

func (s *seqReader) close() { s.it.Close() }

// value calls fn with k's value (Badger's buffer, valid during the call)
// if k exists; k must not sort before the key asked for last.
func (s *seqReader) value(k []byte, fn func(v []byte) error) error {
	if !s.started {
		s.it.Seek(k)
		s.started = true
	}
	for i := 0; s.it.Valid() && bytes.Compare(s.it.Item().Key(), k) < 0; i++ {
		if i == seqSteps {
			s.it.Seek(k)
			break
		}
		s.it.Next()
	}
	if !s.it.Valid() || !bytes.Equal(s.it.Item().Key(), k) {
		return nil
	}
	return s.it.Item().Value(fn)
}
