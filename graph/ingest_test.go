package graph_test

import (
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/dataset/datasettest"
	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestIngestAndQuoteOverHTTP: ingesting the seed article through the
// mutation makes the dataset's citations of it answer with quotes.
func TestIngestAndQuoteOverHTTP(t *testing.T) {
	text := datasettest.Seed(t)
	srv := servertest.New(t, servertest.OnDisk())
	db := srv.DB
	q := `{ fact(id: "fact/fin-member-of-nato") { citations { source { id } span { start end } quote } } }`
	var before struct {
		Fact struct{ Citations []struct{ Quote *string } }
	}
	servertest.OK(t, servertest.GQL(t, srv.URL, "", q, nil), &before)
	for _, c := range before.Fact.Citations {
		if c.Quote != nil {
			t.Fatalf("a quote before the text was ingested: %q", *c.Quote)
		}
	}
	var in struct {
		IngestDocument struct {
			Document struct{ ID string }
			Sha256   string
			Mentions []struct{ To struct{ ID string } }
		}
	}
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.AliceToken, `mutation($t: String!) { ingestDocument(input: {text: $t}) { document { id } sha256 mentions { to { id } } } }`, map[string]any{"t": text}), &in)
	if in.IngestDocument.Document.ID != "doc/seed-rutte-takes-over" || in.IngestDocument.Sha256 != domain.TextSum(text) || len(in.IngestDocument.Mentions) < 7 {
		t.Fatalf("ingest: %+v", in)
	}
	var after struct {
		Fact struct {
			Citations []struct {
				Source struct{ ID string }
				Quote  *string
			}
		}
	}
	servertest.OK(t, servertest.GQL(t, srv.URL, "", q, nil), &after)
	quoted := 0
	for _, c := range after.Fact.Citations {
		if c.Source.ID == "doc/seed-rutte-takes-over" {
			if c.Quote == nil || !strings.Contains(*c.Quote, "Finland") {
				t.Errorf("quote %v does not name Finland", c.Quote)
			}
			quoted++
		}
	}
	if quoted != 1 {
		t.Errorf("%d seed citations quoted", quoted)
	}
	servertest.Check(t, db)
}
