package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Explorer is the explorer page (/explore) open in headless Chromium.
type Explorer struct {
	ctx  context.Context
	fail func(string, error) error
	base string
}

// WithExplorer starts Chromium with a fresh profile and calls fn with an
// Explorer on baseURL's server; fn opens pages with Open. ctx bounds the
// whole run; give it a deadline.
func WithExplorer(ctx context.Context, baseURL, chromiumPath string, fn func(e *Explorer) error) error {
	return withBrowser(ctx, chromiumPath, func(bctx context.Context, fail func(string, error) error) error {
		return fn(&Explorer{ctx: bctx, fail: fail, base: strings.TrimSuffix(baseURL, "/")})
	})
}

// poll waits until expr is truthy and decodes its value into T; the run's
// context bounds the wait.
func poll[T any](e *Explorer, step, expr string) (T, error) {
	v, err := chromedp.Run(e.ctx, chromedp.Poll[T](expr,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(0)))
	if err != nil {
		return v, e.fail(step, err)
	}
	return v, nil
}

func eval[T any](e *Explorer, step, expr string) (T, error) {
	v, err := chromedp.Run(e.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		return v, e.fail(step, err)
	}
	return v, nil
}

// Open navigates to /explore?query and waits until the page has started
// and drawn its first view.
func (e *Explorer) Open(query string) error {
	url := e.base + "/explore"
	if query != "" {
		url += "?" + query
	}
	if err := chromedp.Do(e.ctx, chromedp.Navigate(url)); err != nil {
		return e.fail("opening "+url, err)
	}
	_, err := poll[bool](e, "waiting for the explorer at "+url, `document.body.dataset.ready === "true" &&
		(document.getElementById("map-view").hidden ? !!document.getElementById("graph").dataset.nodes : document.getElementById("map-view").dataset.ready === "true")`)
	return err
}

// OpenPage navigates to path on the server and waits until the JavaScript
// expression ready is truthy.
func (e *Explorer) OpenPage(path, ready string) error {
	if err := chromedp.Do(e.ctx, chromedp.Navigate(e.base+path)); err != nil {
		return e.fail("opening "+path, err)
	}
	_, err := poll[bool](e, "waiting for "+path, "!!("+ready+")")
	return err
}

// Query is the query string the page's URL now has, without the "?".
func (e *Explorer) Query() (string, error) {
	return eval[string](e, "reading the URL", `location.search.slice(1)`)
}

// Legend is one entry of the map's legend: the set ("first", "second",
// "both") and the count it shows.
type Legend struct {
	Set   string `json:"set"`
	Count int    `json:"count"`
	Text  string `json:"text"`
}

// MapView is what the map shows.
type MapView struct {
	AsOf string `json:"asOf"`
	// Coloured counts the countries drawn as members, by set.
	Coloured map[string]int `json:"coloured"`
	Legend   []Legend       `json:"legend"`
	// Rows is the member table's country IDs.
	Rows []string `json:"rows"`
}

// Map waits for the map to show asOf and reads it.
func (e *Explorer) Map(asOf string) (MapView, error) {
	return poll[MapView](e, "reading the map on "+asOf, fmt.Sprintf(`(() => {
		const v = document.getElementById("map-view");
		if (v.dataset.asOf !== %q) return false;
		const coloured = {};
		for (const el of document.querySelectorAll("#map path.country.member")) {
			for (const c of ["first", "second", "both"]) if (el.classList.contains(c)) coloured[c] = (coloured[c] || 0) + 1;
		}
		return {
			asOf: v.dataset.asOf,
			coloured,
			legend: Array.from(document.querySelectorAll("#legend-items li")).map((li) => ({set: li.dataset.set, count: +li.dataset.count, text: li.textContent})),
			rows: Array.from(document.querySelectorAll("#members-table tbody th button")).map((b) => b.dataset.id),
		};
	})()`, asOf))
}

// SlideTo moves the date slider to date as a drag would (the range input's
// value changes and it fires input events).
func (e *Explorer) SlideTo(date string) error {
	_, err := eval[bool](e, "moving the slider to "+date, fmt.Sprintf(`(() => {
		const r = document.getElementById("date-range");
		r.focus();
		r.value = String(Math.round(Date.parse(%q + "T00:00:00Z") / 86400000));
		r.dispatchEvent(new Event("input", {bubbles: true}));
		return true;
	})()`, date))
	return err
}

// Select picks value in the <select> with the given id, as a person would
// with the keyboard, and fires its change event.
func (e *Explorer) Select(id, value string) error {
	_, err := eval[bool](e, "choosing "+value+" in #"+id, fmt.Sprintf(`(() => {
		const s = document.getElementById(%q);
		if (![...s.options].some((o) => o.value === %q)) throw new Error("no option " + %q);
		s.focus();
		s.value = %q;
		s.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	})()`, id, value, value, value))
	return err
}

