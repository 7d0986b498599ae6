package export

import (
	"io"
	"strings"

	"github.com/alliancegraph/alliancegraph/domain"
)

// DOT for Graphviz: a digraph whose node IDs are the readable entity IDs,
// labelled with names; edges are labelled with the predicate and the
// valid-time interval and carry the fact ID, dates and citations as
// attributes (Graphviz keeps attributes it does not know). Every ID and
// value is a quoted string. The header statements are "//" comments.

func init() {
	register(Format{Name: "dot", MediaType: "text/vnd.graphviz", Ext: "dot", New: newDOT})
}

type dotEncoder struct{ o *out }

func newDOT(w io.Writer, m Meta) (Encoder, error) {
	o := newOut(w)
	for _, l := range m.commentLines() {
		o.WriteString("// " + l + "\n")
	}
	o.WriteString("digraph alliancegraph {\n")
	o.WriteString("  graph [charset=\"UTF-8\", rankdir=\"LR\", comment=" + dotQuote(m.description()) + "];\n")
	o.WriteString("  node [shape=\"box\"];\n")
	return &dotEncoder{o: o}, o.err()
}

// dotQuote makes a DOT quoted string. Inside one only \" is an escape for
// the parser; labels then read \\ as a backslash and \n as a line break,
// so both are written that way (and other attributes keep them as text).
func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return `"` + r.Replace(s) + `"`
}

// dotLabel quotes a label. Graphviz also decodes HTML entities in labels
// ("&amp;" draws "&"), so every "&" is written as "&amp;" to draw as
// itself.
func dotLabel(s string) string {
	return dotQuote(strings.ReplaceAll(s, "&", "&amp;"))
}

func dotAttrs(o *out, names, values []string) {
	for i, v := range values {
		if v != "" {
			o.WriteString(", " + names[i] + "=" + dotQuote(v))
		}
	}
}

func (d *dotEncoder) Entity(e *domain.Entity) error {
	o := d.o
	v := entityValues(e)
	o.WriteString("  " + dotQuote(e.ID) + " [id=" + dotQuote(e.ID) + ", label=" + dotLabel(e.Name))
	dotAttrs(o, nodeAttrs[:1], v[:1]) // kind; the name is the label
	dotAttrs(o, nodeAttrs[2:], v[2:])
	o.WriteString("];\n")
	return o.err()
}

func (d *dotEncoder) Fact(f *domain.Fact) error {
	o := d.o
	label := f.Predicate.String()
	if !f.Valid.From.IsZero() || !f.Valid.To.IsZero() {
		label += "\n" + f.Valid.From.String() + " – " + f.Valid.To.String()
	}
	o.WriteString("  " + dotQuote(f.From) + " -> " + dotQuote(f.To) + " [id=" + dotQuote(f.ID) + ", label=" + dotLabel(label))
	dotAttrs(o, edgeAttrs, factValues(f))
	o.WriteString("];\n")
	return o.err()
}

func (d *dotEncoder) Close() error {
	d.o.WriteString("}\n")
	return d.o.Flush()
}
