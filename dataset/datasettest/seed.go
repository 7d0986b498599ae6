package datasettest

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

// SeedSHA256 identifies the seed article the curated dataset cites
// (doc/seed-rutte-takes-over in nato.yaml).
const SeedSHA256 = "4ca021c044c301ef878d3d01d2616938602e19f3d474249e1663fee5e29ce5e6"

// SeedFile is the seed article's name under the shared seeds folder.
const SeedFile = "000_f71b691a4f459a26.txt"

// SeedPath returns the path of the seed article, which lives beside the
// repository (../shared/seeds) and is never copied into it. A user's
// clone has no such folder: outside CI the test is skipped with a message
// naming the file; under CI=true, where the folder is part of the
// checkout, its absence fails the test.
func SeedPath(tb testing.TB) string {
	tb.Helper()
	root, err := moduleRoot()
	if err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(filepath.Dir(root), "shared", "seeds", SeedFile)
	b, err := os.ReadFile(p)
	switch {
	case err != nil && os.Getenv("CI") == "true":
		tb.Fatalf("the seed article %s is needed under CI=true: %v", p, err)
	case err != nil:
		tb.Skipf("skipped: this test reads the seed article ../shared/seeds/%s, which is not beside this clone (CI=true makes its absence a failure)", SeedFile)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != SeedSHA256 {
		tb.Fatalf("%s is not the seed article the dataset cites (sha256 %s, want %s)", p, hex.EncodeToString(sum[:]), SeedSHA256)
	}
	return p
}

// Seed returns the seed article's text (see SeedPath).
func Seed(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile(SeedPath(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// moduleRoot returns the directory holding go.mod, searching up from the
// test's working directory (its package directory).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
