// SPDX-License-Identifier: MIT
// Accounts (scenario version 3) through marginlab-full.js: toAccount and evaluateAccount against
// evaluate and evaluateOptions over every fixture (tests/fixtures/venues.json, the default scenarios),
// number by number; the haircut arithmetic by hand; errors at their paths; misuse; steps only on request.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import createMarginLab, { defaultOptionsScenario, defaultScenario } from '../../web/dist/marginlab-full.js';

const lab = await createMarginLab({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab-full.wasm', import.meta.url)) });
const venues = JSON.parse(readFileSync(new URL('../fixtures/venues.json', import.meta.url), 'utf8'));

/** Every number (and null) of an answer by its path, steps left out. */
function numbers(x, path = '', out = new Map()) {
  if (typeof x === 'number' || x === null) out.set(path, x);
  else if (Array.isArray(x)) x.forEach((e, i) => numbers(e, `${path}[${i}]`, out));
  else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) if (k !== 'steps') numbers(v, `${path}.${k}`, out);
  return out;
}

let compared = 0;
let largest = 0;
/** The kernel's answer inside the account's, number for number; the view's totals at the asset's price. */
function parity(kernel, answer, price, equity, maintenance, available) {
  assert.deepEqual(answer.errors, []);
  const a = numbers(kernel);
  const b = numbers(answer.report ?? answer.optionsResult);
  assert.deepEqual([...b.keys()].sort(), [...a.keys()].filter((k) => k !== '.errors').sort());
  for (const [k, v] of a) assert.equal(b.get(k), v, k);
  const v = answer.account;
  for (const [x, y] of [[v.equity, equity * price], [v.maintenanceMargin, maintenance * price], [v.availableBalance, available * price]]) {
    const scale = Math.max(Math.abs(x), Math.abs(y));
    largest = Math.max(largest, scale === 0 ? 0 : Math.abs(x - y) / scale);
  }
  compared += 1;
}

describe('version 1 and 2 parity: evaluateAccount(toAccount(s)) = evaluate(s) / evaluateOptions(s)', () => {
  const v1 = [['defaultScenario', defaultScenario], ...venues.map((c) => [c.id, c.scenario])];
  for (const [id, scenario] of v1) {
    test(`${id} (version 1)`, () => {
      const converted = lab.toAccount(scenario);
      assert.deepEqual(converted.errors, []);
      assert.equal(converted.account.collateral.length, 1);
      const kernel = lab.evaluate(scenario);
      const answer = lab.evaluateAccount(converted.account);
      const o = kernel.asGiven ?? kernel.cross;
      parity(kernel, answer, converted.account.collateral[0].price, o.account.equity, o.account.maintenanceMargin,
        o.account.availableBalance);
    });
  }
  for (const [id, scenario] of [['defaultOptionsScenario', defaultOptionsScenario],
    ['linear', { ...defaultOptionsScenario, settlement: 'linear', walletBalance: 60000, futures: [],
      options: defaultOptionsScenario.options.map((o) => ({ ...o, premium: o.premium * 60000 })) }]]) {
    test(`${id} (version 2)`, () => {
      const converted = lab.toAccount(scenario);
      assert.deepEqual(converted.errors, []);
      const request = { days: 7, scanPoints: 801 };
      const kernel = lab.evaluateOptions(scenario, request);
      const answer = lab.evaluateAccount(converted.account, request);
      parity(kernel, answer, converted.account.collateral[0].price, kernel.now.equity, kernel.now.maintenanceMargin,
        kernel.now.availableBalance);
    });
  }
  test('every fixture compared', () => {
    console.log(`account parity (JS): ${compared} scenarios, largest relative difference ${largest}`);
    assert.equal(compared, venues.length + 3);
    assert.equal(largest, 0);
  });
});

describe('the account view', () => {
  // Hand calculation (as tests/core/account_test.cpp): BTC 1 at 60,000, haircut 5%; USDT 1,500; a long
  // 10 ETHUSDT at 3,000 marked 2,900, leverage 10, MMR 1%: uPnL -1,000; collateral 57,000 + 500 = 57,500;
  // IM 3,000; MM 290; ratio 290 / 57,500; available 54,500.
  const account = {
    version: 3, rules: 'binance',
    collateral: [{ asset: 'BTC', balance: 1, price: 60000, haircut: 0.05 }, { asset: 'USDT', balance: 1500, price: 1 }],
    underlyings: [{ name: 'ETH', price: 2900 }],
    futures: [{ underlying: 'ETH', settlementAsset: 'USDT', symbol: 'ETHUSDT', side: 'long', quantity: 10, entryPrice: 3000, leverage: 10 }],
    tiers: { ETHUSDT: [{ notionalCap: 1e9, maxLeverage: 100, maintenanceMarginRate: 0.01, maintenanceAmount: 0 }] },
  };
  test('haircuts by hand', () => {
    const r = lab.evaluateAccount(account);
    assert.deepEqual(r.errors, []);
    assert.equal(r.report, undefined);
    const v = r.account;
    const close = (x, y) => assert.ok(Math.abs(x - y) <= 1e-12 * Math.abs(y), `${x} vs ${y}`);
    close(v.collateralValue, 57500);
    close(v.equity, 60500);
    close(v.initialMargin, 3000);
    close(v.maintenanceMargin, 290);
    close(v.marginRatio, 290 / 57500);
    close(v.availableBalance, 54500);
    assert.equal(v.assets[1].asset, 'USDT');
    close(v.assets[1].unrealizedPnl, -1000);
  });
  test('steps only with { explain: true }, and no number changes', () => {
    const plain = lab.evaluateAccount(account);
    assert.ok(!('steps' in plain));
    const explained = lab.evaluateAccount(account, undefined, { explain: true });
    assert.ok(explained.steps.length >= 6);
    assert.deepEqual(numbers(explained), numbers(plain));
    assert.ok(explained.steps.some((s) => s.field === 'account.collateralValue' && s.value === plain.account.collateralValue));
  });
  test('errors at their paths, never NaN', () => {
    const bad = structuredClone(account);
    bad.collateral[0].haircut = 1.5;
    bad.collateral[1].price = 'one';
    bad.futures[0].underlying = 'SOL';
    bad.options = [{ underlying: 'ETH', settlementAsset: 'USDC', type: 'call', strike: 3000, expiryYears: 0.1, side: 'long', quantity: 1, premium: 1 }];
    const r = lab.evaluateAccount(bad);
    const pairs = r.errors.map((e) => `${e.path} ${e.rule}`);
    for (const want of ['collateral[0].haircut accountHaircut', 'collateral[1].price wrongType',
      'futures[0].underlying accountUnknownUnderlying', 'options[0].settlementAsset accountUnknownAsset',
      'options[0] accountOptionsNeedDeribit']) assert.ok(pairs.includes(want), `${want} in ${pairs.join(', ')}`);
    assert.ok(!('account' in r));
    const many = lab.evaluateAccount({ collateral: Array.from({ length: 51 }, (_, i) => ({ asset: `A${i}`, balance: 1, price: 1 })) });
    assert.deepEqual(many.errors.map((e) => `${e.path} ${e.code}`), ['collateral tooMany']);
    const nan = lab.evaluateAccount({ collateral: [{ asset: 'X', balance: NaN, price: 1 }] });
    assert.deepEqual(nan.errors.map((e) => `${e.path} ${e.code}`), ['collateral[0].balance notFinite']);
    assert.deepEqual(lab.toAccount({ ...defaultScenario, walletBalance: -1 }).errors.map((e) => e.path), ['walletBalance']);
  });
  test('misuse throws TypeError', () => {
    assert.throws(() => lab.evaluateAccount(null), TypeError);
    assert.throws(() => lab.evaluateAccount(account, 5), TypeError);
    assert.throws(() => lab.evaluateAccount(account, undefined, true), TypeError);
    assert.throws(() => lab.toAccount([]), TypeError);
  });
});

describe('venue rule sets, liquidation prices and the boundary', () => {
  const close = (x, y, tol = 1e-12) => assert.ok(Math.abs(x - y) <= tol * Math.max(1, Math.abs(y)), `${x} vs ${y}`);
  test('accountVenues: every pack dated and sourced; the unverified values only on request', () => {
    const packs = lab.accountVenues();
    assert.deepEqual(packs.map((r) => r.venue), ['generic', 'binanceUnified', 'bybitUnified', 'okxMultiCurrency', 'deribitCross', 'hyperliquidCross']);
    for (const r of packs.slice(1)) assert.ok(r.source.length > 10 && /^\d{4}-\d{2}-\d{2}$/.test(r.date), r.venue);
    const binance = packs[1];
    assert.deepEqual(binance.collateral, []);
    assert.equal(binance.otherRatio, undefined);
    const unverified = lab.accountVenues({ unverified: true });
    assert.equal(unverified[1].otherRatio, 0.1);
    assert.equal(unverified[4].haircutMaintenance, false);
    assert.throws(() => lab.accountVenues(3), TypeError);
  });
  test('BPM-1 [PUB] and BUA-3 [DERIVED] through the JS API, the packs edited by the user', () => {
    const binance = lab.accountVenues({ unverified: true })[1];
    // 6,000 BTC at 20,000: 100M x 1 + 20M x 0.975 = 119,500,000.
    const b = lab.evaluateAccount({ collateral: [{ asset: 'BTC', balance: 6000, price: 20000 }], venue: binance });
    assert.deepEqual(b.errors, []);
    close(b.account.collateralValue, 119500000);
    assert.equal(b.account.assets[0].tier, 1);
    // Bybit's illustrative tiers, 25 BTC + 10,000 USDT: 10 x 0.98 + 10 x 0.95 + 5 x 0.9 = 23.8 BTC -> 2,390,000.
    const bybit = lab.accountVenues()[2];
    const account = { collateral: [{ asset: 'BTC', balance: 25, price: 100000 }, { asset: 'USDT', balance: 10000, price: 1 }], venue: bybit };
    close(lab.evaluateAccount(account).account.collateralValue, 2390000);
    const edited = structuredClone(account);
    edited.venue.collateral[0].bands[0].ratio = 1;  // the user's own ratio: (10 x 1 + 10 x 0.95 + 5 x 0.9) x 100,000 + 10,000
    close(lab.evaluateAccount(edited).account.collateralValue, 2410000);
    const explained = lab.evaluateAccount(account, undefined, { explain: true });
    const step = explained.steps.find((s) => s.code === 'account.tiers');
    assert.equal(step.substituted, '(10 x 0.98 + 10 x 0.95 + 5 x 0.9) x 100000');
  });
  test('a liquidation price by hand (BUA-4): 50,000 USDT, long 12.5 BTC at 100,000, MMR 1%', () => {
    const account = {
      rules: 'binance', venue: lab.accountVenues()[2],
      collateral: [{ asset: 'USDT', balance: 50000, price: 1, beta: 0 }],
      underlyings: [{ name: 'BTC', price: 100000 }],
      futures: [{ underlying: 'BTC', settlementAsset: 'USDT', symbol: 'BTCUSDT', side: 'long', quantity: 12.5, entryPrice: 100000, leverage: 100 }],
      tiers: { BTCUSDT: [{ notionalCap: 1e12, maxLeverage: 100, maintenanceMarginRate: 0.01, maintenanceAmount: 0 }] },
    };
    const v = lab.evaluateAccount(account).account;
    close(v.venue.marginRatio, 0.25);
    assert.equal(v.venue.zone, 'normal');
    close(v.liquidation[0].below, 1200000 / 12.375, 1e-15);  // (1,250,000 - 50,000) / (12.5 x 0.99)
    assert.equal(v.liquidation[0].above, null);
    close(v.oneFactor.moveDown, 1200000 / 12.375 / 100000 - 1);
  });
  test('accountBoundary: two linear perpetuals, a straight line, chart-ready', () => {
    // headroom = 29,700 x + 59,400 y + 19,100 (tests/core/account_test.cpp); nearest point c (a, b) / (a^2 + b^2).
    const account = {
      rules: 'binance', collateral: [{ asset: 'USDT', balance: 20000, price: 1 }],
      underlyings: [{ name: 'ETH', price: 3000 }, { name: 'BTC', price: 60000 }],
      futures: [
        { underlying: 'ETH', settlementAsset: 'USDT', symbol: 'ETHUSDT', side: 'long', quantity: 10, entryPrice: 3000, leverage: 50 },
        { underlying: 'BTC', settlementAsset: 'USDT', symbol: 'BTCUSDT', side: 'long', quantity: 1, entryPrice: 60000, leverage: 50 }],
      tiers: { ETHUSDT: [{ notionalCap: 1e12, maxLeverage: 100, maintenanceMarginRate: 0.01, maintenanceAmount: 0 }],
        BTCUSDT: [{ notionalCap: 1e12, maxLeverage: 100, maintenanceMarginRate: 0.01, maintenanceAmount: 0 }] },
    };
    const request = { x: { asset: 'ETH', from: -0.9, to: 0.3 }, y: { asset: 'BTC', from: -0.6, to: 0.3 }, n: 25 };
    const r = lab.accountBoundary(account, request);
    assert.deepEqual(r.errors, []);
    assert.equal(r.xs.length, 25);
    assert.equal(r.headroom.length, 25);
    assert.equal(r.headroom[0].length, 25);
    assert.deepEqual(r.today, { x: 0, y: 0 });
    assert.equal(r.lines.length, 1);
    assert.equal(r.lines[0].x.length, r.lines[0].y.length);
    r.lines[0].x.forEach((x, k) => assert.ok(Math.abs(29700 * x + 59400 * r.lines[0].y[k] + 19100) / 59400 < 1e-12));
    const d2 = 29700 ** 2 + 59400 ** 2;
    assert.ok(Math.abs(r.nearest.x + 19100 * 29700 / d2) < 1e-9);
    assert.ok(Math.abs(r.nearest.y + 19100 * 59400 / d2) < 1e-9);
    assert.ok(!('steps' in r));
    const explained = lab.accountBoundary(account, request, { explain: true });
    assert.equal(explained.steps.length, 4);
    assert.deepEqual(numbers(explained), numbers(r));
    const bad = lab.accountBoundary(account, { x: { asset: 'SOL' }, y: { asset: 'BTC', from: -2 }, n: 500 });
    assert.deepEqual(bad.errors.map((e) => `${e.path} ${e.rule}`).sort(),
      ['request.n whole', 'request.x.asset accountAxisAsset', 'request.y accountAxisRange']);
    assert.throws(() => lab.accountBoundary(account), TypeError);
    assert.throws(() => lab.accountBoundary(null, request), TypeError);
  });
  test('BUA-1 [PUB]: a short put under Bybit UTA cross margin (tiers), with its steps', () => {
    // Sell 1 BTC 18,500 put, U = 20,250, mark 290, entry 280: MM = 607.5 + 290 + 40.5 = 938 USDC;
    // IM = max(max(3,037.5 - 1,750, 2,025) + 290, 938) = 2,315 USDC. The mark: Black-76 at the
    // volatility that prices the put at 290 (rate 0, 14 days).
    const years = 14 / 365;
    const iv = lab.impliedVolatility({ type: 'put', strike: 18500, forward: 20250, years, price: 290 });
    assert.deepEqual(iv.errors, []);
    const account = { margin: 'tiers', venue: lab.accountVenues()[2],
      collateral: [{ asset: 'USDC', balance: 10000, price: 1 }], underlyings: [{ name: 'BTC', price: 20250 }],
      options: [{ underlying: 'BTC', settlementAsset: 'USDC', contract: 'linear', type: 'put', strike: 18500, expiryYears: years,
        side: 'short', quantity: 1, premium: 280, volatility: iv.volatility }] };
    const r = lab.evaluateAccount(account, undefined, { explain: true });
    assert.deepEqual(r.errors, []);
    close(r.account.positions[0].maintenanceMargin, 938, 1e-9);
    close(r.account.positions[0].initialMargin, 2315, 1e-9);
    close(r.account.positions[0].unrealizedPnl, 280);  // the premium received: no option value in the margin balance
    assert.ok(r.steps.some((s) => s.field === 'account.positions[0].maintenanceMargin' && s.value === r.account.positions[0].maintenanceMargin));
    const okx = lab.evaluateAccount({ ...account, venue: lab.accountVenues()[3] });
    assert.deepEqual(okx.errors.map((e) => `${e.path} ${e.rule}`), ['options[0] accountOptionsNeedDeribit']);
  });
  test('venue errors at their paths', () => {
    const r = lab.evaluateAccount({ collateral: [{ asset: 'BTC', balance: 1, price: 1, beta: 99 }],
      venue: { collateral: [{ asset: 'BTC', bands: [{ from: 5, ratio: 2 }] }], liquidation: -1 } });
    assert.deepEqual(r.errors.map((e) => `${e.path} ${e.rule}`).sort(), ['collateral[0].beta accountBeta',
      'venue.collateral[0].bands[0].from accountBandStart', 'venue.collateral[0].bands[0].ratio accountHaircut', 'venue.liquidation accountLevel']);
  });
});
