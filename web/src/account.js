// SPDX-License-Identifier: MIT
// One account (scenario version 3): collateral in several assets, futures and options on several
// underlyings, a venue's unified-account rules; what marginlab-full.js's evaluateAccount,
// accountBoundary and fitSurface return: equity and collateral per asset with each haircut and
// tier, IM, MM, the venue's ratio and zone, the liquidation price of each underlying, the
// one-factor move, the liquidation boundary of two moves as a contour on a heat map, and an SVI
// smile fitted to quotes. Every number comes from the core; this file reads what people type and
// lays the answers out with the form kit (form.js). Its chunk loads only when the account opens.
import { h, v, clear, patch } from './dom.js';
import * as fmt from './format.js';
import { fieldText, numberReader, setDefined, createForm, showStale, metric, Explainer, EXPLAIN } from './form.js';
import * as router from './router.js';

export const MAX_ROWS = 50;    // collateral, underlyings and positions each, as the calculator's 50 positions
export const MAX_QUOTES = 60;  // quotes the smile editor keeps
const GRID = 41;

let host = null;  // what main.js lends: see openAccount
let lab = null;   // marginlab-full.js's API
const state = { form: null, result: null, account: null, boundary: null, fit: null, linkErrors: [] };

const isObject = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);
const list = (x) => (Array.isArray(x) ? x : []);
const pick = (x, allowed) => (allowed.includes(x) ? x : allowed[0]);
const text = fieldText;

/** The example: BTC and USDT posted behind a long ETH and a short BTC perpetual, Bybit's unified account. */
export const EXAMPLE = Object.freeze({
  version: 3, margin: 'tiers', rules: 'binance',
  collateral: [{ asset: 'USDT', balance: 2000, price: 1 }, { asset: 'BTC', balance: 0.5, price: 60000 }],
  underlyings: [{ name: 'BTC', price: 60000 }, { name: 'ETH', price: 3000 }],
  futures: [{ underlying: 'ETH', settlementAsset: 'USDT', symbol: 'ETHUSDT', side: 'long', quantity: 20, entryPrice: 3000, leverage: 20 },
    { underlying: 'BTC', settlementAsset: 'USDT', symbol: 'BTCUSDT', side: 'short', quantity: 0.2, entryPrice: 60000, leverage: 20 }],
  boundary: { x: 'ETH', y: 'BTC' },
});

const EXAMPLE_QUOTES = [[0.25, 48000, 'put', 72], [0.25, 54000, 'put', 64], [0.25, 60000, 'call', 58], [0.25, 66000, 'call', 57],
  [0.25, 72000, 'call', 60], [0.5, 48000, 'put', 68], [0.5, 54000, 'put', 62], [0.5, 60000, 'call', 58], [0.5, 66000, 'call', 57], [0.5, 72000, 'call', 59]];

// ---------------------------------------------------------------------------------------------
// Form state: texts as typed.

/** The venue's rule set as texts (percentages for rates and ratios). */
function venueForm(r) {
  const g = isObject(r) ? r : {};
  return {
    venue: text(g.venue ?? 'generic'), source: text(g.source ?? ''), date: text(g.date ?? ''),
    otherRatio: text(g.otherRatio, 100), progressive: g.progressive !== false, haircutMaintenance: g.haircutMaintenance !== false,
    loanMaintenanceRate: text(g.loanMaintenanceRate, 100), warning: text(g.warning), noNewOrders: text(g.noNewOrders), liquidation: text(g.liquidation),
    collateral: list(g.collateral).slice(0, MAX_ROWS).map((c) => ({ asset: text(isObject(c) ? c.asset : ''), byValue: isObject(c) && c.byValue === true,
      bands: list(isObject(c) ? c.bands : []).slice(0, 32).map((b) => ({ from: text(isObject(b) ? b.from : ''), ratio: text(isObject(b) ? b.ratio : '', 100) })) })),
  };
}

function positionRows(a) {
  const rows = [];
  list(a.futures).forEach((f) => {
    const g = isObject(f) ? f : {};
    rows.push({ kind: 'future', underlying: text(g.underlying), settlementAsset: text(g.settlementAsset), symbol: text(g.symbol),
      contract: pick(g.contract, ['linear', 'inverse']), side: pick(g.side, ['long', 'short']), quantity: text(g.quantity),
      entryPrice: text(g.entryPrice), markPrice: text(g.markPrice), contractSize: text(g.contractSize), leverage: text(g.leverage),
      strike: '', expiry: '', premium: '', volatility: '' });
  });
  list(a.options).forEach((o) => {
    const g = isObject(o) ? o : {};
    rows.push({ kind: pick(g.type, ['call', 'put']), underlying: text(g.underlying), settlementAsset: text(g.settlementAsset), symbol: text(g.symbol),
      contract: pick(g.contract, ['inverse', 'linear']), side: pick(g.side, ['long', 'short']), quantity: text(g.quantity),
      strike: text(g.strike), expiry: g.expiryDate !== undefined ? text(g.expiryDate) : text(g.expiryYears), premium: text(g.premium),
      volatility: text(g.volatility, 100), entryPrice: '', markPrice: '', contractSize: '', leverage: '' });
  });
  return rows;
}

/** Account (v3, from a link or the example) -> form texts and the notes of what the page changed. */
export function formFromAccount(a) {
  const notes = [];
  for (const key of ['collateral', 'underlyings', 'futures', 'options']) {
    if (a[key] !== undefined && !Array.isArray(a[key])) notes.push(`${key} is not a list; it is ignored.`);
    else if (list(a[key]).length > MAX_ROWS) notes.push(`The link holds ${list(a[key]).length} ${key}; this page edits the first ${MAX_ROWS}.`);
  }
  const rows = positionRows(a);
  const underlyings = list(a.underlyings).slice(0, MAX_ROWS).map((u) => (isObject(u) ? u : {}));
  const b = isObject(a.boundary) ? a.boundary : {};
  return {
    form: {
      margin: pick(a.margin, ['tiers', 'deribitStandard']), rules: text(a.rules ?? ''), unverified: false, venue: venueForm(a.venue),
      collateral: list(a.collateral).slice(0, MAX_ROWS).map((c) => (isObject(c) ? c : {})).map((c) => ({ asset: text(c.asset), balance: text(c.balance),
        price: text(c.price), haircut: text(c.haircut, 100), beta: text(c.beta) })),
      underlyings: underlyings.map((u) => ({ name: text(u.name), price: text(u.price), interestRate: text(u.interestRate, 100), beta: text(u.beta) })),
      rows: rows.slice(0, MAX_ROWS),
      axes: { x: text(b.x ?? ''), y: text(b.y ?? ''), xFrom: text(b.xFrom ?? -50), xTo: text(b.xTo ?? 50), yFrom: text(b.yFrom ?? -50), yTo: text(b.yTo ?? 50) },
      quotes: { underlying: text(underlyings[0] ? underlyings[0].name : ''), rows: EXAMPLE_QUOTES.map(([e, k, t, vol]) => ({ expiry: String(e), strike: String(k), type: t, volatility: String(vol) })) },
      // Kept as the link gave them, not edited here: tier tables, the fee, the valuation date, surfaces.
      keep: { tiers: a.tiers, takerFeeRate: a.takerFeeRate, valuationDate: a.valuationDate,
        under: underlyings.map((u) => ({ volSurface: u.volSurface, volDynamics: u.volDynamics, futuresSizeRate: u.futuresSizeRate })) },
    },
    notes,
  };
}

