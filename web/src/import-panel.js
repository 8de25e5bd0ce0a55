// SPDX-License-Identifier: MIT
// "Import from exchange": a venue's API response, pasted or dropped as a file, read by
// lab.importPositions in the page (nothing is sent anywhere), shown as what was mapped, ignored and
// missing, with the venue's own figures beside MarginLab's and a reconciliation panel for each
// position the venue gives a figure for; "Load into the calculator" replaces the
// scenario as a new history entry (Back brings the previous one back). Loaded on first use.
import * as fmt from './format.js';
import { h as el } from './dom.js';  // attributes set as attributes, text always as text nodes

const VENUES = [['binance', 'Binance (USD-M, COIN-M)'], ['bybit', 'Bybit v5'], ['okx', 'OKX v5'], ['hyperliquid', 'Hyperliquid'],
  ['bitmex', 'BitMEX'], ['deribit', 'Deribit'], ['dydx', 'dYdX v4']];
const MAX_FILE = 2 * 1024 * 1024;  // the importer's limit (wasm/import.mjs LIMITS.maxChars)
const LISTED = 40;                 // rows shown of each list; the count says how many there are

function list(title, rows, line) {
  if (!rows.length) return null;
  const items = rows.slice(0, LISTED).map((r) => el('li', {}, line(r)));
  if (rows.length > LISTED) items.push(el('li', {}, `and ${rows.length - LISTED} more`));
  return el('details', { open: title !== 'Ignored' }, el('summary', {}, `${title} (${rows.length})`), el('ul', {}, ...items));
}

const valueText = (x) => String(x);  // as the venue wrote it (the scenario's number, unrounded)

/** The venue's figures beside MarginLab's, each from the core's answer for the imported scenario. */
function figures(lab, result) {
  const s = result.scenario;
  if (s.version === 3 || result.errors.length) return null;
  const report = lab.evaluate(s);
  if (report.errors.length) return null;
  const rows = result.venueFigures.map((f) => {
    const p = s.positions[f.position];
    const mode = p.marginMode === 'isolated' ? 'isolated' : 'cross';
    const ours = report[mode].positions[f.position].liquidationPrice;
    return el('li', {}, `${p.symbol} ${p.side}: Venue ${f.liquidationPrice === null ? 'gives no liquidation price' : fmt.price(f.liquidationPrice)}`
      + ` · MarginLab (${mode}) ${ours === null || ours === undefined ? 'none' : fmt.price(ours)}`);
  });
  return el('div', { class: 'import-figures' }, el('p', {}, 'Liquidation price:'), el('ul', {}, ...rows));
}

/**
 * One reconciliation panel per position the venue gives a figure for (reconcile-view.js), each
 * reconciled at once with the venue's figures by the full module's lab.reconcile.
 */
async function reconcilePanels(getFullLab, result) {
  const s = result.scenario;
  if (!result.venueFigures.some((f) => Object.entries(f).some(([k, x]) => k !== 'position' && x))) return null;
  if (s.version === 3 || result.errors.length) {
    return el('p', { class: 'hint' }, s.version === 3 ? 'The reconciliation needs a scenario the calculator edits (version 1).'
      : 'The reconciliation needs a scenario without errors: load it, fix the marked fields, and type the venue\'s figures in the risk lab.');
  }
  const [lab, view] = await Promise.all([getFullLab(), import('./reconcile-view.js')]);
  const report = lab.evaluate(s);
  if (report.errors.length) return null;
  const panels = result.venueFigures.map(view.givenFigure).filter(Boolean).map((f) => {
    const p = s.positions[f.position];
    return view.reconcilePanel(lab, s, f, { title: `${f.position + 1}: ${p.symbol} ${p.side}`, unit: report.settlementAsset, coin: p.contract === 'inverse' });
  });
  if (!panels.length) return null;
  return el('section', { class: 'import-reconcile', id: 'import-reconcile' },
    el('h3', {}, 'Why the venue\'s numbers differ'),
    el('p', { class: 'hint' }, 'For each position the venue gives a figure for: MarginLab\'s number beside the venue\'s, and the fewest conventions that reproduce the venue\'s (or the nearest).'),
    el('div', { class: 'reconcile-panels' }, ...panels));
}

