package jsonl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	gojson "github.com/goccy/go-json"

	"github.com/alliancegraph/alliancegraph/domain"
)

// Record is one decoded line: exactly one of its fields is set.
type Record struct {
	Line   int // 1-based line number in the input
	Header *Header
	Entity *domain.Entity
	Fact   *domain.Fact
}

// Error is a line Read refuses: its Err wraps domain.ErrInvalid,
// or domain.ErrLimit for a line longer than the limit.
type Error struct {
	Line int
	Err  error
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// DefaultMaxLine is how long a line Read reads by default.
const DefaultMaxLine = 1 << 20

// ReadOption changes how Read reads.
type ReadOption func(*readConfig)

type readConfig struct{ maxLine int }

// WithMaxLine bounds a line's length in bytes (DefaultMaxLine if not
// given); a longer line is refused without being held whole.
func WithMaxLine(n int) ReadOption { return func(c *readConfig) { c.maxLine = n } }

// Read decodes a JSON Lines stream, calling fn for each record in
// order. A malformed line is a *Error naming the line and the reason;
// blank lines are skipped.
//
// Lines are decoded in batches by one goroutine per CPU while fn runs on
// the caller's goroutine, records still in input order; the first error
// in input order is the one returned, after fn has seen every record
// before it. Nothing reads r after Read returns.
func Read(r io.Reader, fn func(Record) error, opts ...ReadOption) error {
	c := readConfig{maxLine: DefaultMaxLine}
	for _, o := range opts {
		o(&c)
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	work := make(chan *batch, workers)
	order := make(chan *batch, 2*workers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { scan(r, c.maxLine, work, order, stop) })
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

// batchLines is how many lines one decoding batch holds.
const batchLines = 512

// batch is a run of consecutive lines, decoded by one worker.
type batch struct {
	buf  []byte // the lines' bytes, one after another
	ends []int  // where each line ends in buf
	nums []int  // each line's number
	recs []Record
	err  error         // the first bad line's error, or the scanner's
	done chan struct{} // closed once recs and err are set
}

func (b *batch) decode() {
	defer close(b.done)
	start := 0
	for i, end := range b.ends {
		rec, err := decodeLine(b.buf[start:end])
		start = end
		if err != nil {
			b.err = &Error{Line: b.nums[i], Err: fmt.Errorf("%w: %v", domain.ErrInvalid, err)}
			return
		}
		rec.Line = b.nums[i]
		b.recs = append(b.recs, rec)
	}
}

// scan splits r into batches of non-blank lines, handing each to the
// workers (work) and, in input order, to the reader (order). A scanner
// error travels as a last batch with no lines. It stops early when stop
// closes.
func scan(r io.Reader, maxLine int, work, order chan<- *batch, stop <-chan struct{}) {
	defer close(order)
	defer close(work)
	send := func(b *batch) bool {
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
	next := func() *batch {
		return &batch{
			buf:  make([]byte, 0, size+size/8),
			ends: make([]int, 0, batchLines),
			nums: make([]int, 0, batchLines),
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
		if len(b.ends) == batchLines {
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
		b = &batch{done: make(chan struct{})}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = &Error{Line: line + 1, Err: fmt.Errorf("%w: longer than %d bytes", domain.ErrLimit, maxLine)}
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

// fastUnmarshal is strictUnmarshal with goccy/go-json, the faster decoder
// of these records (docs/BENCHMARKS.md). Only a line it accepts is taken
// from it: on any error decodeLine starts again with encoding/json, so
// that messages about bad lines are the standard library's, word for word.
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

func decodeLine(b []byte) (Record, error) {
	if p := CheckJSONText(b); p != nil {
		return Record{}, p.In(b)
	}
	// What the exporter writes starts with its type: decode such a line
	// once, straight into its record (unless a later "type" key changed
	// it, which the general path below sorts out), rather than a probe
	// for the type and then the record.
	switch {
	case bytes.HasPrefix(b, []byte(`{"type":"fact",`)):
		var jf Fact
		if err := fastUnmarshal(b, &jf); err == nil && jf.Type == "fact" {
			f, err := jf.record()
			return Record{Fact: f}, err
		}
	case bytes.HasPrefix(b, []byte(`{"type":"entity",`)):
		var je Entity
		if err := fastUnmarshal(b, &je); err == nil && je.Type == "entity" {
			e, err := je.record()
			return Record{Entity: e}, err
		}
	}
	return decodeGeneral(b)
}

// decodeGeneral decodes any line with encoding/json: a probe for its
// type, then a strict decode into that record.
func decodeGeneral(b []byte) (Record, error) {
	if p := CheckJSONText(b); p != nil {
		return Record{}, p.In(b)
	}
	var probe struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return Record{}, fmt.Errorf("not a JSON object: %v", err)
	}
	switch probe.Type {
	case "header":
		var h Header
		if err := strictUnmarshal(b, &h); err != nil {
			return Record{}, err
		}
		if h.Format != Format || h.Version != Version {
			return Record{}, fmt.Errorf("header says format %q version %d; this build reads %s version %d", h.Format, h.Version, Format, Version)
		}
		return Record{Header: &h}, nil
	case "entity":
		var je Entity
		if err := strictUnmarshal(b, &je); err != nil {
			return Record{}, err
		}
		e, err := je.record()
		return Record{Entity: e}, err
	case "fact":
		var jf Fact
		if err := strictUnmarshal(b, &jf); err != nil {
			return Record{}, err
		}
		f, err := jf.record()
		return Record{Fact: f}, err
	}
	return Record{}, fmt.Errorf(`"type" is %q; want "header", "entity" or "fact"`, probe.Type)
}
