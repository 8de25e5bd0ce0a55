// SPDX-License-Identifier: MIT
// Browser tests of the options account (web/src/options.js): what the page shows is what
// marginlab-full.js's evaluateOptions and portfolioMargin return in node for the same scenario
// (read back from the page's own link), edits and errors, "show the math", the link and reload,
// hostile version 2 links, and the phone width. Also saves build/screenshots/options-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';
import { launch } from './chromium.mjs';
import { DIST, WAIT, price, ready, fragmentOf, defaultScenario, withPage as withPageIn } from './helpers.mjs';

const SHOTS = fileURLToPath(new URL('../../build/screenshots/', import.meta.url));
const full = await import(new URL('../../web/dist/marginlab-full.js', import.meta.url).href);
const lab = await full.default({ wasmBinary: readFileSync(DIST + 'marginlab-full.wasm') });
const { defaultOptionsScenario } = full;

let browser, server, base, origin;
before(async () => {
  ({ server, url: base } = await serve({ port: 0 }));
  origin = new URL(base).origin;
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await new Promise((resolve) => server.close(resolve));
});

const withPage = (fn, options) => withPageIn(browser, origin, fn, options);

/** The page's amount format for a coin-settled account (web/src/format.js amount). */
const coin = (x) => new Intl.NumberFormat('en-US', { maximumFractionDigits: 8 }).format(x);

/** The scenario and request in the page's link (#s1= + deflate-raw JSON). */
async function linkOf(page) {
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /^#s1=[A-Za-z0-9_-]+$/);
  const { request, ...scenario } = JSON.parse(inflateRawSync(Buffer.from(hash.slice(4), 'base64url')).toString('utf8'));
  return { scenario, request };
}

/** The link once it holds an options account for which ok(link) holds (the page writes it 150 ms after an edit). */
async function optionsLink(page, ok = () => true) {
  const until = Date.now() + WAIT.timeout;
  for (;;) {
    const link = await linkOf(page).catch(() => null);
    if (link && link.scenario.version === 2 && ok(link)) return link;
    assert.ok(Date.now() < until, 'the page writes the options account\'s link');
    await new Promise((resolve) => { setTimeout(resolve, 50); });
  }
}

/** What the core computes for the account in the page's link. */
async function coreOf(page, ok) {
  const { scenario, request } = await optionsLink(page, ok);
  const r = lab.evaluateOptions(scenario, request);
  assert.deepEqual(r.errors, [], 'the core accepts the page\'s scenario');
  const pm = lab.portfolioMargin(scenario);
  assert.deepEqual(pm.errors, []);
  return { scenario, request, r, pm };
}

/** The liquidation metrics under a key prefix ('cross:now', 'iso:options[0]:now'), as [label, text]. */
function shownPrices(page, key) {
  return page.$$eval(`[data-metric^="${key}:lp:"][data-direction]`, (els) => els.map((e) => [e.dataset.direction, e.querySelector('.num').textContent]));
}
const expectedPrices = (list) => list.map((c) => [c.liquidatedBelow ? 'below' : 'above', price(c.price)]);

/** Waits until the cross view `key` shows these liquidation prices, then asserts them. */
async function expectPrices(page, key, list, message) {
  const want = expectedPrices(list);
  await page.waitForFunction(([k, w]) => {
    const got = [...document.querySelectorAll(`[data-metric^="${k}:lp:"][data-direction]`)].map((e) => [e.dataset.direction, e.querySelector('.num').textContent]);
    return JSON.stringify(got) === JSON.stringify(w);
  }, [key, want], WAIT).catch(() => {});
  assert.deepEqual(await shownPrices(page, key), want, message);
}

async function openOptions(page, fragment = '') {
  await page.goto(base + fragment);
  await ready(page);
  if (!fragment) await page.click('#options-toggle');
  await page.waitForSelector('[data-metric^="cross:now:"]', WAIT);
  await page.waitForFunction(() => !document.querySelector('#opt-results.stale'), null, WAIT);
  await optionsLink(page);
}


