package store

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/alliancegraph/alliancegraph/domain"
)

// Key layout. This file is the only code that knows byte layouts.
//
// Every key starts with a one-byte tag. Integers are fixed-width big-endian
// so that byte order is numeric order and a prefix scan walks them sorted.
// id8 is an internal uint64 node or fact number (never shown to users);
// pred2 a Predicate; kind1 a Kind; date4 a Date (days from 0001-01-01,
// always positive, so dates before 1970 sort before later ones without a
// sign trick).
//
//	tag  layout                              value
//	'M'  M | name                            meta value (format version, sequences, dataset stamp)
//	'N'  N | id8                             entity record (codec.go)
//	'F'  F | fact8                           src8 | pred2 | dst8 (locates the out-edge)
//	'S'  S | kind1 | key                     id8    (readable ID -> id; facts use kindFact)
//	'X'  X | scheme | 0x00 | value           id8    (external ID, e.g. iso3/FIN)
//	'O'  O | src8 | pred2 | dst8 | fact8     iv8 | fact record (codec.go)
//	'I'  I | dst8 | pred2 | src8 | fact8     iv8 | fact record (a copy of the O value)
//	'K'  K | kind1 | id8                     empty
//	'W'  W | token | 0x00 | id8              empty  (folded name and alias tokens)
//	'T'  T | pred2 | date4 | fact8           src8 | dst8 (facts by ValidFrom; 0 = open start)
//	'E'  E | pred2 | date4 | fact8           src8 | dst8 (facts by ValidTo; only facts with an end)
//	'D'  D | date4 | id8                     empty  (dated entities, i.e. events, by day)
//	'C'  C | ts8                             commit record (who and why; codec.go)
//	'H'  H | id | 0x00 | ts8                 change record (history of one entity or fact; codec.go)
//	'B'  B | sha32                           a document's text (UTF-8), keyed by its SHA-256
//
// iv8 is the fact's valid-time interval, validFrom date4 | validTo date4 (0
// for an open end), at the head of both edge values so that traversals
// filter by valid time without decoding fact records. The in-edge carries
// the record too, so reading an entity's incoming facts (an alliance's
// members, an event's participants) costs no extra point read per fact.
//
// Tokens, schemes and slug keys never contain 0x00 (checked on write), so
// the 0x00 separator ends them unambiguously.
//
// The rest of the package builds keys with the builders below (nodeKey,
// outKey, ...; prefixes for scans) and reads them with ParseKey or the
// typed parsers built on it; it never slices key bytes itself.
const (
	tagMeta   byte = 'M'
	tagNode   byte = 'N'
	tagFact   byte = 'F'
	tagSlug   byte = 'S'
	tagXID    byte = 'X'
	tagOut    byte = 'O'
	tagIn     byte = 'I'
	tagKind   byte = 'K'
	tagWord   byte = 'W'
	tagTime   byte = 'T'
	tagCommit byte = 'C'
	tagEnd    byte = 'E'
	tagDated  byte = 'D'
	tagHist   byte = 'H'
	tagBlob   byte = 'B'
)

// Fixed key lengths.
const (
	nodeKeyLen   = 1 + 8
	factKeyLen   = 1 + 8
	edgeKeyLen   = 1 + 8 + 2 + 8 + 8
	kindKeyLen   = 1 + 1 + 8
	timeKeyLen   = 1 + 2 + 4 + 8
	commitKeyLen = 1 + 8
	blobKeyLen   = 1 + 32
	// factLocLen is the length of the F value and edgeLocLen of the T value.
	factLocLen = 8 + 2 + 8
	timeValLen = 8 + 8
)

func errKey(what string, k []byte) error {
	return fmt.Errorf("%w: %s key %x", ErrCorrupt, what, k)
}

func be64(b []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(b, v) }
func be16(b []byte, v uint16) []byte { return binary.BigEndian.AppendUint16(b, v) }
func be32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }

