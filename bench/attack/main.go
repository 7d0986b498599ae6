// Command attack runs the hostile requests of the attack soak
// (bench/soak-attack.sh) against an alliancegraph server on loopback:
// the fragment bomb, conflicting aliased fields, connections that say
// "Upgrade: websocket" and never send their body, zip bombs to POST
// /import, whole-index counts and deep path searches, and websockets
// opening subscriptions with and without a token. Every attack runs at
// once, each bounded by its own flags (clients, rate, connections held),
// until --duration has passed or the process is interrupted. It then
// prints, per attack, how many attempts it made and how they were
// answered (HTTP status and extensions.code), and exits 1 when an answer
// is not the refusal that attack must get, or an attack made no attempt.
//
//	attack seed --url http://127.0.0.1:8080 --token TOKEN
//	attack run  --url http://127.0.0.1:8080 --token TOKEN --duration 60s
//
// seed imports a small synthetic graph (people who know each other)
// through POST /import, so that the counts and path searches have
// something to read; run's --people then names how many people it has.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "attack:", err)
		os.Exit(1)
	}
}

const usage = "usage: attack seed|run --url http://127.0.0.1:PORT [flags] (attack seed --help, attack run --help)"

func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "seed":
		return runSeed(ctx, args[1:], out)
	case "run":
		return runAttacks(ctx, args[1:], out)
	default:
		return errors.New(usage)
	}
}

// checkLoopback refuses a base URL that is not on this machine: the
// attacks are for a server one runs oneself.
func checkLoopback(base string) error {
	for _, p := range []string{"http://127.", "http://localhost:", "http://[::1]:"} {
		if strings.HasPrefix(base, p) {
			return nil
		}
	}
	return fmt.Errorf("--url must be a loopback address such as http://127.0.0.1:8080, got %q", base)
}
