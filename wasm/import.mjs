// SPDX-License-Identifier: MIT
// Importing positions from a venue's API response (README "Importing from an exchange"): the
// response body, as text or parsed, becomes a MarginLab scenario (version 1, or version 3 when the
// account needs it), with every mapped field's source path, the fields left unused, what the
// response lacks, and the venue's own figures per position. Parsing only: every number is the
// venue's as given (a unit named in the response, XBt satoshis or a percent, is converted and the
// mapping says so); the margin math stays in the core. Pure functions, no I/O; shipped beside the
// modules as marginlab-import.js and loaded by lab.importPositions on first use.
import { tiersForPosition } from './venue-data.mjs';  // shipped beside it as venue-check.js (scripts/build-venues.mjs)

export const VENUES = Object.freeze(['binance', 'bybit', 'okx', 'hyperliquid', 'bitmex', 'deribit', 'dydx']);
/** Limits on hostile input: the text's length, the depth of nesting, the values in all. */
export const LIMITS = Object.freeze({ maxChars: 2 * 1024 * 1024, maxDepth: 32, maxValues: 200000, maxPositions: 1000, maxListed: 2000 });
const MAX_MAGNITUDE = 1e15;   // core check.h kMaxMagnitude
const MIN_MAGNITUDE = 1e-9;   // core check.h kMinMagnitude
const MAX_NAME = 40;          // core check.h kMaxSymbolLength
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** The one error the importer throws: `path` names the place in the response ("positionRisk[3].entryPrice"). */
export class ImportError extends Error {
  constructor(path, message) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'ImportError';
    this.path = path;
  }
}

const shown = (x) => {
  try {
    return JSON.stringify(x).slice(0, 40);
  } catch {
    return typeof x;
  }
};
const join = (path, key) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/** Text or parsed JSON -> a plain tree of null-prototype objects and arrays, within the limits. Keys
 *  that could reach a prototype (__proto__, constructor, prototype) are dropped and listed. */
export function readTree(json) {
  let value = json;
  if (typeof json === 'string') {
    if (json.length > LIMITS.maxChars) {
      throw new ImportError('', `the response is ${json.length} characters; at most ${LIMITS.maxChars} (2 MiB) are read`);
    }
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new ImportError('', `not JSON (${String(e && e.message).slice(0, 80)})`);
    }
  }
  const dropped = [];
  let count = 0;
  const copy = (x, path, depth) => {
    if (++count > LIMITS.maxValues) throw new ImportError(path, `more than ${LIMITS.maxValues} values in the response`);
    if (x === null || typeof x === 'string' || typeof x === 'boolean') return x;
    if (typeof x === 'number') return x;
    if (typeof x !== 'object') throw new ImportError(path, `a ${typeof x} is not JSON`);
    if (depth >= LIMITS.maxDepth) throw new ImportError(path, `nested deeper than ${LIMITS.maxDepth} levels`);
    if (Array.isArray(x)) {
      const out = [];
      for (let i = 0; i < x.length; i++) out.push(copy(x[i], join(path, i), depth + 1));
      return out;
    }
    const out = Object.create(null);
    for (const key of Object.keys(x)) {
      if (UNSAFE_KEYS.has(key)) {
        dropped.push(join(path, key));
        continue;
      }
      out[key] = copy(x[key], join(path, key), depth + 1);
    }
    return out;
  };
  try {
    return { tree: copy(value, '', 0), dropped };
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw new ImportError('', `the response cannot be read (${String(e && e.message).slice(0, 80)})`);
  }
}

const isObject = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);
const has = (o, k) => isObject(o) && Object.prototype.hasOwnProperty.call(o, k);

/** One import's bookkeeping: the fields read (their source paths), mapped, ignored and missing. */
function newContext(venue, options) {
  return { venue, options, used: new Set(), mapped: [], ignored: [], missing: [], positions: [], wallets: [], tiers: new Map(), specs: new Map() };
}

/** The field `key` of `node`, marked as read: { p (its path), raw } with raw undefined when absent
 *  ('' and null read as absent), or an ImportError when it must be there. */
function read(ctx, node, key, path, optional, need) {
  const p = join(path, key);
  const value = has(node, key) ? node[key] : undefined;
  ctx.used.add(p);
  const absent = value === undefined || value === null || value === '';
  if (absent && !optional) throw new ImportError(p, `missing: ${need}`);
  return { p, raw: absent ? undefined : value };
}

/** A number as the venues send it (a JSON number or a decimal string): finite, at most 1e15 in size,
 *  and not a subnormal speck; '' and null read as absent when `optional`. */
function num(ctx, node, key, path, { optional = false, signed = false } = {}) {
  const { p, raw } = read(ctx, node, key, path, optional, 'a number is needed');
  if (raw === undefined) return undefined;
  let x = NaN;
  if (typeof raw === 'number') x = raw;
  else if (typeof raw === 'string' && raw.length <= 64 && DECIMAL.test(raw.trim())) x = Number(raw.trim());
  if (!Number.isFinite(x)) throw new ImportError(p, `${shown(raw)} is not a number`);
  if (Math.abs(x) > MAX_MAGNITUDE) throw new ImportError(p, `${shown(raw)} is larger than ${MAX_MAGNITUDE}`);
  if (x !== 0 && Math.abs(x) < MIN_MAGNITUDE) throw new ImportError(p, `${shown(raw)} is below ${MIN_MAGNITUDE} in size`);
  if (!signed && x < 0) throw new ImportError(p, `${shown(raw)} is negative`);
  return x === 0 ? 0 : x;  // no -0
}

/** A name (symbol, asset): printable ASCII, 1 to 40 characters. */
function name(ctx, node, key, path, { optional = false } = {}) {
  const { p, raw } = read(ctx, node, key, path, optional, 'a name is needed');
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw.length > MAX_NAME || !/^[\x21-\x7e]+$/.test(raw) || UNSAFE_KEYS.has(raw)) {
    throw new ImportError(p, `${shown(raw)} is not a name of 1 to ${MAX_NAME} printable characters`);
  }
  return raw;
}

/** A word from a closed set, compared without case. */
function word(ctx, node, key, path, allowed, { optional = false } = {}) {
  const { p, raw } = read(ctx, node, key, path, optional, `one of ${allowed.join(', ')}`);
  if (raw === undefined) return undefined;
  const found = typeof raw === 'string' || typeof raw === 'number' ? allowed.find((a) => String(a).toLowerCase() === String(raw).toLowerCase()) : undefined;
  if (found === undefined) throw new ImportError(p, `${shown(raw)} is not one of ${allowed.join(', ')}`);
  return found;
}

/** A position in the importer's own terms; each field a { value, from } pair, its source path. */
function position(ctx, from, fields) {
  if (ctx.positions.length >= LIMITS.maxPositions) throw new ImportError(from, `more than ${LIMITS.maxPositions} positions`);
  const p = { from, figures: {}, ...fields };
  ctx.positions.push(p);
  return p;
}
const field = (value, from, note) => (value === undefined ? undefined : { value, from, ...(note && { note }) });


/** The parts of a response: the tree itself when one recognizer knows it, else each named entry of an
 *  object of several ({ positionRisk: [...], account: {...} }). `kinds` maps a kind to its test. */
