package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// handshakeRefusals are how a websocket handshake may be answered: the
// socket, or a refusal over the server's or the client's socket limit
// (or over --max-conns).
var handshakeRefusals = []string{"handshake 101", "handshake 429 LIMIT_EXCEEDED", "handshake 503 LIMIT_EXCEEDED"}

func runAttacks(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("attack run", flag.ContinueOnError)
	base := fs.String("url", "", "the server's base URL on loopback, e.g. http://127.0.0.1:8080")
	token := fs.String("token", "", "a write token of the server: the zip bombs and half the websockets send it, so that they reach the code that must refuse them")
	dur := fs.Duration("duration", 0, "how long to attack (0: until interrupted)")
	fragClients := fs.Int("fragment-clients", 1, "item 2, the fragment bomb: concurrent clients (0: off)")
	fragRate := fs.Float64("fragment-rate", 20, "item 2: requests a second at most (0: no bound)")
	overClients := fs.Int("overlap-clients", 1, "item 3, 900 conflicting fields: concurrent clients (0: off)")
	overRate := fs.Float64("overlap-rate", 20, "item 3: requests a second at most (0: no bound)")
	holdConns := fs.Int("hold-conns", 1000, "item 4, POST with Upgrade: websocket and a body never sent: connections held at once (0: off)")
	holdRate := fs.Float64("hold-rate", 200, "item 4: new connections a second at most (0: no bound)")
	holdBound := fs.Duration("hold-bound", 45*time.Second, "item 4: a connection the server still holds after this is a failure (its read timeout is 30 s)")
	zipClients := fs.Int("zip-clients", 1, "item 6, zip bombs to POST /import: concurrent clients (0: off)")
	zipRate := fs.Float64("zip-rate", 2, "item 6: requests a second at most (0: no bound)")
	countClients := fs.Int("count-clients", 1, "item 7, 15 aliased counts of the KNOWS facts: concurrent clients (0: off)")
	countRate := fs.Float64("count-rate", 0, "item 7: count requests a second at most (0: no bound)")
	pathClients := fs.Int("path-clients", 1, "item 7, six-hop path searches: concurrent clients (0: off)")
	pathRate := fs.Float64("path-rate", 0, "item 7: path requests a second at most (0: no bound)")
	people := fs.Int("people", 0, "people in the seeded graph, for the path searches' ends (0: NATO states)")
	sockets := fs.Int("sockets", 200, "item 8: websockets open at once, half with the token and half without (0: off)")
	subs := fs.Int("socket-subs", 10, "item 8: subscriptions each socket opens")
	ips := fs.Int("socket-ips", 16, "item 8: loopback addresses (127.0.1.x) the sockets come from, up to 254")
	hold := fs.Duration("socket-hold", 10*time.Second, "item 8: how long each socket is kept open")
	sockRate := fs.Float64("socket-rate", 50, "item 8: new sockets a second at most (0: no bound)")
	check := fs.Bool("check", true, "exit 1 when an attack made no attempt or got an answer it must not get")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("attack %s takes no arguments, got %q", fs.Name()[len("attack "):], fs.Args())
	}
	if err := checkLoopback(*base); err != nil {
		return err
	}
	*base = strings.TrimSuffix(*base, "/")
	if *token == "" && (*zipClients > 0 || *sockets > 0) {
		return errors.New("--token is needed for the zip bombs and the tokened websockets (turn them off with --zip-clients 0 --sockets 0)")
	}
	if *dur > 0 {
		// A cancel, not a deadline: a deadline reaches the dialers and
		// sockets, which then fail with a timeout of their own an
		// instant before ctx reports that it ended, and the stop would
		// be counted as an answer.
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		defer time.AfterFunc(*dur, cancel).Stop()
	}

	var tallies []*tally
	var wg sync.WaitGroup
	start := func(on bool, t *tally, f func(*tally)) {
		if !on {
			return
		}
		tallies = append(tallies, t)
		wg.Go(func() { f(t) })
	}
	limit := oneOf("200 LIMIT_EXCEEDED")
	start(*fragClients > 0, newTally("fragment-bomb", limit), func(t *tally) {
		q := fragmentBomb(26, `alliance(id: "org/nato") { name }`)
		queryAttack(ctx, *base, *fragClients, *fragRate, t, func(*rand.Rand) string { return q })
	})
	start(*overClients > 0, newTally("overlap-900", limit), func(t *tally) {
		qs := []string{conflictingFields(true), conflictingFields(false)}
		n := 0
		var mu sync.Mutex
		queryAttack(ctx, *base, *overClients, *overRate, t, func(*rand.Rand) string {
			mu.Lock()
			defer mu.Unlock()
			n++
			return qs[n%2]
		})
	})
	start(*holdConns > 0, newTally("upgrade-hold", holdExpected), func(t *tally) {
		holdAttack(ctx, *base, *holdConns, *holdRate, *holdBound, t)
	})
	start(*zipClients > 0, newTally("zip-bomb", oneOf("413 LIMIT_EXCEEDED")), func(t *tally) {
		zipAttack(ctx, *base, *token, *zipClients, *zipRate, t)
	})
	start(*countClients > 0, newTally("counts-15", oneOf("200 OK", "200 TIMEOUT")), func(t *tally) {
		q := manyCounts(15)
		queryAttack(ctx, *base, *countClients, *countRate, t, func(*rand.Rand) string { return q })
	})
	start(*pathClients > 0, newTally("path-6-hops", oneOf("200 OK", "200 TIMEOUT", "200 LIMIT_EXCEEDED")), func(t *tally) {
		queryAttack(ctx, *base, *pathClients, *pathRate, t, func(rng *rand.Rand) string { return deepPath(rng, *people) })
	})
	half := (*sockets + 1) / 2
	start(half > 0, newTally("ws-anonymous", oneOf(append(handshakeRefusals, "sub UNAUTHENTICATED")...)), func(t *tally) {
		socketAttack(ctx, *base, "", half, *subs, *ips, *hold, *sockRate/2, t)
	})
	start(*sockets-half > 0, newTally("ws-token", oneOf(append(handshakeRefusals, "sub open", "sub LIMIT_EXCEEDED")...)), func(t *tally) {
		socketAttack(ctx, *base, *token, *sockets-half, *subs, *ips, *hold, *sockRate/2, t)
	})
	t0 := time.Now()
	wg.Wait()
	fmt.Fprintf(out, "attacked for %.0f s\n", time.Since(t0).Seconds())
	problems := report(out, tallies)
	for _, p := range problems {
		fmt.Fprintln(out, "problem:", p)
	}
	if *check && len(problems) > 0 {
		return fmt.Errorf("%d problem(s)", len(problems))
	}
	return nil
}

// holdExpected: a held connection ends with a coded refusal (the body
// never came within the read timeout; over --max-conns), closed
// unanswered (a flood past the refusals in flight), or still held when
// the attack stops; never held past the bound, never answered 2xx.
func holdExpected(o string) bool {
	switch o {
	case "held at the stop", "closed unanswered", "408 BAD_USER_INPUT", "400 BAD_USER_INPUT", "503 LIMIT_EXCEEDED":
		return true
	}
	return false
}