function venueFromForm(f, num) {
  const r = { venue: f.venue };
  if (f.source) r.source = f.source;
  if (f.date) r.date = f.date;
  setDefined(r, 'otherRatio', num(f.otherRatio, 'venue.otherRatio', false, 100));
  r.progressive = f.progressive;
  r.haircutMaintenance = f.haircutMaintenance;
  setDefined(r, 'loanMaintenanceRate', num(f.loanMaintenanceRate, 'venue.loanMaintenanceRate', false, 100));
  for (const k of ['warning', 'noNewOrders', 'liquidation']) setDefined(r, k, num(f[k], `venue.${k}`, false));
  r.collateral = f.collateral.map((c, i) => ({ asset: c.asset.trim(), byValue: c.byValue,
    bands: c.bands.map((b, j) => {
      const at = `venue.collateral[${i}].bands[${j}].`;
      const band = {};
      setDefined(band, 'from', num(b.from, at + 'from', true));
      setDefined(band, 'ratio', num(b.ratio, at + 'ratio', true, 100));
      return band;
    }) }));
  return r;
}

function positionsFromForm(form, num, a, local) {
  a.futures = [];
  a.options = [];
  const set = setDefined;
  for (const r of form.rows) {
    const common = { underlying: r.underlying.trim(), settlementAsset: r.settlementAsset.trim(), contract: r.contract, side: r.side };
    if (r.symbol.trim()) common.symbol = r.symbol.trim();
    if (r.kind === 'future') {
      const at = `futures[${a.futures.length}].`;
      const f = { ...common };
      for (const k of ['quantity', 'entryPrice']) set(f, k, num(r[k], at + k, true));
      for (const k of ['markPrice', 'contractSize', 'leverage']) set(f, k, num(r[k], at + k, false));
      a.futures.push(f);
    } else {
      const at = `options[${a.options.length}].`;
      const o = { ...common, type: r.kind };
      for (const k of ['strike', 'quantity', 'premium']) set(o, k, num(r[k], at + k, true));
      const e = r.expiry.trim();
      if (/^\d{4}-\d\d-\d\d/.test(e) || /^\d{1,2}[A-Za-z]{3}\d{2}$/.test(e)) o.expiryDate = e;
      else if (e === '') local[at + 'expiryYears'] = 'Required: a date (2026-03-27) or years (0.25).';
      else set(o, 'expiryYears', num(e, at + 'expiryYears', true));
      set(o, 'volatility', num(r.volatility, at + 'volatility', false, 'volatility'));
      a.options.push(o);
    }
  }
}

/** Form texts -> { account, local } where local maps a path to a syntax message. */
export function accountFromForm(form) {
  const local = {};
  const num = numberReader(local);
  const a = { version: 3, margin: form.margin };
  if (form.rules.trim()) a.rules = form.rules.trim();
  const k = form.keep;
  if (k.tiers !== undefined) a.tiers = k.tiers;
  if (k.takerFeeRate !== undefined) a.takerFeeRate = k.takerFeeRate;
  if (k.valuationDate !== undefined) a.valuationDate = k.valuationDate;
  a.collateral = form.collateral.map((c, i) => {
    const x = { asset: c.asset.trim() };
    setDefined(x, 'balance', num(c.balance, `collateral[${i}].balance`, true));
    setDefined(x, 'price', num(c.price, `collateral[${i}].price`, true));
    setDefined(x, 'haircut', num(c.haircut, `collateral[${i}].haircut`, false, 100));
    setDefined(x, 'beta', num(c.beta, `collateral[${i}].beta`, false));
    return x;
  });
  a.underlyings = form.underlyings.map((u, i) => {
    const x = { name: u.name.trim() };
    setDefined(x, 'price', num(u.price, `underlyings[${i}].price`, true));
    setDefined(x, 'interestRate', num(u.interestRate, `underlyings[${i}].interestRate`, false, 'rateYear'));
    setDefined(x, 'beta', num(u.beta, `underlyings[${i}].beta`, false));
    for (const [key, value] of Object.entries(k.under[i] || {})) if (value !== undefined) x[key] = value;
    return x;
  });
  positionsFromForm(form, num, a, local);
  a.venue = venueFromForm(form.venue, num);
  return { account: a, local };
}

/** The boundary's request from the form: { request, local }. */
function boundaryFromForm(form) {
  const local = {};
  const num = numberReader(local);
  const x = { asset: form.axes.x }, y = { asset: form.axes.y };
  setDefined(x, 'from', num(form.axes.xFrom, 'x.from', false, 100));
  setDefined(x, 'to', num(form.axes.xTo, 'x.to', false, 100));
  setDefined(y, 'from', num(form.axes.yFrom, 'y.from', false, 100));
  setDefined(y, 'to', num(form.axes.yTo, 'y.to', false, 100));
  return { request: { x, y, n: GRID }, local };
}

// ---------------------------------------------------------------------------------------------
// Opening and closing.

const $ = (id) => document.getElementById(id);
const kit = createForm({ prefix: 'a-', pathAttr: 'data-acct-path', errorAttr: 'data-acct-error-for', root: () => $('account'), general: () => $('acct-general') });
const axisKit = createForm({ prefix: 'ab-', pathAttr: 'data-axis-path', errorAttr: 'data-axis-error-for', root: () => $('acct-boundary'), general: () => $('acct-boundary-general') });
const smileKit = createForm({ prefix: 'as-', pathAttr: 'data-smile-path', errorAttr: 'data-smile-error-for', root: () => $('acct-smile'), general: () => $('acct-smile-general') });

/**
 * Opens the account in `root`. `api` lends getFullLab() -> the lab, notice(text) and
 * inlineStyles (account.css is in the page already). `link`: a version 3 account from a link, or
 * null for the example. The account's link goes to the fragment through the router.
 */
