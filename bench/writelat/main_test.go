package main

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestWrites: two writers over two servers, writer i through server
// i mod 2: every write is a good one, the table counts the measured ones,
// and each server holds the places its writer created, warm-up ones too.
func TestWrites(t *testing.T) {
	a, b := servertest.New(t), servertest.New(t)
	var out bytes.Buffer
	err := run([]string{"--url", a.URL + "/graphql," + b.URL + "/graphql", "--token", servertest.AliceToken,
		"--writers", "2", "--writes", "3", "--warmup", "1", "--header=false"}, &out)
	if err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	f := strings.Fields(out.String())
	if len(f) != 9 || f[1] != "2" || f[2] != "6" || f[8] != "0" {
		t.Fatalf("want one line for 2 writers, 6 writes, no errors; got %q", out.String())
	}
	for i, s := range []*servertest.Server{a, b} {
		r := servertest.Query(t, s.URL, `{ search(query: "benchmark place", first: 20) { entity { id } } }`)
		ids := regexp.MustCompile(`place/bench-[0-9a-f]+-w([01])-([0-9]+)`).FindAllStringSubmatch(string(r.Data), -1)
		if len(ids) != 4 {
			t.Errorf("server %d holds %d benchmark places, want 4 (1 warm-up and 3 measured): %s", i+1, len(ids), r.Data)
		}
		for _, m := range ids {
			if m[1] != []string{"0", "1"}[i] {
				t.Errorf("server %d holds writer %s's place", i+1, m[1])
			}
		}
	}
}

// TestWritesRefused: writes a server refuses are counted by their code,
// shown, and make the command fail.
func TestWritesRefused(t *testing.T) {
	s := servertest.New(t)
	var out bytes.Buffer
	err := run([]string{"--url", s.URL + "/graphql", "--token", "not-a-token-0123456789", "--writes", "2", "--warmup", "0", "--header=false"}, &out)
	if !errors.Is(err, errWrites) {
		t.Fatalf("want errWrites, got %v: %s", err, out.String())
	}
	if !strings.Contains(out.String(), "UNAUTHENTICATED=2") || !strings.Contains(out.String(), "place/bench-") {
		t.Errorf("want the two refusals counted and shown, got %q", out.String())
	}
}

// TestLoopbackOnly: every URL must be a loopback address.
func TestLoopbackOnly(t *testing.T) {
	err := run([]string{"--url", "http://127.0.0.1:1/graphql,http://192.0.2.1/graphql", "--token", "x"}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "192.0.2.1") {
		t.Fatalf("want a refusal naming the non-loopback URL, got %v", err)
	}
}

// TestWritesAllowed: refusals with a code given to --allow are counted
// and shown like the others but do not make the command fail; others
// still do.
func TestWritesAllowed(t *testing.T) {
	s := servertest.New(t)
	args := []string{"--url", s.URL + "/graphql", "--token", "not-a-token-0123456789", "--writes", "2", "--warmup", "0", "--header=false"}
	var out bytes.Buffer
	if err := run(append(args, "--allow", "CONFLICT,UNAUTHENTICATED"), &out); err != nil {
		t.Fatalf("an allowed code failed the command: %v: %s", err, out.String())
	}
	if !strings.Contains(out.String(), "UNAUTHENTICATED=2") {
		t.Errorf("want the two refusals counted, got %q", out.String())
	}
	if err := run(append(args, "--allow", "CONFLICT"), &bytes.Buffer{}); !errors.Is(err, errWrites) {
		t.Errorf("a code not allowed: want errWrites, got %v", err)
	}
}
