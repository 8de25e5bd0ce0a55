// SPDX-License-Identifier: MIT
// The risk lab section: what-if tools, stress grid, cascade, funding, liquidation odds (closed
// form and Monte Carlo in a worker) and the liquidation engine. Every number comes from the
// core; this file builds small forms and lays the answers out.
import { h, clear } from './dom.js';
import * as fmt from './format.js';

/** Parses a typed number ('' -> undefined, junk -> NaN). */
function num(text) {
  const t = String(text).trim().replace(/[,\s_]/g, '');
  if (t === '') return undefined;
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t) ? Number(t) : NaN;
}

function stepsList(steps) {
  return h('ol', { class: 'steps' }, ...steps.map((s) => h('li', {}, h('span', { class: 'step-label' }, s.label),
    s.formula ? h('code', { class: 'formula' }, s.formula) : null,
    s.substituted ? h('code', { class: 'substituted' }, s.substituted + (s.value === null ? '' : ' = ' + fmt.plain(s.value))) : null)));
}

/** A small form: fields [{ key, label, unit, value, type: 'text'|'select', options }], a button, and an output. */
function tool(id, title, intro, fields, run) {
  const inputs = {};
  const out = h('div', { class: 'tool-out', 'aria-live': 'polite', id: `${id}-out` });
  const form = h('form', { class: 'tool', id, novalidate: '' });
  const grid = h('div', { class: 'grid tool-fields' });
  for (const f of fields) {
    const fid = `${id}-${f.key}`;
    let input;
    if (f.options) {
      input = h('select', { id: fid, 'data-path': `request.${f.key}` }, ...f.options.map(([v, t]) => h('option', { value: v }, t)));
      input.value = f.value;
    } else {
      input = h('input', { id: fid, type: 'text', inputmode: 'decimal', value: f.value, 'data-path': `request.${f.key}`,
        'aria-describedby': `${fid}-err` });
    }
    inputs[f.key] = input;
    grid.append(h('div', { class: 'field' }, h('label', { for: fid }, f.label, f.unit ? h('span', { class: 'unit' }, ` (${f.unit})`) : null),
      input, h('p', { class: 'error', id: `${fid}-err`, 'data-error-for': `request.${f.key}` })));
  }
  form.append(grid, h('button', { type: 'submit' }, 'Compute'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!lab) out.replaceChildren(h('p', { 'data-loading': '' }, 'Loading the risk lab…'));
    try {
      await loadFullLab();
    } catch (err) {
      out.replaceChildren(h('p', { class: 'warn', role: 'alert' }, `The risk lab could not load: ${err && err.message ? err.message : err}`));
      return;
    }
    for (const el of form.querySelectorAll('[data-error-for]')) el.textContent = '';
    const values = Object.fromEntries(Object.entries(inputs).map(([k, el]) => [k, el.value]));
    clear(out);
    const answer = run(values, out);
    if (answer && answer.errors && answer.errors.length) {
      const list = h('ul', { class: 'general-errors' });
      for (const err of answer.errors) {
        const slot = form.querySelector(`[data-error-for="${CSS.escape(err.path)}"]`);
        if (slot) slot.textContent = err.message;
        else list.append(h('li', {}, `${err.path}: ${err.message}`));
      }
      out.append(list);
    }
  });
  return h('details', { class: 'tool-box' }, h('summary', {}, title), h('p', { class: 'hint' }, intro), form, out);
}

/** Reads typed fields into numbers; a field that is not a number becomes an error answer. */
function numbers(values, keys) {
  const errors = [];
  const out = {};
  for (const k of keys) {
    const x = num(values[k]);
    if (Number.isNaN(x)) errors.push({ path: `request.${k}`, message: `"${String(values[k]).slice(0, 30)}" is not a number.` });
    else if (x !== undefined) out[k] = x;
  }
  return { out, errors };
}

