// Opens the self-contained `behind who --html` page (PAGE) in headless
// Chromium: fails on any console error, page error, failed request or
// script dialog, checks that the charts rendered with a size, and saves a
// full-page screenshot (SHOT). Run by tests/e2e/who.sh.
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.env.WEB, 'package.json'));
const { chromium } = require('playwright-core');

const problems = [];
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await (await browser.newContext({ viewport: { width: 1000, height: 900 } })).newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  await page.goto('file://' + process.env.PAGE);
  const charts = await page.locator('svg').count();
  if (charts < 2) problems.push(`expected at least 2 charts, found ${charts}`);
  const box = await page.locator('svg').first().boundingBox();
  if (!box || box.width < 300 || box.height < 100) problems.push(`first chart too small: ${JSON.stringify(box)}`);
  const h1 = await page.locator('h1').innerText();
  if (!/Who is behind/.test(h1)) problems.push(`unexpected title: ${h1}`);
  await page.screenshot({ path: process.env.SHOT, fullPage: true });
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('report ok');
