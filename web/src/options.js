// SPDX-License-Identifier: MIT
// The options account (scenario version 2): an account form with futures and option rows and an
// optional volatility surface, and what marginlab-full.js's evaluateOptions, optionsSweep and
// portfolioMargin return: each option's Black-76 mark, greeks and Deribit margin, the account
// (cross) now, later and at +-10 vol points with every liquidation price, each position isolated
// beside it, a chart of equity against maintenance, and the portfolio-margin stress grid as a
// heat map. Every number comes from the core; this file parses what people type and lays the
// answers out. Its chunk (and marginlab-full.js) load only when the options account is opened.
import uPlot from 'uplot';
import { h, clear } from './dom.js';
import * as fmt from './format.js';
import { fieldText, numberReader, parseNumber } from './fields.js';

export const MAX_ROWS = 50;          // option and futures rows together, as the page's 50 positions
export const MAX_SURFACE = [24, 40]; // expiries x strikes the editor keeps
const DEFAULT_DAYS = 7;
const CHART_POINTS = 400;

let host = null;   // what main.js lends: see openOptions
let lab = null;    // marginlab-full.js's API
let defaults = null;
const state = {
  form: null,      // every field's text as typed
  result: null,    // the last evaluateOptions without errors
  pm: null,        // its portfolioMargin
  scenario: null,  // the scenario (and request) they were computed from
  request: null,
  stale: false,
  open: new Set(), // keys of the open "show the math" panels
  frame: 0,
  linkTimer: 0,
};
let plot = null;

// ---------------------------------------------------------------------------------------------
// Form state: texts as typed.

const text = fieldText;

const isObject = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);
const pick = (x, allowed) => (allowed.includes(x) ? x : allowed[0]);

/** Scenario (v2) + the link's request -> form texts, and the notes of what was changed on the way. */
export function formFromScenario(s, request = {}) {
  const notes = [];
  const quoted = (x) => JSON.stringify(text(x).slice(0, 40));
  const options = Array.isArray(s.options) ? s.options : [];
  const futures = Array.isArray(s.futures) ? s.futures : [];
  if (s.options !== undefined && !Array.isArray(s.options)) notes.push('options is not a list; it is ignored.');
  if (s.futures !== undefined && !Array.isArray(s.futures)) notes.push('futures is not a list; it is ignored.');
  if (s.settlement !== undefined && !['inverse', 'linear'].includes(s.settlement)) notes.push(`settlement (${quoted(s.settlement)}) is not inverse or linear; inverse is used.`);
  const rows = [];
  futures.forEach((f, i) => {
    const g = isObject(f) ? f : {};
    if (g.side !== undefined && !['long', 'short'].includes(g.side)) notes.push(`futures[${i}].side (${quoted(g.side)}) is not long or short; long is used.`);
    rows.push({ kind: 'future', symbol: text(g.symbol), side: pick(g.side, ['long', 'short']), quantity: text(g.quantity),
      entryPrice: text(g.entryPrice), contractSize: text(g.contractSize ?? 1), strike: '', expiry: '', premium: '', volatility: '' });
  });
  options.forEach((o, i) => {
    const g = isObject(o) ? o : {};
    if (g.type !== undefined && !['call', 'put'].includes(g.type)) notes.push(`options[${i}].type (${quoted(g.type)}) is not call or put; call is used.`);
    if (g.side !== undefined && !['long', 'short'].includes(g.side)) notes.push(`options[${i}].side (${quoted(g.side)}) is not long or short; long is used.`);
    rows.push({ kind: pick(g.type, ['call', 'put']), symbol: text(g.symbol), side: pick(g.side, ['long', 'short']), quantity: text(g.quantity),
      strike: text(g.strike), expiry: g.expiryDate !== undefined ? text(g.expiryDate) : text(g.expiryYears),
      premium: text(g.premium), volatility: text(g.volatility, 100), entryPrice: '', contractSize: '1' });
  });
  if (!rows.length) notes.push('The options account in the link holds no options or futures.');
  if (rows.length > MAX_ROWS) notes.push(`The link holds ${rows.length} futures and options; this page edits at most ${MAX_ROWS}, so it keeps the first ${MAX_ROWS}.`);
  let surface = null;
  if (s.volSurface !== undefined) {
    const v = isObject(s.volSurface) ? s.volSurface : {};
    const list = (x) => (Array.isArray(x) ? x : []);
    const expiries = list(v.expiries), strikes = list(v.strikes), vols = list(v.vols);
    if (!isObject(s.volSurface)) notes.push('volSurface is not a table; an empty one is shown.');
    if (expiries.length > MAX_SURFACE[0] || strikes.length > MAX_SURFACE[1]) {
      notes.push(`The volatility surface is larger than ${MAX_SURFACE[0]} expiries x ${MAX_SURFACE[1]} strikes; this page keeps that much of it.`);
    }
    const ne = Math.min(MAX_SURFACE[0], Math.max(expiries.length, vols.length)), ns = Math.min(MAX_SURFACE[1], strikes.length);
    surface = {
      expiries: Array.from({ length: ne }, (_, i) => text(expiries[i])),
      strikes: Array.from({ length: ns }, (_, j) => text(strikes[j])),
      vols: Array.from({ length: ne }, (_, i) => Array.from({ length: ns }, (_, j) => text(list(vols[i])[j], 100))),
    };
  }
  const days = isObject(request) && request.days !== undefined ? text(request.days) : String(DEFAULT_DAYS);
  return {
    form: {
      underlying: text(s.underlying ?? 'BTC'), settlement: pick(s.settlement, ['inverse', 'linear']),
      walletBalance: text(s.walletBalance), underlyingPrice: text(s.underlyingPrice), valuationDate: text(s.valuationDate),
      interestRate: text(s.interestRate, 100), futuresSizeRate: text(s.futuresSizeRate, 100),
      volDynamics: pick(s.volDynamics, ['stickyStrike', 'stickyMoneyness']),
      rows: rows.slice(0, MAX_ROWS), surface, days,
    },
    notes: notes.length > 4 ? [...notes.slice(0, 3), `(and ${notes.length - 3} more changes like these)`] : notes,
  };
}


const DATE = /^\d{4}-\d\d-\d\d/;

