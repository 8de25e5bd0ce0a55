#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Turns a transcription of OKX position tiers (scripts/venue-src/okx-<COIN>.txt: one line per tier,
// "tier maxSz mmr imr maxLever" as OKX's info fields print them in the cited cache) into the tier rows
// of core/data/venues/okx-swap.json, after checking the transcription against OKX's own rules:
// tiers numbered 1..n, maxSz strictly ascending, mmr ascending and below imr, and maxLever equal to
// 1/imr cut to 2 decimals (OKX prints maxLever that way; a typo in any of the three shows here).
// Usage: node scripts/venue-src/okx-tiers.mjs COIN [--write]   (prints the rows; --write replaces the
// symbol's tiers and raw.imr in okx-swap.json, which must already hold the symbol with its spec).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeSymbol } from './write-symbol.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** The transcribed lines of one coin, checked; throws at the first line that breaks a rule. */
export function parseTiers(text) {
  const rows = text.split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.trim().split(/\s+/).map(Number));
  rows.forEach(([tier, maxSz, mmr, imr, lever], i) => {
    const at = `tier ${tier}`;
    if (tier !== i + 1) throw new Error(`${at}: expected tier ${i + 1}`);
    if (i > 0 && !(maxSz > rows[i - 1][1])) throw new Error(`${at}: maxSz ${maxSz} not above ${rows[i - 1][1]}`);
    if (i > 0 && !(mmr > rows[i - 1][2])) throw new Error(`${at}: mmr ${mmr} not above ${rows[i - 1][2]}`);
    if (!(mmr > 0 && mmr < imr && imr < 1)) throw new Error(`${at}: needs 0 < mmr < imr < 1`);
    const cut = Math.floor(Math.round(1e8 / imr) / 1e6) / 100;  // 1/imr to 2 decimals, cut (0.015 -> 66.66)
    if (Math.abs(cut - lever) > 1e-9) throw new Error(`${at}: maxLever ${lever} is not 1/${imr} cut to 2 decimals (${cut})`);
  });
  return rows;
}

/** The rows of okx-<coin>.txt as the data file's tier rows, with the imr column. */
export function transcribed(coin) {
  const rows = parseTiers(readFileSync(join(here, `okx-${coin}.txt`), 'utf8'));
  return { imr: rows.map((r) => r[3]), tiers: rows.map(([, maxSz, mmr, , lever]) => ({ notionalCap: maxSz, maxLeverage: lever, maintenanceMarginRate: mmr })) };
}

function main([coin, flag]) {
  if (!/^[A-Z0-9]{1,12}$/.test(coin ?? '')) throw new Error('usage: okx-tiers.mjs COIN [--write]');
  const { imr, tiers } = transcribed(coin);
  if (flag !== '--write') return console.log(JSON.stringify(tiers));
  writeSymbol('okx-swap.json', `${coin}-USDT-SWAP`, { imr }, tiers);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