// countryPoint scrolls the country's shape on the map into view and
// returns a point of the viewport inside it that nothing covers.
func (e *Explorer) countryPoint(iso3 string) (x, y float64, err error) {
	type pt struct{ X, Y float64 }
	p, err := eval[*pt](e, "finding "+iso3+" on the map", fmt.Sprintf(`(() => {
		const el = document.querySelector('#map path.country[data-iso3=%q]');
		if (!el) return null;
		el.scrollIntoView({block: "center"});
		const b = el.getBBox(), m = el.getScreenCTM(), p = el.ownerSVGElement.createSVGPoint();
		for (let i = 1; i < 24; i++) for (let j = 1; j < 24; j++) {
			p.x = b.x + b.width * i / 24; p.y = b.y + b.height * j / 24;
			if (!el.isPointInFill(p)) continue;
			const s = p.matrixTransform(m);
			if (document.elementFromPoint(s.x, s.y) === el) return {X: s.x, Y: s.y};
		}
		return null;
	})()`, iso3))
	if err != nil {
		return 0, 0, err
	}
	if p == nil {
		return 0, 0, e.fail("finding "+iso3+" on the map", errors.New("no visible point of the country on the map"))
	}
	return p.X, p.Y, nil
}

// ClickCountry clicks with the mouse on a point inside the country's shape
// on the map.
func (e *Explorer) ClickCountry(iso3 string) error {
	x, y, err := e.countryPoint(iso3)
	if err != nil {
		return err
	}
	if err := chromedp.Do(e.ctx, chromedp.MouseClickXY(x, y)); err != nil {
		return e.fail("clicking "+iso3, err)
	}
	return nil
}

// HoverCountry moves the mouse onto a point inside the country's shape on
// the map and returns the text of the tooltip once it shows.
func (e *Explorer) HoverCountry(iso3 string) (string, error) {
	x, y, err := e.countryPoint(iso3)
	if err != nil {
		return "", err
	}
	if err := chromedp.Do(e.ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y)); err != nil {
		return "", e.fail("hovering over "+iso3, err)
	}
	return poll[string](e, "waiting for the tooltip of "+iso3, `(() => {
		const t = document.getElementById("map-tooltip");
		return !t.hidden && t.textContent;
	})()`)
}

// Focused describes the element that has the keyboard focus: its id (or,
// without one, its tag and text), its outline, and whether it is in the
// member table.
type Focused struct {
	Name    string  `json:"name"`
	Outline string  `json:"outline"`
	Width   float64 `json:"width"`
	Table   bool    `json:"table"`
}

// Tab presses the Tab key and describes the element that has the focus
// then.
func (e *Explorer) Tab() (Focused, error) {
	if err := chromedp.Do(e.ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
		return Focused{}, e.fail("pressing Tab", err)
	}
	return eval[Focused](e, "reading the focused element", `(() => {
		const el = document.activeElement;
		if (!el || el === document.body) return {name: "body"};
		const cs = getComputedStyle(el);
		return {
			name: el.id || (el.tagName.toLowerCase() + ":" + el.textContent.trim()),
			outline: cs.outlineStyle,
			width: parseFloat(cs.outlineWidth) || 0,
			table: !!el.closest("#members-table"),
		};
	})()`)
}

// Panel is what the entity panel shows.
type Panel struct {
	Entity    string   `json:"entity"`
	Title     string   `json:"title"`
	Facts     []string `json:"facts"`
	Citations []string `json:"citations"`
	Quotes    []string `json:"quotes"`
	Links     []string `json:"links"`
	Text      string   `json:"text"`
}

// Panel waits for the entity panel to show id with its timeline, and reads
// it.
func (e *Explorer) Panel(id string) (Panel, error) {
	return poll[Panel](e, "reading the panel of "+id, fmt.Sprintf(`(() => {
		const p = document.getElementById("panel");
		if (p.hidden || p.dataset.entity !== %q) return false;
		const all = (sel, f) => Array.from(p.querySelectorAll(sel)).map(f);
		return {
			entity: p.dataset.entity,
			title: p.querySelector("h2").textContent,
			facts: all("li.fact", (li) => li.dataset.fact),
			citations: all("li.citation", (li) => li.dataset.source),
			quotes: all("blockquote.quote", (q) => q.textContent),
			links: all("li.citation a[href]", (a) => a.href),
			text: p.innerText,
		};
	})()`, id))
}

// GraphNodes waits for the graph view to show asOf and lists its nodes.
func (e *Explorer) GraphNodes(asOf string) ([]string, error) {
	return poll[[]string](e, "reading the graph on "+asOf, fmt.Sprintf(`(() => {
		const g = document.getElementById("graph");
		if (g.dataset.asOf !== %q || !g.dataset.nodes) return false;
		const ids = window.alliancegraphExplorer.graphNodeIds();
		return ids.length === +g.dataset.nodes ? ids : false;
	})()`, asOf))
}

