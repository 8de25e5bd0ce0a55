// SPDX-License-Identifier: MIT
// Type-checks marginlab-full.d.ts: the risk lab on top of the calculator's API.
import createMarginLab, { defaultOptionsScenario, defaultScenario } from '../../web/dist/marginlab-full.js';
import type {
  IsolatedPosition, LiquidationCrossing, MarginLabFull, OptionsScenario, Scenario, Step, StressCell, SurfaceArbitrage,
  SviSmile, UnwindResult, Account, AccountView, AssetView, Convention, MarginByVenueResult, PmGrid, VenueMargin,
  SpanTier, SpanIntraSpread, SpanInterSpread,
  VenueReverseRequest, VenueReverseResult, VenueReverse, ReverseAnswer, PmParameterSet, PmParameterChange,
  AccountRules, AccountVenue, VenueView, UnderlyingLiquidation, BoundaryRequest, BoundaryResult, BoundaryPoint, CollateralBand,
  CollateralTiers, PositionContribution, ReconcileResult,
} from '../../web/dist/marginlab-full.js';

export async function riskLab(): Promise<number> {
  const lab: MarginLabFull = await createMarginLab();
  const scenario: Scenario = { ...defaultScenario, positions: [...defaultScenario.positions] };
  const book = lab.marginBatch({ rules: 'binance', tiers: [{ notionalCap: 50000, maxLeverage: 125, maintenanceMarginRate: 0.004 }] },
    { side: new Float64Array([1]), quantity: new Float64Array([0.5]), entryPrice: new Float64Array([60000]), leverage: new Float64Array([10]) });
  const bookMargin: number = book.errors.length ? 0 : (book.initialMargin[0] ?? 0) + (book.maintenanceMargin[0] ?? 0) + (book.tier[0] ?? 0);
  const adjusted = lab.adjust(scenario, { position: 0, price: 61000, quantityDelta: -0.8 });
  let flips = 0;
  if (adjusted.errors.length === 0 && 'flipped' in adjusted && adjusted.flipped) flips += 1;
  const grid = lab.stress(scenario, { shocks: [-0.2, 0, 0.2], model: 'oneFactor' });
  const cells: StressCell[] = 'cells' in grid ? grid.cells : [];
  const range = lab.stress(scenario, { shockRange: { from: -0.5, to: 0.5, step: 0.1 } }, { explain: true });
  const crossEquity: number = 'cells' in range ? (range.cells[0]?.equity.cross ?? 0) : 0;
  const explained: number = 'steps' in range ? (range.steps?.length ?? 0) : 0;
  const walk = lab.cascade(scenario, { path: { move: -0.4, steps: 40 } });
  const cuts: number = 'events' in walk ? walk.events.filter((e) => e.reason === 'tierCut').length : 0;
  const funding = lab.funding(scenario, { position: 0, rate: 0.0001, intervals: 90 });
  const after: number | null = 'liquidationPrice' in funding ? funding.liquidationPrice.isolated : null;
  const margin = lab.marginToTarget(scenario, { position: 0, targetLiquidationPrice: 50000 });
  const toAdd: number = 'toAdd' in margin ? margin.toAdd.isolated + margin.toAdd.cross : 0;
  // @ts-expect-error: options is an object
  lab.stress(scenario, { shocks: [0] }, true);
  const unwind = lab.unwind(scenario, { position: 0, style: 'iceberg', visibleSize: 0.1, depthPerPercent: 1 });
  const fund: number = 'insuranceFundAfter' in unwind ? (unwind as UnwindResult).insuranceFundAfter : 0;
  const partial = lab.unwind(scenario, { position: 0, depthPerPercent: 1, partial: 'venue' });
  const kept: number = 'remaining' in partial ? partial.remaining + (partial.slices[0]?.carried ?? 0) : 0;
  const queue = lab.adlRank(scenario, { position: 0, mode: 'cross', pnlQuantiles: [-0.2, 0, 0.2] }, { explain: true });
  const lights: number = 'lights' in queue ? queue.lights + (queue.steps?.length ?? 0) : 0;
  // @ts-expect-error: the quantiles are numbers
  lab.adlRank(scenario, { position: 0, leverageQuantiles: ['10x'] });
  const rec = lab.reconcile(scenario, [{ position: 0, liquidationPrice: 57100, tick: 0.1, fundingPaid: -2 }],
    { explain: true, relativeTolerance: 1e-4 });
  const found: Convention[] = 'positions' in rec ? rec.positions[0]?.conventions ?? [] : [];
  const reconciled: ReconcileResult | null = rec.errors.length === 0 && 'positions' in rec ? rec : null;
  const near: number | null = reconciled?.positions[0]?.figures.liquidationPrice ?? null;
  // @ts-expect-error: venueFigures is an array
  lab.reconcile(scenario, { position: 0, liquidationPrice: 1 });
  // @ts-expect-error: a convention is one of its strings
  const wrong: Convention = 'markPrice';
  // @ts-expect-error: partial is 'none' or 'venue'
  lab.unwind(scenario, { position: 0, partial: 'half' });
  const tally = lab.monteCarlo(scenario, { volatility: { BTCUSDT: 0.6, ETHUSDT: 0.7 }, years: 0.1, steps: 10, paths: 100 });
  const paths = 'paths' in tally ? tally.paths : 0;
  const median: number | null = 'medianDays' in tally ? tally.medianDays.isolated : null;
  const odds = lab.odds(scenario, { position: 0, volatility: 0.6, days: 30 }, { explain: true });
  const p: number | null = 'probability' in odds ? odds.probability.cross : null;
  // @ts-expect-error: the probabilities are one ByMode field
  lab.odds(scenario, { position: 0, volatility: 0.6, years: 0.1 }).isolatedProbability;
  // { explain: true } last: the steps; monteCarlo takes it beside its chunk.
  const oddsExplained = lab.odds(scenario, { position: 0, volatility: 0.6, years: 0.1 }, { explain: true });
  const stepCount: number = 'steps' in oddsExplained ? (oddsExplained.steps?.length ?? 0) : 0;
  const mcExplained = lab.monteCarlo(scenario, { volatility: { BTCUSDT: 0.6 }, years: 0.1, steps: 10, paths: 100 }, { end: 50, explain: true });
  const mcSteps: number = 'paths' in mcExplained ? (mcExplained.steps?.length ?? 0) : 0;
  // Funding, a surface's volatility and jumps in the odds; the account's VaR.
  const withFunding = lab.odds(scenario, { position: 0, days: 30, fundingRate: 0.0001, fundingIntervalHours: 8,
    volatilityFrom: { surface: { expiries: [0.1, 0.5], strikes: [50000, 70000], vols: [[0.6, 0.55], [0.65, 0.6]] }, strike: 60000 } });
  const exact: boolean = 'exact' in withFunding ? withFunding.exact : true;
  const atHorizon: number | null = 'liquidationPriceAtHorizon' in withFunding ? withFunding.liquidationPriceAtHorizon.isolated : null;
  const jumpy = lab.monteCarlo(scenario, { volatility: { BTCUSDT: 0.6, ETHUSDT: 0.7 }, days: 30, steps: 30, paths: 100,
    fundingRate: 0.0001, jumps: { intensity: 12, meanLog: -0.05, stdevLog: 0.1 } });
  const var99 = lab.valueAtRisk(scenario, { volatility: { BTCUSDT: 0.6, ETHUSDT: 0.7 }, days: 1, steps: 24, paths: 2000 }, { explain: true });
  const varValue: number = 'loss' in var99 ? var99.loss.cross.var99.value + var99.loss.isolated.es975.standardError : 0;
  const fundMedian: number = 'insuranceFund' in var99 ? (var99.insuranceFund.isolated.quantiles[0] ?? 0) : 0;
  // @ts-expect-error: jumps need all three numbers
  lab.monteCarlo(scenario, { volatility: { BTCUSDT: 0.6 }, years: 0.1, steps: 10, paths: 100, jumps: { intensity: 1 } });
  const jumpPaths: number = 'paths' in jumpy ? jumpy.paths : 0;
  // The description every reader and writer walks (fields.h), for checks against this file.
  const described: string[] = lab.describe().structs['Position']?.map((f) => f.name) ?? [];
  // @ts-expect-error: explain is a boolean
  lab.odds(scenario, { position: 0, volatility: 0.6, years: 0.1 }, { explain: 'yes' });
  // @ts-expect-error: style must be market, twap or iceberg
  lab.unwind(scenario, { position: 0, style: 'vwap' });
  // @ts-expect-error: the calculator's own API stays: evaluate needs a scenario
  lab.evaluate();
  return bookMargin + flips + cells.length + fund + kept + lights + found.length + (near ?? 0) + (wrong ? 0 : 1) + paths + (median ?? 0) + (p ?? 0) + stepCount + mcSteps + described.length + crossEquity + explained + cuts + (after ?? 0) + toAdd +
    (exact ? 1 : 0) + (atHorizon ?? 0) + varValue + fundMedian + jumpPaths;
}

