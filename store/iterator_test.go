package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScansUseBadgerIterOpts: every iterator in the store takes its
// options from badgerIterOpts, which turns off Badger's value prefetch (a
// goroutine per item; see iterator.go). Scans that built their options by
// hand kept it, unnoticed, after the prefetch had been turned off.
func TestScansUseBadgerIterOpts(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "iterator.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, "DefaultIteratorOptions") || strings.Contains(line, "PrefetchValues") {
				t.Errorf("%s:%d: iterator options built by hand; use badgerIterOpts", f, i+1)
			}
		}
	}
}
