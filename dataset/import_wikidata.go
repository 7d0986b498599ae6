package dataset

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/jsonl"
	"github.com/alliancegraph/alliancegraph/store"
)

// Wikidata SPARQL results (application/sparql-results+json) of membership
// statements, as the query service answers a query such as
//
//	SELECT ?state ?stateLabel ?iso3 ?org ?orgLabel ?start ?end ?statement WHERE {
//	  ?state p:P463 ?statement . ?statement ps:P463 ?org .
//	  OPTIONAL { ?statement pq:P580 ?start } OPTIONAL { ?statement pq:P582 ?end }
//	  OPTIONAL { ?state wdt:P298 ?iso3 }
//	  SERVICE wikibase:label { bd:serviceParam wikibase:language "en" }
//	}
//
// Required variables: state and org (entity URIs). Optional: start
// (pq:P580, start time) and end (pq:P582, end time) as xsd:dateTime,
// stateLabel and orgLabel (used to name entities the graph lacks and to
// find an organization by name), iso3 (wdt:P298) and statement (the
// statement URI, cited).
//
// QIDs become external IDs of scheme "wikidata". A state is found by its
// wikidata ID, else by iso3, else by name; an organization by its wikidata
// ID, else by exact name. An entity found another way gains the wikidata
// ID. One not found is created (country/<ISO3> or country/wikidata-<QID>,
// org/wikidata-<QID>). Each row becomes a MEMBER_OF fact citing Wikidata;
// a membership the graph already has with the same start gets the
// citation added instead of a second fact, so the domain rule against
// overlapping memberships still holds.

// WikidataSource is the Document every imported row cites.
const WikidataSource = "doc/wikidata"

const wikidataEntity = "http://www.wikidata.org/entity/"

var (
	qidRe  = regexp.MustCompile(`^Q[1-9][0-9]{0,11}$`)
	iso3Re = regexp.MustCompile(`^[A-Z]{3}$`)
)

type sparqlValue struct {
	Type     string `json:"type"`
	Value    string `json:"value"`
	Datatype string `json:"datatype,omitempty"`
	Lang     string `json:"xml:lang,omitempty"`
}

// wikidataRow is one parsed binding.
type wikidataRow struct {
	line                 int
	state, org           string // QIDs
	stateLabel, orgLabel string
	iso3, statement      string
	valid                domain.Interval
}

// WikidataInput reads SPARQL JSON results. The document is streamed, so
// it may be of any size; one JSON value in it (a binding) may be at most
// Limits.MaxLine bytes.
func WikidataInput(name string, open func() (io.ReadCloser, error), opts ...InputOption) Input {
	return Input{Name: name, Scans: true, Read: func(emit func(Record) error) error {
		rc, err := open()
		if err != nil {
			return err
		}
		defer rc.Close()
		return ReadWikidata(skipBOM(rc), emit, opts...)
	}}
}

// ReadWikidata streams the rows of a SPARQL JSON result document.
func ReadWikidata(r io.Reader, emit func(Record) error, opts ...InputOption) error {
	c := newInputConfig(opts)
	src := &jsonSource{r: r, limit: c.limits.MaxLine}
	dec := json.NewDecoder(src)
	src.dec = dec
	fail := func(err error, format string, a ...any) error {
		line := src.lineAt(dec.InputOffset(), true)
		if errors.Is(err, errValueTooLong) {
			return overLimit(line, "a JSON value longer than the limit of %s", byteSize(src.limit))
		}
		if err != nil && format == "" {
			return badLine(line, "%v", err)
		}
		return badLine(line, format, a...)
	}
	skip := func() error {
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return fail(err, "")
		}
		src.lineAt(dec.InputOffset(), false) // forgets the skipped bytes
		return nil
	}
	if err := expectDelim(dec, '{'); err != nil {
		return fail(err, "not a SPARQL JSON result: %v", err)
	}
	sawBindings := false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return fail(err, "")
		}
		if key != "results" {
			if err := skip(); err != nil {
				return err
			}
			continue
		}
		if err := expectDelim(dec, '{'); err != nil {
			return fail(err, `"results" is not an object`)
		}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return fail(err, "")
			}
			if k != "bindings" {
				if err := skip(); err != nil {
					return err
				}
				continue
			}
			sawBindings = true
			if err := expectDelim(dec, '['); err != nil {
				return fail(err, `"bindings" is not an array`)
			}
			for dec.More() {
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return fail(err, "binding is not an object of RDF terms: %v", err)
				}
				line := src.lineAt(dec.InputOffset()-int64(len(raw)), false)
				// encoding/json reads bytes that are not UTF-8, and \ud800
				// without its other half, as U+FFFD.
				if p := jsonl.CheckJSONText(raw); p != nil {
					return badLine(line, "%v", p.In(raw))
				}
				var b map[string]sparqlValue
				if err := json.Unmarshal(raw, &b); err != nil {
					return badLine(line, "binding is not an object of RDF terms: %v", err)
				}
				row, err := parseWikidataRow(line, b)
				if err != nil {
					return err
				}
				if err := emit(Record{Line: line, Apply: row.apply}); err != nil {
					return err
				}
			}
			if err := expectDelim(dec, ']'); err != nil {
				return fail(err, "")
			}
		}
		if err := expectDelim(dec, '}'); err != nil {
			return fail(err, "")
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return fail(err, "")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if errors.Is(err, errValueTooLong) {
			return fail(err, "")
		}
		return fail(nil, "data after the result object")
	}
	if !sawBindings {
		return badLine(1, `no "results": {"bindings": [...]} in the document`)
	}
	return nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %q, found %v", want, t)
	}
	return nil
}

