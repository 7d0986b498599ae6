package dataset

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"time"

	"github.com/alliancegraph/alliancegraph/export"
	"github.com/alliancegraph/alliancegraph/store"
)

// JSONLInput reads the project's own JSON Lines format (export/jsonl.go:
// a header line, then entities, then facts), the format a JSON Lines
// export writes. The header's knownAt becomes the import's commit time
// when the store has nothing newer (see store.UpdateOptions.At), so
// exporting, importing into an empty store and exporting again gives the
// same bytes.
func JSONLInput(name string, open func() (io.ReadCloser, error)) Input {
	return Input{Name: name, Read: func(emit func(Record) error) error {
		rc, err := open()
		if err != nil {
			return err
		}
		defer rc.Close()
		return ReadJSONL(skipBOM(rc), emit)
	}}
}

// lineOf recovers the line number from ReadJSONL's "line N:" messages.
var lineOf = regexp.MustCompile(`line (\d+): `)

// ReadJSONL streams the records of a JSON Lines document.
func ReadJSONL(r io.Reader, emit func(Record) error) error {
	records := 0
	err := export.ReadJSONL(r, func(rec export.JSONLRecord) error {
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
	})
	if err == nil {
		return nil
	}
	var le *LineError
	if errors.As(err, &le) {
		return err
	}
	if m := lineOf.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		msg := err.Error()[len(store.ErrInvalid.Error())+2:]
		return &LineError{Line: n, Err: fmt.Errorf("%w: %s", store.ErrInvalid, msg[len(m[0]):])}
	}
	return err
}
