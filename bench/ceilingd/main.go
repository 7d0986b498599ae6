// Command ceilingd serves the benchmark's in-memory ceiling (package
// ceiling) on a loopback address: the same q1/q2 response shapes as
// alliancegraph, answered from Go maps by a minimal gqlgen server.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/alliancegraph/alliancegraph/bench/ceiling"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ceilingd:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ceilingd", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address (loopback)")
	data := fs.String("data", "", "synthetic graph `file` (JSON Lines, from alliancegraph gen)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := os.Open(*data)
	if err != nil {
		return err
	}
	d, err := ceiling.Load(bufio.NewReaderSize(f, 1<<20))
	f.Close()
	if err != nil {
		return err
	}
	srv := handler.New(ceiling.NewExecutableSchema(ceiling.Config{Resolvers: &ceiling.Resolver{Data: d}}))
	srv.AddTransport(transport.POST{})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/graphql", srv)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	hs := &http.Server{Handler: mux}
	fmt.Fprintf(stdout, "ceilingd: serving http://%s/graphql (%d countries, %d events)\n", ln.Addr(), len(d.Countries), len(d.Events))
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
