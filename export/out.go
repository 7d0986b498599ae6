package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
)

// out buffers a format's output and remembers the first write error, so
// an encoder stops at the next record once the reader has gone away or
// the disk is full, instead of formatting the rest of the graph for
// nothing.
type out struct {
	*bufio.Writer
	sink *errWriter
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func newOut(w io.Writer) *out {
	sink := &errWriter{w: w}
	return &out{Writer: bufio.NewWriterSize(sink, 32<<10), sink: sink}
}

// err is the first error writing to the underlying writer.
func (o *out) err() error { return o.sink.err }

// xmlText writes s escaped for XML text and attribute values (quotes,
// tabs and line breaks included, so attribute values keep them).
func (o *out) xmlText(s string) {
	xml.EscapeText(o, []byte(s))
}

// marshalJSON encodes v without HTML escaping and without a trailing
// newline.
func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
