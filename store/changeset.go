package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
)

// ChangeSet is one commit as the keys and values it writes, for a store
// whose commits go through a replicated log (see Committer): the writing
// node validates a write against its replica and records what the Writer
// put and deleted, and every replica applies the same change set at the
// same commit timestamp (DB.Apply), so their contents, history and
// knownAt reads are identical.
//
// Callers outside the store treat it as opaque bytes (MarshalBinary,
// ParseChangeSet); nothing outside the store reads its keys.
type ChangeSet struct {
	base   uint64 // the timestamp it was validated at (lastTs then)
	rev    uint64 // the log revision it was validated at
	commit uint64 // the commit timestamp, above base
	next   uint64 // the id sequence after it
	author string
	note   string
	// changes is what the commit changed, for the feed.
	changes []domain.Change
	ops     []kvOp
}

// kvOp is one key's write: its final value, or a delete.
type kvOp struct {
	key, val []byte
	del      bool
}

// Revision is the log revision the change set was validated at: the
// replicated log must not have moved past it when the change set commits.
func (cs *ChangeSet) Revision() uint64 { return cs.rev }

// Time is the transaction time the change set commits at.
func (cs *ChangeSet) Time() time.Time { return tsTime(cs.commit) }

// Len is the number of keys it writes.
func (cs *ChangeSet) Len() int { return len(cs.ops) }

// recorder keeps a Writer's puts and deletes, one entry per key holding
// the key's last write, in the order keys were first written.
type recorder struct {
	ops []kvOp
	at  map[string]int
}

func (r *recorder) add(k, v []byte, del bool) {
	if r.at == nil {
		r.at = make(map[string]int)
	}
	op := kvOp{key: append([]byte(nil), k...), del: del}
	if !del {
		op.val = append([]byte(nil), v...)
	}
	if i, ok := r.at[string(k)]; ok {
		r.ops[i] = op
		return
	}
	r.at[string(k)] = len(r.ops)
	r.ops = append(r.ops, op)
}

// changeSetMagic starts every encoded change set; the digit is the
// encoding's version.
const changeSetMagic = "agcs1"

// MarshalBinary encodes cs.
func (cs *ChangeSet) MarshalBinary() ([]byte, error) {
	n := len(changeSetMagic) + 64 + len(cs.author) + len(cs.note)
	for _, op := range cs.ops {
		n += len(op.key) + len(op.val) + 12
	}
	b := make([]byte, 0, n)
	b = append(b, changeSetMagic...)
	for _, u := range []uint64{cs.base, cs.rev, cs.commit, cs.next} {
		b = binary.AppendUvarint(b, u)
	}
	b = appendBytes(b, []byte(cs.author))
	b = appendBytes(b, []byte(cs.note))
	b = binary.AppendUvarint(b, uint64(len(cs.changes)))
	for _, c := range cs.changes {
		v, err := encodeChange(c)
		if err != nil {
			return nil, err
		}
		b = appendBytes(b, v)
	}
	b = binary.AppendUvarint(b, uint64(len(cs.ops)))
	for _, op := range cs.ops {
		if op.del {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
		b = appendBytes(b, op.key)
		b = appendBytes(b, op.val)
	}
	return b, nil
}

func appendBytes(b, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// errChangeSet is what ParseChangeSet wraps: the bytes are not a change
// set this build wrote.
var errChangeSet = fmt.Errorf("%w: change set", ErrCorrupt)

// ParseChangeSet decodes what MarshalBinary wrote.
func ParseChangeSet(b []byte) (*ChangeSet, error) {
	d := csDecoder{b: b}
	if len(b) < len(changeSetMagic) || string(b[:len(changeSetMagic)]) != changeSetMagic {
		return nil, fmt.Errorf("%w: no header", errChangeSet)
	}
	d.b = d.b[len(changeSetMagic):]
	cs := &ChangeSet{base: d.uvarint(), rev: d.uvarint(), commit: d.uvarint(), next: d.uvarint()}
	cs.author, cs.note = string(d.bytes()), string(d.bytes())
	for n := d.count(); n > 0 && d.err == nil; n-- {
		c, err := decodeChange(d.bytes())
		if err != nil && d.err == nil {
			d.err = err
		}
		cs.changes = append(cs.changes, c)
	}
	for n := d.count(); n > 0 && d.err == nil; n-- {
		var del byte
		if len(d.b) > 0 {
			del, d.b = d.b[0], d.b[1:]
		} else {
			d.err = errors.New("truncated")
		}
		op := kvOp{del: del == 1, key: d.bytes(), val: d.bytes()}
		if del > 1 || len(op.key) == 0 {
			d.fail("bad operation")
		}
		cs.ops = append(cs.ops, op)
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail("trailing bytes")
	}
	if d.err == nil && cs.commit <= cs.base {
		d.fail("commit timestamp not after its base")
	}
	if d.err != nil {
		return nil, fmt.Errorf("%w: %v", errChangeSet, d.err)
	}
	return cs, nil
}

type csDecoder struct {
	b   []byte
	err error
}

func (d *csDecoder) fail(msg string) {
	if d.err == nil {
		d.err = errors.New(msg)
	}
}

func (d *csDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	u, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("bad number")
		return 0
	}
	d.b = d.b[n:]
	return u
}

// count reads a length that must fit in what is left.
func (d *csDecoder) count() uint64 {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail("count beyond the end")
		return 0
	}
	return n
}

func (d *csDecoder) bytes() []byte {
	n := d.count()
	if d.err != nil {
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}
