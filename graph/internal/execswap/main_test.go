package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// both holds one call of each function the tool swaps.
const both = "ret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, f)\n" +
	"deferred := graphql.NewDeferredGroup(ctx)\n"

func TestSwap(t *testing.T) {
	for _, tc := range []struct {
		name, in, want, err string
	}{
		{"both", both, "ret := marshalList(ctx, len(v), 0, false, f)\ndeferred := newDeferredGroup(ctx, fields)\n", ""},
		{"every call", both + both, strings.Repeat("ret := marshalList(ctx, len(v), 0, false, f)\ndeferred := newDeferredGroup(ctx, fields)\n", 2), ""},
		{"no list call", "deferred := graphql.NewDeferredGroup(ctx)\n", "", "no graphql.MarshalSliceConcurrently("},
		{"no group call", "graphql.MarshalSliceConcurrently(a)\n", "", "no graphql.NewDeferredGroup(ctx)"},
		{"other names stay", "graphql.MarshalSlice(a)\nMarshalSliceConcurrently(b)\n", "", "no graphql.MarshalSliceConcurrently("},
		{"a changed group call", "graphql.MarshalSliceConcurrently(a)\ngraphql.NewDeferredGroup(ctx, path)\n", "", "no graphql.NewDeferredGroup(ctx)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := swap([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || got != nil {
					t.Errorf("swap(%q) = %q, %v; want an error with %q", tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Errorf("swap(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "generated.go")
	os.WriteFile(file, []byte(both), 0o644)
	if err := run([]string{file}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	if string(b) != "ret := marshalList(ctx, len(v), 0, false, f)\ndeferred := newDeferredGroup(ctx, fields)\n" {
		t.Errorf("rewritten: %q", b)
	}
	// A second run finds nothing to swap and leaves the file as it is: a
	// gqlgen that renamed a function would fail go generate the same way.
	if err := run([]string{file}); err == nil || !strings.Contains(err.Error(), "no graphql.") {
		t.Errorf("second run: %v; want an error", err)
	}
	if b2, _ := os.ReadFile(file); string(b2) != string(b) {
		t.Errorf("a failed run changed the file: %q", b2)
	}
	if err := run(nil); err == nil {
		t.Error("no argument: no error")
	}
	if err := run([]string{filepath.Join(dir, "missing.go")}); err == nil {
		t.Error("missing file: no error")
	}
}
