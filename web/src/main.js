// SPDX-License-Identifier: MIT
// MarginLab page: form state -> Scenario -> lab.evaluate -> render. Every margin number shown
// comes from the core; this file only parses what people type and lays the results out. The
// steps behind a number are asked for (evaluate with { explain: true }) only while its "show
// the math" is open. It is the page's shell: it opens the lessons and the options account, and
// tells the router (router.js) which of them owns the URL fragment.
import createMarginLab, { defaultScenario } from './marginlab.js';
import * as router from './router.js';
import * as fmt from './format.js';
import { fieldText, numberReader, setDefined, createForm, showStale, metric, Explainer, EXPLAIN, isPastLiquidation, loadPhrases } from './form.js';
import { h, v, clear, patch } from './dom.js';
import { createVenues } from './venues.js';
import { HEIGHT_MESSAGE, MIN_HEIGHT, MAX_HEIGHT, postHeights } from './embed.js';
import { startLanguage } from './i18n.js';

/* global __WASM_BASE64__ */
const RULES = [
  ['binance', 'Binance'], ['bybit', 'Bybit (classic)'], ['bybit-uta', 'Bybit (Unified account)'], ['okx', 'OKX'],
  ['hyperliquid', 'Hyperliquid'], ['bitmex', 'BitMEX'], ['dydx', 'dYdX v4'], ['simple', 'Textbook (no fees)'],
];
/** Where each rule set uses the taker fee (core/src/profile.cpp; VENUES.md): said under the field. */
const FEE_USE = {
  binance: 'Binance\'s liquidation price has no fee in it',
  bybit: 'Bybit classic\'s liquidation price has no fee in it',
  'bybit-uta': 'In Bybit UTA\'s maintenance margin (the fee to close at bankruptcy) and extra margin',
  okx: 'In OKX\'s maintenance requirement (maintenance rate + taker fee), so in the liquidation price',
  hyperliquid: 'Hyperliquid\'s liquidation price has no fee in it',
  bitmex: 'In BitMEX\'s initial margin (entry and exit fees) and maintenance margin (exit fee)',
  dydx: 'dYdX\'s liquidation price has no fee in it',
  simple: 'The textbook rules charge no fee in margin',
};
const feeHint = (rules) => `${FEE_USE[rules] || ''}; the risk lab's fees (adjust, largest size, size from stop, cascade) use it too. Blank: the venue's own rate.`;
const MAX_POSITIONS = 50;
const MAX_TIER_ROWS = 64;
const embed = new URLSearchParams(location.search).get('embed') === '1';

// ---------------------------------------------------------------------------------------------
// Form state: the text of every field exactly as typed, so nothing typed is ever lost.

/** Scenario -> form texts. The tier tables have no prototype: a symbol may be "constructor" or "__proto__". */
function formFromScenario(s) {
  const text = (x) => fieldText(x);
  const pct = (x) => fieldText(x, 100);
  const tiers = Object.create(null);
  const given = s.tiers !== null && typeof s.tiers === 'object' && !Array.isArray(s.tiers) ? s.tiers : {};
  for (const [symbol, rows] of Object.entries(given)) {
    if (!Array.isArray(rows)) continue;
    tiers[symbol] = rows.slice(0, MAX_TIER_ROWS).map((r) => ({
      notionalCap: text(r && r.notionalCap), maxLeverage: text(r && r.maxLeverage),
      maintenanceMarginRate: pct(r && r.maintenanceMarginRate), maintenanceAmount: text(r && r.maintenanceAmount),
    }));
  }
  return {
    rules: typeof s.rules === 'string' ? s.rules : 'binance',
    walletBalance: text(s.walletBalance),
    takerFeeRate: pct(s.takerFeeRate),
    positions: (Array.isArray(s.positions) ? s.positions : []).slice(0, MAX_POSITIONS).map((p) => ({
      symbol: text(p && p.symbol), contract: p && p.contract === 'inverse' ? 'inverse' : 'linear',
      contractSize: text(p && p.contractSize !== undefined ? p.contractSize : 1),
      side: p && p.side === 'short' ? 'short' : 'long', quantity: text(p && p.quantity),
      entryPrice: text(p && p.entryPrice), markPrice: text(p && p.markPrice), leverage: text(p && p.leverage),
      isolatedMargin: text(p && p.isolatedMargin),
      marginMode: p && (p.marginMode === 'isolated' || p.marginMode === 'cross') ? p.marginMode : '',
    })),
    tiers,
  };
}

/** Form texts -> { scenario, local } where local maps a field path to a syntax message. */
function scenarioFromForm(form) {
  const local = {};
  const asked = {};  // path -> the question about an implausible value (asked once the core has seen it)
  const num = numberReader(local, asked);
  const scenario = { version: 1, rules: form.rules, walletBalance: num(form.walletBalance, 'walletBalance', true), positions: [] };
  setDefined(scenario, 'takerFeeRate', num(form.takerFeeRate, 'takerFeeRate', false, 'fee'));
  form.positions.forEach((p, i) => {
    const at = `positions[${i}].`;
    const q = { symbol: p.symbol.trim(), contract: p.contract, side: p.side };
    for (const [key, required] of [['contractSize', false], ['quantity', true], ['entryPrice', true], ['markPrice', false],
      ['leverage', true], ['isolatedMargin', false]]) setDefined(q, key, num(p[key], at + key, required));
    if (p.marginMode) q.marginMode = p.marginMode;
    scenario.positions.push(q);
  });
  const tiers = Object.create(null);
  for (const [symbol, rows] of Object.entries(form.tiers)) {
    tiers[symbol] = rows.map((r, j) => {
      const at = `tiers.${symbol}[${j}].`;
      const row = {};
      setDefined(row, 'notionalCap', num(r.notionalCap, at + 'notionalCap', true));
      setDefined(row, 'maxLeverage', num(r.maxLeverage, at + 'maxLeverage', true));
      setDefined(row, 'maintenanceMarginRate', num(r.maintenanceMarginRate, at + 'maintenanceMarginRate', false, 'maintenanceRate'));
      setDefined(row, 'maintenanceAmount', num(r.maintenanceAmount, at + 'maintenanceAmount', false));
      return row;
    });
  }
  if (Object.keys(tiers).length) scenario.tiers = tiers;
  return { scenario, local, asked };
}

