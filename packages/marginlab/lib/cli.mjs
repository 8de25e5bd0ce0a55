// SPDX-License-Identifier: MIT
// `marginlab`: evaluate a scenario or options account (JSON), or a CSV book of positions, from a
// terminal. Exit codes: 0 every input was computed; 1 the input has errors (each reported on
// standard error, where it is: file:line:column for CSV, the JSON path for scenarios); 2 the
// command line is wrong or a file cannot be read.
import { createReadStream, statSync } from 'node:fs';
import { readPositionsCsv, MAX_INPUT_CHARS } from './csv.mjs';
import { liquidationPrices, liquidationPricesAndMargins, marginsByEvaluate } from './batch.mjs';
import { jsonErrorOffset, jsonErrorPlace } from './jsonplace.mjs';
import { csvLine, formatOptionsAccount, formatReport, stepLines, table } from './output.mjs';

export const USAGE = `Usage: marginlab <command> [file|-] [options]

Commands:
  evaluate [file|-]   a scenario (version 1) or an options account (version 2), JSON,
                      from the file or standard input: liquidation prices, margins, equity
  batch [file|-]      a CSV of positions, one a row, header first: the liquidation price of
                      each (isolated at its initial margin, marked at entry), with --margins
                      its initial and maintenance margins too
  help                this text

Options:
  --format table|json|csv   output (default: table for evaluate, csv for batch)
  --explain                 the steps of every number ("show the math"); batch: at most 1000 rows
  --margins                 batch: add initialMargin, maintenanceMargin, maintenanceMarginRate, tier
                            (a million rows in about 5 s of CPU; without it, about 3 s)
  --rules NAME              batch: the rules of rows without a rules column (default binance)
  --contract linear|inverse batch: the contract of rows without a contract column (default linear)
  --contract-size N         batch: of rows without a contractSize column (default 1)
  --taker-fee-rate F        batch: the fee rate for every row (default: the rules' own)
  --no-progress             no progress bar on standard error
  -h, --help                this text
  -v, --version             the version

CSV columns (batch): symbol, side (long|short), quantity (contracts), entryPrice, leverage;
optional: id, rules, contract, contractSize. Other columns are ignored. UTF-8, a BOM and CRLF
are fine; quotes as in RFC 4180; at most 256 MiB and 10,000,000 rows.

Exit codes: 0 done; 1 the input has errors (each on standard error, with its place:
file:line:column for CSV, the JSON path for a scenario); 2 a wrong command line or an unreadable file.
`;

const MAX_JSON_CHARS = 16 * 1024 * 1024;
const MAX_EXPLAINED_ROWS = 1000;
const MAX_SHOWN_ERRORS = 20;

class UsageError extends Error {}

/** The command line: { command, file, flags } or a UsageError. */
export function parseArgs(argv) {
  const flags = { format: null, explain: false, margins: false, progress: true, rules: 'binance', contract: 'linear', contractSize: 1 };
  const positional = [];
  const value = (i, name) => {
    if (i + 1 >= argv.length) throw new UsageError(`${name} needs a value`);
    return argv[i + 1];
  };
  const number = (text, name) => {
    const x = Number(text);
    if (text.trim() === '' || !Number.isFinite(x) || x < 0) throw new UsageError(`${name} "${text}" must be a finite number >= 0`);
    return x;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return { command: 'help', flags };
    if (a === '-v' || a === '--version') return { command: 'version', flags };
    if (a === '--explain') flags.explain = true;
    else if (a === '--margins') flags.margins = true;
    else if (a === '--no-progress') flags.progress = false;
    else if (a === '--format') flags.format = value(i++, a);
    else if (a === '--rules') flags.rules = value(i++, a);
    else if (a === '--contract') flags.contract = value(i++, a);
    else if (a === '--contract-size') flags.contractSize = number(value(i++, a), a);
    else if (a === '--taker-fee-rate') flags.takerFeeRate = number(value(i++, a), a);
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else positional.push(a);
  }
  const [command = 'help', file = '-', ...rest] = positional;
  if (rest.length) throw new UsageError(`one file at a time (got ${positional.length - 1})`);
  if (!['evaluate', 'batch', 'help'].includes(command)) throw new UsageError(`unknown command "${command}" (evaluate, batch or help)`);
  if (flags.format !== null && !['table', 'json', 'csv'].includes(flags.format)) throw new UsageError(`--format "${flags.format}" must be table, json or csv`);
  if (!['linear', 'inverse'].includes(flags.contract)) throw new UsageError(`--contract "${flags.contract}" must be linear or inverse`);
  if (flags.contractSize === 0) throw new UsageError('--contract-size must be greater than 0');
  flags.format ??= command === 'batch' ? 'csv' : 'table';
  return { command, file, flags };
}