/** Form texts -> { scenario, request, local } where local maps a path to a syntax message. */
export function scenarioFromForm(form) {
  const local = {};
  const num = numberReader(local);  // percentages: per = 100
  const s = { version: 2, underlying: form.underlying.trim(), settlement: form.settlement };
  const set = (obj, key, value) => { if (value !== undefined) obj[key] = value; };
  set(s, 'walletBalance', num(form.walletBalance, 'walletBalance', true));
  set(s, 'underlyingPrice', num(form.underlyingPrice, 'underlyingPrice', true));
  if (form.valuationDate.trim()) s.valuationDate = form.valuationDate.trim();
  set(s, 'interestRate', num(form.interestRate, 'interestRate', false, 100));
  set(s, 'futuresSizeRate', num(form.futuresSizeRate, 'futuresSizeRate', false, 100));
  s.futures = [];
  s.options = [];
  for (const r of form.rows) {
    if (r.kind === 'future') {
      const at = `futures[${s.futures.length}].`;
      const f = { contract: form.settlement, side: r.side };
      if (r.symbol.trim()) f.symbol = r.symbol.trim();
      set(f, 'contractSize', num(r.contractSize, at + 'contractSize', true));
      set(f, 'quantity', num(r.quantity, at + 'quantity', true));
      set(f, 'entryPrice', num(r.entryPrice, at + 'entryPrice', true));
      s.futures.push(f);
    } else {
      const at = `options[${s.options.length}].`;
      const o = { type: r.kind, side: r.side };
      if (r.symbol.trim()) o.symbol = r.symbol.trim();
      set(o, 'strike', num(r.strike, at + 'strike', true));
      const e = r.expiry.trim();
      if (DATE.test(e)) o.expiryDate = e;
      else if (e === '') local[at + 'expiryYears'] = 'Required: a date (2026-03-27) or years (0.25).';
      else set(o, 'expiryYears', num(e, at + 'expiryYears', true));
      set(o, 'quantity', num(r.quantity, at + 'quantity', true));
      set(o, 'premium', num(r.premium, at + 'premium', true));
      set(o, 'volatility', num(r.volatility, at + 'volatility', false, 100));
      s.options.push(o);
    }
  }
  if (form.surface) {
    const v = form.surface;
    s.volSurface = {
      expiries: v.expiries.map((t, i) => num(t, `volSurface.expiries[${i}]`, true)),
      strikes: v.strikes.map((t, j) => num(t, `volSurface.strikes[${j}]`, true)),
      vols: v.vols.map((row, i) => row.map((t, j) => num(t, `volSurface.vols[${i}][${j}]`, true, 100))),
    };
  }
  if (form.volDynamics !== 'stickyStrike') s.volDynamics = form.volDynamics;
  const request = {};
  set(request, 'days', num(form.days, 'request.days', false));
  return { scenario: s, request, local };
}

// ---------------------------------------------------------------------------------------------
// Opening and closing.

const $ = (id) => document.getElementById(id);

/**
 * Opens the options account in `root`. `api` lends: getFullLab() -> the lab, loadModule() -> the
 * marginlab-full.js module (for defaultOptionsScenario), encode(object) -> fragment text,
 * setFragment(text), notice(text), inlineStyles (options.css is in the page already).
 * `link`: { scenario, request } from a version 2 link, or null for the example.
 */
export async function openOptions(root, api, link = null) {
  host = api;
  root.hidden = false;
  if (!lab) {
    root.replaceChildren(h('p', { 'data-loading': '' }, 'Loading the options account…'));
    const [full, mod] = await Promise.all([api.getFullLab(), api.loadModule(), api.inlineStyles ? null : loadStyles()]);
    if (typeof full.evaluateOptions !== 'function' || !mod.defaultOptionsScenario) {
      root.replaceChildren(h('p', { class: 'warn', role: 'alert' }, 'This build of MarginLab has no options account.'));
      return;
    }
    lab = full;
    defaults = mod.defaultOptionsScenario;
    if (host !== api) return;  // closed while it loaded
  }
  load(link || { scenario: defaults, request: {} });
}

/** options.css, next to this chunk. */
function loadStyles() {
  if (document.querySelector('link[data-options-css]')) return Promise.resolve();
  return new Promise((resolve) => {
    const link = h('link', { rel: 'stylesheet', href: new URL('./options.css', import.meta.url).href, 'data-options-css': '' });
    link.addEventListener('load', resolve);
    link.addEventListener('error', resolve);  // unstyled beats nothing
    document.head.append(link);
  });
}

/** Loads a scenario into the form and evaluates it; a link's notes are said in the notice. */
export function load({ scenario, request }) {
  const { form, notes } = formFromScenario(scenario, request);
  state.form = form;
  state.result = state.pm = state.scenario = null;
  state.open.clear();
  host.notice(notes.join(' '));
  renderAll();
}

export function reset() {
  load({ scenario: defaults, request: {} });
}

export function closeOptions(root) {
  clearTimeout(state.linkTimer);
  cancelAnimationFrame(state.frame);
  if (plot) plot.destroy();
  plot = null;
  root.hidden = true;
  clear(root);
  host = null;
}

/** What a link to the account on screen holds: the scenario and the request (the later view's horizon). */
export function linkObject() {
  if (!state.scenario) return null;
  return { ...state.scenario, request: state.request };
}

/** Writes the link now (Copy link). */
export async function writeLink() {
  const obj = linkObject();
  const api = host;
  if (!obj || !api) return;
  const text = await api.encode(obj);
  if (host === api) api.setFragment(text);
}

// ---------------------------------------------------------------------------------------------
// Inputs.

function fieldId(path) {
  return 'o-' + path.replace(/[^A-Za-z0-9]/g, '-');
}

function errorSlot(path) {
  return h('p', { class: 'error', id: fieldId(path) + '-err', 'data-opt-error-for': path, role: 'status' });
}

function input(path, value, onInput, { label = null, placeholder = null, mode = 'decimal' } = {}) {
  const el = h('input', { id: fieldId(path), type: 'text', inputmode: mode, autocomplete: 'off', spellcheck: 'false', value,
    'data-opt-path': path, 'aria-describedby': fieldId(path) + '-err', 'aria-label': label, placeholder });
  el.addEventListener('input', () => { onInput(el.value); typed(); });
  return el;
}

function field(label, path, value, onInput, { unit = '', hint = '', mode } = {}) {
  return h('div', { class: 'field' },
    h('label', { for: fieldId(path) }, label, unit ? h('span', { class: 'unit' }, ` (${unit})`) : null),
    input(path, value, onInput, { mode }),
    hint ? h('small', { class: 'hint' }, hint) : null,
    errorSlot(path));
}

function select(label, path, value, choices, onChange, { bare = false } = {}) {
  const el = h('select', { id: fieldId(path), 'data-opt-path': path, 'aria-label': bare ? label : null },
    ...choices.map(([v, t]) => h('option', { value: v }, t)));
  el.value = value;
  el.addEventListener('change', () => onChange(el.value));
  if (bare) return el;
  return h('div', { class: 'field' }, h('label', { for: fieldId(path) }, label), el, errorSlot(path));
}

