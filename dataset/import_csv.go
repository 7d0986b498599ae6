package dataset

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/export"
	"github.com/alliancegraph/alliancegraph/jsonl"
)

// The Neo4j CSV pair that the csv export writes (a zip holding nodes.csv
// and relationships.csv, with a README.txt):
//
//	nodes.csv          id:ID, :LABEL (the kind), name, aliases, date:date, externalIds, properties
//	relationships.csv  :START_ID, :END_ID, :TYPE (the predicate), id, validFrom:date, validTo:date,
//	                   event, properties, citations
//
// aliases is a JSON array of strings, externalIds a JSON object of scheme
// to value, properties a JSON object of key to value, citations a JSON
// array of the JSON Lines citation objects ({"source", "span", "url",
// "retrieved"}). Empty cells are absent values. A column header is matched
// by its name before any ":type" (":ID" and "id:ID" are both the ID); a
// column this reader does not know is an error, so a misspelt header does
// not drop data silently.
//
// Property types are not in the file: a JSON number without a fraction or
// exponent becomes INT, another number FLOAT, true/false BOOLEAN, a
// YYYY-MM-DD string DATE and any other string STRING. (A STRING property
// whose text is a date comes back as a DATE; the JSON Lines format keeps
// types exactly.)

//
// The csv export neutralises cells a spreadsheet would run as formulas
// (export/csvcell.go: a ' before a leading = + - @ tab CR or '); the
// reader removes that prefix from every cell unless the input is marked
// raw (WithRawCSV; a zip whose README.txt says it was written with
// --csv-raw).

// CSVInput reads a nodes/relationships pair; each open function returns
// one file.
func CSVInput(name string, nodes, rels func() (io.ReadCloser, error), opts ...InputOption) Input {
	c := newInputConfig(opts)
	return Input{Name: name, Read: func(emit func(Record) error) error {
		for _, f := range []struct {
			name string
			open func() (io.ReadCloser, error)
			read func(io.Reader, inputConfig, func(Record) error) error
		}{{"nodes.csv", nodes, readNodesCSV}, {"relationships.csv", rels, readRelsCSV}} {
			rc, err := f.open()
			if err != nil {
				return err
			}
			err = f.read(skipBOM(rc), c, emit)
			rc.Close()
			if err != nil {
				return inFile(name+" "+f.name, err)
			}
		}
		return nil
	}}
}

// CSVZipInput reads the zip the csv export writes. Its README.txt, when it
// says the cells were written raw, makes the input raw (WithRawCSV).
// nodes.csv and relationships.csv may unzip to Limits.MaxUnzipped bytes
// together: their declared sizes are checked before anything is read, and
// the bytes actually read are counted too.
func CSVZipInput(name string, data []byte, opts ...InputOption) Input {
	limit := newInputConfig(opts).limits.MaxUnzipped
	members := []string{"nodes.csv", "relationships.csv"}
	open := func(want string) (io.ReadCloser, error) {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return nil, fmt.Errorf("%w: not a zip file: %v", domain.ErrInvalid, err)
		}
		var f *zip.File
		var total uint64
		for _, zf := range zr.File {
			if zf.Name == want {
				f = zf
			}
			if slices.Contains(members, zf.Name) {
				total += zf.UncompressedSize64
			}
		}
		if f == nil {
			return nil, fmt.Errorf("%w: the zip has no %s", domain.ErrInvalid, want)
		}
		if slices.Contains(members, want) && total > uint64(limit) {
			return nil, &LineError{Err: fmt.Errorf("%w: %s unzip to %s, over the limit of %s",
				domain.ErrLimit, strings.Join(members, " and "), byteSize(int64(min(total, 1<<62))), byteSize(limit))}
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: the zip member does not unzip: %v", domain.ErrInvalid, want, err)
		}
		return &zipMember{rc: rc, name: want, left: limit}, nil
	}
	member := func(want string) func() (io.ReadCloser, error) {
		return func() (io.ReadCloser, error) { return open(want) }
	}
	if rc, err := open("README.txt"); err == nil {
		// The note is near the top of a short file; a README larger than
		// this is not one the export wrote.
		readme, _ := io.ReadAll(io.LimitReader(rc, 64<<10))
		rc.Close()
		if bytes.Contains(readme, []byte(export.CSVRawNote)) {
			opts = append(opts, WithRawCSV(true))
		}
	}
	return CSVInput(name, member("nodes.csv"), member("relationships.csv"), opts...)
}

