package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/alliancegraph/alliancegraph/auth"
	"github.com/alliancegraph/alliancegraph/graph"
	"github.com/alliancegraph/alliancegraph/store"
)

// backupHandler serves GET /backup: the same file `alliancegraph backup`
// writes (every version of every record, a checksum trailer), streamed
// from one snapshot while the server keeps serving and writing. It needs
// a valid bearer token, even on a read-only mirror: a backup holds the
// whole history, retracted facts included.
//
// Once the first byte is out the status cannot change, so a failure
// midway aborts the connection; the client then holds a file without its
// trailer, which restore refuses.
//
// On a cluster node, a peer bootstrapping from it presents the cluster's
// secret instead of a token (see cluster.Node.Prepare).
func backupHandler(db *store.DB, policy *auth.Policy, rep Replica, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		who := "cluster peer"
		if !peerBearer(rep, r) {
			var err error
			if who, err = policy.Identify(r.Context(), "backups"); err != nil {
				WriteError(w, r, log, err)
				return
			}
		}
		// A backup may take longer than the server's write timeout, which
		// bounds ordinary requests.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
		name := "alliancegraph-" + db.LastCommit().Format("20060102T150405Z") + ".backup"
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
		n, err := db.Backup(w)
		id := graph.RequestID(r.Context())
		if err != nil {
			log.Error("online backup failed", "request_id", id, "author", who, "bytes", n, "err", err)
			panic(http.ErrAbortHandler)
		}
		log.Info("online backup", "request_id", id, "author", who, "bytes", n)
	})
}
