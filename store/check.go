package store

import (
	"context"
	"crypto/sha256"
	"errors"
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
// How: one ordered scan per key tag, none of them reading other keys
// while the store is sound. The commit, entity and out-edge scans come
// first and keep a summary of each record in memory (see entSum, factSum);
// every later scan looks its entries up there. An entry that agrees with
// its record proves itself and marks the record as indexed by it. What is
// not proven that way (an entry that disagrees with its record or has
// none, a record with an unmarked entry) is judged again by point reads
// (judge, judgeNode, judgeOut), which decide and word the violation. So a
// sound store costs one pass over its keys, a damaged one a few reads per
// damaged key.
//
// Memory: about 100 bytes per fact and a few hundred per entity, plus one
// decoded commit record at a time, which for an import names every change
// it made (about 150 MB for 920,000 changes).
func (db *DB) Check(knownAt time.Time, limit int) ([]Violation, error) {
	return db.CheckContext(context.Background(), knownAt, limit)
}

// CheckContext is Check that stops, returning ctx's error, when ctx is
// done (a person pressing Ctrl-C on a large store).
func (db *DB) CheckContext(ctx context.Context, knownAt time.Time, limit int) ([]Violation, error) {
	var out []Violation
	err := db.View(knownAt, func(r *Reader) error {
		r.cache = nil // check what Badger holds, and keep a full scan out of the cache
		c := &checker{
			ctx:     ctx,
			r:       r,
			limit:   limit,
			seed:    maphash.MakeSeed(),
			ents:    make(map[uint64]*entSum),
			factIdx: make(map[uint64]int),
		}
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
	xidsSeen, tokensSeen   int
}

// complete reports whether every index entry e needs was seen. Index keys
// are unique and an entry is counted only if it agrees with e, so a count
// equal to the number needed means each needed entry is there.
func (e *entSum) complete() bool {
	return e.slug && e.kindEntry && (e.date == 0 || e.dated) &&
		e.xidsSeen == len(e.xids) && e.tokensSeen == len(e.tokens)
}

// factSum is what the checker keeps of a fact's out-edge: its key, its
// interval, and seeded 64-bit hashes standing for bytes too long to keep,
// the out-edge value (which the in-edge value must equal) and the key of
// the fact's ID (which its slug must spell). A wrong entry passes for a
// right one only if its hash collides, with odds of about 2^-64.
type factSum struct {
	e       edge
	valid   domain.Interval
	valHash uint64
	keyHash uint64
	seen    uint8 // seen* bits
}

const (
	seenIn uint8 = 1 << iota
	seenLoc
	seenTime
	seenEnd
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

func (c *checker) fact(n uint64) *factSum {
	if i, ok := c.factIdx[n]; ok {
		return &c.facts[i]
	}
	return nil
}

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
		return c.judgeNode(k, v)
	}
	n := key.Num
	e, err := decodeEntity(v)
	if err != nil {
		return c.judgeNode(k, v)
	}
	kind, _, err := domain.SplitID(e.ID)
	s := &entSum{id: e.ID, kind: e.Kind, date: e.Date, xids: e.XIDs, tokens: domain.NameTokens(e),
		indexed: err == nil && kind == e.Kind}
	c.ents[n] = s
	if !s.indexed {
		return c.judgeNode(k, v) // reports the ID
	}
	return nil
}

// out summarizes an out-edge whose record is sound in itself. The rest
// (a fact number seen twice, a record that does not decode or disagrees
// with its key or its ends) is judged now, by reads.
func (c *checker) out(k, v []byte) error {
	ek, err := ParseKey(k)
	if err != nil {
		return c.judgeOut(k, v)
	}
	e := ek.edge()
	if _, dup := c.factIdx[e.fact]; dup {
		return c.judgeOut(k, v)
	}
	f, err := decodeOutVal(v)
	if err != nil {
		return c.judgeOut(k, v)
	}
	iv, _ := parseIV(v)
	_, key, idErr := domain.SplitID(f.ID)
	if iv != f.Valid || f.Predicate != e.pred || idErr != nil ||
		!c.entityIs(e.src, f.From) || !c.entityIs(e.dst, f.To) {
		return c.judgeOut(k, v)
	}
	c.factIdx[e.fact] = len(c.facts)
	c.facts = append(c.facts, factSum{e: e, valid: f.Valid,
		valHash: maphash.Bytes(c.seed, v), keyHash: maphash.String(c.seed, key)})
	return nil
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
		e := key.edge()
		if f := c.fact(e.fact); f != nil && f.e == e {
			// Its out-edge exists. A value that differs is the out-edge's
			// violation: left unmarked, the fact is judged at the end.
			if maphash.Bytes(c.seed, v) == f.valHash {
				f.seen |= seenIn
			}
			return nil
		}
	}
	return c.judge(tagIn, k, v)
}

func (c *checker) locator(k, v []byte) error {
	if key, err := ParseKey(k); err == nil {
		if e, err := parseFactLoc(key.Fact, v); err == nil {
			if f := c.fact(key.Fact); f != nil && f.e == e {
				f.seen |= seenLoc
				return nil
			}
		}
	}
	return c.judge(tagFact, k, v)
}

// byTime checks a T or E entry.
func (c *checker) byTime(k, v []byte) error {
	key, err := ParseKey(k)
	if err == nil {
		if src, dst, err := parseTimeVal(v); err == nil {
			if f := c.fact(key.Fact); f != nil && f.e == (edge{src: src, pred: key.Pred, dst: dst, fact: key.Fact}) {
				want, bit := f.valid.From, seenTime
				if key.Tag == tagEnd {
					want, bit = f.valid.To, seenEnd
				}
				if key.Date == want {
					f.seen |= bit
					return nil
				}
			}
		}
	}
	return c.judge(keyTag(k), k, v)
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
				if f.seen&seenLoc != 0 { // the fact's locator exists
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
	return c.judge(tagSlug, k, v)
}

func (c *checker) xid(k, v []byte) error {
	key, err := ParseKey(k)
	if n, ok := parseNum(v); err == nil && ok {
		if e := c.ents[n]; e != nil && e.xids[string(key.Text)] == string(key.Value) {
			e.xidsSeen++
			return nil
		}
	}
	return c.judge(tagXID, k, v)
}

func (c *checker) kind(k, v []byte) error {
	if key, err := ParseKey(k); err == nil {
		if e := c.ents[key.Num]; e != nil && e.kind == key.Kind {
			e.kindEntry = true
			return nil
		}
	}
	return c.judge(tagKind, k, v)
}

func (c *checker) word(k, v []byte) error {
	if key, err := ParseKey(k); err == nil {
		if e := c.ents[key.Num]; e != nil && slices.Contains(e.tokens, string(key.Text)) {
			e.tokensSeen++
			return nil
		}
	}
	return c.judge(tagWord, k, v)
}

func (c *checker) dated(k, v []byte) error {
	if key, err := ParseKey(k); err == nil {
		if e := c.ents[key.Num]; e != nil && e.date == key.Date {
			e.dated = true
			return nil
		}
	}
	return c.judge(tagDated, k, v)
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

// finish judges, by reads, every entity and fact some of whose index
// entries the scans did not see.
func (c *checker) finish() error {
	var ents []uint64
	for n, e := range c.ents {
		if e.indexed && !e.complete() {
			ents = append(ents, n)
		}
	}
	slices.Sort(ents)
	for _, n := range ents {
		if err := c.rejudge(nodeKey(n), c.judgeNode); err != nil {
			return err
		}
	}
	for i := range c.facts {
		if f := &c.facts[i]; !f.complete() {
			if err := c.rejudge(outKey(f.e), c.judgeOut); err != nil {
				return err
			}
		}
	}
	return nil
}

// rejudge reads a record the scans saw and judges it by reads.
func (c *checker) rejudge(k []byte, judge func(k, v []byte) error) error {
	if c.full() {
		return nil
	}
	v, err := c.r.get(k)
	if err != nil {
		return err
	}
	return judge(k, v)
}

// The judges below decide by point reads. The scans call them for what
// they cannot prove from their summaries; they alone word violations of
// the records and entries they are given.

// has reports whether k exists; a read error aborts the check.
func (c *checker) has(k []byte) (bool, error) { return c.r.exists(k) }

func (c *checker) require(owner []byte, k []byte, what string) error {
	ok, err := c.has(k)
	if err != nil {
		return err
	}
	if !ok {
		c.bad(owner, "missing %s", what)
	}
	return nil
}

// judge judges an index entry: F, S, X, I, K, W, D, T or E.
func (c *checker) judge(tag byte, k, v []byte) error {
	switch tag {
	case tagFact:
		n, err := parseFactKey(k)
		if err != nil {
			c.bad(k, "%v", err)
			return nil
		}
		e, err := parseFactLoc(n, v)
		if err != nil {
			c.bad(k, "%v", err)
			return nil
		}
		return c.require(k, outKey(e), "out-edge of fact locator")
	case tagSlug:
		kind, key, err := parseSlugKey(k)
		n, ok := parseNum(v)
		if err != nil || !ok {
			c.bad(k, "malformed slug entry")
			return nil
		}
		if kind == domain.KindFact {
			return c.require(k, factKey(n), "fact locator for fact/"+key)
		}
		e, err := c.r.entityByNum(n)
		if err != nil {
			c.bad(k, "slug %s/%s points at no entity", kind.Prefix(), key)
			return nil
		}
		if e.ID != kind.Prefix()+"/"+key {
			c.bad(k, "slug %s/%s points at %s", kind.Prefix(), key, e.ID)
		}
	case tagXID:
		scheme, value, err := parseXIDKey(k)
		n, ok := parseNum(v)
		if err != nil || !ok {
			c.bad(k, "malformed external ID entry")
			return nil
		}
		e, err := c.r.entityByNum(n)
		if err != nil || e.XIDs[scheme] != value {
			c.bad(k, "external ID %s %s points at an entity without it", scheme, value)
		}
	case tagIn:
		e, err := parseEdgeKey(k)
		if err != nil {
			c.bad(k, "%v", err)
			return nil
		}
		return c.require(k, outKey(e), "out-edge for in-edge")
	case tagKind:
		kind, n, err := parseKindKey(k)
		if err != nil {
			c.bad(k, "%v", err)
			return nil
		}
		e, err := c.r.entityByNum(n)
		if err != nil || e.Kind != kind {
			c.bad(k, "kind index entry %s points at no entity of that kind", kind)
		}
	case tagWord:
		tok, n, err := parseWordKey(k)
		if err != nil {
			c.bad(k, "%v", err)
			return nil
		}
		e, err := c.r.entityByNum(n)
		if err != nil || !slices.Contains(domain.NameTokens(e), tok) {
			c.bad(k, "name token %q points at no entity with that word", tok)
		}
	case tagDated:
		d, n, err := parseDatedKey(k)
		if err != nil {
			c.bad(k, "%v", err)
			return nil
		}
		e, err := c.r.entityByNum(n)
		if err != nil || e.Date != d {
			c.bad(k, "dated entry %s points at no entity of that date", d)
		}
	case tagTime, tagEnd:
		parse := parseTimeKey
		if tag == tagEnd {
			parse = parseEndKey
		}
		p, d, n, err := parse(k)
		if err != nil {
			c.bad(k, "%v", err)
			return nil
		}
		src, dst, err := parseTimeVal(v)
		if err != nil {
			c.bad(k, "%v", err)
			return nil
		}
		f, err := c.r.factAt(edge{src: src, pred: p, dst: dst, fact: n})
		switch {
		case tag == tagTime && (err != nil || f.Valid.From != d):
			c.bad(k, "by-time entry points at no fact starting %s", d)
		case tag == tagEnd && (err != nil || f.Valid.To != d):
			c.bad(k, "by-end entry points at no fact ending %s", d)
		}
	}
	return nil
}

// judgeNode judges an entity record and the index entries it needs.
func (c *checker) judgeNode(k, v []byte) error {
	n, err := parseNodeKey(k)
	if err != nil {
		c.bad(k, "%v", err)
		return nil
	}
	e, err := decodeEntity(v)
	if err != nil {
		c.bad(k, "%v", err)
		return nil
	}
	kind, key, err := domain.SplitID(e.ID)
	if err != nil || kind != e.Kind {
		c.bad(k, "entity %s has a malformed ID or wrong kind", e.ID)
		return nil
	}
	sv, err := c.r.get(slugKey(kind, key))
	if errors.Is(err, domain.ErrNotFound) || (err == nil && !numIs(sv, n)) {
		c.bad(k, "entity %s has no slug pointing at it", e.ID)
	} else if err != nil {
		return err
	}
	if err := c.require(k, kindKey(kind, n), "kind index entry of "+e.ID); err != nil {
		return err
	}
	if e.Date != 0 {
		if err := c.require(k, datedKey(e.Date, n), "dated entry of "+e.ID); err != nil {
			return err
		}
	}
	for scheme, value := range e.XIDs {
		if err := c.require(k, xidKey(scheme, value), "external ID "+scheme+" of "+e.ID); err != nil {
			return err
		}
	}
	for _, t := range domain.NameTokens(e) {
		if err := c.require(k, wordKey(t, n), "name token "+t+" of "+e.ID); err != nil {
			return err
		}
	}
	return nil
}

// judgeOut judges an out-edge, its fact record and the entries it needs.
func (c *checker) judgeOut(k, v []byte) error {
	e, err := parseEdgeKey(k)
	if err != nil {
		c.bad(k, "%v", err)
		return nil
	}
	f, err := decodeOutVal(v)
	if err != nil {
		c.bad(k, "%v", err)
		return nil
	}
	if iv, _ := parseIV(v); iv != f.Valid {
		c.bad(k, "fact %s interval in its edge value differs from its record", f.ID)
	}
	if in, err := c.r.get(inKey(e)); err == nil && string(in) != string(v) {
		c.bad(k, "fact %s in-edge value differs from its out-edge", f.ID)
	}
	if f.Predicate != e.pred {
		c.bad(k, "fact %s predicate differs from its key", f.ID)
	}
	if err := c.require(k, inKey(e), "in-edge of "+f.ID); err != nil {
		return err
	}
	loc, err := c.r.get(factKey(e.fact))
	if err != nil || string(loc) != string(factLoc(e)) {
		c.bad(k, "fact %s has no matching locator", f.ID)
	}
	if err := c.require(k, timeKey(e.pred, f.Valid.From, e.fact), "by-time entry of "+f.ID); err != nil {
		return err
	}
	if f.Valid.To != 0 {
		if err := c.require(k, endKey(e.pred, f.Valid.To, e.fact), "by-end entry of "+f.ID); err != nil {
			return err
		}
	}
	_, key, err := domain.SplitID(f.ID)
	if err != nil {
		c.bad(k, "fact has malformed ID %q", f.ID)
		return nil
	}
	sv, err := c.r.get(slugKey(domain.KindFact, key))
	if err != nil || !numIs(sv, e.fact) {
		c.bad(k, "fact %s has no slug pointing at it", f.ID)
	}
	for _, end := range []struct {
		n  uint64
		id string
	}{{e.src, f.From}, {e.dst, f.To}} {
		ent, err := c.r.entityByNum(end.n)
		if err != nil || ent.ID != end.id {
			c.bad(k, "fact %s end %s is not a live entity", f.ID, end.id)
		}
	}
	return nil
}
