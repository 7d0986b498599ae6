package store

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/alliancegraph/alliancegraph/domain"
)

// Edge values shared by the key tests.
var (
	testIDs   = []uint64{0, 1, 255, 256, 65535, 65536, 1 << 32, 1<<56 - 1, 1 << 56, math.MaxUint64 - 1, math.MaxUint64}
	testDates = []string{"0001-01-01", "1066-10-14", "1949-08-24", "1969-12-31", "1970-01-01", "2000-02-29", "2024-12-31", "9999-12-31"}
)

// allKinds returns the entity kinds, the fact namespace and two bytes no
// kind uses, so key code is exercised on every byte class.
func allKinds() []domain.Kind { return append(domain.Kinds(), domain.KindFact, 0, 0xFF) }

// allPreds returns every predicate plus the open value 0 and the maximum.
func allPreds() []domain.Predicate {
	return append([]domain.Predicate{0}, append(domain.Predicates(), math.MaxUint16)...)
}

func testDateValues(t testing.TB) []domain.Date {
	ds := []domain.Date{0} // open start
	for _, s := range testDates {
		ds = append(ds, domain.MustDate(s))
	}
	return ds
}

func wantCorrupt(t *testing.T, what string, k []byte, err error) {
	t.Helper()
	if err == nil {
		t.Errorf("%s(%x): accepted, want ErrCorrupt", what, k)
	} else if !errors.Is(err, ErrCorrupt) {
		t.Errorf("%s(%x): error %v does not wrap ErrCorrupt", what, k, err)
	}
}

func TestNodeFactCommitKeyRoundTrip(t *testing.T) {
	for _, id := range testIDs {
		t.Run(fmt.Sprint(id), func(t *testing.T) {
			if got, err := parseNodeKey(nodeKey(id)); err != nil || got != id {
				t.Errorf("parseNodeKey(nodeKey(%d)) = %d, %v", id, got, err)
			}
			if got, err := parseFactKey(factKey(id)); err != nil || got != id {
				t.Errorf("parseFactKey(factKey(%d)) = %d, %v", id, got, err)
			}
			if got, err := parseCommitKey(commitKey(id)); err != nil || got != id {
				t.Errorf("parseCommitKey(commitKey(%d)) = %d, %v", id, got, err)
			}
			if n := len(nodeKey(id)); n != nodeKeyLen {
				t.Errorf("len(nodeKey) = %d, want %d", n, nodeKeyLen)
			}
		})
	}
}

func TestEdgeKeyRoundTrip(t *testing.T) {
	for _, p := range allPreds() {
		for _, a := range testIDs {
			b := math.MaxUint64 - a
			e := edge{src: a, pred: p, dst: b, fact: a ^ 0x0102030405060708}
			name := fmt.Sprintf("%v/%d", p, a)
			t.Run(name, func(t *testing.T) {
				for _, k := range [][]byte{outKey(e), inKey(e)} {
					if len(k) != edgeKeyLen {
						t.Fatalf("key %x has length %d, want %d", k, len(k), edgeKeyLen)
					}
					got, err := parseEdgeKey(k)
					if err != nil || got != e {
						t.Errorf("parseEdgeKey(%x) = %+v, %v; want %+v", k, got, err, e)
					}
				}
				loc := factLoc(e)
				got, err := parseFactLoc(e.fact, loc)
				if err != nil || got != e {
					t.Errorf("parseFactLoc(%x) = %+v, %v; want %+v", loc, got, err, e)
				}
				if !bytes.HasPrefix(outKey(e), edgePrefix(true, e.src, 0)) ||
					!bytes.HasPrefix(inKey(e), edgePrefix(false, e.dst, 0)) {
					t.Error("edge keys do not start with their node's edge prefix")
				}
				if p != 0 && (!bytes.HasPrefix(outKey(e), edgePrefix(true, e.src, p)) ||
					!bytes.HasPrefix(inKey(e), edgePrefix(false, e.dst, p))) {
					t.Error("edge keys do not start with their node's predicate prefix")
				}
			})
		}
	}
}

