// SPDX-License-Identifier: MIT
// marginlab-full.js: the same API as marginlab.js plus the risk lab, options accounts (MarginLabFull)
// and accounts (scenario version 3, core/include/marginlab/account.h: MarginLabAccounts).
export * from './marginlab.js';
import type {
  Answer, CallOptions, Contract, InputError, MarginLabFull, MarginLabOptions, MarginMode, OptionsAccountResult,
  OptionsScenario, OptionType, Report, Rules, Scenario, Side, Step, Tier, VolDynamics, VolSurface,
} from './marginlab.js';

export const defaultScenario: Readonly<Scenario>;
/** The ready options account (wasm/options.mjs): BTC, coin-settled, a short strangle and a long perpetual. */
export const defaultOptionsScenario: Readonly<OptionsScenario>;
export default function createMarginLab(options?: MarginLabOptions): Promise<MarginLabFull & MarginLabAccounts>;

/** account.h AccountMargin: tiers = version 1's profile and tier tables per settlement asset (options
 *  only under the bybitUnified venue: Bybit UTA cross option margin, VENUES-PM.md BUA-1);
 *  deribitStandard = version 2's Deribit standard margin per underlying and settlement asset. */
export type AccountMargin = 'tiers' | 'deribitStandard';

/** account.h AccountVenue: whose unified-account rules count the collateral and state the margin ratio. */
export type AccountVenue = 'generic' | 'binanceUnified' | 'bybitUnified' | 'okxMultiCurrency' | 'deribitCross' | 'hyperliquidCross';

/** account.h CollateralBand: `ratio` counts the part of the amount from `from` to the next band's `from`. */
export interface CollateralBand {
  /** >= 0, rising; the first band starts at 0. Units of the asset, or quote when byValue. */
  from: number;
  /** In [0, 1]: 0.95 counts 95% of the band. */
  ratio: number;
}

/** account.h CollateralTiers: one asset's tiered collateral ratios (at most 32 bands). */
export interface CollateralTiers {
  asset: string;
  /** Bands in the quote currency (true) or in units of the asset (false, the default). */
  byValue?: boolean;
  bands: CollateralBand[];
}

/** account.h AccountRules: a venue's rule set, dated and sourced (lab.accountVenues() ships them); every
 *  number may be edited. At most 50 tier sets. */
export interface AccountRules {
  venue?: AccountVenue;
  source?: string;
  date?: string;
  collateral?: CollateralTiers[];
  /** The ratio of every asset with no tier set (Binance 0.1, Hyperliquid 0); absent: 1 - its haircut. */
  otherRatio?: number;
  /** Each band at its ratio (default true); false: the whole amount at its band's ratio. */
  progressive?: boolean;
  /** false: the MM side counts collateral at full value (haircuts on IM only). Default true. */
  haircutMaintenance?: boolean;
  /** MM on borrowed units, in [0, 1]. Default 0. */
  loanMaintenanceRate?: number;
  /** The venue's margin ratio where it warns, stops new orders (MM / collateral venues: on the IM rate, default 1), liquidates (default 1). In (0, 1000]. */
  warning?: number;
  noNewOrders?: number;
  liquidation?: number;
}

/** account.h CollateralBalance: one asset of the account (at most 50). */
export interface CollateralBalance {
  /** A name of at most 64 characters, unique in the account ("USDT", "BTC"). */
  asset: string;
  /** Units of the asset; negative = borrowed. 0, or 1e-9 to 1e15 in size. */
  balance: number;
  /** Quote per unit, > 0 (1 for the quote's own stablecoin). */
  price: number;
  /** Fraction of a positive equity not counted as collateral, in [0, 1]. Default 0. */
  haircut?: number;
  /** Of the balance, units borrowed (>= 0); default max(0, -balance). Read by venue.loanMaintenanceRate. */
  loan?: number;
  /** One-factor view: the asset's move per unit of the common move, in [-10, 10]. Default 1. */
  beta?: number;
}

/** account.h Underlying: one underlying (at most 50), its price and what its options read. */
export interface Underlying {
  /** A name of at most 64 characters, unique in the account. */
  name: string;
  /** Index, quote per coin, > 0: every future's mark unless it gives one. */
  price: number;
  /** Continuous, annual, |r| <= 1. Default 0. */
  interestRate?: number;
  /** For its options without a volatility; at most 20,000 volatilities over every underlying. */
  volSurface?: VolSurface;
  volDynamics?: VolDynamics;
  /** deribitStandard: as OptionsScenario.futuresSizeRate. */
  futuresSizeRate?: number;
  /** One-factor view: the underlying's move per unit of the common move, in [-10, 10]. Default 1. */
  beta?: number;
}

