package store

import (
	"fmt"

	"github.com/alliancegraph/alliancegraph/domain"
	json "github.com/goccy/go-json"
)

// Record encodings. Entities, facts and commits are stored as compact JSON:
// readable with badger's own tools, and cheap enough at this project's
// sizes. The format version in db.go covers this file and
// codec_append.go.
//
// The codec is goccy/go-json, a drop-in for encoding/json that writes the
// same bytes (sorted map keys, the same escaping) and decodes these records
// faster (docs/BENCHMARKS.md); decoding records is most of what reading
// facts and entities costs. Fact and change records, which a large import
// writes millions of, are encoded by hand into the same bytes
// (codec_append.go).

func encodeEntity(e *domain.Entity) ([]byte, error) { return json.Marshal(e) }

func decodeEntity(b []byte) (*domain.Entity, error) {
	var e domain.Entity
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("%w: entity: %v", ErrCorrupt, err)
	}
	return &e, nil
}

func encodeFact(f *domain.Fact) ([]byte, error) {
	n := 80 + len(f.ID) + len(f.From) + len(f.To) + len(f.Event)
	for _, p := range f.Props {
		n += 24 + len(p.Key) + len(p.Value)
	}
	for _, c := range f.Citations {
		n += 64 + len(c.Source) + len(c.URL)
	}
	return appendFact(make([]byte, 0, n), f), nil
}

// decodeOutVal decodes the fact held in an out-edge value.
func decodeOutVal(v []byte) (*domain.Fact, error) {
	_, rec, err := splitOutVal(v)
	if err != nil {
		return nil, err
	}
	return decodeFact(rec)
}

// decodeEdgeFact decodes the fact in out-edge value v of edge e and
// remembers its ends' numbers (Fact.Hint).
func decodeEdgeFact(e edge, v []byte) (*domain.Fact, error) {
	f, err := decodeOutVal(v)
	if err != nil {
		return nil, err
	}
	f.Hint = domain.EndsHint{From: e.src, To: e.dst}
	return f, nil
}

func decodeFact(b []byte) (*domain.Fact, error) {
	var f domain.Fact
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%w: fact: %v", ErrCorrupt, err)
	}
	return &f, nil
}

// Commit is the record every write leaves at its transaction time: who made
// it, an optional note (an import names its file) and what it changed.
//
// Stored commit records keep Author and Note only (see writeCommit);
// Changes is filled for subscribers, from the commit in memory. Records
// written before that still carry their changes and still decode.
type Commit struct {
	Author  string          `json:"author"`
	Note    string          `json:"note,omitempty"`
	Changes []domain.Change `json:"changes,omitempty"`
}

func encodeCommit(c *Commit) ([]byte, error) { return json.Marshal(c) }

func decodeCommit(b []byte) (*Commit, error) {
	var c Commit
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%w: commit: %v", ErrCorrupt, err)
	}
	return &c, nil
}

// The H value is the Change itself, so history needs no second read.
func encodeChange(c domain.Change) ([]byte, error) {
	return appendChange(make([]byte, 0, 48+len(c.ID)+len(c.From)+len(c.To)), c), nil
}

func decodeChange(b []byte) (domain.Change, error) {
	var c domain.Change
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("%w: change: %v", ErrCorrupt, err)
	}
	return c, nil
}
