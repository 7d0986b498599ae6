package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	gojson "github.com/goccy/go-json"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// JSON Lines ("jsonl") is alliancegraph's own lossless format: a header
// line, then one entity per line, then one fact per line, in the stable
// order of store.Reader.Walk. Every field of every entity, fact and citation
// is kept, so an import of a whole-graph export exported again gives the
// same bytes. The import command reads it back (ReadJSONL).
//
//	{"type":"header","format":"alliancegraph-jsonl","version":1,"generator":"alliancegraph dev","knownAt":"…","selection":{…}}
//	{"type":"entity","id":"country/FIN","kind":"Country","name":"Finland","aliases":["Republic of Finland"],"externalIds":{"iso3":"FIN"},"properties":[{"key":"…","type":"STRING","value":"…"}]}
//	{"type":"fact","id":"fact/fin-member-of-nato","predicate":"MEMBER_OF","from":"country/FIN","to":"org/nato","validFrom":"2023-04-04","event":"event/…","citations":[{"source":"doc/…","span":[10,42]}]}
//
// Optional fields are omitted when empty. Dates are YYYY-MM-DD, times RFC
// 3339, property types STRING, INT, FLOAT, BOOLEAN or DATE.

// JSONLFormat is the format's name and header tag.
const JSONLFormat = "alliancegraph-jsonl"

// JSONLVersion is the version of the line format this build writes.
const JSONLVersion = 1

func init() {
	register(Format{Name: "jsonl", MediaType: "application/jsonl", Ext: "jsonl", New: newJSONL})
}

// JSONLHeader is the first line.
type JSONLHeader struct {
	Type      string         `json:"type"` // "header"
	Format    string         `json:"format"`
	Version   int            `json:"version"`
	Generator string         `json:"generator,omitempty"`
	KnownAt   string         `json:"knownAt,omitempty"`
	Selection *SelectionJSON `json:"selection,omitempty"`
}

// SelectionJSON is a store.Selection as written in file headers.
type SelectionJSON struct {
	Seeds      []string `json:"ids,omitempty"`
	Depth      int      `json:"depth,omitempty"`
	Predicates []string `json:"predicates,omitempty"`
	Kinds      []string `json:"kinds,omitempty"`
	AsOf       string   `json:"asOf,omitempty"`
	MaxNodes   int      `json:"maxNodes,omitempty"`
}

// SelectionOf describes sel for a header; nil for the whole graph.
func SelectionOf(sel store.Selection) *SelectionJSON {
	s := &SelectionJSON{Seeds: sel.Seeds, Depth: sel.Depth, AsOf: sel.AsOf.String(), MaxNodes: sel.MaxNodes}
	for _, p := range sel.Predicates {
		s.Predicates = append(s.Predicates, p.String())
	}
	for _, k := range sel.Kinds {
		s.Kinds = append(s.Kinds, k.String())
	}
	if len(sel.Seeds) == 0 {
		s.Depth = 0
	}
	return s
}