/** account.h AccountFuture: a perpetual or dated future, version 1's Position on an underlying. */
export interface AccountFuture {
  /** Names one of the account's underlyings. */
  underlying: string;
  /** Names one of the account's collateral assets: the asset its PnL and margin are in. */
  settlementAsset: string;
  /** Selects the tier table (tiers), a label (deribitStandard). */
  symbol?: string;
  contract?: Contract;
  contractSize?: number;
  side: Side;
  quantity: number;
  entryPrice: number;
  /** Quote per coin; default the underlying's price (deribitStandard: must be absent). */
  markPrice?: number;
  leverage?: number;
  marginMode?: MarginMode;
  isolatedMargin?: number;
}

/** account.h AccountOption: version 2's OptionPosition on an underlying, settling in one asset. */
export interface AccountOption {
  underlying: string;
  settlementAsset: string;
  /** inverse: premium and value in coin; linear: in quote. Default inverse. */
  contract?: Contract;
  symbol?: string;
  type: OptionType;
  strike: number;
  expiryYears?: number;
  expiryDate?: string;
  side: Side;
  quantity: number;
  premium: number;
  volatility?: number;
}

/** account.h Account: scenario format version 3. At most 50 assets, 50 underlyings, 1000 futures
 *  and options together, 20,000 surface volatilities. */
export interface Account {
  version?: 3;
  /** Default tiers. Options need deribitStandard, or tiers with venue bybitUnified (Bybit UTA cross:
   *  short MM = (max(0.03 U, 0.03 mark) + mark + 0.002 U) x q, IM = max((max(0.15 U - OTM, 0.10 U)
   *  + max(premium, mark)) x q, MM); long: none; the option's part of the margin balance is its premium
   *  received or paid, not its value). Under tiers with any other venue (or none, generic, binanceUnified,
   *  okxMultiCurrency, deribitCross, hyperliquidCross) options are the error accountOptionsNeedDeribit. */
  margin?: AccountMargin;
  /** tiers: the profile, as Scenario.rules. */
  rules?: Rules;
  takerFeeRate?: number;
  /** As OptionsScenario.valuationDate. */
  valuationDate?: string;
  collateral: CollateralBalance[];
  underlyings?: Underlying[];
  futures?: AccountFuture[];
  options?: AccountOption[];
  tiers?: Record<string, Tier[]>;
  /** The venue's rule set; absent: the generic rule with each asset's flat haircut. */
  venue?: AccountRules;
}

/** account.h AccountRequest: deribitStandard's OptionsRequest for each group. */
export interface AccountRequest {
  days?: number;
  volShifts?: number[];
  scanLow?: number;
  scanHigh?: number;
  scanPoints?: number;
}

/** account.h AssetView: one asset, in its units and in the quote currency. */
export interface AssetView {
  asset: string;
  balance: number;
  unrealizedPnl: number;
  equity: number;
  initialMargin: number;
  maintenanceMargin: number;
  price: number;
  /** equity x price, quote. */
  value: number;
  haircut: number;
  /** value x (1 - haircut) when equity > 0, else value, quote. */
  collateralValue: number;
  /** Venue tiers: the band (from 0) the amount reaches; null otherwise. */
  tier: number | null;
  /** What the MM side counts (collateralValue, or value when the venue haircuts IM only). */
  maintenanceValue: number;
}

/** account.h VenueView: the venue's ratio by its own definition and where the venue acts. */
export interface VenueView {
  venue: AccountVenue;
  /** true: ratio = collateral / MM (Binance uniMMR, OKX), liquidation at or below the level; false: MM / collateral, at or above. */
  collateralOverMargin: boolean;
  collateralInitial: number;
  collateralMaintenance: number;
  loanMaintenance: number;
  initialMargin: number;
  maintenanceMargin: number;
  marginRatio: number | null;
  initialRate: number | null;
  liquidationLevel: number;
  /** collateral (MM side) - MM x level (or MM / level): liquidated when <= 0. Quote. */
  headroom: number;
  zone: string;
}

/** account.h UnderlyingLiquidation: one underlying's liquidation prices, the others held (an asset of
 *  its name moves with it); searched from 0.001 to 100 x today's price, exact to adjacent doubles. */