func TestSlugKeyRoundTrip(t *testing.T) {
	for _, k := range allKinds() {
		for _, key := range []string{"x", "FIN", "nato", "a/b/c", "São_Tomé", string(bytes.Repeat([]byte("z"), domain.MaxIDLen))} {
			t.Run(fmt.Sprintf("%v/%s", k, key[:min(len(key), 10)]), func(t *testing.T) {
				gk, gkey, err := parseSlugKey(slugKey(k, key))
				if err != nil || gk != k || gkey != key {
					t.Errorf("parseSlugKey(slugKey(%v, %q)) = %v, %q, %v", k, key, gk, gkey, err)
				}
			})
		}
	}
}

func TestXIDKeyRoundTrip(t *testing.T) {
	tests := []struct{ scheme, value string }{
		{"iso3", "FIN"},
		{"iso2", "FI"},
		{"wikidata", "Q33"},
		{"x", "v"},
		{"iso3", "a\x00b"}, // only the scheme is 0x00-free; the value is the tail
		{"s", "Łódź"},
	}
	for _, tt := range tests {
		t.Run(tt.scheme+"="+tt.value, func(t *testing.T) {
			s, v, err := parseXIDKey(xidKey(tt.scheme, tt.value))
			if err != nil || s != tt.scheme || v != tt.value {
				t.Errorf("parseXIDKey(xidKey(%q, %q)) = %q, %q, %v", tt.scheme, tt.value, s, v, err)
			}
		})
	}
}

func TestKindKeyRoundTrip(t *testing.T) {
	for _, k := range allKinds() {
		for _, id := range testIDs {
			key := kindKey(k, id)
			gk, gid, err := parseKindKey(key)
			if err != nil || gk != k || gid != id {
				t.Errorf("parseKindKey(kindKey(%v, %d)) = %v, %d, %v", k, id, gk, gid, err)
			}
			if !bytes.HasPrefix(key, kindPrefix(k)) {
				t.Errorf("kindKey(%v, %d) = %x lacks prefix %x", k, id, key, kindPrefix(k))
			}
		}
	}
}

func TestWordKeyRoundTrip(t *testing.T) {
	long := string(bytes.Repeat([]byte("w"), domain.MaxTokenLen))
	for _, tok := range []string{"a", "nato", "natoo", "turkiye", "łodz", "\x01", "\xff", long} {
		for _, id := range testIDs {
			key := wordKey(tok, id)
			gt, gid, err := parseWordKey(key)
			if err != nil || gt != tok || gid != id {
				t.Errorf("parseWordKey(wordKey(%q, %d)) = %q, %d, %v", tok, id, gt, gid, err)
			}
			if !bytes.HasPrefix(key, wordPrefix(tok, true)) || !bytes.HasPrefix(key, wordPrefix(tok[:1], false)) {
				t.Errorf("wordKey(%q, %d) lacks its word prefixes", tok, id)
			}
		}
	}
}

func TestTimeKeyRoundTrip(t *testing.T) {
	for _, p := range allPreds() {
		for _, d := range testDateValues(t) {
			for _, id := range testIDs {
				key := timeKey(p, d, id)
				if len(key) != timeKeyLen {
					t.Fatalf("timeKey length %d, want %d", len(key), timeKeyLen)
				}
				gp, gd, gid, err := parseTimeKey(key)
				if err != nil || gp != p || gd != d || gid != id {
					t.Errorf("parseTimeKey(timeKey(%v, %v, %d)) = %v, %v, %d, %v", p, d, id, gp, gd, gid, err)
				}
				if !bytes.HasPrefix(key, timePrefix(p)) {
					t.Errorf("timeKey lacks timePrefix(%v)", p)
				}
			}
		}
	}
	for _, src := range testIDs {
		dst := math.MaxUint64 - src
		s, d, err := parseTimeVal(timeVal(src, dst))
		if err != nil || s != src || d != dst {
			t.Errorf("parseTimeVal(timeVal(%d, %d)) = %d, %d, %v", src, dst, s, d, err)
		}
	}
}

func TestMetaKey(t *testing.T) {
	if got := metaKey(metaFormat); !bytes.Equal(got, []byte("Mformat")) {
		t.Errorf("metaKey(format) = %q", got)
	}
}

// The key tags must be distinct, so no two families share a prefix scan.
func TestTagsDistinct(t *testing.T) {
	tags := []byte{tagMeta, tagNode, tagFact, tagSlug, tagXID, tagOut, tagIn, tagKind, tagWord, tagTime, tagCommit, tagEnd, tagDated, tagHist, tagBlob}
	seen := map[byte]bool{}
	for _, tg := range tags {
		if seen[tg] {
			t.Errorf("tag %q used twice", tg)
		}
		seen[tg] = true
	}
}