/** The text of a file or of standard input ("-"), at most `limit` bytes. */
async function readInput(file, limit) {
  const name = file === '-' ? 'standard input' : file;
  let stream = process.stdin;
  if (file === '-' && process.stdin.isTTY) throw new UsageError('give a file, or pipe the input into standard input');
  if (file !== '-') {
    let stat;
    try {
      stat = statSync(file);
    } catch (e) {
      throw new UsageError(`cannot read ${name}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    }
    if (stat.isDirectory()) throw new UsageError(`cannot read ${name}: it is a directory`);
    if (stat.size > limit) throw new UsageError(`${name} is larger than ${limit} bytes`);
    stream = createReadStream(file);
  }
  const chunks = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += chunk.length;
      if (size > limit) throw new UsageError(`${name} is larger than ${limit} bytes`);
      chunks.push(chunk);
    }
  } catch (e) {
    throw e instanceof UsageError ? e : new UsageError(`cannot read ${name}: ${e.message}`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A progress bar on standard error when it is a terminal and the work has taken a second
 *  (MARGINLAB_PROGRESS_AFTER_MS changes the second, for tests). */
function progressBar(enabled, label) {
  const start = Date.now();
  const after = Number(process.env.MARGINLAB_PROGRESS_AFTER_MS ?? 1000);
  let shown = '';
  const tty = enabled && process.stderr.isTTY;
  return {
    update(fraction) {
      if (!tty || Date.now() - start < after) return;
      const f = Math.min(1, Math.max(0, fraction));
      const width = 30, full = Math.round(f * width);
      const bar = `\r${label} [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${Math.floor(f * 100)}%`;
      if (bar !== shown) process.stderr.write(bar);  // only when it changes
      shown = bar;
    },
    done() { if (shown) process.stderr.write('\r\x1b[K'); },
  };
}

/** Writes big output in pieces (a million rows make one string too many). */
function writer() {
  let buffer = '';
  return {
    write(text) {
      buffer += text;
      if (buffer.length > (1 << 20)) { process.stdout.write(buffer); buffer = ''; }
    },
    end() { if (buffer) process.stdout.write(buffer); buffer = ''; },
  };
}

async function loadLab(full) {
  const m = full ? await import('../node/marginlab-full.mjs') : await import('../node/marginlab.mjs');
  return m.default();
}

/** `evaluate`: a scenario (version 1) or an options account (version 2). */
async function evaluateCommand(file, flags) {
  const name = file === '-' ? '<stdin>' : file;
  const text = (await readInput(file, MAX_JSON_CHARS)).replace(/^\uFEFF/, '');
  let scenario;
  try {
    scenario = JSON.parse(text);
  } catch {
    const at = jsonErrorOffset(text);
    const what = at < 0 ? 'too deeply nested' : at >= text.length ? 'it ends too soon' : `unexpected ${JSON.stringify(text[at])}`;
    process.stderr.write(`${name}${jsonErrorPlace(text)}: not valid JSON (${what})\n`);
    return 1;
  }
  if (scenario === null || typeof scenario !== 'object' || Array.isArray(scenario)) {
    process.stderr.write(`${name}: the scenario must be a JSON object (got ${Array.isArray(scenario) ? 'an array' : scenario === null ? 'null' : typeof scenario})\n`);
    return 1;
  }
  const options = flags.explain ? { explain: true } : undefined;
  const account = scenario.version === 2;
  const lab = await loadLab(account);
  const result = account ? lab.evaluateOptions(scenario, {}, options) : lab.evaluate(scenario, options);
  if (result.errors.length) {
    for (const e of result.errors) process.stderr.write(`${name}: ${e.path || '(scenario)'}: ${e.message} [${e.code}]\n`);
    return 1;
  }
  if (flags.format === 'json') process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else process.stdout.write(account ? formatOptionsAccount(result, flags.format, flags.explain) : formatReport(scenario, result, flags.format, flags.explain));
  return 0;
}

export async function main(argv) {
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`marginlab: ${e.message}\nRun marginlab --help for the commands and options.\n`);
    return 2;
  }
  try {
    if (args.command === 'help') { process.stdout.write(USAGE); return 0; }
    if (args.command === 'version') { process.stdout.write((await loadLab(false)).version + '\n'); return 0; }
    if (args.command === 'evaluate') return await evaluateCommand(args.file, args.flags);
    return await batchCommand(args.file, args.flags);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`marginlab ${args.command}: ${e.message}\n`);
    return 2;
  }
}

/** The output columns of batch. */
function batchColumns(rows, flags) {
  const hasId = rows.id.some((x) => x !== '');
  return ['line', ...(hasId ? ['id'] : []), 'symbol', 'side', 'quantity', 'entryPrice', 'leverage', 'liquidationPrice',
    ...(flags.margins ? ['initialMargin', 'maintenanceMargin', 'maintenanceMarginRate', 'tier'] : []), 'error'];
}

/** `batch`: a CSV of positions. */
async function batchCommand(file, flags) {
  const name = file === '-' ? '<stdin>' : file;
  const bar = progressBar(flags.progress, 'batch');
  const text = await readInput(file, MAX_INPUT_CHARS);
  const read = readPositionsCsv(text, { rules: flags.rules, contract: flags.contract, contractSize: flags.contractSize }, (f) => bar.update(f * 0.4));
  const { rows } = read;
  if (flags.explain && rows.count > MAX_EXPLAINED_ROWS) { bar.done(); throw new UsageError(`--explain takes at most ${MAX_EXPLAINED_ROWS} rows (the input has ${rows.count})`); }
  if (flags.explain && flags.format === 'csv') { bar.done(); throw new UsageError('--explain needs --format table or json (steps do not fit a CSV row)'); }
  const lab = await loadLab(flags.margins);
  const { liquidationPrice, margins: m, bad } = computeBatch(lab, rows, flags, (f) => bar.update(0.4 + f * 0.5));
  const steps = flags.explain ? explainRows(lab, rows, bad, flags) : null;
  writeBatch(read, { liquidationPrice, margins: m, bad, steps }, flags, name, (f) => bar.update(0.9 + f * 0.1));
  bar.update(1);
  bar.done();
  reportBatchErrors(read, rows, bad, name);
  return read.errorCount + bad.size > 0 ? 1 : 0;
}

/** Liquidation prices of the rows and, with --margins, their margins: one kernel call a chunk
 *  (MARGINLAB_BATCH_MARGINS=evaluate: the margins from evaluate() instead, the reference the kernel
 *  is checked against). */
function computeBatch(lab, rows, flags, progress) {
  const options = { takerFeeRate: flags.takerFeeRate };
  if (!flags.margins) return { ...liquidationPrices(lab, rows, { ...options, progress }), margins: null };
  if (process.env.MARGINLAB_BATCH_MARGINS !== 'evaluate') return liquidationPricesAndMargins(lab, rows, { ...options, progress });
  const { liquidationPrice, bad } = liquidationPrices(lab, rows, { ...options, progress: (f) => progress(f * 0.4) });
  return { liquidationPrice, bad, margins: marginsByEvaluate(lab, rows, bad, { ...options, progress: (f) => progress(0.4 + f * 0.6) }) };
}

/** The steps of each good row (evaluate with explain: the row as an isolated position). */
function explainRows(lab, rows, bad) {
  const steps = new Map();
  for (let i = 0; i < rows.count; i++) {
    if (bad.has(i)) continue;
    const report = lab.evaluate({ rules: rows.rules[i], walletBalance: 0, positions: [{ symbol: rows.symbol[i], contract: rows.contract[i],
      contractSize: rows.contractSize[i], side: rows.side[i] > 0 ? 'long' : 'short', quantity: rows.quantity[i], entryPrice: rows.entryPrice[i],
      leverage: rows.leverage[i], marginMode: 'isolated' }] }, { explain: true });
    if (report.errors.length === 0) steps.set(i, report.isolated.positions[0].steps);
  }
  return steps;
}

/** The text of a row's error: line:column: message. */
function rowError(read, i, bad) {
  const b = bad.get(i);
  return `${read.rows.line[i]}:${read.columnOf(i, b.column)}: ${b.error.message}`;
}

function writeBatch(read, result, flags, name, progress) {
  const { rows } = read;
  const out = writer();
  const columns = batchColumns(rows, flags);
  const record = (i) => {
    const lp = result.liquidationPrice[i];
    const ok = !result.bad.has(i);
    const r = { line: rows.line[i], id: rows.id[i], symbol: rows.symbol[i], side: rows.side[i] > 0 ? 'long' : 'short', quantity: rows.quantity[i],
      entryPrice: rows.entryPrice[i], leverage: rows.leverage[i], liquidationPrice: ok && lp > 0 && Number.isFinite(lp) ? lp : null };
    if (result.margins) for (const k of Object.keys(result.margins)) r[k] = ok ? result.margins[k][i] : null;
    r.error = ok ? null : rowError(read, i, result.bad).replace(/^\d+:\d+: /, `${name}:$&`);
    return r;
  };
  if (flags.format === 'json') {
    out.write('[');
    for (let i = 0; i < rows.count; i++) {
      if ((i & 0xffff) === 0) progress(i / rows.count);
      const r = record(i);
      if (result.steps && result.steps.has(i)) r.steps = result.steps.get(i);
      out.write((i ? ',\n' : '\n') + JSON.stringify(Object.fromEntries(columns.map((c) => [c, r[c]]).concat(r.steps ? [['steps', r.steps]] : []))));
    }
    out.write('\n]\n');
  } else if (flags.format === 'csv') {
    out.write(csvLine(columns));
    for (let i = 0; i < rows.count; i++) {
      if ((i & 0xffff) === 0) progress(i / rows.count);
      if (result.bad.has(i) || columns[1] === 'id') { const r = record(i); out.write(csvLine(columns.map((c) => r[c]))); continue; }
      // The common row, written directly: the symbol is plain (lib/csv.mjs), the numbers the core's.
      const lp = result.liquidationPrice[i];
      const m = result.margins;
      out.write(`${rows.line[i]},${rows.symbol[i]},${rows.side[i] > 0 ? 'long' : 'short'},${rows.quantity[i]},${rows.entryPrice[i]},${rows.leverage[i]},${lp > 0 && Number.isFinite(lp) ? lp : ''},${
        m ? `${m.initialMargin[i]},${m.maintenanceMargin[i]},${m.maintenanceMarginRate[i]},${m.tier[i]},` : ''}\n`);
    }
  } else {
    for (let s = 0; s < rows.count; s += 1000) {  // one table per 1000 rows: the widths of a page
      const slice = [];
      for (let i = s; i < Math.min(rows.count, s + 1000); i++) slice.push(record(i));
      if (!result.steps) out.write(table(columns, slice.map((r) => columns.map((c) => r[c]))));
      else for (const [k, r] of slice.entries()) out.write(table(columns, [columns.map((c) => r[c])]) + stepLines(result.steps.get(s + k)) + '\n');
    }
  }
  out.end();
}

/** The errors on standard error: the reader's (the row was left out) and the core's, first by line. */
function reportBatchErrors(read, rows, bad, name) {
  const all = read.errors.map((e) => ({ line: e.line, text: `${name}:${e.line}:${e.column}: ${e.message}` }));
  for (const i of bad.keys()) all.push({ line: rows.line[i], text: `${name}:${rowError(read, i, bad)}` });
  all.sort((a, b) => a.line - b.line);
  const total = read.errorCount + bad.size;
  for (const e of all.slice(0, MAX_SHOWN_ERRORS)) process.stderr.write(e.text + '\n');
  if (total > MAX_SHOWN_ERRORS) process.stderr.write(`... and ${total - MAX_SHOWN_ERRORS} more (${total} rows with errors; the rows of the output name theirs)\n`);
}
