// The review queue (/review): the uncertain matches the last `behind
// resolve` kept, one pair at a time, side by side with explain's reasons
// (each field's level and weight, the total in words), and merge / split /
// unsure buttons that record a judgment (POST /api/judge) and move on.
// Keyboard: the buttons are in tab order, and M, S, U, N (next) work
// anywhere outside a text field. Judgments are signed with the name typed
// here (kept in this browser); the write token comes from /api/session on
// the default address, or is typed when the server was started with
// --listen.
import { api, apiPost } from './api.js';
import { h, entityHref } from './dom.js';

const OUTCOME = {
  united: 'resolve united them, but not by much',
  below: 'resolve kept them apart: just under the threshold',
  refused: 'the names say one, but different UEIs, first names or a judgment kept them apart',
  cut: 'united by name, then cut apart as a weak link between two groups',
};
const DECISIONS = [
  ['merge', 'Merge', 'm', 'they are one'],
  ['split', 'Split', 's', 'they are not'],
  ['unsure', 'Unsure', 'u', 'a note, no effect'],
];

const signed = (w) => (w >= 0 ? '+' : '\u2212') + Math.abs(w).toFixed(2);

// The total in words, as `behind explain` says it.
export function totalInWords(r) {
  if (r.names_too_different) return 'The names are too different to be compared: not one entity by name.';
  const p = r.probability;
  const lean = p >= 0.5 ? 'for' : 'against';
  return `Total ${signed(r.total)}: probability ${p.toFixed(4)} that they are one entity by name ` +
    `(threshold 0.5); the evidence leans ${lean} a match.`;
}

function side(e, label) {
  return h('section', { class: 'side' },
    h('h3', null, label + ': ', h('a', { href: entityHref(e.id) }, e.name || e.id)),
    h('p', { class: 'muted' }, `${(e.kind || '').replace('_', ' ')} · ${e.id}`));
}

function reasonsTable(r) {
  const t = h('table', { class: 'data reasons' });
  t.append(h('caption', null, 'Why (weight = log2 of how much likelier this is for one entity than for two)'));
  t.append(h('thead', null, h('tr', null, ['Field', 'A', 'B', 'Level', 'Weight'].map((c, i) =>
    h('th', { scope: 'col', class: i === 4 ? 'num' : null }, c)))));
  const tb = h('tbody');
  for (const f of r.fields || []) {
    tb.append(h('tr', null, h('th', { scope: 'row' }, f.field), h('td', null, f.a), h('td', null, f.b),
      h('td', null, f.level), h('td', { class: 'num' + (f.weight < 0 ? ' neg' : '') }, signed(f.weight))));
  }
  tb.append(h('tr', null, h('th', { scope: 'row' }, 'prior'), h('td', { colspan: 3, class: 'muted' }, 'share of compared pairs that match'),
    h('td', { class: 'num' }, signed(r.prior || 0))));
  t.append(tb, h('tfoot', null, h('tr', null, h('th', { scope: 'row' }, 'total'), h('td', { colspan: 3 }),
    h('td', { class: 'num', id: 'rv-total' }, signed(r.total || 0)))));
  return h('div', { class: 'scroll' }, t);
}