// sortedBy reports whether sorting keys bytewise puts them in the same
// order as cmpLogical puts the tuples they encode.
func checkSortOrder[T any](t *testing.T, tuples []T, enc func(T) []byte, cmpLogical func(a, b T) int) {
	t.Helper()
	logical := slices.Clone(tuples)
	slices.SortStableFunc(logical, cmpLogical)
	type pair struct {
		k []byte
		v T
	}
	ps := make([]pair, len(tuples))
	for i, v := range tuples {
		ps[i] = pair{enc(v), v}
	}
	slices.SortStableFunc(ps, func(a, b pair) int { return bytes.Compare(a.k, b.k) })
	for i := range ps {
		if cmpLogical(ps[i].v, logical[i]) != 0 {
			t.Fatalf("position %d: bytewise order has %+v, logical order %+v", i, ps[i].v, logical[i])
		}
	}
}

// shuffled returns a deterministic non-sorted permutation of xs.
func shuffled[T any](xs []T) []T {
	out := slices.Clone(xs)
	slices.Reverse(out)
	for i := 0; i+2 < len(out); i += 3 {
		out[i], out[i+2] = out[i+2], out[i]
	}
	return out
}

func TestKeySortOrder(t *testing.T) {
	dates := testDateValues(t)
	t.Run("node", func(t *testing.T) {
		checkSortOrder(t, shuffled(testIDs), nodeKey, cmp.Compare[uint64])
	})
	t.Run("kind", func(t *testing.T) {
		type kv struct {
			k  domain.Kind
			id uint64
		}
		var xs []kv
		for _, k := range allKinds() {
			for _, id := range testIDs {
				xs = append(xs, kv{k, id})
			}
		}
		checkSortOrder(t, shuffled(xs), func(x kv) []byte { return kindKey(x.k, x.id) }, func(a, b kv) int {
			return cmp.Or(cmp.Compare(a.k, b.k), cmp.Compare(a.id, b.id))
		})
	})
	t.Run("edge", func(t *testing.T) {
		var xs []edge
		for _, p := range []domain.Predicate{0, domain.MemberOf, domain.Knows, 256, math.MaxUint16} {
			for _, a := range []uint64{0, 255, 256, 1 << 40, math.MaxUint64} {
				for _, b := range []uint64{1, 256, math.MaxUint64} {
					xs = append(xs, edge{src: a, pred: p, dst: b, fact: a + b}, edge{src: a, pred: p, dst: b, fact: 0})
				}
			}
		}
		xs = shuffled(xs)
		checkSortOrder(t, xs, outKey, func(a, b edge) int {
			return cmp.Or(cmp.Compare(a.src, b.src), cmp.Compare(a.pred, b.pred), cmp.Compare(a.dst, b.dst), cmp.Compare(a.fact, b.fact))
		})
		checkSortOrder(t, xs, inKey, func(a, b edge) int {
			return cmp.Or(cmp.Compare(a.dst, b.dst), cmp.Compare(a.pred, b.pred), cmp.Compare(a.src, b.src), cmp.Compare(a.fact, b.fact))
		})
	})
	t.Run("time", func(t *testing.T) {
		type tk struct {
			p  domain.Predicate
			d  domain.Date
			id uint64
		}
		var xs []tk
		for _, p := range []domain.Predicate{domain.MemberOf, domain.Holds, 256} {
			for _, d := range dates {
				for _, id := range []uint64{1, 255, 256, math.MaxUint64} {
					xs = append(xs, tk{p, d, id})
				}
			}
		}
		checkSortOrder(t, shuffled(xs), func(x tk) []byte { return timeKey(x.p, x.d, x.id) }, func(a, b tk) int {
			return cmp.Or(cmp.Compare(a.p, b.p), cmp.Compare(a.d, b.d), cmp.Compare(a.id, b.id))
		})
	})
	t.Run("dates around 1970", func(t *testing.T) {
		// The logical order is the calendar order of the strings.
		checkSortOrder(t, shuffled(testDates), func(s string) []byte { return timeKey(domain.MemberOf, domain.MustDate(s), 7) }, cmp.Compare[string])
		checkSortOrder(t, shuffled(testDates), func(s string) []byte { return endKey(domain.MemberOf, domain.MustDate(s), 7) }, cmp.Compare[string])
		checkSortOrder(t, shuffled(testDates), func(s string) []byte { return datedKey(domain.MustDate(s), 7) }, cmp.Compare[string])
		// The open start sorts before every real date.
		if bytes.Compare(timeKey(domain.MemberOf, 0, math.MaxUint64), timeKey(domain.MemberOf, domain.MustDate("0001-01-01"), 0)) >= 0 {
			t.Error("open start does not sort before 0001-01-01")
		}
	})
	t.Run("word", func(t *testing.T) {
		type wk struct {
			tok string
			id  uint64
		}
		var xs []wk
		for _, tok := range []string{"nat", "nato", "natoo", "natob", "nb", "n", "z", "é", "\x01"} {
			for _, id := range []uint64{0, 1, 255, 256, 0x0100000000000000, math.MaxUint64} {
				xs = append(xs, wk{tok, id})
			}
		}
		xs = shuffled(xs)
		checkSortOrder(t, xs, func(x wk) []byte { return wordKey(x.tok, x.id) }, func(a, b wk) int {
			return cmp.Or(cmp.Compare(a.tok, b.tok), cmp.Compare(a.id, b.id))
		})
		// Every entry of "nato" lies in one run, before any of "natoo",
		// and the exact prefix of "nato" selects exactly that run.
		var keys [][]byte
		for _, x := range xs {
			keys = append(keys, wordKey(x.tok, x.id))
		}
		slices.SortFunc(keys, bytes.Compare)
		exact := wordPrefix("nato", true)
		first, last := -1, -1
		for i, k := range keys {
			tok, _, err := parseWordKey(k)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.HasPrefix(k, exact) != (tok == "nato") {
				t.Errorf("exact prefix of nato matches %q: %v", tok, bytes.HasPrefix(k, exact))
			}
			if tok == "nato" {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		if last-first+1 != 6 {
			t.Errorf("nato entries not contiguous: positions %d..%d", first, last)
		}
		// The prefix (non-exact) scan for "nato" covers nato, natob, natoo.
		n := 0
		for _, k := range keys {
			if bytes.HasPrefix(k, wordPrefix("nato", false)) {
				n++
			}
		}
		if n != 18 {
			t.Errorf("prefix nato matches %d keys, want 18", n)
		}
	})
}

// A key's parser and rebuilder, for the truncation and fuzz tests.
type keyParser struct {
	name  string
	fixed bool // fixed length: every proper prefix must be rejected
	// parse returns the rebuilt bytes, or an error.
	parse func(k []byte) ([]byte, error)
}

var keyParsers = []keyParser{
	{"node", true, func(k []byte) ([]byte, error) {
		n, err := parseNodeKey(k)
		return nodeKey(n), err
	}},
	{"fact", true, func(k []byte) ([]byte, error) {
		n, err := parseFactKey(k)
		return factKey(n), err
	}},
	{"commit", true, func(k []byte) ([]byte, error) {
		n, err := parseCommitKey(k)
		return commitKey(n), err
	}},
	{"edge", true, func(k []byte) ([]byte, error) {
		e, err := parseEdgeKey(k)
		if err != nil {
			return nil, err
		}
		if k[0] == tagIn {
			return inKey(e), nil
		}
		return outKey(e), nil
	}},
	{"kind", true, func(k []byte) ([]byte, error) {
		kd, n, err := parseKindKey(k)
		return kindKey(kd, n), err
	}},
	{"time", true, func(k []byte) ([]byte, error) {
		p, d, n, err := parseTimeKey(k)
		return timeKey(p, d, n), err
	}},
	{"end", true, func(k []byte) ([]byte, error) {
		p, d, n, err := parseEndKey(k)
		return endKey(p, d, n), err
	}},
	{"dated", true, func(k []byte) ([]byte, error) {
		d, n, err := parseDatedKey(k)
		return datedKey(d, n), err
	}},
	{"interval", true, func(v []byte) ([]byte, error) {
		if len(v) != ivLen {
			return nil, errKey("interval", v)
		}
		iv, err := parseIV(v)
		return ivBytes(iv), err
	}},
	{"slug", false, func(k []byte) ([]byte, error) {
		kd, key, err := parseSlugKey(k)
		return slugKey(kd, key), err
	}},
	{"xid", false, func(k []byte) ([]byte, error) {
		s, v, err := parseXIDKey(k)
		return xidKey(s, v), err
	}},
	{"word", false, func(k []byte) ([]byte, error) {
		tok, n, err := parseWordKey(k)
		return wordKey(tok, n), err
	}},
	{"history", false, func(k []byte) ([]byte, error) {
		id, ts, err := parseHistKey(k)
		return histKey(id, ts), err
	}},
	{"blob", true, func(k []byte) ([]byte, error) {
		sum, err := parseBlobKey(k)
		return blobKey(sum), err
	}},
	{"fact locator", true, func(v []byte) ([]byte, error) {
		e, err := parseFactLoc(42, v)
		return factLoc(e), err
	}},
	{"time value", true, func(v []byte) ([]byte, error) {
		s, d, err := parseTimeVal(v)
		return timeVal(s, d), err
	}},
}

func parserNamed(name string) keyParser {
	for _, p := range keyParsers {
		if p.name == name {
			return p
		}
	}
	panic("no parser " + name)
}

// validKeys returns sample valid keys of each family, keyed by parser name.
func validKeys() map[string][][]byte {
	e := edge{src: 3, pred: domain.MemberOf, dst: 1 << 40, fact: 9}
	return map[string][][]byte{
		"node":         {nodeKey(0), nodeKey(1), nodeKey(math.MaxUint64)},
		"fact":         {factKey(0), factKey(1), factKey(math.MaxUint64)},
		"commit":       {commitKey(0), commitKey(1), commitKey(math.MaxUint64)},
		"edge":         {outKey(e), inKey(e), outKey(edge{}), inKey(edge{src: math.MaxUint64, pred: math.MaxUint16, dst: math.MaxUint64, fact: math.MaxUint64})},
		"kind":         {kindKey(domain.KindCountry, 0), kindKey(domain.KindDocument, math.MaxUint64), kindKey(domain.KindFact, 1)},
		"time":         {timeKey(domain.MemberOf, 0, 0), timeKey(domain.Holds, domain.MustDate("1949-08-24"), 5), timeKey(domain.Knows, domain.MustDate("9999-12-31"), math.MaxUint64)},
		"end":          {endKey(domain.MemberOf, domain.MustDate("1949-08-24"), 1), endKey(domain.Knows, domain.MustDate("9999-12-31"), math.MaxUint64)},
		"dated":        {datedKey(domain.MustDate("1969-12-31"), 0), datedKey(domain.MustDate("2024-10-01"), math.MaxUint64)},
		"interval":     {ivBytes(domain.Interval{}), ivBytes(domain.Interval{From: domain.MustDate("1949-08-24"), To: domain.MustDate("2024-10-01")})},
		"slug":         {slugKey(domain.KindCountry, "FIN"), slugKey(domain.KindFact, "x")},
		"xid":          {xidKey("iso3", "FIN"), xidKey("w", "Q1")},
		"word":         {wordKey("nato", 0), wordKey("a", 1), wordKey("turkiye", math.MaxUint64)},
		"history":      {histKey("country/FIN", 0), histKey("fact/x", math.MaxUint64), histKey("a", 7)},
		"blob":         {blobKey([32]byte{}), blobKey([32]byte{0: 1, 31: 0xff})},
		"fact locator": {factLoc(e), factLoc(edge{})},
		"time value":   {timeVal(0, 0), timeVal(1, math.MaxUint64)},
	}
}

func TestParseValidKeys(t *testing.T) {
	for name, keys := range validKeys() {
		p := parserNamed(name)
		for _, k := range keys {
			got, err := p.parse(k)
			if err != nil || !bytes.Equal(got, k) {
				t.Errorf("%s: parse(%x) rebuilt %x, %v", name, k, got, err)
			}
		}
	}
}

// structuralLen is how many leading bytes of a variable-length key are
// structure rather than a free-form tail: any shorter prefix is invalid.
func structuralLen(name string, k []byte) int {
	switch name {
	case "slug":
		return 3 // tag, kind, at least one key byte
	case "xid":
		return bytes.IndexByte(k, 0) + 2 // through the separator and one value byte
	}
	return len(k) // word keys end in a fixed id: every proper prefix is invalid
}

func TestTruncatedKeys(t *testing.T) {
	for name, keys := range validKeys() {
		p := parserNamed(name)
		t.Run(name, func(t *testing.T) {
			for _, k := range keys {
				for n := 0; n < structuralLen(name, k); n++ {
					_, err := p.parse(k[:n:n])
					wantCorrupt(t, name, k[:n], err)
				}
				if p.fixed || name == "word" {
					for _, extra := range [][]byte{{0}, {1}, {0xFF, 0xFF}, make([]byte, 8)} {
						long := append(slices.Clone(k), extra...)
						_, err := p.parse(long)
						wantCorrupt(t, name, long, err)
					}
				}
			}
		})
	}
}

func TestWrongTag(t *testing.T) {
	tags := []byte{0, tagMeta, tagNode, tagFact, tagSlug, tagXID, tagOut, tagIn, tagKind, tagWord, tagTime, tagCommit, 0xFF}
	accepts := map[string][]byte{
		"node": {tagNode}, "fact": {tagFact}, "commit": {tagCommit}, "edge": {tagOut, tagIn},
		"kind": {tagKind}, "time": {tagTime}, "slug": {tagSlug}, "xid": {tagXID}, "word": {tagWord},
	}
	for name, keys := range validKeys() {
		ok, isKey := accepts[name]
		if !isKey {
			continue // values have no tag
		}
		p := parserNamed(name)
		for _, k := range keys {
			for _, tg := range tags {
				if slices.Contains(ok, tg) {
					continue
				}
				bad := slices.Clone(k)
				bad[0] = tg
				_, err := p.parse(bad)
				wantCorrupt(t, name, bad, err)
			}
		}
	}
}

func TestMalformedVariableKeys(t *testing.T) {
	tests := []struct {
		name string
		key  []byte
	}{
		{"xid", []byte("X\x00FIN")},                           // empty scheme
		{"xid", []byte("Xiso3FIN")},                           // no separator
		{"xid", []byte("Xiso3\x00")},                          // empty value
		{"word", append([]byte("W\x00"), make([]byte, 8)...)}, // empty token
		{"word", append([]byte("Wab"), make([]byte, 8)...)},   // no separator
		{"word", append([]byte("Wa\x00b\x00"), make([]byte, 8)...)},
		{"slug", []byte("S\x01")},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%q", tt.name, tt.key), func(t *testing.T) {
			_, err := parserNamed(tt.name).parse(tt.key)
			wantCorrupt(t, tt.name, tt.key, err)
		})
	}
}

