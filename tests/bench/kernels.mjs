// SPDX-License-Identifier: MIT
// The wasm kernels of the benchmark, on exactly the inputs of tests/bench/core_bench.cpp (native),
// timed with performance.now. A plain ES module with no imports: bench.mjs runs it under node,
// browser.mjs serves it next to web/dist and imports it in headless Chromium.

/** The tier table of every symbol (maintenanceAmount: the profile's continuity default). */
export const TIERS = Object.freeze([
  { notionalCap: 50000, maxLeverage: 125, maintenanceMarginRate: 0.004 },
  { notionalCap: 250000, maxLeverage: 100, maintenanceMarginRate: 0.005 },
  { notionalCap: 1e12, maxLeverage: 50, maintenanceMarginRate: 0.01 },
]);

/** The N-position scenario of BM_Evaluate/N (tests/bench/core_bench.cpp defines it; one mark per symbol). */
export function benchScenario(n) {
  const positions = [];
  const tiers = {};
  for (let i = 0; i < n; i++) {
    const symbol = 'S' + (i % 10);
    const entryPrice = 30000 + 100 * i;
    // One symbol has one mark (the core rejects two): position i takes the mark of its symbol's
    // first position j = i % 10, markPrice_j = entryPrice_j * (1 + 0.01 * ((j % 7) - 3)).
    const j = i % 10;
    const markPrice = (30000 + 100 * j) * (1 + 0.01 * ((j % 7) - 3));
    positions.push({ symbol, side: i % 2 === 0 ? 'long' : 'short', quantity: 0.5 + 0.01 * i, entryPrice, markPrice,
      leverage: 10 });
    tiers[symbol] = TIERS.map((t) => ({ ...t }));
  }
  return { version: 1, rules: 'binance', walletBalance: 1000000, positions, tiers };
}

/** reconcile's benchmark: benchScenario(10) in cross margin and a figure for position 0 with every input. */
export function reconcileInputs() {
  const scenario = benchScenario(10);
  scenario.positions = scenario.positions.map((p) => ({ ...p, marginMode: 'cross' }));
  const mark = scenario.positions[0].markPrice;
  const figures = [{ position: 0, liquidationPrice: 1000, maintenanceMargin: 50, tick: 0.1, lot: 0.001,
    lastPrice: mark * 1.001, indexPrice: mark * 0.999, fundingPaid: 10, openOrderMargin: 100 }];
  return { scenario, figures };
}

/** Options(n) of BM_EvaluateOptions20 (tests/bench/core_bench.cpp defines it). */
export function optionsScenario(n) {
  const options = [];
  for (let i = 0; i < n; i++) {
    options.push({ type: i % 2 === 0 ? 'call' : 'put', strike: 40000 + 2000 * i, expiryYears: 0.02 + 0.02 * (i % 5),
      side: i % 3 !== 0 ? 'short' : 'long', quantity: 0.5 + 0.1 * i, premium: 0.01 + 0.002 * i, volatility: 0.5 + 0.02 * (i % 7) });
  }
  return { version: 2, underlying: 'BTC', settlement: 'inverse', walletBalance: 10, underlyingPrice: 60000,
    futures: [{ contract: 'inverse', contractSize: 10, side: 'long', quantity: 1000, entryPrice: 58000 }], options };
}

/**
 * The account of the evaluateAccount row (issue 16): 3 collateral assets (USDT, BTC, ETH, each with a
 * haircut), 2 underlyings (BTC, ETH), 10 perpetuals (linear, settling in USDT, 5 per underlying) and
 * 20 options (10 per underlying, inverse, settling in the coin), Deribit standard margin.
 */
export function accountScenario() {
  const under = [{ name: 'BTC', price: 60000 }, { name: 'ETH', price: 3000 }];
  const futures = [], options = [];
  for (let i = 0; i < 10; i++) {
    const u = under[i % 2];
    futures.push({ underlying: u.name, settlementAsset: 'USDT', symbol: `${u.name}-PERP-${i}`, contract: 'linear', side: i % 3 ? 'long' : 'short',
      quantity: u.name === 'BTC' ? 0.2 + 0.05 * i : 2 + 0.5 * i, entryPrice: u.price * (1 + 0.01 * ((i % 5) - 2)), leverage: 10 });
  }
  for (let i = 0; i < 20; i++) {
    const u = under[i % 2];
    const k = i >> 1;
    options.push({ underlying: u.name, settlementAsset: u.name, contract: 'inverse', type: k % 2 ? 'put' : 'call',
      strike: u.price * (0.8 + 0.05 * k), expiryYears: 0.02 + 0.02 * (k % 5), side: k % 3 ? 'short' : 'long',
      quantity: u.name === 'BTC' ? 0.5 + 0.1 * k : 5 + k, premium: 0.01 + 0.002 * k, volatility: 0.5 + 0.02 * (k % 7) });
  }
  return { version: 3, margin: 'deribitStandard',
    collateral: [{ asset: 'USDT', balance: 50000, price: 1, haircut: 0.02 }, { asset: 'BTC', balance: 2, price: 60000, haircut: 0.05 },
      { asset: 'ETH', balance: 20, price: 3000, haircut: 0.1 }],
    underlyings: under, futures, options };
}

