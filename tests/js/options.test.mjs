// SPDX-License-Identifier: MIT
// Options accounts (scenario version 2) through the JS API of marginlab-full.js: Deribit's worked
// examples, liquidation prices against the sweep, Black-76 identities, the isolated view, the
// portfolio grid, and the boundary (paths, codes, null never NaN, misuse, the d.ts's shapes).
// The maths is tested in tests/core/options_test.cpp and black_test.cpp.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import createMarginLab, { defaultOptionsScenario } from '../../web/dist/marginlab-full.js';

let lab;
before(async () => {
  lab = await createMarginLab({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab-full.wasm', import.meta.url)) });
});
const dts = readFileSync(new URL('../../web/dist/marginlab.d.ts', import.meta.url), 'utf8');

const scenario = () => structuredClone(defaultOptionsScenario);
const within = (actual, expected, rel, what) =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: ${actual} vs ${expected} (rel ${rel})`);

/** No NaN, no Infinity, no undefined anywhere in an answer. */
function assertClean(value, where = 'answer') {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${where} is finite (got ${value})`);
  else if (value === undefined) assert.fail(`${where} is undefined`);
  else if (Array.isArray(value)) value.forEach((v, i) => assertClean(v, `${where}[${i}]`));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) assertClean(v, `${where}.${k}`);
}

/** The property names of `export interface <name> { ... }` in marginlab.d.ts, in order. */
function declared(name) {
  const m = dts.match(new RegExp(`export interface ${name}\\s*\\{([\\s\\S]*?)\\n\\}`));
  assert.ok(m, `marginlab.d.ts declares ${name}`);
  const body = m[1].replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return [...body.matchAll(/^\s*(\w+)\??\s*:/gm)].map((x) => x[1]);
}
const keys = (o) => Object.keys(o);

/** `path` ("options[1].strike", "request.days", "volSurface.vols[0][2]") names a field of the input; a
 *  missing field's parent exists. */
function resolves(input, path, code) {
  const segs = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
  let value = input;
  for (let i = 0; i < segs.length; ++i) {
    if (value === null || typeof value !== 'object') return false;
    if (!(segs[i] in value)) return code === 'missing' && i === segs.length - 1;
    value = value[segs[i]];
  }
  return true;
}
const pairs = (errors) => errors.map((e) => `${e.path} ${e.code}`).sort();

/** A one-option coin-settled account at U with the given option (and nothing else). */
const oneOption = (option, u = 50000, walletBalance = 1) =>
  ({ version: 2, underlying: 'BTC', settlement: 'inverse', walletBalance, underlyingPrice: u, options: [option] });

describe('Deribit standard margin through the API', () => {
  // Source: VENUES.md 5.2, DB-5 and DB-6 (derived from the 5.1 formulas). The option's mark is made
  // 0.01 / 0.02 BTC by solving its volatility with impliedVolatility, then evaluateOptions prices it.
  // Tolerance 1e-9 absolute in BTC (the volatility solves to 1e-12).
  const years = 30 / 365;
  for (const [id, type, strike, mark, im, mm] of [
    ['DB-5', 'call', 55000, 0.01, 0.11, 0.085],
    ['DB-6', 'put', 45000, 0.02, 0.12, 0.095],
  ]) {
    test(`${id}: short ${type} K=${strike}, U=50000, mark ${mark} BTC: IM ${im}, MM ${mm}`, () => {
      const iv = lab.impliedVolatility({ type, strike, forward: 50000, years, price: mark * 50000 });
      assert.deepEqual(iv.errors, []);
      const r = lab.evaluateOptions(oneOption({ type, strike, expiryYears: years, side: 'short', quantity: 1, premium: mark,
        volatility: iv.volatility }), undefined, { explain: true });
      assert.deepEqual(r.errors, []);
      const o = r.options[0];
      assert.ok(Math.abs(o.markPrice - mark) <= 1e-12, `mark ${o.markPrice}`);
      assert.ok(Math.abs(o.initialMargin - im) <= 1e-9, `IM ${o.initialMargin}`);
      assert.ok(Math.abs(o.maintenanceMargin - mm) <= 1e-9, `MM ${o.maintenanceMargin}`);
      assert.ok(Math.abs(r.now.maintenanceMargin - mm) <= 1e-9);
      assert.ok(Math.abs(r.isolated.options[0].postedMargin - im) <= 1e-9, 'isolated: IM is the posted margin');
      assert.ok(o.steps.some((s) => s.field === 'options[0].initialMargin' && s.value === o.initialMargin));
    });
  }
});

