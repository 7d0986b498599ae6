package export

import (
	"io"

	"github.com/alliancegraph/alliancegraph/domain"
)

// GEXF 1.3, dynamic: each edge carries start and end, so Gephi's timeline
// replays the graph through time (NATO's enlargement, office terms). GEXF
// intervals are closed, ours half-open, so end is the last valid day
// (validTo minus one); the exact validFrom and validTo are attributes too.
// An open end is left out. The header statements are the meta element's
// creator (the generator) and description.

func init() {
	register(Format{Name: "gexf", MediaType: "application/gexf+xml", Ext: "gexf", New: newGEXF})
}

type gexfEncoder struct {
	o       *out
	inEdges bool
}

const gexfOpen = `<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">` + "\n"

func newGEXF(w io.Writer, m Meta) (Encoder, error) {
	o := newOut(w)
	o.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	writeXMLComment(o, m)
	o.WriteString(gexfOpen)
	o.WriteString("  <meta")
	if !m.KnownAt.IsZero() {
		o.WriteString(` lastmodifieddate="` + domain.DateOf(m.KnownAt.UTC()).String() + `"`)
	}
	o.WriteString(">\n    <creator>")
	o.xmlText(m.Generator)
	o.WriteString("</creator>\n    <description>")
	o.xmlText(m.description())
	o.WriteString("</description>\n  </meta>\n")
	o.WriteString(`  <graph mode="dynamic" defaultedgetype="directed" timeformat="date">` + "\n")
	gexfAttributes(o, "node", "n_", nodeAttrs)
	gexfAttributes(o, "edge", "e_", edgeAttrs)
	o.WriteString("    <nodes>\n")
	return &gexfEncoder{o: o}, o.err()
}

func gexfAttributes(o *out, class, prefix string, names []string) {
	o.WriteString(`    <attributes class="` + class + `" mode="static">` + "\n")
	for _, n := range names {
		o.WriteString(`      <attribute id="` + prefix + n + `" title="` + n + `" type="string"/>` + "\n")
	}
	o.WriteString("    </attributes>\n")
}

func gexfAttValues(o *out, prefix string, names, values []string) {
	o.WriteString("        <attvalues>\n")
	for i, v := range values {
		if v == "" {
			continue
		}
		o.WriteString(`          <attvalue for="` + prefix + names[i] + `" value="`)
		o.xmlText(v)
		o.WriteString("\"/>\n")
	}
	o.WriteString("        </attvalues>\n")
}

func (g *gexfEncoder) Entity(e *domain.Entity) error {
	o := g.o
	o.WriteString(`      <node id="`)
	o.xmlText(e.ID)
	o.WriteString(`" label="`)
	o.xmlText(e.Name)
	o.WriteString("\">\n")
	gexfAttValues(o, "n_", nodeAttrs, entityValues(e))
	o.WriteString("      </node>\n")
	return o.err()
}

func (g *gexfEncoder) startEdges() {
	if !g.inEdges {
		g.inEdges = true
		g.o.WriteString("    </nodes>\n    <edges>\n")
	}
}

func (g *gexfEncoder) Fact(f *domain.Fact) error {
	g.startEdges()
	o := g.o
	o.WriteString(`      <edge id="`)
	o.xmlText(f.ID)
	o.WriteString(`" source="`)
	o.xmlText(f.From)
	o.WriteString(`" target="`)
	o.xmlText(f.To)
	o.WriteString(`" label="` + f.Predicate.String() + `"`)
	if !f.Valid.From.IsZero() {
		o.WriteString(` start="` + f.Valid.From.String() + `"`)
	}
	if !f.Valid.To.IsZero() {
		o.WriteString(` end="` + (f.Valid.To - 1).String() + `"`)
	}
	o.WriteString(">\n")
	gexfAttValues(o, "e_", edgeAttrs, factValues(f))
	o.WriteString("      </edge>\n")
	return o.err()
}

func (g *gexfEncoder) Close() error {
	g.startEdges()
	g.o.WriteString("    </edges>\n  </graph>\n</gexf>\n")
	return g.o.Flush()
}
