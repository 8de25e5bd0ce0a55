// SPDX-License-Identifier: MIT
// The form kit of the calculator, the risk lab, the options account and the lessons: field texts
// kept exactly as typed, the numbers they mean, fields and selects each with an error slot beside
// it, errors placed in those slots (what was typed stays), the stale mark and the status line,
// metrics, and "Show the math": disclosures whose steps come from asking the core a second time
// with { explain: true }, which happens only while one is open. No margin formula here.
import { h, v, clear } from './dom.js';
import * as fmt from './format.js';
import * as units from './units.js';
import { language, t } from './i18n.js';

/** What a call passes as its last argument to get steps back. */
export const EXPLAIN = Object.freeze({ explain: true });

// ---------------------------------------------------------------------------------------------
// Texts and numbers.

// The page's decimal separator, from its locale (navigator.language, else the document's lang):
// ',' in de-DE, '.' in en-US. Fields are written with it and read by it.
let decimalMark = null;
/** Locales whose decimal separator is a point (tests/js/format.test.mjs checks each against Intl). */
export const POINT_LOCALES = new Set(['en', 'en-US', 'en-GB', 'en-AU', 'en-CA', 'en-IE', 'en-IN', 'en-NZ', 'en-SG',
  'ja', 'ja-JP', 'ko', 'ko-KR', 'zh', 'zh-CN', 'zh-TW', 'zh-HK', 'th', 'th-TH', 'he', 'he-IL']);
export function decimal() {
  if (decimalMark === null) {
    let lang = 'en-US';
    if (language !== 'en') lang = language;  // the page's chosen language (?lang=) writes and reads the fields
    else if (typeof navigator !== 'undefined' && navigator.language) lang = navigator.language;
    else if (typeof document !== 'undefined' && document.documentElement.lang) lang = document.documentElement.lang;
    try {
      // The usual locales answer without Intl, whose first use starts ICU (10-30 ms on a cold page).
      decimalMark = POINT_LOCALES.has(lang) ? '.'
        : new Intl.NumberFormat(lang).formatToParts(1.5).find((p) => p.type === 'decimal').value === ',' ? ',' : '.';
    } catch {
      decimalMark = '.';
    }
  }
  return decimalMark;
}

/** A number as field text in the page's locale; "1,125" (which reads as ambiguous) is written "1,1250". */
function localText(x) {
  const t = fmt.plain(x);
  if (decimal() === '.') return t;
  const c = t.replace('.', ',');
  return /^-?[1-9]\d{0,2},\d{3}$/.test(c) ? c + '0' : c;
}

/** A value from a link as field text: numbers formatted (times scale), strings as given, anything else as short JSON. */
export function fieldText(x, scale = 1) {
  if (x === undefined || x === null) return '';
  if (typeof x === 'number') return localText(x * scale);
  if (typeof x === 'string') return x;
  try {
    return JSON.stringify(x).slice(0, 200);
  } catch {
    return '(a value nested too deeply to show)';
  }
}

/**
 * Reads a typed number by the page's locale: { value } (undefined for ''), or { error } saying
 * why not. A separator followed by three digits is grouping in the locale that groups with it
 * ("1,500" is 1500 in en-US); in a decimal-comma locale, where "1,500" is also the English
 * 1500, "1,500" and "1.500" are refused as ambiguous. One separator otherwise is the decimal
 * point ("1,5" and "1.5" are 1.5); both ("1.500,5", "1,500.5"): the last is the decimal point.
 */
