// The graph view: entities as nodes styled by kind, facts as edges styled by
// predicate (cytoscape.js). Positions are kept per entity ID, so a node that
// stays when the date changes does not move; a new node is placed on a ring
// around a neighbour that already has a place.
import cytoscape from 'cytoscape';

// Kind -> colour and shape. The colours have at least 4.5:1 contrast
// against white, so a label inside or a border next to them stays legible.
export const KINDS = {
  COUNTRY: { color: '#1f5fa8', shape: 'ellipse' },
  ORGANIZATION: { color: '#a64d00', shape: 'hexagon' },
  PERSON: { color: '#2e7d32', shape: 'ellipse' },
  OFFICE: { color: '#6a1b9a', shape: 'diamond' },
  EVENT: { color: '#b71c1c', shape: 'triangle' },
  PLACE: { color: '#5d4037', shape: 'round-rectangle' },
  DOCUMENT: { color: '#455a64', shape: 'rectangle' },
};

// Predicate -> edge colour and line style.
export const PREDICATES = {
  MEMBER_OF: { color: '#1f5fa8', line: 'solid' },
  HOLDS: { color: '#6a1b9a', line: 'solid' },
  OFFICE_OF: { color: '#6a1b9a', line: 'dashed' },
  CITIZEN_OF: { color: '#2e7d32', line: 'dashed' },
  PARTICIPANT_IN: { color: '#b71c1c', line: 'dotted' },
  SUCCEEDED: { color: '#5d4037', line: 'solid' },
  FOLLOWS: { color: '#5d4037', line: 'dashed' },
  PARTNER_OF: { color: '#a64d00', line: 'dashed' },
  LOCATED_IN: { color: '#455a64', line: 'dotted' },
  HEADQUARTERED_IN: { color: '#455a64', line: 'solid' },
  MENTIONS: { color: '#616161', line: 'dotted' },
  KNOWS: { color: '#616161', line: 'solid' },
};

function style() {
  const s = [
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        'font-size': 11,
        color: '#1a1a1a',
        'text-valign': 'bottom',
        'text-margin-y': 3,
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.85,
        'text-background-padding': 1,
        'text-wrap': 'ellipsis',
        'text-max-width': 140,
        width: 18,
        height: 18,
        'border-width': 1,
        'border-color': '#ffffff',
      },
    },
    {
      selector: 'edge',
      style: {
        width: 1.5,
        'curve-style': 'bezier',
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8,
      },
    },
    { selector: 'node.seed', style: { width: 26, height: 26, 'font-weight': 'bold' } },
    { selector: 'node.selected', style: { 'border-width': 4, 'border-color': '#111111' } },
    { selector: 'node.path', style: { 'border-width': 4, 'border-color': '#d4007a' } },
    { selector: 'edge.path', style: { width: 4, 'line-color': '#d4007a', 'target-arrow-color': '#d4007a' } },
    { selector: '.dim', style: { opacity: 0.25 } },
  ];
  for (const [kind, v] of Object.entries(KINDS)) {
    s.push({ selector: `node[kind = "${kind}"]`, style: { 'background-color': v.color, shape: v.shape } });
  }
  for (const [pred, v] of Object.entries(PREDICATES)) {
    s.push({
      selector: `edge[predicate = "${pred}"]`,
      style: { 'line-color': v.color, 'target-arrow-color': v.color, 'line-style': v.line },
    });
  }
  // Path highlighting wins over the predicate colours.
  s.push({ selector: 'edge.path', style: { width: 4, 'line-color': '#d4007a', 'target-arrow-color': '#d4007a' } });
  return s;
}

