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
  /** The message-table key (core/include/marginlab/messages.h), stable: "mustBePositive", "leverageAboveTier". */
  rule: string;
  /** English, names the value and the limit. */
  message: string;
  /** errors.h Param: what the message mentions, by name ({ value: 500, limit: 125 }), so a page or a
   *  translation can phrase it without parsing text. */
  params: Record<string, number | string>;
}

/** report.h Step: one line of "show the math", built by a tool's explanation pass on request. */
export interface Step {
  /** The report field it explains ("liquidationPrice", "equity", ...). */
  field: string;
  /** Stable id of the step's kind ("notional.linear", "liquidationPrice.tier"). */
  code: string;
  label: string;
  formula: string;
  substituted: string;
  /** null when no number exists (the label says why). */
  value: number | null;
  /** The numbers and names the step substitutes, by name. */
  params: Record<string, number | string>;
}

/** The last argument of every call. */
export interface CallOptions {
  /** Build and return the steps ("show the math"). Without it no answer carries a `steps` key. */
  explain?: boolean;
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
  /** The mark is at or past the liquidation price: liquidated now. */
  pastLiquidation: boolean;
  /** The mark is at or past the bankruptcy price: the loss exceeds the margin. */
  pastBankruptcy: boolean;
  /** Ascending price. */
  tierBoundaries: TierBoundary[];
  /** With { explain: true } only. */
  steps?: Step[];
}

/** report.h AccountOutcome. */
export interface AccountOutcome {
  equity: number;
  maintenanceMargin: number;
  marginRatio: number | null;
  availableBalance: number;
  maxLoss: number;
  /** Equity at or below a positive maintenance margin. */
  pastLiquidation: boolean;
  /** With { explain: true } only. */
  steps?: Step[];
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
  /** With { explain: true } only. */
  steps?: Step[];
}

/** report.h Report: outcomes, or every input error at once. */
export interface Report {
  isolated?: Outcome;
  cross?: Outcome;
  /** Present when some position carries a marginMode. */
  asGiven?: Outcome;
  /** One per position when the outcomes are present. */
  comparisons?: Comparison[];
  /** The asset amounts are in (report.h, names.cpp settlementAsset): linear, the symbol's quote asset
   *  ("USDT", "USDC", "USD"; "quote" when unknown); inverse, its coin ("BTC", "XBT"; "coin" when unknown).
   *  Also beside errors, once a position names a symbol. */
  settlementAsset?: string;
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
  /** Default 'binance'. */
  rules?: Rules;
  /** Default 'linear'. */
  contract?: Contract;
  /** Default 1. */
  contractSize?: number;
  /** Default: the profile's own taker rate. */
  takerFeeRate?: number;
  /** The symbol's table. */
  tiers: Tier[];
}

/** tiers.h DefaultTierTable, or one contract of a shipped venue file (core/data/venues, with `venue`). */
export interface DefaultTierTable {
  rules: Rules;
  /** "*" matches any symbol. A venue table: its symbol first, then its aliases (matched in any case). */
  symbols: string[];
  /** A venue table's rows only once loadVenue(venue) has loaded them (`loaded`); [] before. An open last
   *  cap (the venue sets none) is 1e15. */
  tiers: Tier[];
  source: string;
  /** The snapshot's date (a venue table: its file's source.snapshotDate). */
  date: string;
  /** The venue file's id ("binance-usdm", "dydx", "hyperliquid"); absent on the built-in tables. */
  venue?: string;
  product?: string;
  /** True once the venue's tier tables are loaded. */
  loaded?: boolean;
  /** The contract the table's caps are for (linear: quote notionals; inverse: coin notionals). Absent on
   *  the textbook profile's table, which serves either. A position of the other contract is refused
   *  (tierOtherContract) unless tiers gives its own table. */
  contract?: Contract;
  baseAsset?: string;
  quoteAsset?: string;
  settleAsset?: string;
  /** The contract's specification. */
  spec?: ContractSpec;
  /** Present when the table's caps are position sizes, not notionals (OKX's position tiers): in the
   *  venue's contracts (of spec.contractSize) or in base coin. Such a table goes to the core as the one
   *  row a position's size falls in (see core/data/venues/README.md). */
  capUnit?: 'contracts' | 'coin';
  /** Where the specification comes from when not from `source`, and its date. */
  specSource?: string;
  specDate?: string;
}

/** A venue contract's specification (core/data/venues/README.md). */
export interface ContractSpec {
  /** Base (linear) or quote (inverse) per contract. */
  contractSize: number;
  /** The price step. */
  tickSize: number;
  /** The quantity step, in the unit of Position.quantity. */
  lotSize: number;
  minQty?: number;
  minNotional?: number;
  /** At most this many significant figures in a price besides the tick (Hyperliquid: 5; whole prices always allowed). */
  priceSigFigs?: number;
}

/** venue.h TickRequest: a price to show on a venue's tick. */
export interface TickPriceRequest {
  /** The profile decides the direction (bybit, bybit-uta: toward the entry; the others: nearest). Default 'binance'. */
  rules?: Rules;
  /** Default 'long'. */
  side?: Side;
  price: number;
  tickSize: number;
  /** 0 or absent: no limit. */
  priceSigFigs?: number;
}
/** venue.h TickResult. */
export interface TickPrice {
  price: number;
  /** The request's price. */
  exact: number;
  /** Decimals that print `price` exactly. */
  decimals: number;
  rounding: 'nearest' | 'conservative';
  steps?: Step[];
}
/** venue.h LotRequest: a size in whole lots of a venue. */
export interface WholeLotsRequest {
  /** Default 'linear'. */
  contract?: Contract;
  quantity: number;
  lotSize: number;
  /** Default 1. */
  contractSize?: number;
  /** Names the unit of a linear contract of size 1 ("BTC"). */
  baseAsset?: string;
}
/** venue.h LotResult: floor(quantity / lotSize) lots. */
export interface WholeLots {
  quantity: number;
  lots: number;
  decimals: number;
  /** baseAsset for a linear contract of size 1 with a baseAsset, else "contracts". */
  unit: string;
  steps?: Step[];
}

/** A risk-lab answer: errors (empty on success), the tool's fields, and with { explain: true } the steps behind them. */
export type Answer<T> = ({ errors: [] } & T & { steps?: Step[] }) | { errors: InputError[] };
/** report.h ByMode: a result under both margin modes. */
export interface ByMode<T> { isolated: T; cross: T }

