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

/** The last argument of every call, `{ explain: true }` for the steps; misuse throws TypeError. */
function callOptions(name, options) {
  if (options !== undefined && !isPlainObject(options)) throw new TypeError(`${name}(..., options): options must be an object`);
  return { explain: Boolean(options && options.explain) };
}

/** The shipped venue data (venues.js beside this module, written by scripts/build-venues.mjs): every
 *  venue's symbols, aliases, contract specs, source and date; a venue's tier tables load on demand. */
function venueRegistry(data, builtIn) {
  const problems = [];
  const entries = Array.isArray(data.index) ? data.index : (problems.push('venues.js: index is not an array'), []);
  entries.forEach((e, i) => {
    if (!e || typeof e.venue !== 'string' || typeof e.file !== 'string' || !/^venue-[a-z0-9-]+\.js$/.test(e.file) ||
        !data.RULES.includes(e.rules) || !Array.isArray(e.symbols)) problems.push(`venues.js: index[${i}] is not a venue entry`);
  });
  if (problems.length) throw new TypeError(`createMarginLab: the venue data is malformed: ${problems.join('; ')}`);
  const tiersOf = new Map();  // venue -> { symbol: Tier[] } once loaded
  let listed = [];
  const list = () => {
    listed = builtIn.concat(entries.flatMap((e) => e.symbols.map((s) => freeze({
      rules: e.rules, symbols: [s.symbol, ...s.aliases], tiers: tiersOf.has(e.venue) ? structuredClone(tiersOf.get(e.venue)[s.symbol]) : [],
      source: e.source, date: e.date, venue: e.venue, product: e.product, loaded: tiersOf.has(e.venue), contract: s.contract,
      ...(s.baseAsset && { baseAsset: s.baseAsset }), quoteAsset: s.quoteAsset, settleAsset: s.settleAsset, spec: s.spec,
      ...(s.capUnit && { capUnit: s.capUnit }),
      ...(e.specSource && { specSource: e.specSource, specDate: e.specDate }),
    }))));
  };
  list();
  const entryOf = (venue) => {
    const e = entries.find((x) => x.venue === venue);
    if (!e) throw new TypeError(`loadVenue("${String(venue).slice(0, 40)}"): no such venue; shipped: ${entries.map((x) => x.venue).join(', ')}`);
    return e;
  };
  return {
    tables: () => listed,
    venues: () => entries.map((e) => e.venue),
    /** Checks and installs a venue's tier tables (the default export of its venue-<id>.js); throws on a problem. */
    install(venue, tiers, check) {
      const e = entryOf(venue);
      const found = check(e, tiers, e.file);
      if (found.length) throw new TypeError(`the venue data file ${e.file} is malformed: ${found.slice(0, 5).join('; ')}${found.length > 5 ? ` (and ${found.length - 5} more)` : ''}`);
      tiersOf.set(venue, freeze(structuredClone(tiers)));
      list();
    },
    file: (venue) => entryOf(venue).file,
    loaded: (venue) => tiersOf.has(venue),
  };
}

/** The API's venue calls over a registry (venueRegistry): the tables, the venues, and loading one. */
function venueApi(venues) {
  return {
    /** The built-in tables, then every shipped venue table of the profile; a symbol matches any of a
     *  table's names (symbol or alias), whatever its case. */
    defaultTiers(rules, symbol) {
      const key = typeof symbol === 'string' ? symbol.trim().toUpperCase() : undefined;
      return venues.tables().filter((t) => t.rules === rules && (symbol === undefined || t.symbols.some((n) => n.toUpperCase() === key)));
    },
    /** The shipped venues' ids (venue in defaultTiers' tables). */
    venues: () => venues.venues(),
    /** Loads a venue's tier tables (venue-<id>.js beside this module), checks them, and lists them in
     *  defaultTiers; resolves to the venue's tables. Rejects with a TypeError naming the problem. */
    async loadVenue(venue) {
      const file = venues.file(venue);
      if (!venues.loaded(venue)) {
        const [tiers, check] = await Promise.all([import(`./venue-${file.slice(6, -3)}.js`), import('./venue-check.js')]);
        venues.install(venue, tiers.default, check.tierFileProblems);
      }
      return venues.tables().filter((t) => t.venue === venue);
    },
    /** The same from a module already in hand (a bundler's or a test's): checked like loadVenue. */
    async installVenue(venue, tiers) {
      venues.install(venue, tiers, (await import('./venue-check.js')).tierFileProblems);
      return venues.tables().filter((t) => t.venue === venue);
    },
  };
}

