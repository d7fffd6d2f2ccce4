// The network view: the neighbourhood of an entity from /api/graph, held in
// a graphology graph, laid out with ForceAtlas2 and drawn by sigma.js when
// the browser has WebGL, else as SVG. Clicking a node (or its Expand button
// in the table, for keyboards and screen readers) adds its neighbours.
// Filters by link kind and fiscal years; nodes sized by money; the view
// exports as GEXF, SVG or PNG. The table under the drawing holds every
// node and link, so nothing is only in the picture.
import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import Sigma from 'sigma';
import { extremityArrow, layerPlain, pathLine, pathLoop } from 'sigma/rendering';
import { api } from './api.js';
import { h, s, entityHref, table } from './dom.js';
import { money, short } from './fmt.js';

const COLORS = { organization: '#2563eb', public_body: '#b45309', person: '#15803d', committee: '#9333ea', candidate: '#db2777' };
const color = (k) => COLORS[k] || '#64748b';

const SVG_MAX = 300;

function hasWebGL() {
  try {
    const c = document.createElement('canvas');
    return !!(c.getContext('webgl2') || c.getContext('webgl'));
  } catch {
    return false;
  }
}

// The fiscal year of an ISO date (October-September).
const fy = (d) => (d ? Number(d.slice(0, 4)) + (Number(d.slice(5, 7)) >= 10 ? 1 : 0) : null);

