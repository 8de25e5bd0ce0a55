// SPDX-License-Identifier: MIT
// Account equity against the mark of one symbol, isolated and cross (uPlot). The curve comes
// from lab.sweep (one wasm call per mode); the marked prices come from the report.
import { css, plotChart } from './markers.js';
import * as fmt from './format.js';
import { isPastLiquidation } from './form.js';
import { say } from './i18n.js';

const POINTS = 480;
let plot = null;

/** The prices worth seeing: the positions' entries and marks and every liquidation and bankruptcy price. */
function priceRange(scenario, report, symbol) {
  const xs = [];
  scenario.positions.forEach((p, i) => {
    if (p.symbol !== symbol) return;
    xs.push(p.entryPrice, p.markPrice ?? p.entryPrice);
    for (const mode of ['isolated', 'cross', 'asGiven']) {
      const o = report[mode] && report[mode].positions[i];
      if (!o) continue;
      if (o.liquidationPrice !== null) xs.push(o.liquidationPrice);
      if (o.bankruptcyPrice !== null) xs.push(o.bankruptcyPrice);
    }
  });
  const lo = Math.min(...xs), hi = Math.max(...xs);
  const pad = Math.max((hi - lo) * 0.15, hi * 0.05);
  return [Math.max(lo - pad, lo * 0.02), hi + pad];
}

const STYLE = {
  entry: { color: '--c-muted', dash: [4, 4] },
  mark: { color: '--c-text', dash: [] },
  'liq-iso': { color: '--c-iso', dash: [] },
  'liq-cross': { color: '--c-cross', dash: [] },
  'bank-iso': { color: '--c-iso', dash: [2, 3] },
  'bank-cross': { color: '--c-cross', dash: [2, 3] },
  tier: { color: '--c-tier', dash: [6, 6] },
};

/** The marked prices of `symbol`'s positions, as [{ x, label, kind }]. */
function marked(scenario, report, symbol) {
  const out = [];
  scenario.positions.forEach((p, i) => {
    if (p.symbol !== symbol) return;
    const tag = scenario.positions.filter((q) => q.symbol === symbol).length > 1 ? ` #${i + 1}` : '';
    out.push({ x: p.entryPrice, label: `${say('chart.entry', 'entry')}${tag}`, kind: 'entry' });
    const iso = report.isolated.positions[i], cross = report.cross.positions[i];
    if (iso.liquidationPrice !== null) out.push({ x: iso.liquidationPrice, label: `${say('chart.isolatedLiq', 'isolated liq.')}${tag} ${fmt.price(iso.liquidationPrice)}`, kind: 'liq-iso' });
    if (cross.liquidationPrice !== null) out.push({ x: cross.liquidationPrice, label: `${say('chart.crossLiq', 'cross liq.')}${tag} ${fmt.price(cross.liquidationPrice)}`, kind: 'liq-cross' });
    if (iso.bankruptcyPrice !== null) out.push({ x: iso.bankruptcyPrice, label: `${say('chart.isolatedBankr', 'isolated bankr.')}${tag}`, kind: 'bank-iso' });
    if (cross.bankruptcyPrice !== null) out.push({ x: cross.bankruptcyPrice, label: `${say('chart.crossBankr', 'cross bankr.')}${tag}`, kind: 'bank-cross' });
    for (const b of iso.tierBoundaries) out.push({ x: b.price, label: `tier ${b.tier}|${b.tier + 1}`, kind: 'tier' });
  });
  const first = scenario.positions.find((p) => p.symbol === symbol);
  const past = pastModes(scenario, report, symbol);
  out.push({ x: first.markPrice ?? first.entryPrice, label: past ? say(`chart.markPast.${past}`, `mark (past ${past === 'isolated and cross' ? '' : past + ' '}liq.)`) : say('chart.mark', 'mark'), kind: 'mark' });
  return out;
}

/** 'isolated', 'cross' or 'isolated and cross' (the key of its mark's label: chart.markPast.<modes>): the modes in which a position of `symbol` is past liquidation ('' for none). */
function pastModes(scenario, report, symbol) {
  const modes = ['isolated', 'cross'].filter((mode) => report[mode].positions.some((o, i) =>
    scenario.positions[i].symbol === symbol && isPastLiquidation(o)));
  return modes.join(' and ');
}