// Key is a key taken apart by ParseKey. Which fields are set depends on
// the tag (see the layout above); the others are zero. Text and Value
// alias the parsed key's bytes: they are valid as long as it is, and must
// not be changed.
type Key struct {
	Tag  byte             // the layout's letter: 'N', 'O', ...
	Num  uint64           // N, K, W, D: the entity's number
	Fact uint64           // F, O, I, T, E: the fact's number
	Src  uint64           // O, I: the fact's From entity
	Dst  uint64           // O, I: the fact's To entity
	Pred domain.Predicate // O, I, T, E
	Kind domain.Kind      // S, K
	Date domain.Date      // T, E (the bound), D (the entity's date)
	TS   uint64           // C, H: the commit's or change's timestamp
	// Text is M's name, S's key, X's scheme, W's token, H's readable ID
	// or B's SHA-256; Value is X's value.
	Text, Value []byte
}

// edge returns the edge an O or I key names.
func (k Key) edge() edge { return edge{src: k.Src, pred: k.Pred, dst: k.Dst, fact: k.Fact} }

// ParseKey takes key k apart, or returns an error wrapping ErrCorrupt if
// it is not a key of the layout above. It allocates nothing, so scans may
// call it for every key.
func ParseKey(k []byte) (Key, error) {
	if len(k) == 0 {
		return Key{}, errKey("empty", k)
	}
	key := Key{Tag: k[0]}
	switch k[0] {
	case tagMeta:
		key.Text = k[1:]
		return key, nil
	case tagNode:
		if len(k) == nodeKeyLen {
			key.Num = binary.BigEndian.Uint64(k[1:])
			return key, nil
		}
	case tagFact:
		if len(k) == factKeyLen {
			key.Fact = binary.BigEndian.Uint64(k[1:])
			return key, nil
		}
	case tagCommit:
		if len(k) == commitKeyLen {
			key.TS = binary.BigEndian.Uint64(k[1:])
			return key, nil
		}
	case tagOut, tagIn:
		if len(k) == edgeKeyLen {
			a := binary.BigEndian.Uint64(k[1:9])
			key.Pred = domain.Predicate(binary.BigEndian.Uint16(k[9:11]))
			b := binary.BigEndian.Uint64(k[11:19])
			key.Fact = binary.BigEndian.Uint64(k[19:27])
			key.Src, key.Dst = a, b
			if k[0] == tagIn {
				key.Src, key.Dst = b, a
			}
			return key, nil
		}
	case tagSlug:
		if len(k) >= 3 {
			key.Kind, key.Text = domain.Kind(k[1]), k[2:]
			return key, nil
		}
	case tagXID:
		i := bytes.IndexByte(k, 0)
		if i > 1 && i+1 < len(k) { // a scheme and a value, neither empty
			key.Text, key.Value = k[1:i], k[i+1:]
			return key, nil
		}
	case tagKind:
		if len(k) == kindKeyLen {
			key.Kind, key.Num = domain.Kind(k[1]), binary.BigEndian.Uint64(k[2:])
			return key, nil
		}
	case tagWord, tagHist:
		// tag | text | 0x00 | n8, the text not empty and without 0x00.
		if n := len(k) - 9; n > 1 && k[n] == 0 && bytes.IndexByte(k[1:n], 0) < 0 {
			key.Text = k[1:n]
			if k[0] == tagWord {
				key.Num = binary.BigEndian.Uint64(k[n+1:])
			} else {
				key.TS = binary.BigEndian.Uint64(k[n+1:])
			}
			return key, nil
		}
	case tagTime, tagEnd:
		if len(k) == timeKeyLen {
			key.Pred = domain.Predicate(binary.BigEndian.Uint16(k[1:3]))
			key.Date = domain.Date(binary.BigEndian.Uint32(k[3:7]))
			key.Fact = binary.BigEndian.Uint64(k[7:15])
			return key, nil
		}
	case tagDated:
		if len(k) == datedKeyLen {
			key.Date = domain.Date(binary.BigEndian.Uint32(k[1:5]))
			key.Num = binary.BigEndian.Uint64(k[5:])
			return key, nil
		}
	case tagBlob:
		if len(k) == blobKeyLen {
			key.Text = k[1:]
			return key, nil
		}
	default:
		return Key{}, errKey("unknown", k)
	}
	return Key{}, errKey(tagNames[k[0]], k)
}

// tagNames names each tag's keys in errors.
var tagNames = [256]string{tagMeta: "meta", tagNode: "node", tagFact: "fact", tagSlug: "slug", tagXID: "xid",
	tagOut: "edge", tagIn: "edge", tagKind: "kind", tagWord: "word", tagTime: "time", tagCommit: "commit",
	tagEnd: "end", tagDated: "dated", tagHist: "history", tagBlob: "blob"}