/** whatif.h AdjustRequest: quantityDelta > 0 adds on the position's side, < 0 reduces (past zero flips). */
export interface AdjustRequest { position: number; price: number; quantityDelta: number }
/** whatif.h AdjustResult. */
export interface AdjustResult {
  scenario: Scenario; report: Report; side: Side; quantity: number; entryPrice: number;
  /** Net of the closing taker fee. */
  realizedPnl: number;
  /** Taker fees the fill pays from the wallet (closing and opening parts). */
  fee: number;
  flipped: boolean; closed: boolean;
}
/** whatif.h TargetRequest. */
export interface TargetRequest { position: number; kind?: 'pnl' | 'roe'; target: number }
/** whatif.h MaxOpenRequest. */
export interface MaxOpenRequest {
  symbol: string; contract?: Contract; contractSize?: number; side: Side; price: number; leverage: number; mode?: MarginMode;
}
/** whatif.h MaxOpenResult: the opened part's notional, margin, open loss and fee; quantity includes closingQuantity. */
export interface MaxOpenResult {
  quantity: number; notional: number; initialMargin: number; openLoss: number; fee: number; cost: number;
  heldQuantity: number; closingQuantity: number; tier: number;
}
/** whatif.h StopSizeRequest. */
export interface StopSizeRequest {
  symbol: string; contract?: Contract; contractSize?: number; side: Side; entryPrice: number; stopPrice: number;
  riskFraction: number; leverage: number; mode?: MarginMode;
}
/** whatif.h StopSizeResult: riskAmount is the loss at the stop with the taker fees in and out (fees). */
export interface StopSizeResult { quantity: number; riskAmount: number; fees: number; liquidationPrice: number | null; stopBeyondLiquidation: boolean }
/** whatif.h MarginToTargetRequest. */
export interface MarginToTargetRequest { position: number; targetLiquidationPrice: number }
/** whatif.h MarginToTargetResult. */
export interface MarginToTargetResult {
  /** isolated: the isolated margin to add; cross: the wallet to add. Negative: what can be removed. */
  toAdd: ByMode<number>;
  /** false: no amount lands the liquidation price exactly on the target (a tier step, a margin <= 0); the steps say where it lands. */
  exact: ByMode<boolean>;
}
/** stress.h ShockRange: from, from + step, ... up to `to`, each rounded to 1e-8; at most 1000 shocks. */
export interface ShockRange { from: number; to: number; step: number }
/** stress.h StressRequest: shocks as fractions of the mark, listed or as a range (one of the two). */
export interface StressRequest {
  shocks?: number[] | Float64Array; shockRange?: ShockRange; model?: 'oneFactor' | 'eachSymbol'; betas?: Record<string, number>;
}
/** stress.h StressCell: the accounts at the moved marks. */
export interface StressCell {
  /** eachSymbol: the symbol moved; oneFactor: ''. */
  symbol: string; shock: number;
  equity: ByMode<number>;
  /** null: equity <= 0. */
  marginRatio: ByMode<number | null>;
  /** Per position: at or past its liquidation price. */
  liquidated: ByMode<boolean[]>;
}
/** stress.h CascadePath: step k of `steps` sets every mark to mark * (1 + move * k / steps). */
export interface CascadePath { move: number; steps: number }
/** stress.h CascadeRequest: marks[step][symbol], or a straight path (one of the two). */
export interface CascadeRequest {
  marks?: Record<string, number>[]; path?: CascadePath; style?: 'wholeAccount' | 'tierByTier'; liquidationFeeRate?: number;
}
/** stress.h CascadeReason. */
export type CascadeReason = 'wholeAccount' | 'takeover' | 'tierCut' | 'tierClose';
/** stress.h CascadeEvent: every number of the event's story (the page phrases it). */
export interface CascadeEvent {
  step: number; position: number; symbol: string; reason: CascadeReason; price: number;
  quantityBefore: number; closedQuantity: number; quantityAfter: number; realizedPnl: number; closedNotional: number; fee: number;
  /** Account equity and maintenance when the pass that did this was triggered. */
  triggerEquity: number; triggerMaintenance: number;
  /** tierCut / tierClose: this position's maintenance (the largest), its 1-based tier (0 otherwise), the cap it was cut to. */
  positionMaintenance: number; tier: number; tierCap: number | null;
  equityBefore: number; walletAfter: number; equityAfter: number;
  /** The loss past zero the insurance fund covered at this close. */
  shortfall: number;
  pastBankruptcy: boolean;
}
export interface CascadeResult { events: CascadeEvent[]; equity: number[]; finalEquity: number; insuranceFundLoss: number }
/** stress.h FundingRequest: rate per interval, > 0 longs pay. */
export interface FundingRequest { position: number; rate: number; intervals: number }
/** stress.h FundingResult. */
export interface FundingResult {
  paymentPerInterval: number; totalPayment: number;
  /** isolated: the position's margin after the payments; cross: the wallet after them. */
  marginAfter: ByMode<number>;
  liquidationPrice: ByMode<number | null>;
  liquidationPriceBefore: ByMode<number | null>;
  /** After the payments the mark is at or past the liquidation price. */
  liquidated: ByMode<boolean>;
}
/** odds.h VolatilityFrom: the volatility read from a surface at the horizon and a strike (default: the mark). */
export interface VolatilityFrom { surface: VolSurface; strike?: number }
/** odds.h JumpModel: Merton jumps, `intensity` a year, each multiplying the mark by e^Y, Y ~ N(meanLog, stdevLog²). */
export interface JumpModel { intensity: number; meanLog: number; stdevLog: number }
/** odds.h OddsRequest: annualised volatility and drift; the horizon in years or in days (ACT/365), exactly one.
 *  `volatility` may be left out when `volatilityFrom` gives it. `fundingRate` (per interval, |rate| < 1; off
 *  when absent) is accrued continuously over `fundingIntervalHours` (default 8) and moves the liquidation price. */
export interface OddsRequest {
  position: number; volatility?: number; years?: number; days?: number; drift?: number;
  fundingRate?: number; fundingIntervalHours?: number; volatilityFrom?: VolatilityFrom;
}
/** odds.h OddsResult: per mode, the probability that the mark touches the liquidation price; null: no such price.
 *  `exact` is false with funding: the closed form then takes the moving barrier as exponential in time. */
