package export

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// Progress counts the records written so far.
type Progress struct {
	Entities, Facts int
}

// Stream is Write for servers and long exports. It checks the selection
// (depth within store.MaxDepth, every seed an existing entity) before
// writing a byte, so a bad request can still be refused cleanly; it stops
// with ctx's error once ctx is done (a client that went away); and it calls
// progress, when set, after every record.
func Stream(ctx context.Context, r *store.Reader, f Format, sel store.Selection, generator string, w io.Writer, progress func(Progress), opts ...Option) (bool, error) {
	if err := CheckSelection(r, sel); err != nil {
		return false, err
	}
	at, err := r.SnapshotTime()
	if err != nil {
		return false, err
	}
	m := Meta{Selection: sel, KnownAt: at, Generator: generator}
	for _, o := range opts {
		o(&m)
	}
	enc, err := f.New(w, m)
	if err != nil {
		return false, err
	}
	var p Progress
	step := func() error {
		if progress != nil {
			progress(p)
		}
		return ctx.Err()
	}
	truncated, err := r.Walk(ctx, sel, store.Visitor{
		Entity: func(e *domain.Entity) error {
			if err := enc.Entity(e); err != nil {
				return err
			}
			p.Entities++
			return step()
		},
		Fact: func(fc *domain.Fact) error {
			if err := enc.Fact(fc); err != nil {
				return err
			}
			p.Facts++
			return step()
		},
	})
	if err != nil {
		return false, err
	}
	return truncated, enc.Close()
}

// CheckSelection refuses, with an error wrapping domain.ErrInvalid, a
// selection that Walk would refuse or fail on part-way: depth or maxNodes
// out of range, a malformed seed ID, a fact ID as a seed, or a seed that
// does not exist in r's snapshot.
func CheckSelection(r *store.Reader, sel store.Selection) error {
	if sel.Depth < 0 || sel.Depth > store.MaxDepth {
		return fmt.Errorf("%w: depth %d is outside 0..%d", domain.ErrInvalid, sel.Depth, store.MaxDepth)
	}
	if sel.MaxNodes < 0 {
		return fmt.Errorf("%w: maxNodes must not be negative", domain.ErrInvalid)
	}
	for _, id := range sel.Seeds {
		if _, _, err := domain.SplitID(id); err != nil {
			return err
		}
		if domain.IsFactID(id) {
			return fmt.Errorf("%w: ids: %s is a fact; seeds are entity IDs", domain.ErrInvalid, id)
		}
		if _, err := r.Entity(id); errors.Is(err, domain.ErrNotFound) {
			return fmt.Errorf("%w: ids: no entity %s", domain.ErrInvalid, id)
		} else if err != nil {
			return err
		}
	}
	return nil
}