function partsOf(tree, kinds, expected) {
  const kindOf = (x) => Object.keys(kinds).find((k) => kinds[k](x));
  const whole = kindOf(tree);
  if (whole) return [{ kind: whole, node: tree, path: '' }];
  if (isObject(tree)) {
    const parts = [];
    for (const key of Object.keys(tree)) {
      const kind = kindOf(tree[key]);
      if (kind) parts.push({ kind, node: tree[key], path: key });
    }
    if (parts.length) return parts;
  }
  throw new ImportError('', `not a response this importer reads; expected ${expected}`);
}
const listOf = (x, test) => Array.isArray(x) && x.length > 0 && x.every((e) => isObject(e)) && x.some(test);
const itemsOf = (node, path) => (Array.isArray(node) ? node.map((e, i) => [e, join(path, i)]) : [[node, path]]);
const ignore = (ctx, path, reason) => {
  if (ctx.ignored.length < LIMITS.maxListed) ctx.ignored.push({ path, reason });
  ctx.used.add(path);
  ctx.skipped = ctx.skipped || new Set();
  ctx.skipped.add(path);
};
const miss = (ctx, path, need, fallback) => ctx.missing.push({ path, need, default: fallback === undefined ? null : fallback });
/** Side from a signed amount, or from a side word when the amount is unsigned. */
const sideOf = (amount) => (amount < 0 ? 'short' : 'long');

// ---- Binance USD-M and COIN-M -------------------------------------------------------------------

const BINANCE = 'GET /fapi/v2 or v3/positionRisk, /fapi/v2 or v3/account or /fapi/v1/leverageBracket (USD-M); /dapi/v1/positionRisk, /dapi/v1/account or /dapi/v2/leverageBracket (COIN-M); or an object of several by endpoint';
const binanceKinds = {
  positionRisk: (x) => listOf(x, (e) => has(e, 'positionAmt') && has(e, 'entryPrice')),
  account: (x) => isObject(x) && Array.isArray(x.assets) && (has(x, 'positions') || has(x, 'totalWalletBalance')),
  leverageBracket: (x) => listOf(x, (e) => Array.isArray(e.brackets)) || (isObject(x) && Array.isArray(x.brackets)),
};
/** COIN-M symbols (BTCUSD_PERP, ETHUSD_201225) are inverse; USD-M settle in the symbol's quote. */
const binanceInverse = (symbol) => /^[A-Z0-9]+USD_([A-Z0-9]+)$/.test(symbol);
const binanceSettle = (symbol) => (binanceInverse(symbol) ? symbol.replace(/USD_.*$/, '') : (symbol.match(/(USDT|USDC|BUSD|FDUSD)$/) || [])[1]);

function binancePosition(ctx, e, path) {
  const amount = num(ctx, e, 'positionAmt', path, { signed: true });
  const symbol = name(ctx, e, 'symbol', path);
  const sideWord = word(ctx, e, 'positionSide', path, ['BOTH', 'LONG', 'SHORT'], { optional: true });
  if (amount === 0) return ignore(ctx, path, `${symbol}${sideWord ? ` ${sideWord}` : ''}: size 0, no position`);
  const inverse = binanceInverse(symbol);
  if (!has(e, 'marginAsset') && !binanceSettle(symbol)) throw new ImportError(join(path, 'symbol'), `${symbol}: no settlement asset (a USD-M symbol ends in USDT, USDC, BUSD or FDUSD; a COIN-M one is COINUSD_...)`);
  const marginType = word(ctx, e, 'marginType', path, ['cross', 'isolated'], { optional: true });
  const isolatedWallet = num(ctx, e, 'isolatedWallet', path, { optional: true });
  const mode = marginType || (isolatedWallet > 0 ? 'isolated' : 'cross');
  const p = position(ctx, path, {
    symbol: field(symbol, join(path, 'symbol')),
    contract: field(inverse ? 'inverse' : 'linear', join(path, 'symbol'), inverse ? 'COIN-M symbol' : undefined),
    side: field(sideWord === 'SHORT' ? 'short' : sideWord === 'LONG' ? 'long' : sideOf(amount), join(path, sideWord && sideWord !== 'BOTH' ? 'positionSide' : 'positionAmt')),
    quantity: field(Math.abs(amount), join(path, 'positionAmt')),
    entryPrice: field(num(ctx, e, 'entryPrice', path), join(path, 'entryPrice')),
    markPrice: field(num(ctx, e, 'markPrice', path, { optional: true }), join(path, 'markPrice')),
    leverage: field(num(ctx, e, 'leverage', path, { optional: true }), join(path, 'leverage')),
    marginMode: field(mode, join(path, marginType ? 'marginType' : 'isolatedWallet'), marginType ? undefined : 'no marginType: isolated when isolatedWallet > 0'),
    settle: field(name(ctx, e, 'marginAsset', path, { optional: true }) || binanceSettle(symbol), join(path, has(e, 'marginAsset') ? 'marginAsset' : 'symbol')),
  });
  if (mode === 'isolated' && isolatedWallet !== undefined) p.isolatedMargin = field(isolatedWallet, join(path, 'isolatedWallet'));
  const liq = num(ctx, e, 'liquidationPrice', path, { optional: true });
  p.figures.liquidationPrice = field(liq === 0 ? undefined : liq, join(path, 'liquidationPrice'));
  p.figures.initialMargin = field(num(ctx, e, 'initialMargin', path, { optional: true }), join(path, 'initialMargin'));
  p.figures.maintenanceMargin = field(num(ctx, e, 'maintMargin', path, { optional: true }), join(path, 'maintMargin'));
  if (inverse) p.contractSize = binanceCoinContract(ctx, symbol, path);
}

/** COIN-M contract sizes are not in the response: Binance's contract specifications (BTCUSD 100 USD,
 *  every other coin 10 USD) unless options.contractSizes names the symbol. */
function binanceCoinContract(ctx, symbol, path) {
  const given = ctx.options.contractSizes && ctx.options.contractSizes[symbol];
  if (given !== undefined) return field(given, `options.contractSizes.${symbol}`);
  const size = symbol.startsWith('BTCUSD_') ? 100 : 10;
  miss(ctx, `${join(path, 'symbol')} (contract size)`, `the USD value of one ${symbol} contract (not in the response; pass options.contractSizes)`, size);
  return field(size, `${join(path, 'symbol')}`, 'Binance COIN-M contract specifications: BTC 100 USD, others 10 USD');
}

function binanceAccount(ctx, node, path) {
  (node.assets || []).forEach((a, i) => {
    const p = join(join(path, 'assets'), i);
    if (!isObject(a)) return;
    const asset = name(ctx, a, 'asset', p);
    const balance = num(ctx, a, 'walletBalance', p, { signed: true, optional: true });
    if (balance !== undefined) ctx.wallets.push({ asset, value: balance, from: join(p, 'walletBalance') });
  });
  if (Array.isArray(node.positions)) node.positions.forEach((_, i) => ignore(ctx, join(join(path, 'positions'), i), 'account positions: read from positionRisk'));
}

function binanceBrackets(ctx, node, path) {
  for (const [e, p] of itemsOf(node, path)) {
    if (!isObject(e) || !Array.isArray(e.brackets)) continue;
    const symbol = name(ctx, e, has(e, 'symbol') ? 'symbol' : 'pair', p);
    const rows = e.brackets.map((b, i) => {
      const bp = join(join(p, 'brackets'), i);
      const coin = has(b, 'qtyCap');
      return {
        notionalCap: field(num(ctx, b, coin ? 'qtyCap' : 'notionalCap', bp), join(bp, coin ? 'qtyCap' : 'notionalCap')),
        maxLeverage: field(num(ctx, b, 'initialLeverage', bp), join(bp, 'initialLeverage')),
        maintenanceMarginRate: field(num(ctx, b, 'maintMarginRatio', bp), join(bp, 'maintMarginRatio')),
        maintenanceAmount: field(num(ctx, b, 'cum', bp, { optional: true }), join(bp, 'cum')),
      };
    });
    ctx.tiers.set(symbol, rows);
  }
}

