package store

import (
	"context"
	"crypto/sha256"
	"fmt"
	"hash/maphash"
	"slices"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
)

// Violation is one broken invariant found by Check.
type Violation struct {
	Key     string // the offending key, hex
	Problem string
}

func (v Violation) String() string { return v.Problem + " (key " + v.Key + ")" }

// Check verifies the store's invariants in the snapshot at knownAt (zero:
// now): every fact has its out-edge, in-edge, locator, slug and by-time
// (and, if it ends, by-end) entries and both its ends exist; every entity
// has its slug, kind, name token, external ID and (if dated) dated
// entries; every index entry (slug, external ID, kind, name token,
// by-time, by-end, dated, in-edge, locator) points at a live record that
// agrees with it; every history entry names its own ID and is covered by
// a commit record that decodes; every stored document text matches the
// hash it is keyed by; every record decodes. It returns the violations
// found, at most limit (<= 0: all); an error means the check itself could
// not run.
//
// How: one ordered scan per key tag, reading no other keys. The commit,
// entity and out-edge scans come first and keep a summary of each record
// in memory (see entSum, factSum); every later scan looks its entries up
// there. An entry that agrees with its record proves itself and marks
// the record as indexed by it; one that does not is judged at once from
// the summaries, which by then hold every record it can point at (see
// evidence). The scans also note which of the keys a record needs exist
// at all, so that after them every record some of whose entries were not
// proven is judged from the summaries too, its key and value read again
// by one forward iterator in key order. A damaged store, even one without
// any index entry, costs about two passes over its keys, not a point read
// per key. The one exception: a second out-edge with a fact number
// already seen, which the summaries (one per fact number) cannot judge,
// is judged by point reads.
//
// Memory: about 100 bytes per fact and a few hundred per entity, plus one
// decoded commit record at a time, which for an import names every change
// it made (about 150 MB for 920,000 changes), 16 bytes or so per external
// ID, and for a damaged store a few tens of bytes per out-edge and
// locator that agrees with no record.
func (db *DB) Check(knownAt time.Time, limit int) ([]Violation, error) {
	return db.CheckContext(context.Background(), knownAt, limit)
}

// CheckContext is Check that stops, returning ctx's error, when ctx is
// done (a person pressing Ctrl-C on a large store).
func (db *DB) CheckContext(ctx context.Context, knownAt time.Time, limit int) ([]Violation, error) {
	var out []Violation
	err := db.View(knownAt, func(r *Reader) error {
		r.cache = nil // check what Badger holds, and keep a full scan out of the cache
		c := newChecker(ctx, r, limit)
		if err := c.run(); err != nil {
			return err
		}
		out = c.found
		return nil
	})
	return out, err
}

type checker struct {
	ctx   context.Context
	r     *Reader
	limit int
	found []Violation

	seed     maphash.Seed
	commits  []string // every C key, in key order
	commitOK []bool   // per commits entry: well formed and decodes
	ents     map[uint64]*entSum
	factIdx  map[uint64]int // fact number -> index in facts
	facts    []factSum
	// otherOut holds, by the hash of its key, every out-edge not in
	// facts (a key that does not parse, a fact number seen before, a
	// value that does not decode): entries may point at it.
	otherOut map[uint64]otherOut
	// locOther holds the fact numbers of locators whose fact is not in
	// facts.
	locOther map[uint64]struct{}
	// xidKeys holds the hash of every external ID key.
	xidKeys map[uint64]struct{}

	sums      summaries // evidence from the above
	reads     pointReads
	readCalls int // point reads made, for tests
}

func newChecker(ctx context.Context, r *Reader, limit int) *checker {
	c := &checker{
		ctx:      ctx,
		r:        r,
		limit:    limit,
		seed:     maphash.MakeSeed(),
		ents:     make(map[uint64]*entSum),
		factIdx:  make(map[uint64]int),
		otherOut: make(map[uint64]otherOut),
		locOther: make(map[uint64]struct{}),
		xidKeys:  make(map[uint64]struct{}),
	}
	c.reads = pointReads{r: r, calls: &c.readCalls}
	c.sums = summaries{c}
	return c
}

// entSum is what the checker keeps of an entity record that decodes:
// enough to judge the index entries pointing at it, and which of the
// entries it needs the scans have seen.
type entSum struct {
	id     string
	kind   domain.Kind
	date   domain.Date
	xids   map[string]string
	tokens []string // entityTokens, distinct
	// indexed: its ID is well formed and of its kind, so it needs its
	// index entries (one with a bad ID is reported by the entity scan).
	indexed bool

	slug, kindEntry, dated bool
	xidsSeen               int
	tokSeen                []bool // per tokens entry: its name token entry was seen
}