function settlementUnit(form) {
  return form.settlement === 'inverse' ? (form.underlying.trim().toUpperCase().slice(0, 12) || 'coin') : 'quote';
}

function renderAll() {
  const root = $('options');
  cancelAnimationFrame(state.frame);
  if (plot) plot.destroy();
  plot = null;
  root.replaceChildren(
    h('h2', { id: 'options-title' }, 'Options account'),
    h('p', { class: 'hint' }, 'Options and futures on one underlying in one account, Deribit standard margin, priced with Black-76. ' +
      'The account (cross) and each position alone (isolated) side by side; portfolio margin as a stress grid.'),
    h('form', { id: 'opt-inputs', class: 'opt-inputs', novalidate: '', 'aria-label': 'Options account inputs' }),
    h('section', { id: 'opt-results', class: 'opt-results', 'aria-labelledby': 'opt-results-title' },
      h('h2', { id: 'opt-results-title' }, 'Results'),
      h('p', { id: 'opt-status', class: 'status', role: 'status' }),
      h('p', { id: 'opt-stale', class: 'stale-note', hidden: '' }, 'These results are for the last valid account; fix the marked fields to update them.'),
      h('ul', { id: 'opt-general', class: 'general-errors' }),
      h('div', { id: 'opt-out' })),
    h('section', { class: 'chart-section', 'aria-labelledby': 'opt-chart-title' },
      h('h2', { id: 'opt-chart-title' }, 'Equity and maintenance against the underlying'),
      h('div', { id: 'opt-chart', class: 'chart', role: 'img', 'aria-describedby': 'opt-chart-summary' }),
      h('p', { id: 'opt-chart-summary', class: 'chart-summary' })),
    h('section', { class: 'opt-heat', 'aria-labelledby': 'opt-heat-title' },
      h('h2', { id: 'opt-heat-title' }, 'Portfolio margin: stress grid'),
      h('div', { id: 'opt-heat-out' })));
  renderInputs();
  update();
}

function renderInputs() {
  const form = state.form;
  const root = $('opt-inputs');
  clear(root);
  const unit = settlementUnit(form);
  root.append(
    h('h3', {}, 'Account'),
    h('div', { class: 'grid opt-account' },
      field('Underlying', 'underlying', form.underlying, (v) => { form.underlying = v; }, { mode: 'text' }),
      select('Settlement', 'settlement', form.settlement, [['inverse', 'Inverse (coin)'], ['linear', 'Linear (quote)']],
        (v) => { form.settlement = v; renderInputs(); update(); }),
      field('Wallet balance', 'walletBalance', form.walletBalance, (v) => { form.walletBalance = v; }, { unit }),
      field('Underlying price', 'underlyingPrice', form.underlyingPrice, (v) => { form.underlyingPrice = v; }, { unit: 'quote' }),
      field('Valuation date', 'valuationDate', form.valuationDate, (v) => { form.valuationDate = v; },
        { hint: 'YYYY-MM-DD; needed by expiry dates.', mode: 'text' }),
      field('Interest rate', 'interestRate', form.interestRate, (v) => { form.interestRate = v; }, { unit: '% a year' }),
      field('Futures size rate', 'futuresSizeRate', form.futuresSizeRate, (v) => { form.futuresSizeRate = v; },
        { unit: '% per coin', hint: 'Blank: Deribit\'s for BTC, ETH.' }),
      laterField(form)),
    h('h3', {}, 'Positions'),
    rowsTable(form, unit),
    h('div', { class: 'row-actions' },
      addButton('opt-add-call', '+ Option', { kind: 'call', side: 'long', quantity: '1', strike: '', expiry: '', premium: '', volatility: '', symbol: '', entryPrice: '', contractSize: '1' }),
      addButton('opt-add-future', '+ Future', { kind: 'future', side: 'long', quantity: '', entryPrice: form.underlyingPrice, contractSize: form.settlement === 'inverse' ? '10' : '1', symbol: '', strike: '', expiry: '', premium: '', volatility: '' })),
    h('p', { class: 'error', 'data-opt-error-for': 'options', role: 'status' }),
    h('p', { class: 'error', 'data-opt-error-for': 'futures', role: 'status' }),
    surfaceEditor(form));
}

/** The later view's horizon, with a button that sets it to the last expiry the core reports. */
function laterField(form) {
  const f = field('Later view', 'request.days', form.days, (v) => { form.days = v; },
    { unit: 'days after valuation', hint: 'Expired options pay their intrinsic value.' });
  const b = h('button', { type: 'button', id: 'opt-at-expiry' }, 'At the last expiry');
  b.addEventListener('click', () => {
    const days = state.result ? state.result.lastExpiryDays : null;
    if (days === null) {
      $('opt-status').textContent = state.result ? 'No option in the account: nothing expires.' : 'Fix the marked fields first.';
      return;
    }
    form.days = String(days);  // exactly the core's horizon: every option at its intrinsic value
    $(fieldId('request.days')).value = form.days;
    update();
  });
  f.insertBefore(b, f.querySelector('.error'));
  return f;
}

/** Adds a copy of the last row of its kind (an option or a future), or `row` when there is none. */
function addButton(id, label, row) {
  const b = h('button', { type: 'button', id, disabled: state.form.rows.length >= MAX_ROWS ? '' : null }, label);
  b.addEventListener('click', () => {
    const last = state.form.rows.filter((r) => (r.kind === 'future') === (row.kind === 'future')).pop();
    state.form.rows.push({ ...(last || row) });
    renderInputs();
    update();
    const rows = document.querySelectorAll('#opt-rows tbody tr');
    rows[rows.length - 1]?.querySelector('input')?.focus();
  });
  return b;
}

const COLUMNS = ['Kind', 'Side', 'Quantity', 'Strike', 'Expiry', 'Premium', 'Volatility', 'Entry price', 'Contract size', 'Label', ''];