test('the example options account shows the core\'s two liquidation prices, now and later, and each position isolated', async () => {
  await withPage(async (page) => {
    await openOptions(page);
    const { scenario, request, r } = await coreOf(page);
    assert.equal(scenario.version, 2);
    assert.equal(scenario.options.length, defaultOptionsScenario.options.length, 'the example\'s options');
    assert.equal(r.now.liquidationPrices.length, 2, 'the example has two liquidation prices');
    assert.ok(r.now.liquidationPrices[0].liquidatedBelow && !r.now.liquidationPrices[1].liquidatedBelow, 'one below, one above');
    await expectPrices(page, 'cross:now', r.now.liquidationPrices, 'now');
    assert.ok(request.days > 0);
    await expectPrices(page, 'cross:later', r.later.liquidationPrices, 'later');
    for (const [k, v] of r.volShifted.entries()) await expectPrices(page, `cross:vol${k}`, v.liquidationPrices, `vol shift ${v.volShift}`);
    const text = await page.textContent('#opt-verdict');
    assert.ok(text.includes(`liquidates below ${price(r.now.liquidationPrices[0].price)} and above ${price(r.now.liquidationPrices[1].price)}`), text);
    // The account's numbers and each option's mark, greeks and margins.
    assert.equal(await page.textContent('[data-metric="cross:now:equity"] .num'), coin(r.now.equity));
    assert.equal(await page.textContent('[data-metric="cross:later:equity"] .num'), coin(r.later.equity));
    assert.deepEqual(await page.$$eval('#opt-views thead th', (ths) => ths.map((t) => t.textContent)),
      ['Now', `In ${request.days} days`, 'Vol −10 pts', 'Vol +10 pts'], 'a column per view');
    assert.equal(await page.textContent('[data-metric="cross:now:maintenanceMargin"] .num'), coin(r.now.maintenanceMargin));
    for (const [i, o] of r.options.entries()) {
      const row = `#opt-values tr[data-option="${i}"]`;
      assert.equal(await page.textContent(`${row} td[data-field="markPrice"]`), coin(o.markPrice), `option ${i} mark`);
      assert.equal(await page.textContent(`${row} td[data-field="initialMargin"]`), coin(o.initialMargin), `option ${i} IM`);
      assert.equal(await page.textContent(`${row} td[data-field="maintenanceMargin"]`), coin(o.maintenanceMargin), `option ${i} MM`);
    }
    // Isolated beside it: each position's posted margin and liquidation prices.
    for (const [i, iso] of r.isolated.options.entries()) {
      assert.equal(await page.textContent(`[data-metric="iso:options[${i}]:postedMargin"] .num`), coin(iso.postedMargin));
      assert.deepEqual(await shownPrices(page, `iso:options[${i}]:now`), iso.now.liquidationPrices.length ? expectedPrices(iso.now.liquidationPrices) : []);
    }
    assert.equal(await page.locator('#opt-out section.outcome').count(), 2, 'cross and isolated side by side');
    const boxes = await page.$$eval('#opt-out section.outcome', (els) => els.map((e) => e.getBoundingClientRect().top));
    assert.equal(boxes[0], boxes[1], 'at 1280 px the two columns start on one line');
    // The chart: equity and maintenance, now and later.
    await page.waitForSelector('#opt-chart canvas', WAIT);
    const summary = await page.textContent('#opt-chart-summary');
    assert.ok(summary.includes(price(r.now.liquidationPrices[0].price)), summary);
  });
});