export function readNumber(text) {
  const raw = String(text).trim();
  const t = raw.replace(/[\s_'\u2019]/g, '');
  if (t === '') return { value: undefined };
  const quoted = `"${raw.slice(0, 40)}"`;
  if (/^\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}$/.test(t) && /[/-]|\..*\./.test(t) && !/^\d{1,3}(\.\d{3})+$/.test(t)) {
    return { error: `${quoted} is a date; this field takes a number.` };
  }
  const m = /^([-+]?)([\d.,]*)(e[-+]?\d+)?$/i.exec(t);
  const body = m ? m[2] : '';
  const seps = body.replace(/\d/g, '');
  const last = seps.slice(-1);
  let digits = null;  // the number with '.' as its only separator
  if (!seps) digits = body;
  else if (new Set(seps).size === 1 && seps.length > 1) {
    if (/^\d{1,3}([.,]\d{3})+$/.test(body)) digits = body.replace(/[.,]/g, '');  // 1,500,000 / 1.500.000
  } else if (seps.length === 1) {
    const grouping = /^[1-9]\d{0,2}[.,]\d{3}$/.test(body);
    if (grouping && decimal() === ',') {
      const whole = body.replace(/[.,]/, '');
      const comma = body.replace('.', ',').replace(/0+$/, '');
      const typed = comma === body.replace('.', ',') ? comma + '0' : comma;
      return { error: `${quoted} is ambiguous here: it reads as ${comma} (decimal comma) or as ${whole} (thousands). Type ${typed} or ${whole}.` };
    }
    digits = grouping && last === ',' ? body.replace(',', '') : body.replace(',', '.');
  } else {
    const group = seps[0];
    if (group !== last && new RegExp(`^\\d{1,3}(\\${group}\\d{3})*\\${last}\\d*$`).test(body)) digits = body.split(group).join('').replace(last, '.');
  }
  if (digits === null || !/^(\d+\.?\d*|\.\d+)$/.test(digits)) return { error: `${quoted} is not a number.` };
  return { value: Number(m[1] + digits + (m[3] || '')) };
}

/** Parses "60,000" or " 0.5 " to a number by the page's locale; '' -> undefined; otherwise NaN. */
export function parseNumber(text) {
  const r = readNumber(text);
  return r.error ? NaN : r.value;
}

/**
 * num(text, path, required, per = 1): the number a field's text means, divided by `per` (100 for
 * a percentage: "70" gives the double nearest 0.7, where multiplying by 0.01 would not), or
 * undefined with a message for `path` in `local` when it is missing (and required) or not a number.
 * `per` may name a unit of units.js instead ('volatility', 'funding', ...): the field's number is
 * converted there, and a value outside the unit's plausible range is questioned (the question is
 * the field's message, nothing is computed) unless the text ends with "%". With `asked` (an
 * object) the value is returned and its question put in asked[path] instead: the caller asks the
 * core first, so that a value the core refuses gets the core's message, and keeps the answer only
 * when nothing was asked.
 */
export function numberReader(local, asked = null) {
  return (text, path, required, per = 1) => {
    const named = typeof per === 'string';
    const r = readNumber(named ? units.withoutSign(text) : text);
    if (r.error) {
      local[path] = r.error;
      return undefined;
    }
    if (r.value === undefined && required) local[path] = 'Required.';
    if (r.value === undefined) return undefined;
    if (!named) return r.value / per;
    const q = units.insists(text) ? null : units.question(r.value, per, fmt.plain);
    if (q && !asked) {
      local[path] = q.text;
      return undefined;
    }
    if (q) asked[path] = q.text;
    return units.fromField(r.value, per);
  };
}

// The core's errors said for people (messages.js, a chunk loaded when the core first reports an
// input error; the errors are placed again once it arrives). For a rule it has no phrasing for,
// the core's own message is shown.
let phrase = null;
let phrasing = null;
function phrases(again) {
  if (!phrasing) phrasing = import('./messages.js').then((m) => { phrase = m.phrase; });
  phrasing.then(again, () => {});
}

/** Loads the phrasings now (after the first numbers, so that an error is said for people from the start); resolves once they are in. */
export function loadPhrases() {
  phrases(() => {});
  return phrasing.catch(() => {});
}

/** Sets obj[key] to value unless it is undefined (a blank optional field). */
export function setDefined(obj, key, value) {
  if (value !== undefined) obj[key] = value;
}

// ---------------------------------------------------------------------------------------------
// A form: fields with error slots, and the errors placed in them.

/** The slot (in `within`, marked by `attr`) for a path, or for the nearest enclosing path that has one. */
function findSlot(within, attr, path) {
  for (let p = path; p;) {
    const slot = within.querySelector(`[${attr}="${CSS.escape(p)}"]`);
    if (slot) return slot;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) break;
    p = p.slice(0, cut);
  }
  return null;
}

/**
 * The fields of one part of the page. Ids are `prefix` + the path (or idOf(path)); `pathAttr` and
 * `errorAttr` name the attributes that carry a field's path on its input and on its error slot
 * (the calculator's and the options account's forms share one document, so each has its own).
 * root() holds the slots; general() is the list for errors no slot holds.
 */