export async function optionsAccount(): Promise<number> {
  const lab: MarginLabFull = await createMarginLab();
  const scenario: OptionsScenario = {
    ...defaultOptionsScenario,
    options: [{ type: 'call', strike: 60000, expiryYears: 30 / 365, side: 'short', quantity: 1, premium: 0.07, volatility: 0.6 }],
    futures: [{ contract: 'inverse', contractSize: 10, side: 'long', quantity: 100, entryPrice: 58000 }],
  };
  const r = lab.evaluateOptions(scenario, { days: 7, volShifts: [-0.1, 0.1] });
  const crossings: LiquidationCrossing[] = 'now' in r ? r.now.liquidationPrices : [];
  // "Show the math" on request: steps are optional, present with { explain: true }.
  const explained = lab.evaluateOptions(scenario, { days: 7 }, { explain: true });
  const shown: Step[] = 'now' in explained ? (explained.now.steps ?? []) : [];
  const top: Step[] = 'now' in explained ? (explained.steps ?? []) : [];
  const solve = lab.impliedVolatility({ type: 'call', strike: 1, forward: 1, years: 1, price: 0.1 }, { explain: true });
  const solveSteps: number = 'volatility' in solve ? (solve.steps?.length ?? 0) : 0;
  const gridSteps = lab.portfolioMargin(scenario, {}, { explain: false });
  // @ts-expect-error: options is an object { explain }
  lab.evaluateOptions(scenario, {}, true);
  const ratio: number | null = 'now' in r ? r.now.marginRatio : null;
  const isolated: IsolatedPosition[] = 'isolated' in r ? r.isolated.options : [];
  const prices = new Float64Array([50000, 60000, 70000]);
  const equity = new Float64Array(3), maintenance = new Float64Array(3);
  const swept = lab.optionsSweep(scenario, prices, equity, maintenance, { days: 7, volShift: 0.05 });
  const grid = lab.portfolioMargin(scenario, { volShockKind: 'absolute', vegaPower: 0 });
  const worst: number = 'worstPnl' in grid ? (grid.pnl[grid.worstVolShock]?.[grid.worstPriceMove] ?? 0) : 0;
  const g = lab.black76({ type: 'put', strike: 55000, forward: 60000, volatility: 0.7, years: 0.1 });
  const iv = lab.impliedVolatility({ type: 'put', strike: 55000, forward: 60000, years: 0.1, price: 'price' in g ? g.price : 1000 });
  const sigma: number = 'volatility' in iv ? (iv.informative ? iv.volatility ?? 0 : 0) : 0;  // null: no information
  const named = lab.instrumentName({ name: 'BTC-27MAR26-60000-C' });
  const strikeOfName: number = 'strike' in named && named.instrument ? named.strike : 0;
  // @ts-expect-error: the name is a string
  lab.instrumentName({ name: 60000 });
  // @ts-expect-error: an option's type is call or put
  lab.black76({ type: 'straddle', strike: 1, forward: 1, volatility: 0.5, years: 1 });
  // @ts-expect-error: volShockKind is relative or absolute
  lab.portfolioMargin(scenario, { volShockKind: 'percent' });
  // @ts-expect-error: a future of an options account has no markPrice (it is marked at underlyingPrice)
  lab.evaluateOptions({ ...scenario, futures: [{ side: 'long', quantity: 1, entryPrice: 1, markPrice: 2 }] });
  // @ts-expect-error: an option needs its premium
  lab.evaluateOptions({ ...scenario, options: [{ type: 'call', strike: 1, expiryYears: 1, side: 'long', quantity: 1 }] });
  // @ts-expect-error: the sweep writes into Float64Arrays
  lab.optionsSweep(scenario, [1, 2], equity, maintenance);
  // @ts-expect-error: version 2 only
  lab.evaluateOptions({ ...scenario, version: 1 });
  // A volatility surface from quotes: its smiles, where arbitrage is, and a VolSurface for a scenario.
  const fitted = lab.fitSurface({ underlyingPrice: 60000, interestRate: 0.02, quotes: [
    { expiryYears: 0.1, strike: 50000, type: 'put', volatility: 0.7 },
    { expiryYears: 0.1, strike: 60000, type: 'call', price: 4500 },
  ] }, { explain: true });
  const smiles: SviSmile[] = 'smiles' in fitted ? fitted.smiles : [];
  const source: 'putCallParity' | 'carry' | undefined = smiles[0]?.forwardSource;
  const where: SurfaceArbitrage[] = 'arbitrage' in fitted ? fitted.arbitrage : [];
  if ('surface' in fitted) lab.evaluateOptions({ ...scenario, volSurface: fitted.surface });
  lab.evaluateOptions({ ...scenario, volSurface: { expiryDates: ['27MAR26', '2026-06-26'], strikes: [60000], vols: [[0.6], [0.6]] } });
  // @ts-expect-error: expiry dates are strings
  lab.evaluateOptions({ ...scenario, volSurface: { expiryDates: [0.25], strikes: [60000], vols: [[0.6]] } });
  // @ts-expect-error: a quote's type is call or put
  lab.fitSurface({ underlyingPrice: 1, quotes: [{ expiryYears: 1, strike: 1, type: 'future', price: 1 }] });
  return crossings.length + (ratio ?? 0) + isolated.length + swept.errors.length + worst + sigma + shown.length + top.length +
    solveSteps + gridSteps.errors.length + smiles.length + where.length + (source ? 1 : 0) + strikeOfName;
}