// complete reports whether every index entry e needs was seen. Index keys
// are unique and an entry is counted only if it agrees with e, so a count
// equal to the number needed means each needed entry is there.
func (e *entSum) complete() bool {
	return e.slug && e.kindEntry && (e.date == 0 || e.dated) &&
		e.xidsSeen == len(e.xids) && !slices.Contains(e.tokSeen, false)
}

// factSum is what the checker keeps of an out-edge whose key parses and
// whose value decodes, the first with its fact number: its key, its
// record's interval, and seeded 64-bit hashes standing for bytes too long
// to keep, the out-edge value (which the in-edge value must equal) and
// the key of the fact's ID (which its slug must spell). A wrong entry
// passes for a right one only if its hash collides, with odds of about
// 2^-64.
type factSum struct {
	e       edge
	valid   domain.Interval // the record's
	valHash uint64
	keyHash uint64
	seen    uint16 // seen* bits
	// own: the record itself is wrong (its interval or predicate differ
	// from its key's, its ID is malformed, an end is not a live entity),
	// whatever its entries.
	own bool
}

// Bits of factSum.seen: seenX says an entry of the fact's agrees with it,
// seenXKey that the key the fact needs exists, whatever its value.
const (
	seenIn uint16 = 1 << iota
	seenInKey
	seenLoc
	seenLocKey
	seenTime
	seenTimeKey
	seenEnd
	seenEndKey
	seenSlug
)

// complete reports whether every index entry the fact needs was seen.
func (f *factSum) complete() bool {
	want := seenIn | seenLoc | seenTime | seenSlug
	if f.valid.To != 0 {
		want |= seenEnd
	}
	return f.seen&want == want
}

// otherOut is what the checker keeps of an out-edge not in facts.
type otherOut struct {
	decodes bool
	valid   domain.Interval // the record's, if it decodes
}

func (c *checker) fact(n uint64) *factSum {
	if i, ok := c.factIdx[n]; ok {
		return &c.facts[i]
	}
	return nil
}

// factAt returns the summary of the out-edge of e, or nil.
func (c *checker) factAt(e edge) *factSum {
	if f := c.fact(e.fact); f != nil && f.e == e {
		return f
	}
	return nil
}

func (c *checker) hash(k []byte) uint64 { return maphash.Bytes(c.seed, k) }

func (c *checker) full() bool { return c.limit > 0 && len(c.found) >= c.limit }

func (c *checker) bad(k []byte, format string, a ...any) {
	if !c.full() {
		c.found = append(c.found, Violation{Key: fmt.Sprintf("%x", k), Problem: fmt.Sprintf(format, a...)})
	}
}

// run scans the tags in an order where every summary is built before the
// scans that use it: C before H, N before the entity indexes and O, O
// before the fact indexes, F before fact slugs.
func (c *checker) run() error {
	for _, s := range []struct {
		tag byte
		fn  func(k, v []byte) error
	}{
		{tagCommit, c.commit}, {tagNode, c.node}, {tagOut, c.out}, {tagIn, c.in},
		{tagFact, c.locator}, {tagTime, c.byTime}, {tagEnd, c.byTime}, {tagSlug, c.slug},
		{tagXID, c.xid}, {tagKind, c.kind}, {tagWord, c.word}, {tagDated, c.dated},
		{tagHist, c.hist}, {tagBlob, c.blob},
	} {
		if err := c.ctx.Err(); err != nil {
			return err
		}
		if err := c.scan(s.tag, s.fn); err != nil {
			return err
		}
		if c.full() {
			return nil
		}
	}
	return c.finish()
}

// scan calls fn with every key of tag and its value. Both are Badger's
// own buffers, valid only during the call: nothing is copied, and fn
// keeps only what it decodes or hashes. Values are not prefetched, which
// would copy each one; they are read in place, in the LSM tree.
func (c *checker) scan(tag byte, fn func(k, v []byte) error) error {
	prefix := tagPrefix(tag)
	it := c.r.txn.NewIterator(badgerIterOpts(prefix))
	defer it.Close()
	n := 0
	for it.Seek(prefix); it.ValidForPrefix(prefix) && !c.full(); it.Next() {
		if n++; n%4096 == 0 {
			if err := c.ctx.Err(); err != nil {
				return err
			}
		}
		item := it.Item()
		k := item.Key()
		if err := item.Value(func(v []byte) error { return fn(k, v) }); err != nil {
			return err
		}
	}
	return nil
}

