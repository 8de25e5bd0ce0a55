// SPDX-License-Identifier: MIT
// `marginlab batch`: the rows of lib/csv.mjs through the core. Liquidation prices come from the
// batch kernel (lab.liquidationBatch, batch.h: isolated at the initial margin, marked at entry),
// a group of rows of one rules / symbol / contract / contract size at a time, in chunks; an error
// the kernel reports ("entryPrice[7]", "tiers") lands on its row and column and the rest of the
// chunk runs again without that row. Margins (with `margins`) come from evaluate(), each row an
// isolated position marked at entry: the same setting, the core's numbers.

const CHUNK = 4096;
const EVALUATE_CHUNK = 200;  // positions of one evaluate call (each its own symbol and tier table)
const KERNEL_FIELDS = ['side', 'quantity', 'entryPrice', 'leverage'];

/** The rows' groups: rows sharing what the kernel's request holds. */
function groups(rows) {
  const map = new Map();
  for (let i = 0; i < rows.count; i++) {
    const key = `${rows.rules[i]}\u0000${rows.symbol[i]}\u0000${rows.contract[i]}\u0000${rows.contractSize[i]}`;
    let g = map.get(key);
    if (!g) map.set(key, (g = []));
    g.push(i);
  }
  return [...map.values()];
}

/** The shipped tier table of a symbol under a profile: its own, else the profile's "*" table. */
function tierTable(lab, rules, symbol, cache) {
  const key = `${rules}\u0000${symbol}`;
  if (!cache.has(key)) {
    const tables = lab.defaultTiers(rules);
    const table = tables.find((t) => t.symbols.includes(symbol)) || tables.find((t) => t.symbols.includes('*'));
    cache.set(key, table ? table.tiers : null);
  }
  return cache.get(key);
}

