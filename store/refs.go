package store

import (
	"errors"
	"fmt"

	"github.com/alliancegraph/alliancegraph/domain"
)

// EntityRef names an entity by its readable ID and, when the read that
// produced the ref knew it, by the entity's internal number, which lets
// EntitiesByRef read the entity without looking its ID up first. FromRef
// and ToRef make refs to a fact's ends; RefOf makes one from an ID.
type EntityRef struct {
	ID  string
	num uint64 // 0: not known
}

// RefOf returns a ref holding id alone.
func RefOf(id string) EntityRef { return EntityRef{ID: id} }

// RefsOf returns refs holding ids alone.
func RefsOf(ids []string) []EntityRef {
	refs := make([]EntityRef, len(ids))
	for i, id := range ids {
		refs[i] = RefOf(id)
	}
	return refs
}

// FromRef returns a ref to fact f's From entity, with the number the
// read that returned f left in its Hint.
func FromRef(f *domain.Fact) EntityRef { return EntityRef{ID: f.From, num: f.Hint.From} }

// ToRef returns a ref to fact f's To entity, as FromRef does.
func ToRef(f *domain.Fact) EntityRef { return EntityRef{ID: f.To, num: f.Hint.To} }

// EntitiesByRef is Entities for refs: the entities that exist, keyed by
// ID, in one store read. A ref's number is only a hint, so a ref may come
// from a read of another snapshot. Numbers are never reused and an entity
// keeps its ID, so if the record under the number exists in this snapshot
// and carries the ref's ID, it is the entity Entities would find by ID;
// otherwise (deleted, or deleted and created again under a new number, or
// not yet created in this snapshot) the ID is looked up as Entities does.
// Either way the answer is Entities' answer, and with a good hint it costs
// one point read (or a cache hit) instead of two.
func (r *Reader) EntitiesByRef(refs []EntityRef) (map[string]*domain.Entity, error) {
	r.count()
	out := make(map[string]*domain.Entity, len(refs))
	for _, ref := range refs {
		if _, dup := out[ref.ID]; dup {
			continue
		}
		if ref.num != 0 {
			e, err := r.node(ref.num)
			if err == nil && e.ID == ref.ID {
				out[ref.ID] = e
				continue
			}
			if err != nil && !errors.Is(err, domain.ErrNotFound) {
				return nil, err
			}
		}
		e, _, err := r.entity(ref.ID)
		if errors.Is(err, domain.ErrNotFound) || errors.Is(err, domain.ErrInvalid) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[ref.ID] = e
	}
	return out, nil
}

// EdgesByRef is EdgesOf for refs, keyed by ID: the edges of each entity
// that exists, in one store read. Each ref's number is used as
// EntitiesByRef uses it, so the answer is EdgesOf's for the refs' IDs.
func (r *Reader) EdgesByRef(refs []EntityRef, f EdgeFilter) (map[string][]*domain.Fact, error) {
	r.count()
	out := make(map[string][]*domain.Fact, len(refs))
	for _, ref := range refs {
		if _, dup := out[ref.ID]; dup {
			continue
		}
		n, err := r.refNum(ref)
		if errors.Is(err, domain.ErrNotFound) || errors.Is(err, domain.ErrInvalid) {
			continue
		}
		if err != nil {
			return nil, err
		}
		fs, err := r.edges(n, f)
		if err != nil {
			return nil, err
		}
		out[ref.ID] = fs
	}
	return out, nil
}

// refNum returns the number of the entity ref names in this snapshot:
// the ref's own when the record under it carries the ref's ID, else the
// ID's lookup; an error wrapping ErrNotFound when no entity has the ID,
// ErrInvalid when it is malformed or a fact's.
func (r *Reader) refNum(ref EntityRef) (uint64, error) {
	if ref.num != 0 {
		id, err := r.nodeID(ref.num)
		if err == nil && id == ref.ID {
			return ref.num, nil
		}
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			return 0, err
		}
	}
	n, k, err := r.resolve(ref.ID)
	if err == nil && k == domain.KindFact {
		return 0, fmt.Errorf("%w: %s is a fact, not an entity", domain.ErrInvalid, ref.ID)
	}
	return n, err
}