test('editing a strike and a volatility updates the liquidation prices to the core\'s new values', async () => {
  await withPage(async (page) => {
    await openOptions(page);
    const before = await coreOf(page);
    const strike = before.scenario.options[0].strike;
    await page.fill('[data-opt-path="options[0].strike"]', String(strike + 2000));
    let now = await coreOf(page, (l) => l.scenario.options[0].strike === strike + 2000);
    assert.equal(now.scenario.options[0].strike, strike + 2000, 'the link holds the new strike');
    assert.notDeepEqual(now.r.now.liquidationPrices, before.r.now.liquidationPrices, 'the edit moves the liquidation prices');
    await expectPrices(page, 'cross:now', now.r.now.liquidationPrices, 'after the strike');

    await page.fill('[data-opt-path="options[0].volatility"]', '90');
    now = await coreOf(page, (l) => l.scenario.options[0].volatility === 0.9);
    assert.equal(now.scenario.options[0].volatility, 0.9);
    await expectPrices(page, 'cross:now', now.r.now.liquidationPrices, 'after the volatility');
    await expectPrices(page, 'cross:later', now.r.later.liquidationPrices, 'later, after the volatility');
    assert.equal(await page.textContent('#opt-values tr[data-option="0"] td[data-field="markPrice"]'), coin(now.r.options[0].markPrice));

    // A row added and removed.
    const rows = await page.locator('#opt-rows tbody tr').count();
    await page.click('#opt-add-future');
    assert.equal(await page.locator('#opt-rows tbody tr').count(), rows + 1);
    await page.locator('#opt-rows tbody tr').last().locator('button.remove').click();
    assert.equal(await page.locator('#opt-rows tbody tr').count(), rows);
  });
});

test('"At the last expiry" sets the later view to the core\'s last expiry: the chart and the prices at expiry', async () => {
  await withPage(async (page) => {
    await openOptions(page);
    const before = await coreOf(page);
    assert.ok(before.r.lastExpiryDays > 0, 'the example has options');
    await page.click('#opt-at-expiry');
    const at = await coreOf(page, (l) => l.request.days === before.r.lastExpiryDays);
    assert.equal(at.request.days, before.r.lastExpiryDays, 'the link holds the core\'s horizon');
    assert.equal(await page.inputValue('[data-opt-path="request.days"]'), String(before.r.lastExpiryDays));
    await expectPrices(page, 'cross:later', at.r.later.liquidationPrices, 'the account at the last expiry');
    assert.notDeepEqual(at.r.later.liquidationPrices, at.r.now.liquidationPrices, 'expiry moves the liquidation prices');
  });
});

test('a bad value shows its error beside the field, keeps the text and marks the results stale', async () => {
  await withPage(async (page) => {
    await openOptions(page);
    let { r } = await coreOf(page);
    const check = async (path, typed, re) => {
      const input = `[data-opt-path="${path}"]`;
      await page.fill(input, typed);
      const slot = `[data-opt-error-for="${path}"]`;
      await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.trim(), slot, WAIT);
      assert.match(await page.textContent(slot), re, `${path}: the message`);
      assert.ok(await page.isVisible(slot), `${path}: the message is visible`);
      assert.equal(await page.inputValue(input), typed, `${path}: the typed text stays`);
      assert.equal(await page.getAttribute(input, 'aria-invalid'), 'true');
      assert.ok(await page.$eval('#opt-results', (e) => e.classList.contains('stale')), 'the results are stale');
      assert.ok(await page.isVisible('#opt-stale'));
      assert.match(await page.textContent('#opt-status'), /1 input error/);
      await expectPrices(page, 'cross:now', r.now.liquidationPrices, 'the last valid numbers stay');
    };
    const volatility = await page.inputValue('[data-opt-path="options[0].volatility"]');
    await check('options[0].volatility', '-20', /volatility/i);
    await page.fill('[data-opt-path="options[0].volatility"]', volatility);
    await page.waitForFunction(() => !document.querySelector('#opt-results.stale'), null, WAIT);
    // An expiry before the valuation date (a date needs one: set it first if the example has none).
    if (!(await page.inputValue('[data-opt-path="valuationDate"]'))) {
      await page.fill('[data-opt-path="valuationDate"]', '2026-03-01');
      await page.waitForFunction(() => !document.querySelector('#opt-results.stale'), null, WAIT);
      ({ r } = await coreOf(page, (l) => l.scenario.valuationDate === '2026-03-01'));
    }
    await page.fill('#o-options-0--expiry', '2020-01-01');
    await page.waitForFunction(() => document.querySelector('#o-options-0--expiry').dataset.optPath === 'options[0].expiryDate', null, WAIT);
    await check('options[0].expiryDate', '2020-01-01', /after|before|past|valuation/i);
    await page.fill('[data-opt-path="options[0].volatility"]', 'abc');
    await page.waitForFunction(() => /not a number/.test(document.querySelector('[data-opt-error-for="options[0].volatility"]').textContent), null, WAIT);
    assert.equal(await page.inputValue('[data-opt-path="options[0].volatility"]'), 'abc');
  });
});

