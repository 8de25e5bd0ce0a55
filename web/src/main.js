// SPDX-License-Identifier: MIT
// MarginLab page: form state -> Scenario -> lab.evaluate -> render. Every margin number shown
// comes from the core; this file only parses what people type and lays the results out.
import createMarginLab, { defaultScenario } from './marginlab.js';
import { decodeScenario, encodeScenario } from './fragment.js';
import * as fmt from './format.js';
import { fieldText, numberReader } from './fields.js';
import { h, v, clear, patch, materialize } from './dom.js';

/* global __WASM_BASE64__ */
const RULES = [
  ['binance', 'Binance'], ['bybit', 'Bybit (classic)'], ['bybit-uta', 'Bybit (Unified account)'], ['okx', 'OKX'],
  ['hyperliquid', 'Hyperliquid'], ['bitmex', 'BitMEX'], ['dydx', 'dYdX v4'], ['simple', 'Textbook (no fees)'],
];
const MAX_POSITIONS = 50;
const embed = new URLSearchParams(location.search).get('embed') === '1';

// ---------------------------------------------------------------------------------------------
// Form state: the text of every field exactly as typed, so nothing typed is ever lost.

const MAX_TIER_ROWS = 64;

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
  const num = numberReader(local);
  const scenario = { version: 1, rules: form.rules, walletBalance: num(form.walletBalance, 'walletBalance', true), positions: [] };
  const fee = num(form.takerFeeRate, 'takerFeeRate', false, 100);
  if (fee !== undefined) scenario.takerFeeRate = fee;
  form.positions.forEach((p, i) => {
    const at = `positions[${i}].`;
    const q = { symbol: p.symbol.trim(), contract: p.contract, side: p.side };
    for (const [key, required] of [['contractSize', false], ['quantity', true], ['entryPrice', true], ['markPrice', false],
      ['leverage', true], ['isolatedMargin', false]]) {
      const x = num(p[key], at + key, required);
      if (x !== undefined) q[key] = x;
    }
    if (p.marginMode) q.marginMode = p.marginMode;
    scenario.positions.push(q);
  });
  const tiers = Object.create(null);
  for (const [symbol, rows] of Object.entries(form.tiers)) {
    tiers[symbol] = rows.map((r, j) => {
      const at = `tiers.${symbol}[${j}].`;
      const row = {};
      const cap = num(r.notionalCap, at + 'notionalCap', true);
      const lev = num(r.maxLeverage, at + 'maxLeverage', true);
      const mmr = num(r.maintenanceMarginRate, at + 'maintenanceMarginRate', false, 100);
      const amt = num(r.maintenanceAmount, at + 'maintenanceAmount', false);
      if (cap !== undefined) row.notionalCap = cap;
      if (lev !== undefined) row.maxLeverage = lev;
      if (mmr !== undefined) row.maintenanceMarginRate = mmr;
      if (amt !== undefined) row.maintenanceAmount = amt;
      return row;
    });
  }
  if (Object.keys(tiers).length) scenario.tiers = tiers;
  return { scenario, local };
}

// ---------------------------------------------------------------------------------------------
// Page state.

const state = {
  lab: null,
  form: formFromScenario(defaultScenario),
  report: null,          // the last report without errors
  reportScenario: null,  // the scenario it was computed from
  stale: false,
  chartSymbol: null,
  open: new Set(),       // "mode:position:field" of the "show the math" panels that are open
  steps: new Map(),      // the same keys -> the steps of the results on screen
  highlight: new Set(),  // metric keys a lesson points at
  chartEmphasis: [],     // chart line kinds a lesson points at ('liq-iso', 'mark', ...)
  learn: null,           // web/src/learn.js while a lesson is open
  notice: '',
  riskSignature: '',
  chartFrame: 0,
  openTiers: new Set(),  // symbols whose tier editor is open
  options: null,         // web/src/options.js while the options account is open
  optionsLink: null,     // a version 2 scenario from the link, opened after the first result
};

const $ = (id) => document.getElementById(id);

function symbolsOf(form) {
  const seen = [];
  for (const p of form.positions) {
    const s = p.symbol.trim();
    if (s && !seen.includes(s)) seen.push(s);
  }
  return seen;
}