func FuzzParseKeys(f *testing.F) {
	for _, keys := range validKeys() {
		for _, k := range keys {
			f.Add(k)
		}
	}
	f.Add([]byte{})
	f.Add([]byte("Xiso3\x00"))
	f.Fuzz(func(t *testing.T, k []byte) {
		for _, p := range keyParsers {
			in := slices.Clone(k)
			got, err := p.parse(in)
			if !bytes.Equal(in, k) {
				t.Fatalf("%s: parser modified its input", p.name)
			}
			if err != nil {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("%s(%x): error %v does not wrap ErrCorrupt", p.name, k, err)
				}
				continue
			}
			if !bytes.Equal(got, k) {
				t.Fatalf("%s: accepted %x but rebuilds %x", p.name, k, got)
			}
		}
	})
}

// History keys of one ID sort by time, and one ID's keys never interleave
// with another's (the 0x00 after the ID ends it).
func TestHistKeyOrder(t *testing.T) {
	type hk struct {
		id string
		ts uint64
	}
	var xs []hk
	for _, id := range []string{"country/FIN", "country/FINX", "country/FI", "fact/a", "fact/a-b"} {
		for _, ts := range []uint64{0, 1, 255, 256, 1 << 40, math.MaxUint64} {
			xs = append(xs, hk{id, ts})
		}
	}
	checkSortOrder(t, shuffled(xs), func(x hk) []byte { return histKey(x.id, x.ts) }, func(a, b hk) int {
		return cmp.Or(cmp.Compare(a.id, b.id), cmp.Compare(a.ts, b.ts))
	})
	for _, x := range xs {
		if !bytes.HasPrefix(histKey(x.id, x.ts), histPrefix(x.id)) {
			t.Errorf("histKey(%q) lacks its prefix", x.id)
		}
		if x.id != "country/FIN" && bytes.HasPrefix(histKey(x.id, x.ts), histPrefix("country/FIN")) {
			t.Errorf("histKey(%q) matches the prefix of country/FIN", x.id)
		}
	}
}

