package export

import (
	"io"

	"github.com/alliancegraph/alliancegraph/domain"
)

// GraphML: every attribute key is declared before the graph (graph keys
// for the header statements, node and edge keys from attrs.go), then the
// nodes and edges in Walk order. Node and edge ids are the readable
// entity and fact IDs. Gephi, yEd, Cytoscape and NetworkX's read_graphml
// read it; "label" is the name, which Gephi and yEd show.

func init() {
	register(Format{Name: "graphml", MediaType: "application/graphml+xml", Ext: "graphml", New: newGraphML})
}

type graphMLEncoder struct{ o *out }

const graphMLOpen = `<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">` + "\n"

func newGraphML(w io.Writer, m Meta) (Encoder, error) {
	o := newOut(w)
	o.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	writeXMLComment(o, m)
	o.WriteString(graphMLOpen)
	for _, f := range m.fields() {
		graphMLKey(o, "g_"+f.key, "graph", f.key)
	}
	graphMLKey(o, "n_label", "node", "label")
	for _, k := range nodeAttrs {
		graphMLKey(o, "n_"+k, "node", k)
	}
	for _, k := range edgeAttrs {
		graphMLKey(o, "e_"+k, "edge", k)
	}
	o.WriteString(`  <graph id="alliancegraph" edgedefault="directed">` + "\n")
	for _, f := range m.fields() {
		graphMLData(o, "    ", "g_"+f.key, f.value)
	}
	return &graphMLEncoder{o: o}, o.err()
}

func graphMLKey(o *out, id, domain, name string) {
	o.WriteString(`  <key id="` + id + `" for="` + domain + `" attr.name="` + name + `" attr.type="string"/>` + "\n")
}

func graphMLData(o *out, indent, key, value string) {
	if value == "" {
		return
	}
	o.WriteString(indent + `<data key="` + key + `">`)
	o.xmlText(value)
	o.WriteString("</data>\n")
}

func (g *graphMLEncoder) Entity(e *domain.Entity) error {
	o := g.o
	o.WriteString(`    <node id="`)
	o.xmlText(e.ID)
	o.WriteString("\">\n")
	graphMLData(o, "      ", "n_label", e.Name)
	for i, v := range entityValues(e) {
		graphMLData(o, "      ", "n_"+nodeAttrs[i], v)
	}
	o.WriteString("    </node>\n")
	return o.err()
}

func (g *graphMLEncoder) Fact(f *domain.Fact) error {
	o := g.o
	o.WriteString(`    <edge id="`)
	o.xmlText(f.ID)
	o.WriteString(`" source="`)
	o.xmlText(f.From)
	o.WriteString(`" target="`)
	o.xmlText(f.To)
	o.WriteString("\">\n")
	for i, v := range factValues(f) {
		graphMLData(o, "      ", "e_"+edgeAttrs[i], v)
	}
	o.WriteString("    </edge>\n")
	return o.err()
}

func (g *graphMLEncoder) Close() error {
	g.o.WriteString("  </graph>\n</graphml>\n")
	return g.o.Flush()
}
