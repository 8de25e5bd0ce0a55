// SPDX-License-Identifier: MIT
// The venue data files (core/data/venues/*.json, format in its README): the one check of a file,
// run by scripts/check-venue-data.mjs on the sources, by scripts/build-venues.mjs when it writes
// web/dist/venues.js and venue-<id>.js, and by the API (marginlab.mjs) on every file it loads.
// Pure functions, no I/O. A problem reads "<where>: <what>".

export const RULES = ['binance', 'bybit', 'bybit-uta', 'okx', 'hyperliquid', 'bitmex', 'dydx', 'simple'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_SYMBOLS = 2000;  // a file with more is refused (the loader's size limit)
const MAX_TIERS = 200;
export const MAX_NAME = 40;       // core check.h kMaxSymbolLength
const MAX_CAP = 1e15;      // core check.h kMaxMagnitude: what an open last cap (null) becomes
/** What a table's notionalCap counts: the core's notional (quote for linear, coin for inverse; the
 *  default), or a position size in the venue's contracts or in base coin (OKX's position tiers). */
export const CAP_UNITS = ['quote', 'contracts', 'coin'];

/** A value as text for a problem: at most `n` characters; an object without a way to print itself by its kind. */
const shown = (x, n = 20) => {
  try {
    return String(x).slice(0, n);
  } catch {
    return Array.isArray(x) ? 'an array' : typeof x;
  }
};
const isPos = (x) => typeof x === 'number' && Number.isFinite(x) && x > 0 && x <= MAX_CAP;
const isStr = (x) => typeof x === 'string' && x.length > 0;
export const isName = (x) => typeof x === 'string' && x.length > 0 && x.length <= MAX_NAME && /^[\x21-\x7e]+$/.test(x);

function sourceProblems(where, s, problems) {
  if (!s || typeof s !== 'object') return problems.push(`${where}: missing`);
  for (const k of ['description', 'snapshotDate']) if (!isStr(s[k])) problems.push(`${where}.${k}: missing`);
  if (!isStr(s.terms)) problems.push(`${where}.terms: missing`);
  if (!isStr(s.url) && !(isStr(s.repository) && isStr(s.path) && isStr(s.commit)))
    problems.push(`${where}: needs a url, or repository + path + commit`);
  if (s.retrieved !== undefined && !(isStr(s.retrieved) && DATE.test(s.retrieved))) problems.push(`${where}.retrieved: not YYYY-MM-DD`);
}

function tierProblems(where, tiers, rules, problems) {
  if (!Array.isArray(tiers) || tiers.length === 0) return problems.push(`${where}.tiers: empty`);
  if (tiers.length > MAX_TIERS) return problems.push(`${where}.tiers: ${tiers.length} rows, at most ${MAX_TIERS}`);
  let prevCap = 0;
  let prevLev = Infinity;
  tiers.forEach((t, i) => {
    const w = `${where}.tiers[${i}]`;
    if (!t || typeof t !== 'object') return problems.push(`${w}: not an object`);
    if (t.notionalCap === null) {
      if (i !== tiers.length - 1) problems.push(`${w}.notionalCap: null (unbounded) is only allowed on the last row`);
    } else if (!isPos(t.notionalCap)) problems.push(`${w}.notionalCap: not a positive number`);
    else if (t.notionalCap <= prevCap) problems.push(`${w}.notionalCap: ${t.notionalCap} not above ${prevCap}`);
    else prevCap = t.notionalCap;
    if (!isPos(t.maxLeverage)) problems.push(`${w}.maxLeverage: not a positive number`);
    else if (t.maxLeverage > prevLev) problems.push(`${w}.maxLeverage: ${t.maxLeverage} rises above ${prevLev}`);
    else prevLev = t.maxLeverage;
    const r = t.maintenanceMarginRate;
    if (r === undefined) {
      if (rules !== 'hyperliquid') problems.push(`${w}.maintenanceMarginRate: missing (only hyperliquid derives it)`);
    } else if (!(typeof r === 'number' && r > 0 && r < 1)) problems.push(`${w}.maintenanceMarginRate: ${shown(r)} not in (0,1)`);
    else if (isPos(t.maxLeverage) && r >= 1 / t.maxLeverage)
      problems.push(`${w}.maintenanceMarginRate: ${r} not below the initial rate 1/${t.maxLeverage}`);
    if (t.maintenanceAmount !== undefined && !(typeof t.maintenanceAmount === 'number' && t.maintenanceAmount >= 0 && t.maintenanceAmount <= MAX_CAP))
      problems.push(`${w}.maintenanceAmount: not a number >= 0`);
  });
}

function symbolProblems(w, s, doc, claim, problems) {
  if (s.aliases !== undefined) {
    if (!Array.isArray(s.aliases) || s.aliases.length > 50) problems.push(`${w}.aliases: not an array of at most 50 names`);
    else for (const a of s.aliases) isName(a) ? claim(a, s.symbol) : problems.push(`${w}.aliases: "${shown(a, 50)}" is not a name of 1 to ${MAX_NAME} printable characters`);
  }
  if (s.contract !== 'linear' && s.contract !== 'inverse') problems.push(`${w}.contract: "${shown(s.contract)}" is not linear or inverse`);
  for (const k of ['quoteAsset', 'settleAsset']) if (!isName(s[k])) problems.push(`${w}.${k}: missing`);
  if (s.baseAsset !== undefined && !isName(s.baseAsset)) problems.push(`${w}.baseAsset: not a name`);
  // Inverse contracts settle in the coin and their tier caps are coin notionals: the settlement asset
  // is the coin the symbol starts with (XBTUSD: XBT, BTCUSD_PERP: BTC), as MarginLab names it.
  if (s.contract === 'inverse' && s.settleAsset === s.quoteAsset) problems.push(`${w}: inverse but settles in the quote`);
  else if (s.contract === 'inverse' && isName(s.settleAsset) && !s.symbol.toUpperCase().startsWith(s.settleAsset.toUpperCase()))
    problems.push(`${w}.settleAsset: "${s.settleAsset}" is not the coin the inverse symbol names`);
  for (const k of ['contractSize', 'tickSize', 'lotSize']) if (!isPos(s[k])) problems.push(`${w}.${k}: not > 0`);
  for (const k of ['minQty', 'minNotional']) if (s[k] !== undefined && !isPos(s[k])) problems.push(`${w}.${k}: not > 0`);
  if (isPos(s.minQty) && isPos(s.lotSize) && s.minQty < s.lotSize) problems.push(`${w}.minQty: below lotSize`);
  if (s.capUnit !== undefined && !CAP_UNITS.includes(s.capUnit)) problems.push(`${w}.capUnit: "${shown(s.capUnit)}" is not ${CAP_UNITS.join(', ')}`);
  else if (s.capUnit === 'coin' && s.contract !== 'linear') problems.push(`${w}.capUnit: coin caps are for linear contracts (an inverse contract's notional is already in coin)`);
  if (s.priceSigFigs !== undefined && !(Number.isInteger(s.priceSigFigs) && s.priceSigFigs > 0 && s.priceSigFigs <= 17))
    problems.push(`${w}.priceSigFigs: not a whole number in 1..17`);
  tierProblems(w, s.tiers, doc.rules, problems);
}

/** Every problem of one venue file (a parsed JSON document); [] when it is sound. `file` names it. */
export function venueProblems(doc, file = 'venue file') {
  const problems = [];
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return [`${file}: not an object`];
  if (!isName(doc.venue) || !/^[a-z0-9-]+$/.test(doc.venue)) problems.push(`${file}: venue must be a lower-case id (a-z, 0-9, -)`);
  if (!RULES.includes(doc.rules)) problems.push(`${file}: rules "${shown(doc.rules)}" is not a MarginLab profile`);
  sourceProblems(`${file}: source`, doc.source, problems);
  for (const k of ['specSource', 'ruleSource']) if (doc[k] !== undefined) sourceProblems(`${file}: ${k}`, doc[k], problems);
  for (const k of ['product', 'selection', 'units']) if (!isStr(doc[k])) problems.push(`${file}: ${k} missing`);
  if (!Array.isArray(doc.symbols) || doc.symbols.length === 0 || doc.symbols.length > MAX_SYMBOLS) {
    problems.push(`${file}: symbols must be an array of 1 to ${MAX_SYMBOLS} contracts`);
    return problems;
  }
  const names = new Map();
  const claim = (name, who) => {
    const key = name.toUpperCase();
    if (names.has(key)) problems.push(`${file}: "${name}" (${who}) already names ${names.get(key)}`);
    else names.set(key, who);
  };
  doc.symbols.forEach((s, i) => {
    if (!s || typeof s !== 'object' || !isName(s.symbol)) return problems.push(`${file}: symbols[${i}].symbol: missing or not a name of 1 to ${MAX_NAME} printable characters`);
    claim(s.symbol, s.symbol);
    symbolProblems(`${file}: ${s.symbol}`, s, doc, claim, problems);
  });
  return problems;
}

// The profiles whose venues publish continuous amounts (core profile.cpp: continuousAmounts).
const CONTINUOUS = ['binance', 'bybit', 'bybit-uta', 'hyperliquid', 'simple'];

/** The sources' check (scripts/check-venue-data.mjs), not the loader's: rows whose maintenance amount breaks amount_n = cap_(n-1) x (rate_n - rate_(n-1)) + amount_(n-1),
 *  amount_0 = 0 (the core's recurrence, tiers.cpp): MM jumps at a cap. Tolerance: a millionth of the
 *  amount, or 1e-6 of the settlement asset. Rows without a published amount are not checked. */
export function continuityProblems(doc, file) {
  if (!CONTINUOUS.includes(doc?.rules) || !Array.isArray(doc.symbols)) return [];
  const out = [];
  for (const s of doc.symbols) {
    const rows = Array.isArray(s?.tiers) ? s.tiers : [];
    rows.forEach((t, i) => {
      if (typeof t?.maintenanceAmount !== 'number') return;
      const prev = rows[i - 1];
      const want = i === 0 ? 0 : prev.notionalCap * (t.maintenanceMarginRate - prev.maintenanceMarginRate) + prev.maintenanceAmount;
      if (!(Math.abs(t.maintenanceAmount - want) <= 1e-6 * Math.max(1, Math.abs(want))))
        out.push(`${file}: ${s.symbol}.tiers[${i}].maintenanceAmount: ${t.maintenanceAmount}, but continuity at the previous cap needs ${Number(want.toPrecision(12))}`);
    });
  }
  return out;
}

/** The names a trader may type for a contract, beyond the file's own (BTC-USDT-SWAP, BTC-USDT, BTCUSDT):
 *  only those no other contract of the file claims. */
export function extraAliases(doc) {
  const taken = new Set(doc.symbols.flatMap((s) => [s.symbol, ...(s.aliases || [])].map((n) => n.toUpperCase())));
  return doc.symbols.map((s) => {
    const base = s.baseAsset;
    if (!isName(base)) return [];
    const quote = s.contract === 'inverse' ? 'USD' : s.quoteAsset;
    const out = [];
    for (const name of [`${base}/${quote}:${s.settleAsset}`, `${base}${quote}`, `${base}-${quote}`, `${base}-${quote}-SWAP`, `${base}_${quote}`, `${base}${quote}PERP`]) {
      if (isName(name) && !taken.has(name.toUpperCase())) {
        taken.add(name.toUpperCase());
        out.push(name);
      }
    }
    return out;
  });
}

/** One line naming where a file's numbers come from. */
export function sourceLine(s) {
  return s.url || `${s.repository} ${s.path} @ ${String(s.commit).slice(0, 8)}`;
}

/** A checked file -> { index entry (small: names, specs, source, date), tiers by symbol }. */
export function splitVenue(doc, file) {
  const extras = extraAliases(doc);
  const spec = (s) => Object.fromEntries(['contractSize', 'tickSize', 'lotSize', 'minQty', 'minNotional', 'priceSigFigs']
    .filter((k) => s[k] !== undefined).map((k) => [k, s[k]]));
  const entry = {
    venue: doc.venue, rules: doc.rules, product: doc.product || doc.venue, file,
    source: sourceLine(doc.source), date: doc.source.snapshotDate,
    ...(doc.specSource && { specSource: sourceLine(doc.specSource), specDate: doc.specSource.snapshotDate }),
    symbols: doc.symbols.map((s, i) => ({
      symbol: s.symbol, aliases: [...(s.aliases || []), ...extras[i]], own: s.aliases || [], contract: s.contract,
      ...(s.baseAsset && { baseAsset: s.baseAsset }), quoteAsset: s.quoteAsset, settleAsset: s.settleAsset, spec: spec(s),
      ...(s.capUnit && s.capUnit !== 'quote' && { capUnit: s.capUnit }),
    })),
  };
  const tiers = Object.fromEntries(doc.symbols.map((s) => [s.symbol, s.tiers.map((t) => ({ ...t, notionalCap: t.notionalCap ?? MAX_CAP }))]));
  return { entry, tiers };
}

/** Problems of a loaded tiers file against its index entry: every symbol, each table sound. */
export function tierFileProblems(entry, tiers, file) {
  if (!tiers || typeof tiers !== 'object' || Array.isArray(tiers)) return [`${file}: not an object of tier tables`];
  const problems = [];
  for (const s of entry.symbols) {
    const rows = tiers[s.symbol];
    tierProblems(`${file}: ${s.symbol}`, Array.isArray(rows) ? rows.map((t, i) => (i === rows.length - 1 && t && t.notionalCap === MAX_CAP ? { ...t, notionalCap: null } : t)) : rows, entry.rules, problems);
  }
  return problems;
}

/** The rows the core takes for a shipped table (an entry of lab.defaultTiers) and the positions of its
 *  symbol. A notional table (capUnit quote, the default) as it is. A size table (capUnit contracts or
 *  coin: the venue fixes the tier by position size, whatever the price) becomes the one row the size
 *  falls in, with an open cap, so the core applies it at every price. Size: the positions' quantities
 *  summed (OKX sums long and short in cross mode), in contracts of the table's contractSize, or in
 *  base coin. A size that is not a finite number >= 0 takes the first row (the core reports the
 *  quantity). A size past the last row's cap keeps that cap (as a notional), so the core refuses it. */
export function tiersForPosition(table, positions) {
  const rows = table.tiers;
  if (!table.capUnit || table.capUnit === 'quote' || !rows.length) return rows;
  let base = 0;  // linear: base coin; inverse: quote
  for (const p of positions) base += Math.abs(p.quantity) * (p.contractSize ?? 1);
  const size = table.capUnit === 'contracts' ? base / table.spec.contractSize : base;
  const last = rows[rows.length - 1];
  if (Number.isFinite(size) && size > last.notionalCap && last.notionalCap < MAX_CAP) {
    // Past the table's last row: the row with its cap as the entry notional the positions' size would have
    // there, so the core refuses the position (entryAboveLastCap) instead of charging a rate too low.
    let notional = 0;
    for (const p of positions) notional += Math.abs(p.quantity) * (p.contractSize ?? 1) * (p.contract === 'inverse' ? 1 / p.entryPrice : p.entryPrice);
    return [{ ...last, notionalCap: (notional * last.notionalCap) / size }];
  }
  const row = Number.isFinite(size) ? rows.find((t) => size <= t.notionalCap) || last : rows[0];
  return [{ ...row, notionalCap: MAX_CAP }];
}