function readBinance(ctx, tree) {
  for (const { kind, node, path } of partsOf(tree, binanceKinds, BINANCE)) {
    if (kind === 'positionRisk') node.forEach((e, i) => isObject(e) && binancePosition(ctx, e, join(path, i)));
    else if (kind === 'account') binanceAccount(ctx, node, path);
    else binanceBrackets(ctx, node, path);
  }
}

// ---- Bybit v5 ------------------------------------------------------------------------------------

const BYBIT = 'the body of GET /v5/position/list, /v5/account/wallet-balance or /v5/market/risk-limit ({ retCode, result: { list } }), or an object of several by endpoint';
const bybitList = (x) => (isObject(x) && isObject(x.result) && Array.isArray(x.result.list) ? x.result.list : isObject(x) && Array.isArray(x.list) ? x.list : null);
const bybitKinds = {
  positions: (x) => listOf(bybitList(x), (e) => has(e, 'positionIdx') || (has(e, 'size') && has(e, 'avgPrice'))),
  wallet: (x) => listOf(bybitList(x), (e) => Array.isArray(e.coin)),
  riskLimit: (x) => listOf(bybitList(x), (e) => has(e, 'riskLimitValue') && has(e, 'maintenanceMargin') && !has(e, 'size')),
};
const listPath = (x, path) => (isObject(x.result) ? join(join(path, 'result'), 'list') : join(path, 'list'));

function bybitPosition(ctx, e, path, category) {
  const symbol = name(ctx, e, 'symbol', path);
  const size = num(ctx, e, 'size', path);
  const sideWord = word(ctx, e, 'side', path, ['Buy', 'Sell', 'None'], { optional: true });
  if (size === 0 || sideWord === 'None') return ignore(ctx, path, `${symbol}: size 0, no position`);
  const idx = num(ctx, e, 'positionIdx', path, { optional: true });
  const inverse = category === 'inverse' || (category === undefined && /USD$/.test(symbol));
  const tradeMode = num(ctx, e, 'tradeMode', path, { optional: true });
  const p = position(ctx, path, {
    symbol: field(symbol, join(path, 'symbol')),
    contract: field(inverse ? 'inverse' : 'linear', category ? 'result.category' : join(path, 'symbol')),
    contractSize: field(1, join(path, 'size'), inverse ? 'inverse: one contract is 1 USD' : 'linear: size is in the base coin'),
    side: field(idx === 2 ? 'short' : idx === 1 ? 'long' : sideWord === 'Sell' ? 'short' : 'long', join(path, idx === 1 || idx === 2 ? 'positionIdx' : 'side')),
    quantity: field(size, join(path, 'size')),
    entryPrice: field(num(ctx, e, 'avgPrice', path), join(path, 'avgPrice')),
    markPrice: field(num(ctx, e, 'markPrice', path, { optional: true }), join(path, 'markPrice')),
    leverage: field(num(ctx, e, 'leverage', path, { optional: true }), join(path, 'leverage')),
    marginMode: field(tradeMode === 1 ? 'isolated' : 'cross', join(path, 'tradeMode'), tradeMode === undefined ? 'absent: cross' : undefined),
    settle: field(inverse ? symbol.replace(/USD[A-Z0-9]*$/, '') : symbol.endsWith('USDT') ? 'USDT' : 'USDC', join(path, 'symbol')),
  });
  if (tradeMode === 1) p.isolatedMargin = field(num(ctx, e, 'positionBalance', path, { optional: true }), join(path, 'positionBalance'));
  p.figures.liquidationPrice = field(num(ctx, e, 'liqPrice', path, { optional: true }), join(path, 'liqPrice'));
  const bust = num(ctx, e, 'bustPrice', path, { optional: true });
  p.figures.bankruptcyPrice = field(bust, join(path, 'bustPrice'));
  p.figures.initialMargin = field(num(ctx, e, 'positionIM', path, { optional: true }), join(path, 'positionIM'));
  p.figures.maintenanceMargin = field(num(ctx, e, 'positionMM', path, { optional: true }), join(path, 'positionMM'));
}

function bybitWallet(ctx, list, path) {
  list.forEach((acct, i) => {
    const ap = join(path, i);
    if (!isObject(acct) || !Array.isArray(acct.coin)) return;
    ctx.accountType = typeof acct.accountType === 'string' ? acct.accountType : undefined;
    if (ctx.accountType) ctx.used.add(join(ap, 'accountType'));
    acct.coin.forEach((c, j) => {
      const cp = join(join(ap, 'coin'), j);
      if (!isObject(c)) return;
      const asset = name(ctx, c, 'coin', cp);
      const balance = num(ctx, c, 'walletBalance', cp, { signed: true, optional: true });
      if (balance !== undefined) ctx.wallets.push({ asset, value: balance, from: join(cp, 'walletBalance') });
    });
  });
}

/** Risk-limit rows -> a tier table per symbol. The rates are fractions; a row whose initial margin
 *  times its maximum leverage is 100 gives them in percent (the documented example): read as such. */
function bybitRiskLimits(ctx, list, path) {
  const bySymbol = new Map();
  list.forEach((e, i) => {
    const p = join(path, i);
    if (!isObject(e)) return;
    const symbol = name(ctx, e, 'symbol', p);
    const lev = num(ctx, e, 'maxLeverage', p);
    const im = num(ctx, e, 'initialMargin', p, { optional: true });
    const percent = im !== undefined && Math.abs(im * lev - 100) < 1;
    const mm = num(ctx, e, 'maintenanceMargin', p);
    const deduction = num(ctx, e, 'mmDeduction', p, { optional: true });
    const row = {
      notionalCap: field(num(ctx, e, 'riskLimitValue', p), join(p, 'riskLimitValue')),
      maxLeverage: field(lev, join(p, 'maxLeverage')),
      maintenanceMarginRate: field(percent ? mm / 100 : mm, join(p, 'maintenanceMargin'), percent ? 'percent -> fraction (initialMargin x maxLeverage = 100)' : undefined),
      maintenanceAmount: field(deduction, join(p, 'mmDeduction')),
    };
    if (!bySymbol.has(symbol)) bySymbol.set(symbol, []);
    bySymbol.get(symbol).push(row);
  });
  for (const [symbol, rows] of bySymbol) ctx.tiers.set(symbol, rows.sort((a, b) => a.notionalCap.value - b.notionalCap.value));
}

function readBybit(ctx, tree) {
  for (const { kind, node, path } of partsOf(tree, bybitKinds, BYBIT)) {
    const list = bybitList(node);
    const lp = listPath(node, path);
    const category = isObject(node.result) && typeof node.result.category === 'string' ? node.result.category : undefined;
    if (category) ctx.used.add(join(join(path, 'result'), 'category'));
    if (kind === 'positions') list.forEach((e, i) => isObject(e) && bybitPosition(ctx, e, join(lp, i), category));
    else if (kind === 'wallet') bybitWallet(ctx, list, lp);
    else bybitRiskLimits(ctx, list, lp);
  }
}

// ---- OKX v5 ----------------------------------------------------------------------------------------

const OKX = 'the body of GET /api/v5/account/positions, /api/v5/account/balance, /api/v5/public/instruments or /api/v5/public/position-tiers ({ code, data: [...] }), or an object of several by endpoint';
const okxData = (x) => (isObject(x) && Array.isArray(x.data) ? x.data : null);
const okxKinds = {
  positions: (x) => listOf(okxData(x), (e) => has(e, 'instId') && has(e, 'pos')),
  balance: (x) => listOf(okxData(x), (e) => Array.isArray(e.details)),
  instruments: (x) => listOf(okxData(x), (e) => has(e, 'instId') && has(e, 'ctVal')),
  positionTiers: (x) => listOf(okxData(x), (e) => has(e, 'maxSz') && has(e, 'mmr') && has(e, 'maxLever')),
};
const OKX_NO_CTVAL = 'default 1: ctVal not given';
/** BTC-USDT-SWAP, BTC-USDT-250328 -> BTC-USDT: the instrument family a swap or future belongs to. */
const okxFamily = (inst) => inst.split('-').slice(0, 2).join('-');