// rebuild builds the key ParseKey took apart, with the builder of its tag.
func rebuild(t testing.TB, k Key) []byte {
	switch k.Tag {
	case tagMeta:
		return metaKey(string(k.Text))
	case tagNode:
		return nodeKey(k.Num)
	case tagFact:
		return factKey(k.Fact)
	case tagCommit:
		return commitKey(k.TS)
	case tagOut:
		return outKey(k.edge())
	case tagIn:
		return inKey(k.edge())
	case tagSlug:
		return slugKey(k.Kind, string(k.Text))
	case tagXID:
		return xidKey(string(k.Text), string(k.Value))
	case tagKind:
		return kindKey(k.Kind, k.Num)
	case tagWord:
		return wordKey(string(k.Text), k.Num)
	case tagTime:
		return timeKey(k.Pred, k.Date, k.Fact)
	case tagEnd:
		return endKey(k.Pred, k.Date, k.Fact)
	case tagDated:
		return datedKey(k.Date, k.Num)
	case tagHist:
		return histKey(string(k.Text), k.TS)
	case tagBlob:
		return blobKey([32]byte(k.Text))
	}
	t.Fatalf("ParseKey returned tag %q", k.Tag)
	return nil
}

// TestParseKey: ParseKey reads every key family; its fields rebuild the
// very key; and the typed parsers agree with it.
func TestParseKey(t *testing.T) {
	keys := [][]byte{metaKey(metaFormat), metaKey("x")}
	for name, ks := range validKeys() {
		switch name {
		case "interval", "fact locator", "time value":
			continue // values, not keys
		}
		keys = append(keys, ks...)
	}
	for _, k := range keys {
		key, err := ParseKey(k)
		if err != nil {
			t.Errorf("ParseKey(%x): %v", k, err)
			continue
		}
		if key.Tag != k[0] {
			t.Errorf("ParseKey(%x): tag %q", k, key.Tag)
		}
		if got := rebuild(t, key); !bytes.Equal(got, k) {
			t.Errorf("ParseKey(%x) = %+v, which rebuilds %x", k, key, got)
		}
	}
	e := edge{src: 3, pred: domain.Holds, dst: 7, fact: 11}
	for _, k := range [][]byte{outKey(e), inKey(e)} {
		key, _ := ParseKey(k)
		if key.edge() != e {
			t.Errorf("ParseKey(%x).edge() = %+v, want %+v", k, key.edge(), e)
		}
	}
	for _, bad := range [][]byte{nil, {}, {0}, {'Z', 1, 2}, nodeKey(1)[:5], append(outKey(e), 0)} {
		if _, err := ParseKey(bad); !errors.Is(err, ErrCorrupt) {
			t.Errorf("ParseKey(%x): %v, want ErrCorrupt", bad, err)
		}
	}
}