/** Size-scaled margin curves (curve.h): Orderly's notional^0.8 and Drift's sqrt-size premium. */
export function sizeCurves(lab: MarginLabFull): number {
  const orderly = lab.sizeCurve({ curve: 'orderly', side: 'long', quantity: 10, entryPrice: 60000, collateral: 60000,
    baseImr: 0.01, baseMmr: 0.006, factor: 0.000000375 }, { explain: true });
  const liquidation: number | null = 'liquidationPrice' in orderly ? orderly.liquidationPrice : null;
  const upper: number | null = 'upperLiquidationPrice' in orderly ? orderly.upperLiquidationPrice : null;
  const steps: Step[] = 'notional' in orderly ? (orderly.steps ?? []) : [];
  const drift = lab.sizeCurve({ curve: 'drift', side: 'short', quantity: 10000, entryPrice: 150, markPrice: 149,
    collateral: 300000, baseImr: 0.1, baseMmr: 0.05, factor: 0.0005 });
  const rate: number = 'maintenanceMarginRate' in drift ? drift.maintenanceMarginRate : 0;
  // dYdX's open-interest-scaled IMF (DY-5): its open interest and caps.
  const dydx = lab.sizeCurve({ curve: 'dydx', side: 'long', quantity: 10, entryPrice: 100, collateral: 100, baseImr: 0.05,
    baseMmr: 0.03, factor: 0, openInterestNotional: 35e6, openInterestLowerCap: 20e6, openInterestUpperCap: 50e6 });
  const imf: number = 'initialMarginRate' in dydx ? dydx.initialMarginRate : 0;
  // @ts-expect-error: the curves are orderly, drift and dydx
  lab.sizeCurve({ curve: 'binance', side: 'long', quantity: 1, entryPrice: 1, collateral: 1, baseImr: 0.1, baseMmr: 0.05, factor: 0 });
  // @ts-expect-error: the factor is required
  lab.sizeCurve({ curve: 'drift', side: 'long', quantity: 1, entryPrice: 1, collateral: 1, baseImr: 0.1, baseMmr: 0.05 });
  return (liquidation ?? 0) + (upper ?? 0) + steps.length + rate + imf;
}