// parseTagged is ParseKey for a key that must have one of tags; what
// names the expected key in the error.
func parseTagged(k []byte, what string, tags ...byte) (Key, error) {
	key, err := ParseKey(k)
	if err != nil || !slices.Contains(tags, key.Tag) {
		return Key{}, errKey(what, k)
	}
	return key, nil
}

// keyHead returns up to 8 bytes of k from byte at on as a big-endian
// number, zero-padded: comparing the heads at 1 (after the tag), 9 and
// 17 orders keys of one tag as their bytes do, as far as the heads go
// (the fast loader sorts by them, fastload_sort.go).
func keyHead(k []byte, at int) uint64 {
	var b [8]byte
	if at < len(k) {
		copy(b[:], k[at:])
	}
	return binary.BigEndian.Uint64(b[:])
}

// keyTag returns k's tag, or 0 for an empty key: for code that only sorts
// keys by family.
func keyTag(k []byte) byte {
	if len(k) == 0 {
		return 0
	}
	return k[0]
}

// numVal is the value of S and X keys and of the counting meta keys (the
// id sequence, how far versions are settled): a big-endian uint64.
func numVal(n uint64) []byte { return binary.BigEndian.AppendUint64(make([]byte, 0, 8), n) }

// parseNum decodes a numVal; ok is false when v is not one.
func parseNum(v []byte) (n uint64, ok bool) {
	if len(v) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(v), true
}

// tagPrefix is the prefix of every key of tag t.
func tagPrefix(t byte) []byte { return []byte{t} }

// metaKey: M | name.
func metaKey(name string) []byte { return append([]byte{tagMeta}, name...) }

// nodeKey: N | id8.
func nodeKey(id uint64) []byte { return be64([]byte{tagNode}, id) }

// appendNodeKey appends nodeKey(id) to b, as appendSlugKey does.
func appendNodeKey(b []byte, id uint64) []byte { return be64(append(b, tagNode), id) }

func parseNodeKey(k []byte) (uint64, error) {
	key, err := parseTagged(k, "node", tagNode)
	return key.Num, err
}

// factKey: F | fact8. Its value is factLoc.
func factKey(id uint64) []byte { return be64([]byte{tagFact}, id) }

func parseFactKey(k []byte) (uint64, error) {
	key, err := parseTagged(k, "fact", tagFact)
	return key.Fact, err
}

// edge identifies one fact by its endpoints; it is what O, I, F and T keys
// encode in different orders.
type edge struct {
	src  uint64
	pred domain.Predicate
	dst  uint64
	fact uint64
}

// factLoc is the F value: src8 | pred2 | dst8.
func factLoc(e edge) []byte {
	b := make([]byte, 0, factLocLen)
	return be64(be16(be64(b, e.src), uint16(e.pred)), e.dst)
}

func parseFactLoc(fact uint64, v []byte) (edge, error) {
	if len(v) != factLocLen {
		return edge{}, errKey("fact locator", v)
	}
	return edge{
		src:  binary.BigEndian.Uint64(v[0:8]),
		pred: domain.Predicate(binary.BigEndian.Uint16(v[8:10])),
		dst:  binary.BigEndian.Uint64(v[10:18]),
		fact: fact,
	}, nil
}

// outKey: O | src8 | pred2 | dst8 | fact8.
func outKey(e edge) []byte {
	b := make([]byte, 0, edgeKeyLen)
	b = append(b, tagOut)
	return be64(be64(be16(be64(b, e.src), uint16(e.pred)), e.dst), e.fact)
}

// inKey: I | dst8 | pred2 | src8 | fact8.
func inKey(e edge) []byte {
	b := make([]byte, 0, edgeKeyLen)
	b = append(b, tagIn)
	return be64(be64(be16(be64(b, e.dst), uint16(e.pred)), e.src), e.fact)
}

// parseEdgeKey parses an O or I key.
func parseEdgeKey(k []byte) (edge, error) {
	key, err := parseTagged(k, "edge", tagOut, tagIn)
	return key.edge(), err
}

