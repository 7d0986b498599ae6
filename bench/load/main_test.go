package main

import (
	"bytes"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// counted serves the curated dataset and counts the GraphQL requests it
// answers.
func counted(t *testing.T) (*servertest.Server, *atomic.Int64) {
	var n atomic.Int64
	s := servertest.New(t, servertest.Curated(), servertest.Wrap(func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/graphql" {
				n.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	}))
	return s, &n
}

// TestSeveralURLs: with --url a,b,c the clients are spread over the
// servers, client i on server i mod 3, so each server answers requests,
// and every answer is a good one (the error column is 0).
func TestSeveralURLs(t *testing.T) {
	var urls []string
	var counts []*atomic.Int64
	for range 3 {
		s, n := counted(t)
		urls = append(urls, s.URL+"/graphql")
		counts = append(counts, n)
	}
	var out bytes.Buffer
	err := run([]string{"--url", strings.Join(urls, ","), "--queries", "n1", "--clients", "3",
		"--warmup", "0s", "--duration", "300ms", "--header=false"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range counts {
		if n.Load() == 0 {
			t.Errorf("server %d of 3 got no request", i+1)
		}
	}
	f := strings.Fields(out.String())
	if len(f) != 9 || f[1] != "n1" || f[2] != "3" || f[8] != "0" {
		t.Errorf("want one line for n1 at 3 clients with no errors, got %q", out.String())
	}
}

// TestSeveralURLsLoopbackOnly: every URL of the list must be a loopback
// address, not only the first.
func TestSeveralURLsLoopbackOnly(t *testing.T) {
	err := run([]string{"--url", "http://127.0.0.1:1/graphql,http://192.0.2.1/graphql", "--queries", "n1",
		"--clients", "1", "--warmup", "0s", "--duration", "1ms"}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "192.0.2.1") {
		t.Fatalf("want a refusal naming the non-loopback URL, got %v", err)
	}
}

// TestSeveralPIDs: --pid takes a list; the CPU column sums the processes
// and the peak is the largest, so a list of this process twice reports
// a CPU share and a peak.
func TestSeveralPIDs(t *testing.T) {
	s, _ := counted(t)
	var out bytes.Buffer
	pid := strconv.Itoa(os.Getpid())
	err := run([]string{"--url", s.URL + "/graphql", "--pid", pid + "," + pid, "--queries", "n1",
		"--clients", "2", "--warmup", "0s", "--duration", "300ms", "--header=false"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(out.String())
	if len(f) != 9 || f[7] == "0" {
		t.Errorf("want a peak MB for the listed PIDs, got %q", out.String())
	}
}