// given: the page's own answer for this id (the server's), else asked for.
export async function networkPage(main, id, given) {
  const g = new Graph({ type: 'directed', multi: true });
  const st = { kinds: new Set(), off: new Set(), from: null, to: null, expanded: new Set(), sigma: null, notes: [] };
  const first = given || await api('graph', { id, limit: 40 });
  document.title = `Network: ${first.center.name} — behind`;
  const center = first.center.id;

  main.append(h('h1', null, 'Network: ', h('a', { href: entityHref(center) }, first.center.name)));
  const controls = h('form', { class: 'netctl', 'aria-label': 'Filters' });
  const kindBox = h('fieldset', null, h('legend', null, 'Links'));
  const years = h('fieldset', null, h('legend', null, 'Fiscal years'),
    h('label', null, 'from ', h('input', { type: 'number', name: 'from', min: 1990, max: 2100, inputmode: 'numeric' })),
    h('label', null, ' to ', h('input', { type: 'number', name: 'to', min: 1990, max: 2100, inputmode: 'numeric' })));
  const exp = h('fieldset', null, h('legend', null, 'Export'),
    h('button', { type: 'button', onclick: () => download('network.gexf', 'application/gexf+xml', gexf(g)) }, 'GEXF'), ' ',
    h('button', { type: 'button', onclick: () => download('network.svg', 'image/svg+xml', new XMLSerializer().serializeToString(drawSvg(g, st, null))) }, 'SVG'), ' ',
    h('button', { type: 'button', onclick: () => png(drawSvg(g, st, null)) }, 'PNG'));
  controls.append(kindBox, years, exp);
  controls.addEventListener('change', () => {
    const f = new FormData(controls);
    st.from = Number(f.get('from')) || null;
    st.to = Number(f.get('to')) || null;
    st.off = new Set([...st.kinds].filter((k) => !f.getAll('kind').includes(k)));
    render();
  });
  const status = h('p', { class: 'muted', role: 'status', id: 'net-status' });
  const stage = h('div', { class: 'stage', id: 'stage' });
  const tables = h('div', { id: 'net-tables' });
  main.append(controls, status, stage, tables);

  const addKinds = (ks) => {
    for (const k of ks) {
      if (st.kinds.has(k)) continue;
      st.kinds.add(k);
      kindBox.append(h('label', { class: 'chk' }, h('input', { type: 'checkbox', name: 'kind', value: k, checked: true }), ' ' + k.replace(/_/g, ' ')));
    }
  };
  const merge = (res) => {
    const c = res.center;
    const cx = g.hasNode(c.id) ? g.getNodeAttribute(c.id, 'x') : 0, cy = g.hasNode(c.id) ? g.getNodeAttribute(c.id, 'y') : 0;
    if (!g.hasNode(c.id)) g.addNode(c.id, { label: c.name, kind: c.kind, x: 0, y: 0, money: 0 });
    addKinds(res.kinds || []);
    res.neighbours.forEach((n, i) => {
      const a = (2 * Math.PI * i) / Math.max(1, res.neighbours.length);
      if (!g.hasNode(n.node.id)) g.addNode(n.node.id, { label: n.node.name, kind: n.node.kind, x: cx + Math.cos(a) * 10, y: cy + Math.sin(a) * 10, money: 0 });
      const [src, dst] = n.direction === 'out' ? [c.id, n.node.id] : [n.node.id, c.id];
      const key = `${n.link}|${src}|${dst}`;
      if (!g.hasEdge(key)) {
        g.addEdgeWithKey(key, src, dst, { link: n.link, amount: n.amount, records: n.records, from: fy(n.first_date), to: fy(n.last_date) });
        const m = Math.abs(n.amount || 0);
        g.updateNodeAttribute(src, 'money', (v) => v + m);
        g.updateNodeAttribute(dst, 'money', (v) => v + m);
      }
    });
    st.expanded.add(c.id);
    if (g.order > 2) forceAtlas2.assign(g, { iterations: 60, settings: { ...forceAtlas2.inferSettings(g), barnesHutOptimize: g.order > 200 } });
    if (res.truncated) st.notes.push(`the largest ${res.neighbours.length} links of ${c.name} shown`);
  };
  const expand = async (nid) => {
    if (st.expanded.has(nid)) return;
    status.textContent = 'Loading…';
    merge(await api('graph', { id: nid, limit: 40 }));
    render();
  };
  st.expand = expand;

  // A small view is drawn as SVG, at once (sigma's WebGL start-up alone
  // costs 150-250 ms, more than the whole drawing); a view grown past
  // SVG_MAX entities moves to sigma and stays there. ?draw=webgl asks for
  // sigma from the start.
  const webgl = hasWebGL(), forceWebgl = new URLSearchParams(location.search).get('draw') === 'webgl';
  function render() {
    const visible = visibleEdges(g, st);
    // node size by money, on a log scale
    g.forEachNode((n, a) => {
      g.setNodeAttribute(n, 'size', 4 + 2.5 * Math.log10(1 + (a.money || 0) / 1000));
      g.setNodeAttribute(n, 'color', color(a.kind));
    });
    const shown = shownNodes(g, visible, center);
    if (st.sigma || (webgl && (forceWebgl || g.order > SVG_MAX))) {
      if (!st.sigma) {
        stage.replaceChildren();
        stage.classList.add('webgl');
        // sigma 4: options under `settings`; node sizes in screen pixels at
        // every zoom; directed links end in an arrow head
        st.sigma = new Sigma(g, stage, {
          settings: { renderEdgeLabels: false, labelRenderedSizeThreshold: 4, itemSizesReference: 'screen', zoomToSizeRatioFunction: () => 1, autoRescaleContent: 'labels' },
          primitives: { edges: { paths: [pathLine(), pathLoop()], extremities: [extremityArrow()], layers: [layerPlain()], defaultHead: 'arrow' } },
        });
        st.sigma.on('clickNode', ({ node }) => expand(node));
        stage.sigma = st.sigma; // the renderer, for the browser tests
      }
      // the filters: sigma 4 hides by state (its default styles' isHidden)
      g.forEachEdge((e) => st.sigma.setEdgeState(e, { isHidden: !visible.has(e) }));
      g.forEachNode((n) => st.sigma.setNodeState(n, { isHidden: !shown.has(n) }));
      st.sigma.refresh();
      // what sigma draws, for the browser tests: links and entities it
      // shows and its largest node radius in screen pixels
      const drawn = (xs, get) => xs.filter((k) => get(k)?.visibility !== 'hidden');
      stage.dataset.links = drawn(g.edges(), (e) => st.sigma.getEdgeDisplayData(e)).length;
      stage.dataset.entities = drawn(g.nodes(), (n) => st.sigma.getNodeDisplayData(n)).length;
      stage.dataset.maxRadius = Math.round(Math.max(...g.nodes().map((n) => st.sigma.getNodeDisplayData(n)?.size || 0)) * st.sigma.scaleSize());
    } else {
      // in the stage's own pixels (sizes are px, as sigma's)
      stage.replaceChildren(drawSvg(g, st, expand, Math.max(320, stage.clientWidth || 900)));
      stage.dataset.links = visible.size;
      stage.dataset.entities = shown.size;
      stage.dataset.maxRadius = Math.round(Math.max(...[...shown].map((n) => g.getNodeAttribute(n, 'size') || 0)));
    }
    status.textContent = (shown.size < g.order || visible.size < g.size
      ? `${shown.size} of ${g.order} entities, ${visible.size} of ${g.size} links (filtered)`
      : `${g.order} entities, ${g.size} links`) + (st.notes.length ? ` (${st.notes.join('; ')})` : '');
    tables.replaceChildren(nodeTable(g, shown, st, center), edgeTable(g, visible));
  }
  merge(first);
  render();
  return () => { if (st.sigma) st.sigma.kill(); };
}

