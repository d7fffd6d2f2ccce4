// Browser test of the review queue (/review) in headless Chromium: the
// first pair and its reasons as the store holds them (expected values from
// sqlite3, passed in by tests/e2e/browser.sh), a judgment made by keyboard
// alone (Tab to Split, Enter), another by its shortcut (U), the queue
// moving on, and phone width. Any console error, page error or dialog
// fails the run; screenshots go to $SHOTS. browser.sh then checks the
// judgments with `behind judgments --json` and sqlite3.
import { check, eq, newPage, shot, run } from './harness.mjs';

const URL = process.env.REVIEW_URL;
const want = {
  pending: Number(process.env.REVIEW_PENDING),
  a: process.env.REVIEW_A, b: process.env.REVIEW_B,
  total: process.env.REVIEW_TOTAL, prob: process.env.REVIEW_PROB,
  next: process.env.REVIEW_NEXT_A,
};

await run(async () => {
  const page = await newPage();
  await page.goto(URL + 'review');
  await page.locator('#rv-title').waitFor();
  eq(`${want.pending} pairs waiting`, await page.locator('#rv-status').innerText(), 'pending count = resolve_review rows');
  const sides = await page.locator('.side h3').allInnerTexts();
  eq(`A: ${want.a}`, sides[0], 'A is the most uncertain pair\'s first entity');
  eq(`B: ${want.b}`, sides[1], 'B');
  eq(want.total, await page.locator('#rv-total').innerText(), 'total weight as the store holds it');
  const words = await page.locator('#rv-words').innerText();
  check(words.includes(`probability ${want.prob}`), 'the total in words names the probability', words);
  check((await page.locator('table.reasons tbody th').allInnerTexts()).includes('organization name'), 'reasons list the name comparison');
  await shot(page, '11-review');

  // keyboard alone: the name field, then Tab to Split and Enter
  await page.locator('#rv-who').focus();
  await page.keyboard.type('browser tester');
  await page.keyboard.press('Tab');
  await page.keyboard.type('look-alike names, other towns');
  let reached = false;
  for (let i = 0; i < 12 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement && document.activeElement.id === 'rv-split');
  }
  check(reached, 'Tab reaches the Split button');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /^Recorded #/.test(document.querySelector('#rv-status')?.textContent || ''));
  const st = await page.locator('#rv-status').innerText();
  check(st.startsWith('Recorded #1: split') && st.includes(`${want.pending - 1} pairs waiting`), 'recorded, and the queue moved on', st);
  eq(`A: ${want.next}`, (await page.locator('.side h3').allInnerTexts())[0], 'the next pair is shown');
  await shot(page, '12-review-judged');

  // the shortcut U records "unsure" when focus is outside the text fields
  await page.locator('#rv-title').focus();
  await page.keyboard.press('u');
  await page.waitForFunction(() => /^Recorded #2: unsure/.test(document.querySelector('#rv-status')?.textContent || ''));
  check((await page.locator('#rv-status').innerText()).includes(`${want.pending - 2} pairs waiting`), 'U: unsure, and on');

  // phone width: the page fits, the buttons are reachable
  const phone = await newPage({ width: 375, height: 812 });
  await phone.goto(URL + 'review');
  await phone.locator('#rv-title').waitFor();
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, 'no sideways scrolling of the review page at 375 px', overflow);
  check(await phone.locator('#rv-merge').isVisible(), 'the Merge button shows at 375 px');
  await shot(phone, '13-review-phone');
});
