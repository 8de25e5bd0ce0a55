// SPDX-License-Identifier: MIT
// The risk lab section: what-if tools, stress grid, cascade, funding, liquidation odds (closed
// form and Monte Carlo in a worker) and the liquidation engine. Every number comes from the
// core; this file builds each tool's small form with the page's form kit (form.js) and lays the
// answer out. A tool's steps are asked for (the same call with { explain: true }) only when its
// "Show the math" is opened.
import { h, v, patch, scrollable } from './dom.js';
import * as fmt from './format.js';
import { fieldText, createForm, numberReader, metric, Explainer, EXPLAIN } from './form.js';

/** What the engine did at a cascade event (the core's numbers and reason, in words). */
const CASCADE_REASONS = {
  wholeAccount: 'closed: the whole account is liquidated',
  takeover: 'taken over by the liquidation engine',
  tierCut: 'cut to the cap of its next lower tier',
  tierClose: 'closed (its lowest tier)',
};
function eventText(e) {
  const past = e.shortfall > 0 ? `; ${fmt.amount(e.shortfall)} past bankruptcy, covered by the insurance fund` : '';
  return `Step ${e.step + 1}, mark ${fmt.price(e.price)}: ${e.symbol} ${CASCADE_REASONS[e.reason] ?? e.reason}, ` +
    `${fmt.plain(e.closedQuantity)} of ${fmt.plain(e.quantityBefore)} contracts closed${past}`;
}

// The risk lab runs on marginlab-full.js, loaded the first time a tool computes, with the page's
// wording of steps (messages.js).
let lab = null;
let words = null;
let loadFullLab = async () => null;

/** The object without its undefined entries (blank optional fields). */
const defined = (o) => Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined));

/** Rows [label, text] as a list of metrics, then the "Show the math" disclosure when there is one. */
const result = (rows, math) => [v('dl', { class: 'tool-result' }, ...rows.map(([k, text]) => metric(null, k, text))), math];

/**
 * One tool: its form and its answer. spec: { id, title, intro, fields: [{ key, label, unit, value,
 * options }], call (the lab's function), request(num, values, scenario) (num(key, per = 1) reads
 * a typed number: per 100 for a percentage), view(answer, { request, scenario, math }) -> virtual
 * nodes, steps: whether its answer has steps to show; or, for a long run (Monte Carlo),
 * check(scenario, request) -> an answer with its errors, and start(scenario, request, out); load() -> a
 * promise of what its view needs, awaited before it first computes }.
 */
function tool(ctx, spec) {
  // The answer is drawn in `body`; `note` says when it is for an earlier or not-yet-valid scenario.
  const body = h('div', {});
  const note = h('p', { class: 'stale-note', hidden: '' });
  const out = h('div', { class: 'tool-out', 'aria-live': 'polite', id: `${spec.id}-out` }, body, note);
  const form = h('form', { class: 'tool', id: spec.id, novalidate: '' });
  const kit = createForm({ idOf: (path) => `${spec.id}-${path.slice('request.'.length)}`, root: () => form });
  const values = Object.fromEntries(spec.fields.map((f) => [f.key, f.value]));
  // A tool of the scenario is lab[call](scenario, request, options); one without gives invoke().
  const call = (scenario, request, options) => (spec.invoke ? spec.invoke(request, options, scenario) : lab[spec.call](scenario, request, options));
  let last = null;  // { scenario, request, answer, key } on screen (key: the scenario as text)
  const math = new Explainer({
    prefix: `${spec.id}-math-`,
    explain: () => (spec.explain ? spec.explain(last) : call(last.scenario, last.request, EXPLAIN)),
    steps: (answer) => answer.steps,
    redraw: () => (last && last.redraw ? last.redraw() : show()),
    label: (step) => (words ? words.stepLabel(step, CASCADE_REASONS) : step.label),
  });
  const show = () => patch(body, spec.view(last.answer, { ...last, math: spec.steps ? math.details('steps') : null }));
  const set = (key) => (text) => { values[key] = text; };
  form.append(h('div', { class: 'grid tool-fields' }, ...spec.fields.map((f) => (f.options
    ? kit.select(f.label, `request.${f.key}`, f.value, f.options, set(f.key))
    : kit.field(f.label, `request.${f.key}`, f.value, set(f.key), { unit: f.unit })))), h('button', { type: 'submit' }, 'Compute'));
  const mark = (text) => {
    note.textContent = text;
    note.hidden = !text;
    out.classList.toggle('stale', !!text);
  };
  /** The answer for `scenario` and `request` on screen (or its errors, and nothing on screen). */
  const answer = (scenario, request, local = {}) => {
    const a = Object.keys(local).length ? { errors: [] } : spec.check ? spec.check(scenario, request) : call(scenario, request);
    mark('');
    if (Object.keys(local).length || a.errors.length) {
      last = null;
      patch(body, [v('ul', { class: 'general-errors' })]);
      kit.showErrors(local, a.errors, body.firstChild);
      return;
    }
    kit.showErrors({}, []);
    last = { scenario, request, answer: a, key: JSON.stringify(scenario) };
    math.renew();
    if (spec.start) spec.start(scenario, request, body, { math, last });
    else show();
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!lab) patch(body, [v('p', { 'data-loading': '' }, 'Loading the risk lab…')]);
    try {
      await loadFullLab();
      words ??= await import('./messages.js');
      if (spec.load) await spec.load();
    } catch (err) {
      patch(body, [v('p', { class: 'warn', role: 'alert' }, `The risk lab could not load: ${err && err.message ? err.message : err}`)]);
      return;
    }
    const local = {};
    const read = numberReader(local);
    const scenario = ctx.getScenario();
    answer(scenario, spec.request((key, per = 1) => read(values[key], `request.${key}`, false, per), values, scenario), local);
  });
  /**
   * The scenario above changed (`inputStale`: its fields have errors, so it is the last valid one).
   * A quick tool answers the same request for the new scenario, as the page's results do; a long
   * run (Monte Carlo) is stopped and marked stale until it is computed again.
   */
  const refresh = (inputStale) => {
    if (!last) return;
    const scenario = ctx.getScenario();
    const moved = JSON.stringify(scenario) !== last.key;
    if (moved && !spec.start) answer(scenario, last.request);
    else if (moved && running && running.body === body) running.cancel();
    if (!last) return;
    mark(moved && spec.start ? 'Computed for an earlier scenario: press Compute to run it for the scenario above.'
      : inputStale ? 'For the last valid scenario; fix the marked fields above to update it.' : '');
  };
  return { refresh, node: h('details', { class: 'tool-box' }, h('summary', {}, spec.title), h('p', { class: 'hint' }, spec.intro), form, out) };
}