export async function reviewPage(main) {
  document.title = 'Review queue — behind';
  const session = await api('session');
  let skipped = 0, busy = false, pair = null;

  main.append(h('h1', null, 'Review queue'),
    h('p', null, 'Pairs the matcher was unsure of, most uncertain first. Decide each one: ',
      'a judgment is kept with your name and takes effect at the next ', h('code', null, 'behind resolve'), '.'));
  const who = h('input', { id: 'rv-who', name: 'who', autocomplete: 'name', maxlength: 100, value: localStorage.getItem('behind.who') || '' });
  const why = h('input', { id: 'rv-why', name: 'why', maxlength: 2000 });
  const tok = h('input', { id: 'rv-token', name: 'token', type: 'password', autocomplete: 'off', value: sessionStorage.getItem('behind.token') || '' });
  const form = h('form', { class: 'rvform', 'aria-label': 'Your judgment' },
    h('label', null, 'Your name ', who), h('label', null, 'Why (optional) ', why));
  if (session.token_needed) form.append(h('label', null, 'Token printed by behind serve ', tok));
  form.addEventListener('submit', (ev) => ev.preventDefault());
  who.addEventListener('change', () => localStorage.setItem('behind.who', who.value.trim()));
  tok.addEventListener('change', () => sessionStorage.setItem('behind.token', tok.value.trim()));
  const status = h('p', { id: 'rv-status', role: 'status', class: 'muted' });
  const card = h('article', { id: 'rv-pair', class: 'pair', 'aria-live': 'polite' });
  const buttons = h('div', { class: 'decide', role: 'group', 'aria-label': 'Decision' });
  for (const [d, label, key, hint] of DECISIONS) {
    buttons.append(h('button', { type: 'button', id: 'rv-' + d, 'data-decision': d, 'aria-keyshortcuts': key.toUpperCase(), title: hint, onclick: () => decide(d) },
      label, h('span', { class: 'key' }, ` (${key.toUpperCase()})`)), ' ');
  }
  buttons.append(h('button', { type: 'button', id: 'rv-next', class: 'plain', 'aria-keyshortcuts': 'N', onclick: () => { skipped++; load(); } },
    'Skip', h('span', { class: 'key' }, ' (N)')));
  if (!session.write) {
    form.append(h('p', { class: 'note' }, 'This server is read-only: start ', h('code', null, 'behind serve --write'), ' to record judgments.'));
    for (const b of buttons.querySelectorAll('button[data-decision]')) b.disabled = true;
  }
  main.append(form, status, card, buttons);

  async function load() {
    const res = await api('review', { limit: 1, offset: skipped });
    pair = (res.pairs || [])[0] || null;
    card.replaceChildren();
    if (!pair) {
      if (res.pending && skipped) { skipped = 0; return load(); }
      status.textContent = res.note || (res.pending ? '' : 'Nothing left to review.');
      buttons.hidden = true;
      card.append(h('p', { class: 'empty', id: 'rv-empty' }, res.note || 'The queue is empty: every uncertain pair has a judgment.'));
      return;
    }
    buttons.hidden = false;
    status.textContent = `${res.pending} pair${res.pending === 1 ? '' : 's'} waiting` + (skipped ? `, ${skipped} skipped` : '');
    const r = pair.reasons || {};
    const title = h('h2', { tabindex: '-1', id: 'rv-title' }, 'Are these one?');
    card.append(title, h('div', { class: 'sides' }, side(pair.a, 'A'), side(pair.b, 'B')),
      h('p', { class: 'outcome' }, OUTCOME[pair.outcome] || pair.outcome,
        pair.one_now ? ' (one entity now).' : ' (two entities now).'),
      reasonsTable(r), h('p', { id: 'rv-words' }, totalInWords(r)));
  }

  async function decide(decision) {
    if (busy || !pair || !session.write) return;
    const name = who.value.trim();
    if (!name) {
      status.textContent = 'Type your name first: every judgment is signed.';
      who.focus();
      return;
    }
    localStorage.setItem('behind.who', name);
    const token = session.token || tok.value.trim();
    busy = true;
    try {
      const res = await apiPost('judge', { decision, a: pair.a.id, b: pair.b.id, who: name, why: why.value.trim() }, token);
      const j = res.recorded;
      why.value = '';
      await load();
      status.textContent = `Recorded #${j.id}: ${j.decision} ${j.a_name} / ${j.b_name}. ` + status.textContent;
      const t = document.getElementById('rv-title');
      if (t) t.focus({ preventScroll: false });
    } catch (e) {
      status.textContent = 'Not recorded: ' + e.message;
      if (e.status === 401 && session.token_needed) tok.focus();
    } finally {
      busy = false;
    }
  }

  const onKey = (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const tag = (ev.target && ev.target.tagName) || '';
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return;
    const k = ev.key.toLowerCase();
    const d = DECISIONS.find((x) => x[2] === k);
    if (d) { ev.preventDefault(); decide(d[0]); }
    else if (k === 'n' && pair) { ev.preventDefault(); skipped++; load(); }
  };
  document.addEventListener('keydown', onKey);
  await load();
  return () => document.removeEventListener('keydown', onKey);
}
