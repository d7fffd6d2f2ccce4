// Search: suggestions as you type under the header's box (a combobox that
// works with arrow keys, Enter and Escape), and the full results page,
// grouped by kind (companies, agencies, people, committees, contracts).
import { api } from './api.js';
import { h, entityHref, safeUrl, table } from './dom.js';
import { money, span } from './fmt.js';

const GROUPS = [
  ['organization', 'Companies and organizations'],
  ['public_body', 'Agencies and offices'],
  ['person', 'People'],
  ['committee', 'Committees'],
  ['candidate', 'Candidates'],
];

export function entityLink(e) {
  const href = e.kind === 'public_body' ? '/agency/' + encodeURIComponent(e.id) : entityHref(e.id);
  return h('a', { href }, e.name || e.id);
}

export function setupSuggest(navigate) {
  const form = document.getElementById('search-form');
  const input = document.getElementById('q');
  const list = document.getElementById('suggest');
  let timer = 0, ctl = null, items = [], active = -1;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const mark = (i) => {
    items.forEach((li, j) => li.setAttribute('aria-selected', String(i === j)));
    active = i;
    if (i >= 0) input.setAttribute('aria-activedescendant', items[i].id);
  };
  const show = (res) => {
    list.replaceChildren();
    items = [];
    for (const e of res.entities || []) {
      const li = h('li', { role: 'option', id: 'sg' + items.length, 'data-href': entityLink(e).getAttribute('href') },
        h('span', { class: 'kind' }, e.kind.replace('_', ' ')), ' ', e.name);
      li.addEventListener('mousedown', (ev) => { ev.preventDefault(); close(); navigate(li.dataset.href); });
      items.push(li);
    }
    for (const a of (res.awards || []).slice(0, 3)) {
      const li = h('li', { role: 'option', id: 'sg' + items.length, 'data-href': entityHref(a.recipient_id || '') },
        h('span', { class: 'kind' }, 'contract'), ' ', `${a.description || a.award_key} — ${a.recipient}`);
      li.addEventListener('mousedown', (ev) => { ev.preventDefault(); close(); navigate(li.dataset.href); });
      items.push(li);
    }
    list.append(...items);
    list.hidden = !items.length;
    input.setAttribute('aria-expanded', String(!!items.length));
    active = -1;
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) return close();
    timer = setTimeout(async () => {
      if (ctl) ctl.abort();
      ctl = new AbortController();
      try { show(await api('search', { q, limit: 8 }, ctl.signal)); } catch (e) { if (e.name !== 'AbortError') close(); }
    }, 120);
  });
  input.addEventListener('keydown', (ev) => {
    if (list.hidden) return;
    if (ev.key === 'ArrowDown') { ev.preventDefault(); mark((active + 1) % items.length); }
    else if (ev.key === 'ArrowUp') { ev.preventDefault(); mark((active - 1 + items.length) % items.length); }
    else if (ev.key === 'Escape') close();
    else if (ev.key === 'Enter' && active >= 0) { ev.preventDefault(); const href = items[active].dataset.href; close(); navigate(href); }
  });
  input.addEventListener('blur', () => setTimeout(close, 100));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = input.value.trim();
    close();
    if (q) navigate('/search?q=' + encodeURIComponent(q));
  });
}

export async function searchPage(main, q) {
  document.getElementById('q').value = q;
  main.append(h('h1', null, 'Search: ', h('q', null, q)));
  const res = await api('search', { q, limit: 50 });
  const ents = res.entities || [];
  let any = false;
  for (const [kind, title] of GROUPS) {
    const rows = ents.filter((e) => e.kind === kind);
    if (!rows.length) continue;
    any = true;
    main.append(h('section', { class: 'group', 'data-kind': kind }, h('h2', null, `${title} (${rows.length})`),
      h('ul', { class: 'hits' }, rows.map((e) => h('li', null, entityLink(e), h('span', { class: 'muted' }, ` ${e.id} · ${e.records} records`))))));
  }
  const awards = res.awards || [];
  if (awards.length) {
    any = true;
    main.append(h('section', { class: 'group', 'data-kind': 'award' }, h('h2', null, `Contracts (${awards.length})`),
      table('Contracts', [
        { label: 'Description', cell: (a) => a.description || '' },
        { label: 'Recipient', cell: (a) => (a.recipient_id ? h('a', { href: entityHref(a.recipient_id) }, a.recipient) : a.recipient) },
        { label: 'Amount', num: true, cell: (a) => money(a.amount) },
        { label: 'Dates', cell: (a) => span(a.first_date, a.last_date) },
        { label: 'Award', cell: (a) => (safeUrl(a.url) ? h('a', { href: safeUrl(a.url), rel: 'noopener noreferrer', target: '_blank' }, a.award_key) : a.award_key) },
      ], awards, { srCaption: true })));
  }
  if (!any) main.append(h('p', { class: 'empty' }, 'Nothing matches. Every word must match; the last may be a prefix.'));
}