// edgePrefix returns the prefix of O (out) or I (in) keys of node id,
// narrowed to predicate p unless p is 0.
func edgePrefix(out bool, id uint64, p domain.Predicate) []byte {
	tag := tagIn
	if out {
		tag = tagOut
	}
	b := be64([]byte{tag}, id)
	if p != 0 {
		b = be16(b, uint16(p))
	}
	return b
}

// pairPrefix is the prefix of the O keys of e's ends and predicate: O |
// src8 | pred2 | dst8.
func pairPrefix(e edge) []byte { return be64(edgePrefix(true, e.src, e.pred), e.dst) }

// slugKey: S | kind1 | key.
func slugKey(k domain.Kind, key string) []byte {
	return append([]byte{tagSlug, byte(k)}, key...)
}

// appendSlugKey appends slugKey(k, key) to b: a lookup that builds it in
// a buffer of its own allocates no key.
func appendSlugKey(b []byte, k domain.Kind, key string) []byte {
	return append(append(b, tagSlug, byte(k)), key...)
}

// slugPrefix is the prefix of every S key of kind k.
func slugPrefix(k domain.Kind) []byte { return []byte{tagSlug, byte(k)} }

func parseSlugKey(k []byte) (domain.Kind, string, error) {
	key, err := parseTagged(k, "slug", tagSlug)
	return key.Kind, string(key.Text), err
}

// xidKey: X | scheme | 0x00 | value.
func xidKey(scheme, value string) []byte {
	b := append([]byte{tagXID}, scheme...)
	b = append(b, 0)
	return append(b, value...)
}

func parseXIDKey(k []byte) (scheme, value string, err error) {
	key, err := parseTagged(k, "xid", tagXID)
	return string(key.Text), string(key.Value), err
}

// kindKey: K | kind1 | id8.
func kindKey(k domain.Kind, id uint64) []byte { return be64([]byte{tagKind, byte(k)}, id) }

func kindPrefix(k domain.Kind) []byte { return []byte{tagKind, byte(k)} }

func parseKindKey(k []byte) (domain.Kind, uint64, error) {
	key, err := parseTagged(k, "kind", tagKind)
	return key.Kind, key.Num, err
}

// wordKey: W | token | 0x00 | id8.
func wordKey(token string, id uint64) []byte {
	b := append([]byte{tagWord}, token...)
	b = append(b, 0)
	return be64(b, id)
}

// wordPrefix is the prefix of every W key whose token starts with prefix;
// with exact it is narrowed to the token itself.
func wordPrefix(prefix string, exact bool) []byte {
	b := append([]byte{tagWord}, prefix...)
	if exact {
		b = append(b, 0)
	}
	return b
}

// afterWord is the first key past every W key of token w: the next
// word's entries start after every "W | w | 0x00 | id8".
func afterWord(w string) []byte { return append(wordPrefix(w, false), 1) }

func parseWordKey(k []byte) (string, uint64, error) {
	key, err := parseTagged(k, "word", tagWord)
	return string(key.Text), key.Num, err
}

// timeKey: T | pred2 | date4 | fact8. Its value is timeVal.
func timeKey(p domain.Predicate, d domain.Date, fact uint64) []byte {
	b := make([]byte, 0, timeKeyLen)
	b = append(b, tagTime)
	return be64(be32(be16(b, uint16(p)), uint32(d)), fact)
}

// timePrefix is the prefix of all T keys of predicate p.
func timePrefix(p domain.Predicate) []byte { return be16([]byte{tagTime}, uint16(p)) }

func parseTimeKey(k []byte) (domain.Predicate, domain.Date, uint64, error) {
	key, err := parseTagged(k, "time", tagTime)
	return key.Pred, key.Date, key.Fact, err
}

// timeCursor is T key k's place as a page cursor: the hex of what
// follows the tag and predicate (date4 | fact8).
func timeCursor(k []byte) string { return hex.EncodeToString(k[1+2:]) }

// afterTimeCursor returns the key to seek to for the page of predicate p
// after cursor c (just after c's key), or false if c is no timeCursor.
func afterTimeCursor(p domain.Predicate, c string) ([]byte, bool) {
	b, err := hex.DecodeString(c)
	if err != nil || len(b) != timeKeyLen-1-2 {
		return nil, false
	}
	return append(append(timePrefix(p), b...), 0), true
}

