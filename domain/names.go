package domain

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold returns s lower-cased with accents removed ("Türkiye" -> "turkiye"),
// the form names are indexed and searched in.
func Fold(s string) string {
	if isASCII(s) {
		// Nothing to decompose or map but the case (foldRune's special
		// cases are all beyond ASCII); ToLower returns s itself when it
		// has no upper case.
		return strings.ToLower(s)
	}
	t := accents.Get().(transform.Transformer)
	out, _, err := transform.String(t, s) // resets t first
	accents.Put(t)
	if err != nil {
		out = s
	}
	return strings.Map(foldRune, out)
}

// accents holds transformers that strip combining marks. A chain holds
// buffers of its own; building one per call was most of what member lists
// sorted by name allocated.
var accents = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func foldRune(r rune) rune {
	switch r {
	case 'ß':
		return 's'
	case 'ı':
		return 'i'
	case 'ø', 'Ø':
		return 'o'
	case 'æ', 'Æ':
		return 'a'
	case 'ł', 'Ł':
		return 'l'
	case 'đ', 'Đ':
		return 'd'
	}
	return unicode.ToLower(r)
}

// Tokens splits s into folded words: runs of letters and digits. Each
// distinct token is returned once, in first-seen order.
func Tokens(s string) []string {
	words := strings.FieldsFunc(Fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	out := words[:0]
	seen := make(map[string]bool, len(words))
	for _, w := range words {
		if len(w) > MaxTokenLen {
			w = w[:MaxTokenLen]
			for !utf8.ValidString(w) {
				w = w[:len(w)-1]
			}
		}
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// MaxTokenLen bounds indexed tokens; longer words are indexed by their
// first bytes, which still find them by prefix.
const MaxTokenLen = 64

// NameTokens lists the tokens entity e is found by: the words of its name
// and aliases.
func NameTokens(e *Entity) []string {
	return Tokens(strings.Join(append([]string{e.Name}, e.Aliases...), " "))
}