export interface OddsResult {
  probability: ByMode<number | null>; volatility: number;
  liquidationPriceAtHorizon: ByMode<number | null>; exact: boolean;
}
/** odds.h MonteCarloRequest: the horizon in years or in days (ACT/365), exactly one; funding as in OddsRequest. */
export interface MonteCarloRequest {
  volatility: Record<string, number>; correlation?: number[][]; drift?: Record<string, number>;
  years?: number; days?: number; steps: number; paths: number; seed?: number;
  fundingRate?: number; fundingIntervalHours?: number; jumps?: JumpModel;
}
/** odds.h TailEstimate: an estimate and its standard error (sectioning: 20 sections of the paths). */
export interface TailEstimate { value: number; standardError: number }
/** odds.h LossMeasures: VaR (order statistic L_(ceil(n a))) and expected shortfall at 99% and 97.5%. */
export interface LossMeasures { var99: TailEstimate; var975: TailEstimate; es99: TailEstimate; es975: TailEstimate; mean: number }
/** odds.h FundLoss: the insurance fund's loss past bankruptcy: quantiles at VarResult.levels. */
export interface FundLoss { quantiles: number[]; probability: number; mean: number }
/** odds.h VarResult: the account's loss over the horizon (settlement asset; > 0: a loss), per mode. */
export interface VarResult {
  paths: number; sections: number; levels: number[];
  loss: ByMode<LossMeasures>; insuranceFund: ByMode<FundLoss>;
}
/** odds.h MonteCarloTally: pass it back as `tally` to continue. */
export interface MonteCarloTally {
  paths: number;
  /** Paths where some isolated position was liquidated / where the cross account hit maintenance. */
  liquidatedPaths: ByMode<number>;
  isolatedByPosition: number[];
  /** Per time step: the paths first liquidated in it. */
  timeHistogram: ByMode<number[]>;
  /** liquidatedPaths / paths; null when no path was simulated. */
  probability: ByMode<number | null>;
  /** Days until half the liquidated paths were liquidated; null when none was. */
  medianDays: ByMode<number | null>;
  /** The standard error of `probability`, sqrt(p (1 - p) / paths); null when no path was simulated. */
  standardError: ByMode<number | null>;
  /** The 95% interval of `probability` (Wilson score); null when no path was simulated. */
  interval95: ByMode<{ low: number; high: number } | null>;
  /** True when touches of the liquidation price between two steps count (Brownian bridge): isolated
   *  always, cross for one symbol; false: checked at the end of each step only. */
  continuous: ByMode<boolean>;
  /** With { explain: true } only: the paths and time step, each symbol's log step, Merton's jump
   *  parameters, the Brownian-bridge touch probability of a step for each liquidation price (formula and
   *  a worked step), the estimate, its standard error, its 95% interval and the median time. */
  steps?: Step[];
}
/** engine.h BookLevel: one price level of the side of the book the engine trades against. */
export interface BookLevel { price: number; size: number }
/** engine.h UnwindRequest. */
export interface UnwindRequest {
  position: number; mode?: MarginMode; style?: 'market' | 'twap' | 'iceberg';
  book?: BookLevel[]; depthPerPercent?: number; slices?: number; visibleSize?: number;
  replenishFraction?: number; insuranceFund?: number;
  /** The liquidation order: 'book' (default) fills through the book, the fund paying for fills worse than
   * the bankruptcy price while it can (BitMEX); 'iocAtBankruptcy' is an immediate-or-cancel at the
   * bankruptcy price that fills only levels at or better than it (Binance, Bybit). */
  order?: 'book' | 'iocAtBankruptcy';
  /** Partial liquidation: 'none' (default) unwinds the whole position; 'venue' follows the venue's documented
   * partial liquidation where the lab has it (Hyperliquid: a USDC position over 100,000 notional, isolated
   * or cross, sends 20% first, then the whole rest within the 30 s cooldown, or the backstop below 2/3 of
   * the maintenance margin; Binance, Bybit, BitMEX, OKX: the tier step down when `stepDown` names its
   * assumption); elsewhere as 'none', a step saying why. Needs style 'market'. */
  partial?: 'none' | 'venue';
  /** The tiered venues' step down (with partial 'venue'; Binance, Bybit, BitMEX, OKX): 'none' (default)
   * models none, since the venues do not publish how much each order closes. 'lowerTierAssumed': each
   * order reduces the position to the cap of the next lower tier, then the margin is checked at the mark;
   * met: the rest is kept; not: the next step, and from the lowest tier the whole rest. 'twoTiersAssumed':
   * two tiers at a time (copies of OKX's text). Both ASSUME the size, and a market order through the book. */
  stepDown?: 'none' | 'lowerTierAssumed' | 'twoTiersAssumed';
}
export interface UnwindSlice {
  quantity: number; averagePrice: number; worstPrice: number; requested: number; unfilled: number; levels: number;
  insuranceFundChange: number; insuranceFundAfter: number;
  /** Of unfilled: taken over by the insurance fund at the bankruptcy price (its balance was > 0). */
  fundTakeover: number;
  /** Of unfilled: deleveraged at the bankruptcy price (the fund was empty). */
  adlQuantity: number;
  /** A partial order's contracts the book did not fill: they stay in the position (not in unfilled). */
  carried: number;
}
export interface UnwindResult {
  slices: UnwindSlice[]; averagePrice: number; bankruptcyPrice: number; liquidationPrice: number;
  insuranceFundChange: number; insuranceFundAfter: number; unfilled: number; autoDeleveraging: boolean;
  quantity: number; filled: number; worstPrice: number; depthModel: boolean;
  /** 0-based first slice with an ADL quantity. */
  adlSlice: number | null;
  /** The average fill at which the fund would be used up; null: it covers any price. */
  adlThresholdPrice: number | null;
  /** Contracts the insurance fund took over at the bankruptcy price (no ADL for them). */
  fundTakeover: number;
  /** Contracts deleveraged at the bankruptcy price; > 0 exactly when autoDeleveraging. */
  adlQuantity: number;
  /** The venue's partial liquidation applied: slice 0 is the partial order. */
  partialLiquidation: boolean;
  /** Contracts the trader keeps: the partial order restored the maintenance margin at the mark.
   * filled + unfilled + remaining = quantity. */
  remaining: number;
  /** Hyperliquid's backstop: equity below 2/3 of the maintenance margin after the partial order; the
   * liquidator vault (the fund) took the rest at the bankruptcy price. */
  backstop: boolean;
  /** The tier step-down orders sent (stepDown): slices 0 .. stepDownOrders - 1; 0 without a step down. */
  stepDownOrders: number;
}

/** adl.h AdlRequest. The crowd (the other traders) is an assumption: quantiles at evenly spaced
 * probabilities 0..1, ascending, independent; empty or absent: the default. */
