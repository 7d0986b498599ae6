package export

import (
	"io"
	"time"

	"github.com/alliancegraph/alliancegraph/jsonl"
	"github.com/alliancegraph/alliancegraph/store"
)

// The "jsonl" format is the jsonl package's, written in the stable order
// of store.Reader.Walk; the import command reads it back.

func init() {
	register(Format{Name: "jsonl", MediaType: "application/jsonl", Ext: "jsonl", New: newJSONL})
}

// SelectionOf describes sel for a file header (empty for the whole graph).
func SelectionOf(sel store.Selection) *jsonl.Selection {
	s := &jsonl.Selection{Seeds: sel.Seeds, Depth: sel.Depth, AsOf: sel.AsOf.String(), MaxNodes: sel.MaxNodes}
	for _, p := range sel.Predicates {
		s.Predicates = append(s.Predicates, p.String())
	}
	for _, k := range sel.Kinds {
		s.Kinds = append(s.Kinds, k.String())
	}
	if len(sel.Seeds) == 0 {
		s.Depth = 0
	}
	return s
}

func newJSONL(w io.Writer, m Meta) (Encoder, error) {
	h := jsonl.Header{Generator: m.Generator, Selection: SelectionOf(m.Selection)}
	if !m.KnownAt.IsZero() {
		h.KnownAt = m.KnownAt.UTC().Format(time.RFC3339Nano)
	}
	return jsonl.NewWriter(w, h)
}
