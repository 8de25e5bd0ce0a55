// SPDX-License-Identifier: MIT
// fitSurface through the JS API of marginlab-full.js: a smile recovered from quotes made by raw SVI's
// closed form (Gatheral 2004, written out here), parity from Black-76 prices, the sampled surface used
// by evaluateOptions, the answer's shape against the d.ts, steps only when explained, and errors at
// their paths. The fitter's maths is tested in tests/core/svi_test.cpp.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import createMarginLab, { defaultOptionsScenario } from '../../web/dist/marginlab-full.js';
import { interfaceFields } from './dts.mjs';

let lab;
before(async () => {
  lab = await createMarginLab({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab-full.wasm', import.meta.url)) });
});

/** Raw SVI total variance (Gatheral 2004). */
const svi = ({ a, b, rho, m, sigma }, k) => a + b * (rho * (k - m) + Math.sqrt((k - m) ** 2 + sigma ** 2));
const P = { a: 0.04, b: 0.4, rho: -0.4, m: 0.05, sigma: 0.1 };

/** Volatility quotes at k = -0.6 .. 0.6 around forward F = spot (rate 0), `years` to expiry. */
function volQuotes(params, years, spot, n = 13) {
  return Array.from({ length: n }, (_, i) => {
    const k = -0.6 + (1.2 * i) / (n - 1);
    return { expiryYears: years, strike: spot * Math.exp(k), type: k >= 0 ? 'call' : 'put', volatility: Math.sqrt(svi(params, k) / years) };
  });
}
const near = (actual, expected, tol, what) => assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);
const has = (errors, path, rule) => assert.ok(errors.some((e) => e.path === path && e.rule === rule),
  `${path} ${rule} in ${JSON.stringify(errors.map((e) => `${e.path} ${e.rule}`))}`);

describe('fitSurface', () => {
  test('recovers raw SVI parameters from its own quotes (1e-6), free of arbitrage', () => {
    const r = lab.fitSurface({ underlyingPrice: 60000, quotes: [...volQuotes(P, 0.25, 60000), ...volQuotes({ ...P, a: 0.08 }, 0.5, 60000)] });
    assert.deepEqual(r.errors, []);
    assert.equal(r.smiles.length, 2);
    near(r.smiles[0].a, 0.04, 1e-6, 'a');
    near(r.smiles[0].b, 0.4, 1e-6, 'b');
    near(r.smiles[0].rho, -0.4, 1e-6, 'rho');
    near(r.smiles[0].m, 0.05, 1e-6, 'm');
    near(r.smiles[0].sigma, 0.1, 1e-6, 'sigma');
    near(r.smiles[1].a, 0.08, 1e-6, 'a at 0.5');
    assert.equal(r.smiles[0].forwardSource, 'carry');
    assert.ok(r.smiles.every((s) => s.arbitrageFree && s.rmse < 1e-8));
    assert.deepEqual(r.arbitrage, []);
    assert.equal('steps' in r, false);
    // The surface is one an options scenario takes.
    const scenario = { ...structuredClone(defaultOptionsScenario), volSurface: r.surface };
    assert.deepEqual(lab.evaluateOptions(scenario).errors, []);
  });

  test('the forward from put-call parity on Black-76 prices', () => {
    const forward = 61000, rate = 0.03, years = 0.2;
    const quotes = [];
    for (let i = 0; i < 7; ++i) {
      const k = -0.3 + 0.1 * i, strike = forward * Math.exp(k), volatility = Math.sqrt(svi(P, k) / years);
      for (const type of ['call', 'put']) {
        const g = lab.black76({ type, strike, forward, volatility, years, rate });
        quotes.push({ expiryYears: years, strike, type, price: g.price });
      }
    }
    const r = lab.fitSurface({ underlyingPrice: 60000, interestRate: rate, quotes }, { explain: true });
    assert.deepEqual(r.errors, []);
    assert.equal(r.smiles[0].forwardSource, 'putCallParity');
    near(r.smiles[0].forward, forward, 1e-8 * forward, 'forward');
    near(r.smiles[0].rho, -0.4, 1e-6, 'rho');
    assert.ok(r.steps.some((s) => s.code === 'surfaceFit.forward.parity'));
  });

  test('the answer has the d.ts fields', () => {
    const r = lab.fitSurface({ underlyingPrice: 100, quotes: volQuotes(P, 1, 100) });
    for (const [name, value] of [['SurfaceFitResult', r], ['SviSmile', r.smiles[0]]]) {
      const fields = interfaceFields(name).filter((f) => f.name !== 'steps').map((f) => f.name).sort();
      assert.deepEqual(Object.keys(value).filter((k) => k !== 'errors').sort(), fields, name);
    }
  });

  test('errors at their paths', () => {
    const quotes = volQuotes(P, 1, 100, 7);
    let r = lab.fitSurface({ underlyingPrice: -1, quotes: [{ ...quotes[0], type: 'future' }, { ...quotes[1], volatility: undefined, price: -2 },
      { ...quotes[2], volatility: 'high' }, ...quotes.slice(3)] });
    has(r.errors, 'underlyingPrice', 'mustBePositive');
    has(r.errors, 'quotes[0].type', 'unknownValue');
    has(r.errors, 'quotes[1].price', 'mustBePositive');
    has(r.errors, 'quotes[2].volatility', 'wrongType');
    assert.ok(!r.errors.some((e) => e.path === 'quotes[2]'), 'an unreadable volatility is not also missing');
    r = lab.fitSurface({ underlyingPrice: 100 });
    has(r.errors, 'quotes', 'missing');
    r = lab.fitSurface({ underlyingPrice: 100, quotes: Array(2001).fill(quotes[0]) });
    has(r.errors, 'quotes', 'tooManyEntries');
    r = lab.fitSurface({ underlyingPrice: 100, quotes: [...quotes, { expiryYears: 2, strike: 100, type: 'call', volatility: 0.5 }] });
    has(r.errors, 'quotes[7].expiryYears', 'sviTooFewStrikes');
    r = lab.fitSurface({ underlyingPrice: 100, quotes: [...quotes.slice(0, 6), { ...quotes[6], volatility: undefined, price: 150 }] });
    has(r.errors, 'quotes[6].price', 'blackPriceTooHigh');
    r = lab.fitSurface({ underlyingPrice: NaN, quotes: [...quotes, quotes[2]] });
    has(r.errors, 'underlyingPrice', 'notFinite');
    has(r.errors, 'quotes[7].strike', 'sviDuplicateQuote');
    assert.throws(() => lab.fitSurface('quotes'), TypeError);
    assert.throws(() => lab.fitSurface({ underlyingPrice: 1, quotes }, true), TypeError);
  });
});
