// SPDX-License-Identifier: MIT
// The calls whose whole answers (as JSON text: keys, key order, nulls, steps, every error's path, code,
// rule, message and params) tests/fixtures/recorded-answers.json holds, recorded before their boundary
// read and wrote them by walking fields(): lab.reconcile on the benchmark's inputs (tests/bench/kernels.mjs),
// the calls of tests/js/reconcile.test.mjs, explain-every-call.test.mjs and i18n.test.mjs, and a few more
// that reach every branch of the answer (MarginLab agreeing, a nearest combination, a figure no price
// gives, several positions, errors); lab.tickPrice and lab.wholeLots on good requests and on every kind of
// bad field.
import { defaultScenario } from '../../web/dist/marginlab-full.js';
import { reconcileInputs } from '../bench/kernels.mjs';

const by1 = () => ({ version: 1, rules: 'binance', walletBalance: 100000,
  tiers: { BTCUSDT: [{ notionalCap: 1e12, maxLeverage: 125, maintenanceMarginRate: 0.005 }] },
  positions: [{ symbol: 'BTCUSDT', side: 'long', quantity: 1, entryPrice: 20000, leverage: 50 }] });

/** by1 with a second position, short and cross, on a second symbol. */
const two = () => {
  const s = by1();
  s.tiers.ETHUSDT = [{ notionalCap: 1e12, maxLeverage: 100, maintenanceMarginRate: 0.01 }];
  s.positions.push({ symbol: 'ETHUSDT', side: 'short', quantity: 10, entryPrice: 1500, markPrice: 1510, leverage: 20,
    marginMode: 'cross' });
  return s;
};

/** [name, scenario, venueFigures, options] of each call; each is made without and with { explain: true }. */
export function reconcileCases() {
  const bench = reconcileInputs();
  return [
    ['the benchmark\'s inputs', bench.scenario, bench.figures, undefined],
    ['BY-1 under binance', by1(), [{ position: 0, liquidationPrice: 19700, tick: 0.5 }], undefined],
    ['the default scenario', structuredClone(defaultScenario), [{ position: 0, liquidationPrice: 57300, tick: 0.1 }], undefined],
    ['MarginLab agrees', by1(), [{ position: 0, initialMargin: 400, maintenanceMargin: 100 }], undefined],
    ['the nearest, every figure', by1(), [{ position: 0, liquidationPrice: 15000, bankruptcyPrice: 14000, initialMargin: 123,
      maintenanceMargin: 77, marginRatio: 0.4 }], { relativeTolerance: 1e-6 }],
    ['no price liquidates', { ...by1(), walletBalance: 1e9, positions: [{ ...by1().positions[0], marginMode: 'cross' }] },
      [{ position: 0, liquidationPrice: 100, lot: 0.001, fundingPaid: -3 }], undefined],
    ['two positions, one cross', two(), [{ position: 1, liquidationPrice: 1550, openOrderMargin: 20, lastPrice: 1511,
      indexPrice: 1509 }, { position: 0, maintenanceMargin: 100.5, tick: 0.1 }], undefined],
    ['bad venue figures', by1(), [{ position: 4, liquidationPrice: 'abc' }, { position: 0, tick: -1, marginRatio: 0.1 }, {}],
      { relativeTolerance: 2 }],
    ['a bad scenario', { ...structuredClone(defaultScenario), walletBalance: -1 }, [{ position: 0, liquidationPrice: 1 }], undefined],
    ['no venue figures', by1(), [], undefined],
  ];
}

const long = 'x'.repeat(100);

/** [name, request] of lab.tickPrice. */
export const tickPriceCases = [
  ['binance', { rules: 'binance', side: 'long', price: 57228.44, tickSize: 0.1 }],
  ['bybit short', { rules: 'bybit', side: 'short', price: 8121.83, tickSize: 0.5 }],
  ['hyperliquid sig figs', { rules: 'hyperliquid', price: 1234.56, tickSize: 0.01, priceSigFigs: 5 }],
  ['defaults', { price: 100.04, tickSize: 0.1 }],
  ['types before ranges', { price: 'x', tickSize: -1, side: 'up', priceSigFigs: 2.5 }],
  ['a range', { price: 100, tickSize: -1 }],
  ['sig figs not whole', { price: 100, tickSize: 1, priceSigFigs: 2.5 }],
  ['sig figs out of range', { price: 100, tickSize: 1, priceSigFigs: 18 }],
  ['sig figs not a number', { price: 100, tickSize: 1, priceSigFigs: '5' }],
  ['missing', {}],
  ['not finite', { price: Infinity, tickSize: 0.1 }],
  ['NaN', { price: NaN, tickSize: NaN }],
  ['nulls', { rules: null, side: null, price: null, tickSize: null, priceSigFigs: null }],
  ['wrong types', { rules: 5, side: true, price: [1], tickSize: {}, priceSigFigs: false }],
  ['unknown strings', { rules: 'kraken', side: 'sideways', price: 1, tickSize: 1 }],
  ['long strings', { rules: long, side: 'y'.repeat(41), price: 1, tickSize: 1 }],
];

/** [name, request] of lab.wholeLots. */
export const wholeLotsCases = [
  ['inverse', { contract: 'inverse', quantity: 748166.6667, lotSize: 1, contractSize: 100 }],
  ['base asset', { quantity: 0.12345, lotSize: 0.001, baseAsset: 'BTC' }],
  ['contracts', { contract: 'linear', quantity: 0.5005, lotSize: 0.001, contractSize: 1 }],
  ['ranges', { quantity: -1, lotSize: 0, contractSize: -2 }],
  ['long base asset', { quantity: 1, lotSize: 0, baseAsset: 'B'.repeat(100) }],
  ['base asset of 41', { quantity: 1, lotSize: 1, baseAsset: 'B'.repeat(41) }],
  ['missing', {}],
  ['nulls', { contract: null, quantity: null, lotSize: null, contractSize: null, baseAsset: null }],
  ['wrong types', { contract: 1, quantity: '1', lotSize: [], contractSize: {}, baseAsset: 7 }],
  ['unknown contract', { contract: 'quanto', quantity: 1, lotSize: 1 }],
  ['long contract', { contract: long, quantity: 1, lotSize: 1 }],
  ['not finite', { quantity: Infinity, lotSize: NaN }],
];

/** The JSON text of each answer, keyed "call: name" and "call: name, explained". */
export function recordedAnswers(lab) {
  const out = {};
  const both = (key, call) => {
    out[key] = JSON.stringify(call(undefined));
    out[`${key}, explained`] = JSON.stringify(call({ explain: true }));
  };
  for (const [name, scenario, figures, options] of reconcileCases())
    both(`reconcile: ${name}`, (x) => lab.reconcile(structuredClone(scenario), structuredClone(figures), x && { ...options, ...x } || options));
  for (const [name, request] of tickPriceCases) both(`tickPrice: ${name}`, (x) => lab.tickPrice(request, x));
  for (const [name, request] of wholeLotsCases) both(`wholeLots: ${name}`, (x) => lab.wholeLots(request, x));
  return out;
}
