package httpapi

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Serve answers HTTP on ln with h until ctx is cancelled, then stops
// taking connections and drains the requests in flight. It bounds the
// connections open at once (c.MaxConns) and every request's reading,
// writing and headers, and logs the bounds and the address it serves.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, c Config, log *slog.Logger) error {
	c = c.WithDefaults()
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       cmp.Or(c.ReadTimeout, 30*time.Second),
		WriteTimeout:      c.Limits.Timeout + 10*time.Second,
		IdleTimeout:       120 * time.Second,
		// The request line and headers; a GET query has its own, smaller
		// limit (--max-url, 414) inside this one (431 beyond).
		MaxHeaderBytes: max(64<<10, c.Limits.MaxURLBytes+16<<10),
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln = newLimitListener(ln, c.MaxConns)
	log.Info("connections", "max", c.MaxConns, "websockets", c.Socket.MaxSockets, "subscriptions", c.Socket.MaxTotalSubscriptions)
	addr := ln.Addr().String()
	log.Info("serving", "url", "http://"+addr+"/", "graphql", "http://"+addr+"/graphql")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