export async function openAccount(root, api, link = null) {
  host = api;
  root.hidden = false;
  if (!lab) {
    root.replaceChildren(h('p', { 'data-loading': '' }, 'Loading the account…'));
    const [full] = await Promise.all([api.getFullLab(), api.inlineStyles ? null : loadStyles()]);
    if (typeof full.evaluateAccount !== 'function') {
      root.replaceChildren(h('p', { class: 'warn', role: 'alert' }, 'This build of MarginLab has no accounts.'));
      return;
    }
    lab = full;
    if (host !== api) return;  // closed while it loaded
  }
  load(link || EXAMPLE);
}

/** account.css, next to this chunk. */
function loadStyles() {
  if (document.querySelector('link[data-account-css]')) return Promise.resolve();
  return new Promise((resolve) => {
    const el = h('link', { rel: 'stylesheet', href: new URL('./account.css', import.meta.url).href, 'data-account-css': '' });
    el.addEventListener('load', resolve);
    el.addEventListener('error', resolve);  // unstyled beats nothing
    document.head.append(el);
  });
}

/** Loads an account into the form and evaluates it; the core's errors show at their fields, the link's notes in the notice. */
export function load(account) {
  const { form, notes } = formFromAccount(isObject(account) ? account : {});
  if (form.venue.venue === 'generic' && !isObject(account.venue)) Object.assign(form.venue, venueForm(lab.accountVenues().find((r) => r.venue === 'bybitUnified')));
  state.form = form;
  // The link's account as the core reads it: its errors at their paths, even where a field's text does not parse.
  state.linkErrors = account === EXAMPLE ? [] : lab.evaluateAccount(account).errors;
  state.result = state.account = state.boundary = state.fit = null;
  math.reset();
  host.notice(notes.join(' '));
  renderAll();
}

export function reset() {
  load(EXAMPLE);
}

export function closeAccount(root) {
  root.hidden = true;
  clear(root);
  host = null;
}

/** What a link to the account on screen holds: the account and the boundary's axes. */
export function linkObject() {
  if (!state.account) return null;
  const a = state.form.axes;
  return { ...state.account, boundary: { x: a.x, y: a.y, xFrom: a.xFrom, xTo: a.xTo, yFrom: a.yFrom, yTo: a.yTo } };
}

// ---------------------------------------------------------------------------------------------
// Inputs.

const edit = (fn) => (x, el) => {
  fn(x, el);
  update();
};
const input = (path, value, fn, opts) => kit.input(path, value, edit(fn), opts);
const field = (label, path, value, fn, opts) => kit.field(label, path, value, edit(fn), opts);
const again = () => { renderInputs(); update(); };

function renderAll() {
  const root = $('account');
  root.replaceChildren(
    h('h2', { id: 'account-title' }, 'One account'),
    h('p', { class: 'hint' }, 'Collateral in several assets, each counted at its haircut; perpetuals, futures and options on several underlyings; the venue\'s unified-account rules.'),
    h('form', { id: 'acct-inputs', class: 'acct-inputs', novalidate: '', 'aria-label': 'Account inputs' }),
    h('section', { id: 'acct-results', class: 'acct-results', 'aria-labelledby': 'acct-results-title' },
      h('h2', { id: 'acct-results-title' }, 'Results'),
      h('p', { id: 'acct-status', class: 'status', role: 'status' }),
      h('p', { id: 'acct-stale', class: 'stale-note', hidden: '' }, 'These results are for the last valid account; fix the marked fields to update them.'),
      h('ul', { id: 'acct-general', class: 'general-errors' }),
      h('div', { id: 'acct-out' })),
    h('section', { id: 'acct-boundary', class: 'acct-boundary', 'aria-labelledby': 'acct-boundary-title' },
      h('h2', { id: 'acct-boundary-title' }, 'Liquidation boundary'),
      h('div', { id: 'acct-axes', class: 'grid acct-axes' }),
      h('ul', { id: 'acct-boundary-general', class: 'general-errors' }),
      h('div', { id: 'acct-boundary-out' })),
    h('section', { id: 'acct-smile', class: 'acct-smile', 'aria-labelledby': 'acct-smile-title' },
      h('h2', { id: 'acct-smile-title' }, 'Volatility smile from quotes'),
      h('div', { id: 'acct-smile-in' }),
      h('ul', { id: 'acct-smile-general', class: 'general-errors' }),
      h('div', { id: 'acct-smile-out' })));
  renderInputs();
  update();
}

function renderInputs() {
  const form = state.form;
  const root = $('acct-inputs');
  clear(root);
  root.append(
    h('div', { class: 'grid acct-top' },
      kit.select('Margin', 'margin', form.margin, [['tiers', 'Tiers (perpetuals and futures)'], ['deribitStandard', 'Deribit standard (options)']],
        (x) => { form.margin = x; update(); }),
      field('Rule profile', 'rules', form.rules, (x) => { form.rules = x; }, { mode: 'text', hint: 'binance, bybit-uta, okx…: the tier tables of the futures.' })),
    venueEditor(form),
    h('h3', {}, 'Collateral'),
    rowsTable('acct-collateral', 'Collateral: balance in units of the asset (negative: borrowed), price in the quote currency.', form.collateral, 'collateral',
      [['Asset', 'asset', 'text'], ['Balance', 'balance'], ['Price', 'price'], ['Haircut (%)', 'haircut'], ['Beta', 'beta']]),
    addButton('acct-add-collateral', '+ Asset', form.collateral, { asset: '', balance: '', price: '', haircut: '', beta: '' }),
    h('h3', {}, 'Underlyings'),
    rowsTable('acct-underlyings', 'Underlyings: the index price each future and option reads.', form.underlyings, 'underlyings',
      [['Name', 'name', 'text'], ['Price', 'price'], ['Interest rate (%)', 'interestRate'], ['Beta', 'beta']]),
    addButton('acct-add-underlying', '+ Underlying', form.underlyings, { name: '', price: '', interestRate: '', beta: '' }),
    h('h3', {}, 'Positions'),
    positionsTable(form),
    h('div', { class: 'row-actions' },
      addButton('acct-add-future', '+ Future', form.rows, { kind: 'future', contract: 'linear', side: 'long', underlying: '', settlementAsset: '', symbol: '', quantity: '', entryPrice: '', markPrice: '', contractSize: '', leverage: '', strike: '', expiry: '', premium: '', volatility: '' }, true),
      addButton('acct-add-option', '+ Option', form.rows, { kind: 'call', contract: 'inverse', side: 'long', underlying: '', settlementAsset: '', symbol: '', quantity: '', entryPrice: '', markPrice: '', contractSize: '', leverage: '', strike: '', expiry: '', premium: '', volatility: '' }, true)),
    kit.errorSlot('futures', null), kit.errorSlot('options', null), kit.errorSlot('collateral', null), kit.errorSlot('underlyings', null));
  renderAxes();
  renderQuotes();
}

