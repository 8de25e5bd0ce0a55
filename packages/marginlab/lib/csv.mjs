// SPDX-License-Identifier: MIT
// The CSV reader of `marginlab batch`: one position a row, under a header naming the columns.
// Untrusted input: every limit is checked, every bad field is reported at its line and column
// (1-based, in characters of its line), and no row that is returned holds anything but finite
// positive numbers, a side of +1 or -1 and short plain strings. The ranges and the tier checks
// are the core's (the batch kernel reports them; lib/batch.mjs maps them back here).

export const MAX_INPUT_CHARS = 256 * 1024 * 1024;
export const MAX_ROWS = 10_000_000;
export const MAX_LINE_CHARS = 4096;
export const MAX_TEXT_CHARS = 40;  // core/include/marginlab/check.h kMaxSymbolLength
export const MAX_KEPT_ERRORS = 1000;

export const REQUIRED_COLUMNS = ['symbol', 'side', 'quantity', 'entryPrice', 'leverage'];
export const OPTIONAL_COLUMNS = ['id', 'rules', 'contract', 'contractSize'];
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TEXT = /^[A-Za-z0-9._:/-]+$/;
const SIDES = { long: 1, short: -1 };
const SIDE_NAMES = Object.keys(SIDES);
const CONTRACTS = ['linear', 'inverse'];

/** A CSV error: where (1-based line and column) and what. */
function csvError(line, column, message) {
  return { line, column, message };
}

/** Fields of a line: their values, and the 1-based column of field j (counted only when asked). */
function fieldsOf(values, columns = null) {
  return {
    values,
    column(j) {
      if (columns) return columns[j];
      let c = 1;
      for (let k = 0; k < j; k++) c += values[k].length + 1;
      return c;
    },
  };
}

/** The fields of one line; RFC 4180 quotes ("a ""b""", c). */
function splitLine(text, line) {
  if (!text.includes('"')) return { fields: fieldsOf(text.split(',')) };
  const values = [], columns = [];
  let i = 0;
  for (;;) {
    const column = i + 1;
    let value = '';
    if (text[i] === '"') {
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return { error: csvError(line, column, 'a quoted field has no closing quote (a field may not span lines)') };
        value += text.slice(j, q);
        if (text[q + 1] === '"') { value += '"'; j = q + 2; continue; }
        i = q + 1;
        break;
      }
      if (i < text.length && text[i] !== ',') return { error: csvError(line, i + 1, 'a closing quote must end its field (expected a comma)') };
    } else {
      const end = text.indexOf(',', i);
      value = text.slice(i, end < 0 ? text.length : end);
      if (value.includes('"')) return { error: csvError(line, column + value.indexOf('"'), 'a quote inside an unquoted field (quote the whole field and double the quote)') };
      i = end < 0 ? text.length : end;
    }
    values.push(value);
    columns.push(column);
    if (i >= text.length) return { fields: fieldsOf(values, columns) };
    i += 1;  // the comma
  }
}

/** The header: each known column's index; unknown columns are ignored (ids, notes). */
function readHeader(text) {
  const split = splitLine(text, 1);
  if (split.error) return { errors: [split.error] };
  const index = {};
  const errors = [];
  for (const [i, value] of split.fields.values.entries()) {
    const column = split.fields.column(i);
    const name = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS].find((c) => c.toLowerCase() === value.trim().toLowerCase());
    if (name === undefined) continue;
    if (name in index) errors.push(csvError(1, column, `the column "${name}" appears twice`));
    index[name] = i;
  }
  const missing = REQUIRED_COLUMNS.filter((c) => !(c in index));
  if (missing.length) errors.push(csvError(1, 1, `the header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (required: ${REQUIRED_COLUMNS.join(', ')}; optional: ${OPTIONAL_COLUMNS.join(', ')})`));
  return { index, width: split.fields.values.length, errors };
}

/** A finite number > 0 from a field, or an error message. */
function positive(value, name) {
  const text = value.trim();
  if (text === '') return `${name} is empty`;
  if (text.length > 64 || !NUMBER.test(text)) return `${name} "${shown(text)}" is not a number`;
  const x = Number(text);
  if (!Number.isFinite(x)) return `${name} ${shown(text)} is too large (not a finite number)`;
  if (!(x > 0)) return `${name} ${shown(text)} must be greater than 0`;
  return x;
}

const shown = (text) => (text.length > 24 ? text.slice(0, 24) + '...' : text).replace(/[^\x20-\x7e]/g, '?');

function text(value, name, allowed) {
  const t = value.trim();
  if (t === '') return { error: `${name} is empty` };
  if (t.length > MAX_TEXT_CHARS) return { error: `${name} is longer than ${MAX_TEXT_CHARS} characters` };
  if (!TEXT.test(t)) return { error: `${name} "${shown(t)}" may hold only letters, digits and . _ : / -` };
  if (allowed && !allowed.includes(t.toLowerCase())) return { error: `${name} "${t}" must be one of ${allowed.join(', ')}` };
  return { value: t };
}

/** The positions' arrays, grown as rows come. */
function makeRows(capacity) {
  return {
    count: 0, line: new Int32Array(capacity), start: new Float64Array(capacity), side: new Float64Array(capacity), quantity: new Float64Array(capacity),
    entryPrice: new Float64Array(capacity), leverage: new Float64Array(capacity), contractSize: new Float64Array(capacity),
    symbol: [], rules: [], contract: [], id: [], columns: null,
  };
}