// ParseKey runs for every key a scan reads: it must not allocate.
func TestParseKeyAllocates(t *testing.T) {
	keys := [][]byte{outKey(edge{src: 1, pred: domain.MemberOf, dst: 2, fact: 3}), wordKey("nato", 5),
		slugKey(domain.KindCountry, "FIN"), timeKey(domain.MemberOf, domain.MustDate("2023-04-04"), 9), histKey("country/FIN", 4)}
	var sink uint64
	if n := testing.AllocsPerRun(100, func() {
		for _, k := range keys {
			key, err := ParseKey(k)
			if err != nil {
				t.Fatal(err)
			}
			sink += key.Fact + key.Num + uint64(len(key.Text))
		}
	}); n != 0 {
		t.Errorf("ParseKey allocates %v times per run", n)
	}
	_ = sink
}

func FuzzParseKey(f *testing.F) {
	for _, keys := range validKeys() {
		for _, k := range keys {
			f.Add(k)
		}
	}
	f.Add([]byte("M"))
	f.Add([]byte("Xiso3\x00"))
	f.Fuzz(func(t *testing.T, k []byte) {
		in := slices.Clone(k)
		key, err := ParseKey(in)
		if !bytes.Equal(in, k) {
			t.Fatal("ParseKey modified its input")
		}
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("ParseKey(%x): error %v does not wrap ErrCorrupt", k, err)
			}
			return
		}
		if got := rebuild(t, key); !bytes.Equal(got, k) {
			t.Fatalf("ParseKey accepted %x as %+v, which rebuilds %x", k, key, got)
		}
	})
}