export interface AdlRequest {
  position: number; mode?: MarginMode;
  /** The others' PnL% (0.1 = 10%), 2 to 101 values. Default [-0.5, -0.1, 0, 0.1, 0.5]. */
  pnlQuantiles?: number[];
  /** The others' effective leverage (Bybit, BitMEX; default [1, 2, 5, 10, 25]) or margin ratio (Binance;
   * default [0.01, 0.05, 0.1, 0.3, 0.8]). */
  leverageQuantiles?: number[];
  /** OKX only: OKX publishes no ranking formula, so OKX is refused unless this names the assumption:
   * 'pnlTimesLeverageAssumed' ranks it as Bybit does (PnL% × or ÷ effective leverage). Default 'none'. */
  okxRanking?: 'none' | 'pnlTimesLeverageAssumed';
}
export interface AdlRankResult {
  /** PnL% in the venue's definition (Binance: max(0, uPnL) / max(1, wallet)). */
  pnlPercent: number;
  /** Effective leverage (Bybit, BitMEX) or margin ratio (Binance). */
  leverage: number;
  /** The ranking score: PnL% × or ÷ effective leverage (profit / loss), or Binance's PnL% × margin ratio. */
  score: number;
  /** Share of the crowd whose score is below the position's (0..1). */
  quantile: number;
  /** The five-light indicator: 1..5, 20% buckets of quantile (5: deleveraged first). */
  lights: number;
  /** The crowd used (the defaults when none was given). */
  pnlQuantiles: number[]; leverageQuantiles: number[];
}

/** reconcile.h VenueFigure: what a venue shows for scenario.positions[position] (imported or typed).
 *  At least one of the five figures; the inputs after them feed the conventions that need them. */
export interface VenueFigure {
  position: number;
  liquidationPrice?: number; bankruptcyPrice?: number;
  /** Settlement asset. */
  initialMargin?: number; maintenanceMargin?: number;
  /** Maintenance / margin balance, a fraction (0.05 = 5%). */
  marginRatio?: number;
  /** The symbol's price step: prices match within half a tick (else options.relativeTolerance). */
  tick?: number;
  /** The symbol's quantity step, in the position's quantity unit. */
  lot?: number;
  lastPrice?: number; indexPrice?: number;
  /** Funding paid out of the margin since the position opened (negative: received). */
  fundingPaid?: number;
  /** Margin held by the account's open orders (cross). */
  openOrderMargin?: number;
}
/** reconcile.h ReconcileRequest: what lab.reconcile sends to the core (venueFigures, options.relativeTolerance). */
export interface ReconcileRequest { venueFigures: VenueFigure[]; relativeTolerance?: number }
/** reconcile(scenario, venueFigures, options): CallOptions and the tolerance where no tick applies. */
export interface ReconcileOptions extends CallOptions {
  /** Relative tolerance for prices without a tick, amounts and ratios; 1e-12 to 0.1, default 1e-5. */
  relativeTolerance?: number;
}
/** reconcile.h Convention: one switch away from MarginLab's default for the profile. */
export type Convention = 'tierAtEntry' | 'maintenanceOnEntryValue' | 'tierAtLiquidation' | 'maintenanceAtPrice' |
  'lastPrice' | 'indexPrice' | 'feeToClose' | 'noFeeToClose' | 'funding' | 'othersNotHeld' | 'openOrders' |
  'tickRounding' | 'lotRounding' | 'rateRounding';
/** reconcile.h ReconciledFigures: one combination's figures for the position. */
export interface ReconciledFigures {
  liquidationPrice: number | null; bankruptcyPrice: number | null;
  initialMargin: number; maintenanceMargin: number; marginRatio: number | null;
}
/** reconcile.h FigureDifference: a venue figure against the combination's. */
export interface FigureDifference {
  field: 'liquidationPrice' | 'bankruptcyPrice' | 'initialMargin' | 'maintenanceMargin' | 'marginRatio';
  venue: number; computed: number | null;
  /** computed - venue (0 when computed is null). */
  difference: number;
  /** Half the tick, or relativeTolerance x |venue|. */
  tolerance: number;
  within: boolean;
}
/** reconcile.h PositionReconciliation. */
export interface PositionReconciliation {
  position: number;
  /** MarginLab's figures under its own conventions. */
  marginLab: ReconciledFigures;
  /** MarginLab's figures already reproduce the venue's. */
  agrees: boolean;
  /** Some combination reproduces every figure given. */
  reproduced: boolean;
  /** The switches of the combination found (fewest first), or of the nearest when none reproduces. */
  conventions: Convention[];
  figures: ReconciledFigures;
  differences: FigureDifference[];
  /** Sum of |difference| / |venue| over the figures given. */
  distance: number;
  /** Combinations evaluated. */
  tried: number;
  /** The switches this position's inputs allow. */
  available: Convention[];
  steps?: Step[];
}
/** reconcile.h ReconcileResult: lab.reconcile's answer, one entry per venue figure, in their order. */
export interface ReconcileResult {
  positions: PositionReconciliation[];
}

// ---- Options accounts (marginlab-full.js; scenario version 2, README "Options accounts") --------

/** black.h OptionType. */
export type OptionType = 'call' | 'put';
/** options.h VolDynamics: how a volatility read from the surface follows the underlying price. */
export type VolDynamics = 'stickyStrike' | 'stickyMoneyness';
/** options.h VolShockKind: relative sigma x (1 + shock x scale), absolute sigma + shock x scale. */
export type VolShockKind = 'relative' | 'absolute';

/** A perpetual or future of an options account (options.h OptionsScenario::futures, a v1
 *  scenario.h Position marked at underlyingPrice: no markPrice, marginMode or isolatedMargin). */
export interface FuturePosition {
  /** A label. */
  symbol?: string;
  /** Must equal the account's settlement; default: the settlement. */
  contract?: Contract;
  /** Linear: coins per contract; inverse: quote (USD) per contract. Default 1. */
  contractSize?: number;
  side: Side;
  /** Contracts, > 0. */
  quantity: number;
  entryPrice: number;
}

/** options.h OptionPosition: European, cash-settled. Give expiryYears or expiryDate. */
export interface OptionPosition {
  /** A label, e.g. "BTC-27MAR26-60000-C". */
  symbol?: string;
  type: OptionType;
  /** Quote per coin, > 0. */
  strike: number;
  /** Years after the valuation date, > 0 and <= 100. */
  expiryYears?: number;
  /** "YYYY-MM-DD[THH:MM[:SS]][Z]", UTC, or Deribit's "27MAR26" (that day at 08:00 UTC); after valuationDate (which it needs). */
  expiryDate?: string;
  side: Side;
  /** Coins of underlying (one Deribit option = 1 coin), > 0. */
  quantity: number;
  /** Per coin paid (long) or received (short), settlement asset (coin when inverse), >= 0. */
  premium: number;
  /** Annualised, > 0 and <= 10; default: volSurface at the option's expiry and strike. */
  volatility?: number;
}

/** surface.h VolSurface: vols[i][j] at expiries[i] (years) and strikes[j], both strictly increasing. */
export interface VolSurface {
  /** Years from the valuation date, strictly increasing; or expiryDates instead. */
  expiries?: number[];
  /** Instead of expiries, in an options scenario: dates as the venue shows them ('27MAR26', 08:00 UTC)
   *  or ISO ('2026-03-27'), strictly increasing, turned into years against its valuationDate. */
  expiryDates?: string[];
  strikes: number[];
  vols: number[][];
}

