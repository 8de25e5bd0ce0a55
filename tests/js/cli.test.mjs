// SPDX-License-Identifier: MIT
// The command-line tool of the npm package (packages/marginlab/bin/marginlab.mjs), spawned from
// a package assembled by scripts/package.mjs: exit codes, formats, standard input, error places.
// Expected numbers are Binance's isolated formula worked by hand (not the code's output):
// LP = (M + cum - s q EP) / (q MMR - s q), with the tier rows of Binance's published tables
// (BTCUSDT notional <= 50,000: MMR 0.40 %, cum 0; ETHUSDT 10,000 to 100,000: MMR 0.65 %, cum 15).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir, bin;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'marginlab-cli-'));
  const built = spawnSync(process.execPath, [path.join(root, 'scripts/package.mjs'), path.join(dir, 'package')], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  bin = path.join(dir, 'package/bin/marginlab.mjs');
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI with plain node (no flag): { status, stdout, stderr }. */
function run(args, input) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input: input ?? '', cwd: dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const file = (name, text) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

// 0.1 BTC long at 60,000, 10x: M = 6000 / 10 = 600; LP = (600 - 6000) / (0.1 x 0.004 - 0.1).
const BTC_LP = 5400 / 0.0996;
// 4 ETH short at 3,000, 10x: M = 1200, MM = 12,000 x 0.0065 - 15 = 63; LP = (1200 + 15 + 12,000) / (4 x 0.0065 + 4).
const ETH_LP = 13215 / 4.026;
const close = (actual, expected, what) => assert.ok(Math.abs(actual - expected) <= 1e-9 * expected, `${what}: ${actual} vs ${expected}`);

const SCENARIO = JSON.stringify({ walletBalance: 1000, positions: [{ symbol: 'BTCUSDT', side: 'long', quantity: 0.1, entryPrice: 60000, leverage: 10 }] });

describe('marginlab evaluate', () => {
  test('a scenario file, JSON: the isolated liquidation price', () => {
    const r = run(['evaluate', file('s.json', SCENARIO), '--format', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    close(report.isolated.positions[0].liquidationPrice, BTC_LP, 'liquidationPrice');
    assert.equal(report.isolated.positions[0].initialMargin, 600);
    assert.equal(report.isolated.positions[0].maintenanceMargin, 24);  // 6000 x 0.004
    assert.equal(report.isolated.positions[0].steps, undefined);
  });

  test('standard input, table (default) and csv', () => {
    const table = run(['evaluate'], SCENARIO);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /^Amounts in USDT\n/);
    assert.match(table.stdout, /isolated +0 +BTCUSDT +long +isolated +54216\.86746987/);
    const csv = run(['evaluate', '-', '--format', 'csv'], SCENARIO).stdout.split('\n');
    assert.equal(csv[0], 'outcome,position,symbol,side,mode,liquidationPrice,bankruptcyPrice,notional,initialMargin,maintenanceMargin,marginRatio,distanceToLiquidation,unrealizedPnl');
    const isolated = csv[1].split(',');
    assert.deepEqual(isolated.slice(0, 5), ['isolated', '0', 'BTCUSDT', 'long', 'isolated']);
    close(Number(isolated[5]), BTC_LP, 'csv liquidationPrice');
  });

  test('--explain: the steps', () => {
    const json = JSON.parse(run(['evaluate', '--explain', '--format', 'json'], SCENARIO).stdout);
    assert.ok(json.isolated.positions[0].steps.some((s) => s.field === 'liquidationPrice'));
    const text = run(['evaluate', '--explain'], SCENARIO).stdout;
    assert.match(text, /Initial margin at entry: IM = N_entry \/ L = 6000 \/ 10 = 600/);
  });

  test('an options account (version 2) goes to the full module', () => {
    const account = { version: 2, walletBalance: 1, underlyingPrice: 60000, futures: [{ symbol: 'BTC-PERPETUAL', contract: 'inverse', contractSize: 10, side: 'long', quantity: 100, entryPrice: 60000 }] };
    const r = run(['evaluate', '--format', 'json'], JSON.stringify(account));
    assert.equal(r.status, 0, r.stderr);
    // 100 contracts of 10 USD at 60,000 and a mark of 60,000: no PnL, equity = the wallet.
    assert.equal(JSON.parse(r.stdout).now.equity, 1);
    assert.match(run(['evaluate'], JSON.stringify(account)).stdout, /^view +days +equity/);
  });

  test('errors: the JSON path, exit 1', () => {
    const bad = JSON.stringify({ walletBalance: 1000, positions: [{ symbol: 'BTCUSDT', side: 'long', quantity: -1, entryPrice: 60000, leverage: 10 }] });
    const r = run(['evaluate', file('bad.json', bad)]);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /bad\.json: positions\[0\]\.quantity: .*must be > 0 \[notPositive\]/);
  });

  test('not JSON: line and column, exit 1; not an object: exit 1', () => {
    const r = run(['evaluate', file('syntax.json', '{\n  "walletBalance": 1000,\n  "positions": [}\n')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /syntax\.json:3:17: not valid JSON \(unexpected "}"\)/);
    assert.match(run(['evaluate'], '[1]').stderr, /<stdin>: the scenario must be a JSON object \(got an array\)/);
  });
});

describe('marginlab batch', () => {
  const BOOK = 'id,symbol,side,quantity,entryPrice,leverage\r\nb1,BTCUSDT,long,0.1,60000,10\r\ne1,ETHUSDT,short,4,3000,10\r\n';

  test('csv (default): one row a position, the hand-worked liquidation prices', () => {
    const r = run(['batch', file('book.csv', '\uFEFF' + BOOK)]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'line,id,symbol,side,quantity,entryPrice,leverage,liquidationPrice,error');
    close(Number(lines[1].split(',')[7]), BTC_LP, 'BTC');
    close(Number(lines[2].split(',')[7]), ETH_LP, 'ETH');
    assert.equal(lines.length, 3);
  });

  test('--margins --format json: the margins of each row', () => {
    const rows = JSON.parse(run(['batch', '--margins', '--format', 'json'], BOOK).stdout);
    assert.equal(rows.length, 2);
    assert.deepEqual([rows[0].initialMargin, rows[0].maintenanceMargin, rows[0].tier], [600, 24, 1]);
    assert.deepEqual([rows[1].initialMargin, rows[1].maintenanceMargin, rows[1].maintenanceMarginRate], [1200, 63, 0.0065]);
    close(rows[1].liquidationPrice, ETH_LP, 'json ETH');
  });

  test('--margins: the kernel (marginBatch) writes what the evaluate() path writes, byte for byte', () => {
    // A book over every shipped rule set, linear and inverse rows mixed under one rules, long and
    // short, notionals from the first tier to past the last cap, contract sizes, ids, and rows the
    // core refuses: the kernel's checks (side of the tier's leverage, past the last cap), evaluate()'s
    // (a leverage below 1e-9, a contract size below 1e-9, inverse under Hyperliquid), a symbol without
    // a table and a field that is not a number. 600 rows: several chunks of the evaluate() path.
    const lines = ['id,rules,symbol,contract,contractSize,side,quantity,entryPrice,leverage'];
    // The shipped tables: every rules but OKX has one (a symbol's own or "*"); a table has no contract,
    // so the BTCUSDT one also prices inverse rows (rows of both contracts under one rules).
    const books = [['binance', 'BTCUSDT', 'linear', 1], ['binance', 'ETHUSDT', 'linear', 1], ['binance', 'BTCUSDT', 'inverse', 100],
      ['bybit', 'BTCUSDT', 'linear', 1], ['bybit', 'BTCUSDT', 'inverse', 1], ['bybit-uta', 'BTCUSDT', 'linear', 0.01],
      ['hyperliquid', 'BTC', 'linear', 1], ['bitmex', 'XBTUSD', 'inverse', 1], ['dydx', 'BTC-USD', 'linear', 1],
      ['simple', 'BTCUSDT', 'linear', 1], ['simple', 'BTCUSDT', 'inverse', 10]];
    for (let i = 0; i < 600; i++) {
      const [rules, symbol, contract, size] = books[i % books.length];
      const entry = 20000 + (i * 7919) % 60000;
      const base = contract === 'inverse' ? [1, 40, 900, 30000, 400000][i % 5] : [0.01, 0.5, 4, 30, 400][i % 5];
      const quantity = base / size;  // the same notionals whatever the contract size
      lines.push(`r${i},${rules},${symbol},${contract},${size},${i % 3 ? 'long' : 'short'},${quantity},${entry},${[1, 2, 5, 10, 20, 50, 125][i % 7]}`);
    }
    lines.push('t1,binance,BTCUSDT,linear,1,long,0.1,60000,1e-10', 't2,binance,BTCUSDT,linear,1e-12,long,0.1,60000,10',
      't3,hyperliquid,BTC,inverse,1,long,1000,60000,10', 't4,binance,NOSUCHCOIN,linear,1,long,1,60000,10',
      't5,binance,BTCUSDT,linear,1,long,abc,60000,10', 't6,binance,BTCUSDT,linear,1,long,1e9,60000,10');
    const book = file('margins.csv', lines.join('\n') + '\n');
    for (const format of ['csv', 'json', 'table']) {
      const fast = run(['batch', book, '--margins', '--format', format]);
      const reference = spawnSync(process.execPath, [bin, 'batch', book, '--margins', '--format', format],
        { encoding: 'utf8', cwd: dir, env: { ...process.env, MARGINLAB_BATCH_MARGINS: 'evaluate' } });
      assert.equal(fast.status, 1, `${format}: the book has bad rows`);
      assert.equal(reference.status, fast.status, format);
      assert.equal(fast.stderr, reference.stderr, `${format}: standard error`);
      assert.equal(fast.stdout, reference.stdout, `${format}: standard output`);
    }
    const rows = JSON.parse(run(['batch', book, '--margins', '--format', 'json']).stdout);
    const good = rows.filter((r) => r.error === null);
    assert.ok(good.length > 300, `most rows are good (${good.length})`);
    for (const contract of ['linear', 'inverse']) assert.ok(good.some((r) => r.id.startsWith('r') && books[Number(r.id.slice(1)) % books.length][2] === contract), contract);
    assert.ok(new Set(good.map((r) => r.tier)).size >= 3, 'several tiers');
    const error = (id) => rows.find((r) => r.id === id).error;
    assert.match(error('t1'), /margins\.csv:\d+:\d+: leverage \(1e-10\) must be between 1e-09 and/);
    assert.match(error('t2'), /contractSize \(1e-12\) must be between/);
    assert.match(error('t3'), /contract: hyperliquid has only linear contracts/);
    assert.match(error('t4'), /no shipped tier table for NOSUCHCOIN/);
    assert.match(error('t6'), /the entry notional \(6e\+13\) .* exceeds the last tier's cap/);
    // Without an id column good rows are written directly: each CSV line is its JSON row's values.
    const noId = file('margins-no-id.csv', lines.map((l) => l.slice(l.indexOf(',') + 1)).join('\n') + '\n');
    const csvLines = run(['batch', noId, '--margins']).stdout.trimEnd().split('\n');
    const jsonRows = JSON.parse(run(['batch', noId, '--margins', '--format', 'json']).stdout);
    assert.equal(csvLines.length, jsonRows.length + 1);
    jsonRows.forEach((r, k) => assert.equal(csvLines[k + 1], Object.values(r).map((v) => (v === null ? '' : String(v).includes(',') ? `"${v}"` : String(v))).join(','), `row ${k}`));
  });

  test('bad rows: exit 1, file:line:column on standard error, the error in the row, never NaN', () => {
    const csv = file('bad.csv', 'symbol,side,quantity,entryPrice,leverage\nBTCUSDT,long,NaN,60000,10\nBTCUSDT,long,1,1e308,10\nBTCUSDT,long,1,60000,500\nBTCUSDT,long\nBTCUSDT,long,0.1,60000,10\n');
    const r = run(['batch', csv, '--format', 'csv']);
    assert.equal(r.status, 1);
    assert.ok(!/NaN|Infinity|undefined/.test(r.stdout.replace('NaN,60000', '')), r.stdout);
    const err = r.stderr.trimEnd().split('\n');
    assert.match(err[0], /bad\.csv:2:14: quantity "NaN" is not a number/);
    assert.match(err[1], /bad\.csv:3:16: entryPrice \(1e\+308\)/);
    assert.match(err[2], /bad\.csv:4:22: leverage \(500\) must be <= 100/);
    assert.match(err[3], /bad\.csv:5:13: the row has 2 fields; the header has 5/);
    const out = r.stdout.trimEnd().split('\n');
    assert.equal(out.length, 4);  // the header, two rows the core refused (with their error), the good row
    assert.match(out[1], /^3,BTCUSDT,long,1,1e\+308,10,,.*bad\.csv:3:16: entryPrice/);
    close(Number(out[3].split(',')[6]), BTC_LP, 'the good row');
  });

  test('table, --rules, and the header\'s missing column', () => {
    const table = run(['batch', '--format', 'table', '--rules', 'binance'], BOOK);
    assert.equal(table.status, 0);
    assert.match(table.stdout, /^line +id +symbol/);
    const r = run(['batch'], 'symbol,side,quantity\nBTCUSDT,long,1\n');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /<stdin>:1:1: the header lacks the columns entryPrice, leverage/);
  });

  test('--explain: steps per row in table and json; not with csv', () => {
    const json = JSON.parse(run(['batch', '--explain', '--format', 'json'], BOOK).stdout);
    assert.ok(json[0].steps.some((s) => s.field === 'liquidationPrice'));
    const r = run(['batch', '--explain'], BOOK);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--explain needs --format table or json/);
  });
});

describe('marginlab: the command line', () => {
  test('--help and no arguments: the usage, exit 0', () => {
    for (const args of [['--help'], [], ['help'], ['batch', '-h']]) {
      const r = run(args);
      assert.equal(r.status, 0);
      assert.match(r.stdout, /^Usage: marginlab <command>/);
    }
  });

  test('--version', () => {
    assert.match(run(['--version']).stdout, /^\d+\.\d+\.\d+\n$/);
  });

  test('usage errors: exit 2 with what is wrong', () => {
    const cases = [
      [['frobnicate'], /unknown command "frobnicate"/],
      [['batch', '--format', 'xml'], /--format "xml" must be table, json or csv/],
      [['batch', '--frob'], /unknown option --frob/],
      [['batch', '--rules'], /--rules needs a value/],
      [['batch', '--contract-size', '-3'], /--contract-size "-3" must be a finite number >= 0/],
      [['evaluate', 'a.json', 'b.json'], /one file at a time/],
      [['evaluate', 'missing.json'], /cannot read missing\.json: no such file/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, message);
    }
  });
});

describe('the place of a JSON mistake', () => {
  test('line and column of the first character that cannot continue', async () => {
    const { jsonErrorPlace } = await import('../../packages/marginlab/lib/jsonplace.mjs');
    const cases = [['{"a":1}', ''], ['{"a":1,}', ':1:8'], ['{\n "a" 1}', ':2:6'], ['[1,2', ':1:5'], ['', ':1:1'], ['{"a":01}', ':1:7'],
      ['[tru]', ':1:2'], ['{"a":1} x', ':1:9'], ['"\u0001"', ':1:1'], ['[' + '['.repeat(100000), ':1:100002'], ['{"a":[1,{"b":null}]}', ''], ['-', ':1:1']];
    for (const [text, place] of cases) {
      assert.equal(jsonErrorPlace(text), place, text.slice(0, 20));
      assert.equal(place === '', (() => { try { JSON.parse(text); return true; } catch { return false; } })(), `JSON.parse agrees on ${text.slice(0, 20)}`);
    }
  });
});

describe('the progress bar', () => {
  const book = () => file('progress.csv', 'symbol,side,quantity,entryPrice,leverage\n' + 'BTCUSDT,long,0.1,60000,10\n'.repeat(70000));

  test('on a terminal (a pseudo-terminal by script(1)), after the delay, then erased', { skip: spawnSync('script', ['--version']).status !== 0 && 'no script(1)' }, () => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} batch ${JSON.stringify(book())} > /dev/null`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, MARGINLAB_PROGRESS_AFTER_MS: '0' } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\rbatch \[#+\.*\] \d+%/);
    assert.match(r.stdout, /\rbatch \[#{30}\] 100%\r\x1b\[K$/);
    const quiet = spawnSync('script', ['-qec', command.replace(' batch ', ' batch --no-progress '), '/dev/null'], { encoding: 'utf8', env: { ...process.env, MARGINLAB_PROGRESS_AFTER_MS: '0' } });
    assert.equal(quiet.status, 0);
    assert.equal(quiet.stdout, '');
  });

  test('not when standard error is not a terminal', () => {
    const r = spawnSync(process.execPath, [bin, 'batch', book()], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MARGINLAB_PROGRESS_AFTER_MS: '0' } });
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
  });
});

describe('inputs that cannot be read', () => {
  test('a directory, and a scenario over 16 MiB: exit 2', () => {
    const r = run(['evaluate', dir]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /it is a directory/);
    const big = spawnSync(process.execPath, [bin, 'evaluate'], { encoding: 'utf8', input: ' '.repeat(16 * 1024 * 1024 + 1) });
    assert.equal(big.status, 2);
    assert.match(big.stderr, /standard input is larger than 16777216 bytes/);
  });
});
