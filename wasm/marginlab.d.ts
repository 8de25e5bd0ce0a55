// SPDX-License-Identifier: MIT
// MarginLab JS API, written by hand. Each declaration names the C++ header it mirrors.

/** Formula profile (core/include/marginlab/scenario.h, Rules; profile.h). */
export type Rules = 'binance' | 'bybit' | 'bybit-uta' | 'okx' | 'hyperliquid' | 'bitmex' | 'dydx' | 'simple';
/** scenario.h Contract: linear settles in the quote asset, inverse in the coin. */
export type Contract = 'linear' | 'inverse';
/** scenario.h Side. */
export type Side = 'long' | 'short';
/** scenario.h MarginMode. */
export type MarginMode = 'isolated' | 'cross';

/** One tier row (scenario.h Tier). Covers notionals above the previous row's cap up to its own. */
export interface Tier {
  /** Upper bound of the notional; linear: quote, inverse: coin. */
  notionalCap: number;
  /** Highest leverage while the entry notional is in this row. */
  maxLeverage: number;
  /** Fraction of notional. Optional only for `hyperliquid` (derived as 1 / (2 maxLeverage)). */
  maintenanceMarginRate?: number;
  /** Settlement asset; MM = notional * rate - amount. Default: the continuity recurrence (binance,
   *  bybit, hyperliquid, simple) or 0 (okx, bitmex, dydx). */
  maintenanceAmount?: number;
}

/** One position as entered (scenario.h Position). Prices are quote per base unit. */
export interface Position {
  symbol: string;
  /** Default 'linear'. */
  contract?: Contract;
  /** Linear: base units per contract; inverse: quote (USD) per contract. Default 1. */
  contractSize?: number;
  side: Side;
  /** Contracts, > 0. */
  quantity: number;
  entryPrice: number;
  /** Default: entryPrice. */
  markPrice?: number;
  /** > 0 and <= the tier's maxLeverage at the entry notional. Default 1 (scenario.h). */
  leverage?: number;
  /** Absent: compare both modes only. */
  marginMode?: MarginMode;
  /** Settlement asset; default: the initial margin at entry. */
  isolatedMargin?: number;
}

/** The scenario (scenario.h Scenario; DESIGN.md "Scenario format (version 1)"). */
export interface Scenario {
  /** Default 1; other versions are rejected. */
  version?: 1;
  /** Default 'binance'. */
  rules?: Rules;
  /** Collateral in the settlement asset (quote for linear, coin for inverse), >= 0. */
  walletBalance: number;
  /** Fraction of notional; default: the profile's own taker rate. */
  takerFeeRate?: number;
  positions: Position[];
  /** Per symbol; otherwise the profile's shipped table. */
  tiers?: Record<string, Tier[]>;
}

/** errors.h ErrorCode, as JS sees it. */
export type ErrorCode =
  | 'missing' | 'wrongType' | 'notFinite' | 'notPositive' | 'negative' | 'outOfRange' | 'unknownValue'
  | 'empty' | 'tooMany' | 'unsorted' | 'tierMissing' | 'mixed' | 'unsupported';

/** errors.h InputError: the path of the field to fix, e.g. "positions[1].leverage". */
export interface InputError {
  path: string;
  code: ErrorCode;
  message: string;
}

/** report.h Step: one line of "show the math", built by the code that computed the number. */
export interface Step {
  /** The report field it explains ("liquidationPrice", "equity", ...). */
  field: string;
  label: string;
  formula: string;
  substituted: string;
  /** null when no number exists (the label says why). */
  value: number | null;
}

/** report.h TierBoundary: the mark at which the position's notional reaches a tier cap. */
export interface TierBoundary {
  price: number;
  notional: number;
  /** 1-based row whose cap it is; the next row applies beyond it. */
  tier: number;
}

