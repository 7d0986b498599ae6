package graph

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph/model"
	"github.com/alliancegraph/alliancegraph/store"
)

// node serves Query.node: as Relay expects, an ID nothing has is null,
// not an error. A malformed ID is still BAD_USER_INPUT.
func (r *Resolver) node(ctx context.Context, id string, knownAt *time.Time) (model.Node, error) {
	if domain.IsFactID(id) {
		f, err := r.fact(ctx, id, knownAt)
		if err != nil || f == nil {
			return nil, notFoundIsNull(err)
		}
		return f, nil
	}
	e, err := r.entity(ctx, id, knownAt)
	if err != nil || e == nil {
		return nil, notFoundIsNull(err)
	}
	return e, nil
}

// nodes serves Query.nodes: every ID read from one snapshot, in the order
// asked, null where nothing has the ID.
func (r *Resolver) nodes(ctx context.Context, ids []string, knownAt *time.Time) ([]model.Node, error) {
	if len(ids) > r.maxPage() {
		return nil, model.Coded(domain.CodeLimitExceeded, fmt.Sprintf("nodes asks for %d IDs, over the page size limit of %d", len(ids), r.maxPage()))
	}
	for _, id := range ids {
		if _, _, err := domain.SplitID(id); err != nil {
			return nil, err
		}
	}
	at := r.at(ctx, knownAt, time.Time{})
	out := make([]model.Node, len(ids))
	err := r.DB.View(at, func(rd *store.Reader) error {
		for i, id := range ids {
			if err := ctx.Err(); err != nil {
				return err
			}
			if domain.IsFactID(id) {
				f, err := rd.Fact(id)
				if err == nil {
					out[i] = model.FactOf(f, at)
				} else if err = notFoundIsNull(err); err != nil {
					return err
				}
				continue
			}
			e, err := rd.Entity(id)
			if err == nil {
				out[i] = model.EntityOf(e, at)
			} else if err = notFoundIsNull(err); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// notFoundIsNull drops ErrNotFound, which node and nodes answer with null.
func notFoundIsNull(err error) error {
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	return err
}
