package jsonl

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckJSONText(t *testing.T) {
	for _, tc := range []struct {
		in     string
		offset int // -1: fine
		path   string
	}{
		{`{"a":"x"}`, -1, ""},
		{`{"a":"\ufffd �"}`, -1, ""},
		{`{"a":"\ud83d\ude00"}`, -1, ""},
		{`{"a":"\\ud800"}`, -1, ""},
		{`{"a":"\\\ud800"}`, 8, "a"},
		{`{"a":"x\ud800"}`, 7, "a"},
		{`{"a":"x\ud800\u0041"}`, 7, "a"},
		{`{"a":"x\uDC00"}`, 7, "a"},
		{`{"a":"ok","b":["x","y\ud800"]}`, 21, "b[1]"},
		{`{"c":[{"s":"d"},{"s":"d","u":"\udfff"}]}`, 30, "c[1].u"},
		{`{"k\ud800":1}`, 3, "k\ufffd"},
		{"{\"a\":\"\xff\"}", 6, "a"},
		{`{"a":"\ud800`, 6, ""},
		{`{"a":"x\`, -1, ""},
		{`{"a":"x\u`, -1, ""},
		{`{"a":"x\ud800\`, 7, ""},
	} {
		p := CheckJSONText([]byte(tc.in))
		switch {
		case tc.offset < 0 && p != nil:
			t.Errorf("%s: %+v, want none", tc.in, p)
		case tc.offset >= 0 && (p == nil || p.Offset != tc.offset):
			t.Errorf("%s: %+v, want one at %d", tc.in, p, tc.offset)
		case p != nil:
			if got := JSONPathAt([]byte(tc.in), p.Offset); got != tc.path {
				t.Errorf("%s: path %q, want %q", tc.in, got, tc.path)
			}
		}
	}
}

// FuzzCheckJSONText: any bytes are checked without a panic, and text
// that encoding/json reads back unchanged is accepted.
func FuzzCheckJSONText(f *testing.F) {
	for _, s := range []string{`{"a":"x\ud800"}`, `"\\`, `"\ud83d\ude00"`, "\xff", `{"a":["\udc00"]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p := CheckJSONText(b)
		if p != nil {
			JSONPathAt(b, p.Offset)
			return
		}
		var s string
		if json.Unmarshal(b, &s) == nil {
			if out, _ := json.Marshal(s); json.Unmarshal(out, new(string)) != nil || !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) && !bytes.Contains(b, []byte("\ufffd")) && !bytes.Contains(bytes.ToLower(b), []byte(`\ufffd`)) {
				t.Errorf("%q accepted, but decodes to %q", b, s)
			}
		}
	})
}
