// SPDX-License-Identifier: MIT
// Form text <-> numbers for the calculator and the options account: what a field shows for a
// value from a link, and what a typed text means. No margin formula here.
import * as fmt from './format.js';

/** A value from a link as field text: numbers formatted (times scale), strings as given, anything else as short JSON. */
export function fieldText(x, scale = 1) {
  if (x === undefined || x === null) return '';
  if (typeof x === 'number') return fmt.plain(x * scale);
  if (typeof x === 'string') return x;
  try {
    return JSON.stringify(x).slice(0, 200);
  } catch {
    return '(a value nested too deeply to show)';
  }
}

/** Parses "60,000" or " 0.5 " to a number; '' -> undefined; otherwise NaN. */
export function parseNumber(text) {
  const t = String(text).trim().replace(/[,\s_]/g, '');
  if (t === '') return undefined;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return NaN;
  return Number(t);
}

/**
 * num(text, path, required, per = 1): the number a field's text means, divided by `per` (100 for
 * a percentage: "70" gives the double nearest 0.7, where multiplying by 0.01 would not), or
 * undefined with a message for `path` in `local` when it is missing (and required) or not a number.
 */
export function numberReader(local) {
  return (text, path, required, per = 1) => {
    const x = parseNumber(text);
    if (x === undefined) {
      if (required) local[path] = 'Required.';
      return undefined;
    }
    if (Number.isNaN(x)) {
      local[path] = `"${String(text).slice(0, 40)}" is not a number.`;
      return undefined;
    }
    return x / per;
  };
}
