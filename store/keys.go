package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

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

// metaKey: M | name.
func metaKey(name string) []byte { return append([]byte{tagMeta}, name...) }

// nodeKey: N | id8.
func nodeKey(id uint64) []byte { return be64([]byte{tagNode}, id) }

func parseNodeKey(k []byte) (uint64, error) {
	if len(k) != nodeKeyLen || k[0] != tagNode {
		return 0, errKey("node", k)
	}
	return binary.BigEndian.Uint64(k[1:]), nil
}

// factKey: F | fact8. Its value is factLoc.
func factKey(id uint64) []byte { return be64([]byte{tagFact}, id) }

func parseFactKey(k []byte) (uint64, error) {
	if len(k) != factKeyLen || k[0] != tagFact {
		return 0, errKey("fact", k)
	}
	return binary.BigEndian.Uint64(k[1:]), nil
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
	if len(k) != edgeKeyLen || (k[0] != tagOut && k[0] != tagIn) {
		return edge{}, errKey("edge", k)
	}
	a := binary.BigEndian.Uint64(k[1:9])
	p := domain.Predicate(binary.BigEndian.Uint16(k[9:11]))
	b := binary.BigEndian.Uint64(k[11:19])
	f := binary.BigEndian.Uint64(k[19:27])
	if k[0] == tagOut {
		return edge{src: a, pred: p, dst: b, fact: f}, nil
	}
	return edge{src: b, pred: p, dst: a, fact: f}, nil
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

func parseSlugKey(k []byte) (domain.Kind, string, error) {
	if len(k) < 3 || k[0] != tagSlug {
		return 0, "", errKey("slug", k)
	}
	return domain.Kind(k[1]), string(k[2:]), nil
}

// xidKey: X | scheme | 0x00 | value.
func xidKey(scheme, value string) []byte {
	b := append([]byte{tagXID}, scheme...)
	b = append(b, 0)
	return append(b, value...)
}

func parseXIDKey(k []byte) (scheme, value string, err error) {
	if len(k) < 3 || k[0] != tagXID {
		return "", "", errKey("xid", k)
	}
	i := bytes.IndexByte(k[1:], 0)
	if i <= 0 || 2+i >= len(k) { // empty scheme or empty value
		return "", "", errKey("xid", k)
	}
	return string(k[1 : 1+i]), string(k[2+i:]), nil
}

// kindKey: K | kind1 | id8.
func kindKey(k domain.Kind, id uint64) []byte { return be64([]byte{tagKind, byte(k)}, id) }

func kindPrefix(k domain.Kind) []byte { return []byte{tagKind, byte(k)} }

func parseKindKey(k []byte) (domain.Kind, uint64, error) {
	if len(k) != kindKeyLen || k[0] != tagKind {
		return 0, 0, errKey("kind", k)
	}
	return domain.Kind(k[1]), binary.BigEndian.Uint64(k[2:]), nil
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

func parseWordKey(k []byte) (string, uint64, error) {
	if len(k) < 1+1+1+8 || k[0] != tagWord || k[len(k)-9] != 0 {
		return "", 0, errKey("word", k)
	}
	tok := k[1 : len(k)-9]
	if bytes.IndexByte(tok, 0) >= 0 {
		return "", 0, errKey("word", k)
	}
	return string(tok), binary.BigEndian.Uint64(k[len(k)-8:]), nil
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
	if len(k) != timeKeyLen || k[0] != tagTime {
		return 0, 0, 0, errKey("time", k)
	}
	return domain.Predicate(binary.BigEndian.Uint16(k[1:3])),
		domain.Date(binary.BigEndian.Uint32(k[3:7])),
		binary.BigEndian.Uint64(k[7:15]), nil
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
	if len(k) != commitKeyLen || k[0] != tagCommit {
		return 0, errKey("commit", k)
	}
	return binary.BigEndian.Uint64(k[1:]), nil
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
	if len(k) != timeKeyLen || k[0] != tagEnd {
		return 0, 0, 0, errKey("end", k)
	}
	return domain.Predicate(binary.BigEndian.Uint16(k[1:3])),
		domain.Date(binary.BigEndian.Uint32(k[3:7])),
		binary.BigEndian.Uint64(k[7:15]), nil
}

// datedKey: D | date4 | id8.
func datedKey(d domain.Date, id uint64) []byte {
	b := make([]byte, 0, datedKeyLen)
	b = append(b, tagDated)
	return be64(be32(b, uint32(d)), id)
}

const datedKeyLen = 1 + 4 + 8

func parseDatedKey(k []byte) (domain.Date, uint64, error) {
	if len(k) != datedKeyLen || k[0] != tagDated {
		return 0, 0, errKey("dated", k)
	}
	return domain.Date(binary.BigEndian.Uint32(k[1:5])), binary.BigEndian.Uint64(k[5:]), nil
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
	if len(k) < 1+1+1+8 || k[0] != tagHist || k[len(k)-9] != 0 {
		return "", 0, errKey("history", k)
	}
	id := k[1 : len(k)-9]
	if bytes.IndexByte(id, 0) >= 0 {
		return "", 0, errKey("history", k)
	}
	return string(id), binary.BigEndian.Uint64(k[len(k)-8:]), nil
}

// blobKey: B | sha32.
func blobKey(sum [32]byte) []byte { return append([]byte{tagBlob}, sum[:]...) }

func parseBlobKey(k []byte) ([32]byte, error) {
	var sum [32]byte
	if len(k) != blobKeyLen || k[0] != tagBlob {
		return sum, errKey("blob", k)
	}
	copy(sum[:], k[1:])
	return sum, nil
}
