// SPDX-License-Identifier: MIT
// The page's units (web/src/units.js): a field's number to the API's and back, the plausible
// ranges that question a value instead of computing it, and the greeks as venues show them.
// Expected values are written out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UNITS, suffix, toField, fromField, question, insists, withoutSign, vegaPerPoint, thetaPerDay } from '../../web/src/units.js';

test('percent fields: 80 is 0.8 and 0.8 is 80; "70" gives the double nearest 0.7', () => {
  assert.equal(fromField(80, 'volatility'), 0.8);
  assert.equal(fromField(70, 'percent'), 0.7);  // 70 * 0.01 would give 0.7000000000000001
  assert.equal(fromField(0.03, 'funding'), 0.0003);
  assert.equal(toField(0.5, 'volatility'), 50);
  assert.equal(toField(0.0005, 'fee'), 0.05);
  assert.equal(fromField(30, 'days'), 30, 'days stay days: the API takes days where it takes a horizon');
  assert.equal(fromField(42, undefined), 42, 'a plain number is itself');
  assert.equal(suffix('volatility'), '% a year');
  assert.equal(suffix('funding'), '% per interval');
  assert.equal(suffix('days'), 'days');
  assert.equal(suffix(undefined), '');
  for (const [name, u] of Object.entries(UNITS)) assert.ok(u.per > 0 && typeof u.suffix === 'string', name);
});

test('a volatility of 0.8 in a percent field is questioned, with the 80% it probably means', () => {
  const q = question(0.8, 'volatility');
  assert.ok(q);
  assert.match(q.text, /^0\.8% a year\? Did you mean 80%\?/);
  assert.equal(q.suggestion, 80);
  assert.equal(question(80, 'volatility'), null);
  assert.equal(question(2, 'volatility'), null, 'the range is inclusive');
  assert.equal(question(0, 'volatility'), null, '0 is left to the core');
  const high = question(900, 'volatility');
  assert.match(high.text, /^900% a year\?/);
  assert.equal(high.suggestion, null, 'nothing to suggest above the range');
});

test('funding, fees and maintenance rates typed as fractions are questioned', () => {
  assert.match(question(0.0003, 'funding').text, /^0\.0003% per interval\? Did you mean 0\.03%\?/);
  assert.equal(question(0.03, 'funding'), null, "lesson 7's 0.03% is plausible");
  assert.equal(question(-0.01, 'funding'), null, 'a negative rate (shorts pay) is plausible');
  assert.match(question(0.0005, 'fee').text, /Did you mean 0\.05%\?/);
  assert.match(question(0.004, 'maintenanceRate').text, /Did you mean 0\.4%\?/);
  assert.equal(question(0.4, 'maintenanceRate'), null);
  assert.equal(question(5, 'percent'), null, 'a plain percent has no range');
});

test('a trailing % sign keeps the value as typed', () => {
  assert.equal(insists('0.8%'), true);
  assert.equal(insists('0.8 % '), true);
  assert.equal(insists('0.8'), false);
  assert.equal(withoutSign('0.8%'), '0.8');
});

test('vega per volatility point and theta per day from the API per 1.00 and per year', () => {
  // A vega of 12,000 per 1.00 of volatility is 120 per point; a theta of -36,500 a year is -100 a day (ACT/365).
  assert.equal(vegaPerPoint(12000), 120);
  assert.equal(thetaPerDay(-36500), -100);
});

test('DAYS_PER_YEAR is the core\'s year: an expiry ten days after valuation values as ten DAYS_PER_YEARths of a year', async () => {
  const { readFileSync } = await import('node:fs');
  const { DAYS_PER_YEAR } = await import('../../web/src/units.js');
  const { default: create, defaultOptionsScenario } = await import('../../web/dist/marginlab-full.js');
  const lab = await create({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab-full.wasm', import.meta.url)) });
  const byDate = structuredClone(defaultOptionsScenario);
  byDate.valuationDate = '2026-03-01T08:00Z';
  delete byDate.options[0].expiryYears;
  byDate.options[0].expiryDate = '2026-03-11T08:00Z';
  const byYears = structuredClone(defaultOptionsScenario);
  delete byYears.options[0].expiryDate;
  byYears.options[0].expiryYears = 10 / DAYS_PER_YEAR;
  const [a, b] = [lab.evaluateOptions(byDate), lab.evaluateOptions(byYears)];
  assert.deepEqual(a.errors, []);
  assert.deepEqual(b.errors, []);
  assert.ok(Math.abs(a.options[0].value - b.options[0].value) <= 1e-12 * Math.abs(b.options[0].value), `${a.options[0].value} vs ${b.options[0].value}`);
  assert.equal(a.options[0].greeks.theta, b.options[0].greeks.theta);
});