function okxPosition(ctx, e, path) {
  const inst = name(ctx, e, 'instId', path);
  const type = word(ctx, e, 'instType', path, ['SWAP', 'FUTURES', 'MARGIN', 'OPTION'], { optional: true });
  if (type === 'MARGIN' || type === 'OPTION') return ignore(ctx, path, `${inst}: ${type} positions are not imported (perpetuals and futures only)`);
  const pos = num(ctx, e, 'pos', path, { signed: true });
  if (pos === 0) return ignore(ctx, path, `${inst}: size 0, no position`);
  const posSide = word(ctx, e, 'posSide', path, ['net', 'long', 'short'], { optional: true });
  const inverse = /-USD-/.test(inst);
  const mode = word(ctx, e, 'mgnMode', path, ['cross', 'isolated']);
  const p = position(ctx, path, {
    symbol: field(inst, join(path, 'instId')),
    contract: field(inverse ? 'inverse' : 'linear', join(path, 'instId')),
    side: field(posSide === 'short' ? 'short' : posSide === 'long' ? 'long' : sideOf(pos), join(path, posSide === 'net' || !posSide ? 'pos' : 'posSide')),
    quantity: field(Math.abs(pos), join(path, 'pos')),
    entryPrice: field(num(ctx, e, 'avgPx', path), join(path, 'avgPx')),
    markPrice: field(num(ctx, e, 'markPx', path, { optional: true }), join(path, 'markPx')),
    leverage: field(num(ctx, e, 'lever', path, { optional: true }), join(path, 'lever')),
    marginMode: field(mode, join(path, 'mgnMode')),
    settle: field(name(ctx, e, 'ccy', path, { optional: true }) || (inverse ? inst.split('-')[0] : inst.split('-')[1]), join(path, 'ccy')),
  });
  if (mode === 'isolated') p.isolatedMargin = field(num(ctx, e, 'margin', path, { optional: true }), join(path, 'margin'));
  p.figures.liquidationPrice = field(num(ctx, e, 'liqPx', path, { optional: true }), join(path, 'liqPx'));
  p.figures.initialMargin = field(num(ctx, e, 'imr', path, { optional: true }), join(path, 'imr'));
  p.figures.maintenanceMargin = field(num(ctx, e, 'mmr', path, { optional: true }), join(path, 'mmr'));
  p.figures.marginRatio = field(num(ctx, e, 'mgnRatio', path, { optional: true }), join(path, 'mgnRatio'));
  p.okxInst = inst;
}

/** Position-tier rows grouped by what they name: a swap's or future's instrument family (instFamily,
 *  else uly; OKX leaves instId empty for them) or an instrument (instId: a MARGIN pair's tiers). */
function okxTierRows(ctx, data, path) {
  const groups = ctx.okxTiers || (ctx.okxTiers = new Map());
  data.forEach((e, i) => {
    const p = join(path, i);
    if (!isObject(e)) return;
    const inst = name(ctx, e, 'instId', p, { optional: true });
    const family = inst ? undefined : name(ctx, e, 'instFamily', p, { optional: true }) || name(ctx, e, 'uly', p, { optional: true });
    if (!inst && !family) throw new ImportError(join(p, 'instFamily'), 'missing: the instrument family (or instId) the tier belongs to');
    const key = inst ? `instId ${inst}` : `family ${family}`;  // a pair BTC-USDT and the family BTC-USDT are two tables
    if (!groups.has(key)) groups.set(key, { name: inst || family, family: !inst, rows: [] });
    groups.get(key).rows.push({
      from: p,
      tier: name(ctx, e, 'tier', p, { optional: true }),
      maxSz: field(num(ctx, e, 'maxSz', p), join(p, 'maxSz')),
      maxLeverage: field(num(ctx, e, 'maxLever', p), join(p, 'maxLever')),
      maintenanceMarginRate: field(num(ctx, e, 'mmr', p), join(p, 'mmr')),
    });
  });
}

/** A pasted position-tier table -> the tier table of each instrument of its family (or its instId) with
 *  a position: the one row the positions' size in contracts falls in (OKX fixes the tier by size,
 *  tiersForPosition), with an open cap. Rows of no position's instrument, and the rows not taken, are
 *  listed as ignored. */
function okxPositionTiers(ctx) {
  const held = [...new Set(ctx.positions.map((p) => p.okxInst))];
  for (const group of (ctx.okxTiers || new Map()).values()) {
    const key = group.name;
    const rows = group.rows.slice().sort((a, b) => a.maxSz.value - b.maxSz.value);
    const insts = held.filter((inst) => (group.family ? okxFamily(inst) === key : inst === key));
    const taken = new Set();
    for (const inst of insts) {
      const mine = ctx.positions.filter((p) => p.okxInst === inst);
      const sized = mine.map((p) => ({ quantity: p.quantity.value, contractSize: p.contractSize.value }));
      const table = { capUnit: 'contracts', spec: { contractSize: sized[0].contractSize }, tiers: rows.map((r, i) => ({ notionalCap: r.maxSz.value, i })) };
      const row = rows[tiersForPosition(table, sized)[0].i];
      taken.add(row);
      const size = sized.reduce((sum, q) => sum + q.quantity, 0);
      ctx.tiers.set(inst, [{
        notionalCap: field(MAX_MAGNITUDE, row.maxSz.from, `${inst}: ${size} contracts take tier ${row.tier || rows.indexOf(row) + 1} (maxSz ${row.maxSz.value} contracts); OKX fixes the tier by position size, so the row applies at every price`),
        maxLeverage: row.maxLeverage,
        maintenanceMarginRate: row.maintenanceMarginRate,
      }]);
    }
    for (const r of rows) {
      if (taken.has(r)) continue;
      ignore(ctx, r.from, insts.length ? `${key} tier ${r.tier || rows.indexOf(r) + 1}: not the row the position's size falls in`
        : `position tiers of ${key}: no position of this ${group.family ? 'instrument family' : 'instrument'}`);
    }
  }
}

function readOkx(ctx, tree) {
  const parts = partsOf(tree, okxKinds, OKX);
  for (const { kind, node, path } of parts) {
    const dp = join(path, 'data');
    if (kind === 'instruments') {
      node.data.forEach((e, i) => {
        if (!isObject(e)) return;
        const p = join(dp, i);
        ctx.specs.set(name(ctx, e, 'instId', p), field(num(ctx, e, 'ctVal', p), join(p, 'ctVal')));
      });
    } else if (kind === 'balance') {
      node.data.forEach((a, i) => isObject(a) && a.details.forEach((d, j) => {
        const p = join(join(join(dp, i), 'details'), j);
        if (!isObject(d)) return;
        const asset = name(ctx, d, 'ccy', p);
        const cash = num(ctx, d, 'cashBal', p, { signed: true, optional: true });
        if (cash !== undefined) ctx.wallets.push({ asset, value: cash, from: join(p, 'cashBal') });
      }));
    } else if (kind === 'positionTiers') okxTierRows(ctx, node.data, dp);
  }
  for (const { kind, node, path } of parts) if (kind === 'positions') node.data.forEach((e, i) => isObject(e) && okxPosition(ctx, e, join(join(path, 'data'), i)));
  for (const p of ctx.positions) {
    const spec = ctx.specs.get(p.okxInst) || (ctx.options.contractSizes && ctx.options.contractSizes[p.okxInst] !== undefined && field(ctx.options.contractSizes[p.okxInst], `options.contractSizes.${p.okxInst}`));
    if (spec) p.contractSize = spec;
    else {
      miss(ctx, `${p.from}.instId (contract value)`, `the contract value (ctVal) of ${p.okxInst}: paste GET /api/v5/public/instruments beside the positions, or pass options.contractSizes`, 1);
      p.contractSize = field(1, join(p.from, 'instId'), OKX_NO_CTVAL);
    }
  }
  okxPositionTiers(ctx);
}