describe('evaluateOptions', () => {
  test('the default options scenario evaluates, with two cross liquidation prices', () => {
    const r = lab.evaluateOptions(scenario());
    assert.deepEqual(r.errors, []);
    assertClean(r);
    assert.equal(r.now.liquidationPrices.length, 2);
    const [low, high] = r.now.liquidationPrices;
    assert.ok(low.price < 60000 && low.liquidatedBelow);
    assert.ok(high.price > 60000 && !high.liquidatedBelow);
    assert.equal(r.volShifted.length, 2);
    assert.equal(r.options.length, 2);
    assert.equal(r.futures.length, 1);
    assert.ok(r.options.every((o) => o.volatilityFromSurface));
    assert.ok(Object.isFrozen(defaultOptionsScenario) && Object.isFrozen(defaultOptionsScenario.options[0]));
  });

  test('the answer has the d.ts shapes, field for field in order; steps only with { explain: true }', () => {
    const noSteps = (name) => declared(name).filter((k) => k !== 'steps');
    for (const explain of [false, true]) {
      const shape = (name) => (explain ? declared(name) : noSteps(name));
      const r = lab.evaluateOptions(scenario(), { days: 7 }, explain ? { explain } : undefined);
      assert.deepEqual(keys(r), ['errors', ...shape('OptionsAccountResult')]);
      for (const view of [r.now, r.later, ...r.volShifted]) assert.deepEqual(keys(view), shape('OptionsAccountView'));
      assert.deepEqual(keys(r.now.liquidationPrices[0]), declared('LiquidationCrossing'));
      assert.deepEqual(keys(r.options[0]), shape('OptionValuation'));
      assert.deepEqual(keys(r.options[0].greeks), declared('Black76Greeks'));
      assert.deepEqual(keys(r.futures[0]), shape('FutureValuation'));
      assert.deepEqual(keys(r.isolated), declared('IsolatedPositions'));
      for (const p of [...r.isolated.options, ...r.isolated.futures]) {
        assert.deepEqual(keys(p), shape('IsolatedPosition'));
        assert.deepEqual(keys(p.now), declared('IsolatedHorizon'));
        assert.deepEqual(keys(p.later), declared('IsolatedHorizon'));
      }
      const g = lab.portfolioMargin(scenario(), undefined, explain ? { explain } : undefined);
      assert.deepEqual(keys(g), ['errors', ...shape('PortfolioMarginResult')]);
      assert.deepEqual(keys(lab.black76({ type: 'call', strike: 1, forward: 1, volatility: 0.5, years: 1 }, { explain })),
        ['errors', ...declared('Black76Greeks')]);
    }
  });

  test('explain: the same numbers, steps everywhere, and { explain: false } is the same as none', () => {
    const strip = (x) => JSON.parse(JSON.stringify(x, (k, v) => (k === 'steps' ? undefined : v)));
    const plain = lab.evaluateOptions(scenario(), { days: 7 });
    const explained = lab.evaluateOptions(scenario(), { days: 7 }, { explain: true });
    assert.deepEqual(strip(explained), plain);
    assert.deepEqual(lab.evaluateOptions(scenario(), { days: 7 }, { explain: false }), plain);
    assert.deepEqual(lab.evaluateOptions(scenario(), { days: 7 }, {}), plain);
    assert.ok(!JSON.stringify(plain).includes('"steps"'));
    for (const part of [explained, explained.now, explained.later, ...explained.options, ...explained.futures,
      ...explained.isolated.options, ...explained.isolated.futures]) assert.ok(part.steps.length > 0);
    assert.equal(explained.now.steps[6].value, explained.now.liquidationPrices[0].price);
    const iv = lab.impliedVolatility({ type: 'call', strike: 50000, forward: 60000, years: 0.1, price: 11000 }, { explain: true });
    assert.deepEqual(keys(iv), ['errors', ...declared('ImpliedVolatility')]);
    assert.equal(iv.steps.at(-1).value, iv.volatility);
    assert.equal(iv.steps[0].formula, 'P = C - discount (F - K)');  // in the money: solved on the put
  });

  test('a short straddle has two cross liquidation prices; at each the swept equity equals maintenance', () => {
    // 1e-9 relative: Brent refines each crossing to 1e-12 of the price.
    const s = scenario();
    s.futures = [];
    s.options[1].strike = 60000;
    const r = lab.evaluateOptions(s);
    assert.deepEqual(r.errors, []);
    const crossings = r.now.liquidationPrices;
    assert.equal(crossings.length, 2);
    const prices = new Float64Array(crossings.map((c) => c.price));
    const equity = new Float64Array(2), maintenance = new Float64Array(2);
    assert.deepEqual(lab.optionsSweep(s, prices, equity, maintenance).errors, []);
    for (let i = 0; i < 2; i++) within(equity[i], maintenance[i], 1e-9, `equity = MM at ${prices[i]}`);
    // Just past each, on its liquidating side, equity is below maintenance.
    const past = new Float64Array([prices[0] * 0.999, prices[1] * 1.001]);
    lab.optionsSweep(s, past, equity, maintenance);
    assert.ok(equity[0] < maintenance[0] && equity[1] < maintenance[1]);
    // The sweep at the underlying is evaluate's equity and maintenance, and so is the `later` view's.
    const at = new Float64Array([60000]), e1 = new Float64Array(1), m1 = new Float64Array(1);
    lab.optionsSweep(s, at, e1, m1);
    assert.equal(e1[0], r.now.equity);
    assert.equal(m1[0], r.now.maintenanceMargin);
    const later = lab.evaluateOptions(s, { days: 5, volShifts: [0.05] });
    lab.optionsSweep(s, at, e1, m1, { days: 5 });
    assert.equal(e1[0], later.later.equity);
    lab.optionsSweep(s, at, e1, m1, { volShift: 0.05 });
    assert.equal(e1[0], later.volShifted[0].equity);
  });

  test('the isolated view: each leg on its own IM, a long option never liquidated', () => {
    const s = scenario();
    s.options.push({ symbol: 'BTC-27MAR26-70000-C', type: 'call', strike: 70000, expiryDate: '2026-03-27T08:00Z', side: 'long',
      quantity: 2, premium: 0.01 });
    const r = lab.evaluateOptions(s, { days: 3 }, { explain: true });
    assert.deepEqual(r.errors, []);
    assertClean(r);
    const [call, put, long] = r.isolated.options;
    assert.equal(call.postedMargin, r.options[0].initialMargin);
    assert.equal(put.postedMargin, r.options[1].initialMargin);
    assert.equal(call.maxLoss, call.postedMargin);
    assert.equal(call.now.liquidationPrices.length, 1);
    assert.ok(call.now.liquidationPrices[0].price > 60000 && !call.now.liquidationPrices[0].liquidatedBelow);
    assert.equal(put.now.liquidationPrices.length, 1);
    assert.ok(put.now.liquidationPrices[0].price < 60000 && put.now.liquidationPrices[0].liquidatedBelow);
    assert.equal(long.postedMargin, 0);
    within(long.maxLoss, 0.02, 1e-15, 'long: premium x quantity');
    assert.equal(long.steps.length, 4);
    assert.deepEqual(long.now, { liquidationPrices: [], liquidated: false });
    assert.deepEqual(long.later, { liquidationPrices: [], liquidated: false });
    // Each isolated price is where the leg alone, with its posted margin as the wallet, has equity = MM
    // (the sweep of that one-leg account; 1e-9 relative), now and 3 days later.
    for (const [i, iso] of [[0, call], [1, put]]) {
      const alone = { ...s, walletBalance: iso.postedMargin, futures: [], options: [s.options[i]] };
      for (const [horizon, days] of [[iso.now, 0], [iso.later, 3]]) {
        const p = new Float64Array([horizon.liquidationPrices[0].price]), e = new Float64Array(1), m = new Float64Array(1);
        assert.deepEqual(lab.optionsSweep(alone, p, e, m, { days }).errors, []);
        within(e[0], m[0], 1e-9, `leg ${i}, day ${days}`);
      }
    }
    // The future alone, isolated: one price below (a long), later = now.
    const fut = r.isolated.futures[0];
    assert.equal(fut.postedMargin, r.futures[0].initialMargin);
    assert.ok(fut.now.liquidationPrices[0].liquidatedBelow);
    assert.deepEqual(fut.later, fut.now);
    // Cross: the whole equity is at risk.
    assert.equal(r.now.maxLoss, Math.max(0, r.now.equity));
    assert.ok(r.now.steps.some((x) => x.field === 'maxLoss'));
    assert.ok(call.steps.some((x) => x.field === 'now.liquidationPrices[0]' && x.value === call.now.liquidationPrices[0].price));
  });

  test('lastExpiryDays: the horizon at which every option has settled, from the dates (ACT/365)', () => {
    // Valuation 2026-03-01 00:00 UTC; expiries 2026-03-27 08:00 and 2026-06-26 08:00 UTC:
    // 26 days 8 hours = 26.333... days, and 117 days 8 hours = 117.333... days (March 31 - 1 + 30 + 31 + 26).
    const s = { version: 2, underlying: 'BTC', settlement: 'inverse', walletBalance: 1, underlyingPrice: 60000,
      valuationDate: '2026-03-01', volSurface: { expiries: [0.05, 0.5], strikes: [40000, 80000], vols: [[0.6, 0.6], [0.55, 0.55]] },
      options: [
        { type: 'call', strike: 70000, expiryDate: '2026-03-27T08:00Z', side: 'short', quantity: 1, premium: 0.01 },
        { type: 'put', strike: 50000, expiryDate: '2026-06-26T08:00Z', side: 'long', quantity: 1, premium: 0.02 }] };
    const r = lab.evaluateOptions(s);
    assert.deepEqual(r.errors, []);
    within(r.lastExpiryDays, 117 + 8 / 24, 1e-12, 'the later expiry, in days');
    // At that horizon both options pay their intrinsic value, 0 at 60,000 (both out of the money),
    // so each PnL is side x quantity x (0 - premium): the short call keeps +0.01, the long put loses 0.02.
    const at = lab.evaluateOptions(s, { days: r.lastExpiryDays, volShifts: [] });
    within(at.later.equity, 1 + 0.01 - 0.02, 1e-12, 'equity at the last expiry: wallet + premiums kept - paid');
    assert.equal(lab.evaluateOptions({ ...s, options: [], futures: [{ side: 'long', quantity: 100, entryPrice: 60000, contractSize: 10 }] }).lastExpiryDays, null);
  });

  test('a 20-option scenario evaluates', () => {
    const s = scenario();
    s.options = Array.from({ length: 20 }, (_, i) => ({
      type: i % 2 ? 'put' : 'call', strike: 40000 + 2000 * i, expiryYears: 0.02 + 0.02 * (i % 5), side: i % 3 ? 'short' : 'long',
      quantity: 0.5 + 0.1 * i, premium: 0.01 + 0.002 * i,
    }));
    s.walletBalance = 10;
    const r = lab.evaluateOptions(s);
    assert.deepEqual(r.errors, []);
    assertClean(r);
    assert.equal(r.options.length, 20);
    assert.equal(r.isolated.options.length, 20);
    assert.ok(r.now.liquidationPrices.length >= 1);
  });

  test('null never becomes NaN: no margin ratio when equity is not positive', () => {
    // Short 10 calls sold for nothing on an empty wallet: equity = -10 x mark < 0.
    const s = oneOption({ type: 'call', strike: 50000, expiryYears: 0.1, side: 'short', quantity: 10, premium: 0, volatility: 0.8 }, 50000, 0);
    const r = lab.evaluateOptions(s, undefined, { explain: true });
    assert.deepEqual(r.errors, []);
    assertClean(r);
    assert.ok(r.now.equity < 0);
    assert.equal(r.now.marginRatio, null);
    assert.equal(r.now.maxLoss, 0);
    assert.equal(r.now.liquidated, true);
    assert.ok(r.now.steps.some((x) => x.field === 'marginRatio' && x.value === null));
    const g = lab.portfolioMargin(s);
    assert.equal(g.marginRatio, null);
    assertClean(g);
  });
});