// Position is where a graph node sits in the graph's own coordinates.
type Position struct{ X, Y float64 }

// GraphPositions returns the model positions of the given nodes.
func (e *Explorer) GraphPositions(ids []string) (map[string]Position, error) {
	b, _ := json.Marshal(ids)
	return eval[map[string]Position](e, "reading node positions", fmt.Sprintf(`(() => {
		const out = {};
		for (const id of %s) { const p = window.alliancegraphExplorer.modelPosition(id); if (p) out[id] = {X: p.x, Y: p.y}; }
		return out;
	})()`, b))
}

// ClickGraphNode clicks with the mouse where the graph draws the node.
func (e *Explorer) ClickGraphNode(id string) error {
	type pt struct{ X, Y float64 }
	// Scroll first and let two frames pass: cytoscape learns where its
	// container went from the scroll event, which comes a frame later.
	if _, err := chromedp.Run(e.ctx, chromedp.Evaluate[bool](`new Promise((ok) => {
		document.getElementById("graph").scrollIntoView({block: "center"});
		requestAnimationFrame(() => requestAnimationFrame(() => ok(true)));
	})`, chromedp.EvalAwaitPromise)); err != nil {
		return e.fail("scrolling to the graph", err)
	}
	p, err := eval[*pt](e, "finding "+id+" in the graph", fmt.Sprintf(`(() => {
		const p = window.alliancegraphExplorer.nodePosition(%q);
		return p && {X: p.x, Y: p.y};
	})()`, id))
	if err != nil {
		return err
	}
	if p == nil {
		return e.fail("clicking "+id, errors.New("the graph does not show it"))
	}
	if err := chromedp.Do(e.ctx, chromedp.MouseClickXY(p.X, p.Y)); err != nil {
		return e.fail("clicking "+id, err)
	}
	return nil
}

// Click clicks the element sel matches.
func (e *Explorer) Click(sel string) error {
	if err := chromedp.Do(e.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		return e.fail("clicking "+sel, err)
	}
	return nil
}

// Type focuses the input sel and types text into it, key by key.
func (e *Explorer) Type(sel, text string) error {
	if err := chromedp.Do(e.ctx, chromedp.Focus(chromedp.CSS(sel)), chromedp.KeyEvent(text)); err != nil {
		return e.fail("typing into "+sel, err)
	}
	return nil
}

// Key presses one key (e.g. kb.ArrowDown, kb.Enter) in the focused element.
func (e *Explorer) Key(key string) error {
	if err := chromedp.Do(e.ctx, chromedp.KeyEvent(key)); err != nil {
		return e.fail("pressing a key", err)
	}
	return nil
}

// Options lists the IDs of the suggestions a search box's list shows once
// it has some for the text now in the box (the list's data-query).
func (e *Explorer) Options(listID string) ([]string, error) {
	return poll[[]string](e, "waiting for suggestions in #"+listID, fmt.Sprintf(`(() => {
		const l = document.getElementById(%q);
		const box = document.querySelector('[aria-controls="' + l.id + '"]');
		const ids = Array.from(l.querySelectorAll("li[role=option][data-id]")).map((li) => li.dataset.id);
		return !l.hidden && ids.length && l.dataset.query === box.value.trim() ? ids : false;
	})()`, listID))
}

// Wait polls a JavaScript expression until it is truthy.
func (e *Explorer) Wait(step, expr string) error {
	_, err := poll[bool](e, step, "!!("+expr+")")
	return err
}

// Eval evaluates a JavaScript expression into T.
func Eval[T any](e *Explorer, expr string) (T, error) {
	return eval[T](e, "evaluating "+expr, expr)
}

// Screenshot returns a PNG of the whole page (quality 100 means PNG).
func (e *Explorer) Screenshot() ([]byte, error) {
	b, err := chromedp.Run(e.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return nil, e.fail("taking a screenshot", err)
	}
	return b, nil
}

