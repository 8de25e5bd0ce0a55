// SPDX-License-Identifier: MIT
// Portfolio margin by venue: one version 3 account under each venue's portfolio margin and
// Deribit's standard margin, side by side (marginlab-full.js's marginByVenue): IM and MM in each
// venue's currency, the components that make them (value, scenario, leg), a venue's scenario grid
// as a heat map with its worst cell and driving leg, the options VENUES-PM.md marks [UNVERIFIED]
// behind named checkboxes, and a notice when a parameter set is old. Every number is the core's;
// this file reads what is typed and lays the answer out. A chunk of its own, loaded on first use;
// it mounts into any node (the options account, a lesson, an account editor).
import { h, v, patch, clear, scrollable } from './dom.js';
import * as fmt from './format.js';
import { numberReader, Explainer, EXPLAIN } from './form.js';

/** A parameter set dated more than this many years before the account's date (or today) is stale. */
export const STALE_YEARS = 1;

const NAMES = { deribit: 'Deribit', okx: 'OKX', bybit: 'Bybit', binance: 'Binance', span: 'CME SPAN' };
const QUOTE = new Set(['USD', 'USDC', 'USDT']);

/** An OKX component whose shape or value is [UNVERIFIED]: a number, 0 (the default) leaves it out. */
function notCharged(key, per, initial, text) {
  return { key, per, initial, text, otherwise: 'Default: off (not charged).' };
}

/**
 * The [UNVERIFIED] options, each behind a checkbox: `on` is the value sent when checked (a choice),
 * or `unit` says the checkbox opens a field (per 100: a percentage). `text` names it, `otherwise`
 * states the default.
 */
export const ASSUMPTIONS = [
  { key: 'deribitExtendedWeight', on: 'full', text: 'Deribit: the extended table at full weight',
    otherwise: 'Default: off (rangeOverMove, each loss weighted by the price range over the move).' },
  { key: 'deribitRollShock', on: 'floor', text: 'Deribit: the roll shock at its floor only',
    otherwise: 'Default: off (timeScaled, the annualised move risk times the time to expiry, at least the floor).' },
  { key: 'okxExtremeCoverage', per: 100, initial: '100', text: 'OKX: the share of the MR6 loss counted', otherwise: 'Default: 100%.' },
  { key: 'okxVolShock', per: 100, initial: '0', text: 'OKX: a relative volatility move in MR1 and MR6', otherwise: 'Default: 0%.' },
  { key: 'bybitVolShock', per: 100, initial: '0', text: 'Bybit: a relative volatility stress', otherwise: 'Default: 0%.' },
  { key: 'bybitFuturesFactor', per: 100, initial: '0', text: 'Bybit: the futures contingency per coin of the index', otherwise: 'Default: 0%.' },
  { key: 'bybitShortOptionFactor', per: 100, initial: '0', text: 'Bybit: the short options contingency per coin of the index', otherwise: 'Default: 0%.' },
  { key: 'bybitImFactor', per: 1, initial: '1', text: 'Bybit: initial margin as a multiple of maintenance', otherwise: 'Default: 1.' },
  { key: 'deribitDeltaShock', on: 'excessOverThreshold', text: 'Deribit: the delta shock on the net delta above its threshold',
    otherwise: 'Default: off (formula unpublished; the correlation contingency is never charged).' },
  notCharged('okxMr2Days', 1, '1', 'OKX MR2: the options\' time decay over this many days'),
  notCharged('okxMr3Points', 100, '30', 'OKX MR3: implied volatility up and down by these points at every tenor'),
  notCharged('okxMr5RateShock', 100, '1', 'OKX MR5: the interest rate up and down by'),
  notCharged('okxMr7Rate', 100, '0.05', 'OKX MR7: the raw minimum charge as a share of notional (BTC and ETH tiers multiply it)'),
  notCharged('okxMr8Rate', 100, '10', 'OKX MR8: maintenance margin on the borrowed value'),
  notCharged('okxMr9Factor', 100, '1', 'OKX MR9: the stablecoin de-peg charge on each hedged pair'),
  { key: 'bybitDeltaSpreadFactor', per: 100, initial: '45', text: 'Bybit: the delta spread factor per year of expiry difference',
    otherwise: 'Default: 45% (the low end of the published 45–60%; per year is our reading).' },
  { key: 'span', per: 100, initial: '', text: 'CME SPAN: the price scan range of every underlying',
    otherwise: 'Default: off (no SPAN parameters, so SPAN is not computed; IM = MM).' },
];

/**
 * Its styles (options.css, next to this chunk) where the page has none yet: a lesson opens the
 * panel without the options account; the single-file build carries them inline.
 */
