package jsonl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// JSON text that does not stand for Unicode text. encoding/json replaces
// a byte sequence that is not UTF-8, and a \u escape of half a UTF-16
// surrogate pair that has no other half, with U+FFFD and says nothing, so
// a value would be stored other than it was sent. The readers of JSON
// input check for both first and refuse them, naming the member.

// JSONTextProblem says where JSON text is not Unicode text and why.
type JSONTextProblem struct {
	Offset int    // byte offset in the text
	Reason string // e.g. `\ud800 is half of a UTF-16 surrogate pair, not a character`
}

// CheckJSONText returns the first place in b that is not UTF-8 or is a
// lone surrogate escape, or nil. A U+FFFD in b, as the character or as
// \ufffd, is text like any other.
func CheckJSONText(b []byte) *JSONTextProblem {
	if !utf8.Valid(b) {
		off := 0
		for off < len(b) {
			r, n := utf8.DecodeRune(b[off:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			off += n
		}
		return &JSONTextProblem{Offset: off, Reason: fmt.Sprintf("not valid UTF-8 (byte 0x%02x)", b[off])}
	}
	for i := 0; i < len(b); {
		j := bytes.IndexByte(b[i:], '\\')
		if j < 0 {
			return nil
		}
		i += j
		if i+1 >= len(b) || b[i+1] != 'u' {
			i += 2 // any other escape, \\ included
			continue
		}
		r, ok := hex4(b[i+2:])
		switch {
		case !ok:
			i += 2 // malformed: the JSON decoder reports it
		case r >= 0xD800 && r < 0xDC00:
			if r2, ok := hex4(b[min(i+8, len(b)):]); ok && bytes.HasPrefix(b[i+6:], []byte(`\u`)) && r2 >= 0xDC00 && r2 <= 0xDFFF {
				i += 12
				continue
			}
			return surrogateAt(b, i)
		case r >= 0xDC00 && r <= 0xDFFF:
			return surrogateAt(b, i)
		default:
			i += 6
		}
	}
	return nil
}

// In returns the problem as an error naming the member of b it is in.
func (p *JSONTextProblem) In(b []byte) error {
	if path := JSONPathAt(b, p.Offset); path != "" {
		return fmt.Errorf("%s: %s", path, p.Reason)
	}
	return fmt.Errorf("%s", p.Reason)
}

func surrogateAt(b []byte, i int) *JSONTextProblem {
	return &JSONTextProblem{Offset: i, Reason: string(b[i:i+6]) + " is half of a UTF-16 surrogate pair, not a character"}
}

// hex4 reads four hex digits at the start of b.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[:4]), 16, 32)
	return rune(n), err == nil
}

// JSONPathAt names the member of the JSON text b that holds byte offset
// off: "name", "aliases[1]", "citations[0].url" (a key itself is named
// by its own path). It returns "" when b does not decode that far.
func JSONPathAt(b []byte, off int) string {
	type frame struct {
		object  bool
		key     string
		index   int
		wantKey bool
	}
	var stack []frame
	path := func() string {
		var p []byte
		for _, f := range stack {
			if f.object {
				if len(p) > 0 {
					p = append(p, '.')
				}
				p = append(p, f.key...)
			} else {
				p = append(p, '[')
				p = strconv.AppendInt(p, int64(f.index), 10)
				p = append(p, ']')
			}
		}
		return string(p)
	}
	// done moves the innermost container past a finished value.
	done := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].object {
				stack[n-1].wantKey = true
			} else {
				stack[n-1].index++
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		here := off < int(dec.InputOffset())
		if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
			if key, ok := tok.(string); ok {
				stack[n-1].key, stack[n-1].wantKey = key, false
				if here {
					return path()
				}
				continue
			}
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if here {
				return path()
			}
			stack = append(stack, frame{object: tok == json.Delim('{'), wantKey: tok == json.Delim('{')})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			done()
		default:
			if here {
				return path()
			}
			done()
		}
	}
}
