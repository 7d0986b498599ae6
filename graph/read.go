package graph

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph/model"
	"github.com/alliancegraph/alliancegraph/store"
)

// entity loads the entity id at the snapshot chosen by knownAt (or the
// operation's) and converts it. A malformed ID is BAD_USER_INPUT, a
// missing one NOT_FOUND.
func (r *Resolver) entity(ctx context.Context, id string, knownAt *time.Time) (model.Entity, error) {
	if _, _, err := domain.SplitID(id); err != nil {
		return nil, err
	}
	at := r.at(ctx, knownAt, time.Time{})
	e, err := r.op(ctx).loaders.loadEntity(ctx, at, id)
	if err != nil {
		return nil, err
	}
	return model.EntityOf(e, at), nil
}

// entityOfKind is entity narrowed to one GraphQL type.
func entityOfKind[T model.Entity](ctx context.Context, r *Resolver, id string, knownAt *time.Time, kind domain.Kind) (T, error) {
	var zero T
	e, err := r.entity(ctx, id, knownAt)
	if err != nil {
		return zero, err
	}
	t, ok := e.(T)
	if !ok {
		return zero, fmt.Errorf("%w: no %s with ID %s (it is a %s)", domain.ErrNotFound, kind, id, kindName(e))
	}
	return t, nil
}

func kindName(e model.Entity) string {
	k, err := model.DomainKind(e.GetKind())
	if err != nil {
		return string(e.GetKind())
	}
	return k.String()
}

// ref loads an entity referenced by a fact or citation in the snapshot it
// was read at; a dangling reference is an internal error.
func (r *Resolver) ref(ctx context.Context, at time.Time, id string) (model.Entity, error) {
	if fc := graphql.GetFieldContext(ctx); fc != nil && onlyID(fc.Field.Selections) {
		// The ID says the kind, and a fact's ends exist in every snapshot
		// that holds the fact: nothing to read.
		k, _, err := domain.SplitID(id)
		if err != nil {
			return nil, fmt.Errorf("graph: malformed reference %s: %v", id, err)
		}
		return model.EntityOf(&domain.Entity{ID: id, Kind: k}, at), nil
	}
	e, err := r.op(ctx).loaders.loadEntity(ctx, at, id)
	if err != nil {
		return nil, fmt.Errorf("graph: dangling reference %s: %v", id, err)
	}
	return model.EntityOf(e, at), nil
}

// edges loads one entity's facts through the per-operation loader.
func (r *Resolver) edges(ctx context.Context, at time.Time, id string, f store.EdgeFilter) ([]*domain.Fact, error) {
	return r.op(ctx).loaders.loadEdges(ctx, at, id, f)
}

// facts converts facts sorted by (ValidFrom, ID).
func factsByStart(fs []*domain.Fact, at time.Time) []*model.Fact {
	fs = slices.Clone(fs)
	slices.SortFunc(fs, func(a, b *domain.Fact) int {
		if c := cmp.Compare(a.Valid.From, b.Valid.From); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	out := make([]*model.Fact, len(fs))
	for i, f := range fs {
		out[i] = model.FactOf(f, at)
	}
	return out
}

// relations serves every entity type's relations field.
func (r *Resolver) relations(ctx context.Context, id string, parent time.Time, dir *model.Direction, preds []model.Predicate, asOf *domain.Date, knownAt *time.Time, first *int, after *string) (*model.FactConnection, error) {
	ps, err := model.DomainPredicates(preds)
	if err != nil {
		return nil, err
	}
	f := store.EdgeFilter{Dir: store.Both, Predicates: ps, AsOf: r.asOf(asOf)}
	if dir != nil {
		switch *dir {
		case model.DirectionOut:
			f.Dir = store.Out
		case model.DirectionIn:
			f.Dir = store.In
		}
	}
	if err := r.checkPage(pageArgs{first: first}); err != nil {
		return nil, err
	}
	at := r.at(ctx, knownAt, parent)
	fs, err := r.edges(ctx, at, id, f)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(fs))
	order := make([]int, len(fs))
	for i, fact := range fs {
		side := "o"
		if fact.To == id && fact.From != id {
			side = "i"
		}
		keys[i] = fmt.Sprintf("%s|%s|%07d|%s", side, fact.Predicate, int32(fact.Valid.From), fact.ID)
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(keys[a], keys[b]) })
	w, err := r.paginate(len(order), func(i int) string { return keys[order[i]] }, false, pageArgs{first: first, after: after})
	if err != nil {
		return nil, err
	}
	conn := &model.FactConnection{TotalCount: len(fs), PageInfo: w.info, Edges: make([]*model.FactEdge, 0, w.hi-w.lo)}
	page := make([]*domain.Fact, 0, w.hi-w.lo)
	for _, i := range order[w.lo:w.hi] {
		page = append(page, fs[i])
	}
	if err := r.primeEnds(ctx, at, page); err != nil {
		return nil, err
	}
	for _, i := range order[w.lo:w.hi] {
		conn.Edges = append(conn.Edges, &model.FactEdge{Cursor: encodeCursor(keys[i]), Node: model.FactOf(fs[i], at)})
	}
	return conn, nil
}

