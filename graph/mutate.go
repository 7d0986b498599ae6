package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/alliancegraph/alliancegraph/auth"
	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph/model"
	"github.com/alliancegraph/alliancegraph/store"
)

// Mutations. Each is one store transaction (Store.UpdateWith): the
// store validates the input and applies its rules, and on any error
// nothing is written. The author is the name of the token the request
// presented; the operation gate (gateWrites) has already refused requests
// without a valid one. Payload objects are read at the commit's time.

func (r *Resolver) write(ctx context.Context, fn func(*store.Writer) error) (time.Time, error) {
	return r.DB.UpdateWith(store.UpdateOptions{Author: auth.CallerOf(ctx).Name}, fn)
}

func (r *Resolver) upsertEntity(ctx context.Context, in model.UpsertEntityInput) (*model.UpsertEntityPayload, error) {
	kind, err := model.DomainKind(in.Kind)
	if err != nil {
		return nil, err
	}
	e := domain.Entity{Kind: kind, Name: in.Name, Aliases: in.Aliases, XIDs: model.DomainXIDs(in.ExternalIds), Props: model.DomainProps(in.Properties)}
	if in.Date != nil {
		e.Date = *in.Date
	}
	var changed bool
	var saved *domain.Entity
	at, err := r.write(ctx, func(w *store.Writer) error {
		id, err := upsertID(w, in.ID, kind, e.XIDs)
		if err != nil {
			return err
		}
		e.ID = id
		if changed, err = w.PutEntity(e); err != nil {
			return err
		}
		saved, err = w.Entity(id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &model.UpsertEntityPayload{ClientMutationID: in.ClientMutationID, Entity: model.EntityOf(saved, at), Changed: changed}, nil
}

// upsertID picks the entity an upsert writes: the given ID, else the one
// holding one of the external IDs (a point lookup on each external-ID key;
// writers are serialised, so two upserts of one new external ID cannot
// both miss it), else a new ID made from the first external ID.
func upsertID(w *store.Writer, id *string, kind domain.Kind, xids map[string]string) (string, error) {
	if id != nil {
		return *id, nil
	}
	schemes := make([]string, 0, len(xids))
	for s := range xids {
		schemes = append(schemes, s)
	}
	slices.Sort(schemes)
	if len(schemes) == 0 {
		return "", fmt.Errorf("%w: upsertEntity needs an id or at least one external ID", domain.ErrInvalid)
	}
	for _, s := range schemes {
		e, err := w.EntityByXID(s, xids[s])
		if errors.Is(err, domain.ErrNotFound) {
			continue
		}
		if err != nil {
			return "", err
		}
		if e.Kind != kind {
			return "", fmt.Errorf("%w: external ID %s %q belongs to %s, a %s, not a %s", domain.ErrConflict, s, xids[s], e.ID, e.Kind, kind)
		}
		return e.ID, nil
	}
	return domain.MintEntityID(kind, schemes[0], xids[schemes[0]]), nil
}

func (r *Resolver) assertFact(ctx context.Context, in model.AssertFactInput) (*model.FactPayload, error) {
	p, err := domain.ParsePredicate(string(in.Predicate))
	if err != nil {
		return nil, err
	}
	f := domain.Fact{Predicate: p, From: in.From, To: in.To, Props: model.DomainProps(in.Properties)}
	if in.ValidFrom != nil {
		f.Valid.From = *in.ValidFrom
	}
	if in.ValidTo != nil {
		f.Valid.To = *in.ValidTo
	}
	if in.Event != nil {
		f.Event = *in.Event
	}
	for _, c := range in.Citations {
		f.Citations = append(f.Citations, model.DomainCitation(c))
	}
	if in.ID != nil {
		f.ID = *in.ID
	} else {
		f.ID = domain.NewFactID(&f)
	}
	saved, at, err := r.writeFact(ctx, f.ID, func(w *store.Writer) error {
		if _, err := w.Fact(f.ID); err == nil {
			return fmt.Errorf("%w: %s already exists; endFact, addCitation or retractFact change it", domain.ErrConflict, f.ID)
		} else if !errors.Is(err, domain.ErrNotFound) {
			return err
		}
		_, err := w.PutFact(f)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &model.FactPayload{ClientMutationID: in.ClientMutationID, Fact: model.FactOf(saved, at)}, nil
}

// writeFact runs fn and reads fact id back as the commit left it.
func (r *Resolver) writeFact(ctx context.Context, id string, fn func(*store.Writer) error) (*domain.Fact, time.Time, error) {
	var saved *domain.Fact
	at, err := r.write(ctx, func(w *store.Writer) error {
		if err := fn(w); err != nil {
			return err
		}
		var err error
		saved, err = w.Fact(id)
		return err
	})
	return saved, at, err
}

// changeFact loads fact id, lets change edit it and stores it.
func (r *Resolver) changeFact(ctx context.Context, id string, change func(*domain.Fact) error) (*domain.Fact, time.Time, error) {
	return r.writeFact(ctx, id, func(w *store.Writer) error {
		f, err := w.Fact(id)
		if err != nil {
			return err
		}
		if err := change(f); err != nil {
			return err
		}
		_, err = w.PutFact(*f)
		return err
	})
}

func (r *Resolver) endFact(ctx context.Context, in model.EndFactInput) (*model.FactPayload, error) {
	f, at, err := r.changeFact(ctx, in.ID, func(f *domain.Fact) error {
		if err := checkCurrentEnd(f, in.ExpectedValidTo); err != nil {
			return err
		}
		f.Valid.To = in.ValidTo
		if in.Citation != nil {
			addCite(f, model.DomainCitation(in.Citation))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &model.FactPayload{ClientMutationID: in.ClientMutationID, Fact: model.FactOf(f, at)}, nil
}

// checkCurrentEnd refuses to end f unless its end is the one the caller
// expects: none when expected is nil. It runs inside the write, and
// writers are serialised, so of two racing endFacts on an open fact the
// second sees the first's end and is refused instead of replacing it.
func checkCurrentEnd(f *domain.Fact, expected *domain.Date) error {
	var want domain.Date
	if expected != nil {
		want = *expected
	}
	switch {
	case f.Valid.To == want:
		return nil
	case want.IsZero():
		return fmt.Errorf("%w: %s already ended on %s: pass expectedValidTo: %q to move that end, or use correctFact", domain.ErrConflict, f.ID, f.Valid.To, f.Valid.To.String())
	case f.Valid.To.IsZero():
		return fmt.Errorf("%w: %s is open, not ending on %s (expectedValidTo)", domain.ErrConflict, f.ID, want)
	}
	return fmt.Errorf("%w: %s ends on %s, not %s (expectedValidTo)", domain.ErrConflict, f.ID, f.Valid.To, want)
}

func (r *Resolver) correctFact(ctx context.Context, in model.CorrectFactInput) (*model.FactPayload, error) {
	f, at, err := r.changeFact(ctx, in.ID, func(f *domain.Fact) error {
		if in.ValidFrom != nil {
			f.Valid.From = *in.ValidFrom
		}
		if in.ValidTo != nil {
			f.Valid.To = *in.ValidTo
		}
		if in.Event != nil {
			f.Event = *in.Event
		}
		if in.Citation != nil {
			addCite(f, model.DomainCitation(in.Citation))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &model.FactPayload{ClientMutationID: in.ClientMutationID, Fact: model.FactOf(f, at)}, nil
}

func (r *Resolver) addCitation(ctx context.Context, in model.AddCitationInput) (*model.FactPayload, error) {
	f, at, err := r.changeFact(ctx, in.FactID, func(f *domain.Fact) error {
		addCite(f, model.DomainCitation(in.Citation))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &model.FactPayload{ClientMutationID: in.ClientMutationID, Fact: model.FactOf(f, at)}, nil
}

// addCite appends c unless the fact already has exactly it.
func addCite(f *domain.Fact, c domain.Citation) {
	for _, o := range f.Citations {
		if o.Source == c.Source && o.URL == c.URL && o.Retrieved == c.Retrieved &&
			(o.Span == nil) == (c.Span == nil) && (o.Span == nil || *o.Span == *c.Span) {
			return
		}
	}
	f.Citations = append(f.Citations, c)
}

func (r *Resolver) retractFact(ctx context.Context, in model.RetractFactInput) (*model.RetractPayload, error) {
	_, err := r.write(ctx, func(w *store.Writer) error { return w.DeleteFact(in.ID) })
	if err != nil {
		return nil, err
	}
	return &model.RetractPayload{ClientMutationID: in.ClientMutationID, RemovedIds: []string{in.ID}}, nil
}

func (r *Resolver) deleteEntity(ctx context.Context, in model.DeleteEntityInput) (*model.RetractPayload, error) {
	var facts []string
	_, err := r.write(ctx, func(w *store.Writer) error {
		var err error
		facts, err = w.DeleteEntity(in.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &model.RetractPayload{ClientMutationID: in.ClientMutationID, RemovedIds: append([]string{in.ID}, facts...)}, nil
}

func (r *Resolver) ingestDocument(ctx context.Context, in model.IngestDocumentInput) (*model.IngestPayload, error) {
	var res *dataset.IngestResult
	var doc *domain.Entity
	var facts map[string]*domain.Fact
	title := ""
	if in.Title != nil {
		title = *in.Title
	}
	at, err := r.write(ctx, func(w *store.Writer) error {
		var err error
		if res, err = dataset.Ingest(w, in.Text, title); err != nil {
			return err
		}
		if doc, err = w.Entity(res.DocID); err != nil {
			return err
		}
		facts, err = w.Facts(res.Mentions)
		return err
	})
	if err != nil {
		return nil, err
	}
	d, _ := model.EntityOf(doc, at).(*model.Document)
	out := &model.IngestPayload{ClientMutationID: in.ClientMutationID, Document: d, Sha256: res.SHA256, Mentions: []*model.Fact{}}
	for _, id := range res.Mentions {
		out.Mentions = append(out.Mentions, model.FactOf(facts[id], at))
	}
	return out, nil
}

// quote cuts a citation's span from its source's stored text.
func (r *Resolver) quote(ctx context.Context, c *model.Citation) (*string, error) {
	if c.Span == nil {
		return nil, nil
	}
	text, ok, err := r.op(ctx).loaders.loadText(ctx, r.at(ctx, nil, c.KnownAt), c.SourceID)
	if err != nil || !ok {
		return nil, err
	}
	q, ok := domain.Quote(text, domain.Span{Start: c.Span.Start, End: c.Span.End})
	if !ok {
		return nil, nil
	}
	return &q, nil
}

// history lists the changes of id.
func (r *Resolver) history(ctx context.Context, id string, first *int, after *string, knownAt *time.Time) ([]*model.Change, error) {
	if err := r.checkPage(pageArgs{first: first}); err != nil {
		return nil, err
	}
	var from uint64
	if after != nil {
		key, err := decodeCursor(*after)
		if err != nil {
			return nil, err
		}
		if from, err = strconv.ParseUint(key, 10, 64); err != nil || from == 0 {
			return nil, model.BadInput(fmt.Sprintf("invalid cursor %q: use a cursor from this API's history", clipStr(*after)))
		}
	}
	limit := r.maxPage()
	if first != nil {
		limit = *first
	}
	out := []*model.Change{}
	if limit == 0 {
		return out, nil
	}
	err := r.DB.View(r.at(ctx, knownAt, time.Time{}), func(rd *store.Reader) error {
		h, err := rd.HistoryAfter(id, from, limit)
		for _, e := range h {
			c := model.ChangeOf(e.Change, domain.CommitEvent{Time: e.Time, Author: e.Author, Note: e.Note})
			cur := encodeCursor(strconv.FormatUint(e.Pos, 10))
			c.Cursor = &cur
			out = append(out, c)
		}
		return err
	})
	return out, err
}
