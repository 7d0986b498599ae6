package store

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"time"

	badger "github.com/dgraph-io/badger/v4"
)

// Violation is one broken invariant found by Check.
type Violation struct {
	Key     string // the offending key, hex
	Problem string
}

func (v Violation) String() string { return v.Problem + " (key " + v.Key + ")" }

// Check verifies the store's invariants in the snapshot at knownAt (zero:
// now): every fact has its out-edge, in-edge, locator, slug and by-time
// entry and both its ends exist; every index entry (slug, external ID,
// kind, name token, by-time, in-edge) points at a live record that agrees
// with it; every history entry names its own ID and is covered by a commit
// record; every stored document text matches the hash it is keyed by;
// every record decodes. It returns the violations found, at most
// limit (<= 0: all); an error means the check itself could not run.
func (db *DB) Check(knownAt time.Time, limit int) ([]Violation, error) {
	var out []Violation
	err := db.View(knownAt, func(r *Reader) error {
		r.cache = nil // check what Badger holds, and keep a full scan out of the cache
		c := &checker{r: r, limit: limit}
		for _, tag := range []byte{tagNode, tagFact, tagSlug, tagXID, tagOut, tagIn, tagKind, tagWord, tagTime, tagEnd, tagDated, tagHist, tagBlob} {
			if err := c.scan(tag); err != nil {
				return err
			}
			if c.full() {
				break
			}
		}
		out = c.found
		return nil
	})
	return out, err
}

type checker struct {
	r     *Reader
	limit int
	found []Violation
}

func (c *checker) full() bool { return c.limit > 0 && len(c.found) >= c.limit }

func (c *checker) bad(k []byte, format string, a ...any) {
	if !c.full() {
		c.found = append(c.found, Violation{Key: fmt.Sprintf("%x", k), Problem: fmt.Sprintf(format, a...)})
	}
}

func (c *checker) scan(tag byte) error {
	opts := badger.DefaultIteratorOptions
	opts.Prefix = []byte{tag}
	it := c.r.txn.NewIterator(opts)
	defer it.Close()
	for it.Seek(opts.Prefix); it.ValidForPrefix(opts.Prefix) && !c.full(); it.Next() {
		k := it.Item().KeyCopy(nil)
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return err
		}
		if err := c.checkKey(tag, k, v); err != nil {
			return err
		}
	}
	return nil
}

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

func (c *checker) checkKey(tag byte, k, v []byte) error {
	switch tag {
	case tagNode:
		return c.checkNode(k, v)
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
		if err != nil || len(v) != 8 {
			c.bad(k, "malformed slug entry")
			return nil
		}
		n := beUint64(v)
		if kind == kindFact {
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
		if err != nil || len(v) != 8 {
			c.bad(k, "malformed external ID entry")
			return nil
		}
		e, err := c.r.entityByNum(beUint64(v))
		if err != nil || e.XIDs[scheme] != value {
			c.bad(k, "external ID %s %s points at an entity without it", scheme, value)
		}
	case tagOut:
		return c.checkOut(k, v)
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
		if err != nil || !slices.Contains(entityTokens(e), tok) {
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
	case tagHist:
		id, ts, err := parseHistKey(k)
		if err != nil {
			c.bad(k, "%v", err)
			return nil
		}
		ch, err := decodeChange(v)
		if err != nil || ch.ID != id {
			c.bad(k, "history entry of %s does not name it", id)
			return nil
		}
		if _, _, err := c.r.commitFrom(ts); err != nil {
			c.bad(k, "history entry of %s has no commit record at or after it", id)
		}
	case tagBlob:
		sum, err := parseBlobKey(k)
		if err != nil {
			c.bad(k, "%v", err)
			return nil
		}
		if sha256.Sum256(v) != sum {
			c.bad(k, "document text does not match its SHA-256 key")
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
		case k[0] == tagTime && (err != nil || f.Valid.From != d):
			c.bad(k, "by-time entry points at no fact starting %s", d)
		case k[0] == tagEnd && (err != nil || f.Valid.To != d):
			c.bad(k, "by-end entry points at no fact ending %s", d)
		}
	}
	return nil
}

func (c *checker) checkNode(k, v []byte) error {
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
	kind, key, err := SplitID(e.ID)
	if err != nil || kind != e.Kind {
		c.bad(k, "entity %s has a malformed ID or wrong kind", e.ID)
		return nil
	}
	sv, err := c.r.get(slugKey(kind, key))
	if errors.Is(err, ErrNotFound) || (err == nil && (len(sv) != 8 || beUint64(sv) != n)) {
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
	for _, t := range entityTokens(e) {
		if err := c.require(k, wordKey(t, n), "name token "+t+" of "+e.ID); err != nil {
			return err
		}
	}
	return nil
}

func (c *checker) checkOut(k, v []byte) error {
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
	_, key, err := SplitID(f.ID)
	if err != nil {
		c.bad(k, "fact has malformed ID %q", f.ID)
		return nil
	}
	sv, err := c.r.get(slugKey(kindFact, key))
	if err != nil || len(sv) != 8 || beUint64(sv) != e.fact {
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
