package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestWritingCommandsRefuseAForeignDirectory: serve and import on a
// directory that holds other files and no store (a mistyped --data, a
// home directory) refuse it, saying why, and write nothing into it; a
// new filesystem's lost+found does not make a directory foreign.
func TestWritingCommandsRefuseAForeignDirectory(t *testing.T) {
	input := filepath.Join(t.TempDir(), "in.jsonl")
	if err := os.WriteFile(input, []byte(`{"type":"header","format":"alliancegraph-jsonl","version":1}`+"\n"+
		`{"type":"entity","id":"place/vilnius","kind":"Place","name":"Vilnius"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const why = "is not empty and holds no alliancegraph store; use an empty or new directory"
	for _, cmd := range []string{"serve", "import"} {
		t.Run(cmd, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
				t.Fatal(err)
			}
			err := runOn(t, cmd, dir, input)
			if err == nil || !strings.Contains(err.Error(), dir+" "+why) {
				t.Fatalf("%s on a foreign directory: %v, want %q", cmd, err, why)
			}
			if got := names(t, dir); !slices.Equal(got, []string{"notes.txt"}) {
				t.Errorf("%s wrote into the foreign directory: it holds %v", cmd, got)
			}
		})
		t.Run(cmd+" lost+found", func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Mkdir(filepath.Join(dir, "lost+found"), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := runOn(t, cmd, dir, input); err != nil {
				t.Fatalf("%s on a directory holding only lost+found: %v", cmd, err)
			}
		})
	}
}

// runOn runs serve (stopping it once it serves) or import on dir.
func runOn(t *testing.T, cmd, dir, input string) error {
	t.Helper()
	if cmd == "import" {
		return Run(t.Context(), []string{"import", "--data", dir, input}, io.Discard, io.Discard)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	return Run(ctx, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}, io.Discard, cancelOnServing(cancel))
}

// cancelOnServing is a log destination that cancels serve once it logs
// that it serves (slog writes a line in one Write).
type cancelOnServing func()

func (c cancelOnServing) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("msg=serving ")) {
		c()
	}
	return len(p), nil
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}
