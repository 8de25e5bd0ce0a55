// SPDX-License-Identifier: MIT
// Margin by venue through marginlab-full.js (venue_pm.h): the ten short puts under Deribit's
// extended table by hand (Black-76 from lab.black76, weight 0.16/0.66, dampener 100,000 USD), the
// calendar spread's roll shock per leg, unsupported venues as { venue, kind, supported, reason },
// errors at their paths, steps only on request, and misuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import createMarginLab from '../../web/dist/marginlab-full.js';

const lab = await createMarginLab({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab-full.wasm', import.meta.url)) });

const puts = {
  version: 3, margin: 'deribitStandard',
  collateral: [{ asset: 'BTC', balance: 5, price: 100000 }],
  underlyings: [{ name: 'BTC', price: 100000 }],
  options: [{ underlying: 'BTC', settlementAsset: 'BTC', contract: 'inverse', type: 'put', strike: 70000, expiryYears: 30 / 365,
    side: 'short', quantity: 10, premium: 0.001, volatility: 0.6 }],
};
const price = (forward, volatility) => lab.black76({ type: 'put', strike: 70000, forward, volatility, years: 30 / 365 }).price;

test('ten short puts 30% OTM: the extended table at -66%, weighted and dampened, by hand', () => {
  const answer = lab.marginByVenue(puts, { asOf: '2025-06-01' });
  assert.deepEqual(answer.errors, []);
  const deribit = answer.venues.find((v) => v.venue === 'deribit' && v.kind === 'portfolio');
  const loss = 10 * (price(34000, 0.9) / 34000 - price(100000, 0.6) / 100000);  // vol up: 0.6 x (1 + 0.5)
  const expected = (loss * (0.16 / 0.66) * 100000 - 100000) / 100000;
  assert.ok(Math.abs(deribit.initialMargin - expected) < 1e-9 * expected, `${deribit.initialMargin} vs ${expected}`);
  assert.ok(Math.abs(deribit.maintenanceMargin - 0.8 * expected) < 1e-9 * expected);
  assert.equal(deribit.currency, 'BTC');
  const worst = deribit.components[0];
  assert.equal(worst.name, 'worstCase.extended');
  assert.equal(worst.leg, 'options[0]');
  assert.equal(worst.scenario.priceMove, -0.66);
  const grid = deribit.grids.find((g) => g.name === 'extended');
  assert.equal(grid.priceMoves[grid.worstPriceMove], -0.66);
  assert.equal(grid.pnl.length, grid.volShocks.length);
  assert.equal(grid.pnl[0].length, grid.priceMoves.length);
  assert.deepEqual(answer.venues.find((v) => v.venue === 'binance'),
    { venue: 'binance', kind: 'portfolio', supported: false, reason: 'Binance portfolio margin has no rules for these options' });
  assert.deepEqual(Object.keys(answer.venues.find((v) => v.venue === 'span')), ['venue', 'kind', 'supported', 'reason']);
  assert.equal(answer.steps, undefined);
});

test('a calendar spread at its own marks: a roll shock per leg; SPAN with its parameters', () => {
  const account = {
    version: 3, margin: 'deribitStandard', valuationDate: '2024-06-17',
    collateral: [{ asset: 'USD', balance: 1e6, price: 1 }],
    underlyings: [{ name: 'BTC', price: 100000 }],
    futures: [
      { underlying: 'BTC', settlementAsset: 'USD', symbol: 'BTC-28JUN24', side: 'long', quantity: 100, entryPrice: 100000, markPrice: 100000 },
      { underlying: 'BTC', settlementAsset: 'USD', symbol: 'BTC-27SEP24', side: 'short', quantity: 100, entryPrice: 101000, markPrice: 101000 }],
  };
  const answer = lab.marginByVenue(account, { span: [{ underlying: 'BTC', priceScanRange: 0.1 }] }, { explain: true });
  assert.deepEqual(answer.errors, []);
  const deribit = answer.venues.find((v) => v.venue === 'deribit' && v.kind === 'portfolio');
  const rolls = deribit.components.filter((c) => c.name === 'rollShock');
  assert.deepEqual(rolls.map((c) => c.leg), ['futures[0]', 'futures[1]']);
  assert.ok(Math.abs(rolls[0].value - 100 * 100000 * 0.01) < 1e-6);  // the 1% floor: 11 days x 10%/year is less
  // SPAN: -100,000 m per unit move, worst at +10%: 10,000 USD (scenario 11 or 12)
  const span = answer.venues.find((v) => v.venue === 'span');
  assert.ok(Math.abs(span.maintenanceMargin - 10000) < 1e-6, String(span.maintenanceMargin));
  assert.ok(answer.steps.length > 0);
  // OKX MR7 (VENUES-PM.md 2.2, okxMr7Rate assumed 0.05%): raw = 0.0005 x (100 x 100,000 + 100 x 101,000) =
  // 10,050 USD, in the (10k, 70k] tier of the BTC multipliers: x 2 = 20,100; its step names the multiplier.
  const okx = lab.marginByVenue(account, { venue: 'okx', asOf: '2024-12-01', okxMr7Rate: 0.0005 }, { explain: true });
  assert.ok(Math.abs(okx.venues[0].components.find((c) => c.name === 'MR7').value - 20100) < 1e-8);
  assert.equal(okx.steps.find((s) => s.code === 'venuePm.okxMinimumCharge').params.multiplier, 2);
  // Bybit's delta spread: 100 BTC matched, 28JUN24 -> 27SEP24 = 91 days apart, x 100,000 x 45% (default).
  const bybit = answer.venues.find((v) => v.venue === 'bybit');
  const spread = bybit.components.find((c) => c.name === 'deltaSpreadContingency');
  assert.equal(spread.leg, 'futures[1]');
  assert.ok(Math.abs(spread.value - (91 / 365) * 100 * 100000 * 0.45) < 1e-6, String(spread.value));
});

test('errors at their paths; misuse throws', () => {
  const answer = lab.marginByVenue(puts, { asOf: 'June', venue: 'cme', okxExtremeCoverage: 2 });
  assert.deepEqual(answer.errors.map((e) => e.path), ['request.asOf', 'request.venue', 'request.okxExtremeCoverage']);
  assert.deepEqual(lab.marginByVenue(puts, { deribitRollShock: 'weekly' }).errors.map((e) => e.path), ['request.deribitRollShock']);
  const bad = lab.marginByVenue(puts, { okxMr2Days: -1, okxMr3Points: 4, okxMr5RateShock: 1, okxMr7Rate: 0.5, okxMr8Rate: 2, okxMr9Factor: -0.1,
    bybitDeltaSpreadFactor: 2 });
  assert.deepEqual(bad.errors.map((e) => e.path), ['request.okxMr2Days', 'request.okxMr3Points', 'request.okxMr5RateShock', 'request.okxMr7Rate',
    'request.okxMr8Rate', 'request.okxMr9Factor', 'request.bybitDeltaSpreadFactor']);
  assert.match(bad.errors[0].message, /request\.okxMr2Days \(-1\) must be between 0 and 365/);
  assert.deepEqual(lab.marginByVenue(puts, { deribitDeltaShock: 'always' }).errors.map((e) => e.path), ['request.deribitDeltaShock']);
  assert.throws(() => lab.marginByVenue(null), TypeError);
  assert.throws(() => lab.marginByVenue(puts, 5), TypeError);
});