/** A button that adds a row (a copy of the last, or `blank`). */
function addButton(id, label, rows, blank, bare = false) {
  const b = h('button', { type: 'button', id, disabled: rows.length >= MAX_ROWS ? '' : null }, label);
  b.addEventListener('click', () => {
    const last = rows.filter((r) => r.kind === undefined || (r.kind === 'future') === (blank.kind === 'future')).pop();
    rows.push({ ...(last || blank) });
    again();
  });
  return bare ? b : h('div', { class: 'row-actions' }, b);
}

/** A table of rows of fields: columns [label, key, mode]; each row's fields at `${base}[i].key`. */
function rowsTable(id, caption, rows, base, columns) {
  const body = rows.map((r, i) => h('tr', {},
    ...columns.map(([label, key, mode]) => h('td', { 'data-label': label },
      input(`${base}[${i}].${key}`, r[key], (x) => { r[key] = x; }, { label: `${label}, row ${i + 1}`, mode: mode || 'decimal' }),
      kit.errorSlot(`${base}[${i}].${key}`))),
    h('td', { 'data-label': '' }, h('button', { type: 'button', class: 'remove', 'aria-label': `Remove row ${i + 1}`,
      on: { click: () => { rows.splice(i, 1); again(); } } }, 'Remove'), kit.errorSlot(`${base}[${i}]`))));
  return h('div', { class: 'table-wrap' }, h('table', { id, class: 'acct-rows cards' }, h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...columns.map(([label]) => h('th', { scope: 'col' }, label)), h('th', { scope: 'col' }, ''))), h('tbody', {}, ...body)));
}

const POSITION_COLUMNS = ['Kind', 'Underlying', 'Settles in', 'Contract', 'Side', 'Quantity', 'Entry price', 'Leverage', 'Strike', 'Expiry', 'Premium', 'Volatility (%)', ''];

function positionsTable(form) {
  let nf = 0, no = 0;
  const body = form.rows.map((r, k) => {
    const future = r.kind === 'future';
    const base = future ? `futures[${nf++}]` : `options[${no++}]`;
    const cell = (label, key, path = key, mode = 'decimal') => h('td', { 'data-label': label },
      input(`${base}.${path}`, r[key], (x) => { r[key] = x; }, { label: `${label}, row ${k + 1}`, mode }), kit.errorSlot(`${base}.${path}`));
    const none = (label) => h('td', { 'data-label': label, class: 'na' }, '—');
    const choose = (label, key, choices, redraw) => h('td', { 'data-label': label },
      kit.select(`${label}, row ${k + 1}`, `${base}.${key === 'kind' ? 'type' : key}`, r[key], choices, (x) => { r[key] = x; if (redraw) again(); else update(); }, { bare: true }),
      kit.errorSlot(`${base}.${key === 'kind' ? 'type' : key}`));
    return h('tr', { 'data-kind': r.kind, 'data-base': base },
      choose('Kind', 'kind', [['future', 'Future'], ['call', 'Call'], ['put', 'Put']], true),
      cell('Underlying', 'underlying', 'underlying', 'text'), cell('Settles in', 'settlementAsset', 'settlementAsset', 'text'),
      choose('Contract', 'contract', [['linear', 'Linear'], ['inverse', 'Inverse']]),
      choose('Side', 'side', [['long', 'Long'], ['short', 'Short']]),
      cell('Quantity', 'quantity'),
      future ? cell('Entry price', 'entryPrice') : none('Entry price'),
      future ? cell('Leverage', 'leverage') : none('Leverage'),
      future ? none('Strike') : cell('Strike', 'strike'),
      future ? none('Expiry') : h('td', { 'data-label': 'Expiry' }, input(`${base}.expiryYears`, r.expiry, (x) => { r.expiry = x; },
        { label: `Expiry, row ${k + 1}`, mode: 'text', placeholder: 'date or years' }), kit.errorSlot(`${base}.expiryYears`), kit.errorSlot(`${base}.expiryDate`)),
      future ? none('Premium') : cell('Premium', 'premium'),
      future ? none('Volatility (%)') : cell('Volatility (%)', 'volatility'),
      h('td', { 'data-label': '' }, h('button', { type: 'button', class: 'remove', 'aria-label': `Remove row ${k + 1}`,
        on: { click: () => { form.rows.splice(k, 1); again(); } } }, 'Remove'), kit.errorSlot(base)));
  });
  return h('div', { class: 'table-wrap' }, h('table', { id: 'acct-positions', class: 'acct-rows cards' },
    h('caption', {}, 'Futures: quantity in contracts, settling in one of the collateral assets. Options: quantity in coins, expiry a date or years.'),
    h('thead', {}, h('tr', {}, ...POSITION_COLUMNS.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, ...body)));
}

/** The venue's rule set: the picker, its levels and each asset's collateral ratio bands. */
function venueEditor(form) {
  const f = form.venue;
  const venues = lab.accountVenues(form.unverified ? { unverified: true } : undefined);
  const choose = (name) => { form.venue = venueForm(venues.find((r) => r.venue === name)); again(); };
  const box = h('input', { type: 'checkbox', id: 'acct-unverified', checked: form.unverified ? '' : null });
  box.addEventListener('change', () => { form.unverified = box.checked; choose(f.venue); });
  const check = (id, label, key) => {
    const el = h('input', { type: 'checkbox', id, checked: f[key] ? '' : null });
    el.addEventListener('change', () => { f[key] = el.checked; update(); });
    return h('div', { class: 'field check' }, h('label', { for: id }, el, ' ', label));
  };
  return h('details', { class: 'tier-editor acct-venue', open: '' }, h('summary', {}, 'Venue rules'),
    h('div', { class: 'grid acct-top' },
      kit.select('Venue', 'venue.venue', f.venue, venues.map((r) => [r.venue, VENUE_NAMES[r.venue] || r.venue]), choose),
      field('Warning level', 'venue.warning', f.warning, (x) => { f.warning = x; }),
      field('No new orders level', 'venue.noNewOrders', f.noNewOrders, (x) => { f.noNewOrders = x; }),
      field('Liquidation level', 'venue.liquidation', f.liquidation, (x) => { f.liquidation = x; }),
      field('Maintenance on borrowed units (%)', 'venue.loanMaintenanceRate', f.loanMaintenanceRate, (x) => { f.loanMaintenanceRate = x; }),
      field('Ratio of other assets (%)', 'venue.otherRatio', f.otherRatio, (x) => { f.otherRatio = x; }, { hint: 'Blank: 100% less each asset\'s haircut.' }),
      check('acct-progressive', 'Each band at its own ratio', 'progressive'),
      check('acct-haircut-mm', 'Haircuts on maintenance too', 'haircutMaintenance'),
      h('div', { class: 'field check' }, h('label', { for: 'acct-unverified' }, box, ' Use the values marked [UNVERIFIED]'),
        h('small', { class: 'hint' }, 'Off by default: only the rules the venues publish.'))),
    h('p', { class: 'hint', id: 'acct-venue-source' }, f.source ? `Source: ${f.source}, ${f.date}.` : ''),
    ...f.collateral.map((c, i) => bandsTable(c, i)));
}

const VENUE_NAMES = { generic: 'Generic (your haircuts)', binanceUnified: 'Binance unified', bybitUnified: 'Bybit unified',
  okxMultiCurrency: 'OKX multi-currency', deribitCross: 'Deribit cross-collateral', hyperliquidCross: 'Hyperliquid USDC cross' };

function bandsTable(c, i) {
  const at = `venue.collateral[${i}]`;
  const rows = c.bands.map((b, j) => h('tr', {},
    h('td', { 'data-label': 'From' }, input(`${at}.bands[${j}].from`, b.from, (x) => { b.from = x; }, { label: `${c.asset}: from, band ${j + 1}` }), kit.errorSlot(`${at}.bands[${j}].from`)),
    h('td', { 'data-label': 'Ratio (%)' }, input(`${at}.bands[${j}].ratio`, b.ratio, (x) => { b.ratio = x; }, { label: `${c.asset}: ratio, band ${j + 1}` }), kit.errorSlot(`${at}.bands[${j}].ratio`))));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'tiers acct-bands', 'data-asset': c.asset },
    h('caption', {}, c.byValue ? `${c.asset}: collateral ratio by value (quote currency)` : `${c.asset}: collateral ratio by amount (${c.asset})`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'From'), h('th', { scope: 'col' }, 'Ratio (%)'))), h('tbody', {}, ...rows)),
  kit.errorSlot(at, null));
}

