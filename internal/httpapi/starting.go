package httpapi

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
)

// ServeStarting answers on ln while a cluster node starts: the node opens
// its listener first (it advertises the port to its peers) and then joins
// the cluster and catches up with the log, which can take minutes, and a
// connection nobody accepts would hang for all that time. /livez is 200;
// /readyz and /healthz are 503 saying what the node is doing (why());
// anything else is TIMEOUT (503) with Retry-After.
//
// The returned stop ends this and leaves ln open for Serve. It is safe to
// call more than once, and after ln is closed.
func ServeStarting(ln net.Listener, why func() string) (stop func()) {
	dl, ok := ln.(interface{ SetDeadline(time.Time) error })
	if !ok {
		return func() {}
	}
	srv := &http.Server{
		Handler:           startingHandler(why),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       5 * time.Second,
		WriteTimeout:      5 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(keepOpen{ln})
	}()
	var once sync.Once
	return func() { once.Do(func() { shutdownStarting(srv, dl, done) }) }
}

// shutdownStarting stops srv, which serves keepOpen(ln), and returns
// once its Serve has returned, with ln open and usable again.
func shutdownStarting(srv *http.Server, dl interface{ SetDeadline(time.Time) error }, done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Accept fails from now on (Serve retries it), and once the server
	// is shut down such a failure ends Serve; Shutdown waits for that.
	// Connections wait in the listen queue meanwhile.
	dl.SetDeadline(time.Now())
	srv.Shutdown(ctx)
	<-done
	dl.SetDeadline(time.Time{})
}

// keepOpen is a listener whose Close leaves it open, for Serve after the
// starting server shuts down.
type keepOpen struct{ net.Listener }

func (keepOpen) Close() error { return nil }

func startingHandler(why func() string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		switch r.URL.Path {
		case "/livez":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, "ok\n")
		case "/readyz", "/healthz":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Retry-After", "5")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, "not ready: starting: "+why()+"\n")
		default:
			w.Header().Set("Retry-After", "5")
			WriteError(w, r, nil, fmt.Errorf("%w: this server is starting (%s); try again shortly, or another server", domain.ErrTimeout, why()))
		}
	})
}