function visibleEdges(g, st) {
  const out = new Set();
  g.forEachEdge((e, a) => {
    if (st.off.has(a.link)) return;
    if (st.from && a.to && a.to < st.from) return;
    if (st.to && a.from && a.from > st.to) return;
    out.add(e);
  });
  return out;
}

function shownNodes(g, visible, center) {
  const out = new Set([center]);
  for (const e of visible) {
    out.add(g.source(e));
    out.add(g.target(e));
  }
  return out;
}

// The SVG drawing (the renderer without WebGL, and every export): nodes
// are links to the entity pages; Enter or a click on one expands it.
function drawSvg(g, st, expand, W = 900) {
  const visible = visibleEdges(g, st);
  const shown = [...shownNodes(g, visible, g.nodes()[0])];
  const xs = shown.map((n) => g.getNodeAttribute(n, 'x')), ys = shown.map((n) => g.getNodeAttribute(n, 'y'));
  const minx = Math.min(...xs), maxx = Math.max(...xs), miny = Math.min(...ys), maxy = Math.max(...ys);
  // room for the labels on the right: a third of the width at most
  const H = 512, pad = 40, right = Math.min(W / 3, 260);
  const px = (x) => pad + (W - pad - right) * (x - minx) / ((maxx - minx) || 1);
  const py = (y) => pad + (H - 2 * pad) * (y - miny) / ((maxy - miny) || 1);
  const svg = s('svg', { xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${W} ${H}`, class: 'netsvg', role: 'group', 'aria-label': 'Network drawing' });
  svg.append(s('defs', null, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' },
    s('path', { d: 'M0,0L10,5L0,10z', fill: '#94a3b8' }))));
  svg.append(s('rect', { x: 0, y: 0, width: W, height: H, fill: '#ffffff' }));
  for (const e of visible) {
    const a = g.getNodeAttributes(g.source(e)), b = g.getNodeAttributes(g.target(e));
    // from the source's edge to the target's, an arrow head at the target
    const x1 = px(a.x), y1 = py(a.y), x2 = px(b.x), y2 = py(b.y);
    const d = Math.hypot(x2 - x1, y2 - y1) || 1, ra = (a.size || 5) + 1, rb = (b.size || 5) + 2;
    svg.append(s('line', { x1: x1 + (x2 - x1) * ra / d, y1: y1 + (y2 - y1) * ra / d, x2: x2 - (x2 - x1) * rb / d, y2: y2 - (y2 - y1) * rb / d,
      stroke: '#94a3b8', 'stroke-width': 1, 'marker-end': 'url(#arrow)' },
    s('title', null, `${g.getEdgeAttribute(e, 'link')}: ${money(g.getEdgeAttribute(e, 'amount'))}`)));
  }
  for (const n of shown) {
    const a = g.getNodeAttributes(n);
    const r = a.size || 5;
    const grp = s('g', { class: 'node', tabindex: expand ? 0 : null, role: expand ? 'button' : null, 'data-id': n,
      'aria-label': expand ? `${a.label}: expand neighbours` : null });
    grp.append(s('circle', { cx: px(a.x), cy: py(a.y), r, fill: color(a.kind), stroke: st.expanded.has(n) ? '#0f172a' : '#ffffff', 'stroke-width': 1.5 }));
    grp.append(s('text', { x: px(a.x) + r + 3, y: py(a.y) + 4, 'font-size': 11, fill: '#0f172a', 'font-family': 'sans-serif' }, a.label.slice(0, 32) + (a.money ? ` $${short(a.money)}` : '')));
    if (expand) {
      grp.addEventListener('click', () => expand(n));
      grp.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); expand(n); } });
    }
    svg.append(grp);
  }
  return svg;
}

function nodeTable(g, shown, st, center) {
  const rows = [...shown].map((n) => ({ id: n, ...g.getNodeAttributes(n) })).sort((a, b) => (b.id === center) - (a.id === center) || b.money - a.money);
  return table('Entities in the view', [
    { label: 'Name', cell: (r) => h('a', { href: entityHref(r.id) }, r.label) },
    { label: 'Kind', cell: (r) => r.kind.replace('_', ' ') },
    { label: 'Money on its links', num: true, cell: (r) => money(r.money) },
    { label: 'Neighbours', cell: (r) => (st.expanded.has(r.id) ? 'shown' : h('button', { type: 'button', class: 'expand', 'data-id': r.id, onclick: () => st.expand(r.id) }, 'Expand')) },
  ], rows);
}

function edgeTable(g, visible) {
  const rows = [...visible].map((e) => ({ s: g.getNodeAttributes(g.source(e)), si: g.source(e), t: g.getNodeAttributes(g.target(e)), ti: g.target(e), ...g.getEdgeAttributes(e) }))
    .sort((a, b) => Math.abs(b.amount || 0) - Math.abs(a.amount || 0));
  return table('Links in the view', [
    { label: 'From', cell: (r) => h('a', { href: entityHref(r.si) }, r.s.label) },
    { label: 'Link', cell: (r) => r.link.replace(/_/g, ' ') },
    { label: 'To', cell: (r) => h('a', { href: entityHref(r.ti) }, r.t.label) },
    { label: 'Amount', num: true, cell: (r) => money(r.amount) },
    { label: 'Records', num: true, cell: (r) => r.records },
    { label: 'Fiscal years', cell: (r) => (r.from ? (r.from === r.to ? r.from : `${r.from}–${r.to}`) : '') },
  ], rows);
}

const esc = (t) => String(t).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]);

// GEXF 1.3 of the whole graph (escaped by hand: this is a file, not a page).
function gexf(g) {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<gexf xmlns="http://gexf.net/1.3" version="1.3">',
    '<graph defaultedgetype="directed" mode="static">',
    '<attributes class="node"><attribute id="kind" title="kind" type="string"/></attributes>',
    '<attributes class="edge"><attribute id="link" title="link" type="string"/><attribute id="amount" title="amount" type="double"/><attribute id="records" title="records" type="integer"/></attributes>',
    '<nodes>'];
  g.forEachNode((n, a) => out.push(`<node id="${esc(n)}" label="${esc(a.label)}"><attvalues><attvalue for="kind" value="${esc(a.kind)}"/></attvalues></node>`));
  out.push('</nodes><edges>');
  g.forEachEdge((e, a, src, dst) => out.push(`<edge id="${esc(e)}" source="${esc(src)}" target="${esc(dst)}"${a.amount ? ` weight="${Math.abs(a.amount)}"` : ''}><attvalues><attvalue for="link" value="${esc(a.link)}"/>${a.amount !== null ? `<attvalue for="amount" value="${a.amount}"/>` : ''}<attvalue for="records" value="${a.records}"/></attvalues></edge>`));
  out.push('</edges></graph></gexf>');
  return out.join('\n');
}

function download(name, type, data) {
  const url = URL.createObjectURL(data instanceof Blob ? data : new Blob([data], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function png(svg) {
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(svg)], { type: 'image/svg+xml' }));
  const img = new Image();
  img.onload = () => {
    const c = document.createElement('canvas');
    c.width = 1800;
    c.height = 1120;
    c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
    URL.revokeObjectURL(url);
    c.toBlob((b) => download('network.png', 'image/png', b));
  };
  img.src = url;
}
