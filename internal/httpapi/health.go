package httpapi

import (
	"io"
	"net/http"
	"time"

	"github.com/alliancegraph/alliancegraph/store"
)

// health serves the probes an orchestrator polls:
//
//   - GET /livez: the process is serving HTTP (always "ok").
//   - GET /readyz: it can answer queries: the store is open and readable.
//     The dataset is loaded before the listener opens, so a server that
//     answers at all has it.
//   - GET /healthz: the same as /readyz, kept for existing probes.
//
// On a cluster node /readyz is also 503 while the node is cut off from
// etcd or behind the log for longer than its allowed lag, saying which.
func health(mux *http.ServeMux, db *store.DB, rep Replica) {
	text := func(w http.ResponseWriter, status int, msg string) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		io.WriteString(w, msg)
	}
	ready := func(w http.ResponseWriter, _ *http.Request) {
		if err := db.View(time.Time{}, func(*store.Reader) error { return nil }); err != nil {
			text(w, http.StatusServiceUnavailable, "not ready: store unavailable\n")
			return
		}
		if rep != nil {
			if ok, why := rep.Ready(); !ok {
				text(w, http.StatusServiceUnavailable, "not ready: "+why+"\n")
				return
			}
		}
		text(w, http.StatusOK, "ok\n")
	}
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, _ *http.Request) { text(w, http.StatusOK, "ok\n") })
	mux.HandleFunc("GET /readyz", ready)
	mux.HandleFunc("GET /healthz", ready)
	for _, p := range []string{"/livez", "/readyz", "/healthz"} {
		mux.Handle(p, wrongMethod("GET, HEAD"))
	}
}
