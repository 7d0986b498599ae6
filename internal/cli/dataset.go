package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/store"
)

const datasetSummary = `Manage the curated dataset (NATO, the EU, the Warsaw Pact, the CSTO, NATO's
partners, successor states, summits, heads of state and government, and
country names in every language) in a store. A store gets it once, on its
first start (into an empty data directory); after that, starts never write
to it, and only "dataset upgrade" changes the dataset's records.

Subcommands:
  upgrade   show what a newer curated dataset adds, changes or removes, and apply it

Run "alliancegraph dataset upgrade --help" for its flags.`

const upgradeSummary = `Compare a curated dataset (the one built into this binary, or --from FILE)
with the store in DIR and print one line per record it adds, changes or
removes, then a summary; then apply those changes in one commit by author
"dataset" whose note names the new dataset, and record the new dataset in
the store. All or nothing: a change the store's rules refuse applies none.

A record a user or an import changed since the dataset last wrote it is
never overwritten. If the new dataset changes it too, it is printed as a
CONFLICT and skipped; if not, it is printed as "keep". Conflicts do not
fail the upgrade (exit 0); with --fail-on-conflict, conflicts make it write
nothing and exit 1. The server must not be running on DIR.`

func runDataset(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "upgrade":
			return runDatasetUpgrade(ctx, args[1:], stdout, stderr)
		case "help", "-h", "-help", "--help":
			fmt.Fprintf(stdout, "Usage: alliancegraph dataset SUBCOMMAND [FLAGS]\n\n%s\n", datasetSummary)
			return flag.ErrHelp
		}
		fmt.Fprintf(stderr, "dataset: unknown subcommand %q\n\n", args[0])
	}
	fmt.Fprintf(stderr, "Usage: alliancegraph dataset SUBCOMMAND [FLAGS]\n\n%s\n", datasetSummary)
	return ErrUsage
}

func runDatasetUpgrade(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("dataset upgrade", upgradeSummary, stdout, stderr)
	dir := fs.String("data", envOr("ALLIANCEGRAPH_DATA", "./data"), "data `directory` (env ALLIANCEGRAPH_DATA)")
	from := fs.String("from", "", "upgrade to the curated dataset in this YAML `file`, or in a directory laid out like dataset/ (default: the one built in)")
	dryRun := fs.Bool("dry-run", false, "print the plan and its conflicts, check it against the store's rules, and write nothing")
	failOnConflict := fs.Bool("fail-on-conflict", false, "if there are conflicts, write nothing and exit 1 (for scripts)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f, err := upgradeSource(*from)
	if err != nil {
		return err
	}
	db, err := store.Open(*dir, store.DefaultOptions().WithCreate(false))
	if errors.Is(err, store.ErrLocked) {
		return lockedHint("dataset", *dir, err)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := dataset.PlanUpgrade(db, f)
	if err != nil {
		return err
	}
	if err := p.Print(stdout); err != nil {
		return err
	}
	switch {
	case *failOnConflict && len(p.Conflicts) > 0:
		return fmt.Errorf("dataset upgrade: %d conflict(s); nothing written (--fail-on-conflict)", len(p.Conflicts))
	case p.Empty():
		fmt.Fprintf(stdout, "nothing to do: the store holds %s\n", p.Given)
		return nil
	case *dryRun:
		if err := p.Try(db); err != nil {
			return fmt.Errorf("dataset upgrade: dry run: applying this plan would fail, and write nothing: %w", err)
		}
		fmt.Fprintln(stdout, "dry run: nothing written; the store's rules accept this plan")
		return nil
	}
	at, err := p.Apply(db)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d change(s) in one commit by %q at %s; the store now holds %s\n",
		len(p.Steps), dataset.Author, at.Format(time.RFC3339Nano), p.Given)
	return nil
}

// upgradeSource parses the dataset an upgrade goes to: file (one YAML
// file, or a directory laid out like dataset/), or the built-in one when
// file is "".
func upgradeSource(file string) (*dataset.File, error) {
	if file == "" {
		return dataset.ParseCurated()
	}
	if st, err := os.Stat(file); err == nil && st.IsDir() {
		f, err := dataset.ParseFS(os.DirFS(file))
		if err != nil {
			return nil, fmt.Errorf("dataset upgrade: %s: %w", file, err)
		}
		return f, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("dataset upgrade: %w", err)
	}
	f, err := dataset.Parse(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("dataset upgrade: %s: %w", file, err)
	}
	return f, nil
}