/** A venue's tick and lots (marginlab-full). */
export async function venueNumbers(): Promise<number> {
  const lab: MarginLabFull = await createMarginLab();
  const rounded = lab.tickPrice({ rules: 'bybit', side: 'short', price: 8121.83, tickSize: 0.5 }, { explain: true });
  const lots = lab.wholeLots({ quantity: 0.12345, lotSize: 0.001, baseAsset: 'BTC' });
  const price: number = rounded.errors.length === 0 && 'price' in rounded ? rounded.price : 0;
  const unit: string = lots.errors.length === 0 && 'unit' in lots ? lots.unit : '';
  return price + unit.length;
}

/** Accounts (scenario version 3): a version 1 scenario converted, then a two-asset account. */
export async function accounts(): Promise<number> {
  const lab = await createMarginLab();
  const converted = lab.toAccount(defaultScenario);
  const account: Account | null = 'account' in converted ? converted.account : null;
  const own: Account = {
    version: 3,
    collateral: [{ asset: 'BTC', balance: 1, price: 60000, haircut: 0.05 }, { asset: 'USDT', balance: 1500, price: 1 }],
    underlyings: [{ name: 'ETH', price: 2900 }],
    futures: [{ underlying: 'ETH', settlementAsset: 'USDT', symbol: 'ETHUSDT', side: 'long', quantity: 10, entryPrice: 3000, leverage: 10 }],
  };
  const answer = lab.evaluateAccount(account ?? own, { scanPoints: 401 }, { explain: true });
  const view: AccountView | null = 'account' in answer ? answer.account : null;
  const ratio: number | null = view ? view.marginRatio : null;
  const asset: AssetView | undefined = view?.assets[0];
  const part: PositionContribution | undefined = view?.positions[0];
  const kind: 'future' | 'option' | undefined = part?.kind;
  // @ts-expect-error: a position's kind is 'future' or 'option'
  const wrong: PositionContribution['kind'] = 'perpetual';
  // @ts-expect-error: a haircut is a number
  lab.evaluateAccount({ collateral: [{ asset: 'BTC', balance: 1, price: 1, haircut: '5%' }] });
  return (ratio ?? 0) + (asset?.collateralValue ?? 0) + (part?.maintenanceMargin ?? 0) + (kind === 'option' ? 1 : 0) + wrong.length;
}