/** Draws the risk lab for the scenario's positions; gives refresh(inputStale), to call after the scenario changes. */
export function renderRiskLab(root, ctx) {
  loadFullLab = async () => (lab ??= await ctx.getFullLab());
  root.replaceChildren();
  const scenario = ctx.getScenario();
  if (!scenario) return () => {};
  const first = scenario.positions[0];
  const coin = first.contract === 'inverse';
  const u = {
    first, unit: ctx.asset, coin,
    amt: (x) => fmt.amount(x, coin),
    lp: (x) => (x === null ? 'none' : fmt.price(x)),
    /** A size in the venue's whole lots with its unit when a venue file names the symbol (the core's wholeLots). */
    size: (q, s, symbol) => (ctx.lots && ctx.lots(s.rules, symbol, q)) || `${fmt.plain(q)} contracts`,
    position: { key: 'position', label: 'Position', value: '0', options: scenario.positions.map((p, i) => [String(i), `${i + 1}: ${p.symbol} ${p.side}`]) },
  };
  const tools = [...whatIfTools(u), ...stressTools(u), ...oddsTools(u), unwindTool(u), sizeCurveTool(u), adlTool(u), ...scenario.positions.map((p, i) => reconcileTool(u, i, p))].map((spec) => tool(ctx, spec));
  root.append(h('h2', { id: 'risk-title' }, 'Risk lab'),
    h('p', { class: 'hint' }, 'What-if tools, stress and cascades, funding, the odds of liquidation and how the engine unwinds a position. Each uses the scenario above.'),
    ...tools.map((t) => t.node));
  return (inputStale) => tools.forEach((t) => t.refresh(inputStale));
}

