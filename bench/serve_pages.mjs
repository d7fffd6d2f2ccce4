// Time to content of the explorer's pages in headless Chromium (Debian's,
// driven by playwright-core from web/): for each page, a fresh tab loads
// the URL and the clock stops when the page is usable: <main> is not busy
// (web/src/main.js marks it aria-busy while it draws) and holds an h1, a
// dossier holds its five numbered sections, each with its heading and
// readable content (a table or text), and its top recipients' rows; the
// clock is read in the first animation frame after the one that found it
// so (that frame has been painted). Since the server renders each page's
// first view as HTML (src/serve/html.c), that is the server's HTML,
// painted, before the script runs (links and the search form work
// without it); TIMELINE=1 also gives when the script's own view replaced
// it (the h1 it focuses carries tabindex). Charts are not waited for: web/src/chart.js draws them
// after the tables, which carry the same figures. Each page is loaded cold (a
// fresh browser context, so app.js is fetched and parsed again) RUNS + 1
// times: the first load after the server started is reported apart
// (nothing in the server's response cache), then the median; loaded again
// RUNS times in a new tab of a browser that has seen the explorer once (its
// assets come from the browser's cache: their names carry their content
// hash and the server lets browsers keep them); and reached
// RUNS times by navigation inside the explorer (a link's history entry, the
// way users move between pages): median and worst. Last, the median time
// a cold-loaded page takes to show its end after a jump there. In parentheses, the
// part of a cold load spent waiting for the API. A console error or a page
// that shows an error fails the run.
// Run by bench/serve_pages.sh with SERVE_URL (or SERVE_URLS), WEB, PAGES
// (a file of "name<TAB>path" lines, path as in /entity/ID without its
// first slash) and RUNS set; prints one Markdown row per page and server.
// A server labelled old with OLD_URLS=hash is a binary from before path
// URLs: its pages are loaded at #/entity/ID and so on. TIMELINE=1 adds a
// table of where the cold loads' time went (medians): the page's response
// end, its style and scripts' (the last /assets/ response), first
// contentful paint, the usable frame.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(join(process.env.WEB, 'package.json'));
const { chromium } = require('playwright-core');

// SERVE_URL: one server; or SERVE_URLS="label=URL label=URL": servers of
// several binaries on the same store, measured in turns (a column says which)
const SERVERS = process.env.SERVE_URLS
  ? process.env.SERVE_URLS.split(' ').filter(Boolean).map((x) => [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)])
  : [['', process.env.SERVE_URL]];
const RUNS = Number(process.env.RUNS || 5);
const MODE = process.env.MODE || '';
const pages = readFileSync(process.env.PAGES, 'utf8').split('\n').filter(Boolean)
  .map((l) => l.split('\t'));
const hashUrls = (label) => label === 'old' && process.env.OLD_URLS === 'hash';
// a page's URL on a server: base (with its trailing slash) + path, or the
// #/ form on an old binary
const at = (k, path) => SERVERS[k][1] + (hashUrls(SERVERS[k][0]) ? '#/' : '') + path;
const timeline = SERVERS.map(() => []);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const newContext = async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await ctx.addInitScript(`window.behindUsable = ${usable}`);
  return ctx;
};
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor((s.length - 1) / 2)]; };
let bad = 0;

// Whether the page in the window is usable, defined in every page as
// window.behindUsable (an init script: the page's CSP forbids eval): see
// the top of this file. A network page must hold its drawing. A dossier
// (#/agency/ID) must hold its five
// sections (money, supply chain, lobbying, revolving door, political
// money), each with a heading and a table or text, and its top recipients.
function usable() {
  const m = document.getElementById('main');
  if (!m || m.hasAttribute('aria-busy') || !m.querySelector('h1')) return false;
  // a network: its drawing is there (sigma's, or the SVG without WebGL)
  if (location.pathname.startsWith('/network/')) return !!document.querySelector('#stage[data-links], #stage svg');
  if (!location.pathname.startsWith('/agency/') && !location.hash.startsWith('#/agency/')) return true;
  const secs = [...m.querySelectorAll(':scope > section')];
  return secs.length >= 5 && secs.every((x) => x.querySelector('h2') && x.querySelector('td, p'))
    && m.querySelector('#top-recipients tbody tr td') !== null;
}

// A cold load in a fresh browser context (nothing cached in the browser):
// ms from navigation start to a usable page, and how many of them were the
// API's (its requests' resource timings, first start to last end).
async function load(url, ctx0) {
  const ctx = ctx0 || await newContext();
  const page = await ctx.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(url, { waitUntil: 'commit' });
  // checked in every frame; the frame that found the page usable is
  // painted before the next one starts, where the clock is read
  const t = await page.evaluate(() => new Promise((done, fail) => {
    const limit = setTimeout(() => fail(new Error('no usable page after 30 s')), 30000);
    const tick = () => {
      if (!window.behindUsable()) { requestAnimationFrame(tick); return; }
      requestAnimationFrame(() => {
        clearTimeout(limit);
        const ms = performance.now();
        const res = performance.getEntriesByType('resource');
        const api = res.filter((r) => r.name.includes('/api/'));
        const assets = res.filter((r) => r.name.includes('/assets/'));
        const fcp = performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint');
        // the script's view is in (now or earlier): its h1 has tabindex
        const drawn = document.querySelector('main h1[tabindex]') ? ms : null;
        done({
          ms,
          api: api.length ? Math.max(...api.map((r) => r.responseEnd)) - Math.min(...api.map((r) => r.startTime)) : 0,
          doc: performance.getEntriesByType('navigation')[0].responseEnd,
          assets: assets.length ? Math.max(...assets.map((r) => r.responseEnd)) : 0,
          fcp: fcp ? fcp.startTime : ms,
          script: drawn,
        });
      });
    };
    tick();
  }));
  // when the script's view replaced the server's HTML (web/src/main.js
  // focuses the h1 it drew)
  if (t.script === null) {
    t.script = await page.evaluate(() => new Promise((done) => {
      const t0 = Date.now();
      const look = () => {
        if (document.querySelector('main h1[tabindex]') || Date.now() - t0 > 30000) done(performance.now());
        else requestAnimationFrame(look);
      };
      look();
    }));
  }
  // then a jump to the end of the page: ms until the frame showing it has
  // been painted (what laying out the sections below the first screen
  // late costs a reader who goes there at once)
  t.end = await page.evaluate(() => new Promise((done) => {
    const t0 = performance.now();
    scrollTo(0, document.documentElement.scrollHeight);
    requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));
  }));
  const h1 = await page.locator('main h1').first().innerText();
  const err = await page.locator('main .error').count();
  if (ctx0) await page.close(); else await ctx.close();
  if (problems.length || err) {
    bad++;
    console.error(`serve_pages: ${url}: ${problems.join('; ') || 'the page shows an error'}`);
  }
  return { ...t, h1 };
}