// ---------------------------------------------------------------------------------------------
// The update loop: one evaluateAccount and one accountBoundary per edit, numbers only.

function update() {
  if (!host) return;
  const { account, local } = accountFromForm(state.form);
  let errors = [];
  if (Object.keys(local).length === 0) {
    const r = lab.evaluateAccount(account);
    errors = r.errors;
    if (!errors.length) {
      Object.assign(state, { result: r, account });
      math.renew();
      router.save('account');
    }
  }
  const count = kit.showErrors(local, state.linkErrors.length ? state.linkErrors : errors);
  state.linkErrors = [];
  showStale({ results: $('acct-results'), note: $('acct-stale'), status: $('acct-status') }, count, state.result !== null, 'account');
  renderResults();
  if (!count) {
    updateBoundary();
    fitSmile();
  }
}

function updateBoundary() {
  const { request, local } = boundaryFromForm(state.form);
  let errors = [];
  if (Object.keys(local).length === 0 && state.account) {
    const b = lab.accountBoundary(state.account, request);
    errors = b.errors;
    if (!errors.length) state.boundary = { ...b, request };
  }
  axisKit.showErrors(local, errors);
  if (state.boundary) renderBoundary();
}

// ---------------------------------------------------------------------------------------------
// Results.

/** Step codes behind each number ("Show the math"): [code prefix, which of them (null: all)]. */
function stepsOf(a, key) {
  const steps = a.steps || [];
  const [what, index] = key.split(':').slice(1);
  const nth = (code, k) => steps.filter((s) => s.code === code)[k];
  if (what === 'asset') return [nth('account.assetValue', Number(index)), nth('account.haircut', Number(index))].filter(Boolean);
  if (what === 'liq') return [nth('account.liquidationBelow', Number(index)), nth('account.liquidationAbove', Number(index))].filter(Boolean);
  if (what === 'pos') return steps.filter((s) => s.field.startsWith(`account.positions[${Number(index)}].`));
  const prefixes = { venue: ['account.loans', 'account.venueMaintenance', 'account.venueRatio', 'account.headroom', 'account.zone'],
    oneFactor: ['account.oneFactor'] }[what] || [`account.${what}`];
  return steps.filter((s) => prefixes.some((p) => s.code === p || s.code.startsWith(p + '.')));
}

const math = new Explainer({
  prefix: 'am-',
  explain: () => lab.evaluateAccount(state.account, undefined, EXPLAIN),
  steps: stepsOf,
  redraw: () => renderResults(),
});

const money = (x) => fmt.amount(x, false);
const move = (x) => (x === null ? '—' : (x > 0 ? '+' : x < 0 ? '−' : '') + fmt.percent(Math.abs(x)));

function summary(a) {
  const m = (key, label, value) => metric(`acct:${key}`, label, value, { math });
  const ven = a.venue;
  return v('dl', { class: 'acct-summary', id: 'acct-summary' },
    m('equity', 'Equity (quote)', money(a.equity)),
    m('collateralValue', 'Collateral after haircuts (quote)', money(a.collateralValue)),
    m('initialMargin', 'Initial margin (quote)', money(a.initialMargin)),
    m('maintenanceMargin', 'Maintenance margin (quote)', money(a.maintenanceMargin)),
    m('marginRatio', 'Margin ratio', a.marginRatio === null ? '—' : fmt.percent(a.marginRatio)),
    m('availableBalance', 'Available balance (quote)', money(a.availableBalance)),
    m('venue', `${VENUE_NAMES[ven.venue] || ven.venue}: margin ratio`, ven.marginRatio === null ? '—' : fmt.plain(ven.marginRatio)),
    metric('acct:zone', 'Zone', ZONES[ven.zone] || ven.zone),
    metric('acct:headroom', 'Room before liquidation (quote)', money(ven.headroom)),
    m('oneFactor', 'All prices together: liquidation move', `${move(a.oneFactor.moveDown)} / ${move(a.oneFactor.moveUp)}`));
}

const ZONES = { normal: 'Normal', warning: 'Warning', noNewOrders: 'No new orders', liquidation: 'Liquidation' };

