// SPDX-License-Identifier: MIT
// Portfolio margin by venue in the options account (web/src/pm-panel.js): the side-by-side table
// shows every venue (deribit portfolio and standard, okx, bybit, binance, span) with the IM, MM and
// components marginlab-full.js's marginByVenue returns in node for the same account; an
// unsupported venue with its reason; a venue's grid as a heat map with the core's worst cell
// outlined and its driving leg; an [UNVERIFIED] option and SPAN's scan range behind their
// checkboxes; "Show the math" asks for steps only when opened; the stale-parameter notice; the
// 375 px layout. Saves build/screenshots/pm-{table,grid}-{desktop,phone}{,-dark}.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SHOTS, WAIT, ready, servedPage, fullLab } from './helpers.mjs';

const full = await import(new URL('../../web/dist/marginlab-full.js', import.meta.url).href);
const lab = await fullLab();
const account = lab.toAccount(full.defaultOptionsScenario).account;
const served = await servedPage();
const withPage = (fn, options) => served.withPage(fn, options);

/** The page's amount format (web/src/format.js amount): 8 decimals for a coin, cents for a quote currency. */
const amount = (x, currency) => new Intl.NumberFormat('en-US', ['USD', 'USDC', 'USDT'].includes(currency)
  ? { minimumFractionDigits: 2, maximumFractionDigits: 2 } : { maximumFractionDigits: 8 }).format(x);

async function openPanel(page) {
  await page.goto(served.base);
  await ready(page);
  await page.click('#options-toggle');
  await page.waitForSelector('#pmv-venues tbody tr', WAIT);
}

/** Each row of the table as the page shows it: venue:kind -> { im, mm, reason, components }. */
const shownRows = (page) => page.$$eval('#pmv-venues tbody tr', (rows) => Object.fromEntries(rows.map((r) => [r.dataset.venue, {
  im: r.querySelector('[data-field="initialMargin"] .num')?.textContent ?? null,
  mm: r.querySelector('[data-field="maintenanceMargin"] .num')?.textContent ?? null,
  reason: r.querySelector('.pm-reason')?.textContent ?? null,
  components: [...r.querySelectorAll('[data-component]')].map((li) => li.textContent),
}])));

/** What the table should show for a marginByVenue answer. */
function expectedRows(answer) {
  return Object.fromEntries(answer.venues.map((x) => [`${x.venue}:${x.kind}`, x.supported === false
    ? { im: null, mm: null, reason: `Not computed: ${x.reason}`, components: [] }
    : { im: amount(x.initialMargin, x.currency), mm: amount(x.maintenanceMargin, x.currency), reason: null,
      components: x.components.map((c) => `${c.name} ${amount(c.value, x.currency)}` +
        (c.scenario ? ` (price ${move(c.scenario.priceMove)}, volatility ${move(c.scenario.volShock)})` : '') +
        (c.leg ? ` driven by ${c.leg}` : '')) }]));
}
const move = (x) => (x > 0 ? '+' : x < 0 ? '−' : '') + new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 2 }).format(Math.abs(x));

test('the table: all five venues, each with the core\'s IM, MM and components; unsupported ones with their reason', async () => {
  const answer = lab.marginByVenue(account);
  assert.deepEqual(answer.errors, []);
  assert.deepEqual([...new Set(answer.venues.map((x) => x.venue))], ['deribit', 'okx', 'bybit', 'binance', 'span']);
  await withPage(async (page) => {
    await openPanel(page);
    const rows = await shownRows(page);
    assert.deepEqual(rows, expectedRows(answer));
    assert.equal(rows['binance:portfolio'].reason, 'Not computed: Binance portfolio margin has no rules for these options');
    assert.match(rows['span:portfolio'].reason, /no SPAN parameters for BTC/);
    // The parameter sets are dated; Deribit's BTC set (2024-06-17) is more than a year before the account's date.
    assert.match(await page.textContent('#pmv-stale'), /Deribit: its parameters are dated 2024-06-17, more than a year before 2026-03-01/);
  });
});

test('a venue\'s grid as a heat map: the core\'s worst cell outlined, the driving leg named; another grid on request', async () => {
  const answer = lab.marginByVenue(account);
  await withPage(async (page) => {
    await openPanel(page);
    const g = answer.venues[0].grids[0];
    assert.equal(await page.getAttribute('#pmv-heat', 'aria-label'), `Heat map: Deribit, ${g.name} (BTC)`);
    const worst = await page.$$eval('#pmv-heat td[data-worst="true"]', (tds) => tds.map((td) => [td.dataset.cell, td.className, td.textContent]));
    assert.deepEqual(worst, [[`${g.worstVolShock}:${g.worstPriceMove}`, 'heat-5 worst', `${amount(g.worstPnl, 'BTC')} (worst)`]]);
    assert.equal(await page.$$eval('#pmv-heat tbody tr', (trs) => trs.length), g.volShocks.length);
    assert.equal(await page.textContent('[data-metric="pmv:leg"] dd'), `${g.leg} BTC-27MAR26-55000-P`);
    // OKX's MR6: its own two moves, its own worst cell.
    const okx = answer.venues.findIndex((x) => x.venue === 'okx');
    const j = answer.venues[okx].grids.findIndex((x) => x.name === 'MR6');
    const mr6 = answer.venues[okx].grids[j];
    await page.click(`#pmv-venues button[data-grid="${okx}:${j}"]`);
    await page.waitForFunction(() => document.querySelector('#pmv-grid-title')?.textContent.startsWith('OKX, MR6'), null, WAIT);
    assert.equal(await page.getAttribute(`#pmv-venues button[data-grid="${okx}:${j}"]`, 'aria-pressed'), 'true');
    assert.equal(await page.getAttribute('#pmv-heat td[data-worst="true"]', 'data-cell'), `${mr6.worstVolShock}:${mr6.worstPriceMove}`);
    assert.equal(await page.textContent('[data-metric="pmv:worstPnl"] .num'), amount(mr6.worstPnl, 'USD'));
  });
});

test('[UNVERIFIED] options behind named checkboxes with their defaults; SPAN with a scan range; steps only when opened', async () => {
  await withPage(async (page) => {
    await openPanel(page);
    const named = await page.$$eval('#opt-venues-out input[type=checkbox]', (xs) => xs.map((x) => x.name));
    assert.deepEqual(named, ['deribitExtendedWeight', 'deribitRollShock', 'okxExtremeCoverage', 'okxVolShock', 'bybitVolShock',
      'bybitFuturesFactor', 'bybitShortOptionFactor', 'bybitImFactor', 'deribitDeltaShock', 'okxMr2Days', 'okxMr3Points', 'okxMr5RateShock',
      'okxMr7Rate', 'okxMr8Rate', 'okxMr9Factor', 'bybitDeltaSpreadFactor', 'span']);
    assert.match(await page.textContent('.pm-assumptions'), /Default: off \(rangeOverMove/);
    assert.match(await page.textContent('.pm-assumptions'), /Default: 45% \(the low end of the published 45–60%/);
    // OKX MR7 at 0.05% of notional (a typed percentage): the page's OKX row is the core's for that request.
    await page.check('#pmv-opt-okxMr7Rate');
    const mr7 = expectedRows(lab.marginByVenue(account, { okxMr7Rate: 0.0005 }));
    await page.waitForFunction((mm) => document.querySelector('[data-venue="okx:portfolio"] [data-field="maintenanceMargin"] .num')?.textContent === mm,
      mr7['okx:portfolio'].mm, WAIT);
    await page.uncheck('#pmv-opt-okxMr7Rate');
    // Full weight on the extended table, and SPAN at a 10% scan range: the page shows what the core gives for that request.
    await page.check('#pmv-opt-deribitExtendedWeight');
    await page.check('#pmv-opt-span');
    await page.fill('#pmv-opt-span-value', '10');
    const answer = lab.marginByVenue(account, { deribitExtendedWeight: 'full', span: [{ underlying: 'BTC', priceScanRange: 0.1 }] });
    assert.deepEqual(answer.errors, []);
    const want = expectedRows(answer);
    await page.waitForFunction((mm) => document.querySelector('[data-venue="span:portfolio"] [data-field="maintenanceMargin"] .num')?.textContent === mm,
      want['span:portfolio'].mm, WAIT);
    assert.deepEqual(await shownRows(page), want);
    // A scan range the core refuses: its message at the field.
    await page.fill('#pmv-opt-span-value', '90');
    await page.waitForFunction(() => document.querySelector('#pmv-opt-span-err')?.textContent !== '', null, WAIT);
    assert.match(await page.textContent('#pmv-opt-span-err'), /priceScanRange/);
    await page.fill('#pmv-opt-span-value', '10');
    await page.waitForFunction(() => document.querySelector('#pmv-opt-span-err')?.textContent === '', null, WAIT);

    // Show the math: no steps until opened; then the explained answer's steps of that venue.
    assert.equal(await page.$$eval('#pmv-venues details.math li', (x) => x.length), 0);
    await page.click('[data-venue="okx:portfolio"] details.math summary');
    await page.waitForSelector('[data-venue="okx:portfolio"] details.math[open] li', WAIT);
    const { steps } = lab.marginByVenue(account, { deribitExtendedWeight: 'full', span: [{ underlying: 'BTC', priceScanRange: 0.1 }] }, { explain: true });
    const okx = answer.venues.findIndex((x) => x.venue === 'okx');
    const mine = steps.filter((s) => s.field.startsWith(`venues[${okx}]`));
    assert.ok(mine.length >= 2);
    assert.deepEqual(await page.$$eval('[data-venue="okx:portfolio"] details.math li .step-label', (x) => x.map((e) => e.textContent)), mine.map((s) => s.label));
    assert.equal(await page.$$eval('#pmv-venues details.math li', (x) => x.length), mine.length, 'only the open venue\'s steps');
  });
});

test('the lesson on portfolio margin shows its account under every venue, and follows the reader\'s edit', async () => {
  const lesson = JSON.parse(readFileSync(new URL('../../web/lessons/11-portfolio-margin.json', import.meta.url), 'utf8'));
  const { account } = lesson.tool.request;
  const mm = (a) => amount(lab.marginByVenue(a).venues[0].maintenanceMargin, 'USD');
  await withPage(async (page) => {
    await page.goto(`${served.base}index.html#lesson=${lesson.id}`);
    await ready(page);
    const deribit = '#lpv-venues [data-venue="deribit:portfolio"] [data-field="maintenanceMargin"] .num';
    await page.waitForSelector(deribit, WAIT);
    assert.equal(await page.textContent(deribit), mm(account));
    assert.equal(await page.textContent('#lesson-watch [data-watch="tool.venues[0].maintenanceMargin"] .now'), mm(account));
    const moved = structuredClone(account);
    moved.options[1].strike = lesson.try.value;
    await page.click('#lesson-do-it');
    await page.waitForFunction(([sel, want]) => document.querySelector(sel)?.textContent === want, [deribit, mm(moved)], WAIT);
    assert.notEqual(mm(moved), mm(account));
  });
});

test('keyboard: the checkboxes, the grid buttons and the heat map are reached by Tab', async () => {
  await withPage(async (page) => {
    await openPanel(page);
    await page.focus('#pmv-opt-deribitExtendedWeight');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.querySelector('#pmv-opt-deribitExtendedWeight').checked, null, WAIT);
    const reached = new Set();
    for (let i = 0; i < 80 && reached.size < 2; i++) {
      await page.keyboard.press('Tab');
      const at = await page.evaluate(() => document.activeElement.matches('button.pm-grid-button') ? 'grid-button'
        : document.activeElement.querySelector && document.activeElement.querySelector('#pmv-heat') ? 'heat' : '');
      if (at) reached.add(at);
    }
    assert.deepEqual([...reached].sort(), ['grid-button', 'heat']);
  });
});

test('screenshots: the table and a grid at 1440 and 375 px, light and dark; nothing wider than the phone', async () => {
  for (const [name, width, colorScheme] of [['desktop', 1440, 'light'], ['phone', 375, 'light'], ['desktop-dark', 1440, 'dark'], ['phone-dark', 375, 'dark']]) {
    await withPage(async (page) => {
      await openPanel(page);
      await page.waitForSelector('#pmv-heat', WAIT);
      if (width === 375) {
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(wide <= 375, `the page is ${wide} px wide at 375`);
      }
      await page.locator('#pmv-venues').screenshot({ path: `${SHOTS}pm-table-${name}.png` });
      await page.locator('#pmv-grid').screenshot({ path: `${SHOTS}pm-grid-${name}.png` });
    }, { viewport: { width, height: 900 }, colorScheme });
  }
});
