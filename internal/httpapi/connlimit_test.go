package httpapi

import "testing"

// TestDefaultMaxConns: the default --max-conns leaves half the open-file
// limit to the store and everything else (512 connections at 1,024
// files) and stays at 4,096 on large limits; the process's own default
// fits its limit.
func TestDefaultMaxConns(t *testing.T) {
	for _, tc := range []struct {
		limit uint64
		want  int
	}{{0, 1024}, {1, 1}, {1024, 512}, {20000, 4096}, {65536, 4096}, {^uint64(0), 4096}} {
		if got := defaultMaxConns(tc.limit); got != tc.want {
			t.Errorf("open-file limit %d: default %d, want %d", tc.limit, got, tc.want)
		}
	}
	if lim := openFileLimit(); lim > 1 && uint64(defaultMaxConns(lim)) > lim/2 {
		t.Errorf("open-file limit %d: default %d", lim, defaultMaxConns(lim))
	}
}