func (c *checker) commit(k, v []byte) error {
	ok := true
	if _, err := ParseKey(k); err != nil {
		c.bad(k, "%v", err)
		ok = false
	} else if _, err := decodeCommit(v); err != nil {
		c.bad(k, "%v", err)
		ok = false
	}
	c.commits = append(c.commits, string(k))
	c.commitOK = append(c.commitOK, ok)
	return nil
}

func (c *checker) node(k, v []byte) error {
	key, err := ParseKey(k)
	if err != nil {
		return c.judgeNode(c.sums, k, v)
	}
	n := key.Num
	e, err := decodeEntity(v)
	if err != nil {
		return c.judgeNode(c.sums, k, v)
	}
	kind, _, err := domain.SplitID(e.ID)
	s := &entSum{id: e.ID, kind: e.Kind, date: e.Date, xids: e.XIDs, tokens: domain.NameTokens(e),
		indexed: err == nil && kind == e.Kind}
	s.tokSeen = make([]bool, len(s.tokens))
	c.ents[n] = s
	if !s.indexed {
		return c.judgeNode(c.sums, k, v) // reports the ID (and reads nothing)
	}
	return nil
}

// out summarizes an out-edge whose key parses and whose value decodes,
// noting whether the record itself is wrong; it is judged after the
// scans. The rest is judged now: a key or value that does not decode
// (which needs nothing else), and a fact number seen before (by point
// reads; see Check).
func (c *checker) out(k, v []byte) error {
	ek, err := ParseKey(k)
	e := ek.edge()
	if err != nil {
		c.otherOut[c.hash(k)] = outOf(v)
		return c.judgeOut(c.sums, k, v)
	}
	if _, dup := c.factIdx[e.fact]; dup {
		c.otherOut[c.hash(k)] = outOf(v)
		return c.judgeOut(c.reads, k, v)
	}
	f, err := decodeOutVal(v)
	if err != nil {
		c.otherOut[c.hash(k)] = otherOut{}
		return c.judgeOut(c.sums, k, v)
	}
	iv, _ := parseIV(v)
	_, key, idErr := domain.SplitID(f.ID)
	s := factSum{e: e, valid: f.Valid, valHash: c.hash(v),
		own: iv != f.Valid || f.Predicate != e.pred || idErr != nil || !c.entityIs(e.src, f.From) || !c.entityIs(e.dst, f.To)}
	if idErr == nil {
		s.keyHash = maphash.String(c.seed, key)
	}
	c.factIdx[e.fact] = len(c.facts)
	c.facts = append(c.facts, s)
	return nil
}

// outOf summarizes an out-edge value for otherOut.
func outOf(v []byte) otherOut {
	f, err := decodeOutVal(v)
	if err != nil {
		return otherOut{}
	}
	return otherOut{decodes: true, valid: f.Valid}
}

// numIs reports whether v is the numVal of n.
func numIs(v []byte, n uint64) bool {
	got, ok := parseNum(v)
	return ok && got == n
}

// isID reports whether id is the readable ID of kind k and key.
func isID(id string, k domain.Kind, key []byte) bool {
	p := k.Prefix()
	return len(id) == len(p)+1+len(key) && id[:len(p)] == p && id[len(p)] == '/' && id[len(p)+1:] == string(key)
}

func (c *checker) entityIs(n uint64, id string) bool {
	e := c.ents[n]
	return e != nil && e.id == id
}

func (c *checker) in(k, v []byte) error {
	if key, err := ParseKey(k); err == nil {
		if f := c.factAt(key.edge()); f != nil {
			// Its out-edge exists. A value that differs is the out-edge's
			// violation: left unmarked, the fact is judged at the end.
			f.seen |= seenInKey
			if c.hash(v) == f.valHash {
				f.seen |= seenIn
			}
			return nil
		}
	}
	return c.judge(c.sums, tagIn, k, v)
}

func (c *checker) locator(k, v []byte) error {
	if key, err := ParseKey(k); err == nil {
		n := key.Fact
		if f := c.fact(n); f != nil {
			f.seen |= seenLocKey
			if e, err := parseFactLoc(n, v); err == nil && f.e == e {
				f.seen |= seenLoc
				return nil
			}
		} else {
			c.locOther[n] = struct{}{}
		}
	}
	return c.judge(c.sums, tagFact, k, v)
}

// byTime checks a T or E entry.
func (c *checker) byTime(k, v []byte) error {
	key, err := ParseKey(k)
	bit, keyBit := seenTime, seenTimeKey
	if key.Tag == tagEnd {
		bit, keyBit = seenEnd, seenEndKey
	}
	if p, d, n := key.Pred, key.Date, key.Fact; err == nil {
		if f := c.fact(n); f != nil && f.e.pred == p {
			want := f.valid.From
			if bit == seenEnd {
				want = f.valid.To
			}
			if d == want {
				f.seen |= keyBit
				if src, dst, err := parseTimeVal(v); err == nil && f.e == (edge{src: src, pred: p, dst: dst, fact: n}) {
					f.seen |= bit
					return nil
				}
			}
		}
	}
	return c.judge(c.sums, keyTag(k), k, v)
}