describe('portfolioMargin', () => {
  test('the default grid: 3 volatility shocks x 9 price moves, and the worst cell', () => {
    const g = lab.portfolioMargin(scenario(), {}, { explain: true });
    assert.deepEqual(g.errors, []);
    assertClean(g);
    assert.deepEqual(g.priceMoves, [-0.16, -0.12, -0.08, -0.04, 0, 0.04, 0.08, 0.12, 0.16]);
    assert.deepEqual(g.volShocks, [0.38, 0, -0.38]);
    assert.equal(g.pnl.length, 3);
    assert.ok(g.pnl.every((row) => row.length === 9));
    assert.equal(g.pnl[1][4], 0);
    const worst = Math.min(...g.pnl.flat());
    assert.equal(g.worstPnl, worst);
    assert.equal(g.pnl[g.worstVolShock][g.worstPriceMove], worst);
    assert.equal(g.requirement, Math.max(0, -worst));
    assert.equal(g.volShockScale.length, 2);
    assert.ok(g.steps.some((x) => x.field === 'requirement'));
  });

  test('a chosen grid, absolute shocks without term scaling', () => {
    const g = lab.portfolioMargin(scenario(), { priceMoves: [-0.1, 0, 0.1], volShocks: [0.1, -0.1], volShockKind: 'absolute', vegaPower: 0 });
    assert.deepEqual(g.errors, []);
    assert.equal(g.pnl.length, 2);
    assert.ok(g.pnl.every((row) => row.length === 3));
    assert.deepEqual(g.volShockScale, [1, 1]);
  });
});

