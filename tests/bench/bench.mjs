// SPDX-License-Identifier: MIT
// The wasm kernels under node (web/dist modules loaded with wasmBinary), and the peers on the same
// positions: @orderly.network/perp (pinned in web/package.json) and the plain-JS isolated formula
// of kernels.mjs. Prints the figures and their ratios; with --json FILE also writes them for
// tests/bench/report.mjs. Usage: node tests/bench/bench.mjs [--json FILE] [--repetitions N] [--quick]
// (--quick: the evaluate rows, the stress grid, evaluateAccount and the peers' calls on the same positions only, 3
// repetitions: a minute's check while working on the boundary).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runKernels, measure, benchScenario, batchInputs, TIERS } from './kernels.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const quick = args.includes('--quick');
const repetitions = Number(option('--repetitions', quick ? 3 : 5));
const jsonFile = option('--json', null);

const dist = new URL('../../web/dist/', import.meta.url);
const load = async (name) => (await import(new URL(`${name}.js`, dist))).default({ wasmBinary: readFileSync(new URL(`${name}.wasm`, dist)) });
const lab = await load('marginlab');
const fullLab = await load('marginlab-full');

const fmt = (s) => `${s.median.toPrecision(4)} ${s.unit} (min ${s.min.toPrecision(4)}, max ${s.max.toPrecision(4)}, n=${s.samples})`;
const log = (name, s) => console.error(`  node ${name.padEnd(20)} ${fmt(s)}`);

console.error(`wasm under node ${process.version}, MarginLab ${lab.version}`);
const kernels = await runKernels(lab, fullLab, { repetitions, log, only: quick ? 'evaluate' : null });

// ---------------------------------------------------------------------------------------------
// @orderly.network/perp, resolved from the web/ npm tree (installed by npm ci; nothing at run time).
const requireWeb = createRequire(new URL('../../web/package.json', import.meta.url));
const orderlyVersion = requireWeb('@orderly.network/perp/package.json').version;
const { positions: orderly } = requireWeb('@orderly.network/perp');

// Orderly's margin model has one base MMR and a size-dependent curve instead of tier rows; the
// inputs map our first tier onto it: base MMR 0.004, base IMR 1/125, and an IMR factor small enough
// that the curve stays under the base rate at these notionals (so its formula is ours on tier 1).
const BASE_MMR = TIERS[0].maintenanceMarginRate, BASE_IMR = 1 / TIERS[0].maxLeverage, IMR_FACTOR = 2.5e-7;

const signed = (p) => (p.side === 'long' ? 1 : -1) * p.quantity;
const perCall = (s, calls) => ({ ...s, median: s.median / calls, min: s.min / calls, max: s.max / calls, sd: s.sd / calls, calls });

// The peer on the positions of evaluate/1 and evaluate/10, by its exact calls: each position isolated
// at its initial margin (entry notional / leverage), with positions.liquidationPriceIsolated without
// referencePrice (its closed form) and with it (the mark: the path that sizes the MMR by the notional),
// and positions.liqPrice of each position in the n-position cross book. Figures: us for all n calls.
const samePositions = {};
for (const n of [1, 10]) {
  const scenario = benchScenario(n);
  const isolated = (reference) => scenario.positions.map((p) => ({ isolatedPositionMargin: (p.quantity * p.entryPrice) / p.leverage,
    costPosition: signed(p) * p.entryPrice, positionQty: signed(p), sumUnitaryFunding: 0, lastSumUnitaryFunding: 0,
    baseMMR: BASE_MMR, baseIMR: BASE_IMR, IMRFactor: IMR_FACTOR, leverage: p.leverage, ...(reference && { referencePrice: p.markPrice }) }));
  const upnl = scenario.positions.reduce((a, p) => a + signed(p) * (p.markPrice - p.entryPrice), 0);
  const book = scenario.positions.map((p) => ({ symbol: p.symbol, position_qty: signed(p), mark_price: p.markPrice, mmr: BASE_MMR }));
  const cross = scenario.positions.map((p) => ({ markPrice: p.markPrice, symbol: p.symbol, totalCollateral: scenario.walletBalance + upnl,
    positionQty: signed(p), positions: book, MMR: BASE_MMR, baseMMR: BASE_MMR, baseIMR: BASE_IMR, IMRFactor: IMR_FACTOR,
    costPosition: signed(p) * p.entryPrice }));
  const closedInputs = isolated(false), referenceInputs = isolated(true);
  const time = (call, inputs) => measure(() => { for (const x of inputs) call(x); }, { repetitions, unit: 'us', minMs: 60, warmupMs: 100 });
  samePositions[n] = {
    closedForm: time(orderly.liquidationPriceIsolated, closedInputs),
    referencePrice: time(orderly.liquidationPriceIsolated, referenceInputs),
    liqPrice: time(orderly.liqPrice, cross),
    results: { closedForm: closedInputs.map((x) => orderly.liquidationPriceIsolated(x)),
      referencePrice: referenceInputs.map((x) => orderly.liquidationPriceIsolated(x)), liqPrice: cross.map((x) => orderly.liqPrice(x)) },
  };
  for (const k of ['closedForm', 'referencePrice', 'liqPrice']) log(`orderly ${k}/${n}`, samePositions[n][k]);
}

