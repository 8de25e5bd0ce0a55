// SPDX-License-Identifier: MIT
// lab.reconcile through the JS API of marginlab-full.js: the boundary (paths, codes, null never NaN,
// misuse, steps only with explain) and one venue example end to end (BY-1 under the binance profile
// is Bybit's maintenance on the entry value, VENUES.md). The search itself is tested in tests/core.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import createMarginLab, { defaultScenario } from '../../web/dist/marginlab-full.js';

let lab;
before(async () => {
  lab = await createMarginLab({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab-full.wasm', import.meta.url)) });
});

const by1 = () => ({ version: 1, rules: 'binance', walletBalance: 100000,
  tiers: { BTCUSDT: [{ notionalCap: 1e12, maxLeverage: 125, maintenanceMarginRate: 0.005 }] },
  positions: [{ symbol: 'BTCUSDT', side: 'long', quantity: 1, entryPrice: 20000, leverage: 50 }] });
const paths = (answer) => answer.errors.map((e) => `${e.path} ${e.code}`).sort();

test('BY-1 under binance: maintenance on the entry value reproduces Bybit\'s 19,700; steps only with explain', () => {
  const a = lab.reconcile(by1(), [{ position: 0, liquidationPrice: 19700, tick: 0.5 }]);
  assert.deepEqual(a.errors, []);
  const p = a.positions[0];
  assert.deepEqual(p.conventions, ['maintenanceOnEntryValue']);
  assert.equal(p.reproduced, true);
  assert.equal(p.agrees, false);
  // Hand: Binance's LP (400 - 20,000) / (0.005 - 1); Bybit's 20,000 - (400 - 100).
  assert.ok(Math.abs(p.marginLab.liquidationPrice - 19600 / 0.995) <= 1e-9 * 19700);
  assert.ok(Math.abs(p.figures.liquidationPrice - 19700) <= 1e-9 * 19700);
  assert.equal(p.figures.bankruptcyPrice !== null, true);
  assert.equal('steps' in p, false);
  assert.equal(JSON.stringify(a).includes('NaN'), false);
  const explained = lab.reconcile(by1(), [{ position: 0, liquidationPrice: 19700, tick: 0.5 }], { explain: true });
  assert.deepEqual(explained.positions[0].conventions, p.conventions);
  assert.deepEqual(explained.positions[0].steps.map((s) => s.code),
    ['reconcile.marginLab', 'reconcile.search', 'reconcile.switch', 'reconcile.reproduced']);
});

test('bad venue figures: each error at its path; misuse throws', () => {
  const a = lab.reconcile(by1(), [{ position: 4, liquidationPrice: 'abc' }, { position: 0, tick: -1, marginRatio: 0.1 }, {}],
    { relativeTolerance: 2 });
  assert.deepEqual(paths(a), ['options.relativeTolerance outOfRange', 'venueFigures[0].liquidationPrice wrongType',
    'venueFigures[0].position outOfRange', 'venueFigures[1].tick notPositive', 'venueFigures[2] missing', 'venueFigures[2].position missing'].sort());
  const many = lab.reconcile(by1(), Array.from({ length: 1001 }, () => ({ position: 0, liquidationPrice: 1 })));
  assert.ok(paths(many).includes('venueFigures tooMany'), paths(many).join(', '));
  assert.throws(() => lab.reconcile(by1(), { position: 0 }), TypeError);
  assert.throws(() => lab.reconcile(null, []), TypeError);
  assert.throws(() => lab.reconcile(by1(), [], 'explain'), TypeError);
  // The scenario's own errors come first, at their paths.
  const bad = lab.reconcile({ ...defaultScenario, walletBalance: -1 }, [{ position: 0, liquidationPrice: 1 }]);
  assert.ok(paths(bad).some((x) => x.startsWith('walletBalance')), paths(bad).join(', '));
  assert.deepEqual(lab.reconcile(by1(), []), { errors: [], positions: [] });
});
