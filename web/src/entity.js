// The entity page: names and identifiers with how many records say them,
// money received and given by fiscal year (chart + table), parents and
// children, largest awards with their source line and official page,
// subcontracts, and any further section the engine adds (influence).
import { api } from './api.js';
import { h, entityHref, safeUrl, table } from './dom.js';
import { yearChart } from './chart.js';
import { int, span } from './fmt.js';
import { generic, genericCompact, citedMoney } from './generic.js';
import { entityLink } from './search.js';

const KNOWN = new Set(['id', 'name', 'kind', 'members', 'names', 'identifiers', 'places', 'parents', 'children',
  'received', 'received_via_subsidiaries', 'awarded', 'largest_awards', 'subcontracts_given', 'subcontracts_received']);

// influence.campaign_money's directions, as the server's html.c titles them
const CAMPAIGN = [['received', 'Campaign money received by year (FEC)'], ['spent', 'Campaign money given and spent by year (FEC)'],
  ['pac_gifts', 'Money from committees by year (FEC)']];

export function byYear(rows) {
  const m = new Map();
  for (const r of rows || []) {
    const y = r.fiscal_year;
    const o = m.get(y) || { year: y, amount: 0, records: 0 };
    o.amount += r.amount || 0;
    o.records += r.records || 0;
    m.set(y, o);
  }
  return [...m.values()].sort((a, b) => a.year - b.year).map((o) => ({ ...o, amount: Math.round(o.amount * 100) / 100 }));
}

export function awardsTable(caption, rows) {
  return table(caption, [
    { label: 'Award', cell: (a) => (safeUrl(a.url) ? h('a', { href: safeUrl(a.url), rel: 'noopener noreferrer', target: '_blank' }, a.award_key) : a.award_key) },
    { label: 'Recipient', cell: (a) => a.recipient || '' },
    { label: 'Description', cell: (a) => a.description || '' },
    { label: 'Amount', num: true, cell: citedMoney },
    { label: 'Source', cell: (a) => (a.source ? `${a.source.split('/').pop()}:${a.line}` : '') },
  ], rows, { srCaption: true });
}

const rel = (r) => [h('a', { href: entityHref(r.id) }, r.name), h('span', { class: 'muted' }, ` ${r.relation} · ${span(r.first_date, r.last_date)} · ${r.records} records`)];

export async function entityPage(main, id) {
  const e = await api('show', { id });
  document.title = `${e.name} — behind`;
  main.append(h('h1', null, e.name), h('p', { class: 'muted' }, `${e.kind.replace('_', ' ')} · ${e.id}`));
  const nav = h('p', { class: 'actions' }, h('a', { href: '/network/' + encodeURIComponent(e.id) }, 'Network view'));
  if (e.kind === 'public_body') nav.append(' · ', h('a', { href: '/agency/' + encodeURIComponent(e.id) }, 'Agency dossier'));
  main.append(nav);

  const facts = h('div', { class: 'cols' });
  facts.append(h('section', null, h('h2', null, 'Names'), h('ul', null, (e.names || []).map((n) => h('li', null, n.value, h('span', { class: 'muted' }, ` (${n.records} records)`))))));
  facts.append(h('section', null, h('h2', null, 'Identifiers'), h('ul', null, (e.identifiers || []).map((n) => h('li', null, `${n.kind}: ${n.value}`, h('span', { class: 'muted' }, ` (${n.records} records)`))))));
  if ((e.places || []).length) facts.append(h('section', null, h('h2', null, 'Places'), h('ul', null, e.places.map((p) => h('li', null, [p.city, p.state].filter(Boolean).join(', '), h('span', { class: 'muted' }, ` (${p.records} records)`))))));
  if ((e.members || []).length > 1) facts.append(h('section', null, h('h2', null, 'Resolved as one'), h('ul', null, e.members.map((m) => h('li', null, h('a', { href: entityHref(m.id) }, m.name), h('span', { class: 'muted' }, ' ' + m.id))))));
  main.append(facts);

  const rec = byYear(e.received), via = byYear(e.received_via_subsidiaries), giv = byYear(e.awarded);
  // a company's contract money, said even when none: a committee's, a
  // candidate's or a person's only when there is some
  if (rec.length || (!giv.length && e.kind === 'organization')) main.append(yearChart('Contract money received by fiscal year', rec));
  if (via.length) main.append(yearChart('Received through subsidiaries, by fiscal year', via));
  if (giv.length) main.append(yearChart('Contract money awarded by fiscal year', giv));
  // campaign money (FEC) of a committee or a candidate, by calendar year
  for (const [dir, title] of CAMPAIGN) {
    const rows = byYear(((e.influence || {}).campaign_money || []).filter((r) => r.direction === dir && r.year)
      .map((r) => ({ fiscal_year: Number(r.year), amount: r.amount, records: r.records })));
    if (rows.length) main.append(yearChart(title, rows, 'Year'));
  }
  if ((e.received || []).length) {
    main.append(h('section', null, h('h2', null, 'Received by agency and year'), table('Received by agency and year', [
      { label: 'Agency', cell: (r) => (r.agency_id ? h('a', { href: '/agency/' + encodeURIComponent(r.agency_id) }, r.agency) : r.agency) },
      { label: 'Fiscal year', cell: (r) => r.fiscal_year },
      { label: 'Amount', num: true, cell: citedMoney },
      { label: 'Records', num: true, cell: (r) => int(r.records) },
    ], e.received, { srCaption: true })));
  }
  const fam = h('div', { class: 'cols' });
  fam.append(h('section', null, h('h2', null, 'Parents'), (e.parents || []).length ? h('ul', null, e.parents.map((r) => h('li', null, rel(r)))) : h('p', { class: 'empty' }, 'none recorded')));
  fam.append(h('section', null, h('h2', null, 'Children'), (e.children || []).length ? h('ul', null, e.children.map((r) => h('li', null, rel(r)))) : h('p', { class: 'empty' }, 'none recorded')));
  main.append(fam);
  if ((e.largest_awards || []).length) main.append(h('section', null, h('h2', null, 'Largest awards'), awardsTable('Largest awards', e.largest_awards)));
  for (const k of ['subcontracts_given', 'subcontracts_received']) {
    if ((e[k] || []).length) main.append(generic(k, e[k]));
  }
  for (const [k, v] of Object.entries(e)) if (!KNOWN.has(k)) main.append(k === 'influence' ? genericCompact(k, v) : generic(k, v));
}

export { entityLink };