describe('black76 and impliedVolatility', () => {
  test('put-call parity: C - P = exp(-r T) (F - K)', () => {
    // 1e-12 relative to the forward (the prices are differences of products of F and K).
    for (const [strike, forward, volatility, years, rate] of [[55000, 60000, 0.6, 0.1, 0], [100, 90, 0.3, 2, 0.05], [19, 19, 0.28, 0.75, 0.1]]) {
      const c = lab.black76({ type: 'call', strike, forward, volatility, years, rate });
      const p = lab.black76({ type: 'put', strike, forward, volatility, years, rate });
      assert.deepEqual(c.errors, []);
      assert.ok(Math.abs(c.price - p.price - Math.exp(-rate * years) * (forward - strike)) <= 1e-12 * forward);
      assert.ok(Math.abs(c.delta - p.delta - Math.exp(-rate * years)) <= 1e-12, 'delta parity');
      assert.equal(c.gamma, p.gamma);
      assert.equal(c.vega, p.vega);
    }
    // Haug 1998, pag 2-8 (Black 1976): F = K = 19, T = 0.75, r = 10 %, sigma = 28 %: 1.7011 (1e-4).
    assert.ok(Math.abs(lab.black76({ type: 'call', strike: 19, forward: 19, volatility: 0.28, years: 0.75, rate: 0.1 }).price - 1.7011) < 1e-4);
  });

  test('impliedVolatility inverts black76 (1e-9 in volatility)', () => {
    for (const [type, strike, volatility, years, rate] of [['call', 70000, 0.55, 0.05, 0], ['put', 45000, 0.9, 0.5, 0.03], ['call', 40000, 0.4, 1, 0]]) {
      const { price } = lab.black76({ type, strike, forward: 60000, volatility, years, rate });
      const iv = lab.impliedVolatility({ type, strike, forward: 60000, years, price, rate });
      assert.deepEqual(iv.errors, []);
      assert.deepEqual(keys(iv), ['errors', 'volatility', 'informative']);
      assert.equal(iv.informative, true);
      assert.ok(Math.abs(iv.volatility - volatility) < 1e-9, `${type} ${strike}: ${iv.volatility}`);
    }
    // One ulp above the intrinsic value (1 day, K = 59000): no information, no number.
    const flat = lab.impliedVolatility({ type: 'call', strike: 59000, forward: 60000, years: 1 / 365, price: 1000.0000000000001 }, { explain: true });
    assert.deepEqual([flat.errors, flat.volatility, flat.informative], [[], null, false]);
    assert.match(flat.steps.at(-1).label, /no volatility can be read from it/);
    // Deribit's premium-adjusted delta: delta - price / F.
    const g = lab.black76({ type: 'call', strike: 50000, forward: 60000, volatility: 0.6, years: 30 / 365 });
    assert.ok(Math.abs(g.premiumAdjustedDelta - 0.6957914494610239) < 1e-15);
    // No volatility fits a call above the forward: an error at price, as the core reports it.
    const none = lab.impliedVolatility({ type: 'call', strike: 50000, forward: 60000, years: 0.1, price: 61000 });
    assert.deepEqual(pairs(none.errors), ['price outOfRange']);
    assert.match(none.errors[0].message, /no volatility fits/);
  });
});

