// Package browsertest drives the GraphiQL page and the explorer in headless
// Chromium, so tests can check as a person would that the pages load offline
// and work. It is a normal package (not _test) so the server's tests can
// import it.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

// Selectors of the pinned GraphiQL version (graphiql@5, whose editors are
// Monaco; see web/package.json); revisit them when upgrading GraphiQL.
const (
	EditorSelector  = ".graphiql-query-editor .monaco-editor"
	ExecuteSelector = "button.graphiql-execute-button"
	ResultSelector  = ".graphiql-response .result-window .view-lines"
)

// resultJS reads the result pane's lines in their on-screen order (Monaco
// places each line by its style's top, not by DOM order). Monaco renders
// only the visible lines; the results these tests read fit on screen.
var resultJS = `(() => {
	const el = document.querySelector(` + "`" + ResultSelector + "`" + `);
	if (!el) return "";
	return Array.from(el.children)
		.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
		.map((l) => l.textContent.replace(/\u00a0/g, " "))
		.join("\n");
})()`

// FindChromium returns $CHROMIUM if set, else the first of Debian's paths
// that exists.
func FindChromium() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("$CHROMIUM: %w", err)
		}
		return p, nil
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p, nil
	}
	return "", errors.New("chromium not found: install it (apt-get install chromium) or set $CHROMIUM")
}

// RunExample opens baseURL+"/", clicks GraphiQL's execute button, which runs
// the active tab (the first example), and returns the result pane's text once
// it holds JSON with "data". ctx bounds the whole run; give it a deadline.
func RunExample(ctx context.Context, baseURL, chromiumPath string) (string, error) {
	text, _, err := run(ctx, baseURL, chromiumPath, false)
	return text, err
}

// RunExampleScreenshot is RunExample that also returns a full-page PNG of
// the page after the result arrived, for a person to look at.
func RunExampleScreenshot(ctx context.Context, baseURL, chromiumPath string) (string, []byte, error) {
	return run(ctx, baseURL, chromiumPath, true)
}

func run(ctx context.Context, baseURL, chromiumPath string, shot bool) (string, []byte, error) {
	var text string
	var png []byte
	err := withPage(ctx, baseURL, chromiumPath, func(bctx context.Context, fail func(string, error) error) error {
		if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS(ExecuteSelector))); err != nil {
			return fail("clicking execute", err)
		}
		// Poll returns once the expression is truthy: any response at all,
		// so an error response fails at once instead of waiting for the
		// deadline. ctx bounds the wait, not Poll's own 30 s default.
		var err error
		text, err = chromedp.Run(bctx, chromedp.Poll[string](
			`(() => { const t = `+resultJS+`; return t.trim() ? t : false; })()`,
			chromedp.WithPollingInterval(100*time.Millisecond),
			chromedp.WithPollingTimeout(0)))
		if err != nil {
			return fail("waiting for the result", err)
		}
		if !strings.Contains(text, `"data"`) {
			return fail("reading the result", fmt.Errorf("no \"data\" in result: %s", text))
		}
		if shot {
			if png, err = chromedp.Run(bctx, chromedp.FullScreenshot(100)); err != nil {
				return fail("taking a screenshot", err)
			}
		}
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return text, png, nil
}

// withPage opens GraphiQL at baseURL in a fresh Chromium and waits for its
// editor, then calls fn with the page's context. fail wraps an error with
// the step that failed and whatever the browser console reported.
func withPage(ctx context.Context, baseURL, chromiumPath string, fn func(bctx context.Context, fail func(step string, err error) error) error) error {
	return withBrowser(ctx, chromiumPath, func(bctx context.Context, fail func(string, error) error) error {
		url := strings.TrimSuffix(baseURL, "/") + "/"
		if err := chromedp.Do(bctx,
			chromedp.Navigate(url),
			chromedp.WaitVisible(chromedp.CSS(EditorSelector)),
			chromedp.WaitVisible(chromedp.CSS(ExecuteSelector)),
		); err != nil {
			return fail("loading GraphiQL at "+url, err)
		}
		return fn(bctx, fail)
	})
}

// withBrowser starts Chromium with a fresh profile and calls fn with a
// blank tab's context. fail wraps an error with the step that failed and
// whatever the browser console reported.
func withBrowser(ctx context.Context, chromiumPath string, fn func(bctx context.Context, fail func(step string, err error) error) error, extra ...chromedp.ExecAllocatorOption) error {
	profile, err := os.MkdirTemp("", "browsertest-profile-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)

	// Flags keep Chromium from reaching the network on its own (updates,
	// sync, QUIC probes) and let it run as root in a container.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 800),
	}
	opts = append(opts, extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	// Console errors, uncaught exceptions and browser log errors (CSP
	// violations, failed loads) explain a page that does not work.
	var mu sync.Mutex
	var problems []string
	messages := chromedp.Console(bctx) // also starts the browser
	go func() {
		for m, err := range messages {
			if err != nil {
				return // the context ended or the browser is gone
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				problems = append(problems, m.String())
				mu.Unlock()
			}
		}
	}()
	fail := func(step string, err error) error {
		mu.Lock()
		defer mu.Unlock()
		if len(problems) > 0 {
			err = fmt.Errorf("%w; browser console: %s", err, strings.Join(problems, " | "))
		}
		return fmt.Errorf("browsertest: %s: %w", step, err)
	}
	if err := chromedp.Do(bctx); err != nil { // starts the browser
		return fail("starting Chromium", err)
	}
	return fn(bctx, fail)
}
