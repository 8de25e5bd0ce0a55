// SPDX-License-Identifier: MIT
// Input that cannot be misread: numbers read by the page's locale (ambiguous ones refused with
// how they would read), positions and accounts past liquidation said plainly in the results, the
// verdict and the chart, and the core's errors said for people beside their fields (the API keeps
// path, code and rule). Screenshots of each state go to build/screenshots/issue14-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lab, defaultScenario, WAIT, ready, fragmentOf, servedPage, SHOTS } from './helpers.mjs';

const served = await servedPage();
const withPage = (fn, options) => served.withPage(fn, options);
const LAYOUTS = [['desktop', { width: 1280, height: 900 }], ['phone', { width: 375, height: 800 }]];

/** Screenshots of `selector` in both layouts and themes, after `setup(page)`: build/screenshots/issue14-<name>-<layout>-<theme>.png. */
async function shots(name, url, setup, selector, locale = 'en-US') {
  for (const [layout, viewport] of LAYOUTS) {
    for (const colorScheme of ['light', 'dark']) {
      await withPage(async (page) => {
        await page.goto(url);
        await ready(page);
        await setup(page);
        const box = page.locator(selector).first();
        await box.scrollIntoViewIfNeeded();  // content-visibility: the layout above settles once seen
        await page.waitForTimeout(200);
        await box.screenshot({ path: `${SHOTS}issue14-${name}-${layout}-${colorScheme}.png` });
      }, { viewport, colorScheme, locale });
    }
  }
}

const size = '#f-positions-0--quantity';
const sizeError = '#f-positions-0--quantity-err';

/** Types `text` into the first position's size and returns { error, field, liquidation } once the page settles. */
async function typeSize(page, text) {
  await page.fill(size, text);
  await page.waitForTimeout(100);
  return page.evaluate(([s, e]) => ({
    error: document.querySelector(e).textContent,
    field: document.querySelector(s).value,
    heading: document.querySelector('[data-mode="isolated"] [data-position="0"] h4').textContent,
  }), [size, sizeError]);
}

test('item 2: de-DE reads 1,5 as 1.5 and refuses 1,500 saying how it reads', async () => {
  await withPage(async (page) => {
    await page.goto(served.base);
    await ready(page);
    const a = await typeSize(page, '1,5');
    assert.equal(a.error, '');
    assert.match(a.heading, /BTCUSDT long 1\.5 @/, 'a size of 1,5 is 1.5 contracts, not 15');
    const b = await typeSize(page, '1,500');
    assert.match(b.error, /ambiguous/);
    assert.match(b.error, /1,5 \(decimal comma\)/);
    assert.match(b.error, /1500 \(thousands\)/);
    assert.equal(b.field, '1,500', 'the text stays as typed');
    assert.equal(await page.getAttribute(size, 'aria-invalid'), 'true');
    assert.equal(await page.locator('#status').textContent(), '1 input error: the results shown are for the last valid scenario.');
  }, { locale: 'de-DE' });
});

test('item 2: en-US reads 1.5 as 1.5 and 1,500 as 1500', async () => {
  await withPage(async (page) => {
    await page.goto(served.base);
    await ready(page);
    const a = await typeSize(page, '1.5');
    assert.equal(a.error, '');
    assert.match(a.heading, /long 1\.5 @/);
    await page.fill('#f-walletBalance', '1,500');
    await page.fill(size, '0.01');
    await page.waitForTimeout(100);
    assert.equal(await page.locator('#f-walletBalance-err').textContent(), '');
    const equity = await page.locator('[data-metric="cross:account:equity"] .num').textContent();
    const s = structuredClone(defaultScenario);
    s.walletBalance = 1500;
    s.positions[0].quantity = 0.01;
    const expected = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(lab.evaluate(s).cross.account.equity);
    assert.equal(equity, expected, 'a wallet of 1,500 is 1500');
  }, { locale: 'en-US' });
});

test('item 2: the risk lab and the options account read numbers by the same rules', async () => {
  await withPage(async (page) => {
    await page.goto(served.base);
    await ready(page);
    await page.locator('#t-funding').evaluate((f) => { f.closest('details').open = true; });
    await page.fill('#t-funding-intervals', '1,500');
    await page.click('#t-funding button[type="submit"]');
    await page.waitForFunction(() => /ambiguous/.test(document.querySelector('#t-funding-intervals-err').textContent), null, WAIT);
  }, { locale: 'de-DE' });
});

test('item 2 screenshots', async () => {
  await shots('item2-after', served.base, async (page) => { await page.fill(size, '1,500'); await page.waitForTimeout(100); }, '.position', 'de-DE');
});