export function createGraph(container, { onTap }) {
  const cy = cytoscape({
    container,
    style: style(),
    minZoom: 0.1,
    maxZoom: 4,
    wheelSensitivity: 0.3,
    boxSelectionEnabled: false,
    autoungrabify: false,
  });
  const positions = new Map(); // entity ID -> {x, y}, kept across dates
  const anchorOf = new Map(); // entity ID -> the node it was placed around

  cy.on('tap', 'node', (ev) => onTap(ev.target.id()));
  // The container changes size when the panel opens or closes; cytoscape
  // must know, or clicks land where nodes used to be drawn.
  new ResizeObserver(() => cy.resize()).observe(container);
  cy.on('dragfree', 'node', (ev) => positions.set(ev.target.id(), { ...ev.target.position() }));

  // place gives every node without a position one, on rings around an
  // anchor: the neighbour that has a place (the expanded node first).
  function place(ids, neighbours, preferred) {
    const byAnchor = new Map();
    for (const id of ids) {
      if (positions.has(id)) continue;
      let anchor = null;
      if (preferred && positions.has(preferred) && (neighbours.get(id) || new Set()).has(preferred)) anchor = preferred;
      if (!anchor) for (const n of neighbours.get(id) || []) if (positions.has(n)) { anchor = n; break; }
      const key = anchor || '';
      if (!byAnchor.has(key)) byAnchor.set(key, []);
      byAnchor.get(key).push(id);
    }
    for (const [anchor, group] of byAnchor) {
      group.sort();
      const c = anchor ? positions.get(anchor) : { x: 0, y: 0 };
      // Point away from the anchor's own anchor, so a new ring grows
      // outwards instead of over what is already there.
      let base = 0;
      const up = anchor && anchorOf.get(anchor);
      if (up && positions.has(up)) {
        const u = positions.get(up);
        base = Math.atan2(c.y - u.y, c.x - u.x);
      }
      const outward = !!(anchor && up);
      let i = 0;
      let ring = 0;
      while (i < group.length) {
        const radius = 170 + ring * 90;
        const capacity = Math.max(6, Math.floor((2 * Math.PI * radius) / 50));
        const n = Math.min(capacity, group.length - i);
        const spread = outward ? Math.PI * 1.2 : 2 * Math.PI;
        for (let k = 0; k < n; k++, i++) {
          const a = outward ? base - spread / 2 + (spread * (k + 0.5)) / n : base + (spread * k) / n;
          positions.set(group[i], { x: c.x + radius * Math.cos(a), y: c.y + radius * Math.sin(a) });
          if (anchor) anchorOf.set(group[i], anchor);
        }
        ring++;
      }
    }
  }

  // show replaces the graph with nodes and facts: nodes that stay keep their
  // place, nodes that are new get one near a neighbour.
  function show({ nodes, facts, seeds = [], expanded = null, pathIds = null }) {
    const nodeIds = new Set(nodes.map((n) => n.id));
    const neighbours = new Map();
    const edges = facts.filter((f) => nodeIds.has(f.from.id) && nodeIds.has(f.to.id));
    for (const f of edges) {
      if (!neighbours.has(f.from.id)) neighbours.set(f.from.id, new Set());
      if (!neighbours.has(f.to.id)) neighbours.set(f.to.id, new Set());
      neighbours.get(f.from.id).add(f.to.id);
      neighbours.get(f.to.id).add(f.from.id);
    }
    // Seeds are placed first, so everything else hangs off them.
    const order = [...seeds.filter((s) => nodeIds.has(s)), ...nodes.map((n) => n.id).filter((id) => !seeds.includes(id))];
    let seedX = 0;
    for (const s of seeds) {
      if (nodeIds.has(s) && !positions.has(s)) {
        positions.set(s, { x: seedX, y: 0 });
        seedX += 600;
      }
    }
    // Breadth-first from what has a place, so rings chain outwards.
    for (let pass = 0; pass < 8; pass++) {
      const ready = order.filter((id) => !positions.has(id) && [...(neighbours.get(id) || [])].some((n) => positions.has(n)));
      if (!ready.length) break;
      place(ready, neighbours, expanded);
    }
    place(order.filter((id) => !positions.has(id)), neighbours, null);

    cy.batch(() => {
      cy.elements().remove();
      cy.add(nodes.map((n) => ({
        group: 'nodes',
        data: { id: n.id, label: n.name, kind: n.kind },
        position: { ...positions.get(n.id) },
        classes: seeds.includes(n.id) ? 'seed' : '',
      })));
      cy.add(edges.map((f) => ({
        group: 'edges',
        data: { id: f.id, source: f.from.id, target: f.to.id, predicate: f.predicate },
      })));
      if (pathIds) {
        for (const id of pathIds) cy.getElementById(id).addClass('path');
      }
    });
  }

  function select(id) {
    cy.nodes('.selected').removeClass('selected');
    if (id) cy.getElementById(id).addClass('selected');
  }

  function fit() {
    cy.resize();
    if (cy.nodes().length) cy.fit(cy.elements(), 30);
  }

  // renderedPosition is where a node is drawn, in page coordinates: tests
  // click there as a person would.
  function pagePosition(id) {
    const n = cy.getElementById(id);
    if (!n.length) return null;
    const p = n.renderedPosition();
    const r = container.getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }

  return { cy, show, select, fit, pagePosition, nodeCount: () => cy.nodes().length, position: (id) => positions.get(id) };
}