// loadAll loads many entities in one batch; any missing one is an
// internal error (callers pass refs taken from live facts).
func (r *Resolver) loadAll(ctx context.Context, at time.Time, refs []store.EntityRef) ([]*domain.Entity, error) {
	l := r.op(ctx).loaders
	fs, err := l.entity.loadAll(ctx, l.keys(at, refs))
	if err != nil {
		return nil, fmt.Errorf("graph: load %d entities: %v", len(refs), err)
	}
	ents := make([]*domain.Entity, len(fs))
	for i, f := range fs {
		if !f.ok {
			// Not domain.ErrNotFound: the ID came from a live fact, so
			// this is a dangling reference, an internal error.
			return nil, fmt.Errorf("graph: load %d entities: %s is missing", len(refs), refs[i].ID)
		}
		ents[i] = f.v
	}
	return ents, nil
}

func datePtr(d domain.Date) *domain.Date {
	if d.IsZero() {
		return nil
	}
	return &d
}

// factsOf serves the plain fact lists (memberships, terms, participants):
// one entity's facts of one predicate and direction, oldest first, valid on
// asOf when it is given.
func (r *Resolver) factsOf(ctx context.Context, id string, parent time.Time, knownAt *time.Time, dir store.Direction, p domain.Predicate, asOf *domain.Date) ([]*model.Fact, error) {
	f := store.EdgeFilter{Dir: dir, Predicates: []domain.Predicate{p}}
	if asOf != nil {
		f.AsOf = *asOf
	}
	at := r.at(ctx, knownAt, parent)
	fs, err := r.edges(ctx, at, id, f)
	if err != nil {
		return nil, err
	}
	if err := r.primeEnds(ctx, at, fs); err != nil {
		return nil, err
	}
	return factsByStart(fs, at), nil
}

// holder serves Office.holder: the person whose term covers asOf (the
// latest-starting one should data ever overlap).
func (r *Resolver) holder(ctx context.Context, o *model.Office, asOf *domain.Date, knownAt *time.Time) (*model.Person, error) {
	at := r.at(ctx, knownAt, o.KnownAt)
	fs, err := r.edges(ctx, at, o.ID, store.EdgeFilter{Dir: store.In, Predicates: []domain.Predicate{domain.Holds}, AsOf: r.asOf(asOf)})
	if err != nil || len(fs) == 0 {
		return nil, err
	}
	latest := slices.MaxFunc(fs, func(a, b *domain.Fact) int { return cmp.Compare(a.Valid.From, b.Valid.From) })
	e, err := r.ref(ctx, at, latest.From)
	if err != nil {
		return nil, err
	}
	p, _ := e.(*model.Person)
	return p, nil
}

// fact serves Query.fact and node for fact IDs.
func (r *Resolver) fact(ctx context.Context, id string, knownAt *time.Time) (*model.Fact, error) {
	at := r.at(ctx, knownAt, time.Time{})
	var out *model.Fact
	err := r.DB.View(at, func(rd *store.Reader) error {
		f, err := rd.Fact(id)
		if err == nil {
			out = model.FactOf(f, at)
		}
		return err
	})
	return out, err
}

// entities serves Query.entities: one kind in creation order.
func (r *Resolver) entities(ctx context.Context, kind model.EntityKind, first *int, after *string, knownAt *time.Time) (*model.EntityConnection, error) {
	if err := r.checkPage(pageArgs{first: first}); err != nil {
		return nil, err
	}
	k, err := model.DomainKind(kind)
	if err != nil {
		return nil, err
	}
	var afterID string
	if after != nil {
		if afterID, err = decodeCursor(*after); err != nil {
			return nil, err
		}
	}
	limit := 20
	if first != nil {
		limit = *first
	}
	at := r.at(ctx, knownAt, time.Time{})
	conn := &model.EntityConnection{PageInfo: &model.PageInfo{HasPreviousPage: afterID != ""}, Edges: []*model.EntityEdge{}}
	// totalCount scans the kind's index: a search slot, as for every count.
	release, err := r.acquireSearch(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	err = r.DB.View(at, func(rd *store.Reader) error {
		total, err := rd.CountKind(ctx, k)
		if err != nil {
			return err
		}
		conn.TotalCount = total
		if limit == 0 {
			return nil
		}
		ents, err := rd.ByKind(k, afterID, limit+1)
		if err != nil {
			return err
		}
		if len(ents) > limit {
			ents, conn.PageInfo.HasNextPage = ents[:limit], true
		}
		for _, e := range ents {
			conn.Edges = append(conn.Edges, &model.EntityEdge{Cursor: encodeCursor(e.ID), Node: model.EntityOf(e, at)})
		}
		return nil
	})
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor, conn.PageInfo.EndCursor = &conn.Edges[0].Cursor, &conn.Edges[n-1].Cursor
	}
	return conn, err
}