/** Margin by venue: a table row per venue and a venue's grid for a heat map. */
export async function venues(): Promise<number> {
  const lab = await createMarginLab();
  const account: Account = {
    version: 3,
    margin: 'deribitStandard',
    collateral: [{ asset: 'BTC', balance: 5, price: 100000 }],
    underlyings: [{ name: 'BTC', price: 100000 }],
    options: [{ underlying: 'BTC', settlementAsset: 'BTC', type: 'put', strike: 70000, expiryYears: 30 / 365, side: 'short',
      quantity: 10, premium: 0.001, volatility: 0.6 }],
  };
  const answer = lab.marginByVenue(account, { asOf: '2025-06-01', span: [{ underlying: 'BTC', priceScanRange: 0.1 }],
    deribitExtendedWeight: 'full' }, { explain: true });
  const result: MarginByVenueResult | null = 'venues' in answer ? answer : null;
  const rows = (result?.venues ?? []).filter((v): v is VenueMargin => v.supported);
  const grid: PmGrid | undefined = rows[0]?.grids[0];
  const leg: string | null = rows[0]?.components[0]?.leg ?? null;
  // @ts-expect-error: an unknown Deribit weight
  lab.marginByVenue(account, { deribitExtendedWeight: 'half' });
  lab.marginByVenue(account, { deribitDeltaShock: 'excessOverThreshold', okxMr2Days: 1, okxMr3Points: 0.3, okxMr5RateShock: 0.01,
    okxMr7Rate: 0.0005, okxMr8Rate: 0.1, okxMr9Factor: 0.01, bybitDeltaSpreadFactor: 0.6 });
  const tiers: SpanTier[] = [{ maxYears: 0.25 }, { maxYears: 0.5, priceScanRange: 0.12 }];
  const intra: SpanIntraSpread = { tierA: 0, tierB: 1, charge: 200 };
  const inter: SpanInterSpread = { first: 'BTC', second: 'ETH', firstDelta: 1, secondDelta: 20, creditRate: 0.5 };
  lab.marginByVenue(account, { span: [{ underlying: 'BTC', priceScanRange: 0.1, tiers, intraSpreads: [intra] }], spanInter: [inter] });
  // @ts-expect-error: a credit rate is required
  lab.marginByVenue(account, { spanInter: [{ first: 'BTC', second: 'ETH' }] });
  // @ts-expect-error: an unknown delta shock
  lab.marginByVenue(account, { deribitDeltaShock: 'always' });
  return (grid?.worstPnl ?? 0) + (leg ? 1 : 0);
}

