package graph

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// noLoneSurrogates refuses a query document whose string literals hold a
// \u escape of half a UTF-16 surrogate pair (\ud800 alone, or not followed
// by a low half): gqlparser's lexer writes U+FFFD in its place, so the
// value would be stored other than it was sent. It runs before parsing,
// for every transport, and answers as a parse error does (422,
// BAD_USER_INPUT) naming the line and column.
type noLoneSurrogates struct{}

var (
	_ graphql.HandlerExtension          = noLoneSurrogates{}
	_ graphql.OperationParameterMutator = noLoneSurrogates{}
)

func (noLoneSurrogates) ExtensionName() string                   { return "AllianceGraphNoLoneSurrogates" }
func (noLoneSurrogates) Validate(graphql.ExecutableSchema) error { return nil }

func (noLoneSurrogates) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	line, col, esc, found := loneSurrogateEscape(p.Query)
	if !found {
		return nil
	}
	err := &gqlerror.Error{
		Message:   fmt.Sprintf("line %d, column %d: %s is half of a UTF-16 surrogate pair, not a character", line, col, esc),
		Locations: []gqlerror.Location{{Line: line, Column: col}},
	}
	errcode.Set(err, errcode.ParseFailed)
	return err
}

// loneSurrogateEscape finds the first escape of a surrogate code point in
// a string literal of the GraphQL document src that is not the high half
// of a \uXXXX\uXXXX pair: its line and column (1-based, in characters)
// and its text. Comments and block strings, which have no escapes, are
// skipped.
func loneSurrogateEscape(src string) (line, col int, esc string, found bool) {
	line, lineStart := 1, 0
	newline := func(i int) {
		line++
		lineStart = i + 1
	}
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case c == '\n' || (c == '\r' && (i+1 >= len(src) || src[i+1] != '\n')):
			newline(i)
		case c == '#':
			for i+1 < len(src) && src[i+1] != '\n' && src[i+1] != '\r' {
				i++
			}
		case strings.HasPrefix(src[i:], `"""`):
			end := i + 3
			for end < len(src) && !strings.HasPrefix(src[end:], `"""`) {
				if strings.HasPrefix(src[end:], `\"""`) {
					end += 4
					continue
				}
				if src[end] == '\n' || (src[end] == '\r' && (end+1 >= len(src) || src[end+1] != '\n')) {
					newline(end)
				}
				end++
			}
			i = end + 2
		case c == '"':
			for i++; i < len(src) && src[i] != '"' && src[i] != '\n' && src[i] != '\r'; i++ {
				if src[i] != '\\' || i+1 >= len(src) {
					continue
				}
				n, lone := escapeAt(src[i:])
				if lone {
					return line, 1 + utf8.RuneCountInString(src[lineStart:i]), src[i : i+n], true
				}
				i += n - 1 // past the escape: \" does not end the string
			}
		}
	}
	return 0, 0, "", false
}

// escapeAt reads the escape at the start of s (a backslash and more):
// its length, and whether it is a lone surrogate: \uD800 to \uDFFF not
// part of a high-low pair, or a braced \u{D800} (never valid).
func escapeAt(s string) (n int, lone bool) {
	if !strings.HasPrefix(s, `\u`) {
		return 2, false
	}
	if strings.HasPrefix(s, `\u{`) {
		end := strings.IndexByte(s, '}')
		if end < 0 {
			return 3, false // malformed: the parser reports it
		}
		v, err := strconv.ParseUint(s[3:end], 16, 32)
		return end + 1, err == nil && v >= 0xD800 && v <= 0xDFFF
	}
	r, ok := hexRune(s[2:])
	switch {
	case !ok:
		return 2, false // malformed: the parser reports it
	case r < 0xD800 || r > 0xDFFF:
		return 6, false
	case r < 0xDC00 && strings.HasPrefix(s[6:], `\u`):
		if r2, ok := hexRune(s[8:]); ok && r2 >= 0xDC00 && r2 <= 0xDFFF {
			return 12, false
		}
	}
	return 6, true
}

func hexRune(s string) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(s[:4], 16, 32)
	return rune(v), err == nil
}
