// Package cli is the alliancegraph command: Run parses the command line
// and runs one subcommand (serve, import, export, check, backup, restore,
// ingest, gen, dataset, version, help), each in a file of its own.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Version is the program's version, set at build time with
// -ldflags "-X github.com/alliancegraph/alliancegraph/internal/cli.Version=...".
var Version = "dev"

// generator names this program in export headers; the CLI, GET /export and
// GraphQL all use it, so the same selection exports the same bytes.
func generator() string { return "alliancegraph " + Version }

// ErrUsage means the command line was wrong; the message is already
// printed (exit status 2).
var ErrUsage = errors.New("usage")

// command is one subcommand.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "serve the GraphQL API and GraphiQL (the default command)", runServe},
		{"export", "write a subgraph or the whole graph to a file in an analyst's format", runExport},
		{"check", "verify the store's invariants; exit non-zero on a violation", runCheck},
		{"gen", "write a deterministic synthetic graph for benchmarks", runGen},
		{"backup", "write a consistent, checksummed backup of a data directory", runBackup},
		{"restore", "restore a verified backup into an empty data directory", runRestore},
		{"import", "import JSON Lines, Neo4j CSV or Wikidata SPARQL JSON files, all or nothing", runImport},
		{"ingest", "store a text document and record the entities it mentions", runIngest},
		{"dataset", "upgrade: show and apply what a newer curated dataset changes, never over users' writes", runDataset},
		{"version", "print the version", runVersion},
	}
}

// Run is the whole program behind main, testable without a process: it
// parses args, runs one subcommand and returns its error. ErrUsage means
// the command line was wrong, flag.ErrHelp that help was asked for; both
// are already explained on stdout or stderr.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		// No command: say what there is rather than start a server the
		// user may not have meant to start.
		usage(stdout)
		return ErrUsage
	}
	name := "serve"
	switch a := args[0]; {
	case a == "help", a == "-h", a == "-help", a == "--help":
		usage(stdout)
		return nil
	case len(a) > 0 && a[0] != '-':
		name, args = a, args[1:]
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, args, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "alliancegraph: unknown command %q\n\n", name)
	usage(stderr)
	return ErrUsage
}

// newFlagSet returns a flag set whose --help prints summary and flags to
// stdout and whose errors go to stderr.
func newFlagSet(name, summary string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fs.SetOutput(stdout)
		fmt.Fprintf(stdout, "Usage: alliancegraph %s [FLAGS]\n\n%s\n\nFlags:\n", name, summary)
		printFlags(stdout, fs)
		fs.SetOutput(stderr)
	}
	return fs
}

// parseFlags parses args, which must be flags only, mapping parse errors
// to ErrUsage.
func parseFlags(fs *flag.FlagSet, args []string) error { return parseFlagsN(fs, args, 0) }

// parseFlagsN parses args followed by exactly n positional arguments.
func parseFlagsN(fs *flag.FlagSet, args []string, n int) error {
	err := fs.Parse(args)
	switch {
	case err == nil && fs.NArg() != n:
		fmt.Fprintf(fs.Output(), "%s takes %d argument(s) after its flags, got %d\n", fs.Name(), n, fs.NArg())
		return ErrUsage
	case err == nil, errors.Is(err, flag.ErrHelp):
		return err
	default:
		return ErrUsage
	}
}

// envOr returns the environment variable key, or def when it is unset.
func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

// printFlags lists flags as users type them, with two dashes, each
// line of their help indented.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		arg, help := flag.UnquoteUsage(f)
		dashes := "--"
		if len(f.Name) == 1 {
			dashes = "-"
		}
		fmt.Fprintf(w, "  %s%s", dashes, f.Name)
		if arg != "" {
			fmt.Fprintf(w, " %s", arg)
		}
		fmt.Fprintf(w, "\n      %s", strings.ReplaceAll(help, "\n", "\n      "))
		if f.DefValue != "" && f.DefValue != "false" {
			fmt.Fprintf(w, " (default %q)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}