/** options.h OptionsScenario (scenario format version 2): one underlying's futures and options in
 *  one cross-margined account. */
export interface OptionsScenario {
  /** Default 2; other versions are rejected. */
  version?: 2;
  /** The coin; 'BTC' and 'ETH' select Deribit's futures size rate. Default 'BTC'. */
  underlying?: string;
  /** inverse: coin-settled (Deribit BTC, ETH); linear: quote-settled (USDC). Default 'inverse'. */
  settlement?: Contract;
  /** Settlement asset, before the options' premiums (they enter via each option's PnL), >= 0. */
  walletBalance: number;
  /** Index now, quote per coin, > 0: every future's mark. */
  underlyingPrice: number;
  /** The date of "now", needed by expiryDate. */
  valuationDate?: string;
  /** Continuous, annual, |r| <= 1. Default 0. */
  interestRate?: number;
  futures?: FuturePosition[];
  options?: OptionPosition[];
  /** For the options without a volatility. */
  volSurface?: VolSurface;
  /** Default 'stickyStrike'. */
  volDynamics?: VolDynamics;
  /** Added to the futures' margin rates per coin of size; needed for futures on another underlying than BTC or ETH. */
  futuresSizeRate?: number;
}

/** options.h OptionsRequest. */
export interface OptionsRequest {
  /** Horizon of the `later` view, days after the valuation date, >= 0. Default 0. */
  days?: number;
  /** Volatility shifts of the volShifted views (0.1 = 10 vol points), at most 20. Default [-0.1, 0.1]. */
  volShifts?: number[];
  /** Scanned prices: scanPoints log-spaced from underlyingPrice x scanLow to x scanHigh. Defaults 0.001, 1000, 4001. */
  scanLow?: number;
  scanHigh?: number;
  /** A whole number, 16 to 100000. */
  scanPoints?: number;
}

/** options.h OptionsSweepRequest. */
export interface OptionsSweepRequest {
  /** Days after the valuation date, >= 0. Default 0. */
  days?: number;
  /** Added to every volatility. Default 0. */
  volShift?: number;
}

/** options.h PortfolioMarginRequest. */
export interface PortfolioMarginRequest {
  /** Fractions of underlyingPrice, > -1. Default Deribit's +-16 % in 9 buckets with 0. */
  priceMoves?: number[];
  /** Default [0.38, 0, -0.38]. */
  volShocks?: number[];
  /** Default 'relative'. */
  volShockKind?: VolShockKind;
  /** scale = (30 / max(1, days to expiry))^vegaPower, in [0, 2]. Default 0.30. */
  vegaPower?: number;
}

/** black.h Black76Greeks: per unit of underlying, in the price's currency. */
export interface Black76Greeks {
  price: number;
  /** dV/dF. */
  delta: number;
  /** delta - price / F: a coin-settled option's delta (Deribit's, beside the forward delta). */
  premiumAdjustedDelta: number;
  gamma: number;
  /** Per 1.00 of volatility. */
  vega: number;
  /** Per year. */
  theta: number;
}

/** options.h OptionValuation: one option at the valuation date and underlyingPrice. */
export interface OptionValuation {
  years: number;
  volatility: number;
  volatilityFromSurface: boolean;
  forward: number;
  /** Per coin, settlement asset (inverse: the Black-76 price / U). */
  markPrice: number;
  /** Per coin, in quote (on the forward). */
  greeks: Black76Greeks;
  value: number;
  unrealizedPnl: number;
  /** Deribit standard, whole position, settlement asset. */
  initialMargin: number;
  maintenanceMargin: number;
  /** With { explain: true } only. */
  steps?: Step[];
}

/** options.h FutureValuation: one futures position at underlyingPrice. */
export interface FutureValuation {
  sizeCoin: number;
  unrealizedPnl: number;
  initialMarginRate: number;
  maintenanceMarginRate: number;
  initialMargin: number;
  maintenanceMargin: number;
  /** With { explain: true } only. */
  steps?: Step[];
}

/** options.h LiquidationCrossing: a price where equity crosses maintenance. */
export interface LiquidationCrossing {
  price: number;
  /** A fall through it liquidates (else a rise). */
  liquidatedBelow: boolean;
}

/** options.h OptionsAccountView: the cross account at one horizon and volatility shift. */
export interface OptionsAccountView {
  days: number;
  volShift: number;
  equity: number;
  initialMargin: number;
  maintenanceMargin: number;
  availableBalance: number;
  /** MM / equity; null when equity <= 0, or so small (subnormal) that the ratio is not finite. */
  marginRatio: number | null;
  liquidated: boolean;
  /** Ascending; a short straddle has two. */
  liquidationPrices: LiquidationCrossing[];
  liquidatedAtScanLow: boolean;
  liquidatedAtScanHigh: boolean;
  /** Cross: the whole equity is at risk, max(0, equity). */
  maxLoss: number;
  /** With { explain: true } only. */
  steps?: Step[];
}

/** options.h IsolatedHorizon. */
export interface IsolatedHorizon {
  /** Where posted margin + PnL(P) crosses the position's own MM(P); empty for a long option. */
  liquidationPrices: LiquidationCrossing[];
  liquidated: boolean;
}

/** options.h IsolatedPosition: one position alone on its own initial margin at the valuation date. */
export interface IsolatedPosition {
  /** 0 for a long option (premium paid up front). */
  postedMargin: number;
  /** The posted margin; a long option: premium x quantity. */
  maxLoss: number;
  now: IsolatedHorizon;
  /** request.days later. */
  later: IsolatedHorizon;
  /** With { explain: true } only. */
  steps?: Step[];
}

/** options.h IsolatedPositions: each position alone, in the scenario's order. */
export interface IsolatedPositions {
  options: IsolatedPosition[];
  futures: IsolatedPosition[];
}

/** options.h OptionsAccountResult. */
export interface OptionsAccountResult {
  /** Same order as the scenario's. */
  options: OptionValuation[];
  futures: FutureValuation[];
  now: OptionsAccountView;
  later: OptionsAccountView;
  /** One per request.volShifts. */
  volShifted: OptionsAccountView[];
  isolated: IsolatedPositions;
  scanLowPrice: number;
  scanHighPrice: number;
  /** Days from the valuation date to the latest option expiry (every option settled); null without options. */
  lastExpiryDays: number | null;
  /** With { explain: true } only. */
  steps?: Step[];
}