export interface UnderlyingLiquidation {
  underlying: string;
  below: number | null;
  above: number | null;
  moveBelow: number | null;
  moveAbove: number | null;
  liquidatedNow: boolean;
}

/** account.h OneFactorView: every price x (1 + beta x m); the liquidation moves nearest to 0 (|m| <= 10). */
export interface OneFactorView {
  moveDown: number | null;
  moveUp: number | null;
  liquidatedNow: boolean;
}

/**
 * account.h PositionContribution: one position's part of the account, in the quote currency (its
 * settlement group's figure in the settlement asset x the asset's price). Every rule evaluateAccount
 * applies splits by position (tiers: each future's own tier row, and under bybitUnified each option's
 * Bybit UTA cross margin, its unrealizedPnl being the premium received or paid; deribitStandard:
 * Deribit standard margin of each option and each future), so these are true shares, never a standalone stand-in: they
 * sum to AccountView.initialMargin and maintenanceMargin (before the venue's loan maintenance, which no
 * position carries) and to each asset's unrealizedPnl x price. A portfolio margin that does not split
 * (marginByVenue's Deribit PM, SPAN, OKX and Binance portfolio margin) is not given per position.
 */
export interface PositionContribution {
  kind: 'future' | 'option';
  /** Index into the account's futures or options. */
  index: number;
  underlying: string;
  settlementAsset: string;
  unrealizedPnl: number;
  initialMargin: number;
  maintenanceMargin: number;
}

/** account.h AccountView: the account in the quote currency. */
export interface AccountView {
  assets: AssetView[];
  equity: number;
  collateralValue: number;
  initialMargin: number;
  maintenanceMargin: number;
  /** maintenance / collateral value; null if the collateral value is not positive. */
  marginRatio: number | null;
  availableBalance: number;
  venue: VenueView;
  liquidation: UnderlyingLiquidation[];
  oneFactor: OneFactorView;
  /** Each position's part: the futures, then the options, in the account's order. */
  positions: PositionContribution[];
}

/** account.h BoundaryAxis: relative moves of an underlying (with the asset of its name) or of a collateral asset. */
export interface BoundaryAxis {
  asset: string;
  /** > -1, below to. Default -0.5. */
  from?: number;
  /** At most 10. Default 0.5. */
  to?: number;
}

/** account.h BoundaryRequest: the grid of accountBoundary. */
export interface BoundaryRequest {
  x: BoundaryAxis;
  y: BoundaryAxis;
  /** Points per axis, whole, 2 to 201. Default 41. */
  n?: number;
}

/** account.h BoundaryPoint: relative moves. */
export interface BoundaryPoint {
  x: number;
  y: number;
}

/** account.h BoundaryLine: one line where headroom = 0, its points' moves x[k] with y[k] (closed when the last is the first). */
export interface BoundaryLine {
  x: number[];
  y: number[];
}

/** account.h BoundaryResult: a heat map and its contour, ready to draw. */
export interface BoundaryResult {
  xs: number[];
  ys: number[];
  /** headroom[j][i] at (xs[i], ys[j]), quote (VenueView.headroom). */
  headroom: number[][];
  /** Where headroom = 0 (marching squares, each point solved on its grid edge). */
  lines: BoundaryLine[];
  today: BoundaryPoint;
  todayHeadroom: number;
  /** The boundary point nearest to today, polished; absent when none is in the grid or the account is liquidated now. */
  nearest?: BoundaryPoint;
  distance: number | null;
  steps?: Step[];
}

/** account.h AccountResult: report (version 1) or optionsResult (version 2) when the account is one
 *  settlement group in its only asset with no haircut: then every number is that kernel's. */
export interface AccountResult {
  report?: Report;
  optionsResult?: OptionsAccountResult;
  account: AccountView;
  steps?: Step[];
}

/** venue_pm.h DeribitExtendedWeight ([UNVERIFIED]): rangeOverMove = each extended cell weighted
 *  priceRange / |move| (Paradex's published clone; the default); full = at full weight. */
export type DeribitExtendedWeight = 'rangeOverMove' | 'full';
/** venue_pm.h DeribitRollShock ([UNVERIFIED]): timeScaled = max(annualisedMoveRisk x T, floor) (default); floor = the floor alone. */
export type DeribitRollShock = 'timeScaled' | 'floor';
/** venue_pm.h DeribitDeltaShock ([UNVERIFIED] formula; parameters VENUES-PM.md 1.5): off (default);
 *  excessOverThreshold = max_delta_shock x (|net delta total| x index - delta_total_liq_shock_threshold, USD), 0 below. */
