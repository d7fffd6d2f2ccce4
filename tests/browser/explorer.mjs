// Browser tests of the explorer in headless Chromium (Debian's, driven by
// playwright-core): search with suggestions, the entity page, the agency
// dossier, the network view with an expansion, the tables behind charts
// and graph, keyboard alone (Tab, Enter), phone width (375 px), the
// server's HTML with JavaScript off (desktop and 390 px), and a
// hostile vendor name that must show as text. Every page is screenshotted
// into $SHOTS; any console error, page error or dialog fails the run
// (harness.mjs). Values are the fixtures' hand counts (tests/e2e/usaspending_fixtures.sh).
// Run by tests/e2e/browser.sh with SERVE_URL, HOSTILE_URL, SHOTS and WEB set.
import { join } from 'node:path';
import { check, eq, newPage, text, seenText, shot, run } from './harness.mjs';

const URL = process.env.SERVE_URL;
const HOSTILE = process.env.HOSTILE_URL;
const EVIL = process.env.EVIL;

await run(async () => {
  const page = await newPage();

  // ---- home and search suggestions --------------------------------------
  await page.goto(URL);
  eq('Who is behind this agency?', await text(page, 'h1'), 'home heading');
  await page.locator('#q').fill('acme');
  await page.locator('#suggest li').first().waitFor();
  const sugg = await page.locator('#suggest li').allInnerTexts();
  eq(2, sugg.length, 'two suggestions for "acme"');
  check(sugg.some((t) => t.includes('ACME DETENTION SERVICES LLC')), 'suggestion names ACME DETENTION', sugg);
  await shot(page, '01-suggestions');
  // keyboard: down to ACME DETENTION, Enter
  const idx = sugg.findIndex((t) => t.includes('ACME DETENTION'));
  for (let i = 0; i <= idx; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/entity\/duns%3A012345678$/);
  await page.locator('h1', { hasText: 'ACME DETENTION SERVICES LLC' }).waitFor();

  // ---- entity page ---------------------------------------------------------
  eq('ACME DETENTION SERVICES LLC', await text(page, 'h1'), 'entity heading');
  const body = await seenText(page, 'main');
  for (const v of ['$1,000,000.00', '$250,000.50', '-$12,345.67', 'HOLLOWAY HOLDINGS INC', 'ACME DETENTION SERVICES, LLC', '$1,237,654.83']) {
    check(body.includes(v), `entity page shows ${v}`);
  }
  // charts are drawn after the tables (web/src/chart.js): wait for the marks
  await page.locator('svg.bars g.bar').first().waitFor();
  eq(3, await page.locator('svg.bars g.bar').count(), 'chart: one bar per fiscal year 2013-2015');
  eq(1, await page.locator('svg.bars g.bar.neg').count(), 'chart: FY2015 is negative');
  eq('https://www.usaspending.gov/award/CONT_AWD_FIXT13C0001_7012_-NONE-_-NONE-',
    await page.locator('a', { hasText: 'CONT_AWD_FIXT13C0001_7012_-NONE-_-NONE-' }).first().getAttribute('href'), 'award links to its page');
  await shot(page, '02-entity');

  // ---- full search page, grouped by kind ------------------------------------
  await page.goto(URL + 'search?q=detention');
  await page.locator('section.group').first().waitFor();
  const groups = await page.locator('section.group h2').allInnerTexts();
  check(groups.some((g) => g.startsWith('Companies')) && groups.some((g) => g.startsWith('Agencies')) && groups.some((g) => g.startsWith('Contracts')),
    'results grouped: companies, agencies, contracts', groups);
  await shot(page, '03-search');

  // ---- agency dossier --------------------------------------------------------
  await page.goto(URL + 'agency/7012');
  await page.locator('#total').waitFor();
  // the five sections of `behind who`, numbered 1-5 (a scalar field of the
  // answer, such as its figure id, is not a section)
  eq('1. Money|2. Supply chain|3. Lobbying|4. Revolving door|5. Political money',
    (await page.locator('main > section > h2').allTextContents()).join('|'), 'dossier sections 1-5');
  eq('U.S. IMMIGRATION AND CUSTOMS ENFORCEMENT', await text(page, 'h1'), 'dossier heading');
  eq('$2,262,655.17', await text(page, '#total'), 'dossier total');
  const firstRow = await page.locator('#top-recipients tbody tr').first().innerText();
  check(firstRow.includes('HOLLOWAY HOLDINGS INC') && firstRow.includes('$1,812,655.08') && firstRow.includes('80.1%'), 'top recipient row', firstRow);
  // its amount links to the evidence pack of its figure, which holds it
  const citeHref = await page.locator('#top-recipients tbody tr').first().locator('td.num a').first().getAttribute('href');
  check(/^\/api\/cite\?figure=top%3Asubagency%3A7012%3A/.test(citeHref || ''), "the top recipient's amount links to its evidence pack", citeHref);
  const pack = await (await page.request.get(URL + citeHref.slice(1))).json();
  eq('1812655.08', Number(pack.figure.amount).toFixed(2), 'the evidence pack holds the amount');
  await page.locator('#money svg.bars g.bar').first().waitFor();
  await page.locator('svg.flowsvg path.band').first().waitFor();
  // the script's headings of the generic sections, as the server's HTML has them
  // (tests/e2e/serve_pages.sh): the records' abbreviations as written
  eq('Covered lobbyists|Appointees|PACs|Candidates|Employees',
    (await page.locator('main > section').filter({ has: page.locator('h2', { hasText: /^[45]\. / }) }).locator('h3').allTextContents()).join('|'), 'revolving door and political money headings');
  eq(8, await page.locator('#money svg.bars g.bar').count() - 3, 'years FY2013-2023 drawn (3 empty years filled)');
  const sc = await seenText(page, '#supply-chain');
  check(sc.includes('EVERGREEN SUPPLY LLC') && sc.includes('$20,000.50'), 'subcontracts in the dossier', sc.slice(0, 300));
  check(await page.locator('svg.flowsvg path.band').count() === 4, 'money-flow: one band per top recipient');
  await shot(page, '04-dossier');
  // a year filter goes through the API
  await page.locator('form.years input[name=from]').fill('2021');
  await page.locator('form.years input[name=to]').fill('2022');
  await page.locator('form.years button').click();
  await page.waitForURL(/from=2021&to=2022/);
  await page.waitForFunction(() => document.querySelector('#total')?.textContent === '$170,000.10');
  eq('$170,000.10', await text(page, '#total'), 'dossier FY2021-2022 total');

  // ---- network view, expand on click -----------------------------------------
  await page.goto(URL + 'network/duns%3A098765432');
  await page.locator('#net-status').waitFor();
  await page.waitForFunction(() => /entities/.test(document.querySelector('#net-status')?.textContent || ''));
  eq('4 entities, 3 links', await text(page, '#net-status'), 'network: HOLLOWAY and its 3 neighbours');
  // what sigma draws (its own display data, on #stage): the 3 links, the 4
  // entities, and nodes sized in screen pixels, 4 + 2.5 log10(1 + $/1000)
  // for the largest money on a node's links in the entities table (about
  // 9 px), not in graph units (a 100-200 px disc)
  await page.waitForFunction(() => document.querySelector('#stage')?.dataset.links !== undefined);
  const drawn = async () => page.evaluate(() => ({ ...document.querySelector('#stage').dataset }));
  let d = await drawn();
  const most = Math.max(...(await page.locator('#net-tables table').first().locator('tbody tr td:nth-child(3)').allTextContents())
    .map((t) => Number(t.replace(/[$,]/g, ''))));
  eq(`3|4|${Math.round(4 + 2.5 * Math.log10(1 + most / 1000))}`, `${d.links}|${d.entities}|${d.maxRadius}`,
    'network drawing: links, entities, largest radius (px)');
  await shot(page, '05-network');
  // a small view is drawn as SVG at once (no WebGL start-up); a click on
  // ICE's node in the drawing expands it
  eq(0, await page.locator('#stage canvas').count(), 'a small view: no WebGL canvas');
  await page.locator('#stage svg g.node[data-id="subagency:7012"]').click();
  await page.waitForFunction(() => !/^4 entities/.test(document.querySelector('#net-status')?.textContent || '') && !/Loading/.test(document.querySelector('#net-status')?.textContent || ''));
  check(!(await page.locator('button.expand[data-id="subagency:7012"]').count()), 'a click on the node expanded it (no Expand button left)');
  const st = await text(page, '#net-status');
  const n = Number(st.split(' ')[0]);
  check(n > 4, 'expanding ICE adds its neighbours', st);
  const links = await page.locator('#net-tables').innerText();
  check(links.includes('BLUEFIN ANALYTICS INC'), 'ICE\'s recipient BLUEFIN appears after expanding', links.slice(0, 200));
  // filter: parent_of off hides the subsidiaries' links
  await page.locator('input[name=kind][value=parent_of]').uncheck();
  await page.waitForFunction(() => !document.querySelector('#net-tables').textContent.includes('parent of'));
  check(!(await page.locator('#net-tables').innerText()).includes('parent of'), 'kind filter hides parent_of links');
  // and the drawing too: as many links drawn as the table lists
  const rows = await page.locator('#net-tables table').nth(1).locator('tbody tr').count();
  d = await drawn();
  eq(String(rows), d.links, 'the drawing shows the filtered links only');
  check(/^\d+ of \d+ entities, \d+ of \d+ links \(filtered\)$/.test(await text(page, '#net-status')), 'status says the view is filtered', await text(page, '#net-status'));
  await shot(page, '06-network-expanded');

  // the same view through sigma (WebGL: what a view of more than 300
  // entities moves to; ?draw=webgl asks for it at once): what sigma draws
  // (its display data), and a click where sigma draws ICE's node expands it
  await page.goto(URL + 'network/duns%3A098765432?draw=webgl');
  await page.waitForFunction(() => document.querySelector('#stage')?.sigma && document.querySelector('#stage').dataset.links);
  d = await drawn();
  eq(`3|4|${Math.round(4 + 2.5 * Math.log10(1 + most / 1000))}`, `${d.links}|${d.entities}|${d.maxRadius}`,
    'sigma: links, entities, largest radius (px)');
  const at = await page.evaluate(() => {
    const st = document.querySelector('#stage'), sg = st.sigma, r = st.getBoundingClientRect();
    const p = sg.framedGraphToViewport(sg.getNodeDisplayData('subagency:7012'));
    return { x: r.left + p.x, y: r.top + p.y };
  });
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction(() => !/^4 entities/.test(document.querySelector('#net-status')?.textContent || '') && !/Loading/.test(document.querySelector('#net-status')?.textContent || ''));
  check(!(await page.locator('button.expand[data-id="subagency:7012"]').count()), 'sigma: a click on the node expanded it');
  await page.locator('input[name=kind][value=parent_of]').uncheck();
  await page.waitForFunction(() => !document.querySelector('#net-tables').textContent.includes('parent of'));
  const rows2 = await page.locator('#net-tables table').nth(1).locator('tbody tr').count();
  eq(String(rows2), (await drawn()).links, 'sigma: the drawing shows the filtered links only');
  await shot(page, '06b-network-webgl');

  // a cold load (fresh browser context) of each page kind at its path asks
  // the API nothing: the server put the answer in the page (src/serve/page.c)
  for (const [path, h1, value] of [['entity/duns%3A012345678', 'ACME DETENTION SERVICES LLC', '$1,237,654.83'],
    ['agency/7012', 'U.S. IMMIGRATION AND CUSTOMS ENFORCEMENT', '$2,262,655.17'], ['search?q=acme', 'Search: acme', 'ACME DETENTION SERVICES LLC']]) {
    const cold = await newPage();
    await cold.goto(URL + path);
    await cold.locator('h1', { hasText: h1 }).waitFor();
    await cold.waitForFunction(() => document.querySelector('main[aria-busy]') === null);
    eq(0, await cold.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/')).length),
      `cold /${path}: no API request`);
    check((await seenText(cold, 'main')).includes(value), `cold /${path} shows ${value}`);
    await cold.context().close();
  }
  // an older #/ link lands on the same page at its path, asking the API once
  const old = await newPage();
  await old.goto(URL + '#/entity/duns%3A012345678');
  await old.locator('h1', { hasText: 'ACME DETENTION SERVICES LLC' }).waitFor();
  eq(URL + 'entity/duns%3A012345678', old.url(), 'a #/ link becomes the path URL');
  eq(1, await old.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/show')).length),
    'a #/ link: one /api/show request');
  // a link inside the explorer moves without loading a document; Back returns
  await old.evaluate(() => { window.sameDocument = true; });
  await old.locator('main a[href="/entity/duns%3A098765432"]').first().click();
  await old.locator('h1', { hasText: 'HOLLOWAY HOLDINGS INC' }).waitFor();
  eq(URL + 'entity/duns%3A098765432', old.url(), 'a link goes to its path');
  eq(true, await old.evaluate(() => window.sameDocument), 'a link moves inside the page (history.pushState)');
  await old.goBack();
  await old.locator('h1', { hasText: 'ACME DETENTION SERVICES LLC' }).waitFor();
  eq(true, await old.evaluate(() => window.sameDocument), 'Back returns inside the page');
  await old.context().close();

  // charts and the graph have readable tables with the same figures
  await page.goto(URL + 'entity/duns%3A012345678');
  await page.locator('h1', { hasText: 'ACME DETENTION SERVICES LLC' }).waitFor();
  const fig = await page.locator('figure.chart details.figures table').first().textContent();
  check(['2013', '$1,000,000.00', '2014', '$250,000.50', '2015', '-$12,345.67'].every((v) => fig.includes(v)),
    'the year chart has a table of its figures', fig);
  await page.goto(URL + 'network/duns%3A098765432');
  await page.waitForFunction(() => /entities/.test(document.querySelector('#net-status')?.textContent || ''));
  eq(3, await page.locator('#net-tables table').last().locator('tbody tr').count(), 'the graph\'s links as table rows');
  check((await page.locator('#net-tables').innerText()).includes('ACME DETENTION SERVICES LLC'), 'the graph\'s nodes as a table');

  // ---- keyboard alone: Tab to the search box, Enter, Tab to a result, Enter
  const kb = await newPage();
  await kb.goto(URL);
  await kb.locator('h1').waitFor();
  let onQ = false;
  for (let i = 0; i < 20 && !onQ; i++) {
    await kb.keyboard.press('Tab');
    onQ = await kb.evaluate(() => document.activeElement?.id === 'q');
  }
  check(onQ, 'Tab reaches the search box');
  await kb.keyboard.type('acme');
  await kb.keyboard.press('Enter'); /* no suggestion chosen: the form searches */
  await kb.waitForURL(/\/search\?q=acme$/);
  await kb.locator('section.group a').first().waitFor();
  let onHit = '';
  for (let i = 0; i < 30 && !onHit.includes('ACME DETENTION'); i++) {
    await kb.keyboard.press('Tab');
    onHit = await kb.evaluate(() => (document.activeElement?.closest('section.group') ? document.activeElement.textContent : ''));
  }
  check(onHit.includes('ACME DETENTION SERVICES LLC'), 'Tab reaches the ACME DETENTION result', onHit);
  await kb.keyboard.press('Enter');
  await kb.locator('h1', { hasText: 'ACME DETENTION SERVICES LLC' }).waitFor();
  eq('ACME DETENTION SERVICES LLC', await text(kb, 'h1'), 'Enter opens the entity');
  await shot(kb, '09-keyboard-entity');

  // ---- phone width (375 px): no page scrolls sideways ----------------------------
  const phone = await newPage({ width: 375, height: 812 });
  for (const [hash, ready, name] of [['agency/7012', '#total', '07-phone-dossier'],
    ['search?q=detention', 'section.group', '10-phone-search'],
    ['entity/duns%3A012345678', 'svg.bars', '10-phone-entity'],
    ['network/duns%3A098765432', '#net-tables table', '10-phone-network'], ['', 'h1', '10-phone-home']]) {
    await phone.goto(URL + hash);
    await phone.locator(ready).first().waitFor();
    await phone.waitForFunction(() => document.querySelector('main[aria-busy]') === null);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, `no sideways scrolling at 375 px: ${hash}`, overflow);
    await shot(phone, name);
  }

  // ---- without JavaScript: the server's HTML alone (src/serve/html.c), at
  // desktop and phone width (390 px): headings, tables and links to read,
  // and the search form still searches
  for (const vp of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    const w = `no JS, ${vp.width} px`;
    const nj = await newPage(vp, { javaScriptEnabled: false });
    await nj.goto(URL + 'agency/7012');
    eq('U.S. IMMIGRATION AND CUSTOMS ENFORCEMENT', await text(nj, 'h1'), `${w}: dossier heading`);
    eq('$2,262,655.17', await text(nj, '#total'), `${w}: dossier total`);
    eq('1. Money|2. Supply chain|3. Lobbying|4. Revolving door|5. Political money',
      (await nj.locator('main h2').allTextContents()).join('|'), `${w}: the dossier's five sections`);
    const top = await nj.locator('#top-recipients tbody tr').first().textContent();
    check(top.includes('HOLLOWAY HOLDINGS INC') && top.includes('$1,812,655.08'), `${w}: top recipients table, first row`, top);
    eq('/entity/duns%3A098765432', await nj.locator('#top-recipients tbody a').first().getAttribute('href'), `${w}: a company links to its page`);
    const overflow = await nj.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, `${w}: no sideways scrolling on the dossier`, overflow);
    await nj.screenshot({ path: join(process.env.SHOTS, `11-nojs-dossier-${vp.width}.png`), fullPage: true });
    await nj.goto(URL + 'entity/duns%3A012345678');
    eq('ACME DETENTION SERVICES LLC', await text(nj, 'h1'), `${w}: entity heading`);
    const award = nj.locator('main table', { hasText: 'CONT_AWD_FIXT13C0001_7012_-NONE-_-NONE-' }).locator('tbody tr').first();
    check((await award.textContent()).includes('$1,237,654.83'), `${w}: the largest award's amount`, await award.textContent());
    eq('https://www.usaspending.gov/award/CONT_AWD_FIXT13C0001_7012_-NONE-_-NONE-', await award.locator('a').first().getAttribute('href'),
      `${w}: the award links to its page`);
    await nj.screenshot({ path: join(process.env.SHOTS, `11-nojs-entity-${vp.width}.png`), fullPage: true });
    await nj.locator('#q').fill('acme');
    await nj.locator('#q').press('Enter');
    await nj.waitForURL(/\/search\?q=acme$/);
    check((await nj.locator('main').textContent()).includes('ACME DETENTION SERVICES LLC'), `${w}: the search form searches`);
    await nj.context().close();
  }

  // ---- hostile record text ---------------------------------------------------------
  const hp = await newPage();
  await hp.goto(HOSTILE + 'entity/uei%3APINEWSEC0003');
  await hp.locator('h1').first().waitFor();
  await hp.waitForFunction(() => document.querySelector('main[aria-busy]') === null);
  eq(EVIL, await hp.locator('h1').first().textContent(), 'the hostile name is shown as text');
  eq(0, await hp.locator('main img, main script').count(), 'no element was made from the name');
  await hp.goto(HOSTILE + 'agency/7012');
  await hp.locator('#total').waitFor();
  check((await seenText(hp, 'main')).includes(EVIL), 'hostile name as text in the dossier');
  eq(0, await hp.locator('main img, main script').count(), 'no element from the name in the dossier');
  await hp.waitForTimeout(300);
  await shot(hp, '08-hostile');
});