/** The positions of BM_LiquidationBatch1e6. */
export function batchInputs(n = 1000000) {
  const side = new Float64Array(n), quantity = new Float64Array(n), entryPrice = new Float64Array(n), leverage = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    side[i] = i % 2 ? -1 : 1;
    quantity[i] = 0.01 + (i % 97) * 0.01;
    entryPrice[i] = 20000 + (i % 1000) * 10;
    leverage[i] = 1 + (i % 50);
  }
  return { side, quantity, entryPrice, leverage };
}

export const BATCH_REQUEST = Object.freeze({ rules: 'binance', contract: 'linear', contractSize: 1, tiers: TIERS });

/** The prices of BM_Sweep1e6: n evenly from 0.5x to 1.5x position 0's mark. */
export function sweepPrices(scenario, n = 1000000) {
  const mark = scenario.positions[0].markPrice;
  const prices = new Float64Array(n);
  for (let i = 0; i < n; i++) prices[i] = mark * (0.5 + i / (n - 1));
  return prices;
}

/** The stress request of the 10 x 101 grid: 101 shocks from -50 % to +50 % of the marks, one factor. */
export function stressRequest() {  // core_bench.cpp BM_Stress10x101: -50% to +50% by 1%
  return { shockRange: { from: -0.5, to: 0.5, step: 0.01 }, model: 'oneFactor' };
}

/** The request of BM_MonteCarlo on the 10-position scenario. */
export function monteCarloRequest(scenario) {
  const symbols = [...new Set(scenario.positions.map((p) => p.symbol))];
  const volatility = Object.fromEntries(symbols.map((s) => [s, 0.6]));
  const correlation = symbols.map((_, i) => symbols.map((__, j) => (i === j ? 1 : 0.5)));
  return { volatility, correlation, years: 30 / 365, steps: 250, paths: 1000, seed: 1 };
}

/**
 * Binance one-way isolated liquidation prices in plain double-precision JS, written for the
 * benchmark: LP = (M + cum − s·q·EP) / (q·MMR − s·q) with M = q·EP / leverage, on the tier row
 * whose range contains the notional q·LP. Rows are tried from the entry notional's row outward
 * in the direction the price moves to liquidate (down for longs, up for shorts), as the core's
 * solver walks them. out[i] = 0 when no positive price liquidates. Linear contracts, size 1.
 */
export function plainIsolatedBatch(tiers, side, quantity, entryPrice, leverage, out) {
  const rows = tiers.length;
  const cap = new Float64Array(rows), mmr = new Float64Array(rows), cum = new Float64Array(rows);
  for (let k = 0; k < rows; k++) {
    cap[k] = tiers[k].notionalCap;
    mmr[k] = tiers[k].maintenanceMarginRate;
    cum[k] = tiers[k].maintenanceAmount !== undefined ? tiers[k].maintenanceAmount
      : k === 0 ? 0 : cum[k - 1] + cap[k - 1] * (mmr[k] - mmr[k - 1]);  // Binance's continuity recurrence
  }
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const s = side[i], q = quantity[i], ep = entryPrice[i];
    const entryNotional = q * ep;
    const margin = entryNotional / leverage[i];
    let k = 0;
    while (k < rows - 1 && entryNotional > cap[k]) k++;
    const step = s > 0 ? -1 : 1;
    let lp = 0;
    for (; k >= 0 && k < rows; k += step) {
      const p = (margin + cum[k] - s * entryNotional) / (q * mmr[k] - s * q);
      if (!(p > 0)) break;                    // longs: no positive price reaches maintenance
      const notional = q * p;
      const lo = k === 0 ? 0 : cap[k - 1];
      if (notional > lo && notional <= cap[k]) {
        lp = p;
        break;
      }
    }
    out[i] = lp;
  }
}

const now = () => performance.now();

function stats(samples, unit, extra = {}) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const sd = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, samples.length - 1));
  return { median, min: sorted[0], max: sorted[sorted.length - 1], sd, unit, samples: samples.length, ...extra };
}

/**
 * Times fn: a warm-up, then calibrates how many calls make one sample last at least minMs (so the
 * clock's resolution, 0.1 ms in a non-isolated page, does not matter), then `repetitions` samples
 * of the time per call. Returns { median, min, max, sd } in `unit` (us or ms) per call.
 */
