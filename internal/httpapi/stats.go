package httpapi

import (
	"encoding/json"
	"net/http"
	"runtime/metrics"
	"time"
)

// runtimeStats are the figures GET /debug/stats reports, for soak runs and
// operators: whether heap or goroutines grow over time.
type runtimeStats struct {
	Goroutines    uint64 `json:"goroutines"`
	HeapLiveBytes uint64 `json:"heapLiveBytes"` // marked live by the last GC
	HeapObjBytes  uint64 `json:"heapObjectBytes"`
	GCCycles      uint64 `json:"gcCycles"`
	UptimeSeconds int64  `json:"uptimeSeconds"`
}

var statNames = []string{
	"/sched/goroutines:goroutines",
	"/gc/heap/live:bytes",
	"/memory/classes/heap/objects:bytes",
	"/gc/cycles/total:gc-cycles",
}

// statsHandler serves GET /debug/stats as JSON. It reads runtime/metrics,
// which does not stop the world, and never forces a GC: a client cannot
// make the server do work beyond reading four counters.
func statsHandler(started time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		samples := make([]metrics.Sample, len(statNames))
		for i, n := range statNames {
			samples[i].Name = n
		}
		metrics.Read(samples)
		v := func(i int) uint64 {
			if samples[i].Value.Kind() == metrics.KindUint64 {
				return samples[i].Value.Uint64()
			}
			return 0
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(runtimeStats{
			Goroutines: v(0), HeapLiveBytes: v(1), HeapObjBytes: v(2), GCCycles: v(3),
			UptimeSeconds: int64(time.Since(started) / time.Second),
		})
	})
}