/** The marks in range, styled: the kinds in `emphasis` (a lesson points at them) heavier and bold; tier labels only when few. */
function markers(scenario, report, symbol, [lo, hi], emphasis) {
  const marks = marked(scenario, report, symbol).filter((m) => m.x >= lo && m.x <= hi);
  return marks.map((m) => {
    const strong = emphasis.includes(m.kind);
    return { ...STYLE[m.kind], x: m.x, label: m.kind !== 'tier' || marks.length < 12 ? m.label : '', bold: strong,
      width: strong ? 3 : m.kind === 'tier' ? 1 : 1.5 };
  });
}

const chartHeight = (width) => Math.round(Math.min(360, Math.max(220, width * 0.5)));

/** `emphasis`: line kinds a lesson points at, drawn heavier with bold labels. */
export function renderChart(container, summary, lab, scenario, report, positionIndex, emphasis = []) {
  const symbol = scenario.positions[positionIndex].symbol;
  const [lo, hi] = priceRange(scenario, report, symbol);
  const prices = new Float64Array(POINTS);
  for (let i = 0; i < POINTS; i++) prices[i] = lo + ((hi - lo) * i) / (POINTS - 1);
  const modes = [['isolated', 'Isolated', '--c-iso'], ['cross', 'Cross', '--c-cross']];
  if (report.asGiven) modes.push(['asGiven', 'As given', '--c-asgiven']);
  const data = [Array.from(prices)];
  for (const [mode] of modes) {
    const out = new Float64Array(POINTS);
    const { errors } = lab.sweep(scenario, prices, out, { mode, position: positionIndex });
    data.push(errors.length ? prices.map(() => null) : Array.from(out));
  }
  const unit = report.settlementAsset;
  const coin = scenario.positions[0].contract === 'inverse';
  plot = plotChart(container, plot, {
    height: chartHeight, data,
    x: [say('chart.markPrice', `${symbol} mark price`, { symbol }), (v) => fmt.tick(v)],
    y: [say('chart.equity', `Equity (${unit})`, { unit }), (v) => (coin ? fmt.amount(v, true) : fmt.tick(v))],
    series: [
      { label: 'Price', value: (u, v) => (v === null ? '' : fmt.price(v)) },
      ...modes.map(([, label, color]) => ({ label, stroke: css(color), width: 2, value: (u, v) => (v === null ? '' : fmt.amount(v, coin)) })),
    ],
    marks: markers(scenario, report, symbol, [lo, hi], emphasis),
    restIndex: nearestIndex(prices, markOf(scenario, symbol)),
  });
  // One text node a sentence: a page in another language translates each (web/src/i18n/translate.js).
  summary.replaceChildren(...describe(scenario, report, symbol, [lo, hi], data, unit, coin).flatMap((s, i) => (i ? [' ', s] : [s])));
}

/** The mark of `symbol`: the one the core read (a position's mark, else its entry). */
function markOf(scenario, symbol) {
  const p = scenario.positions.find((q) => q.symbol === symbol);
  return p.markPrice ?? p.entryPrice;
}

/** The index of the sampled price nearest `price`. */
function nearestIndex(prices, price) {
  let best = 0;
  for (let i = 1; i < prices.length; i++) if (Math.abs(prices[i] - price) < Math.abs(prices[best] - price)) best = i;
  return best;
}

/** The same picture in words, for screen readers and for print: its sentences. */
function describe(scenario, report, symbol, [lo, hi], data, unit, coin) {
  const parts = [`Account equity in ${unit} as the ${symbol} mark moves from ${fmt.price(lo)} to ${fmt.price(hi)}, other symbols at their marks.`];
  scenario.positions.forEach((p, i) => {
    if (p.symbol !== symbol) return;
    const iso = report.isolated.positions[i], cross = report.cross.positions[i];
    parts.push(`${p.symbol} ${p.side} entered at ${fmt.price(p.entryPrice)}: isolated liquidation ${iso.liquidationPrice === null ? 'never' : 'at ' + fmt.price(iso.liquidationPrice)}` +
      `, cross liquidation ${cross.liquidationPrice === null ? 'never' : 'at ' + fmt.price(cross.liquidationPrice)}.`);
  });
  const past = pastModes(scenario, report, symbol);
  if (past) parts.push(`The mark is already past the ${past} liquidation price: the venue would have closed the position there.`);
  const span = (ys) => `${fmt.amount(Math.min(...ys), coin)} to ${fmt.amount(Math.max(...ys), coin)}`;
  parts.push(`Isolated equity ranges from ${span(data[1])}; cross from ${span(data[2])}.`);
  return parts;
}
