package graph

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/export"
	"github.com/alliancegraph/alliancegraph/graph/model"
	"github.com/alliancegraph/alliancegraph/store"
)

// ExportMaxNodes caps Query.export's maxNodes: its document is built in
// memory as one response, unlike GET /export's stream.
const ExportMaxNodes = 1000

// export serves Query.export: the selection encoded in one response.
func (r *Resolver) export(ctx context.Context, in model.ExportSelection, format model.ExportFormat) (*model.Export, error) {
	f, err := export.Lookup(string(format))
	if err != nil {
		return nil, err
	}
	sel, err := exportSelectionOf(in)
	if err != nil {
		return nil, err
	}
	at := r.at(ctx, in.KnownAt, time.Time{})
	var buf bytes.Buffer
	var truncated bool
	var snapshot time.Time
	err = r.DB.View(at, func(rd *store.Reader) error {
		var err error
		if snapshot, err = rd.SnapshotTime(); err != nil {
			return err
		}
		truncated, err = export.Stream(ctx, rd, f, sel, r.Generator, &buf, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &model.Export{Format: format, MediaType: f.MediaType, FileName: export.FileName(sel, f),
		Encoding: model.ContentEncodingUTF8, Size: buf.Len(), Truncated: truncated, KnownAt: snapshot}
	if f.Binary {
		out.Encoding, out.Content = model.ContentEncodingBase64, base64.StdEncoding.EncodeToString(buf.Bytes())
	} else {
		out.Content = buf.String()
	}
	return out, nil
}

// exportSelectionOf converts the GraphQL input; maxNodes must be 1 to
// ExportMaxNodes, the rest is checked by export.Stream.
func exportSelectionOf(in model.ExportSelection) (store.Selection, error) {
	sel := store.Selection{Seeds: in.Ids, Depth: 1, MaxNodes: 500}
	if in.Depth != nil {
		sel.Depth = *in.Depth
	}
	if len(sel.Seeds) == 0 {
		sel.Depth = 0
	}
	if in.MaxNodes != nil {
		sel.MaxNodes = *in.MaxNodes
	}
	switch {
	case sel.MaxNodes > ExportMaxNodes:
		return sel, model.Coded(domain.CodeLimitExceeded, fmt.Sprintf("maxNodes %d is over the export limit of %d; use GET /export or `alliancegraph export` for larger selections", sel.MaxNodes, ExportMaxNodes))
	case sel.MaxNodes < 1:
		return sel, model.BadInput(fmt.Sprintf("maxNodes must be 1 to %d", ExportMaxNodes))
	}
	var err error
	if sel.Predicates, err = model.DomainPredicates(in.Predicates); err != nil {
		return sel, err
	}
	if sel.Kinds, err = model.DomainKinds(in.Kinds); err != nil {
		return sel, err
	}
	if in.AsOf != nil {
		sel.AsOf = *in.AsOf
	}
	return sel, nil
}