export function measure(fn, { repetitions = 5, minMs = 60, unit = 'us', warmupMs = 30 } = {}) {
  const scale = unit === 'us' ? 1000 : unit === 'ns' ? 1e6 : 1;
  let t0 = now();
  let calls = 0;
  while (now() - t0 < warmupMs && calls < 1e6) {  // warmupMs 0: the caller has called fn already
    fn();
    calls++;
  }
  const samples = [];
  let inner = 1;
  for (;;) {
    t0 = now();
    for (let i = 0; i < inner; i++) fn();
    const dt = now() - t0;
    if (dt >= minMs || inner >= 1e7) {
      if (inner === 1) samples.push(dt * scale);  // a slow kernel: the calibration call is a sample
      break;
    }
    inner = Math.min(1e7, Math.ceil(inner * Math.min(100, Math.max(2, (minMs * 1.2) / Math.max(dt, 0.05)))));
  }
  while (samples.length < repetitions) {
    t0 = now();
    for (let i = 0; i < inner; i++) fn();
    samples.push(((now() - t0) / inner) * scale);
  }
  return stats(samples, unit, { callsPerSample: inner });
}

function check(report, what) {
  if (!report || (report.errors && report.errors.length)) throw new Error(`${what}: ${JSON.stringify(report && report.errors)}`);
  return report;
}

/**
 * Runs every kernel: evaluate/1, /10, /100 (us per call, both modes, numbers only), evaluateExplain/1
 * and /10 (with { explain: true }), boundary/1 and /10 (the JS boundary alone: the scenario packed, read
 * by the wasm side, the last report decoded again; when the module has the hook), liquidationBatch1e6
 * (positions in createBatch's wasm-memory arrays), liquidationBatchCopy1e6 (JS arrays copied in and
 * out), plainJsBatch1e6, sweep1e6 (ms per call) and monteCarlo (ms per call; pathSteps per call given) when
 * fullLab is given. plainJsBatch1e6 carries `mismatches`: positions where the plain-JS price differs
 * from lab.liquidationBatch by more than 1e-9 relative. With fullLab also evaluateOptions20 (us per
 * call: one evaluateOptions of optionsScenario(20), default request) and stress10x101 (ms per call:
 * lab.stress of the 10-position scenario with stressRequest()), and evaluateAccount (ms per call: accountScenario(), numbers only). `only`
 * ('evaluate') runs the evaluate rows, the stress grid and evaluateAccount (a quick run).
 */