describe('errors: every bad field at its path with its code', () => {
  const cases = [
    ['negative volatility', (s) => { s.options[0].volatility = -0.2; }, ['options[0].volatility notPositive']],
    ['strike 0', (s) => { s.options[1].strike = 0; }, ['options[1].strike notPositive']],
    ['expiry in the past (date)', (s) => { s.options[0].expiryDate = '2026-02-27'; }, ['options[0].expiryDate notPositive']],
    ['expiry in the past (years)', (s) => { delete s.options[0].expiryDate; s.options[0].expiryYears = -0.01; },
      ['options[0].expiryYears notPositive']],
    ['unsorted surface axes', (s) => { s.volSurface.strikes = [50000, 70000, 60000]; s.volSurface.expiries = [0.25, 0.05]; },
      ['volSurface.expiries[1] unsorted', 'volSurface.strikes[2] unsorted']],
    ['NaN and Infinity', (s) => { s.walletBalance = NaN; s.futures[0].entryPrice = Infinity; s.volSurface.vols[1][2] = NaN; },
      ['futures[0].entryPrice notFinite', 'volSurface.vols[1][2] notFinite', 'walletBalance notFinite']],
    ['wrong types', (s) => { s.underlyingPrice = '60000'; s.options[0].premium = null; s.volSurface.vols[0] = 'x'; s.futures[0].side = 1; },
      ['futures[0].side wrongType', 'options[0].premium wrongType', 'underlyingPrice wrongType', 'volSurface.vols[0] wrongType']],
    ['unknown enum strings', (s) => { s.settlement = 'quanto'; s.options[0].type = 'straddle'; s.volDynamics = 'sticky'; },
      ['options[0].type unknownValue', 'settlement unknownValue', 'volDynamics unknownValue']],
    ['missing fields', (s) => { delete s.walletBalance; delete s.options[1].premium; delete s.futures[0].side; },
      ['futures[0].side missing', 'options[1].premium missing', 'walletBalance missing']],
    ['an option that is not an object, a surface that is not one', (s) => { s.options[1] = 7; s.volSurface = 'flat'; },
      ['options[1] wrongType', 'volSurface wrongType']],
    ['futures that do not belong in an options account', (s) => { s.futures[0].markPrice = 61000; s.futures[0].contract = 'linear'; },
      ['futures[0].contract mixed', 'futures[0].markPrice unsupported']],
    ['a date without a valuation date', (s) => { delete s.valuationDate; }, ['valuationDate missing']],
  ];
  for (const [name, mutate, expected] of cases) {
    test(name, () => {
      const s = scenario();
      mutate(s);
      for (const answer of [lab.evaluateOptions(s), lab.portfolioMargin(s)]) {
        assert.deepEqual(pairs(answer.errors), expected);
        assert.deepEqual(keys(answer), ['errors']);
        for (const e of answer.errors) {
          assert.ok(resolves(s, e.path, e.code), `${e.path} names a field`);
          assert.ok(lab.errorCodes.includes(e.code), `${e.code} is an ErrorCode`);
          assert.ok(e.message.length > 0);
        }
      }
      const sweep = lab.optionsSweep(s, new Float64Array([1]), new Float64Array(1), new Float64Array(1));
      assert.deepEqual(pairs(sweep.errors), expected);
    });
  }

  test('request fields at request.*, with the scenario\'s errors at once', () => {
    const s = scenario();
    s.walletBalance = -1;
    const request = { days: -1, volShifts: [0.1, 'x', NaN], scanLow: 2, scanPoints: 10.5 };
    const r = lab.evaluateOptions(s, request);
    assert.deepEqual(pairs(r.errors), ['request.days outOfRange', 'request.scanLow outOfRange', 'request.scanPoints outOfRange',
      'request.volShifts[1] wrongType', 'request.volShifts[2] notFinite', 'walletBalance negative']);
    for (const e of r.errors) assert.ok(resolves({ ...s, request }, e.path, e.code), e.path);
    const g = lab.portfolioMargin(scenario(), { priceMoves: [], volShocks: 'up', volShockKind: 'percent', vegaPower: 3 });
    assert.deepEqual(pairs(g.errors), ['request.priceMoves empty', 'request.vegaPower outOfRange', 'request.volShockKind unknownValue',
      'request.volShocks wrongType']);
    // Longer than the core's limits: not read, tooMany with the core's message.
    const long = lab.evaluateOptions(scenario(), { volShifts: new Array(25).fill(0.1) });
    assert.deepEqual(pairs(long.errors), ['request.volShifts tooMany']);
    assert.equal(long.errors[0].message, 'request.volShifts has 25 values; at most 20');
    const many = lab.evaluateOptions({ ...scenario(), options: new Array(1001).fill(scenario().options[0]) });
    assert.deepEqual(pairs(many.errors), ['options tooMany']);
    const w = lab.optionsSweep(scenario(), new Float64Array([60000, -1, NaN]), new Float64Array(3), new Float64Array(3), { days: 'x', volShift: 20 });
    assert.deepEqual(pairs(w.errors), ['prices[1] notPositive', 'prices[2] notFinite', 'request.days wrongType', 'request.volShift outOfRange']);
  });

  test('a subnormal wallet is refused as version 1 refuses it; errors carry their rule and params', () => {
    const s = scenario();
    s.walletBalance = 5e-324;
    const r = lab.evaluateOptions(s);
    assert.deepEqual(pairs(r.errors), ['walletBalance outOfRange']);
    assert.equal(r.errors[0].rule, 'zeroOrMagnitude');
    assert.deepEqual(r.errors[0].params, { value: 5e-324, low: 1e-9, high: 1e15 });
    const v1 = lab.evaluate({ version: 1, walletBalance: 5e-324, positions: [] });
    assert.equal(v1.errors.find((e) => e.path === 'walletBalance')?.message, r.errors[0].message);
  });

  test('black76 and impliedVolatility: errors at their input names', () => {
    const b = lab.black76({ type: 'swap', strike: 0, forward: 60000, volatility: -0.2, years: -1, rate: 'x' });
    assert.deepEqual(pairs(b.errors), ['rate wrongType', 'strike notPositive', 'type unknownValue', 'volatility negative', 'years negative']);
    assert.deepEqual(keys(b), ['errors']);
    const m = lab.black76({ type: 'call', strike: 1, forward: NaN, years: 1 });
    assert.deepEqual(pairs(m.errors), ['forward notFinite', 'volatility missing']);
    const iv = lab.impliedVolatility({ type: 'put', strike: 100, forward: 100, years: 0, price: -1, rate: 2 });
    assert.deepEqual(pairs(iv.errors), ['rate outOfRange']);
    const iv2 = lab.impliedVolatility({ type: 'put', strike: 100, forward: 100, years: 0, price: -1 });
    assert.deepEqual(pairs(iv2.errors), ['price negative', 'years notPositive']);
  });

  test('the codes seen are the d.ts ErrorCode union\'s', () => {
    const union = [...dts.match(/export type ErrorCode\s*=([^;]+);/)[1].matchAll(/'([^']*)'/g)].map((x) => x[1]);
    assert.deepEqual(new Set(lab.errorCodes), new Set(union));
    for (const code of ['missing', 'wrongType', 'notFinite', 'notPositive', 'negative', 'outOfRange', 'unknownValue', 'empty', 'unsorted',
      'mixed', 'unsupported']) assert.ok(union.includes(code), code);
  });
});