export function loadStyles() {
  if (document.querySelector('link[data-options-css]') || [...document.querySelectorAll('style')].some((s) => s.textContent.includes('.pm-panel'))) return;
  document.head.append(h('link', { rel: 'stylesheet', href: new URL('./options.css', import.meta.url).href, 'data-options-css': '' }));
}

/**
 * Builds the panel in `root` and returns { update(account), root }: `update` computes the account
 * under every venue (again on every call) and lays it out. `prefix` keeps ids apart when a page
 * holds two panels.
 */
export function createPmPanel(root, lab, { prefix = 'pmv' } = {}) {
  const id = (name) => `${prefix}-${name}`;
  const state = { account: null, answer: null, request: {}, grid: null, typed: {}, checked: {} };
  // "Show the math" of each venue: the same question with { explain: true }, asked only while one is open.
  state.math = new Explainer({
    prefix: id('m-'),
    explain: () => lab.marginByVenue(state.account, state.request, EXPLAIN),
    steps: (answer, key) => (answer.steps || []).filter((s) => String(s.field).startsWith(`venues[${key.slice(1)}]`)),
    redraw: () => layout(state, id),
  });
  clear(root);
  root.classList.add('pm-panel');
  root.append(
    h('p', { class: 'hint' }, 'The account under each venue\'s portfolio margin and under Deribit\'s standard margin, each in its own currency. ' +
      'The components say what makes each number: the scenario that sets it and the leg that drives it.'),
    assumptionsBox(state, id, () => run(lab, state, id)),
    h('div', { id: id('stale'), class: 'stale-note pm-stale', role: 'status' }),
    h('ul', { id: id('errors'), class: 'general-errors' }),
    h('div', { id: id('table') }),
    h('div', { id: id('grid'), class: 'pm-grid' }));
  return {
    root,
    update(account) {
      state.account = account;
      run(lab, state, id);
    },
  };
}

/** The fieldset of [UNVERIFIED] options: a named checkbox each, a field where it takes a number. */
function assumptionsBox(state, id, changed) {
  const box = h('fieldset', { class: 'pm-assumptions' }, h('legend', {}, 'Assumptions no venue publishes ([UNVERIFIED] in VENUES-PM.md)'));
  for (const a of ASSUMPTIONS) {
    const boxId = id(`opt-${a.key}`);
    const check = h('input', { type: 'checkbox', id: boxId, name: a.key, 'data-assumption': a.key });
    const field = a.per === undefined ? null : h('input', { type: 'text', inputmode: 'decimal', id: `${boxId}-value`, value: a.initial,
      'aria-label': a.text, 'aria-describedby': `${boxId}-err` });
    const value = field && h('span', { class: 'pm-value', hidden: '' }, field, a.per === 100 ? h('span', { class: 'unit' }, '%') : null);
    check.addEventListener('change', () => {
      state.checked[a.key] = check.checked;
      if (value) value.hidden = !check.checked;
      changed();
    });
    if (field) field.addEventListener('input', () => { state.typed[a.key] = field.value; changed(); });
    box.append(h('div', { class: 'pm-assumption' },
      h('label', { for: boxId }, check, ' ', h('span', {}, a.text), ' ', h('code', {}, a.on ? `${a.key}: ${a.on}` : a.key)), value,
      h('small', { class: 'hint' }, a.otherwise),
      h('span', { class: 'error', id: `${boxId}-err` })));
  }
  return box;
}

/** The request from the checkboxes and the typed values; a value that is not a number is an error at its field. */
function requestOf(state, account) {
  const local = {};
  const num = numberReader(local);
  const request = {};
  for (const a of ASSUMPTIONS) {
    if (!state.checked[a.key]) continue;
    if (a.on) {
      request[a.key] = a.on;
      continue;
    }
    const x = num(state.typed[a.key] ?? a.initial, a.key, true, a.per);
    if (x === undefined) continue;
    if (a.key === 'span') request.span = (account.underlyings || []).map((u) => ({ underlying: u.name, priceScanRange: x }));
    else request[a.key] = x;
  }
  return { request, local };
}

/** One marginByVenue of the account and its layout; steps only while "Show the math" is open. */
function run(lab, state, id) {
  if (!state.account || !document.getElementById(id('table'))) return;
  const { request, local } = requestOf(state, state.account);
  const answer = lab.marginByVenue(state.account, request);
  for (const a of ASSUMPTIONS) {
    const slot = document.getElementById(id(`opt-${a.key}-err`));
    const core = answer.errors.find((e) => e.path === `request.${a.key}` || e.path.startsWith(`request.${a.key}[`));
    if (slot) slot.textContent = local[a.key] || (core ? core.message : '');
  }
  const general = answer.errors.filter((e) => !ASSUMPTIONS.some((a) => e.path.startsWith(`request.${a.key}`)));
  patch(document.getElementById(id('errors')), general.map((e) => v('li', {}, v('code', {}, e.path), ' ', e.message)));
  if (answer.errors.length) return;
  Object.assign(state, { answer, request });
  state.math.renew();
  layout(state, id);
}

