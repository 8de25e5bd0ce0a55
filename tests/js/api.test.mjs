// SPDX-License-Identifier: MIT
// MarginLab JS API at the boundary (STYLE.md 11): fixtures pass through, paths name real fields,
// null stays null, the d.ts and the module agree. The maths is tested in tests/core.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import createMarginLab, { defaultScenario } from '../../web/dist/marginlab.js';
import { dts, interfaceFields, unionMembers } from './dts.mjs';

const lab = await createMarginLab({
  wasmBinary: readFileSync(new URL('../../web/dist/marginlab.wasm', import.meta.url)),
});
const venues = JSON.parse(readFileSync(new URL('../fixtures/venues.json', import.meta.url), 'utf8'));

/** A d.ts type text as a descriptor: interface, array, record or scalar. */
function typeOf(text) {
  const t = text.trim();
  if (t.endsWith('[]')) return { kind: 'array', of: typeOf(t.slice(0, -2)) };
  const rec = t.match(/^Record<string,\s*(.+)>$/);
  if (rec) return { kind: 'record', of: typeOf(rec[1]) };
  if (new RegExp(`export interface ${t}\\b`).test(dts)) return { kind: 'interface', name: t };
  return { kind: 'scalar', text: t };
}

/** "positions[1].leverage" -> ['positions', 1, 'leverage']; "" -> []. */
function pathSegments(path) {
  if (path === '') return [];
  const segs = [];
  for (const part of path.split('.')) {
    const m = part.match(/^([^[\]]*)((?:\[\d+\])*)$/);
    assert.ok(m, `path segment "${part}" of "${path}" is well formed`);
    if (m[1] !== '') segs.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) segs.push(Number(idx[1]));
  }
  return segs;
}

/**
 * True when `path` names a field of `input` (typed by the d.ts interface `root`) that exists,
 * or a required field of the d.ts that the input lacks. With `declared`, an absent optional
 * d.ts field is accepted too (a field required only by some profiles, e.g. a tier row's
 * maintenanceMarginRate outside hyperliquid).
 */
function pathNamesField(input, path, { root = 'Scenario', declared = false } = {}) {
  const segs = pathSegments(path);
  let value = input;
  let type = { kind: 'interface', name: root };
  for (let i = 0; i < segs.length; ++i) {
    const seg = segs[i];
    const last = i === segs.length - 1;
    if (type.kind === 'array') {
      if (typeof seg !== 'number' || !Array.isArray(value) || seg >= value.length) return false;
      value = value[seg];
      type = type.of;
    } else if (type.kind === 'record') {
      if (typeof seg !== 'string' || value === null || typeof value !== 'object' || !Object.hasOwn(value, seg)) return false;
      value = value[seg];
      type = type.of;
    } else if (type.kind === 'interface') {
      const field = interfaceFields(type.name).find((f) => f.name === seg);
      if (typeof seg !== 'string' || !field) return false;
      if (value !== null && typeof value === 'object' && Object.hasOwn(value, seg)) {
        value = value[seg];
        type = typeOf(field.type);
      } else {
        return last && (!field.optional || declared);
      }
    } else {
      return false;
    }
  }
  return true;
}

/** Every error path resolves against the input. */
function assertPathsResolve(input, errors) {
  for (const e of errors) {
    assert.ok(
      pathNamesField(input, e.path, { declared: e.code === 'missing' }),
      `error path "${e.path}" (${e.code}) names a field of the input`,
    );
  }
}