test('a venue instrument name typed as a row\'s name fills its kind, strike and expiry; one that does not read is an error there', async () => {
  await withPage(async (page) => {
    await openOptions(page);
    const name = '[data-opt-path="options[0].symbol"]';
    // OKX's instId shape (BTC-USD-YYMMDD-STRIKE-C|P): the row becomes a put at 52,000 expiring 27 March 2026, 08:00 UTC.
    await page.fill(name, 'BTC-USD-260327-52000-P');
    const { scenario, r } = await coreOf(page, (l) => l.scenario.options[0].strike === 52000);
    assert.equal(scenario.options[0].type, 'put');
    assert.equal(scenario.options[0].expiryDate, '2026-03-27T08:00Z');
    assert.equal(scenario.options[0].symbol, 'BTC-USD-260327-52000-P');
    assert.equal(await page.inputValue('[data-opt-path="options[0].strike"]'), '52000');
    assert.equal(await page.inputValue('#o-options-0--expiry'), '2026-03-27T08:00Z');
    assert.equal(await page.$eval('[data-opt-path="options[0].type"]', (e) => e.value), 'put');
    await page.waitForFunction((want) => document.querySelector('#opt-values tr[data-option="0"] td[data-field="markPrice"]')?.textContent === want,
      coin(r.options[0].markPrice), WAIT);
    // Deribit's shape with a date that does not exist: the error at the name, the results stale.
    await page.fill(name, 'BTC-31FEB26-60000-C');
    const slot = '[data-opt-error-for="options[0].symbol"]';
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.includes('31FEB26'), slot, WAIT);
    assert.match(await page.textContent(slot), /reads as a Deribit option name, but 31FEB26 is not a date/);
    assert.ok(await page.$eval('#opt-results', (e) => e.classList.contains('stale')), 'the results are stale');
    await page.screenshot({ path: SHOTS + 'options-instrument-error.png' });
    // A free-text label stays a label: no error, the row's fields as they were.
    await page.fill(name, 'hedge for March');
    await page.waitForFunction(() => !document.querySelector('#opt-results.stale'), null, WAIT);
    const after = await coreOf(page, (l) => l.scenario.options[0].symbol === 'hedge for March');
    assert.equal(after.scenario.options[0].strike, 52000);
    assert.equal(await page.textContent(slot), '');
  });
});

test('the volatility surface takes expiry dates as the venue shows them (27MAR26) or ISO; a mix with years is questioned', async () => {
  await withPage(async (page) => {
    await openOptions(page);
    assert.ok(await page.inputValue('[data-opt-path="valuationDate"]'), 'the example has a valuation date');
    if (!(await page.$('#opt-surface-remove'))) await page.click('#opt-surface-add');
    await page.fill('[data-opt-path="volSurface.expiries[0]"]', '27MAR26');
    await page.fill('[data-opt-path="volSurface.expiries[1]"]', '2026-06-26');
    const { scenario } = await coreOf(page, (l) => l.scenario.volSurface?.expiryDates?.[1] === '2026-06-26');
    assert.deepEqual(scenario.volSurface.expiryDates, ['27MAR26', '2026-06-26']);
    assert.ok(!('expiries' in scenario.volSurface));
    await page.locator('details.opt-surface').screenshot({ path: SHOTS + 'options-surface-dates.png' });
    await page.fill('[data-opt-path="volSurface.expiries[1]"]', '0.5');
    const slot = '[data-opt-error-for="volSurface.expiryDates[1]"]';
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.trim(), slot, WAIT);
    assert.match(await page.textContent(slot), /every expiry as a date .* or every one in years/);
    assert.ok(await page.$eval('#opt-results', (e) => e.classList.contains('stale')), 'the results are stale');
  });
});