function whatIfTools({ first, unit, amt, lp, size, position }) {
  const mark = fieldText(first.markPrice ?? first.entryPrice);
  const side = { key: 'side', label: 'Side', value: 'long', options: [['long', 'Long'], ['short', 'Short']] };
  const at = (values) => Number(values.position);
  return [
    { id: 't-adjust', call: 'adjust', steps: true, title: 'Add to or reduce a position',
      intro: 'A fill at a price: a positive size adds, a negative size reduces (through zero flips the side).',
      fields: [position, { key: 'price', label: 'Fill price', unit: 'quote', value: mark },
        { key: 'quantityDelta', label: 'Size change', unit: 'contracts, − reduces', value: fieldText(first.quantity) }],
      request: (num, values) => defined({ position: at(values), price: num('price'), quantityDelta: num('quantityDelta') }),
      view: (a, { request, math }) => {
        const iso = a.report.isolated && !a.closed ? a.report.isolated.positions[request.position] : null;
        const cross = a.report.cross && !a.closed ? a.report.cross.positions[request.position] : null;
        return [a.flipped ? v('p', { class: 'warn', role: 'alert' }, `The fill goes through zero: the position flips to ${a.side}.`) : null,
          ...result([['Side', a.side], ['Size', `${fmt.plain(a.quantity)} contracts`], ['Average entry', fmt.price(a.entryPrice)],
            [`Realised PnL, net of the closing fee (${unit})`, amt(a.realizedPnl)], [`Taker fees paid (${unit})`, amt(a.fee)],
            ['Liquidation, isolated', iso ? lp(iso.liquidationPrice) : '—'], ['Liquidation, cross', cross ? lp(cross.liquidationPrice) : '—'],
            [`Initial margin (${unit})`, iso ? amt(iso.initialMargin) : '—']], math)];
      } },
    { id: 't-target', call: 'targetPrice', steps: true, title: 'Target price for a PnL or ROE',
      intro: 'The mark at which the position makes the PnL (or ROE on its initial margin) you want.',
      fields: [position, { key: 'kind', label: 'Target', value: 'roe', options: [['roe', 'ROE (%)'], ['pnl', `PnL (${unit})`]] },
        { key: 'target', label: 'Value', value: '50' }],
      request: (num, values) => defined({ position: at(values), kind: values.kind, target: num('target', values.kind === 'roe' ? 100 : 1) }),
      view: (a, { math }) => result([['Target price', lp(a.price)]], math) },
    { id: 't-max', call: 'maxOpen', steps: true, title: 'Largest size that opens',
      intro: 'The most you can add with the available balance at a leverage: the tier is the whole position\'s (what the symbol already holds included), the cost includes the open loss and the taker fee, and an order against the position held closes it first.',
      fields: [{ key: 'symbol', label: 'Symbol', value: first.symbol }, side, { key: 'price', label: 'Order price', unit: 'quote', value: mark },
        { key: 'leverage', label: 'Leverage', unit: '×', value: fieldText(first.leverage ?? 10) }],
      request: (num, values) => defined({ symbol: values.symbol.trim(), contract: first.contract, contractSize: first.contractSize, side: values.side,
        price: num('price'), leverage: num('leverage') }),
      view: (a, { math, request, scenario }) => result([['Size', size(a.quantity, scenario, request.symbol)],
        ...(a.heldQuantity > 0 ? [['Already held, same side', `${fmt.plain(a.heldQuantity)} contracts`]] : []),
        ...(a.closingQuantity > 0 ? [['Closes first (other side)', `${fmt.plain(a.closingQuantity)} contracts`]] : []),
        ['Notional opened', amt(a.notional)], [`Initial margin (${unit})`, amt(a.initialMargin)],
        [`Open loss (${unit})`, amt(a.openLoss)], [`Taker fee (${unit})`, amt(a.fee)],
        [`Cost to open, incl. open loss and fees (${unit})`, amt(a.cost)], ['Tier of the whole position', String(a.tier)]], math) },
    { id: 't-stop', call: 'sizeFromStop', steps: true, title: 'Size from a stop-loss',
      intro: 'How big a position may be so that the stop loses only the share of the account you choose, taker fees in and out included.',
      fields: [{ key: 'symbol', label: 'Symbol', value: first.symbol }, side, { key: 'entryPrice', label: 'Entry', unit: 'quote', value: mark },
        { key: 'stopPrice', label: 'Stop', unit: 'quote', value: fieldText(Math.round((first.markPrice ?? first.entryPrice) * 0.97)) },
        { key: 'riskFraction', label: 'Risk', unit: '% of equity', value: '1' }, { key: 'leverage', label: 'Leverage', unit: '×', value: fieldText(first.leverage ?? 10) }],
      request: (num, values) => defined({ symbol: values.symbol.trim(), contract: first.contract, contractSize: first.contractSize, side: values.side,
        entryPrice: num('entryPrice'), stopPrice: num('stopPrice'), riskFraction: num('riskFraction', 100), leverage: num('leverage') }),
      view: (a, { math }) => [
        a.stopBeyondLiquidation ? v('p', { class: 'warn', role: 'alert' }, 'The stop lies beyond the liquidation price: the position is liquidated before the stop triggers.') : null,
        ...result([['Size', `${fmt.plain(a.quantity)} contracts`], [`Risked, incl. fees (${unit})`, amt(a.riskAmount)], [`of which taker fees (${unit})`, amt(a.fees)], ['Liquidation price', lp(a.liquidationPrice)]], math)] },
    { id: 't-margin', call: 'marginToTarget', steps: true, title: 'Margin to move the liquidation price',
      intro: 'Isolated: margin to add; cross: wallet to add, so that liquidation moves to the price you choose.',
      fields: [position, { key: 'targetLiquidationPrice', label: 'Liquidation price wanted', unit: 'quote', value: '' }],
      request: (num, values) => defined({ position: at(values), targetLiquidationPrice: num('targetLiquidationPrice') }),
      view: (a, { math }) => result([[`Isolated margin to add (${unit})`, amt(a.toAdd.isolated)], [`Wallet to add, cross (${unit})`, amt(a.toAdd.cross)]], math) },
  ];
}