// ---- Hyperliquid ---------------------------------------------------------------------------------

const HYPERLIQUID = 'the answer to the info request { "type": "clearinghouseState", "user": ... } ({ assetPositions, marginSummary, crossMarginSummary, ... }), or an object of several (one per dex)';
const hyperliquidKinds = { clearinghouseState: (x) => isObject(x) && Array.isArray(x.assetPositions) && (isObject(x.marginSummary) || isObject(x.crossMarginSummary)) };

function hyperliquidPosition(ctx, e, path) {
  const pp = join(path, 'position');
  if (!isObject(e.position)) throw new ImportError(pp, 'missing: the position object');
  const q = e.position;
  const coin = name(ctx, q, 'coin', pp);
  const szi = num(ctx, q, 'szi', pp, { signed: true });
  if (szi === 0) return ignore(ctx, path, `${coin}: size 0, no position`);
  const lp = join(pp, 'leverage');
  const lev = isObject(q.leverage) ? q.leverage : null;
  if (!lev) throw new ImportError(lp, 'missing: { type, value }');
  const mode = word(ctx, lev, 'type', lp, ['cross', 'isolated']);
  const maxLeverage = num(ctx, q, 'maxLeverage', pp, { optional: true });
  const p = position(ctx, path, {
    symbol: field(coin, join(pp, 'coin'), coin.includes(':') ? 'builder-deployed market (dex:COIN)' : undefined),
    contract: field('linear', join(pp, 'coin')),
    contractSize: field(1, join(pp, 'szi'), 'size is in the coin'),
    side: field(sideOf(szi), join(pp, 'szi')),
    quantity: field(Math.abs(szi), join(pp, 'szi')),
    entryPrice: field(num(ctx, q, 'entryPx', pp), join(pp, 'entryPx')),
    leverage: field(num(ctx, lev, 'value', lp), join(lp, 'value')),
    marginMode: field(mode, join(lp, 'type')),
    settle: field('USDC', join(pp, 'coin'), 'Hyperliquid perpetuals settle in USDC'),
  });
  miss(ctx, `${pp}.markPx`, `the mark price of ${coin} (clearinghouseState has none): the entry price stands for it`, p.entryPrice.value);
  if (mode === 'isolated') p.isolatedMargin = field(num(ctx, q, 'marginUsed', pp, { optional: true }), join(pp, 'marginUsed'));
  else num(ctx, q, 'marginUsed', pp, { optional: true });
  if (maxLeverage !== undefined) {
    // The venue's own maximum for this coin wins over the shipped margin table: one row, MM = 1 / (2 x maxLeverage).
    ctx.tiers.set(coin, [{ notionalCap: field(MAX_MAGNITUDE, join(pp, 'maxLeverage'), 'one row: no cap'), maxLeverage: field(maxLeverage, join(pp, 'maxLeverage')) }]);
  }
  p.figures.liquidationPrice = field(num(ctx, q, 'liquidationPx', pp, { optional: true }), join(pp, 'liquidationPx'));
  p.figures.initialMargin = field(num(ctx, q, 'marginUsed', pp, { optional: true }), join(pp, 'marginUsed'));
}

function readHyperliquid(ctx, tree) {
  for (const { node, path } of partsOf(tree, hyperliquidKinds, HYPERLIQUID)) {
    node.assetPositions.forEach((e, i) => isObject(e) && hyperliquidPosition(ctx, e, join(join(path, 'assetPositions'), i)));
    const cp = join(path, 'crossMarginSummary');
    if (isObject(node.crossMarginSummary)) {
      const value = num(ctx, node.crossMarginSummary, 'accountValue', cp);
      ctx.wallets.push({ asset: 'USDC', value, from: join(cp, 'accountValue'), withPnl: true });
    }
  }
}

// ---- dYdX v4 (indexer) ---------------------------------------------------------------------------

const DYDX = 'the indexer\'s GET /v4/addresses/{address}/subaccountNumber/{n} ({ subaccount: { equity, openPerpetualPositions, assetPositions, ... } }) or the subaccount itself';
const dydxKinds = {
  subaccount: (x) => isObject(x) && (isObject(x.openPerpetualPositions) || (isObject(x.subaccount) && isObject(x.subaccount.openPerpetualPositions))),
};

function dydxPosition(ctx, e, path) {
  const market = name(ctx, e, 'market', path);
  const status = word(ctx, e, 'status', path, ['OPEN', 'CLOSED', 'LIQUIDATED'], { optional: true });
  const size = num(ctx, e, 'size', path, { signed: true });
  if (status && status !== 'OPEN') return ignore(ctx, path, `${market}: ${status}`);
  if (size === 0) return ignore(ctx, path, `${market}: size 0, no position`);
  const sideWord = word(ctx, e, 'side', path, ['LONG', 'SHORT'], { optional: true });
  const p = position(ctx, path, {
    symbol: field(market, join(path, 'market')),
    contract: field('linear', join(path, 'market')),
    contractSize: field(1, join(path, 'size'), 'size is in the coin'),
    side: field(sideWord ? sideWord.toLowerCase() : sideOf(size), join(path, sideWord ? 'side' : 'size')),
    quantity: field(Math.abs(size), join(path, 'size')),
    entryPrice: field(num(ctx, e, 'entryPrice', path), join(path, 'entryPrice')),
    marginMode: field('cross', join(path, 'market'), 'a subaccount is one cross account'),
    settle: field('USDC', join(path, 'market'), 'dYdX v4 settles in USDC'),
  });
  miss(ctx, `${path}.oraclePrice`, `the oracle price of ${market} (the subaccount has none): the entry price stands for it`, p.entryPrice.value);
  miss(ctx, `${path}.leverage`, 'a leverage (dYdX positions have none; the initial margin comes from the market\'s IMF): 1', 1);
}

function readDydx(ctx, tree) {
  for (const { node, path } of partsOf(tree, dydxKinds, DYDX)) {
    const sub = isObject(node.subaccount) ? node.subaccount : node;
    const sp = sub === node ? path : join(path, 'subaccount');
    const pp = join(sp, 'openPerpetualPositions');
    for (const key of Object.keys(sub.openPerpetualPositions)) {
      if (isObject(sub.openPerpetualPositions[key])) dydxPosition(ctx, sub.openPerpetualPositions[key], join(pp, key));
    }
    const equity = num(ctx, sub, 'equity', sp, { optional: true });
    if (equity !== undefined) ctx.wallets.push({ asset: 'USDC', value: equity, from: join(sp, 'equity'), withPnl: true });
  }
}

// ---- Deribit --------------------------------------------------------------------------------------

const DERIBIT = 'the JSON-RPC answer to private/get_positions or private/get_account_summary ({ jsonrpc, result }), or an object of both';
const deribitResult = (x) => (isObject(x) && has(x, 'result') ? x.result : x);
const deribitKinds = {
  positions: (x) => listOf(deribitResult(x), (e) => has(e, 'instrument_name') && has(e, 'direction')) || (Array.isArray(deribitResult(x)) && has(x, 'jsonrpc')),
  summary: (x) => isObject(deribitResult(x)) && has(deribitResult(x), 'balance') && has(deribitResult(x), 'currency'),
};
const MONTHS = { JAN: '01', FEB: '02', MAR: '03', APR: '04', MAY: '05', JUN: '06', JUL: '07', AUG: '08', SEP: '09', OCT: '10', NOV: '11', DEC: '12' };

