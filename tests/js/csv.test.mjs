// SPDX-License-Identifier: MIT
// The CSV reader of `marginlab batch` (packages/marginlab/lib/csv.mjs) and the batch it feeds:
// hostile rows get an error at their line and column, every other row only finite numbers.
// The generated part is deterministic (a seeded generator): the same rows on every run.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import createMarginLab from '../../web/dist/marginlab.js';
import { readPositionsCsv, MAX_LINE_CHARS, MAX_INPUT_CHARS } from '../../packages/marginlab/lib/csv.mjs';
import createFull from '../../web/dist/marginlab-full.js';
import { liquidationPrices, liquidationPricesAndMargins, marginsByEvaluate } from '../../packages/marginlab/lib/batch.mjs';

const lab = await createMarginLab({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab.wasm', import.meta.url)) });
const full = await createFull({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab-full.wasm', import.meta.url)) });
const HEADER = 'symbol,side,quantity,entryPrice,leverage';

describe('csv reader: one error per bad row, at its line and column', () => {
  const cases = [
    ['BTCUSDT,long,NaN,60000,10', 3, 14, /quantity "NaN" is not a number/],
    ['BTCUSDT,long,-1,60000,10', 3, 14, /quantity -1 must be greater than 0/],
    ['BTCUSDT,long,1,1e400,10', 3, 16, /entryPrice 1e400 is too large/],
    ['BTCUSDT,long,1,60000', 3, 21, /the row has 4 fields; the header has 5/],
    ['BTCUSDT,long,1,60000,10,7', 3, 25, /the row has 6 fields/],
    ['BTCUSDT,up,1,60000,10', 3, 9, /side "up" must be one of long, short/],
    [',long,1,60000,10', 3, 1, /symbol is empty/],
    ['"BTC"USDT",long,1,60000,10', 3, 6, /a closing quote must end its field/],
    ['BTC"USDT,long,1,60000,10', 3, 4, /a quote inside an unquoted field/],
    ['"BTCUSDT,long,1,60000,10', 3, 1, /no closing quote/],
    ['BTC USDT,long,1,60000,10', 3, 1, /may hold only letters/],
    ['BTCUSDT,long,0x10,60000,10', 3, 14, /"0x10" is not a number/],
    ['BTCUSDT,long,Infinity,60000,10', 3, 14, /"Infinity" is not a number/],
    ['BTCUSDT,long,0,60000,10', 3, 14, /must be greater than 0/],
    ['BTCUSDT,long,,60000,10', 3, 14, /quantity is empty/],
  ];
  for (const [row, line, column, message] of cases) {
    test(row, () => {
      const { rows, errors, errorCount } = readPositionsCsv(`${HEADER}\nBTCUSDT,long,1,60000,10\n${row}\n`);
      assert.equal(rows.count, 1, 'the good row stays');
      assert.equal(errorCount, 1);
      assert.equal(errors[0].line, line);
      assert.equal(errors[0].column, column);
      assert.match(errors[0].message, message);
    });
  }

  test('a BOM, CRLF, quoted fields, blank lines, extra columns and header case are fine', () => {
    const { rows, errorCount } = readPositionsCsv(`\uFEFFAccount,SYMBOL,Side,Quantity,EntryPrice,Leverage\r\n"a,1","BTCUSDT",LONG,"0.5",60000,10\r\n\r\nb,ETHUSDT,short,4,3000,10\r\n`);
    assert.equal(errorCount, 0);
    assert.equal(rows.count, 2);
    assert.deepEqual([rows.symbol[0], rows.side[0], rows.quantity[0], rows.line[0]], ['BTCUSDT', 1, 0.5, 2]);
    assert.deepEqual([rows.symbol[1], rows.side[1], rows.line[1]], ['ETHUSDT', -1, 4]);
  });

  test('a header without a required column, a repeated column, an empty input', () => {
    assert.match(readPositionsCsv('symbol,side,quantity,leverage\nBTCUSDT,long,1,10\n').errors[0].message, /lacks the column entryPrice/);
    assert.match(readPositionsCsv(`${HEADER},side\n`).errors[0].message, /"side" appears twice/);
    assert.match(readPositionsCsv('').errors[0].message, /lacks the columns/);
    assert.match(readPositionsCsv(`${HEADER}\n`).errors[0].message, /header but no rows/);
  });

  test('limits: a line, the input', () => {
    const long = readPositionsCsv(`${HEADER}\nBTCUSDT,long,1,60000,${'1'.repeat(MAX_LINE_CHARS)}\n`);
    assert.equal(long.errors[0].line, 2);
    assert.match(long.errors[0].message, /longer than 4096 characters/);
    assert.equal(MAX_INPUT_CHARS, 256 * 1024 * 1024);
    const input = `${HEADER}\n` + 'BTCUSDT,long,1,60000,10\n'.repeat(5);
    assert.match(readPositionsCsv(input, {}, undefined, { maxInputChars: input.length - 1 }).errors[0].message, /the input has 161 characters; at most 160/);
    const rows = readPositionsCsv(input, {}, undefined, { maxRows: 3 });
    assert.equal(rows.rows.count, 3);
    assert.deepEqual(rows.errors.map((e) => [e.line, e.column, e.message]), [[5, 1, 'more than 3 rows']]);
    assert.throws(() => readPositionsCsv(Buffer.from(input)), TypeError);
  });

  test('the core finds the ranges and the tiers: its message at the field\'s column', () => {
    const read = readPositionsCsv(`id,${HEADER}\n1,BTCUSDT,long,1,1e308,10\n2,BTCUSDT,long,1,60000,500\n3,NOPE,long,1,60000,5\n4,BTCUSDT,long,0.1,60000,10\n`);
    const { liquidationPrice, bad } = liquidationPrices(lab, read.rows);
    assert.deepEqual([...bad.keys()].sort(), [0, 1, 2]);
    assert.deepEqual([read.columnOf(0, bad.get(0).column), read.columnOf(1, bad.get(1).column), read.columnOf(2, bad.get(2).column)], [18, 24, 3]);
    assert.match(bad.get(1).error.message, /leverage \(500\) must be <= 100/);
    // Binance's isolated formula by hand: LP = (M + cum - s q EP) / (q MMR - s q), BTCUSDT tier 1
    // (notional up to 50,000: MMR 0.4 %, cum 0): (600 - 6000) / (0.1 x 0.004 - 0.1) = 54216.8674698...
    assert.ok(Math.abs(liquidationPrice[3] - 5400 / 0.0996) < 1e-9);
  });
});

/** A seeded generator (mulberry32): the same hostile rows on every run. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NUMBERS = ['1', '0.5', '60000', '3000', '10', '125', '0', '-1', '-0', 'NaN', 'nan', 'Infinity', '-Infinity', '1e308', '1e309', '1e-320',
  '5e-324', '1e15', '1.0000000000000002e15', '', ' ', '1,5', '"1"', '"1', '1"', '0x1F', '1e', '.5', '5.', '+3', '١٢', '１', '1_000', '9'.repeat(400),
  '"2,5"', '"a""b"', '\u0000', '1\r', 'null', 'true', '[]', '{}', '1e-7', '100000000'];
const TEXTS = ['BTCUSDT', 'ETHUSDT', 'btcusdt', 'FOO', '', ' ', '"BTCUSDT"', '"BTC,USDT"', 'BTC"USDT', 'X'.repeat(41), 'X'.repeat(40), '\uFEFFBTCUSDT',
  '<script>', 'BTC\u202eUSDT', '../../etc', '%s%n', 'long', 'short', 'LONG', 'buy', 'binance', 'bybit', 'okx', 'nope', 'linear', 'inverse'];

const GOOD = [['BTCUSDT', 'ETHUSDT'], ['long', 'short', 'LONG'], ['0.001', '0.5', '1', '4', '250'], ['100', '3000', '60000', '61234.5'],
  ['1', '5', '10', '20', '50'], ['binance', 'bybit', 'okx'], ['linear', 'inverse'], ['1', '0.001', '100']];

/** A row of the 8 columns, each field good (GOOD) with odds 0.85 and else hostile; now and then too short or too long. */
function hostileRow(random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const fields = GOOD.map((good, j) => (random() < 0.85 ? pick(good) : pick(j < 2 || j === 5 || j === 6 ? TEXTS : NUMBERS)));
  if (random() < 0.05) fields.length = Math.floor(random() * 8);
  if (random() < 0.03) fields.push(pick(NUMBERS));
  return fields.join(',');
}

test('fuzz: 20,000 generated hostile rows: each is an error at a real place or a row of finite numbers and a finite liquidation price', () => {
  const random = generator(0x6d61726c);
  const lines = ['symbol,side,quantity,entryPrice,leverage,rules,contract,contractSize'];
  for (let i = 0; i < 20000; i++) lines.push(hostileRow(random));
  const input = lines.join(random() < 0.5 ? '\n' : '\r\n');
  const read = readPositionsCsv(input);
  const text = input.split('\n');
  assert.equal(read.rows.count + read.errorCount, lines.length - 1 - text.slice(1).filter((l) => l.trim() === '').length);
  for (const e of read.errors) {
    assert.ok(e.line >= 2 && e.line <= lines.length, `line ${e.line}`);
    assert.ok(e.column >= 1 && e.column <= text[e.line - 1].length + 1, `column ${e.column} of line ${e.line}`);
    assert.ok(!/undefined|\[object|(^|[^"])NaN([^"]|$)/.test(e.message), e.message);  // a NaN only as the quoted input
  }
  const { rows } = read;
  for (let i = 0; i < rows.count; i++) {
    for (const k of ['quantity', 'entryPrice', 'leverage', 'contractSize']) assert.ok(Number.isFinite(rows[k][i]) && rows[k][i] > 0, `${k} of line ${rows.line[i]}`);
    assert.ok(rows.side[i] === 1 || rows.side[i] === -1);
  }
  assert.ok(rows.count > 100, `some rows are good (${rows.count})`);
  assert.ok(read.errorCount > 1000, `many rows are bad (${read.errorCount})`);
  const { liquidationPrice, margins: m, bad } = liquidationPricesAndMargins(full, rows);
  // The kernel's margins and refusals are those of the evaluate() path, row by row and column.
  const reference = liquidationPrices(lab, rows);
  const referenceMargins = marginsByEvaluate(full, rows, reference.bad);
  assert.deepEqual([...bad.keys()].sort((x, y) => x - y), [...reference.bad.keys()].sort((x, y) => x - y), 'the same rows refused');
  for (const [i, b] of bad) {
    assert.equal(b.column, reference.bad.get(i).column, `line ${rows.line[i]}: the column`);
    assert.equal(b.error.message, reference.bad.get(i).error.message, `line ${rows.line[i]}: the message`);
  }
  for (let i = 0; i < rows.count; i++) {  // the numbers of the rows kept (a refused row shows none)
    if (bad.has(i)) continue;
    assert.equal(liquidationPrice[i], reference.liquidationPrice[i], `line ${rows.line[i]}: liquidationPrice`);
    for (const k of Object.keys(m)) assert.equal(m[k][i], referenceMargins[k][i], `line ${rows.line[i]}: ${k}`);
  }
  let solved = 0;
  for (let i = 0; i < rows.count; i++) {
    if (bad.has(i)) {
      const { error, column } = bad.get(i);
      assert.ok(typeof error.message === 'string' && error.message.length > 0);
      const at = read.columnOf(i, column);
      assert.ok(at >= 1 && at <= text[rows.line[i] - 1].length, `column ${at} of line ${rows.line[i]}`);
      continue;
    }
    solved++;
    assert.ok(Number.isFinite(liquidationPrice[i]) && liquidationPrice[i] >= 0, `line ${rows.line[i]}: ${liquidationPrice[i]}`);
    for (const k of Object.keys(m)) assert.ok(Number.isFinite(m[k][i]), `${k} of line ${rows.line[i]}`);
  }
  assert.ok(solved > 50, `some rows are solved (${solved})`);
});
