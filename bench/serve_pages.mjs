// Time to content of the explorer's pages in headless Chromium (Debian's,
// driven by playwright-core from web/): for each page, a fresh tab loads
// the URL and the clock stops when the page is usable, i.e. when <main>
// has lost aria-busy (web/src/main.js removes it once the page's data has
// arrived and is drawn) and holds an h1. Each page is loaded cold (a
// fresh browser context, so app.js is fetched and parsed again) RUNS + 1
// times: the first load after the server started is reported apart
// (nothing in the server's response cache), then the median; loaded again
// RUNS times in a new tab of a browser that has seen the explorer once (its
// assets come from the browser's cache: their names carry their content
// hash and the server lets browsers keep them); and reached
// RUNS times by navigation inside the explorer (a link's hash change, the
// way users move between pages): median and worst. In parentheses, the
// part of a cold load spent waiting for the API. A console error or a page
// that shows an error fails the run.
// Run by bench/serve_pages.sh with SERVE_URL, WEB, PAGES (a file of
// "name<TAB>hash" lines) and RUNS set; prints one Markdown row per page.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(join(process.env.WEB, 'package.json'));
const { chromium } = require('playwright-core');

const URL = process.env.SERVE_URL;
const RUNS = Number(process.env.RUNS || 5);
const MODE = process.env.MODE || '';
const pages = readFileSync(process.env.PAGES, 'utf8').split('\n').filter(Boolean)
  .map((l) => l.split('\t'));

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor((s.length - 1) / 2)]; };
let bad = 0;

// A cold load in a fresh browser context (nothing cached in the browser):
// ms from navigation start to a usable page, and how many of them were the
// API's (its requests' resource timings, first start to last end).
async function load(hash, ctx0) {
  const ctx = ctx0 || await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(URL + hash, { waitUntil: 'commit' });
  await page.waitForFunction(() => {
    const m = document.getElementById('main');
    return m && !m.hasAttribute('aria-busy') && m.querySelector('h1');
  }, null, { timeout: 30000, polling: 'raf' });
  const t = await page.evaluate(() => {
    const api = performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/'));
    return {
      ms: performance.now(),
      api: api.length ? Math.max(...api.map((r) => r.responseEnd)) - Math.min(...api.map((r) => r.startTime)) : 0,
    };
  });
  const h1 = await page.locator('main h1').first().innerText();
  const err = await page.locator('main .error').count();
  if (ctx0) await page.close(); else await ctx.close();
  if (problems.length || err) {
    bad++;
    console.error(`serve_pages: ${hash}: ${problems.join('; ') || 'the page shows an error'}`);
  }
  return { ...t, h1 };
}

// Navigation inside the explorer (what a click on a link does: the hash
// changes, the page's data is fetched and drawn): ms from the change to
// the first frame after <main> is usable again.
async function navigate(page, hash) {
  return page.evaluate((h) => new Promise((resolve, reject) => {
    const m = document.getElementById('main');
    const t0 = performance.now();
    let busy = false;
    const timer = setTimeout(() => reject(new Error(`no usable page after 30 s: ${h}`)), 30000);
    // a page drawn at once (the home page) sets and clears aria-busy in
    // one task: the records, not the attribute's state, say it was set
    const obs = new MutationObserver((records) => {
      if (records.some((r) => r.oldValue === null)) busy = true;
      if (busy && !m.hasAttribute('aria-busy') && m.querySelector('h1')) {
        obs.disconnect();
        clearTimeout(timer);
        requestAnimationFrame(() => resolve(performance.now() - t0));
      }
    });
    obs.observe(m, { attributes: true, attributeFilter: ['aria-busy'], attributeOldValue: true });
    location.hash = h;
  }), hash);
}

try {
  const home = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  home.on('pageerror', (e) => { bad++; console.error(`serve_pages: ${e.message}`); });
  await home.goto(URL + '#/');
  for (const [name, hash] of pages) {
    const cold = [], nav = [];
    let first = null;
    for (let i = 0; i <= RUNS; i++) {
      const r = await load(hash);
      if (i === 0) first = r; else cold.push(r);
    }
    const seen = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await load('#/', seen);
    const again = [];
    for (let i = 0; i < RUNS; i++) again.push((await load(hash, seen)).ms);
    await seen.close();
    for (let i = 0; i < RUNS; i++) {
      await navigate(home, i % 2 ? '#/' : '#/search?q=x');
      nav.push(await navigate(home, hash));
    }
    const f0 = (x) => x.toFixed(0);
    console.log(`| ${name} | ${MODE} | ${f0(first.ms)} (${f0(first.api)}) | ${f0(median(cold.map((r) => r.ms)))} (${f0(median(cold.map((r) => r.api)))}) | ${f0(median(again))} | ${f0(median(nav))} | ${f0(Math.max(...nav))} |`);
  }
} finally {
  await browser.close();
}
process.exit(bad ? 1 : 0);