/** options.h PortfolioMarginResult. */
export interface PortfolioMarginResult {
  priceMoves: number[];
  volShocks: number[];
  /** pnl[v][p]: the account's change when volatilities move by volShocks[v] and the price by priceMoves[p]. */
  pnl: number[][];
  worstVolShock: number;
  worstPriceMove: number;
  worstPnl: number;
  /** max(0, -worstPnl). */
  requirement: number;
  equity: number;
  /** requirement / equity; null when equity <= 0, or so small that the ratio is not finite. */
  marginRatio: number | null;
  /** Per option: (30 / max(1, days to expiry))^vegaPower. */
  volShockScale: number[];
  /** With { explain: true } only. */
  steps?: Step[];
}

/** black.h black76(): errors at "type", "strike", "forward", "volatility", "years", "rate". */
export interface Black76Input {
  type: OptionType;
  strike: number;
  forward: number;
  /** >= 0 and <= 10. */
  volatility: number;
  /** >= 0 (0: the intrinsic value) and <= 100. */
  years: number;
  /** Continuous, |rate| <= 1; discount exp(-rate x years). Default 0. */
  rate?: number;
}

/** black.h impliedVolatilityAtRate(): an error at "price" when no volatility in [1e-6, 10] fits. */
export interface ImpliedVolatilityInput {
  type: OptionType;
  strike: number;
  forward: number;
  /** > 0 and <= 100. */
  years: number;
  /** The option's price in the forward's currency, >= 0. */
  price: number;
  rate?: number;
}

/** black.h ImpliedVolatility: what impliedVolatility() answers. */
export interface ImpliedVolatility {
  /** Annualised; null when the price carries no information about volatility (informative false). */
  volatility: number | null;
  /** False when the price is its intrinsic value to within its own rounding: no volatility can be read. */
  informative: boolean;
  /** With { explain: true } only. */
  steps?: Step[];
}

/** options.h InstrumentNameInput: a row's name as typed. */
export interface InstrumentNameInput {
  /** Deribit BTC-27MAR26-60000-C, Bybit BTC-27MAR26-60000-C-USDT, OKX BTC-USD-260327-60000-C (any case),
   *  or any label. */
  name: string;
}

/** options.h InstrumentName: a venue's option name read; a label answers instrument false and the rest empty. */
export interface InstrumentName {
  /** False: the name has no venue's shape, it is a label. */
  instrument: boolean;
  /** Whose shape: 'deribit' | 'bybit' | 'okx'; '' for a label. */
  venue: string;
  underlying: string;
  type: OptionType;
  strike: number;
  /** ISO, "2026-03-27T08:00Z": the venues' options expire at 08:00 UTC. */
  expiryDate: string;
}

/** curve.h SizeCurveInput: one position on its own collateral, its margin rate on a size-scaled curve.
 *  'orderly': IMR = max(baseImr, factor x N^0.8), MMR = max(baseMmr, baseMmr / baseImr x factor x N^0.8),
 *  N the notional at the price in question. 'drift': a ratio r becomes max(r, 0.8 r + factor x sqrt(quantity))
 *  (factor = the market's imf_factor / 1e6), for the initial and the maintenance ratio alike. 'dydx' (dYdX v4,
 *  open-interest-based IMF): scaling = (OI - lowerCap) / (upperCap - lowerCap), IMF = min(baseImr +
 *  max(scaling x (1 - baseImr), 0), 1), MMR = baseMmr; factor is not read. */
export interface SizeCurveInput {
  curve: 'orderly' | 'drift' | 'dydx';
  side: Side;
  /** Base units, > 0. */
  quantity: number;
  entryPrice: number;
  /** Default: entryPrice. */
  markPrice?: number;
  /** Quote: the margin backing the position, >= 0. */
  collateral: number;
  /** Fraction of notional, in [1e-6, 1]. */
  baseImr: number;
  /** Fraction of notional, in [1e-6, baseImr]. */
  baseMmr: number;
  /** In [0, 1]; 0 keeps the base rates. */
  factor: number;
  /** 'dydx' only (required there): the market's open interest notional and its caps, quote, >= 0; the upper
   *  cap above the lower. */
  openInterestNotional?: number;
  openInterestLowerCap?: number;
  openInterestUpperCap?: number;
}

/** curve.h SizeCurveResult: rates and margins at the mark, and the liquidation prices solved exactly. */
export interface SizeCurveResult {
  notional: number;
  initialMarginRate: number;
  maintenanceMarginRate: number;
  initialMargin: number;
  maintenanceMargin: number;
  /** collateral + PnL at the mark. */
  equity: number;
  /** Equity at or below maintenance at the mark. */
  pastLiquidation: boolean;
  /** Against the position (below the mark for a long, above for a short); null when no positive price, or past. */
  liquidationPrice: number | null;
  /** Orderly, a long: above the mark, where maintenance (growing as N^1.8) overtakes the gain; else null. */
  upperLiquidationPrice: number | null;
  /** The curve's maintenance rate at liquidationPrice. */
  maintenanceMarginRateAtLiquidation: number | null;
  /** With { explain: true } only. */
  steps?: Step[];
}

/** svi.h OptionQuote: one quote of an option chain. A price is used when given (a volatility beside it
 *  is only checked); either is required. At most one quote per expiry, strike and type. */
export interface OptionQuote {
  /** Years to expiry, > 0 and <= 100. Quotes with the same expiryYears form one smile. */
  expiryYears: number;
  strike: number;
  type: OptionType;
  /** Premium in the quote currency per unit of underlying, discounted at interestRate as Black-76 is. */
  price?: number;
  /** Annualised implied volatility, > 0 and <= 10. */
  volatility?: number;
}

/** svi.h SurfaceFitRequest. Limits: 1 to 2000 quotes, at most 40 expiries, each with at least 5
 *  distinct strikes (raw SVI has five parameters). */
export interface SurfaceFitRequest {
  /** Spot: the forward is underlyingPrice exp(interestRate T) where no call and put are priced at one strike. */
  underlyingPrice: number;
  /** Continuous, annual, |rate| <= 1. Default 0. */
  interestRate?: number;
  quotes: OptionQuote[];
}

/** svi.h SviSmile: w(k) = a + b (rho (k - m) + sqrt((k - m)^2 + sigma^2)), total implied variance
 *  (vol^2 T) against k = ln(strike / forward). */
