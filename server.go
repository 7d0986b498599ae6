// Command alliancegraph serves a knowledge graph of alliance membership over
// time through GraphQL, with GraphiQL at / for exploring it.
//
//	alliancegraph serve [--addr 127.0.0.1:8080] [--data ./data]
//	alliancegraph check --data DIR
//	alliancegraph import --data DIR FILE...
//	alliancegraph ingest --data DIR FILE
//	alliancegraph export --data DIR --format F [--ids A,B] [--depth N] -o FILE
//	alliancegraph dataset upgrade --data DIR [--dry-run] [--from FILE]
//
// Run `alliancegraph help` or `alliancegraph COMMAND --help` for details.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// generator names this program in export headers; the CLI, GET /export and
// GraphQL all use it, so the same selection exports the same bytes.
func generator() string { return "alliancegraph " + version }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "alliancegraph:", err)
		os.Exit(1)
	}
}

// errUsage means the command line was wrong; the message is already printed.
var errUsage = errors.New("usage")

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
		{"version", "print the version", func(_ context.Context, args []string, stdout, stderr io.Writer) error {
			if err := parseFlags(newFlagSet("version", "Print the program's version.", stdout, stderr), args); err != nil {
				return err
			}
			_, err := fmt.Fprintln(stdout, "alliancegraph", version)
			return err
		}},
	}
}

// run is the whole program behind main, testable without a process:
// it parses args, runs one subcommand and returns its error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		// No command: say what there is rather than start a server the
		// user may not have meant to start.
		usage(stdout)
		return errUsage
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
	return errUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "alliancegraph: a knowledge graph of alliance membership over time, served through GraphQL.")
	fmt.Fprintln(w, "\nUsage: alliancegraph COMMAND [FLAGS]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `alliancegraph COMMAND --help` for a command's flags.")
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
// to errUsage.
func parseFlags(fs *flag.FlagSet, args []string) error { return parseFlagsN(fs, args, 0) }

// parseFlagsN parses args followed by exactly n positional arguments.
func parseFlagsN(fs *flag.FlagSet, args []string, n int) error {
	err := fs.Parse(args)
	switch {
	case err == nil && fs.NArg() != n:
		fmt.Fprintf(fs.Output(), "%s takes %d argument(s) after its flags, got %d\n", fs.Name(), n, fs.NArg())
		return errUsage
	case err == nil, errors.Is(err, flag.ErrHelp):
		return err
	default:
		return errUsage
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
