// SPDX-License-Identifier: MIT
// `marginlab batch`: the rows of lib/csv.mjs through the core's batch kernels, a group of rows of one
// rules / symbol / contract / contract size at a time, in chunks. Liquidation prices come from
// lab.liquidationBatch (batch.h: isolated at the initial margin, marked at entry); with `margins`,
// prices and margins come from lab.marginBatch (marginlab-full, batch.h isolatedMarginBatch: the
// margins by evaluate()'s own functions), one call a chunk. An error the kernel reports
// ("entryPrice[7]", "tiers") lands on its row and column and the rest of the chunk runs again
// without that row.

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

/**
 * Runs one chunk (row indices) through a kernel: `solve(live)` -> { errors, values } with values
 * an object of arrays, one entry a live row, copied into `out` (the same names, one entry a row).
 * Bad rows come out into `bad`; the rest of the chunk runs again without them.
 */
function runChunk(solve, chunk, out, bad) {
  let live = chunk;
  while (live.length) {
    const { errors, values } = solve(live);
    if (errors.length === 0) {
      for (const [name, result] of Object.entries(values)) for (let k = 0; k < live.length; k++) out[name][live[k]] = result[k];
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

/** The kernel's arrays of the live rows: `arrays` (side, quantity, entryPrice, leverage) filled. */
function fill(arrays, rows, live) {
  for (let k = 0; k < live.length; k++) KERNEL_FIELDS.forEach((f, j) => { arrays[j][k] = rows[f][live[k]]; });
}

/** liquidationBatch on batches of wasm memory (createBatch, one a chunk length, no copies). */
function liquidationKernel(lab, rows, batches) {
  return (request, live) => {
    let batch = batches.get(live.length);
    if (!batch) batches.set(live.length, (batch = lab.createBatch(live.length)));
    fill(KERNEL_FIELDS.map((f) => batch[f]), rows, live);
    const { errors } = lab.liquidationBatch(request, batch);
    return { errors, values: { liquidationPrice: batch.out } };
  };
}

/** marginBatch (marginlab-full): liquidation prices and margins in one call. */
function marginKernel(lab, rows) {
  return (request, live) => {
    const positions = Object.fromEntries(KERNEL_FIELDS.map((f) => [f, new Float64Array(live.length)]));
    fill(KERNEL_FIELDS.map((f) => positions[f]), rows, live);
    const { errors, ...values } = lab.marginBatch(request, positions);
    return { errors, values };
  };
}

/** Every row through `kernel`, a group of rows of one request at a time, in chunks. */
function runGroups(lab, rows, kernel, out, { takerFeeRate, progress = () => {} }) {
  const bad = new Map();
  const cache = new Map();
  let done = 0;
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
      runChunk((live) => kernel(request, live), group.slice(s, s + CHUNK), out, bad);
      done += Math.min(CHUNK, group.length - s);
      progress(done / rows.count);
    }
  }
  return bad;
}

/**
 * Liquidation prices of every row: { liquidationPrice: Float64Array (0 = none), bad: Map(row ->
 * { column, error }) }. `progress(fraction)` is called after each chunk.
 */
export function liquidationPrices(lab, rows, options = {}) {
  const out = { liquidationPrice: new Float64Array(rows.count) };
  const batches = new Map();
  try {
    const bad = runGroups(lab, rows, liquidationKernel(lab, rows, batches), out, options);
    return { liquidationPrice: out.liquidationPrice, bad };
  } finally {
    for (const b of batches.values()) b.free();
  }
}

export const MARGIN_NAMES = ['initialMargin', 'maintenanceMargin', 'maintenanceMarginRate', 'tier'];

/**
 * Liquidation prices and margins of every row from one kernel call a chunk (lab: marginlab-full):
 * { liquidationPrice, margins: { initialMargin, maintenanceMargin, maintenanceMarginRate, tier }
 * (Float64Arrays), bad }. The margins are evaluate()'s (batch.h isolatedMarginBatch), and so are
 * the rows it refuses.
 */
export function liquidationPricesAndMargins(lab, rows, options = {}) {
  const out = Object.fromEntries(['liquidationPrice', ...MARGIN_NAMES].map((n) => [n, new Float64Array(rows.count)]));
  const bad = runGroups(lab, rows, marginKernel(lab, rows), out, options);
  const { liquidationPrice, ...margins } = out;
  return { liquidationPrice, margins, bad };
}

/** One evaluate() scenario for a chunk of rows (of one rules and contract): each row an isolated
 *  position under a symbol of its own (a short one, within the core's symbol length). */
function marginScenario(lab, rules, rows, chunk, takerFeeRate, cache) {
  const scenario = { rules, walletBalance: 0, positions: [], tiers: {} };
  if (takerFeeRate !== undefined) scenario.takerFeeRate = takerFeeRate;
  chunk.forEach((i, k) => {
    const symbol = `P${k}`;  // one symbol a row: each its own mark (its entry)
    scenario.tiers[symbol] = tierTable(lab, rules, rows.symbol[i], cache);
    scenario.positions.push({ symbol, contract: rows.contract[i], contractSize: rows.contractSize[i], side: rows.side[i] > 0 ? 'long' : 'short',
      quantity: rows.quantity[i], entryPrice: rows.entryPrice[i], leverage: rows.leverage[i], marginMode: 'isolated' });
  });
  return scenario;
}

/**
 * The margins of liquidationPricesAndMargins from evaluate(), a scenario of up to 200 rows a call
 * (about 60 times slower): the reference the kernel is checked against (MARGINLAB_BATCH_MARGINS=evaluate).
 * Margins of every good row: { initialMargin, maintenanceMargin, maintenanceMarginRate, tier }
 * (Float64Arrays); rows evaluate refuses go into `bad`.
 */
export function marginsByEvaluate(lab, rows, bad, { takerFeeRate, progress = () => {} } = {}) {
  const result = Object.fromEntries(MARGIN_NAMES.map((n) => [n, new Float64Array(rows.count)]));
  const cache = new Map();
  const good = [];
  for (let i = 0; i < rows.count; i++) if (!bad.has(i)) good.push(i);
  const byRules = new Map();  // one rules and contract a scenario (one account settles in one asset)
  for (const i of good) {
    const key = `${rows.rules[i]}\u0000${rows.contract[i]}`;
    if (!byRules.has(key)) byRules.set(key, []);
    byRules.get(key).push(i);
  }
  let done = 0;
  for (const list of byRules.values()) {
    for (let s = 0; s < list.length; s += EVALUATE_CHUNK) {
      let chunk = list.slice(s, s + EVALUATE_CHUNK);
      while (chunk.length) {
        const report = lab.evaluate(marginScenario(lab, rows.rules[chunk[0]], rows, chunk, takerFeeRate, cache));
        if (report.errors.length === 0) {
          report.isolated.positions.forEach((p, k) => MARGIN_NAMES.forEach((n) => { result[n][chunk[k]] = p[n]; }));
          break;
        }
        // The kernel accepted these rows, so this is rare: mark the rows named, run the rest again.
        const named = new Set();
        for (const e of report.errors) {
          const m = e.path.match(/^positions\[(\d+)\]\.?(\w*)/);
          const ks = m ? [Number(m[1])] : chunk.map((_, k) => k);
          for (const k of ks) {
            named.add(k);
            if (!bad.has(chunk[k])) bad.set(chunk[k], { column: m ? columnOf(m[2]) : 'symbol', error: rowMessage(e) });
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