// ---------------------------------------------------------------------------------------------
// Page state.

const state = {
  lab: null,
  form: formFromScenario(defaultScenario),
  report: null,          // the last report without errors (numbers only)
  reportScenario: null,  // the scenario it was computed from (with the venue tables it used)
  formScenario: null,    // the same as the form gives it, without the venue tables: the link's
  venues: null,          // web/src/venues.js: symbol pickers, venue tables, venue prices
  asset: '',             // its settlement asset, as the core names it
  fieldAsset: '',        // the settlement asset of the positions in the form (the fields' unit), even when they have errors
  chartSymbol: null,
  highlight: new Set(),  // metric keys a lesson points at
  chartEmphasis: [],     // chart line kinds a lesson points at ('liq-iso', 'mark', ...)
  learn: null,           // web/src/learn.js while a lesson is open
  riskSignature: '',
  riskRefresh: null,     // the risk lab's refresh(inputStale), once it is drawn
  riskDrawn: false,      // the risk lab was drawn once (its module is loaded)
  chartFrame: 0,
  openTiers: new Set(),  // symbols whose tier editor is open
  options: null,         // web/src/options.js while the options account is open
  optionsLink: null,     // a version 2 scenario from the link, opened after the first result
  account: null,         // web/src/account.js while the account (version 3) is open
  accountLink: null,     // a version 3 account from the link, opened after the first result
  venueRounded: {},      // rules -> "Show prices as the venue rounds them" (on once the venue is chosen, until unticked)
};

/** Whether liquidation prices show as the venue rounds them under these rules (not the textbook's). */
const venueRounded = (rules) => rules !== 'simple' && state.venueRounded[rules] === true;

/** The per-venue choice "Show prices as the venue rounds them" (hidden for the textbook rules). */
function roundingChoice(rules) {
  const box = h('input', { type: 'checkbox', id: 'venue-rounding', checked: venueRounded(rules) ? '' : null });
  box.addEventListener('change', () => { state.venueRounded[state.form.rules] = box.checked; update(); });
  return h('div', { class: 'field check', id: 'venue-rounding-field', hidden: rules === 'simple' ? '' : null },
    h('label', { for: 'venue-rounding' }, box, ' Show prices as the venue rounds them'));
}

/** After a change of rules: the choice shows that venue's setting. */
function showRoundingChoice(rules) {
  const box = $('venue-rounding');
  if (!box) return;
  box.checked = venueRounded(rules);
  $('venue-rounding-field').hidden = rules === 'simple';
}

const $ = (id) => document.getElementById(id);
const kit = createForm({ prefix: 'f-', root: () => $('inputs'), general: () => $('general-errors'),
  unit: () => (state.form.positions.some((p) => p.contract === 'inverse') ? '' : state.fieldAsset) });

/** "mode:position:field" or "mode:account:field" -> the steps of that number in an explained report. */
function stepsOf(report, key) {
  const [mode, at, field] = key.split(':');
  const outcome = report[mode];
  const o = outcome && (at === 'account' ? outcome.account : outcome.positions[Number(at)]);
  const steps = o && o.steps ? o.steps.filter((s) => s.field === field) : [];
  const p = at === 'account' || !state.reportScenario ? null : state.reportScenario.positions[Number(at)];
  if (field !== 'liquidationPrice' || !p || !o) return steps;
  return steps.concat(state.venues.tickSteps(state.reportScenario.rules, p.symbol, p.side, o.liquidationPrice));
}

const math = new Explainer({
  prefix: 'm-',
  explain: () => state.lab.evaluate(state.reportScenario, EXPLAIN),
  steps: stepsOf,
  redraw: () => renderColumns(),
});

function symbolsOf(form) {
  const seen = [];
  for (const p of form.positions) {
    const s = p.symbol.trim();
    if (s && !seen.includes(s)) seen.push(s);
  }
  return seen;
}

function presetFor(rules, symbol) {
  return state.venues.tableFor(rules, symbol) || state.lab.defaultTiers(rules).find((t) => t.symbols.includes('*')) || null;
}

// ---------------------------------------------------------------------------------------------
// Inputs.

function renderInputs() {
  const form = state.form;
  const root = $('inputs');
  clear(root);
  const asset = { unit: state.fieldAsset, asset: true };
  root.append(
    h('h2', {}, 'Scenario'),
    h('div', { class: 'grid account-fields' },
      kit.select('Rules', 'rules', form.rules, RULES, (x) => {
        form.rules = x;
        $('fee-use').textContent = feeHint(x);
        state.venues.choose(x);
        if (!(x in state.venueRounded)) state.venueRounded[x] = true;  // a venue chosen: its rounding, until unticked
        showRoundingChoice(x);
        renderPositions();
        renderTierEditors();
        update();
      }),
      kit.field('Wallet balance', 'walletBalance', form.walletBalance, (x) => { form.walletBalance = x; update(); }, asset),
      kit.field('Taker fee', 'takerFeeRate', form.takerFeeRate, (x) => { form.takerFeeRate = x; update(); },
        { unit: '%', hint: feeHint(form.rules), hintId: 'fee-use' }),
      roundingChoice(form.rules)),
    h('h3', {}, 'Positions'),
    h('div', { id: 'positions' }),
    h('div', { class: 'row-actions' },
      h('button', { type: 'button', id: 'add-position', disabled: form.positions.length >= MAX_POSITIONS ? '' : null,
        on: { click: () => {
          const last = form.positions[form.positions.length - 1];
          form.positions.push(last ? { ...last } : formFromScenario(defaultScenario).positions[0]);
          renderInputs();
          update();
        } } }, '+ Add position')),
    h('div', { id: 'tiers' }));
  renderPositions();
  renderTierEditors();
}

