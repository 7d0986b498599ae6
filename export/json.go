package export

import (
	"io"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/jsonl"
)

// JSON node-link, the shape NetworkX's node_link_graph reads by default
// from NetworkX 3.6 on (edges under "edges"; older releases take
// edges="edges", and D3 users rename it to their links):
//
//	{"directed":true,"multigraph":true,"graph":{…header…},
//	 "nodes":[{"id":…,"kind":…,"name":…,…}],
//	 "edges":[{"source":…,"target":…,"key":<fact ID>,"predicate":…,"validFrom":…,…}]}
//
// It is a multigraph keyed by fact ID: a country that left and rejoined
// has two edges to the same organization. The document is written piece
// by piece (one record at a time), never built in memory.

func init() {
	register(Format{Name: "json", MediaType: "application/json", Ext: "json", New: newNodeLink})
}

type nodeLinkEncoder struct {
	o       *out
	first   bool // no record yet in the current array
	inLinks bool
}

type nodeLinkGraph struct {
	Selection string `json:"selection"`
	AsOf      string `json:"asOf"`
	KnownAt   string `json:"knownAt"`
	Generator string `json:"generator"`
}

type nodeLinkNode struct {
	ID          string            `json:"id"`
	Kind        string            `json:"kind"`
	Name        string            `json:"name"`
	Aliases     []string          `json:"aliases,omitempty"`
	Date        string            `json:"date,omitempty"`
	ExternalIDs map[string]string `json:"externalIds,omitempty"`
	Properties  map[string]any    `json:"properties,omitempty"`
}

type nodeLinkLink struct {
	Source     string           `json:"source"`
	Target     string           `json:"target"`
	Key        string           `json:"key"`
	Predicate  string           `json:"predicate"`
	ValidFrom  string           `json:"validFrom,omitempty"`
	ValidTo    string           `json:"validTo,omitempty"`
	Event      string           `json:"event,omitempty"`
	Properties map[string]any   `json:"properties,omitempty"`
	Citations  []jsonl.Citation `json:"citations"`
}

func newNodeLink(w io.Writer, m Meta) (Encoder, error) {
	o := newOut(w)
	g, err := marshalJSON(nodeLinkGraph{Selection: SelectionText(m.Selection), AsOf: m.AsOfText(), KnownAt: m.KnownAtText(), Generator: m.Generator})
	if err != nil {
		return nil, err
	}
	o.WriteString(`{"directed":true,"multigraph":true,"graph":`)
	o.Write(g)
	o.WriteString(",\n\"nodes\":[")
	return &nodeLinkEncoder{o: o, first: true}, o.err()
}

func (n *nodeLinkEncoder) record(v any) error {
	b, err := marshalJSON(v)
	if err != nil {
		return err
	}
	if !n.first {
		n.o.WriteByte(',')
	}
	n.first = false
	n.o.WriteByte('\n')
	n.o.Write(b)
	return n.o.err()
}

func (n *nodeLinkEncoder) Entity(e *domain.Entity) error {
	rec := nodeLinkNode{ID: e.ID, Kind: e.Kind.String(), Name: e.Name, Aliases: e.Aliases, Date: e.Date.String(), ExternalIDs: e.XIDs}
	if len(e.Props) > 0 {
		rec.Properties = propsJSON(e.Props)
	}
	return n.record(rec)
}

func (n *nodeLinkEncoder) startLinks() {
	if !n.inLinks {
		n.inLinks, n.first = true, true
		n.o.WriteString("\n],\n\"edges\":[")
	}
}

func (n *nodeLinkEncoder) Fact(f *domain.Fact) error {
	n.startLinks()
	rec := nodeLinkLink{Source: f.From, Target: f.To, Key: f.ID, Predicate: f.Predicate.String(),
		ValidFrom: f.Valid.From.String(), ValidTo: f.Valid.To.String(), Event: f.Event, Citations: jsonl.FactLine(f).Citations}
	if len(f.Props) > 0 {
		rec.Properties = propsJSON(f.Props)
	}
	return n.record(rec)
}

func (n *nodeLinkEncoder) Close() error {
	n.startLinks()
	n.o.WriteString("\n]}\n")
	return n.o.Flush()
}