// timeVal is the T value: src8 | dst8.
func timeVal(src, dst uint64) []byte { return be64(be64(make([]byte, 0, timeValLen), src), dst) }

func parseTimeVal(v []byte) (src, dst uint64, err error) {
	if len(v) != timeValLen {
		return 0, 0, errKey("time value", v)
	}
	return binary.BigEndian.Uint64(v[:8]), binary.BigEndian.Uint64(v[8:]), nil
}

// commitKey: C | ts8.
func commitKey(ts uint64) []byte { return be64([]byte{tagCommit}, ts) }

func parseCommitKey(k []byte) (uint64, error) {
	key, err := parseTagged(k, "commit", tagCommit)
	return key.TS, err
}

// ivLen is the length of an encoded interval.
const ivLen = 4 + 4

// ivBytes encodes an interval: validFrom date4 | validTo date4.
func ivBytes(iv domain.Interval) []byte {
	return be32(be32(make([]byte, 0, ivLen), uint32(iv.From)), uint32(iv.To))
}

// parseIV decodes the interval at the start of an edge value.
func parseIV(v []byte) (domain.Interval, error) {
	if len(v) < ivLen {
		return domain.Interval{}, errKey("edge value", v)
	}
	return domain.Interval{From: domain.Date(binary.BigEndian.Uint32(v[0:4])), To: domain.Date(binary.BigEndian.Uint32(v[4:8]))}, nil
}

// outVal is the O value: iv8 | fact record.
func outVal(iv domain.Interval, rec []byte) []byte {
	return append(ivBytes(iv), rec...)
}

// splitOutVal splits an O value into its interval and fact record.
func splitOutVal(v []byte) (domain.Interval, []byte, error) {
	iv, err := parseIV(v)
	if err != nil {
		return domain.Interval{}, nil, err
	}
	return iv, v[ivLen:], nil
}

// endKey: E | pred2 | date4 | fact8, valued like a T key (timeVal).
func endKey(p domain.Predicate, d domain.Date, fact uint64) []byte {
	b := make([]byte, 0, timeKeyLen)
	b = append(b, tagEnd)
	return be64(be32(be16(b, uint16(p)), uint32(d)), fact)
}

// endPrefix is the prefix of all E keys of predicate p.
func endPrefix(p domain.Predicate) []byte { return be16([]byte{tagEnd}, uint16(p)) }

// parseEndKey parses an E key.
func parseEndKey(k []byte) (domain.Predicate, domain.Date, uint64, error) {
	key, err := parseTagged(k, "end", tagEnd)
	return key.Pred, key.Date, key.Fact, err
}

// datedKey: D | date4 | id8.
func datedKey(d domain.Date, id uint64) []byte {
	b := make([]byte, 0, datedKeyLen)
	b = append(b, tagDated)
	return be64(be32(b, uint32(d)), id)
}

const datedKeyLen = 1 + 4 + 8

func parseDatedKey(k []byte) (domain.Date, uint64, error) {
	key, err := parseTagged(k, "dated", tagDated)
	return key.Date, key.Num, err
}

// histKey: H | id | 0x00 | ts8. Readable IDs never contain 0x00 (SplitID
// refuses control characters), so one entity's or fact's changes are the
// prefix scan histPrefix(id), oldest first.
func histKey(id string, ts uint64) []byte {
	b := make([]byte, 0, 1+len(id)+1+8)
	b = append(b, tagHist)
	b = append(b, id...)
	b = append(b, 0)
	return be64(b, ts)
}

// histPrefix is the prefix of every H key of id.
func histPrefix(id string) []byte {
	b := append([]byte{tagHist}, id...)
	return append(b, 0)
}

func parseHistKey(k []byte) (string, uint64, error) {
	key, err := parseTagged(k, "history", tagHist)
	return string(key.Text), key.TS, err
}

// blobKey: B | sha32.
func blobKey(sum [32]byte) []byte { return append([]byte{tagBlob}, sum[:]...) }

func parseBlobKey(k []byte) ([32]byte, error) {
	var sum [32]byte
	key, err := parseTagged(k, "blob", tagBlob)
	copy(sum[:], key.Text)
	return sum, err
}