test('the heat map\'s worst cell is the core\'s, with its value stated', async () => {
  await withPage(async (page) => {
    await openOptions(page);
    const { pm } = await coreOf(page);
    assert.equal(await page.locator('#opt-heat-table tbody tr').count(), pm.volShocks.length);
    assert.equal(await page.locator('#opt-heat-table tbody tr').first().locator('td').count(), pm.priceMoves.length);
    assert.equal(await page.locator('#opt-heat-table td.worst').count(), 1);
    assert.equal(await page.getAttribute('#opt-heat-table td.worst', 'data-cell'), `${pm.worstVolShock}:${pm.worstPriceMove}`);
    assert.equal(await page.textContent('#opt-heat-table td.worst'), coin(pm.worstPnl));
    assert.equal(await page.textContent('[data-metric="pm:worstPnl"] .num'), coin(pm.worstPnl));
    assert.equal(await page.textContent('[data-metric="pm:requirement"] .num'), coin(pm.requirement));
    for (const [v, row] of pm.pnl.entries()) {
      const shown = await page.locator('#opt-heat-table tbody tr').nth(v).locator('td').allTextContents();
      assert.deepEqual(shown, row.map(coin), `row ${v}`);
    }
    // Losses are coloured by class (the CSP allows no inline style), the worst at the darkest.
    assert.match(await page.getAttribute('#opt-heat-table td.worst', 'class'), /heat-5/);
  });
});

test('"show the math" opens the Black-76 steps of an option and the steps of each margin term', async () => {
  await withPage(async (page) => {
    await openOptions(page);
    const { scenario, request } = await coreOf(page);
    const r = lab.evaluateOptions(scenario, request, { explain: true });  // the steps come only when asked for
    const button = page.locator('[data-math="opt:options[0]"]');
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
    await button.click();
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    const panel = `#${await button.getAttribute('aria-controls')}`;
    await page.waitForSelector(`${panel} ol.steps li`, { state: 'visible', ...WAIT });
    const texts = await page.$$eval(`${panel} ol.steps li`, (lis) => lis.map((li) => li.textContent));
    assert.equal(texts.length, r.options[0].steps.length, 'every step of the core');
    assert.ok(texts.some((t) => /Black-76/.test(t) && /N\(d1\)/.test(t)), 'the Black-76 formula');
    assert.ok(texts.some((t) => /maintenance margin/i.test(t)), 'the margin terms');
    // The account view: equity, margins and each liquidation price.
    await page.click('[data-math="cross:now"]');
    const view = `#${await page.getAttribute('[data-math="cross:now"]', 'aria-controls')}`;
    await page.waitForSelector(`${view} ol.steps li`, { state: 'visible', ...WAIT });
    assert.equal(await page.locator(`${view} ol.steps li`).count(), r.now.steps.length);
    // An open panel stays open through an edit, with the new steps.
    await page.fill('[data-opt-path="options[0].volatility"]', '75');
    await page.waitForFunction((sel) => [...document.querySelectorAll(`${sel} ol.steps li`)].some((li) => li.textContent.includes('0.75')), panel, WAIT);
    assert.equal(await page.getAttribute('[data-math="opt:options[0]"]', 'aria-expanded'), 'true');
    // Portfolio margin's steps.
    await page.click('[data-math="opt:pm"]');
    await page.waitForSelector(`#${await page.getAttribute('[data-math="opt:pm"]', 'aria-controls')} ol.steps li`, { state: 'visible', ...WAIT });
  });
});