function stressTools({ unit, amt, lp, position }) {
  const table = (head, rows) => v('div', { class: 'table-wrap', ...scrollable('Stress grid') }, v('table', { class: 'grid-table' },
    v('thead', {}, v('tr', {}, ...head.map((t) => v('th', { scope: 'col' }, t)))), v('tbody', {}, ...rows)));
  return [
    { id: 't-stress', call: 'stress', title: 'Stress grid', intro: 'Every symbol moves by the shock (one factor), or each symbol alone.',
      fields: [{ key: 'model', label: 'Model', value: 'oneFactor', options: [['oneFactor', 'All symbols together'], ['eachSymbol', 'Each symbol alone']] },
        { key: 'from', label: 'From', unit: '%', value: '-50' }, { key: 'to', label: 'To', unit: '%', value: '50' }, { key: 'step', label: 'Step', unit: '%', value: '10' }],
      request: (num, values) => ({ shockRange: defined({ from: num('from', 100), to: num('to', 100), step: num('step', 100) }), model: values.model }),
      view: (a, { scenario }) => {
        const names = (flags) => flags.map((f, i) => (f ? scenario.positions[i].symbol : null)).filter(Boolean).join(', ') || '—';
        return [table(['Symbol', 'Shock', `Isolated equity (${unit})`, 'Liquidated (isolated)', `Cross equity (${unit})`, 'Cross margin ratio', 'Liquidated (cross)'],
          a.cells.map((c) => v('tr', {}, v('td', {}, c.symbol || 'all'), v('td', {}, fmt.percent(c.shock)),
            v('td', {}, amt(c.equity.isolated)), v('td', {}, names(c.liquidated.isolated)), v('td', {}, amt(c.equity.cross)),
            v('td', {}, c.marginRatio.cross === null ? '—' : fmt.percent(c.marginRatio.cross)), v('td', {}, names(c.liquidated.cross)))))];
      } },
    { id: 't-cascade', call: 'cascade', steps: true, title: 'Cascade along a price path',
      intro: 'All marks move in a straight line to the final move; the cross account is liquidated as the profile does it.',
      fields: [{ key: 'move', label: 'Final move', unit: '%', value: '-40' }, { key: 'steps', label: 'Steps', value: '40' },
        { key: 'style', label: 'Liquidation', value: '', options: [['', 'As the venue does'], ['wholeAccount', 'Whole account'], ['tierByTier', 'Tier by tier']] }],
      request: (num, values) => defined({ path: defined({ move: num('move', 100), steps: num('steps') }), style: values.style || undefined }),
      view: (a, { math }) => [...result([[`Final equity (${unit})`, amt(a.finalEquity)], [`Insurance fund / ADL (${unit})`, amt(a.insuranceFundLoss)]], math),
        v('ul', { class: 'events' }, ...a.events.map((e) => v('li', { class: e.pastBankruptcy ? 'warn' : '' }, eventText(e)))),
        a.events.length ? null : v('p', {}, 'No liquidation along this path.')] },
    { id: 't-funding', call: 'funding', steps: true, title: 'Funding', intro: 'The liquidation price after funding intervals (positive rate: longs pay).',
      fields: [position, { key: 'rate', label: 'Rate', unit: '% per interval', value: '0.01' }, { key: 'intervals', label: 'Intervals', value: '90' }],
      request: (num, values) => defined({ position: Number(values.position), rate: num('rate', 'funding') ?? 0, intervals: num('intervals') }),
      view: (a, { math }) => result([[`Paid per interval (${unit})`, amt(a.paymentPerInterval)], [`Paid in all (${unit})`, amt(a.totalPayment)],
        ['Liquidation after, isolated', lp(a.liquidationPrice.isolated)], ['Liquidation after, cross', lp(a.liquidationPrice.cross)]], math) },
  ];
}

/** Funding in the odds: a rate per interval (blank: none) and the interval's hours. */
const fundingFields = () => [{ key: 'fundingRate', label: 'Funding rate', unit: '% an interval, blank: none', value: '' },
  { key: 'fundingIntervalHours', label: 'Funding interval', unit: 'hours', value: '8' }];
/** Merton jumps: blank intensity, none. */
const jumpFields = () => [{ key: 'jumps.intensity', label: 'Jumps', unit: 'a year, blank: none', value: '' },
  { key: 'jumps.meanLog', label: 'Mean jump', unit: '% (log)', value: '-5' }, { key: 'jumps.stdevLog', label: 'Jump spread', unit: '% (log)', value: '10' }];
const fundingOf = (num) => ({ fundingRate: num('fundingRate', 'funding'), fundingIntervalHours: num('fundingIntervalHours') });
const jumpsOf = (num, values) => (values['jumps.intensity'].trim() === '' ? undefined
  : { intensity: num('jumps.intensity'), meanLog: num('jumps.meanLog', 100), stdevLog: num('jumps.stdevLog', 100) });
/** Every symbol's volatility and one correlation for every pair, the Monte Carlo's and the VaR's. */
function pathsRequest(num, values, scenario) {
  const symbols = [...new Set(scenario.positions.map((p) => p.symbol))];
  const sigma = num('volatility', 'volatility'), rho = num('correlation');
  return defined({ volatility: Object.fromEntries(symbols.map((x) => [x, sigma])), correlation: symbols.map((a, i) => symbols.map((b, j) => (i === j ? 1 : rho))),
    days: num('days'), steps: num('steps'), paths: num('paths'), seed: num('seed'), ...fundingOf(num), jumps: jumpsOf(num, values) });
}
const pathFields = (steps, paths) => [{ key: 'volatility', label: 'Volatility', unit: '% a year, every symbol', value: '60' }, { key: 'correlation', label: 'Correlation', value: '0.8' },
  { key: 'days', label: 'Horizon', unit: 'days', value: '30' }, { key: 'steps', label: 'Steps', value: steps },
  { key: 'paths', label: 'Paths', value: paths }, { key: 'seed', label: 'Seed', value: '42' }, ...fundingFields(), ...jumpFields()];

