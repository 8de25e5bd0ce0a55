// SPDX-License-Identifier: MIT
// A reconciliation panel per position: an import of several positions gives one panel for each
// position the venue gives a figure for (and none for one without), each showing the venue's
// number, MarginLab's and the conventions lab.reconcile finds, with its steps under "Show the math";
// the risk lab has one "Venue shows ..." tool per position, and figures typed for two positions
// give two answers; a hostile paste is still refused with its message, the typed text kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DIST, openImport, pasteImport, ready, servedPage } from './helpers.mjs';

const { default: createFull, defaultScenario } = await import(new URL('../../web/dist/marginlab-full.js', import.meta.url).href);
const full = await createFull({ wasmBinary: readFileSync(DIST + 'marginlab-full.wasm') });
const fixture = (f) => readFileSync(new URL(`../fixtures/import/${f}`, import.meta.url), 'utf8');
const WAIT = { timeout: 20000 };
const s = await servedPage();
const price = (x) => new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x);

// The documented hedge-mode response (developers.binance.com Position Information V2): its LONG leg as
// documented; its SHORT leg (size 0 there) given a size, an entry and a liquidation price of 26,000
// CONSTRUCTED for this test, so that both legs carry a venue figure; a constructed account gives the wallet.
const legs = JSON.parse(fixture('binance/positionRisk-v2-hedge.json'));
legs[1] = { ...legs[1], positionAmt: '-0.002', entryPrice: '22000.5', liquidationPrice: '26000' };
const HEDGE = { positionRisk: legs, account: JSON.parse(fixture('binance/account-constructed.json')) };

const openPanel = (page) => openImport(page, s.base);
const paste = pasteImport;

test('an import of two positions with venue figures gives two panels, each the core\'s reconciliation', () => s.withPage(async (page) => {
  const imported = await full.importPositions('binance', HEDGE);
  assert.deepEqual(imported.venueFigures.map((f) => [f.position, f.liquidationPrice]), [[0, 19731.45529116], [1, 26000]]);
  await openPanel(page);
  await paste(page, 'binance', JSON.stringify(HEDGE));
  await page.waitForSelector('#import-reconcile .reconcile-panel', WAIT);
  const panels = page.locator('#import-reconcile .reconcile-panel');
  assert.equal(await panels.count(), 2, 'one panel per position with a venue figure');
  for (const f of imported.venueFigures) {
    const panel = panels.nth(f.position);
    const p = imported.scenario.positions[f.position];
    assert.equal(await panel.getAttribute('data-position'), String(f.position));
    assert.equal((await panel.locator('h4').textContent()).trim(), `${f.position + 1}: ${p.symbol} ${p.side}`);
    const a = full.reconcile(imported.scenario, [{ position: f.position, liquidationPrice: f.liquidationPrice }]).positions[0];
    const row = panel.locator('tr[data-field="liquidationPrice"]');
    assert.equal(await row.locator('td.venue').textContent(), price(f.liquidationPrice), 'the venue\'s number');
    assert.equal(await row.locator('td.ours').textContent(), price(a.marginLab.liquidationPrice), 'MarginLab\'s number');
    const verdict = await panel.locator('.reconcile-verdict').textContent();
    assert.equal(verdict, a.agrees ? 'MarginLab agrees with the venue.' : a.reproduced ? 'Reproduced with these conventions:' : 'No combination reproduces it; the nearest:');
    if (!a.agrees) assert.equal(await row.locator('td.found').textContent(), price(a.figures.liquidationPrice), 'the figure with the conventions found');
    assert.equal(await panel.locator('ul.conventions li').count(), a.agrees ? 0 : Math.max(1, a.conventions.length));
    assert.match(await panel.textContent(), new RegExp(`Combinations tried${a.tried}`));
  }
  // Show the math of the second panel: the core's steps for that position, asked for only now.
  const second = panels.nth(1);
  assert.equal(await second.locator('details.math li').count(), 0);
  await second.locator('details.math > summary').click();
  await second.locator('details.math[open] li').first().waitFor(WAIT);
  const explained = full.reconcile(imported.scenario, [{ position: 1, liquidationPrice: 26000 }], { explain: true }).positions[0];
  assert.equal(await second.locator('details.math li').count(), explained.steps.length);
  assert.equal(await panels.nth(0).locator('details.math li').count(), 0, 'the first panel\'s math stays closed');
}));