/** report.h PositionOutcome. Amounts in the settlement asset. */
export interface PositionOutcome {
  mode: MarginMode;
  /** null: no positive price liquidates the position (the steps say why). */
  liquidationPrice: number | null;
  bankruptcyPrice: number | null;
  /** At the mark; linear: quote, inverse: coin. */
  notional: number;
  initialMargin: number;
  maintenanceMargin: number;
  maintenanceMarginRate: number;
  /** 1-based tier row used for maintenanceMargin. */
  tier: number;
  /** 1-based tier row at the liquidation price. */
  liquidationTier: number | null;
  unrealizedPnl: number;
  /** unrealizedPnl / initialMargin. */
  roe: number;
  /** Isolated: its margin; cross: the cross wallet. */
  margin: number;
  /** Maintenance / equity backing it; null when that equity is <= 0. */
  marginRatio: number | null;
  /** Fraction of the mark: > 0 safe, <= 0 already liquidatable. */
  distanceToLiquidation: number | null;
  maxLoss: number;
  /** Ascending price. */
  tierBoundaries: TierBoundary[];
  steps: Step[];
}

/** report.h AccountOutcome. */
export interface AccountOutcome {
  equity: number;
  maintenanceMargin: number;
  marginRatio: number | null;
  availableBalance: number;
  maxLoss: number;
  steps: Step[];
}

/** report.h Outcome. */
export interface Outcome {
  positions: PositionOutcome[];
  account: AccountOutcome;
}

/** report.h Comparison: isolated against cross for one position, for the verdict. */
export interface Comparison {
  position: number;
  isolatedDistance: number | null;
  crossDistance: number | null;
  /** crossDistance - isolatedDistance (fraction of the mark); > 0: cross is further away. */
  distanceGain: number | null;
  isolatedMaxLoss: number;
  crossMaxLoss: number;
  steps: Step[];
}

/** report.h Report: outcomes, or every input error at once. */
export interface Report {
  isolated?: Outcome;
  cross?: Outcome;
  /** Present when some position carries a marginMode. */
  asGiven?: Outcome;
  /** One per position when the outcomes are present. */
  comparisons?: Comparison[];
  errors: InputError[];
}

/** sweep.h SweepRequest. */
export interface SweepOptions {
  /** Default 'cross'. */
  mode?: 'isolated' | 'cross' | 'asGiven';
  /** The positions of this one's symbol follow the price. Default 0. */
  position?: number;
}

/** batch.h BatchRequest: what the positions of a batch share. */
export interface BatchRequest {
  rules?: Rules; contract?: Contract; contractSize?: number; tiers: Tier[]; takerFeeRate?: number;
}

/** tiers.h DefaultTierTable. */
export interface DefaultTierTable {
  rules: Rules;
  /** "*" matches any symbol. */
  symbols: string[];
  tiers: Tier[];
  source: string;
  date: string;
}

/** A risk-lab answer: errors (empty on success), the tool's fields, and the steps behind them. */
export type Answer<T> = ({ errors: [] } & T & { steps: Step[] }) | { errors: InputError[] };

