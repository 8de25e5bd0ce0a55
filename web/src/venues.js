// SPDX-License-Identifier: MIT
// The shipped venue data on the page (lab.defaultTiers, lab.loadVenue): a symbol picker per venue
// (the venue's names and aliases, case-insensitive), the chosen table's source and snapshot date
// beside the symbol, a venue's tier tables loaded when the venue is chosen, and the liquidation
// price on the venue's tick (tickPrice of marginlab-full, loaded once a venue is chosen: the core
// rounds, the page prints). The built-in tables
// come first (today's results stay); a venue table serves every other symbol it names.
import { h } from './dom.js';
import * as fmt from './format.js';
import { tiersForPosition } from '../../wasm/venue-data.mjs';

export function createVenues(lab, onLoaded, getFullLab) {
  let full = typeof lab.tickPrice === 'function' ? lab : null;  // tickPrice, wholeLots: marginlab-full's
  let asked = false;
  const needFull = () => {
    if (full || asked) return;
    asked = true;
    getFullLab().then(() => loaded(), () => {});
  };
  /** marginlab-full, as soon as the page has it (the risk lab's or the venue's asking): returns it. */
  const useFull = (f) => (full = f);
  const failed = new Map();  // venue -> the loader's message
  const pending = new Set();
  const ages = new Set();    // the age lines on screen: said again when a venue's tables arrive
  let starved = false;       // some symbol waited for a venue's tables: its tier editor is drawn again
  const loaded = () => {
    for (const refresh of ages) refresh();
    const redraw = starved;
    starved = false;
    onLoaded(redraw);
  };

  const venuesOf = (rules) => [...new Set(lab.defaultTiers(rules).filter((t) => t.venue).map((t) => t.venue))];

  /** Starts loading the tier tables of the rules' venues (once); onLoaded() when one arrives. */
  function choose(rules) {
    needFull();
    for (const venue of venuesOf(rules)) {
      if (pending.has(venue) || failed.has(venue) || lab.defaultTiers(rules).some((t) => t.venue === venue && t.loaded)) continue;
      pending.add(venue);
      lab.loadVenue(venue).then(() => { pending.delete(venue); loaded(); },
        (e) => { pending.delete(venue); failed.set(venue, e.message); loaded(); });
    }
  }

  /** The venue's entry for a typed name (any case, any alias), loaded or not; null when none. */
  const venueTable = (rules, symbol) => lab.defaultTiers(rules, symbol).find((t) => t.venue) || null;

  /** The table that serves a typed name: a built-in one naming it (or any name of its venue entry),
   *  else the venue's once loaded; null while it loads or when none is shipped. */
  function tableFor(rules, symbol) {
    const entry = venueTable(rules, symbol);
    for (const name of entry ? entry.symbols : [symbol]) {
      const own = lab.defaultTiers(rules, name).find((t) => !t.venue);
      if (own) return own;
    }
    if (entry && !entry.loaded) {
      starved = true;
      choose(rules);
    }
    return entry && entry.loaded ? entry : null;
  }

  /** tableFor, less a table of the other contract type (a venue's, or a built-in one, which the core then
   *  refuses with tierOtherContract): its caps are quote notionals (linear) or coin notionals (inverse), so
   *  it serves its own type only. */
  function servingTable(rules, symbol, contract) {
    const t = tableFor(rules, symbol);
    return t && t.contract && t.contract !== (contract === 'inverse' ? 'inverse' : 'linear') ? null : t;
  }

  /** The scenario with the serving table in tiers for each symbol the core would not find by itself
   *  (a copy when one is added; the scenario itself otherwise). */
  function fill(scenario) {
    let out = scenario;
    for (const p of scenario.positions || []) {
      const symbol = p.symbol;
      if (typeof symbol !== 'string' || (out.tiers && out.tiers[symbol])) continue;
      const t = servingTable(scenario.rules, symbol, p.contract);
      if (!t || (!t.venue && t.symbols.includes(symbol))) continue;
      // A size table (OKX's position tiers, in contracts) goes in as the row the positions' size takes.
      const rows = tiersForPosition(t, scenario.positions.filter((q) => q.symbol === symbol));
      out = { ...out, tiers: Object.assign(Object.create(null), out.tiers, { [symbol]: rows }) };
    }
    return out;
  }

  /** The symbol field with the rules' venue symbols to pick from, and the table's age beside it. */
  function symbolField(kit, rules, path, value, onInput, contract) {
    const field = kit.field('Symbol', path, value, onInput, { mode: 'text' });
    const input = field.querySelector('input');
    const listId = input.id + '-list';
    input.setAttribute('list', listId);
    input.setAttribute('aria-autocomplete', 'list');
    input.addEventListener('focus', () => choose(rules), { once: true });
    const options = lab.defaultTiers(rules).filter((t) => t.venue).map((t) =>
      h('option', { value: t.symbols[0] }, t.symbols.length > 1 ? `${t.symbols[0]} (${t.symbols.slice(1, 4).join(', ')})` : t.symbols[0]));
    const age = h('small', { class: 'hint venue-age', 'data-venue-age': path, 'aria-live': 'polite' }, ageText(rules, value, contract));
    const refresh = () => {
      if (!age.isConnected) return ages.delete(refresh);  // the field was drawn again
      age.textContent = ageText(rules, input.value, contract);
    };
    queueMicrotask(() => ages.add(refresh));  // once the field is on the page
    input.addEventListener('input', refresh);
    field.insertBefore(h('datalist', { id: listId }, ...options), input.nextSibling);
    field.insertBefore(age, input.nextSibling.nextSibling);
    return field;
  }

  /** "Table: <source>, snapshot <date>" for the name as typed, or what is missing. */
  function ageText(rules, value, contract) {
    const symbol = String(value).trim();
    if (!symbol) return '';
    const entry = venueTable(rules, symbol);
    const t = tableFor(rules, symbol);
    if (entry && failed.has(entry.venue)) return `The ${entry.venue} tables did not load: ${failed.get(entry.venue)}`;
    if (t && !servingTable(rules, symbol, contract)) return `${symbol}: the shipped table is for ${t.contract} contracts only; give one under Tiers for this position.`;
    if (!t) return entry ? `Loading the ${entry.venue} tables…` : `No shipped table for ${symbol} on these rules: give one under Tiers.`;
    const name = entry && entry.symbols[0] !== symbol ? `${entry.symbols[0]}: ` : '';
    // A shipped venue file names a public source; a built-in table's source cites the project's notes,
    // which a reader does not have: its date says enough.
    return t.venue ? `${name}${t.venue} table, snapshot ${t.date}; source ${t.source}` : `${name}built-in table, snapshot ${t.date}`;
  }

  return { choose, tableFor, fill, symbolField, ...venueTools(venueTable, () => full, needFull), useFull };
}


