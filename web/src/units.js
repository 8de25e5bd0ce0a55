// SPDX-License-Identifier: MIT
// The page's units, in one place. Fields show what venues show (percent for volatilities, rates
// and fees; days for horizons); the JS API keeps fractions and years. Here a field's number
// becomes the API's and back (unit conversions, not formulas), each unit has the text shown beside
// its field, and a value outside the plausible range of its kind is questioned instead of being
// computed: "0.8% a year? Did you mean 80%?". Typing the % sign ("0.8%") keeps a value as typed.

/**
 * The units of the page's fields. `per`: field number / per = the API's number. `low`, `high`:
 * the plausible range in the field's unit (absolute values; 0 is always plausible); outside it
 * the value is questioned. `scale`: the factor a suggestion multiplies by (a fraction typed into
 * a percent field suggests 100 times it).
 */
export const UNITS = Object.freeze({
  percent: { per: 100, suffix: '%' },
  volatility: { per: 100, suffix: '% a year', low: 2, high: 500, scale: 100 },
  funding: { per: 100, suffix: '% per interval', low: 0.0005, high: 3, scale: 100 },
  fee: { per: 100, suffix: '%', low: 0.001, high: 2, scale: 100 },
  maintenanceRate: { per: 100, suffix: '%', low: 0.01, high: 100, scale: 100 },
  rateYear: { per: 100, suffix: '% a year', low: 0, high: 50, scale: 100 },
  days: { per: 1, suffix: 'days' },
});

/** The text shown beside a field of this unit ('' for a plain number). */
export const suffix = (unit) => (UNITS[unit] ? UNITS[unit].suffix : '');

/** The API's number as a field number: 0.8 -> 80 for a percent field. */
export function toField(x, unit) {
  const u = UNITS[unit];
  return u ? x * u.per : x;
}

/** The field's number as the API's: 80 -> 0.8 (a division, so "70" gives the double nearest 0.7). */
export function fromField(x, unit) {
  const u = UNITS[unit];
  return u ? x / u.per : x;
}

/** Whether `text` ends with the unit's sign (the reader's "yes, I mean it"): "0.8%". */
export function insists(text) {
  return /%\s*$/.test(String(text));
}

/** The text without a trailing % sign, for the number reader. */
export const withoutSign = (text) => String(text).replace(/%\s*$/, '');

/**
 * The question to ask about `x` (in the field's unit), or null when it is plausible: below the
 * range, a suggestion of scale times it when that lands in the range ("Did you mean 80%?").
 */
export function question(x, unit, format = String) {
  const u = UNITS[unit];
  if (!u || u.low === undefined || x === 0 || !Number.isFinite(x)) return null;
  const a = Math.abs(x);
  if (a >= u.low && a <= u.high) return null;
  const said = `${format(x)}${u.suffix.startsWith('%') ? '' : ' '}${u.suffix}?`;
  const guess = x * u.scale;
  const mean = a < u.low && Math.abs(guess) >= u.low && Math.abs(guess) <= u.high ? ` Did you mean ${format(guess)}%?` : '';
  const range = ` Usual values are ${format(u.low)}% to ${format(u.high)}%; type ${format(x)}% to use it as it is.`;
  return { text: said + mean + range, suggestion: mean ? guess : null };
}

/** The core's year: ACT/365 (kDaysPerYear in core/src/options.cpp); theta per year is per day over it. */
export const DAYS_PER_YEAR = 365;

/** Vega as venues show it, per volatility point (0.01 of volatility), from the API's per 1.00. */
export const vegaPerPoint = (vega) => vega / 100;

/** Theta as venues show it, per day, from the API's per year. */
export const thetaPerDay = (theta) => theta / DAYS_PER_YEAR;
