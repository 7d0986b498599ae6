package domain

import (
	"fmt"
	"strings"
)

// Readable IDs are "<prefix>/<key>": the kind's prefix ("country", "org",
// "fact", ...) and a key without spaces or control characters, e.g.
// "country/FIN", "fact/fin-member-of-nato". An entity's ID never changes.

// MaxIDLen bounds readable IDs (and external ID values) so keys stay small.
const MaxIDLen = 200

// SplitID splits a readable ID "<prefix>/<key>" into its kind and key.
// Facts ("fact/<key>") return KindFact, which IsFactID tells apart.
func SplitID(id string) (Kind, string, error) {
	prefix, key, ok := strings.Cut(id, "/")
	if !ok || key == "" {
		return 0, "", fmt.Errorf("%w: ID %q is not <kind>/<key>", ErrInvalid, id)
	}
	if len(id) > MaxIDLen {
		return 0, "", fmt.Errorf("%w: ID longer than %d bytes", ErrInvalid, MaxIDLen)
	}
	for _, c := range []byte(key) {
		if c <= ' ' || c == 0x7f {
			return 0, "", fmt.Errorf("%w: ID %q contains a space or control character", ErrInvalid, id)
		}
	}
	if k, ok := kindByPrefix[prefix]; ok {
		return k, key, nil
	}
	return 0, "", fmt.Errorf("%w: ID %q has unknown prefix %q", ErrInvalid, id, prefix)
}

// kindByPrefix maps each ID prefix to its kind (kindInfo the other way):
// SplitID runs for every ID read or written.
var kindByPrefix = func() map[string]Kind {
	m := make(map[string]Kind, len(kindInfo))
	for k, i := range kindInfo {
		m[i.prefix] = k
	}
	return m
}()

// IsFactID reports whether id names a fact rather than an entity.
func IsFactID(id string) bool { return strings.HasPrefix(id, factIDPrefix) }

// factIDPrefix starts every fact ID: KindFact's prefix and the slash.
const factIDPrefix = "fact/"

// MintFactID makes a fact's ID from parts: "fact/" and the parts joined by
// "-", each character a key cannot hold (a space, a control character,
// '/') turned into '-'. Every fact ID the program makes up is made here,
// so IDs made from the same parts are the same, whoever makes them (a
// mutation, an importer, a document's mentions).
func MintFactID(parts ...string) string {
	return factIDPrefix + idKey(strings.Join(parts, "-"))
}

// NewFactID names a fact given without an ID from what identifies it:
// its ends' keys, its predicate and its validFrom ("open" for none),
// lower-cased, e.g. "fact/fin-member-of-nato-2023-04-04".
func NewFactID(f *Fact) string {
	_, from, _ := SplitID(f.From)
	_, to, _ := SplitID(f.To)
	start := "open"
	if !f.Valid.From.IsZero() {
		start = f.Valid.From.String()
	}
	pred := strings.ReplaceAll(f.Predicate.String(), "_", "-")
	return MintFactID(strings.ToLower(from + "-" + pred + "-" + to + "-" + start))
}

// MintEntityID makes an entity's ID of kind k from parts, as MintFactID
// makes a fact's: e.g. an entity known only by an external ID is
// "country/iso3-FIN".
func MintEntityID(k Kind, parts ...string) string {
	return k.Prefix() + "/" + idKey(strings.Join(parts, "-"))
}

// idKey makes s usable as the key of a readable ID.
func idKey(s string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f || r == '/' {
			return '-'
		}
		return r
	}, s)
}