function renderPositions() {
  const form = state.form;
  const root = $('positions');
  clear(root);
  form.positions.forEach((p, i) => {
    const at = `positions[${i}].`;
    const set = (key, rerenderTiers = false) => (x) => {
      p[key] = x;
      if (rerenderTiers) renderTierEditors();
      update();
    };
    const card = h('fieldset', { class: 'position' },
      h('legend', {}, `Position ${i + 1}`),
      h('div', { class: 'grid' },
        state.venues.symbolField(kit, form.rules, at + 'symbol', p.symbol, set('symbol', true), p.contract),
        kit.select('Contract', at + 'contract', p.contract, [['linear', 'Linear (quote-settled)'], ['inverse', 'Inverse (coin-settled)']],
          (x) => { p.contract = x; renderPositions(); update(); }),
        kit.select('Side', at + 'side', p.side, [['long', 'Long'], ['short', 'Short']], set('side')),
        kit.field('Size', at + 'quantity', p.quantity, set('quantity'), { unit: 'contracts' }),
        kit.field('Contract size', at + 'contractSize', p.contractSize, set('contractSize'),
          { unit: p.contract === 'inverse' ? 'USD per contract' : 'base per contract' }),
        kit.field('Entry price', at + 'entryPrice', p.entryPrice, set('entryPrice'), { unit: 'quote' }),
        kit.field('Mark price', at + 'markPrice', p.markPrice, set('markPrice'), { unit: 'quote', hint: 'Blank: the entry price.' }),
        kit.field('Leverage', at + 'leverage', p.leverage, set('leverage'), { unit: '×' }),
        kit.field('Isolated margin', at + 'isolatedMargin', p.isolatedMargin, set('isolatedMargin'),
          { unit: state.fieldAsset, asset: true, hint: 'Blank: the initial margin.' }),
        kit.select('Margin mode', at + 'marginMode', p.marginMode,
          [['', 'Compare both'], ['isolated', 'Isolated'], ['cross', 'Cross']], set('marginMode'))),
      embed ? h('p', { class: 'key-line', id: `key-line-${i}` }) : null,
      h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'dup', 'aria-label': `Duplicate position ${i + 1}`,
          disabled: form.positions.length >= MAX_POSITIONS ? '' : null,
          on: { click: () => { form.positions.splice(i + 1, 0, { ...p }); renderPositions(); update(); } } }, 'Duplicate'),
        h('button', { type: 'button', class: 'remove', 'aria-label': `Remove position ${i + 1}`,
          disabled: form.positions.length <= 1 ? '' : null,
          on: { click: () => { form.positions.splice(i, 1); renderInputs(); update(); } } }, 'Remove')));
    root.append(card);
  });
}

/**
 * The fields' units that are the settlement asset, as soon as the core names it: a report with
 * validation errors names it too, so switching a position to inverse relabels the wallet at once.
 */
function showAsset(asset) {
  if (!asset || asset === state.fieldAsset) return;
  state.fieldAsset = asset;
  for (const el of $('inputs').querySelectorAll('.unit[data-asset]')) el.textContent = ` (${asset})`;
}

function renderTierEditors() {
  const root = $('tiers');
  if (!root) return;
  clear(root);
  root.append(h('h3', {}, 'Tiers'));
  for (const symbol of symbolsOf(state.form)) root.append(tierEditor(symbol));
}

/** One symbol's tier table: the preset or the reader's own, editable; its rows are built when first opened. */
function tierEditor(symbol) {
  const form = state.form;
  const custom = form.tiers[symbol];
  const preset = presetFor(form.rules, symbol);
  const rows = custom || (preset ? formFromScenario({ tiers: { [symbol]: preset.tiers } }).tiers[symbol] : []);
  const caption = custom ? `${symbol}: your table` : preset ? `${symbol}: ${preset.source} (${preset.date})`
    : `${symbol}: no preset for these rules; add rows`;
  const path = `tiers.${symbol}`;
  const summary = h('summary', {}, `Tiers for ${symbol}`, custom ? ' (edited)' : '');
  const tbody = h('tbody', {});
  const own = () => {
    if (!form.tiers[symbol]) form.tiers[symbol] = rows.map((r) => ({ ...r }));
    return form.tiers[symbol];
  };
  const changed = (fn) => () => { fn(); renderTierEditors(); update(); };
  const buildRows = () => rows.forEach((r, j) => {
    const cell = (key, label) => {
      const at = `${path}[${j}].${key}`;
      return h('td', {}, kit.input(at, r[key], (x) => {
        own()[j][key] = x;
        summary.textContent = `Tiers for ${symbol} (edited)`;
        update();
      }, { label: `${symbol} tier ${j + 1} ${label}` }), kit.errorSlot(at));
    };
    tbody.append(h('tr', {}, cell('notionalCap', 'notional cap'), cell('maxLeverage', 'max leverage'),
      cell('maintenanceMarginRate', 'maintenance rate'), cell('maintenanceAmount', 'maintenance amount'),
      h('td', {}, h('button', { type: 'button', 'aria-label': `Remove ${symbol} tier ${j + 1}`, on: { click: changed(() => own().splice(j, 1)) } }, '×'))));
  });
  const table = h('table', { class: 'tiers' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Notional cap'), h('th', { scope: 'col' }, 'Max leverage (×)'),
      h('th', { scope: 'col' }, 'Maintenance rate (%)'), h('th', { scope: 'col' }, 'Maintenance amount'), h('th', {}, ''))),
    tbody);
  const open = state.openTiers.has(symbol) || (custom && !preset);
  const details = h('details', { class: 'tier-editor', open: open ? '' : null }, summary,
    h('div', { class: 'table-wrap' }, table),
    h('p', { class: 'error', 'data-error-for': path, role: 'status' }),
    h('div', { class: 'row-actions' },
      h('button', { type: 'button', on: { click: changed(() => own().push({ notionalCap: '', maxLeverage: '', maintenanceMarginRate: '', maintenanceAmount: '' })) } }, '+ Row'),
      h('button', { type: 'button', disabled: custom && preset ? null : '', on: { click: changed(() => { delete form.tiers[symbol]; }) } }, 'Use the preset')));
  if (open) buildRows();
  details.addEventListener('toggle', () => {
    if (!details.open) return state.openTiers.delete(symbol);
    state.openTiers.add(symbol);
    if (!tbody.firstChild) buildRows();
  });
  return details;
}