/** whatif.h AdjustRequest: quantityDelta > 0 adds on the position's side, < 0 reduces (past zero flips). */
export interface AdjustRequest { position: number; price: number; quantityDelta: number }
/** whatif.h AdjustResult. */
export interface AdjustResult {
  scenario: Scenario; report: Report; side: Side; quantity: number; entryPrice: number; realizedPnl: number;
  flipped: boolean; closed: boolean;
}
/** whatif.h targetPrice(). */
export interface TargetRequest { position: number; kind?: 'pnl' | 'roe'; target: number }
/** whatif.h MaxOpenRequest. */
export interface MaxOpenRequest {
  symbol: string; contract?: Contract; contractSize?: number; side: Side; price: number; leverage: number; mode?: MarginMode;
}
export interface MaxOpenResult { quantity: number; notional: number; initialMargin: number; tier: number }
/** whatif.h StopSizeRequest. */
export interface StopSizeRequest {
  symbol: string; contract?: Contract; contractSize?: number; side: Side; entryPrice: number; stopPrice: number;
  riskFraction: number; leverage: number; mode?: MarginMode;
}
export interface StopSizeResult { quantity: number; riskAmount: number; liquidationPrice: number | null; stopBeyondLiquidation: boolean }
/** whatif.h marginToTarget(). */
export interface MarginToTargetRequest { position: number; targetLiquidationPrice: number }
export interface MarginToTargetResult {
  isolatedMarginToAdd: number; walletToAdd: number;
  /** false: no amount lands the liquidation price exactly on the target (a tier step, a margin <= 0); the steps say where it lands. */
  isolatedExact: boolean; crossExact: boolean;
}
/** stress.h StressRequest: shocks as fractions of the mark. */
export interface StressRequest { shocks: number[]; model?: 'oneFactor' | 'eachSymbol'; betas?: Record<string, number> }
export interface StressCell {
  symbol: string; shock: number; isolatedEquity: number; crossEquity: number;
  isolatedMarginRatio: number | null; crossMarginRatio: number | null;
  isolatedLiquidated: boolean[]; crossLiquidated: boolean[];
}
/** stress.h CascadeRequest: marks[step][symbol]. */
export interface CascadeRequest { marks: Record<string, number>[]; style?: 'wholeAccount' | 'tierByTier'; liquidationFeeRate?: number }
export interface CascadeEvent {
  step: number; position: number; symbol: string; price: number; closedQuantity: number; fee: number;
  equityAfter: number; pastBankruptcy: boolean; description: string;
}
export interface CascadeResult { events: CascadeEvent[]; equity: number[]; finalEquity: number; insuranceFundLoss: number }
/** stress.h fundingImpact(): rate per interval, > 0 longs pay. */
export interface FundingRequest { position: number; rate: number; intervals: number }
export interface FundingResult {
  paymentPerInterval: number; totalPayment: number; isolatedLiquidationPrice: number | null; crossLiquidationPrice: number | null;
  isolatedLiquidationPriceBefore: number | null; crossLiquidationPriceBefore: number | null;
  isolatedMarginAfter: number; walletAfter: number;
  /** After the payments the mark is at or past the liquidation price. */
  isolatedLiquidated: boolean; crossLiquidated: boolean;
}
/** odds.h liquidationOdds(): annualised volatility and drift, horizon in years. */
export interface OddsRequest { position: number; volatility: number; years: number; drift?: number }
export interface OddsResult { isolatedProbability: number | null; crossProbability: number | null }
/** odds.h MonteCarloRequest. */
export interface MonteCarloRequest {
  volatility: Record<string, number>; correlation?: number[][]; drift?: Record<string, number>;
  years: number; steps: number; paths: number; seed?: number;
}
/** odds.h MonteCarloTally. */
export interface MonteCarloTally {
  paths: number; isolatedAnyLiquidated: number; crossLiquidated: number; isolatedByPosition: number[];
  isolatedTimeHistogram: number[]; crossTimeHistogram: number[];
}
/** engine.h UnwindRequest. */
export interface UnwindRequest {
  position: number; mode?: MarginMode; style?: 'market' | 'twap' | 'iceberg';
  book?: { price: number; size: number }[]; depthPerPercent?: number; slices?: number; visibleSize?: number;
  replenishFraction?: number; insuranceFund?: number;
}
export interface UnwindSlice {
  quantity: number; averagePrice: number; worstPrice: number; requested: number; unfilled: number; levels: number;
  insuranceFundChange: number; insuranceFundAfter: number;
}
export interface UnwindResult {
  slices: UnwindSlice[]; averagePrice: number; bankruptcyPrice: number; liquidationPrice: number;
  insuranceFundChange: number; insuranceFundAfter: number; unfilled: number; autoDeleveraging: boolean;
  quantity: number; filled: number; worstPrice: number; depthModel: boolean;
  /** 0-based slice where ADL starts. */
  adlSlice: number | null;
  /** The average fill at which the fund would be used up; null: it covers any price. */
  adlThresholdPrice: number | null;
}