function presetFor(rules, symbol) {
  const tables = state.lab.defaultTiers(rules, symbol);
  return tables.length ? tables[0] : state.lab.defaultTiers(rules).find((t) => t.symbols.includes('*')) || null;
}

// ---------------------------------------------------------------------------------------------
// Inputs.

function field(label, path, value, { unit = '', hint = '', onInput, wide = false } = {}) {
  const id = 'f-' + path.replace(/[^A-Za-z0-9]/g, '-');
  const input = h('input', { id, type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false',
    value, 'data-path': path, 'aria-describedby': id + '-err' });
  input.addEventListener('input', () => onInput(input.value));
  return h('div', { class: 'field' + (wide ? ' wide' : '') },
    h('label', { for: id }, label, unit ? h('span', { class: 'unit' }, ` (${unit})`) : null),
    input,
    hint ? h('small', { class: 'hint' }, hint) : null,
    h('p', { class: 'error', id: id + '-err', 'data-error-for': path, role: 'status' }));
}

function select(label, path, value, options, onChange) {
  const id = 'f-' + path.replace(/[^A-Za-z0-9]/g, '-');
  const el = h('select', { id, 'data-path': path, 'aria-describedby': id + '-err' },
    ...options.map(([v, text]) => h('option', { value: v, selected: v === value ? '' : null }, text)));
  el.value = value;
  el.addEventListener('change', () => onChange(el.value));
  return h('div', { class: 'field' }, h('label', { for: id }, label), el,
    h('p', { class: 'error', id: id + '-err', 'data-error-for': path, role: 'status' }));
}

function renderInputs() {
  const form = state.form;
  const root = $('inputs');
  clear(root);
  const first = form.positions[0] || { symbol: 'BTCUSDT', contract: 'linear' };
  const unit = fmt.settlementUnit(first.symbol, first.contract);
  root.append(
    h('h2', {}, 'Scenario'),
    h('div', { class: 'grid account-fields' },
      select('Rules', 'rules', form.rules, RULES, (v) => { form.rules = v; renderTierEditors(); update(); }),
      field('Wallet balance', 'walletBalance', form.walletBalance, { unit, onInput: (v) => { form.walletBalance = v; update(); } }),
      field('Taker fee', 'takerFeeRate', form.takerFeeRate, { unit: '%', hint: 'Blank: the venue\'s own rate.',
        onInput: (v) => { form.takerFeeRate = v; update(); } })),
    h('h3', {}, 'Positions'),
    h('div', { id: 'positions' }),
    h('div', { class: 'row-actions' },
      h('button', { type: 'button', id: 'add-position', disabled: form.positions.length >= MAX_POSITIONS ? '' : null },
        '+ Add position')),
    h('div', { id: 'tiers' }));
  $('add-position').addEventListener('click', () => {
    const last = form.positions[form.positions.length - 1];
    form.positions.push(last ? { ...last } : formFromScenario(defaultScenario).positions[0]);
    renderInputs();
    update();
  });
  renderPositions();
  renderTierEditors();
}