// Navigation inside the explorer (what a click on a link does: a new
// history entry (the hash on an old binary), the page's data is fetched
// and drawn): ms from the change to the second frame after <main> is
// usable again (usable(): the frame after the change is painted before
// the second one starts).
async function navigate(page, path, hash) {
  return page.evaluate(([p, hashed]) => new Promise((resolve, reject) => {
    const h = '#/' + p;
    const m = document.getElementById('main');
    const t0 = performance.now();
    let busy = false;
    const timer = setTimeout(() => reject(new Error(`no usable page after 30 s: ${h}`)), 30000);
    // a page drawn at once (the home page) sets and clears aria-busy in
    // one task: the records, not the attribute's state, say it was set
    const obs = new MutationObserver((records) => {
      if (records.some((r) => r.oldValue === null)) busy = true;
      if (busy && window.behindUsable()) {
        obs.disconnect();
        clearTimeout(timer);
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
      }
    });
    obs.observe(m, { attributes: true, attributeFilter: ['aria-busy'], attributeOldValue: true });
    if (hashed) location.hash = h;
    else { history.pushState(null, '', '/' + p); dispatchEvent(new PopStateEvent('popstate')); }
  }), [path, hash]);
}

try {
  const homes = [];
  for (const k of SERVERS.keys()) {
    const home = await (await newContext()).newPage();
    home.on('pageerror', (e) => { bad++; console.error(`serve_pages: ${e.message}`); });
    await home.goto(at(k, ''));
    homes.push(home);
  }
  for (const [name, path] of pages) {
    const first = [], cold = SERVERS.map(() => []), again = SERVERS.map(() => []), nav = SERVERS.map(() => []);
    for (const k of SERVERS.keys()) first.push(await load(at(k, path)));
    // the binaries take turns, in alternating order, so that the machine's
    // load falls on both alike
    const turns = (i) => (i % 2 ? [...SERVERS.keys()].reverse() : [...SERVERS.keys()]);
    for (let i = 0; i < RUNS; i++) for (const k of turns(i)) cold[k].push(await load(at(k, path)));
    const seen = [];
    for (const k of SERVERS.keys()) {
      const ctx = await newContext();
      await load(at(k, ''), ctx);
      seen.push(ctx);
    }
    for (let i = 0; i < RUNS; i++) for (const k of turns(i)) again[k].push((await load(at(k, path), seen[k])).ms);
    for (const ctx of seen) await ctx.close();
    for (let i = 0; i < RUNS; i++) {
      for (const k of turns(i)) {
        const hashed = hashUrls(SERVERS[k][0]);
        await navigate(homes[k], i % 2 ? '' : 'search?q=x', hashed);
        nav[k].push(await navigate(homes[k], path, hashed));
      }
    }
    SERVERS.forEach(([label], k) => timeline[k].push([name, label, [first[k], ...cold[k]]]));
    const f0 = (x) => x.toFixed(0);
    SERVERS.forEach(([label], k) => {
      const who = label ? ` ${label} |` : '';
      console.log(`| ${name} | ${MODE} |${who} ${f0(first[k].ms)} (${f0(first[k].api)}) | ${f0(median(cold[k].map((r) => r.ms)))} (${f0(median(cold[k].map((r) => r.api)))}) | ${f0(median(again[k]))} | ${f0(median(nav[k]))} | ${f0(Math.max(...nav[k]))} | ${f0(median(cold[k].map((r) => r.end)))} |`);
    });
  }
  if (process.env.TIMELINE === '1') {
    const f0 = (x) => x.toFixed(0);
    console.log(`\nWhere the cold loads' time went (${MODE}; medians of the first and the ${RUNS} others, ms from navigation):\n`);
    console.log(`| page |${SERVERS.length > 1 ? ' binary |' : ''} page's response end | style and scripts' end | first contentful paint | usable frame | script's view | API ms |`);
    console.log(`|---|${SERVERS.length > 1 ? '---|' : ''}---:|---:|---:|---:|---:|---:|`);
    for (const rows of timeline) {
      for (const [name, label, loads] of rows) {
        const m = (k) => f0(median(loads.map((r) => r[k])));
        console.log(`| ${name} |${SERVERS.length > 1 ? ` ${label} |` : ''} ${m('doc')} | ${m('assets')} | ${m('fcp')} | ${m('ms')} | ${m('script')} | ${m('api')} |`);
      }
    }
  }
} finally {
  await browser.close();
}
process.exit(bad ? 1 : 0);