function result(out, rows, steps) {
  out.append(h('dl', { class: 'tool-result' }, ...rows.map(([k, v]) => h('div', { class: 'metric' }, h('dt', {}, k), h('dd', {}, v)))));
  if (steps && steps.length) out.append(h('details', { class: 'math' }, h('summary', {}, 'Show the math'), stepsList(steps)));
}

// The risk lab runs on marginlab-full.js, loaded the first time a tool computes.
let lab = null;
let loadFullLab = async () => null;

export function renderRiskLab(root, ctx) {
  loadFullLab = async () => (lab ??= await ctx.getFullLab());
  const { getScenario } = ctx;
  clear(root);
  const scenario = getScenario();
  if (!scenario) return;
  const positions = scenario.positions.map((p, i) => [String(i), `${i + 1}: ${p.symbol} ${p.side}`]);
  const first = scenario.positions[0];
  const coin = first.contract === 'inverse';
  const unit = fmt.settlementUnit(first.symbol, first.contract || 'linear');
  const amt = (x) => fmt.amount(x, coin);
  const lp = (x) => (x === null ? 'none' : fmt.price(x));
  const position = { key: 'position', label: 'Position', value: '0', options: positions };

  root.append(h('h2', { id: 'risk-title' }, 'Risk lab'),
    h('p', { class: 'hint' }, 'What-if tools, stress and cascades, funding, the odds of liquidation and how the engine unwinds a position. Each uses the scenario above.'));

  root.append(tool('t-adjust', 'Add to or reduce a position', 'A fill at a price: a positive size adds, a negative size reduces (through zero flips the side).',
    [position, { key: 'price', label: 'Fill price', unit: 'quote', value: String(first.markPrice ?? first.entryPrice) },
      { key: 'quantityDelta', label: 'Size change', unit: 'contracts, − reduces', value: String(first.quantity) }],
    (v, out) => {
      const { out: n, errors } = numbers(v, ['price', 'quantityDelta']);
      if (errors.length) return { errors };
      const a = lab.adjust(getScenario(), { position: Number(v.position), ...n });
      if (a.errors.length) return a;
      const p = a.report.isolated ? a.scenario.positions.findIndex((q, i) => i === Number(v.position)) : -1;
      const iso = p >= 0 && !a.closed ? a.report.isolated.positions[p] : null;
      const cross = p >= 0 && !a.closed ? a.report.cross.positions[p] : null;
      if (a.flipped) out.append(h('p', { class: 'warn', role: 'alert' }, `The fill goes through zero: the position flips to ${a.side}.`));
      result(out, [['Side', a.side], ['Size', `${fmt.plain(a.quantity)} contracts`], ['Average entry', fmt.price(a.entryPrice)],
        [`Realised PnL (${unit})`, amt(a.realizedPnl)],
        ['Liquidation, isolated', iso ? lp(iso.liquidationPrice) : '—'], ['Liquidation, cross', cross ? lp(cross.liquidationPrice) : '—'],
        [`Initial margin (${unit})`, iso ? amt(iso.initialMargin) : '—']], a.steps);
      return a;
    }));

  root.append(tool('t-target', 'Target price for a PnL or ROE', 'The mark at which the position makes the PnL (or ROE on its initial margin) you want.',
    [position, { key: 'kind', label: 'Target', value: 'roe', options: [['roe', 'ROE (%)'], ['pnl', `PnL (${unit})`]] },
      { key: 'target', label: 'Value', value: '50' }],
    (v, out) => {
      const { out: n, errors } = numbers(v, ['target']);
      if (errors.length) return { errors };
      const target = v.kind === 'roe' ? n.target / 100 : n.target;
      const a = lab.targetPrice(getScenario(), { position: Number(v.position), kind: v.kind, target });
      if (!a.errors.length) result(out, [['Target price', lp(a.price)]], a.steps);
      return a;
    }));

  root.append(tool('t-max', 'Largest size that opens', 'The most you can open with the available balance at a leverage, tiers respected.',
    [{ key: 'symbol', label: 'Symbol', value: first.symbol }, { key: 'side', label: 'Side', value: 'long', options: [['long', 'Long'], ['short', 'Short']] },
      { key: 'price', label: 'Order price', unit: 'quote', value: String(first.markPrice ?? first.entryPrice) },
      { key: 'leverage', label: 'Leverage', unit: '×', value: String(first.leverage ?? 10) }],
    (v, out) => {
      const { out: n, errors } = numbers(v, ['price', 'leverage']);
      if (errors.length) return { errors };
      const a = lab.maxOpen(getScenario(), { symbol: v.symbol.trim(), contract: first.contract, contractSize: first.contractSize, side: v.side, ...n });
      if (!a.errors.length) result(out, [['Size', `${fmt.plain(a.quantity)} contracts`], ['Notional', amt(a.notional)],
        [`Initial margin (${unit})`, amt(a.initialMargin)], ['Bounded by tier', String(a.tier)]], a.steps);
      return a;
    }));

  root.append(tool('t-stop', 'Size from a stop-loss', 'How big a position may be so that the stop loses only the share of the account you choose.',
    [{ key: 'symbol', label: 'Symbol', value: first.symbol }, { key: 'side', label: 'Side', value: 'long', options: [['long', 'Long'], ['short', 'Short']] },
      { key: 'entryPrice', label: 'Entry', unit: 'quote', value: String(first.markPrice ?? first.entryPrice) },
      { key: 'stopPrice', label: 'Stop', unit: 'quote', value: String(Math.round((first.markPrice ?? first.entryPrice) * 0.97)) },
      { key: 'riskFraction', label: 'Risk', unit: '% of equity', value: '1' }, { key: 'leverage', label: 'Leverage', unit: '×', value: String(first.leverage ?? 10) }],
    (v, out) => {
      const { out: n, errors } = numbers(v, ['entryPrice', 'stopPrice', 'riskFraction', 'leverage']);
      if (errors.length) return { errors };
      if (n.riskFraction !== undefined) n.riskFraction /= 100;
      const a = lab.sizeFromStop(getScenario(), { symbol: v.symbol.trim(), contract: first.contract, contractSize: first.contractSize, side: v.side, ...n });
      if (!a.errors.length) {
        if (a.stopBeyondLiquidation) out.append(h('p', { class: 'warn', role: 'alert' }, 'The stop lies beyond the liquidation price: the position is liquidated before the stop triggers.'));
        result(out, [['Size', `${fmt.plain(a.quantity)} contracts`], [`Risked (${unit})`, amt(a.riskAmount)], ['Liquidation price', lp(a.liquidationPrice)]], a.steps);
      }
      return a;
    }));

  root.append(tool('t-margin', 'Margin to move the liquidation price', 'Isolated: margin to add; cross: wallet to add, so that liquidation moves to the price you choose.',
    [position, { key: 'targetLiquidationPrice', label: 'Liquidation price wanted', unit: 'quote', value: '' }],
    (v, out) => {
      const { out: n, errors } = numbers(v, ['targetLiquidationPrice']);
      if (errors.length) return { errors };
      const a = lab.marginToTarget(getScenario(), { position: Number(v.position), ...n });
      if (!a.errors.length) result(out, [[`Isolated margin to add (${unit})`, amt(a.isolatedMarginToAdd)], [`Wallet to add, cross (${unit})`, amt(a.walletToAdd)]], a.steps);
      return a;
    }));

  root.append(tool('t-stress', 'Stress grid', 'Every symbol moves by the shock (one factor), or each symbol alone.',
    [{ key: 'model', label: 'Model', value: 'oneFactor', options: [['oneFactor', 'All symbols together'], ['eachSymbol', 'Each symbol alone']] },
      { key: 'from', label: 'From', unit: '%', value: '-50' }, { key: 'to', label: 'To', unit: '%', value: '50' }, { key: 'step', label: 'Step', unit: '%', value: '10' }],
    (v, out) => {
      const { out: n, errors } = numbers(v, ['from', 'to', 'step']);
      if (errors.length) return { errors };
      const shocks = [];
      if (n.step > 0) for (let x = n.from; x <= n.to + 1e-9 && shocks.length < 1000; x += n.step) shocks.push(Math.round(x * 1e6) / 1e8);
      const a = lab.stress(getScenario(), { shocks, model: v.model });
      if (a.errors.length) return a;
      const s = getScenario();
      const names = (flags) => flags.map((f, i) => (f ? s.positions[i].symbol : null)).filter(Boolean).join(', ') || '—';
      out.append(h('div', { class: 'table-wrap' }, h('table', { class: 'grid-table' },
        h('thead', {}, h('tr', {}, ...['Symbol', 'Shock', `Isolated equity (${unit})`, 'Liquidated (isolated)', `Cross equity (${unit})`, 'Cross margin ratio', 'Liquidated (cross)'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...a.cells.map((c) => h('tr', {}, h('td', {}, c.symbol || 'all'), h('td', {}, fmt.percent(c.shock)),
          h('td', {}, amt(c.isolatedEquity)), h('td', {}, names(c.isolatedLiquidated)), h('td', {}, amt(c.crossEquity)),
          h('td', {}, c.crossMarginRatio === null ? '—' : fmt.percent(c.crossMarginRatio)), h('td', {}, names(c.crossLiquidated))))))));
      return a;
    }));

  root.append(tool('t-cascade', 'Cascade along a price path', 'All marks move in a straight line to the final move; the cross account is liquidated as the profile does it.',
    [{ key: 'move', label: 'Final move', unit: '%', value: '-40' }, { key: 'steps', label: 'Steps', value: '40' },
      { key: 'style', label: 'Liquidation', value: '', options: [['', 'As the venue does'], ['wholeAccount', 'Whole account'], ['tierByTier', 'Tier by tier']] }],
    (v, out) => {
      const { out: n, errors } = numbers(v, ['move', 'steps']);
      if (errors.length) return { errors };
      const s = getScenario();
      const count = Math.max(1, Math.min(10000, Math.round(n.steps || 1)));
      const marks = [];
      for (let k = 1; k <= count; k++) {
        const row = {};
        for (const p of s.positions) row[p.symbol] = (p.markPrice ?? p.entryPrice) * (1 + (n.move / 100) * (k / count));
        marks.push(row);
      }
      const a = lab.cascade(s, { marks, ...(v.style ? { style: v.style } : {}) });
      if (a.errors.length) return a;
      result(out, [[`Final equity (${unit})`, amt(a.finalEquity)], [`Insurance fund / ADL (${unit})`, amt(a.insuranceFundLoss)]], a.steps);
      out.append(h('ol', { class: 'events' }, ...a.events.map((e) => h('li', { class: e.pastBankruptcy ? 'warn' : '' }, `Step ${e.step + 1}: ${e.description}`))));
      if (!a.events.length) out.append(h('p', {}, 'No liquidation along this path.'));
      return a;
    }));

  root.append(tool('t-funding', 'Funding', 'The liquidation price after funding intervals (positive rate: longs pay).',
    [position, { key: 'rate', label: 'Rate per interval', unit: '%', value: '0.01' }, { key: 'intervals', label: 'Intervals', value: '90' }],
    (v, out) => {
      const { out: n, errors } = numbers(v, ['rate', 'intervals']);
      if (errors.length) return { errors };
      const a = lab.funding(getScenario(), { position: Number(v.position), rate: (n.rate ?? 0) / 100, intervals: n.intervals });
      if (!a.errors.length) result(out, [[`Paid per interval (${unit})`, amt(a.paymentPerInterval)], [`Paid in all (${unit})`, amt(a.totalPayment)],
        ['Liquidation after, isolated', lp(a.isolatedLiquidationPrice)], ['Liquidation after, cross', lp(a.crossLiquidationPrice)]], a.steps);
      return a;
    }));

  root.append(tool('t-odds', 'Odds of liquidation', 'The chance the mark touches the liquidation price within the horizon (geometric Brownian motion).',
    [position, { key: 'volatility', label: 'Volatility', unit: '% a year', value: '60' }, { key: 'days', label: 'Horizon', unit: 'days', value: '30' },
      { key: 'drift', label: 'Drift', unit: '% a year', value: '0' }],
    (v, out) => {
      const { out: n, errors } = numbers(v, ['volatility', 'days', 'drift']);
      if (errors.length) return { errors };
      const a = lab.odds(getScenario(), { position: Number(v.position), volatility: (n.volatility ?? NaN) / 100, years: (n.days ?? NaN) / 365, drift: (n.drift ?? 0) / 100 });
      if (!a.errors.length) result(out, [['Isolated', a.isolatedProbability === null ? 'never' : fmt.percent(a.isolatedProbability)],
        ['Cross', a.crossProbability === null ? 'never' : fmt.percent(a.crossProbability)]], a.steps);
      return a;
    }));

  root.append(monteCarloTool(ctx));

  root.append(tool('t-unwind', 'How the engine unwinds it', 'The position taken over at its liquidation price, sold into the book in slices.',
    [position, { key: 'mode', label: 'Mode', value: 'isolated', options: [['isolated', 'Isolated'], ['cross', 'Cross']] },
      { key: 'style', label: 'Style', value: 'twap', options: [['market', 'Market'], ['twap', 'TWAP slices'], ['iceberg', 'Iceberg']] },
      { key: 'depthPerPercent', label: 'Book depth', unit: 'contracts per 1%', value: String(first.quantity) },
      { key: 'slices', label: 'Slices', value: '5' }, { key: 'visibleSize', label: 'Iceberg visible size', unit: 'contracts', value: String(first.quantity / 4) },
      { key: 'replenishFraction', label: 'Book recovery between slices', unit: '0 to 1', value: '0.5' },
      { key: 'insuranceFund', label: 'Insurance fund', unit, value: '0' }],
    (v, out) => {
      const { out: n, errors } = numbers(v, ['depthPerPercent', 'slices', 'visibleSize', 'replenishFraction', 'insuranceFund']);
      if (errors.length) return { errors };
      const a = lab.unwind(getScenario(), { position: Number(v.position), mode: v.mode, style: v.style, ...n });
      if (a.errors.length) return a;
      result(out, [['Liquidation price', fmt.price(a.liquidationPrice)], ['Bankruptcy price', fmt.price(a.bankruptcyPrice)],
        ['Average fill', fmt.price(a.averagePrice)], [`Insurance fund change (${unit})`, amt(a.insuranceFundChange)],
        [`Insurance fund after (${unit})`, amt(a.insuranceFundAfter)], ['Unfilled', `${fmt.plain(a.unfilled)} contracts`],
        ['Auto-deleveraging', a.autoDeleveraging ? 'starts: the fund cannot cover the loss' : 'not needed']], a.steps);
      out.append(h('div', { class: 'table-wrap' }, h('table', { class: 'grid-table' },
        h('thead', {}, h('tr', {}, ...['Slice', 'Size', 'Average', 'Worst'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...a.slices.map((x, i) => h('tr', {}, h('td', {}, String(i + 1)), h('td', {}, fmt.plain(x.quantity)),
          h('td', {}, fmt.price(x.averagePrice)), h('td', {}, fmt.price(x.worstPrice))))))));
      return a;
    }));
}

/** Monte Carlo in a Web Worker (chunks, progress, cancel); on file:// it runs in chunks here. */
function monteCarloTool(ctx) {
  const { getScenario } = ctx;
  const box = tool('t-mc', 'Monte Carlo over correlated paths', 'Every symbol moves at once (one correlation for every pair). Seeded: the same inputs give the same numbers.',
    [{ key: 'volatility', label: 'Volatility', unit: '% a year, every symbol', value: '60' }, { key: 'correlation', label: 'Correlation', value: '0.8' },
      { key: 'days', label: 'Horizon', unit: 'days', value: '30' }, { key: 'steps', label: 'Steps', value: '120' },
      { key: 'paths', label: 'Paths', value: '20000' }, { key: 'seed', label: 'Seed', value: '42' }],
    (v, out) => {
      const { out: n, errors } = numbers(v, ['volatility', 'correlation', 'days', 'steps', 'paths', 'seed']);
      if (errors.length) return { errors };
      const s = getScenario();
      const symbols = [...new Set(s.positions.map((p) => p.symbol))];
      const volatility = Object.fromEntries(symbols.map((x) => [x, (n.volatility ?? NaN) / 100]));
      const correlation = symbols.map((a, i) => symbols.map((b, j) => (i === j ? 1 : n.correlation)));
      const request = { volatility, correlation, years: (n.days ?? NaN) / 365, steps: n.steps, paths: n.paths, seed: n.seed };
      const check = lab.monteCarlo(s, request, { begin: 0, end: 0 });  // validates, simulates nothing
      if (check.errors.length) return check;
      runMonteCarlo(ctx, s, request, out);
      return { errors: [] };
    });
  return box;
}

let running = null;

function runMonteCarlo(ctx, scenario, request, out) {
  if (running) running.cancel();
  const progress = h('progress', { max: String(request.paths), value: '0', 'aria-label': 'Monte Carlo progress' });
  const cancel = h('button', { type: 'button' }, 'Cancel');
  const status = h('p', { role: 'status' }, 'Running…');
  out.append(h('div', { class: 'mc-run' }, progress, cancel), status);
  const show = (t) => {
    const iso = t.isolatedAnyLiquidated / t.paths, cross = t.crossLiquidated / t.paths;
    status.textContent = `${fmt.plain(t.paths)} paths: some isolated position liquidated in ${fmt.percent(iso)}, the cross account in ${fmt.percent(cross)}.`;
    const dt = request.years * 365 / request.steps;
    const median = (hist, total) => {
      let seen = 0;
      for (let i = 0; i < hist.length; i++) if ((seen += hist[i]) * 2 >= total && total > 0) return fmt.plain(Math.round((i + 1) * dt * 10) / 10) + ' days';
      return '—';
    };
    out.querySelector('.mc-result')?.remove();
    out.append(h('dl', { class: 'tool-result mc-result' },
      h('div', { class: 'metric' }, h('dt', {}, 'Isolated: liquidated'), h('dd', {}, fmt.percent(iso))),
      h('div', { class: 'metric' }, h('dt', {}, 'Cross: liquidated'), h('dd', {}, fmt.percent(cross))),
      h('div', { class: 'metric' }, h('dt', {}, 'Median time to liquidation, isolated'), h('dd', {}, median(t.isolatedTimeHistogram, t.isolatedAnyLiquidated))),
      h('div', { class: 'metric' }, h('dt', {}, 'Median time to liquidation, cross'), h('dd', {}, median(t.crossTimeHistogram, t.crossLiquidated)))));
  };
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
  running = { cancel: () => { cancelled = true; if (worker) worker.terminate(); status.textContent = 'Cancelled.'; running = null; } };
  cancel.addEventListener('click', () => running && running.cancel());
  if (worker) {
    worker.onmessage = (e) => {
      const m = e.data;
      if (m.errors && m.errors.length) { status.textContent = m.errors.map((x) => x.message).join(' '); worker.terminate(); return; }
      progress.value = m.tally.paths;
      show(m.tally);
      if (m.done) { worker.terminate(); cancel.disabled = true; running = null; }
    };
    worker.postMessage({ scenario, request, chunk });
    return;
  }
  let tally;
  let begin = 0;
  const step = () => {
    if (cancelled) return;
    const end = Math.min(request.paths, begin + chunk);
    const t = lab.monteCarlo(scenario, request, { begin, end, tally });
    if (t.errors.length) { status.textContent = t.errors.map((x) => x.message).join(' '); return; }
    tally = t;
    begin = end;
    progress.value = begin;
    show(t);
    if (begin < request.paths) setTimeout(step, 0);
    else { cancel.disabled = true; running = null; }
  };
  setTimeout(step, 0);
}