function oddsTools({ position, unit, amt, lp }) {
  const chance = (x) => (x === null ? 'never' : fmt.percent(x));
  const tail = (t) => `${amt(t.value)} ± ${amt(t.standardError)}`;
  return [
    { id: 't-odds', call: 'odds', steps: true, title: 'Odds of liquidation',
      intro: 'The chance the mark touches the liquidation price within the horizon (geometric Brownian motion). With a funding rate the liquidation price moves as the payments are made.',
      fields: [position, { key: 'volatility', label: 'Volatility', unit: '% a year', value: '60' }, { key: 'days', label: 'Horizon', unit: 'days', value: '30' },
        { key: 'drift', label: 'Drift', unit: '% a year', value: '0' }, ...fundingFields()],
      request: (num, values) => defined({ position: Number(values.position), volatility: num('volatility', 'volatility'), days: num('days'), drift: num('drift', 100) ?? 0, ...fundingOf(num) }),
      view: (a, { math }) => result([['Isolated', chance(a.probability.isolated)], ['Cross', chance(a.probability.cross)],
        ...(a.exact ? [] : [['Liquidation at the horizon, isolated', lp(a.liquidationPriceAtHorizon.isolated)],
          ['Liquidation at the horizon, cross', lp(a.liquidationPriceAtHorizon.cross)],
          ['Closed form', 'approximate: it takes the moving liquidation price as exponential in time; the Monte Carlo follows it exactly']])], math) },
    { id: 't-mc', call: 'monteCarlo', title: 'Monte Carlo over correlated paths',
      intro: 'Every symbol moves at once (one correlation for every pair), with funding and Merton jumps if given. Seeded: the same inputs give the same numbers.',
      fields: pathFields('120', '20000'),
      request: pathsRequest,
      // Validated by a call that simulates nothing, then run in chunks.
      check: (scenario, request) => lab.monteCarlo(scenario, request, { begin: 0, end: 0 }),
      // "Show the math" of the paths run so far: the core explains the tally, simulating no path more.
      explain: (l) => lab.monteCarlo(l.scenario, l.request, { begin: l.tally.paths, end: l.tally.paths, tally: l.tally, explain: true }),
      start: runMonteCarlo },
    { id: 't-var', call: 'valueAtRisk', steps: true, title: 'Value at risk',
      intro: 'The account\'s loss over the horizon from the Monte Carlo\'s paths: VaR and expected shortfall with their standard errors, and what the insurance fund loses when a jump carries the mark past bankruptcy.',
      fields: pathFields('30', '20000'),
      request: pathsRequest,
      view: (a, { math }) => result(['isolated', 'cross'].flatMap((mode) => {
        const m = a.loss[mode], f = a.insuranceFund[mode], name = mode === 'isolated' ? 'Isolated' : 'Cross';
        return [[`${name}: VaR 99% (${unit})`, tail(m.var99)], [`${name}: ES 99% (${unit})`, tail(m.es99)],
          [`${name}: VaR 97.5% (${unit})`, tail(m.var975)], [`${name}: ES 97.5% (${unit})`, tail(m.es975)],
          [`${name}: insurance fund loss`, `${fmt.percent(f.probability)} of paths; median ${amt(f.quantiles[0])}, 99% ${amt(f.quantiles[2])}, 99.9% ${amt(f.quantiles[3])}`]];
      }), math) },
  ];
}

function unwindTool({ first, unit, amt, position }) {
  return { id: 't-unwind', call: 'unwind', steps: true, title: 'How the engine unwinds it',
    intro: 'The position taken over at its liquidation price, sold into the book in slices. The insurance fund pays for fills worse than the bankruptcy price while it can and takes over what the book cannot fill; ADL closes only what an empty fund cannot take.',
    fields: [position, { key: 'mode', label: 'Mode', value: 'isolated', options: [['isolated', 'Isolated'], ['cross', 'Cross']] },
      { key: 'style', label: 'Style', value: 'twap', options: [['market', 'Market'], ['twap', 'TWAP slices'], ['iceberg', 'Iceberg']] },
      { key: 'depthPerPercent', label: 'Book depth', unit: 'contracts per 1%', value: fieldText(first.quantity) },
      { key: 'slices', label: 'Slices', value: '5' }, { key: 'visibleSize', label: 'Iceberg visible size', unit: 'contracts', value: fieldText(first.quantity / 4) },
      { key: 'replenishFraction', label: 'Book recovery between slices', unit: '0 to 1', value: '0.5' },
      { key: 'insuranceFund', label: 'Insurance fund', unit, value: '0' },
      { key: 'order', label: 'Liquidation order', value: 'book',
        options: [['book', 'Through the book (BitMEX)'], ['iocAtBankruptcy', 'IOC at the bankruptcy price (Binance, Bybit)']] },
      { key: 'partial', label: 'Partial liquidation', value: 'none',
        options: [['none', 'None: the whole position'], ['venue', "The venue's rule (Hyperliquid: 20% first over 100k USDC; tiered venues: the step down below; market style)"]] },
      { key: 'stepDown', label: 'Tier step down (Binance, Bybit, BitMEX, OKX)', value: 'none',
        options: [['none', 'None: the size is not published'], ['lowerTierAssumed', 'To the next lower tier (assumed)'], ['twoTiersAssumed', 'Two tiers down (assumed, OKX copies)']] }],
    request: (num, values) => defined({ position: Number(values.position), mode: values.mode, style: values.style, order: values.order,
      partial: values.partial, stepDown: values.stepDown,
      ...Object.fromEntries(['depthPerPercent', 'slices', 'visibleSize', 'replenishFraction', 'insuranceFund'].map((k) => [k, num(k)])) }),
    view: (a, { math }) => [...result([['Liquidation price', fmt.price(a.liquidationPrice)], ['Bankruptcy price', fmt.price(a.bankruptcyPrice)],
      ['Average fill', fmt.price(a.averagePrice)], [`Insurance fund change (${unit})`, amt(a.insuranceFundChange)],
      [`Insurance fund after (${unit})`, amt(a.insuranceFundAfter)], ['Unfilled', `${fmt.plain(a.unfilled)} contracts`],
      ['Taken over by the fund', `${fmt.plain(a.fundTakeover)} contracts at the bankruptcy price`],
      ['Auto-deleveraging', a.autoDeleveraging
        ? `${fmt.plain(a.adlQuantity)} contracts at the bankruptcy price: the fund is empty` : 'not needed'],
      ...(a.partialLiquidation ? [['Partial liquidation', a.backstop ? 'backstop: the vault (fund) took the rest at the bankruptcy price'
        : a.stepDownOrders > 0 ? `${fmt.plain(a.stepDownOrders)} step-down order(s) (assumed size); ${a.remaining > 0 ? `margin met: ${fmt.plain(a.remaining)} contracts kept` : 'the rest closed from the lowest tier'}`
        : a.remaining > 0 ? `margin met after the first order: ${fmt.plain(a.remaining)} contracts kept` : 'the rest sold in the cooldown']] : [])], math),
    v('div', { class: 'table-wrap', ...scrollable('Unwind slices') }, v('table', { class: 'grid-table' },
      v('thead', {}, v('tr', {}, ...['Slice', 'Size', 'Average', 'Worst', 'Fund after', 'Fund takes', 'ADL'].map((t) => v('th', { scope: 'col' }, t)))),
      v('tbody', {}, ...a.slices.map((x, i) => v('tr', {}, v('td', {}, String(i + 1)), v('td', {}, fmt.plain(x.quantity)),
        v('td', {}, fmt.price(x.averagePrice)), v('td', {}, fmt.price(x.worstPrice)), v('td', {}, amt(x.insuranceFundAfter)),
        v('td', {}, fmt.plain(x.fundTakeover)), v('td', {}, fmt.plain(x.adlQuantity)))))))] };
}