describe('misuse throws TypeError', () => {
  test('non-object scenario, request or input; wrong typed arrays', () => {
    const s = scenario();
    const f = new Float64Array(2);
    assert.throws(() => lab.evaluateOptions(null), TypeError);
    assert.throws(() => lab.evaluateOptions([s]), TypeError);
    assert.throws(() => lab.evaluateOptions(s, 7), TypeError);
    assert.throws(() => lab.portfolioMargin('s'), TypeError);
    assert.throws(() => lab.optionsSweep(s, [1, 2], f, f), TypeError);
    assert.throws(() => lab.optionsSweep(s, f, new Float32Array(2), f), TypeError);
    assert.throws(() => lab.optionsSweep(s, f, new Float64Array(3), f), TypeError);
    assert.throws(() => lab.black76(), TypeError);
    assert.throws(() => lab.impliedVolatility('put'), TypeError);
    assert.throws(() => lab.evaluateOptions(s, {}, true), TypeError);
    assert.throws(() => lab.optionsSweep(s, f, f, f, undefined, 1), TypeError);
    assert.deepEqual(lab.optionsSweep(s, new Float64Array([60000]), new Float64Array(1), new Float64Array(1), undefined,
      { explain: true }), { errors: [] });
    assert.throws(() => lab.portfolioMargin(s, undefined, 'explain'), TypeError);
    assert.throws(() => lab.black76({ type: 'call', strike: 1, forward: 1, volatility: 0.5, years: 1 }, [true]), TypeError);
  });

  test('marginlab.js (the first paint) has no options API', async () => {
    const { default: createSmall, defaultOptionsScenario: none } = await import('../../web/dist/marginlab.js');
    const small = await createSmall({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab.wasm', import.meta.url)) });
    for (const name of ['evaluateOptions', 'optionsSweep', 'portfolioMargin', 'black76', 'impliedVolatility']) {
      assert.equal(typeof lab[name], 'function', name);
      assert.equal(small[name], undefined, name);
    }
    assert.equal(none, undefined);
  });
});

describe('instrumentName: a venue option name read by the core', () => {
  // Deribit's instrument_name, Bybit's USDT-settled option symbol, OKX's instId (expTime of
  // BTC-USD-241217-92000-C: 1734422400000 ms = 2024-12-17 08:00 UTC).
  test('each venue shape gives underlying, type, strike and an 08:00 UTC expiry', () => {
    assert.deepEqual(lab.instrumentName({ name: 'BTC-27MAR26-60000-C' }),
      { errors: [], instrument: true, venue: 'deribit', underlying: 'BTC', type: 'call', strike: 60000, expiryDate: '2026-03-27T08:00Z' });
    assert.deepEqual(lab.instrumentName({ name: 'eth-5apr26-1850.5-p-usdt' }),
      { errors: [], instrument: true, venue: 'bybit', underlying: 'ETH', type: 'put', strike: 1850.5, expiryDate: '2026-04-05T08:00Z' });
    const okx = lab.instrumentName({ name: 'BTC-USD-241217-92000-C' });
    assert.equal(okx.venue, 'okx');
    assert.equal(Date.parse(okx.expiryDate.replace('Z', ':00Z')), 1734422400000);
  });
  test('the date read is the one evaluateOptions reads from 27MAR26', () => {
    const s = { ...defaultOptionsScenario, options: [defaultOptionsScenario.options[0]] };
    const byName = lab.evaluateOptions({ ...s, options: [{ ...s.options[0], expiryDate: lab.instrumentName({ name: 'BTC-27MAR26-60000-C' }).expiryDate }] });
    const byVenueDate = lab.evaluateOptions({ ...s, options: [{ ...s.options[0], expiryDate: '27MAR26' }] });
    assert.equal(byName.options[0].years, byVenueDate.options[0].years);
  });
  test('a label is no error; a venue shape that does not read is an error at name; steps never', () => {
    assert.deepEqual(lab.instrumentName({ name: 'my hedge' }),
      { errors: [], instrument: false, venue: '', underlying: '', type: 'call', strike: 0, expiryDate: '' });
    const bad = lab.instrumentName({ name: 'BTC-31FEB26-60000-C' }, { explain: true });
    assert.equal(bad.errors.length, 1);
    assert.equal(bad.errors[0].path, 'name');
    assert.equal(bad.errors[0].rule, 'instrumentDate');
    assert.equal(bad.errors[0].code, 'wrongType');
    assert.deepEqual(bad.errors[0].params, { name: 'BTC-31FEB26-60000-C', venue: 'Deribit', value: '31FEB26', format: 'DMMMYY, e.g. 27MAR26' });
    assert.equal(lab.instrumentName({ name: 7 }).errors[0].path, 'name');
    assert.equal(lab.instrumentName({ name: 'x'.repeat(65) }).errors[0].rule, 'tooLongText');
    assert.ok(!('steps' in lab.instrumentName({ name: 'BTC-27MAR26-60000-C' }, { explain: true })));
    assert.throws(() => lab.instrumentName('BTC-27MAR26-60000-C'), TypeError);
  });
});

describe('a volatility surface with expiry dates', () => {
  // One call read from the surface, valued 2026-01-01 00:00 UTC. By hand: to 27MAR26 08:00 UTC is
  // 85 days 8 hours, to 2026-06-26 is 176 days (ACT/365): the same surface in years gives the same numbers.
  const scenario = (volSurface) => ({ version: 2, underlying: 'BTC', settlement: 'inverse', walletBalance: 1, underlyingPrice: 60000,
    valuationDate: '2026-01-01', volSurface,
    options: [{ type: 'call', strike: 62000, expiryDate: '2026-05-01', side: 'long', quantity: 1, premium: 0 }] });
  const strikes = [55000, 65000], vols = [[0.7, 0.6], [0.8, 0.65]];
  test('dates (the venue\'s 27MAR26 or ISO) are years against valuationDate', () => {
    const dated = lab.evaluateOptions(scenario({ expiryDates: ['27MAR26', '2026-06-26'], strikes, vols }));
    const years = lab.evaluateOptions(scenario({ expiries: [(85 + 8 / 24) / 365, 176 / 365], strikes, vols }));
    assert.deepEqual(dated.errors, []);
    assert.ok(dated.options[0].volatilityFromSurface);
    assert.ok(Math.abs(dated.options[0].volatility / years.options[0].volatility - 1) < 1e-15);
    assert.ok(Math.abs(dated.options[0].markPrice / years.options[0].markPrice - 1) < 1e-15);
  });
  test('errors at their paths: a date that does not read, dates out of order, both axes, no valuation date', () => {
    const at = (v, s = {}) => lab.evaluateOptions({ ...scenario(v), ...s }).errors.map((e) => [e.path, e.rule]);
    assert.deepEqual(at({ expiryDates: ['27MAR26', 7], strikes, vols }), [['volSurface.expiryDates[1]', 'wrongType']]);
    assert.deepEqual(at({ expiryDates: ['27MAR26', '27XYZ26'], strikes, vols }), [['volSurface.expiryDates[1]', 'optionsDateFormat']]);
    assert.deepEqual(at({ expiryDates: ['2026-06-26', '27MAR26'], strikes, vols }), [['volSurface.expiryDates[1]', 'surfaceDatesUnsorted']]);
    assert.deepEqual(at({ expiries: [0.1, 0.5], expiryDates: ['27MAR26', '2026-06-26'], strikes, vols }), [['volSurface.expiryDates', 'surfaceExpiriesBoth']]);
    assert.deepEqual(at({ strikes, vols }), [['volSurface.expiries', 'missing']]);
    assert.deepEqual(at({ expiryDates: ['27MAR26', '2026-06-26'], strikes, vols }, { valuationDate: undefined, options: [{ ...scenario().options[0], expiryDate: undefined, expiryYears: 0.3 }] }),
      [['valuationDate', 'optionsValuationDateNeeded']]);
  });
  test('a fitted surface (in years) keeps its shape: no expiryDates key', () => {
    const quotes = [0.8, 0.9, 1, 1.1, 1.2].flatMap((m) => [0.25, 0.5].map((t) => ({ expiryYears: t, strike: 60000 * m, type: 'call', volatility: 0.6 })));
    const fitted = lab.fitSurface({ underlyingPrice: 60000, quotes });
    assert.deepEqual(fitted.errors, []);
    assert.ok(!('expiryDates' in fitted.surface));
  });
});
