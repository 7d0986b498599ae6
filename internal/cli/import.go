package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/alliancegraph/alliancegraph/auth"
	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/export"
	"github.com/alliancegraph/alliancegraph/store"
)

const importSummary = `Import files into the store in DIR as one commit, all or nothing. Formats,
chosen by file name:
  *.jsonl, *.ndjson        the project's JSON Lines (what a jsonl export writes)
  *.zip                    the Neo4j CSV zip a csv export writes
  *nodes*.csv + *relationships*.csv   the same pair, unzipped (give both)
  *.json                   Wikidata SPARQL JSON results of membership statements
A bad record stops the import with its file, line and reason, and nothing is
applied; so does a line, CSV record or Wikidata binding longer than --max-line,
or a zip whose CSV files unzip to more than --max-unzipped. Importing the same files again changes nothing. Progress goes to
stderr. The server must not be running on DIR (use POST /import instead).
DIR must hold a store, or be new or empty: a directory holding other files
is refused.`

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import", importSummary, stdout, stderr)
	dir := fs.String("data", envOr("ALLIANCEGRAPH_DATA", "./data"), "data `directory` (env ALLIANCEGRAPH_DATA)")
	author := fs.String("author", "cli", "author `name` recorded in history")
	csvRaw := fs.Bool("csv-raw", false, "CSV: the cells are as stored, so a leading ' is data; by default it is taken off a cell where\nthe csv export put it before a formula-like value (a zip or a directory whose README.txt says --csv-raw is raw anyway)")
	limits := dataset.DefaultLimits()
	fs.Int64Var(&limits.MaxLine, "max-line", limits.MaxLine, "longest JSON line, CSV record or Wikidata binding, in `bytes` (LIMIT_EXCEEDED beyond)")
	fs.Int64Var(&limits.MaxUnzipped, "max-unzipped", limits.MaxUnzipped, "what a zip's CSV files may unzip to, together, in `bytes`")
	fast := fs.Bool("fast", true, "into an empty directory, hold the import in memory (about 7 times the input's size, 14 for CSV) and write it sorted in one go;\nthe chunked import runs instead when that is more than the memory budget (3/4 of the machine's memory, or GOMEMLIMIT); false: always chunked")
	if err := fs.Parse(args); err != nil {
		return ErrUsageOr(err)
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "import: name at least one FILE")
		return ErrUsage
	}
	if !authorOK("import", *author, stderr) {
		return ErrUsage
	}
	if limits.MaxLine < 1 || limits.MaxUnzipped < 1 {
		fmt.Fprintln(stderr, "import: --max-line and --max-unzipped must be at least 1")
		return ErrUsage
	}
	inputs, err := fileInputs(fs.Args(), dataset.WithRawCSV(*csvRaw), dataset.WithLimits(limits))
	if err != nil {
		return err
	}
	db, err := store.Open(*dir, store.DefaultOptions())
	if err != nil {
		return lockedHint("import", *dir, err)
	}
	defer db.Close()
	if *fast {
		budget, src := memoryBudget()
		defer withMemoryLimit(budget, src)()
		if need := loadEstimate(fs.Args()); budget > 0 && need > budget {
			fmt.Fprintf(stderr, "import: the fast import would hold about %s in memory, more than the budget of %s (%s); importing in chunks instead\n", gib(need), gib(budget), src)
			*fast = false
		}
	}
	rep, err := dataset.Import(db, inputs, dataset.ImportOptions{Author: *author, Progress: stderr, Load: *fast})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d records, %d changed\n", rep.Records, rep.Changed)
	return nil
}

// authorOK says on stderr why author may not be recorded, if so: the
// curated dataset's name is reserved (see auth.DatasetAuthor).
func authorOK(cmd, author string, stderr io.Writer) bool {
	if author == auth.DatasetAuthor {
		fmt.Fprintf(stderr, "%s: --author %s is reserved for the curated dataset's own writes\n", cmd, author)
		return false
	}
	return true
}

// ErrUsageOr maps flag errors like parseFlags does, for commands that take
// arguments after their flags.
func ErrUsageOr(err error) error {
	if err == nil || err.Error() == "flag: help requested" {
		return err
	}
	return ErrUsage
}

func openFile(name string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return os.Open(name) }
}

// fileInputs chooses an importer for each file by its name.
func fileInputs(files []string, opts ...dataset.InputOption) ([]dataset.Input, error) {
	var inputs []dataset.Input
	var nodes, rels string
	for _, f := range files {
		// A missing file fails here, before the store is opened (and,
		// in a new directory, created).
		if fi, err := os.Stat(f); err != nil {
			return nil, fmt.Errorf("import: %w", err)
		} else if !fi.Mode().IsRegular() && fi.Mode()&os.ModeNamedPipe == 0 && fi.Mode()&os.ModeCharDevice == 0 {
			return nil, fmt.Errorf("import: %s is not a file", f)
		}
		base := strings.ToLower(filepath.Base(f))
		switch ext := filepath.Ext(base); {
		case ext == ".jsonl" || ext == ".ndjson":
			inputs = append(inputs, dataset.JSONLInput(f, openFile(f), opts...))
		case ext == ".json":
			inputs = append(inputs, dataset.WikidataInput(f, openFile(f), opts...))
		case ext == ".zip":
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			inputs = append(inputs, dataset.CSVZipInput(f, data, opts...))
		case ext == ".csv" && strings.Contains(base, "nodes"):
			nodes = f
		case ext == ".csv" && strings.Contains(base, "relationships"):
			rels = f
		default:
			return nil, fmt.Errorf("import: %s: unknown format (want .jsonl, .json, .zip or a nodes/relationships .csv pair)", f)
		}
	}
	if (nodes == "") != (rels == "") {
		return nil, fmt.Errorf("import: a CSV import needs both nodes.csv and relationships.csv")
	}
	if nodes != "" {
		if rawReadme(filepath.Join(filepath.Dir(nodes), "README.txt")) {
			opts = append(opts, dataset.WithRawCSV(true))
		}
		inputs = append(inputs, dataset.CSVInput(filepath.Dir(nodes), openFile(nodes), openFile(rels), opts...))
	}
	return inputs, nil
}

// rawReadme reports whether the README.txt at path, if there is one, is
// that of a csv export written with --csv-raw (an unzipped export).
func rawReadme(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, 64<<10))
	return bytes.Contains(b, []byte(export.CSVRawNote))
}