// ---------------------------------------------------------------------------------------------
// Monte Carlo in a Web Worker (chunks, progress, cancel); on file:// it runs in chunks here.

// ---- size-scaled margin curves (lab.sizeCurve, curve.h) ----------------------------------------------

/** Orderly's and Drift's margin rates that grow with the position, for one position on its own
 *  collateral (the first position's size, entry and initial margin to start with). */
function sizeCurveTool({ first, lp }) {
  const base = first.quantity * (first.contract === 'inverse' ? 1 : first.contractSize ?? 1);
  const entry = first.entryPrice, mark = first.markPrice ?? entry;
  const rate = (x) => fmt.percent(x);
  return { id: 't-curve', steps: true, title: 'Size-scaled margin (Orderly, Drift, dYdX)',
    intro: 'Venues whose margin rate grows with the position instead of stepping through tiers. Orderly: IMR = max(base IMR, factor × notional^0.8), '
      + 'MMR = max(base MMR, base MMR / base IMR × factor × notional^0.8) (its BTC-PERP: 1%, 0.6%, 0.000000375). Drift: each ratio r becomes '
      + 'max(r, 0.8 r + factor × √size), size in coins, factor = the market\'s imf_factor / 10⁶. One position on its own collateral (USDC); '
      + 'the liquidation price is solved exactly, with the rate at that price. dYdX v4 scales the initial margin fraction with the market\'s '
      + 'open interest between two caps: IMF = min(base + max((OI − lower)/(upper − lower) × (1 − base), 0), 1); the maintenance fraction stays.',
    fields: [{ key: 'curve', label: 'Curve', value: 'orderly', options: [['orderly', 'Orderly (notional^0.8)'], ['drift', 'Drift (√size)'], ['dydx', 'dYdX (open-interest IMF)']] },
      { key: 'side', label: 'Side', value: first.side, options: [['long', 'Long'], ['short', 'Short']] },
      { key: 'quantity', label: 'Size', unit: 'coins', value: fieldText(base) },
      { key: 'entryPrice', label: 'Entry', unit: 'quote', value: fieldText(entry) },
      { key: 'markPrice', label: 'Mark', unit: 'quote', value: fieldText(mark) },
      { key: 'collateral', label: 'Collateral', unit: 'quote', value: fieldText(Math.round(base * entry / (first.leverage ?? 10))) },
      { key: 'baseImr', label: 'Base IMR', unit: '%', value: '1' }, { key: 'baseMmr', label: 'Base MMR', unit: '%', value: '0.6' },
      { key: 'factor', label: 'Factor', value: '0.000000375' },
      ...['openInterestNotional', 'openInterestLowerCap', 'openInterestUpperCap'].map((key, i) => ({ key, unit: 'quote',
        label: ['dYdX: open interest notional', 'dYdX: lower cap', 'dYdX: upper cap'][i], value: '' }))],
    request: (num, values) => defined({ curve: values.curve, side: values.side, quantity: num('quantity'), entryPrice: num('entryPrice'),
      markPrice: num('markPrice'), collateral: num('collateral'), baseImr: num('baseImr', 100), baseMmr: num('baseMmr', 100), factor: num('factor'),
      openInterestNotional: num('openInterestNotional'), openInterestLowerCap: num('openInterestLowerCap'), openInterestUpperCap: num('openInterestUpperCap') }),
    // The input is the request itself: its errors come back at "quantity", shown at "request.quantity".
    invoke: (request, options) => {
      const a = lab.sizeCurve(request, options);
      return a.errors.length ? { errors: a.errors.map((e) => ({ ...e, path: e.path ? `request.${e.path}` : e.path })) } : a;
    },
    view: (a, { math }) => [
      a.pastLiquidation ? v('p', { class: 'warn', role: 'alert' }, 'Past liquidation: equity is at or below maintenance at the mark.') : null,
      ...result([['Notional', fmt.amount(a.notional)], ['Initial margin rate', rate(a.initialMarginRate)],
        ['Maintenance margin rate', rate(a.maintenanceMarginRate)], ['Initial margin', fmt.amount(a.initialMargin)],
        ['Maintenance margin', fmt.amount(a.maintenanceMargin)], ['Equity at the mark', fmt.amount(a.equity)],
        ['Liquidation price', lp(a.liquidationPrice)],
        ['Maintenance rate there', a.maintenanceMarginRateAtLiquidation === null ? '—' : rate(a.maintenanceMarginRateAtLiquidation)],
        ...(a.upperLiquidationPrice !== null ? [['Also liquidated above (maintenance outgrows the gain)', lp(a.upperLiquidationPrice)]] : [])], math)] };
}

