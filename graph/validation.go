package graph

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// Validation is the one step of a request whose work is not bounded by
// the limits that run after it: gqlparser's OverlappingFieldsCanBeMerged
// rule compares every two fields that share a response name in a
// selection set, and every rule reports each error it finds. So the
// limits that do not need the schema (node budget, depth, aliases,
// directives, and the pairs that rule compares) are also checked before
// validation, on the parsed document, and validation reports at most
// maxValidationErrors errors.

// maxMergedPairs bounds the pairs of fields sharing a response name that
// validation may compare: 500 copies of one field are 124,750 pairs.
const maxMergedPairs = 125000

// maxValidationErrors is how many validation errors one answer carries;
// one more error then says that the rest were left out.
const maxValidationErrors = 20

// maxErrorMessage bounds one validation message in bytes: a conflict
// between two fields names every conflict between their subfields.
const maxErrorMessage = 1000

// preValidation refuses a document over a limit before gqlgen validates
// it. It is an OperationParameterMutator, registered after automatic
// persisted queries so that it sees a query sent by hash too. A document
// in the query cache passed validation before, and this check with it.
type preValidation struct {
	lim   Limits
	cache graphql.Cache[*ast.QueryDocument]
}

var (
	_ graphql.HandlerExtension          = preValidation{}
	_ graphql.OperationParameterMutator = preValidation{}
)

func (preValidation) ExtensionName() string                   { return "AllianceGraphPreValidation" }
func (preValidation) Validate(graphql.ExecutableSchema) error { return nil }

func (p preValidation) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	if params.Query == "" {
		return nil
	}
	if _, ok := p.cache.Get(ctx, params.Query); ok {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: params.Query}, p.lim.MaxTokens)
	if err != nil {
		return nil // gqlgen parses it again and reports where
	}
	return checkDocument(doc, p.lim)
}

// checkDocument checks every operation and fragment of an unvalidated
// document (validation looks at all of them, whichever one runs) against
// the limits that need no schema.
func checkDocument(doc *ast.QueryDocument, lim Limits) *gqlerror.Error {
	w := walker{frags: doc.Fragments, maxPage: lim.MaxPage, budget: nodeBudget}
	measures := make([]measure, 0, len(doc.Operations)+len(doc.Fragments))
	for _, op := range doc.Operations {
		measures = append(measures, w.operation(op))
	}
	for _, f := range doc.Fragments {
		m := w.fragment(f.Name)
		m.directives = satAdd(m.directives, len(f.Directives))
		if strings.HasPrefix(f.TypeCondition, "__") {
			// A fragment on an introspection type (graphql-js's FullType,
			// TypeRef) is introspection wherever it is spread.
			m.introDepth, m.introLists = max(m.introDepth, m.depth), max(m.introLists, m.lists)
			m.depth, m.cost = 0, 0
		}
		measures = append(measures, m)
	}
	if w.over() {
		return overBudget(w.budget)
	}
	for _, m := range measures {
		if err := introspectionErr(m); err != nil {
			return err
		}
		switch {
		case m.depth > lim.MaxDepth:
			return limitErr("query depth is %d, over the depth limit of %d", m.depth, lim.MaxDepth)
		case m.aliases > lim.MaxAliases:
			return limitErr("query has %d aliases, over the alias limit of %d", m.aliases, lim.MaxAliases)
		case m.directives > lim.MaxDirectives:
			return limitErr("query has %d directives, over the directive limit of %d", m.directives, lim.MaxDirectives)
		}
	}
	pairs, ok := mergedPairs(doc, nodeBudget)
	switch {
	case !ok:
		return overBudget(nodeBudget)
	case pairs > maxMergedPairs:
		return limitErr("query repeats fields that share a response name: validation would compare %d pairs of them, over the limit of %d (500 copies of one field)", pairs, maxMergedPairs)
	}
	return nil
}

func overBudget(budget int) *gqlerror.Error {
	return limitErr("query has more than %d selections (fields, fragment spreads and inline fragments; a fragment counts once), over the node budget of %d", budget, budget)
}