export type DeribitDeltaShock = 'off' | 'excessOverThreshold';

/** venue_pm.h SpanParams: SPAN's parameters for one underlying (at most 50). */
export interface SpanParams {
  /** Names one of the account's underlyings. */
  underlying: string;
  /** PSR as a fraction of the price, 1e-6 to 0.45. */
  priceScanRange: number;
  /** VSR in volatility (0.05 = 5 points), 0 to 5. Default 0. */
  volScanRange?: number;
  /** Scenarios 15 and 16 move +-multiple x PSR, 0 to 4 and multiple x PSR <= 0.95. Default 2. */
  extremeMultiple?: number;
  /** Fraction of their loss counted, 0 to 1. Default 0.35. */
  extremeCoverage?: number;
  /** [UNVERIFIED] IM = MM x ratio, 1 to 10. Default 1. */
  imRatio?: number;
  /** Intra-commodity tiers, ascending (at most 24). Default none: no intra-commodity spread charge. */
  tiers?: SpanTier[];
  /** Calendar spreads between tiers, formed in this order (SPAN's priority; at most 50). Default none. */
  intraSpreads?: SpanIntraSpread[];
}

/** venue_pm.h SpanTier: the legs expiring after the previous tier's end up to maxYears. */
export interface SpanTier {
  /** Years to expiry (as the account computes them; a perpetual is at 0), above the previous tier's, at most 100. */
  maxYears: number;
  /** The tier's own PSR (a scan rate tier), 1e-6 to 0.45 and x extremeMultiple <= 0.95. Default: the product's. */
  priceScanRange?: number;
}

/** venue_pm.h SpanIntraSpread: spreads between two tiers of opposite net delta, min(|delta A|, |delta B|) coins each. */
export interface SpanIntraSpread {
  /** Index into tiers (a whole number). */
  tierA: number;
  /** Index into tiers, not tierA. */
  tierB: number;
  /** Charge per coin of delta spread (a contract's rate / its size), 0 to 1e12. */
  charge: number;
}

/** venue_pm.h SpanInterSpread: an inter-commodity spread between two underlyings of request.span. */
export interface SpanInterSpread {
  first: string;
  /** Not first. */
  second: string;
  /** Coins of delta of the first per spread, 1e-9 to 1e9. Default 1. */
  firstDelta?: number;
  /** Coins of delta of the second per spread, 1e-9 to 1e9. Default 1. */
  secondDelta?: number;
  /** Credit on the matched legs' weighted futures price risk (scan risk / |net delta|), 0 to 1. */
  creditRate: number;
}

/** venue_pm.h MarginByVenueRequest. The [UNVERIFIED] options are named by venue; their defaults are stated. */
export interface MarginByVenueRequest {
  /** "YYYY-MM-DD": the parameter sets in force that day. Default: the latest. */
  asOf?: string;
  /** Only this venue: 'deribit' | 'okx' | 'bybit' | 'binance' | 'span'. Default: all. */
  venue?: string;
  span?: SpanParams[];
  /** Default 'rangeOverMove'. */
  deribitExtendedWeight?: DeribitExtendedWeight;
  /** Default 'timeScaled'. */
  deribitRollShock?: DeribitRollShock;
  /** Fraction of the MR6 loss counted, 0 to 1. Default 1 (the loss as printed). */
  okxExtremeCoverage?: number;
  /** Relative IV move in MR1 and MR6, 0 to 0.99. Default 0 (price moves only). */
  okxVolShock?: number;
  /** Relative IV stress, 0 to 0.99. Default 0. */
  bybitVolShock?: number;
  /** Perp/futures contingency per coin x index, 0 to 1. Default 0. */
  bybitFuturesFactor?: number;
  /** Short options contingency per coin x index, 0 to 1. Default 0. */
  bybitShortOptionFactor?: number;
  /** IM = MM x factor, 1 to 10. Default 1. */
  bybitImFactor?: number;
  /** Deribit's delta shock. Default 'off' (formula unpublished). */
  deribitDeltaShock?: DeribitDeltaShock;
  /** OKX MR2: the options' loss over this many days, price and IV held, 0 to 365. Default 0 (not charged). */
  okxMr2Days?: number;
  /** OKX MR3: every option's IV up and down by this (0.3 = 30 points), price held, 0 to 3. Default 0 (not charged). */
  okxMr3Points?: number;
  /** OKX MR5: the interest rate up and down by this (absolute), 0 to 0.5. Default 0 (not charged). */
  okxMr5RateShock?: number;
  /** OKX MR7: raw minimum charge = rate x sum of |notional| (x the BTC/ETH multiplier tiers), 0 to 0.1. Default 0 (not charged). */
  okxMr7Rate?: number;
  /** OKX MR8: MM per borrowed USD (account level), 0 to 1. Default 0 (not charged). */
  okxMr8Rate?: number;
  /** OKX MR9: charge per USD of each stablecoin pair's hedged cash delta, 0 to 1. Default 0 (not charged). */
  okxMr9Factor?: number;
  /** Bybit delta spread contingency per year of expiry difference x hedged coin x index, 0 to 1.
   *  Default 0.45 (the low end of the [PUB-3P] 45-60%; the time unit is assumed). */
  bybitDeltaSpreadFactor?: number;
  /** SPAN's inter-commodity spreads, formed in this order on the net deltas of opposite signs (at most 50). Default none: no credit. */
  spanInter?: SpanInterSpread[];
}

