package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Document texts are kept once each, keyed by their SHA-256 (the B keys),
// and reached from a Document entity through its "sha256" external ID:
// the same hash that identifies a source is the key its text is stored
// under, so a citation's span can be cut from it.

// TextScheme is the external-ID scheme that names a document's text.
const TextScheme = "sha256"

// maxDocBytes bounds a stored document text.
const maxDocBytes = 8 << 20

// TextSum returns the hex SHA-256 of text, as the "sha256" external ID
// holds it.
func TextSum(text string) string {
	s := sha256.Sum256([]byte(text))
	return hex.EncodeToString(s[:])
}

// PutText stores a document's text under its SHA-256 and returns the hex
// sum. Storing a text already stored writes nothing.
func (w *Writer) PutText(text string) (string, error) {
	if !utf8.ValidString(text) {
		return "", fmt.Errorf("%w: document text is not valid UTF-8", ErrInvalid)
	}
	if len(text) > maxDocBytes {
		return "", fmt.Errorf("%w: document text longer than %d bytes", ErrInvalid, maxDocBytes)
	}
	sum := sha256.Sum256([]byte(text))
	ok, err := w.exists(blobKey(sum))
	if err != nil || ok {
		return hex.EncodeToString(sum[:]), err
	}
	return hex.EncodeToString(sum[:]), w.set(blobKey(sum), []byte(text))
}

// Text returns the text stored under hex SHA-256 sum, or ErrNotFound.
func (r *Reader) Text(sum string) (string, error) {
	r.count()
	b, err := hex.DecodeString(sum)
	if err != nil || len(b) != sha256.Size {
		return "", fmt.Errorf("%w: %q is not a hex SHA-256", ErrInvalid, sum)
	}
	v, err := r.get(blobKey([32]byte(b)))
	if err != nil {
		return "", err
	}
	return string(v), nil
}

// DocumentTexts returns the stored texts of the Documents among ids, keyed
// by ID; documents without a stored text are absent. One store read.
func (r *Reader) DocumentTexts(ids []string) (map[string]string, error) {
	r.count()
	out := make(map[string]string, len(ids))
	for _, id := range ids {
		e, _, err := r.entity(id)
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalid) {
			continue
		}
		if err != nil {
			return nil, err
		}
		sum, ok := e.XIDs[TextScheme]
		if e.Kind != KindDocument || !ok {
			continue
		}
		b, err := hex.DecodeString(sum)
		if err != nil || len(b) != sha256.Size {
			continue
		}
		v, err := r.get(blobKey([32]byte(b)))
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = string(v)
	}
	return out, nil
}

// Quote cuts span [start, end) of text, counted in Unicode code points;
// ok is false when the span does not lie within the text.
func Quote(text string, s Span) (string, bool) {
	if s.Start < 0 || s.End <= s.Start {
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
