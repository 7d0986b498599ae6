package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/alliancegraph/alliancegraph/dataset"
)

// runSeed imports a small synthetic graph through POST /import, or with
// -o writes it to a file for "alliancegraph import": people
// who know each other (KNOWS facts, the predicate the counts attack
// counts and path searches cross), with a few alliances, countries,
// offices and events. Its IDs (person/p0000000, ...) are the synthetic
// generator's, which no curated record uses.
func runSeed(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("attack seed", flag.ContinueOnError)
	base := fs.String("url", "", "the server's base URL on loopback, e.g. http://127.0.0.1:8080")
	token := fs.String("token", "", "a write token of the server (POST /import needs one)")
	people := fs.Int("people", 20000, "people in the graph")
	knows := fs.Int("knows", 100000, "KNOWS facts between them")
	file := fs.String("o", "", "write the graph to this `file` (JSON Lines) instead of posting it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("attack %s takes no arguments, got %q", fs.Name()[len("attack "):], fs.Args())
	}
	if *file == "" {
		if err := checkLoopback(*base); err != nil {
			return err
		}
	}
	shape := dataset.SyntheticShape{Alliances: 20, Countries: 100, People: *people, Offices: 20, Events: 100, Documents: 10,
		MembershipsPerCountry: 2, TermsPerOffice: 2, ParticipantsPerEvent: 5, Knows: *knows}
	var body bytes.Buffer
	if err := dataset.WriteSynthetic(&body, shape, 1); err != nil {
		return err
	}
	if *file != "" {
		if err := os.WriteFile(*file, body.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(out, "wrote %d people, %d KNOWS facts (%.1f MB of JSON Lines) to %s\n", *people, *knows, float64(body.Len())/1e6, *file)
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, "POST", *base+"/import?name=seed.jsonl", &body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/jsonl")
	req.Header.Set("Authorization", "Bearer "+*token)
	size := body.Len()
	t0 := time.Now()
	resp, err := (&http.Client{Timeout: 10 * time.Minute}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST /import: %s: %s", resp.Status, b)
	}
	fmt.Fprintf(out, "seeded %d people, %d KNOWS facts (%.1f MB of JSON Lines) in %.1f s: %s", *people, *knows,
		float64(size)/1e6, time.Since(t0).Seconds(), b)
	return nil
}
