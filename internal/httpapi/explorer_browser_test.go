package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"

	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/web/browsertest"
)

// explorerArtifacts is where the explorer's browser tests write screenshots
// and measurements for a person to look at: test-artifacts/explorer at the
// module's root (gitignored).
func explorerArtifacts(t *testing.T) string {
	return filepath.Join(servertest.Root(t), "test-artifacts", "explorer")
}

// inExplorer runs fn on a Chromium page of the explorer at base, within
// two minutes, and fails the test on its error.
func inExplorer(t *testing.T, base, chromium string, fn func(*browsertest.Explorer) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := browsertest.WithExplorer(ctx, base, chromium, fn); err != nil {
		t.Fatal(err)
	}
}

// explorerServer serves the real dataset from a fresh directory with a
// write token, for the tests that add data through the API.
func explorerServer(t *testing.T) (base string, chromium string) {
	t.Helper()
	chromium, err := browsertest.FindChromium()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and %v", err)
		}
		t.Skip(err)
	}
	base = servertest.New(t, servertest.OnDisk()).URL
	if err := os.MkdirAll(explorerArtifacts(t), 0o755); err != nil {
		t.Fatal(err)
	}
	return base, chromium
}

func shot(t *testing.T, e *browsertest.Explorer, name string) {
	t.Helper()
	png, err := e.Screenshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(explorerArtifacts(t), name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustOK(t *testing.T, r servertest.Response) servertest.Response {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("%+v", r.Errors)
	}
	return r
}

func mustDecode(t *testing.T, r servertest.Response, v any) {
	t.Helper()
	if err := json.Unmarshal(mustOK(t, r).Data, v); err != nil {
		t.Fatal(err)
	}
}

// secondOrganization returns the organization to compare NATO with: the EU
// when the dataset has it, else "org/test-pact", which it writes through
// the API with four members on 2020-01-01 (three of them in NATO), each
// membership citing a span of an ingested text. It returns the members the
// second organization has on 2024-10-01.
func secondOrganization(t *testing.T, base string) (id string, members []string) {
	t.Helper()
	var eu struct {
		Alliance *struct {
			Members struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
	}
	r := servertest.GQL(t, base, "", `{ alliance(id: "org/eu") { members(asOf: "2024-10-01", first: 100) { edges { node { id } } } } }`, nil)
	if r.Code() != "NOT_FOUND" {
		mustDecode(t, mustOK(t, r), &eu)
	}
	if eu.Alliance != nil {
		for _, e := range eu.Alliance.Members.Edges {
			members = append(members, e.Node.ID)
		}
		return "org/eu", members
	}
	mustOK(t, servertest.GQL(t, base, servertest.AliceToken, `mutation { upsertEntity(input: {id: "org/test-pact", kind: ORGANIZATION, name: "Test Pact", aliases: ["TP"],
		properties: [{key: "founded", type: DATE, value: "2020-01-01"}]}) { entity { id } } }`, nil))
	text := "Test Pact charter.\nFinland, Sweden, Norway and Ukraine joined the Test Pact on 1 January 2020.\n"
	sentence := "Finland, Sweden, Norway and Ukraine joined the Test Pact on 1 January 2020."
	start := strings.Index(text, sentence)
	var doc struct {
		IngestDocument struct{ Document struct{ ID string } }
	}
	mustDecode(t, mustOK(t, servertest.GQL(t, base, servertest.AliceToken, `mutation($t: String!) { ingestDocument(input: {text: $t, title: "Test Pact charter"}) { document { id } } }`,
		map[string]any{"t": text})), &doc)
	for _, c := range []string{"FIN", "SWE", "NOR", "UKR"} {
		mustOK(t, servertest.GQL(t, base, servertest.AliceToken, `mutation($from: ID!, $src: ID!, $s: Int!, $e: Int!) { assertFact(input: {predicate: MEMBER_OF, from: $from, to: "org/test-pact",
			validFrom: "2020-01-01", citations: [{source: $src, span: {start: $s, end: $e}}]}) { fact { id } } }`,
			map[string]any{"from": "country/" + c, "src": doc.IngestDocument.Document.ID, "s": start, "e": start + len(sentence)}))
		members = append(members, "country/"+c)
	}
	return "org/test-pact", members
}

// TestExplorerMap drives the map view as a person would: the founders'
// date, the slider, the member table, a click on Finland, the URL state,
// the compare mode and the export, with axe-core checking the page.
func TestExplorerMap(t *testing.T) {
	base, chromium := explorerServer(t)
	second, secondMembers := secondOrganization(t, base)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	axeSource, err := os.ReadFile(filepath.Join(servertest.Root(t), "web", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		servertest.Missing(t, "axe-core (make web installs it): "+err.Error())
	}
	err = browsertest.WithExplorer(ctx, base, chromium, func(e *browsertest.Explorer) error {
		// The treaty was signed on 1949-04-04, but the curated data starts
		// the founders' membership when it entered into force, 1949-08-24:
		// on the signing day the map shows no member, and says so.
		if err := e.Open("org=org/nato&asOf=1949-04-04"); err != nil {
			return err
		}
		m, err := e.Map("1949-04-04")
		if err != nil {
			return err
		}
		if len(m.Coloured) != 0 || len(m.Rows) != 0 || len(m.Legend) != 1 || m.Legend[0].Count != 0 || !strings.Contains(m.Legend[0].Text, "0 members") {
			t.Errorf("1949-04-04: %+v, want no member and a legend saying 0 members", m)
		}

		if err := e.Open("org=org/nato&asOf=1949-08-24"); err != nil {
			return err
		}
		if m, err = e.Map("1949-08-24"); err != nil {
			return err
		}
		if m.Coloured["first"] != 12 || len(m.Rows) != 12 || m.Legend[0].Count != 12 || !strings.Contains(m.Legend[0].Text, "12 members") {
			t.Errorf("1949-08-24: %+v, want 12 countries coloured, listed and counted", m)
		}
		shot(t, e, "map-1949-08-24")
		if start, err := e.Mark("explore:map-rendered"); err == nil {
			t.Logf("map: first render %.0f ms after navigation started", start)
			writeMeasure(t, "map-first-render-ms", start)
		}

		if err := e.SlideTo("2024-03-07"); err != nil {
			return err
		}
		if m, err = e.Map("2024-03-07"); err != nil {
			return err
		}
		if m.Coloured["first"] != 32 || len(m.Rows) != 32 || m.Legend[0].Count != 32 {
			t.Errorf("2024-03-07: %+v, want 32", m)
		}
		if q, err := e.Query(); err != nil || !strings.Contains(q, "asOf=2024-03-07") {
			t.Errorf("after the slider the URL says %q (%v)", q, err)
		}
		shot(t, e, "map-2024-03-07")
		reportBundle(t, e, "explore")
		if v, err := e.Axe(axeSource); err != nil {
			return err
		} else {
			checkAxe(t, "map", v)
		}

		// A click on Finland opens its panel: the accession fact and its
		// citations.
		if err := e.ClickCountry("FIN"); err != nil {
			return err
		}
		p, err := e.Panel("country/FIN")
		if err != nil {
			return err
		}
		if p.Title != "Finland" || !slices.Contains(p.Facts, "fact/fin-member-of-nato") || !slices.Contains(p.Citations, "doc/vif-finland-31st-member") ||
			!strings.Contains(p.Text, "2023-04-04") {
			t.Errorf("Finland's panel: %+v", p)
		}
		if !slices.Contains(p.Links, "https://vifindia.org/category-articles/12588") {
			t.Errorf("Finland's panel links to %v, want the accession source's URL", p.Links)
		}
		if !strings.Contains(p.Text, "Also: Republic of Finland") || !strings.Contains(p.Text, "ISO 3166 alpha-3") {
			t.Errorf("Finland's panel does not show its alias and ISO code: %q", p.Text)
		}
		if q, _ := e.Query(); !strings.Contains(q, "focus=country/FIN") {
			t.Errorf("after the click the URL says %q", q)
		}
		shot(t, e, "map-finland-panel")
		if v, err := e.Axe(axeSource); err != nil {
			return err
		} else {
			checkAxe(t, "map with the panel", v)
		}

		// The URL state round-trips: the page opened from a URL writes the
		// same URL back and shows what it says.
		want := "view=map&org=org/nato&asOf=2004-03-29&focus=country/EST"
		if err := e.Open(want); err != nil {
			return err
		}
		if m, err = e.Map("2004-03-29"); err != nil {
			return err
		}
		if _, err := e.Panel("country/EST"); err != nil {
			return err
		}
		if q, err := e.Query(); err != nil || q != want {
			t.Errorf("opened with %q, the page says %q (%v)", want, q, err)
		}
		if m.Legend[0].Count != 26 || !slices.Contains(m.Rows, "country/EST") {
			t.Errorf("2004-03-29: %+v, want 26 members with Estonia", m)
		}

		// Compare mode: both / first only / second only.
		if err := e.Open("org=org/nato&org2=" + second + "&asOf=2024-10-01"); err != nil {
			return err
		}
		if m, err = e.Map("2024-10-01"); err != nil {
			return err
		}
		both := 0
		for _, id := range secondMembers {
			if slices.Contains([]string{"country/FIN", "country/SWE", "country/NOR"}, id) || second == "org/eu" {
				both++
			}
		}
		counts := map[string]int{}
		for _, l := range m.Legend {
			counts[l.Set] = l.Count
		}
		if second == "org/test-pact" && (counts["both"] != 3 || counts["first"] != 29 || counts["second"] != 1 ||
			m.Coloured["both"] != 3 || m.Coloured["first"] != 29 || m.Coloured["second"] != 1) {
			t.Errorf("NATO and the Test Pact on 2024-10-01: legend %v, coloured %v; want both 3, NATO only 29, Test Pact only 1", counts, m.Coloured)
		}
		if counts["both"]+counts["first"] != 32 || counts["both"]+counts["second"] != len(secondMembers) {
			t.Errorf("compare counts %v do not add up to NATO's 32 and %s's %d", counts, second, len(secondMembers))
		}
		shot(t, e, "map-compare")
		if err := e.Click(`input[name=show][value=second]`); err != nil {
			return err
		}
		if err := e.Wait("only the second set coloured", `document.querySelectorAll("#map path.country.member").length === document.querySelectorAll("#map path.country.member.second").length &&
			document.querySelectorAll("#map path.country.member.first").length === 0`); err != nil {
			return err
		}
		if q, _ := e.Query(); !strings.Contains(q, "show=second") {
			t.Errorf("compare filter not in the URL: %q", q)
		}
		if second == "org/test-pact" {
			// The membership cites a span of an ingested text: the panel
			// quotes the sentence.
			if err := e.ClickCountry("UKR"); err != nil {
				return err
			}
			p, err := e.Panel("country/UKR")
			if err != nil {
				return err
			}
			if len(p.Quotes) == 0 || !strings.Contains(p.Quotes[0], "Ukraine joined the Test Pact on 1 January 2020.") {
				t.Errorf("Ukraine's panel quotes %q", p.Quotes)
			}
		}

		// The export button downloads the view's selection and date as
		// GraphML, which NetworkX reads.
		if err := e.Open("org=org/nato&asOf=2024-03-07"); err != nil {
			return err
		}
		if err := e.Select("export-format", "graphml"); err != nil {
			return err
		}
		href, err := browsertest.Eval[string](e, `document.getElementById("export").getAttribute("href")`)
		if err != nil {
			return err
		}
		u, _ := url.Parse(href)
		if u.Path != "/export" || u.Query().Get("ids") != "org/nato" || u.Query().Get("asOf") != "2024-03-07" || u.Query().Get("format") != "graphml" {
			t.Errorf("export link %q", href)
		}
		file, err := e.Download("#export", t.TempDir())
		if err != nil {
			return err
		}
		checkGraphMLDownload(t, file)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func checkGraphMLDownload(t *testing.T, file string) {
	t.Helper()
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(file, ".graphml") {
		t.Errorf("downloaded %s, want a .graphml file", filepath.Base(file))
	}
	g := servertest.ReadExport(t, "graphml", body)
	countries := 0
	for id := range g.Nodes {
		if strings.HasPrefix(id, "country/") {
			countries++
		}
	}
	if countries != 32 || len(g.Edges) != 32 {
		t.Errorf("NetworkX read %d countries and %d edges from the download, want 32 and 32", countries, len(g.Edges))
	}
}

// checkGraphStyles checks the graph view draws nodes by kind and edges by
// predicate: one look for each, and a different one for each other.
func checkGraphStyles(t *testing.T, e *browsertest.Explorer) {
	t.Helper()
	type look struct{ Color, Shape string }
	var st struct {
		Nodes []struct {
			ID, Kind, Color, Shape string
		}
		Edges []struct {
			ID, Predicate, Color, Line string
		}
	}
	v, err := browsertest.Eval[map[string]any](e, `window.alliancegraphExplorer.graphStyles()`)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	byKind := map[string]look{}
	for _, n := range st.Nodes {
		l := look{n.Color, n.Shape}
		if was, ok := byKind[n.Kind]; ok && was != l {
			t.Errorf("%s (%s) drawn %v, other %s nodes %v", n.ID, n.Kind, l, n.Kind, was)
		}
		byKind[n.Kind] = l
	}
	byPred := map[string]look{}
	for _, ed := range st.Edges {
		l := look{ed.Color, ed.Line}
		if was, ok := byPred[ed.Predicate]; ok && was != l {
			t.Errorf("%s (%s) drawn %v, other %s edges %v", ed.ID, ed.Predicate, l, ed.Predicate, was)
		}
		byPred[ed.Predicate] = l
	}
	for _, m := range []map[string]look{byKind, byPred} {
		seen := map[look]string{}
		for k, l := range m {
			if other, ok := seen[l]; ok {
				t.Errorf("%s and %s are drawn alike: %v", k, other, l)
			}
			seen[l] = k
		}
	}
	if len(byKind) < 3 || len(byPred) < 2 {
		t.Errorf("the graph has kinds %v and predicates %v; the check needs at least 3 and 2", byKind, byPred)
	}
}

// checkExportFormats picks each format in the export list and checks the
// download link names the view's ids and date, and that the server answers
// it with a file of that format.
func checkExportFormats(t *testing.T, e *browsertest.Explorer, base, ids, asOf string) {
	t.Helper()
	ext := map[string]string{"graphml": ".graphml", "gexf": ".gexf", "csv": ".zip", "jsonld": ".jsonld"}
	formats, err := browsertest.Eval[[]string](e, `Array.from(document.querySelectorAll("#export-format option")).map((o) => o.value)`)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(formats, []string{"graphml", "gexf", "csv", "jsonld"}) {
		t.Errorf("export formats offered: %v", formats)
	}
	for _, f := range formats {
		if err := e.Select("export-format", f); err != nil {
			t.Fatal(err)
		}
		href, err := browsertest.Eval[string](e, `document.getElementById("export").getAttribute("href")`)
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(href)
		if err != nil {
			t.Fatal(err)
		}
		if q := u.Query(); u.Path != "/export" || q.Get("format") != f || q.Get("ids") != ids || q.Get("asOf") != asOf {
			t.Errorf("%s export link %q, want ids=%s and asOf=%s", f, href, ids, asOf)
			continue
		}
		resp, err := http.Get(base + href)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || len(body) == 0 || !strings.HasSuffix(strings.Trim(resp.Header.Get("Content-Disposition"), `"`), ext[f]) {
			t.Errorf("%s export: %d, %s, %d bytes: %.200s", f, resp.StatusCode, resp.Header.Get("Content-Disposition"), len(body), body)
		}
	}
}

// TestExplorerGraph drives the graph view: Rutte's neighbourhood expands on
// a click, the layout keeps staying nodes in place when the date changes,
// and path mode finds Rutte -> Finland.
func TestExplorerGraph(t *testing.T) {
	base, chromium := explorerServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	axeSource, err := os.ReadFile(filepath.Join(servertest.Root(t), "web", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		servertest.Missing(t, "axe-core (make web installs it): "+err.Error())
	}
	err = browsertest.WithExplorer(ctx, base, chromium, func(e *browsertest.Explorer) error {
		if err := e.Open("view=graph&focus=person/mark-rutte&asOf=2024-10-01"); err != nil {
			return err
		}
		before, err := e.GraphNodes("2024-10-01")
		if err != nil {
			return err
		}
		if !slices.Contains(before, "office/nato-secretary-general") || slices.Contains(before, "org/nato") {
			t.Fatalf("Rutte's neighbourhood on 2024-10-01: %v", before)
		}
		if _, err := e.Panel("person/mark-rutte"); err != nil {
			return err
		}
		// A click on the office expands it: NATO, whose office it is, joins.
		if err := e.ClickGraphNode("office/nato-secretary-general"); err != nil {
			return err
		}
		if err := e.Wait("the graph to grow", fmt.Sprintf(`window.alliancegraphExplorer.graphNodeIds().length > %d`, len(before))); err != nil {
			return err
		}
		after, err := e.GraphNodes("2024-10-01")
		if err != nil {
			return err
		}
		if !slices.Contains(after, "org/nato") {
			t.Errorf("after a click on the office the graph has %v, want org/nato in it", after)
		}
		if _, err := e.Panel("office/nato-secretary-general"); err != nil {
			return err
		}
		shot(t, e, "graph-rutte-expanded")
		checkGraphStyles(t, e)
		if v, err := e.Axe(axeSource); err != nil {
			return err
		} else {
			checkAxe(t, "graph", v)
		}

		// The export link carries the graph's selection (the focus and the
		// expanded office) and date, and the server answers it in every
		// format the list offers.
		checkExportFormats(t, e, base, "person/mark-rutte,office/nato-secretary-general", "2024-10-01")

		// Moving the date keeps every node that stays where it was.
		was, err := e.GraphPositions(after)
		if err != nil {
			return err
		}
		if err := e.SlideTo("2012-01-01"); err != nil {
			return err
		}
		moved, err := e.GraphNodes("2012-01-01")
		if err != nil {
			return err
		}
		now, err := e.GraphPositions(moved)
		if err != nil {
			return err
		}
		stayed := 0
		for id, p := range now {
			if q, ok := was[id]; ok {
				stayed++
				if p != q {
					t.Errorf("%s moved from %v to %v when the date changed", id, q, p)
				}
			}
		}
		if stayed < 2 || slices.Equal(after, moved) {
			t.Errorf("the date change kept %d nodes (%v -> %v); the test needs some to stay and some to change", stayed, after, moved)
		}

		// Path mode: pick Finland in the path box; the paths are listed and
		// highlighted.
		if err := e.SlideTo("2024-10-01"); err != nil {
			return err
		}
		if _, err := e.GraphNodes("2024-10-01"); err != nil {
			return err
		}
		if err := e.Type("#path-to", "finland"); err != nil {
			return err
		}
		opts, err := e.Options("path-list")
		if err != nil {
			return err
		}
		if len(opts) == 0 || opts[0] != "country/FIN" {
			t.Fatalf("path suggestions for finland: %v", opts)
		}
		if err := e.Key(kb.Enter); err != nil {
			return err
		}
		if err := e.Wait("the path to Finland", `document.querySelectorAll("#path-result ol.paths li").length > 0 &&
			window.alliancegraphExplorer.graphNodeIds().includes("country/FIN")`); err != nil {
			return err
		}
		text, err := browsertest.Eval[string](e, `document.getElementById("path-result").innerText`)
		if err != nil {
			return err
		}
		if !strings.Contains(text, "Mark Rutte") || !strings.Contains(text, "Finland") || !strings.Contains(text, "3 steps") {
			t.Errorf("path result: %q", text)
		}
		if q, _ := e.Query(); !strings.Contains(q, "to=country/FIN") || !strings.Contains(q, "view=graph") {
			t.Errorf("path mode's URL: %q", q)
		}
		shot(t, e, "graph-path-rutte-finland")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestExplorerSearch: typing a misspelt name offers the entity, the arrow
// keys and Enter pick it, and its panel opens.
func TestExplorerSearch(t *testing.T) {
	base, chromium := explorerServer(t)
	inExplorer(t, base, chromium, func(e *browsertest.Explorer) error {
		if err := e.Open(""); err != nil {
			return err
		}
		if err := e.Type("#search", "stoltenburg"); err != nil {
			return err
		}
		opts, err := e.Options("search-list")
		if err != nil {
			return err
		}
		if len(opts) < 2 || opts[0] != "person/jens-stoltenberg" {
			t.Fatalf("suggestions for stoltenburg: %v, want Jens Stoltenberg first and more", opts)
		}
		// The arrow keys move the active suggestion (wrapping round).
		active := func() string {
			id, err := browsertest.Eval[string](e, `(() => {
				const d = document.getElementById("search").getAttribute("aria-activedescendant");
				return d ? document.getElementById(d).dataset.id : "";
			})()`)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		for _, step := range []struct{ key, want string }{{kb.ArrowDown, opts[1]}, {kb.ArrowUp, opts[0]}, {kb.ArrowUp, opts[len(opts)-1]}, {kb.ArrowDown, opts[0]}} {
			if err := e.Key(step.key); err != nil {
				return err
			}
			if got := active(); got != step.want {
				t.Errorf("after %q the active suggestion is %q, want %q", step.key, got, step.want)
			}
		}
		// Enter acts on the text in the box, not on a list shown for an
		// earlier text: the list for "stoltenburg" is still open when
		// "finland" is typed and Enter pressed at once.
		if _, err := browsertest.Eval[string](e, `document.getElementById("search").value = ""`); err != nil {
			return err
		}
		if err := e.Type("#search", "finland"); err != nil {
			return err
		}
		if err := e.Key(kb.Enter); err != nil {
			return err
		}
		if _, err := e.Panel("country/FIN"); err != nil {
			return err
		}
		// Escape closes the list.
		if _, err := browsertest.Eval[string](e, `document.getElementById("search").value = ""`); err != nil {
			return err
		}
		if err := e.Type("#search", "stoltenburg"); err != nil {
			return err
		}
		if _, err := e.Options("search-list"); err != nil {
			return err
		}
		if err := e.Key(kb.Escape); err != nil {
			return err
		}
		if err := e.Wait("Escape to close the list", `document.getElementById("search-list").hidden`); err != nil {
			return err
		}
		// With no list open, Enter goes to the best match of the text.
		if _, err := browsertest.Eval[string](e, `document.getElementById("search").value = ""`); err != nil {
			return err
		}
		if err := e.Type("#search", "stoltenburg"); err != nil {
			return err
		}
		if err := e.Key(kb.Enter); err != nil {
			return err
		}
		p, err := e.Panel("person/jens-stoltenberg")
		if err != nil {
			return err
		}
		if p.Title != "Jens Stoltenberg" {
			t.Errorf("panel: %+v", p)
		}
		return nil
	})
}

// checkAxe fails on serious or critical accessibility violations and logs
// the others.
func checkAxe(t *testing.T, view string, vs []browsertest.Violation) {
	t.Helper()
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("axe-core, %s view: %s (%s, %d elements): %s", view, v.ID, v.Impact, v.Nodes, v.Help)
		} else {
			t.Logf("axe-core, %s view: %s (%s, %d elements): %s", view, v.ID, v.Impact, v.Nodes, v.Help)
		}
	}
}

// reportBundle logs and records the gzip size of the same-origin files the
// page loaded (measured, not asserted: docs/BENCHMARKS.md has the numbers).
func reportBundle(t *testing.T, e *browsertest.Explorer, page string) {
	t.Helper()
	paths, err := e.Resources()
	if err != nil {
		t.Fatal(err)
	}
	total, gz := 0, 0
	for _, p := range paths {
		name, ok := strings.CutPrefix(p, "/static/")
		if !ok {
			continue
		}
		b, err := os.ReadFile(filepath.Join(servertest.Root(t), "web", "dist", name))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		w, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		w.Write(b)
		w.Close()
		total += len(b)
		gz += buf.Len()
	}
	t.Logf("%s page: %d files, %d bytes, %d bytes gzipped", page, len(paths), total, gz)
	writeMeasure(t, page+"-bytes-gzip", float64(gz))
}

// writeMeasure adds one measurement to the artifacts' measurements.json.
func writeMeasure(t *testing.T, name string, v float64) {
	t.Helper()
	path := filepath.Join(explorerArtifacts(t), "measurements.json")
	m := map[string]float64{}
	if b, err := os.ReadFile(path); err == nil {
		json.Unmarshal(b, &m)
	}
	m[name] = v
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestExplorerBudgets measures what docs/BENCHMARKS.md reports (logged and
// written to the artifacts, not asserted): the time to the first render of
// a 500-node graph view, and the gzip size of what each page loads.
func TestExplorerBudgets(t *testing.T) {
	base, chromium := explorerServer(t)
	// A hub that knows 499 people: its neighbourhood is 500 entities.
	var jl strings.Builder
	jl.WriteString(`{"type":"header","format":"alliancegraph-jsonl","version":1}` + "\n")
	jl.WriteString(`{"type":"entity","id":"person/bench-hub","kind":"Person","name":"Bench Hub"}` + "\n")
	jl.WriteString(`{"type":"entity","id":"doc/bench","kind":"Document","name":"Bench source"}` + "\n")
	for i := range 499 {
		fmt.Fprintf(&jl, `{"type":"entity","id":"person/bench-%03d","kind":"Person","name":"Bench Person %03d"}`+"\n", i, i)
	}
	for i := range 499 {
		fmt.Fprintf(&jl, `{"type":"fact","id":"fact/bench-knows-%03d","predicate":"KNOWS","from":"person/bench-hub","to":"person/bench-%03d","validFrom":"2000-01-01","citations":[{"source":"doc/bench"}]}`+"\n", i, i)
	}
	req, err := http.NewRequest(http.MethodPost, base+"/import", strings.NewReader(jl.String()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/jsonl")
	req.Header.Set("Authorization", "Bearer "+servertest.AliceToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("import: %d %s", resp.StatusCode, b)
	}

	inExplorer(t, base, chromium, func(e *browsertest.Explorer) error {
		if err := e.Open("view=graph&focus=person/bench-hub&asOf=2024-01-01"); err != nil {
			return err
		}
		nodes, err := e.GraphNodes("2024-01-01")
		if err != nil {
			return err
		}
		if len(nodes) != 500 {
			t.Errorf("the graph view shows %d entities, want 500", len(nodes))
		}
		at, err := e.Mark("explore:graph-rendered")
		if err != nil {
			return err
		}
		t.Logf("graph view: 500 entities first drawn %.0f ms after navigation started", at)
		writeMeasure(t, "graph-500-first-render-ms", at)
		shot(t, e, "graph-500")

		if err := e.OpenPage("/", `document.querySelector(".graphiql-query-editor .monaco-editor .view-lines")`); err != nil {
			return err
		}
		reportBundle(t, e, "graphiql")
		return nil
	})
}

// operationName finds the name of a query's operation, which GraphiQL
// shows as its tab's title.
var operationName = regexp.MustCompile(`^\s*(?:query|mutation|subscription)\s+(\w+)`)

// TestExplorerAndGraphiQLLink: "Open in GraphiQL" opens the map's query with
// its variables as GraphiQL's active tab, which runs and answers the same
// count; GraphiQL's link leads back to the explorer.
func TestExplorerAndGraphiQLLink(t *testing.T) {
	base, chromium := explorerServer(t)
	inExplorer(t, base, chromium, func(e *browsertest.Explorer) error {
		if err := e.Open("org=org/nato&asOf=2024-03-07"); err != nil {
			return err
		}
		if _, err := e.Map("2024-03-07"); err != nil {
			return err
		}
		if err := e.FollowLink("#open-graphiql", `location.pathname === "/" && document.querySelector(".graphiql-execute-button")`); err != nil {
			return err
		}
		text, err := e.RunInGraphiQL()
		if err != nil {
			return err
		}
		compact := strings.Join(strings.Fields(text), "")
		if !strings.Contains(compact, `"memberCount":32`) || !strings.Contains(compact, `"totalCount":32`) {
			t.Errorf("GraphiQL ran the explorer's query and shows %q", text)
		}
		// The examples stay as tabs after the explorer's query.
		tabs, err := browsertest.Eval[[]string](e, `Array.from(document.querySelectorAll(".graphiql-tab .graphiql-tab-button")).map((b) => b.textContent.trim())`)
		if err != nil {
			return err
		}
		t.Logf("GraphiQL's tabs: %v", tabs)
		var want []string
		for _, ex := range httpapi.Examples {
			if m := operationName.FindStringSubmatch(ex.Query); m != nil {
				want = append(want, m[1])
			}
		}
		if len(want) != len(httpapi.Examples) || len(tabs) != len(httpapi.Examples)+1 || !slices.Equal(tabs[1:], want) {
			t.Errorf("GraphiQL's tabs %v, want the explorer's query, then the examples %v", tabs, want)
		}
		return e.FollowLink("#open-explorer", `location.pathname === "/explore" && document.body.dataset.ready === "true"`)
	})
}

// TestExplorerPlay: the play button steps the map from NATO's founding to
// today through every accession, the count growing from 0 to 32.
func TestExplorerPlay(t *testing.T) {
	base, chromium := explorerServer(t)
	inExplorer(t, base, chromium, func(e *browsertest.Explorer) error {
		if err := e.Open("org=org/nato&asOf=1960-01-01"); err != nil {
			return err
		}
		// Records every date the map shows, with its legend's count.
		if _, err := browsertest.Eval[bool](e, `(() => {
			window.seen = [];
			new MutationObserver(() => {
				const v = document.getElementById("map-view");
				const li = document.querySelector("#legend-items li");
				window.seen.push([v.dataset.asOf, li ? +li.dataset.count : -1]);
			}).observe(document.getElementById("legend-items"), {childList: true});
			return true;
		})()`); err != nil {
			return err
		}
		if err := e.Click("#play"); err != nil {
			return err
		}
		if err := e.Wait("the play to end", `document.getElementById("play").getAttribute("aria-pressed") === "false" && window.seen.length > 5`); err != nil {
			return err
		}
		seen, err := browsertest.Eval[[][2]any](e, `window.seen`)
		if err != nil {
			return err
		}
		var dates []string
		last := -1.0
		for _, s := range seen {
			d, n := s[0].(string), s[1].(float64)
			if len(dates) > 0 && d <= dates[len(dates)-1] || n < last {
				t.Errorf("play went back: %v", seen)
				break
			}
			dates, last = append(dates, d), n
		}
		if len(seen) < 12 || dates[0] != "1949-04-04" || seen[0][1].(float64) != 0 || last != 32 ||
			!slices.Contains(dates, "1949-08-24") || !slices.Contains(dates, "2024-03-07") {
			t.Errorf("play showed %v; want every accession from 1949-04-04 (0) to today (32)", seen)
		}
		return nil
	})
}

// TestExplorerBadURL: values in the URL the page cannot use are named in
// the status line and left out, and the page shows what it can instead of
// breaking or guessing.
func TestExplorerBadURL(t *testing.T) {
	base, chromium := explorerServer(t)
	inExplorer(t, base, chromium, func(e *browsertest.Explorer) error {
		if err := e.Open("view=bogus&org=org/nope&asOf=2024-02-30"); err != nil {
			return err
		}
		today := time.Now().UTC().Format(time.DateOnly)
		m, err := e.Map(today)
		if err != nil {
			return err
		}
		if len(m.Legend) != 1 || m.Legend[0].Count != 32 {
			t.Errorf("today's NATO map: %+v", m)
		}
		msg, err := browsertest.Eval[string](e, `document.getElementById("status").textContent`)
		if err != nil {
			return err
		}
		for _, want := range []string{"view=bogus", "asOf=2024-02-30", "org/nope"} {
			if !strings.Contains(msg, want) {
				t.Errorf("status %q does not name %s", msg, want)
			}
		}
		if q, _ := e.Query(); q != "view=map&org=org/nato&asOf="+today {
			t.Errorf("the URL became %q", q)
		}
		return nil
	})
}

// TestExplorerDefaultView: /explore with nothing in the URL shows NATO's
// map on today's date, loads nothing from any other origin, and hovering
// over a country shows its name and membership fact.
func TestExplorerDefaultView(t *testing.T) {
	base, chromium := explorerServer(t)
	inExplorer(t, base, chromium, func(e *browsertest.Explorer) error {
		if err := e.Open(""); err != nil {
			return err
		}
		today := time.Now().UTC().Format(time.DateOnly)
		m, err := e.Map(today)
		if err != nil {
			return err
		}
		if len(m.Legend) != 1 || m.Legend[0].Count != 32 || m.Coloured["first"] != 32 {
			t.Errorf("today's map: %+v, want NATO's 32 members", m)
		}
		if q, _ := e.Query(); q != "view=map&org=org/nato&asOf="+today {
			t.Errorf("the default view's URL is %q", q)
		}
		shot(t, e, "map-today")
		foreign, err := browsertest.Eval[[]string](e, `performance.getEntriesByType("resource").map((r) => r.name)
			.filter((n) => /^(https?|wss?):/.test(n) && new URL(n).origin !== location.origin)`)
		if err != nil {
			return err
		}
		if len(foreign) > 0 {
			t.Errorf("the page loaded from other origins: %v", foreign)
		}
		paths, err := e.Resources()
		if err != nil {
			return err
		}
		if !slices.Contains(paths, "/graphql") {
			t.Errorf("the page's requests %v do not include /graphql", paths)
		}

		tip, err := e.HoverCountry("FIN")
		if err != nil {
			return err
		}
		if !strings.Contains(tip, "Finland") || !strings.Contains(tip, "since 2023-04-04") || !strings.Contains(tip, "fact/fin-member-of-nato") {
			t.Errorf("Finland's tooltip: %q", tip)
		}
		tip, err = e.HoverCountry("CHE")
		if err != nil {
			return err
		}
		if !strings.Contains(tip, "Switzerland") || !strings.Contains(tip, "Not a member") {
			t.Errorf("Switzerland's tooltip: %q", tip)
		}
		return nil
	})
}

// TestExplorerKeyboard: Tab reaches every control of the map view, each
// with a visible focus outline, and a member in the table opens its panel
// with Enter; the map's colours keep 3:1 contrast against a non-member and
// the sea (WCAG AA for graphics; axe-core checks the text).
func TestExplorerKeyboard(t *testing.T) {
	base, chromium := explorerServer(t)
	second, _ := secondOrganization(t, base)
	inExplorer(t, base, chromium, func(e *browsertest.Explorer) error {
		if err := e.Open("org=org/nato&asOf=2024-03-07"); err != nil {
			return err
		}
		if _, err := e.Map("2024-03-07"); err != nil {
			return err
		}
		controls := []string{"search", "view-map", "view-graph", "open-graphiql", "org", "org2",
			"date-range", "date-input", "play", "export-format", "export"}
		reached := map[string]bool{}
		var row browsertest.Focused
		for range 60 {
			f, err := e.Tab()
			if err != nil {
				return err
			}
			if f.Name == "body" {
				continue
			}
			if f.Outline == "none" || f.Width < 2 {
				t.Errorf("%s has the focus without a visible outline: %+v", f.Name, f)
			}
			reached[f.Name] = true
			if f.Table {
				row = f
				break
			}
		}
		for _, id := range controls {
			if !reached["#"+id] && !reached[id] {
				t.Errorf("Tab never reached #%s (reached %v)", id, reached)
			}
		}
		if !row.Table {
			t.Fatalf("Tab never reached the member table (reached %v)", reached)
		}
		if err := e.Key(kb.Enter); err != nil {
			return err
		}
		id, err := browsertest.Eval[string](e, `document.activeElement.dataset.id || ""`)
		if err != nil {
			return err
		}
		if _, err := e.Panel(id); err != nil {
			return err
		}

		if err := e.Open("org=org/nato&org2=" + second + "&asOf=2024-10-01"); err != nil {
			return err
		}
		if _, err := e.Map("2024-10-01"); err != nil {
			return err
		}
		contrast, err := browsertest.Eval[map[string]float64](e, `(() => {
			const rgb = (el) => getComputedStyle(el).fill.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
			const lum = ([r, g, b]) => {
				const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
				return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
			};
			const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
			const plain = rgb(document.querySelector("#map path.country:not(.member)"));
			const sea = rgb(document.querySelector("#map path.sphere"));
			const out = {};
			for (const set of ["first", "second", "both"]) {
				const el = document.querySelector("#map path.country.member." + set);
				if (!el) continue;
				out[set + " vs non-member"] = ratio(rgb(el), plain);
				out[set + " vs sea"] = ratio(rgb(el), sea);
			}
			return out;
		})()`)
		if err != nil {
			return err
		}
		if len(contrast) != 6 {
			t.Errorf("contrast measured for %v, want first, second and both against a non-member and the sea", contrast)
		}
		for pair, r := range contrast {
			if r < 3 {
				t.Errorf("map colours %s: contrast %.2f:1, want at least 3:1", pair, r)
			}
		}
		return nil
	})
}

// TestGraphiQLSubscriptionHeaders: a subscription run in GraphiQL goes over
// the websocket and carries the Headers pane's token in its connection_init
// payload: without the token the server refuses it (UNAUTHENTICATED), with
// it GraphiQL shows the change a mutation makes.
func TestGraphiQLSubscriptionHeaders(t *testing.T) {
	base, chromium := explorerServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const sub = `subscription { changes(ids: ["person/graphiql-subscriber"]) { op id author } }`
	answered := `(t) => t.includes('"errors"') || t.includes('"data"')`
	err := browsertest.WithExplorer(ctx, base, chromium, func(e *browsertest.Explorer) error {
		text, err := e.RunInGraphiQLWithHeaders(sub, "", answered)
		if err != nil {
			return err
		}
		if !strings.Contains(text, "UNAUTHENTICATED") {
			t.Errorf("a subscription without a token shows %q, want UNAUTHENTICATED", text)
		}

		// Writes the subscribed entity until the page shows a change (each
		// write a new name, so each is a change); the context bounds it.
		writing, stop := context.WithCancel(ctx)
		defer stop()
		go func() {
			for i := 0; writing.Err() == nil; i++ {
				body, _ := json.Marshal(map[string]any{"query": fmt.Sprintf(
					`mutation { upsertEntity(input: {id: "person/graphiql-subscriber", kind: PERSON, name: "Subscriber %d"}) { entity { id } } }`, i)})
				req, _ := http.NewRequestWithContext(writing, http.MethodPost, base+"/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+servertest.AliceToken)
				if resp, err := http.DefaultClient.Do(req); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				select {
				case <-writing.Done():
				case <-time.After(200 * time.Millisecond):
				}
			}
		}()
		text, err = e.RunInGraphiQLWithHeaders(sub, `{"Authorization": "Bearer `+servertest.AliceToken+`"}`, answered)
		stop()
		if err != nil {
			return err
		}
		compact := strings.Join(strings.Fields(text), "")
		if !strings.Contains(compact, `"id":"person/graphiql-subscriber"`) || !strings.Contains(compact, `"author":"alice"`) {
			t.Errorf("a subscription with the token in the Headers pane shows %q, want the change alice made", text)
		}
		shot(t, e, "graphiql-subscription")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestExplorerManyOrganizations: the organization lists hold every
// organization in the store, more than one page of the API's.
func TestExplorerManyOrganizations(t *testing.T) {
	base, chromium := explorerServer(t)
	var jl strings.Builder
	jl.WriteString(`{"type":"header","format":"alliancegraph-jsonl","version":1}` + "\n")
	for i := range 120 {
		fmt.Fprintf(&jl, `{"type":"entity","id":"org/bulk-%03d","kind":"Organization","name":"Bulk Organization %03d"}`+"\n", i, i)
	}
	req, err := http.NewRequest(http.MethodPost, base+"/import", strings.NewReader(jl.String()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/jsonl")
	req.Header.Set("Authorization", "Bearer "+servertest.AliceToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("import: %d %s", resp.StatusCode, b)
	}
	// Every organization in the store: the curated ones and the 120.
	resp, err = http.Post(base+"/graphql", "application/json", strings.NewReader(`{"query":"{ entities(kind: ORGANIZATION, first: 0) { totalCount } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	var count struct {
		Data struct{ Entities struct{ TotalCount int } }
	}
	err = json.NewDecoder(resp.Body).Decode(&count)
	resp.Body.Close()
	orgs := count.Data.Entities.TotalCount
	if err != nil || orgs < 121 {
		t.Fatalf("organizations in the store: %d, %v", orgs, err)
	}
	inExplorer(t, base, chromium, func(e *browsertest.Explorer) error {
		if err := e.Open("org=org/bulk-119&asOf=2024-01-01"); err != nil {
			return err
		}
		if _, err := e.Map("2024-01-01"); err != nil {
			return err
		}
		got, err := browsertest.Eval[[]string](e, `[document.getElementById("org").value, document.getElementById("status").textContent]`)
		if err != nil {
			return err
		}
		if got[0] != "org/bulk-119" || got[1] != "" {
			t.Errorf("org=org/bulk-119 shows %q with the status %q", got[0], got[1])
		}
		opts, err := browsertest.Eval[[]string](e, `Array.from(document.querySelectorAll("#org option")).map((o) => o.value)`)
		if err != nil {
			return err
		}
		if len(opts) != orgs || !slices.Contains(opts, "org/nato") || !slices.Contains(opts, "org/bulk-000") {
			t.Errorf("the organization list has %d entries, want all %d, NATO and the 120 written among them", len(opts), orgs)
		}
		return nil
	})
}
