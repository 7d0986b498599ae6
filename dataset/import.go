package dataset

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// Bulk import. Each format has its own file (import_jsonl.go,
// import_csv.go, import_wikidata.go) that turns an input into a stream of
// Records; Import applies the records of one or more inputs as one commit.
//
// An import is all or nothing. It reads every input twice: first only to
// check that each record parses (a bad one stops the import naming its
// file, line and reason before anything is written), then to apply them
// through store.DB.BulkUpdate, which commits in chunks hidden from readers
// and makes them visible with one final commit, or rolls them all back if
// a record breaks a store rule. Records are upserts by readable ID and an
// unchanged record writes nothing, so importing the same file again commits
// nothing.

// Record is one thing an input says, with where it says it. Exactly one of
// Entity, Fact and Apply is set, or none for a record that only carries At.
type Record struct {
	Line   int
	Entity *domain.Entity
	Fact   *domain.Fact
	// Apply writes a record that needs the store to be resolved (a
	// Wikidata row names entities by external ID).
	Apply func(w *store.Writer) (changed bool, err error)
	// At is the transaction time the input says it was exported at
	// (the JSON Lines header's knownAt).
	At time.Time
}

// Input is one import source: a name for messages and a function that
// streams its records (it may be called more than once).
type Input struct {
	Name string
	Read func(emit func(Record) error) error
	// Scans is set for an input whose records read the store with scans
	// (a Wikidata row looks at a state's memberships); such an input
	// cannot go through store.DB.Load, whose writes Badger's scans do
	// not see until it commits.
	Scans bool
}

// Report says what an import did.
type Report struct {
	Records int       // records read
	Changed int       // entities and facts created or changed
	At      time.Time // the commit's transaction time (zero if nothing changed)
}

// LineError is a bad record: which file, which line, why.
type LineError struct {
	File string
	Line int // 0 when the problem is not on one line
	Err  error
}

// Error reads "file:line: reason". The reason is domain.Message's, without
// the sentinel's words ("invalid: "): the message is for the person who
// fixes the file, and errors.Is still finds the sentinel.
func (e *LineError) Error() string {
	msg := domain.Message(e.Err)
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, msg)
}

func (e *LineError) Unwrap() error { return e.Err }

// badLine reports a malformed record; it wraps domain.ErrInvalid.
func badLine(line int, format string, a ...any) error {
	return &LineError{Line: line, Err: fmt.Errorf("%w: %s", domain.ErrInvalid, fmt.Sprintf(format, a...))}
}

// overLimit reports a record over one of the Limits; it wraps
// domain.ErrLimit.
func overLimit(line int, format string, a ...any) error {
	return &LineError{Line: line, Err: fmt.Errorf("%w: %s", domain.ErrLimit, fmt.Sprintf(format, a...))}
}

// inFile names the file in err, unless it already does.
func inFile(name string, err error) error {
	var le *LineError
	if errors.As(err, &le) {
		if le.File == "" {
			le.File = name
		}
		return le
	}
	return &LineError{File: name, Err: err}
}

// DefaultChunk is how many records one hidden chunk of an import holds.
const DefaultChunk = 500

// ImportOptions configure Import.
type ImportOptions struct {
	Author   string    // recorded in history
	Progress io.Writer // progress lines; nil: none
	Chunk    int       // records per hidden chunk; 0: DefaultChunk
	// Load lets an import into an empty store take store.DB.Load's fast
	// path: one pass over the inputs, everything held in memory, then
	// written sorted straight into Badger. Set it only when nothing else
	// reads the store during the import (the CLI); it is ignored when the
	// store is not empty or an input scans the store.
	Load bool
}

// Import applies inputs to db as one commit.
func Import(db *store.DB, inputs []Input, o ImportOptions) (Report, error) {
	progress, author, chunk := o.Progress, o.Author, o.Chunk
	if progress == nil {
		progress = io.Discard
	}
	if chunk <= 0 {
		chunk = DefaultChunk
	}
	if o.Load && !slices.ContainsFunc(inputs, func(in Input) bool { return in.Scans }) {
		rep, err := load(db, inputs, author, progress)
		if !errors.Is(err, store.ErrNotEmpty) {
			return rep, err
		}
	}
	var rep Report
	var at time.Time
	for _, in := range inputs {
		n := 0
		err := in.Read(func(r Record) error {
			if !r.At.IsZero() && len(inputs) == 1 {
				at = r.At
			}
			n++
			return nil
		})
		if err != nil {
			return rep, inFile(in.Name, err)
		}
		fmt.Fprintf(progress, "import: %s: %d records parse\n", in.Name, n)
		rep.Records += n
	}
	note := importNote(inputs)
	done := 0
	var lastReport time.Time // the first chunk reports at once, later ones once a second
	commitAt, err := db.BulkUpdate(store.UpdateOptions{Author: author, Note: note, At: at}, func(b *store.Bulk) error {
		rep.Changed = 0 // BulkUpdate runs this once; reset keeps the count honest if that changes
		for _, in := range inputs {
			err := in.Read(func(r Record) error {
				changed, err := applyLine(b.Writer(), r)
				if err != nil {
					return err
				}
				if changed {
					rep.Changed++
				}
				done++
				if done%chunk == 0 {
					if time.Since(lastReport) >= time.Second {
						lastReport = time.Now()
						fmt.Fprintf(progress, "import: %d/%d records applied (hidden until the import commits)\n", done, rep.Records)
					}
					return b.Flush()
				}
				return nil
			})
			if err != nil {
				return inFile(in.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	if rep.Changed > 0 {
		rep.At = commitAt
	}
	fmt.Fprintf(progress, "import: done: %d records, %d changed\n", rep.Records, rep.Changed)
	return rep, nil
}

// importNote is the commit note of an import: the files it read.
func importNote(inputs []Input) string {
	note := "import"
	for _, in := range inputs {
		note += " " + in.Name
	}
	return note
}

// applyLine applies r, naming its line in an error.
func applyLine(w *store.Writer, r Record) (bool, error) {
	changed, err := apply(w, r)
	if err != nil {
		var le *LineError
		if !errors.As(err, &le) {
			err = &LineError{Line: r.Line, Err: err}
		}
	}
	return changed, err
}

func apply(w *store.Writer, r Record) (bool, error) {
	switch {
	case r.Entity != nil:
		return w.PutEntity(*r.Entity)
	case r.Fact != nil:
		return w.PutFact(*r.Fact)
	case r.Apply != nil:
		return r.Apply(w)
	}
	return false, nil
}