function deribitPosition(ctx, e, path) {
  const inst = name(ctx, e, 'instrument_name', path);
  const kind = word(ctx, e, 'kind', path, ['future', 'option', 'spot', 'future_combo', 'option_combo']);
  const direction = word(ctx, e, 'direction', path, ['buy', 'sell', 'zero']);
  const size = num(ctx, e, 'size', path, { signed: true });
  if (direction === 'zero' || size === 0) return ignore(ctx, path, `${inst}: size 0, no position`);
  if (kind !== 'future' && kind !== 'option') return ignore(ctx, path, `${inst}: ${kind} positions are not imported`);
  const parts = inst.split('-');
  const coin = parts[0].replace(/_.*$/, '');
  const linear = /_(USDC|USDT)/.test(parts[0]);
  const p = position(ctx, path, {
    kind,
    symbol: field(inst, join(path, 'instrument_name')),
    underlying: field(coin, join(path, 'instrument_name')),
    contract: field(linear ? 'linear' : 'inverse', join(path, 'instrument_name')),
    side: field(direction === 'sell' ? 'short' : 'long', join(path, 'direction')),
    quantity: field(Math.abs(size), join(path, 'size'), kind === 'future' && !linear ? 'USD (contractSize 1)' : undefined),
    entryPrice: field(num(ctx, e, 'average_price', path), join(path, 'average_price')),
    markPrice: field(num(ctx, e, 'mark_price', path, { optional: true }), join(path, 'mark_price')),
    indexPrice: field(num(ctx, e, 'index_price', path, { optional: true }), join(path, 'index_price')),
    settle: field(linear ? parts[0].split('_')[1] : coin, join(path, 'instrument_name')),
  });
  if (kind === 'future') p.contractSize = field(1, join(path, 'size'), linear ? 'size is in the coin' : 'size is in USD');
  if (kind === 'option') deribitOption(p, parts, inst, path);
  p.figures.liquidationPrice = field(num(ctx, e, 'estimated_liquidation_price', path, { optional: true }), join(path, 'estimated_liquidation_price'));
  p.figures.initialMargin = field(num(ctx, e, 'initial_margin', path, { optional: true }), join(path, 'initial_margin'));
  p.figures.maintenanceMargin = field(num(ctx, e, 'maintenance_margin', path, { optional: true }), join(path, 'maintenance_margin'));
}

/** BTC-27DEC24-60000-C: the expiry, strike and type are the instrument name's. */
function deribitOption(p, parts, inst, path) {
  const m = parts.length === 4 && /^(\d{1,2})([A-Z]{3})(\d{2})$/.exec(parts[1]);
  const strike = parts.length === 4 ? Number(parts[2].replace('d', '.')) : NaN;
  if (!m || !MONTHS[m[2]] || !Number.isFinite(strike) || strike <= 0 || !/^[CP]$/.test(parts[3])) {
    throw new ImportError(join(path, 'instrument_name'), `${inst} is not an option name of the form BTC-27DEC24-60000-C`);
  }
  p.expiryDate = field(`20${m[3]}-${MONTHS[m[2]]}-${m[1].padStart(2, '0')}`, join(path, 'instrument_name'));
  p.strike = field(strike, join(path, 'instrument_name'));
  p.optionType = field(parts[3] === 'C' ? 'call' : 'put', join(path, 'instrument_name'));
}

function readDeribit(ctx, tree) {
  for (const { kind, node, path } of partsOf(tree, deribitKinds, DERIBIT)) {
    const result = deribitResult(node);
    const rp = result === node ? path : join(path, 'result');
    if (kind === 'positions') result.forEach((e, i) => isObject(e) && deribitPosition(ctx, e, join(rp, i)));
    else {
      const asset = name(ctx, result, 'currency', rp);
      ctx.wallets.push({ asset, value: num(ctx, result, 'balance', rp, { signed: true }), from: join(rp, 'balance') });
      ctx.accountFigures = { marginBalance: num(ctx, result, 'margin_balance', rp, { optional: true }) };
    }
  }
}

// ---- BitMEX ----------------------------------------------------------------------------------------

const BITMEX = 'the body of GET /api/v1/position (an array of positions) or GET /api/v1/user/margin, or an object of both';
const bitmexKinds = {
  position: (x) => listOf(x, (e) => has(e, 'currentQty') && has(e, 'symbol')),
  margin: (x) => (isObject(x) && has(x, 'walletBalance') && has(x, 'currency')) || listOf(x, (e) => has(e, 'walletBalance') && has(e, 'currency')),
};
/** BitMEX amounts are in the currency's smallest unit: XBt (satoshi) and USDt (a millionth of a USDT). */
const BITMEX_UNITS = { XBt: ['XBT', 1e8], USDt: ['USDT', 1e6] };

function bitmexAmount(ctx, node, key, path, currency) {
  const x = num(ctx, node, key, path, { optional: true, signed: true });
  if (x === undefined) return undefined;
  const unit = BITMEX_UNITS[currency];
  return field(unit ? x / unit[1] : x, join(path, key), unit ? `${currency} -> ${unit[0]} (/ ${unit[1]})` : undefined);
}

function bitmexPosition(ctx, e, path) {
  const symbol = name(ctx, e, 'symbol', path);
  const qty = num(ctx, e, 'currentQty', path, { signed: true });
  if (qty === 0) return ignore(ctx, path, `${symbol}: size 0, no position`);
  const currency = word(ctx, e, 'currency', path, Object.keys(BITMEX_UNITS), { optional: true });
  const inverse = currency === 'XBt' && /USD$/.test(symbol);
  const cross = has(e, 'crossMargin') ? e.crossMargin === true : undefined;
  ctx.used.add(join(path, 'crossMargin'));
  const p = position(ctx, path, {
    symbol: field(symbol, join(path, 'symbol')),
    contract: field(inverse ? 'inverse' : 'linear', join(path, 'currency')),
    side: field(sideOf(qty), join(path, 'currentQty')),
    quantity: field(Math.abs(qty), join(path, 'currentQty')),
    entryPrice: field(num(ctx, e, 'avgEntryPrice', path), join(path, 'avgEntryPrice')),
    markPrice: field(num(ctx, e, 'markPrice', path, { optional: true }), join(path, 'markPrice')),
    leverage: field(num(ctx, e, 'leverage', path, { optional: true }), join(path, 'leverage')),
    marginMode: field(cross === false ? 'isolated' : 'cross', join(path, 'crossMargin'), cross === undefined ? 'absent: cross' : undefined),
    settle: field(currency ? BITMEX_UNITS[currency][0] : 'XBT', join(path, 'currency')),
  });
  if (inverse) p.contractSize = field(1, join(path, 'symbol'), 'XBTUSD-style inverse: one contract is 1 USD');
  else {
    miss(ctx, `${path}.symbol (contract size)`, `the size of one ${symbol} contract (the instrument's multiplier, not in the position)`, 1);
    p.contractSize = field(1, join(path, 'symbol'), 'default 1');
  }
  if (cross === false) p.isolatedMargin = bitmexAmount(ctx, e, 'posMargin', path, currency);
  p.figures.liquidationPrice = field(num(ctx, e, 'liquidationPrice', path, { optional: true }), join(path, 'liquidationPrice'));
  p.figures.bankruptcyPrice = field(num(ctx, e, 'bankruptPrice', path, { optional: true }), join(path, 'bankruptPrice'));
  p.figures.initialMargin = bitmexAmount(ctx, e, 'initMargin', path, currency);
  p.figures.maintenanceMargin = bitmexAmount(ctx, e, 'maintMargin', path, currency);
}