// Download clicks the element sel (a download link) and returns the file
// the browser saved, as it named it, once complete.
func (e *Explorer) Download(sel, dir string) (string, error) {
	if err := chromedp.Do(e.ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior:     browser.SetDownloadBehaviorBehaviorAllow,
			DownloadPath: dir,
		})
		return err
	})); err != nil {
		return "", e.fail("allowing downloads", err)
	}
	if err := e.Click(sel); err != nil {
		return "", err
	}
	for {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return "", err
		}
		for _, en := range entries {
			if !strings.HasSuffix(en.Name(), ".crdownload") {
				return filepath.Join(dir, en.Name()), nil
			}
		}
		select {
		case <-e.ctx.Done():
			return "", e.fail("waiting for the download", e.ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Violation is one axe-core rule a page breaks.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  int    `json:"nodes"`
}

// Axe runs axe-core (its browser build, the file axe.min.js) on the page
// and returns the violations. The script is evaluated through the DevTools
// protocol, which the page's CSP does not govern, so the page itself never
// loads it.
func (e *Explorer) Axe(axeSource []byte) ([]Violation, error) {
	if _, err := eval[bool](e, "loading axe-core", string(axeSource)+";true"); err != nil {
		return nil, err
	}
	v, err := chromedp.Run(e.ctx, chromedp.Evaluate[[]Violation](`axe.run(document, {resultTypes: ["violations"]}).then((r) =>
		r.violations.map((v) => ({id: v.id, impact: v.impact || "", help: v.help, nodes: v.nodes.length})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, e.fail("running axe-core", err)
	}
	return v, nil
}

// Mark returns the time, in milliseconds since navigation started, of the
// page's performance mark name once it exists.
func (e *Explorer) Mark(name string) (float64, error) {
	return poll[float64](e, "waiting for the performance mark "+name, fmt.Sprintf(
		`(() => { const m = performance.getEntriesByName(%q, "mark"); return m.length ? m[0].startTime : false; })()`, name))
}

// Resources lists the paths of the same-origin files the page loaded (the
// page itself excluded).
func (e *Explorer) Resources() ([]string, error) {
	return eval[[]string](e, "listing the page's resources", `performance.getEntriesByType("resource")
		.map((r) => new URL(r.name)).filter((u) => u.origin === location.origin).map((u) => u.pathname)`)
}

// RunInGraphiQL waits for GraphiQL's editor on the current page, clicks
// execute and returns the result pane's text once it holds a response.
func (e *Explorer) RunInGraphiQL() (string, error) {
	if err := chromedp.Do(e.ctx,
		chromedp.WaitVisible(chromedp.CSS(EditorSelector)),
		chromedp.Click(chromedp.CSS(ExecuteSelector)),
	); err != nil {
		return "", e.fail("running the query in GraphiQL", err)
	}
	return poll[string](e, "waiting for GraphiQL's result", `(() => { const t = `+resultJS+`; return t.includes('"data"') || t.includes('"errors"') ? t : false; })()`)
}

// FollowLink clicks the link sel and waits until the page it leads to makes
// the JavaScript expression ready truthy. While the old page unloads an
// evaluation can fail for want of a context; those attempts are repeated.
func (e *Explorer) FollowLink(sel, ready string) error {
	if err := e.Click(sel); err != nil {
		return err
	}
	for {
		ok, err := chromedp.Run(e.ctx, chromedp.Evaluate[bool]("!!("+ready+")"))
		if err == nil && ok {
			return nil
		}
		select {
		case <-e.ctx.Done():
			return e.fail("following "+sel, e.ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// HeadersTabSelector is GraphiQL's Headers tab under the query editor, and
// HeadersEditorSelector its editor once shown (graphiql@5).
const (
	HeadersTabSelector    = `.graphiql-editor-tools button[data-name=headers]`
	HeadersEditorSelector = `.graphiql-editor-tool .graphiql-editor:not(.hidden) .view-lines`
)

// RunInGraphiQLWithHeaders opens GraphiQL with query as its active tab,
// types headers (JSON) into the Headers pane unless it is empty, clicks
// execute, and waits until the result pane's text makes the JavaScript
// predicate done (called with the text) true; it returns that text.
// Subscriptions keep running after this returns.
func (e *Explorer) RunInGraphiQLWithHeaders(query, headers, done string) (string, error) {
	if err := e.OpenPage("/?query="+url.QueryEscape(query), `document.querySelector(".graphiql-query-editor .monaco-editor .view-lines")`); err != nil {
		return "", err
	}
	if headers != "" {
		// Monaco closes brackets and quotes itself and steps over the
		// closing ones typed after them, so the JSON is typed as is.
		if err := chromedp.Do(e.ctx,
			chromedp.Click(chromedp.CSS(HeadersTabSelector)),
			chromedp.WaitVisible(chromedp.CSS(HeadersEditorSelector)),
			chromedp.Click(chromedp.CSS(HeadersEditorSelector)),
			chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
			chromedp.KeyEvent(kb.Delete),
			chromedp.KeyEvent(headers),
		); err != nil {
			return "", e.fail("typing into GraphiQL's Headers pane", err)
		}
	}
	if err := chromedp.Do(e.ctx, chromedp.Click(chromedp.CSS(ExecuteSelector))); err != nil {
		return "", e.fail("running the query in GraphiQL", err)
	}
	return poll[string](e, "waiting for GraphiQL's result", `(() => { const t = `+resultJS+`; return (`+done+`)(t) ? t : false; })()`)
}