function renderPositions() {
  const form = state.form;
  const root = $('positions');
  clear(root);
  form.positions.forEach((p, i) => {
    const at = `positions[${i}].`;
    const set = (key, rerenderTiers = false) => (v) => {
      p[key] = v;
      if (rerenderTiers) renderTierEditors();
      update();
    };
    const unit = fmt.settlementUnit(p.symbol, p.contract);
    const card = h('fieldset', { class: 'position' },
      h('legend', {}, `Position ${i + 1}`),
      h('div', { class: 'grid' },
        field('Symbol', at + 'symbol', p.symbol, { onInput: set('symbol', true) }),
        select('Contract', at + 'contract', p.contract, [['linear', 'Linear (quote-settled)'], ['inverse', 'Inverse (coin-settled)']],
          (v) => { p.contract = v; renderPositions(); update(); }),
        select('Side', at + 'side', p.side, [['long', 'Long'], ['short', 'Short']], set('side')),
        field('Size', at + 'quantity', p.quantity, { unit: 'contracts', onInput: set('quantity') }),
        field('Contract size', at + 'contractSize', p.contractSize,
          { unit: p.contract === 'inverse' ? 'USD per contract' : 'base per contract', onInput: set('contractSize') }),
        field('Entry price', at + 'entryPrice', p.entryPrice, { unit: 'quote', onInput: set('entryPrice') }),
        field('Mark price', at + 'markPrice', p.markPrice, { unit: 'quote', hint: 'Blank: the entry price.', onInput: set('markPrice') }),
        field('Leverage', at + 'leverage', p.leverage, { unit: '×', onInput: set('leverage') }),
        field('Isolated margin', at + 'isolatedMargin', p.isolatedMargin,
          { unit, hint: 'Blank: the initial margin.', onInput: set('isolatedMargin') }),
        select('Margin mode', at + 'marginMode', p.marginMode,
          [['', 'Compare both'], ['isolated', 'Isolated'], ['cross', 'Cross']], set('marginMode'))),
      h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'dup', 'aria-label': `Duplicate position ${i + 1}`,
          disabled: form.positions.length >= MAX_POSITIONS ? '' : null }, 'Duplicate'),
        h('button', { type: 'button', class: 'remove', 'aria-label': `Remove position ${i + 1}`,
          disabled: form.positions.length <= 1 ? '' : null }, 'Remove')));
    card.querySelector('.dup').addEventListener('click', () => {
      form.positions.splice(i + 1, 0, { ...p });
      renderPositions();
      update();
    });
    card.querySelector('.remove').addEventListener('click', () => {
      form.positions.splice(i, 1);
      renderInputs();
      update();
    });
    root.append(card);
  });
}

function renderTierEditors() {
  const form = state.form;
  const root = $('tiers');
  if (!root) return;
  clear(root);
  root.append(h('h3', {}, 'Tiers'));
  for (const symbol of symbolsOf(form)) {
    const custom = form.tiers[symbol];
    const preset = presetFor(form.rules, symbol);
    const rows = custom || (preset ? formFromScenario({ tiers: { [symbol]: preset.tiers } }).tiers[symbol] : []);
    const caption = custom ? `${symbol}: your table` : preset ? `${symbol}: ${preset.source} (${preset.date})`
      : `${symbol}: no preset for these rules; add rows`;
    const path = `tiers.${symbol}`;
    const summary = h('summary', {}, `Tiers for ${symbol}`, custom ? ' (edited)' : '');
    const table = h('table', { class: 'tiers' },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Notional cap'), h('th', { scope: 'col' }, 'Max leverage (×)'),
        h('th', { scope: 'col' }, 'Maintenance rate (%)'), h('th', { scope: 'col' }, 'Maintenance amount'), h('th', {}, ''))),
      h('tbody', {}));
    const tbody = table.querySelector('tbody');
    const own = () => {
      if (!form.tiers[symbol]) form.tiers[symbol] = rows.map((r) => ({ ...r }));
      return form.tiers[symbol];
    };
    // The rows are built when the editor is first opened (most people never open it).
    const buildRows = () => rows.forEach((r, j) => {
      const cell = (key, label) => {
        const id = `f-${path}-${j}-${key}`.replace(/[^A-Za-z0-9-]/g, '-');
        const input = h('input', { id, type: 'text', inputmode: 'decimal', value: r[key], 'aria-label': `${symbol} tier ${j + 1} ${label}`,
          'data-path': `${path}[${j}].${key}`, 'aria-describedby': id + '-err' });
        input.addEventListener('input', () => {
          own()[j][key] = input.value;
          summary.textContent = `Tiers for ${symbol} (edited)`;
          update();
        });
        return h('td', {}, input, h('p', { class: 'error', id: id + '-err', 'data-error-for': `${path}[${j}].${key}`, role: 'status' }));
      };
      const remove = h('button', { type: 'button', 'aria-label': `Remove ${symbol} tier ${j + 1}` }, '×');
      remove.addEventListener('click', () => { own().splice(j, 1); renderTierEditors(); update(); });
      tbody.append(h('tr', {}, cell('notionalCap', 'notional cap'), cell('maxLeverage', 'max leverage'),
        cell('maintenanceMarginRate', 'maintenance rate'), cell('maintenanceAmount', 'maintenance amount'), h('td', {}, remove)));
    });
    const addRow = h('button', { type: 'button' }, '+ Row');
    addRow.addEventListener('click', () => {
      own().push({ notionalCap: '', maxLeverage: '', maintenanceMarginRate: '', maintenanceAmount: '' });
      renderTierEditors();
      update();
    });
    const reset = h('button', { type: 'button', disabled: custom && preset ? null : '' }, 'Use the preset');
    reset.addEventListener('click', () => { delete form.tiers[symbol]; renderTierEditors(); update(); });
    const open = state.openTiers.has(symbol) || (custom && !preset);
    const details = h('details', { class: 'tier-editor', open: open ? '' : null }, summary,
      h('div', { class: 'table-wrap' }, table),
      h('p', { class: 'error', 'data-error-for': path, role: 'status' }),
      h('div', { class: 'row-actions' }, addRow, reset));
    if (open) buildRows();
    details.addEventListener('toggle', () => {
      if (details.open) {
        state.openTiers.add(symbol);
        if (!tbody.firstChild) buildRows();
      } else {
        state.openTiers.delete(symbol);
      }
    });
    root.append(details);
  }
}

