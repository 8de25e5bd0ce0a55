// SPDX-License-Identifier: MIT
// One position's reconciliation (lab.reconcile, reconcile.h) laid out: the verdict, the fewest
// conventions that reproduce the venue's figures (or the nearest), and for each figure the venue's
// number, MarginLab's and the one with those conventions; "Show the math" under it. The risk lab's
// "Venue shows ..." tools and the import panel's per-position panels both draw it. Every number is
// the core's; each convention and label is a text node of its own, so the page's catalogue finds it.
import { h, v, patch } from './dom.js';
import * as fmt from './format.js';
import { metric, Explainer, EXPLAIN } from './form.js';

/** A convention's name as the venue's reader would say it (the core returns the code). */
const CONVENTIONS = { tierAtEntry: 'tier at entry', maintenanceOnEntryValue: 'maintenance on the entry value',
  tierAtLiquidation: 'tier at the liquidation price', maintenanceAtPrice: "entry tier's rate at the price", lastPrice: 'last price',
  indexPrice: 'index price', feeToClose: 'fee to close', noFeeToClose: 'no fee to close', funding: 'funding paid',
  othersNotHeld: 'other positions left out', openOrders: "open orders' margin", tickRounding: 'price rounded to the tick',
  lotRounding: 'size in whole lots', rateRounding: 'maintenance rate rounded' };

/** The figures a venue can give, in the order shown; an amount's label names the settlement asset. */
const FIGURES = [['liquidationPrice', () => 'Liquidation price'], ['bankruptcyPrice', () => 'Bankruptcy price'],
  ['initialMargin', (unit) => `Initial margin (${unit})`], ['maintenanceMargin', (unit) => `Maintenance margin (${unit})`],
  ['marginRatio', () => 'Margin ratio']];

/** A figure as the page writes it: a price, an amount of the settlement asset, or a ratio. */
function figureText(field, x, coin) {
  if (x === null || x === undefined) return '—';
  if (field === 'liquidationPrice' || field === 'bankruptcyPrice') return fmt.price(x);
  return field === 'marginRatio' ? fmt.percent(x) : fmt.amount(x, coin);
}

/** The verdict line and the conventions as a list (each name a text node of its own). */
function verdict(a) {
  const line = a.agrees ? 'MarginLab agrees with the venue.' : a.reproduced ? 'Reproduced with these conventions:'
    : 'No combination reproduces it; the nearest:';
  const names = a.conventions.length ? a.conventions.map((c) => CONVENTIONS[c] || c) : a.agrees ? [] : ["MarginLab's own conventions"];
  return [v('p', { class: `reconcile-verdict ${a.agrees ? 'agrees' : a.reproduced ? 'reproduced' : 'nearest'}`, role: 'status' }, line),
    names.length ? v('ul', { class: 'conventions' }, ...names.map((n) => v('li', {}, n))) : null];
}

/**
 * One position's answer (a PositionReconciliation) as virtual nodes: verdict, conventions, a table
 * of the figures the venue gave (venue, MarginLab, with the conventions found), the combinations
 * tried, and `math` (a "Show the math" disclosure) when given. unit: the settlement asset; coin: it is a coin.
 */
export function reconcileAnswer(a, { unit, coin, math = null }) {
  const given = new Map(a.differences.map((d) => [d.field, d]));
  const rows = FIGURES.filter(([field]) => given.has(field)).map(([field, label]) => {
    const d = given.get(field);
    return v('tr', { class: d.within ? 'within' : null, 'data-field': field }, v('th', { scope: 'row' }, label(unit)),
      v('td', { class: 'num venue' }, figureText(field, d.venue, coin)), v('td', { class: 'num ours' }, figureText(field, a.marginLab[field], coin)),
      a.agrees ? null : v('td', { class: 'num found' }, figureText(field, d.computed, coin)));
  });
  const found = a.agrees ? null : v('th', { scope: 'col' }, a.reproduced ? 'With these conventions' : 'Nearest');
  return [...verdict(a),
    v('div', { class: 'table-wrap' }, v('table', { class: 'grid-table reconcile-table' },
      v('thead', {}, v('tr', {}, v('th', { scope: 'col' }, 'Figure'), v('th', { scope: 'col' }, 'Venue'), v('th', { scope: 'col' }, 'MarginLab'), found)),
      v('tbody', {}, ...rows))),
    v('dl', { class: 'tool-result' }, metric(null, 'Combinations tried', fmt.plain(a.tried))),
    math];
}

/** The figures a venue gave for a position, as lab.reconcile takes them: a venue's null or 0 is no figure
 *  (BitMEX and Binance write 0 where a cross position has no margin of its own or no liquidation price). */
export function givenFigure(figure) {
  const given = FIGURES.map(([field]) => field).filter((field) => typeof figure[field] === 'number' && figure[field] > 0);
  return given.length ? { position: figure.position, ...Object.fromEntries(given.map((field) => [field, figure[field]])) } : null;
}

/**
 * A panel of its own for one imported position: reconciled at once (lab.reconcile with the venue's
 * figures, as givenFigure gives them), its steps asked for only when "Show the math" opens. title: the position's name.
 */
export function reconcilePanel(lab, scenario, figure, { title, unit, coin }) {
  const request = [figure];
  const body = h('div', { class: 'reconcile-body' });
  const node = h('section', { class: 'reconcile-panel', 'data-position': String(figure.position) }, h('h4', {}, title), body);
  const math = new Explainer({
    prefix: `import-reconcile-${figure.position}-math-`,
    explain: () => lab.reconcile(scenario, request, EXPLAIN),
    steps: (answer) => answer.positions[0].steps,
    redraw: () => draw(),
  });
  const answer = lab.reconcile(scenario, request);
  const draw = () => patch(body, answer.errors.length
    ? [v('ul', { class: 'general-errors' }, ...answer.errors.map((e) => v('li', {}, `${e.path}: ${e.message}`)))]
    : reconcileAnswer(answer.positions[0], { unit, coin, math: math.details('steps') }));
  draw();
  return node;
}
