package export

import (
	"io"

	"github.com/alliancegraph/alliancegraph/domain"
)

// Turtle: the same triples as N-Triples, with prefixes for the vocabulary,
// full IRIs for entities and facts, and each subject's triples grouped
// with ";". The header statements come first as comments.

func init() {
	register(Format{Name: "turtle", MediaType: "text/turtle", Ext: "ttl", New: newTurtle})
}

type turtleEncoder struct{ o *out }

func newTurtle(w io.Writer, m Meta) (Encoder, error) {
	o := newOut(w)
	for _, l := range m.commentLines() {
		o.WriteString("# " + l + "\n")
	}
	for _, p := range rdfPrefixes {
		o.WriteString("@prefix " + p.name + ": <" + p.ns + "> .\n")
	}
	o.WriteByte('\n')
	t := &turtleEncoder{o: o}
	return t, t.write(metaTriples(m))
}

// write prints triples, grouping runs with the same subject.
func (t *turtleEncoder) write(ts []triple) error {
	o := t.o
	for i, tr := range ts {
		if i == 0 || ts[i-1].s != tr.s {
			ttlTerm(o, tr.s)
			o.WriteString("\n    ")
		} else {
			o.WriteString(" ;\n    ")
		}
		if tr.p.value == rdfType {
			o.WriteByte('a')
		} else {
			ttlTerm(o, tr.p)
		}
		o.WriteByte(' ')
		ttlTerm(o, tr.o)
		if i == len(ts)-1 || ts[i+1].s != tr.s {
			o.WriteString(" .\n")
		}
	}
	return o.err()
}

func ttlTerm(o *out, t term) {
	switch t.kind {
	case iriTerm:
		o.WriteString(ttlIRI(t.value))
	case blankTerm:
		o.WriteString("_:" + t.value)
	default:
		o.WriteString(`"` + rdfEscape(t.value) + `"`)
		if t.datatype != "" {
			o.WriteString("^^" + ttlIRI(t.datatype))
		}
	}
}

// ttlIRI writes a vocabulary IRI as a prefixed name when its local part is
// plain letters and digits, and any other IRI in full.
func ttlIRI(s string) string {
	for _, p := range rdfPrefixes {
		if len(s) > len(p.ns) && s[:len(p.ns)] == p.ns && plainLocal(s[len(p.ns):]) {
			return p.name + ":" + s[len(p.ns):]
		}
	}
	return "<" + s + ">"
}

func plainLocal(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func (t *turtleEncoder) Entity(e *domain.Entity) error { return t.write(entityTriples(e)) }
func (t *turtleEncoder) Fact(f *domain.Fact) error     { return t.write(factTriples(f)) }
func (t *turtleEncoder) Close() error                  { return t.o.Flush() }