/** venue_pm.h PmScenario: the underlying's move (a fraction) and the venue's nominal volatility shock. */
export interface PmScenario {
  priceMove: number;
  volShock: number;
}

/** venue_pm.h PmComponent: one part of a venue's margin, the scenario that sets it and the leg driving it. */
export interface PmComponent {
  name: string;
  value: number;
  scenario?: PmScenario;
  /** "futures[2]" or "options[0]"; null when no leg loses. */
  leg: string | null;
  underlying: string;
}

/** venue_pm.h PmGrid: one scan for a heat map, pnl[v][m] at volShocks[v] x priceMoves[m]. */
export interface PmGrid {
  name: string;
  underlying: string;
  priceMoves: number[];
  volShocks: number[];
  pnl: number[][];
  worstVolShock: number;
  worstPriceMove: number;
  worstPnl: number;
  leg: string | null;
}

/** venue_pm.h VenueMargin: one venue's margin of the account. */
export interface VenueMargin {
  venue: 'deribit' | 'okx' | 'bybit' | 'binance' | 'span';
  kind: 'portfolio' | 'standard';
  supported: boolean;
  reason: string | null;
  /** The dated parameter set used. */
  parameterSet: string;
  currency: string;
  initialMargin: number;
  maintenanceMargin: number;
  components: PmComponent[];
  grids: PmGrid[];
  /** The [UNVERIFIED] options in force with their values. */
  assumptions: string;
}

/** A venue without rules for the account. */
export interface UnsupportedVenue {
  venue: 'deribit' | 'okx' | 'bybit' | 'binance' | 'span';
  kind: 'portfolio' | 'standard';
  supported: false;
  reason: string;
}

/** venue_pm.h MarginByVenueResult. */
export interface MarginByVenueResult {
  venues: (VenueMargin | UnsupportedVenue)[];
  /** With { explain: true } only. */
  steps?: Step[];
}

/** venue_pm_reverse.h NewLeg: exactly one of future and option. Its quantity is the first size tried
 *  (the scale of the ladder, x4 per step); the answer replaces it. */
export interface NewLeg {
  future?: AccountFuture;
  option?: AccountOption;
}

/** venue_pm_reverse.h VenueReverseRequest: marginByVenue's request fields, then the leg and the moving
 *  underlying. Sizes are searched from 0 to 1e9 (contracts or options), to 1e-9 relative; moves from 0
 *  down to -95% and up to +1000% (10), to 1e-9 absolute. */
export interface VenueReverseRequest extends MarginByVenueRequest {
  /** Ask for this leg's largest size before IM exceeds the equity the venue counts. */
  newLeg?: NewLeg;
  /** Move only this underlying (default: every underlying together, with the collateral of the same name). */
  underlying?: string;
}

/** venue_pm_reverse.h ReverseAnswer: a size or a move (a fraction), or null with the reason. */
export interface ReverseAnswer {
  value: number | null;
  /** Why there is no answer (or why the answer stops short): e.g. "no move to -95% liquidates". */
  reason: string | null;
  /** IM (size) or MM (move) at the answer, USD; at the range's end when there is none. */
  margin: number;
  /** The equity the venue counts there, USD. */
  equity: number;
}

