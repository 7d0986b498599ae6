// Package export writes a selected subgraph in the formats analysts use:
// one file per format, each an Encoder that streams entities and then facts
// from one store snapshot to an io.Writer.
package export

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// Meta says what a file holds; every format writes it in its own header or
// metadata element.
type Meta struct {
	Selection store.Selection
	// KnownAt is the transaction time of the snapshot: the time of the
	// newest commit it shows, so the same graph exports the same header.
	KnownAt   time.Time
	Generator string // "alliancegraph <version>"
	// CSVRaw makes the csv format write every cell as stored, without
	// neutralising the ones a spreadsheet would run as formulas
	// (csvcell.go). Other formats ignore it.
	CSVRaw bool
}

// Option changes what Stream writes beyond the selection.
type Option func(*Meta)

// WithCSVRaw sets Meta.CSVRaw.
func WithCSVRaw(raw bool) Option { return func(m *Meta) { m.CSVRaw = raw } }

// Encoder streams one document. Entity is called for every entity before
// any Fact; Close finishes the document (it does not close the writer).
type Encoder interface {
	Entity(*domain.Entity) error
	Fact(*domain.Fact) error
	Close() error
}

// Format is one output format.
type Format struct {
	Name      string // as in --format and ?format=
	MediaType string
	Ext       string // file name extension, without the dot
	// Binary formats (the CSV zip) are not text; GraphQL returns them
	// base64-encoded.
	Binary bool
	New    func(w io.Writer, m Meta) (Encoder, error)
}

var formats []Format

func register(f Format) { formats = append(formats, f) }

// Formats lists the formats by name.
func Formats() []Format {
	fs := slices.Clone(formats)
	slices.SortFunc(fs, func(a, b Format) int { return strings.Compare(a.Name, b.Name) })
	return fs
}

// Lookup returns the format called name, or an error wrapping
// domain.ErrInvalid that lists the known names.
func Lookup(name string) (Format, error) {
	for _, f := range formats {
		if f.Name == name {
			return f, nil
		}
	}
	return Format{}, fmt.Errorf("%w: unknown export format %q (known: %s)", domain.ErrInvalid, name, Names())
}

// Names lists the format names, comma-separated, for messages and help.
func Names() string {
	names := make([]string, 0, len(formats))
	for _, f := range Formats() {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

// Write streams the selection read through r to w in format f. It reads one
// snapshot (r's) from start to end. It reports whether the selection was
// truncated by MaxNodes. Stream adds cancellation and progress.
func Write(r *store.Reader, f Format, sel store.Selection, generator string, w io.Writer, opts ...Option) (bool, error) {
	return Stream(context.Background(), r, f, sel, generator, w, nil, opts...)
}
