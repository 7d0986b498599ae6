package jsonl

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/alliancegraph/alliancegraph/domain"
)

// Writer writes a JSON Lines file: the header when it is made, then the
// entities and facts it is given, one per line.
type Writer struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

// NewWriter writes header h to w (its Type, Format and Version are set
// here) and returns a Writer for the lines after it. Output is buffered:
// Close flushes it.
func NewWriter(w io.Writer, h Header) (*Writer, error) {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	h.Type, h.Format, h.Version = "header", Format, Version
	return &Writer{bw: bw, enc: enc}, enc.Encode(h)
}

// Entity writes an entity line.
func (w *Writer) Entity(e *domain.Entity) error { return w.enc.Encode(EntityLine(e)) }

// Fact writes a fact line.
func (w *Writer) Fact(f *domain.Fact) error { return w.enc.Encode(FactLine(f)) }

// Close flushes what is buffered; it does not close the underlying writer.
func (w *Writer) Close() error { return w.bw.Flush() }