function assetsTable(a) {
  const head = ['Asset', 'Balance', 'Equity', 'Price', 'Value (quote)', 'Haircut', 'Tier', 'Collateral (quote)', 'IM', 'MM', ''];
  const rows = a.assets.map((x, i) => {
    const [cell, under] = mathCells(`acct:asset:${i}`, head.length);
    return [v('tr', { 'data-asset': x.asset },
      v('th', { scope: 'row', 'data-label': 'Asset' }, x.asset),
      v('td', { 'data-label': 'Balance' }, fmt.plain(x.balance)),
      v('td', { 'data-label': 'Equity' }, fmt.plain(x.equity)),
      v('td', { 'data-label': 'Price' }, fmt.price(x.price)),
      v('td', { 'data-label': 'Value (quote)' }, money(x.value)),
      v('td', { 'data-label': 'Haircut', 'data-field': 'haircut' }, fmt.percent(x.haircut)),
      v('td', { 'data-label': 'Tier', 'data-field': 'tier' }, x.tier === null ? '—' : String(x.tier + 1)),
      v('td', { 'data-label': 'Collateral (quote)', 'data-field': 'collateralValue' }, money(x.collateralValue)),
      v('td', { 'data-label': 'IM' }, fmt.plain(x.initialMargin)),
      v('td', { 'data-label': 'MM' }, fmt.plain(x.maintenanceMargin)),
      cell), under];
  }).flat();
  return resultTable('acct-assets', 'grid-table acct-assets cards', head, rows,
    'Each asset: equity in its units, value and collateral in the quote currency; IM and MM of the positions settling in it, in its units.');
}

/** A row's "Show the math" cell, and the row under it that holds its steps. */
function mathCells(key, columns) {
  return [v('td', { 'data-label': '' }, math.button(key, ['Show the math'], { class: 'math-toggle' })),
    v('tr', { class: 'math-row', hidden: math.isOpen(key) ? null : '' }, v('td', { colspan: String(columns) }, math.panel(key)))];
}

function resultTable(id, cls, head, rows, caption) {
  return v('div', { class: 'table-wrap' }, v('table', { class: cls, id }, v('caption', {}, caption),
    v('thead', {}, v('tr', {}, ...head.map((t) => v('th', { scope: 'col' }, t)))), v('tbody', {}, ...rows)));
}

/** Each position's part of the account in the quote currency: its PnL, IM and MM (the core's PositionContribution). */
function partsTable(a) {
  const head = ['Position', 'Underlying', 'Settles in', 'Unrealized PnL (quote)', 'IM (quote)', 'MM (quote)', ''];
  const rows = a.positions.map((p, k) => {
    const [cell, under] = mathCells(`acct:pos:${k}`, head.length);
    const name = p.kind === 'future' ? `Future ${p.index + 1}` : `Option ${p.index + 1}`;
    return [v('tr', { 'data-position': String(k) },
      v('th', { scope: 'row', 'data-label': 'Position' }, name),
      v('td', { 'data-label': 'Underlying' }, p.underlying),
      v('td', { 'data-label': 'Settles in' }, p.settlementAsset),
      v('td', { 'data-label': 'Unrealized PnL (quote)', 'data-field': 'unrealizedPnl' }, money(p.unrealizedPnl)),
      v('td', { 'data-label': 'IM (quote)', 'data-field': 'initialMargin' }, money(p.initialMargin)),
      v('td', { 'data-label': 'MM (quote)', 'data-field': 'maintenanceMargin' }, money(p.maintenanceMargin)),
      cell), under];
  }).flat();
  return resultTable('acct-parts', 'grid-table acct-assets acct-parts cards', head, rows,
    'Each position\'s part of the account: its unrealized PnL, IM and MM in the quote currency; they add up to the account\'s IM and MM.');
}

function liquidationList(a) {
  return v('ul', { class: 'acct-liq', id: 'acct-liq' }, ...a.liquidation.map((l, i) => {
    const key = `acct:liq:${i}`;
    const [below, above] = [[l.below, l.moveBelow], [l.above, l.moveAbove]].map(([x, m]) => (x === null ? null : [fmt.price(x), move(m)]));
    const said = l.liquidatedNow ? 'Liquidated now'
      : below && above ? `Below ${below[0]} (${below[1]}) and above ${above[0]} (${above[1]})`
        : below ? `Below ${below[0]} (${below[1]})` : above ? `Above ${above[0]} (${above[1]})`
          : 'No liquidation price from 0.001 to 100 times today\'s price';
    return v('li', { 'data-underlying': l.underlying, 'data-metric': key },
      v('strong', {}, l.underlying), ': ', v('span', {}, said), ' ', math.button(key, ['Show the math'], { class: 'math-toggle' }), math.panel(key));
  }));
}

function renderResults() {
  const r = state.result;
  if (!r) return;
  const a = r.account;
  patch($('acct-out'), [summary(a),
    v('h3', {}, 'Collateral and margin per asset'), assetsTable(a),
    v('h3', {}, 'Each position\'s contribution'), partsTable(a),
    v('h3', {}, 'Liquidation price of each underlying, the others held'), liquidationList(a)]);
}

// ---------------------------------------------------------------------------------------------
// The boundary: headroom over two moves as a heat map, its zero line, today and the nearest point.

function renderAxes() {
  const form = state.form;
  const names = [...form.underlyings.map((u) => u.name.trim()), ...form.collateral.map((c) => c.asset.trim())].filter((x, i, all) => x && all.indexOf(x) === i);
  if (!names.includes(form.axes.x)) form.axes.x = names[0] || '';
  if (!names.includes(form.axes.y)) form.axes.y = names.find((n) => n !== form.axes.x) || names[0] || '';
  const choices = names.map((n) => [n, n]);
  const pick = (label, key) => axisKit.select(label, `${key}.asset`, form.axes[key], choices, (x) => { form.axes[key] = x; updateBoundary(); router.save('account'); });
  const range = (label, key, path) => axisKit.field(label, path, form.axes[key], (x) => { form.axes[key] = x; updateBoundary(); router.save('account'); }, { unit: '%' });
  const el = $('acct-axes');
  el.replaceChildren(pick('Across (x)', 'x'), range('From', 'xFrom', 'x.from'), range('To', 'xTo', 'x.to'),
    pick('Up (y)', 'y'), range('From', 'yFrom', 'y.from'), range('To', 'yTo', 'y.to'));
}

const SVG = 'http://www.w3.org/2000/svg';

/** v() nodes of a chart as SVG elements (dom.js builds HTML ones). */
function svgOf(node) {
  if (typeof node !== 'object') return document.createTextNode(String(node));
  const el = document.createElementNS(SVG, node.tag);
  for (const [k, x] of Object.entries(node.attrs)) if (x !== null && x !== undefined) el.setAttribute(k, String(x));
  for (const c of node.children) if (c !== null && c !== undefined) el.append(svgOf(c));
  return el;
}

