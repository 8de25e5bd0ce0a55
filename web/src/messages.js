// SPDX-License-Identifier: MIT
// The core's input errors said for people, as a venue's help centre would: from the error's rule
// and params (core/include/marginlab/messages.h), never by parsing its English message (a rule
// without a row here keeps the core's message); and the steps the page words itself. A chunk of
// its own, loaded on the first input error, position past liquidation or use of the risk lab.
import * as fmt from './format.js';
import { isPastLiquidation, stepText } from './form.js';
import { t } from './i18n.js';

/** Fields whose page unit is percent while the core's number is a fraction. */
const PERCENT = new Set(['takerFeeRate', 'maintenanceMarginRate', 'riskFraction', 'liquidationFeeRate', 'volatility', 'rate',
  'interestRate', 'futuresSizeRate', 'drift', 'move', 'replenishFraction']);
const NAMES = { quantity: 'Size', takerFeeRate: 'Taker fee', maintenanceMarginRate: 'Maintenance rate', maintenanceAmount: 'Maintenance amount',
  notionalCap: 'Notional cap', maxLeverage: 'Max leverage', quantityDelta: 'Size change', riskFraction: 'Risk', stopPrice: 'Stop' };

/** The field a path names, in words: "positions[0].entryPrice" -> "Entry price". */
function fieldName(path) {
  const key = (/([A-Za-z]+)(\[\d+\])*$/.exec(path) || [, 'value'])[1];
  const words = NAMES[key] || key.replace(/([A-Z])/g, ' $1').toLowerCase();
  return { key, name: words.charAt(0).toUpperCase() + words.slice(1) };
}

/** A number as the field shows it: percent for percentage fields, grouped otherwise. */
function shown(key, x) {
  if (typeof x !== 'number') return String(x);
  return PERCENT.has(key) ? fmt.percent(x) : fmt.tick(x);
}

/** The venues' names as they write them (the core's rules are lower-case keys). */
const VENUES = { binance: 'Binance', bybit: 'Bybit', 'bybit-uta': 'Bybit', okx: 'OKX', hyperliquid: 'Hyperliquid', bitmex: 'BitMEX', dydx: 'dYdX', simple: 'textbook' };

const RULES = {
  leverageAboveTier: (f, p, unit) => `Leverage ${fmt.plain(p.value)}x is above the ${fmt.plain(p.limit)}x maximum for a ${fmt.tick(p.notional)}${unit ? ' ' + unit : ''} position on this bracket.`,
  leverageAboveTable: (f, p) => `Leverage ${fmt.plain(p.value)}x is above ${fmt.plain(p.limit)}x, the most the ${p.symbol} table allows.`,
  entryAboveLastCap: (f, p, unit) => `This position (${fmt.tick(p.value)}${unit ? ' ' + unit : ''} at entry) is larger than the last bracket allows (${fmt.tick(p.limit)}).`,
  mustBePositive: (f, p) => `${f.name} must be more than 0 (you typed ${shown(f.key, p.value)}).`,
  mustBeNonNegative: (f, p) => `${f.name} cannot be negative (you typed ${shown(f.key, p.value)}).`,
  notZero: (f) => `${f.name} cannot be 0.`,
  missing: (f) => `${f.name} is required.`,
  atMost: (f, p) => `${f.name} ${shown(f.key, p.value)} is above the maximum, ${shown(f.key, p.limit)}.`,
  atLeast: (f, p) => `${f.name} ${shown(f.key, p.value)} is below the minimum, ${shown(f.key, p.limit)}.`,
  magnitude: (f, p) => `${f.name} must be between ${shown(f.key, p.low)} and ${shown(f.key, p.high)} (you typed ${shown(f.key, p.value)}).`,
  between: (f, p) => `${f.name} must be between ${shown(f.key, p.low)} and ${shown(f.key, p.high)} (you typed ${shown(f.key, p.value)}).`,
  takerFeeRate: (f, p) => `A taker fee of ${fmt.percent(p.value)} is not plausible: it must be at least 0% and below 10%.`,
  tierOtherContract: (f, p) => `The ${VENUES[p.rules] ?? p.rules} table for ${p.symbol} is for ${p.tableContract} contracts only: change this position's contract, or add a table under "Tiers for ${p.symbol}".`,
  tierMissing: (f, p) => `There is no ${VENUES[p.rules] ?? p.rules} tier table for ${p.symbol} here: add its rows under "Tiers for ${p.symbol}".`,
  inverseUnsupported: (f, p) => `${VENUES[p.rules] ?? p.rules} lists no inverse (coin-settled) perpetuals: every contract there is linear, settled in ${p.asset}. Choose "Linear".`,
  tierCapUnsorted: (f, p) => `Each notional cap must be larger than the row above it (${fmt.tick(p.previous)}).`,
  tierLeverageRising: (f, p) => `Max leverage ${fmt.plain(p.value)}x is above the row above it (${fmt.plain(p.previous)}x): larger positions allow less leverage.`,
  instrumentDate: (f, p) => `"${p.name}" reads as a ${p.venue} option name, but ${p.value} is not a date there (${p.format}).`,
  instrumentStrike: (f, p) => `"${p.name}" reads as a ${p.venue} option name, but ${p.value} is not a strike there.`,
  instrumentUnderlying: (f, p) => `"${p.name}" reads as a ${p.venue} option name, but ${p.value} is not an underlying there (letters and digits).`,
  instrumentSettle: (f, p) => `"${p.name}" reads as a Bybit option name, but ${p.value} is not its settlement coin (USDT or USDC).`,
  tierRateFalling: (f, p) => `A maintenance rate of ${fmt.percent(p.value)} is below the row above it (${fmt.percent(p.previous)}): larger positions need more margin.`,
};

