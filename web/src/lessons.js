// SPDX-License-Identifier: MIT
// Lessons (web/lessons/*.json, README "Lessons"): what a lesson's text quotes, computed by the
// core. No DOM here, so node tests render a lesson exactly as the page does.
//
// A lesson's texts hold placeholders {root.path|format}. Roots:
//   scenario  the lesson's scenario as loaded          report  lab.evaluate(scenario)
//   tool      its risk-lab tool (lesson.tool) result    try     the suggested change (path, value)
//   after     lab.evaluate(scenario with the change)    toolAfter  the tool on that scenario
//   request   the tool's request in force               <variant> lab.evaluate(scenario with
//   lesson.variants[<variant>] applied), or the tool with lesson.toolVariants[<variant>] applied
//   to its request.
// An account lesson (its scenario a version 3 account) has the same roots, each an answer of
// marginlab-full's evaluateAccount instead of evaluate (report.account.oneFactor.moveDown), and no tool.
// Formats (web/src/format.js): price, amount, coin (8 decimals), percent, plain, int.
// A placeholder that does not resolve to a finite number or a string is an error, never "NaN".
//
// A lesson on an account (tool marginByVenue) has no calculator scenario: its version 3 account is
// the tool request's `account`, and the rest of the request is marginByVenue's.

import * as fmt from './format.js';
import { UNITS } from './units.js';

const FORMATS = {
  price: (x) => fmt.price(x),
  amount: (x) => fmt.amount(x, false),
  coin: (x) => fmt.amount(x, true),
  percent: (x) => fmt.percent(x),
  plain: (x) => fmt.count(x),
  int: (x) => String(Math.round(x)),
};

/** "positions[0].quantity" -> ['positions', 0, 'quantity']. */
export function splitPath(path) {
  const out = [];
  for (const part of String(path).split('.')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new Error(`bad path "${path}"`);
    out.push(m[1]);
    for (const i of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(i[1]));
  }
  return out;
}

/** The value at a path, or undefined. Only own properties: a path never reaches a prototype. */
export function valueAt(root, path) {
  let x = root;
  for (const key of splitPath(path)) {
    if (x === null || typeof x !== 'object' || !Object.prototype.hasOwnProperty.call(x, key)) return undefined;
    x = x[key];
  }
  return x;
}

/** A copy of the scenario with each edit { path, value } applied (paths as in the page's fields). */
export function applyEdits(scenario, edits) {
  const s = structuredClone(scenario);
  for (const { path, value } of edits) {
    const keys = splitPath(path);
    let x = s;
    for (const key of keys.slice(0, -1)) {
      if (x[key] === undefined) throw new Error(`the lesson edits "${path}", which its scenario does not have`);
      x = x[key];
    }
    x[keys[keys.length - 1]] = value;
  }
  return s;
}

/** The lesson's tool on a scenario, as the lesson's request gives it (the page's refresh calls it too). */
export const runTool = (fullLab, tool, scenario) => {
  const fn = fullLab && fullLab[tool.name];
  if (typeof fn !== 'function') throw new Error(`the lesson's tool "${tool.name}" is not in the risk lab`);
  // reconcile(scenario, venueFigures, options): its lesson request is { venueFigures, relativeTolerance? }.
  if (tool.name === 'reconcile') return fn.call(fullLab, scenario, tool.request.venueFigures, { relativeTolerance: tool.request.relativeTolerance });
  if (tool.name === 'marginByVenue') {
    const { account, ...request } = tool.request;
    return fn.call(fullLab, account, request);
  }
  return fn.call(fullLab, scenario, tool.request);
};

/** Whether the lesson's scenario is an account (scenario version 3), which the account mode shows. */
export const isAccountLesson = (lesson) => Boolean(lesson && lesson.scenario && lesson.scenario.version === 3);

/** Whether the lesson needs the risk lab's module (marginlab-full.js): a tool, or an account. */
export const needsFullLab = (lesson) => Boolean(lesson.tool) || isAccountLesson(lesson);

/** A lesson on a version 3 account (marginByVenue's request holds it): no calculator scenario. */
export const accountLesson = (lesson) => Boolean(lesson && lesson.tool && lesson.tool.name === 'marginByVenue');

/**
 * Everything the lesson's placeholders can quote, computed by the core. `scenario` and
 * `request` default to the lesson's own (the page passes what the reader has changed).
 * Core input errors are returned in `errors` (with the root they came from).
 */
