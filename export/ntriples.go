package export

import (
	"io"

	"github.com/alliancegraph/alliancegraph/domain"
)

// N-Triples: one triple a line, full IRIs, after "#" comment lines with
// the header statements (which the _:export node states as triples too).

func init() {
	register(Format{Name: "ntriples", MediaType: "application/n-triples", Ext: "nt", New: newNTriples})
}

type ntriplesEncoder struct{ o *out }

func newNTriples(w io.Writer, m Meta) (Encoder, error) {
	o := newOut(w)
	for _, l := range m.commentLines() {
		o.WriteString("# " + l + "\n")
	}
	n := &ntriplesEncoder{o: o}
	return n, n.write(metaTriples(m))
}

func (n *ntriplesEncoder) write(ts []triple) error {
	for _, t := range ts {
		ntTerm(n.o, t.s)
		n.o.WriteByte(' ')
		ntTerm(n.o, t.p)
		n.o.WriteByte(' ')
		ntTerm(n.o, t.o)
		n.o.WriteString(" .\n")
	}
	return n.o.err()
}

func ntTerm(o *out, t term) {
	switch t.kind {
	case iriTerm:
		o.WriteString("<" + t.value + ">")
	case blankTerm:
		o.WriteString("_:" + t.value)
	default:
		o.WriteString(`"` + rdfEscape(t.value) + `"`)
		if t.datatype != "" {
			o.WriteString("^^<" + t.datatype + ">")
		}
	}
}

func (n *ntriplesEncoder) Entity(e *domain.Entity) error { return n.write(entityTriples(e)) }
func (n *ntriplesEncoder) Fact(f *domain.Fact) error     { return n.write(factTriples(f)) }
func (n *ntriplesEncoder) Close() error                  { return n.o.Flush() }
