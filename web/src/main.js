// The explorer's entry point: a router over path URLs (/, /search?q=,
// /entity/ID, /agency/ID, /network/ID, /review; route.js) that clears
// <main>, renders the page and moves focus to its heading so keyboard and
// screen-reader users follow along. Same-origin links to pages move by
// history.pushState; links of the older #/ form are turned into paths.
import { h } from './dom.js';
import { takeFirstAnswer, takeFirst } from './api.js';
import { parseRoute, hashToPath, isPage, go } from './route.js';
import { setupSuggest, searchPage } from './search.js';
import { entityPage } from './entity.js';
import { agencyPage } from './agency.js';
import { reviewPage } from './review.js';

let cleanup = null;
let seq = 0;

function home(main) {
  document.title = 'behind: who is behind this agency?';
  main.append(h('h1', null, 'Who is behind this agency?'),
    h('p', null, 'Search for a company, an agency, a person or words from a contract description. ',
      'Every figure links to the public records it comes from.'),
    h('ul', { class: 'starts' },
      h('li', null, h('a', { href: '/agency/7012' }, 'U.S. Immigration and Customs Enforcement (7012)'), ': dossier'),
      h('li', null, h('a', { href: '/agency/070' }, 'Department of Homeland Security (070)'), ': dossier'),
      h('li', null, h('a', { href: '/review' }, 'Review queue'), ': matches the resolver was unsure of')));
}

async function route() {
  const my = ++seq;
  const main = document.getElementById('main');
  if (cleanup) { try { cleanup(); } catch { /* already gone */ } cleanup = null; }
  // an older link (#/entity/ID): the same page at its path
  const old = hashToPath(location.hash);
  if (old) history.replaceState(null, '', old);
  const { parts, params } = parseRoute(location.pathname, location.search);
  // The server's HTML of this view (src/serve/html.c) stays until the
  // script draws the same view: every page below draws synchronously from
  // the page's answer, so both happen in one frame; the network view
  // first waits for its code.
  const net = parts[0] === 'network' && parts[1] ? import('./network.js') : null;
  if (net) await net.catch(() => null);
  if (my !== seq) return;
  main.replaceChildren();
  main.setAttribute('aria-busy', 'true');
  try {
    if (!parts.length) home(main);
    else if (parts[0] === 'search') await searchPage(main, params.get('q') || '');
    else if (parts[0] === 'entity' && parts[1]) await entityPage(main, parts.slice(1).join('/'));
    else if (parts[0] === 'agency' && parts[1]) await agencyPage(main, parts.slice(1).join('/'), params);
    else if (parts[0] === 'network' && parts[1]) {
      // the network view's graph libraries are most of the code: fetched
      // only when a network is opened, so that the other pages load fast
      const { networkPage } = await net;
      cleanup = await networkPage(main, parts.slice(1).join('/'), takeFirst('graph'));
    }
    else if (parts[0] === 'review') cleanup = await reviewPage(main);
    else main.append(h('h1', null, 'Not a page of the explorer'), h('p', null, h('a', { href: '/' }, 'Start again')));
  } catch (e) {
    if (my !== seq) return;
    main.replaceChildren(h('h1', null, e.status === 404 ? 'Not found' : 'Something went wrong'),
      h('p', { class: 'error', role: 'alert' }, e.message));
  }
  if (my !== seq) return;
  main.removeAttribute('aria-busy');
  const h1 = main.querySelector('h1');
  if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus({ preventScroll: true }); }
}

// A plain click (or Enter) on a link to one of the explorer's pages
// moves without a load; modified clicks (new tab, ...) are the browser's.
function onClick(ev) {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = ev.target.closest && ev.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download') || !a.getAttribute('href').startsWith('/')) return;
  if (a.origin !== location.origin || !isPage(a.pathname)) return;
  ev.preventDefault();
  go(a.pathname + a.search);
  window.scrollTo(0, 0);
}

document.addEventListener('DOMContentLoaded', () => {
  takeFirstAnswer();
  setupSuggest(go);
  document.addEventListener('click', onClick);
  window.addEventListener('popstate', route);
  window.addEventListener('hashchange', () => { if (hashToPath(location.hash)) route(); });
  // A page the server rendered (its view in <main>, src/serve/html.c) is
  // painted as it came before the script draws the same view over it in
  // one frame: the reader sees the answer without waiting for the script.
  const main = document.getElementById('main');
  if (main.querySelector('h1') && !hashToPath(location.hash)) requestAnimationFrame(() => setTimeout(route, 0));
  else route();
});
