package dataset

import (
	"bufio"
	"bytes"
	"io"
)

// utf8BOM is the byte order mark that some editors and spreadsheets put
// at the start of a UTF-8 file. JSON lets a parser ignore it (RFC 8259,
// section 8.1) and CSV has no rule about it; an import skips it rather
// than refuse the first line over a character nobody can see.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// skipBOM returns r without a leading byte order mark.
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(len(utf8BOM)); err == nil && bytes.Equal(b, utf8BOM) {
		br.Discard(len(utf8BOM))
	}
	return br
}
