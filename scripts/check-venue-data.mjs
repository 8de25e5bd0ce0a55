#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Validates core/data/venues/*.json (the venue tier and contract tables, issue 14).
// Usage: node scripts/check-venue-data.mjs [dir]. Exits 1 on any problem.
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2] ?? join(here, '..', 'core', 'data', 'venues');
const RULES = new Set(['binance', 'bybit', 'bybit-uta', 'okx', 'hyperliquid', 'bitmex', 'dydx', 'simple']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const problems = [];
const counts = [];

const isPos = (x) => typeof x === 'number' && Number.isFinite(x) && x > 0;
const isStr = (x) => typeof x === 'string' && x.length > 0;

function checkSource(where, s, needsTerms) {
  if (!s || typeof s !== 'object') return problems.push(`${where}: missing`);
  for (const k of ['description', 'retrieved', 'snapshotDate']) if (!isStr(s[k])) problems.push(`${where}.${k}: missing`);
  if (needsTerms && !isStr(s.terms)) problems.push(`${where}.terms: missing`);
  if (!isStr(s.url) && !(isStr(s.repository) && isStr(s.path) && isStr(s.commit)))
    problems.push(`${where}: needs a url, or repository + path + commit`);
  if (isStr(s.retrieved) && !DATE.test(s.retrieved)) problems.push(`${where}.retrieved: not YYYY-MM-DD`);
}

function checkTiers(where, tiers, rules) {
  if (!Array.isArray(tiers) || tiers.length === 0) return problems.push(`${where}.tiers: empty`);
  let prevCap = 0;
  let prevLev = Infinity;
  tiers.forEach((t, i) => {
    const w = `${where}.tiers[${i}]`;
    const last = i === tiers.length - 1;
    if (t.notionalCap === null) {
      if (!last) problems.push(`${w}.notionalCap: null (unbounded) is only allowed on the last row`);
    } else if (!isPos(t.notionalCap)) problems.push(`${w}.notionalCap: not a positive number`);
    else if (t.notionalCap <= prevCap) problems.push(`${w}.notionalCap: ${t.notionalCap} not above ${prevCap}`);
    else prevCap = t.notionalCap;
    if (!isPos(t.maxLeverage)) problems.push(`${w}.maxLeverage: not a positive number`);
    else if (t.maxLeverage > prevLev) problems.push(`${w}.maxLeverage: ${t.maxLeverage} rises above ${prevLev}`);
    else prevLev = t.maxLeverage;
    const r = t.maintenanceMarginRate;
    if (r === undefined) {
      if (rules !== 'hyperliquid') problems.push(`${w}.maintenanceMarginRate: missing (only hyperliquid derives it)`);
    } else if (!(typeof r === 'number' && r > 0 && r < 1)) problems.push(`${w}.maintenanceMarginRate: ${r} not in (0,1)`);
    else if (isPos(t.maxLeverage) && r >= 1 / t.maxLeverage)
      problems.push(`${w}.maintenanceMarginRate: ${r} not below the initial rate 1/${t.maxLeverage}`);
    if (t.maintenanceAmount !== undefined && !(typeof t.maintenanceAmount === 'number' && t.maintenanceAmount >= 0))
      problems.push(`${w}.maintenanceAmount: not a number >= 0`);
  });
}

// Inverse contracts settle in the coin, and their tier caps are coin notionals: the settlement asset
// must differ from the quote and be the coin the symbol starts with (XBTUSD: XBT, BTCUSD_PERP: BTC),
// the asset MarginLab names for the position from its symbol.
function checkInverse(w, s) {
  if (s.settleAsset === s.quoteAsset) problems.push(`${w}: inverse but settles in the quote`);
  else if (isStr(s.settleAsset) && !s.symbol.toUpperCase().startsWith(s.settleAsset.toUpperCase()))
    problems.push(`${w}.settleAsset: "${s.settleAsset}" is not the coin the inverse symbol names`);
}

const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
if (files.length === 0) problems.push(`${dir}: no .json files`);
for (const f of files) {
  let doc;
  try {
    doc = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  } catch (e) {
    problems.push(`${f}: not JSON (${e.message})`);
    continue;
  }
  if (!isStr(doc.venue)) problems.push(`${f}: venue missing`);
  if (!RULES.has(doc.rules)) problems.push(`${f}: rules "${doc.rules}" is not a MarginLab profile`);
  checkSource(`${f}: source`, doc.source, true);
  for (const k of ['specSource', 'ruleSource']) if (doc[k] !== undefined) checkSource(`${f}: ${k}`, doc[k], true);
  for (const k of ['product', 'selection', 'units']) if (!isStr(doc[k])) problems.push(`${f}: ${k} missing`);
  if (!Array.isArray(doc.symbols)) {
    problems.push(`${f}: symbols is not an array`);
    continue;
  }
  const names = new Map();
  const claim = (name, who) => {
    const key = name.toUpperCase();
    if (names.has(key)) problems.push(`${f}: "${name}" (${who}) already names ${names.get(key)}`);
    else names.set(key, who);
  };
  let withTiers = 0;
  doc.symbols.forEach((s, i) => {
    const w = `${f}: ${isStr(s.symbol) ? s.symbol : `symbols[${i}]`}`;
    if (!isStr(s.symbol)) return problems.push(`${w}: symbol missing`);
    claim(s.symbol, s.symbol);
    if (s.aliases !== undefined) {
      if (!Array.isArray(s.aliases)) problems.push(`${w}.aliases: not an array`);
      else for (const a of s.aliases) isStr(a) ? claim(a, s.symbol) : problems.push(`${w}.aliases: empty entry`);
    }
    if (s.contract !== 'linear' && s.contract !== 'inverse') problems.push(`${w}.contract: "${s.contract}"`);
    for (const k of ['quoteAsset', 'settleAsset']) if (!isStr(s[k])) problems.push(`${w}.${k}: missing`);
    if (s.contract === 'inverse') checkInverse(w, s);
    for (const k of ['contractSize', 'tickSize', 'lotSize']) if (!isPos(s[k])) problems.push(`${w}.${k}: not > 0`);
    if (s.minQty !== undefined && !isPos(s.minQty)) problems.push(`${w}.minQty: not > 0`);
    else if (isPos(s.minQty) && isPos(s.lotSize) && s.minQty < s.lotSize) problems.push(`${w}.minQty: below lotSize`);
    checkTiers(w, s.tiers, doc.rules);
    if (Array.isArray(s.tiers) && s.tiers.length) withTiers++;
  });
  counts.push([doc.venue ?? f, doc.symbols.length, withTiers, doc.source?.snapshotDate ?? '?']);
}

for (const [venue, n, t, date] of counts) console.log(`${venue}: ${n} symbols, ${t} with tiers (snapshot ${date})`);
for (const p of problems) console.error(`problem: ${p}`);
console.log(`${files.length - new Set(problems.map((p) => p.split(':')[0])).size} passed, ${new Set(problems.map((p) => p.split(':')[0])).size} failed`);
process.exit(problems.length ? 1 : 0);
