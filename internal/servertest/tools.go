package servertest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The real programs tests read the server's output back with (NetworkX,
// rapper, dot, and the npm consumers under testdata/consumers). A missing
// one skips the test, except under CI=true, where it fails: CI installs
// them all (.ci/run, make consumers).

// NeedTool returns the path of an executable, skipping the test when it
// is missing (failing under CI=true); pkg names the Debian package.
func NeedTool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name+" not found (Debian package "+pkg+")")
	}
	return p
}

// Missing skips the test for want of what, or fails it under CI=true.
func Missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s: CI must install it (.ci/run)", what)
	}
	t.Skipf("%s; skipping (CI=true makes this a failure)", what)
}

// Python returns python3's path, after checking that module (if not "")
// imports; pkg names its Debian package.
func Python(t testing.TB, module, pkg string) string {
	t.Helper()
	py := NeedTool(t, "python3", "python3")
	if module != "" {
		if err := exec.Command(py, "-c", "import "+module).Run(); err != nil {
			Missing(t, "python3 module "+module+" not importable (Debian package "+pkg+")")
		}
	}
	return py
}

// NeedNodePackage returns node's path, after checking that the pinned npm
// package pkg is installed under testdata/consumers (make consumers).
func NeedNodePackage(t testing.TB, pkg string) string {
	t.Helper()
	node := NeedTool(t, "node", "nodejs")
	if _, err := os.Stat(filepath.Join(Consumers(t), "node_modules", pkg)); err != nil {
		Missing(t, "npm package "+pkg+" not installed (make consumers)")
	}
	return node
}

// Consumers returns the directory of the consumer scripts and their npm
// packages, testdata/consumers at the module's root.
func Consumers(t testing.TB) string {
	t.Helper()
	return filepath.Join(Root(t), "testdata", "consumers")
}

// RunTool runs a program and returns its stdout; a non-zero exit or any
// stderr output (warnings included) fails the test.
func RunTool(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.Bytes())
	}
	return stdout.Bytes()
}

// WriteTemp writes b to a file called name in a new temporary directory
// and returns its path.
func WriteTemp(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var root = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", os.ErrNotExist
	}
	return filepath.Dir(gomod), nil
})

// Root returns the module's root directory (where go.mod is), for tests
// that read files outside their package's directory.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := root()
	if err != nil {
		t.Fatalf("finding the module root (go env GOMOD): %v", err)
	}
	return dir
}