// ---------------------------------------------------------------------------------------------
// Results: the numbers patched onto the page (only what changed is touched).

function renderOutcome(modeKey, title, outcome, scenario) {
  const coin = scenario.positions[0].contract === 'inverse';
  const unit = state.asset;
  const amt = (x) => fmt.amount(x, coin);
  const m = (key, label, text, note) => metric(key, label, text, { note, highlight: state.highlight.has(key), math });
  const col = v('section', { class: 'outcome', 'data-mode': modeKey, 'aria-labelledby': `h-${modeKey}` },
    v('h3', { id: `h-${modeKey}` }, title));
  outcome.positions.forEach((o, i) => {
    const p = scenario.positions[i];
    const key = (field) => `${modeKey}:${i}:${field}`;
    // The venue's rounding (the core's tickPrice) on the button when chosen, the exact price in the note.
    const venue = state.venues.venueRounding(scenario.rules, p.symbol, p.side, o.liquidationPrice);
    const rounded = venue && venueRounded(scenario.rules);
    const lpNote = [o.liquidationTier !== null && o.liquidationTier !== o.tier ? `(tier ${o.liquidationTier} there)` : '',
      !venue ? '' : rounded ? `as the venue shows it (${venue.how}); exact ${fmt.plain(o.liquidationPrice)}` : `${venue.text} at the venue (${venue.how})`]
      .filter(Boolean).join(' ');
    col.children.push(v('article', { class: 'position-result', 'data-position': String(i) },
      v('h4', {}, `${p.symbol} ${p.side} ${fmt.count(p.quantity)} @ ${fmt.price(p.entryPrice)}`,
        v('span', { class: 'badge' }, `${fmt.count(p.leverage ?? 1)}×`)),
      pastNote(words && words.pastPosition(o, p), 'past-position'),
      v('dl', {},
        m(key('liquidationPrice'), 'Liquidation price', o.liquidationPrice === null ? 'none' : rounded ? venue.text : fmt.price(o.liquidationPrice), lpNote),
        m(key('bankruptcyPrice'), 'Bankruptcy price', o.bankruptcyPrice === null ? 'none' : fmt.price(o.bankruptcyPrice)),
        m(key('distanceToLiquidation'), 'Distance to liquidation', o.distanceToLiquidation === null ? 'never' : fmt.percent(o.distanceToLiquidation)),
        m(key('initialMargin'), `Initial margin (${unit})`, amt(o.initialMargin)),
        m(key('maintenanceMargin'), `Maintenance margin (${unit})`, amt(o.maintenanceMargin), `tier ${o.tier}, ${fmt.percent(o.maintenanceMarginRate)}`),
        m(key('unrealizedPnl'), `Unrealized PnL (${unit})`, amt(o.unrealizedPnl)),
        m(key('roe'), 'ROE', fmt.percent(o.roe)),
        m(key('marginRatio'), 'Margin ratio', o.marginRatio === null ? '—' : fmt.percent(o.marginRatio)),
        m(key('maxLoss'), `At risk (${unit})`, amt(o.maxLoss)))));
  });
  const a = outcome.account;
  const akey = (field) => `${modeKey}:account:${field}`;
  col.children.push(v('article', { class: 'account-result' },
    v('h4', {}, 'Account'),
    pastNote(words && words.pastAccount(a, unit, coin), 'past-account'),
    v('dl', {},
      m(akey('equity'), `Equity (${unit})`, amt(a.equity)),
      m(akey('maintenanceMargin'), `Maintenance margin (${unit})`, amt(a.maintenanceMargin)),
      m(akey('marginRatio'), 'Margin ratio', a.marginRatio === null ? '—' : fmt.percent(a.marginRatio)),
      m(akey('availableBalance'), `Available (${unit})`, amt(a.availableBalance)),
      m(akey('maxLoss'), `Most it can lose (${unit})`, amt(a.maxLoss)))));
  return col;
}

/** A warning line above a result, or nothing. */
function pastNote(text, kind) {
  return text ? v('p', { class: 'warn past', 'data-past': kind }, text) : null;
}

// The words for a position or account past liquidation (messages.js), loaded when a report first has one.
let words = null;
let wordsLoading = false;
function needWords(report) {
  if (words || wordsLoading) return;
  const past = (m) => m.account.availableBalance < 0 || m.account.equity <= m.account.maintenanceMargin || m.positions.some(isPastLiquidation);
  if (!past(report.isolated) && !past(report.cross)) return;
  wordsLoading = true;
  import('./messages.js').then((m) => {
    words = m;
    renderResults();
  });
}