export interface SviSmile {
  expiryYears: number;
  forward: number;
  /** 'putCallParity': F = K + (C - P) / exp(-r T) at the priced call-put pair with the least |C - P|;
   *  'carry': underlyingPrice exp(r T). */
  forwardSource: 'putCallParity' | 'carry';
  a: number;
  b: number;
  rho: number;
  m: number;
  sigma: number;
  /** Root mean square of fitted minus quoted implied volatility. */
  rmse: number;
  /** Strikes fitted (the out-of-the-money quote where a call and a put share a strike). */
  quotes: number;
  /** Least g(k) = (1 - k w'/(2w))^2 - w'^2/4 (1/w + 1/4) + w''/2 on the check grid (2001 points,
   *  k = m + sigma sinh(u) over m +- 10), and where. */
  minDensity: number;
  minDensityLogMoneyness: number;
  /** b (1 + |rho|): the steeper wing's slope; Lee's moment bound is 2 (g's limit is 1/4 - slope^2/16). */
  wingSlope: number;
  /** g >= 0 on the grid, w > 0 there, and wingSlope <= 2. */
  butterflyFree: boolean;
  /** w(k) >= the previous expiry's w(k) at every k of a grid over +-10 (true for the first expiry). */
  calendarFree: boolean;
  arbitrageFree: boolean;
}

/** svi.h SurfaceArbitrage: where the fit ('butterfly': g < 0; 'calendar': w below the earlier expiry's)
 *  or the quotes themselves ('quotes': undiscounted call values across strikes not falling, falling
 *  faster than the strike step, or not convex) admit arbitrage. */
export interface SurfaceArbitrage {
  kind: 'butterfly' | 'calendar' | 'quotes';
  expiryYears: number;
  /** calendar: the later expiry. */
  laterExpiryYears: number | null;
  /** The strikes spanned, at expiryYears' forward. */
  fromStrike: number;
  toStrike: number;
  fromLogMoneyness: number;
  toLogMoneyness: number;
  /** butterfly: the least g; calendar: the largest fall of w; quotes: the largest breach (undiscounted price). */
  worst: number;
}

/** svi.h SurfaceFitResult. */
export interface SurfaceFitResult {
  smiles: SviSmile[];
  arbitrage: SurfaceArbitrage[];
  /** Sampled from the fit: the fitted expiries and 3 between each two, 41 strikes log-spaced over the
   *  quoted range; total variance linear in T at fixed k, the forward log-linear in T. Usable as any
   *  OptionsScenario's volSurface. */
  surface: VolSurface;
  /** With { explain: true } only. */
  steps?: Step[];
}

/** An answer without steps: errors (empty on success) and the fields. */
export type Checked<T> = ({ errors: [] } & T) | { errors: InputError[] };


export interface MarginLab {
  /** Semver of the core and this API (marginlab.h kVersion). */
  readonly version: string;
  /** Every ErrorCode string, in the order of errors.h. */
  readonly errorCodes: readonly ErrorCode[];
  /** evaluate.h evaluate(), and explain() with { explain: true }. Throws TypeError only when scenario
   *  (or a given options) is not an object. */
  evaluate(scenario: Scenario, options?: CallOptions): Report;
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
  /** The shipped tier tables of a profile: the built-in ones, then every shipped venue contract
   *  (optionally those naming `symbol`, by symbol or alias, in any case). */
  defaultTiers(rules: Rules, symbol?: string): DefaultTierTable[];
  /** The shipped venue files' ids. */
  venues(): string[];
  /** Loads and checks a venue's tier tables (venue-<id>.js beside the module); rejects with a TypeError
   *  naming the problem. Resolves to the venue's tables, now with their tiers. */
  loadVenue(venue: string): Promise<DefaultTierTable[]>;
  /** The same from the module's default export already in hand; rejects with a TypeError on a problem. */
  installVenue(venue: string, tiers: Record<string, Tier[]>): Promise<DefaultTierTable[]>;
  /** Reads a venue's API response (text of at most 2 MiB, or parsed JSON; one response or an object of
   *  several by endpoint) into a scenario (wasm/import.mjs, loaded on first use); the scenario is then
   *  checked by the core. Rejects with an ImportError (`name` 'ImportError', `path` in the response)
   *  for anything it cannot read, a TypeError for misuse. Nothing is sent anywhere. */
  importPositions(venue: ImportVenue, json: unknown, options?: ImportOptions): Promise<ImportResult>;
}

/** The venues whose API responses importPositions reads. */
export type ImportVenue = 'binance' | 'bybit' | 'okx' | 'hyperliquid' | 'bitmex' | 'deribit' | 'dydx';

/** importPositions' options (and `explain`, accepted as every call's; the import has no steps). */
export interface ImportOptions extends CallOptions {
  /** Wallet balance in the settlement asset, when the response has none. */
  walletBalance?: number;
  /** Contract sizes by the venue's symbol, when the response has none (OKX ctVal, Binance COIN-M). */
  contractSizes?: Record<string, number>;
  /** For imported options (YYYY-MM-DD); default today. */
  valuationDate?: string;
}

/** One field of the scenario and the response field it came from. */
export interface ImportMapping {
  /** Path in the response ("positionRisk[0].entryPrice"), "options.walletBalance", or the shipped table or contract specification used. */
  from: string;
  /** Path in the scenario ("positions[0].entryPrice"). */
  to: string;
  value: number | string;
  /** A convention applied ("percent -> fraction", "XBt -> XBT (x 1e-8)"). */
  note?: string;
}

/** A part of the response not used, and why ("not used", "size 0, no position"). */
export interface ImportIgnored {
  path: string;
  reason: string;
}

/** What the scenario needs and the response lacks, with the default used (null: none). */
export interface ImportMissing {
  path: string;
  need: string;
  default: number | string | null;
}

/** The venue's own figures for one position of the scenario (positions[i], or futures[i] of an
 *  account), as the venue gives them; null where it gives none. */
export interface VenueFigures {
  position: number;
  liquidationPrice: number | null;
  bankruptcyPrice: number | null;
  initialMargin: number | null;
  maintenanceMargin: number | null;
  marginRatio: number | null;
}

