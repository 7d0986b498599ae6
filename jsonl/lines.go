package jsonl

import (
	"fmt"

	"github.com/alliancegraph/alliancegraph/domain"
)

// Format is the format's name and header tag.
const Format = "alliancegraph-jsonl"

// Version is the version of the line format this build writes.
const Version = 1

// Header is the first line.
type Header struct {
	Type      string     `json:"type"` // "header"
	Format    string     `json:"format"`
	Version   int        `json:"version"`
	Generator string     `json:"generator,omitempty"`
	KnownAt   string     `json:"knownAt,omitempty"`
	Selection *Selection `json:"selection,omitempty"`
}

// Selection is the selection an export wrote (the store's Selection), as
// its header names it.
type Selection struct {
	Seeds      []string `json:"ids,omitempty"`
	Depth      int      `json:"depth,omitempty"`
	Predicates []string `json:"predicates,omitempty"`
	Kinds      []string `json:"kinds,omitempty"`
	AsOf       string   `json:"asOf,omitempty"`
	MaxNodes   int      `json:"maxNodes,omitempty"`
}

// Property is one typed property.
type Property struct {
	Key   string `json:"key"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Entity is an entity line.
type Entity struct {
	Type        string            `json:"type"` // "entity"
	ID          string            `json:"id"`
	Kind        string            `json:"kind"`
	Name        string            `json:"name"`
	Aliases     []string          `json:"aliases,omitempty"`
	Date        string            `json:"date,omitempty"`
	ExternalIDs map[string]string `json:"externalIds,omitempty"`
	Properties  []Property        `json:"properties,omitempty"`
}

// Citation is one citation of a fact.
type Citation struct {
	Source    string `json:"source"`
	Span      []int  `json:"span,omitempty"` // [start, end) in Unicode code points
	URL       string `json:"url,omitempty"`
	Retrieved string `json:"retrieved,omitempty"`
}

// Fact is a fact line.
type Fact struct {
	Type       string     `json:"type"` // "fact"
	ID         string     `json:"id"`
	Predicate  string     `json:"predicate"`
	From       string     `json:"from"`
	To         string     `json:"to"`
	ValidFrom  string     `json:"validFrom,omitempty"`
	ValidTo    string     `json:"validTo,omitempty"`
	Event      string     `json:"event,omitempty"`
	Properties []Property `json:"properties,omitempty"`
	Citations  []Citation `json:"citations"`
}

var propTypeNames = map[domain.PropType]string{
	domain.PropString: "STRING", domain.PropInt: "INT", domain.PropFloat: "FLOAT",
	domain.PropBool: "BOOLEAN", domain.PropDate: "DATE",
}

func lineProps(ps []domain.Prop) []Property {
	out := make([]Property, len(ps))
	for i, p := range ps {
		out[i] = Property{Key: p.Key, Type: propTypeNames[p.Type], Value: p.Value}
	}
	return out
}

// EntityLine converts an entity to its line.
func EntityLine(e *domain.Entity) Entity {
	return Entity{Type: "entity", ID: e.ID, Kind: e.Kind.String(), Name: e.Name, Aliases: e.Aliases,
		Date: e.Date.String(), ExternalIDs: e.XIDs, Properties: lineProps(e.Props)}
}

// FactLine converts a fact to its line.
func FactLine(f *domain.Fact) Fact {
	out := Fact{Type: "fact", ID: f.ID, Predicate: f.Predicate.String(), From: f.From, To: f.To,
		ValidFrom: f.Valid.From.String(), ValidTo: f.Valid.To.String(), Event: f.Event, Properties: lineProps(f.Props)}
	out.Citations = make([]Citation, len(f.Citations))
	for i, c := range f.Citations {
		jc := Citation{Source: c.Source, URL: c.URL, Retrieved: c.Retrieved.String()}
		if c.Span != nil {
			jc.Span = []int{c.Span.Start, c.Span.End}
		}
		out.Citations[i] = jc
	}
	return out
}

func parseProps(ps []Property) ([]domain.Prop, error) {
	out := make([]domain.Prop, 0, len(ps))
	for _, p := range ps {
		var t domain.PropType
		for k, name := range propTypeNames {
			if name == p.Type {
				t = k
			}
		}
		if t == 0 {
			return nil, fmt.Errorf("property %q has unknown type %q", p.Key, p.Type)
		}
		out = append(out, domain.Prop{Key: p.Key, Type: t, Value: p.Value})
	}
	return out, nil
}

func optDate(what, s string) (domain.Date, error) {
	if s == "" {
		return 0, nil
	}
	d, err := domain.ParseDate(s)
	if err != nil {
		return 0, fmt.Errorf("%s: %v", what, err)
	}
	return d, nil
}

func (je *Entity) record() (*domain.Entity, error) {
	k, err := domain.ParseKind(je.Kind)
	if err != nil {
		return nil, err
	}
	e := &domain.Entity{ID: je.ID, Kind: k, Name: je.Name, Aliases: je.Aliases, XIDs: je.ExternalIDs}
	if e.Date, err = optDate("date", je.Date); err != nil {
		return nil, err
	}
	e.Props, err = parseProps(je.Properties)
	return e, err
}

func (jf *Fact) record() (*domain.Fact, error) {
	p, err := domain.ParsePredicate(jf.Predicate)
	if err != nil {
		return nil, err
	}
	f := &domain.Fact{ID: jf.ID, Predicate: p, From: jf.From, To: jf.To, Event: jf.Event}
	if f.Valid.From, err = optDate("validFrom", jf.ValidFrom); err != nil {
		return nil, err
	}
	if f.Valid.To, err = optDate("validTo", jf.ValidTo); err != nil {
		return nil, err
	}
	if f.Props, err = parseProps(jf.Properties); err != nil {
		return nil, err
	}
	for i, c := range jf.Citations {
		sc := domain.Citation{Source: c.Source, URL: c.URL}
		switch len(c.Span) {
		case 0:
		case 2:
			sc.Span = &domain.Span{Start: c.Span[0], End: c.Span[1]}
		default:
			return nil, fmt.Errorf("citation %d: span must be [start, end]", i+1)
		}
		if sc.Retrieved, err = optDate("retrieved", c.Retrieved); err != nil {
			return nil, err
		}
		f.Citations = append(f.Citations, sc)
	}
	return f, nil
}