// zipMember reads one member of a zip, refusing it once it unzips to more
// than left bytes, and turning the zip's own errors (a member cut short,
// a bad checksum, data that does not inflate) into bad input.
type zipMember struct {
	rc   io.ReadCloser
	name string
	left int64
}

func (z *zipMember) Read(p []byte) (int, error) {
	if int64(len(p)) > z.left+1 {
		p = p[:z.left+1]
	}
	n, err := z.rc.Read(p)
	z.left -= int64(n)
	if z.left < 0 {
		return 0, &LineError{Err: fmt.Errorf("%w: %s unzips to more than the limit", domain.ErrLimit, z.name)}
	}
	if err != nil && !errors.Is(err, io.EOF) {
		err = fmt.Errorf("%w: the zip member does not unzip: %v", domain.ErrInvalid, err)
	}
	return n, err
}

func (z *zipMember) Close() error { return z.rc.Close() }

// csvTable reads a CSV file with a header, mapping columns by name.
type csvTable struct {
	r     *csv.Reader
	cols  map[string]int
	names []string // column names by position
	row   []string
	line  int
	raw   bool // cells carry no neutralising prefix
}

func newCSVTable(r io.Reader, c inputConfig, known []string, required ...string) (*csvTable, error) {
	guard := newCSVGuard(r, c.limits.MaxLine)
	cr := csv.NewReader(guard)
	cr.ReuseRecord = false
	head, err := cr.Read()
	if err != nil {
		if tl := (*csvTooLong)(nil); errors.As(err, &tl) {
			return nil, overLimit(tl.line, "%s", tl)
		}
		if pe := (*csv.ParseError)(nil); !errors.As(err, &pe) && !errors.Is(err, io.EOF) {
			return nil, err // the file could not be read (a damaged zip member)
		}
		return nil, badLine(1, "no header row: %v", err)
	}
	guard.names = head
	t := &csvTable{r: cr, cols: map[string]int{}, raw: c.rawCSV}
	for i, h := range head {
		name := h
		if base, typ, ok := strings.Cut(h, ":"); ok {
			name = base
			if base == "" || typ == "ID" {
				name = ":" + typ
			}
		}
		if !contains(known, name) {
			return nil, badLine(1, "unknown column %q", h)
		}
		if _, dup := t.cols[name]; dup {
			return nil, badLine(1, "column %q given twice", h)
		}
		t.cols[name] = i
		t.names = append(t.names, name)
	}
	for _, c := range required {
		if _, ok := t.cols[c]; !ok {
			return nil, badLine(1, "missing column %q", c)
		}
	}
	return t, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// next reads a row; it returns false at the end.
func (t *csvTable) next() (bool, error) {
	row, err := t.r.Read()
	if errors.Is(err, io.EOF) {
		return false, nil
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return false, badLine(pe.Line, "%v", pe.Err)
		}
		if tl := (*csvTooLong)(nil); errors.As(err, &tl) {
			return false, overLimit(tl.line, "%s", tl)
		}
		return false, err
	}
	t.line, _ = t.r.FieldPos(0)
	for i, f := range row {
		// A value that is not UTF-8 would reach the store only to be
		// refused there (names) or read as U+FFFD (JSON cells).
		if !utf8.ValidString(f) {
			col := fmt.Sprint(i + 1)
			if i < len(t.names) {
				col = t.names[i]
			}
			p := jsonl.CheckJSONText([]byte(f))
			return false, badLine(t.line, "column %s: %s", col, p.Reason)
		}
		if !t.raw {
			row[i] = export.RestoreCSVCell(f)
		}
	}
	t.row = row
	return true, nil
}

func (t *csvTable) get(col string) string {
	if i, ok := t.cols[col]; ok {
		return t.row[i]
	}
	return ""
}

func (t *csvTable) json(col string, v any) error {
	s := t.get(col)
	if s == "" {
		return nil
	}
	// encoding/json reads \ud800 without its other half as U+FFFD.
	if p := jsonl.CheckJSONText([]byte(s)); p != nil {
		path := jsonl.JSONPathAt([]byte(s), p.Offset)
		if path != "" && path[0] != '[' {
			path = "." + path
		}
		return badLine(t.line, "column %s%s: %s", col, path, p.Reason)
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badLine(t.line, "column %s: not the expected JSON: %v", col, err)
	}
	if dec.More() {
		return badLine(t.line, "column %s: more than one JSON value", col)
	}
	return nil
}