test('a documented import of two positions without venue figures gives no panel', () => s.withPage(async (page) => {
  // dYdX's indexer gives no liquidation price (the constructed subaccount in the documented shape, tests/fixtures/import/dydx).
  const imported = await full.importPositions('dydx', fixture('dydx/subaccount-constructed.json'));
  assert.equal(imported.scenario.positions.length, 2);
  await openPanel(page);
  await paste(page, 'dydx', fixture('dydx/subaccount-constructed.json'));
  await page.waitForSelector('#import-load', WAIT);
  assert.match(await page.textContent('#import-result'), /Read 2 positions\./);
  assert.equal(await page.locator('.reconcile-panel').count(), 0);
}));

test('typed figures on two positions give two answers, one per position\'s "Venue shows" tool', () => s.withPage(async (page) => {
  await page.goto(s.base + 'index.html');
  await ready(page);
  await page.locator('#risk').scrollIntoViewIfNeeded();
  await page.waitForSelector('#t-reconcile-1', { ...WAIT, state: 'attached' });
  assert.equal(await page.locator('#risk form[id^="t-reconcile-"]').count(), defaultScenario.positions.length, 'one tool per position');
  assert.equal(await page.locator('#t-reconcile-0-position').count(), 0, 'no position picker');
  const typed = [57100, 2700];
  for (const [i, x] of typed.entries()) {
    const box = page.locator(`#t-reconcile-${i}`).locator('xpath=..');
    assert.match(await box.locator(':scope > summary').textContent(), new RegExp(`^Venue shows another number for ${i + 1}: ${defaultScenario.positions[i].symbol} `));
    await box.locator(':scope > summary').click();
    await page.fill(`#t-reconcile-${i}-liquidationPrice`, String(x));
    await page.locator(`#t-reconcile-${i} button[type=submit]`).click();
    await page.waitForSelector(`#t-reconcile-${i}-out .reconcile-verdict`, WAIT);
  }
  for (const [i, x] of typed.entries()) {
    const a = full.reconcile(defaultScenario, [{ position: i, liquidationPrice: x }]).positions[0];
    const out = page.locator(`#t-reconcile-${i}-out`);
    assert.equal(await out.locator('tr[data-field="liquidationPrice"] td.venue').textContent(), price(x));
    assert.equal(await out.locator('tr[data-field="liquidationPrice"] td.ours').textContent(), price(a.marginLab.liquidationPrice));
    assert.equal(await out.locator('ul.conventions li').count(), a.agrees ? 0 : Math.max(1, a.conventions.length), `position ${i}: ${a.conventions}`);
    if (!a.agrees && !a.conventions.length) assert.equal(await out.locator('ul.conventions li').textContent(), "MarginLab's own conventions");
  }
}));

test('a hostile paste is refused with its message, what was typed kept, no panel drawn', () => s.withPage(async (page) => {
  await openPanel(page);
  const hostile = '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": 1}}}';
  await page.fill('#import-text', hostile);  // typed into the field (fill sends input events, as a paste does)
  await page.click('#import-read');
  await page.waitForSelector('#import-result .import-error', WAIT);
  assert.match(await page.textContent('#import-result .import-error'), /not a response this importer reads; expected GET \/fapi/);
  assert.equal(await page.inputValue('#import-text'), hostile, 'the pasted text stays as typed');
  assert.equal(await page.evaluate(() => ({}).polluted), undefined, 'no prototype pollution');
  assert.equal(await page.locator('.reconcile-panel').count(), 0);
  // After a good import with panels, a hostile paste replaces them with its message and keeps its own text.
  await paste(page, 'binance', JSON.stringify(HEDGE));
  await page.waitForSelector('#import-reconcile .reconcile-panel', WAIT);
  const deep = '['.repeat(5000) + ']'.repeat(5000);
  await paste(page, 'binance', deep);
  await page.waitForSelector('#import-result .import-error', WAIT);
  assert.match(await page.textContent('#import-result .import-error'), /nested deeper than 32 levels/);
  assert.equal(await page.inputValue('#import-text'), deep);
  assert.equal(await page.locator('.reconcile-panel').count(), 0);
}));