function verdictLines(report, scenario) {
  const coin = scenario.positions[0].contract === 'inverse';
  const unit = state.asset;
  needWords(report);
  return [...(words ? words.accountVerdict(report, unit, coin) : []), ...report.comparisons.map((c) => {
    const p = scenario.positions[c.position];
    const iso = report.isolated.positions[c.position];
    const cross = report.cross.positions[c.position];
    const risk = `puts ${c.crossMaxLoss > c.isolatedMaxLoss ? 'the whole' : ''} ${fmt.amount(c.crossMaxLoss, coin)} ${unit} at risk instead of ${fmt.amount(c.isolatedMaxLoss, coin)}`.replace('  ', ' ');
    const past = words && words.pastVerdict(p, iso, cross, risk);
    if (past) return past;
    if (c.distanceGain === null) {
      if (cross.liquidationPrice === null && iso.liquidationPrice !== null) return `${p.symbol} ${p.side}: cross removes the liquidation price (isolated liquidates at ${fmt.price(iso.liquidationPrice)}) but ${risk}.`;
      if (iso.liquidationPrice === null && cross.liquidationPrice !== null) return `${p.symbol} ${p.side}: isolated never liquidates; cross liquidates at ${fmt.price(cross.liquidationPrice)} and ${risk}.`;
      return `${p.symbol} ${p.side}: neither mode liquidates this position.`;
    }
    const dir = c.distanceGain >= 0 ? 'further away' : 'closer';
    return `${p.symbol} ${p.side}: cross moves the liquidation ${fmt.percent(Math.abs(c.distanceGain))} of the mark ${dir} ` +
      `(${fmt.price(iso.liquidationPrice)} isolated, ${fmt.price(cross.liquidationPrice)} cross) but ${risk}.`;
  })];
}

/** The isolated and cross columns (and "as given"), with the steps of every open "show the math". */
function renderColumns() {
  const { report, reportScenario: scenario } = state;
  if (!report) return;
  const cols = $('columns');
  patch(cols, [renderOutcome('isolated', 'Isolated', report.isolated, scenario),
    renderOutcome('cross', 'Cross', report.cross, scenario),
    report.asGiven ? renderOutcome('asGiven', 'As given', report.asGiven, scenario) : null]);
  cols.classList.toggle('three', !!report.asGiven);
}

function renderResults() {
  const { report, reportScenario: scenario } = state;
  if (!report) return;
  patch($('verdict'), verdictLines(report, scenario).map((line) => v('li', {}, line)));
  renderColumns();
  if (embed) renderKeyLines(report);
  // The numbers first; the chart in the next frame (it is the slowest part to draw).
  cancelAnimationFrame(state.chartFrame);
  state.chartFrame = requestAnimationFrame(() => renderChartSection());
  // The risk lab keeps what was typed in its forms; it is rebuilt only when the positions change.
  const signature = scenario.positions.map((p) => `${p.symbol}/${p.side}/${p.contract}`).join('|');
  if (signature !== state.riskSignature) {
    state.riskSignature = signature;
    state.riskRefresh = null;
    const draw = () => import('./risk.js').then(({ renderRiskLab }) => {
      if (state.riskSignature !== signature) return;  // the positions changed again: a newer call draws it
      state.riskDrawn = true;
      state.riskRefresh = renderRiskLab($('risk'), { getFullLab, getScenario: () => state.reportScenario, asset: state.asset,
        lots: (rules, symbol, q) => state.venues.lots(rules, symbol, q) });
    });
    // The lab's code and forms load the first time its section comes near the screen: a reader who stays
    // with the results (or an embed, where it is hidden) never fetches them. Once drawn, it follows at once.
    if (state.riskDrawn) draw();
    else whenNear($('risk'), draw);
  }
}

/** Runs `then` once `element` is within 200 px of the screen (at once where there is no IntersectionObserver);
 *  a newer call replaces a pending one. */
let nearWatch = null;
function whenNear(element, then) {
  if (nearWatch) nearWatch.disconnect();
  if (typeof IntersectionObserver !== 'function') return void then();
  nearWatch = new IntersectionObserver((entries, observer) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    observer.disconnect();
    nearWatch = null;
    then();
  }, { rootMargin: '200px 0px' });
  nearWatch.observe(element);
}

/** In an embed, each position's liquidation prices under its inputs: on a phone the results come after
 *  every input, a screen or more down. The numbers are the report's, as in the columns. */
function renderKeyLines(report) {
  const modes = [['isolated', 'isolated'], ['cross', 'cross'], ['asGiven', 'as given']].filter(([k]) => report[k]);
  report.isolated.positions.forEach((_, i) => {
    const line = $(`key-line-${i}`);
    if (!line) return;
    line.textContent = 'Liquidation: ' + modes.map(([k, name]) => {
      const o = report[k].positions[i];
      const price = o.liquidationPrice === null ? 'none' : fmt.price(o.liquidationPrice);
      return `${price} ${name}${o.pastLiquidation ? ' (already past)' : ''}`;
    }).join(' · ');
  });
}

function renderChartSection() {
  const scenario = state.reportScenario;
  const symbols = [...new Set(scenario.positions.map((p) => p.symbol))];
  if (!symbols.includes(state.chartSymbol)) state.chartSymbol = symbols[0];
  const pick = $('chart-symbol');
  if (pick.options.length !== symbols.length || symbols.some((s, i) => pick.options[i].value !== s)) {
    clear(pick);
    for (const s of symbols) pick.append(h('option', { value: s }, s));
  }
  if (pick.value !== state.chartSymbol) pick.value = state.chartSymbol;
  const index = scenario.positions.findIndex((p) => p.symbol === state.chartSymbol);
  // The chart (uPlot) is a chunk of its own, loaded after the first numbers are on screen.
  const report = state.report;
  import('./chart.js').then(({ renderChart }) => {
    if (state.report === report) renderChart($('chart'), $('chart-summary'), state.lab, scenario, report, index, state.chartEmphasis);
  });
}

// ---------------------------------------------------------------------------------------------
// The update loop.

function update() {
  const { scenario, local, asked } = scenarioFromForm(state.form);
  let errors = [];
  if (Object.keys(local).length === 0) {
    const filled = state.venues.fill(scenario);
    const report = state.lab.evaluate(filled);
    errors = report.errors;
    showAsset(report.settlementAsset);
    // An implausible value is questioned unless the core refuses it (its message says more); either way nothing is kept.
    for (const [path, question] of Object.entries(asked)) if (!errors.some((e) => e.path === path)) local[path] = question;
    if (errors.length === 0 && Object.keys(local).length === 0) {
      state.report = report;
      state.reportScenario = filled;
      state.formScenario = scenario;
      state.asset = report.settlementAsset;
      math.renew();
      router.save('calculator');
    }
  }
  const count = kit.showErrors(local, errors);
  showStale({ results: $('results'), note: $('stale-note'), status: $('status') }, count, state.report !== null, 'scenario');
  renderResults();
  if (state.riskRefresh) state.riskRefresh(count > 0);  // the risk lab's answers follow the results
  if (state.learn) state.learn.refresh();
}

/** A value from a link, short enough to quote in a notice (numbers as numbers, the rest in quotes). */
function quoted(x) {
  if (typeof x === 'number' || x === null) return x === null ? 'null' : fmt.plain(x);
  const t = fieldText(x);
  return JSON.stringify(t.length > 40 ? t.slice(0, 40) + '…' : t);
}

/** What the page changes when it loads a scenario from a link or an attribute, said in words. */
function loadNotes(s) {
  const notes = [];
  if (Array.isArray(s.positions) && s.positions.length > MAX_POSITIONS) {
    notes.push(`The link holds ${s.positions.length} positions; this page edits at most ${MAX_POSITIONS}, so it shows the first ${MAX_POSITIONS}.`);
  }
  if (s.rules !== undefined && typeof s.rules !== 'string') notes.push(`rules (${quoted(s.rules)}) is not a name; Binance's rules are used.`);
  (Array.isArray(s.positions) ? s.positions : []).slice(0, MAX_POSITIONS).forEach((p, i) => {
    for (const [key, allowed] of [['contract', ['linear', 'inverse']], ['side', ['long', 'short']], ['marginMode', ['isolated', 'cross']]]) {
      const x = p && typeof p === 'object' ? p[key] : undefined;
      if (x !== undefined && !allowed.includes(x)) {
        notes.push(`positions[${i}].${key} (${quoted(x)}) is not ${allowed.join(' or ')}; ${key === 'marginMode' ? 'both modes are compared' : allowed[0] + ' is used'}.`);
      }
    }
  });
  if (s.tiers !== undefined && (s.tiers === null || typeof s.tiers !== 'object' || Array.isArray(s.tiers))) {
    notes.push('tiers is not a table keyed by symbol; it is ignored.');
  } else if (s.tiers) {
    for (const [symbol, rows] of Object.entries(s.tiers)) {
      if (!Array.isArray(rows)) notes.push(`The tier table for ${quoted(symbol)} is not a list of rows; it is ignored.`);
      else if (rows.length > MAX_TIER_ROWS) notes.push(`The tier table for ${quoted(symbol)} has ${rows.length} rows; this page keeps the first ${MAX_TIER_ROWS}.`);
    }
  }
  return notes.length > 4 ? [...notes.slice(0, 3), `(and ${notes.length - 3} more changes like these)`] : notes;
}

/**
 * Takes the scenario a link holds ({ scenario } or { error } from router.read) into the form.
 * Returns true when the form changed. Whatever is wrong with the link is said in the notice, as
 * text; on first load the example stays, later (a pasted link) the scenario on the page stays.
 * A version 2 scenario (an options account) is kept in state.optionsLink for the caller to open.
 */
function loadLink({ scenario, error }, first) {
  const fallback = first ? ' The example scenario is shown instead.' : ' The page keeps the scenario it had.';
  if (error) {
    showNotice(error + fallback);
    return false;
  }
  if (!scenario) return false;
  if (scenario.version === 2) {
    const { request, ...rest } = scenario;
    state.optionsLink = { scenario: rest, request };
    document.documentElement.classList.add('options-mode');
    return false;
  }
  if (scenario.version === 3) {
    state.accountLink = scenario;
    document.documentElement.classList.add('options-mode');
    return false;
  }
  if (scenario.version !== undefined && scenario.version !== 1) {
    showNotice(`The link holds a scenario of version ${quoted(scenario.version)}; this page reads version 1, version 2 for options accounts and version 3 for accounts.${fallback}`);
    return false;
  }
  const form = formFromScenario(scenario);
  if (form.positions.length === 0) {
    showNotice(`The link holds no positions.${fallback}`);
    return false;
  }
  state.form = form;
  showNotice(loadNotes(scenario).join(' '));
  return true;
}

/** A link pasted into the open page (the fragment changed from outside). */
async function followLink() {
  const asked = await router.read();
  if (asked.lesson !== undefined) return openLessons(asked.lesson);
  state.optionsLink = state.accountLink = null;
  if (loadLink(asked, false)) {
    closeOptions(false);
    closeAccount(false);
    renderInputs();
    update();
  } else if (state.optionsLink) {
    if (state.options) state.options.load(state.optionsLink);
    else await openOptions(state.optionsLink);
  } else if (state.accountLink) {
    if (state.account) state.account.load(state.accountLink);
    else await openAccount(state.accountLink);
  }
}

function showNotice(text) {
  const n = $('notice');
  n.textContent = text;
  n.hidden = !text;
}

// ---------------------------------------------------------------------------------------------
// Share and embed.

/** The embed snippets for the page at `href`: an iframe (with the height protocol's listener) and the element. */
function shareSnippets(href) {
  const url = new URL(href);
  // A file opened from disk has no address another page can load: the snippets name a placeholder.
  const local = url.protocol === 'file:' || url.origin === 'null';
  const base = local ? 'https://YOUR-HOST/marginlab/' : new URL('.', url).href;
  const id = 'marginlab-frame';
  const iframe = `<iframe id="${id}" src="${base}index.html?embed=1${url.hash}" title="MarginLab calculator" width="100%" height="720" loading="lazy"></iframe>
<script>
// The calculator posts {type: "${HEIGHT_MESSAGE}", height: <pixels>} whenever its content's height changes.
addEventListener("message", (e) => {
  const frame = document.getElementById("${id}"), h = e.data && e.data.type === "${HEIGHT_MESSAGE}" ? e.data.height : NaN;
  if (e.source === frame.contentWindow && e.origin === "${new URL(base).origin}" && typeof h === "number" && h >= ${MIN_HEIGHT} && h <= ${MAX_HEIGHT}) frame.height = Math.ceil(h);
});
</script>`;
  const json = JSON.stringify(router.linkObject() || state.formScenario || defaultScenario).replace(/&/g, '&amp;').replace(/'/g, '&#39;');
  const element = `<script type="module" src="${base}margin-lab.js"></script>
<margin-lab scenario='${json}'><a href="${base}index.html${url.hash}">Open the MarginLab calculator</a></margin-lab>`;
  return { iframe, element, local };
}

let embedShown = 0;  // the last refresh of the open Embed panel wins

/** The open Embed panel's snippets, for the link on screen now (written at once). */
async function refreshEmbed() {
  if ($('embed-panel').hidden) return;
  const mine = ++embedShown;
  const href = await router.saveNow();
  if (mine !== embedShown) return;
  const { iframe, element, local } = shareSnippets(href);
  $('embed-iframe').value = iframe;
  $('embed-element').value = element;
  $('embed-local').hidden = !local;
}

/**
 * Replaces the calculator's scenario (null: resets the open options account) as a new history entry:
 * Back brings the one before it back (followLink). The link before is taken at once (saveNow reads
 * it before it encodes), the new scenario shown at once. Reset and an import use it.
 */
async function replaceScenario(scenario, notice) {
  const saved = router.saveNow();
  if (!scenario && state.account) state.account.reset();
  else if (!scenario) state.options.reset();
  else {
    if (state.options) closeOptions(false);
    if (state.account) closeAccount(false);
    state.form = formFromScenario(scenario);
    math.reset();
    showNotice(notice);
    renderInputs();
    update();
  }
  await saved;
  await router.push();
}

async function copyText(text, status) {
  try {
    await navigator.clipboard.writeText(text);
    $(status).textContent = 'Copied.';
  } catch {
    $(status).textContent = 'Select the text and copy it.';
  }
}

function wireHeader() {
  $('reset').addEventListener('click', () => replaceScenario(state.options || state.account ? null : defaultScenario, ''));
  $('copy-link').addEventListener('click', async () => {
    const href = await router.saveNow();
    try {
      await navigator.clipboard.writeText(href);
      $('share-status').textContent = 'Link copied.';
    } catch {
      $('share-status').textContent = 'Copy this link: ' + href;
    }
  });
  $('import-open').addEventListener('click', async () => {
    const panel = $('import-panel');
    panel.hidden = !panel.hidden;
    $('import-open').setAttribute('aria-expanded', panel.hidden ? 'false' : 'true');
    if (!panel.hidden) (await import('./import-panel.js')).openImport(panel, async () => state.lab,
      (scenario) => replaceScenario(scenario, 'Imported from the exchange response; Back brings the previous scenario back.'), getFullLab);
  });
  $('embed').addEventListener('click', async () => {
    const panel = $('embed-panel');
    panel.hidden = !panel.hidden;
    $('embed').setAttribute('aria-expanded', panel.hidden ? 'false' : 'true');
    $('embed-status').textContent = '';
    await refreshEmbed();
  });
  router.onWrite(refreshEmbed);  // every mode's edits reach the open panel through its link
  for (const which of ['iframe', 'element']) {
    $(`copy-${which}`).addEventListener('click', () => copyText($(`embed-${which}`).value, 'embed-status'));
  }
  $('learn-toggle').addEventListener('click', () => (state.learn ? closeLessons() : openLessons(null)));
  $('options-toggle').addEventListener('click', () => (state.options ? closeOptions() : openOptions(null)));
  $('account-toggle').addEventListener('click', () => (state.account ? closeAccount() : openAccount(null)));
  document.addEventListener('keydown', (e) => state.learn && state.learn.onKey(e));
  $('chart-symbol').addEventListener('change', (e) => {
    state.chartSymbol = e.target.value;
    renderChartSection();
  });
}

// ---------------------------------------------------------------------------------------------

/** The risk lab's module, loaded on first use (the standalone file has it already). */
let fullLab = null;
async function getFullLab() {
  if (typeof __WASM_BASE64__ === 'string') return state.lab;
  if (!fullLab) fullLab = import('./marginlab-full.js').then((m) => m.default()).then((f) => state.venues.useFull(f));
  return fullLab;
}

function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The calculator owns the fragment again; `write`: its link is written now. */
function calculatorOwnsLink(write) {
  router.own('calculator', () => state.formScenario);
  if (write) router.save('calculator', 0);
}

// ---------------------------------------------------------------------------------------------
// Learn mode (web/src/learn.js, lessons in web/lessons/): a chunk loaded when a lesson opens.

async function openLessons(id) {
  closeOptions();
  closeAccount();
  const learn = await import('./learn.js');
  if (id && learn.lessonIndex(id) < 0) showNotice(`There is no lesson "${id.slice(0, 40)}"; the first lesson is shown.`);
  state.learn = learn;
  $('learn-toggle').setAttribute('aria-pressed', 'true');
  document.documentElement.classList.add('learning');
  await learn.openLearn({
    lab: state.lab,
    getFullLab,
    load(scenario) {
      state.form = formFromScenario(scenario);
      math.reset();
      renderInputs();
      update();
    },
    current: () => ({ scenario: state.reportScenario, report: state.report }),
    openAccount,  // an account lesson's "Try it": closes the lessons, opens the account mode with it
    emphasise(keys, kinds) {
      const same = keys.length === state.highlight.size && keys.every((k) => state.highlight.has(k)) &&
        kinds.join() === state.chartEmphasis.join();
      if (same) return;
      state.highlight = new Set(keys);
      state.chartEmphasis = kinds;
      renderResults();
    },
    close: closeLessons,
  }, id);
}

function closeLessons() {
  if (!state.learn) return;
  state.learn.closeLearn();
  state.learn = null;
  $('learn-toggle').setAttribute('aria-pressed', 'false');
  document.documentElement.classList.remove('learning');
  calculatorOwnsLink(true);
  $('learn-toggle').focus();
}

// ---------------------------------------------------------------------------------------------
// The options account (web/src/options.js): a chunk loaded when it is opened, in place of the calculator.

async function openOptions(link) {
  closeLessons();
  closeAccount(false);
  router.own('options', () => state.options && state.options.linkObject());
  document.documentElement.classList.add('options-mode');
  $('options-toggle').setAttribute('aria-pressed', 'true');
  try {
    const options = await import('./options.js');
    state.options = options;
    await options.openOptions($('options'), {
      getFullLab, loadModule: () => import('./marginlab-full.js'), notice: showNotice,
      inlineStyles: typeof __WASM_BASE64__ === 'string',  // the standalone file carries options.css inline
    }, link);
  } catch (e) {
    $('options').hidden = false;
    $('options').textContent = 'The options account could not load: ' + (e && e.message ? e.message : String(e));
  }
}

/** Closes the options account or the account (`name`, its chunk in state[name], its section #name)
 *  and gives the page back to the calculator. `writeLink` false: a link being loaded replaces it, and
 *  the fragment holds it already. */
function closeMode(name, close, writeLink) {
  if (!state[name]) return;
  close(state[name], $(name));
  state[name] = null;
  $(`${name}-toggle`).setAttribute('aria-pressed', 'false');
  document.documentElement.classList.remove('options-mode');
  calculatorOwnsLink(writeLink);
  if (writeLink) showNotice('');
}

function closeOptions(writeLink = true) {
  closeMode('options', (chunk, node) => chunk.closeOptions(node), writeLink);
}

// ---------------------------------------------------------------------------------------------
// The account, version 3 (web/src/account.js): a chunk loaded when it is opened, in place of the calculator.

async function openAccount(link) {
  closeLessons();
  closeOptions(false);
  router.own('account', () => state.account && state.account.linkObject());
  document.documentElement.classList.add('options-mode');
  $('account-toggle').setAttribute('aria-pressed', 'true');
  try {
    const account = await import('./account.js');
    state.account = account;
    await account.openAccount($('account'), { getFullLab, notice: showNotice, inlineStyles: typeof __WASM_BASE64__ === 'string' }, link);
  } catch (e) {
    $('account').hidden = false;
    $('account').textContent = 'The account could not load: ' + (e && e.message ? e.message : String(e));
  }
}

function closeAccount(writeLink = true) {
  closeMode('account', (chunk, node) => chunk.closeAccount(node), writeLink);
}

async function main() {
  if (embed) {
    document.documentElement.classList.add('embed');
    postHeights();
  }
  const wasmBase64 = typeof __WASM_BASE64__ === 'string' ? __WASM_BASE64__ : null;
  // A language other than English loads its catalogue beside the core (nothing more for English).
  const [lab] = await Promise.all([createMarginLab(wasmBase64 ? { wasmBinary: decodeBase64(wasmBase64) } : {}),
    startLanguage(fmt.setLocale)]);
  state.lab = lab;
  $('version').textContent = `v${state.lab.version}`;
  state.venues = createVenues(state.lab, (redraw) => { if (redraw) renderTierEditors(); update(); }, getFullLab);
  calculatorOwnsLink(false);
  const asked = await router.read();
  if (asked.lesson === undefined) loadLink(asked, true);
  wireHeader();
  renderInputs();
  update();
  performance.mark('marginlab:first-result');  // read by scripts/measure.mjs
  await loadPhrases();  // the errors on screen are placed again in words for people, before the page says it is ready
  if (asked.lesson !== undefined) await openLessons(asked.lesson);
  else if (state.optionsLink) await openOptions(state.optionsLink);
  else if (state.accountLink) await openAccount(state.accountLink);
  router.listen(followLink);
  document.documentElement.dataset.ready = 'true';
}

main().catch((e) => {
  const n = document.getElementById('notice');
  if (n) {
    n.hidden = false;
    n.textContent = 'MarginLab could not start: ' + (e && e.message ? e.message : String(e));
  }
});
