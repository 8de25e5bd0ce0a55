// SPDX-License-Identifier: MIT
// MarginLab JS API. Appended (--extern-post-js) to the Emscripten factory, which defines
// createMarginLabCore above; this file turns the file into an ES module with one default export.

/** The ready example: a leveraged BTCUSDT long beside an ETHUSDT short on Binance rules. */
export const defaultScenario = Object.freeze({
  version: 1,
  rules: 'binance',
  walletBalance: 10000,
  takerFeeRate: 0.0005,
  positions: Object.freeze([
    Object.freeze({ symbol: 'BTCUSDT', contract: 'linear', contractSize: 1, side: 'long', quantity: 0.5,
      entryPrice: 60000, markPrice: 61000, leverage: 20 }),
    Object.freeze({ symbol: 'ETHUSDT', contract: 'linear', contractSize: 1, side: 'short', quantity: 4,
      entryPrice: 3000, markPrice: 2950, leverage: 10 }),
  ]),
});

const isPlainObject = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);

/**
 * Creates the calculator. `options` go to the Emscripten factory, so `{ wasmBinary }` works
 * under node; by default the .wasm is fetched next to this module.
 */
export default async function createMarginLab(options = {}) {
  if (!isPlainObject(options)) throw new TypeError('createMarginLab(options): options must be an object');
  const core = await createMarginLabCore({
    locateFile: (file) => new URL(file, import.meta.url).href,
    ...options,
  });
  const tables = core.defaultTierTables();
  // Risk lab: (scenario, request) -> { errors, ...result, steps }; misuse throws TypeError.
  // Present in marginlab-full.js only.
  const tools = {};
  for (const name of ['adjust', 'targetPrice', 'maxOpen', 'sizeFromStop', 'marginToTarget', 'stress', 'cascade',
    'funding', 'odds', 'unwind'].filter((n) => typeof core[n] === 'function')) {
    tools[name] = (scenario, request) => {
      if (!isPlainObject(scenario) || !isPlainObject(request)) throw new TypeError(`${name}(scenario, request): both must be objects`);
      return core[name](scenario, request);
    };
  }
  return Object.freeze({
    ...tools,
    /** Paths [begin, end) of request (default all), added to a tally a previous call returned. */
    ...(typeof core.monteCarlo === 'function' && {
      monteCarlo(scenario, request, { begin = 0, end, tally } = {}) {
        if (!isPlainObject(scenario) || !isPlainObject(request)) throw new TypeError('monteCarlo(scenario, request): both must be objects');
        const last = end === undefined ? request.paths : end;
        if (!Number.isInteger(begin) || !Number.isInteger(last)) throw new TypeError('monteCarlo: begin and end must be integers');
        return core.monteCarlo(scenario, request, begin, last, tally);
      },
    }),
    version: core.version(),
    errorCodes: Object.freeze(core.errorCodes()),
    evaluate(scenario) {
      if (arguments.length === 0 || !isPlainObject(scenario)) {
        throw new TypeError('evaluate(scenario): scenario must be an object');
      }
      return core.evaluate(scenario);
    },
    sweep(scenario, prices, out, sweepOptions = {}) {
      if (!isPlainObject(scenario)) throw new TypeError('sweep(scenario, ...): scenario must be an object');
      if (!(prices instanceof Float64Array)) throw new TypeError('sweep(..., prices, ...): prices must be a Float64Array');
      if (!(out instanceof Float64Array)) throw new TypeError('sweep(..., out): out must be a Float64Array');
      if (!isPlainObject(sweepOptions)) throw new TypeError('sweep(..., options): options must be an object');
      return core.sweepEquity(scenario, prices, out, sweepOptions);
    },
    /** Isolated liquidation prices of many positions of one symbol: Float64Arrays in, out[i] = 0 when none. */
    liquidationBatch(request, { side, quantity, entryPrice, leverage }, out) {
      if (!isPlainObject(request)) throw new TypeError('liquidationBatch(request, ...): request must be an object');
      const arrays = [side, quantity, entryPrice, leverage, out];
      if (!arrays.every((a) => a instanceof Float64Array)) throw new TypeError('liquidationBatch: side, quantity, entryPrice, leverage and out must be Float64Arrays');
      const n = out.length;
      if (!arrays.every((a) => a.length === n)) throw new TypeError('liquidationBatch: every array must have out.length entries');
      const ptr = core._malloc(Math.max(8, n * 40));
      if (!ptr) throw new RangeError('liquidationBatch: not enough wasm memory for ' + n + ' positions');
      try {
        arrays.slice(0, 4).forEach((a, i) => core.HEAPF64.set(a, ptr / 8 + i * n));
        const result = core.liquidationBatch(request, ptr, n);
        if (result.errors.length === 0) out.set(core.HEAPF64.subarray(ptr / 8 + 4 * n, ptr / 8 + 5 * n));  // HEAPF64 anew: memory may have grown
        return result;
      } finally {
        core._free(ptr);
      }
    },
    defaultTiers(rules, symbol) {
      return tables.filter((t) => t.rules === rules && (symbol === undefined || t.symbols.includes(symbol)));
    },
  });
}