const W = 640, H = 440, PAD = { l: 64, r: 40, t: 16, b: 48 };

/** A relative move on an axis -> the chart's px. */
const scaler = (lo, hi, a, b) => (x) => a + ((x - lo) / (hi - lo)) * (b - a);

function renderBoundary() {
  const b = state.boundary;
  const { xs, ys, headroom } = b;
  const sx = scaler(xs[0], xs[xs.length - 1], PAD.l, W - PAD.r), sy = scaler(ys[0], ys[ys.length - 1], H - PAD.b, PAD.t);
  const worst = Math.max(...headroom.flat().map(Math.abs)) || 1;
  const level = (x) => (x <= 0 ? 'b-liq' : 'b-safe-' + Math.min(4, Math.max(1, Math.ceil((x / worst) * 4))));
  const dx = (sx(xs[1]) - sx(xs[0])), dy = (sy(ys[0]) - sy(ys[1]));
  const cells = [];
  headroom.forEach((row, j) => row.forEach((x, i) => cells.push(v('rect', { class: level(x), x: (sx(xs[i]) - dx / 2).toFixed(1), y: (sy(ys[j]) - dy / 2).toFixed(1),
    width: dx.toFixed(1), height: dy.toFixed(1) }))));
  const lines = b.lines.map((l) => v('polyline', { class: 'b-line', 'data-line': '', points: l.x.map((x, k) => `${sx(x).toFixed(1)},${sy(l.y[k]).toFixed(1)}`).join(' ') }));
  const ticks = (vals, s, horizontal) => vals.filter((_, k) => k % 10 === 0).map((t) => (horizontal
    ? v('text', { class: 'b-tick', x: s(t).toFixed(1), y: H - PAD.b + 16, 'text-anchor': 'middle' }, move(t))
    : v('text', { class: 'b-tick', x: PAD.l - 6, y: (s(t) + 4).toFixed(1), 'text-anchor': 'end' }, move(t))));
  const marks = [v('circle', { class: 'b-today', 'data-mark': 'today', cx: sx(b.today.x).toFixed(1), cy: sy(b.today.y).toFixed(1), r: 6 })];
  if (b.nearest) {
    const nx = sx(b.nearest.x), ny = sy(b.nearest.y);
    marks.push(v('line', { class: 'b-path', x1: sx(b.today.x).toFixed(1), y1: sy(b.today.y).toFixed(1), x2: nx.toFixed(1), y2: ny.toFixed(1) }),
      v('rect', { class: 'b-nearest', 'data-mark': 'nearest', x: (nx - 6).toFixed(1), y: (ny - 6).toFixed(1), width: 12, height: 12 }));
  }
  const { x, y } = b.request;
  const svg = v('svg', { viewBox: `0 0 ${W} ${H}`, class: 'b-svg', 'aria-hidden': 'true', focusable: 'false' },
    v('g', {}, ...cells), v('g', {}, ...lines), v('g', {}, ...ticks(xs, sx, true), ...ticks(ys, sy, false)),
    v('text', { class: 'b-axis', x: (W + PAD.l) / 2, y: H - 8, 'text-anchor': 'middle' }, `${x.asset} move (%)`),
    v('text', { class: 'b-axis', x: 14, y: H / 2, 'text-anchor': 'middle', transform: `rotate(-90 14 ${H / 2})` }, `${y.asset} move (%)`),
    v('g', {}, ...marks));
  const room = money(b.todayHeadroom);
  const summary = b.nearest
    ? `Room before liquidation as ${x.asset} (across) and ${y.asset} (up) move; the account is liquidated in the red region, beyond the line. Today: ${room} quote of room; the nearest point of the boundary: ${x.asset} ${move(b.nearest.x)}, ${y.asset} ${move(b.nearest.y)}.`
    : `Room before liquidation as ${x.asset} (across) and ${y.asset} (up) move; the account is liquidated in the red region, beyond the line. Today: ${room} quote of room; no point of the boundary in this range.`;
  patch($('acct-boundary-out'), [
    v('div', { id: 'acct-contour', class: 'b-chart', role: 'img', 'aria-label': `Liquidation boundary of ${x.asset} against ${y.asset}`, 'aria-describedby': 'acct-contour-summary' }),
    v('p', { id: 'acct-contour-summary', class: 'chart-summary' }, summary),
    v('ul', { class: 'b-legend', 'aria-label': 'Key' },
      v('li', { class: 'k-today' }, 'Today'), v('li', { class: 'k-nearest' }, 'Nearest boundary point'), v('li', { class: 'k-line' }, 'Boundary (room = 0)'),
      v('li', { class: 'k-liq' }, 'Liquidated'), v('li', { class: 'k-safe' }, 'More room, darker'))]);
  $('acct-contour').replaceChildren(svgOf(svg));
}

// ---------------------------------------------------------------------------------------------
// The smile: quotes of one underlying, fitted with raw SVI (fitSurface), the fit against them.

function renderQuotes() {
  const q = state.form.quotes;
  const names = state.form.underlyings.map((u) => u.name.trim()).filter(Boolean);
  if (!names.includes(q.underlying)) q.underlying = names[0] || '';
  const cell = (r, i, key, label, mode) => h('td', { 'data-label': label },
    smileKit.input(`quotes[${i}].${key === 'expiry' ? 'expiryYears' : key}`, r[key], (x) => { r[key] = x; fitSmile(); }, { label: `${label}, quote ${i + 1}`, mode }),
    smileKit.errorSlot(`quotes[${i}].${key === 'expiry' ? 'expiryYears' : key}`));
  const rows = q.rows.map((r, i) => h('tr', {}, cell(r, i, 'expiry', 'Expiry (years)'), cell(r, i, 'strike', 'Strike'),
    h('td', { 'data-label': 'Type' }, smileKit.select(`Type, quote ${i + 1}`, `quotes[${i}].type`, r.type, [['call', 'Call'], ['put', 'Put']], (x) => { r.type = x; fitSmile(); }, { bare: true })),
    cell(r, i, 'volatility', 'Volatility (%)')));
  const use = h('button', { type: 'button', id: 'acct-use-surface' }, 'Use the fitted surface for this underlying');
  use.addEventListener('click', useSurface);
  const more = h('button', { type: 'button', id: 'acct-add-quote', disabled: q.rows.length >= MAX_QUOTES ? '' : null }, '+ Quote');
  more.addEventListener('click', () => { q.rows.push({ ...q.rows[q.rows.length - 1] }); renderQuotes(); });
  $('acct-smile-in').replaceChildren(
    h('div', { class: 'grid acct-top' }, smileKit.select('Underlying', 'underlying', q.underlying, names.map((n) => [n, n]), (x) => { q.underlying = x; fitSmile(); })),
    h('details', { class: 'tier-editor' }, h('summary', {}, 'Quotes'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'tiers acct-quotes' }, h('caption', {}, 'Mark implied volatility per expiry and strike, as a venue\'s option chain lists them (at least 5 strikes per expiry).'),
        h('thead', {}, h('tr', {}, ...['Expiry (years)', 'Strike', 'Type', 'Volatility (%)'].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, ...rows))),
      h('div', { class: 'row-actions' }, more)),
    h('div', { class: 'row-actions' }, use));
}