export interface ImportResult {
  /** Version 1, or version 3 (marginlab-full.d.ts Account) for several settlement assets, options or Deribit. */
  scenario: Scenario | ({ version: 3 } & Record<string, unknown>);
  mapped: ImportMapping[];
  ignored: ImportIgnored[];
  missing: ImportMissing[];
  venueFigures: VenueFigures[];
  /** The core's errors for the scenario, each with `source`, the response path, where known. */
  errors: (InputError & { source?: string })[];
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

/** One field of a struct that crosses (marginlab/fields.h), its type as this file spells it. */
export interface FieldDescription {
  name: string;
  type: string;
  /** May be absent from the object (an input field with a default; an output field sent on request). */
  optional: boolean;
}

/** fields() of every struct that crosses, by d.ts interface name, and the strings of each enum. */
export interface Description {
  structs: Record<string, FieldDescription[]>;
  enums: Record<string, string[]>;
}

/** marginlab-full.js: the calculator and the risk lab. */
/** marginBatch's arrays, one entry a position, meaningful only when errors is empty: the
 *  liquidation price (0 when none), the initial and maintenance margins (settlement asset), the
 *  maintenance rate and the 1-based tier. */
export interface MarginBatchResult {
  errors: InputError[];
  liquidationPrice: Float64Array;
  initialMargin: Float64Array;
  maintenanceMargin: Float64Array;
  maintenanceMarginRate: Float64Array;
  tier: Float64Array;
}

export interface MarginLabFull extends MarginLab {
  /** The fields of every struct that crosses (core/include/marginlab/fields.h) and the enums' strings:
   *  what a test checks this file against. */
  describe(): Description;
  /** venue.h roundToTick(): a price on a venue's tick as the venue shows it. */
  tickPrice(request: TickPriceRequest, options?: CallOptions): Answer<TickPrice>;
  /** venue.h wholeLots(): a size in whole lots, with its unit. */
  wholeLots(request: WholeLotsRequest, options?: CallOptions): Answer<WholeLots>;
  /** batch.h isolatedMarginBatch(): liquidationBatch with each position's margins as evaluate()
   *  reports them (isolated at the initial margin, marked at entry). Numbers only: no steps. */
  marginBatch(request: BatchRequest, positions: { side: Float64Array; quantity: Float64Array;
    entryPrice: Float64Array; leverage: Float64Array }, options?: CallOptions): MarginBatchResult;
  adjust(scenario: Scenario, request: AdjustRequest, options?: CallOptions): Answer<AdjustResult>;
  targetPrice(scenario: Scenario, request: TargetRequest, options?: CallOptions): Answer<{ price: number | null }>;
  maxOpen(scenario: Scenario, request: MaxOpenRequest, options?: CallOptions): Answer<MaxOpenResult>;
  sizeFromStop(scenario: Scenario, request: StopSizeRequest, options?: CallOptions): Answer<StopSizeResult>;
  marginToTarget(scenario: Scenario, request: MarginToTargetRequest, options?: CallOptions): Answer<MarginToTargetResult>;
  stress(scenario: Scenario, request: StressRequest, options?: CallOptions): Answer<{ cells: StressCell[] }>;
  cascade(scenario: Scenario, request: CascadeRequest, options?: CallOptions): Answer<CascadeResult>;
  funding(scenario: Scenario, request: FundingRequest, options?: CallOptions): Answer<FundingResult>;
  odds(scenario: Scenario, request: OddsRequest, options?: CallOptions): Answer<OddsResult>;
  /** Paths [begin, end) (default: all) added to `tally`; the same seed gives the same tally however it is chunked. */
  monteCarlo(scenario: Scenario, request: MonteCarloRequest,
    chunk?: { begin?: number; end?: number; tally?: MonteCarloTally } & CallOptions): ({ errors: [] } & MonteCarloTally) | { errors: InputError[] };
  /** odds.h valueAtRisk(): every path (2,000 to 1,000,000) run to the horizon; steps with { explain: true }. */
  valueAtRisk(scenario: Scenario, request: MonteCarloRequest, options?: CallOptions): Answer<VarResult>;
  unwind(scenario: Scenario, request: UnwindRequest, options?: CallOptions): Answer<UnwindResult>;
  /** adl.h adlRank(): the position's place in the venue's ADL queue (binance, bybit, bybitUta, bitmex; okx
   * with request.okxRanking, an assumption). */
  adlRank(scenario: Scenario, request: AdlRequest, options?: CallOptions): Answer<AdlRankResult>;
  /** reconcile.h reconcile(): for each venue figure, the fewest conventions that reproduce it, or the
   *  nearest. TypeError when scenario is not an object or venueFigures not an array. */
  reconcile(scenario: Scenario, venueFigures: VenueFigure[], options?: ReconcileOptions): Answer<ReconcileResult>;
  /** options.h evaluateOptions(): every position valued, the cross views now, later and vol-shifted
   *  with every liquidation price, and each position isolated. Throws TypeError when scenario (or a
   *  given request or options) is not an object. With { explain: true }: options.h explain()'s steps. */
  evaluateOptions(scenario: OptionsScenario, request?: OptionsRequest, options?: CallOptions): Answer<OptionsAccountResult>;
  /** options.h sweepOptionsAccount(): equity[i] and maintenance[i] at prices[i], in one wasm call
   *  (all three the same length, else TypeError). Nothing is written when errors come back. */
  optionsSweep(scenario: OptionsScenario, prices: Float64Array, equity: Float64Array, maintenance: Float64Array,
    request?: OptionsSweepRequest, options?: CallOptions): { errors: InputError[] };
  /** options.h portfolioMargin(): the worst loss over a price x volatility stress grid. */
  portfolioMargin(scenario: OptionsScenario, request?: PortfolioMarginRequest, options?: CallOptions): Answer<PortfolioMarginResult>;
  /** black.h black76(): price and greeks of one option on a forward (no steps, explained or not). */
  black76(input: Black76Input, options?: CallOptions): Checked<Black76Greeks>;
  /** black.h impliedVolatilityAtRate(); with { explain: true } the solve's steps. */
  impliedVolatility(input: ImpliedVolatilityInput, options?: CallOptions): Answer<ImpliedVolatility>;
  /** curve.h sizeCurve(): Orderly's or Drift's size-scaled margin curve, or dYdX's open-interest-scaled IMF, for one position, its
   *  liquidation prices solved to adjacent doubles; with { explain: true } the steps. */
  sizeCurve(input: SizeCurveInput, options?: CallOptions): Answer<SizeCurveResult>;
  /** options.h parseInstrumentName(): a venue's option instrument name read into underlying, type,
   *  strike and expiryDate; a name in a venue's shape whose parts do not read is an error at "name";
   *  a free-text label answers instrument: false. No steps. */
  instrumentName(input: InstrumentNameInput, options?: CallOptions): Checked<InstrumentName>;
  /** svi.h fitSurface(): implied volatilities from the quotes, the forward per expiry, raw SVI fitted to
   *  each expiry, the butterfly and calendar checks and a sampled VolSurface; with { explain: true }
   *  each expiry's steps. Errors at their paths ("quotes[3].price"). */
  fitSurface(input: SurfaceFitRequest, options?: CallOptions): Answer<SurfaceFitResult>;
}

/** Options for the Emscripten factory; `wasmBinary` lets node load without fetch. */
export interface MarginLabOptions {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (file: string, prefix: string) => string;
}

/** The ready example of the page: a leveraged BTCUSDT long beside an ETHUSDT short. */
export const defaultScenario: Readonly<Scenario>;

export default function createMarginLab(options?: MarginLabOptions): Promise<MarginLab>;
