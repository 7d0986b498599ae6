package store

import (
	"bytes"
	"math"
	"testing"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/ristretto/v2/z"
	"google.golang.org/protobuf/proto"
)

// TestPutKVMatchesKVToBuffer checks that putKV writes the bytes Badger's
// own KVToBuffer writes for the same KV, which StreamWriter.Write then
// decodes, and that they decode to that KV.
func TestPutKVMatchesKVToBuffer(t *testing.T) {
	long := bytes.Repeat([]byte("k"), 300)   // a two-byte length
	huge := bytes.Repeat([]byte("v"), 1<<17) // a three-byte length
	for _, tc := range []struct {
		name string
		kv   streamKV
	}{
		{"key, value, version, stream", streamKV{key: []byte{tagNode, 0, 0, 0, 1}, val: []byte(`{"id":"x"}`), ver: 42, stream: 7}},
		{"no value", streamKV{key: []byte{tagKind, 1}, ver: 1, stream: 1}},
		{"long key, huge value", streamKV{key: long, val: huge, ver: 1 << 40, stream: 1 << 20}},
		{"largest version and stream", streamKV{key: []byte("k"), val: []byte("v"), ver: math.MaxUint64, stream: math.MaxUint32}},
		{"no stream", streamKV{key: []byte("k"), val: []byte("v"), ver: 3}},
		{"stream done", streamKV{stream: 9, done: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := &pb.KV{Key: tc.kv.key, Value: tc.kv.val, Version: tc.kv.ver, StreamId: tc.kv.stream, StreamDone: tc.kv.done}
			theirs := z.NewBuffer(1<<10, "test")
			defer theirs.Release()
			ours := z.NewBuffer(1<<10, "test")
			defer ours.Release()
			badger.KVToBuffer(want, theirs)
			putKV(ours, tc.kv)
			if !bytes.Equal(ours.Bytes(), theirs.Bytes()) {
				t.Fatalf("putKV wrote %d bytes unlike KVToBuffer's %d", ours.LenNoPadding(), theirs.LenNoPadding())
			}
			n := 0
			err := ours.SliceIterate(func(s []byte) error {
				n++
				var got pb.KV
				if err := proto.Unmarshal(s, &got); err != nil {
					return err
				}
				if !proto.Equal(&got, want) {
					t.Errorf("decoded %v, want %v", &got, want)
				}
				return nil
			})
			if err != nil || n != 1 {
				t.Fatalf("decoding: %d slices, %v", n, err)
			}
		})
	}
}
