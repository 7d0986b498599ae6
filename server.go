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
// The commands live in internal/cli; this file only maps their outcome to
// an exit status.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, cli.ErrUsage):
		os.Exit(2)
	default:
		// The same words the GraphQL and HTTP edges give for the error.
		fmt.Fprintln(os.Stderr, "alliancegraph:", domain.Message(err))
		os.Exit(1)
	}
}
