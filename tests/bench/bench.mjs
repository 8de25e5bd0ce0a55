// SPDX-License-Identifier: MIT
// The wasm kernels under node (web/dist modules loaded with wasmBinary), and the peers on the same
// positions: @orderly.network/perp (pinned in web/package.json) and the plain-JS isolated formula
// of kernels.mjs. Prints the figures and their ratios; with --json FILE also writes them for
// tests/bench/report.mjs. Usage: node tests/bench/bench.mjs [--json FILE] [--repetitions N]
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runKernels, measure, benchScenario, batchInputs, TIERS } from './kernels.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const repetitions = Number(option('--repetitions', 5));
const jsonFile = option('--json', null);

const dist = new URL('../../web/dist/', import.meta.url);
const load = async (name) => (await import(new URL(`${name}.js`, dist))).default({ wasmBinary: readFileSync(new URL(`${name}.wasm`, dist)) });
const lab = await load('marginlab');
const fullLab = await load('marginlab-full');

const fmt = (s) => `${s.median.toPrecision(4)} ${s.unit} (min ${s.min.toPrecision(4)}, max ${s.max.toPrecision(4)}, n=${s.samples})`;
const log = (name, s) => console.error(`  node ${name.padEnd(20)} ${fmt(s)}`);

console.error(`wasm under node ${process.version}, MarginLab ${lab.version}`);
const kernels = await runKernels(lab, fullLab, { repetitions, log });

// ---------------------------------------------------------------------------------------------
// @orderly.network/perp, resolved from the web/ npm tree (installed by npm ci; nothing at run time).
const requireWeb = createRequire(new URL('../../web/package.json', import.meta.url));
const orderlyVersion = requireWeb('@orderly.network/perp/package.json').version;
const { positions: orderly } = requireWeb('@orderly.network/perp');

// Orderly's margin model has one base MMR and a size-dependent curve instead of tier rows; the
// inputs map our first tier onto it: base MMR 0.004, base IMR 1/125, and an IMR factor small enough
// that the curve stays under the base rate at these notionals (so its formula is ours on tier 1).
const BASE_MMR = TIERS[0].maintenanceMarginRate, BASE_IMR = 1 / TIERS[0].maxLeverage, IMR_FACTOR = 2.5e-7;

// Isolated: the first 10,000 positions of the batch, isolated at their initial margin, at entry.
const ISOLATED_N = 10000;
const batch = batchInputs(ISOLATED_N);
const isoInputs = [];
for (let i = 0; i < ISOLATED_N; i++) {
  const qty = batch.side[i] * batch.quantity[i];
  isoInputs.push({ isolatedPositionMargin: (batch.quantity[i] * batch.entryPrice[i]) / batch.leverage[i],
    costPosition: qty * batch.entryPrice[i], positionQty: qty, sumUnitaryFunding: 0, lastSumUnitaryFunding: 0,
    baseMMR: BASE_MMR, baseIMR: BASE_IMR, IMRFactor: IMR_FACTOR, referencePrice: batch.entryPrice[i],
    leverage: batch.leverage[i] });
}
// Agreement where both formulas are the same one: our price on tier 1, where Orderly's MMR is the
// base rate; no price (our 0, its null) for longs at leverage 1.
const ours = new Float64Array(ISOLATED_N);
lab.liquidationBatch({ rules: 'binance', contract: 'linear', contractSize: 1, tiers: TIERS }, batch, ours);
let comparable = 0, agree = 0;
for (let i = 0; i < ISOLATED_N; i++) {
  if (!(batch.quantity[i] * ours[i] <= TIERS[0].notionalCap)) continue;
  comparable++;
  const theirs = orderly.liquidationPriceIsolated(isoInputs[i]);
  if (ours[i] === 0 ? theirs === null : Math.abs(theirs - ours[i]) <= 1e-6 * ours[i]) agree++;
}
const isolatedAll = measure(() => { for (const x of isoInputs) orderly.liquidationPriceIsolated(x); },
  { repetitions, unit: 'ms', minMs: 100, warmupMs: 200 });
const orderlyIsolated = { ...isolatedAll, median: (isolatedAll.median / ISOLATED_N) * 1000, min: (isolatedAll.min / ISOLATED_N) * 1000,
  max: (isolatedAll.max / ISOLATED_N) * 1000, sd: (isolatedAll.sd / ISOLATED_N) * 1000, unit: 'us', calls: ISOLATED_N,
  agreeOnTier1: agree, comparableOnTier1: comparable };
log('orderly isolated', orderlyIsolated);

// Cross: liqPrice of each position of the 10-position scenario, the others at their marks.
const ten = benchScenario(10);
const signed = (p) => (p.side === 'long' ? 1 : -1) * p.quantity;
const upnl = ten.positions.reduce((a, p) => a + signed(p) * (p.markPrice - p.entryPrice), 0);
const book = ten.positions.map((p) => ({ symbol: p.symbol, position_qty: signed(p), mark_price: p.markPrice, mmr: BASE_MMR }));
const crossInputs = ten.positions.map((p) => ({ markPrice: p.markPrice, symbol: p.symbol, totalCollateral: ten.walletBalance + upnl,
  positionQty: signed(p), positions: book, MMR: BASE_MMR, baseMMR: BASE_MMR, baseIMR: BASE_IMR, IMRFactor: IMR_FACTOR,
  costPosition: signed(p) * p.entryPrice }));
const crossAll = measure(() => { for (const x of crossInputs) orderly.liqPrice(x); }, { repetitions, unit: 'us', minMs: 100, warmupMs: 200 });
const orderlyCross = { ...crossAll, median: crossAll.median / 10, min: crossAll.min / 10, max: crossAll.max / 10, sd: crossAll.sd / 10,
  calls: 10, results: crossInputs.map((x) => orderly.liqPrice(x)) };
log('orderly cross', orderlyCross);

// ---------------------------------------------------------------------------------------------
const perPositionUs = (kernels.liquidationBatch1e6.median * 1000) / 1e6;
const ratios = {
  batchVsPlainJs: kernels.plainJsBatch1e6.median / kernels.liquidationBatch1e6.median,
  perPositionVsOrderlyIsolated: orderlyIsolated.median / perPositionUs,
  perPositionVsOrderlyCross: orderlyCross.median / (kernels['evaluate/10'].median / 10),
  evaluate1VsOneIsolatedCall: orderlyIsolated.median / kernels['evaluate/1'].median,
  evaluate10VsOneCrossCall: orderlyCross.median / kernels['evaluate/10'].median,
};
console.error(`  plain JS agrees with liquidationBatch on ${1e6 - kernels.plainJsBatch1e6.mismatches} of 1e6 positions (1e-9 relative)`);
console.error(`  orderly ${orderlyVersion} agrees with ours on ${agree} of ${comparable} tier-1 positions (1e-6 relative)`);
console.error('  ratios (> 1: MarginLab wasm faster):');
for (const [k, v] of Object.entries(ratios)) console.error(`    ${k.padEnd(30)} ${v.toPrecision(3)}x`);

const result = { node: process.version, version: lab.version, kernels, orderly: { version: orderlyVersion, isolated: orderlyIsolated,
  cross: orderlyCross }, ratios };
if (jsonFile) writeFileSync(jsonFile, JSON.stringify(result, null, 1));