/** Walks a value: no NaN, no +-Infinity, no undefined anywhere. */
function assertClean(value, where = 'report') {
  if (typeof value === 'number') {
    assert.ok(Number.isFinite(value), `${where} is finite (got ${value})`);
  } else if (value === undefined) {
    assert.fail(`${where} is undefined`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => assertClean(v, `${where}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) assertClean(v, `${where}.${k}`);
  }
}

/** A report field against its d.ts type text. */
function assertFieldType(value, typeText, where) {
  switch (typeText) {
    case 'number':
      assert.equal(typeof value, 'number', `${where} is a number`);
      break;
    case 'number | null':
      assert.ok(value === null || typeof value === 'number', `${where} is number|null (got ${value})`);
      break;
    case 'boolean':
      assert.equal(typeof value, 'boolean', `${where} is a boolean`);
      break;
    case 'MarginMode':
      assert.ok(unionMembers('MarginMode').includes(value), `${where} is a MarginMode (got ${value})`);
      break;
    case 'Step[]':
      assert.ok(Array.isArray(value), `${where} is an array`);
      value.forEach((s, i) => assertStep(s, `${where}[${i}]`));
      break;
    case 'TierBoundary[]': {
      assert.ok(Array.isArray(value), `${where} is an array`);
      const fields = interfaceFields('TierBoundary').map((f) => f.name).sort();
      value.forEach((b, i) => {
        assert.deepEqual(Object.keys(b).sort(), fields, `${where}[${i}] has the d.ts TierBoundary fields`);
        for (const f of fields) assert.equal(typeof b[f], 'number', `${where}[${i}].${f} is a number`);
        if (i > 0) assert.ok(b.price > value[i - 1].price, `${where} ascends in price`);
      });
      break;
    }
    default:
      assert.fail(`${where}: no check for d.ts type "${typeText}"`);
  }
}

function assertStep(step, where) {
  const fields = interfaceFields('Step');
  assert.deepEqual(Object.keys(step), fields.map((f) => f.name), `${where} has the d.ts Step fields, in order`);
  for (const key of ['field', 'code', 'label', 'formula', 'substituted']) assert.equal(typeof step[key], 'string', `${where}.${key}`);
  assert.ok(step.value === null || typeof step.value === 'number', `${where}.value is number|null`);
  assertParams(step.params, `${where}.params`);
}

/** A params object: a plain object of numbers and strings. */
function assertParams(params, where) {
  assert.ok(params !== null && typeof params === 'object' && !Array.isArray(params), `${where} is an object`);
  for (const [k, v] of Object.entries(params)) assert.ok(['number', 'string'].includes(typeof v), `${where}.${k} is a number or a string`);
}

/** An error: the d.ts InputError fields, in order, with a known code. */
function assertError(e, where = 'error') {
  assert.deepEqual(Object.keys(e), interfaceFields('InputError').map((f) => f.name), `${where} has the d.ts InputError fields`);
  for (const key of ['path', 'code', 'rule', 'message']) assert.equal(typeof e[key], 'string', `${where}.${key}`);
  assert.ok(lab.errorCodes.includes(e.code), `${where}: code ${e.code} is known`);
  assertParams(e.params, `${where}.params`);
}

/** The d.ts fields of `name` an object of it carries: the optional ones only when `present` says so. */
function expectedKeys(name, present = () => false) {
  return interfaceFields(name).filter((f) => !f.optional || present(f.name)).map((f) => f.name);
}

/** An outcome has exactly the d.ts fields, in order, each of its type; steps only with explain. */
function assertOutcomeShape(outcome, where, { explain = false } = {}) {
  const withSteps = (name) => explain && name === 'steps';
  assert.deepEqual(Object.keys(outcome), expectedKeys('Outcome'), where);
  const posFields = interfaceFields('PositionOutcome').filter((f) => !f.optional || withSteps(f.name));
  outcome.positions.forEach((p, i) => {
    const w = `${where}.positions[${i}]`;
    assert.deepEqual(Object.keys(p), posFields.map((f) => f.name), `${w} has the d.ts fields, in order`);
    for (const f of posFields) assertFieldType(p[f.name], f.type, `${w}.${f.name}`);
  });
  const accFields = interfaceFields('AccountOutcome').filter((f) => !f.optional || withSteps(f.name));
  assert.deepEqual(Object.keys(outcome.account), accFields.map((f) => f.name), `${where}.account`);
  for (const f of accFields) assertFieldType(outcome.account[f.name], f.type, `${where}.account.${f.name}`);
}

const clone = (x) => structuredClone(x);
/** The answer without its steps keys. */
const stripSteps = (x) => (Array.isArray(x) ? x.map(stripSteps) : x && typeof x === 'object'
  ? Object.fromEntries(Object.entries(x).filter(([k]) => k !== 'steps').map(([k, v]) => [k, stripSteps(v)])) : x);
const pairs = (errors) => errors.map((e) => `${e.path} ${e.code}`).sort();
const withinTolerance = (actual, expected, tol, kind) =>
  Math.abs(actual - expected) <= (kind === 'rel' ? tol * Math.abs(expected) : tol);

// ---- tests ------------------------------------------------------------------------------

describe('venue fixtures (tests/fixtures/venues.json)', () => {
  for (const c of venues) {
    test(`${c.id}: ${c.source.split(';')[0]}`, () => {
      const report = lab.evaluate(c.scenario);
      assert.deepEqual(report.errors, [], `${c.id} has no input errors`);
      for (const e of c.expect) {
        const actual = report[e.outcome].positions[e.position][e.field];
        assert.equal(typeof actual, 'number', `${c.id} ${e.outcome}[${e.position}].${e.field} is a number`);
        assert.ok(
          withinTolerance(actual, e.value, e.tolerance, e.toleranceKind),
          `${c.id} ${e.outcome}[${e.position}].${e.field} = ${actual}, expected ${e.value} ± ${e.tolerance} ${e.toleranceKind}`,
        );
      }
    });
  }
});

describe('module metadata', () => {
  test('version is a semver string', () => {
    assert.match(lab.version, /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/);
  });

  test('errorCodes (C++ errors.h) equals the d.ts ErrorCode union', () => {
    const declared = unionMembers('ErrorCode');
    assert.ok(declared.length > 0);
    assert.equal(new Set(lab.errorCodes).size, lab.errorCodes.length, 'no duplicate codes');
    assert.deepEqual(new Set(lab.errorCodes), new Set(declared));
    assert.ok(Object.isFrozen(lab.errorCodes));
  });

  test("defaultTiers('binance', 'BTCUSDT') returns one built-in table with a source and a date", () => {
    const tables = lab.defaultTiers('binance', 'BTCUSDT').filter((t) => t.venue === undefined);  // the shipped venue files' come after (venues.test.mjs)
    assert.equal(tables.length, 1);
    const [t] = tables;
    assert.deepEqual(Object.keys(t).sort(), [...interfaceFields('DefaultTierTable').filter((f) => !f.optional).map((f) => f.name), 'contract'].sort());
    assert.equal(t.contract, 'linear', 'its caps are USDT notionals (VENUES.md 1.2)');
    assert.equal(lab.defaultTiers('bitmex', 'XBTUSD').find((x) => x.venue === undefined).contract, 'inverse');
    assert.equal(lab.defaultTiers('simple')[0].contract, undefined, 'the textbook table serves either contract');
    assert.equal(t.rules, 'binance');
    assert.ok(t.symbols.includes('BTCUSDT'));
    assert.equal(typeof t.source, 'string');
    assert.ok(t.source.length > 0, 'source is not empty');
    assert.match(t.date, /^\d{4}(-\d{2}){0,2}/, 'date starts with a year');
    assert.ok(t.tiers.length > 0);
    assertClean(t, 'table');
    // The shipped table is valid input as it stands.
    const s = clone(defaultScenario);
    s.tiers = { BTCUSDT: t.tiers };
    assert.deepEqual(lab.evaluate(s).errors, []);
  });
});

describe('defaultScenario', () => {
  const report = lab.evaluate(defaultScenario);
  const explained = lab.evaluate(defaultScenario, { explain: true });

  test('evaluates without errors, isolated and cross present, no asGiven', () => {
    assert.deepEqual(report.errors, []);
    assert.ok(report.isolated);
    assert.ok(report.cross);
    assert.equal('asGiven' in report, false, 'no position carries marginMode');
    assert.equal(report.isolated.positions.length, defaultScenario.positions.length);
    assert.equal(report.cross.positions.length, defaultScenario.positions.length);
  });

  test('every d.ts field of PositionOutcome / AccountOutcome is present with its type, in order', () => {
    const present = (name) => name === 'comparisons' || name === 'settlementAsset';
    assert.deepEqual(Object.keys(report), expectedKeys('Report', (n) => n !== 'asGiven' && (n === 'isolated' || n === 'cross' || present(n))));
    assertOutcomeShape(report.isolated, 'isolated');
    assertOutcomeShape(report.cross, 'cross');
    for (const mode of ['isolated', 'cross']) {
      for (const p of report[mode].positions) assert.equal(p.mode, mode);
    }
    report.comparisons.forEach((c, i) => assert.deepEqual(Object.keys(c), expectedKeys('Comparison'), `comparisons[${i}]`));
  });

  test('with { explain: true } the same objects carry their steps', () => {
    assertOutcomeShape(explained.isolated, 'isolated', { explain: true });
    assertOutcomeShape(explained.cross, 'cross', { explain: true });
    explained.comparisons.forEach((c, i) => assert.deepEqual(Object.keys(c), expectedKeys('Comparison', () => true), `comparisons[${i}]`));
    assert.deepEqual(stripSteps(explained), report, 'explain changes no number');
  });

  test('no NaN, Infinity or undefined anywhere in the report', () => {
    assertClean(report);
    assertClean(explained);
  });

  test('without explain no steps key anywhere; explain must be an object option', () => {
    assert.equal(JSON.stringify(report).includes('"steps"'), false);
    assert.equal(JSON.stringify(lab.evaluate(defaultScenario, { explain: false })).includes('"steps"'), false);
    assert.throws(() => lab.evaluate(defaultScenario, true), TypeError);
    assert.throws(() => lab.evaluate(defaultScenario, null), TypeError);
  });

  test('every step names a field of its outcome', () => {
    const posNames = new Set(interfaceFields('PositionOutcome').map((f) => f.name));
    const accNames = new Set(interfaceFields('AccountOutcome').map((f) => f.name));
    for (const mode of ['isolated', 'cross']) {
      for (const p of explained[mode].positions) {
        assert.ok(p.steps.length > 0);
        for (const s of p.steps) assert.ok(posNames.has(s.field), `${mode} position step field "${s.field}"`);
      }
      for (const s of explained[mode].account.steps) assert.ok(accNames.has(s.field), `${mode} account step field "${s.field}"`);
    }
  });

  test('the documented defaults match: omitting fields equal to them changes nothing', () => {
    // d.ts: version default 1, rules 'binance', contract 'linear', contractSize 1, markPrice = entryPrice.
    const bare = clone(defaultScenario);
    delete bare.version;
    delete bare.rules;
    for (const p of bare.positions) {
      delete p.contract;
      delete p.contractSize;
    }
    assert.deepEqual(lab.evaluate(bare), report);

    const atEntry = clone(defaultScenario);
    for (const p of atEntry.positions) p.markPrice = p.entryPrice;
    const noMark = clone(atEntry);
    for (const p of noMark.positions) delete p.markPrice;
    assert.deepEqual(lab.evaluate(noMark), lab.evaluate(atEntry));
  });

  test('JSON round trip keeps the report', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
  });
});

describe('bad input: every field reported at its path with its code', () => {
  /** [name, mutate(scenario), [[path, code], ...]] on a copy of defaultScenario. */
  const cases = [
    ['walletBalance "abc"', (s) => { s.walletBalance = 'abc'; }, [['walletBalance', 'wrongType']]],
    ['positions[0].quantity -1', (s) => { s.positions[0].quantity = -1; }, [['positions[0].quantity', 'notPositive']]],
    ['positions[1].entryPrice NaN', (s) => { s.positions[1].entryPrice = NaN; }, [['positions[1].entryPrice', 'notFinite']]],
    ['positions[0].leverage 500', (s) => { s.positions[0].leverage = 500; }, [['positions[0].leverage', 'outOfRange']]],
    ['side "up"', (s) => { s.positions[0].side = 'up'; }, [['positions[0].side', 'unknownValue']]],
    ['rules "ftx"', (s) => { s.rules = 'ftx'; }, [['rules', 'unknownValue']]],
    ['missing walletBalance', (s) => { delete s.walletBalance; }, [['walletBalance', 'missing']]],
    ['positions []', (s) => { s.positions = []; }, [['positions', 'empty']]],
    ['positions not an array', (s) => { s.positions = { 0: s.positions[0] }; }, [['positions', 'wrongType']]],
    [
      'tier caps unsorted',
      (s) => {
        s.tiers = {
          BTCUSDT: [
            { notionalCap: 250000, maxLeverage: 125, maintenanceMarginRate: 0.004, maintenanceAmount: 0 },
            { notionalCap: 50000, maxLeverage: 100, maintenanceMarginRate: 0.005, maintenanceAmount: 50 },
          ],
        };
      },
      [['tiers.BTCUSDT[1].notionalCap', 'unsorted']],
    ],
    ['positions[1] not an object', (s) => { s.positions[1] = 7; }, [['positions[1]', 'wrongType']]],
    ['tier table not an array', (s) => { s.tiers = { BTCUSDT: 'x' }; }, [['tiers.BTCUSDT', 'wrongType']]],
    [
      'tier rate missing under binance',
      (s) => { s.tiers = { BTCUSDT: [{ notionalCap: 1e9, maxLeverage: 125 }] }; },
      [['tiers.BTCUSDT[0].maintenanceMarginRate', 'missing']],
    ],
    ['linear and inverse mixed', (s) => { s.positions[1].contract = 'inverse'; }, [['positions[1].contract', 'mixed']]],
    [
      'several errors at once',
      (s) => {
        s.walletBalance = -5;
        s.takerFeeRate = 0.5;
        s.positions[0].quantity = 'x';
        s.positions[1].leverage = 0;
        delete s.positions[1].side;
        s.tiers = { BTCUSDT: [{ notionalCap: 1e9, maxLeverage: 'a', maintenanceMarginRate: 0.004 }] };
      },
      [
        ['walletBalance', 'negative'],
        ['takerFeeRate', 'outOfRange'],
        ['positions[0].quantity', 'wrongType'],
        ['positions[1].leverage', 'notPositive'],
        ['positions[1].side', 'missing'],
        ['tiers.BTCUSDT[0].maxLeverage', 'wrongType'],
      ],
    ],
  ];

  for (const [name, mutate, expected] of cases) {
    test(name, () => {
      const s = clone(defaultScenario);
      mutate(s);
      const report = lab.evaluate(s);
      assert.deepEqual(pairs(report.errors), expected.map(([p, c]) => `${p} ${c}`).sort());
      report.errors.forEach((e, i) => {
        assertError(e, `errors[${i}]`);
        assert.ok(e.message.length > 0);
      });
      assertPathsResolve(s, report.errors);
      assert.equal('isolated' in report, false, 'no isolated outcome with errors');
      assert.equal('cross' in report, false, 'no cross outcome with errors');
      assert.equal('asGiven' in report, false, 'no asGiven outcome with errors');
      assert.deepEqual(Object.keys(report).filter((k) => k !== 'settlementAsset'), ['errors'], 'errors, and the settlement asset that labels the fields');
    });
  }

  test('the path helper rejects fields that do not exist', () => {
    const s = clone(defaultScenario);
    assert.ok(pathNamesField(s, 'positions[1].leverage'));
    assert.ok(pathNamesField({ positions: [] }, 'walletBalance'), 'a required field may be absent');
    assert.ok(!pathNamesField(s, 'positions[2].leverage'), 'index past the end');
    assert.ok(!pathNamesField(s, 'positions[0].isolatedMargin'), 'optional and absent');
    assert.ok(pathNamesField(s, 'positions[0].isolatedMargin', { declared: true }), 'declared, for "missing"');
    assert.ok(!pathNamesField(s, 'positions[0].levrage'), 'not a d.ts field');
    assert.ok(!pathNamesField(s, 'tiers.BTCUSDT[0].notionalCap'), 'no tiers given');
  });
});

describe('misuse throws TypeError', () => {
  test('evaluate() with no argument', () => assert.throws(() => lab.evaluate(), TypeError));
  test('evaluate(null)', () => assert.throws(() => lab.evaluate(null), TypeError));
  test('evaluate(42)', () => assert.throws(() => lab.evaluate(42), TypeError));
  test('sweep with a plain array of prices', () => {
    assert.throws(() => lab.sweep(clone(defaultScenario), [60000, 61000], new Float64Array(2)), TypeError);
  });
});

describe('null stays null', () => {
  // A 1x inverse short: its loss is capped at its margin, so no price liquidates it.
  const scenario = {
    rules: 'simple',
    walletBalance: 1,
    positions: [
      { symbol: 'BTCUSD', contract: 'inverse', contractSize: 100, side: 'short', quantity: 10, entryPrice: 40000, leverage: 1 },
    ],
  };

  test('isolated liquidationPrice is null, not NaN or undefined; JSON keeps it null', () => {
    const report = lab.evaluate(scenario, { explain: true });
    assert.deepEqual(report.errors, []);
    const p = report.isolated.positions[0];
    assert.ok(Object.hasOwn(p, 'liquidationPrice'));
    assert.equal(p.liquidationPrice, null);
    assertClean(report);
    assertOutcomeShape(report.isolated, 'isolated', { explain: true });
    assert.deepEqual(stripSteps(report), lab.evaluate(scenario), 'the numbers-only decoder keeps the null');
    const steps = p.steps.filter((s) => s.field === 'liquidationPrice');
    assert.ok(steps.length > 0, 'a step explains the missing price');
    const back = JSON.parse(JSON.stringify(report));
    assert.equal(back.isolated.positions[0].liquidationPrice, null);
    assert.deepEqual(back, report);
  });
});

describe('sweep', () => {
  const bn1 = venues.find((c) => c.id === 'BN-1').scenario;

  /** Equity from evaluate with every position of the symbol marked at `price`. */
  function equityAt(scenario, index, mode, price) {
    const s = clone(scenario);
    const symbol = s.positions[index].symbol;
    for (const p of s.positions) if (p.symbol === symbol) p.markPrice = price;
    const report = lab.evaluate(s);
    assert.deepEqual(report.errors, []);
    return report[mode].account.equity;
  }

  for (const [name, scenario] of [['defaultScenario', defaultScenario], ['BN-1', bn1]]) {
    for (const mode of ['cross', 'isolated']) {
      test(`${name}, ${mode}: sweep equals evaluate at each price`, () => {
        const entry = scenario.positions[0].entryPrice;
        const prices = Float64Array.from({ length: 25 }, (_, i) => entry * (0.4 + 0.05 * i));
        const out = new Float64Array(prices.length).fill(NaN);
        const result = lab.sweep(clone(scenario), prices, out, { mode, position: 0 });
        assert.deepEqual(result, { errors: [] });
        prices.forEach((price, i) => {
          const expected = equityAt(scenario, 0, mode, price);
          assert.ok(Number.isFinite(out[i]), `out[${i}] is finite`);
          assert.ok(
            Math.abs(out[i] - expected) <= 1e-12 * Math.max(Math.abs(out[i]), Math.abs(expected)),
            `${mode} equity at ${price}: sweep ${out[i]}, evaluate ${expected}`,
          );
        });
      });
    }
  }

  test('options.position selects the symbol that follows the price', () => {
    const prices = Float64Array.from([2500, 2800, 2950, 3100, 3400]);
    const out = new Float64Array(prices.length);
    assert.deepEqual(lab.sweep(clone(defaultScenario), prices, out, { mode: 'cross', position: 1 }), { errors: [] });
    prices.forEach((price, i) => {
      const expected = equityAt(defaultScenario, 1, 'cross', price);
      assert.ok(Math.abs(out[i] - expected) <= 1e-12 * Math.max(Math.abs(out[i]), Math.abs(expected)));
    });
  });

  test('options.position that is not an index is reported at options.position', () => {
    for (const position of [-1, 1.5, 'a']) {
      const result = lab.sweep(clone(defaultScenario), new Float64Array([60000]), new Float64Array(1), { position });
      assert.deepEqual(pairs(result.errors), ['options.position outOfRange'], `position ${position}`);
    }
  });

  test(
    'options.position past the last position is reported at options.position',
    () => {
      const result = lab.sweep(clone(defaultScenario), new Float64Array([60000]), new Float64Array(1), { position: 5 });
      assert.deepEqual(pairs(result.errors), ['options.position outOfRange']);
    },
  );

  test(
    'options.mode that is not a string is reported at options.mode',
    () => {
      const result = lab.sweep(clone(defaultScenario), new Float64Array([60000]), new Float64Array(1), { mode: 5 });
      assert.deepEqual(pairs(result.errors), ['options.mode wrongType']);
    },
  );

  test(
    'an out array of another length than prices is reported at out',
    () => {
      for (const length of [1, 3]) {
        const out = new Float64Array(length);
        let result;
        assert.doesNotThrow(() => {
          result = lab.sweep(clone(defaultScenario), new Float64Array([60000, 61000]), out);
        }, `out of length ${length}`);
        assert.deepEqual(pairs(result.errors), ['out outOfRange'], `out of length ${length}`);
      }
    },
  );

  test('a NaN price is reported at prices[i]', () => {
    const prices = new Float64Array([50000, 60000, NaN, 70000]);
    const result = lab.sweep(clone(defaultScenario), prices, new Float64Array(4));
    assert.deepEqual(pairs(result.errors), ['prices[2] notFinite']);
    // The path names an element of the prices argument.
    for (const e of result.errors) {
      const [key, index] = pathSegments(e.path);
      assert.equal(key, 'prices');
      assert.ok(Number.isInteger(index) && index < prices.length && Number.isNaN(prices[index]));
    }
  });

  test('options.mode "bogus" is reported at options.mode', () => {
    const result = lab.sweep(clone(defaultScenario), new Float64Array([60000]), new Float64Array(1), { mode: 'bogus' });
    assert.deepEqual(pairs(result.errors), ['options.mode unknownValue']);
  });

  test('scenario errors come back from sweep with their paths', () => {
    const s = clone(defaultScenario);
    s.positions[1].leverage = 'ten';
    const result = lab.sweep(s, new Float64Array([60000]), new Float64Array(1));
    assert.deepEqual(pairs(result.errors), ['positions[1].leverage wrongType']);
    assertPathsResolve(s, result.errors);
  });
});

describe('liquidationBatch', () => {
  test('equals evaluate position by position, through wasm memory', () => {
    const tiers = [{ notionalCap: 50000, maxLeverage: 125, maintenanceMarginRate: 0.004 },
      { notionalCap: 1e9, maxLeverage: 50, maintenanceMarginRate: 0.01 }];
    const n = 1000;
    const side = new Float64Array(n), quantity = new Float64Array(n), entryPrice = new Float64Array(n), leverage = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      side[i] = i % 2 ? -1 : 1;
      quantity[i] = 0.01 + (i % 37) * 0.1;
      entryPrice[i] = 20000 + i * 37;
      leverage[i] = 1 + (i % 40);
    }
    const out = new Float64Array(n);
    assert.deepEqual(lab.liquidationBatch({ rules: 'binance', tiers }, { side, quantity, entryPrice, leverage }, out).errors, []);
    for (let i = 0; i < n; i += 97) {
      const r = lab.evaluate({ rules: 'binance', walletBalance: 1e6, tiers: { X: tiers }, positions: [
        { symbol: 'X', side: side[i] > 0 ? 'long' : 'short', quantity: quantity[i], entryPrice: entryPrice[i], leverage: leverage[i] }] });
      const lp = r.isolated.positions[0].liquidationPrice;
      assert.ok(Math.abs(out[i] - (lp ?? 0)) <= 1e-12 * Math.max(1, Math.abs(lp ?? 0)), `#${i}: ${out[i]} vs ${lp}`);
    }
  });

  test('createBatch: the same prices without copies, views that survive memory growth, free', () => {
    const tiers = [{ notionalCap: 50000, maxLeverage: 125, maintenanceMarginRate: 0.004 },
      { notionalCap: 1e9, maxLeverage: 50, maintenanceMarginRate: 0.01 }];
    const n = 5000;
    const batch = lab.createBatch(n);
    const copy = { side: new Float64Array(n), quantity: new Float64Array(n), entryPrice: new Float64Array(n), leverage: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      copy.side[i] = i % 3 ? -1 : 1;
      copy.quantity[i] = 0.01 + (i % 41) * 0.2;
      copy.entryPrice[i] = 15000 + i * 13;
      copy.leverage[i] = 1 + (i % 45);
    }
    for (const key of ['side', 'quantity', 'entryPrice', 'leverage']) batch[key].set(copy[key]);
    const expected = new Float64Array(n);
    assert.deepEqual(lab.liquidationBatch({ rules: 'binance', tiers }, copy, expected).errors, []);
    // Grow wasm memory (a batch of 4 million positions is 160 MB): the first batch's old views are
    // detached, and reading through the batch gives new ones over the same numbers.
    const before = batch.out;
    const big = lab.createBatch(4000000);
    assert.deepEqual(lab.liquidationBatch({ rules: 'binance', tiers }, batch).errors, []);
    assert.ok(expected.some((x) => x > 0), 'some positions liquidate');
    assert.deepEqual(Array.from(batch.out), Array.from(expected), 'the same prices as the copying call');
    assert.equal(before.length, 0, 'a view made before growth is detached');
    big.free();
    // A bad element is reported by path; the batch's other positions are not promised.
    batch.quantity[7] = -1;
    assert.deepEqual(lab.liquidationBatch({ rules: 'binance', tiers }, batch).errors.map((e) => e.path), ['quantity[7]']);
    batch.free();
    assert.throws(() => batch.out, TypeError);
    assert.throws(() => lab.liquidationBatch({ rules: 'binance', tiers }, batch), TypeError);
    assert.throws(() => lab.createBatch(-1), TypeError);
    assert.throws(() => lab.createBatch(1.5), TypeError);
  });

  test('bad elements and bad tiers are reported by path; misuse throws', () => {
    const one = (x) => new Float64Array([x]);
    const out = one(7);
    const r = lab.liquidationBatch({ rules: 'binance', tiers: [{ notionalCap: 'x', maxLeverage: 10, maintenanceMarginRate: 0.01 }] },
      { side: one(1), quantity: one(1), entryPrice: one(100), leverage: one(5) }, out);
    assert.ok(r.errors.some((e) => e.path === 'request.tiers[0].notionalCap' && e.code === 'wrongType'), JSON.stringify(r.errors));
    const s = lab.liquidationBatch({ rules: 'simple', tiers: [{ notionalCap: 1e9, maxLeverage: 100, maintenanceMarginRate: 0.01 }] },
      { side: one(2), quantity: one(-1), entryPrice: one(100), leverage: one(5) }, out);
    assert.deepEqual(s.errors.map((e) => e.path).sort(), ['quantity[0]', 'side[0]']);
    assert.equal(out[0], 7, 'out untouched on errors');
    assert.throws(() => lab.liquidationBatch({ tiers: [] }, { side: [1], quantity: one(1), entryPrice: one(1), leverage: one(1) }, out), TypeError);
  });
});