func (c *checker) slug(k, v []byte) error {
	sk, err := ParseKey(k)
	n, ok := parseNum(v)
	if err == nil && ok {
		kind, key := sk.Kind, sk.Text
		if kind == domain.KindFact {
			if f := c.fact(n); f != nil {
				if f.keyHash == maphash.Bytes(c.seed, key) {
					f.seen |= seenSlug
				}
				if f.seen&seenLocKey != 0 { // the fact's locator exists
					return nil
				}
			}
		} else if e := c.ents[n]; e != nil && isID(e.id, kind, key) {
			if e.kind == kind {
				e.slug = true
			}
			return nil
		}
	}
	return c.judge(c.sums, tagSlug, k, v)
}

func (c *checker) xid(k, v []byte) error {
	c.xidKeys[c.hash(k)] = struct{}{}
	key, err := ParseKey(k)
	if n, ok := parseNum(v); err == nil && ok {
		if e := c.ents[n]; e != nil && e.xids[string(key.Text)] == string(key.Value) {
			e.xidsSeen++
			return nil
		}
	}
	return c.judge(c.sums, tagXID, k, v)
}

func (c *checker) kind(k, v []byte) error {
	if key, err := ParseKey(k); err == nil {
		if e := c.ents[key.Num]; e != nil && e.kind == key.Kind {
			e.kindEntry = true
			return nil
		}
	}
	return c.judge(c.sums, tagKind, k, v)
}

func (c *checker) word(k, v []byte) error {
	if key, err := ParseKey(k); err == nil {
		if e := c.ents[key.Num]; e != nil {
			if i := slices.Index(e.tokens, string(key.Text)); i >= 0 {
				e.tokSeen[i] = true
				return nil
			}
		}
	}
	return c.judge(c.sums, tagWord, k, v)
}

func (c *checker) dated(k, v []byte) error {
	if key, err := ParseKey(k); err == nil {
		if e := c.ents[key.Num]; e != nil && e.date == key.Date {
			e.dated = true
			return nil
		}
	}
	return c.judge(c.sums, tagDated, k, v)
}

// hist checks a history entry. The commit covering it is the first C key
// at or after its timestamp, found among the commits summarized by the
// C scan, so no commit record is read (or decoded) twice.
func (c *checker) hist(k, v []byte) error {
	key, err := ParseKey(k)
	if err != nil {
		c.bad(k, "%v", err)
		return nil
	}
	id, ts := string(key.Text), key.TS
	ch, err := decodeChange(v)
	if err != nil || ch.ID != id {
		c.bad(k, "history entry of %s does not name it", id)
		return nil
	}
	if i, _ := slices.BinarySearch(c.commits, string(commitKey(ts))); i == len(c.commits) || !c.commitOK[i] {
		c.bad(k, "history entry of %s has no commit record at or after it", id)
	}
	return nil
}

func (c *checker) blob(k, v []byte) error {
	key, err := ParseKey(k)
	if err != nil {
		c.bad(k, "%v", err)
		return nil
	}
	if sum := sha256.Sum256(v); string(sum[:]) != string(key.Text) {
		c.bad(k, "document text does not match its SHA-256 key")
	}
	return nil
}

// finish judges, from the summaries, every entity some of whose index
// entries the scans did not see, and every fact with such an entry or a
// wrong record, reading their records again in key order.
func (c *checker) finish() error {
	var ents []uint64
	for n, e := range c.ents {
		if e.indexed && !e.complete() {
			ents = append(ents, n)
		}
	}
	slices.Sort(ents)
	rd := c.newSeqReader()
	defer rd.close()
	for _, n := range ents {
		if err := c.rejudge(rd, nodeKey(n), c.judgeNode); err != nil {
			return err
		}
	}
	for i := range c.facts {
		if f := &c.facts[i]; f.own || !f.complete() {
			if err := c.rejudge(rd, outKey(f.e), c.judgeOut); err != nil {
				return err
			}
		}
	}
	return nil
}

// rejudge reads again a record the scans saw and judges it from the
// summaries.
func (c *checker) rejudge(rd *seqReader, k []byte, judge func(ev evidence, k, v []byte) error) error {
	if c.full() {
		return nil
	}
	if err := c.ctx.Err(); err != nil {
		return err
	}
	return rd.value(k, func(v []byte) error { return judge(c.sums, k, v) })
}