/** The column a kernel error's path names: "quantity[3]" -> quantity; request paths -> its column. */
function columnOf(path) {
  const field = path.replace(/\[.*$/, '').replace(/\..*$/, '');
  if (KERNEL_FIELDS.includes(field)) return field;
  if (field === 'tiers') return 'symbol';
  return field === 'rules' || field === 'contract' || field === 'contractSize' ? field : 'symbol';
}

/** A core error about one row, its message without the chunk's indices ("leverage[7]", "positions[3].", "#3"). */
const rowMessage = (e) => ({ ...e, message: e.message.replace(/\b(side|quantity|entryPrice|leverage)\[\d+\]/g, '$1').replace(/positions\[\d+\]\./g, '').replace(/#\d+\b/g, '') });

/** Runs one chunk (row indices) through the kernel; bad rows come out into `bad`, the rest into out. */
function runChunk(lab, request, rows, chunk, out, bad, batches) {
  let live = chunk;
  while (live.length) {
    let batch = batches.get(live.length);
    if (!batch) batches.set(live.length, (batch = lab.createBatch(live.length)));
    const arrays = KERNEL_FIELDS.map((f) => batch[f]);
    for (let k = 0; k < live.length; k++) KERNEL_FIELDS.forEach((f, j) => { arrays[j][k] = rows[f][live[k]]; });
    const { errors } = lab.liquidationBatch(request, batch);
    if (errors.length === 0) {
      const result = batch.out;
      for (let k = 0; k < live.length; k++) out[live[k]] = result[k];
      return;
    }
    const rowErrors = errors.filter((e) => /^(side|quantity|entryPrice|leverage)\[\d+\]/.test(e.path));
    if (rowErrors.length === 0) {  // the request: every row of the chunk has it
      for (const i of live) bad.set(i, { column: columnOf(errors[0].path), error: errors[0] });
      return;
    }
    const drop = new Set();
    for (const e of rowErrors) {
      const k = Number(e.path.match(/\[(\d+)\]/)[1]);
      if (!bad.has(live[k])) bad.set(live[k], { column: columnOf(e.path), error: rowMessage(e) });
      drop.add(k);
    }
    live = live.filter((_, k) => !drop.has(k));
  }
}

/**
 * Liquidation prices of every row: { liquidationPrice: Float64Array (0 = none), bad: Map(row ->
 * { column, error }) }. `progress(fraction)` is called after each chunk.
 */
export function liquidationPrices(lab, rows, { takerFeeRate, progress = () => {} } = {}) {
  const out = new Float64Array(rows.count);
  const bad = new Map();
  const cache = new Map();
  const batches = new Map();
  let done = 0;
  try {
    for (const group of groups(rows)) {
      const i0 = group[0];
      const tiers = tierTable(lab, rows.rules[i0], rows.symbol[i0], cache);
      if (!tiers) {
        const error = { path: 'symbol', code: 'tierMissing', rule: 'tierMissing', message: `no shipped tier table for ${rows.symbol[i0]} under ${rows.rules[i0]} rules`, params: {} };
        for (const i of group) bad.set(i, { column: 'symbol', error });
        continue;
      }
      const request = { rules: rows.rules[i0], contract: rows.contract[i0], contractSize: rows.contractSize[i0], tiers };
      if (takerFeeRate !== undefined) request.takerFeeRate = takerFeeRate;
      for (let s = 0; s < group.length; s += CHUNK) {
        runChunk(lab, request, rows, group.slice(s, s + CHUNK), out, bad, batches);
        done += Math.min(CHUNK, group.length - s);
        progress(done / rows.count);
      }
    }
  } finally {
    for (const b of batches.values()) b.free();
  }
  return { liquidationPrice: out, bad };
}

/** One evaluate() scenario for a chunk of rows: each row an isolated position under a symbol of its own. */
function marginScenario(lab, rules, rows, chunk, takerFeeRate, cache) {
  const scenario = { rules, walletBalance: 0, positions: [], tiers: {} };
  if (takerFeeRate !== undefined) scenario.takerFeeRate = takerFeeRate;
  chunk.forEach((i, k) => {
    const symbol = `${rows.symbol[i]}#${k}`;  // one symbol a row: each its own mark (its entry)
    scenario.tiers[symbol] = tierTable(lab, rules, rows.symbol[i], cache);
    scenario.positions.push({ symbol, contract: rows.contract[i], contractSize: rows.contractSize[i], side: rows.side[i] > 0 ? 'long' : 'short',
      quantity: rows.quantity[i], entryPrice: rows.entryPrice[i], leverage: rows.leverage[i], marginMode: 'isolated' });
  });
  return scenario;
}

/**
 * Margins of every good row from evaluate(): { initialMargin, maintenanceMargin,
 * maintenanceMarginRate, tier } (Float64Arrays); rows evaluate refuses go into `bad`.
 */
export function margins(lab, rows, bad, { takerFeeRate, progress = () => {} } = {}) {
  const names = ['initialMargin', 'maintenanceMargin', 'maintenanceMarginRate', 'tier'];
  const result = Object.fromEntries(names.map((n) => [n, new Float64Array(rows.count)]));
  const cache = new Map();
  const good = [];
  for (let i = 0; i < rows.count; i++) if (!bad.has(i)) good.push(i);
  const byRules = new Map();
  for (const i of good) {
    const key = rows.rules[i];
    if (!byRules.has(key)) byRules.set(key, []);
    byRules.get(key).push(i);
  }
  let done = 0;
  for (const [rules, list] of byRules) {
    for (let s = 0; s < list.length; s += EVALUATE_CHUNK) {
      let chunk = list.slice(s, s + EVALUATE_CHUNK);
      while (chunk.length) {
        const report = lab.evaluate(marginScenario(lab, rules, rows, chunk, takerFeeRate, cache));
        if (report.errors.length === 0) {
          report.isolated.positions.forEach((p, k) => names.forEach((n) => { result[n][chunk[k]] = p[n]; }));
          break;
        }
        // The kernel accepted these rows, so this is rare: mark the rows named, run the rest again.
        const named = new Set();
        for (const e of report.errors) {
          const m = e.path.match(/^positions\[(\d+)\]\.?(\w*)/);
          const ks = m ? [Number(m[1])] : chunk.map((_, k) => k);
          for (const k of ks) {
            named.add(k);
            if (!bad.has(chunk[k])) bad.set(chunk[k], { column: KERNEL_FIELDS.includes(m && m[2]) ? m[2] : 'symbol', error: rowMessage(e) });
          }
        }
        chunk = chunk.filter((_, k) => !named.has(k));
      }
      done += Math.min(EVALUATE_CHUNK, list.length - s);
      progress(done / good.length);
    }
  }
  return result;
}