function readBitmex(ctx, tree) {
  for (const { kind, node, path } of partsOf(tree, bitmexKinds, BITMEX)) {
    if (kind === 'position') node.forEach((e, i) => isObject(e) && bitmexPosition(ctx, e, join(path, i)));
    else {
      for (const [m, mp] of itemsOf(node, path)) {
        if (!isObject(m)) continue;
        const currency = word(ctx, m, 'currency', mp, Object.keys(BITMEX_UNITS));
        const w = bitmexAmount(ctx, m, 'walletBalance', mp, currency);
        if (w) ctx.wallets.push({ asset: BITMEX_UNITS[currency][0], value: w.value, from: w.from, note: w.note });
      }
    }
  }
}

const READERS = { binance: readBinance, bybit: readBybit, okx: readOkx, hyperliquid: readHyperliquid, bitmex: readBitmex, deribit: readDeribit, dydx: readDydx };
const RULES = { binance: 'binance', bybit: 'bybit', okx: 'okx', hyperliquid: 'hyperliquid', bitmex: 'bitmex', dydx: 'dydx' };

// ---- the scenario --------------------------------------------------------------------------------

const STABLE = new Set(['USDT', 'USDC', 'USD', 'BUSD', 'FDUSD']);
const POSITION_KEYS = ['symbol', 'contract', 'contractSize', 'side', 'quantity', 'entryPrice', 'markPrice', 'leverage', 'marginMode', 'isolatedMargin'];
const FIGURES = ['liquidationPrice', 'bankruptcyPrice', 'initialMargin', 'maintenanceMargin', 'marginRatio'];

/** Copies the importer's fields into `out` under `to` and lists each in `mapped`. */
function put(ctx, out, to, key, f) {
  if (!f) return;
  out[key] = f.value;
  ctx.mapped.push({ from: f.from, to: join(to, key), value: f.value, ...(f.note && { note: f.note }) });
}

/** The wallet of one settlement asset: options.walletBalance, the response's, or a stated default. */
function walletOf(ctx, asset, to, crossCount) {
  if (ctx.options.walletBalance !== undefined) return field(ctx.options.walletBalance, 'options.walletBalance');
  const w = ctx.wallets.find((x) => x.asset.toUpperCase() === asset.toUpperCase());
  if (w && w.withPnl && crossCount > 0) {
    miss(ctx, to, `the ${asset} balance without unrealised PnL (the response gives ${w.from}, which includes it; with the marks at entry the scenario's equity is the venue's)`, w.value);
    return field(w.value, w.from, 'includes unrealised PnL');
  }
  if (w) return field(w.value, w.from, w.note);
  miss(ctx, to, crossCount > 0
    ? `the ${asset} wallet balance of a cross account (paste the balance or account response beside the positions, or pass options.walletBalance)`
    : `the ${asset} wallet balance (isolated positions do not need it): 0`, 0);
  return undefined;
}

function tiersFor(ctx, symbols) {
  const tiers = {};
  for (const [symbol, rows] of ctx.tiers) {
    if (!symbols.has(symbol)) {
      ignore(ctx, rows[0] && rows[0].maxLeverage ? rows[0].maxLeverage.from.replace(/\.[^.]*$/, '') : symbol, `tier table of ${symbol}: no position of this symbol`);
      continue;
    }
    tiers[symbol] = rows.map((r, i) => {
      const row = {};
      for (const k of ['notionalCap', 'maxLeverage', 'maintenanceMarginRate', 'maintenanceAmount']) put(ctx, row, `tiers.${symbol}[${i}]`, k, r[k]);
      return row;
    });
  }
  return tiers;
}

function scenarioV1(ctx) {
  const settle = ctx.positions[0].settle.value;
  const positions = ctx.positions.map((p, i) => {
    const out = {};
    for (const k of POSITION_KEYS) put(ctx, out, `positions[${i}]`, k, p[k]);
    return out;
  });
  const scenario = { version: 1, rules: RULES[ctx.venue] };
  const crossCount = ctx.positions.filter((p) => !p.marginMode || p.marginMode.value === 'cross').length;
  const wallet = walletOf(ctx, settle, 'walletBalance', crossCount);
  scenario.walletBalance = wallet ? wallet.value : 0;
  if (wallet) put(ctx, scenario, '', 'walletBalance', wallet);
  scenario.positions = positions;
  const tiers = tiersFor(ctx, new Set(ctx.positions.map((p) => p.symbol.value)));
  if (Object.keys(tiers).length) scenario.tiers = tiers;
  return scenario;
}

const baseOf = (p) => (p.underlying ? p.underlying.value : String(p.symbol.value).replace(/^[a-z0-9]+:/, '').split(/[-_/]/)[0].replace(/(USDT|USDC|BUSD|FDUSD|USD|PERP)$/, '') || p.symbol.value);

/** The price of an underlying (Deribit: the index, which its futures are marked at; else the first
 *  position's mark, or its entry when the venue gives no mark). */
function underlyingPrice(ctx, p) {
  if (ctx.venue === 'deribit' && p.indexPrice) return p.indexPrice;
  return p.markPrice || p.entryPrice;
}

function collateralOf(ctx, account, assets, prices) {
  account.collateral = assets.map((asset, k) => {
    const to = `collateral[${k}]`;
    const out = { asset };
    const crossCount = ctx.positions.filter((p) => p.settle.value === asset && (!p.marginMode || p.marginMode.value === 'cross')).length;
    const wallet = walletOf(ctx, asset, `${to}.balance`, crossCount);
    out.balance = wallet ? wallet.value : 0;
    if (wallet) put(ctx, out, to, 'balance', wallet);
    if (STABLE.has(asset.toUpperCase())) {
      out.price = 1;
      miss(ctx, `${to}.price`, `the price of ${asset} (a stablecoin: 1)`, 1);
    } else if (prices.has(asset)) put(ctx, out, to, 'price', prices.get(asset));
    else {
      out.price = 1;
      miss(ctx, `${to}.price`, `the price of ${asset} (no position on it gives one; pass it as a position's underlying): 1`, 1);
    }
    return out;
  });
}

function futureOf(ctx, p, i, deribit) {
  const out = { underlying: baseOf(p), settlementAsset: p.settle.value };
  const to = `futures[${i}]`;
  ctx.mapped.push({ from: p.symbol.from, to: `${to}.underlying`, value: out.underlying });
  put(ctx, out, to, 'settlementAsset', p.settle);
  for (const k of POSITION_KEYS) if (!(deribit && k === 'markPrice')) put(ctx, out, to, k, p[k]);
  return out;
}

function optionOf(ctx, p, j) {
  const out = { underlying: baseOf(p), settlementAsset: p.settle.value };
  const to = `options[${j}]`;
  put(ctx, out, to, 'contract', p.contract);
  put(ctx, out, to, 'symbol', p.symbol);
  put(ctx, out, to, 'type', p.optionType);
  for (const k of ['strike', 'expiryDate', 'side', 'quantity']) put(ctx, out, to, k, p[k]);
  put(ctx, out, to, 'premium', p.entryPrice);
  return out;
}

