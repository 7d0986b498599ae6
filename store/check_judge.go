package store

import (
	"slices"

	"github.com/alliancegraph/alliancegraph/domain"
)

// The judges decide whether a record or an index entry breaks an
// invariant, and alone word the violations. What they need to know about
// other keys they ask an evidence: the scans' summaries (Check) or point
// reads (a second out-edge with a fact number already seen; and the
// tests, which hold the summaries to what reads find).

// judge judges an index entry: F, S, X, I, K, W, D, T or E.
func (c *checker) judge(ev evidence, tag byte, k, v []byte) error {
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
		return c.require(k, func() (bool, error) { return ev.outExists(e) }, "out-edge of fact locator")
	case tagSlug:
		kind, key, err := parseSlugKey(k)
		n, ok := parseNum(v)
		if err != nil || !ok {
			c.bad(k, "malformed slug entry")
			return nil
		}
		if kind == domain.KindFact {
			return c.require(k, func() (bool, error) { return ev.locExists(n) }, "fact locator for fact/"+key)
		}
		e, err := ev.entity(n)
		switch {
		case err != nil:
			return err
		case e == nil:
			c.bad(k, "slug %s/%s points at no entity", kind.Prefix(), key)
		case e.id != kind.Prefix()+"/"+key:
			c.bad(k, "slug %s/%s points at %s", kind.Prefix(), key, e.id)
		}
	case tagXID:
		scheme, value, err := parseXIDKey(k)
		n, ok := parseNum(v)
		if err != nil || !ok {
			c.bad(k, "malformed external ID entry")
			return nil
		}
		e, err := ev.entity(n)
		if err != nil {
			return err
		}
		if e == nil || e.xids[scheme] != value {
			c.bad(k, "external ID %s %s points at an entity without it", scheme, value)
		}
	case tagIn:
		e, err := parseEdgeKey(k)
		if err != nil {
			c.bad(k, "%v", err)
			return nil
		}
		return c.require(k, func() (bool, error) { return ev.outExists(e) }, "out-edge for in-edge")
	case tagKind:
		kind, n, err := parseKindKey(k)
		if err != nil {
			c.bad(k, "%v", err)
			return nil
		}
		e, err := ev.entity(n)
		if err != nil {
			return err
		}
		if e == nil || e.kind != kind {
			c.bad(k, "kind index entry %s points at no entity of that kind", kind)
		}
	case tagWord:
		tok, n, err := parseWordKey(k)
		if err != nil {
			c.bad(k, "%v", err)
			return nil
		}
		e, err := ev.entity(n)
		if err != nil {
			return err
		}
		if e == nil || !slices.Contains(e.tokens, tok) {
			c.bad(k, "name token %q points at no entity with that word", tok)
		}
	case tagDated:
		d, n, err := parseDatedKey(k)
		if err != nil {
			c.bad(k, "%v", err)
			return nil
		}
		e, err := ev.entity(n)
		if err != nil {
			return err
		}
		if e == nil || e.date != d {
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
		valid, ok, err := ev.factValid(edge{src: src, pred: p, dst: dst, fact: n})
		switch {
		case err != nil:
			return err
		case tag == tagTime && (!ok || valid.From != d):
			c.bad(k, "by-time entry points at no fact starting %s", d)
		case tag == tagEnd && (!ok || valid.To != d):
			c.bad(k, "by-end entry points at no fact ending %s", d)
		}
	}
	return nil
}

// require reports "missing what" against owner unless has says the key
// exists; an error aborts the check.
func (c *checker) require(owner []byte, has func() (bool, error), what string) error {
	ok, err := has()
	if err != nil {
		return err
	}
	if !ok {
		c.bad(owner, "missing %s", what)
	}
	return nil
}

// judgeNode judges an entity record and the index entries it needs.
func (c *checker) judgeNode(ev evidence, k, v []byte) error {
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
	if ok, err := ev.slugIs(kind, key, n); err != nil {
		return err
	} else if !ok {
		c.bad(k, "entity %s has no slug pointing at it", e.ID)
	}
	if err := c.require(k, func() (bool, error) { return ev.kindEntry(kind, n) }, "kind index entry of "+e.ID); err != nil {
		return err
	}
	if e.Date != 0 {
		if err := c.require(k, func() (bool, error) { return ev.datedEntry(e.Date, n) }, "dated entry of "+e.ID); err != nil {
			return err
		}
	}
	for scheme, value := range e.XIDs {
		if err := c.require(k, func() (bool, error) { return ev.xidEntry(scheme, value) }, "external ID "+scheme+" of "+e.ID); err != nil {
			return err
		}
	}
	for _, t := range domain.NameTokens(e) {
		if err := c.require(k, func() (bool, error) { return ev.wordEntry(t, n) }, "name token "+t+" of "+e.ID); err != nil {
			return err
		}
	}
	return nil
}

// judgeOut judges an out-edge, its fact record and the entries it needs.
func (c *checker) judgeOut(ev evidence, k, v []byte) error {
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
	inExists, inSame, err := ev.inEdge(e, v)
	if err != nil {
		return err
	}
	if inExists && !inSame {
		c.bad(k, "fact %s in-edge value differs from its out-edge", f.ID)
	}
	if f.Predicate != e.pred {
		c.bad(k, "fact %s predicate differs from its key", f.ID)
	}
	if !inExists {
		c.bad(k, "missing in-edge of %s", f.ID)
	}
	if ok, err := ev.locIs(e); err != nil {
		return err
	} else if !ok {
		c.bad(k, "fact %s has no matching locator", f.ID)
	}
	if err := c.require(k, func() (bool, error) { return ev.timeEntry(e.pred, f.Valid.From, e.fact) }, "by-time entry of "+f.ID); err != nil {
		return err
	}
	if f.Valid.To != 0 {
		if err := c.require(k, func() (bool, error) { return ev.endEntry(e.pred, f.Valid.To, e.fact) }, "by-end entry of "+f.ID); err != nil {
			return err
		}
	}
	_, key, err := domain.SplitID(f.ID)
	if err != nil {
		c.bad(k, "fact has malformed ID %q", f.ID)
		return nil
	}
	if ok, err := ev.slugIs(domain.KindFact, key, e.fact); err != nil {
		return err
	} else if !ok {
		c.bad(k, "fact %s has no slug pointing at it", f.ID)
	}
	for _, end := range []struct {
		n  uint64
		id string
	}{{e.src, f.From}, {e.dst, f.To}} {
		ent, err := ev.entity(end.n)
		if err != nil {
			return err
		}
		if ent == nil || ent.id != end.id {
			c.bad(k, "fact %s end %s is not a live entity", f.ID, end.id)
		}
	}
	return nil
}
