// The agency dossier: the sections of `behind who` (money, supply chain,
// and influence once the engine adds it), with a chart of money by year, a
// money-flow diagram (agency -> companies -> political recipients, when the
// influence records name them) and every figure in a table too.
import { api } from './api.js';
import { go } from './route.js';
import { h, entityHref, table } from './dom.js';
import { yearChart, flowChart } from './chart.js';
import { money, int, span } from './fmt.js';
import { generic, citeLink, citedMoney } from './generic.js';
import { awardsTable } from './entity.js';

export async function agencyPage(main, id, params) {
  const from = params.get('from') || '', to = params.get('to') || '';
  const d = await api('who', { agency: id, from, to });
  document.title = `${d.agency.name} — behind`;
  main.append(h('h1', null, d.agency.name), h('p', { class: 'muted' }, `${d.agency.id} · agency dossier`));
  const form = h('form', { class: 'years', method: 'get', action: '/agency/' + encodeURIComponent(d.agency.id) },
    h('label', null, 'From FY ', h('input', { name: 'from', type: 'number', min: 1990, max: 2100, value: from, inputmode: 'numeric' })),
    h('label', null, ' to FY ', h('input', { name: 'to', type: 'number', min: 1990, max: 2100, value: to, inputmode: 'numeric' })),
    h('button', { type: 'submit' }, 'Apply'),
    ' · ', h('a', { href: '/entity/' + encodeURIComponent(d.agency.id) }, 'Entity page'),
    ' · ', h('a', { href: '/network/' + encodeURIComponent(d.agency.id) }, 'Network view'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    go(`/agency/${encodeURIComponent(id)}?from=${encodeURIComponent(f.get('from'))}&to=${encodeURIComponent(f.get('to'))}`);
  });
  main.append(form);
  main.append(h('p', { class: 'total' }, 'Total obligations: ', h('strong', { id: 'total' }, money(d.total)), ` from ${int(d.records)} records`,
    d.figure ? [' · ', citeLink(d.figure, 'cite')] : null));
  main.append(h('p', { class: 'rule muted' }, 'Counting rule: ' + d.rule));

  const m = d.money || {};
  const sec1 = h('section', { id: 'money' }, h('h2', null, '1. Money'));
  sec1.append(yearChart('Obligations by fiscal year', (m.by_year || []).map((r) => ({ year: r.fiscal_year, amount: r.amount, records: r.records, figure: r.figure }))));
  const inf = d.influence || {};
  const flows = (m.top_recipients || []).map((r) => ({ id: r.id, name: r.name, amount: r.amount, next: recipientsOf(inf, r.id) }));
  sec1.append(flowChart('Where the money goes', d.agency.name, flows, entityHref));
  sec1.append(h('h3', null, 'Top recipients, rolled up to parent companies'));
  const top = table('Top recipients, rolled up to parent companies', [
    { label: '#', num: true, cell: (r) => r.rank },
    { label: 'Company', cell: (r) => h('a', { href: entityHref(r.id) }, r.name) },
    { label: 'Amount', num: true, cell: citedMoney },
    { label: 'Share', num: true, cell: (r) => r.share_pct },
    { label: 'Years', cell: (r) => span(String(r.first_fy), String(r.last_fy)) },
    { label: 'Records', num: true, cell: (r) => int(r.records) },
  ], m.top_recipients || [], { srCaption: true });
  top.id = 'top-recipients';
  sec1.append(top);
  sec1.append(h('h3', null, 'Largest awards'), awardsTable('Largest awards', m.largest_awards || []));
  for (const k of ['psc', 'naics']) if (m[k]) sec1.append(generic(k === 'psc' ? 'What was bought (PSC)' : 'Industries (NAICS)', m[k], 2));
  for (const [k, v] of Object.entries(m)) if (!['by_year', 'top_recipients', 'largest_awards', 'psc', 'naics'].includes(k)) sec1.append(generic(k, v, 2));
  main.append(sec1);

  const sc = d.supply_chain || {};
  const sec2 = h('section', { id: 'supply-chain' }, h('h2', null, '2. Supply chain'));
  sec2.append(h('h3', null, 'Subcontracts under the agency\'s awards'), table('Subcontracts under the agency\'s awards', [
    { label: 'Prime', cell: (r) => h('a', { href: entityHref(r.prime_id) }, r.prime) },
    { label: 'Subcontractor', cell: (r) => h('a', { href: entityHref(r.sub_id) }, r.sub) },
    { label: 'Amount', num: true, cell: citedMoney },
    { label: 'Subawards', num: true, cell: (r) => int(r.subawards) },
    { label: 'Dates', cell: (r) => span(r.first_date, r.last_date) },
  ], sc.subcontracts || [], { srCaption: true }));
  sec2.append(generic('Hidden vendors (named in descriptions, not the recipient)', sc.hidden_vendors || [], 2));
  main.append(sec2);

  // (figure: the total's figure id, its cite link beside the total)
  const known = new Set(['agency', 'from_fy', 'to_fy', 'total', 'records', 'rule', 'money', 'supply_chain', 'figure']);
  // further sections of the answer, numbered on from 3; a scalar field
  // is a line, not a section
  let n = 3;
  for (const [k, v] of Object.entries(d)) {
    if (known.has(k)) continue;
    main.append(v && typeof v === 'object' ? generic(`${n++}. ${k[0].toUpperCase()}${k.slice(1)}`, v, 1) : generic(k, v, 1));
  }
}

// Political recipients of a company's PACs, when the influence section
// lists them (shape-tolerant: the section is still growing).
function recipientsOf(inf, companyId) {
  const out = [];
  for (const c of inf.companies || inf.recipients || []) {
    if (c.id !== companyId) continue;
    for (const p of c.pacs || []) for (const g of p.recipients || p.gifts || []) out.push({ id: g.id, name: g.name || g.recipient || '', amount: g.amount || 0 });
  }
  return out.sort((a, b) => b.amount - a.amount);
}
