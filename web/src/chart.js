// Hand-written SVG charts: money by fiscal year as bars (negative years,
// de-obligations, go below the axis), with the same numbers as a table
// beside it for screen readers, phones and anyone who wants the figures.
// A chart's <svg> goes into the page at once with its viewBox (so its
// space is kept and nothing moves), its marks are drawn after the page's
// tables have been painted (later()): on a cold load of a dossier the
// SVG text and paths cost the first frame ~50-150 ms, and every figure
// they show is in a table already.
import { h, s, table } from './dom.js';
import { money, short } from './fmt.js';
import { citedMoney } from './generic.js';

// Runs draw() once the browser is idle after the current frame (at most
// 300 ms later); an <svg> drawn after its page was left is simply dropped.
function later(draw) {
  if (window.requestIdleCallback) requestIdleCallback(draw, { timeout: 300 });
  else setTimeout(draw, 0);
}

// rows: [{year, amount, records}]; fills the gaps between years with 0.
// yearLabel: the figures table's first column (fiscal years by default;
// campaign money counts calendar years).
export function yearChart(title, rows, yearLabel = 'Fiscal year') {
  const box = h('figure', { class: 'chart' });
  box.append(h('figcaption', null, title));
  if (!rows.length) {
    box.append(h('p', { class: 'empty' }, 'no money recorded'));
    return box;
  }
  const byYear = new Map(rows.map((r) => [r.year, r]));
  const ys = rows.map((r) => r.year);
  const all = [];
  for (let y = Math.min(...ys); y <= Math.max(...ys); y++) all.push(byYear.get(y) || { year: y, amount: 0, records: 0 });
  const max = Math.max(0, ...all.map((r) => r.amount));
  const min = Math.min(0, ...all.map((r) => r.amount));
  const W = 640, H = 220, L = 56, B = 24, T = 10;
  const bw = (W - L) / all.length;
  const y = (v) => T + (H - T - B) * (max - v) / ((max - min) || 1);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, class: 'bars' });
  later(() => drawBars(svg, all, { W, H, L, bw, y, max, min }));
  box.append(svg);
  const det = h('details', { class: 'figures' }, h('summary', null, 'Figures'));
  det.append(table(title, [
    { label: yearLabel, cell: (r) => r.year },
    { label: 'Amount', num: true, cell: citedMoney },
    { label: 'Records', num: true, cell: (r) => r.records },
  ], rows, { srCaption: true }));
  box.append(det);
  return box;
}

// The marks of yearChart's bars (all: every year of the span, gaps as 0).
function drawBars(svg, all, { W, H, L, bw, y, max, min }) {
  svg.append(s('line', { x1: L, x2: W, y1: y(0), y2: y(0), class: 'axis' }));
  for (const t of [max, max / 2, min].filter((v, i, a) => a.indexOf(v) === i)) {
    svg.append(s('text', { x: L - 6, y: y(t) + 4, class: 'tick', 'text-anchor': 'end' }, '$' + short(t)));
  }
  all.forEach((r, i) => {
    const x = L + i * bw + bw * 0.1;
    const top = Math.min(y(r.amount), y(0));
    const g = s('g', { class: r.amount < 0 ? 'bar neg' : 'bar' });
    g.append(s('title', null, `FY ${r.year}: ${money(r.amount)} (${r.records} records)`));
    g.append(s('rect', { x, y: top, width: bw * 0.8, height: Math.max(1, Math.abs(y(r.amount) - y(0))) }));
    if (all.length <= 16 || i % Math.ceil(all.length / 12) === 0) {
      g.append(s('text', { x: x + bw * 0.4, y: H - 6, class: 'tick', 'text-anchor': 'middle' }, String(r.year)));
    }
    svg.append(g);
  });
}

const ROW = 30; /* a flow's height in the diagram */

// A money-flow diagram: one source on the left, targets on the right, each
// band as wide as its share; a third column when targets pass money on.
// flows: [{id, name, amount, next: [{id, name, amount}]}]
export function flowChart(title, source, flows, href) {
  const box = h('figure', { class: 'chart flow' });
  box.append(h('figcaption', null, title));
  const shown = flows.filter((f) => f.amount > 0).slice(0, 10);
  if (!shown.length) return box;
  const third = shown.some((f) => f.next && f.next.length);
  const W = third ? 900 : 640, H = shown.length * ROW + 20;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, class: 'flowsvg' });
  later(() => drawFlows(svg, source, shown, href, H));
  box.append(svg);
  return box;
}

// The bands and labels of flowChart (shown: its flows, largest first).
function drawFlows(svg, source, shown, href, H) {
  const total = shown.reduce((a, f) => a + f.amount, 0);
  const sx = 150, tx = 330;
  let acc = 10;
  svg.append(s('rect', { x: sx - 10, y: 10, width: 10, height: H - 20, class: 'node' }));
  // the source's name, wrapped into the space left of its bar
  const words = source.split(/\s+/), lines = [''];
  for (const w of words) {
    if ((lines[lines.length - 1] + ' ' + w).trim().length > 20 && lines[lines.length - 1]) lines.push(w);
    else lines[lines.length - 1] = (lines[lines.length - 1] + ' ' + w).trim();
  }
  lines.slice(0, 4).forEach((l, i) => svg.append(s('text', { x: sx - 16, y: H / 2 - 8 * (Math.min(lines.length, 4) - 1) + 16 * i, 'text-anchor': 'end', class: 'label' }, l)));
  shown.forEach((f, i) => {
    const w = Math.max(2, (H - 20) * f.amount / total);
    const ty = 10 + i * ROW + ROW / 2;
    const y0 = acc + w / 2;
    acc += w;
    svg.append(s('path', {
      d: `M${sx},${y0} C${(sx + tx) / 2},${y0} ${(sx + tx) / 2},${ty} ${tx},${ty}`,
      'stroke-width': w, class: 'band',
    }, s('title', null, `${f.name}: ${money(f.amount)}`)));
    const a = s('a', { href: href(f.id) });
    a.append(s('text', { x: tx + 6, y: ty + 4, class: 'label' }, `${f.name.slice(0, 34)} $${short(f.amount)}`));
    svg.append(s('rect', { x: tx, y: ty - 8, width: 4, height: 16, class: 'node' }), a);
    (f.next || []).slice(0, 3).forEach((n, j) => {
      const ny = ty - 8 + j * 8;
      svg.append(s('path', { d: `M${tx + 250},${ty} L${tx + 300},${ny}`, class: 'thin' }));
      svg.append(s('text', { x: tx + 306, y: ny + 3, class: 'small' }, `${n.name.slice(0, 40)} $${short(n.amount)}`));
    });
  });
}