/** The venue's tick and lots for the page, from marginlab-full (`getFull()`, null until loaded; `needFull`
 *  asks for it): the core rounds, the page prints. `venueTable(rules, symbol)`: the venue file's entry or null. */
function venueTools(venueTable, getFull, needFull) {
  /** tickPrice's answer for the liquidation `price` on the entry's tick, or null without a venue entry or the module. */
  function onTick(rules, symbol, side, price, options) {
    const entry = price === null ? null : venueTable(rules, symbol);
    const full = getFull();
    if (!entry || !full) return null;
    const r = full.tickPrice({ rules, side, price, tickSize: entry.spec.tickSize,
      ...(entry.spec.priceSigFigs && { priceSigFigs: entry.spec.priceSigFigs }) }, options);
    return r.errors.length ? null : { r, entry };
  }

  /** A price as the venue rounds it: { text: "57,228.4", how: "tick 0.1, nearest" }, or null. */
  function venueRounding(rules, symbol, side, price) {
    const got = onTick(rules, symbol, side, price);
    if (!got) return null;
    const { r, entry } = got;
    const text = new Intl.NumberFormat('en-US', { minimumFractionDigits: r.decimals, maximumFractionDigits: r.decimals }).format(r.price);
    return { text, how: `tick ${fmt.plain(entry.spec.tickSize)}, ${r.rounding === 'nearest' ? 'nearest' : 'toward the entry'}` };
  }

  /** The step that puts the exact liquidation price on the venue's tick, for "Show the math". */
  function tickSteps(rules, symbol, side, price) {
    const got = onTick(rules, symbol, side, price, { explain: true });
    return got ? got.r.steps.map((s) => ({ ...s, field: 'liquidationPrice' })) : [];
  }

  /** A size in the venue's whole lots with its unit (lab.wholeLots), or '' when no venue file names the symbol. */
  function lots(rules, symbol, quantity) {
    const entry = venueTable(rules, symbol);
    const full = getFull();
    if (!entry || !full) return needFull(), '';
    const r = full.wholeLots({ contract: entry.contract, quantity, lotSize: entry.spec.lotSize, contractSize: entry.spec.contractSize,
      ...(entry.baseAsset && { baseAsset: entry.baseAsset }) });
    if (r.errors.length) return '';
    const shown = new Intl.NumberFormat('en-US', { minimumFractionDigits: r.decimals, maximumFractionDigits: r.decimals }).format(r.quantity);
    return `${shown} ${r.unit} (${fmt.plain(r.lots)} lots of ${fmt.plain(entry.spec.lotSize)}; exact ${fmt.plain(quantity)})`;
  }

  return { venueRounding, tickSteps, lots };
}
