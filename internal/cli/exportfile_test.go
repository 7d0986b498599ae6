//go:build unix

package cli

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestExportFileMode: a file `alliancegraph export` writes is readable as
// any file the user creates (0644 under the usual umask, narrowed by a
// stricter one), not 0600 like the temporary file it starts as.
func TestExportFileMode(t *testing.T) {
	dir := t.TempDir()
	srv := servertest.New(t, servertest.Command(Run), servertest.Dir(dir))
	srv.Stop(t)
	for _, mask := range []int{0o022, 0o077, 0o002} {
		t.Run(fmt.Sprintf("umask %03o", mask), func(t *testing.T) {
			old := syscall.Umask(mask)
			defer syscall.Umask(old)
			out := filepath.Join(t.TempDir(), "nato.jsonl")
			if err := Run(t.Context(), []string{"export", "--data", dir, "--format", "jsonl", "-o", out}, io.Discard, io.Discard); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(out)
			if err != nil {
				t.Fatal(err)
			}
			if want := fs.FileMode(0o644 &^ mask); fi.Mode().Perm() != want {
				t.Errorf("export under umask %03o wrote a file of mode %v, want %v", mask, fi.Mode().Perm(), want)
			}
		})
	}
}
