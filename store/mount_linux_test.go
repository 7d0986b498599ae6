package store

import (
	"os"
	"os/exec"
	"testing"
)

// mountTmpfs mounts a tmpfs of size (as mount's size=, e.g. 48m) on a new
// directory and unmounts it when the test ends. Not as root, the test is
// skipped, unless CI=true, where every test must run (CI runs as root).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("this test mounts a filesystem and needs root (CI=true)")
		}
		t.Skip("this test mounts a filesystem: run it as root (CI does)")
	}
	dir := t.TempDir()
	mount(t, "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir)
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v\n%s", dir, err, out)
		}
	})
	return dir
}

// mount runs mount(8) with args.
func mount(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("mount", args...).CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mount %v: %v\n%s", args, err, out)
		}
		t.Skipf("cannot mount (%v: %s); CI=true makes this a failure", err, out)
	}
}