/** lab.importPositions: the importer (marginlab-import.js beside this module, loaded on first use)
 *  reads a venue's API response and has the core check the scenario it gives (import.mjs). */
function importApi(core, venues) {
  return {
    async importPositions(venue, json, options) {
      return (await import('./marginlab-import.js')).importChecked(core, venues, venue, json, options);
    },
  };
}

const freeze = (x) => {
  if (x && typeof x === 'object') Object.values(x).forEach(freeze);
  return Object.freeze(x);
};

/** The risk lab's calls, present in marginlab-full.js only: (scenario, request, options) -> { errors,
 *  ...result, steps with explain }; misuse throws TypeError. */
function riskTools(core) {
  const out = {};
  for (const name of ['adjust', 'targetPrice', 'maxOpen', 'sizeFromStop', 'marginToTarget', 'stress', 'cascade',
    'funding', 'odds', 'unwind', 'valueAtRisk', 'adlRank'].filter((n) => typeof core[n] === 'function')) {
    out[name] = (scenario, request, options) => {
      if (!isPlainObject(scenario) || !isPlainObject(request)) throw new TypeError(`${name}(scenario, request): both must be objects`);
      return core[name](scenario, request, callOptions(name, options));
    };
  }
  // What-if and stress: (scenario, request, { explain }) -> { errors, ...result, steps only with explain }.
  for (const name of ['adjust', 'targetPrice', 'maxOpen', 'sizeFromStop', 'marginToTarget', 'stress', 'cascade',
    'funding'].filter((n) => typeof core[n] === 'function')) {
    out[name] = (scenario, request, options) => {
      if (!isPlainObject(scenario) || !isPlainObject(request)) throw new TypeError(`${name}(scenario, request): both must be objects`);
      if (options !== undefined && !isPlainObject(options)) throw new TypeError(`${name}(scenario, request, options): options must be an object`);
      return core[name](scenario, request, options);
    };
  }
  // reconcile(scenario, venueFigures, { explain, relativeTolerance }): one request to the core.
  if (typeof core.reconcile === 'function') {
    out.reconcile = (scenario, venueFigures, options) => {
      if (!isPlainObject(scenario) || !Array.isArray(venueFigures)) throw new TypeError('reconcile(scenario, venueFigures): an object and an array');
      const { explain } = callOptions('reconcile', options);
      return core.reconcile(scenario, { venueFigures, relativeTolerance: options?.relativeTolerance }, { explain });
    };
  }
  // monteCarlo: paths [begin, end) of request (default all), added to a tally a previous call returned.
  if (typeof core.monteCarlo === 'function') {
    out.monteCarlo = (scenario, request, chunk) => {
      if (!isPlainObject(scenario) || !isPlainObject(request)) throw new TypeError('monteCarlo(scenario, request): both must be objects');
      const { explain } = callOptions('monteCarlo', chunk);
      const { begin = 0, end = request.paths, tally } = chunk || {};
      if (!Number.isInteger(begin) || !Number.isInteger(end)) throw new TypeError('monteCarlo: begin and end must be integers');
      return core.monteCarlo(scenario, request, { begin, end, tally, explain });
    };
  }
  return out;
}

/**
 * Creates the calculator. `options` go to the Emscripten factory, so `{ wasmBinary }` works
 * under node; by default the .wasm is fetched next to this module.
 */