// Isolated: the first 10,000 positions of the batch, isolated at their initial margin, at entry.
const ISOLATED_N = quick ? 0 : 10000;
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
let orderlyIsolated = null;
if (ISOLATED_N) {
  const isolatedAll = measure(() => { for (const x of isoInputs) orderly.liquidationPriceIsolated(x); },
    { repetitions, unit: 'ms', minMs: 100, warmupMs: 200 });
  orderlyIsolated = { ...isolatedAll, median: (isolatedAll.median / ISOLATED_N) * 1000, min: (isolatedAll.min / ISOLATED_N) * 1000,
    max: (isolatedAll.max / ISOLATED_N) * 1000, sd: (isolatedAll.sd / ISOLATED_N) * 1000, unit: 'us', calls: ISOLATED_N,
    agreeOnTier1: agree, comparableOnTier1: comparable };
  log('orderly isolated', orderlyIsolated);
}

// Cross: liqPrice of each position of the 10-position scenario (one call), the others at their marks.
const orderlyCross = perCall(samePositions[10].liqPrice, 10);
orderlyCross.results = samePositions[10].results.liqPrice;

// ---------------------------------------------------------------------------------------------
// 0.1.0 in the same process, when scripts/bench.sh has built it (build/baseline-0.1.0): its evaluate
// always built the steps, so it is the reference of evaluate with { explain: true } on the same machine
// and load, instead of a figure from another day.
const baselineDir = new URL('../../build/baseline-0.1.0/src/web/dist/', import.meta.url);
let baseline = null;
if (existsSync(new URL('marginlab.wasm', baselineDir))) {
  const old = await (await import(new URL('marginlab.js', baselineDir))).default({ wasmBinary: readFileSync(new URL('marginlab.wasm', baselineDir)) });
  baseline = { version: old.version };
  for (const n of [1, 10]) {
    const scenario = benchScenario(n);
    const report = old.evaluate(scenario);
    if (report.errors.length || !report.isolated.positions[0].steps) throw new Error(`0.1.0 evaluate/${n}: no steps or errors`);
    baseline[`evaluate/${n}`] = measure(() => old.evaluate(scenario), { repetitions, unit: 'us' });
    log(`0.1.0 evaluate/${n}`, baseline[`evaluate/${n}`]);
  }
}

const over = (a, b) => (a && b ? a.median / b.median : undefined);
const ratios = {
  // The issue's: evaluate against the peer's calls on the same positions (> 1: MarginLab faster).
  evaluate1VsClosedForm: over(samePositions[1].closedForm, kernels['evaluate/1']),
  evaluate10VsClosedForm: over(samePositions[10].closedForm, kernels['evaluate/10']),
  evaluate1VsReferencePrice: over(samePositions[1].referencePrice, kernels['evaluate/1']),
  evaluate10VsReferencePrice: over(samePositions[10].referencePrice, kernels['evaluate/10']),
  evaluate1VsLiqPrice: over(samePositions[1].liqPrice, kernels['evaluate/1']),
  evaluate10VsLiqPrice: over(samePositions[10].liqPrice, kernels['evaluate/10']),
};
if (!quick) {
  const perPositionUs = (kernels.liquidationBatch1e6.median * 1000) / 1e6;
  Object.assign(ratios, {
    batchVsPlainJs: kernels.plainJsBatch1e6.median / kernels.liquidationBatch1e6.median,
    perPositionVsOrderlyIsolated: orderlyIsolated.median / perPositionUs,
    perPositionVsOrderlyCross: orderlyCross.median / (kernels['evaluate/10'].median / 10),
  });
  console.error(`  plain JS agrees with liquidationBatch on ${1e6 - kernels.plainJsBatch1e6.mismatches} of 1e6 positions (1e-9 relative)`);
  console.error(`  orderly ${orderlyVersion} agrees with ours on ${agree} of ${comparable} tier-1 positions (1e-6 relative)`);
}
console.error('  ratios (> 1: MarginLab wasm faster):');
for (const [k, v] of Object.entries(ratios)) console.error(`    ${k.padEnd(30)} ${v.toPrecision(3)}x`);

if (baseline) {
  ratios.explain1VsBaseline = over(kernels['evaluateExplain/1'], baseline['evaluate/1']);
  ratios.explain10VsBaseline = over(kernels['evaluateExplain/10'], baseline['evaluate/10']);
  console.error(`    (explain*VsBaseline: the explain path's time over 0.1.0's evaluate, < 1: faster)`);
}
const result = { node: process.version, version: lab.version, quick, kernels, baseline, orderly: { version: orderlyVersion, isolated: orderlyIsolated,
  cross: orderlyCross, samePositions }, ratios };
if (jsonFile) writeFileSync(jsonFile, JSON.stringify(result, null, 1));
