// SPDX-License-Identifier: MIT
// "Import from exchange" on the page: a documented Binance response (with a constructed account
// response for the wallet) pasted, read, shown with the venue's figure, loaded into the calculator,
// and Back brings the previous scenario back; hostile pastes (10 MB, deep nesting, __proto__, the
// wrong venue) are refused with a clear message and the scenario stays. Nothing leaves the origin
// (withPage checks every request).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { defaultScenario, expectedLiquidation, expectShown, openImport, pasteImport, servedPage, WAIT } from './helpers.mjs';

const fixture = (f) => readFileSync(new URL(`../fixtures/import/${f}`, import.meta.url), 'utf8');
const s = await servedPage();

// The documented hedge-mode response with its SHORT leg open (constructed from the documented row) and a wallet.
const legs = JSON.parse(fixture('binance/positionRisk-v2-hedge.json'));
legs[1] = { ...legs[1], positionAmt: '-0.002', entryPrice: '22000.5' };
const PASTE = JSON.stringify({ positionRisk: legs, account: JSON.parse(fixture('binance/account-constructed.json')) });
const IMPORTED = {
  version: 1, rules: 'binance', walletBalance: 1000, positions: [
    { symbol: 'BTCUSDT', contract: 'linear', side: 'long', quantity: 0.001, entryPrice: 22185.2, markPrice: 21123.05052574, leverage: 4, marginMode: 'cross' },
    { symbol: 'BTCUSDT', contract: 'linear', side: 'short', quantity: 0.002, entryPrice: 22000.5, markPrice: 21123.05052574, leverage: 4, marginMode: 'cross' },
  ],
};

const openPanel = (page) => openImport(page, s.base);
const paste = pasteImport;

test('a documented response imports, shows the venue figure, loads, and Back restores the scenario', () => s.withPage(async (page) => {
  await openPanel(page);
  await paste(page, 'binance', PASTE);
  await page.waitForSelector('#import-load', WAIT);
  const shown = await page.textContent('#import-result');
  assert.match(shown, /Read 2 positions\./);
  assert.match(shown, /BTCUSDT long: Venue 19,731\.46 · MarginLab \(cross\) /);
  assert.match(shown, /positionRisk\[0\]\.entryPrice → positions\[0\]\.entryPrice = 22185\.2\n?/);
  await page.click('#import-load');
  await expectShown(page, expectedLiquidation(IMPORTED), 'the imported scenario is the calculator\'s');
  await page.goBack();
  await expectShown(page, expectedLiquidation(defaultScenario), 'Back brings the example back');
}));

test('OKX positions with a pasted position-tiers answer: the row the size takes, shown as mapped', () => s.withPage(async (page) => {
  await openPanel(page);
  const positions = JSON.parse(fixture('okx/signal-positions-swap.json'));
  Object.assign(positions.data[0], { pos: '6000', avgPx: '3000', markPx: '3000', lever: '20', mgnMode: 'isolated', margin: '90000' });
  await paste(page, 'okx', JSON.stringify({ positions, positionTiers: JSON.parse(fixture('okx/position-tiers-swap-constructed.json')),
    margin: JSON.parse(fixture('okx/position-tiers.json')) }));
  await page.waitForSelector('#import-load', WAIT);
  const shown = await page.textContent('#import-result');
  assert.match(shown, /Read 1 position\./);
  // 5,000 < 6,000 <= 10,000 contracts: OKX's tier 2 of ETH-USDT (MMR 0.5%, 66.66x).
  assert.match(shown, /positionTiers\.data\[1\]\.mmr → tiers\.ETH-USDT-SWAP\[0\]\.maintenanceMarginRate = 0\.005/);
  assert.match(shown, /margin\.data\[0\]: position tiers of BTC-USDT: no position of this instrument/);
}));

test('hostile pastes: a clear message, the scenario kept', () => s.withPage(async (page) => {
  await openPanel(page);
  const before = expectedLiquidation(defaultScenario);
  const cases = [
    ['binance', 'x'.repeat(10 * 1024 * 1024), /is 10485760 characters; at most 2097152 \(2 MiB\) are read\. Nothing was changed\./],
    ['binance', '['.repeat(200000) + ']'.repeat(200000), /nested deeper than 32 levels/],
    ['binance', '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": 1}}}', /not a response this importer reads; expected GET \/fapi/],
    ['binance', fixture('bybit/position-list-inverse.json'), /expected GET \/fapi\/v2 or v3\/positionRisk/],
    ['okx', fixture('okx/positions-margin.json'), /MARGIN positions are not imported/],
    ['okx', fixture('okx/position-tiers.json'), /no open position to import in this okx response \(position tiers of BTC-USDT/],
  ];
  for (const [venue, text, message] of cases) {
    await paste(page, venue, text);
    await page.waitForSelector('#import-result .import-error', WAIT);
    assert.match(await page.textContent('#import-result .import-error'), message);
    assert.equal(await page.evaluate(() => ({}).polluted), undefined, 'no prototype pollution');
    await expectShown(page, before, 'the scenario on the page stays');
    await page.evaluate(() => document.getElementById('import-result').replaceChildren());
  }
}));