// mergedPairs returns how many pairs of fields validation compares for
// conflicts, counted as GraphQL merges fields: fields that share a
// response name in one selection set (through inline fragments and
// fragment spreads) form a group, their subfields sharing a response name
// the next group down, and a group of n fields is n(n-1)/2 pairs. Each
// operation and fragment is a root, as validation checks each. It is
// false if the walk visits more than budget selection nodes.
func mergedPairs(doc *ast.QueryDocument, budget int) (int, bool) {
	m := &merger{frags: doc.Fragments, budget: budget, groups: map[groupKey]int32{}, spread: map[groupKey]bool{}, visiting: map[string]bool{}}
	for _, op := range doc.Operations {
		m.set(op.SelectionSet, m.group(-1, ""))
	}
	for _, f := range doc.Fragments {
		m.visiting[f.Name] = true
		m.set(f.SelectionSet, m.group(-1, ""))
		delete(m.visiting, f.Name)
	}
	pairs := 0
	for _, n := range m.counts {
		pairs = satAdd(pairs, satMul(n, n-1)/2)
	}
	return pairs, m.visited <= m.budget
}

type merger struct {
	frags    ast.FragmentDefinitionList
	groups   map[groupKey]int32 // a group by its parent and response name
	counts   []int              // fields in each group
	spread   map[groupKey]bool  // fragments merged into a group, by group and fragment name
	visiting map[string]bool    // fragments on the current path (cycle guard)
	visited  int
	budget   int
}

type groupKey struct {
	parent int32
	name   string
}

// group returns the group of the fields named name under parent; a parent
// of -1 makes a new root.
func (m *merger) group(parent int32, name string) int32 {
	k := groupKey{parent, name}
	if g, ok := m.groups[k]; ok {
		return g
	}
	g := int32(len(m.counts))
	m.counts = append(m.counts, 0)
	if parent >= 0 {
		m.groups[k] = g
	}
	return g
}

func (m *merger) set(set ast.SelectionSet, g int32) {
	for _, sel := range set {
		if m.visited++; m.visited > m.budget {
			return
		}
		switch s := sel.(type) {
		case *ast.Field:
			name := s.Alias
			if name == "" {
				name = s.Name
			}
			sub := m.group(g, name)
			m.counts[sub]++
			m.set(s.SelectionSet, sub)
		case *ast.InlineFragment:
			m.set(s.SelectionSet, g)
		case *ast.FragmentSpread:
			k := groupKey{g, s.Name}
			f := m.frags.ForName(s.Name)
			if f == nil || m.spread[k] || m.visiting[s.Name] {
				continue // merged here already, or a cycle (validation refuses those)
			}
			m.spread[k] = true
			m.visiting[s.Name] = true
			m.set(f.SelectionSet, g)
			delete(m.visiting, s.Name)
		}
	}
}

// cappedRules returns the validation rules gqlgen runs (with "Did you
// mean" suggestions or, for production, without), each reporting through
// one counter: past maxValidationErrors, errors are dropped and one more
// says so, and a message over maxErrorMessage bytes is cut. gqlgen calls
// it once per validation, so each validation counts from zero; it then
// removes the variant of the suggestion rules it does not want and adds
// the one it does unless present, so both are here, capped.
func cappedRules() *rules.Rules {
	n := 0
	capped := func(fn core.RuleFunc) core.RuleFunc {
		return func(observers *core.Events, addError core.AddErrFunc) {
			fn(observers, func(opts ...core.ErrorOption) {
				n++
				switch {
				case n <= maxValidationErrors:
					addError(append(opts, cutMessage)...)
				case n == maxValidationErrors+1:
					addError(core.Message("too many validation errors: only the first %d are reported", maxValidationErrors))
				}
			})
		}
	}
	out := rules.NewRules()
	for name, fn := range rules.NewDefaultRules().GetInner() {
		out.AddRule(name, capped(fn))
	}
	for _, r := range []core.Rule{rules.FieldsOnCorrectTypeRuleWithoutSuggestions, rules.ScalarLeafsRuleWithoutSuggestions} {
		out.AddRule(r.Name, capped(r.RuleFunc))
	}
	return out
}

// cutMessage shortens a validation message to maxErrorMessage bytes.
func cutMessage(e *gqlerror.Error) {
	if len(e.Message) <= maxErrorMessage {
		return
	}
	cut := maxErrorMessage
	for cut > 0 && !utf8.RuneStart(e.Message[cut]) {
		cut--
	}
	e.Message = e.Message[:cut] + fmt.Sprintf("… (%d more bytes)", len(e.Message)-cut)
}