/** Margin by venue's reverse questions and the dated parameter sets. */
export async function venueReverse(): Promise<number> {
  const lab = await createMarginLab();
  const account: Account = {
    version: 3,
    margin: 'deribitStandard',
    collateral: [{ asset: 'USDC', balance: 100000, price: 1 }],
    underlyings: [{ name: 'BTC', price: 100000 }],
    futures: [{ underlying: 'BTC', settlementAsset: 'USDC', symbol: 'BTC-PERPETUAL', side: 'short', quantity: 1, entryPrice: 100000 }],
  };
  const request: VenueReverseRequest = { venue: 'span', span: [{ underlying: 'BTC', priceScanRange: 0.1 }], underlying: 'BTC',
    newLeg: { future: { underlying: 'BTC', settlementAsset: 'USDC', side: 'short', quantity: 1, entryPrice: 100000 } } };
  const answer = lab.venueReverse(account, request, { explain: true });
  const result: VenueReverseResult | null = 'venues' in answer ? answer : null;
  const row: VenueReverse | undefined = result?.venues[0];
  const size: ReverseAnswer | undefined = row?.maxNewLegSize;
  const up: number | null = row?.liquidationMove.up.value ?? null;
  const sets: PmParameterSet[] = lab.pmParameterSets('okx');
  const diff = lab.pmParameterDiff('okx', '2024-12-31', '2025-01-10');
  const changes: PmParameterChange[] = 'changes' in diff ? diff.changes : [];
  // @ts-expect-error: a leg is a future or an option object
  lab.venueReverse(account, { newLeg: { future: 'BTC' } });
  return (size?.value ?? 0) + (up ?? 0) + sets.length + changes.length + (result?.steps?.length ?? 0);
}

/** Venue rule sets, the venue view, liquidation prices and the two-move boundary. */
export async function accountRules(): Promise<number> {
  const lab = await createMarginLab();
  const packs: AccountRules[] = lab.accountVenues({ unverified: true });
  const bybit: AccountRules = packs.find((r) => r.venue === 'bybitUnified') ?? {};
  const account: Account = {
    collateral: [{ asset: 'BTC', balance: 25, price: 100000, beta: 1 }, { asset: 'USDT', balance: 10000, price: 1, beta: 0 }],
    underlyings: [{ name: 'BTC', price: 100000, beta: 1 }],
    venue: bybit,
  };
  const answer = lab.evaluateAccount(account, undefined, { explain: true });
  const venue: VenueView | null = 'account' in answer ? answer.account.venue : null;
  const liquidation: UnderlyingLiquidation[] = 'account' in answer ? answer.account.liquidation : [];
  const move: number | null = 'account' in answer ? answer.account.oneFactor.moveDown : null;
  const request: BoundaryRequest = { x: { asset: 'BTC', from: -0.5, to: 0.5 }, y: { asset: 'USDT', from: -0.2, to: 0.2 }, n: 21 };
  const grid = lab.accountBoundary(account, request);
  const result: BoundaryResult | null = 'xs' in grid ? grid : null;
  const nearest: BoundaryPoint | null = result?.nearest ?? null;
  const band: CollateralBand = { from: 0, ratio: 0.98 };
  const tiers: CollateralTiers = { asset: 'ETH', bands: [band] };
  const zone: AccountVenue = venue ? venue.venue : 'generic';
  // @ts-expect-error: an axis names its asset
  lab.accountBoundary(account, { x: { from: 0 }, y: { asset: 'BTC' } });
  return (venue?.headroom ?? 0) + liquidation.length + (move ?? 0) + (nearest?.x ?? 0) + tiers.bands.length + zone.length;
}