test('the account round-trips through the link and survives reload; Options off returns to the calculator', async () => {
  await withPage(async (page, ctx) => {
    await openOptions(page);
    await page.fill('[data-opt-path="walletBalance"]', '3.25');
    await page.fill('[data-opt-path="request.days"]', '21');
    const { scenario, request, r } = await coreOf(page, (l) => l.scenario.walletBalance === 3.25 && l.request.days === 21);
    assert.equal(scenario.walletBalance, 3.25);
    assert.equal(request.days, 21);
    const link = page.url();
    const numbers = () => page2.$$eval('#opt-out .num', (els) => els.map((e) => e.textContent));
    const page2 = await ctx.newPage();
    await page2.goto(link);
    await ready(page2);
    await page2.waitForSelector('[data-metric^="cross:now:"]', WAIT);
    assert.equal(await page2.inputValue('[data-opt-path="walletBalance"]'), '3.25');
    assert.equal(await page2.inputValue('[data-opt-path="request.days"]'), '21');
    assert.equal(await page2.getAttribute('#options-toggle', 'aria-pressed'), 'true');
    assert.ok(!(await page2.isVisible('#notice')), 'no notice for a good link');
    await expectPrices(page2, 'cross:now', r.now.liquidationPrices, 'the link restores the account');
    await expectPrices(page2, 'cross:later', r.later.liquidationPrices, 'and the later view at 21 days');
    const shown = await numbers();
    await page2.reload();
    await ready(page2);
    await page2.waitForSelector('[data-metric^="cross:now:"]', WAIT);
    assert.equal(await page2.inputValue('[data-opt-path="walletBalance"]'), '3.25');
    assert.deepEqual(await numbers(), shown, 'reload shows the same numbers');
    // Options off: the calculator and a version 1 link; on again: the example.
    await page2.click('#options-toggle');
    await page2.waitForFunction(() => !document.documentElement.classList.contains('options-mode'), null, WAIT);
    assert.ok(await page2.isVisible('#inputs'));
    await page2.waitForFunction(() => location.hash.startsWith('#s1='), null, WAIT);
    const { scenario: v1 } = await linkOf(page2).catch(() => ({ scenario: {} }));
    assert.notEqual(v1.version, 2, 'the calculator writes its own link');
    await page2.click('#options-toggle');
    await page2.waitForSelector('[data-metric^="cross:now:"]', WAIT);
    assert.equal(await page2.inputValue('[data-opt-path="walletBalance"]'), String(defaultOptionsScenario.walletBalance));
  });
});

test('links pasted into an open page switch between the calculator and the account; Learn and Options take turns', async () => {
  await withPage(async (page) => {
    await page.goto(base);
    await ready(page);
    await page.evaluate((h) => { location.hash = h; }, fragmentOf({ ...defaultOptionsScenario, walletBalance: 2.5 }));
    await page.waitForSelector('[data-metric="cross:now:equity"]', WAIT);
    assert.equal(await page.inputValue('[data-opt-path="walletBalance"]'), '2.5');
    assert.equal(await page.getAttribute('#options-toggle', 'aria-pressed'), 'true');
    await page.evaluate((h) => { location.hash = h; }, fragmentOf({ ...defaultScenario, walletBalance: 4321 }));
    await page.waitForFunction(() => !document.documentElement.classList.contains('options-mode'), null, WAIT);
    await page.waitForFunction(() => document.querySelector('input[data-path="walletBalance"]').value === '4321', null, WAIT);
    assert.ok(await page.evaluate(() => document.getElementById('options').hidden));
    await page.click('#options-toggle');
    await page.waitForSelector('[data-metric="cross:now:equity"]', WAIT);
    await page.click('#learn-toggle');
    await page.waitForSelector('#learn', { state: 'visible', ...WAIT });
    assert.equal(await page.getAttribute('#options-toggle', 'aria-pressed'), 'false');
    assert.ok(await page.evaluate(() => document.getElementById('options').hidden));
    await page.click('#options-toggle');
    await page.waitForSelector('[data-metric="cross:now:equity"]', WAIT);
    assert.ok(!(await page.isVisible('#learn')));
    assert.equal(await page.getAttribute('#learn-toggle', 'aria-pressed'), 'false');
    // Reset in the account resets the account; the embed snippet carries it.
    await page.fill('[data-opt-path="walletBalance"]', '9');
    await page.click('#reset');
    assert.equal(await page.inputValue('[data-opt-path="walletBalance"]'), String(defaultOptionsScenario.walletBalance));
    await page.click('#embed');  // the snippets are written once the link is encoded
    await page.waitForFunction(() => /"version":2/.test(document.getElementById('embed-element').value), null, WAIT);
  });
});

