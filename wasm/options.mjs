// SPDX-License-Identifier: MIT
// MarginLab JS API, marginlab-full.js only: options accounts (scenario version 2, README "Options
// accounts"). wasm/CMakeLists.txt appends this file to marginlab.mjs for that build, where
// createMarginLab's tools start with optionsTools(core); marginlab.js has none of it.

const freezeDeep = (x) => {
  if (x && typeof x === 'object') Object.values(x).forEach(freezeDeep);
  return Object.freeze(x);
};

/**
 * The ready options account: Deribit-style BTC, coin-settled. 1 BTC of collateral, a short strangle
 * (the 60000 call and the 55000 put of 27 March 2026, volatilities from the surface) and a long
 * BTC-PERPETUAL: two liquidation prices, one below and one above the index.
 */
export const defaultOptionsScenario = freezeDeep({
  version: 2,
  underlying: 'BTC',
  settlement: 'inverse',
  walletBalance: 1,
  underlyingPrice: 60000,
  valuationDate: '2026-03-01',
  futures: [
    { symbol: 'BTC-PERPETUAL', contract: 'inverse', contractSize: 10, side: 'long', quantity: 1000, entryPrice: 58000 },
  ],
  options: [
    { symbol: 'BTC-27MAR26-60000-C', type: 'call', strike: 60000, expiryDate: '2026-03-27T08:00Z', side: 'short',
      quantity: 1, premium: 0.062 },
    { symbol: 'BTC-27MAR26-55000-P', type: 'put', strike: 55000, expiryDate: '2026-03-27T08:00Z', side: 'short',
      quantity: 1, premium: 0.028 },
  ],
  volSurface: {
    expiries: [0.05, 0.25],
    strikes: [50000, 60000, 70000],
    vols: [[0.68, 0.56, 0.6], [0.64, 0.55, 0.58]],
  },
  volDynamics: 'stickyStrike',
});

/** The options-account functions over `core` (the Embind module); misuse throws TypeError. Each
 *  call's last argument, `options`, is an object or undefined: { explain: true } adds the steps. */
function optionsTools(core) {
  if (typeof core.evaluateOptions !== 'function') return {};
  const explainOption = (name, options) => {
    if (options !== undefined && !isPlainObject(options)) throw new TypeError(`${name}(..., options): options must be an object`);
    return options;
  };
  const check = (name, scenario, request, options) => {
    if (!isPlainObject(scenario)) throw new TypeError(`${name}(scenario, ...): scenario must be an object`);
    if (request !== undefined && !isPlainObject(request)) throw new TypeError(`${name}(..., request): request must be an object`);
    return explainOption(name, options);
  };
  const input = (name, x, options) => {
    if (!isPlainObject(x)) throw new TypeError(`${name}(input): input must be an object`);
    return core[name](x, explainOption(name, options));
  };
  return {
    /** (scenario, request?, options?) -> { errors, options, futures, now, later, volShifted, isolated, ... }. */
    evaluateOptions(scenario, request, options) {
      return core.evaluateOptions(scenario, request, check('evaluateOptions', scenario, request, options));
    },
    /** Equity and maintenance margin at every price, in one wasm call. Numbers only: it has no steps,
     *  so options ({ explain }) is accepted and changes nothing. */
    optionsSweep(scenario, prices, equity, maintenance, request, options) {
      check('optionsSweep', scenario, request, options);
      if (![prices, equity, maintenance].every((a) => a instanceof Float64Array)) {
        throw new TypeError('optionsSweep: prices, equity and maintenance must be Float64Arrays');
      }
      const n = prices.length;
      if (equity.length !== n || maintenance.length !== n) {
        throw new TypeError('optionsSweep: equity and maintenance must have prices.length entries');
      }
      const ptr = core._malloc(Math.max(8, n * 24));
      if (!ptr) throw new RangeError('optionsSweep: not enough wasm memory for ' + n + ' prices');
      try {
        core.HEAPF64.set(prices, ptr / 8);
        const result = core.optionsSweep(scenario, request, ptr, n);
        if (result.errors.length === 0) {  // HEAPF64 anew: memory may have grown
          equity.set(core.HEAPF64.subarray(ptr / 8 + n, ptr / 8 + 2 * n));
          maintenance.set(core.HEAPF64.subarray(ptr / 8 + 2 * n, ptr / 8 + 3 * n));
        }
        return result;
      } finally {
        core._free(ptr);
      }
    },
    /** (scenario, request?, options?) -> { errors, priceMoves, volShocks, pnl[v][p], worst cell, requirement, ... }. */
    portfolioMargin(scenario, request, options) {
      return core.portfolioMargin(scenario, request, check('portfolioMargin', scenario, request, options));
    },
    black76: (x, options) => input('black76', x, options),
    impliedVolatility: (x, options) => input('impliedVolatility', x, options),
    /** ({ name }, options?) -> { errors, instrument, venue, underlying, type, strike, expiryDate }: a
     *  venue's option name (BTC-27MAR26-60000-C, BTC-USD-260327-60000-C, BTC-27MAR26-60000-C-USDT)
     *  read; a free-text label answers instrument: false. No steps. */
    instrumentName: (x, options) => input('instrumentName', x, options),
    /** ({ curve, side, quantity, entryPrice, markPrice?, collateral, baseImr, baseMmr, factor }, options?). */
    sizeCurve: (x, options) => input('sizeCurve', x, options),
    /** ({ underlyingPrice, interestRate?, quotes }, options?) -> { errors, smiles, arbitrage, surface, steps? }. */
    fitSurface: (x, options) => input('fitSurface', x, options),
  };
}