export interface LiquidationMove {
  down: ReverseAnswer;
  up: ReverseAnswer;
}

/** venue_pm_reverse.h VenueReverse: one marginByVenue row's reverse answers. Equity as the venue counts
 *  it: the collateral under its shipped rule set (accountVenues()), IM side and MM side. */
export interface VenueReverse {
  venue: 'deribit' | 'okx' | 'bybit' | 'binance' | 'span';
  kind: 'portfolio' | 'standard';
  supported: boolean;
  reason: string | null;
  /** Today, USD. */
  initialMargin: number;
  maintenanceMargin: number;
  initialEquity: number;
  maintenanceEquity: number;
  /** With request.newLeg only. */
  maxNewLegSize?: ReverseAnswer;
  liquidationMove: LiquidationMove;
  /** Account re-evaluations spent on this row. */
  evaluations: number;
}

export interface VenueReverseResult {
  venues: VenueReverse[];
  /** With { explain: true } only. */
  steps?: Step[];
}

/** venue_pm_params.h PmParameter: one value of a dated set, with the date it took effect and its source. */
export interface PmParameter {
  /** The underlyings it applies to ("BTC ETH", "others"; Deribit: a currency). */
  scope: string;
  name: string;
  value: number;
  from: string;
  source: string;
}

/** venue_pm_params.h PmParameterSet: every parameter in force from asOf (the set's id, YYYY-MM-DD). */
export interface PmParameterSet {
  venue: 'deribit' | 'okx' | 'bybit';
  /** The set's date: a page compares it with today for a staleness notice. */
  asOf: string;
  source: string;
  parameters: PmParameter[];
}

/** venue_pm_params.h PmParameterChange: a parameter whose value differs between the two dates' sets. */
export interface PmParameterChange {
  scope: string;
  name: string;
  /** null: not yet published on that date. */
  before: number | null;
  after: number | null;
  fromBefore: string;
  fromAfter: string;
  sourceBefore: string;
  sourceAfter: string;
}

export interface PmParameterDiff {
  venue: 'deribit' | 'okx' | 'bybit';
  /** The ids of the sets in force on dateA and dateB. */
  setA: string;
  setB: string;
  changes: PmParameterChange[];
  /** With { explain: true } only. */
  steps?: Step[];
}

export interface MarginLabAccounts {
  /** account.h toAccount(): a version 1 or 2 scenario as version 3, without loss; the scenario's
   *  errors at its own paths. */
  toAccount(scenario: Scenario | OptionsScenario, options?: CallOptions): { errors: [], account: Account } | { errors: InputError[] };
  /** account.h evaluateAccount(): the account view (and the kernel's answer when it is one group).
   *  Throws TypeError when account (or a given request or options) is not an object. */
  evaluateAccount(account: Account, request?: AccountRequest, options?: CallOptions): Answer<AccountResult>;
  /** venue_pm.h marginByVenue(): the account under each venue's portfolio (and standard) margin.
   *  Throws TypeError when account (or a given request or options) is not an object. */
  marginByVenue(account: Account, request?: MarginByVenueRequest, options?: CallOptions): Answer<MarginByVenueResult>;
  /** account.h accountBoundary(): the venue's headroom over two moves, its zero line, today's point and
   *  the nearest boundary point. Throws TypeError when account or request is not an object. */
  accountBoundary(account: Account, request: BoundaryRequest, options?: CallOptions): Answer<BoundaryResult>;
  /** venue_pm_reverse.h venueReverse(): per marginByVenue row, a new leg's largest size before IM exceeds
   *  equity and the moves down and up at which MM reaches equity. Throws TypeError when account (or a
   *  given request or options) is not an object. */
  venueReverse(account: Account, request?: VenueReverseRequest, options?: CallOptions): Answer<VenueReverseResult>;
  /** venue_pm_params.h: every dated parameter set of 'deribit', 'okx' or 'bybit', oldest first (data; [] otherwise). */
  pmParameterSets(venue: string): PmParameterSet[];
  /** venue_pm_params.h pmParameterDiff(): what changed from the set in force on dateA to the one on dateB. */
  pmParameterDiff(venue: string, dateA: string, dateB: string, options?: CallOptions): Answer<PmParameterDiff>;
  /** account.h accountVenues(): the shipped rule sets; { unverified: true } adds the values VENUES-PM.md marks [UNVERIFIED]. */
  accountVenues(options?: { unverified?: boolean }): AccountRules[];
}
