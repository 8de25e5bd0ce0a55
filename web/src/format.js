// SPDX-License-Identifier: MIT
// Number formatting for the page: cached Intl.NumberFormat instances, never a margin formula.

// Built once, on first use: creating an Intl.NumberFormat costs far more than formatting with one.
const cache = new Map();
function formatter(key, options) {
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-US', options);
    cache.set(key, f);
  }
  return f;
}

/** A price: 2 decimals from 1,000, 4 below 100, 6 significant digits below 1. */
export function price(x) {
  if (x === null || x === undefined) return '—';
  const a = Math.abs(x);
  if (a >= 1000) return formatter('cents', { maximumFractionDigits: 2, minimumFractionDigits: 2 }).format(x);
  if (a >= 1) return formatter('price4', { maximumFractionDigits: 4, minimumFractionDigits: 2 }).format(x);
  return formatter('sig6', { maximumSignificantDigits: 6 }).format(x);
}

/** An amount in the settlement asset: cents for quote assets, 8 decimals for coins. */
export function amount(x, coin) {
  if (x === null || x === undefined) return '—';
  if (coin) return formatter('coin8', { maximumFractionDigits: 8 }).format(x);
  return formatter('cents', { maximumFractionDigits: 2, minimumFractionDigits: 2 }).format(x);
}

/** A fraction as a percentage with 2 decimals. */
export function percent(x) {
  if (x === null || x === undefined) return '—';
  return formatter('percent', { style: 'percent', maximumFractionDigits: 2, minimumFractionDigits: 2 }).format(x);
}

/** An axis tick: whole numbers from 1,000, else up to 6 significant digits. */
export function tick(x) {
  if (Math.abs(x) >= 1000) return formatter('whole', { maximumFractionDigits: 0 }).format(x);
  return formatter('sig6', { maximumSignificantDigits: 6 }).format(x);
}

/** A plain number for inputs and formulas (up to 10 significant digits, no grouping). */
export function plain(x) {
  return formatter('plain', { maximumSignificantDigits: 10, useGrouping: false }).format(x);
}

/** A number of days, to a tenth. */
export function days(x) {
  return formatter('days', { maximumFractionDigits: 1, useGrouping: false }).format(x);
}