func parseWikidataRow(line int, b map[string]sparqlValue) (*wikidataRow, error) {
	row := &wikidataRow{line: line}
	qid := func(v string) (string, error) {
		val, ok := b[v]
		if !ok {
			return "", badLine(line, "no ?%s", v)
		}
		q := strings.TrimPrefix(val.Value, wikidataEntity)
		if val.Type != "uri" || q == val.Value || !qidRe.MatchString(q) {
			return "", badLine(line, "?%s %q is not a Wikidata entity URI", v, val.Value)
		}
		return q, nil
	}
	var err error
	if row.state, err = qid("state"); err != nil {
		return nil, err
	}
	if row.org, err = qid("org"); err != nil {
		return nil, err
	}
	row.stateLabel, row.orgLabel = b["stateLabel"].Value, b["orgLabel"].Value
	row.iso3, row.statement = b["iso3"].Value, b["statement"].Value
	if row.iso3 != "" && !iso3Re.MatchString(row.iso3) {
		return nil, badLine(line, "?iso3 %q is not an ISO 3166-1 alpha-3 code", row.iso3)
	}
	for _, d := range []struct {
		v  string
		to *domain.Date
	}{{"start", &row.valid.From}, {"end", &row.valid.To}} {
		val, ok := b[d.v]
		if !ok {
			continue
		}
		s := strings.TrimPrefix(val.Value, "+")
		if len(s) < 10 {
			return nil, badLine(line, "?%s %q is not an xsd:dateTime", d.v, val.Value)
		}
		if *d.to, err = domain.ParseDate(s[:10]); err != nil {
			return nil, badLine(line, "?%s %q is not an xsd:dateTime", d.v, val.Value)
		}
	}
	if err := row.valid.Validate(); err != nil {
		return nil, badLine(line, "end %s is not after start %s", row.valid.To, row.valid.From)
	}
	return row, nil
}

func (row *wikidataRow) apply(w *store.Writer) (bool, error) {
	changed, err := ensureWikidataSource(w)
	if err != nil {
		return false, err
	}
	state, c1, err := resolveWikidata(w, row.state, domain.KindCountry, row.iso3, row.stateLabel)
	if err != nil {
		return false, err
	}
	org, c2, err := resolveWikidata(w, row.org, domain.KindOrganization, "", row.orgLabel)
	if err != nil {
		return false, err
	}
	url := row.statement
	if url == "" {
		url = wikidataEntity + row.state
	}
	cite := domain.Citation{Source: WikidataSource, URL: url}
	existing, err := w.Edges(state, store.EdgeFilter{Dir: store.Out, Predicates: []domain.Predicate{domain.MemberOf}})
	if err != nil {
		return false, err
	}
	f := &domain.Fact{ID: domain.MintFactID("wikidata", row.state, "member-of", row.org, startKey(row.valid.From)),
		Predicate: domain.MemberOf, From: state, To: org, Valid: row.valid}
	for _, o := range existing {
		if o.To == org && o.Valid.From == row.valid.From {
			f = o
			break
		}
	}
	hasCite := false
	for _, c := range f.Citations {
		hasCite = hasCite || (c.Source == cite.Source && c.URL == cite.URL)
	}
	if !hasCite {
		f.Citations = append(f.Citations, cite)
	}
	c3, err := w.PutFact(*f)
	return changed || c1 || c2 || c3, err
}

func startKey(d domain.Date) string {
	if d == 0 {
		return "open"
	}
	return d.String()
}

func ensureWikidataSource(w *store.Writer) (bool, error) {
	if _, err := w.Entity(WikidataSource); err == nil {
		return false, nil
	}
	return w.PutEntity(domain.Entity{ID: WikidataSource, Name: "Wikidata (SPARQL query service results)",
		Props: []domain.Prop{{Key: "url", Type: domain.PropString, Value: "https://query.wikidata.org/"}}})
}

// resolveWikidata finds or creates the entity of kind k for QID q and
// makes sure it carries the wikidata external ID.
func resolveWikidata(w *store.Writer, q string, k domain.Kind, iso3, label string) (string, bool, error) {
	e, err := w.EntityByXID("wikidata", q)
	if err == nil {
		if e.Kind != k {
			return "", false, fmt.Errorf("%w: wikidata %s is %s, a %s, not a %s", domain.ErrConflict, q, e.ID, e.Kind, k)
		}
		return e.ID, false, nil
	}
	if !errors.Is(err, domain.ErrNotFound) {
		return "", false, err
	}
	if iso3 != "" {
		if e, err = w.EntityByXID("iso3", iso3); err != nil && !errors.Is(err, domain.ErrNotFound) {
			return "", false, err
		}
	}
	if e == nil && label != "" {
		hits, _, err := w.Search(context.Background(), store.SearchQuery{Text: label, Kinds: []domain.Kind{k}, Limit: 5})
		if err != nil {
			return "", false, err
		}
		for _, h := range hits {
			if domain.Fold(h.Matched) == domain.Fold(label) && e == nil {
				e = h.Entity
			}
		}
	}
	if e == nil {
		if label == "" {
			return "", false, fmt.Errorf("%w: wikidata %s is not in the graph and the row has no label to create it with", domain.ErrInvalid, q)
		}
		e = &domain.Entity{ID: k.Prefix() + "/wikidata-" + q, Name: label}
		if iso3 != "" {
			e.ID = k.Prefix() + "/" + iso3
			e.XIDs = map[string]string{"iso3": iso3}
		}
	} else if e.Kind != k {
		return "", false, fmt.Errorf("%w: wikidata %s matched %s, a %s, not a %s", domain.ErrConflict, q, e.ID, e.Kind, k)
	}
	x := map[string]string{"wikidata": q}
	for s, v := range e.XIDs {
		x[s] = v
	}
	e.XIDs = x
	changed, err := w.PutEntity(*e)
	return e.ID, changed, err
}
