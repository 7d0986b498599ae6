package cli

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestSystemMemoryBudget(t *testing.T) {
	const meminfo = "MemTotal:       16384 kB\nMemFree:        1024 kB\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  int64
		src   string
	}{
		{"machine", map[string]string{"/proc/meminfo": meminfo}, 12 << 20, "machine"},
		{"cgroup v2 below", map[string]string{"/proc/meminfo": meminfo, "/sys/fs/cgroup/memory.max": "8388608\n"}, 6 << 20, "cgroup"},
		{"cgroup v2 max", map[string]string{"/proc/meminfo": meminfo, "/sys/fs/cgroup/memory.max": "max\n"}, 12 << 20, "machine"},
		{"cgroup v1 above", map[string]string{"/proc/meminfo": meminfo, "/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n"}, 12 << 20, "machine"},
		{"cgroup only", map[string]string{"/sys/fs/cgroup/memory/memory.limit_in_bytes": "4194304"}, 3 << 20, "cgroup"},
		{"nothing", nil, 0, ""},
		{"garbled", map[string]string{"/proc/meminfo": "MemTotal: lots kB\n"}, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, src := systemMemoryBudget(func(f string) string { return tc.files[f] })
			if got != tc.want || !strings.Contains(src, tc.src) {
				t.Errorf("budget %d (%q), want %d (%s)", got, src, tc.want, tc.src)
			}
		})
	}
}

// TestImportChunksWhenMemoryIsShort: when the fast import would not fit
// the memory budget, the chunked import runs instead and says why.
func TestImportChunksWhenMemoryIsShort(t *testing.T) {
	src := filepath.Join(t.TempDir(), "one.jsonl")
	lines := `{"type":"entity","id":"doc/src","kind":"Document","name":"Source"}
{"type":"entity","id":"person/a","kind":"Person","name":"A"}
`
	if err := os.WriteFile(src, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func(old func() (int64, string)) { memoryBudget = old }(memoryBudget)
	for _, tc := range []struct {
		budget int64
		chunks bool
	}{{1 << 30, false}, {int64(len(lines)), true}, {0, false}} {
		memoryBudget = func() (int64, string) { return tc.budget, "test" }
		var out, errOut bytes.Buffer
		if err := Run(t.Context(), []string{"import", "--data", t.TempDir(), src}, &out, &errOut); err != nil {
			t.Fatalf("budget %d: %v\n%s", tc.budget, err, errOut.String())
		}
		said := strings.Contains(errOut.String(), "more than the budget of 0.0 GiB (test); importing in chunks instead")
		fast := strings.Contains(errOut.String(), "records applied in memory")
		if said != tc.chunks || fast == tc.chunks || !strings.Contains(out.String(), "imported 2 records") {
			t.Errorf("budget %d: output %q, progress %q", tc.budget, out.String(), errOut.String())
		}
	}
}

func TestWithMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	restore := withMemoryLimit(3<<30, "3/4 of the machine's memory")
	if got := debug.SetMemoryLimit(-1); got != 3<<30 {
		t.Errorf("limit during the import %d, want %d", got, 3<<30)
	}
	restore()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit after the import %d, want %d again", got, before)
	}
	withMemoryLimit(1<<30, "GOMEMLIMIT")() // GOMEMLIMIT's own limit stays
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit changed under GOMEMLIMIT: %d", got)
	}
}

// TestLoadEstimate: JSON Lines count 7 bytes per byte, CSV 14, and a zip
// archive at its entries' uncompressed size, which is what the import
// holds, not at its compressed size on disk.
func TestLoadEstimate(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, n int) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Repeat("x", n)), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	jsonl, nodes := write("a.jsonl", 1000), write("nodes.csv", 100)
	zipped := filepath.Join(dir, "graph.zip")
	f, err := os.Create(zipped)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, name := range []string{"nodes.csv", "relationships.csv"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(strings.Repeat("y", 50_000)))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, tc := range []struct {
		files []string
		want  int64
	}{
		{[]string{jsonl}, 7 * 1000},
		{[]string{jsonl, nodes}, 7*1000 + 14*100},
		{[]string{zipped}, 14 * 100_000},
		{[]string{jsonl, filepath.Join(dir, "missing.jsonl")}, 0},
	} {
		if got := loadEstimate(tc.files); got != tc.want {
			t.Errorf("loadEstimate(%v) = %d, want %d", tc.files, got, tc.want)
		}
	}
}