// ---- the ADL queue (lab.adlRank, adl.h) -------------------------------------------------------------

/** A comma-separated list typed in a field, each entry divided by `per` (percent to a fraction); blank: absent. */
const listOf = (text, per = 1) => (String(text ?? '').trim() === '' ? undefined
  : String(text).split(',').map((t) => (t.trim() === '' ? NaN : Number(t.trim()) / per)));

/** Where the position stands in the venue's ADL queue, as its five lights, against an assumed crowd. */
function adlTool({ position }) {
  return { id: 't-adl', call: 'adlRank', steps: true, title: 'Place in the ADL queue',
    intro: 'Binance ranks by PnL% × margin ratio (a loss counts as 0); Bybit and BitMEX by PnL% × effective leverage in profit and PnL% ÷ '
      + 'effective leverage at a loss. The lights are the share of the other traders ranked below the position, in 20% buckets: '
      + '5 lights are deleveraged first. The other traders are not public: their PnL% and leverage below are an assumption '
      + '(quantiles from lowest to highest, evenly spaced, taken as independent). Leave the second list blank for the venue\'s default. '
      + 'OKX publishes no ranking formula: it is ranked only if you take Bybit\'s as an assumption below.',
    fields: [position, { key: 'mode', label: 'Mode', value: 'isolated', options: [['isolated', 'Isolated'], ['cross', 'Cross']] },
      { key: 'okxRanking', label: 'OKX (no published formula)', value: 'none',
        options: [['none', 'Not ranked'], ['pnlTimesLeverageAssumed', "Assume Bybit's PnL% × leverage"]] },
      { key: 'pnlQuantiles', label: "Others' PnL% (assumed)", unit: '%, low to high', value: '-50, -10, 0, 10, 50' },
      { key: 'leverageQuantiles', label: "Others' effective leverage, or margin ratio on Binance (assumed)", unit: 'low to high', value: '' }],
    request: (num, values) => defined({ position: Number(values.position), mode: values.mode,
      pnlQuantiles: listOf(values.pnlQuantiles, 100), leverageQuantiles: listOf(values.leverageQuantiles), okxRanking: values.okxRanking }),
    view: (a, { math }) => [
      v('p', { class: 'adl-lights', 'aria-label': `${a.lights} of 5 lights` },
        ...[1, 2, 3, 4, 5].map((i) => v('span', { class: i <= a.lights ? 'on' : 'off', 'aria-hidden': 'true' }, i <= a.lights ? '●' : '○')),
        ` ${a.lights} of 5 lights`),
      ...result([['PnL%', fmt.percent(a.pnlPercent)], ['Leverage (or margin ratio)', fmt.plain(a.leverage)], ['Ranking score', fmt.plain(a.score)],
        ['Share of the others ranked below', fmt.percent(a.quantile)],
        ["Assumed others' PnL%", a.pnlQuantiles.map((x) => fmt.percent(x)).join(', ')],
        ["Assumed others' leverage", a.leverageQuantiles.map((x) => fmt.plain(x)).join(', ')]], math),
      v('p', { class: 'hint' }, 'The queue is computed against the assumed distribution of the other traders above, not the venue\'s real book of positions.')] };
}

// ---- why the venue shows another number (lab.reconcile, reconcile.h) ----------------------------------

/**
 * "Venue shows ..." for one position of the scenario: the figures the venue shows for it, against
 * every combination of the conventions; one such tool per position (reconcile-view.js lays the answer out).
 */
