// SPDX-License-Identifier: MIT
// Golden test of "show the math": the steps every tool gives with { explain: true } for the VENUES
// fixtures, the default scenarios and one request per risk-lab tool, held to the steps recorded in
// tests/fixtures/golden-steps.json (recorded from the 0.1.0 build, where every kernel wrote its steps as
// it computed). A property test beside it checks that asking for steps changes no number.
// Regenerate (after a deliberate change of wording): GOLDEN_WRITE=1 node --no-experimental-fetch --test tests/js/golden.test.mjs
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import createMarginLab, { defaultScenario, defaultOptionsScenario } from '../../web/dist/marginlab-full.js';

const goldenUrl = new URL('../fixtures/golden-steps.json', import.meta.url);
const venues = JSON.parse(readFileSync(new URL('../fixtures/venues.json', import.meta.url)));
let lab;
before(async () => {
  lab = await createMarginLab({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab-full.wasm', import.meta.url)) });
});

const s = () => structuredClone(defaultScenario);
/** Every call whose steps are pinned: a name and a function of (lab, options). */
function cases() {
  const list = [];
  for (const v of venues) list.push([`evaluate ${v.id}`, (o) => lab.evaluate(v.scenario, o)]);
  list.push(['evaluate default', (o) => lab.evaluate(s(), o)]);
  const modes = s();
  modes.positions[0].marginMode = 'isolated';
  list.push(['evaluate asGiven', (o) => lab.evaluate(modes, o)]);
  list.push(['adjust', (o) => lab.adjust(s(), { position: 0, price: 61000, quantityDelta: 0.5 }, o)]);
  list.push(['adjust flip', (o) => lab.adjust(s(), { position: 0, price: 61000, quantityDelta: -0.8 }, o)]);
  list.push(['targetPrice', (o) => lab.targetPrice(s(), { position: 0, kind: 'roe', target: 0.5 }, o)]);
  list.push(['maxOpen', (o) => lab.maxOpen(s(), { symbol: 'BTCUSDT', side: 'long', price: 61000, leverage: 10 }, o)]);
  list.push(['sizeFromStop', (o) => lab.sizeFromStop(s(), { symbol: 'BTCUSDT', side: 'long', entryPrice: 61000, stopPrice: 59000, riskFraction: 0.01, leverage: 10 }, o)]);
  list.push(['marginToTarget', (o) => lab.marginToTarget(s(), { position: 0, targetLiquidationPrice: 50000 }, o)]);
  list.push(['stress', (o) => lab.stress(s(), { shocks: [-0.2, 0, 0.2] }, o)]);
  list.push(['cascade', (o) => lab.cascade(s(), { marks: [{ BTCUSDT: 55000, ETHUSDT: 3200 }, { BTCUSDT: 45000, ETHUSDT: 3600 }, { BTCUSDT: 35000, ETHUSDT: 4000 }] }, o)]);
  list.push(['funding', (o) => lab.funding(s(), { position: 0, rate: 0.0001, intervals: 90 }, o)]);
  list.push(['odds', (o) => lab.odds(s(), { position: 0, volatility: 0.6, years: 30 / 365 }, o)]);
  // Recorded when monteCarlo had no steps (an empty entry); its steps are pinned by hand values in
  // tests/core/mc_explain_test.cpp and checked both ways in explain-every-call.test.mjs, so this case keeps
  // the recorded call without explain (the fixture is never regenerated).
  list.push(['monteCarlo', () => lab.monteCarlo(s(), { volatility: { BTCUSDT: 0.6, ETHUSDT: 0.7 }, correlation: [[1, 0.8], [0.8, 1]], years: 30 / 365, steps: 30, paths: 200, seed: 7 })]);
  list.push(['unwind twap', (o) => lab.unwind(s(), { position: 0, style: 'twap', depthPerPercent: 0.5, slices: 5, replenishFraction: 0.5, insuranceFund: 100 }, o)]);
  list.push(['unwind book', (o) => lab.unwind(s(), { position: 0, book: [{ price: 57000, size: 0.2 }, { price: 56000, size: 1 }] }, o)]);
  list.push(['evaluateOptions', (o) => lab.evaluateOptions(defaultOptionsScenario, { days: 7 }, o)]);
  list.push(['portfolioMargin', (o) => lab.portfolioMargin(defaultOptionsScenario, {}, o)]);
  list.push(['black76', (o) => lab.black76({ type: 'call', strike: 60000, forward: 60000, volatility: 0.6, years: 30 / 365 }, o)]);
  return list;
}

/** Every steps array in an answer, by its path: { 'isolated.positions[0]': [...] }. */
function stepsOf(value, path = '', out = {}) {
  if (Array.isArray(value)) value.forEach((v, i) => stepsOf(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'steps' && Array.isArray(v)) out[path || '.'] = v.map(({ field, label, formula, substituted, value: x }) => ({ field, label, formula, substituted, value: x }));
      else stepsOf(v, path ? `${path}.${k}` : k, out);
    }
  }
  return out;
}

/** The answer without its steps (and without the step-only fields): the numbers. */
function numbersOf(value) {
  if (Array.isArray(value)) return value.map(numbersOf);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) if (k !== 'steps') out[k] = numbersOf(v);
    return out;
  }
  return value;
}

test('the steps of every pinned call equal the recorded ones', () => {
  const got = {};
  for (const [name, call] of cases()) {
    const answer = call({ explain: true });
    assert.deepEqual(answer.errors, [], name);
    got[name] = stepsOf(answer);
    if (!['monteCarlo', 'black76'].includes(name)) assert.ok(Object.keys(got[name]).length > 0, `${name} has steps`);  // these two report numbers only
  }
  if (process.env.GOLDEN_WRITE) writeFileSync(goldenUrl, JSON.stringify(got, null, 1) + '\n');
  const golden = JSON.parse(readFileSync(goldenUrl));
  assert.deepEqual(Object.keys(got).sort(), Object.keys(golden).sort());
  for (const name of Object.keys(golden)) assert.deepEqual(got[name], golden[name], name);
});

test('explain: true changes no number, and without it no answer carries steps', () => {
  for (const [name, call] of cases()) {
    const plain = call(), explained = call({ explain: true });
    assert.deepEqual(numbersOf(plain), numbersOf(explained), name);
    assert.deepEqual(Object.keys(stepsOf(plain)), [], `${name}: no steps without explain`);
  }
});

test('every step carries its stable code and its parameters (a page or a translation phrases it from them)', () => {
  for (const [name, call] of cases()) {
    const walk = (value, path) => {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          if (k === 'steps' && Array.isArray(v)) {
            v.forEach((st, i) => {
              assert.match(st.code, /^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/, `${name} ${path}.steps[${i}].code`);
              assert.equal(typeof st.params, 'object', `${name} ${path}.steps[${i}].params`);
            });
          } else walk(v, `${path}.${k}`);
        }
      }
    };
    walk(call({ explain: true }), '');
  }
});
