package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/store"
)

const ingestSummary = `Store a text document by its SHA-256 in the store in DIR, link it to the
Document entity with that hash (so its citations resolve to quotes), and
add MENTIONS facts for the known entities it names, with their spans.`

func runIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("ingest", ingestSummary, stdout, stderr)
	dir := fs.String("data", envOr("ALLIANCEGRAPH_DATA", "./data"), "data `directory` (env ALLIANCEGRAPH_DATA)")
	title := fs.String("title", "", "title for a document the graph does not cite yet (default: its first line)")
	author := fs.String("author", "cli", "author `name` recorded in history")
	if err := fs.Parse(args); err != nil {
		return ErrUsageOr(err)
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "ingest: name one FILE")
		return ErrUsage
	}
	if !authorOK("ingest", *author, stderr) {
		return ErrUsage
	}
	text, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	db, err := store.Open(*dir, store.DefaultOptions())
	if err != nil {
		return lockedHint("ingest", *dir, err)
	}
	defer db.Close()
	var res *dataset.IngestResult
	_, err = db.UpdateWith(store.UpdateOptions{Author: *author, Note: "ingest " + filepath.Base(fs.Arg(0))}, func(w *store.Writer) error {
		var err error
		res, err = dataset.Ingest(w, string(text), *title)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ingested %s as %s: %d entities mentioned\n", res.SHA256, res.DocID, len(res.Mentions))
	return nil
}
