package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSwap(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		n              int
	}{
		{"none", "x := 1\n", "x := 1\n", 0},
		{"one", "ret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, f)\n", "ret := marshalList(ctx, len(v), 0, false, f)\n", 1},
		{"two", "graphql.MarshalSliceConcurrently(a)\ngraphql.MarshalSliceConcurrently(b)\n", "marshalList(a)\nmarshalList(b)\n", 2},
		{"other names stay", "graphql.MarshalSlice(a)\nMarshalSliceConcurrently(b)\n", "graphql.MarshalSlice(a)\nMarshalSliceConcurrently(b)\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, n := swap([]byte(tc.in))
			if string(got) != tc.want || n != tc.n {
				t.Errorf("swap(%q) = %q, %d; want %q, %d", tc.in, got, n, tc.want, tc.n)
			}
		})
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "generated.go")
	os.WriteFile(file, []byte("a := graphql.MarshalSliceConcurrently(ctx)\n"), 0o644)
	if err := run([]string{file}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	if string(b) != "a := marshalList(ctx)\n" {
		t.Errorf("rewritten: %q", b)
	}
	// A second run finds nothing to swap: a gqlgen that renamed the
	// function would fail go generate the same way.
	if err := run([]string{file}); err == nil || !strings.Contains(err.Error(), "no call") {
		t.Errorf("second run: %v; want an error", err)
	}
	if err := run(nil); err == nil {
		t.Error("no argument: no error")
	}
	if err := run([]string{filepath.Join(dir, "missing.go")}); err == nil {
		t.Error("missing file: no error")
	}
}
