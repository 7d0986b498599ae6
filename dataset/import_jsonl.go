package dataset

import (
	"errors"
	"io"
	"math"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/jsonl"
)

// JSONLInput reads the project's own JSON Lines format (package jsonl:
// a header line, then entities, then facts), the format a JSON Lines
// export writes. The header's knownAt becomes the import's commit time
// when the store has nothing newer (see store.UpdateOptions.At), so
// exporting, importing into an empty store and exporting again gives the
// same bytes. A line may be at most Limits.MaxLine bytes.
func JSONLInput(name string, open func() (io.ReadCloser, error), opts ...InputOption) Input {
	return Input{Name: name, Read: func(emit func(Record) error) error {
		rc, err := open()
		if err != nil {
			return err
		}
		defer rc.Close()
		return ReadJSONL(skipBOM(rc), emit, opts...)
	}}
}

// ReadJSONL streams the records of a JSON Lines document.
func ReadJSONL(r io.Reader, emit func(Record) error, opts ...InputOption) error {
	c := newInputConfig(opts)
	records := 0
	err := jsonl.Read(r, func(rec jsonl.Record) error {
		records++
		switch {
		case rec.Header != nil:
			if records != 1 {
				return badLine(rec.Line, "a header line may only come first")
			}
			out := Record{Line: rec.Line}
			if rec.Header.KnownAt != "" {
				t, err := time.Parse(time.RFC3339Nano, rec.Header.KnownAt)
				if err != nil {
					return badLine(rec.Line, "header knownAt %q is not RFC 3339", rec.Header.KnownAt)
				}
				out.At = t
			}
			return emit(out)
		case rec.Entity != nil:
			return emit(Record{Line: rec.Line, Entity: rec.Entity})
		case rec.Fact != nil:
			return emit(Record{Line: rec.Line, Fact: rec.Fact})
		}
		return nil
	}, jsonl.WithMaxLine(int(min(c.limits.MaxLine, math.MaxInt32))))
	var je *jsonl.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, new(*LineError)):
		return err
	case errors.As(err, &je) && errors.Is(je.Err, domain.ErrLimit):
		return overLimit(je.Line, "a line longer than the limit of %s", byteSize(c.limits.MaxLine))
	case errors.As(err, &je):
		return &LineError{Line: je.Line, Err: je.Err}
	}
	return err
}