export default async function createMarginLab(options = {}) {
  if (!isPlainObject(options)) throw new TypeError('createMarginLab(options): options must be an object');
  // The venue index is fetched while the module compiles, not after it.
  const venueData = import('./venues.js');
  venueData.catch(() => {});  // awaited below; a failure is reported there
  const core = await createMarginLabCore({
    locateFile: (file) => new URL(file, import.meta.url).href,
    ...options,
  });
  const venues = venueRegistry(await venueData, core.defaultTierTables());
  const description = typeof core.describe === 'function' ? freeze(core.describe()) : null;  // marginlab-full.js
  const batches = new WeakMap();  // createBatch's batches: their memory
  // Risk lab: present in marginlab-full.js only (riskTools).
  const tools = {};
  Object.assign(tools, riskTools(core));
  return Object.freeze({
    ...tools,
    version: core.version(),
    errorCodes: Object.freeze(core.errorCodes()),
    /** marginlab-full.js: the fields of every struct that crosses (marginlab/fields.h), and the enums. */
    ...(description && { describe: () => description }),
    /** Scenario -> Report: the scenario packed in one typed array, one call, the numbers decoded. */
    evaluate(scenario, options) {
      if (!isPlainObject(scenario)) throw new TypeError('evaluate(scenario): scenario must be an object');
      return core.mljsEvaluate(scenario, options === undefined ? 0 : callOptions('evaluate', options).explain ? 1 : 0);
    },
    /** The boundary alone (benchmarks): packs and reads the scenario, decodes the last report again. */
    [Symbol.for('marginlab.boundary')]: (scenario) => core.mljsEvaluate(scenario, 2),
    sweep(scenario, prices, out, sweepOptions = {}) {
      if (!isPlainObject(scenario)) throw new TypeError('sweep(scenario, ...): scenario must be an object');
      if (!(prices instanceof Float64Array)) throw new TypeError('sweep(..., prices, ...): prices must be a Float64Array');
      if (!(out instanceof Float64Array)) throw new TypeError('sweep(..., out): out must be a Float64Array');
      if (!isPlainObject(sweepOptions)) throw new TypeError('sweep(..., options): options must be an object');
      return core.sweepEquity(scenario, prices, out, sweepOptions);
    },
    /**
     * Isolated liquidation prices of many positions of one symbol: Float64Arrays in, out[i] = 0 when
     * none. `positions` is either four Float64Arrays (copied into wasm memory and out copied back,
     * only when there are no errors) or a batch from createBatch (no copy: the results are in
     * batch.out, meaningful only when there are no errors).
     */
    liquidationBatch(request, positions, out) {
      if (!isPlainObject(request)) throw new TypeError('liquidationBatch(request, ...): request must be an object');
      const own = batches.get(positions);
      if (own) return core.liquidationBatch(request, own.pointer(), positions.length);
      const { side, quantity, entryPrice, leverage } = positions;
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
    /**
     * Arrays for n positions that live in wasm memory, for liquidationBatch without copies: fill
     * side, quantity, entryPrice and leverage, call liquidationBatch(request, batch), read out.
     * Read the arrays through the batch after each call (memory growth replaces them); free()
     * returns the memory.
     */
    createBatch(n) {
      if (!Number.isInteger(n) || n < 0) throw new TypeError('createBatch(n): n must be an integer >= 0');
      let ptr = core._malloc(Math.max(8, n * 40));
      if (!ptr) throw new RangeError('createBatch: not enough wasm memory for ' + n + ' positions');
      let buffer = null, views = null;
      const view = (i) => {
        if (!ptr) throw new TypeError('createBatch: this batch was freed');
        if (core.HEAPF64.buffer !== buffer) {
          buffer = core.HEAPF64.buffer;
          views = [0, 1, 2, 3, 4].map((j) => new Float64Array(buffer, ptr + j * n * 8, n));
        }
        return views[i];
      };
      const batch = Object.freeze({
        length: n,
        get side() { return view(0); },
        get quantity() { return view(1); },
        get entryPrice() { return view(2); },
        get leverage() { return view(3); },
        get out() { return view(4); },
        free() { if (ptr) core._free(ptr); ptr = 0; buffer = views = null; },
      });
      batches.set(batch, { pointer: () => { view(0); return ptr; } });
      return batch;
    },
    ...venueApi(venues),
    ...importApi(core, venueApi(venues)),
    /** marginlab-full.js: venue.h roundToTick() (a price on the venue's tick as the venue shows it) and
     *  wholeLots() (a size in whole lots of the venue, with its unit). */
    ...Object.fromEntries(['tickPrice', 'wholeLots'].filter((n) => typeof core[n] === 'function').map((name) => [name, (request, options) => {
      if (!isPlainObject(request)) throw new TypeError(`${name}(request): request must be an object`);
      return core[name](request, callOptions(name, options));
    }])),
  });
}
