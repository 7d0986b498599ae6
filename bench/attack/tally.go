package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// tally counts one attack's attempts and how each was answered.
type tally struct {
	name string
	// expected reports whether an outcome is one the attack must get.
	expected func(outcome string) bool

	mu       sync.Mutex
	attempts int
	outcomes map[string]int
	lat      []time.Duration // time to the answer, per answered attempt
	maxBody  int             // the largest answer, in bytes
}

func newTally(name string, expected func(string) bool) *tally {
	return &tally{name: name, expected: expected, outcomes: map[string]int{}}
}

// add records one attempt: its outcome, how long the answer took (0: not
// timed) and how large it was.
func (t *tally) add(outcome string, took time.Duration, size int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.attempts++
	t.outcomes[outcome]++
	if took > 0 {
		t.lat = append(t.lat, took)
	}
	t.maxBody = max(t.maxBody, size)
}

// count records an outcome that is not an attempt of its own, such as
// each subscription a socket opened.
func (t *tally) count(outcome string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.outcomes[outcome]++
}

// unexpected returns the outcomes the attack must not get, with counts.
func (t *tally) unexpected() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var bad []string
	for _, o := range slices.Sorted(maps.Keys(t.outcomes)) {
		if !t.expected(o) {
			bad = append(bad, fmt.Sprintf("%s: %d", o, t.outcomes[o]))
		}
	}
	return bad
}

// report prints one line per attack and returns the problems found: an
// attack that made no attempt, or answers it must not get.
func report(out io.Writer, ts []*tally) []string {
	var problems []string
	fmt.Fprintf(out, "%-16s %8s %9s %9s %10s  %s\n", "attack", "attempts", "p50 ms", "max ms", "max bytes", "answers")
	for _, t := range ts {
		t.mu.Lock()
		slices.Sort(t.lat)
		p50, top := 0.0, 0.0
		if n := len(t.lat); n > 0 {
			p50, top = ms(t.lat[n/2]), ms(t.lat[n-1])
		}
		var parts []string
		for _, o := range slices.Sorted(maps.Keys(t.outcomes)) {
			parts = append(parts, fmt.Sprintf("%s: %d", o, t.outcomes[o]))
		}
		fmt.Fprintf(out, "%-16s %8d %9.1f %9.1f %10d  %s\n", t.name, t.attempts, p50, top, t.maxBody, strings.Join(parts, ", "))
		attempts := t.attempts
		t.mu.Unlock()
		if attempts == 0 {
			problems = append(problems, t.name+": no attempt was made")
		}
		for _, u := range t.unexpected() {
			problems = append(problems, t.name+": unexpected "+u)
		}
	}
	return problems
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// oneOf returns an expected function that accepts exactly outcomes.
func oneOf(outcomes ...string) func(string) bool {
	return func(o string) bool { return slices.Contains(outcomes, o) }
}
