// SPDX-License-Identifier: MIT
// The options account (scenario version 2): an account form with futures and option rows and an
// optional volatility surface, and what marginlab-full.js's evaluateOptions, optionsSweep and
// portfolioMargin return: each option's Black-76 mark, greeks and Deribit margin, the account
// (cross) now, later and at +-10 vol points with every liquidation price, each position isolated
// beside it, a chart of equity against maintenance, and the portfolio-margin stress grid as a
// heat map. Every number comes from the core; this file parses what people type and lays the
// answers out, with the page's form kit (form.js). Steps are asked for only while a "show the
// math" is open. Its chunk (and marginlab-full.js) load only when the options account is opened.
import { h, v, clear, patch, scrollable } from './dom.js';
import * as fmt from './format.js';
import { fieldText, numberReader, parseNumber, setDefined, createForm, showStale, metric, Explainer, EXPLAIN } from './form.js';
import { css, plotChart, lineLegend } from './markers.js';
import * as router from './router.js';
import { vegaPerPoint, thetaPerDay } from './units.js';
import { say } from './i18n.js';

export const MAX_ROWS = 50;          // option and futures rows together, as the page's 50 positions
export const MAX_SURFACE = [24, 40]; // expiries x strikes the editor keeps
const DEFAULT_DAYS = 7;
const CHART_POINTS = 400;

