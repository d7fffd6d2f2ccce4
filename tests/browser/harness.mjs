// What the browser tests share: headless Chromium (Debian's) through
// playwright-core from web/'s lockfile, pages that record any console
// error, page error, failed request or dialog as a failure, named checks,
// full-page screenshots into $SHOTS, and the exit status.
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.env.WEB, 'package.json'));
const { chromium } = require('playwright-core');

let failures = 0, checks = 0;
const problems = [];

export function check(ok, what, got) {
  checks++;
  if (!ok) {
    failures++;
    console.error(`FAIL ${what}${got !== undefined ? `: got ${JSON.stringify(got)}` : ''}`);
  }
}
export const eq = (want, got, what) => check(want === got, `${what} (want ${JSON.stringify(want)})`, got);

export const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});

// opts: more of the context's options (javaScriptEnabled: false ...).
export async function newPage(viewport = { width: 1280, height: 900 }, opts = {}) {
  const ctx = await browser.newContext({ viewport, ...opts });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog opened: ${d.message()}`); d.dismiss(); });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  return page;
}
export const text = (page, sel) => page.locator(sel).first().innerText();
// The text a reader sees scrolling down through sel, a screen at a time:
// sections below the first screen are laid out only when they come near
// it (content-visibility in web/src/app.css), and innerText leaves out
// what is not laid out.
export async function seenText(page, sel) {
  return page.evaluate(async (sel) => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    let all = '';
    for (let y = 0; ; y += innerHeight / 2) {
      scrollTo(0, y);
      await frame();
      all += document.querySelector(sel).innerText + '\n';
      if (y + innerHeight >= document.documentElement.scrollHeight) break;
    }
    scrollTo(0, 0);
    return all;
  }, sel);
}
// A full-page screenshot taken with the window as tall as the page, so
// that the sections below the first screen are laid out and painted too.
export async function shot(page, name) {
  const vp = page.viewportSize();
  const tall = await page.evaluate(() => document.documentElement.scrollHeight);
  if (tall > vp.height) {
    await page.setViewportSize({ width: vp.width, height: tall });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }
  await page.screenshot({ path: join(process.env.SHOTS, name + '.png'), fullPage: true });
  if (tall > vp.height) await page.setViewportSize(vp);
}

// Runs the test body, then closes the browser and exits 0 only when every
// check passed and no page misbehaved.
export async function run(body) {
  try {
    await body();
  } catch (e) {
    failures++;
    console.error('FAIL ' + (e.stack || e));
  }
  await browser.close();
  for (const p of problems) { failures++; console.error('FAIL ' + p); }
  console.log(`${checks} checks, ${failures} failed; screenshots in ${process.env.SHOTS}`);
  process.exit(failures ? 1 : 0);
}