/** Params in the unit of the field in error, and params that are a percentage field's number. */
const OWN = new Set(['value', 'previous', 'limit', 'low', 'high']);
const PARAM_FIELD = { fee: 'takerFeeRate', rate: 'maintenanceMarginRate' };

/**
 * The error in the page's language (web/src/i18n/<lang>.js: error.<rule>) from its rule and params:
 * the field by its name there, numbers as the locale writes them (format.js). Null without an entry.
 */
function translated(error, unit) {
  if (!t || !error.params) return null;
  const f = fieldName(error.path || '');
  const params = { field: t('field.' + f.key) ?? t('field.value'), unit };
  for (const [name, x] of Object.entries(error.params)) {
    params[name] = name === 'rules' ? VENUES[x] ?? x : shown(OWN.has(name) ? f.key : PARAM_FIELD[name] || '', x);
  }
  return t('error.' + error.rule, params);
}

/** The error said for people, or null when its rule has no phrasing here (the core's message is used). */
export function phrase(error, unit = '') {
  const said = translated(error, unit);
  if (said) return said;
  const row = RULES[error.rule];
  if (!row || !error.params) return null;
  try {
    return row(fieldName(error.path || ''), error.params, unit);
  } catch {
    return null;
  }
}

/**
 * A cascade step's label as the page words it, from its code and params: steps numbered as the
 * events list numbers them (from 1), and the liquidation style without the core's reference to
 * its sources. Any other step is said from its code (form.js stepText: the core's label in English).
 */
export function stepLabel({ code, params: p, label }, reasons) {
  const how = p.source === 'given' ? 'as requested' : `how ${p.rules} liquidates`;
  if (code === 'cascade.trigger') return `Step ${p.step + 1}: the account falls to its maintenance margin`;
  if (code === 'cascade.event') {
    return `Step ${p.step + 1}, mark ${fmt.price(p.price)}: ${p.symbol} ${reasons[p.reason] ?? p.reason}, ${fmt.plain(p.quantityBefore)} → ${fmt.plain(p.quantityAfter)} contracts`;
  }
  if (code === 'cascade.style.tierByTier') {
    return `Tier by tier (${how}): the position with the largest maintenance margin is cut to the cap of its next lower tier (closed in tier 1), ` +
      'then the account is checked again; an account at or past bankruptcy is taken over whole';
  }
  if (code === 'cascade.style.wholeAccount') return `Whole account (${how}): every position is closed at the mark as soon as equity <= maintenance`;
  return stepText({ code, params: p, label });
}

// ---------------------------------------------------------------------------------------------
// Positions and accounts past liquidation, in words (the core's pastLiquidation and pastBankruptcy).

/** What a position past its liquidation (or bankruptcy) price means, from the core's numbers; '' when it is not. */
export function pastPosition(o, p) {
  if (!isPastLiquidation(o)) return '';
  const mark = fmt.price(p.markPrice ?? p.entryPrice);
  const bankrupt = o.pastBankruptcy && o.bankruptcyPrice !== null ? ` and its bankruptcy price (${fmt.price(o.bankruptcyPrice)}): the loss is more than its margin` : '';
  return `Already liquidated: the mark (${mark}) is past the liquidation price (${fmt.price(o.liquidationPrice)})${bankrupt}. The venue would have closed it.`;
}

/** The account past liquidation (equity at or below maintenance) or with a wallet that does not cover its margin. */
export function pastAccount(a, unit, coin) {
  const amt = (x) => `${fmt.amount(x, coin)} ${unit}`;
  if (a.pastLiquidation) {
    return `Past liquidation: equity (${amt(a.equity)}) is at or below the maintenance margin (${amt(a.maintenanceMargin)}).`;
  }
  if (a.availableBalance < 0) return `The wallet does not cover the margin of these positions: available is ${amt(a.availableBalance)}.`;
  return '';
}

/** The verdict of a position that is past liquidation in either mode (null when neither). */
export function pastVerdict(p, iso, cross, risk) {
  const isoPast = isPastLiquidation(iso), crossPast = isPastLiquidation(cross);
  if (!isoPast && !crossPast) return null;
  const mark = fmt.price(p.markPrice ?? p.entryPrice);
  const lp = (o) => (o.liquidationPrice === null ? 'never' : 'at ' + fmt.price(o.liquidationPrice));
  const head = `${p.symbol} ${p.side}: the mark (${mark}) is past the liquidation price`;
  if (isoPast && crossPast) return `${head} in both modes (${lp(iso)} isolated, ${lp(cross)} cross): already liquidated.`;
  if (isoPast) return `${head} isolated (${lp(iso)}): already liquidated there. Cross would still hold it (liquidation ${lp(cross)}) but ${risk}.`;
  return `${head} cross (${lp(cross)}): already liquidated there. Isolated would still hold it (liquidation ${lp(iso)}).`;
}

/** The account lines of the verdict: a mode whose account is past liquidation or short of margin. */
export function accountVerdict(report, unit, coin) {
  const lines = [];
  for (const [mode, name] of [['isolated', 'Isolated'], ['cross', 'Cross']]) {
    const text = pastAccount(report[mode].account, unit, coin);
    if (text) lines.push(`${name} account: ${text.charAt(0).toLowerCase()}${text.slice(1)}`);
  }
  return lines;
}
