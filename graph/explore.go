package graph

import (
	"context"
	"fmt"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph/model"
	"github.com/alliancegraph/alliancegraph/store"
)

// Traversal caps; the README documents them.
const (
	// MaxNeighborhoodNodes bounds neighborhood's maxNodes.
	MaxNeighborhoodNodes = 10000
	// DefaultMaxVisited is the default cap on entities a path search may
	// reach before it answers LIMIT_EXCEEDED.
	DefaultMaxVisited = 50000
	// MaxPathLimit bounds path's limit.
	MaxPathLimit = 100
)

func intOr(p *int, def int) int {
	if p != nil {
		return *p
	}
	return def
}

// capArg checks an argument against its range: below min is bad input,
// above max exceeds a limit.
func capArg(name string, v, min, max int) error {
	if v < min {
		return model.BadInput(fmt.Sprintf("%s must be at least %d", name, min))
	}
	if v > max {
		return model.Coded(domain.CodeLimitExceeded, fmt.Sprintf("%s is %d, over its cap of %d", name, v, max))
	}
	return nil
}

// path serves Query.path.
func (r *Resolver) path(ctx context.Context, from, to string, maxHops *int, preds []model.Predicate, asOf *domain.Date, knownAt *time.Time, limit *int) ([]*model.Path, error) {
	hops, lim := intOr(maxHops, 4), intOr(limit, 5)
	if err := capArg("maxHops", hops, 1, store.MaxDepth); err != nil {
		return nil, err
	}
	if err := capArg("limit", lim, 1, MaxPathLimit); err != nil {
		return nil, err
	}
	ps, err := model.DomainPredicates(preds)
	if err != nil {
		return nil, err
	}
	release, err := r.acquireSearch(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	at := r.at(ctx, knownAt, time.Time{})
	q := store.PathQuery{From: from, To: to, MaxHops: hops, Predicates: ps, AsOf: r.asOf(asOf), Limit: lim, MaxVisited: r.maxVisited()}
	var out []*model.Path
	err = r.DB.View(at, func(rd *store.Reader) error {
		paths, err := rd.Paths(ctx, q)
		for _, p := range paths {
			mp := &model.Path{Length: len(p) - 1, Steps: make([]*model.PathStep, len(p))}
			for i, s := range p {
				step := &model.PathStep{Entity: model.EntityOf(s.Entity, at)}
				if s.Fact != nil {
					step.Fact = model.FactOf(s.Fact, at)
					d := model.DirectionIn
					if s.Out {
						d = model.DirectionOut
					}
					step.Direction = &d
				}
				mp.Steps[i] = step
			}
			out = append(out, mp)
		}
		return err
	})
	if out == nil {
		out = []*model.Path{}
	}
	return out, err
}

func (r *Resolver) maxVisited() int {
	if r.MaxVisited > 0 {
		return r.MaxVisited
	}
	return DefaultMaxVisited
}

// neighborhood serves Query.neighborhood through store.Selection, the
// selection exports share.
func (r *Resolver) neighborhood(ctx context.Context, ids []string, depth *int, preds []model.Predicate, kinds []model.EntityKind, asOf *domain.Date, knownAt *time.Time, maxNodes *int) (*model.Subgraph, error) {
	sel, err := r.selection(ids, depth, preds, kinds, asOf, maxNodes)
	if err != nil {
		return nil, err
	}
	release, err := r.acquireSearch(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	at := r.at(ctx, knownAt, time.Time{})
	g := &model.Subgraph{Nodes: []model.Entity{}, Facts: []*model.Fact{}}
	err = r.DB.View(at, func(rd *store.Reader) error {
		sg, err := rd.Neighborhood(ctx, sel)
		if err != nil {
			return err
		}
		for _, e := range sg.Entities {
			g.Nodes = append(g.Nodes, model.EntityOf(e, at))
		}
		for _, f := range sg.Facts {
			g.Facts = append(g.Facts, model.FactOf(f, at))
		}
		g.Truncated = sg.Truncated
		return nil
	})
	return g, err
}

// selection builds a store.Selection from GraphQL arguments, checking
// each against its cap. asOf defaults to today.
func (r *Resolver) selection(ids []string, depth *int, preds []model.Predicate, kinds []model.EntityKind, asOf *domain.Date, maxNodes *int) (store.Selection, error) {
	d, n := intOr(depth, 1), intOr(maxNodes, 500)
	if len(ids) == 0 {
		return store.Selection{}, model.BadInput("ids must name at least one entity")
	}
	if err := capArg("ids", len(ids), 1, MaxNeighborhoodNodes); err != nil {
		return store.Selection{}, err
	}
	if err := capArg("depth", d, 0, store.MaxDepth); err != nil {
		return store.Selection{}, err
	}
	if err := capArg("maxNodes", n, 1, MaxNeighborhoodNodes); err != nil {
		return store.Selection{}, err
	}
	ps, err := model.DomainPredicates(preds)
	if err != nil {
		return store.Selection{}, err
	}
	ks, err := model.DomainKinds(kinds)
	if err != nil {
		return store.Selection{}, err
	}
	return store.Selection{Seeds: ids, Depth: d, Predicates: ps, Kinds: ks, AsOf: r.asOf(asOf), MaxNodes: n}, nil
}

var happeningKinds = map[store.HappeningKind]model.HappeningKind{
	store.HappeningEvent:   model.HappeningKindEvent,
	store.HappeningStarted: model.HappeningKindStarted,
	store.HappeningEnded:   model.HappeningKindEnded,
}

// timeline serves Query.timeline.
func (r *Resolver) timeline(ctx context.Context, from, to *domain.Date, entity *string, preds []model.Predicate, first *int, after *string, knownAt *time.Time) (*model.TimelineConnection, error) {
	limit := intOr(first, 20)
	if err := r.checkPage(pageArgs{first: &limit}); err != nil {
		return nil, err
	}
	ps, err := model.DomainPredicates(preds)
	if err != nil {
		return nil, err
	}
	q := store.TimelineQuery{Predicates: ps, Limit: max(limit, 1)}
	if from != nil {
		q.From = *from
	}
	if to != nil {
		q.To = *to
	}
	if q.From != 0 && q.To != 0 && q.To < q.From {
		return nil, model.BadInput("timeline: to must not be before from")
	}
	if entity != nil {
		if _, _, err := domain.SplitID(*entity); err != nil {
			return nil, err
		}
		q.Entity = *entity
	}
	if after != nil {
		if q.After, err = decodeCursor(*after); err != nil {
			return nil, err
		}
	}
	at := r.at(ctx, knownAt, time.Time{})
	conn := &model.TimelineConnection{PageInfo: &model.PageInfo{HasPreviousPage: after != nil}, Edges: []*model.TimelineEdge{}}
	if limit == 0 {
		return conn, nil
	}
	err = r.DB.View(at, func(rd *store.Reader) error {
		hs, more, err := rd.Timeline(ctx, q)
		conn.PageInfo.HasNextPage = more
		for _, h := range hs {
			e := &model.TimelineEntry{Date: h.Date, Kind: happeningKinds[h.Kind], KnownAt: at}
			if h.Fact != nil {
				e.Fact = model.FactOf(h.Fact, at)
				e.ConcernIDs = []string{h.Fact.From, h.Fact.To}
			} else {
				e.Event, _ = model.EntityOf(h.Entity, at).(*model.Event)
				e.ConcernIDs = []string{h.Entity.ID}
			}
			conn.Edges = append(conn.Edges, &model.TimelineEdge{Cursor: encodeCursor(h.Key()), Node: e})
		}
		return err
	})
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor, conn.PageInfo.EndCursor = &conn.Edges[0].Cursor, &conn.Edges[n-1].Cursor
	}
	return conn, err
}

// concerns resolves a timeline entry's entities through the loader.
func (r *Resolver) concerns(ctx context.Context, e *model.TimelineEntry) ([]model.Entity, error) {
	ents, err := r.loadAll(ctx, e.KnownAt, store.RefsOf(e.ConcernIDs))
	if err != nil {
		return nil, err
	}
	out := make([]model.Entity, len(ents))
	for i, x := range ents {
		out[i] = model.EntityOf(x, e.KnownAt)
	}
	return out, nil
}

// search serves Query.search.
func (r *Resolver) search(ctx context.Context, query string, kinds []model.EntityKind, first *int, after *string, knownAt *time.Time) ([]*model.SearchHit, error) {
	limit := intOr(first, 10)
	if err := r.checkPage(pageArgs{first: &limit}); err != nil {
		return nil, err
	}
	if len(domain.Tokens(query)) == 0 {
		return nil, model.BadInput("search query must contain at least one letter or digit")
	}
	ks, err := model.DomainKinds(kinds)
	if err != nil {
		return nil, err
	}
	q := store.SearchQuery{Text: query, Kinds: ks, Limit: limit}
	if after != nil {
		if q.After, err = decodeCursor(*after); err != nil {
			return nil, err
		}
	}
	out := []*model.SearchHit{}
	if limit == 0 {
		return out, nil
	}
	at := r.at(ctx, knownAt, time.Time{})
	err = r.DB.View(at, func(rd *store.Reader) error {
		hits, _, err := rd.Search(ctx, q)
		for _, h := range hits {
			out = append(out, &model.SearchHit{Cursor: encodeCursor(h.Key()), Score: h.Score, Matched: h.Matched, Entity: model.EntityOf(h.Entity, at)})
		}
		return err
	})
	return out, err
}

// factsByStart serves Query.facts from the by-time index; totalCount is
// counted only if the query selects it, in a search slot: a count scans
// the index, however small the page.
func (r *Resolver) factsByStart(ctx context.Context, pred model.Predicate, startedAfter, startedBefore *domain.Date, first *int, after *string, knownAt *time.Time) (*model.FactConnection, error) {
	limit := intOr(first, 20)
	if err := r.checkPage(pageArgs{first: &limit}); err != nil {
		return nil, err
	}
	ps, err := model.DomainPredicates([]model.Predicate{pred})
	if err != nil {
		return nil, err
	}
	var from, to domain.Date
	if startedAfter != nil {
		from = *startedAfter + 1
	}
	if startedBefore != nil {
		to = *startedBefore
	}
	cursor := ""
	if after != nil {
		if cursor, err = decodeCursor(*after); err != nil {
			return nil, err
		}
	}
	at := r.at(ctx, knownAt, time.Time{})
	conn := &model.FactConnection{PageInfo: &model.PageInfo{HasPreviousPage: after != nil}, Edges: []*model.FactEdge{}}
	conn.Counter = func(ctx context.Context) (int, error) {
		release, err := r.acquireSearch(ctx)
		if err != nil {
			return 0, err
		}
		defer release()
		n := 0
		err = r.DB.View(at, func(rd *store.Reader) (err error) {
			n, err = rd.CountStarting(ctx, ps[0], from, to)
			return err
		})
		return n, err
	}
	if limit == 0 {
		return conn, nil
	}
	err = r.DB.View(at, func(rd *store.Reader) error {
		fs, cursors, more, err := rd.StartPage(ps[0], from, to, cursor, limit)
		if err != nil {
			return err
		}
		if err := r.primeEnds(ctx, at, fs); err != nil {
			return err
		}
		conn.PageInfo.HasNextPage = more
		for i, f := range fs {
			conn.Edges = append(conn.Edges, &model.FactEdge{Cursor: encodeCursor(cursors[i]), Node: model.FactOf(f, at)})
		}
		return nil
	})
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor, conn.PageInfo.EndCursor = &conn.Edges[0].Cursor, &conn.Edges[n-1].Cursor
	}
	return conn, err
}
