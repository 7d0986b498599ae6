// Command listswap rewrites gqlgen's generated executor so that lists of
// objects are marshalled by the graph package's marshalList instead of
// graphql.MarshalSliceConcurrently (see graph/lists.go for why). It runs
// from go generate, after gqlgen, on the file named by its argument:
//
//	go run ./internal/listswap generated.go
//
// The two functions take the same arguments, so the rewrite is the name
// alone. It fails when the file has no call to swap: a gqlgen release that
// renames the function must not silently bring the goroutines back.
package main

import (
	"bytes"
	"fmt"
	"os"
)

const (
	from = "graphql.MarshalSliceConcurrently("
	to   = "marshalList("
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "listswap:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: listswap FILE")
	}
	b, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	out, n := swap(b)
	if n == 0 {
		return fmt.Errorf("%s: no call to %s to swap", args[0], from)
	}
	return os.WriteFile(args[0], out, 0o644)
}

// swap replaces every call of gqlgen's list marshaller in b and returns
// the result and the number of calls replaced.
func swap(b []byte) ([]byte, int) {
	n := bytes.Count(b, []byte(from))
	return bytes.ReplaceAll(b, []byte(from), []byte(to)), n
}
