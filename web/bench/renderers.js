// Measures two graph renderers on the same graph, so the explorer's choice
// is made on numbers: cytoscape.js (canvas 2D) and sigma.js with graphology
// (WebGL). The page is opened as renderers.html?lib=cytoscape&n=2000; it
// draws n nodes and 1.5 n edges at fixed positions, then sets
// window.benchResult to {firstRender, redraw} in milliseconds: the time from
// handing the graph over to the end of the second animation frame after it
// (both libraries draw in a frame callback), and the mean time of a frame
// over 20 zoom steps.
import cytoscape from 'cytoscape';
import Graph from 'graphology';
import Sigma from 'sigma';

const params = new URLSearchParams(location.search);
const lib = params.get('lib');
const n = Number(params.get('n') || 2000);
const container = document.getElementById('graph');

// A deterministic graph: a ring lattice with chords, positions on a
// spiral, so both libraries draw exactly the same thing.
function data() {
  const nodes = [];
  const edges = [];
  for (let i = 0; i < n; i++) {
    const a = i * 0.35;
    const r = 10 * Math.sqrt(i);
    nodes.push({ id: `n${i}`, x: r * Math.cos(a), y: r * Math.sin(a) });
  }
  for (let i = 0; i < n; i++) {
    edges.push({ id: `e${i}`, source: `n${i}`, target: `n${(i + 1) % n}` });
    if (i % 2 === 0) edges.push({ id: `c${i}`, source: `n${i}`, target: `n${(i * 7 + 13) % n}` });
  }
  return { nodes, edges };
}

const frame = () => new Promise((ok) => requestAnimationFrame(() => ok()));

async function runCytoscape(d) {
  const t0 = performance.now();
  const cy = cytoscape({
    container,
    elements: [
      ...d.nodes.map((v) => ({ group: 'nodes', data: { id: v.id, label: v.id }, position: { x: v.x, y: v.y } })),
      ...d.edges.map((e) => ({ group: 'edges', data: e })),
    ],
    layout: { name: 'preset' },
    style: [
      { selector: 'node', style: { width: 6, height: 6, 'background-color': '#1f5fa8', label: 'data(label)', 'font-size': 4 } },
      { selector: 'edge', style: { width: 0.5, 'line-color': '#888' } },
    ],
  });
  await frame();
  await frame();
  const firstRender = performance.now() - t0;
  const t1 = performance.now();
  for (let i = 0; i < 20; i++) {
    cy.zoom({ level: cy.zoom() * 1.05, renderedPosition: { x: 400, y: 300 } });
    await frame();
  }
  return { firstRender, redraw: (performance.now() - t1) / 20 };
}

async function runSigma(d) {
  const t0 = performance.now();
  const g = new Graph({ multi: true });
  for (const v of d.nodes) g.addNode(v.id, { x: v.x, y: v.y, size: 3, label: v.id, color: '#1f5fa8' });
  for (const e of d.edges) g.addEdgeWithKey(e.id, e.source, e.target, { size: 0.5, color: '#888' });
  const s = new Sigma(g, container);
  await frame();
  await frame();
  const firstRender = performance.now() - t0;
  const camera = s.getCamera();
  const t1 = performance.now();
  for (let i = 0; i < 20; i++) {
    camera.setState({ ratio: camera.getState().ratio / 1.05 });
    await frame();
  }
  return { firstRender, redraw: (performance.now() - t1) / 20 };
}

// An error thrown later (in a frame callback) ends the run too.
addEventListener('error', (ev) => { window.benchResult = { error: String(ev.message) }; });

(async () => {
  try {
    if (lib === 'sigma' && !document.createElement('canvas').getContext('webgl2')) throw new Error('no WebGL 2');
    const d = data();
    window.benchResult = lib === 'sigma' ? await runSigma(d) : await runCytoscape(d);
  } catch (err) {
    window.benchResult = { error: String(err && err.message || err) };
  }
})();
