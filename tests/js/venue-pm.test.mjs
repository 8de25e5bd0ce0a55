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

test('SPAN-2 and SPAN-3 through the boundary: the inter-commodity credit and the calendar spread charge', () => {
  // VENUES-PM.md SPAN-2: long 2 corn (1,750 a contract), short 1 soybeans (2,500), 2:1 at 55%:
  // 6,000 - 0.55 x (3,500 + 2,500) = 2,700 (tolerance 1e-9 relative).
  const book = {
    version: 3, margin: 'deribitStandard', collateral: [{ asset: 'USD', balance: 100000, price: 1 }],
    underlyings: [{ name: 'CORN', price: 17500, futuresSizeRate: 0.01 }, { name: 'SOY', price: 25000, futuresSizeRate: 0.01 }],
    futures: [{ underlying: 'CORN', settlementAsset: 'USD', symbol: 'CORN', side: 'long', quantity: 2, entryPrice: 17500 },
      { underlying: 'SOY', settlementAsset: 'USD', symbol: 'SOY', side: 'short', quantity: 1, entryPrice: 25000 }],
  };
  const span = [{ underlying: 'CORN', priceScanRange: 0.1 }, { underlying: 'SOY', priceScanRange: 0.1 }];
  const request = { venue: 'span', span, spanInter: [{ first: 'CORN', second: 'SOY', firstDelta: 2, secondDelta: 1, creditRate: 0.55 }] };
  const answer = lab.marginByVenue(book, request, { explain: true });
  assert.deepEqual(answer.errors, []);
  const row = answer.venues[0];
  assert.ok(Math.abs(row.maintenanceMargin - 2700) < 1e-9 * 2700, `${row.maintenanceMargin}`);
  const credits = row.components.filter((c) => c.name === 'interSpreadCredit');
  assert.deepEqual(credits.map((c) => c.leg), ['futures[0]', 'futures[1]']);
  assert.ok(Math.abs(credits[0].value + credits[1].value + 3300) < 1e-9 * 3300);
  assert.equal(answer.steps.filter((s) => s.code === 'venuePm.spanInterCredit').length, 2);
  // VENUES-PM.md SPAN-3, 2v4: month 2 at 500 (5% of 10,000), month 4 at 750 (its tier's 7.5%), charge 50: 250 + 50 = 300.
  const months = {
    version: 3, margin: 'deribitStandard', valuationDate: '2026-01-01', collateral: [{ asset: 'USD', balance: 100000, price: 1 }],
    underlyings: [{ name: 'X', price: 10000, futuresSizeRate: 0.01 }],
    futures: [{ underlying: 'X', settlementAsset: 'USD', symbol: 'X-27FEB26', side: 'long', quantity: 1, entryPrice: 10000 },
      { underlying: 'X', settlementAsset: 'USD', symbol: 'X-24APR26', side: 'short', quantity: 1, entryPrice: 10000 }],
  };
  const tiers = [{ maxYears: 0.2 }, { maxYears: 0.28 }, { maxYears: 0.36, priceScanRange: 0.075 }];
  const intraSpreads = [{ tierA: 0, tierB: 1, charge: 200 }, { tierA: 0, tierB: 2, charge: 50 }, { tierA: 1, tierB: 2, charge: 0 }];
  const calendar = lab.marginByVenue(months, { venue: 'span', span: [{ underlying: 'X', priceScanRange: 0.05, tiers, intraSpreads }] });
  assert.deepEqual(calendar.errors, []);
  assert.ok(Math.abs(calendar.venues[0].maintenanceMargin - 300) < 1e-9 * 300, `${calendar.venues[0].maintenanceMargin}`);
  assert.equal(calendar.venues[0].components.find((c) => c.name === 'intraSpreadCharge').leg, 'futures[1]');
  assert.equal(calendar.steps, undefined);
  const bad = lab.marginByVenue(months, { span: [{ underlying: 'X', priceScanRange: 0.05, tiers: [{ maxYears: 0.3 }, { maxYears: 0.1 }] }] });
  assert.equal(bad.errors[0].path, 'request.span[0].tiers[1].maxYears');
  assert.equal(bad.errors[0].rule, 'venuePmSpanTierOrder');
});