export function createForm({ prefix = '', idOf = null, pathAttr = 'data-path', errorAttr = 'data-error-for', root, general = () => null, unit = () => '' }) {
  const id = idOf || ((path) => prefix + path.replace(/[^A-Za-z0-9]/g, '-'));
  let shown = [];  // the slots and inputs showErrors marked last: cleared one by one, not by searching
  let shownArgs = null;  // what showErrors placed last, placed again once the phrasings load

  const errorSlot = (path, slotId = id(path) + '-err') => h('p', { class: 'error', id: slotId, [errorAttr]: path, role: 'status' });

  function input(path, value, onInput, { label = null, placeholder = null, mode = 'decimal', inputId = id(path), describedBy = inputId + '-err' } = {}) {
    const el = h('input', { id: inputId, type: 'text', inputmode: mode, autocomplete: 'off', spellcheck: 'false', value,
      [pathAttr]: path, 'aria-describedby': describedBy, 'aria-label': label, placeholder });
    el.addEventListener('input', () => onInput(el.value, el));
    return el;
  }

  /** A labelled field; `asset` marks a unit that is the settlement asset (updated from the core's report). */
  function field(label, path, value, onInput, { unit = '', hint = '', hintId = null, mode, asset = false } = {}) {
    const unitText = unit ? ` (${unit})` : '';
    return h('div', { class: 'field' },
      h('label', { for: id(path) }, label, unit || asset ? h('span', { class: 'unit', 'data-asset': asset ? '' : null }, unitText) : null),
      input(path, value, onInput, { mode }),
      hint ? h('small', { class: 'hint', id: hintId }, hint) : null,
      errorSlot(path));
  }

  /** A select of [value, text] choices; `bare`: the select alone, labelled by aria-label. */
  function select(label, path, value, choices, onChange, { bare = false } = {}) {
    const el = h('select', { id: id(path), [pathAttr]: path, 'aria-describedby': id(path) + '-err', 'aria-label': bare ? label : null, value },
      ...choices.map(([x, text]) => h('option', { value: x }, text)));
    el.addEventListener('change', () => onChange(el.value));
    if (bare) return el;
    return h('div', { class: 'field' }, h('label', { for: id(path) }, label), el, errorSlot(path));
  }

  /**
   * Places the errors: local (path -> message, what did not parse) first, then the core's for
   * the other paths. Each goes beside its field, whose text stays as typed and which is marked
   * invalid; the rest go to the general list (or `list`). Returns how many there are.
   */
  function showErrors(local, coreErrors = [], list = general()) {
    for (const el of shown) {
      if (el.hasAttribute('aria-invalid')) el.removeAttribute('aria-invalid');
      else el.textContent = '';
    }
    shown = [];
    const all = Object.entries(local).map(([path, message]) => ({ path, message }));
    if (coreErrors.length && !phrase) phrases(() => { if (shownArgs === args) showErrors(...args); });
    const args = shownArgs = [local, coreErrors, list];
    for (const e of coreErrors) {
      const said = phrase && phrase(e, unit());
      if (!local[e.path]) all.push(said ? { path: e.path, message: said, human: true } : e);
    }
    if (list && list.firstChild) clear(list);
    for (const e of all) {
      const slot = findSlot(root(), errorAttr, e.path);
      if (!slot) {
        if (list) list.append(h('li', {}, e.path && !e.human ? `${e.path}: ${e.message}` : e.message));
        continue;
      }
      slot.textContent = slot.textContent ? slot.textContent + ' ' + e.message : e.message;
      shown.push(slot);
      // An error in a closed editor would be invisible: open it.
      const closed = slot.closest('details:not([open])');
      if (closed) closed.open = true;
      const target = root().querySelector(`[${pathAttr}="${CSS.escape(e.path)}"]`) || slot.parentElement.querySelector('input, select');
      if (target) {
        target.setAttribute('aria-invalid', 'true');
        shown.push(target);
      }
    }
    return all.length;
  }

  return { id, errorSlot, input, field, select, showErrors };
}

/**
 * After an edit: the results greyed and the note shown while they are those of the last valid
 * input (`count` errors and results on screen), and the status line counting the errors.
 * `noun` names what was valid ('scenario', 'account').
 */
export function showStale({ results, note, status }, count, haveResults, noun) {
  const stale = count > 0 && haveResults;
  results.classList.toggle('stale', stale);
  note.hidden = !stale;
  const shown = haveResults ? `the results shown are for the last valid ${noun}` : 'fix the marked fields to see results';
  status.textContent = count ? `${count} input ${count === 1 ? 'error' : 'errors'}: ${shown}.` : '';
}

// ---------------------------------------------------------------------------------------------
// Results: past liquidation, metrics and "Show the math".

/** A position's mark is past its liquidation price: the core's distance to it is negative. */
export const isPastLiquidation = (o) => o.pastLiquidation;  // the core's verdict

/**
 * A step's label in the page's language (web/src/i18n/<lang>.js: step.<code>, then the tier's
 * verdict), from its code and params ("tier[0]" as {tier}); the core's label in English or without an entry.
 */