export async function runKernels(lab, fullLab, { repetitions = 5, log = () => {}, only = null } = {}) {
  const results = {};
  const pause = () => new Promise((r) => setTimeout(r, 0));  // lets a page or the console breathe
  const run = async (name, fn, options) => {
    results[name] = measure(fn, { repetitions, ...options });
    log(name, results[name]);
    await pause();
  };

  if (fullLab && typeof fullLab.reconcile === 'function') {
    // One position of a 10-position cross account over every combination its figure allows (every
    // switch available: 3 x 3 x 2^7 = 1152 combinations), numbers only.
    const { scenario, figures } = reconcileInputs();
    const answer = check(fullLab.reconcile(scenario, figures), 'reconcile');
    if (answer.positions[0].tried !== 1152) throw new Error(`reconcile: ${answer.positions[0].tried} combinations`);
    await run('reconcile1', () => fullLab.reconcile(scenario, figures), { unit: 'ms', minMs: 60, warmupMs: 0 });
  }
  if (only === 'reconcile') return results;

  const boundary = lab[Symbol.for('marginlab.boundary')];
  for (const n of [1, 10, 100]) {
    const scenario = benchScenario(n);
    const report = check(lab.evaluate(scenario), `evaluate/${n}`);
    if (JSON.stringify(report).includes('"steps"')) throw new Error(`evaluate/${n}: steps without explain`);
    await run(`evaluate/${n}`, () => lab.evaluate(scenario), { unit: 'us' });
    if (n === 100) continue;
    check(lab.evaluate(scenario, { explain: true }), `evaluateExplain/${n}`);
    await run(`evaluateExplain/${n}`, () => lab.evaluate(scenario, { explain: true }), { unit: 'us' });
    if (boundary) {
      lab.evaluate(scenario);  // the report the boundary decodes again
      await run(`boundary/${n}`, () => boundary(scenario), { unit: 'us' });
    }
  }
  if (fullLab) {
    const ten = benchScenario(10), request = stressRequest();
    const grid = check(fullLab.stress(ten, request), 'stress');
    if (grid.cells.length !== 101) throw new Error(`stress: ${grid.cells.length} cells`);
    await run('stress10x101', () => fullLab.stress(ten, request), { unit: 'ms', minMs: 60, warmupMs: 0 });
  }
  if (only === 'evaluate') {
    if (fullLab && typeof fullLab.evaluateAccount === 'function') await runAccount(fullLab, run);
    return results;
  }

  // The batch as a bulk caller runs it: the positions in a createBatch's arrays (wasm memory),
  // solved in place. The copying call (Float64Arrays in JS memory, copied in and out) beside it.
  const inputs = batchInputs();
  const out = new Float64Array(inputs.side.length);
  check(lab.liquidationBatch(BATCH_REQUEST, inputs, out), 'liquidationBatch');
  const batch = lab.createBatch(out.length);
  for (const key of ['side', 'quantity', 'entryPrice', 'leverage']) batch[key].set(inputs[key]);
  check(lab.liquidationBatch(BATCH_REQUEST, batch), 'liquidationBatch (createBatch)');
  if (batch.out.some((x, i) => x !== out[i])) throw new Error('liquidationBatch: createBatch and the copying call differ');
  results.liquidationBatch1e6 = measure(() => lab.liquidationBatch(BATCH_REQUEST, batch),
    { repetitions, unit: 'ms', minMs: 1, warmupMs: 0 });
  log('liquidationBatch1e6', results.liquidationBatch1e6);
  batch.free();
  await pause();
  results.liquidationBatchCopy1e6 = measure(() => lab.liquidationBatch(BATCH_REQUEST, inputs, out),
    { repetitions, unit: 'ms', minMs: 1, warmupMs: 0 });
  log('liquidationBatchCopy1e6', results.liquidationBatchCopy1e6);
  await pause();

  const plain = new Float64Array(out.length);
  const plainRun = () => plainIsolatedBatch(TIERS, inputs.side, inputs.quantity, inputs.entryPrice, inputs.leverage, plain);
  plainRun();
  let mismatches = 0, worst = 0, firstMismatch = -1;
  for (let i = 0; i < out.length; i++) {
    const a = out[i], b = plain[i];
    const rel = a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
    if (rel > worst) worst = rel;
    if (!(rel <= 1e-9)) {
      mismatches++;
      if (firstMismatch < 0) firstMismatch = i;
    }
  }
  results.plainJsBatch1e6 = measure(plainRun, { repetitions, unit: 'ms', minMs: 1, warmupMs: 50 });
  Object.assign(results.plainJsBatch1e6, { mismatches, worstRelativeDifference: worst, firstMismatch,
    positions: out.length });
  log('plainJsBatch1e6', results.plainJsBatch1e6);
  await pause();

  const ten = benchScenario(10);
  const prices = sweepPrices(ten);
  const equity = new Float64Array(prices.length);
  const options = { mode: 'cross', position: 0 };
  check(lab.sweep(ten, prices, equity, options), 'sweep');
  results.sweep1e6 = measure(() => lab.sweep(ten, prices, equity, options), { repetitions, unit: 'ms', minMs: 1, warmupMs: 0 });
  log('sweep1e6', results.sweep1e6);
  await pause();

  if (fullLab) {
    const request = monteCarloRequest(ten);
    const tally = check(fullLab.monteCarlo(ten, request), 'monteCarlo');
    if (tally.paths !== request.paths) throw new Error(`monteCarlo: ${tally.paths} paths`);
    results.monteCarlo = measure(() => fullLab.monteCarlo(ten, request), { repetitions, unit: 'ms', minMs: 1, warmupMs: 0 });
    results.monteCarlo.pathSteps = request.paths * request.steps;
    log('monteCarlo', results.monteCarlo);
    await pause();

    const options20 = optionsScenario(20);
    check(fullLab.evaluateOptions(options20), 'evaluateOptions');
    results.evaluateOptions20 = measure(() => fullLab.evaluateOptions(options20), { repetitions, unit: 'us', minMs: 60, warmupMs: 0 });
    log('evaluateOptions20', results.evaluateOptions20);
  }
  if (fullLab && typeof fullLab.evaluateAccount === 'function') await runAccount(fullLab, run);
  return results;
}

/** evaluateAccount of accountScenario(), numbers only (ms per call). */
async function runAccount(fullLab, run) {
  const account = accountScenario();
  const answer = check(fullLab.evaluateAccount(account), 'evaluateAccount');
  if (answer.account.assets.length !== 3 || answer.account.liquidation.length !== 2) throw new Error('evaluateAccount: not the 3 assets and 2 underlyings');
  if (JSON.stringify(answer).includes('"steps"')) throw new Error('evaluateAccount: steps without explain');
  await run('evaluateAccount', () => fullLab.evaluateAccount(account), { unit: 'ms', minMs: 60, warmupMs: 0 });
}