// ---------------------------------------------------------------------------------------------
// Errors next to their fields.

/** The messages and marks showErrors set last: cleared one by one, not by searching the page. */
let shownErrors = [];

function showErrors(local, coreErrors) {
  for (const el of shownErrors) {
    if (el.hasAttribute('aria-invalid')) el.removeAttribute('aria-invalid');
    else el.textContent = '';
  }
  shownErrors = [];
  const all = Object.entries(local).map(([path, message]) => ({ path, message }));
  for (const e of coreErrors) if (!local[e.path]) all.push(e);
  const unplaced = [];
  for (const e of all) {
    const slot = findErrorSlot(e.path);
    if (!slot) {
      unplaced.push(e);
      continue;
    }
    slot.textContent = slot.textContent ? slot.textContent + ' ' + e.message : e.message;
    shownErrors.push(slot);
    // An error in a closed tier editor would be invisible: open it (its rows are built on toggle).
    const closed = slot.closest('details:not([open])');
    if (closed) closed.open = true;
    const input = document.querySelector(`[data-path="${CSS.escape(e.path)}"]`);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      shownErrors.push(input);
    }
  }
  const general = $('general-errors');
  if (general.firstChild) clear(general);
  for (const e of unplaced) general.append(h('li', {}, e.path ? `${e.path}: ${e.message}` : e.message));
  return all.length;
}

function findErrorSlot(path) {
  let p = path;
  while (p) {
    const slot = document.querySelector(`[data-error-for="${CSS.escape(p)}"]`);
    if (slot) return slot;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) break;
    p = p.slice(0, cut);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Results.

function unitOf(scenario) {
  const p = scenario.positions[0];
  return fmt.settlementUnit(p.symbol, p.contract || 'linear');
}

/** The steps of a number, as a virtual list (materialize() it for the DOM). */
function stepsList(steps) {
  return v('ol', { class: 'steps' }, ...steps.map((s) => v('li', {},
    v('span', { class: 'step-label' }, s.label),
    s.formula ? v('code', { class: 'formula' }, s.formula) : null,
    s.substituted ? v('code', { class: 'substituted' }, s.substituted + (s.value === null ? '' : ' = ' + fmt.plain(s.value))) : null)));
}

/** A "show the math" button: opens or closes its panel; the steps are read at click time. */
function toggleMath(event) {
  const button = event.currentTarget;
  const key = button.closest('[data-metric]').getAttribute('data-metric');
  const panel = document.getElementById(button.getAttribute('aria-controls'));
  const now = button.getAttribute('aria-expanded') !== 'true';
  button.setAttribute('aria-expanded', now ? 'true' : 'false');
  if (now && !panel.firstChild) panel.append(materialize(stepsList(state.steps.get(key))));
  panel.hidden = !now;
  if (now) state.open.add(key); else state.open.delete(key);
}

/** One number with its "show the math" toggle. */
function metric(key, label, text, steps, note = '') {
  const open = state.open.has(key);
  const id = 'm-' + key.replace(/[^A-Za-z0-9]/g, '-');
  // The steps become DOM nodes only when shown: most panels stay closed. They are looked up
  // when the panel opens: patch() keeps the button across edits.
  state.steps.set(key, steps);
  return v('div', { class: state.highlight.has(key) ? 'metric highlight' : 'metric', 'data-metric': key },
    v('dt', {}, label, note ? v('small', {}, ' ' + note) : null),
    v('dd', {}, v('button', { type: 'button', class: 'num', 'aria-expanded': open ? 'true' : 'false', 'aria-controls': id,
      title: 'Show the math', on: { click: toggleMath } }, text)),
    v('div', { class: 'math', id, hidden: open ? null : '' }, open ? stepsList(steps) : null));
}

function renderOutcome(modeKey, title, outcome, scenario) {
  const coin = scenario.positions[0].contract === 'inverse';
  const unit = unitOf(scenario);
  const amt = (x) => fmt.amount(x, coin);
  const col = v('section', { class: 'outcome', 'data-mode': modeKey, 'aria-labelledby': `h-${modeKey}` },
    v('h3', { id: `h-${modeKey}` }, title));
  outcome.positions.forEach((o, i) => {
    const p = scenario.positions[i];
    const f = (field) => o.steps.filter((s) => s.field === field);
    const key = (field) => `${modeKey}:${i}:${field}`;
    const lpNote = o.liquidationTier !== null && o.liquidationTier !== o.tier ? `(tier ${o.liquidationTier} there)` : '';
    col.children.push(v('article', { class: 'position-result', 'data-position': String(i) },
      v('h4', {}, `${p.symbol} ${p.side} ${fmt.plain(p.quantity)} @ ${fmt.price(p.entryPrice)}`,
        v('span', { class: 'badge' }, `${fmt.plain(p.leverage ?? 1)}×`)),
      v('dl', {},
        metric(key('liquidationPrice'), 'Liquidation price', o.liquidationPrice === null ? 'none' : fmt.price(o.liquidationPrice), f('liquidationPrice'), lpNote),
        metric(key('bankruptcyPrice'), 'Bankruptcy price', o.bankruptcyPrice === null ? 'none' : fmt.price(o.bankruptcyPrice), f('bankruptcyPrice')),
        metric(key('distanceToLiquidation'), 'Distance to liquidation', o.distanceToLiquidation === null ? 'never' : fmt.percent(o.distanceToLiquidation), f('distanceToLiquidation')),
        metric(key('initialMargin'), `Initial margin (${unit})`, amt(o.initialMargin), f('initialMargin')),
        metric(key('maintenanceMargin'), `Maintenance margin (${unit})`, amt(o.maintenanceMargin), f('maintenanceMargin'),
          `tier ${o.tier}, ${fmt.percent(o.maintenanceMarginRate)}`),
        metric(key('unrealizedPnl'), `Unrealized PnL (${unit})`, amt(o.unrealizedPnl), f('unrealizedPnl')),
        metric(key('roe'), 'ROE', fmt.percent(o.roe), f('roe')),
        metric(key('marginRatio'), 'Margin ratio', o.marginRatio === null ? '—' : fmt.percent(o.marginRatio), f('marginRatio')),
        metric(key('maxLoss'), `At risk (${unit})`, amt(o.maxLoss), f('maxLoss')))));
  });
  const a = outcome.account;
  const af = (field) => a.steps.filter((s) => s.field === field);
  const akey = (field) => `${modeKey}:account:${field}`;
  col.children.push(v('article', { class: 'account-result' },
    v('h4', {}, 'Account'),
    v('dl', {},
      metric(akey('equity'), `Equity (${unit})`, amt(a.equity), af('equity')),
      metric(akey('maintenanceMargin'), `Maintenance margin (${unit})`, amt(a.maintenanceMargin), af('maintenanceMargin')),
      metric(akey('marginRatio'), 'Margin ratio', a.marginRatio === null ? '—' : fmt.percent(a.marginRatio), af('marginRatio')),
      metric(akey('availableBalance'), `Available (${unit})`, amt(a.availableBalance), af('availableBalance')),
      metric(akey('maxLoss'), `Most it can lose (${unit})`, amt(a.maxLoss), af('maxLoss')))));
  return col;
}

function verdictLines(report, scenario) {
  const coin = scenario.positions[0].contract === 'inverse';
  const unit = unitOf(scenario);
  return report.comparisons.map((c) => {
    const p = scenario.positions[c.position];
    const iso = report.isolated.positions[c.position];
    const cross = report.cross.positions[c.position];
    const risk = `puts ${c.crossMaxLoss > c.isolatedMaxLoss ? 'the whole' : ''} ${fmt.amount(c.crossMaxLoss, coin)} ${unit} at risk instead of ${fmt.amount(c.isolatedMaxLoss, coin)}`.replace('  ', ' ');
    if (c.distanceGain === null) {
      if (cross.liquidationPrice === null && iso.liquidationPrice !== null) return `${p.symbol} ${p.side}: cross removes the liquidation price (isolated liquidates at ${fmt.price(iso.liquidationPrice)}) but ${risk}.`;
      if (iso.liquidationPrice === null && cross.liquidationPrice !== null) return `${p.symbol} ${p.side}: isolated never liquidates; cross liquidates at ${fmt.price(cross.liquidationPrice)} and ${risk}.`;
      return `${p.symbol} ${p.side}: neither mode liquidates this position.`;
    }
    const dir = c.distanceGain >= 0 ? 'further away' : 'closer';
    return `${p.symbol} ${p.side}: cross moves the liquidation ${fmt.percent(Math.abs(c.distanceGain))} of the mark ${dir} ` +
      `(${fmt.price(iso.liquidationPrice)} isolated, ${fmt.price(cross.liquidationPrice)} cross) but ${risk}.`;
  });
}

function renderResults() {
  const root = $('results');
  const report = state.report;
  const scenario = state.reportScenario;
  root.classList.toggle('stale', state.stale);
  $('stale-note').hidden = !state.stale;
  if (!report) return;
  // Built afresh, then patched onto the page: only the numbers that changed are touched.
  patch($('verdict'), [v('ul', {}, ...verdictLines(report, scenario).map((line) => v('li', {}, line)))]);
  state.steps.clear();
  const cols = $('columns');
  patch(cols, [renderOutcome('isolated', 'Isolated', report.isolated, scenario),
    renderOutcome('cross', 'Cross', report.cross, scenario),
    report.asGiven ? renderOutcome('asGiven', 'As given', report.asGiven, scenario) : null]);
  cols.classList.toggle('three', !!report.asGiven);
  // The numbers first; the chart in the next frame (it is the slowest part to draw).
  cancelAnimationFrame(state.chartFrame);
  state.chartFrame = requestAnimationFrame(() => renderChartSection());
  // The risk lab keeps what was typed in its forms; it is rebuilt only when the positions change.
  const signature = scenario.positions.map((p) => `${p.symbol}/${p.side}/${p.contract}`).join('|');
  if (signature !== state.riskSignature) {
    state.riskSignature = signature;
    // After the results are on screen: the lab's forms are not needed for the first paint.
    import('./risk.js').then(({ renderRiskLab }) => renderRiskLab($('risk'), { getFullLab, getScenario: () => state.reportScenario }));
  }
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
    if (state.report === report) renderChart($('chart'), $('chart-summary'), state.lab, scenario, report, index, fmt, state.chartEmphasis);
  });
}

// ---------------------------------------------------------------------------------------------
// The update loop.

let fragmentTimer = 0;
function update() {
  const { scenario, local } = scenarioFromForm(state.form);
  let coreErrors = [];
  if (Object.keys(local).length === 0) {
    const report = state.lab.evaluate(scenario, { explain: true });  // the page shows the steps (until it asks on demand)
    coreErrors = report.errors;
    if (coreErrors.length === 0) {
      state.report = report;
      state.reportScenario = scenario;
      state.stale = false;
      clearTimeout(fragmentTimer);
      // A lesson keeps its own link (#lesson=id) while it is open; the options account its own.
      if (!state.learn && !state.options) fragmentTimer = setTimeout(() => writeFragment(scenario), 150);
    }
  }
  const count = showErrors(local, coreErrors);
  if (count) state.stale = state.report !== null;
  renderResults();
  const shown = state.report ? 'the results shown are for the last valid scenario' : 'fix the marked fields to see results';
  $('status').textContent = count ? `${count} input ${count === 1 ? 'error' : 'errors'}: ${shown}.` : '';
  if (state.learn) state.learn.refresh();
}

async function writeFragment(scenario) {
  const text = await encodeScenario(scenario);
  if (state.learn || state.options) return;  // a lesson (#lesson=id) and the options account keep their own links
  if (location.hash.slice(1) !== text) history.replaceState(null, '', '#' + text);
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
      const v = p && typeof p === 'object' ? p[key] : undefined;
      if (v !== undefined && !allowed.includes(v)) {
        notes.push(`positions[${i}].${key} (${quoted(v)}) is not ${allowed.join(' or ')}; ${key === 'marginMode' ? 'both modes are compared' : allowed[0] + ' is used'}.`);
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
 * Reads the scenario in the URL fragment into the form. Returns true when the form changed.
 * Whatever is wrong with the link is said in the notice, as text; on first load the example
 * stays, later (a hashchange) the scenario on the page stays.
 */
async function loadFragment(first = true) {
  const { scenario, error } = await decodeScenario(location.hash);
  const fallback = first ? ' The example scenario is shown instead.' : ' The page keeps the scenario it had.';
  if (error) {
    showNotice(error + fallback);
    return false;
  }
  if (!scenario) return false;
  if (scenario.version === 2) {
    // An options account: opened (web/src/options.js) once the calculator is ready.
    const { request, ...rest } = scenario;
    state.optionsLink = { scenario: rest, request };
    document.documentElement.classList.add('options-mode');
    return false;
  }
  if (scenario.version !== undefined && scenario.version !== 1) {
    showNotice(`The link holds a scenario of version ${quoted(scenario.version)}; this page reads version 1, and version 2 for options accounts.${fallback}`);
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

function showNotice(text) {
  const n = $('notice');
  n.textContent = text;
  n.hidden = !text;
}

// ---------------------------------------------------------------------------------------------
// Share and embed.

function shareSnippets() {
  const url = new URL(location.href);
  const base = url.origin === 'null' ? 'https://YOUR-HOST/marginlab/' : new URL('.', url).href;
  const fragment = url.hash;
  const iframe = `<iframe src="${base}index.html?embed=1${fragment}" title="MarginLab calculator" width="100%" height="720" loading="lazy"></iframe>`;
  const json = JSON.stringify((state.options && state.options.linkObject()) || state.reportScenario || defaultScenario).replace(/&/g, '&amp;').replace(/'/g, '&#39;');
  const element = `<script type="module" src="${base}margin-lab.js"></script>\n<margin-lab scenario='${json}'></margin-lab>`;
  return { iframe, element };
}

function wireHeader() {
  $('reset').addEventListener('click', () => {
    if (state.options) return state.options.reset();
    state.form = formFromScenario(defaultScenario);
    state.open.clear();
    showNotice('');
    renderInputs();
    update();
  });
  $('copy-link').addEventListener('click', async () => {
    if (state.options) await state.options.writeLink();
    else if (state.reportScenario) await writeFragment(state.reportScenario);
    try {
      await navigator.clipboard.writeText(location.href);
      $('share-status').textContent = 'Link copied.';
    } catch {
      $('share-status').textContent = 'Copy this link: ' + location.href;
    }
  });
  $('embed').addEventListener('click', () => {
    const panel = $('embed-panel');
    const { iframe, element } = shareSnippets();
    $('embed-iframe').value = iframe;
    $('embed-element').value = element;
    panel.hidden = !panel.hidden;
    $('embed').setAttribute('aria-expanded', panel.hidden ? 'false' : 'true');
  });
  $('learn-toggle').addEventListener('click', () => (state.learn ? closeLessons() : openLessons(null)));
  $('options-toggle').addEventListener('click', () => (state.options ? closeOptions() : openOptions(null)));
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
  if (!fullLab) fullLab = import('./marginlab-full.js').then((m) => m.default());
  return fullLab;
}

function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Learn mode (web/src/learn.js, lessons in web/lessons/): a chunk loaded when a lesson opens.

/** The lesson a link asks for: "#lesson=id" or "?lesson=id" (embeds); null when none. */
function lessonFromUrl() {
  const m = /^#lesson=([A-Za-z0-9-]{0,40})$/.exec(location.hash);
  if (m) return m[1];
  const q = new URLSearchParams(location.search).get('lesson');
  return q !== null ? q.slice(0, 40) : null;
}

async function openLessons(id) {
  closeOptions();
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
      state.open.clear();
      renderInputs();
      update();
    },
    current: () => ({ scenario: state.reportScenario, report: state.report }),
    emphasise(keys, kinds) {
      const same = keys.length === state.highlight.size && keys.every((k) => state.highlight.has(k)) &&
        kinds.join() === state.chartEmphasis.join();
      if (same) return;
      state.highlight = new Set(keys);
      state.chartEmphasis = kinds;
      renderResults();
    },
    setFragment: (text) => history.replaceState(null, '', location.pathname + location.search + '#' + text),
    close: closeLessons,
  }, id);
}

// ---------------------------------------------------------------------------------------------
// The options account (web/src/options.js): a chunk loaded when it is opened, in place of the calculator.

async function openOptions(link) {
  closeLessons();
  clearTimeout(fragmentTimer);
  document.documentElement.classList.add('options-mode');
  $('options-toggle').setAttribute('aria-pressed', 'true');
  try {
    const options = await import('./options.js');
    state.options = options;
    await options.openOptions($('options'), {
      getFullLab, loadModule: () => import('./marginlab-full.js'), encode: encodeScenario, notice: showNotice,
      inlineStyles: typeof __WASM_BASE64__ === 'string',  // the standalone file carries options.css inline
      setFragment: (text) => location.hash.slice(1) !== text && history.replaceState(null, '', location.pathname + location.search + '#' + text),
    }, link);
  } catch (e) {
    $('options').hidden = false;
    $('options').textContent = 'The options account could not load: ' + (e && e.message ? e.message : String(e));
  }
}

function closeOptions(writeLink = true) {
  if (!state.options) return;
  state.options.closeOptions($('options'));
  state.options = null;
  $('options-toggle').setAttribute('aria-pressed', 'false');
  document.documentElement.classList.remove('options-mode');
  if (!writeLink) return;  // a link being loaded replaces it
  showNotice('');
  if (state.reportScenario) writeFragment(state.reportScenario);
}

function closeLessons() {
  if (!state.learn) return;
  state.learn.closeLearn();
  state.learn = null;
  $('learn-toggle').setAttribute('aria-pressed', 'false');
  document.documentElement.classList.remove('learning');
  if (state.reportScenario) writeFragment(state.reportScenario);
  $('learn-toggle').focus();
}

async function main() {
  if (embed) document.documentElement.classList.add('embed');
  const wasmBase64 = typeof __WASM_BASE64__ === 'string' ? __WASM_BASE64__ : null;
  state.lab = await createMarginLab(wasmBase64 ? { wasmBinary: decodeBase64(wasmBase64) } : {});
  $('version').textContent = `v${state.lab.version}`;
  const lesson = lessonFromUrl();
  if (lesson === null) await loadFragment();
  wireHeader();
  renderInputs();
  update();
  performance.mark('marginlab:first-result');  // read by scripts/measure.mjs
  if (lesson !== null) await openLessons(lesson);
  else if (state.optionsLink) await openOptions(state.optionsLink);
  window.addEventListener('hashchange', async () => {
    const asked = lessonFromUrl();
    if (asked !== null) {
      await openLessons(asked);
      return;
    }
    const current = state.options ? state.options.linkObject() : state.reportScenario;
    if (current && location.hash.slice(1) === await encodeScenario(current)) return;
    state.optionsLink = null;
    if (await loadFragment(false)) {
      closeOptions(false);
      renderInputs();
      update();
    } else if (state.optionsLink) {
      if (state.options) state.options.load(state.optionsLink);
      else await openOptions(state.optionsLink);
    }
  });
  document.documentElement.dataset.ready = 'true';
}

main().catch((e) => {
  const n = document.getElementById('notice');
  if (n) {
    n.hidden = false;
    n.textContent = 'MarginLab could not start: ' + (e && e.message ? e.message : String(e));
  }
});