test('a 50-row account is computed once typing pauses; one below maintenance at every price says so, as the core does', async () => {
  const big = { ...defaultOptionsScenario, options: Array.from({ length: 49 }, (_, i) => ({ ...defaultOptionsScenario.options[i % 2], strike: 40000 + 1000 * i })) };
  await withPage(async (page) => {
    await openOptions(page, fragmentOf(big));
    assert.equal(await page.locator('#opt-rows tbody tr').count(), 50);
    await page.fill('[data-opt-path="walletBalance"]', '1.5');
    assert.match(await page.textContent('#opt-status'), /Computing when you pause/);
    const { r } = await coreOf(page, (l) => l.scenario.walletBalance === 1.5);
    await page.waitForFunction(() => !document.getElementById('opt-status').classList.contains('busy'), null, WAIT);
    assert.equal(r.now.liquidationPrices.length, 0);
    assert.ok(r.now.liquidatedAtScanLow && r.now.liquidatedAtScanHigh, 'the core: below maintenance at both ends');
    assert.equal(await page.textContent('[data-metric="cross:now:lp:none"]'), 'at every scanned price');
    assert.match(await page.textContent('#opt-verdict'), /below maintenance at every scanned price/);
    assert.equal(await page.textContent('[data-metric="cross:now:equity"] .num'), coin(r.now.equity));
  });
});

