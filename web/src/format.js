// SPDX-License-Identifier: MIT
// Number formatting for the page, never a margin formula: en-US written here, any other page
// language (web/src/i18n.js) through Intl in that locale.
//
// Written without Intl: the first Intl.NumberFormat of a page starts ICU, which costs 10-30 ms of the
// main thread on a cold load, before the first result can be shown. The text is Intl's own, digit for
// digit (tests/js/format.test.mjs compares them): like ICU, it rounds the shortest decimal that reads
// back as the double (String(x)), half away from zero (Intl's default halfExpand), and a negative
// number (-0 and what rounds to zero included) keeps its sign (signDisplay "auto").

/** |x| as decimal digits: |x| = 0.digits x 10^point, from the shortest text that reads back as x. */
function decimal(a) {
  const [mantissa, exponent = '0'] = String(a).split('e');
  const [whole, fraction = ''] = mantissa.split('.');
  let digits = whole + fraction, point = whole.length + Number(exponent), k = 0;
  while (k < digits.length - 1 && digits[k] === '0') k++;
  return { digits: digits.slice(k), point: point - k };
}

/** d with its first `n` digits kept, rounded half away from zero. */
function round(d, n) {
  if (n >= d.digits.length) return d;
  if (n < 0 || (n === 0 && d.digits[0] < '5')) return { digits: '0', point: 1 };
  let kept = d.digits.slice(0, n), point = d.point;
  if (d.digits[n] >= '5') {
    let i = n - 1;
    while (i >= 0 && kept[i] === '9') i--;
    if (i < 0) {
      kept = '1' + '0'.repeat(n);
      point++;
    } else {
      kept = kept.slice(0, i) + String.fromCharCode(kept.charCodeAt(i) + 1) + '0'.repeat(n - 1 - i);
    }
  }
  return { digits: kept, point };
}

/** Digits of a whole number with a comma every three. */
function grouped(digits) {
  let out = digits.length % 3 ? digits.slice(0, digits.length % 3) : '';
  for (let i = digits.length % 3; i < digits.length; i += 3) out += (out ? ',' : '') + digits.slice(i, i + 3);
  return out;
}

/** The text of x rounded to d: at least `min` fraction digits, no trailing zero past them. */
function text(x, d, min, grouping) {
  const whole = d.digits === '0' || d.point <= 0 ? '0' : d.digits.slice(0, d.point).padEnd(d.point, '0');
  let fraction = d.point < 0 ? '0'.repeat(-d.point) + d.digits : d.digits.slice(Math.max(d.point, 0));
  let end = fraction.length;
  while (end > min && fraction[end - 1] === '0') end--;
  fraction = fraction.slice(0, end).padEnd(min, '0');
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  return sign + (grouping ? grouped(whole) : whole) + (fraction ? '.' + fraction : '');
}

/** What Intl writes for NaN and the infinities (the core gives neither: an absent number is null). */
function notFinite(x) {
  return x !== x ? 'NaN' : x > 0 ? '∞' : '-∞';
}

/** x with `min` to `max` fraction digits (Intl's minimumFractionDigits/maximumFractionDigits). */
function fixed(x, min, max, grouping = true, shift = 0) {
  if (!Number.isFinite(x)) return notFinite(x);
  const d = decimal(Math.abs(x));
  d.point += shift;
  return text(x, round(d, d.point + max), min, grouping);
}

/** x to `digits` significant digits (Intl's maximumSignificantDigits), trailing zeros dropped. */
function significant(x, digits, grouping = true) {
  if (!Number.isFinite(x)) return notFinite(x);
  return text(x, round(decimal(Math.abs(x)), digits), 0, grouping);
}

// The page's locale when it is not English: its numbers go through Intl (cached formatters).
let locale = null;
const formatters = new Map();
/** Sets the locale of every number below; 'en' (or null) is the en-US text written here without Intl. */
export function setLocale(tag) {
  locale = !tag || tag === 'en' || tag === 'en-US' ? null : tag;
  formatters.clear();
}
/** x through Intl in the page's locale with these options (one formatter per option set). */
function intl(x, key, options) {
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.NumberFormat(locale, options)));
  return f.format(x);
}
// Grouping as the locale groups (es writes 6000 but 60.000): Intl's default, not `true` (always).
const intlFixed = (x, min, max, grouping = true) => intl(x, `f${min}${max}${grouping}`, { minimumFractionDigits: min, maximumFractionDigits: max, ...(grouping ? {} : { useGrouping: false }) });
const intlSignificant = (x, digits, grouping = true) => intl(x, `s${digits}${grouping}`, { maximumSignificantDigits: digits, ...(grouping ? {} : { useGrouping: false }) });

/** A price: 2 decimals from 1,000, 4 below 100, 6 significant digits below 1. */
export function price(x) {
  if (x === null || x === undefined) return '—';
  const a = Math.abs(x);
  if (locale) return a >= 1000 ? intlFixed(x, 2, 2) : a >= 1 ? intlFixed(x, 2, 4) : intlSignificant(x, 6);
  if (a >= 1000) return fixed(x, 2, 2);
  if (a >= 1) return fixed(x, 2, 4);
  return significant(x, 6);
}

/** An amount in the settlement asset: cents for quote assets, 8 decimals for coins. */
export function amount(x, coin) {
  if (x === null || x === undefined) return '—';
  if (locale) return coin ? intlFixed(x, 0, 8) : intlFixed(x, 2, 2);
  return coin ? fixed(x, 0, 8) : fixed(x, 2, 2);
}

/** A fraction as a percentage with 2 decimals (the decimal point moved, as ICU does: no multiplication). */
export function percent(x) {
  if (x === null || x === undefined) return '—';
  if (locale) return intl(x, 'p', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return fixed(x, 2, 2, true, 2) + '%';
}

/** An axis tick: whole numbers from 1,000, else up to 6 significant digits. */
export function tick(x) {
  if (locale) return Math.abs(x) >= 1000 ? intlFixed(x, 0, 0) : intlSignificant(x, 6);
  return Math.abs(x) >= 1000 ? fixed(x, 0, 0) : significant(x, 6);
}

/** A plain number for inputs and formulas (up to 10 significant digits, no grouping). */
export function plain(x) {
  return significant(x, 10, false);
}

/** A plain number for people to read (a size, a leverage): plain() in English, the locale's digits otherwise. */
export function count(x) {
  return locale ? intlSignificant(x, 10, false) : significant(x, 10, false);
}

/** A number of days, to a tenth. */
export function days(x) {
  if (locale) return intlFixed(x, 0, 1, false);
  return fixed(x, 0, 1, false);
}

/** A date (a Date or milliseconds) as the page's locale writes it, in UTC; ISO YYYY-MM-DD in English. */
export function date(d) {
  const t = new Date(d);
  if (!locale) return t.toISOString().slice(0, 10);
  let f = formatters.get('date');
  if (!f) formatters.set('date', (f = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' })));
  return f.format(t);
}
