// Command execswap rewrites gqlgen's generated executor so that two of
// its per-value helpers are the graph package's own:
//
//   - lists of objects are marshalled by marshalList instead of
//     graphql.MarshalSliceConcurrently (see graph/lists.go);
//   - each object's @defer group comes from newDeferredGroup instead of
//     graphql.NewDeferredGroup (see graph/deferred.go).
//
// It runs from go generate, after gqlgen, on the file named by its
// argument:
//
//	go run ./internal/execswap generated.go
//
// Each rewrite is a plain text swap of a call's opening. It fails when
// any swap finds nothing to replace: a gqlgen release that renames a
// function or changes its call must stop go generate rather than
// silently bring back the cost the swap removed. A change in the code
// around a call (newDeferredGroup reads the object's `fields`) fails to
// compile instead.
package main

import (
	"bytes"
	"fmt"
	"os"
)

// swaps are the rewrites, in order.
var swaps = []struct{ from, to string }{
	{"graphql.MarshalSliceConcurrently(", "marshalList("},
	{"graphql.NewDeferredGroup(ctx)", "newDeferredGroup(ctx, fields)"},
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "execswap:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: execswap FILE")
	}
	b, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	out, err := swap(b)
	if err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	return os.WriteFile(args[0], out, 0o644)
}

// swap applies every rewrite to b. It fails, returning nil, if one of
// them has nothing to replace.
func swap(b []byte) ([]byte, error) {
	for _, s := range swaps {
		if !bytes.Contains(b, []byte(s.from)) {
			return nil, fmt.Errorf("no %s to swap for %s", s.from, s.to)
		}
		b = bytes.ReplaceAll(b, []byte(s.from), []byte(s.to))
	}
	return b, nil
}
