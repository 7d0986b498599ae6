package store

import (
	"bytes"
	"testing"
)

// FuzzParseChangeSet: any bytes from the log either parse or are refused
// with an error, never a panic; what parses writes back out to bytes
// that parse to the same change set.
func FuzzParseChangeSet(f *testing.F) {
	var sets [][]byte
	l := &memLog{}
	db := openReplicas(f, l, 1)[0]
	db.committer = &recordingLog{memLog: l, sets: &sets}
	for i, name := range []string{"A", "B"} {
		if _, err := db.UpdateWith(UpdateOptions{Author: "fuzz", Note: name}, func(w *Writer) error {
			_, err := w.PutEntity(person("person/"+name, name))
			if err == nil && i == 1 {
				_, err = w.DeleteEntity("person/A")
			}
			return err
		}); err != nil {
			f.Fatal(err)
		}
	}
	for _, s := range sets {
		f.Add(s)
	}
	f.Add([]byte(changeSetMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		cs, err := ParseChangeSet(b)
		if err != nil {
			return
		}
		out, err := cs.MarshalBinary()
		if err != nil {
			t.Fatalf("a parsed change set does not marshal: %v", err)
		}
		again, err := ParseChangeSet(out)
		if err != nil {
			t.Fatalf("marshalled change set does not parse: %v", err)
		}
		out2, _ := again.MarshalBinary()
		if !bytes.Equal(out, out2) {
			t.Errorf("marshal, parse, marshal is not stable:\n%q\n%q", out, out2)
		}
	})
}