/** Lays the last answer out: the stale notes, the table, the chosen grid. */
function layout(state, id) {
  const venues = state.answer.venues;
  if (!state.grid || !gridAt(venues, state.grid)) state.grid = firstGrid(venues);
  patch(document.getElementById(id('stale')), staleNotes(venues, state.account));
  patch(document.getElementById(id('table')), [venueTable(venues, state, id, () => layout(state, id))]);
  patch(document.getElementById(id('grid')), state.grid ? heatMap(venues, state.grid, state.account, id) : []);
}

const gridAt = (venues, [i, j]) => (venues[i] && venues[i].grids ? venues[i].grids[j] : undefined);
function firstGrid(venues) {
  const i = venues.findIndex((x) => x.supported !== false && x.grids && x.grids.length);
  return i < 0 ? null : [i, 0];
}

/** The core's coin currencies get 8 decimals, quote currencies cents. */
const money = (x, currency) => fmt.amount(x, !QUOTE.has(currency));
const move = (x) => (x > 0 ? '+' : x < 0 ? '−' : '') + fmt.percent(Math.abs(x));

/** Today's date (UTC) or the account's valuation date, and the date a set must be newer than. */
function staleNotes(venues, account) {
  const today = typeof account.valuationDate === 'string' && /^\d{4}-\d\d-\d\d/.test(account.valuationDate)
    ? account.valuationDate.slice(0, 10) : new Date().toISOString().slice(0, 10);
  const limit = `${String(Number(today.slice(0, 4)) - STALE_YEARS).padStart(4, '0')}${today.slice(4)}`;  // the same day, years before
  const notes = [v('p', { class: 'hint' }, `A parameter set dated more than a year before ${today} is marked stale.`)];
  for (const x of venues) {
    if (x.supported === false) continue;
    const dates = String(x.parameterSet).match(/\d{4}-\d\d-\d\d/g) || [];
    for (const d of dates.filter((d) => d < limit)) {
      notes.push(v('p', { class: 'warn', 'data-stale': x.venue },
        `${NAMES[x.venue]}: its parameters are dated ${d}, more than a year before ${today}; the venue may have changed them since.`));
    }
  }
  return notes;
}

/** The side-by-side table: a row per venue, its components and its grids' buttons. */
function venueTable(venues, state, id, redraw) {
  const head = ['Venue', 'Margin', 'Initial margin', 'Maintenance margin', 'Currency', 'Parameters', 'Grid', 'Components'];
  const rows = venues.map((x, i) => {
    const venue = v('th', { scope: 'row', 'data-label': 'Venue' }, NAMES[x.venue] || x.venue);
    const kind = v('td', { 'data-label': 'Margin' }, x.kind === 'standard' ? 'Standard margin' : 'Portfolio margin');
    if (x.supported === false) {
      return v('tr', { 'data-venue': `${x.venue}:${x.kind}`, 'data-supported': 'false' }, venue, kind,
        v('td', { colspan: '6', class: 'pm-reason', 'data-label': 'Reason' }, v('span', {}, 'Not computed:'), ' ', v('span', {}, x.reason)));
    }
    const grids = (x.grids || []).map((g, j) => {
      const on = state.grid && state.grid[0] === i && state.grid[1] === j;
      return v('button', { type: 'button', class: 'pm-grid-button', 'aria-pressed': on ? 'true' : 'false', 'data-grid': `${i}:${j}`,
        'aria-controls': id('grid'), on: { click: () => { state.grid = [i, j]; redraw(); } } }, g.name);
    });
    return v('tr', { 'data-venue': `${x.venue}:${x.kind}`, 'data-supported': 'true' }, venue, kind,
      v('td', { 'data-label': 'Initial margin', 'data-field': 'initialMargin' }, v('span', { class: 'num' }, money(x.initialMargin, x.currency))),
      v('td', { 'data-label': 'Maintenance margin', 'data-field': 'maintenanceMargin' }, v('span', { class: 'num' }, money(x.maintenanceMargin, x.currency))),
      v('td', { 'data-label': 'Currency' }, x.currency),
      v('td', { 'data-label': 'Parameters' }, /\d{4}-\d\d-\d\d/.test(x.parameterSet) ? x.parameterSet : v('code', {}, x.parameterSet)),
      v('td', { 'data-label': 'Grid' }, ...(grids.length ? grids : ['—'])),
      v('td', { 'data-label': 'Components' }, components(x), state.math.details(`v${i}`)));
  });
  return v('div', { class: 'table-wrap', ...scrollable('Margin by venue') }, v('table', { class: 'pm-venues cards', id: id('venues') },
    v('caption', {}, 'Initial and maintenance margin under each venue, in the venue\'s currency; the components make up the difference.'),
    v('thead', {}, v('tr', {}, ...head.map((t) => v('th', { scope: 'col' }, t)))),
    v('tbody', {}, ...rows)));
}