function rowsTable(form, unit) {
  const tbody = h('tbody');
  let nf = 0, no = 0;
  form.rows.forEach((r, k) => {
    const future = r.kind === 'future';
    const base = future ? `futures[${nf++}]` : `options[${no++}]`;
    const set = (key) => (v) => { r[key] = v; };
    const cell = (label, path, key, opts = {}) => h('td', { 'data-label': label },
      input(`${base}.${path}`, r[key], set(key), { label: `${label}, row ${k + 1}`, ...opts }), errorSlot(`${base}.${path}`));
    // The expiry is a date (expiryDate) or years (expiryYears): the field's path follows what is typed.
    const expiryPath = (t) => `${base}.${DATE.test(t.trim()) || t.trim() === '' ? 'expiryDate' : 'expiryYears'}`;
    const expiry = () => {
      const el = input(expiryPath(r.expiry), r.expiry, (v) => { r.expiry = v; el.setAttribute('data-opt-path', expiryPath(v)); },
        { label: `Expiry, row ${k + 1}`, placeholder: 'date or years', mode: 'text' });
      el.id = fieldId(`${base}.expiry`);
      el.setAttribute('aria-describedby', `${fieldId(`${base}.expiryDate`)}-err ${fieldId(`${base}.expiryYears`)}-err`);
      return h('td', { 'data-label': 'Expiry' }, el, errorSlot(`${base}.expiryDate`), errorSlot(`${base}.expiryYears`));
    };
    const none = (label) => h('td', { 'data-label': label, class: 'na' }, '—');
    const kind = select(`Kind, row ${k + 1}`, `${base}.type`, r.kind, [['call', 'Call'], ['put', 'Put'], ['future', 'Future']],
      (v) => { r.kind = v; renderInputs(); update(); }, { bare: true });
    const side = select(`Side, row ${k + 1}`, `${base}.side`, r.side, [['long', 'Long'], ['short', 'Short']],
      (v) => { r.side = v; update(); }, { bare: true });
    const remove = h('button', { type: 'button', class: 'remove', 'aria-label': `Remove row ${k + 1}` }, 'Remove');
    remove.addEventListener('click', () => { form.rows.splice(k, 1); renderInputs(); update(); });
    tbody.append(h('tr', { 'data-row': String(k), 'data-kind': r.kind, 'data-base': base },
      h('td', { 'data-label': 'Kind' }, kind, errorSlot(`${base}.type`)),
      h('td', { 'data-label': 'Side' }, side, errorSlot(`${base}.side`)),
      cell(future ? 'Quantity (contracts)' : 'Quantity (coins)', 'quantity', 'quantity'),
      future ? none('Strike') : cell('Strike', 'strike', 'strike'),
      future ? none('Expiry') : expiry(),
      future ? none('Premium') : cell(`Premium (${unit})`, 'premium', 'premium'),
      future ? none('Volatility') : cell('Volatility (%)', 'volatility', 'volatility', { placeholder: 'from surface' }),
      future ? cell('Entry price', 'entryPrice', 'entryPrice') : none('Entry price'),
      future ? cell('Contract size', 'contractSize', 'contractSize') : none('Contract size'),
      cell('Label', 'symbol', 'symbol', { mode: 'text' }),
      h('td', { 'data-label': '' }, remove, errorSlot(base))));
  });
  const head = h('tr', {}, ...COLUMNS.map((c, i) => h('th', { scope: 'col' }, c,
    i === 5 ? h('span', { class: 'unit' }, ` (${unit}, per coin)`) : i === 6 ? h('span', { class: 'unit' }, ' (%)') : null)));
  return h('div', { class: 'table-wrap' }, h('table', { id: 'opt-rows', class: 'opt-rows cards' },
    h('caption', {}, 'Options: quantity in coins, expiry a date (needs the valuation date) or years; a blank volatility is read from the surface. Futures are marked at the underlying price.'),
    h('thead', {}, head), tbody));
}

function surfaceEditor(form) {
  const details = h('details', { class: 'tier-editor opt-surface', open: form.surface ? '' : null },
    h('summary', {}, form.surface ? 'Volatility surface' : 'Volatility surface (none)'));
  if (!form.surface) {
    const add = h('button', { type: 'button', id: 'opt-surface-add' }, 'Add a surface');
    add.addEventListener('click', () => {
      // The options' own strikes (or the underlying price) as the columns, to be filled in.
      const strikes = [...new Set(form.rows.filter((r) => r.kind !== 'future').map((r) => parseNumber(r.strike)))]
        .filter((x) => x > 0).sort((a, b) => a - b).slice(0, 8).map((x) => fmt.plain(x));
      if (!strikes.length) strikes.push(form.underlyingPrice);
      form.surface = { expiries: ['0.1', '0.5'], strikes, vols: [strikes.map(() => '60'), strikes.map(() => '60')] };
      renderInputs();
      update();
    });
    details.append(h('p', { class: 'hint' }, 'Options without a volatility read it here: expiries (years) x strikes, linear in variance across expiries and in volatility across ln K.'),
      h('div', { class: 'row-actions' }, add), h('p', { class: 'error', 'data-opt-error-for': 'volSurface', role: 'status' }));
    return details;
  }
  const v = form.surface;
  const table = h('table', { class: 'tiers opt-surface-table' },
    h('caption', {}, 'Volatility (%) by expiry (years, rows) and strike (columns).'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Expiry \\ strike'),
      ...v.strikes.map((t, j) => h('th', { scope: 'col' }, input(`volSurface.strikes[${j}]`, t, (x) => { v.strikes[j] = x; }, { label: `Strike ${j + 1}` }),
        errorSlot(`volSurface.strikes[${j}]`))))),
    h('tbody', {}, ...v.expiries.map((t, i) => h('tr', {},
      h('th', { scope: 'row' }, input(`volSurface.expiries[${i}]`, t, (x) => { v.expiries[i] = x; }, { label: `Expiry ${i + 1}` }),
        errorSlot(`volSurface.expiries[${i}]`)),
      ...v.strikes.map((_, j) => h('td', {}, input(`volSurface.vols[${i}][${j}]`, v.vols[i][j], (x) => { v.vols[i][j] = x; },
        { label: `Volatility at expiry ${i + 1}, strike ${j + 1}` }), errorSlot(`volSurface.vols[${i}][${j}]`)))))));
  const button = (label, id, fn, disabled = false) => {
    const b = h('button', { type: 'button', id, disabled: disabled ? '' : null }, label);
    b.addEventListener('click', () => { fn(); renderInputs(); update(); });
    return b;
  };
  details.append(h('div', { class: 'table-wrap' }, table),
    h('p', { class: 'error', 'data-opt-error-for': 'volSurface', role: 'status' }),
    h('p', { class: 'error', 'data-opt-error-for': 'volSurface.vols', role: 'status' }),
    h('div', { class: 'grid opt-dynamics' }, select('Volatility as the price moves', 'volDynamics', form.volDynamics,
      [['stickyStrike', 'Sticky strike'], ['stickyMoneyness', 'Sticky moneyness']], (x) => { form.volDynamics = x; update(); })),
    h('div', { class: 'row-actions' },
      button('+ Expiry', 'opt-surface-row', () => { v.expiries.push(''); v.vols.push(v.strikes.map(() => '')); }, v.expiries.length >= MAX_SURFACE[0]),
      button('+ Strike', 'opt-surface-col', () => { v.strikes.push(''); v.vols.forEach((row) => row.push('')); }, v.strikes.length >= MAX_SURFACE[1]),
      button('− Expiry', 'opt-surface-unrow', () => { v.expiries.pop(); v.vols.pop(); }, v.expiries.length <= 1),
      button('− Strike', 'opt-surface-uncol', () => { v.strikes.pop(); v.vols.forEach((row) => row.pop()); }, v.strikes.length <= 1),
      button('Remove the surface', 'opt-surface-remove', () => { form.surface = null; })));
  return details;
}

