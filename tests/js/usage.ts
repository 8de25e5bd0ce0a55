// SPDX-License-Identifier: MIT
// Type-checks the hand-written marginlab.d.ts against real use (tsc --noEmit; not run).
import createMarginLab, { defaultScenario } from '../../web/dist/marginlab.js';
import type {
  Batch,
  CallOptions,
  DefaultTierTable,
  ErrorCode,
  ImportResult,
  InputError,
  MarginLab,
  Outcome,
  PositionOutcome,
  Report,
  Scenario,
  Step,
  Tier,
} from '../../web/dist/marginlab.js';

declare const wasmBinary: Uint8Array;

const lab: MarginLab = await createMarginLab({ wasmBinary });

const tiers: Tier[] = [
  { notionalCap: 50_000, maxLeverage: 125, maintenanceMarginRate: 0.004, maintenanceAmount: 0 },
  { notionalCap: 250_000, maxLeverage: 100, maintenanceMarginRate: 0.005 },
];

const scenario: Scenario = {
  version: 1,
  rules: 'binance',
  walletBalance: 10_000,
  takerFeeRate: 0.0005,
  positions: [
    { symbol: 'BTCUSDT', contract: 'linear', side: 'long', quantity: 0.5, entryPrice: 60_000, leverage: 20 },
    { symbol: 'ETHUSDT', side: 'short', quantity: 4, entryPrice: 3_000, markPrice: 2_950, leverage: 10, marginMode: 'cross' },
  ],
  tiers: { BTCUSDT: tiers },
};

const report: Report = lab.evaluate(scenario);
const again: Report = lab.evaluate(defaultScenario);
const explain: CallOptions = { explain: true };
const explained: Report = lab.evaluate(scenario, explain);

function describeLiquidation(p: PositionOutcome): string {
  const lp: number | null = p.liquidationPrice;
  if (lp === null) return 'no price liquidates it';
  return lp.toFixed(2); // narrowed to number
}

/** Steps come only with { explain: true }: optional in the types. */
function firstStep(o: Outcome): Step | undefined {
  return o.positions[0]?.steps?.find((s) => s.field === 'liquidationPrice');
}

if (report.errors.length > 0) {
  const codes: ErrorCode[] = report.errors.map((e: InputError) => e.code);
  const paths: string[] = report.errors.map((e) => e.path);
  const rules: string[] = report.errors.map((e) => e.rule);
  const limit: number | string | undefined = report.errors[0]?.params['limit'];
  void codes;
  void paths;
  void rules;
  void limit;
} else if (explained.isolated && explained.cross) {
  const step = firstStep(explained.isolated);
  const code: string | undefined = step?.code;
  const value: number | string | undefined = step?.params['value'];
  void code;
  void value;
}
if (report.errors.length === 0 && report.isolated && report.cross) {
  const text: string[] = report.isolated.positions.map(describeLiquidation);
  const equity: number = report.cross.account.equity;
  const ratio: number | null = report.cross.account.marginRatio;
  const step = firstStep(report.isolated);
  const value: number | null = step ? step.value : null;
  void text;
  void equity;
  void ratio;
  void value;
}
void again;

const prices = new Float64Array([50_000, 55_000, 60_000]);
const out = new Float64Array(prices.length);
const swept: { errors: InputError[] } = lab.sweep(scenario, prices, out, { mode: 'isolated', position: 0 });
void swept;

const tables: DefaultTierTable[] = lab.defaultTiers('binance', 'BTCUSDT');
const source: string | undefined = tables[0]?.source;
void source;
const venueIds: string[] = lab.venues();
const venueTables: DefaultTierTable[] = await lab.loadVenue('dydx');
const tick: string | undefined = venueTables[0]?.spec ? String(venueTables[0].spec.tickSize) : undefined;
void venueIds, tick;
const imported: ImportResult = await lab.importPositions('binance', '[]', { walletBalance: 1000, contractSizes: { BTCUSD_PERP: 100 } });
const figure: number | null = imported.venueFigures[0]?.liquidationPrice ?? null;
const from: string | undefined = imported.mapped[0]?.from;
const need: string | undefined = imported.missing[0]?.need;
void figure, from, need, imported.ignored, imported.errors;


const version: string = lab.version;
void version;

// ---- misuse the types must reject --------------------------------------------------------

// @ts-expect-error: 'up' is not a Side
const badSide: Scenario = { walletBalance: 1, positions: [{ symbol: 'X', side: 'up', quantity: 1, entryPrice: 1, leverage: 1 }] };
void badSide;

// @ts-expect-error: evaluate needs a scenario
lab.evaluate();

// @ts-expect-error: the options are an object
lab.evaluate(scenario, true);

// @ts-expect-error: steps may be absent (no explain), so they are not a plain array
const steps: Step[] = (report.isolated as Outcome).positions[0]!.steps;
void steps;

// @ts-expect-error: prices must be a Float64Array, not number[]
lab.sweep(scenario, [1, 2, 3], out);

// @ts-expect-error: 'ftx' is not a Rules profile
lab.defaultTiers('ftx');

// @ts-expect-error: liquidationPrice may be null, so it is not a plain number
const unchecked: number = (report.isolated as Outcome).positions[0]!.liquidationPrice;
void unchecked;

// @ts-expect-error: walletBalance is required
const noWallet: Scenario = { positions: [] };
void noWallet;

// @ts-expect-error: the version is readonly
lab.version = '9.9.9';

// @ts-expect-error: defaultScenario is Readonly
defaultScenario.walletBalance = 5;

// Batches in wasm memory: filled, solved without copies, freed.
const batch: Batch = lab.createBatch(2);
batch.side.set([1, -1]);
const batchErrors: InputError[] = lab.liquidationBatch({ rules: 'binance', tiers: [] }, batch).errors;
const firstPrice: number = batch.out[0]!;
void batchErrors, firstPrice;
batch.free();
// @ts-expect-error: a batch's arrays are read-only properties
batch.out = new Float64Array(2);