export function lessonContext(lab, fullLab, lesson, { scenario = lesson.scenario, request = lesson.tool && lesson.tool.request } = {}) {
  const tool = lesson.tool ? { ...lesson.tool, request } : null;
  const ctx = { scenario, request: request || null, try: lesson.try || null, errors: [] };
  const account = isAccountLesson(lesson);
  const evaluate = (name, s) => {
    const r = account ? fullLab.evaluateAccount(s) : lab.evaluate(s);
    for (const e of r.errors) ctx.errors.push({ root: name, ...e });
    ctx[name] = { ...r, scenario: s };  // {up.scenario.positions[0].markPrice}: what the variant changed
  };
  const useTool = (name, s, req) => {
    const r = runTool(fullLab, { ...tool, request: req }, s);
    for (const e of r.errors) ctx.errors.push({ root: name, ...e });
    ctx[name] = r;
  };
  if (scenario) evaluate('report', scenario);
  if (tool) useTool('tool', scenario, request);
  for (const [name, edits] of Object.entries(lesson.variants || {})) evaluate(name, applyEdits(scenario, edits));
  if (tool) for (const [name, edits] of Object.entries(lesson.toolVariants || {})) useTool(name, scenario, applyEdits(request, edits));
  if (lesson.try) {
    const { path, value } = lesson.try;
    if (path.startsWith('tool.')) {
      if (scenario) evaluate('after', scenario);
      if (tool) useTool('toolAfter', scenario, applyEdits(request, [{ path: path.slice(5), value }]));
    } else {
      const changed = applyEdits(scenario, [{ path, value }]);
      evaluate('after', changed);
      if (tool) useTool('toolAfter', changed, request);
    }
  }
  return ctx;
}

/**
 * A lesson's texts by catalogue name (web/src/i18n/: lesson.<id>.<name>): title, p0.., watch0..,
 * input0.. (its tool inputs' labels), prompt and result.
 */
export function lessonTexts(lesson) {
  const out = { title: lesson.title };
  lesson.paragraphs.forEach((p, i) => { out['p' + i] = p; });
  lesson.watch.forEach((w, i) => { out['watch' + i] = w.label; });
  (lesson.toolInputs || []).forEach((x, i) => { out['input' + i] = x.label; });
  return Object.assign(out, { prompt: lesson.try.prompt, result: lesson.try.result });
}

/**
 * The lesson in the page's language: its texts from the catalogue where it has them, with the
 * same placeholders, so it quotes the same numbers of the core. `t` is i18n.js's lookup (null in English).
 */
export function localizeLesson(lesson, t) {
  if (!t) return lesson;
  const say = (name, english) => t(`lesson.${lesson.id}.${name}`) ?? english;
  return {
    ...lesson, title: say('title', lesson.title), paragraphs: lesson.paragraphs.map((p, i) => say('p' + i, p)),
    watch: lesson.watch.map((w, i) => ({ ...w, label: say('watch' + i, w.label) })),
    ...(lesson.toolInputs ? { toolInputs: lesson.toolInputs.map((x, i) => ({ ...x, label: say('input' + i, x.label) })) } : {}),
    try: { ...lesson.try, prompt: say('prompt', lesson.try.prompt), result: say('result', lesson.try.result) },
  };
}

/** One placeholder's text. Throws when the path does not resolve to something printable. */
export function quote(ctx, expr) {
  const [path, format = 'plain'] = expr.split('|').map((x) => x.trim());
  const value = valueAt(ctx, path);
  if (typeof value === 'string') return value;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`{${expr}}: ${value === null ? 'the core gives no number here (null)' : 'not a number the core computed'}`);
  }
  const f = FORMATS[format];
  if (!f) throw new Error(`{${expr}}: unknown format "${format}"`);
  return f(value);
}

/** A lesson text with its placeholders filled in: [{ text } | { quote, path }] pieces. */
export function renderPieces(text, ctx) {
  const pieces = [];
  let at = 0;
  for (const m of text.matchAll(/\{([^{}]+)\}/g)) {
    if (m.index > at) pieces.push({ text: text.slice(at, m.index) });
    pieces.push({ quote: quote(ctx, m[1]), path: m[1].split('|')[0].trim() });
    at = m.index + m[0].length;
  }
  if (at < text.length) pieces.push({ text: text.slice(at) });
  return pieces;
}

export const renderText = (text, ctx) => renderPieces(text, ctx).map((p) => p.text ?? p.quote).join('');

const compare = {
  '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b,
  '==': (a, b) => a === b, '!=': (a, b) => a !== b,
};

/** A value or a path ("-path": its negative): numbers and booleans stand for themselves. */
function operand(ctx, x) {
  if (typeof x !== 'string') return x;
  if (x.startsWith('-')) {
    const v = valueAt(ctx, x.slice(1));
    return typeof v === 'number' ? -v : undefined;
  }
  return valueAt(ctx, x);
}

/**
 * What the lesson claims, checked against the core: `checks` ([a, op, b], operands are paths or
 * numbers) and the suggested change's `expect` ({ value, change: up | down | same }: `value`
 * read on report/tool before, on after/toolAfter after). Returns failures as sentences.
 */
export function checkClaims(lesson, ctx) {
  const failures = [];
  for (const [a, op, b] of lesson.checks || []) {
    const x = operand(ctx, a), y = operand(ctx, b);
    if (!compare[op]) failures.push(`unknown comparison "${op}"`);
    else if (!compare[op](x, y)) failures.push(`${a} (${x}) ${op} ${b} (${y}) does not hold`);
  }
  for (const e of (lesson.try && lesson.try.expect) || []) {
    const change = directionOf(valueAt(ctx, beforeRoot(e.value)), valueAt(ctx, afterRoot(e.value)));
    if (change !== e.change) failures.push(`after the change, ${e.value} should go ${e.change} but goes ${change}`);
  }
  return failures;
}