// JSONLProperty is one typed property.
type JSONLProperty struct {
	Key   string `json:"key"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

// JSONLEntity is an entity line.
type JSONLEntity struct {
	Type        string            `json:"type"` // "entity"
	ID          string            `json:"id"`
	Kind        string            `json:"kind"`
	Name        string            `json:"name"`
	Aliases     []string          `json:"aliases,omitempty"`
	Date        string            `json:"date,omitempty"`
	ExternalIDs map[string]string `json:"externalIds,omitempty"`
	Properties  []JSONLProperty   `json:"properties,omitempty"`
}

// JSONLCitation is one citation of a fact.
type JSONLCitation struct {
	Source    string `json:"source"`
	Span      []int  `json:"span,omitempty"` // [start, end) in Unicode code points
	URL       string `json:"url,omitempty"`
	Retrieved string `json:"retrieved,omitempty"`
}

// JSONLFact is a fact line.
type JSONLFact struct {
	Type       string          `json:"type"` // "fact"
	ID         string          `json:"id"`
	Predicate  string          `json:"predicate"`
	From       string          `json:"from"`
	To         string          `json:"to"`
	ValidFrom  string          `json:"validFrom,omitempty"`
	ValidTo    string          `json:"validTo,omitempty"`
	Event      string          `json:"event,omitempty"`
	Properties []JSONLProperty `json:"properties,omitempty"`
	Citations  []JSONLCitation `json:"citations"`
}

var propTypeNames = map[domain.PropType]string{
	domain.PropString: "STRING", domain.PropInt: "INT", domain.PropFloat: "FLOAT",
	domain.PropBool: "BOOLEAN", domain.PropDate: "DATE",
}

func jsonlProps(ps []domain.Prop) []JSONLProperty {
	out := make([]JSONLProperty, len(ps))
	for i, p := range ps {
		out[i] = JSONLProperty{Key: p.Key, Type: propTypeNames[p.Type], Value: p.Value}
	}
	return out
}

// EntityJSONL converts an entity to its line.
func EntityJSONL(e *domain.Entity) JSONLEntity {
	return JSONLEntity{Type: "entity", ID: e.ID, Kind: e.Kind.String(), Name: e.Name, Aliases: e.Aliases,
		Date: e.Date.String(), ExternalIDs: e.XIDs, Properties: jsonlProps(e.Props)}
}

// FactJSONL converts a fact to its line.
func FactJSONL(f *domain.Fact) JSONLFact {
	out := JSONLFact{Type: "fact", ID: f.ID, Predicate: f.Predicate.String(), From: f.From, To: f.To,
		ValidFrom: f.Valid.From.String(), ValidTo: f.Valid.To.String(), Event: f.Event, Properties: jsonlProps(f.Props)}
	out.Citations = make([]JSONLCitation, len(f.Citations))
	for i, c := range f.Citations {
		jc := JSONLCitation{Source: c.Source, URL: c.URL, Retrieved: c.Retrieved.String()}
		if c.Span != nil {
			jc.Span = []int{c.Span.Start, c.Span.End}
		}
		out.Citations[i] = jc
	}
	return out
}

type jsonlEncoder struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

func newJSONL(w io.Writer, m Meta) (Encoder, error) {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	h := JSONLHeader{Type: "header", Format: JSONLFormat, Version: JSONLVersion, Generator: m.Generator, Selection: SelectionOf(m.Selection)}
	if !m.KnownAt.IsZero() {
		h.KnownAt = m.KnownAt.UTC().Format(time.RFC3339Nano)
	}
	return &jsonlEncoder{bw: bw, enc: enc}, enc.Encode(h)
}

func (j *jsonlEncoder) Entity(e *domain.Entity) error { return j.enc.Encode(EntityJSONL(e)) }
func (j *jsonlEncoder) Fact(f *domain.Fact) error     { return j.enc.Encode(FactJSONL(f)) }
func (j *jsonlEncoder) Close() error                  { return j.bw.Flush() }

// JSONLRecord is one decoded line: exactly one of its fields is set.
type JSONLRecord struct {
	Line   int // 1-based line number in the input
	Header *JSONLHeader
	Entity *domain.Entity
	Fact   *domain.Fact
}

// JSONLError is a line ReadJSONL refuses: its Err wraps store.ErrInvalid,
// or store.ErrLimit for a line longer than the limit.
type JSONLError struct {
	Line int
	Err  error
}

func (e *JSONLError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *JSONLError) Unwrap() error { return e.Err }

// DefaultMaxJSONLLine is how long a line ReadJSONL reads by default.
const DefaultMaxJSONLLine = 1 << 20

// ReadOption changes how ReadJSONL reads.
type ReadOption func(*readConfig)

type readConfig struct{ maxLine int }

// WithMaxLine bounds a line's length in bytes (DefaultMaxJSONLLine if not
// given); a longer line is refused without being held whole.
func WithMaxLine(n int) ReadOption { return func(c *readConfig) { c.maxLine = n } }

// ReadJSONL decodes a JSON Lines stream, calling fn for each record in
// order. A malformed line is a *JSONLError naming the line and the reason;
// blank lines are skipped.
//
// Lines are decoded in batches by one goroutine per CPU while fn runs on
// the caller's goroutine, records still in input order; the first error
// in input order is the one returned, after fn has seen every record
// before it. Nothing reads r after ReadJSONL returns.
func ReadJSONL(r io.Reader, fn func(JSONLRecord) error, opts ...ReadOption) error {
	c := readConfig{maxLine: DefaultMaxJSONLLine}
	for _, o := range opts {
		o(&c)
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	work := make(chan *jsonlBatch, workers)
	order := make(chan *jsonlBatch, 2*workers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { scanJSONL(r, c.maxLine, work, order, stop) })
	for range workers {
		wg.Go(func() {
			for b := range work {
				b.decode()
			}
		})
	}
	defer wg.Wait()
	defer close(stop)
	for b := range order {
		<-b.done
		for _, rec := range b.recs {
			if err := fn(rec); err != nil {
				return err
			}
		}
		if b.err != nil {
			return b.err
		}
	}
	return nil
}

// jsonlBatchLines is how many lines one decoding batch holds.
const jsonlBatchLines = 512

// jsonlBatch is a run of consecutive lines, decoded by one worker.
type jsonlBatch struct {
	buf  []byte // the lines' bytes, one after another
	ends []int  // where each line ends in buf
	nums []int  // each line's number
	recs []JSONLRecord
	err  error         // the first bad line's error, or the scanner's
	done chan struct{} // closed once recs and err are set
}

func (b *jsonlBatch) decode() {
	defer close(b.done)
	start := 0
	for i, end := range b.ends {
		rec, err := decodeJSONLLine(b.buf[start:end])
		start = end
		if err != nil {
			b.err = &JSONLError{Line: b.nums[i], Err: fmt.Errorf("%w: %v", domain.ErrInvalid, err)}
			return
		}
		rec.Line = b.nums[i]
		b.recs = append(b.recs, rec)
	}
}

// scanJSONL splits r into batches of non-blank lines, handing each to the
// workers (work) and, in input order, to the reader (order). A scanner
// error travels as a last batch with no lines. It stops early when stop
// closes.
func scanJSONL(r io.Reader, maxLine int, work, order chan<- *jsonlBatch, stop <-chan struct{}) {
	defer close(order)
	defer close(work)
	send := func(b *jsonlBatch) bool {
		select {
		case order <- b:
		case <-stop:
			return false
		}
		select {
		case work <- b:
			return true
		case <-stop:
			return false
		}
	}
	sc := bufio.NewScanner(r)
	// The scanner's limit counts the line break too.
	sc.Buffer(make([]byte, min(64<<10, maxLine+1)), maxLine+1)
	line := 0
	// A batch starts with room for the lines of the one before (and an
	// eighth more): appending them one by one into a growing slice
	// allocated three times the input over.
	size := 0
	next := func() *jsonlBatch {
		return &jsonlBatch{
			buf:  make([]byte, 0, size+size/8),
			ends: make([]int, 0, jsonlBatchLines),
			nums: make([]int, 0, jsonlBatchLines),
			done: make(chan struct{}),
		}
	}
	b := next()
	for sc.Scan() {
		line++
		l := sc.Bytes()
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		b.buf = append(b.buf, l...)
		b.ends = append(b.ends, len(b.buf))
		b.nums = append(b.nums, line)
		if len(b.ends) == jsonlBatchLines {
			if !send(b) {
				return
			}
			size = len(b.buf)
			b = next()
		}
	}
	if len(b.ends) > 0 {
		if !send(b) {
			return
		}
		b = &jsonlBatch{done: make(chan struct{})}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = &JSONLError{Line: line + 1, Err: fmt.Errorf("%w: longer than %d bytes", domain.ErrLimit, maxLine)}
		}
		b.err = err
		send(b)
	}
}

func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value on the line")
	}
	return nil
}

// fastUnmarshal is strictUnmarshal with goccy/go-json, about twice as
// fast on these records. Only a line it accepts is taken from it: on any
// error decodeJSONLLine starts again with encoding/json, so that messages
// about bad lines are the standard library's, word for word.
func fastUnmarshal(b []byte, v any) error {
	dec := gojson.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	// Anything after the value, even a lone "}" (which More does not
	// see), sends the line to the general path, which refuses it.
	if off := dec.InputOffset(); off < 0 || off > int64(len(b)) || len(bytes.TrimSpace(b[off:])) > 0 {
		return errors.New("more than one JSON value on the line")
	}
	return nil
}

func decodeJSONLLine(b []byte) (JSONLRecord, error) {
	if p := CheckJSONText(b); p != nil {
		return JSONLRecord{}, p.In(b)
	}
	// What the exporter writes starts with its type: decode such a line
	// once, straight into its record (unless a later "type" key changed
	// it, which the general path below sorts out). This halves the
	// decoding cost of a large import.
	switch {
	case bytes.HasPrefix(b, []byte(`{"type":"fact",`)):
		var jf JSONLFact
		if err := fastUnmarshal(b, &jf); err == nil && jf.Type == "fact" {
			f, err := jf.toStore()
			return JSONLRecord{Fact: f}, err
		}
	case bytes.HasPrefix(b, []byte(`{"type":"entity",`)):
		var je JSONLEntity
		if err := fastUnmarshal(b, &je); err == nil && je.Type == "entity" {
			e, err := je.toStore()
			return JSONLRecord{Entity: e}, err
		}
	}
	return decodeJSONLGeneral(b)
}

// decodeJSONLGeneral decodes any line with encoding/json: a probe for its
// type, then a strict decode into that record.
func decodeJSONLGeneral(b []byte) (JSONLRecord, error) {
	if p := CheckJSONText(b); p != nil {
		return JSONLRecord{}, p.In(b)
	}
	var probe struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return JSONLRecord{}, fmt.Errorf("not a JSON object: %v", err)
	}
	switch probe.Type {
	case "header":
		var h JSONLHeader
		if err := strictUnmarshal(b, &h); err != nil {
			return JSONLRecord{}, err
		}
		if h.Format != JSONLFormat || h.Version != JSONLVersion {
			return JSONLRecord{}, fmt.Errorf("header says format %q version %d; this build reads %s version %d", h.Format, h.Version, JSONLFormat, JSONLVersion)
		}
		return JSONLRecord{Header: &h}, nil
	case "entity":
		var je JSONLEntity
		if err := strictUnmarshal(b, &je); err != nil {
			return JSONLRecord{}, err
		}
		e, err := je.toStore()
		return JSONLRecord{Entity: e}, err
	case "fact":
		var jf JSONLFact
		if err := strictUnmarshal(b, &jf); err != nil {
			return JSONLRecord{}, err
		}
		f, err := jf.toStore()
		return JSONLRecord{Fact: f}, err
	}
	return JSONLRecord{}, fmt.Errorf(`"type" is %q; want "header", "entity" or "fact"`, probe.Type)
}

func parseProps(ps []JSONLProperty) ([]domain.Prop, error) {
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

func (je *JSONLEntity) toStore() (*domain.Entity, error) {
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

func (jf *JSONLFact) toStore() (*domain.Fact, error) {
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
