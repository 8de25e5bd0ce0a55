// SPDX-License-Identifier: MIT
// The risk-lab tools through the JS API of marginlab-full.js: the boundary (paths, codes, null never NaN, misuse),
// and agreement with evaluate on the same scenario. The maths is tested in tests/core.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import createMarginLab, { defaultScenario } from '../../web/dist/marginlab-full.js';

let lab;
before(async () => {
  lab = await createMarginLab({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab-full.wasm', import.meta.url)) });
});

const scenario = () => structuredClone(defaultScenario);

/** No NaN, no Infinity, no undefined anywhere in an answer. */
function assertClean(value, where = 'answer') {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${where} is finite (got ${value})`);
  else if (value === undefined) assert.fail(`${where} is undefined`);
  else if (Array.isArray(value)) value.forEach((v, i) => assertClean(v, `${where}[${i}]`));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) assertClean(v, `${where}.${k}`);
}

/** The Monte Carlo request of these tests: two symbols, correlated, 30 days in 30 steps, 400 paths. */
const mcRequestFor = () => ({ volatility: { BTCUSDT: 0.6, ETHUSDT: 0.7 }, correlation: [[1, 0.8], [0.8, 1]], years: 30 / 365, steps: 30, paths: 400, seed: 7 });

const paths = (answer) => answer.errors.map((e) => `${e.path} ${e.code}`).sort();

test('marginlab.js (the first load of the page) has no risk-lab tools; marginlab-full.js has them all', async () => {
  const { default: createSmall } = await import('../../web/dist/marginlab.js');
  const small = await createSmall({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab.wasm', import.meta.url)) });
  for (const name of ['adjust', 'targetPrice', 'maxOpen', 'sizeFromStop', 'marginToTarget', 'stress', 'cascade', 'funding', 'odds', 'monteCarlo', 'unwind']) {
    assert.equal(typeof lab[name], 'function', name);
    assert.equal(small[name], undefined, name);
  }
  assert.deepEqual(small.evaluate(scenario()), lab.evaluate(scenario()));
});

describe('what-if tools', () => {
  test('adjust: adding at the mark returns the new scenario and evaluate agrees with it', () => {
    const a = lab.adjust(scenario(), { position: 0, price: 61000, quantityDelta: 0.5 });
    assert.deepEqual(a.errors, []);
    assertClean(a);
    assert.equal(a.quantity, 1);
    assert.equal(a.side, 'long');
    assert.ok(Math.abs(a.entryPrice - 60500) < 1e-9, `average entry ${a.entryPrice}`);
    const again = lab.evaluate(a.scenario);
    assert.deepEqual(again.cross.positions[0].liquidationPrice, a.report.cross.positions[0].liquidationPrice);
    assert.equal(a.steps, undefined, 'no steps without explain');
    assert.ok(lab.adjust(scenario(), { position: 0, price: 61000, quantityDelta: 0.5 }, { explain: true }).steps.length > 0);
  });

  test('adjust: reducing through zero flips the side', () => {
    const a = lab.adjust(scenario(), { position: 0, price: 61000, quantityDelta: -0.8 });
    assert.deepEqual(a.errors, []);
    assert.equal(a.flipped, true);
    assert.equal(a.side, 'short');
    assert.ok(Math.abs(a.quantity - 0.3) < 1e-12);
  });

  test('targetPrice, maxOpen, sizeFromStop, marginToTarget answer without NaN; steps only with explain', () => {
    const calls = [
      (o) => lab.targetPrice(scenario(), { position: 0, kind: 'roe', target: 0.5 }, o),
      (o) => lab.maxOpen(scenario(), { symbol: 'BTCUSDT', side: 'long', price: 61000, leverage: 10 }, o),
      (o) => lab.sizeFromStop(scenario(), { symbol: 'BTCUSDT', side: 'long', entryPrice: 61000, stopPrice: 59000, riskFraction: 0.01, leverage: 10 }, o),
      (o) => lab.marginToTarget(scenario(), { position: 0, targetLiquidationPrice: 50000 }, o),
    ];
    for (const call of calls) {
      const plain = call(), explained = call({ explain: true });
      assert.deepEqual(plain.errors, []);
      assertClean(plain);
      assert.equal('steps' in plain, false);
      assert.deepEqual(call({ explain: false }), plain);
      assert.ok(Array.isArray(explained.steps) && explained.steps.length > 0);
      const { steps, ...numbers } = explained;
      assert.deepEqual(numbers, plain, 'explain changes no number');
    }
  });

  test('marginToTarget answers by mode', () => {
    const m = lab.marginToTarget(scenario(), { position: 0, targetLiquidationPrice: 50000 });
    assert.deepEqual(Object.keys(m.toAdd).sort(), ['cross', 'isolated']);
    assert.deepEqual(m.exact, { isolated: true, cross: true });
    assert.ok(m.toAdd.isolated > 0 && m.toAdd.cross < 0, JSON.stringify(m));
    for (const old of ['isolatedMarginToAdd', 'walletToAdd', 'isolatedExact', 'crossExact']) assert.equal(m[old], undefined, old);
  });

  test('bad requests are reported at request.* paths, every error at once', () => {
    const a = lab.adjust(scenario(), { position: 7, price: -1, quantityDelta: 'x' });
    assert.ok(a.errors.length >= 2, JSON.stringify(a.errors));
    for (const e of a.errors) assert.match(e.path, /^request\./);
    assert.ok(paths(a).includes('request.quantityDelta wrongType'));
    const b = lab.targetPrice(scenario(), { position: 0, kind: 'bogus', target: 1 });
    assert.ok(paths(b).includes('request.kind unknownValue'));
    // A scenario that cannot be read is reported with the request's own conversion errors...
    const c = lab.maxOpen({ ...scenario(), walletBalance: 'x' }, { symbol: 'BTCUSDT', side: 'up', price: 61000, leverage: 10 });
    assert.deepEqual(paths(c), ['request.side unknownValue', 'walletBalance wrongType']);
    // ...and once it reads, the request's range checks come with them.
    const d = lab.maxOpen(scenario(), { symbol: 'BTCUSDT', side: 'up', price: NaN, leverage: 10 });
    assert.ok(paths(d).includes('request.side unknownValue'), JSON.stringify(d.errors));
    assert.ok(d.errors.some((e) => e.path === 'request.price'), JSON.stringify(d.errors));
  });

  test('misuse throws TypeError', () => {
    assert.throws(() => lab.adjust(scenario()), TypeError);
    assert.throws(() => lab.stress(null, {}), TypeError);
    assert.throws(() => lab.stress(scenario(), { shocks: [0] }, true), TypeError);
    assert.throws(() => lab.monteCarlo(scenario(), { paths: 1 }, { begin: 0.5 }), TypeError);
  });
});

describe('stress, cascade, funding', () => {
  test('a zero shock equals evaluate', () => {
    const s = scenario();
    const g = lab.stress(s, { shocks: [-0.2, 0, 0.2] });
    assert.deepEqual(g.errors, []);
    assertClean(g);
    const r = lab.evaluate(s);
    const zero = g.cells.find((c) => c.shock === 0);
    assert.equal(zero.equity.cross, r.cross.account.equity);
    assert.equal(zero.equity.isolated, r.isolated.account.equity);
    assert.equal(zero.marginRatio.cross, r.cross.account.marginRatio);
    assert.deepEqual(zero.liquidated, { isolated: [false, false], cross: [false, false] });
    assert.equal('steps' in g, false);
  });

  test('a shock range: the core lists the decimal shocks the page asked for', () => {
    const g = lab.stress(scenario(), { shockRange: { from: -0.5, to: 0.5, step: 0.1 } });
    assert.deepEqual(g.errors, []);
    assert.deepEqual(g.cells.map((c) => c.shock), [-0.5, -0.4, -0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    const listed = lab.stress(scenario(), { shocks: g.cells.map((c) => c.shock) });
    assert.deepEqual(listed, g);
    assert.deepEqual(paths(lab.stress(scenario(), { shockRange: { from: -0.5, to: 0.5, step: 0.0001 } })), ['request.shockRange tooMany']);
    assert.deepEqual(paths(lab.stress(scenario(), { shockRange: { from: -0.5, to: 'x', step: 0.1 } })), ['request.shockRange.to wrongType']);
    assert.deepEqual(paths(lab.stress(scenario(), { shockRange: 3 })), ['request.shockRange wrongType']);
    assert.deepEqual(paths(lab.stress(scenario(), { shocks: [0], shockRange: { from: 0, to: 0.1, step: 0.1 } })), ['request.shockRange outOfRange']);
  });

  test('a stress grid of 10 positions x 101 shocks answers, the same with a Float64Array', () => {
    const s = scenario();
    s.positions = Array.from({ length: 10 }, (_, i) => ({ symbol: i % 2 ? 'ETHUSDT' : 'BTCUSDT', side: i % 3 ? 'long' : 'short',
      quantity: 0.1 + 0.01 * i, entryPrice: i % 2 ? 3000 : 60000, markPrice: i % 2 ? 2950 : 61000, leverage: 5 }));
    const shocks = Array.from({ length: 101 }, (_, i) => Math.round((i - 50) * 1e6) / 1e8);
    const g = lab.stress(s, { shocks });
    assert.deepEqual(g.errors, []);
    assert.equal(g.cells.length, 101);
    assert.equal(g.cells[0].liquidated.cross.length, 10);
    assert.deepEqual(lab.stress(s, { shocks: new Float64Array(shocks) }), g);
  });

  test('cascade along a crash reports events, and a path without a symbol is an error at its step', () => {
    const s = scenario();
    const marks = [];
    for (let k = 1; k <= 20; k++) marks.push({ BTCUSDT: 61000 * (1 - 0.04 * k), ETHUSDT: 2950 * (1 + 0.04 * k) });
    const c = lab.cascade(s, { marks });
    assert.deepEqual(c.errors, []);
    assertClean(c);
    assert.equal(c.equity.length, 20);
    assert.ok(c.events.length > 0);
    for (const e of c.events) {
      assert.ok(['wholeAccount', 'takeover', 'tierCut', 'tierClose'].includes(e.reason), e.reason);
      assert.equal(e.description, undefined);
      assert.ok(e.triggerEquity <= e.triggerMaintenance);
    }
    const bad = lab.cascade(s, { marks: [{ BTCUSDT: 60000 }] });
    assert.ok(bad.errors.some((e) => e.path.startsWith('request.marks[0]')), JSON.stringify(bad.errors));
  });

  test('a straight cascade path is the marks the page built', () => {
    const s = scenario();
    const marks = [];
    for (let k = 1; k <= 40; k++) {
      const row = {};
      for (const p of s.positions) row[p.symbol] = (p.markPrice ?? p.entryPrice) * (1 + (-40 / 100) * (k / 40));
      marks.push(row);
    }
    const byPath = lab.cascade(s, { path: { move: -0.4, steps: 40 } });
    assert.deepEqual(byPath.errors, []);
    assert.deepEqual(byPath, lab.cascade(s, { marks }));
    assert.deepEqual(paths(lab.cascade(s, { path: { move: -1, steps: 0 } })), ['request.path.move outOfRange', 'request.path.steps outOfRange']);
    assert.deepEqual(paths(lab.cascade(s, { path: { move: -0.4, steps: 1.5 } })), ['request.path.steps outOfRange']);
    assert.deepEqual(paths(lab.cascade(s, {})), ['request.marks wrongType']);
  });

  test('funding moves the liquidation price toward the mark for a paying long', () => {
    const s = scenario();
    const f = lab.funding(s, { position: 0, rate: 0.0001, intervals: 90 });
    assert.deepEqual(f.errors, []);
    assertClean(f);
    const r = lab.evaluate(s);
    assert.ok(f.liquidationPrice.isolated > r.isolated.positions[0].liquidationPrice);
    assert.ok(f.liquidationPrice.cross > r.cross.positions[0].liquidationPrice);
    assert.deepEqual(f.liquidationPriceBefore, { isolated: r.isolated.positions[0].liquidationPrice, cross: r.cross.positions[0].liquidationPrice });
    assert.deepEqual(f.liquidated, { isolated: false, cross: false });
    assert.ok(Math.abs(f.marginAfter.cross - (s.walletBalance - f.totalPayment)) < 1e-9);
  });
});

describe('odds and Monte Carlo', () => {
  test('closed-form odds are probabilities, one per mode; steps only on request', () => {
    const o = lab.odds(scenario(), { position: 0, volatility: 0.6, years: 30 / 365 });
    assert.deepEqual(o.errors, []);
    assertClean(o);
    for (const p of [o.probability.isolated, o.probability.cross]) assert.ok(p === null || (p >= 0 && p <= 1));
    assert.ok(o.probability.isolated > o.probability.cross, 'isolated (closer) is likelier than cross');
    assert.equal('steps' in o, false);
    const explained = lab.odds(scenario(), { position: 0, volatility: 0.6, years: 30 / 365 }, { explain: true });
    assert.deepEqual(explained.probability, o.probability);
    assert.ok(explained.steps.length > 0);
  });

  test('odds: a horizon in days is days / 365 years; exactly one of them', () => {
    const inYears = lab.odds(scenario(), { position: 0, volatility: 0.6, years: 30 / 365 });
    const inDays = lab.odds(scenario(), { position: 0, volatility: 0.6, days: 30 });
    assert.deepEqual(inDays, inYears);
    assert.deepEqual(paths(lab.odds(scenario(), { position: 0, volatility: 0.6 })), ['request.years missing']);
    assert.deepEqual(paths(lab.odds(scenario(), { position: 0, volatility: 0.6, years: 1, days: 30 })), ['request.days outOfRange']);
    assert.deepEqual(paths(lab.odds(scenario(), { position: 0, volatility: 0.6, days: 'x' })), ['request.days wrongType']);
  });

  test('odds: errors name the request fields', () => {
    const o = lab.odds(scenario(), { position: 2.5, volatility: -1, years: 30 / 365, drift: 20 });
    assert.deepEqual(paths(o), ['request.drift outOfRange', 'request.position outOfRange', 'request.volatility negative']);
    const far = lab.odds(scenario(), { position: 5, volatility: 0.6, years: 1 });
    assert.equal(far.errors[0].message, 'request.position (5) must be < 2, the number of positions');
  });

  const mcRequest = () => mcRequestFor();
  test('Monte Carlo: one call equals the same paths in chunks, and the seed reproduces it', () => {
    const s = scenario();
    const request = mcRequest();
    const whole = lab.monteCarlo(s, request);
    assert.deepEqual(whole.errors, []);
    assertClean(whole);
    let tally;
    for (let b = 0; b < 400; b += 150) tally = lab.monteCarlo(s, request, { begin: b, end: Math.min(400, b + 150), tally });
    assert.deepEqual(tally, whole);
    assert.deepEqual(lab.monteCarlo(s, request), whole);
    const { steps, ...numbers } = lab.monteCarlo(s, request, { explain: true });
    assert.deepEqual(numbers, whole, 'explain changes no number');
    assert.ok(steps.length > 0 && !('steps' in whole), 'steps only with explain');
  });

  test('Monte Carlo: the probability and the median time come from the core, per mode', () => {
    const t = lab.monteCarlo(scenario(), mcRequest());
    assert.deepEqual(Object.keys(t.liquidatedPaths).sort(), ['cross', 'isolated']);
    for (const mode of ['isolated', 'cross']) {
      assert.equal(t.probability[mode], t.liquidatedPaths[mode] / t.paths, mode);
      // The page's rule: the first step whose running count reaches half the liquidated paths.
      const hist = t.timeHistogram[mode], total = t.liquidatedPaths[mode];
      let seen = 0, median = null;
      for (let i = 0; i < hist.length && median === null; i++) if ((seen += hist[i]) * 2 >= total && total > 0) median = (i + 1) * (30 / 365) * 365 / 30;
      assert.equal(t.medianDays[mode] === null, median === null, mode);
      if (median !== null) assert.ok(Math.abs(t.medianDays[mode] - median) <= 1e-12 * median, `${mode}: ${t.medianDays[mode]} vs ${median}`);
    }
    // No path simulated: no probability, no median (the page's check before it runs).
    const none = lab.monteCarlo(scenario(), mcRequest(), { begin: 0, end: 0 });
    assert.deepEqual(none.probability, { isolated: null, cross: null });
    assert.deepEqual(none.medianDays, { isolated: null, cross: null });
  });

  test('Monte Carlo: a horizon in days gives the same paths as days / 365 years', () => {
    const { years, ...rest } = mcRequest();
    const inDays = lab.monteCarlo(scenario(), { ...rest, days: 30 });
    assert.deepEqual(inDays.timeHistogram, lab.monteCarlo(scenario(), mcRequest()).timeHistogram);
    assert.deepEqual(paths(lab.monteCarlo(scenario(), rest)), ['request.years missing']);
  });

  test('Monte Carlo: integers by one rule, and a tally that does not fit is refused at its path', () => {
    const m = lab.monteCarlo(scenario(), { ...mcRequest(), steps: 2.5, seed: -1 });
    assert.deepEqual(paths(m), ['request.seed outOfRange', 'request.steps outOfRange']);
    assert.ok(m.errors.every((e) => / must be a whole number between 0 and /.test(e.message)), JSON.stringify(m.errors));
    const first = lab.monteCarlo(scenario(), mcRequest(), { begin: 0, end: 10 });
    const other = { ...mcRequest(), steps: 20 };
    assert.deepEqual(paths(lab.monteCarlo(scenario(), other, { begin: 10, end: 20, tally: first })),
      ['tally.timeHistogram.cross outOfRange', 'tally.timeHistogram.isolated outOfRange']);
    const broken = { ...first, liquidatedPaths: { isolated: 'x', cross: -1 } };
    assert.deepEqual(paths(lab.monteCarlo(scenario(), mcRequest(), { begin: 10, end: 20, tally: broken })),
      ['tally.liquidatedPaths.cross outOfRange', 'tally.liquidatedPaths.isolated wrongType']);
  });

  test('Monte Carlo rejects a correlation that is not positive semi-definite', () => {
    const s = { ...scenario(), positions: [...scenario().positions, { symbol: 'SOLUSDT', side: 'long', quantity: 1, entryPrice: 100, leverage: 5 }],
      tiers: { SOLUSDT: [{ notionalCap: 1e9, maxLeverage: 50, maintenanceMarginRate: 0.01 }] } };
    const request = { volatility: { BTCUSDT: 0.6, ETHUSDT: 0.7, SOLUSDT: 0.9 }, correlation: [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]],
      years: 0.1, steps: 10, paths: 10 };
    const m = lab.monteCarlo(s, request);
    assert.ok(m.errors.some((e) => e.path.startsWith('request.correlation')), JSON.stringify(m.errors));
  });
});

describe('funding, a surface, jumps and value at risk', () => {
  const one = () => ({ ...scenario(), positions: [scenario().positions[0]] });

  test('odds with funding: the liquidation price at the horizon is the funding tool\'s, and the answer says approximate', () => {
    const s = one();
    const plain = lab.odds(s, { position: 0, volatility: 0.6, days: 30 });
    assert.deepEqual(plain.errors, []);
    assert.equal(plain.exact, true);
    assert.equal(plain.volatility, 0.6);
    const o = lab.odds(s, { position: 0, volatility: 0.6, days: 30, fundingRate: 0.0001 }, { explain: true });
    assert.deepEqual(o.errors, []);
    assertClean(o);
    assert.equal(o.exact, false);
    // 30 days of 8-hour intervals are 90 intervals: the funding tool's answer for 90.
    const f = lab.funding(s, { position: 0, rate: 0.0001, intervals: 90 });
    for (const mode of ['isolated', 'cross'])
      assert.ok(Math.abs(o.liquidationPriceAtHorizon[mode] - f.liquidationPrice[mode]) < 1e-9 * f.liquidationPrice[mode], mode);
    assert.ok(o.steps.some((x) => x.code === 'odds.funding.barrierDrift'));
    assert.ok(o.probability.isolated > plain.probability.isolated);
  });

  test('odds take the volatility from a surface; bad fields are reported at their paths', () => {
    const s = one();
    const surface = { expiries: [0.01, 1], strikes: [1000, 1e6], vols: [[0.5, 0.5], [0.5, 0.5]] };
    const o = lab.odds(s, { position: 0, days: 30, volatilityFrom: { surface } }, { explain: true });
    assert.deepEqual(o.errors, []);
    assert.ok(Math.abs(o.volatility - 0.5) < 1e-12);
    assert.equal(o.steps.find((x) => x.code === 'odds.volatilityFromSurface').value, o.volatility);
    const bad = lab.odds(s, { position: 0, days: 30, fundingRate: 2, fundingIntervalHours: -1,
      volatilityFrom: { surface: { ...surface, vols: [[0.5, 'x'], [0.5, 0.5]] }, strike: -1 } });
    assert.deepEqual(paths(bad), ['request.fundingIntervalHours outOfRange', 'request.fundingRate outOfRange',
      'request.volatilityFrom.strike notPositive', 'request.volatilityFrom.surface.vols[0][1] wrongType']);
    assert.deepEqual(paths(lab.odds(s, { position: 0, days: 30 })), ['request.volatility missing']);
    assert.deepEqual(paths(lab.odds(s, { position: 0, days: 30, volatilityFrom: 3 })), ['request.volatilityFrom wrongType']);
  });

  test('Monte Carlo with jumps and funding answers; the jumps are checked at their paths', () => {
    const r = { ...mcRequestFor(), fundingRate: 0.0001, jumps: { intensity: 12, meanLog: -0.05, stdevLog: 0.1 } };
    const t = lab.monteCarlo(scenario(), r);
    assert.deepEqual(t.errors, []);
    assertClean(t);
    let chunked;
    for (let b = 0; b < 400; b += 150) chunked = lab.monteCarlo(scenario(), r, { begin: b, end: Math.min(400, b + 150), tally: chunked });
    assert.deepEqual(chunked, t, 'the same with jumps in chunks');
    const bad = lab.monteCarlo(scenario(), { ...r, jumps: { intensity: -1, meanLog: 'a' } });
    assert.deepEqual(paths(bad), ['request.jumps.intensity outOfRange', 'request.jumps.meanLog wrongType', 'request.jumps.stdevLog missing']);
    assert.deepEqual(paths(lab.monteCarlo(scenario(), { ...r, jumps: [] })), ['request.jumps wrongType']);
  });

  test('valueAtRisk: VaR and ES with standard errors per mode, the fund\'s quantiles, steps only with explain', () => {
    const r = { ...mcRequestFor(), paths: 2000, jumps: { intensity: 24, meanLog: -0.3, stdevLog: 0.05 } };
    const v = lab.valueAtRisk(scenario(), r);
    assert.deepEqual(v.errors, []);
    assertClean(v);
    assert.equal(v.steps, undefined);
    assert.deepEqual(v.levels, [0.5, 0.9, 0.99, 0.999]);
    for (const mode of ['isolated', 'cross']) {
      const m = v.loss[mode];
      assert.ok(m.var99.value >= m.var975.value && m.es99.value >= m.var99.value && m.es975.value >= m.var975.value, mode);
      assert.ok(m.var99.standardError >= 0);
      assert.equal(v.insuranceFund[mode].quantiles.length, 4);
    }
    const explained = lab.valueAtRisk(scenario(), r, { explain: true });
    assert.ok(explained.steps.some((x) => x.code === 'var.quantile'));
    assert.deepEqual({ ...explained, steps: undefined }, { ...v, steps: undefined });
    assert.deepEqual(paths(lab.valueAtRisk(scenario(), { ...r, paths: 100 })), ['request.paths outOfRange']);
  });
});

describe('liquidation engine', () => {
  test('a TWAP unwind against the depth model reports slices and the insurance fund', () => {
    const request = { position: 0, style: 'twap', depthPerPercent: 0.5, slices: 5, replenishFraction: 0.5, insuranceFund: 100 };
    const u = lab.unwind(scenario(), request);
    assert.deepEqual(u.errors, []);
    assertClean(u);
    assert.equal(u.slices.length, 5);
    const r = lab.evaluate(scenario());
    assert.equal(u.liquidationPrice, r.isolated.positions[0].liquidationPrice);
    assert.equal(u.bankruptcyPrice, r.isolated.positions[0].bankruptcyPrice);
    assert.equal('steps' in u, false);
    const explained = lab.unwind(scenario(), request, { explain: true });
    const { steps, ...numbers } = explained;
    assert.deepEqual(numbers, u);
    assert.ok(steps.length > 0);
  });

  test('the book runs out with a fund of 1e6: the fund takes the rest at the bankruptcy price, no ADL', () => {
    // Long 0.5 BTC (default scenario, isolated): 0.2 fill at a bid of 57,228 > BP 57,000 (+0.2 x 228 = 45.6 to
    // the fund); the fund takes the other 0.3 over at BP.
    const s = scenario();
    const lp = lab.evaluate(s).isolated.positions[0].liquidationPrice;
    const u = lab.unwind(s, { position: 0, book: [{ price: Math.floor(lp), size: 0.2 }], insuranceFund: 1e6 });
    assert.deepEqual(u.errors, []);
    assertClean(u);
    assert.equal(u.autoDeleveraging, false);
    assert.equal(u.adlSlice, null);
    assert.equal(u.adlQuantity, 0);
    assert.ok(Math.abs(u.fundTakeover - (u.quantity - 0.2)) < 1e-12, JSON.stringify(u));
    assert.equal(u.slices[0].fundTakeover, u.fundTakeover);
    // An empty fund cannot take it over: the rest is deleveraged.
    const empty = lab.unwind(s, { position: 0, book: [{ price: Math.floor(lp), size: 0.2 }], insuranceFund: 0, order: 'iocAtBankruptcy' });
    assert.ok(empty.insuranceFundAfter > 0 && empty.fundTakeover > 0, 'the fill fed the fund, which takes the rest');
    const refused = lab.unwind(s, { position: 0, book: [{ price: u.bankruptcyPrice - 100, size: 1 }], insuranceFund: 0, order: 'iocAtBankruptcy' });
    assert.equal(refused.filled, 0);
    assert.equal(refused.adlQuantity, refused.quantity);
    assert.equal(refused.autoDeleveraging, true);
    assert.equal(refused.adlSlice, 0);
  });

  test('a liquidation order that is neither convention is reported at its path', () => {
    const u = lab.unwind(scenario(), { position: 0, depthPerPercent: 1, order: 'fok' });
    assert.ok(u.errors.some((e) => e.path === 'request.order'), JSON.stringify(u.errors));
  });

  test("Hyperliquid's partial liquidation: 20% first, the trader keeps the rest when the margin is met", () => {
    // Hyperliquid docs "Liquidations" (partial liquidations: over 100k USDC, 20% as a market order; 30 s
    // cooldown). BTC 40x max (MMR 1.25%), isolated long 10 @ 100,000, 20x: LP = 95,000 / 0.9875 = 96,202.53,
    // BP 95,000. The partial order of 2 fills 1 @ 96,200 + 1 @ 96,000 (average 96,100); the equity left
    // 10 x (LP - BP) - (2 x LP - 192,200) = 11,820.25 is above the rest's MM 12,025.32 x 8/10 = 9,620.25:
    // 8 kept. tests/core/engine_partial_test.cpp has the cooldown and the backstop.
    const s = { version: 1, rules: 'hyperliquid', walletBalance: 100000,
      positions: [{ symbol: 'BTC', contract: 'linear', side: 'long', quantity: 10, entryPrice: 100000, leverage: 20, marginMode: 'isolated' }] };
    const request = { position: 0, book: [{ price: 96200, size: 1 }, { price: 96000, size: 100 }], partial: 'venue' };
    const u = lab.unwind(s, request);
    assert.deepEqual(u.errors, []);
    assertClean(u);
    assert.equal(u.partialLiquidation, true);
    assert.ok(Math.abs(u.remaining - 8) < 1e-9, JSON.stringify(u));
    assert.ok(Math.abs(u.averagePrice - 96100) < 1e-6);
    assert.equal(u.slices.length, 1);
    assert.equal(u.slices[0].carried, 0);
    const explained = lab.unwind(s, request, { explain: true });
    const codes = explained.steps.map((x) => x.code);
    assert.ok(codes.includes('unwind.partialOrder') && codes.includes('unwind.partialKept'), codes.join(' '));
    const equity = explained.steps.find((x) => x.code === 'unwind.partialEquity');
    assert.ok(Math.abs(equity.value - 11820.2532) < 1e-4, JSON.stringify(equity));
    // The default unwinds all 10, as before.
    const { partial, ...wholeRequest } = request;
    assert.equal(partial, 'venue');
    const whole = lab.unwind(s, wholeRequest);
    assert.equal(whole.partialLiquidation, false);
    assert.equal(whole.remaining, 0);
    assert.ok(Math.abs(whole.filled - 10) < 1e-9);
  });

  test('partial liquidation is refused at its path with a TWAP, and an unknown value too', () => {
    const twap = lab.unwind(scenario(), { position: 0, style: 'twap', slices: 2, depthPerPercent: 1, partial: 'venue' });
    assert.deepEqual(paths(twap), ['request.partial outOfRange']);
    assert.match(twap.errors[0].message, /'twap'/);
    const bad = lab.unwind(scenario(), { position: 0, depthPerPercent: 1, partial: 'half' });
    assert.ok(bad.errors.some((e) => e.path === 'request.partial'), JSON.stringify(bad.errors));
  });

  test('bad book levels are reported at their paths', () => {
    const u = lab.unwind(scenario(), { position: 0, book: [{ price: 57000, size: 1 }, { price: -1, size: 'a' }] });
    assert.ok(u.errors.some((e) => e.path === 'request.book[1].size' && e.code === 'wrongType'), JSON.stringify(u.errors));
    assert.ok(u.errors.some((e) => e.path === 'request.book[1].price' && e.code === 'notPositive'), JSON.stringify(u.errors));
    const v = lab.unwind(scenario(), { position: 0, book: [7], slices: 1.5, style: 'twap' });
    assert.deepEqual(paths(v), ['request.book[0] wrongType', 'request.slices outOfRange']);
  });
});

describe('ADL queue', () => {
  // BitMEX rules, no fee, long 10 @ 100, 100x, MM 0.5%: BP 99. Mark 100.5: PnL% = 0.5/100 = 0.005,
  // effective leverage 100.5/|100.5 - 99| = 67, score 0.335 (Bybit's and BitMEX's PnL% x EffLev in profit).
  // Crowd: PnL% uniform on [-0.5, 0.5], leverage 10: below when PnL% < 0.0335, share 0.5335 -> 3 lights.
  const bitmex = () => ({ version: 1, rules: 'bitmex', walletBalance: 10000, takerFeeRate: 0,
    tiers: { EXAMPLE: [{ notionalCap: 1e12, maxLeverage: 100, maintenanceMarginRate: 0.005 }] },
    positions: [{ symbol: 'EXAMPLE', contract: 'linear', side: 'long', quantity: 10, entryPrice: 100, markPrice: 100.5, leverage: 100 }] });

  test('the score, the share below and the lights of a hand-worked crowd', () => {
    const a = lab.adlRank(bitmex(), { position: 0, pnlQuantiles: [-0.5, 0.5], leverageQuantiles: [10, 10] });
    assert.deepEqual(a.errors, []);
    assertClean(a);
    assert.ok(Math.abs(a.score - 0.335) < 1e-12 && Math.abs(a.leverage - 67) < 1e-12, JSON.stringify(a));
    assert.ok(Math.abs(a.quantile - 0.5335) < 1e-12);
    assert.equal(a.lights, 3);
    assert.equal('steps' in a, false);
    const { steps, ...numbers } = lab.adlRank(bitmex(), { position: 0, pnlQuantiles: [-0.5, 0.5], leverageQuantiles: [10, 10] }, { explain: true });
    assert.deepEqual(numbers, a);
    assert.deepEqual(steps.map((x) => x.code), ['adl.pnlLinear', 'adl.effectiveLeverageLinear', 'adl.scoreProfit', 'adl.crowd', 'adl.quantile', 'adl.lights']);
  });

  test('the default crowd is stated in the answer; bad quantiles and a venue without a formula are errors at their paths', () => {
    const d = lab.adlRank(bitmex(), { position: 0 });
    assert.deepEqual(d.pnlQuantiles, [-0.5, -0.1, 0, 0.1, 0.5]);
    assert.deepEqual(d.leverageQuantiles, [1, 2, 5, 10, 25]);
    const bad = lab.adlRank(bitmex(), { position: 0, pnlQuantiles: [0.2, 'x', 0.1], leverageQuantiles: [5, 1] });
    assert.deepEqual(paths(bad), ['request.leverageQuantiles[1] unsorted', 'request.pnlQuantiles[1] wrongType']);
    const hl = { ...bitmex(), rules: 'hyperliquid' };
    assert.deepEqual(paths(lab.adlRank(hl, { position: 0 })), ['scenario.rules unsupported']);
    assert.throws(() => lab.adlRank(bitmex(), 3), TypeError);
  });
});

test('maxOpen answers a size adjust accepts; a little more is refused (the position held counts)', () => {
  // Binance default brackets (125x to 50,000), long 0.4 @ 99,875 at 125x, mark 100,000, fee 0.05%:
  // the room beside the 39,950 held is 10,050 -> 0.1005 BTC at 100,000 (tests/core/whatif_test.cpp).
  const s = { version: 1, rules: 'binance', walletBalance: 1000, takerFeeRate: 0.0005,
    positions: [{ symbol: 'BTCUSDT', side: 'long', quantity: 0.4, entryPrice: 99875, markPrice: 100000, leverage: 125 }] };
  const m = lab.maxOpen(s, { symbol: 'BTCUSDT', side: 'long', price: 100000, leverage: 125 });
  assert.deepEqual(m.errors, []);
  assert.ok(Math.abs(m.quantity - 0.1005) < 1e-12);
  assert.equal(m.heldQuantity, 0.4);
  assert.ok(Math.abs(m.cost - (m.initialMargin + m.openLoss + m.fee)) < 1e-9);
  const a = lab.adjust(s, { position: 0, price: 100000, quantityDelta: m.quantity });
  assert.deepEqual(a.errors, []);
  assert.ok(a.report.cross.account.availableBalance >= 0);
  assert.ok(Math.abs(a.fee - 5.025) < 1e-9);
  const more = lab.adjust(s, { position: 0, price: 100000, quantityDelta: m.quantity * (1 + 1e-9) });
  assert.equal(more.errors[0]?.path, 'request.quantityDelta');
});
