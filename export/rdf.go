package export

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/alliancegraph/alliancegraph/domain"
)

// The RDF model shared by N-Triples, Turtle and JSON-LD, after Wikidata's:
// each fact is a direct triple (entity ag:memberOf org) plus a statement
// node (the fact's own IRI) that carries its dates, event, properties and
// citations, the way Wikidata's p:/ps: statements carry qualifiers and
// prov:wasDerivedFrom references. docs/RDF.md documents the vocabulary.

// IRI namespaces. IDs map to IRIs under BaseIRI+"id/", e.g.
// https://alliancegraph.example/id/country/FIN; they are stable because
// readable IDs never change.
const (
	BaseIRI     = "https://alliancegraph.example/"
	idNS        = BaseIRI + "id/"
	vocabNS     = BaseIRI + "vocab#"            // ag: classes, direct predicates, fields
	stmtNS      = BaseIRI + "vocab/statement#"  // agp: entity -> statement
	valueNS     = BaseIRI + "vocab/value#"      // agps: statement -> value
	propNS      = BaseIRI + "vocab/property#"   // agprop: typed properties
	xidNS       = BaseIRI + "vocab/externalId#" // agx: external IDs by scheme
	rdfNS       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	rdfsNS      = "http://www.w3.org/2000/01/rdf-schema#"
	skosNS      = "http://www.w3.org/2004/02/skos/core#"
	xsdNS       = "http://www.w3.org/2001/XMLSchema#"
	provNS      = "http://www.w3.org/ns/prov#"
	rdfType     = rdfNS + "type"
	xsdDate     = xsdNS + "date"
	xsdDateTime = xsdNS + "dateTime"
	xsdInteger  = xsdNS + "integer"
)

// rdfPrefixes are the prefixes Turtle declares and JSON-LD's @context
// defines, in that order.
var rdfPrefixes = []struct{ name, ns string }{
	{"ag", vocabNS}, {"agp", stmtNS}, {"agps", valueNS}, {"agprop", propNS}, {"agx", xidNS},
	{"rdf", rdfNS}, {"rdfs", rdfsNS}, {"skos", skosNS}, {"xsd", xsdNS}, {"prov", provNS},
}

// term is an RDF term: an IRI, a blank node label or a literal with an
// optional datatype (none: xsd:string).
type term struct {
	kind     termKind
	value    string
	datatype string
}

type termKind uint8

const (
	iriTerm termKind = iota
	blankTerm
	literalTerm
)

type triple struct{ s, p, o term }

func iri(s string) term             { return term{kind: iriTerm, value: s} }
func lit(s string) term             { return term{kind: literalTerm, value: s} }
func typed(s, datatype string) term { return term{kind: literalTerm, value: s, datatype: datatype} }

// IDIRI returns the stable IRI of a readable entity or fact ID.
func IDIRI(id string) string { return idNS + iriEscape(id) }

// iriEscape percent-encodes every byte outside a conservative set of IRI
// characters (and '%' itself), so any ID gives a valid, distinct IRI.
func iriEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~!$&'()*+,;=:@/", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(c)|0x100, 16)[1:]))
	}
	return b.String()
}

// predicateLocal turns MEMBER_OF into memberOf.
func predicateLocal(p domain.Predicate) string {
	words := strings.Split(strings.ToLower(p.String()), "_")
	for i := 1; i < len(words); i++ {
		if words[i] != "" {
			words[i] = strings.ToUpper(words[i][:1]) + words[i][1:]
		}
	}
	return strings.Join(words, "")
}

var propDatatypes = map[domain.PropType]string{
	domain.PropInt: xsdInteger, domain.PropFloat: xsdNS + "double",
	domain.PropBool: xsdNS + "boolean", domain.PropDate: xsdDate,
}

func propTriples(s term, ps []domain.Prop, ts []triple) []triple {
	for _, p := range ps {
		ts = append(ts, triple{s, iri(propNS + iriEscape(p.Key)), typed(p.Value, propDatatypes[p.Type])})
	}
	return ts
}

