// SPDX-License-Identifier: MIT
// lab.sizeCurve (curve.h, marginlab-full only): Orderly's and Drift's size-scaled margin curves through
// the JS boundary, checked against the peer @orderly.network/perp (pinned in web/package.json) where its
// formula is exact, and against Orderly's docs formula written out here where the peer freezes the rate.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import createMarginLab from '../../web/dist/marginlab-full.js';

let lab;
before(async () => {
  lab = await createMarginLab({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab-full.wasm', import.meta.url)) });
});
const requireWeb = createRequire(new URL('../../web/package.json', import.meta.url));
const { positions: orderly } = requireWeb('@orderly.network/perp');
const dts = readFileSync(new URL('../../web/dist/marginlab.d.ts', import.meta.url), 'utf8');
function declared(name) {
  const m = dts.match(new RegExp(`export interface ${name}\\s*\\{([\\s\\S]*?)\\n\\}`));
  assert.ok(m, `marginlab.d.ts declares ${name}`);
  const body = m[1].replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return [...body.matchAll(/^\s*(\w+)\??\s*:/gm)].map((x) => x[1]);
}
const within = (actual, expected, rel, what) =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: ${actual} vs ${expected} (rel ${rel})`);

// Orderly BTC-PERP (docs "Margin, Leverage and PnL" table): base IMR 1%, base MMR 0.6%, IMR factor 3.75e-7.
const btc = (x = {}) => ({ curve: 'orderly', side: 'long', quantity: 10, entryPrice: 60000, collateral: 60000,
  baseImr: 0.01, baseMmr: 0.006, factor: 0.000000375, ...x });
// Orderly's docs: MMR = max(base MMR, base MMR / base IMR x IMR factor x |notional|^(4/5)).
const mmr = (x, p) => Math.max(x.baseMmr, (x.baseMmr / x.baseImr) * x.factor * Math.pow(x.quantity * p, 0.8));
const gap = (x, p) => {
  const s = x.side === 'long' ? 1 : -1;
  const equity = x.collateral + s * x.quantity * (p - x.entryPrice), maintenance = mmr(x, p) * x.quantity * p;
  return (equity - maintenance) / maintenance;
};
const peer = (x, referencePrice) => orderly.liquidationPriceIsolated({
  isolatedPositionMargin: x.collateral, costPosition: (x.side === 'long' ? 1 : -1) * x.quantity * x.entryPrice,
  positionQty: (x.side === 'long' ? 1 : -1) * x.quantity, sumUnitaryFunding: 0, lastSumUnitaryFunding: 0,
  baseMMR: x.baseMmr, baseIMR: x.baseImr, IMRFactor: x.factor, leverage: 10, ...(referencePrice && { referencePrice }) });

describe('sizeCurve', () => {
  test('shape: the d.ts fields, steps only with explain', () => {
    for (const explain of [false, true]) {
      const r = lab.sizeCurve(btc(), { explain });
      const fields = declared('SizeCurveResult').filter((k) => explain || k !== 'steps');
      assert.deepEqual(Object.keys(r), ['errors', ...fields]);
    }
    const steps = lab.sizeCurve(btc(), { explain: true }).steps;
    assert.deepEqual(steps.map((s) => s.code), ['sizeCurve.notional', 'sizeCurve.initialRate.orderly',
      'sizeCurve.maintenanceRate.orderly', 'sizeCurve.initialMargin', 'sizeCurve.maintenanceMargin', 'sizeCurve.equity',
      'sizeCurve.liquidation', 'sizeCurve.upper']);
  });

  test('Orderly: exact liquidation prices (mpmath 40 digits), margin = maintenance there to 1e-12', () => {
    const r = lab.sizeCurve(btc());
    within(r.liquidationPrice, 54475.716071628708, 1e-14, 'long below');
    within(r.upperLiquidationPrice, 20338954.218885477, 1e-14, 'long above');
    assert.ok(Math.abs(gap(btc(), r.liquidationPrice)) < 1e-12);
    const s = lab.sizeCurve(btc({ side: 'short' }));
    within(s.liquidationPrice, 65340.058182549390, 1e-14, 'short above');
    assert.equal(s.upperLiquidationPrice, null);
  });

  test('the peer freezes the rate at the mark: equal on the flat part, off where the curve moves', () => {
    // 0.1 BTC: the curve stays under the base MMR, the condition is a line and both solve it exactly.
    const small = btc({ quantity: 0.1, collateral: 600 });
    within(lab.sizeCurve(small).liquidationPrice, peer(small), 1e-12, 'flat part');
    // 10 BTC: the peer's MMR is the mark's (0.94%); at its price the docs' formula says equity is not maintenance.
    const big = btc(), theirs = peer(big, big.entryPrice), ours = lab.sizeCurve(big).liquidationPrice;
    assert.ok(Math.abs(gap(big, theirs)) > 1e-4, `the peer's ${theirs} is off the boundary`);
    assert.ok(Math.abs(theirs - ours) > 10, `${theirs} vs ${ours}`);
  });

  test('Drift: the sqrt-size premium; the liquidation price is the closed form of a line', () => {
    const r = lab.sizeCurve({ curve: 'drift', side: 'long', quantity: 10000, entryPrice: 150, collateral: 300000,
      baseImr: 0.1, baseMmr: 0.05, factor: 0.0005 });
    within(r.maintenanceMarginRate, 0.09, 1e-15, 'MMR = max(0.05, 0.04 + 0.0005 x sqrt 10000)');
    within(r.initialMarginRate, 0.13, 1e-15, 'IMR');
    within(r.liquidationPrice, 1200000 / 9100, 1e-15, 'long');
  });

  test('errors at their names, with the limits', () => {
    const r = lab.sizeCurve(btc({ curve: 'binance', quantity: -1, baseMmr: 0.02, factor: 'x' }));
    const at = Object.fromEntries(r.errors.map((e) => [e.path, e.code]));
    assert.equal(at.curve, 'unknownValue');
    assert.equal(at.quantity, 'notPositive');
    assert.equal(at.baseMmr, 'outOfRange');
    assert.equal(at.factor, 'wrongType');
    assert.equal(lab.sizeCurve(btc({ collateral: undefined })).errors[0].path, 'collateral');
    assert.throws(() => lab.sizeCurve(5), TypeError);
  });
});
