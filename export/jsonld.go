package export

import (
	"io"
	"strings"

	"github.com/alliancegraph/alliancegraph/domain"
)

// JSON-LD: the RDF triples of N-Triples and Turtle as node objects in one
// "@graph", with an inline "@context" defining the prefixes, so expanding
// it needs no network. A fact adds a second node object for its from
// entity (the direct triple and the statement link); JSON-LD merges node
// objects with the same "@id". Written record by record.

func init() {
	register(Format{Name: "jsonld", MediaType: "application/ld+json", Ext: "jsonld", New: newJSONLD})
}

type jsonldEncoder struct {
	o     *out
	first bool
}

func newJSONLD(w io.Writer, m Meta) (Encoder, error) {
	o := newOut(w)
	o.WriteString(`{"@context":{`)
	for i, p := range rdfPrefixes {
		if i > 0 {
			o.WriteByte(',')
		}
		o.WriteString("\n  \"" + p.name + `":"` + p.ns + `"`)
	}
	o.WriteString("\n},\n\"@graph\":[")
	j := &jsonldEncoder{o: o, first: true}
	return j, j.write(metaTriples(m))
}

// field is one key of a node object and its values, in first-seen order.
type field struct {
	key    string
	values []any
}

// write groups triples by subject into node objects (in order of first
// appearance) and writes each.
func (j *jsonldEncoder) write(ts []triple) error {
	for start := 0; start < len(ts); {
		end := start + 1
		for end < len(ts) && ts[end].s == ts[start].s {
			end++
		}
		if err := j.node(ts[start:end]); err != nil {
			return err
		}
		start = end
	}
	return j.o.err()
}

func (j *jsonldEncoder) node(ts []triple) error {
	s := ts[0].s
	id := s.value
	if s.kind == blankTerm {
		id = "_:" + id
	}
	var fields []field
	add := func(key string, v any) {
		for i := range fields {
			if fields[i].key == key {
				fields[i].values = append(fields[i].values, v)
				return
			}
		}
		fields = append(fields, field{key, []any{v}})
	}
	for _, t := range ts {
		if t.p.value == rdfType {
			add("@type", jsonldCompact(t.o.value))
			continue
		}
		add(jsonldCompact(t.p.value), jsonldValue(t.o))
	}
	var b strings.Builder
	idJSON, err := marshalJSON(id)
	if err != nil {
		return err
	}
	b.WriteString(`{"@id":` + string(idJSON))
	for _, f := range fields {
		var v any = f.values
		if len(f.values) == 1 {
			v = f.values[0]
		}
		kj, err := marshalJSON(f.key)
		if err != nil {
			return err
		}
		vj, err := marshalJSON(v)
		if err != nil {
			return err
		}
		b.WriteString("," + string(kj) + ":" + string(vj))
	}
	b.WriteByte('}')
	if !j.first {
		j.o.WriteByte(',')
	}
	j.first = false
	j.o.WriteString("\n" + b.String())
	return nil
}

// jsonldCompact shortens a vocabulary IRI with its prefix.
func jsonldCompact(s string) string {
	for _, p := range rdfPrefixes {
		if strings.HasPrefix(s, p.ns) && len(s) > len(p.ns) && !strings.HasPrefix(s[len(p.ns):], "//") {
			return p.name + ":" + s[len(p.ns):]
		}
	}
	return s
}

func jsonldValue(t term) any {
	switch {
	case t.kind == iriTerm:
		return map[string]string{"@id": t.value}
	case t.kind == blankTerm:
		return map[string]string{"@id": "_:" + t.value}
	case t.datatype == "":
		return t.value
	}
	return map[string]string{"@value": t.value, "@type": jsonldCompact(t.datatype)}
}

func (j *jsonldEncoder) Entity(e *domain.Entity) error { return j.write(entityTriples(e)) }
func (j *jsonldEncoder) Fact(f *domain.Fact) error     { return j.write(factTriples(f)) }

func (j *jsonldEncoder) Close() error {
	j.o.WriteString("\n]}\n")
	return j.o.Flush()
}