// entityTriples describes an entity, all with the entity as subject.
func entityTriples(e *domain.Entity) []triple {
	s := iri(IDIRI(e.ID))
	ts := []triple{
		{s, iri(rdfType), iri(vocabNS + e.Kind.String())},
		{s, iri(vocabNS + "id"), lit(e.ID)},
		{s, iri(rdfsNS + "label"), lit(e.Name)},
	}
	for _, a := range e.Aliases {
		ts = append(ts, triple{s, iri(skosNS + "altLabel"), lit(a)})
	}
	if !e.Date.IsZero() {
		ts = append(ts, triple{s, iri(vocabNS + "date"), typed(e.Date.String(), xsdDate)})
	}
	for _, scheme := range sortedKeys(e.XIDs) {
		ts = append(ts, triple{s, iri(xidNS + scheme), lit(e.XIDs[scheme])})
	}
	return propTriples(s, e.Props, ts)
}

// factTriples gives the direct triple and the entity -> statement link
// (subject: the from entity), then the statement's own triples, then each
// citation's.
func factTriples(f *domain.Fact) []triple {
	from, to, st := iri(IDIRI(f.From)), iri(IDIRI(f.To)), iri(IDIRI(f.ID))
	local := predicateLocal(f.Predicate)
	ts := []triple{
		{from, iri(vocabNS + local), to},
		{from, iri(stmtNS + local), st},
		{st, iri(rdfType), iri(vocabNS + "Statement")},
		{st, iri(valueNS + local), to},
		{st, iri(vocabNS + "id"), lit(f.ID)},
	}
	if !f.Valid.From.IsZero() {
		ts = append(ts, triple{st, iri(vocabNS + "validFrom"), typed(f.Valid.From.String(), xsdDate)})
	}
	if !f.Valid.To.IsZero() {
		ts = append(ts, triple{st, iri(vocabNS + "validTo"), typed(f.Valid.To.String(), xsdDate)})
	}
	if f.Event != "" {
		ts = append(ts, triple{st, iri(vocabNS + "event"), iri(IDIRI(f.Event))})
	}
	ts = propTriples(st, f.Props, ts)
	for i := range f.Citations {
		ts = append(ts, triple{st, iri(provNS + "wasDerivedFrom"), citationIRI(f, i)})
	}
	for i, c := range f.Citations {
		ci := citationIRI(f, i)
		ts = append(ts,
			triple{ci, iri(rdfType), iri(vocabNS + "Citation")},
			triple{ci, iri(vocabNS + "source"), iri(IDIRI(c.Source))})
		if c.Span != nil {
			ts = append(ts,
				triple{ci, iri(vocabNS + "spanStart"), typed(strconv.Itoa(c.Span.Start), xsdInteger)},
				triple{ci, iri(vocabNS + "spanEnd"), typed(strconv.Itoa(c.Span.End), xsdInteger)})
		}
		if c.URL != "" {
			ts = append(ts, triple{ci, iri(vocabNS + "url"), typed(c.URL, xsdNS+"anyURI")})
		}
		if !c.Retrieved.IsZero() {
			ts = append(ts, triple{ci, iri(vocabNS + "retrieved"), typed(c.Retrieved.String(), xsdDate)})
		}
	}
	return ts
}

func citationIRI(f *domain.Fact, i int) term {
	return iri(IDIRI(f.ID) + "#citation-" + strconv.Itoa(i+1))
}

// metaTriples describe the export itself, as the blank node _:export.
func metaTriples(m Meta) []triple {
	s := term{kind: blankTerm, value: "export"}
	ts := []triple{
		{s, iri(rdfType), iri(vocabNS + "Export")},
		{s, iri(vocabNS + "selection"), lit(SelectionText(m.Selection))},
	}
	if !m.Selection.AsOf.IsZero() {
		ts = append(ts, triple{s, iri(vocabNS + "asOf"), typed(m.Selection.AsOf.String(), xsdDate)})
	}
	if !m.KnownAt.IsZero() {
		ts = append(ts, triple{s, iri(vocabNS + "knownAt"), typed(m.KnownAtText(), xsdDateTime)})
	}
	return append(ts, triple{s, iri(vocabNS + "generator"), lit(m.Generator)})
}

// rdfEscape escapes a literal's lexical form for N-Triples and Turtle
// quoted strings: quotes, backslashes and line breaks as ECHARs, other
// control characters as \u escapes, everything else as UTF-8.
func rdfEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f || unicode.Is(unicode.Cc, r) {
				b.WriteString(`\u` + strings.ToUpper(strconv.FormatUint(uint64(r)|0x10000, 16)[1:]))
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
