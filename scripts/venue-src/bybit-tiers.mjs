#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Turns a transcription of Bybit risk limits (scripts/venue-src/bybit-<COIN>.txt: one line per row,
// "id riskLimitValue maintenanceMargin initialMargin maxLeverage mmDeduction" as Bybit's info fields print
// them in the cited cache, "-" for an empty mmDeduction) into the tier rows of core/data/venues/bybit-linear.json,
// after checking the transcription against Bybit's own rules: ids 1..n, riskLimitValue strictly ascending,
// maintenanceMargin strictly ascending and below initialMargin, maxLeverage within 5% of 1/initialMargin
// (Bybit prints it rounded, rounded up, a step below, or to one decimal: SOLUSDT 90.00 for 0.0111, FILUSDT 2.83
// for 0.35, ATOMUSDT 75.00 for 0.013 and 1.30 for 0.8; a slipped digit is far outside 5%), and every mmDeduction
// equal to the continuity amount cap_(n-1) x (mmr_n - mmr_(n-1)) + deduction_(n-1) (to 0.01 USDT). A typo in
// any column shows here.
// Usage: node scripts/venue-src/bybit-tiers.mjs COIN [--write]   (prints the rows; --write replaces the
// symbol's tiers and raw.initialMarginRate in bybit-linear.json, which must already hold <COIN>USDT with its spec).
// Inverse perpetuals: node scripts/venue-src/bybit-tiers.mjs COIN --inverse [--write] reads bybit-inverse-<COIN>.txt,
// Bybit's GET /v2/public/risk-limit/list rows "id limit maintain_margin starting_margin max_leverage" as printed
// (limit in the coin, both margins in percent, no deduction column), checks them by the same rules (ids 1..n, limits
// and maintenance rising, maintenance below initial, leverage within 5% of 100/starting_margin) and writes <COIN>USD
// in bybit-inverse.json. The source publishes no deduction, so no maintenanceAmount is written.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeSymbol } from './write-symbol.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** One row's own checks (numbering, ranges, leverage against the initial rate). */
function rowProblem([id, cap, mmr, imr, lever, deduction], i) {
  if (id !== i + 1) return `expected id ${i + 1}`;
  if (!(cap > 0)) return `riskLimitValue ${cap} not > 0`;
  if (!(mmr > 0 && mmr < imr && imr <= 1)) return 'needs 0 < maintenanceMargin < initialMargin <= 1';
  if (!(Math.abs(lever * imr - 1) <= 0.05)) return `maxLeverage ${lever} is not within 5% of 1/${imr}`;
  if (i === 0 && deduction !== null) return 'the first mmDeduction is empty in Bybit\'s table';
  if (i > 0 && !Number.isFinite(deduction)) return 'mmDeduction missing';
  return '';
}

/** The transcribed lines of one coin, checked; throws at the first line that breaks a rule. */
export function parseRiskLimits(text) {
  const rows = text.split('\n').filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/).map((x) => (x === '-' ? null : Number(x))));
  rows.forEach((row, i) => {
    const at = `id ${row[0]}`;
    if (row.length !== 6) throw new Error(`${at}: expected 6 columns`);
    const own = rowProblem(row, i);
    if (own) throw new Error(`${at}: ${own}`);
    if (i === 0) return;
    const [, cap0, mmr0, , , d0] = rows[i - 1];
    if (!(row[1] > cap0)) throw new Error(`${at}: riskLimitValue ${row[1]} not above ${cap0}`);
    if (!(row[2] > mmr0)) throw new Error(`${at}: maintenanceMargin ${row[2]} not above ${mmr0}`);
    const continuous = cap0 * (row[2] - mmr0) + (d0 ?? 0);
    if (Math.abs(continuous - row[5]) > 0.01) throw new Error(`${at}: mmDeduction ${row[5]} is not the continuity amount ${Math.round(continuous * 100) / 100}`);
  });
  return rows;
}

/** The rows of bybit-<coin>.txt as the data file's tier rows, with the initial rates. */
export function transcribed(coin) {
  const rows = parseRiskLimits(readFileSync(join(here, `bybit-${coin}.txt`), 'utf8'));
  return { initialMarginRate: rows.map((r) => r[3]),
    tiers: rows.map(([, cap, mmr, , lever, d]) => ({ notionalCap: cap, maxLeverage: lever, maintenanceMarginRate: mmr, maintenanceAmount: d ?? 0 })) };
}

/** Percent as Bybit's v2 inverse table prints it, as a fraction (0.5 -> 0.005, without binary noise). */
const fraction = (percent) => Number((percent / 100).toPrecision(12));

/** The inverse transcription (5 columns, margins in percent) as rows of the linear layout with no deductions,
 *  checked; throws at the first line that breaks a rule. */
export function parseInverseRiskLimits(text) {
  const rows = text.split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.trim().split(/\s+/).map(Number));
  return rows.map((row, i) => {
    const at = `id ${row[0]}`;
    if (row.length !== 5) throw new Error(`${at}: expected 5 columns`);
    const [id, cap, mm, im, lever] = row;
    const own = rowProblem([id, cap, fraction(mm), fraction(im), lever, i === 0 ? null : 0], i);
    if (own) throw new Error(`${at}: ${own}`);
    if (i > 0 && !(cap > rows[i - 1][1])) throw new Error(`${at}: limit ${cap} not above ${rows[i - 1][1]}`);
    if (i > 0 && !(mm > rows[i - 1][2])) throw new Error(`${at}: maintain_margin ${mm} not above ${rows[i - 1][2]}`);
    return [id, cap, fraction(mm), fraction(im), lever];
  });
}

/** The rows of bybit-inverse-<coin>.txt as the data file's tier rows (no maintenance amount), with the initial rates. */
export function transcribedInverse(coin) {
  const rows = parseInverseRiskLimits(readFileSync(join(here, `bybit-inverse-${coin}.txt`), 'utf8'));
  return { initialMarginRate: rows.map((r) => r[3]),
    tiers: rows.map(([, cap, mmr, , lever]) => ({ notionalCap: cap, maxLeverage: lever, maintenanceMarginRate: mmr })) };
}

function main([coin, ...flags]) {
  if (!/^[A-Z0-9]{1,16}$/.test(coin ?? '')) throw new Error('usage: bybit-tiers.mjs COIN [--inverse] [--write]');
  if (flags.includes('--inverse')) {
    const { initialMarginRate, tiers } = transcribedInverse(coin);
    if (!flags.includes('--write')) return console.log(JSON.stringify(tiers));
    return writeSymbol('bybit-inverse.json', `${coin}USD`, { initialMarginRate }, tiers);
  }
  const flag = flags[0];
  const { initialMarginRate, tiers } = transcribed(coin);
  if (flag !== '--write') return console.log(JSON.stringify(tiers));
  writeSymbol('bybit-linear.json', `${coin}USDT`, { initialMarginRate }, tiers);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