let reconcileView = null;  // its layout, shared with the import panel: a chunk of its own, loaded on first use
function reconcileTool({ unit, coin }, index, p) {
  return { id: `t-reconcile-${index}`, call: 'reconcile', steps: true, title: `Venue shows another number for ${index + 1}: ${p.symbol} ${p.side}?`,
    intro: 'Type what the venue shows for this position. MarginLab tries every combination of the usual conventions (tier at entry or at the '
      + 'liquidation price, a fee to close, funding, the other positions, rounding to the tick and of the rate) and names the fewest that reproduce it.',
    fields: [{ key: 'liquidationPrice', label: 'Venue shows: liquidation price', unit: 'quote', value: '' },
      { key: 'maintenanceMargin', label: 'Venue shows: maintenance margin', unit: `${unit}, optional`, value: '' },
      { key: 'tick', label: 'Price tick', unit: 'quote, optional', value: '' },
      { key: 'fundingPaid', label: 'Funding paid so far', unit: `${unit}, optional`, value: '' }],
    request: (num) => defined({ position: index, liquidationPrice: num('liquidationPrice'),
      maintenanceMargin: num('maintenanceMargin'), tick: num('tick'), fundingPaid: num('fundingPaid') }),
    // One figure: the core's errors at venueFigures[0].<field> are this form's request.<field>.
    invoke: (request, options, scenario) => {
      const a = lab.reconcile(scenario, [request], options);
      if (a.errors.length) return { errors: a.errors.map((e) => ({ ...e, path: e.path === 'venueFigures[0]' ? 'request.liquidationPrice' : e.path.replace(/^venueFigures\[0\]\./, 'request.') })) };
      return { errors: [], ...a.positions[0] };
    },
    load: async () => (reconcileView ??= await import('./reconcile-view.js')),
    view: (a, { math }) => reconcileView.reconcileAnswer(a, { unit, coin, math }) };
}

let running = null;

/** The run on screen: its progress, a cancel button, a status line and the core's tally so far. */
function monteCarloView(request, { tally: t, status, done, cancelled, math }) {
  const days = (x) => (x === null ? '—' : `${fmt.days(x)} days`);
  const paths = t ? t.paths : 0;
  const summary = t ? `some isolated position liquidated in ${fmt.percent(t.probability.isolated)}, the cross account in ${fmt.percent(t.probability.cross)}.` : '';
  const line = cancelled ? `Cancelled after ${fmt.plain(paths)} of ${fmt.plain(request.paths)} paths${t ? ': ' + summary : '.'}`
    : status || `${fmt.plain(paths)} paths: ${summary}`;
  return [
    v('div', { class: 'mc-run' }, v('progress', { max: String(request.paths), value: String(paths), 'aria-label': 'Monte Carlo progress' }),
      v('button', { type: 'button', disabled: done ? '' : null, on: { click: () => running && running.cancel() } }, 'Cancel')),
    v('p', { role: 'status' }, line),
    t ? v('dl', { class: 'tool-result mc-result' },
      metric(null, 'Isolated: liquidated', odds(t, 'isolated')),
      metric(null, 'Cross: liquidated', odds(t, 'cross')),
      metric(null, 'Median time to liquidation, isolated', days(t.medianDays.isolated)),
      metric(null, 'Median time to liquidation, cross', days(t.medianDays.cross))) : null,
    t && !t.continuous.cross ? v('p', { class: 'hint' }, 'The cross account of several symbols is checked at the end of each step; '
      + 'touches between steps count for the isolated positions only, so more steps can find more cross liquidations.') : null,
    t && done && math ? math.details('steps') : null];
}

/** A Monte Carlo probability with its standard error and 95% interval, as the core gave them. */
function odds(t, mode) {
  const p = t.probability[mode], ci = t.interval95[mode];
  if (p === null) return '—';
  return `${fmt.percent(p)} ± ${fmt.percent(t.standardError[mode])} (95%: ${fmt.percent(ci.low)} to ${fmt.percent(ci.high)})`;
}

function runMonteCarlo(scenario, request, out, { math, last } = {}) {
  if (running) running.cancel();
  const run = { tally: null, status: 'Running…', done: false, math: null };
  const show = (changes) => {
    Object.assign(run, changes);
    if (last) Object.assign(last, { tally: run.tally, redraw: () => show({}) });
    if (run.done && math) run.math = math;
    patch(out, monteCarloView(request, run));
  };
  show({});
  const chunk = Math.max(1, Math.floor(2e6 / Math.max(1, request.steps * scenario.positions.length)));
  let cancelled = false;
  let worker = null;
  if (location.protocol !== 'file:' && typeof Worker === 'function') {
    try {
      worker = new Worker(new URL('./mc-worker.js', import.meta.url), { type: 'module' });
    } catch {
      worker = null;
    }
  }
  const finish = (changes) => {
    if (worker) worker.terminate();
    if (running === me) running = null;
    show(changes);
  };
  const me = { body: out, cancel: () => { cancelled = true; finish({ cancelled: true, done: true }); } };
  running = me;
  const progress = (t, done) => (done ? finish({ tally: t, status: '', done: true }) : show({ tally: t, status: '' }));
  if (worker) {
    worker.onmessage = (e) => {
      const m = e.data;
      if (m.errors && m.errors.length) finish({ status: m.errors.map((x) => x.message).join(' ') });
      else progress(m.tally, m.done);
    };
    worker.postMessage({ scenario, request, chunk });
    return;
  }
  let begin = 0;
  const step = () => {
    if (cancelled) return;
    const end = Math.min(request.paths, begin + chunk);
    const t = lab.monteCarlo(scenario, request, { begin, end, tally: run.tally });
    if (t.errors.length) return finish({ status: t.errors.map((x) => x.message).join(' ') });
    begin = end;
    progress(t, begin >= request.paths);
    if (begin < request.paths) setTimeout(step, 0);
  };
  setTimeout(step, 0);
}
