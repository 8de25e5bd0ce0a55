// SPDX-License-Identifier: MIT
// The lessons of web/lessons/*.json against the core (marginlab-full.js): every number a lesson
// quotes resolves to a number the core computed for the lesson's scenario, every claim it makes
// (checks, and the direction each watched value takes after the suggested change) holds, and
// the suggested change names a field the page has. The page's rendering is tested in
// tests/browser/learn.test.mjs with the same functions (web/src/lessons.js).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import createMarginLab from '../../web/dist/marginlab-full.js';
import {
  lessonProblems, lessonContext, renderText, checkClaims, valueAt, splitPath, metricKey, directionOf, applyEdits,
} from '../../web/src/lessons.js';

const DIR = new URL('../../web/lessons/', import.meta.url);
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const lessons = files.map((f) => ({ file: f, lesson: JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) }));

// The fields a reader can type into on the page (web/src/main.js renderInputs/renderPositions).
const POSITION_FIELDS = ['symbol', 'quantity', 'contractSize', 'entryPrice', 'markPrice', 'leverage', 'isolatedMargin'];
const pageHasField = (path) => path === 'walletBalance' ||
  new RegExp(`^positions\\[\\d+\\]\\.(${POSITION_FIELDS.join('|')})$`).test(path);
// An account lesson's (scenario version 3): the account mode's fields (web/src/account.js accountFromForm).
const ACCOUNT_FIELDS = /^(collateral\[\d+\]\.(balance|price|haircut|beta)|underlyings\[\d+\]\.(price|interestRate|beta)|futures\[\d+\]\.(quantity|entryPrice|markPrice|contractSize|leverage)|options\[\d+\]\.(strike|quantity|premium|volatility))$/;