export interface MarginLab {
  /** Semver of the core and this API (marginlab.h kVersion). */
  readonly version: string;
  /** Every ErrorCode string, in the order of errors.h. */
  readonly errorCodes: readonly ErrorCode[];
  /** evaluate.h evaluate(). Throws TypeError only when scenario is not an object. */
  evaluate(scenario: Scenario): Report;
  /** sweep.h sweepEquity(): writes account equity at each price into out (same length). */
  sweep(scenario: Scenario, prices: Float64Array, out: Float64Array, options?: SweepOptions): { errors: InputError[] };
  /** batch.h isolatedLiquidationBatch(): positions of one symbol, isolated at their initial margin
   *  and marked at entry; out[i] = the liquidation price, or 0 when none. side[i] is 1 or -1. */
  liquidationBatch(request: BatchRequest, positions: { side: Float64Array; quantity: Float64Array;
    entryPrice: Float64Array; leverage: Float64Array }, out: Float64Array): { errors: InputError[] };
  /** The same on a batch from createBatch, without copies: the prices are in batch.out (meaningful
   *  only when errors is empty). */
  liquidationBatch(request: BatchRequest, batch: Batch): { errors: InputError[] };
  /** Arrays for n positions in wasm memory (fill, call liquidationBatch(request, batch), read out). */
  createBatch(n: number): Batch;
  /** The shipped tier tables of a profile (optionally for one symbol). */
  defaultTiers(rules: Rules, symbol?: string): DefaultTierTable[];
}

/** Arrays of createBatch: views of wasm memory, made anew when memory grows, so read them through
 *  the batch after each call. free() returns the memory; the batch is unusable after it. */
export interface Batch {
  readonly length: number;
  readonly side: Float64Array;
  readonly quantity: Float64Array;
  readonly entryPrice: Float64Array;
  readonly leverage: Float64Array;
  readonly out: Float64Array;
  free(): void;
}

/** marginlab-full.js: the calculator and the risk lab. */
export interface MarginLabFull extends MarginLab {
  adjust(scenario: Scenario, request: AdjustRequest): Answer<AdjustResult>;
  targetPrice(scenario: Scenario, request: TargetRequest): Answer<{ price: number | null }>;
  maxOpen(scenario: Scenario, request: MaxOpenRequest): Answer<MaxOpenResult>;
  sizeFromStop(scenario: Scenario, request: StopSizeRequest): Answer<StopSizeResult>;
  marginToTarget(scenario: Scenario, request: MarginToTargetRequest): Answer<MarginToTargetResult>;
  stress(scenario: Scenario, request: StressRequest): Answer<{ cells: StressCell[] }>;
  cascade(scenario: Scenario, request: CascadeRequest): Answer<CascadeResult>;
  funding(scenario: Scenario, request: FundingRequest): Answer<FundingResult>;
  odds(scenario: Scenario, request: OddsRequest): Answer<OddsResult>;
  /** Paths [begin, end) (default: all) added to `tally`; the same seed gives the same tally however it is chunked. */
  monteCarlo(scenario: Scenario, request: MonteCarloRequest,
    chunk?: { begin?: number; end?: number; tally?: MonteCarloTally }): ({ errors: [] } & MonteCarloTally) | { errors: InputError[] };
  unwind(scenario: Scenario, request: UnwindRequest): Answer<UnwindResult>;
}

/** Options for the Emscripten factory; `wasmBinary` lets node load without fetch. */
export interface MarginLabOptions {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (file: string, prefix: string) => string;
}

/** The ready example of the page: a leveraged BTCUSDT long beside an ETHUSDT short. */
export const defaultScenario: Readonly<Scenario>;

export default function createMarginLab(options?: MarginLabOptions): Promise<MarginLab>;
