package dataset

import (
	"fmt"
	"io"
)

// csvGuard sits between a CSV file and encoding/csv's Reader, which holds
// a whole record in memory (several copies of it) before it returns
// anything: a file with one huge field would make an import hold it all.
// The guard follows the CSV syntax as the bytes pass (quoted fields, their
// line breaks, doubled quotes) and stops the stream with a *csvTooLong as
// soon as a record goes over the limit, naming the field it was in.
type csvGuard struct {
	r     io.Reader
	limit int64
	names []string // column names, once the header is read
	err   error    // sticky: every read after the limit fails

	state       csvState
	line        int   // current line, 1-based
	recordLine  int   // line the current record starts on
	field       int   // current field, 0-based
	recordBytes int64 // bytes of the current record so far
}

type csvState uint8

const (
	csvFieldStart csvState = iota // at the start of a field
	csvUnquoted                   // inside an unquoted field
	csvQuoted                     // inside a quoted field
	csvQuote                      // just after a quote inside a quoted field
)

// csvTooLong is the guard's refusal.
type csvTooLong struct {
	line   int    // where the record starts
	column string // the column name of the field it was in, or its number
	limit  int64
}

func (e *csvTooLong) Error() string {
	return fmt.Sprintf("a record longer than the limit of %s, reached in field %s", byteSize(e.limit), e.column)
}

func newCSVGuard(r io.Reader, limit int64) *csvGuard {
	return &csvGuard{r: r, limit: limit, line: 1, recordLine: 1}
}

func (g *csvGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i, c := range p[:n] {
		if g.step(c) {
			g.err = &csvTooLong{line: g.recordLine, column: g.column(), limit: g.limit}
			return i, g.err
		}
	}
	return n, err
}

// step takes one byte; it reports whether the record is now over the
// limit. A byte counts for the field it belongs to (a comma for the one
// it ends).
func (g *csvGuard) step(c byte) bool {
	g.recordBytes++
	over := g.recordBytes > g.limit
	switch g.state {
	case csvFieldStart, csvUnquoted, csvQuote:
		switch {
		case c == '"' && g.state == csvFieldStart:
			g.state = csvQuoted
		case c == '"' && g.state == csvQuote: // a doubled quote
			g.state = csvQuoted
		case c == ',' && !over:
			g.field++
			g.state = csvFieldStart
		case c == '\n':
			g.line++
			g.recordLine = g.line
			g.field, g.recordBytes = 0, 0
			g.state = csvFieldStart
			return false
		default:
			// After a closing quote only , or a line break may follow;
			// encoding/csv reports anything else, the guard just counts.
			g.state = csvUnquoted
		}
	case csvQuoted:
		switch c {
		case '"':
			g.state = csvQuote
		case '\n':
			g.line++
		}
	}
	return over
}

func (g *csvGuard) column() string {
	if g.field < len(g.names) {
		return g.names[g.field]
	}
	return fmt.Sprint(g.field + 1)
}