let lab;
before(async () => {
  lab = await createMarginLab({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab-full.wasm', import.meta.url)) });
});

test('there are lessons on every topic of the issue, with unique ids', () => {
  const ids = lessons.map((l) => l.lesson.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ['margin', 'bankruptcy', 'cross', 'tiers', 'mark-price', 'inverse', 'funding', 'engine', 'odds', 'wrong-way']) {
    assert.ok(ids.includes(id), `a lesson "${id}"`);
  }
});

for (const { file, lesson } of lessons) {
  test(`${file}: shape, numbers from the core, claims`, () => {
    assert.deepEqual(lessonProblems(lesson), [], 'the lesson has the shape the page reads');
    const ctx = lessonContext(lab, lab, lesson);
    assert.deepEqual(ctx.errors, [], 'the core accepts the lesson\'s scenario, its variants and its change');

    // Every text renders: each placeholder is a finite number (or a string) the core computed.
    const texts = [...lesson.paragraphs, lesson.try.prompt, lesson.try.result];
    for (const t of texts) {
      const out = renderText(t, ctx);
      assert.doesNotMatch(out, /NaN|Infinity|undefined|null|\{|\}/, `rendered: ${out}`);
    }
    // A text must quote the core, not carry its own digits (a lesson's scenario inputs are quoted too).
    // Allowed: the 1 of a formula's 1/x, units ("per 1%") and the venues' 8-hour funding interval.
    const ALLOWED = /\b1\/(?=[a-z])|per 1%|\b8 hours\b/g;
    for (const t of texts) {
      const bare = t.replace(/\{[^{}]*\}/g, '').replace(ALLOWED, '');
      assert.doesNotMatch(bare, /\d/, `digits typed into the text instead of quoted: "${bare}"`);
    }

    assert.deepEqual(checkClaims(lesson, ctx), [], 'what the lesson says holds for the core\'s numbers');

    // The change is one the reader can make: a page field, or one of the lesson's tool inputs.
    const { path } = lesson.try;
    if (path.startsWith('tool.')) {
      assert.ok(lesson.tool, 'a tool change needs a tool');
      assert.ok((lesson.toolInputs || []).some((i) => i.path === path.slice(5)), `${path} is one of the lesson's tool inputs`);
    } else {
      if (lesson.scenario.version === 3) assert.ok(ACCOUNT_FIELDS.test(path), `${path} is a field of the account mode`);
      else assert.ok(pageHasField(path), `${path} is a field of the page`);
      assert.notEqual(valueAt(lesson.scenario, path), lesson.try.value, 'the change changes something');
    }
    // Every watched value is a number now and after the change, and every expect names a watched value.
    for (const w of lesson.watch) {
      assert.equal(typeof valueAt(ctx, w.value), 'number', `${w.value} is a number`);
      splitPath(w.value);
    }
    for (const e of lesson.try.expect) {
      assert.ok(['up', 'down', 'same'].includes(e.change), e.change);
    }
    const watched = new Set(lesson.watch.map((w) => w.value));
    assert.ok(lesson.try.expect.some((e) => watched.has(e.value)), 'the reader can watch at least one expected change');
    // Results a watch names are highlighted in the page: their metric key exists in the report.
    for (const w of lesson.watch) {
      const key = metricKey(w.value);
      if (key) assert.match(key, /^(isolated|cross|asGiven):(\d+|account):[A-Za-z]+$/);
    }
  });
}

test('an account lesson quotes evaluateAccount of its account, its variants and its change', () => {
  const { lesson } = lessons.find((l) => l.lesson.id === 'wrong-way');
  const ctx = lessonContext(lab, lab, lesson);
  // The core's numbers, read here from evaluateAccount itself; the hand check: 1 BTC at 60,000 with a
  // 5% haircut is 57,000 of collateral.
  const own = lab.evaluateAccount(lesson.scenario).account;
  assert.equal(ctx.report.account.oneFactor.moveDown, own.oneFactor.moveDown);
  assert.equal(ctx.report.account.collateralValue, 57000);
  const hedge = lab.evaluateAccount(applyEdits(lesson.scenario, lesson.variants.hedge)).account;
  assert.equal(ctx.hedge.account.oneFactor.moveUp, hedge.oneFactor.moveUp);
  assert.equal(ctx.after.account.collateralValue, lab.evaluateAccount(applyEdits(lesson.scenario, [lesson.try])).account.collateralValue);
  // Every quote of the text is a number the core gave: one changed in the context changes the text.
  const text = renderText(lesson.paragraphs[1], ctx);
  const moved = structuredClone(ctx);
  moved.report.account.oneFactor.moveDown = -0.5;
  assert.notEqual(renderText(lesson.paragraphs[1], moved), text);
});

test('the claim checker is not vacuous: a false claim and a wrong direction are reported', () => {
  const { lesson } = lessons.find((l) => l.lesson.id === 'margin');
  const wrong = structuredClone(lesson);
  wrong.checks = [['report.isolated.positions[0].initialMargin', '<', 'report.isolated.positions[0].maintenanceMargin']];
  wrong.try.expect = [{ value: 'report.isolated.positions[0].initialMargin', change: 'up' }];
  const failures = checkClaims(wrong, lessonContext(lab, lab, wrong));
  assert.equal(failures.length, 2, failures.join('\n'));
  assert.match(failures[1], /should go up but goes down/);
});

test('a placeholder the core cannot fill is an error, never "NaN" or "null" in the text', () => {
  const { lesson } = lessons.find((l) => l.lesson.id === 'margin');
  const ctx = lessonContext(lab, lab, lesson);
  assert.throws(() => renderText('{report.isolated.positions[0].nothing|price}', ctx), /not a number/);
  assert.throws(() => renderText('{report.isolated.positions[3].liquidationPrice}', ctx), /not a number/);
  assert.throws(() => renderText('{report.isolated.positions[0].liquidationPrice|shout}', ctx), /unknown format/);
  assert.throws(() => renderText('{report.__proto__.x}', ctx), /not a number/);
  // A position with no liquidation price: the core says null, and the text refuses to quote it.
  const safe = applyEdits(lesson.scenario, [{ path: 'positions[0].leverage', value: 1 }, { path: 'walletBalance', value: 1e6 }]);
  const r = lab.evaluate(safe);
  assert.equal(r.cross.positions[0].liquidationPrice, null);
  assert.throws(() => renderText('{report.cross.positions[0].liquidationPrice|price}', { report: r }), /null/);
});

test('directionOf: up, down, same within 1e-12 relative, booleans, and none for missing values', () => {
  assert.equal(directionOf(1, 2), 'up');
  assert.equal(directionOf(2, 1), 'down');
  assert.equal(directionOf(1, 1 + 1e-13), 'same');
  assert.equal(directionOf(false, true), 'up');
  assert.equal(directionOf(null, 1), 'none');
});