// ---------------------------------------------------------------------------------------------
// Errors beside their fields.

function findSlot(path) {
  const root = $('options');
  for (let p = path; p;) {
    const slot = root.querySelector(`[data-opt-error-for="${CSS.escape(p)}"]`);
    if (slot) return slot;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) break;
    p = p.slice(0, cut);
  }
  return null;
}

function showErrors(local, coreErrors) {
  const root = $('options');
  for (const el of root.querySelectorAll('[data-opt-error-for]')) el.textContent = '';
  for (const el of root.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const all = Object.entries(local).map(([path, message]) => ({ path, message }));
  for (const e of coreErrors) if (!local[e.path]) all.push(e);
  const general = $('opt-general');
  clear(general);
  for (const e of all) {
    const slot = findSlot(e.path);
    if (!slot) {
      general.append(h('li', {}, e.path ? `${e.path}: ${e.message}` : e.message));
      continue;
    }
    slot.textContent = slot.textContent ? slot.textContent + ' ' + e.message : e.message;
    const closed = slot.closest('details:not([open])');
    if (closed) closed.open = true;
    const target = root.querySelector(`[data-opt-path="${CSS.escape(e.path)}"]`) ||
      (slot.parentElement && slot.parentElement.querySelector('input, select'));
    if (target) target.setAttribute('aria-invalid', 'true');
  }
  return all.length;
}

// ---------------------------------------------------------------------------------------------
// The update loop: one evaluateOptions and one portfolioMargin per edit.

/**
 * After a keystroke: a small account is evaluated at once; a large one (every row scanned at 4001
 * prices in four views, and again alone) once typing pauses, so keys are not held up.
 */
let typingTimer = 0;
function typed() {
  clearTimeout(typingTimer);
  if (state.form.rows.length <= 8) return update();
  $('opt-status').textContent = 'Computing when you pause…';
  $('opt-status').classList.add('busy');
  typingTimer = setTimeout(update, 300);
}

function update() {
  clearTimeout(typingTimer);
  if (!host) return;
  const { scenario, request, local } = scenarioFromForm(state.form);
  let errors = [];
  if (Object.keys(local).length === 0) {
    const r = lab.evaluateOptions(scenario, request);
    errors = r.errors;
    if (errors.length === 0) {
      const pm = lab.portfolioMargin(scenario);
      errors = pm.errors;
      if (errors.length === 0) {
        state.result = r;
        state.pm = pm;
        state.scenario = scenario;
        state.request = request;
        state.stale = false;
        clearTimeout(state.linkTimer);
        state.linkTimer = setTimeout(writeLink, 150);
      }
    }
  }
  const count = showErrors(local, errors);
  if (count) state.stale = state.result !== null;
  const shown = state.result ? 'the results shown are for the last valid account' : 'fix the marked fields to see results';
  $('opt-status').classList.remove('busy');
  $('opt-status').textContent = count ? `${count} input ${count === 1 ? 'error' : 'errors'}: ${shown}.` : '';
  renderResults();
}

// ---------------------------------------------------------------------------------------------
// Results.

function stepsList(steps) {
  return h('ol', { class: 'steps' }, ...steps.map((s) => h('li', {},
    h('span', { class: 'step-label' }, s.label),
    s.formula ? h('code', { class: 'formula' }, s.formula) : null,
    s.substituted ? h('code', { class: 'substituted' }, s.substituted + (s.value === null || s.value === undefined ? '' : ' = ' + fmt.plain(s.value))) : null)));
}

/** A "Show the math" toggle for a group of numbers; its panel is built when opened and stays open across edits. */
function math(key, steps, label = 'Show the math', name = null) {
  const open = state.open.has(key);
  const id = 'om-' + key.replace(/[^A-Za-z0-9]/g, '-');
  const button = h('button', { type: 'button', class: 'math-toggle', 'aria-expanded': open ? 'true' : 'false', 'aria-controls': id,
    'data-math': key, 'aria-label': name }, label);
  const panel = h('div', { class: 'math', id, hidden: open ? null : '' }, open ? stepsList(steps) : null);
  button.addEventListener('click', () => {
    const now = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', now ? 'true' : 'false');
    if (now && !panel.firstChild) panel.append(stepsList(steps));
    panel.hidden = !now;
    if (now) state.open.add(key); else state.open.delete(key);
  });
  return [button, panel];
}

function metric(key, label, value, note = '') {
  return h('div', { class: 'metric', 'data-metric': key }, h('dt', {}, label, note ? h('small', {}, ' ' + note) : null),
    h('dd', {}, h('span', { class: 'num' }, value)));
}

function directionText(list) {
  return list.map((c) => `${c.liquidatedBelow ? 'below' : 'above'} ${fmt.price(c.price)}`).join(' and ');
}

/**
 * The account (cross) in every view as one table: a column per view (now, later, each volatility
 * shift), a row per number; each liquidation price with its direction. The steps of each view open
 * under the table.
 */
function accountTable(views, coin, unit) {
  const amt = (x) => fmt.amount(x, coin);
  const maths = views.map(([key, v]) => math(key, v.steps, 'Show', `Show the math: the account, ${shortTitle(v)}`));
  const row = (label, field, value) => h('tr', {}, h('th', { scope: 'row' }, label),
    ...views.map(([key, v]) => h('td', { 'data-label': shortTitle(v), 'data-metric': `${key}:${field}` }, h('span', { class: 'num' }, value(v)))));
  const lps = (key, v) => {
    // No crossing: equity is on one side of maintenance over the whole scan, as at its ends.
    const note = everywhere(v) ? 'at every scanned price' : 'none in the scanned range';
    return v.liquidationPrices.length
      ? h('ul', { class: 'lps' }, ...v.liquidationPrices.map((c, k) => lpItem(`${key}:lp:${k}`, c)))
      : h('span', { class: 'hint', 'data-metric': `${key}:lp:none` }, note);
  };
  const table = h('table', { class: 'opt-views', id: 'opt-views' },
    h('caption', {}, 'The whole wallet backs every position: at the valuation date, later, and with every volatility shifted.'),
    h('thead', {}, h('tr', {}, h('td', {}), ...views.map(([key, v]) => h('th', { scope: 'col', 'data-view': key }, shortTitle(v),
      v.liquidated ? h('small', { class: 'warn' }, ' liquidated at the index') : null)))),
    h('tbody', {},
      row(`Equity (${unit})`, 'equity', (v) => amt(v.equity)),
      row(`Initial margin (${unit})`, 'initialMargin', (v) => amt(v.initialMargin)),
      row(`Maintenance margin (${unit})`, 'maintenanceMargin', (v) => amt(v.maintenanceMargin)),
      row(`Available (${unit})`, 'availableBalance', (v) => amt(v.availableBalance)),
      row('Margin ratio', 'marginRatio', (v) => (v.marginRatio === null ? '—' : fmt.percent(v.marginRatio))),
      row(`Most it can lose (${unit})`, 'maxLoss', (v) => amt(v.maxLoss)),
      h('tr', { class: 'lp-row' }, h('th', { scope: 'row' }, 'Liquidates'),
        ...views.map(([key, v]) => h('td', { 'data-label': shortTitle(v) }, lps(key, v)))),
      h('tr', { class: 'math-buttons' }, h('th', { scope: 'row' }, 'The math'),
        ...maths.map(([button], i) => h('td', { 'data-label': shortTitle(views[i][1]) }, button)))));
  return [h('div', { class: 'table-wrap' }, table), ...maths.map(([, panel]) => panel)];
}

/** No liquidation price, and equity below maintenance at both ends of the scan (so at every scanned price). */
const everywhere = (v) => !v.liquidationPrices.length && v.liquidatedAtScanLow && v.liquidatedAtScanHigh;

/** One liquidation price: its direction and the price. */
function lpItem(key, c, note = '') {
  return h('li', { 'data-metric': key, 'data-direction': c.liquidatedBelow ? 'below' : 'above' },
    `${c.liquidatedBelow ? 'below' : 'above'} `, h('span', { class: 'num' }, fmt.price(c.price)), note ? h('small', {}, ` ${note}`) : null);
}

function shortTitle(v) {
  if (v.volShift) return `Vol ${v.volShift > 0 ? '+' : '−'}${fmt.plain(Math.abs(v.volShift) * 100)} pts`;
  return v.days ? `In ${fmt.plain(v.days)} days` : 'Now';
}

function positionName(scenario, base) {
  const [, kind, i] = /^(options|futures)\[(\d+)\]$/.exec(base);
  const p = scenario[kind][Number(i)];
  const label = p.symbol ? `${p.symbol}: ` : '';
  if (kind === 'futures') return `${label}${p.side} ${fmt.plain(p.quantity)} future${p.quantity === 1 ? '' : 's'} @ ${fmt.price(p.entryPrice)}`;
  return `${label}${p.side} ${fmt.plain(p.quantity)} ${p.type} ${fmt.price(p.strike)}`;
}

function isolatedCard(key, iso, name, coin, unit, laterTitle, longOption) {
  const amt = (x) => fmt.amount(x, coin);
  const [button, panel] = math(key, iso.steps);
  const lps = (when, list, title) => h('div', { class: 'metric' }, h('dt', {}, `Liquidates ${title}`),
    h('dd', {}, list.length ? h('ul', { class: 'lps' }, ...list.map((c, k) => lpItem(`${key}:${when}:lp:${k}`, c)))
      : h('span', { class: 'hint', 'data-metric': `${key}:${when}:lp:none` }, longOption ? 'never (long option)' : 'none in the scanned range')));
  return h('article', { class: 'position-result opt-iso', 'data-iso': key },
    h('h4', {}, name),
    h('dl', {},
      metric(`${key}:postedMargin`, `Posted margin (${unit})`, amt(iso.postedMargin)),
      metric(`${key}:maxLoss`, `Most it can lose (${unit})`, amt(iso.maxLoss)),
      lps('now', iso.now.liquidationPrices, 'now'),
      laterTitle && !longOption ? lps('later', iso.later.liquidationPrices, laterTitle) : null),
    button, panel);
}

function valuationTable(r, scenario, coin, unit) {
  const amt = (x) => fmt.amount(x, coin);
  const sig = (x) => fmt.plain(Number(x.toPrecision(6)));
  const rows = [];
  r.options.forEach((o, i) => {
    const key = `opt:options[${i}]`;
    const [button, panel] = math(key, o.steps, 'Black-76 and margin');
    rows.push(h('tr', { 'data-option': String(i) },
      h('th', { scope: 'row', 'data-label': 'Option' }, positionName(scenario, `options[${i}]`)),
      h('td', { 'data-label': 'Volatility' }, fmt.percent(o.volatility), o.volatilityFromSurface ? h('small', { class: 'unit' }, ' surface') : null),
      h('td', { 'data-label': 'Years' }, sig(o.years)),
      h('td', { 'data-label': 'Forward' }, fmt.price(o.forward)),
      h('td', { 'data-label': `Mark (${unit})`, 'data-field': 'markPrice' }, amt(o.markPrice)),
      h('td', { 'data-label': 'Delta' }, sig(o.greeks.delta)),
      h('td', { 'data-label': 'Gamma' }, sig(o.greeks.gamma)),
      h('td', { 'data-label': 'Vega' }, sig(o.greeks.vega)),
      h('td', { 'data-label': 'Theta' }, sig(o.greeks.theta)),
      h('td', { 'data-label': `PnL (${unit})` }, amt(o.unrealizedPnl)),
      h('td', { 'data-label': `IM (${unit})`, 'data-field': 'initialMargin' }, amt(o.initialMargin)),
      h('td', { 'data-label': `MM (${unit})`, 'data-field': 'maintenanceMargin' }, amt(o.maintenanceMargin)),
      h('td', { 'data-label': '' }, button)));
    rows.push(h('tr', { class: 'math-row', hidden: panel.hidden ? '' : null }, h('td', { colspan: '13' }, panel)));
    button.addEventListener('click', () => { panel.parentElement.parentElement.hidden = panel.hidden; });
  });
  r.futures.forEach((f, i) => {
    const key = `opt:futures[${i}]`;
    const [button, panel] = math(key, f.steps, 'Margin');
    rows.push(h('tr', { 'data-future': String(i) },
      h('th', { scope: 'row', 'data-label': 'Future' }, positionName(scenario, `futures[${i}]`)),
      h('td', { 'data-label': 'Size (coin)', colspan: '8', class: 'span' }, `${sig(f.sizeCoin)} coin; IM rate ${fmt.percent(f.initialMarginRate)}, MM rate ${fmt.percent(f.maintenanceMarginRate)}`),
      h('td', { 'data-label': `PnL (${unit})` }, amt(f.unrealizedPnl)),
      h('td', { 'data-label': `IM (${unit})` }, amt(f.initialMargin)),
      h('td', { 'data-label': `MM (${unit})` }, amt(f.maintenanceMargin)),
      h('td', { 'data-label': '' }, button)));
    rows.push(h('tr', { class: 'math-row', hidden: panel.hidden ? '' : null }, h('td', { colspan: '13' }, panel)));
    button.addEventListener('click', () => { panel.parentElement.parentElement.hidden = panel.hidden; });
  });
  const head = ['Position', 'Volatility', 'Years', 'Forward', `Mark (${unit})`, 'Delta', 'Gamma', 'Vega', 'Theta',
    `PnL (${unit})`, `IM (${unit})`, `MM (${unit})`, ''];
  return h('div', { class: 'table-wrap' }, h('table', { class: 'grid-table opt-values cards', id: 'opt-values' },
    h('caption', {}, `Each position at the valuation date. Greeks per coin in quote, on the forward: vega per 1.00 of volatility, theta per year. Margins: Deribit standard, in ${unit}.`),
    h('thead', {}, h('tr', {}, ...head.map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, ...rows)));
}

function renderResults() {
  const root = $('opt-results');
  root.classList.toggle('stale', state.stale);
  $('opt-stale').hidden = !state.stale;
  const r = state.result;
  if (!r) return;
  const scenario = state.scenario, request = state.request;
  const coin = scenario.settlement === 'inverse';
  const unit = coin ? (scenario.underlying.toUpperCase().slice(0, 12) || 'coin') : 'quote';
  const laterTitle = r.later.days ? `in ${fmt.plain(r.later.days)} days` : '';
  const bases = [...r.futures.map((_, i) => `futures[${i}]`), ...r.options.map((_, i) => `options[${i}]`)];
  const isoOf = (base) => (base.startsWith('f') ? r.isolated.futures : r.isolated.options)[Number(/\d+/.exec(base)[0])];

  const verdict = h('ul', { class: 'verdict', id: 'opt-verdict' });
  const say = (when, v) => (v.liquidationPrices.length
    ? `The account (cross) ${when} liquidates ${directionText(v.liquidationPrices)}.`
    : everywhere(v) ? `The account (cross) ${when} is below maintenance at every scanned price (${fmt.price(r.scanLowPrice)} to ${fmt.price(r.scanHighPrice)}).`
      : `No price from ${fmt.price(r.scanLowPrice)} to ${fmt.price(r.scanHighPrice)} liquidates the account (cross) ${when}.`);
  verdict.append(h('li', {}, say('now', r.now)));
  if (r.later.days) verdict.append(h('li', {}, say(laterTitle, r.later)));
  verdict.append(h('li', {}, 'Isolated, each position stands on the margin it posts and can lose at most that (a long option its premium); ' +
    `cross puts the whole ${fmt.amount(r.now.maxLoss, coin)} ${unit} of equity at risk.`));

  const cross = h('section', { class: 'outcome', 'data-mode': 'cross', 'aria-labelledby': 'opt-h-cross' },
    h('h3', { id: 'opt-h-cross' }, 'Cross: the account'),
    ...accountTable([['cross:now', r.now], ...(r.later.days ? [['cross:later', r.later]] : []),
      ...r.volShifted.map((v, k) => [`cross:vol${k}`, v])], coin, unit));
  const isolated = h('section', { class: 'outcome', 'data-mode': 'isolated', 'aria-labelledby': 'opt-h-iso' },
    h('h3', { id: 'opt-h-iso' }, 'Isolated: each position alone'),
    ...bases.map((b) => isolatedCard(`iso:${b}`, isoOf(b), positionName(scenario, b), coin, unit, laterTitle,
      b.startsWith('o') && scenario.options[Number(/\d+/.exec(b)[0])].side === 'long')));

  const [button, panel] = math('opt:account', r.steps, 'How the account is valued');
  $('opt-out').replaceChildren(verdict,
    h('div', { class: 'columns opt-columns' }, cross, isolated),
    h('h3', {}, 'Positions'),
    valuationTable(r, scenario, coin, unit),
    r.steps && r.steps.length ? h('div', { class: 'opt-account-math' }, button, panel) : null);

  renderHeat(state.pm, coin, unit);
  cancelAnimationFrame(state.frame);
  state.frame = requestAnimationFrame(() => renderChart(r, scenario, request, coin, unit));
}

// ---------------------------------------------------------------------------------------------
// Portfolio margin: the stress grid as a heat map (cells coloured by loss, by class: CSP-safe).

function renderHeat(pm, coin, unit) {
  const amt = (x) => fmt.amount(x, coin);
  const shock = (x) => (x > 0 ? '+' : x < 0 ? '−' : '') + fmt.percent(Math.abs(x));
  const worstLoss = pm.requirement;  // the core's max(0, -worst cell)
  const level = (x) => {
    if (x > 0) return 'heat-gain';
    if (x === 0 || worstLoss <= 0) return 'heat-0';
    return 'heat-' + Math.min(5, Math.max(1, Math.ceil((-x / worstLoss) * 5)));
  };
  const table = h('table', { class: 'heat', id: 'opt-heat-table', 'aria-describedby': 'opt-heat-caption' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Vol \\ price'), ...pm.priceMoves.map((m) => h('th', { scope: 'col' }, shock(m))))),
    h('tbody', {}, ...pm.pnl.map((row, v) => h('tr', {}, h('th', { scope: 'row' }, shock(pm.volShocks[v])),
      ...row.map((x, p) => {
        const worst = v === pm.worstVolShock && p === pm.worstPriceMove;
        return h('td', { class: level(x) + (worst ? ' worst' : ''), 'data-cell': `${v}:${p}`,
          title: `price ${shock(pm.priceMoves[p])}, volatility ${shock(pm.volShocks[v])}: ${amt(x)} ${unit}${worst ? ' (worst)' : ''}` }, amt(x));
      })))));
  const [button, panel] = math('opt:pm', pm.steps);
  $('opt-heat-out').replaceChildren(
    h('p', { class: 'hint', id: 'opt-heat-caption' }, `Change in the account's value (${unit}) when the underlying moves (columns) and ` +
      'volatilities are shocked (rows, relative, scaled by each option\'s time to expiry), now; the worst cell is outlined.'),
    h('div', { class: 'table-wrap' }, table),
    h('dl', { class: 'tool-result opt-pm' },
      metric('pm:worst', 'Worst cell', `price ${shock(pm.priceMoves[pm.worstPriceMove])}, volatility ${shock(pm.volShocks[pm.worstVolShock])}`),
      metric('pm:worstPnl', `Its change (${unit})`, amt(pm.worstPnl)),
      metric('pm:requirement', `Portfolio margin requirement (${unit})`, amt(pm.requirement)),
      metric('pm:equity', `Equity (${unit})`, amt(pm.equity)),
      metric('pm:marginRatio', 'Margin ratio', pm.marginRatio === null ? '—' : fmt.percent(pm.marginRatio))),
    h('ul', { class: 'heat-legend', 'aria-label': 'Colour key' },
      h('li', { class: 'heat-gain' }, 'gain'), ...[1, 2, 3, 4, 5].map((k) => h('li', { class: `heat-${k}` }, `loss up to ${k * 20}% of the worst`))),
    button, panel);
}

// ---------------------------------------------------------------------------------------------
// The chart: equity and maintenance against the underlying, now and later (uPlot; optionsSweep).

/** The chart's height for a width: half of it, between 240 and 380 px. */
const chartHeight = (width) => Math.round(Math.min(380, Math.max(240, width * 0.5)));

function css(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function renderChart(r, scenario, request, coin, unit) {
  const container = $('opt-chart');
  if (!container) return;
  const u = scenario.underlyingPrice;
  const views = [['now', r.now, '--c-now', []]];
  if (r.later.days) views.push(['later', r.later, '--c-later', [6, 4]]);
  const xs = [u];
  for (const [, v] of views) for (const c of v.liquidationPrices) xs.push(c.price);
  let lo = Math.min(...xs), hi = Math.max(...xs);
  if (hi === lo) { lo = u * 0.5; hi = u * 1.5; }
  const pad = (hi - lo) * 0.2;
  lo = Math.max(lo - pad, lo * 0.2);
  hi += pad;
  const prices = new Float64Array(CHART_POINTS);
  for (let i = 0; i < CHART_POINTS; i++) prices[i] = lo + ((hi - lo) * i) / (CHART_POINTS - 1);
  const data = [Array.from(prices)];
  const series = [{ label: 'Underlying', value: (_, v) => (v === null ? '' : fmt.price(v)) }];
  for (const [name, v, color, dash] of views) {
    const equity = new Float64Array(CHART_POINTS), maintenance = new Float64Array(CHART_POINTS);
    const { errors } = lab.optionsSweep(scenario, prices, equity, maintenance, { days: v.days, volShift: 0 });
    const when = name === 'now' ? 'now' : `in ${fmt.plain(v.days)} d`;
    data.push(errors.length ? prices.map(() => null) : Array.from(equity), errors.length ? prices.map(() => null) : Array.from(maintenance));
    series.push({ label: `Equity ${when}`, stroke: css(color), width: 2, dash, value: (_, y) => (y === null ? '' : fmt.amount(y, coin)) },
      { label: `Maintenance ${when}`, stroke: css('--c-mm'), width: 1.5, dash: dash.length ? [2, 3] : [8, 3], value: (_, y) => (y === null ? '' : fmt.amount(y, coin)) });
  }
  const marks = [{ x: u, label: `index ${fmt.price(u)}`, color: '--c-text', dash: [] }];
  for (const [name, v, color, dash] of views) {
    for (const c of v.liquidationPrices) {
      marks.push({ x: c.price, label: `${name === 'now' ? 'now' : `+${fmt.plain(v.days)} d`}: liq. ${c.liquidatedBelow ? 'below' : 'above'} ${fmt.price(c.price)}`, color, dash });
    }
  }
  const width = Math.max(280, container.clientWidth || 600);
  const height = chartHeight(width);
  const text = css('--c-text'), grid = css('--c-grid'), bg = css('--c-bg');
  const opts = {
    width, height,
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false } },
    axes: [
      { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid }, label: `${scenario.underlying} price`, values: (_, vals) => vals.map((v) => fmt.tick(v)), space: 70 },
      { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid }, label: unit, size: 70, values: (_, vals) => vals.map((v) => (coin ? fmt.plain(v) : fmt.tick(v))) },
    ],
    series,
    hooks: {
      draw: [(p) => {
        const ctx = p.ctx;
        const { top, height: bh, left, width: bw } = p.bbox;
        const dpr = devicePixelRatio;
        ctx.save();
        ctx.font = `${Math.round(11 * dpr)}px system-ui, sans-serif`;
        ctx.textAlign = 'left';  // uPlot leaves the axes' alignment behind
        ctx.textBaseline = 'alphabetic';
        [...marks].sort((a, b) => a.x - b.x).forEach((m, row) => {
          const x = Math.round(p.valToPos(m.x, 'x', true));
          ctx.strokeStyle = ctx.fillStyle = css(m.color);
          ctx.setLineDash(m.dash.map((d) => d * dpr));
          ctx.lineWidth = 1.5 * dpr;
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + bh);
          ctx.stroke();
          // Each label on a row of its own, beside its line, kept inside the plot.
          const y = top + (12 + 14 * (row % 8)) * dpr;
          const w = ctx.measureText(m.label).width;
          const at = Math.max(left + 2 * dpr, Math.min(x + 4 * dpr + w <= left + bw ? x + 4 * dpr : x - 4 * dpr - w, left + bw - w));
          ctx.globalAlpha = 0.85;  // a backing so the label reads over the curves
          ctx.fillStyle = bg;
          ctx.fillRect(at - 2 * dpr, y - 11 * dpr, w + 4 * dpr, 14 * dpr);
          ctx.globalAlpha = 1;
          ctx.fillStyle = css(m.color);
          ctx.fillText(m.label, at, y);
        });
        ctx.restore();
      }],
    },
  };
  if (plot) plot.destroy();
  container.replaceChildren();
  plot = new uPlot(opts, data, container);
  const parts = [`Account equity and maintenance margin in ${unit} as ${scenario.underlying} moves from ${fmt.price(lo)} to ${fmt.price(hi)}; the account liquidates where equity falls below maintenance.`];
  for (const [name, v] of views) {
    parts.push(`${name === 'now' ? 'Now' : `In ${fmt.plain(v.days)} days`}: ${v.liquidationPrices.length ? 'liquidates ' + directionText(v.liquidationPrices) : 'no liquidation price in the scanned range'}.`);
  }
  $('opt-chart-summary').textContent = parts.join(' ');
}

/** Re-fit the chart to its container. */
export function resize() {
  const container = $('opt-chart');
  if (!plot || !container) return;
  const width = Math.max(280, container.clientWidth || 600);
  plot.setSize({ width, height: chartHeight(width) });
}