/** The import's result at once; the reconciliation panels (the full module, loaded on first use) fill their place when ready. */
function showResult(out, lab, result, load, getFullLab) {
  const n = result.scenario.version === 3 ? result.scenario.futures.length + (result.scenario.options || []).length : result.scenario.positions.length;
  const loadable = result.scenario.version !== 3;
  const button = el('button', { type: 'button', id: 'import-load', disabled: !loadable }, 'Load into the calculator');
  button.addEventListener('click', () => load(result.scenario));
  const slot = el('div', { class: 'import-reconcile-slot' });
  out.replaceChildren(...[
    el('p', { role: 'status' }, `Read ${n} position${n === 1 ? '' : 's'}.` + (loadable ? '' : ' This account needs several settlement assets or Deribit margin (scenario version 3): the calculator edits version 1, so it is shown here only.')),
    figures(lab, result),
    slot,
    el('div', { class: 'import-actions' }, button),
    list('Errors', result.errors, (e) => `${e.source || e.path}: ${e.message}`),
    list('Missing', result.missing, (m) => `${m.path}: ${m.need}${m.default === null ? '' : ` (used: ${valueText(m.default)})`}`),
    list('Mapped', result.mapped, (m) => `${m.from} → ${m.to} = ${valueText(m.value)}${m.note ? ` (${m.note})` : ''}`),
    list('Ignored', result.ignored, (x) => `${x.path}: ${x.reason}`),
  ].filter(Boolean));
  reconcilePanels(getFullLab, result).then((panels) => slot.replaceChildren(...(panels ? [panels] : [])),
    (e) => slot.replaceChildren(el('p', { class: 'warn', role: 'alert' }, `The reconciliation could not load: ${e && e.message ? e.message : e}`)));
}

/** Builds the panel into `root` once; `getLab` resolves to the API, `load(scenario)` replaces the calculator's,
 *  `getFullLab` resolves to the full module (lab.reconcile). */
export function openImport(root, getLab, load, getFullLab) {
  if (root.dataset.built) return;
  root.dataset.built = '1';
  const venue = el('select', { id: 'import-venue' }, ...VENUES.map(([id, label]) => el('option', { value: id }, label)));
  const text = el('textarea', { id: 'import-text', rows: 8, spellcheck: 'false', placeholder: 'Paste the JSON the venue\'s API returned, or drop a .json file here' });
  const file = el('input', { type: 'file', id: 'import-file', accept: '.json,application/json,text/plain' });
  const read = el('button', { type: 'button', id: 'import-read' }, 'Read');
  const out = el('div', { id: 'import-result', 'aria-live': 'polite' });
  const fail = (message) => out.replaceChildren(el('p', { class: 'import-error', role: 'alert' }, message));
  const take = async (f) => {
    if (!f) return;
    if (f.size > MAX_FILE) return fail(`The file is ${f.size} bytes; at most ${MAX_FILE} (2 MiB) are read. Nothing was changed.`);
    text.value = await f.text();
  };
  file.addEventListener('change', () => take(file.files[0]));
  text.addEventListener('dragover', (e) => e.preventDefault());
  text.addEventListener('drop', (e) => {
    e.preventDefault();
    take(e.dataTransfer.files[0]);
  });
  read.addEventListener('click', async () => {
    const lab = await getLab();
    try {
      showResult(out, lab, await lab.importPositions(venue.value, text.value), load, getFullLab);
    } catch (e) {
      fail(`${e && e.name === 'ImportError' ? '' : 'Could not read it: '}${e && e.message}. Nothing was changed.`);
    }
  });
  root.append(
    el('p', { class: 'hint' }, 'Paste a response of your venue\'s API: it is read here, in the page, and sent nowhere. At most 2 MiB.'),
    el('div', { class: 'import-form' },
      el('div', { class: 'import-row' }, el('label', { for: 'import-venue' }, 'Venue'), venue),
      el('label', { for: 'import-text' }, 'Response (JSON)'), text,
      el('div', { class: 'import-row' }, el('label', { for: 'import-file' }, 'or a file'), file, read)),
    out,
  );
}
