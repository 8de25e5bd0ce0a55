// SPDX-License-Identifier: MIT
// The page's number formats (web/src/format.js, written without Intl) against Intl.NumberFormat
// en-US with the options each format stands for: the same text, character for character.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fmt from '../../web/src/format.js';

const intl = (options) => { const f = new Intl.NumberFormat('en-US', options); return (x) => f.format(x); };
const cents = intl({ minimumFractionDigits: 2, maximumFractionDigits: 2 });
const price4 = intl({ minimumFractionDigits: 2, maximumFractionDigits: 4 });
const sig6 = intl({ maximumSignificantDigits: 6 });
const reference = {
  price: (x) => (Math.abs(x) >= 1000 ? cents(x) : Math.abs(x) >= 1 ? price4(x) : sig6(x)),
  amount: cents,
  coin: intl({ maximumFractionDigits: 8 }),
  percent: intl({ style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  tick: (x) => (Math.abs(x) >= 1000 ? intl({ maximumFractionDigits: 0 })(x) : sig6(x)),
  plain: intl({ maximumSignificantDigits: 10, useGrouping: false }),
  days: intl({ maximumFractionDigits: 1, useGrouping: false }),
};
const ours = { price: fmt.price, amount: (x) => fmt.amount(x, false), coin: (x) => fmt.amount(x, true), percent: fmt.percent,
  tick: fmt.tick, plain: fmt.plain, days: fmt.days };

// Ties in decimal (which a double holds exactly or nearly), signs, zeros, powers of ten, edges of each
// format's ranges, the largest and smallest magnitudes, and a deterministic spread of random doubles.
function values() {
  const out = [0, -0, 1, -1, 0.5, 1.5, 2.5, 0.125, 0.375, 1.005, 2.675, 1.0005, 0.00005, 0.000049999, 0.005, 0.015,
    0.045, 999.995, 999.9949999, 99.99995, 0.9999995, 1e-7, 1.23456789e-12, 5e-324, 1e20, 9.99999999e20, 1e21, 1.5e21,
    1e300, -1e300, 123456789.125, 57228.125, 30000, 0.1 + 0.2, 1 / 3, 2 / 3, 12345.675, 0.12345, 0.123455, 0.0001,
    -0.001, -0.004999, NaN, Infinity, -Infinity, -0.005, 1e-5, 99999.5, 9.5, 0.95, 0.095, 1e15 + 0.5, 2 ** 53, 4503599627370497.5, 1e19, 9.99e18];
  let s = 12345;
  const random = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  for (let i = 0; i < 4000; i++) {
    const magnitude = 10 ** (Math.floor(random() * 30) - 12);
    const x = (random() < 0.5 ? -1 : 1) * random() * magnitude;
    out.push(x);
    out.push(Math.round(x * 1e4) / 1e4 + 0.00005);  // near a tie of the 4th decimal
    out.push(Math.round(x * 100) / 100 + 0.005);     // near a tie of the 2nd decimal
  }
  return out;
}

for (const name of Object.keys(reference)) {
  test(`format ${name} writes what Intl.NumberFormat en-US writes`, () => {
    let checked = 0;
    for (const x of values()) {
      assert.equal(ours[name](x), reference[name](x), `${name}(${x})`);
      checked++;
    }
    assert.ok(checked > 12000);
  });
}

test('format: absent numbers are a dash', () => {
  for (const f of [fmt.price, fmt.amount, fmt.percent]) {
    assert.equal(f(null), '—');
    assert.equal(f(undefined), '—');
  }
});

test('form: the locales read with a decimal point without Intl are those Intl reads with one', async () => {
  const { POINT_LOCALES } = await import('../../web/src/form.js');
  assert.ok(POINT_LOCALES.size > 10);
  for (const lang of POINT_LOCALES) {
    const mark = new Intl.NumberFormat(lang).formatToParts(1.5).find((p) => p.type === 'decimal').value;
    assert.equal(mark, '.', lang);
  }
});
