package cli

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
)

// The fast import (store.DB.Load) holds about this many bytes of memory
// per byte of input. JSON Lines: 6.5 measured on the factor-1 benchmark
// graph (962 MB of live heap for 148 MB), rounded up. CSV repeats no field
// names, so the same graph is smaller as CSV: its peak resident memory per
// input byte was 2.05 times the JSON Lines import's (3.27 GB for 86.6 MB
// unzipped, against 2.73 GB for 148 MB, both by /usr/bin/time -v).
const (
	loadBytesPerJSONLByte = 7
	loadBytesPerCSVByte   = 14
)

// memoryBudget returns how many bytes the import may hold in memory and
// where that figure comes from: GOMEMLIMIT when it is set, else three
// quarters of what the machine or cgroup allows. Zero means unknown.
// Tests replace it.
var memoryBudget = func() (int64, string) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1), "GOMEMLIMIT"
	}
	return systemMemoryBudget(readFile)
}

// withMemoryLimit sets the Go runtime's soft memory limit to budget for
// the duration of an import, unless GOMEMLIMIT set it, so that the garbage
// collector works harder as a large import nears the machine's memory
// instead of letting the heap grow to twice what is live. It returns the
// function that restores the old limit.
func withMemoryLimit(budget int64, src string) (restore func()) {
	if budget <= 0 || src == "GOMEMLIMIT" {
		return func() {}
	}
	old := debug.SetMemoryLimit(budget)
	return func() { debug.SetMemoryLimit(old) }
}

func readFile(name string) string {
	b, err := os.ReadFile(name)
	if err != nil {
		return ""
	}
	return string(b)
}

// systemMemoryBudget returns three quarters of the memory this process
// may use: the smaller of the machine's memory (/proc/meminfo) and its
// cgroup's limit (v2 memory.max, or v1 memory.limit_in_bytes); 0 where
// none of them can be read (not Linux).
func systemMemoryBudget(read func(string) string) (int64, string) {
	var limit int64
	var src string
	if n := memTotal(read("/proc/meminfo")); n > 0 {
		limit, src = n, "3/4 of the machine's memory"
	}
	for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		// "max" (v2) and v1's huge "no limit" value both mean none.
		n, err := strconv.ParseInt(strings.TrimSpace(read(f)), 10, 64)
		if err == nil && n > 0 && (limit == 0 || n < limit) {
			limit, src = n, "3/4 of the cgroup's memory limit"
		}
	}
	return limit / 4 * 3, src
}

// memTotal returns the MemTotal line of /proc/meminfo in bytes, 0 if
// there is none.
func memTotal(meminfo string) int64 {
	for line := range strings.Lines(meminfo) {
		f := strings.Fields(line)
		if len(f) == 3 && f[0] == "MemTotal:" && f[2] == "kB" {
			if n, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				return n << 10
			}
		}
	}
	return 0
}

// loadEstimate returns about how much memory the fast import of the
// named files holds, counting a zip archive's entries at their
// uncompressed size (0 if a file cannot be read: the import will report
// that itself).
func loadEstimate(files []string) int64 {
	var n int64
	for _, f := range files {
		ext := strings.ToLower(filepath.Ext(f))
		if ext == ".zip" {
			z, err := zip.OpenReader(f)
			if err != nil {
				return 0
			}
			for _, e := range z.File {
				n += loadBytesPerCSVByte * int64(e.UncompressedSize64)
			}
			z.Close()
			continue
		}
		st, err := os.Stat(f)
		if err != nil {
			return 0
		}
		per := int64(loadBytesPerJSONLByte)
		if ext == ".csv" {
			per = loadBytesPerCSVByte
		}
		n += per * st.Size()
	}
	return n
}

// gib formats n bytes in GiB for messages.
func gib(n int64) string { return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30)) }
