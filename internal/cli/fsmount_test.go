//go:build linux

package cli

import (
	"os"
	"os/exec"
	"testing"
)

// needRoot skips a test that mounts filesystems when not run as root,
// unless CI=true, where every test must run (CI runs as root).
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("this test mounts a filesystem and needs root (CI=true)")
	}
	t.Skip("this test mounts a filesystem: run it as root (CI does)")
}

// mountTmpfs mounts a tmpfs of size (as mount's size=, e.g. 64m) on a new
// directory and unmounts it when the test ends.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	needRoot(t)
	dir := t.TempDir()
	mountCmd(t, "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir)
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v\n%s", dir, err, out)
		}
	})
	return dir
}

// remountReadOnly makes the filesystem mounted on dir read-only.
func remountReadOnly(t *testing.T, dir string) {
	t.Helper()
	mountCmd(t, "-o", "remount,ro", dir)
}

func mountCmd(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("mount", args...).CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mount %v: %v\n%s", args, err, out)
		}
		t.Skipf("cannot mount (%v: %s); CI=true makes this a failure", err, out)
	}
}
