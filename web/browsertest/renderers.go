package browsertest

import (
	"context"
	"errors"
	"time"

	"github.com/chromedp/chromedp"
)

// RenderTimes is what web/bench/renderers.html measures, in milliseconds.
type RenderTimes struct {
	FirstRender float64 `json:"firstRender"`
	Redraw      float64 `json:"redraw"`
	Error       string  `json:"error"`
}

// MeasureRenderer opens url (web/bench/renderers.html with its lib and n
// parameters) in the same headless Chromium the browser tests use and
// returns what it measured. Without a GPU, Chromium draws sigma.js's WebGL
// in software (SwiftShader).
func MeasureRenderer(ctx context.Context, url, chromiumPath string) (RenderTimes, error) {
	var out RenderTimes
	err := withBrowser(ctx, chromiumPath, func(bctx context.Context, fail func(string, error) error) error {
		if err := chromedp.Do(bctx, chromedp.Navigate(url)); err != nil {
			return fail("opening "+url, err)
		}
		v, err := chromedp.Run(bctx, chromedp.Poll[RenderTimes](`window.benchResult || false`,
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(0)))
		if err != nil {
			return fail("measuring", err)
		}
		if v.Error != "" {
			return fail("measuring", errors.New(v.Error))
		}
		out = v
		return nil
	})
	return out, err
}
