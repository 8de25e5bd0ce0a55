// SPDX-License-Identifier: MIT
// Margin by venue's reverse questions and dated parameter sets through marginlab-full.js
// (venue_pm_reverse.h, venue_pm_params.h): a short perpetual under SPAN by hand (size 9, move +9/11),
// every answer re-checked with lab.marginByVenue and lab.evaluateAccount at the answer, OKX's and
// Bybit's January 2025 changes as a diff (VENUES-PM.md 2.2, 3.2), errors at their paths, and misuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import createMarginLab from '../../web/dist/marginlab-full.js';

const lab = await createMarginLab({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab-full.wasm', import.meta.url)) });

const perp = (quantity) => ({ underlying: 'BTC', settlementAsset: 'USDC', symbol: 'BTC-PERPETUAL', side: 'short', quantity,
  entryPrice: 100000 });
const account = {
  version: 3, margin: 'deribitStandard',
  collateral: [{ asset: 'USDC', balance: 100000, price: 1 }],
  underlyings: [{ name: 'BTC', price: 100000 }],
  futures: [perp(1)],
};
const span = [{ underlying: 'BTC', priceScanRange: 0.1, volScanRange: 0 }];

/** SPAN's IM at the account's prices and its equity (the generic rule: USDC at 100%), USD. */
const spanAt = (a) => {
  const m = lab.marginByVenue(a, { venue: 'span', span }).venues[0];
  const e = lab.evaluateAccount(a).account.venue;
  return { im: m.initialMargin, mm: m.maintenanceMargin, equity: e.collateralInitial };
};
const moved = (m) => ({ ...account, underlyings: [{ name: 'BTC', price: 100000 * (1 + m) }] });

test('a short future under SPAN: the new leg\'s size and the liquidating move by hand', () => {
  const answer = lab.venueReverse(account, { venue: 'span', span, newLeg: { future: perp(1) } });
  assert.deepEqual(answer.errors, []);
  const row = answer.venues[0];
  // IM = 0.1 x 100,000 x (1 + q) = 100,000: q = 9
  assert.ok(Math.abs(row.maxNewLegSize.value - 9) < 1e-8, `${row.maxNewLegSize.value}`);
  assert.equal(row.maxNewLegSize.reason, null);
  // 100,000 (1 - m) = 10,000 (1 + m): m = 9/11; no move down liquidates a short
  assert.ok(Math.abs(row.liquidationMove.up.value - 9 / 11) < 1e-8, `${row.liquidationMove.up.value}`);
  assert.equal(row.liquidationMove.down.value, null);
  assert.match(row.liquidationMove.down.reason, /-95%/);
});

test('the answers re-evaluated with marginByVenue and evaluateAccount: equal at the answer, safe inside', () => {
  const row = lab.venueReverse(account, { venue: 'span', span, newLeg: { future: perp(1) } }).venues[0];
  const q = row.maxNewLegSize.value;
  const withLeg = (size) => ({ ...account, futures: [perp(1), perp(size)] });
  const at = spanAt(withLeg(q));
  assert.ok(Math.abs(at.im - at.equity) < 1e-6 * at.equity);
  const inside = spanAt(withLeg(q * (1 - 1e-6)));
  assert.ok(inside.im < inside.equity);
  const m = row.liquidationMove.up.value;
  const there = spanAt(moved(m)), before = spanAt(moved(m - 1e-6));
  assert.ok(Math.abs(there.mm - there.equity) < 1e-6 * there.equity);
  assert.ok(before.mm < before.equity);
});

test('steps only on request: one per answer', () => {
  const plain = lab.venueReverse(account, { venue: 'span', span, newLeg: { future: perp(1) } });
  assert.equal('steps' in plain, false);
  const explained = lab.venueReverse(account, { venue: 'span', span, newLeg: { future: perp(1) } }, { explain: true });
  assert.deepEqual(explained.steps.map((s) => s.code), ['venuePm.maxNewLegSize', 'venuePm.reverseNone', 'venuePm.liquidationMove']);
  assert.equal(explained.steps[0].value, explained.venues[0].maxNewLegSize.value);
});

test('OKX\'s January 2025 sets as a diff (VENUES-PM.md 2.2, announcement of 2025-01-02), with dates for staleness', () => {
  const sets = lab.pmParameterSets('okx');
  assert.deepEqual(sets.map((s) => s.asOf), ['2024-05-11', '2025-01-02', '2025-01-06']);
  const diff = lab.pmParameterDiff('okx', '2024-12-31', '2025-01-10');
  assert.deepEqual(diff.errors, []);
  assert.equal(diff.setA, '2024-05-11');
  assert.equal(diff.setB, '2025-01-06');
  const btc = (name) => diff.changes.find((c) => c.scope === 'BTC ETH' && c.name === name);
  assert.deepEqual([btc('spotMove').before, btc('spotMove').after], [0.15, 0.12]);
  assert.deepEqual([btc('extremeMove').before, btc('extremeMove').after], [0.30, 0.24]);
  assert.deepEqual([btc('basisRisk').before, btc('basisRisk').after], [0.075, 0.05]);
  assert.match(btc('basisRisk').sourceAfter, /2025-01-02/);
  const bybit = lab.pmParameterDiff('bybit', '2025-01-09', '2025-01-10');  // +-15% -> +-10% from 2025-01-10
  assert.deepEqual(bybit.changes.map((c) => [c.scope, c.name, c.before, c.after]), [['BTC ETH', 'priceRange', 0.15, 0.10]]);
  assert.deepEqual(lab.pmParameterSets('span'), []);
});

test('errors at their paths, and misuse', () => {
  const both = lab.venueReverse(account, { newLeg: {}, underlying: 'ETH' });
  assert.deepEqual(both.errors.map((e) => e.path), ['request.underlying', 'request.newLeg']);
  const bad = lab.venueReverse(account, { newLeg: { future: { ...perp(1), entryPrice: -1 } } });
  assert.deepEqual(bad.errors.map((e) => e.path), ['request.newLeg.future.entryPrice']);
  const diff = lab.pmParameterDiff(42, '2025-01-01', 'soon');
  assert.deepEqual(diff.errors.map((e) => [e.path, e.code]), [['venue', 'wrongType'], ['dateB', 'outOfRange']]);
  assert.deepEqual(lab.pmParameterDiff('binance', '2025-01-01', '2025-02-01').errors.map((e) => e.path), ['venue']);
  assert.throws(() => lab.venueReverse(null), TypeError);
});