function fitSmile() {
  const q = state.form.quotes;
  const local = {};
  const num = numberReader(local);
  const u = state.account && state.account.underlyings.find((x) => x.name === q.underlying);
  const request = { underlyingPrice: u ? u.price : NaN, quotes: q.rows.map((r, i) => {
    const o = { type: r.type };
    setDefined(o, 'expiryYears', num(r.expiry, `quotes[${i}].expiryYears`, true));
    setDefined(o, 'strike', num(r.strike, `quotes[${i}].strike`, true));
    setDefined(o, 'volatility', num(r.volatility, `quotes[${i}].volatility`, true, 'volatility'));
    return o;
  }) };
  if (u && u.interestRate !== undefined) request.interestRate = u.interestRate;
  let errors = [];
  if (!Object.keys(local).length && u) {
    const fit = lab.fitSurface(request);
    errors = fit.errors;
    state.fit = errors.length ? null : { ...fit, request };
  }
  smileKit.showErrors(local, errors);
  renderSmile();
}

function useSurface() {
  const fit = state.fit, form = state.form;
  if (!fit) return;
  const i = form.underlyings.findIndex((u) => u.name.trim() === form.quotes.underlying);
  if (i < 0) return;
  form.keep.under[i] = { ...(form.keep.under[i] || {}), volSurface: fit.surface };
  $('acct-status').textContent = `${form.quotes.underlying}: its options without a volatility now read the fitted surface.`;
  update();
}

const ARBITRAGE = { butterfly: 'Butterfly arbitrage', calendar: 'Calendar arbitrage', quotes: 'Quotes out of line' };

function renderSmile() {
  const out = $('acct-smile-out');
  const fit = state.fit;
  if (!fit) return patch(out, []);
  const s = fit.surface;
  const strikes = s.strikes;
  const quoted = fit.request.quotes;
  const allVols = [...s.vols.flat(), ...quoted.map((o) => o.volatility)];
  const lo = Math.min(...allVols) * 0.95, hi = Math.max(...allVols) * 1.05;
  const kLo = Math.min(strikes[0], ...quoted.map((o) => o.strike)), kHi = Math.max(strikes[strikes.length - 1], ...quoted.map((o) => o.strike));
  const sx = scaler(kLo, kHi, PAD.l, W - PAD.r), sy = scaler(lo - (hi - lo) * 0.1, hi + (hi - lo) * 0.1, H - PAD.b, PAD.t);
  const curves = fit.smiles.map((sm, n) => {
    const row = s.expiries.indexOf(sm.expiryYears);
    if (row < 0) return null;
    return v('polyline', { class: `s-fit s-fit-${n % 4}`, 'data-expiry': String(sm.expiryYears), points: strikes.map((k, j) => `${sx(k).toFixed(1)},${sy(s.vols[row][j]).toFixed(1)}`).join(' ') });
  });
  const dots = quoted.map((o) => v('circle', { class: `s-quote s-fit-${Math.max(0, fit.smiles.findIndex((sm) => sm.expiryYears === o.expiryYears)) % 4}`,
    cx: sx(o.strike).toFixed(1), cy: sy(o.volatility).toFixed(1), r: 4 }));
  const yt = [lo, (lo + hi) / 2, hi].map((t) => v('text', { class: 'b-tick', x: PAD.l - 6, y: (sy(t) + 4).toFixed(1), 'text-anchor': 'end' }, fmt.percent(t)));
  const xt = [kLo, (kLo + kHi) / 2, kHi].map((t) => v('text', { class: 'b-tick', x: sx(t).toFixed(1), y: H - PAD.b + 16, 'text-anchor': 'middle' }, fmt.price(t)));
  const svg = v('svg', { viewBox: `0 0 ${W} ${H}`, class: 's-svg', 'aria-hidden': 'true', focusable: 'false' }, ...curves, ...dots, ...yt, ...xt,
    v('text', { class: 'b-axis', x: (W + PAD.l) / 2, y: H - 8, 'text-anchor': 'middle' }, 'Strike'));
  patch(out, [v('div', { id: 'acct-smile-chart', class: 'b-chart', role: 'img', 'aria-label': 'Fitted SVI smile against the quotes', 'aria-describedby': 'acct-smile-summary' }),
    v('p', { id: 'acct-smile-summary', class: 'chart-summary' }, 'Implied volatility against strike: the quotes as dots, each expiry\'s raw SVI fit as a line.'),
    v('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Raw SVI per expiry' }, v('table', { class: 'grid-table acct-fits', id: 'acct-fits' }, v('caption', {}, 'Raw SVI per expiry, in total variance against ln(strike / forward).'),
      v('thead', {}, v('tr', {}, ...['Expiry (years)', 'Forward', 'a', 'b', 'rho', 'm', 'sigma', 'Error (vol)', 'Free of arbitrage'].map((t) => v('th', { scope: 'col' }, t)))),
      v('tbody', {}, ...fit.smiles.map((sm) => v('tr', {}, v('td', {}, fmt.plain(sm.expiryYears)), v('td', {}, fmt.price(sm.forward)),
        ...['a', 'b', 'rho', 'm', 'sigma'].map((k) => v('td', {}, fmt.plain(Number(sm[k].toPrecision(4))))), v('td', {}, fmt.percent(sm.rmse)),
        v('td', {}, sm.arbitrageFree ? 'Yes' : 'No')))))),
    fit.arbitrage.length ? v('ul', { class: 'warn' }, ...fit.arbitrage.map((x) => v('li', {}, `${ARBITRAGE[x.kind] || x.kind}: expiry ${fmt.plain(x.expiryYears)}, strikes ${fmt.price(x.fromStrike)} to ${fmt.price(x.toStrike)}`))) : null]);
  $('acct-smile-chart').replaceChildren(svgOf(svg));
}