test('nothing in the options account violates the page\'s CSP (no inline style or script; uPlot styles through the CSSOM)', async () => {
  await withPage(async (page) => {
    await page.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => { window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`); });
    });
    await openOptions(page);
    await page.waitForSelector('#opt-chart canvas', WAIT);
    await page.click('[data-math="opt:options[1]"]');
    await page.selectOption('[data-opt-path="volDynamics"]', 'stickyMoneyness');
    await page.hover('#opt-chart .u-over');
    await page.fill('[data-opt-path="options[1].strike"]', '56000');
    await coreOf(page, (l) => l.scenario.options[1].strike === 56000);
    assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
    assert.equal(await page.locator('#options [style]').count() > 0, true, 'uPlot positions by element.style (the CSSOM), which the CSP allows');
  });
});

test('the standalone file opens an options account from file:// with its own CSP', async () => {
  const file = 'file://' + DIST + 'marginlab-standalone.html';
  const r = lab.evaluateOptions(defaultOptionsScenario, { days: 10 });
  await withPage(async (page) => {
    await page.goto(file + fragmentOf({ ...defaultOptionsScenario, request: { days: 10 } }));
    await ready(page);
    await page.waitForSelector('#opt-chart canvas', WAIT);
    await expectPrices(page, 'cross:now', r.now.liquidationPrices, 'now');
    await expectPrices(page, 'cross:later', r.later.liquidationPrices, 'in 10 days');
    // Its styles are inline: the heat map is coloured without options.css.
    assert.notEqual(await page.$eval('#opt-heat-table td.worst', (e) => getComputedStyle(e).backgroundColor), 'rgba(0, 0, 0, 0)');
  }, { allow: (u) => u.startsWith(file) });
});

const PWN = 'window.__pwned=true';
const IMG = `<img src=x onerror="${PWN};alert(1)">`;
const v2 = (f) => {
  const s = structuredClone(defaultOptionsScenario);
  f(s);
  return s;
};

const HOSTILE = [
  ['tags in the underlying and a label', v2((s) => { s.underlying = IMG; s.options[0].symbol = `</script><script>${PWN}</script>`; }), { texts: [IMG] }],
  ['options is not a list', v2((s) => { s.options = { 0: IMG }; }), { notice: /options is not a list/ }],
  ['600 options', v2((s) => { s.options = Array.from({ length: 600 }, (_, i) => ({ ...s.options[i % s.options.length] })); }), { notice: /at most 50/ }],
  ['a link past 262144 bytes once inflated', v2((s) => { s.options = Array.from({ length: 5000 }, (_, i) => ({ ...s.options[i % s.options.length] })); }),
    { notice: /larger than 262144 bytes/, calculator: true }],
  ['a type and a side that are tags', v2((s) => { s.options[0].type = IMG; s.options[0].side = IMG; }), { notice: /is not call or put/ }],
  ['a volatility 3,000 arrays deep', JSON.stringify(v2((s) => { s.options[0].volatility = 'DEEP'; })).replace('"DEEP"', '['.repeat(3000) + ']'.repeat(3000)),
    { error: 'options[0].volatility' }],
  ['a surface of the wrong shape', v2((s) => { s.volSurface = { expiries: [0.1, 0.5], strikes: [1], vols: [[IMG]] }; delete s.options[0].volatility; }), { error: 'volSurface.vols[0][0]' }],
  ['no options and no futures', v2((s) => { delete s.options; delete s.futures; }), { notice: /no options or futures/ }],
];

test('hostile version 2 links: a notice or an error beside the field, nothing runs', async () => {
  await withPage(async (first, ctx) => {
    await first.close();
    await ctx.context.addInitScript(() => { window.__pwned = false; });
    for (const [name, scenario, expect] of HOSTILE) {
      const page = await ctx.newPage();
      await page.goto(base + fragmentOf(scenario));
      await ready(page);
      if (expect.calculator) {
        // Refused before it is read: the calculator's example stays, with the notice.
        assert.match(await page.textContent('#notice'), expect.notice, `${name}: the notice`);
        assert.ok(await page.isVisible('#inputs'), `${name}: the calculator is shown`);
        await page.close();
        continue;
      }
      await page.waitForSelector('#opt-results', WAIT).catch(async (e) => {
        throw new Error(`${name}: no options account (${(await page.textContent('body')).slice(0, 300)})`, { cause: e });
      });
      const seen = await page.evaluate(() => ({
        notice: document.getElementById('notice').hidden ? '' : document.getElementById('notice').textContent,
        errors: Object.fromEntries([...document.querySelectorAll('[data-opt-error-for]')].filter((e) => e.textContent).map((e) => [e.dataset.optErrorFor, e.textContent])),
        injected: document.querySelectorAll('body img, body script, [onerror], [onload]').length,
        text: document.body.innerText,
        pwned: window.__pwned,
      }));
      assert.equal(seen.pwned, false, `${name}: no script ran`);
      assert.equal(seen.injected, 0, `${name}: nothing injected`);
      assert.deepEqual(seen.text.match(/\b(NaN|Infinity|undefined)\b/g), null, `${name}: no NaN shown`);
      if (expect.notice) assert.match(seen.notice, expect.notice, `${name}: the notice`);
      if (expect.error) assert.ok(seen.errors[expect.error], `${name}: an error at ${expect.error} (${JSON.stringify(seen.errors).slice(0, 300)})`);
      for (const t of expect.texts || []) {
        const values = await page.$$eval('[data-opt-path]', (els) => els.map((e) => e.value));
        assert.ok(values.includes(t) || seen.text.includes(t), `${name}: ${t.slice(0, 20)} shown as text`);
      }
      assert.ok(seen.notice || Object.keys(seen.errors).length || (await page.locator('[data-metric^="cross:now:"]').count()), `${name}: something is said or shown`);
      await page.close();
    }
  });
});

test('375 px: no sideways scrolling; screenshots at 1280 px and 375 px', async () => {
  mkdirSync(SHOTS, { recursive: true });
  await withPage(async (page) => {
    await openOptions(page);
    await page.waitForSelector('#opt-chart canvas', WAIT);
    await page.waitForTimeout(200);
    await page.locator('#options').screenshot({ path: SHOTS + 'options-desktop.png' });
  });
  await withPage(async (page) => {
    await openOptions(page);
    await page.waitForSelector('#opt-chart canvas', WAIT);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375), 'no horizontal scroll at 375 px');
    // Every field and result stays inside the screen.
    const wide = await page.$$eval('#options input, #options select, #options .num, #options canvas',
      (els) => els.filter((e) => e.getBoundingClientRect().right > 375.5 && !e.closest('.table-wrap')).map((e) => e.outerHTML.slice(0, 80)));
    assert.deepEqual(wide, []);
    await page.click('[data-math="opt:options[0]"]');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375), 'no horizontal scroll with the math open');
    await page.waitForTimeout(200);
    await page.screenshot({ path: SHOTS + 'options-phone.png', fullPage: true });
  }, { viewport: { width: 375, height: 812 } });
  for (const name of ['options-desktop', 'options-phone']) assert.ok(readFileSync(SHOTS + name + '.png').length > 10000, name);
});
