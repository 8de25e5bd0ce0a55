// SPDX-License-Identifier: MIT
// lab.reconcile, lab.tickPrice and lab.wholeLots answer today as they answered before their boundary read
// and wrote them by walking fields() (wasm/reconcile.cpp, wasm/venue.cpp): the same JSON text, so the same
// keys in the same order, the same nulls and strings, the same steps, and every error at the same path with
// the same code, rule, message and params. tests/fixtures/recorded-answers.json holds the answers of
// tests/js/recorded-cases.mjs as the hand-written writer and field-by-field reader gave them (main at
// 6cd1b16, the module built from that tree); it is a record of that code's output, never re-recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import createMarginLab from '../../web/dist/marginlab-full.js';
import { recordedAnswers, reconcileCases, tickPriceCases, wholeLotsCases } from './recorded-cases.mjs';

const lab = await createMarginLab({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab-full.wasm', import.meta.url)) });
const recorded = JSON.parse(readFileSync(new URL('../fixtures/recorded-answers.json', import.meta.url), 'utf8'));
const answers = recordedAnswers(lab);

test('every case has its recorded answer, and every recorded answer its case', () => {
  assert.deepEqual(Object.keys(answers), Object.keys(recorded));
  assert.equal(Object.keys(answers).length, 2 * (reconcileCases().length + tickPriceCases.length + wholeLotsCases.length));
});

for (const key of Object.keys(recorded)) {
  test(key, () => assert.equal(answers[key], recorded[key]));
}
