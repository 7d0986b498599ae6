package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/export"
	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/store"
)

const exportSummary = `Write a subgraph, or the whole graph, to a file in an analyst's format:
graphml, gexf, json (node-link), csv (a zip for neo4j-admin import),
ntriples, turtle, jsonld, dot or jsonl. Without --ids the whole graph is
written. Lists are comma-separated with the GraphQL names (MEMBER_OF,
COUNTRY). The output is byte for byte what GET /export gives for the same
selection and snapshot. A progress line goes to stderr every second. The
file appears only when complete, with mode 0644 less the umask. The
server must not be running on the same directory (it holds the lock). The
store is opened read-only (a read-only mount is no obstacle); one that was
not closed cleanly is first recovered, which writes to it.`

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", exportSummary, stdout, stderr)
	dir := fs.String("data", envOr("ALLIANCEGRAPH_DATA", "./data"), "data `directory` (env ALLIANCEGRAPH_DATA)")
	q := url.Values{}
	param := func(name, flagName, usage string) {
		fs.Func(flagName, usage, func(s string) error { q.Set(name, s); return nil })
	}
	param("format", "format", "output `format`: "+export.Names()+" (required)")
	param("ids", "ids", "seed entity `IDs`, e.g. org/nato,country/FIN (omitted: the whole graph)")
	param("depth", "depth", "`hops` from the seeds, 0 to 6 (default 1)")
	param("predicates", "predicates", "`predicates` to follow and include, e.g. MEMBER_OF,HOLDS (omitted: all)")
	param("kinds", "kinds", "entity `kinds` to include besides the seeds, e.g. COUNTRY (omitted: all)")
	param("asOf", "as-of", "only facts valid on this `date`, YYYY-MM-DD (omitted: every time)")
	param("knownAt", "known-at", "read the graph as it stood at this `time`, RFC 3339 (omitted: newest)")
	param("maxNodes", "max-nodes", "stop adding entities at this `count` (omitted: no cap)")
	fs.BoolFunc("csv-raw", "csv: write cells as stored; by default a cell a spreadsheet would run as a formula\n(starting with = + - @, a tab or a carriage return) is written quoted with a ' prefix, which import removes", func(s string) error {
		q.Set("csvRaw", s)
		return nil
	})
	outPath := fs.String("o", "-", "output `file` (- for standard output)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	req, err := httpapi.ParseExportQuery(q)
	if err != nil {
		fmt.Fprintln(stderr, "export:", domain.Message(err))
		return ErrUsage
	}
	if msg := extensionMismatch(*outPath, req.Format); msg != "" {
		fmt.Fprintln(stderr, "export:", msg)
		return ErrUsage
	}
	db, err := openToRead("export", *dir, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	return exportTo(ctx, db, req, *outPath, stdout, stderr)
}

// extensionMismatch refuses an output file whose extension names another
// format than the one written, e.g. nato.csv for the csv format, which
// writes a zip of CSV files: the file would not open as its name says.
// An extension no format uses is the user's choice.
func extensionMismatch(path string, f export.Format) string {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	if path == "-" || ext == "" || ext == f.Ext {
		return ""
	}
	for _, g := range export.Formats() {
		if ext == g.Ext || ext == g.Name {
			fix := strings.TrimSuffix(path, filepath.Ext(path)) + "." + f.Ext
			what := "a ." + f.Ext + " file"
			if f.Name == "csv" {
				what = "a zip of CSV files (nodes.csv, relationships.csv, README.txt)"
			}
			return fmt.Sprintf("--format %s writes %s, not .%s: name the output %s", f.Name, what, ext, fix)
		}
	}
	return ""
}

// exportTo writes the export to path ("-": stdout). A file is written
// beside its final name and renamed into place only when complete.
func exportTo(ctx context.Context, db *store.DB, req httpapi.ExportRequest, path string, stdout, stderr io.Writer) error {
	var w io.Writer = stdout
	var tmp *os.File
	if path != "-" {
		var err error
		tmp, err = createBeside(path)
		if err != nil {
			return fmt.Errorf("export: cannot write %s: %w", path, errors.Unwrap(err))
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		w = tmp
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := &countingWriter{w: bw}
	prog := newProgressLine(stderr, cw)
	var truncated bool
	err := db.View(req.KnownAt, func(r *store.Reader) error {
		var err error
		truncated, err = export.Stream(ctx, r, req.Format, req.Selection, generator(), cw, prog.update, req.Options()...)
		return err
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		if domain.CodeOf(err) == domain.CodeBadUserInput {
			fmt.Fprintln(stderr, "export:", domain.Message(err))
			return ErrUsage
		}
		return err
	}
	if tmp != nil {
		if err := tmp.Close(); err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			return err
		}
	}
	prog.done(truncated)
	return nil
}

// createBeside creates a new, hidden file in path's directory to write
// path's content into before it is renamed to path. Its mode is 0644
// less the umask, what the file would have if it were created directly
// (os.CreateTemp's files are 0600, which a rename keeps).
func createBeside(path string) (*os.File, error) {
	dir, base := filepath.Dir(path), filepath.Base(path)
	for {
		name := filepath.Join(dir, "."+base+"."+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
}

// countingWriter counts bytes for the progress line.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// progressLine prints "export: N entities, M facts, X MB" to stderr at
// most once a second while an export runs, and a summary at the end.
type progressLine struct {
	w     io.Writer
	out   *countingWriter
	start time.Time
	last  time.Time
	p     export.Progress
}

func newProgressLine(w io.Writer, out *countingWriter) *progressLine {
	now := time.Now()
	return &progressLine{w: w, out: out, start: now, last: now}
}

func (l *progressLine) update(p export.Progress) {
	l.p = p
	if (p.Entities+p.Facts)%1024 != 0 {
		return
	}
	if now := time.Now(); now.Sub(l.last) >= time.Second {
		l.last = now
		fmt.Fprintf(l.w, "export: %d entities, %d facts, %s so far\n", p.Entities, p.Facts, mib(l.out.n))
	}
}

func (l *progressLine) done(truncated bool) {
	note := ""
	if truncated {
		note = " (cut short by --max-nodes)"
	}
	fmt.Fprintf(l.w, "export: wrote %d entities, %d facts, %s in %s%s\n", l.p.Entities, l.p.Facts,
		mib(l.out.n), time.Since(l.start).Round(time.Millisecond), note)
}

func mib(n int64) string {
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
}
