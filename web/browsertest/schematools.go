package browsertest

import (
	"context"
	"fmt"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Selectors of GraphiQL's documentation explorer, its query builder and
// Monaco's autocomplete list (graphiql@5).
const (
	DocsButtonSelector = `button[aria-label="Show Documentation Explorer"]`
	DocsQueryLink      = `.graphiql-doc-explorer a.graphiql-doc-explorer-type-name`
	DocsFieldSelector  = `.graphiql-doc-explorer .graphiql-doc-explorer-field-name`
	HintSelector       = `.suggest-widget .monaco-list-row .label-name`
	QueryBuilderButton = `button[aria-label="Show GraphiQL Explorer"]`
	QueryBuilderFields = `.graphiql-explorer-root [data-field-name]`
)

// SchemaTools is what GraphiQL's schema-driven tools show on a page.
type SchemaTools struct {
	// QueryFields are the fields the documentation explorer lists for the
	// Query type, after clicking through to it.
	QueryFields []string
	// Hints are the autocomplete suggestions offered after typing Prefix
	// into the query editor and then "m".
	Hints []string
	// BuilderFields are the root fields the query builder
	// (@graphiql/plugin-explorer) offers to tick.
	BuilderFields []string
}

// CheckSchemaTools opens GraphiQL at baseURL, opens the documentation
// explorer and the Query type in it, then types prefix into the query
// editor followed by "m" and reads the autocomplete list, then opens the
// query builder and lists its fields. Both need the
// schema, which GraphiQL fetches by introspection when the page loads.
func CheckSchemaTools(ctx context.Context, baseURL, chromiumPath, prefix string) (SchemaTools, error) {
	var out SchemaTools
	err := withPage(ctx, baseURL, chromiumPath, func(bctx context.Context, fail func(string, error) error) error {
		if err := chromedp.Do(bctx,
			chromedp.Click(chromedp.CSS(DocsButtonSelector)),
			chromedp.WaitVisible(chromedp.CSS(DocsQueryLink)),
			chromedp.Click(chromedp.CSS(DocsQueryLink)),
			chromedp.WaitVisible(chromedp.CSS(DocsFieldSelector)),
		); err != nil {
			return fail("opening Query in the documentation explorer", err)
		}
		fields, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](textsJS(DocsFieldSelector)))
		if err != nil {
			return fail("listing Query's fields in the documentation explorer", err)
		}
		out.QueryFields = fields
		// Monaco is typed into as a person would: select all, then type;
		// it closes brackets and quotes itself and steps over the closing
		// ones typed after them.
		if err := chromedp.Do(bctx,
			chromedp.Click(chromedp.CSS(EditorSelector+" .view-lines")),
			chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
			chromedp.KeyEvent(kb.Delete),
			chromedp.KeyEvent(prefix),
			chromedp.KeyEvent("m"),
		); err != nil {
			return fail("typing into the query editor", err)
		}
		hints, err := chromedp.Run(bctx, chromedp.Poll[[]string](
			`(() => { const h = `+textsJS(HintSelector)+`; return h.length ? h : false; })()`,
			chromedp.WithPollingInterval(100*time.Millisecond),
			chromedp.WithPollingTimeout(0)))
		if err != nil {
			return fail("waiting for autocomplete", err)
		}
		out.Hints = hints
		if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS(QueryBuilderButton))); err != nil {
			return fail("opening the query builder", err)
		}
		fields, err = chromedp.Run(bctx, chromedp.Poll[[]string](
			`(() => { const f = Array.from(document.querySelectorAll(`+"`"+QueryBuilderFields+"`"+`)).map((e) => e.dataset.fieldName); return f.length ? f : false; })()`,
			chromedp.WithPollingInterval(100*time.Millisecond),
			chromedp.WithPollingTimeout(0)))
		if err != nil {
			return fail("listing the query builder's fields", err)
		}
		out.BuilderFields = fields
		return nil
	})
	return out, err
}

// textsJS returns an expression listing the trimmed text of every
// element sel matches.
func textsJS(sel string) string {
	return fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).map(e => e.textContent.trim())`, sel)
}
