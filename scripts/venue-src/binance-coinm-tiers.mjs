#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Turns a transcription of Binance COIN-M leverage brackets (scripts/venue-src/binance-coinm-<COIN>.txt: one
// line per bracket, "bracket initialLeverage qtyCap qtyFloor maintMarginRatio cum" as GET /dapi/v1/leverageBracket
// prints them, "-" for the last bracket's open cap) into the tier rows of core/data/venues/binance-coinm.json,
// after checking it against Binance's own rules: brackets 1..n, each floor the previous cap (the first 0), caps
// strictly ascending, maintenance rates non-decreasing and below the initial rate 1/initialLeverage, leverage
// non-increasing, and every cum the continuity amount floor_n x (MMR_n - MMR_(n-1)) + cum_(n-1) (VENUES.md 1.1)
// to 1e-9 of the coin. Caps and cum are in the coin (qtyCap: "upper edge of base asset quantity").
// Usage: node scripts/venue-src/binance-coinm-tiers.mjs COIN [--write]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeSymbol } from './write-symbol.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** One bracket's problem against the previous one ('' when sound). */
function bracketProblem(row, i, prev, last) {
  const [n, lev, cap, floor, mmr, cum] = row;
  if (row.length !== 6) return 'expected 6 columns';
  if (n !== i + 1) return `expected bracket ${i + 1}`;
  if (!(Number.isInteger(lev) && lev >= 1)) return `initialLeverage ${lev} is not a whole number >= 1`;
  if (cap === null ? !last : !(cap > floor)) return last ? `qtyCap ${cap} not above qtyFloor ${floor}` : 'only the last bracket has an open cap';
  if (floor !== (prev ? prev[2] : 0)) return `qtyFloor ${floor} is not the previous qtyCap`;
  if (!(mmr > 0 && mmr < 1 / lev)) return `maintMarginRatio ${mmr} not in (0, 1/${lev})`;
  if (prev && (mmr < prev[4] || lev > prev[1])) return 'rate falls or leverage rises';
  const want = prev ? floor * (mmr - prev[4]) + prev[5] : 0;
  if (!(Math.abs(cum - want) <= 1e-9 * Math.max(1, want))) return `cum ${cum}, continuity needs ${want}`;
  return '';
}

/** The transcribed brackets of one coin as tier rows, checked; throws at the first bracket that breaks a rule. */
export function parseBrackets(text) {
  const rows = text.split('\n').filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/).map((x) => (x === '-' ? null : Number(x))));
  rows.forEach((row, i) => {
    const problem = bracketProblem(row, i, rows[i - 1], i === rows.length - 1);
    if (problem) throw new Error(`bracket ${row[0]}: ${problem}`);
  });
  return rows.map(([, lev, cap, , mmr, cum]) => ({ notionalCap: cap, maxLeverage: lev, maintenanceMarginRate: mmr, maintenanceAmount: cum }));
}

/** The checked rows of binance-coinm-<coin>.txt. */
export const coinmTranscribed = (coin) => parseBrackets(readFileSync(join(here, `binance-coinm-${coin}.txt`), 'utf8'));

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const coin = process.argv[2];
  if (!/^[A-Z0-9]+$/.test(coin || '')) throw new Error('usage: binance-coinm-tiers.mjs COIN [--write]');
  const tiers = coinmTranscribed(coin);
  if (process.argv.includes('--write')) writeSymbol('binance-coinm.json', `${coin}USD_PERP`, {}, tiers);
  else console.log(JSON.stringify(tiers, null, 1));
}