function scenarioV3(ctx) {
  const deribit = ctx.venue === 'deribit';
  const account = { version: 3, margin: deribit ? 'deribitStandard' : 'tiers' };
  if (!deribit) account.rules = RULES[ctx.venue];
  const prices = new Map();
  const assets = [];
  for (const p of ctx.positions) {
    if (!prices.has(baseOf(p))) prices.set(baseOf(p), underlyingPrice(ctx, p));
    if (!assets.includes(p.settle.value)) assets.push(p.settle.value);
  }
  collateralOf(ctx, account, assets, prices);
  account.underlyings = [...prices].map(([n, price], k) => {
    const out = { name: n };
    put(ctx, out, `underlyings[${k}]`, 'price', price);
    return out;
  });
  const futures = ctx.positions.filter((p) => p.kind !== 'option');
  const options = ctx.positions.filter((p) => p.kind === 'option');
  account.futures = futures.map((p, i) => futureOf(ctx, p, i, deribit));
  if (options.length) {
    account.options = options.map((p, j) => optionOf(ctx, p, j));
    const date = ctx.options.valuationDate || new Date().toISOString().slice(0, 10);
    if (!ctx.options.valuationDate) miss(ctx, 'valuationDate', 'the date the options are valued on (pass options.valuationDate): today', date);
    account.valuationDate = date;
  }
  const tiers = deribit ? {} : tiersFor(ctx, new Set(futures.map((p) => p.symbol.value)));
  if (Object.keys(tiers).length) account.tiers = tiers;
  return { account, order: futures };
}

/** Every leaf of the response that no mapping read, and not under an entry ignored as a whole. */
function unread(ctx, tree, dropped) {
  const out = dropped.map((path) => ({ path, reason: 'dropped: a key that could reach an object prototype' }));
  const skipped = ctx.skipped || new Set();
  const walk = (x, path) => {
    if (ctx.ignored.length + out.length >= LIMITS.maxListed || skipped.has(path)) return;
    if (Array.isArray(x)) x.forEach((e, i) => walk(e, join(path, i)));
    else if (isObject(x)) Object.keys(x).forEach((k) => walk(x[k], join(path, k)));
    else if (!ctx.used.has(path)) out.push({ path, reason: 'not used' });
  };
  walk(tree, '');
  return ctx.ignored.concat(out);
}

function checkOptions(options) {
  if (options === undefined) return {};
  if (!isObject(options)) throw new TypeError('importPositions(venue, json, options): options must be an object');
  const { walletBalance, contractSizes, valuationDate } = options;
  if (walletBalance !== undefined && !(typeof walletBalance === 'number' && Number.isFinite(walletBalance) && walletBalance >= 0)) {
    throw new ImportError('options.walletBalance', `${shown(walletBalance)} is not a number >= 0`);
  }
  if (contractSizes !== undefined && !(isObject(contractSizes) && Object.values(contractSizes).every((x) => typeof x === 'number' && x > 0 && x <= MAX_MAGNITUDE))) {
    throw new ImportError('options.contractSizes', 'must map symbols to numbers > 0');
  }
  if (valuationDate !== undefined && !(typeof valuationDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(valuationDate))) {
    throw new ImportError('options.valuationDate', `${shown(valuationDate)} is not a date YYYY-MM-DD`);
  }
  return { walletBalance, contractSizes: contractSizes && Object.assign(Object.create(null), contractSizes), valuationDate };
}

/**
 * (venue, response text or parsed JSON, options?) -> { scenario, mapped, ignored, missing, venueFigures }.
 * Throws ImportError (at the response's path) for anything it cannot read; TypeError for misuse.
 */
export function importPositions(venue, json, options) {
  if (typeof venue !== 'string' || !VENUES.includes(venue)) {
    throw new ImportError('venue', `unknown venue ${shown(venue)}; expected one of ${VENUES.join(', ')}`);
  }
  const ctx = newContext(venue, checkOptions(options));
  const { tree, dropped } = readTree(json);
  READERS[venue](ctx, tree);
  if (ctx.positions.length === 0) {
    const why = ctx.ignored.length ? ` (${ctx.ignored.slice(0, 3).map((x) => x.reason).join('; ')})` : '';
    throw new ImportError('', `no open position to import in this ${venue} response${why}`);
  }
  const several = new Set(ctx.positions.map((p) => p.settle.value)).size > 1;
  const v3 = venue === 'deribit' || several || ctx.positions.some((p) => p.kind === 'option');
  let scenario;
  let order = ctx.positions;
  if (v3) ({ account: scenario, order } = scenarioV3(ctx));
  else scenario = scenarioV1(ctx);
  const venueFigures = order.map((p, i) => {
    const f = { position: i };
    for (const k of FIGURES) f[k] = p.figures[k] ? p.figures[k].value : null;
    return f;
  });
  return { scenario, mapped: ctx.mapped, ignored: unread(ctx, tree, dropped), missing: ctx.missing, venueFigures };
}

/** A symbol the response gives no tier table for takes the shipped one (loading its venue), or is
 *  listed as missing; a built-in table the core serves itself. */
async function shippedTiers(venues, result) {
  const s = result.scenario;
  if (s.version === 3) return;
  for (const symbol of new Set(s.positions.map((p) => p.symbol))) {
    if (s.tiers && s.tiers[symbol]) continue;
    const tables = venues.defaultTiers(s.rules, symbol);
    if (tables.some((t) => !t.venue)) continue;
    const table = tables[0];
    if (!table) {
      result.missing.push({ path: `tiers.${symbol}`, need: `a tier table for ${symbol}: MarginLab ships none for ${s.rules}; paste the venue's leverage-bracket, risk-limit or tier response beside the positions`, default: null });
      continue;
    }
    const loaded = (await venues.loadVenue(table.venue)).find((t) => t.symbols[0] === table.symbols[0]);
    const rows = tiersForPosition(loaded, s.positions.filter((p) => p.symbol === symbol));
    s.tiers = { ...s.tiers, [symbol]: rows };
    result.mapped.push({ from: `shipped table ${table.venue} ${table.symbols[0]} (${table.date})`, to: `tiers.${symbol}`, value: `${rows.length} rows` });
  }
}

/** An OKX position whose contract value (ctVal) the response does not give takes the shipped contract
 *  specification's, when MarginLab ships the instrument, in place of the stated default 1 (its missing
 *  entry goes; `mapped` names the specification). */
function shippedContractValues(venues, result) {
  const s = result.scenario;
  if (s.version === 3 || s.rules !== 'okx') return;
  s.positions.forEach((p, i) => {
    const m = result.mapped.find((x) => x.to === `positions[${i}].contractSize`);
    if (!m || m.note !== OKX_NO_CTVAL) return;
    const table = venues.defaultTiers(s.rules, p.symbol).find((t) => t.venue && t.spec && t.spec.contractSize > 0);
    if (!table) return;
    const gap = `${m.from} (contract value)`;
    p.contractSize = table.spec.contractSize;
    Object.assign(m, { from: `shipped contract specification ${table.venue} ${table.symbols[0]}`, value: p.contractSize, note: 'ctVal of the shipped contract specification' });
    result.missing = result.missing.filter((x) => x.path !== gap);
  });
}

/** The core's errors for an imported scenario (version 1) or account (version 3, marginlab-full.js only). */
function coreErrors(core, scenario) {
  if (scenario.version !== 3) return core.mljsEvaluate(scenario, 0).errors;
  return typeof core.evaluateAccount === 'function' ? core.evaluateAccount(scenario, undefined, undefined).errors : [];
}

/** lab.importPositions (marginlab.mjs loads this module on first use): the response read, the shipped
 *  tier tables added, and the scenario checked by the core, each error with the response path its
 *  field came from. */
export async function importChecked(core, venues, venue, json, options) {
  const result = importPositions(venue, json, options);
  shippedContractValues(venues, result);
  await shippedTiers(venues, result);
  const from = new Map(result.mapped.map((m) => [m.to, m.from]));
  const errors = coreErrors(core, result.scenario).map((e) => ({ ...e, ...(from.has(e.path) && { source: from.get(e.path) }) }));
  return { ...result, errors };
}
