package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
)

// Record encodings. Entities, facts and commits are stored as compact JSON:
// readable with badger's own tools, and cheap enough at this project's
// sizes. The format version in db.go covers this file.

func encodeEntity(e *Entity) ([]byte, error) { return json.Marshal(e) }

func decodeEntity(b []byte) (*Entity, error) {
	var e Entity
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("%w: entity: %v", ErrCorrupt, err)
	}
	return &e, nil
}

func encodeFact(f *Fact) ([]byte, error) { return json.Marshal(f) }

// decodeOutVal decodes the fact held in an out-edge value.
func decodeOutVal(v []byte) (*Fact, error) {
	_, rec, err := splitOutVal(v)
	if err != nil {
		return nil, err
	}
	return decodeFact(rec)
}

func decodeFact(b []byte) (*Fact, error) {
	var f Fact
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%w: fact: %v", ErrCorrupt, err)
	}
	return &f, nil
}

// Commit is the record every write leaves at its transaction time: who made
// it and which entities and facts it changed.
type Commit struct {
	Author  string   `json:"author"`
	Changed []string `json:"changed"`
}

func encodeCommit(c *Commit) ([]byte, error) { return json.Marshal(c) }

func beUint64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

func uint64Bytes(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }
