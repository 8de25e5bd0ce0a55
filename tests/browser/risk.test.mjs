// SPDX-License-Identifier: MIT
// Browser tests of the risk lab: every tool computes on the page from marginlab-full.js (loaded
// on first use), shows its math, and its numbers are the core's; Monte Carlo runs in a worker
// with progress and can be cancelled. Also saves the screenshots the page issue asks for.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';
import { launch } from './chromium.mjs';
import { ready } from './helpers.mjs';

const DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../build/screenshots/', import.meta.url));
const { default: createFull, defaultScenario } = await import(new URL('../../web/dist/marginlab-full.js', import.meta.url).href);
const lab = await createFull({ wasmBinary: readFileSync(DIST + 'marginlab-full.wasm') });
const WAIT = { timeout: 20000 };

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

async function withPage(fn, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const problems = [];
  const foreign = [];
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('request', (r) => { if (!r.url().startsWith(origin + '/') && !/^(data|blob|about):/.test(r.url())) foreign.push(r.url()); });
  try {
    await page.goto(base);
    await ready(page);
    await fn(page);
    assert.deepEqual(problems, [], 'no console or page error');
    assert.deepEqual(foreign, [], 'no request leaves the origin');
  } finally {
    await context.close();
  }
}

/** Opens a tool, sets fields (key -> value), computes, and returns its output element text. */
async function compute(page, id, fields = {}) {
  const box = page.locator(`#${id}`).locator('xpath=..');
  if (!(await box.evaluate((d) => d.open))) await box.locator(':scope > summary').click();
  for (const [key, value] of Object.entries(fields)) {
    const el = page.locator(`[id="${id}-${key}"]`);  // an id may hold a dot (request.jumps.intensity)
    if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(value);
    else await el.fill(value);
  }
  await page.locator(`#${id} button[type=submit]`).click();
  await page.waitForFunction((id) => {
    const out = document.getElementById(`${id}-out`);
    return out && out.textContent && !out.textContent.startsWith('Loading');
  }, id, WAIT);
  return page.locator(`#${id}-out`).textContent();
}

const fmtPrice = (x) => new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x);

/** Opens a tool's "Show the math" (its steps are asked for only then) and returns how many it lists. */
async function openMath(page, id) {
  await page.locator(`#${id}-out details.math > summary`).click();
  await page.waitForSelector(`#${id}-out details.math[open] li`, WAIT);
  return page.locator(`#${id}-out details.math li`).count();
}

test('every what-if tool computes the core\'s numbers and shows its math', async () => {
  await withPage(async (page) => {
    const s = structuredClone(defaultScenario);
    let text = await compute(page, 't-adjust', { price: '61000', quantityDelta: '0.5' });
    const a = lab.adjust(s, { position: 0, price: 61000, quantityDelta: 0.5 });
    assert.ok(text.includes(fmtPrice(a.entryPrice)), `average entry ${fmtPrice(a.entryPrice)} in: ${text}`);
    assert.ok(text.includes(fmtPrice(a.report.cross.positions[0].liquidationPrice)));
    assert.equal(await page.locator('#t-adjust-out details.math li').count(), 0, 'no steps until the math is opened');
    assert.ok(await openMath(page, 't-adjust') > 0, 'show the math lists steps');

    text = await compute(page, 't-adjust', { quantityDelta: '-0.8' });
    assert.match(text, /flips to short/);

    text = await compute(page, 't-target', { kind: 'roe', target: '50' });
    assert.ok(text.includes(fmtPrice(lab.targetPrice(s, { position: 0, kind: 'roe', target: 0.5 }).price)), text);

    text = await compute(page, 't-max', { price: '61000', leverage: '10' });
    const m = lab.maxOpen(s, { symbol: 'BTCUSDT', contract: 'linear', contractSize: 1, side: 'long', price: 61000, leverage: 10 });
    assert.ok(text.includes(new Intl.NumberFormat('en-US', { maximumSignificantDigits: 10, useGrouping: false }).format(m.quantity)), text);

    text = await compute(page, 't-stop', { entryPrice: '61000', stopPrice: '50000', riskFraction: '1', leverage: '20' });
    assert.match(text, /beyond the liquidation price/);

    text = await compute(page, 't-margin', { targetLiquidationPrice: '50000' });
    const g = lab.marginToTarget(s, { position: 0, targetLiquidationPrice: 50000 });
    assert.ok(text.includes(new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(g.toAdd.isolated)), text);
  });
});

test('stress, cascade, funding, odds and the engine compute on the page', async () => {
  await withPage(async (page) => {
    const s = structuredClone(defaultScenario);
    await compute(page, 't-stress');
    assert.equal(await page.locator('#t-stress-out tbody tr').count(), 11, '-50% to +50% by 10%');
    const grid = lab.stress(s, { shockRange: { from: -0.5, to: 0.5, step: 0.1 }, model: 'oneFactor' });
    assert.equal(grid.cells.length, 11);
    const first = await page.locator('#t-stress-out tbody tr').first().locator('td').nth(4).textContent();
    assert.equal(first, fmtPrice(grid.cells[0].equity.cross));

    const cascade = await compute(page, 't-cascade', { move: '-40', steps: '40' });
    const c = lab.cascade(s, { path: { move: -0.4, steps: 40 } });
    assert.ok(cascade.includes(`Final equity (USDT)${fmtPrice(c.finalEquity)}`), cascade);

    const funding = await compute(page, 't-funding', { rate: '0.01', intervals: '90' });
    const f = lab.funding(s, { position: 0, rate: 0.0001, intervals: 90 });
    assert.ok(funding.includes(fmtPrice(f.liquidationPrice.isolated)), funding);
    assert.ok(await openMath(page, 't-funding') > 0, 'funding shows its steps');

    const odds = await compute(page, 't-odds', { volatility: '60', days: '30' });
    const o = lab.odds(s, { position: 0, volatility: 0.6, days: 30, drift: 0 });
    const pct = (x) => new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x);
    assert.ok(odds.includes(pct(o.probability.isolated)) && odds.includes(pct(o.probability.cross)), odds);

    // Funding in the odds: the liquidation price at the horizon is the core's, and the math shows its steps.
    const funded = await compute(page, 't-odds', { volatility: '60', days: '30', fundingRate: '0.01' });
    const of = lab.odds(s, { position: 0, volatility: 0.6, days: 30, drift: 0, fundingRate: 0.0001, fundingIntervalHours: 8 });
    assert.ok(funded.includes(pct(of.probability.isolated)) && funded.includes(fmtPrice(of.liquidationPriceAtHorizon.isolated)), funded);
    assert.ok(funded.includes('approximate'), 'the closed form says it is approximate');
    assert.ok(await openMath(page, 't-odds') > 0);

    // Value at risk with jumps: the core's VaR on the page, and its math.
    const risk = await compute(page, 't-var', { paths: '2000', steps: '10', seed: '3', 'jumps.intensity': '12' });
    const vr = lab.valueAtRisk(s, { volatility: Object.fromEntries([...new Set(s.positions.map((x) => x.symbol))].map((x) => [x, 0.6])),
      correlation: [[1, 0.8], [0.8, 1]], days: 30, steps: 10, paths: 2000, seed: 3, fundingIntervalHours: 8,
      jumps: { intensity: 12, meanLog: -0.05, stdevLog: 0.1 } });
    assert.deepEqual(vr.errors, []);
    assert.ok(risk.includes(fmtPrice(vr.loss.cross.var99.value)), risk);
    assert.ok(await openMath(page, 't-var') > 0);

    await compute(page, 't-unwind', { style: 'twap', slices: '5' });
    assert.equal(await page.locator('#t-unwind-out tbody tr').count(), 5, 'a row per slice');
    assert.ok(await openMath(page, 't-unwind') > 0);
  });
});

test("the engine's partial liquidation option: a step says why a venue has none, a TWAP is refused at the field", async () => {
  await withPage(async (page) => {
    // The default scenario is Binance's: its step down the tiers is not modelled, so the whole position.
    await compute(page, 't-unwind', { style: 'market', partial: 'venue' });
    const s = structuredClone(defaultScenario);
    const u = lab.unwind(s, { position: 0, mode: 'isolated', style: 'market', partial: 'venue', depthPerPercent: s.positions[0].quantity,
      replenishFraction: 0.5, insuranceFund: 0, order: 'book', slices: 5, visibleSize: s.positions[0].quantity / 4 }, { explain: true });
    assert.equal(u.partialLiquidation, false);
    assert.ok(await openMath(page, 't-unwind') > 0);
    const math = await page.locator('#t-unwind-out details.math').textContent();
    assert.match(math, /No partial liquidation modelled for this venue/);
    assert.ok(u.steps.some((x) => x.code === 'unwind.partialNoRule'));
    await page.locator('#t-unwind-style').selectOption('twap');
    await page.locator('#t-unwind button[type=submit]').click();
    await page.waitForSelector('#t-unwind-partial[aria-invalid="true"]', WAIT);
    assert.match(await page.locator('#t-unwind-partial-err').textContent(), /market/);
  });
});

test('the ADL queue shows the core\'s lights and share, says the crowd is an assumption, and shows its math', async () => {
  await withPage(async (page) => {
    const text = await compute(page, 't-adl', {});
    const s = structuredClone(defaultScenario);
    const a = lab.adlRank(s, { position: 0, mode: 'isolated', pnlQuantiles: [-0.5, -0.1, 0, 0.1, 0.5] });
    assert.deepEqual(a.errors, []);
    assert.ok(text.includes(`${a.lights} of 5 lights`), text);
    const pct = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(a.quantile);
    assert.ok(text.includes(pct), `${pct} in: ${text}`);
    assert.match(text, /assumed distribution of the other traders/);
    assert.ok(await openMath(page, 't-adl') >= 5);
    assert.match(await page.locator('#t-adl-out details.math').textContent(), /an assumption/);
  });
});

test('Monte Carlo runs in a worker with progress, the seed reproduces the core, and cancel stops it', async () => {
  await withPage(async (page) => {
    await compute(page, 't-mc', { paths: '4000', steps: '60', seed: '9' });
    await page.waitForFunction(() => document.querySelector('#t-mc-out progress')?.value >= 4000, null, WAIT);
    const text = await page.locator('#t-mc-out').textContent();
    const s = structuredClone(defaultScenario);
    const t = lab.monteCarlo(s, { volatility: { BTCUSDT: 0.6, ETHUSDT: 0.6 }, correlation: [[1, 0.8], [0.8, 1]], days: 30, steps: 60, paths: 4000, seed: 9 });
    const pct = (x) => new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x);
    for (const mode of ['isolated', 'cross']) assert.ok(text.includes(pct(t.probability[mode])), `${mode}: ${pct(t.probability[mode])} in ${text}`);
    const days = (x) => (x === null ? '—' : `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, useGrouping: false }).format(x)} days`);
    for (const mode of ['isolated', 'cross']) assert.ok(text.includes(days(t.medianDays[mode])), `median ${mode}: ${days(t.medianDays[mode])} in ${text}`);
    // A long run is cancelled before it ends.
    await page.fill('#t-mc-paths', '5000000');
    await page.locator('#t-mc button[type=submit]').click();
    await page.waitForFunction(() => document.querySelector('#t-mc-out progress')?.value > 0, null, WAIT);
    await page.locator('#t-mc-out button', { hasText: 'Cancel' }).click();
    await page.waitForFunction(() => document.querySelector('#t-mc-out')?.textContent.includes('Cancelled'), null, WAIT);
    const value = await page.locator('#t-mc-out progress').evaluate((p) => p.value);
    assert.ok(value < 5000000, 'stopped before the end');
  });
});

test("Monte Carlo's Show the math: the core explains the finished tally (bridge, estimate, interval)", async () => {
  await withPage(async (page) => {
    await compute(page, 't-mc', { paths: '2000', steps: '30', seed: '4' });
    await page.waitForSelector('#t-mc-out details.math', WAIT);
    assert.ok(await openMath(page, 't-mc') > 5);
    const math = await page.locator('#t-mc-out details.math').textContent();
    assert.match(math, /Brownian-bridge/);
    assert.match(math, /exp\(−2·ln\(S_i\/B\)·ln\(S_i\+1\/B\) \/ \(σ²·Δt\)\)/);
    const s = structuredClone(defaultScenario);
    const request = { volatility: { BTCUSDT: 0.6, ETHUSDT: 0.6 }, correlation: [[1, 0.8], [0.8, 1]], days: 30, steps: 30, paths: 2000, seed: 4 };
    const t = lab.monteCarlo(s, request);
    const steps = lab.monteCarlo(s, request, { begin: 2000, end: 2000, tally: t, explain: true }).steps;
    assert.ok(steps.some((x) => x.code === 'mc.standardError' && x.value === t.standardError.isolated));
  });
});

test('the engine steps Binance down its tiers only with the assumption named, and says so', async () => {
  await withPage(async (page) => {
    await compute(page, 't-unwind', { style: 'market', partial: 'venue', stepDown: 'lowerTierAssumed' });
    assert.ok(await openMath(page, 't-unwind') > 0);
    const math = await page.locator('#t-unwind-out details.math').textContent();
    assert.match(math, /Assumed here \(request\.stepDown\)|lowest tier/);
  });
});

test('screenshots of the default page (desktop, 375 px) and of embed mode are saved under build/', async () => {
  mkdirSync(SHOTS, { recursive: true });
  await withPage(async (page) => { await page.screenshot({ path: SHOTS + 'desktop.png', fullPage: true }); });
  await withPage(async (page) => {
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 376));
    await page.screenshot({ path: SHOTS + 'phone.png', fullPage: true });
  }, { width: 375, height: 812 });
  const context = await browser.newContext({ viewport: { width: 800, height: 900 } });
  const page = await context.newPage();
  await page.goto(base + 'index.html?embed=1');
  await page.waitForSelector('html.embed[data-ready="true"]', { state: 'attached', ...WAIT });
  await page.screenshot({ path: SHOTS + 'embed.png', fullPage: true });
  await context.close();
  for (const name of ['desktop', 'phone', 'embed']) assert.ok(readFileSync(SHOTS + name + '.png').length > 10000, name);
});
