package dataset

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/alliancegraph/alliancegraph/store"
)

// load is Import's fast path into an empty store (ImportOptions.Load):
// one pass over the inputs through store.DB.Load, which keeps every write
// in memory and streams them into Badger at the end. A bad record stops
// it before anything is written, so it needs no parse-only first pass.
// It returns store.ErrNotEmpty, having read nothing, when the store
// holds data.
func load(db *store.DB, inputs []Input, author string, progress io.Writer) (Report, error) {
	var rep Report
	at, err := headerAt(inputs)
	if err != nil {
		return rep, err
	}
	start := time.Now()
	var parsed time.Duration
	var entities, facts int
	o := store.UpdateOptions{Author: author, Note: importNote(inputs), At: at}
	commitAt, err := db.Load(o, func(w *store.Writer) error {
		for _, in := range inputs {
			err := in.Read(func(r Record) error {
				rep.Records++
				switch {
				case r.Entity != nil:
					entities++
				case r.Fact != nil:
					facts++
				}
				changed, err := applyLine(w, r)
				if changed {
					rep.Changed++
				}
				return err
			})
			if err != nil {
				return inFile(in.Name, err)
			}
		}
		parsed = time.Since(start)
		fmt.Fprintf(progress, "import: %d records applied in memory in %.1f s; writing them\n", rep.Records, parsed.Seconds())
		return nil
	})
	if err != nil {
		return Report{}, err
	}
	if rep.Changed > 0 {
		rep.At = commitAt
	}
	total := time.Since(start).Seconds()
	fmt.Fprintf(progress, "import: done: %d records, %d changed, in %.1f s: %d entities (%.0f/s), %d facts (%.0f/s)\n",
		rep.Records, rep.Changed, total, entities, float64(entities)/total, facts, float64(facts)/total)
	return rep, nil
}

// errHeaderRead stops headerAt's read after the first record.
var errHeaderRead = errors.New("header read")

// headerAt returns the transaction time a single input's header asks to
// commit at (see Record.At), reading only its first record.
func headerAt(inputs []Input) (time.Time, error) {
	if len(inputs) != 1 {
		return time.Time{}, nil
	}
	var at time.Time
	err := inputs[0].Read(func(r Record) error {
		at = r.At
		return errHeaderRead
	})
	if err != nil && !errors.Is(err, errHeaderRead) {
		return time.Time{}, inFile(inputs[0].Name, err)
	}
	return at, nil
}