/** A venue's components: name, value, the scenario that sets it and the leg that drives it. */
function components(x) {
  if (!x.components.length) return '—';
  return v('ul', { class: 'pm-components' }, ...x.components.map((c) => v('li', { 'data-component': c.name },
    v('code', {}, c.name), ' ', v('span', { class: 'num' }, money(c.value, x.currency)),
    c.scenario ? v('span', { class: 'pm-scenario' }, ' (', v('span', {}, `price ${move(c.scenario.priceMove)}, volatility ${move(c.scenario.volShock)}`), ')') : null,
    c.leg ? v('span', { class: 'pm-leg' }, ' ', v('span', {}, 'driven by'), ' ', v('code', {}, c.leg)) : null)));
}

/** A leg's name from the account ("options[1]" -> its symbol), for the heat map's driving leg. */
function legName(account, leg) {
  const m = /^(options|futures)\[(\d+)\]$/.exec(leg || '');
  const p = m && account[m[1]] && account[m[1]][Number(m[2])];
  return p && p.symbol ? `${leg} ${p.symbol}` : leg;
}

/** The level of a cell's colour: a share of the worst loss (a key for the eye; the numbers are the core's). */
function level(x, worst) {
  if (x > 0) return 'heat-gain';
  if (x === 0 || worst >= 0) return 'heat-0';
  return 'heat-' + Math.min(5, Math.max(1, Math.ceil((x / worst) * 5)));
}

/** One venue's grid as a heat map: volatility shocks (rows) by price moves (columns), the worst cell outlined. */
function heatMap(venues, [i, j], account, id) {
  const x = venues[i], g = x.grids[j];
  const name = `${NAMES[x.venue]}, ${g.name} (${g.underlying})`;
  const table = v('table', { class: 'heat pm-heat', id: id('heat'), 'aria-label': `Heat map: ${name}`, 'aria-describedby': id('heat-hint') },
    v('thead', {}, v('tr', {}, v('th', { scope: 'col' }, 'Vol \\ price'), ...g.priceMoves.map((m) => v('th', { scope: 'col' }, move(m))))),
    v('tbody', {}, ...g.pnl.map((row, r) => v('tr', {}, v('th', { scope: 'row' }, move(g.volShocks[r])),
      ...row.map((p, c) => {
        const worst = r === g.worstVolShock && c === g.worstPriceMove;
        return v('td', { class: level(p, g.worstPnl) + (worst ? ' worst' : ''), 'data-cell': `${r}:${c}`, 'data-worst': worst ? 'true' : null },
          money(p, x.currency), worst ? v('span', { class: 'visually-hidden' }, ' (worst)') : null);
      })))));
  return [
    v('h4', { id: id('grid-title') }, name),
    v('p', { class: 'hint', id: id('heat-hint') }, `Change in value (${x.currency}) by price move (columns) and volatility shock (rows); the worst cell is outlined.`),
    v('div', { class: 'table-wrap', ...scrollable(`Heat map: ${name}`) }, table),
    v('dl', { class: 'tool-result pm-worst' },
      v('div', { class: 'metric', 'data-metric': 'pmv:worstCell' }, v('dt', {}, 'Worst cell'),
        v('dd', {}, `price ${move(g.priceMoves[g.worstPriceMove])}, volatility ${move(g.volShocks[g.worstVolShock])}`)),
      v('div', { class: 'metric', 'data-metric': 'pmv:worstPnl' }, v('dt', {}, `Its change (${x.currency})`),
        v('dd', {}, v('span', { class: 'num' }, money(g.worstPnl, x.currency)))),
      v('div', { class: 'metric pm-driving', 'data-metric': 'pmv:leg' }, v('dt', {}, 'Driving leg'),
        v('dd', {}, g.leg ? v('code', { 'data-leg': g.leg }, legName(account, g.leg)) : 'none (no leg loses)'))),
  ];
}