/** report.x -> after.x, tool.x -> toolAfter.x (an expect names the value before the change). */
export const beforeRoot = (path) => path;
export const afterRoot = (path) => path.replace(/^report\./, 'after.').replace(/^tool\./, 'toolAfter.');

/** 'up', 'down' or 'same' (relative 1e-12), or 'none' when either side is not a number. */
export function directionOf(before, after) {
  if (typeof before === 'boolean' && typeof after === 'boolean') return before === after ? 'same' : after ? 'up' : 'down';
  if (typeof before !== 'number' || typeof after !== 'number') return 'none';
  const scale = Math.max(Math.abs(before), Math.abs(after), 1e-300);
  if (Math.abs(after - before) <= 1e-12 * scale) return 'same';
  return after > before ? 'up' : 'down';
}

// Report fields the page shows inside another metric's row (the tier and its rate are the
// maintenance margin's note; the liquidation tier is the liquidation price's).
const SHOWN_WITH = { tier: 'maintenanceMargin', maintenanceMarginRate: 'maintenanceMargin', liquidationTier: 'liquidationPrice' };

/** "report.isolated.positions[0].liquidationPrice" -> the page's metric key "isolated:0:liquidationPrice". */
export function metricKey(path) {
  const m = /^report\.(isolated|cross|asGiven)\.(?:positions\[(\d+)\]|(account))\.([A-Za-z]+)$/.exec(path);
  if (!m) return null;
  const field = m[2] !== undefined ? SHOWN_WITH[m[4]] ?? m[4] : m[4];
  return `${m[1]}:${m[2] ?? 'account'}:${field}`;
}

/**
 * A tool input's unit is one of the page's (web/src/units.js); a prompt that quotes the suggested
 * value as a percentage asks for it in a field that takes percent (lesson 9: "raise the
 * volatility to 80%" and its field in % a year), and one that quotes a plain number in a field
 * that takes plain numbers.
 */
function unitProblems(lesson) {
  const p = [];
  const inputs = Array.isArray(lesson.toolInputs) ? lesson.toolInputs : [];
  for (const input of inputs) {
    if (input && input.unit !== undefined && !UNITS[input.unit]) p.push(`toolInputs: "${input.unit}" is not a unit of the page (${Object.keys(UNITS).join(', ')})`);
  }
  const t = lesson.try;
  if (t && typeof t.path === 'string' && t.path.startsWith('tool.') && typeof t.prompt === 'string') {
    const input = inputs.find((i) => i && i.path === t.path.slice(5));
    const percentField = Boolean(input && UNITS[input.unit] && UNITS[input.unit].per === 100);
    if (!input) p.push(`try: the page has no field for ${t.path}; add it to toolInputs`);
    else if (/\{try\.value\|percent\}/.test(t.prompt) !== percentField) p.push(`try: the prompt and the field of ${t.path} disagree on percent`);
  }
  return p;
}

/** Shape errors of a lesson object, as sentences (the build and the tests reject such a lesson). */
export function lessonProblems(lesson) {
  const p = [];
  const isObj = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (!isObj(lesson)) return ['a lesson is a JSON object'];
  if (typeof lesson.id !== 'string' || !/^[a-z0-9-]{1,40}$/.test(lesson.id)) p.push('id: lowercase letters, digits and "-", at most 40');
  if (typeof lesson.title !== 'string' || !lesson.title) p.push('title: a non-empty string');
  if (accountLesson(lesson)) {
    if (lesson.scenario !== undefined || lesson.variants !== undefined) p.push('a lesson on an account has no scenario or variants: its account is tool.request.account');
    if (!isObj(lesson.tool.request) || !isObj(lesson.tool.request.account)) p.push('tool.request.account: the lesson\'s version 3 account');
  } else if (!isObj(lesson.scenario)) p.push('scenario: a Scenario object');
  if (!Array.isArray(lesson.paragraphs) || !lesson.paragraphs.length || !lesson.paragraphs.every((t) => typeof t === 'string')) {
    p.push('paragraphs: a non-empty array of strings');
  }
  if (lesson.tool !== undefined && !(isObj(lesson.tool) && typeof lesson.tool.name === 'string' && isObj(lesson.tool.request))) {
    p.push('tool: { name, request }');
  }
  if (isAccountLesson(lesson) && lesson.tool !== undefined) p.push('tool: an account lesson (scenario version 3) has none');
  if (lesson.toolInputs !== undefined && !Array.isArray(lesson.toolInputs)) p.push('toolInputs: an array of { path, label }');
  p.push(...unitProblems(lesson));
  if (!Array.isArray(lesson.watch) || !lesson.watch.every((w) => isObj(w) && typeof w.label === 'string' && typeof w.value === 'string')) {
    p.push('watch: an array of { label, value, format }');
  }
  const t = lesson.try;
  if (!isObj(t) || typeof t.path !== 'string' || typeof t.prompt !== 'string' || !Array.isArray(t.expect) || !t.expect.length) {
    p.push('try: { path, value, prompt, result, expect: [{ value, change }] }');
  }
  return p;
}