function grow(rows) {
  const n = rows.line.length * 2;
  for (const k of ['line', 'start', 'side', 'quantity', 'entryPrice', 'leverage', 'contractSize']) {
    const a = new rows[k].constructor(n);
    a.set(rows[k]);
    rows[k] = a;
  }
}

/** One data line into rows, or its first error. */
function readRow(rows, header, fields, line, start, defaults) {
  const { values } = fields;
  const n = values.length;
  if (n !== header.width) {
    const column = n < header.width ? fields.column(n - 1) + values[n - 1].length : fields.column(header.width);
    return csvError(line, column, `the row has ${n} field${n === 1 ? '' : 's'}; the header has ${header.width}`);
  }
  const field = (name) => values[header.index[name]];
  const fail = (name, message) => csvError(line, fields.column(header.index[name]), message);
  const symbol = text(field('symbol'), 'symbol');
  if (symbol.error) return fail('symbol', symbol.error);
  const side = text(field('side'), 'side', SIDE_NAMES);
  if (side.error) return fail('side', side.error);
  const numbers = {};
  for (const name of ['quantity', 'entryPrice', 'leverage', 'contractSize']) {
    if (!(name in header.index)) { numbers[name] = defaults.contractSize; continue; }
    const x = positive(field(name), name);
    if (typeof x === 'string') return fail(name, x);
    numbers[name] = x;
  }
  const choice = (name, allowed, fallback) => (name in header.index ? text(field(name), name, allowed) : { value: fallback });
  const rules = choice('rules', null, defaults.rules);
  if (rules.error) return fail('rules', rules.error);
  const contract = choice('contract', CONTRACTS, defaults.contract);
  if (contract.error) return fail('contract', contract.error);
  const id = 'id' in header.index ? field('id').trim().slice(0, MAX_TEXT_CHARS).replace(/[^\x20-\x7e]/g, '?') : '';
  if (rows.count === rows.line.length) grow(rows);
  const i = rows.count++;
  rows.line[i] = line;
  rows.start[i] = start;
  rows.side[i] = SIDES[side.value.toLowerCase()];
  rows.quantity[i] = numbers.quantity;
  rows.entryPrice[i] = numbers.entryPrice;
  rows.leverage[i] = numbers.leverage;
  rows.contractSize[i] = numbers.contractSize;
  rows.symbol.push(symbol.value);
  rows.rules.push(rules.value.toLowerCase());
  rows.contract.push(contract.value.toLowerCase());
  rows.id.push(id);
  return null;
}

/** The 1-based column of a row's field (a column the file has; else 1), read again from its line. */
function fieldColumn(input, header, rows, i, name) {
  if (!header || !(name in header.index)) return 1;
  const start = rows.start[i];
  let end = input.indexOf('\n', start);
  if (end < 0) end = input.length;
  const split = splitLine(input.slice(start, end).replace(/\r$/, ''), rows.line[i]);
  return split.fields ? split.fields.column(header.index[name]) : 1;
}

/**
 * Reads a CSV of positions. `defaults`: rules, contract, contractSize for absent columns;
 * `progress(fraction)` is called now and then; `limits` lower the input and row limits (tests). Returns { rows, errors, errorCount, lines }: rows
 * hold the good rows only (rows.line[i] is the line each came from); errors the first
 * MAX_KEPT_ERRORS bad fields as { line, column, message }, errorCount all of them; columnOf(i,
 * name) the column of row i's field `name`, for the errors the core finds.
 */
export function readPositionsCsv(input, defaults = {}, progress = () => {}, { maxInputChars = MAX_INPUT_CHARS, maxRows = MAX_ROWS } = {}) {
  const d = { rules: 'binance', contract: 'linear', contractSize: 1, ...defaults };
  const errors = [];
  let errorCount = 0;
  const report = (e) => { errorCount++; if (errors.length < MAX_KEPT_ERRORS) errors.push(e); };
  const done = (rows, lines) => ({ rows, errors, errorCount, lines, columnOf: (i, name) => fieldColumn(input, header, rows, i, name) });
  if (typeof input !== 'string') throw new TypeError('readPositionsCsv(input): input must be a string');
  if (input.length > maxInputChars) { report(csvError(1, 1, `the input has ${input.length} characters; at most ${maxInputChars}`)); return done(makeRows(1), 0); }
  let start = input.charCodeAt(0) === 0xfeff ? 1 : 0;  // a byte-order mark
  let line = 0, header = null;
  const rows = makeRows(1024);
  while (start < input.length || line === 0) {
    let end = input.indexOf('\n', start);
    if (end < 0) end = input.length;
    line++;
    const lineStart = start;
    let text = input.slice(start, end);
    start = end + 1;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if ((line & 0xffff) === 0) progress(start / input.length);
    if (text.length > MAX_LINE_CHARS) { report(csvError(line, MAX_LINE_CHARS + 1, `the line is longer than ${MAX_LINE_CHARS} characters`)); if (!header) break; continue; }
    if (text.trim() === '' && header) continue;  // blank lines (a last newline) between or after rows
    if (!header) {
      header = readHeader(text);
      header.errors.forEach(report);
      if (header.errors.length) return done(rows, line);
      continue;
    }
    if (rows.count + errorCount >= maxRows) { report(csvError(line, 1, `more than ${maxRows} rows`)); break; }
    const split = splitLine(text, line);
    const error = split.error || readRow(rows, header, split.fields, line, lineStart, d);
    if (error) report(error);
  }
  if (header && rows.count === 0 && errorCount === 0) report(csvError(line, 1, 'the file has a header but no rows'));
  return done(rows, line);
}
