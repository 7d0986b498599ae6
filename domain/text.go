package domain

import (
	"crypto/sha256"
	"encoding/hex"
)

// A Document's text is named by its SHA-256: the Document entity holds the
// hex sum as its external ID of scheme TextScheme, and a citation's span
// counts code points in that text.

// TextScheme is the external-ID scheme that names a document's text.
const TextScheme = "sha256"

// TextSum returns the hex SHA-256 of text, as the TextScheme external ID
// holds it.
func TextSum(text string) string {
	s := sha256.Sum256([]byte(text))
	return hex.EncodeToString(s[:])
}

// Quote cuts span [start, end) of text, counted in Unicode code points;
// ok is false when the span does not lie within the text.
func Quote(text string, s Span) (string, bool) {
	if !s.Valid() {
		return "", false
	}
	i, start := 0, -1
	for b := range text {
		if i == s.Start {
			start = b
		}
		if i == s.End {
			return text[start:b], start >= 0
		}
		i++
	}
	if i == s.End && start >= 0 {
		return text[start:], true
	}
	return "", false
}

// Valid reports whether s is a well-formed span: it starts at 0 or after
// and ends after it starts.
func (s Span) Valid() bool { return s.Start >= 0 && s.End > s.Start }
