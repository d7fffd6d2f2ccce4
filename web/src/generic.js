// Renders any JSON section as readable tables: arrays of objects become
// tables (columns from their keys), objects become sub-sections. Used for
// sections the explorer has no special view for yet (influence, later
// answers), so new engine output shows up without a front-end change.
import { h, entityHref, safeUrl, table } from './dom.js';
import { money } from './fmt.js';

const MONEY = /(^|_)(amount|total|spend|receipts|obligat|gave)/;
// A key as a heading: words apart, the first one capitalised, and the
// abbreviations of the records as they are written (the server's html.c
// title() does the same, so both draw the same markup).
const WORDS = { pac: 'PAC', pacs: 'PACs', fec: 'FEC', lda: 'LDA', ld203: 'LD-203', naics: 'NAICS', psc: 'PSC',
  id: 'ID', fy: 'FY', url: 'URL', uei: 'UEI', duns: 'DUNS', pct: '%' };
export const title = (k) => k.split('_')
  .map((w, i) => WORDS[w] || (i ? w : w.replace(/^[a-z]/, (c) => c.toUpperCase()))).join(' ');

function cell(k, v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  if ((k === 'id' || k.endsWith('_id')) && typeof v === 'string' && v.includes(':')) return h('a', { href: entityHref(v) }, v);
  if (k === 'url' && safeUrl(v)) return h('a', { href: safeUrl(v), rel: 'noopener noreferrer', target: '_blank' }, 'record');
  if (k === 'figure' && typeof v === 'string') return citeLink(v, v);
  if (typeof v === 'number' && MONEY.test(k)) return money(v);
  return String(v);
}

// A figure id (docs/cite.md) as the link to its evidence pack.
export function citeLink(figure, text) {
  return h('a', { href: '/api/cite?figure=' + encodeURIComponent(figure) }, text);
}

// A row's amount, linked to its evidence pack when the row has a figure id
// (the server's html.c cell() C_MONEY alike).
export function citedMoney(r) {
  return r.figure && typeof r.amount === 'number' ? citeLink(r.figure, money(r.amount)) : money(r.amount);
}

export function generic(key, val, depth = 2) {
  const hd = h('h' + Math.min(depth + 1, 6), null, title(key));
  if (Array.isArray(val)) {
    // no rows, so no columns either
    if (!val.length) return h('section', { class: 'generic' }, hd, h('p', { class: 'empty' }, 'none'));
    if (typeof val[0] !== 'object') return h('section', null, hd, h('p', null, val.join(', ')));
    const keys = [...new Set(val.flatMap((r) => Object.keys(r || {})))];
    return h('section', { class: 'generic' }, hd, table(title(key), keys.map((k) => ({
      label: title(k), num: val.some((r) => typeof r[k] === 'number'), cell: (r) => cell(k, r[k]),
    })), val, { srCaption: true }));
  }
  if (val && typeof val === 'object') {
    return h('section', { class: 'generic' }, hd, Object.entries(val).map(([k, v]) => generic(k, v, depth + 1)));
  }
  return h('p', null, h('strong', null, title(key) + ': '), cell(key, val));
}

// An object's parts with rows as generic() draws them, then the empty ones
// named in one line (an entity's influence: a committee has no lobbying, a
// company no campaign money); the server's html.c generic_compact() alike.
export function genericCompact(key, val, depth = 2) {
  if (!val || typeof val !== 'object' || Array.isArray(val)) return generic(key, val, depth);
  const entries = Object.entries(val);
  const none = entries.filter(([, v]) => Array.isArray(v) && !v.length).map(([k]) => title(k));
  return h('section', { class: 'generic' }, h('h' + Math.min(depth + 1, 6), null, title(key)),
    entries.filter(([, v]) => !Array.isArray(v) || v.length).map(([k, v]) => generic(k, v, depth + 1)),
    none.length ? h('p', { class: 'empty' }, 'None recorded: ' + none.join(', ')) : null);
}