let host = null;   // what main.js lends: see openOptions
let lab = null;    // marginlab-full.js's API
let defaults = null;
const state = {
  form: null,      // every field's text as typed
  result: null,    // the last evaluateOptions without errors (numbers only)
  pm: null,        // its portfolioMargin
  scenario: null,  // the scenario (and request) they were computed from
  request: null,
  frame: 0,
};
let plot = null;
let venues = null;  // the portfolio-margin-by-venue panel (pm-panel.js, a chunk loaded with the first result)

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
  for (const r of rows) if (r.kind !== 'future' && r.symbol === optionName(text(s.underlying ?? 'BTC'), r)) r.symbol = '';
  if (!rows.length) notes.push('The options account in the link holds no options or futures.');
  if (rows.length > MAX_ROWS) notes.push(`The link holds ${rows.length} futures and options; this page edits at most ${MAX_ROWS}, so it keeps the first ${MAX_ROWS}.`);
  let surface = null;
  if (s.volSurface !== undefined) {
    const v = isObject(s.volSurface) ? s.volSurface : {};
    const list = (x) => (Array.isArray(x) ? x : []);
    const expiries = list(v.expiryDates).length ? list(v.expiryDates) : list(v.expiries), strikes = list(v.strikes), vols = list(v.vols);
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

// An expiry date: ISO ("2026-03-27", with an optional time) or Deribit's "27MAR26"; the core reads both.
const DATE = /^(\d{4}-\d\d-\d\d|\d{1,2}[A-Za-z]{3}\d{2}$)/;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/**
 * The name an option row goes by when none was typed, in Deribit's manner from its fields:
 * BTC-27MAR26-55000-P (an expiry in years: BTC-0.25Y-55000-P). Text only: the expiry as typed,
 * rewritten, never a date computed here.
 */
export function optionName(underlying, r) {
  const e = r.expiry.trim();
  const iso = /^(\d{4})-(\d\d)-(\d\d)/.exec(e);
  const when = iso ? `${Number(iso[3])}${MONTHS[Number(iso[2]) - 1] || iso[2]}${iso[1].slice(2)}` : DATE.test(e) ? e.toUpperCase() : e ? `${e}Y` : '?';
  const strike = parseNumber(r.strike);
  const k = Number.isFinite(strike) ? String(strike) : r.strike.trim() || '?';
  return `${underlying.trim().toUpperCase() || 'BTC'}-${when}-${k}-${r.kind === 'put' ? 'P' : 'C'}`;
}

/** Form texts -> { scenario, request, local } where local maps a path to a syntax message. */
export function scenarioFromForm(form) {
  const local = {};
  const num = numberReader(local);  // percentages: per = 100
  const s = { version: 2, underlying: form.underlying.trim(), settlement: form.settlement };
  const set = setDefined;
  set(s, 'walletBalance', num(form.walletBalance, 'walletBalance', true));
  set(s, 'underlyingPrice', num(form.underlyingPrice, 'underlyingPrice', true));
  if (form.valuationDate.trim()) s.valuationDate = form.valuationDate.trim();
  set(s, 'interestRate', num(form.interestRate, 'interestRate', false, 'rateYear'));
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
      const o = { type: r.kind, side: r.side, symbol: r.symbol.trim() || optionName(form.underlying, r) };
      set(o, 'strike', num(r.strike, at + 'strike', true));
      const e = r.expiry.trim();
      if (DATE.test(e)) o.expiryDate = e;
      else if (e === '') local[at + 'expiryYears'] = 'Required: a date (2026-03-27) or years (0.25).';
      else set(o, 'expiryYears', num(e, at + 'expiryYears', true));
      set(o, 'quantity', num(r.quantity, at + 'quantity', true));
      set(o, 'premium', num(r.premium, at + 'premium', true));
      set(o, 'volatility', num(r.volatility, at + 'volatility', false, 'volatility'));
      s.options.push(o);
    }
  }
  if (form.surface) {
    const v = form.surface;
    // Expiries as dates (27MAR26, 2026-03-27: the core turns them into years) or every one in years.
    const dated = v.expiries.some((t) => DATE.test(t.trim()));
    s.volSurface = {
      ...(dated ? { expiryDates: v.expiries.map((t, i) => (DATE.test(t.trim()) ? t.trim()
        : (local[`volSurface.expiryDates[${i}]`] = 'Give every expiry as a date (27MAR26 or 2026-03-27), or every one in years.', ''))) }
        : { expiries: v.expiries.map((t, i) => num(t, `volSurface.expiries[${i}]`, true)) }),
      strikes: v.strikes.map((t, j) => num(t, `volSurface.strikes[${j}]`, true)),
      vols: v.vols.map((row, i) => row.map((t, j) => num(t, `volSurface.vols[${i}][${j}]`, true, 'volatility'))),
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
const kit = createForm({ prefix: 'o-', pathAttr: 'data-opt-path', errorAttr: 'data-opt-error-for', root: () => $('options'), general: () => $('opt-general') });

/**
 * Opens the options account in `root`. `api` lends: getFullLab() -> the lab, loadModule() -> the
 * marginlab-full.js module (for defaultOptionsScenario), notice(text), inlineStyles (options.css
 * is in the page already). `link`: { scenario, request } from a version 2 link, or null for the
 * example. The account's link goes to the fragment through the router (main.js makes it its owner).
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
  math.reset();
  host.notice(notes.join(' '));
  renderAll();
}

export function reset() {
  load({ scenario: defaults, request: {} });
}

export function closeOptions(root) {
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

// ---------------------------------------------------------------------------------------------
// Inputs: the form kit's fields; a keystroke recomputes (typed()).

const edit = (fn) => (x, el) => {
  fn(x, el);
  typed();
};
const input = (path, value, fn, opts) => kit.input(path, value, edit(fn), opts);
const field = (label, path, value, fn, opts) => kit.field(label, path, value, edit(fn), opts);

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
      h('div', { id: 'opt-chart', class: 'chart', role: 'img', 'aria-labelledby': 'opt-chart-title', 'aria-describedby': 'opt-chart-summary' }),
      h('p', { id: 'opt-chart-summary', class: 'chart-summary' })),
    h('section', { class: 'opt-heat', 'aria-labelledby': 'opt-heat-title' },
      h('h2', { id: 'opt-heat-title' }, 'Portfolio margin: stress grid'),
      h('div', { id: 'opt-heat-out' })),
    h('section', { class: 'opt-venues', 'aria-labelledby': 'opt-venues-title' },
      h('h2', { id: 'opt-venues-title' }, 'Portfolio margin by venue'),
      h('div', { id: 'opt-venues-out' }, h('p', { 'data-loading': '' }, 'Loading the venues…'))));
  venues = null;
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
      field('Underlying', 'underlying', form.underlying, (x) => { form.underlying = x; }, { mode: 'text' }),
      kit.select('Settlement', 'settlement', form.settlement, [['inverse', 'Inverse (coin)'], ['linear', 'Linear (quote)']],
        (x) => { form.settlement = x; renderInputs(); update(); }),
      field('Wallet balance', 'walletBalance', form.walletBalance, (x) => { form.walletBalance = x; }, { unit }),
      field('Underlying price', 'underlyingPrice', form.underlyingPrice, (x) => { form.underlyingPrice = x; }, { unit: 'quote' }),
      field('Valuation date', 'valuationDate', form.valuationDate, (x) => { form.valuationDate = x; },
        { hint: 'YYYY-MM-DD; needed by expiry dates.', mode: 'text' }),
      field('Interest rate', 'interestRate', form.interestRate, (x) => { form.interestRate = x; }, { unit: '% a year' }),
      field('Futures size rate', 'futuresSizeRate', form.futuresSizeRate, (x) => { form.futuresSizeRate = x; },
        { unit: '% per coin', hint: 'Blank: Deribit\'s for BTC, ETH.' }),
      laterField(form)),
    h('h3', {}, 'Positions'),
    rowsTable(form, unit),
    h('div', { class: 'row-actions' },
      addButton('opt-add-call', '+ Option', { kind: 'call', side: 'long', quantity: '1', strike: '', expiry: '', premium: '', volatility: '', symbol: '', entryPrice: '', contractSize: '1' }),
      addButton('opt-add-future', '+ Future', { kind: 'future', side: 'long', quantity: '', entryPrice: form.underlyingPrice, contractSize: form.settlement === 'inverse' ? '10' : '1', symbol: '', strike: '', expiry: '', premium: '', volatility: '' })),
    kit.errorSlot('options', null),
    kit.errorSlot('futures', null),
    surfaceEditor(form));
}

/** The later view's horizon, with a button that sets it to the last expiry the core reports. */
function laterField(form) {
  const f = field('Later view', 'request.days', form.days, (x) => { form.days = x; },
    { unit: 'days after valuation', hint: 'Expired options pay their intrinsic value.' });
  const b = h('button', { type: 'button', id: 'opt-at-expiry' }, 'At the last expiry');
  b.addEventListener('click', () => {
    const days = state.result ? state.result.lastExpiryDays : null;
    if (days === null) {
      $('opt-status').textContent = state.result ? 'No option in the account: nothing expires.' : 'Fix the marked fields first.';
      return;
    }
    form.days = String(days);  // exactly the core's horizon: every option at its intrinsic value
    $(kit.id('request.days')).value = form.days;
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
    // A copy keeps the fields but not a typed label: an option is named from its fields until named.
    state.form.rows.push({ ...(last || row), symbol: last && last.kind === 'future' ? last.symbol : '', nameErrors: [] });
    renderInputs();
    update();
    const rows = document.querySelectorAll('#opt-rows tbody tr');
    rows[rows.length - 1]?.querySelector('input')?.focus();
  });
  return b;
}

const COLUMNS = ['Kind', 'Side', 'Quantity', 'Strike', 'Expiry', 'Premium', 'Volatility', 'Entry price', 'Contract size', 'Label', ''];

/** The expiry cell: a date (expiryDate) or years (expiryYears); the field's path follows what is typed. */
function expiryCell(r, k, base) {
  const expiryPath = (t) => `${base}.${DATE.test(t.trim()) || t.trim() === '' ? 'expiryDate' : 'expiryYears'}`;
  const el = input(expiryPath(r.expiry), r.expiry, (x, me) => { r.expiry = x; me.setAttribute('data-opt-path', expiryPath(x)); },
    { label: `Expiry, row ${k + 1}`, placeholder: 'date or years', mode: 'text', inputId: kit.id(`${base}.expiry`),
      describedBy: `${kit.id(`${base}.expiryDate`)}-err ${kit.id(`${base}.expiryYears`)}-err` });
  return h('td', { 'data-label': 'Expiry' }, el, kit.errorSlot(`${base}.expiryDate`), kit.errorSlot(`${base}.expiryYears`));
}

/**
 * An option row's name: a venue's instrument name (BTC-27MAR26-60000-C, BTC-USD-260327-60000-C,
 * BTC-27MAR26-60000-C-USDT), read by the core, fills the row's kind, strike and expiry; a name in a
 * venue's shape that does not read is an error at the field; any other text is a label.
 */
function nameCell(r, k, base, form) {
  const path = `${base}.symbol`;
  const el = input(path, r.symbol, (x) => { r.symbol = x; fillFromName(r, el.closest('tr')); },
    { label: `Label, row ${k + 1}`, mode: 'text', placeholder: optionName(form.underlying, r) });
  return h('td', { 'data-label': 'Label' }, el, kit.errorSlot(path));
}

/** The core's reading of a row's typed name: its errors kept on the row, its fields put in the row's inputs. */
function fillFromName(r, tr) {
  const got = r.symbol.trim() ? lab.instrumentName({ name: r.symbol.trim() }) : { errors: [], instrument: false };
  r.nameErrors = got.errors;
  if (!got.instrument) return;
  r.kind = got.type;
  r.strike = fieldText(got.strike);
  r.expiry = got.expiryDate;
  const at = (key) => tr && tr.querySelector(`[data-opt-path$=".${key}"]`);
  if (at('type')) at('type').value = r.kind;
  if (at('strike')) at('strike').value = r.strike;
  const expiry = tr && tr.querySelector('input[data-opt-path$=".expiryDate"], input[data-opt-path$=".expiryYears"]');
  if (expiry) {
    expiry.value = r.expiry;
    expiry.setAttribute('data-opt-path', `${tr.getAttribute('data-base')}.expiryDate`);
  }
}

/** The rows' name errors at their rows' paths (options[i].symbol as the scenario numbers them). */
function nameErrors(form) {
  const out = [];
  form.rows.filter((r) => r.kind !== 'future').forEach((r, i) => {
    for (const e of r.nameErrors || []) out.push({ ...e, path: `options[${i}].symbol` });
  });
  return out;
}

function rowsTable(form, unit) {
  const tbody = h('tbody');
  let nf = 0, no = 0;
  form.rows.forEach((r, k) => {
    const future = r.kind === 'future';
    const base = future ? `futures[${nf++}]` : `options[${no++}]`;
    const set = (key) => (x) => { r[key] = x; };
    const cell = (label, path, key, opts = {}) => h('td', { 'data-label': label },
      input(`${base}.${path}`, r[key], set(key), { label: `${label}, row ${k + 1}`, ...opts }), kit.errorSlot(`${base}.${path}`));
    const none = (label) => h('td', { 'data-label': label, class: 'na' }, '—');
    const kind = kit.select(`Kind, row ${k + 1}`, `${base}.type`, r.kind, [['call', 'Call'], ['put', 'Put'], ['future', 'Future']],
      (x) => { r.kind = x; renderInputs(); update(); }, { bare: true });
    const side = kit.select(`Side, row ${k + 1}`, `${base}.side`, r.side, [['long', 'Long'], ['short', 'Short']],
      (x) => { r.side = x; update(); }, { bare: true });
    const remove = h('button', { type: 'button', class: 'remove', 'aria-label': `Remove row ${k + 1}`,
      on: { click: () => { form.rows.splice(k, 1); renderInputs(); update(); } } }, 'Remove');
    tbody.append(h('tr', { 'data-row': String(k), 'data-kind': r.kind, 'data-base': base },
      h('td', { 'data-label': 'Kind' }, kind, kit.errorSlot(`${base}.type`)),
      h('td', { 'data-label': 'Side' }, side, kit.errorSlot(`${base}.side`)),
      cell(future ? 'Quantity (contracts)' : 'Quantity (coins)', 'quantity', 'quantity'),
      future ? none('Strike') : cell('Strike', 'strike', 'strike'),
      future ? none('Expiry') : expiryCell(r, k, base),
      future ? none('Premium') : cell(`Premium (${unit})`, 'premium', 'premium'),
      future ? none('Volatility') : cell('Volatility (%)', 'volatility', 'volatility', { placeholder: 'from surface' }),
      future ? cell('Entry price', 'entryPrice', 'entryPrice') : none('Entry price'),
      future ? cell('Contract size', 'contractSize', 'contractSize') : none('Contract size'),
      future ? cell('Label', 'symbol', 'symbol', { mode: 'text' }) : nameCell(r, k, base, form),
      h('td', { 'data-label': '' }, remove, kit.errorSlot(base))));
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
  const button = (label, id, fn, disabled = false) => h('button', { type: 'button', id, disabled: disabled ? '' : null,
    on: { click: () => { fn(); renderInputs(); update(); } } }, label);
  if (!form.surface) {
    // The options' own strikes (or the underlying price) as the columns, to be filled in.
    const add = button('Add a surface', 'opt-surface-add', () => {
      const strikes = [...new Set(form.rows.filter((r) => r.kind !== 'future').map((r) => parseNumber(r.strike)))]
        .filter((x) => x > 0).sort((a, b) => a - b).slice(0, 8).map((x) => fieldText(x));
      if (!strikes.length) strikes.push(form.underlyingPrice);
      form.surface = { expiries: ['0.1', '0.5'], strikes, vols: [strikes.map(() => '60'), strikes.map(() => '60')] };
    });
    details.append(h('p', { class: 'hint' }, 'Options without a volatility read it here: expiries (years or dates) x strikes, linear in variance across expiries and in volatility across ln K.'),
      h('div', { class: 'row-actions' }, add), kit.errorSlot('volSurface', null));
    return details;
  }
  const s = form.surface;
  const cell = (path, value, set, label) => [input(path, value, set, { label }), kit.errorSlot(path)];
  const table = h('table', { class: 'tiers opt-surface-table' },
    h('caption', {}, 'Volatility (%) by expiry (rows: years, or dates such as 27MAR26 or 2026-03-27) and strike (columns).'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Expiry \\ strike'),
      ...s.strikes.map((t, j) => h('th', { scope: 'col' }, ...cell(`volSurface.strikes[${j}]`, t, (x) => { s.strikes[j] = x; }, `Strike ${j + 1}`))))),
    h('tbody', {}, ...s.expiries.map((t, i) => h('tr', {},
      h('th', { scope: 'row' }, ...cell(`volSurface.expiries[${i}]`, t, (x) => { s.expiries[i] = x; }, `Expiry ${i + 1}`),
        kit.errorSlot(`volSurface.expiryDates[${i}]`)),
      ...s.strikes.map((_, j) => h('td', {}, ...cell(`volSurface.vols[${i}][${j}]`, s.vols[i][j], (x) => { s.vols[i][j] = x; },
        `Volatility at expiry ${i + 1}, strike ${j + 1}`)))))));
  details.append(h('div', { class: 'table-wrap' }, table),
    kit.errorSlot('volSurface', null),
    kit.errorSlot('volSurface.vols', null),
    h('div', { class: 'grid opt-dynamics' }, kit.select('Volatility as the price moves', 'volDynamics', form.volDynamics,
      [['stickyStrike', 'Sticky strike'], ['stickyMoneyness', 'Sticky moneyness']], (x) => { form.volDynamics = x; update(); })),
    h('div', { class: 'row-actions' },
      button('+ Expiry', 'opt-surface-row', () => { s.expiries.push(''); s.vols.push(s.strikes.map(() => '')); }, s.expiries.length >= MAX_SURFACE[0]),
      button('+ Strike', 'opt-surface-col', () => { s.strikes.push(''); s.vols.forEach((row) => row.push('')); }, s.strikes.length >= MAX_SURFACE[1]),
      button('− Expiry', 'opt-surface-unrow', () => { s.expiries.pop(); s.vols.pop(); }, s.expiries.length <= 1),
      button('− Strike', 'opt-surface-uncol', () => { s.strikes.pop(); s.vols.forEach((row) => row.pop()); }, s.strikes.length <= 1),
      button('Remove the surface', 'opt-surface-remove', () => { form.surface = null; })));
  return details;
}

// ---------------------------------------------------------------------------------------------
// The update loop: one evaluateOptions and one portfolioMargin per edit, numbers only.

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
  showNames(scenario);
  let errors = nameErrors(state.form);
  if (Object.keys(local).length === 0 && errors.length === 0) {
    const r = lab.evaluateOptions(scenario, request);
    errors = r.errors;
    if (errors.length === 0) {
      const pm = lab.portfolioMargin(scenario);
      errors = pm.errors;
      if (errors.length === 0) {
        Object.assign(state, { result: r, pm, scenario, request });
        math.renew();
        router.save('options');
        showVenues(scenario);
      }
    }
  }
  const count = kit.showErrors(local, errors);
  $('opt-status').classList.remove('busy');
  showStale({ results: $('opt-results'), note: $('opt-stale'), status: $('opt-status') }, count, state.result !== null, 'account');
  renderResults();
}

/** The account under every venue's portfolio margin (pm-panel.js, loaded on first use), for the version 3 account of the scenario. */
function showVenues(scenario) {
  const { errors, account } = lab.toAccount(scenario);
  if (errors.length) return;
  import('./pm-panel.js').then(({ createPmPanel }) => {
    const root = $('opt-venues-out');
    if (!root || !host || state.scenario !== scenario) return;  // closed, or a newer account is on its way
    if (!venues || venues.root !== root) venues = createPmPanel(root, lab, { prefix: 'pmv' });
    venues.update(account);
  });
}

/** Each unnamed option's label field shows the name it goes by (from its fields) as its placeholder. */
function showNames(scenario) {
  scenario.options.forEach((o, i) => {
    const el = document.querySelector(`[data-opt-path="options[${i}].symbol"]`);
    if (el && el.placeholder !== o.symbol) el.placeholder = o.symbol;
  });
}

// ---------------------------------------------------------------------------------------------
// Results, patched onto the page.

/** The steps behind a "show the math" key, in an explained evaluateOptions (or portfolioMargin) answer. */
function stepsOf(a, key) {
  if (key === 'opt:account' || key === 'opt:pm') return a.steps;
  const [, where, kind, i] = /^(opt|iso):(options|futures)\[(\d+)\]$/.exec(key) || [];
  if (where) return ((where === 'iso' ? a.isolated : a)[kind][Number(i)] || {}).steps;
  if (key === 'cross:now' || key === 'cross:later') return a[key.slice(6)].steps;
  const shifted = /^cross:vol(\d+)$/.exec(key);
  return shifted ? (a.volShifted[Number(shifted[1])] || {}).steps : null;
}

const math = new Explainer({
  prefix: 'om-',
  source: (key) => (key === 'opt:pm' ? 'pm' : 'account'),
  explain: (source) => (source === 'pm' ? lab.portfolioMargin(state.scenario, {}, EXPLAIN)
    : lab.evaluateOptions(state.scenario, state.request, EXPLAIN)),
  steps: stepsOf,
  redraw: () => renderResults({ chart: false }),
});

/** A "show the math" button and the panel it opens (placed apart where the layout needs it). */
const mathPair = (key, label = 'Show the math', name = null) => [math.button(key, [label], { class: 'math-toggle', 'aria-label': name }), math.panel(key)];

function directionText(list) {
  return list.map((c) => (c.liquidatedBelow ? say('chart.options.below', `below ${fmt.price(c.price)}`, { price: fmt.price(c.price) })
    : say('chart.options.above', `above ${fmt.price(c.price)}`, { price: fmt.price(c.price) })))
    .reduce((first, second) => say('chart.options.and', `${first} and ${second}`, { first, second }));
}

/**
 * The account (cross) in every view as one table: a column per view (now, later, each volatility
 * shift), a row per number; each liquidation price with its direction. The steps of each view open
 * under the table.
 */
function accountTable(views, coin, unit) {
  const amt = (x) => fmt.amount(x, coin);
  const maths = views.map(([key, x]) => mathPair(key, 'Show', `Show the math: the account, ${shortTitle(x)}`));
  const row = (label, field, value) => v('tr', {}, v('th', { scope: 'row' }, label),
    ...views.map(([key, x]) => v('td', { 'data-label': shortTitle(x), 'data-metric': `${key}:${field}` }, v('span', { class: 'num' }, value(x)))));
  const lps = (key, x) => (x.liquidationPrices.length
    ? v('ul', { class: 'lps' }, ...x.liquidationPrices.map((c, k) => lpItem(`${key}:lp:${k}`, c)))
    // No crossing: equity is on one side of maintenance over the whole scan, as at its ends.
    : v('span', { class: 'hint', 'data-metric': `${key}:lp:none` }, everywhere(x) ? 'at every scanned price' : 'none in the scanned range'));
  const table = v('table', { class: 'opt-views', id: 'opt-views' },
    v('caption', {}, 'The whole wallet backs every position: at the valuation date, later, and with every volatility shifted.'),
    v('thead', {}, v('tr', {}, v('td', {}), ...views.map(([key, x]) => v('th', { scope: 'col', 'data-view': key }, shortTitle(x),
      x.liquidated ? v('small', { class: 'warn' }, ' liquidated at the index') : null)))),
    v('tbody', {},
      row(`Equity (${unit})`, 'equity', (x) => amt(x.equity)),
      row(`Initial margin (${unit})`, 'initialMargin', (x) => amt(x.initialMargin)),
      row(`Maintenance margin (${unit})`, 'maintenanceMargin', (x) => amt(x.maintenanceMargin)),
      row(`Available (${unit})`, 'availableBalance', (x) => amt(x.availableBalance)),
      row('Margin ratio', 'marginRatio', (x) => (x.marginRatio === null ? '—' : fmt.percent(x.marginRatio))),
      row(`Most it can lose (${unit})`, 'maxLoss', (x) => amt(x.maxLoss)),
      v('tr', { class: 'lp-row' }, v('th', { scope: 'row' }, 'Liquidates'),
        ...views.map(([key, x]) => v('td', { 'data-label': shortTitle(x) }, lps(key, x)))),
      v('tr', { class: 'math-buttons' }, v('th', { scope: 'row' }, 'The math'),
        ...maths.map(([button], i) => v('td', { 'data-label': shortTitle(views[i][1]) }, button)))));
  return [v('div', { class: 'table-wrap' }, table), ...maths.map(([, panel]) => panel)];
}

/** No liquidation price, and equity below maintenance at both ends of the scan (so at every scanned price). */
const everywhere = (x) => !x.liquidationPrices.length && x.liquidatedAtScanLow && x.liquidatedAtScanHigh;

/** One liquidation price: its direction and the price. */
function lpItem(key, c) {
  return v('li', { 'data-metric': key, 'data-direction': c.liquidatedBelow ? 'below' : 'above' },
    `${c.liquidatedBelow ? 'below' : 'above'} `, v('span', { class: 'num' }, fmt.price(c.price)));
}

function shortTitle(x) {
  if (x.volShift) return `Vol ${x.volShift > 0 ? '+' : '−'}${fmt.plain(Math.abs(x.volShift) * 100)} pts`;
  return x.days ? `In ${fmt.plain(x.days)} days` : 'Now';
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
  const lps = (when, list, title) => v('div', { class: 'metric' }, v('dt', {}, `Liquidates ${title}`),
    v('dd', {}, list.length ? v('ul', { class: 'lps' }, ...list.map((c, k) => lpItem(`${key}:${when}:lp:${k}`, c)))
      : v('span', { class: 'hint', 'data-metric': `${key}:${when}:lp:none` }, longOption ? 'never (long option)' : 'none in the scanned range')));
  return v('article', { class: 'position-result opt-iso', 'data-iso': key },
    v('h4', {}, name),
    v('dl', {},
      metric(`${key}:postedMargin`, `Posted margin (${unit})`, amt(iso.postedMargin)),
      metric(`${key}:maxLoss`, `Most it can lose (${unit})`, amt(iso.maxLoss)),
      lps('now', iso.now.liquidationPrices, 'now'),
      laterTitle && !longOption ? lps('later', iso.later.liquidationPrices, laterTitle) : null),
    ...mathPair(key));
}

/** A position's row and, under it, the row its "show the math" opens. */
function valuationRows(key, attrs, cells, label) {
  const [button, panel] = mathPair(key, label);
  return [v('tr', attrs, ...cells, v('td', { 'data-label': '' }, button)),
    v('tr', { class: 'math-row', hidden: math.isOpen(key) ? null : '' }, v('td', { colspan: '13' }, panel))];
}

function valuationTable(r, scenario, coin, unit) {
  const amt = (x) => fmt.amount(x, coin);
  const sig = (x) => fmt.plain(Number(x.toPrecision(6)));
  const td = (label, ...content) => v('td', { 'data-label': label }, ...content);
  const rows = [];
  r.options.forEach((o, i) => rows.push(...valuationRows(`opt:options[${i}]`, { 'data-option': String(i) }, [
    v('th', { scope: 'row', 'data-label': 'Option' }, positionName(scenario, `options[${i}]`)),
    td('Volatility', fmt.percent(o.volatility), o.volatilityFromSurface ? v('small', { class: 'unit' }, ' surface') : null),
    td('Years', sig(o.years)),
    td('Forward', fmt.price(o.forward)),
    v('td', { 'data-label': `Mark (${unit})`, 'data-field': 'markPrice' }, amt(o.markPrice)),
    // Coin-settled: Deribit's premium-adjusted delta (delta less the premium in coin) beside the forward delta.
    td('Delta', sig(o.greeks.delta), coin ? v('small', { class: 'unit', 'data-field': 'premiumAdjustedDelta' }, ` (premium-adjusted ${sig(o.greeks.premiumAdjustedDelta)})`) : null),
    td('Gamma', sig(o.greeks.gamma)),
    v('td', { 'data-label': 'Vega (per vol point)', 'data-field': 'vega' }, sig(vegaPerPoint(o.greeks.vega))),
    v('td', { 'data-label': 'Theta (per day)', 'data-field': 'theta' }, sig(thetaPerDay(o.greeks.theta))),
    td(`PnL (${unit})`, amt(o.unrealizedPnl)),
    v('td', { 'data-label': `IM (${unit})`, 'data-field': 'initialMargin' }, amt(o.initialMargin)),
    v('td', { 'data-label': `MM (${unit})`, 'data-field': 'maintenanceMargin' }, amt(o.maintenanceMargin))], 'Black-76 and margin')));
  r.futures.forEach((f, i) => rows.push(...valuationRows(`opt:futures[${i}]`, { 'data-future': String(i) }, [
    v('th', { scope: 'row', 'data-label': 'Future' }, positionName(scenario, `futures[${i}]`)),
    v('td', { 'data-label': 'Size (coin)', colspan: '8', class: 'span' }, `${sig(f.sizeCoin)} coin; IM rate ${fmt.percent(f.initialMarginRate)}, MM rate ${fmt.percent(f.maintenanceMarginRate)}`),
    td(`PnL (${unit})`, amt(f.unrealizedPnl)),
    td(`IM (${unit})`, amt(f.initialMargin)),
    td(`MM (${unit})`, amt(f.maintenanceMargin))], 'Margin')));
  const head = ['Position', 'Volatility', 'Years', 'Forward', `Mark (${unit})`, 'Delta', 'Gamma', 'Vega (per vol point)', 'Theta (per day)',
    `PnL (${unit})`, `IM (${unit})`, `MM (${unit})`, ''];
  return v('div', { class: 'table-wrap' }, v('table', { class: 'grid-table opt-values cards', id: 'opt-values' },
    v('caption', {}, `Each position at the valuation date. Greeks per coin in quote, on the forward: vega per volatility point (1%), theta per day, as venues show them${coin ? '; beside delta, the premium-adjusted delta Deribit shows (delta less the premium in coin)' : ''}. Margins: Deribit standard, in ${unit}.`),
    v('thead', {}, v('tr', {}, ...head.map((t) => v('th', { scope: 'col' }, t)))), v('tbody', {}, ...rows)));
}

/** The verdict: where the account liquidates now and later, and what each mode puts at risk. */
function verdict(r, coin, unit, laterTitle) {
  const say = (when, x) => (x.liquidationPrices.length
    ? `The account (cross) ${when} liquidates ${directionText(x.liquidationPrices)}.`
    : everywhere(x) ? `The account (cross) ${when} is below maintenance at every scanned price (${fmt.price(r.scanLowPrice)} to ${fmt.price(r.scanHighPrice)}).`
      : `No price from ${fmt.price(r.scanLowPrice)} to ${fmt.price(r.scanHighPrice)} liquidates the account (cross) ${when}.`);
  return v('ul', { class: 'verdict', id: 'opt-verdict' },
    v('li', {}, say('now', r.now)),
    r.later.days ? v('li', {}, say(laterTitle, r.later)) : null,
    v('li', {}, 'Isolated, each position stands on the margin it posts and can lose at most that (a long option its premium); ' +
      `cross puts the whole ${fmt.amount(r.now.maxLoss, coin)} ${unit} of equity at risk.`));
}

function renderResults({ chart = true } = {}) {
  const r = state.result;
  if (!r) return;
  const scenario = state.scenario, request = state.request;
  const coin = scenario.settlement === 'inverse';
  const unit = coin ? (scenario.underlying.toUpperCase().slice(0, 12) || 'coin') : 'quote';
  const laterTitle = r.later.days ? `in ${fmt.plain(r.later.days)} days` : '';
  const bases = [...r.futures.map((_, i) => `futures[${i}]`), ...r.options.map((_, i) => `options[${i}]`)];
  const isoOf = (base) => (base.startsWith('f') ? r.isolated.futures : r.isolated.options)[Number(/\d+/.exec(base)[0])];
  const cross = v('section', { class: 'outcome', 'data-mode': 'cross', 'aria-labelledby': 'opt-h-cross' },
    v('h3', { id: 'opt-h-cross' }, 'Cross: the account'),
    ...accountTable([['cross:now', r.now], ...(r.later.days ? [['cross:later', r.later]] : []),
      ...r.volShifted.map((x, k) => [`cross:vol${k}`, x])], coin, unit));
  const isolated = v('section', { class: 'outcome', 'data-mode': 'isolated', 'aria-labelledby': 'opt-h-iso' },
    v('h3', { id: 'opt-h-iso' }, 'Isolated: each position alone'),
    ...bases.map((b) => isolatedCard(`iso:${b}`, isoOf(b), positionName(scenario, b), coin, unit, laterTitle,
      b.startsWith('o') && scenario.options[Number(/\d+/.exec(b)[0])].side === 'long')));
  patch($('opt-out'), [verdict(r, coin, unit, laterTitle),
    v('div', { class: 'columns opt-columns' }, cross, isolated),
    v('h3', {}, 'Positions'),
    valuationTable(r, scenario, coin, unit),
    v('div', { class: 'opt-account-math' }, ...mathPair('opt:account', 'How the account is valued'))]);
  patch($('opt-heat-out'), heat(state.pm, coin, unit));
  if (!chart) return;
  cancelAnimationFrame(state.frame);
  state.frame = requestAnimationFrame(() => renderChart(r, scenario, request, coin, unit));
}

// ---------------------------------------------------------------------------------------------
// Portfolio margin: the stress grid as a heat map (cells coloured by loss, by class: CSP-safe).

function heat(pm, coin, unit) {
  const amt = (x) => fmt.amount(x, coin);
  const shock = (x) => (x > 0 ? '+' : x < 0 ? '−' : '') + fmt.percent(Math.abs(x));
  const worstLoss = pm.requirement;  // the core's max(0, -worst cell)
  const level = (x) => {
    if (x > 0) return 'heat-gain';
    if (x === 0 || worstLoss <= 0) return 'heat-0';
    return 'heat-' + Math.min(5, Math.max(1, Math.ceil((-x / worstLoss) * 5)));
  };
  const table = v('table', { class: 'heat', id: 'opt-heat-table', 'aria-describedby': 'opt-heat-caption' },
    v('thead', {}, v('tr', {}, v('th', { scope: 'col' }, 'Vol \\ price'), ...pm.priceMoves.map((m) => v('th', { scope: 'col' }, shock(m))))),
    v('tbody', {}, ...pm.pnl.map((row, i) => v('tr', {}, v('th', { scope: 'row' }, shock(pm.volShocks[i])),
      ...row.map((x, p) => {
        const worst = i === pm.worstVolShock && p === pm.worstPriceMove;
        return v('td', { class: level(x) + (worst ? ' worst' : ''), 'data-cell': `${i}:${p}`,
          title: `price ${shock(pm.priceMoves[p])}, volatility ${shock(pm.volShocks[i])}: ${amt(x)} ${unit}${worst ? ' (worst)' : ''}` }, amt(x));
      })))));
  return [
    v('p', { class: 'hint', id: 'opt-heat-caption' }, `Change in the account's value (${unit}) when the underlying moves (columns) and ` +
      'volatilities are shocked (rows, relative, scaled by each option\'s time to expiry), now; the worst cell is outlined.'),
    v('div', { class: 'table-wrap', ...scrollable('Scenario grid') }, table),
    v('dl', { class: 'tool-result opt-pm' },
      metric('pm:worst', 'Worst cell', `price ${shock(pm.priceMoves[pm.worstPriceMove])}, volatility ${shock(pm.volShocks[pm.worstVolShock])}`),
      metric('pm:worstPnl', `Its change (${unit})`, amt(pm.worstPnl)),
      metric('pm:requirement', `Portfolio margin requirement (${unit})`, amt(pm.requirement)),
      metric('pm:equity', `Equity (${unit})`, amt(pm.equity)),
      metric('pm:marginRatio', 'Margin ratio', pm.marginRatio === null ? '—' : fmt.percent(pm.marginRatio))),
    v('ul', { class: 'heat-legend', 'aria-label': 'Colour key' },
      v('li', { class: 'heat-gain' }, 'gain'), ...[1, 2, 3, 4, 5].map((k) => v('li', { class: `heat-${k}` }, `loss up to ${k * 20}% of the worst`))),
    ...mathPair('opt:pm')];
}

// ---------------------------------------------------------------------------------------------
// The chart: equity and maintenance against the underlying, now and later (uPlot; optionsSweep).

/** The chart's height for a width: half of it, between 240 and 380 px. */
const chartHeight = (width) => Math.round(Math.min(380, Math.max(240, width * 0.5)));

/** The prices the chart spans: the index and every liquidation price, with a margin. */
function chartRange(u, views) {
  const xs = [u];
  for (const [, x] of views) for (const c of x.liquidationPrices) xs.push(c.price);
  let lo = Math.min(...xs), hi = Math.max(...xs);
  if (hi === lo) {
    lo = u * 0.5;
    hi = u * 1.5;
  }
  const pad = (hi - lo) * 0.2;
  return [Math.max(lo - pad, lo * 0.2), hi + pad];
}

function renderChart(r, scenario, request, coin, unit) {
  const container = $('opt-chart');
  if (!container) return;
  const u = scenario.underlyingPrice;
  // Each curve its own colour and dash: equity solid (now) and dashed (later), maintenance long
  // dashes (now) and dots (later), so that they part in print and for colour-blind readers too.
  const views = [['now', r.now, { equity: ['--c-now', []], mm: ['--c-mm', [10, 4]] }]];
  if (r.later.days) views.push(['later', r.later, { equity: ['--c-later', [6, 4]], mm: ['--c-mm-later', [2, 3]] }]);
  const [lo, hi] = chartRange(u, views);
  const prices = new Float64Array(CHART_POINTS);
  for (let i = 0; i < CHART_POINTS; i++) prices[i] = lo + ((hi - lo) * i) / (CHART_POINTS - 1);
  const data = [Array.from(prices)];
  const series = [{ label: say('chart.options.underlying', 'Underlying'), value: (_, x) => (x === null ? '' : fmt.price(x)) }];
  const marks = [{ x: u, label: say('chart.options.index', `index ${fmt.price(u)}`, { price: fmt.price(u) }), color: '--c-text', dash: [] }];
  const legend = [];
  for (const [name, x, style] of views) {
    const equity = new Float64Array(CHART_POINTS), maintenance = new Float64Array(CHART_POINTS);
    const { errors } = lab.optionsSweep(scenario, prices, equity, maintenance, { days: x.days, volShift: 0 });
    const days = fmt.plain(x.days);
    data.push(errors.length ? prices.map(() => null) : Array.from(equity), errors.length ? prices.map(() => null) : Array.from(maintenance));
    const value = (_, y) => (y === null ? '' : fmt.amount(y, coin));
    const lines = [{ label: name === 'now' ? say('chart.options.equityNow', 'Equity now') : say('chart.options.equityLater', `Equity in ${days} d`, { days }),
      color: style.equity[0], dash: style.equity[1], width: 2 },
    { label: name === 'now' ? say('chart.options.maintenanceNow', 'Maintenance now') : say('chart.options.maintenanceLater', `Maintenance in ${days} d`, { days }),
      color: style.mm[0], dash: style.mm[1], width: 1.5 }];
    legend.push(...lines);
    series.push(...lines.map((l) => ({ label: l.label, stroke: css(l.color), width: l.width, dash: l.dash, value })));
    for (const c of x.liquidationPrices) {
      const price = fmt.price(c.price);
      const label = name === 'now' ? say('chart.options.liqNow', `now: liq. ${price}`, { price }) : say('chart.options.liqLater', `+${days} d: liq. ${price}`, { days, price });
      marks.push({ x: c.price, label, color: style.equity[0], dash: style.equity[1] });
    }
  }
  plot = plotChart(container, plot, {
    height: chartHeight, data, series, marks, markOptions: { rows: 8, rowHeight: 14 },
    x: [say('chart.options.price', `${scenario.underlying} price`, { underlying: scenario.underlying }), (x) => fmt.tick(x)],
    y: [unit, (x) => (coin ? fmt.plain(x) : fmt.tick(x))],
    legend: false,
  });
  container.append(lineLegend(legend, 'Curves'));
  const parts = [`Account equity and maintenance margin in ${unit} as ${scenario.underlying} moves from ${fmt.price(lo)} to ${fmt.price(hi)}; the account liquidates where equity falls below maintenance.`];
  for (const [name, x] of views) {
    parts.push(`${name === 'now' ? 'Now' : `In ${fmt.plain(x.days)} days`}: ${x.liquidationPrices.length ? 'liquidates ' + directionText(x.liquidationPrices) : 'no liquidation price in the scanned range'}.`);
  }
  // One text a sentence, so that a language other than English finds each (web/src/i18n/translate.js).
  $('opt-chart-summary').replaceChildren(...parts.map((text, i) => h('span', {}, i ? ' ' + text : text)));
}
