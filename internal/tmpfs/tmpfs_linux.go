package tmpfs

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
)

// Mount mounts a tmpfs of size (as mount's size=, e.g. 64m) on a new
// temporary directory, unmounted when the test ends, and returns the
// directory.
func Mount(t testing.TB, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("this test mounts a filesystem and needs root (CI=true)")
		}
		t.Skip("this test mounts a filesystem: run it as root (CI does)")
	}
	dir := t.TempDir()
	Run(t, "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir)
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v\n%s", dir, err, out)
		}
	})
	return dir
}

// RemountReadOnly makes the filesystem mounted on dir read-only.
func RemountReadOnly(t testing.TB, dir string) {
	t.Helper()
	Run(t, "-o", "remount,ro", dir)
}

// Run runs mount(8) with args.
func Run(t testing.TB, args ...string) {
	t.Helper()
	if out, err := exec.Command("mount", args...).CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mount %v: %v\n%s", args, err, out)
		}
		t.Skipf("cannot mount (%v: %s); CI=true makes this a failure", err, out)
	}
}

// Fill writes a file at path until its filesystem is full.
func Fill(t testing.TB, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, size := range []int{1 << 20, 4 << 10} {
		buf := bytes.Repeat([]byte{1}, size)
		for {
			if _, err := f.Write(buf); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatal(err)
				}
				break
			}
		}
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil || st.Bavail != 0 {
		t.Fatalf("the filesystem still has %d blocks free (%v)", st.Bavail, err)
	}
}