export function stepText(s) {
  if (!t || !s.code) return s.label;
  const p = {};
  for (const [name, x] of Object.entries(s.params || {})) {
    const key = name.replace(/\[0\]$/, '');
    if (!(key in p)) p[key] = typeof x === 'number' ? fmt.tick(x) : x;
  }
  const text = t('step.' + s.code, p);
  if (!text) return s.label;
  return text + ((p.verdict && t('step.verdict.' + p.verdict)) || '');
}

/** The steps behind a number: what it is, the formula, the numbers put in and the value. */
export function stepsList(steps, label = stepText) {
  return v('ol', { class: 'steps' }, ...steps.map((s) => v('li', {},
    v('span', { class: 'step-label' }, label(s)),
    s.formula ? v('code', { class: 'formula' }, s.formula) : null,
    s.substituted ? v('code', { class: 'substituted' }, s.substituted + (s.value === null || s.value === undefined ? '' : ' = ' + fmt.plain(s.value))) : null)));
}

/**
 * One number as a virtual node: its label (and a note), and its value. With `math` (an
 * Explainer) the value is the button that shows its steps below it; with a key it is addressable
 * (data-metric, .num); without either it is plain text.
 */
export function metric(key, label, value, { note = '', highlight = false, math = null } = {}) {
  const dt = v('dt', {}, label, note ? v('small', {}, ' ' + note) : null);
  if (math) {
    return v('div', { class: highlight ? 'metric highlight' : 'metric', 'data-metric': key }, dt,
      v('dd', {}, math.button(key, [value], { class: 'num', title: 'Show the math' })),
      math.panel(key));
  }
  return v('div', { class: 'metric', 'data-metric': key }, dt, v('dd', {}, key === null ? value : v('span', { class: 'num' }, value)));
}

/**
 * The "Show the math" disclosures of one part of the page. Its numbers come without steps; an
 * open disclosure gets its steps from explain(source), the same question asked again with
 * { explain: true }, once per source until renew() says the numbers changed (so again on each
 * update while it stays open, and never while none is open). steps(answer, key) picks a
 * disclosure's steps from that answer; source(key) says which call it needs; redraw() lays the
 * results out again after one opens or closes.
 */
export class Explainer {
  constructor({ prefix, explain, steps, source = () => '', redraw, label }) {
    Object.assign(this, { prefix, explain, pick: steps, source, redraw, label });
    this.open = new Set();
    this.answers = new Map();
    this.onClick = (e) => this.toggle(e.currentTarget.getAttribute('data-math'));
    this.onToggle = (e) => {
      const d = e.currentTarget;
      if (d.open !== this.open.has(d.getAttribute('data-math'))) this.toggle(d.getAttribute('data-math'), d.open);
    };
  }

  /** The numbers on screen changed: the steps are asked for again when next shown. */
  renew() {
    this.answers.clear();
  }

  /** Closes every disclosure. */
  reset() {
    this.open.clear();
    this.answers.clear();
  }

  isOpen(key) {
    return this.open.has(key);
  }

  /** The steps an open disclosure shows (asking the core for them if it has not yet). */
  steps(key) {
    const source = this.source(key);
    if (!this.answers.has(source)) this.answers.set(source, this.explain(source));
    const answer = this.answers.get(source);
    return (answer && !(answer.errors && answer.errors.length) && this.pick(answer, key)) || [];
  }

  toggle(key, open = !this.open.has(key)) {
    if (open) this.open.add(key);
    else this.open.delete(key);
    this.redraw(key);
  }

  panelId(key) {
    return this.prefix + key.replace(/[^A-Za-z0-9]/g, '-');
  }

  /** The button that opens and closes a disclosure (its label: virtual nodes or strings). */
  button(key, label, attrs = {}) {
    return v('button', { type: 'button', 'aria-expanded': this.open.has(key) ? 'true' : 'false', 'aria-controls': this.panelId(key),
      'data-math': key, ...attrs, on: { click: this.onClick } }, ...label);
  }

  /** The panel a button opens: the steps, built only while it is open. */
  panel(key) {
    const open = this.open.has(key);
    return v('div', { class: 'math', id: this.panelId(key), hidden: open ? null : '' }, open ? stepsList(this.steps(key), this.label) : null);
  }

  /** A disclosure of its own: "Show the math" and the steps under it. */
  details(key, summary = 'Show the math') {
    const open = this.open.has(key);
    return v('details', { class: 'math', open: open ? '' : null, 'data-math': key, on: { toggle: this.onToggle } },
      v('summary', {}, summary), open ? stepsList(this.steps(key), this.label) : null);
  }
}
