package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/alliancegraph/alliancegraph/domain"
)

// Document texts are kept once each, keyed by their SHA-256 (the B keys),
// and reached from a Document entity through its "sha256" external ID:
// the same hash that identifies a source is the key its text is stored
// under, so a citation's span can be cut from it.

// maxDocBytes bounds a stored document text.
const maxDocBytes = 8 << 20

// PutText stores a document's text under its SHA-256 and returns the hex
// sum. Storing a text already stored writes nothing.
func (w *Writer) PutText(text string) (string, error) {
	if !utf8.ValidString(text) {
		return "", fmt.Errorf("%w: document text is not valid UTF-8", domain.ErrInvalid)
	}
	if len(text) > maxDocBytes {
		return "", fmt.Errorf("%w: document text longer than %d bytes", domain.ErrInvalid, maxDocBytes)
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
		return "", fmt.Errorf("%w: %q is not a hex SHA-256", domain.ErrInvalid, sum)
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
		if errors.Is(err, domain.ErrNotFound) || errors.Is(err, domain.ErrInvalid) {
			continue
		}
		if err != nil {
			return nil, err
		}
		sum, ok := e.XIDs[domain.TextScheme]
		if e.Kind != domain.KindDocument || !ok {
			continue
		}
		b, err := hex.DecodeString(sum)
		if err != nil || len(b) != sha256.Size {
			continue
		}
		v, err := r.get(blobKey([32]byte(b)))
		if errors.Is(err, domain.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = string(v)
	}
	return out, nil
}