const pastScenario = () => {
  const s = structuredClone(defaultScenario);
  s.positions[0].markPrice = 30000;
  s.positions[1].markPrice = 3000;
  return s;
};

test('item 3: a long with the mark past its liquidation price is said to be liquidated, in the results, the verdict and the chart', async () => {
  await withPage(async (page) => {
    await page.goto(served.base + fragmentOf(pastScenario()));
    await ready(page);
    await page.waitForSelector('[data-mode="isolated"] [data-position="0"] [data-past="past-position"]', WAIT);
    const note = await page.locator('[data-mode="isolated"] [data-position="0"] .past').textContent();
    assert.match(note, /Already liquidated: the mark \(30,000\.00\) is past the liquidation price \(57,228\.92\)/);
    assert.match(note, /bankruptcy price \(57,000\.00\)/);
    const verdict = await page.locator('#verdict').textContent();
    assert.match(verdict, /BTCUSDT long: the mark \(30,000\.00\) is past the liquidation price in both modes/);
    assert.doesNotMatch(verdict, /BTCUSDT long: cross moves the liquidation/);
    assert.match(verdict, /Cross account: past liquidation/);
    await page.waitForFunction(() => /already past the isolated and cross liquidation price/.test(document.querySelector('#chart-summary').textContent), null, WAIT);
  });
});

test('item 3: a wallet of 0 says the wallet does not cover the margin', async () => {
  const s = structuredClone(defaultScenario);
  s.walletBalance = 0;
  await withPage(async (page) => {
    await page.goto(served.base + fragmentOf(s));
    await ready(page);
    await page.waitForSelector('[data-mode="isolated"] .account-result .past', WAIT);
    assert.match(await page.locator('[data-mode="isolated"] .account-result .past').textContent(),
      /The wallet does not cover the margin of these positions: available is -2,700\.00 USDT\./);
    assert.match(await page.locator('#verdict').textContent(), /Isolated account: the wallet does not cover/);
  });
});

test('item 3 screenshots', async () => {
  await shots('item3-after-results', served.base + fragmentOf(pastScenario()), (page) => page.waitForSelector('.past', WAIT), '#results');
  await shots('item3-after-chart', served.base + fragmentOf(pastScenario()), (page) => page.waitForFunction(() => /already past/.test(document.querySelector('#chart-summary').textContent), null, WAIT), '.chart-section, #chart');
});

test('item 5: leverage above the bracket is said as a help centre would, beside the field', async () => {
  await withPage(async (page) => {
    await page.goto(served.base);
    await ready(page);
    await page.fill('#f-positions-0--leverage', '500');
    await page.fill(size, '0.5');
    await page.waitForFunction(() => /Leverage 500x/.test(document.querySelector('#f-positions-0--leverage-err').textContent), null, WAIT);
    assert.equal(await page.locator('#f-positions-0--leverage-err').textContent(),
      'Leverage 500x is above the 125x maximum for a 30,000 USDT position on this bracket.');
  });
});

test('item 5: a date typed into a number field is called a date', async () => {
  await withPage(async (page) => {
    await page.goto(served.base);
    await ready(page);
    await page.fill('#f-walletBalance', '27/03/2026');
    await page.waitForTimeout(100);
    assert.equal(await page.locator('#f-walletBalance-err').textContent(), '"27/03/2026" is a date; this field takes a number.');
  });
});

test('item 5: the cascade numbers its steps once and cites no file', async () => {
  await withPage(async (page) => {
    await page.goto(served.base);
    await ready(page);
    await page.locator('#t-cascade').evaluate((f) => { f.closest('details').open = true; });
    await page.fill('#t-cascade-move', '-80');
    await page.click('#t-cascade button[type="submit"]');
    await page.waitForSelector('#t-cascade-out .events li', WAIT);
    await page.click('#t-cascade-out details.math summary');
    await page.waitForSelector('#t-cascade-out details.math li', WAIT);
    const text = await page.locator('#t-cascade-out').textContent();
    assert.doesNotMatch(text, /VENUES\.md/);
    assert.doesNotMatch(text, /Step \d+: Step/);
    const events = await page.locator('#t-cascade-out .events li').first().textContent();
    const step = /^Step (\d+)/.exec(events)[1];
    assert.match(text, new RegExp(`Step ${step}: the account falls to its maintenance margin`), 'the math numbers steps as the events list does');
    assert.equal(await page.locator('#t-cascade-out .events').evaluate((el) => el.tagName), 'UL');
  });
});

test('item 5 screenshots', async () => {
  await shots('item5-after', served.base, async (page) => {
    await page.fill('#f-positions-0--leverage', '500');
    await page.waitForFunction(() => /Leverage 500x/.test(document.querySelector('#f-positions-0--leverage-err').textContent), null, WAIT);
  }, '.position');
});