func (t *csvTable) date(col string) (domain.Date, error) {
	s := t.get(col)
	if s == "" {
		return 0, nil
	}
	d, err := domain.ParseDate(s)
	if err != nil {
		return 0, badLine(t.line, "column %s: %v", col, domain.Message(err))
	}
	return d, nil
}

func (t *csvTable) props() ([]domain.Prop, error) {
	var m map[string]any
	if err := t.json("properties", &m); err != nil {
		return nil, err
	}
	var out []domain.Prop
	for k, v := range m {
		p := domain.Prop{Key: k}
		switch v := v.(type) {
		case json.Number:
			p.Type, p.Value = domain.PropFloat, v.String()
			if !strings.ContainsAny(p.Value, ".eE") {
				p.Type = domain.PropInt
			}
		case bool:
			p.Type, p.Value = domain.PropBool, fmt.Sprint(v)
		case string:
			p.Type, p.Value = domain.PropString, v
			if _, err := domain.ParseDate(v); err == nil {
				p.Type = domain.PropDate
			}
		default:
			return nil, badLine(t.line, "property %q: want a number, boolean or string", k)
		}
		out = append(out, p)
	}
	return out, nil
}

var (
	nodeColumns = []string{":ID", ":LABEL", "name", "aliases", "date", "externalIds", "properties"}
	relColumns  = []string{":START_ID", ":END_ID", ":TYPE", "id", "validFrom", "validTo", "event", "properties", "citations"}
)

func readNodesCSV(r io.Reader, c inputConfig, emit func(Record) error) error {
	t, err := newCSVTable(r, c, nodeColumns, ":ID", ":LABEL", "name")
	if err != nil {
		return err
	}
	for {
		ok, err := t.next()
		if err != nil || !ok {
			return err
		}
		e := &domain.Entity{ID: t.get(":ID"), Name: t.get("name")}
		for _, l := range strings.Split(t.get(":LABEL"), ";") {
			if k, err := domain.ParseKind(l); err == nil {
				e.Kind = k
			}
		}
		if e.Kind == 0 {
			return badLine(t.line, "label %q names no entity kind", t.get(":LABEL"))
		}
		if err := t.json("aliases", &e.Aliases); err != nil {
			return err
		}
		if err := t.json("externalIds", &e.XIDs); err != nil {
			return err
		}
		if e.Date, err = t.date("date"); err != nil {
			return err
		}
		if e.Props, err = t.props(); err != nil {
			return err
		}
		if err := emit(Record{Line: t.line, Entity: e}); err != nil {
			return err
		}
	}
}

func readRelsCSV(r io.Reader, c inputConfig, emit func(Record) error) error {
	t, err := newCSVTable(r, c, relColumns, ":START_ID", ":END_ID", ":TYPE", "id", "citations")
	if err != nil {
		return err
	}
	for {
		ok, err := t.next()
		if err != nil || !ok {
			return err
		}
		p, err := domain.ParsePredicate(t.get(":TYPE"))
		if err != nil {
			return badLine(t.line, "type %q is not a predicate", t.get(":TYPE"))
		}
		f := &domain.Fact{ID: t.get("id"), Predicate: p, From: t.get(":START_ID"), To: t.get(":END_ID"), Event: t.get("event")}
		if f.Valid.From, err = t.date("validFrom"); err != nil {
			return err
		}
		if f.Valid.To, err = t.date("validTo"); err != nil {
			return err
		}
		if f.Props, err = t.props(); err != nil {
			return err
		}
		var cites []jsonl.Citation
		if err := t.json("citations", &cites); err != nil {
			return err
		}
		for i, c := range cites {
			sc, err := storeCitation(c)
			if err != nil {
				return badLine(t.line, "citation %d: %v", i+1, err)
			}
			f.Citations = append(f.Citations, sc)
		}
		if err := emit(Record{Line: t.line, Fact: f}); err != nil {
			return err
		}
	}
}

// storeCitation converts a JSON Lines citation object.
func storeCitation(c jsonl.Citation) (domain.Citation, error) {
	sc := domain.Citation{Source: c.Source, URL: c.URL}
	switch len(c.Span) {
	case 0:
	case 2:
		sc.Span = &domain.Span{Start: c.Span[0], End: c.Span[1]}
	default:
		return sc, errors.New("span must be [start, end]")
	}
	if c.Retrieved != "" {
		d, err := domain.ParseDate(c.Retrieved)
		if err != nil {
			return sc, fmt.Errorf("retrieved %q is not YYYY-MM-DD", c.Retrieved)
		}
		sc.Retrieved = d
	}
	return sc, nil
}
