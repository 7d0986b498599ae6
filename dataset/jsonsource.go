package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// errValueTooLong stops a json.Decoder that would hold more than a
// jsonSource's limit.
var errValueTooLong = errors.New("JSON value over the limit")

// jsonSource feeds a json.Decoder from r while keeping what a streamed
// document needs for its messages and its memory:
//
//   - line numbers: it keeps the bytes the decoder has read since the last
//     position asked about (lineAt) and the count of lines before them;
//   - a bound: a decoder buffers a whole value (and any white space before
//     it) until it is complete, so before each read it checks that the
//     bytes read past the decoder's position are not already over limit.
//
// Positions asked about must not go backwards.
type jsonSource struct {
	r      io.Reader
	dec    *json.Decoder
	limit  int64
	read   int64  // bytes handed to the decoder
	base   int64  // offset of window[0] in the stream
	window []byte // the bytes from base to read
	lines  int    // line breaks before base
}

func (s *jsonSource) Read(p []byte) (int, error) {
	if s.dec != nil && s.read-s.dec.InputOffset() > s.limit {
		return 0, errValueTooLong
	}
	n, err := s.r.Read(p)
	s.window = append(s.window, p[:n]...)
	s.read += int64(n)
	return n, err
}

// lineAt returns the 1-based line of stream offset off, or with skip that
// of the first byte at or after off that is not white space or a comma
// (where the next value starts), as far as the decoder has read. It
// forgets the bytes before off.
func (s *jsonSource) lineAt(off int64, skip bool) int {
	i := int(min(max(off-s.base, 0), int64(len(s.window))))
	s.lines += bytes.Count(s.window[:i], []byte("\n"))
	s.window = s.window[i:]
	s.base += int64(i)
	j := 0
	for skip && j < len(s.window) && bytes.IndexByte([]byte(" \t\r\n,"), s.window[j]) >= 0 {
		j++
	}
	return s.lines + 1 + bytes.Count(s.window[:j], []byte("\n"))
}
