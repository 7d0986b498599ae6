package jsonl

import (
	"reflect"
	"testing"
)

// FuzzDecodeLineMatchesStdlib: the fast decode of exported lines
// (goccy/go-json, see fastUnmarshal) gives what encoding/json alone gives,
// record for record and error for error, on any line.
func FuzzDecodeLineMatchesStdlib(f *testing.F) {
	for _, seed := range []string{
		`{"type":"entity","id":"country/FIN","kind":"Country","name":"Finland","aliases":["Suomi"],"externalIds":{"iso3":"FIN"},"properties":[{"key":"population","type":"FLOAT","value":"5.6e6"}]}`,
		`{"type":"fact","id":"fact/fin","predicate":"MEMBER_OF","from":"country/FIN","to":"org/nato","validFrom":"2023-04-04","citations":[{"source":"doc/d","span":{"start":1,"end":5}}]}`,
		`{"type":"fact","id":"fact/x","predicate":"KNOWS","from":"person/a","to":"person/b","type":"entity"}`,
		`{"type":"entity","id":"country/X","kind":"Country","name":"X","colour":"red"}`,
		`{"type":"entity","id":"country/X","kind":"Country","name":"X"} {}`,
		`{"type":"entity","ID":"country/X","Kind":"Country","NAME":"X"}`,
		`{"type":"fact","id":"fact/y","predicate":"MEMBER_OF","from":"a","to":"b","validFrom":"2024-13-01"}`,
		`{"type":"entity","id":"country/X","kind":"Country","name":"\ud800"}`,
		`{"type":"entity",`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, gotErr := decodeLine(b)
		want, wantErr := decodeGeneral(b)
		if (gotErr == nil) != (wantErr == nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
			t.Fatalf("line %q: error %v, encoding/json alone: %v", b, gotErr, wantErr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("line %q: decoded %+v, encoding/json alone %+v", b, got, want)
		}
	})
}
