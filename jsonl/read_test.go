package jsonl_test

import (
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/jsonl"
)

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct{ name, input, want string }{
		{"not json", "{\"type\":\"entity\",\n", "line 2"},
		{"unknown type", `{"type":"edge"}`, `"edge"`},
		{"unknown field", `{"type":"entity","id":"country/FIN","kind":"Country","name":"Finland","colour":"blue"}`, "colour"},
		{"bad kind", `{"type":"entity","id":"country/FIN","kind":"Nation","name":"Finland"}`, "Nation"},
		{"bad date", `{"type":"fact","id":"fact/x","predicate":"MEMBER_OF","from":"country/FIN","to":"org/nato","validFrom":"2023-02-30","citations":[]}`, "validFrom"},
		{"bad predicate", `{"type":"fact","id":"fact/x","predicate":"LIKES","from":"a/b","to":"c/d","citations":[]}`, "LIKES"},
		{"bad span", `{"type":"fact","id":"fact/x","predicate":"MEMBER_OF","from":"country/FIN","to":"org/nato","citations":[{"source":"doc/a","span":[1]}]}`, "span"},
		{"wrong version", `{"type":"header","format":"alliancegraph-jsonl","version":9}`, "version 9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			input := "\n" + tc.input + "\n"
			err := jsonl.Read(strings.NewReader(input), func(jsonl.Record) error { return nil })
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "line ") {
				t.Fatalf("err %v, want mention of %q and the line", err, tc.want)
			}
		})
	}
}
