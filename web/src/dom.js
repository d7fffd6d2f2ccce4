// DOM helpers for the explorer. Record text is hostile (a vendor name can
// contain anything), so every string goes in as a text node or an attribute
// value: nothing here ever parses HTML.
export function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, kids);
  return el;
}

export function append(el, kids) {
  for (const k of kids.flat(Infinity)) {
    if (k === undefined || k === null || k === false) continue;
    el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return el;
}

const SVGNS = 'http://www.w3.org/2000/svg';
export function s(tag, attrs, ...kids) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, String(v));
  }
  for (const k of kids.flat(Infinity)) {
    if (k === undefined || k === null || k === false) continue;
    el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return el;
}

// Only http(s) links to the outside: a record's URL could say javascript:.
export function safeUrl(u) {
  return typeof u === 'string' && /^https?:\/\//i.test(u) ? u : null;
}

export function entityHref(id) {
  return '/entity/' + encodeURIComponent(id);
}

// opts.srCaption: the caption is for screen readers (a heading above
// already says it on screen).
export function table(caption, cols, rows, opts = {}) {
  const t = h('table', { class: 'data' });
  if (caption) t.append(h('caption', { class: opts.srCaption ? 'sr' : null }, caption));
  t.append(h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))));
  const tb = h('tbody');
  for (const r of rows) {
    tb.append(h('tr', null, cols.map((c) => h('td', { class: c.num ? 'num' : null }, c.cell(r)))));
  }
  if (!rows.length) tb.append(h('tr', null, h('td', { colspan: cols.length, class: 'empty' }, opts.empty || 'none')));
  t.append(tb);
  return h('div', { class: 'scroll' }, t);
}
