// SPDX-License-Identifier: MIT
// Learn mode: the lessons of web/lessons/*.json beside the live calculator. A lesson loads its
// scenario into the form, quotes numbers the core computes for it (web/src/lessons.js),
// highlights the results and chart lines it talks about, and suggests one change to make. An
// account lesson (scenario version 3) quotes marginlab-full's evaluateAccount and opens its account
// in the account mode for "Try it". Its chunk is loaded only when a lesson is opened.
import written from 'lessons:all';
import { h, v, clear, patch } from './dom.js';
import { createForm, numberReader, fieldText } from './form.js';
import { suffix, toField } from './units.js';
import { showLesson } from './router.js';
import { lessonContext, renderPieces, renderText, metricKey, valueAt, applyEdits, needsFullLab, accountLesson, quote, localizeLesson, runTool, isAccountLesson } from './lessons.js';
import { t } from './i18n.js';

/** The lessons in the page's language (its catalogue is there before a lesson opens: main.js). */
export const lessons = written.map((l) => localizeLesson(l, t));

let api = null;      // what main.js lends: see openLearn
let index = 0;
let request = null;  // the lesson tool's request as the reader has edited it
let toolText = {};   // the tool inputs' texts, as typed
let fullLab = null;
let started = [];    // the watched values' texts at the lesson's start
let venues = null;   // a lesson on an account: its portfolio margin by venue (pm-panel.js)

const $ = (id) => document.getElementById(id);
const kit = createForm({ prefix: 'lt-', pathAttr: 'data-tool-path', errorAttr: 'data-tool-error-for', root: () => $('learn') });

/** Index of a lesson id, or -1. */
export const lessonIndex = (id) => lessons.findIndex((l) => l.id === id);

/**
 * Opens learn mode at lesson `id` (or the first). `host` lends: lab, getFullLab(), load(scenario),
 * current() -> { scenario, report } of the results on screen, emphasise(metricKeys, chartKinds),
 * openAccount(account) (closes the lessons: the account mode with that account), close().
 */
export async function openLearn(host, id) {
  api = host;
  const i = lessonIndex(id);
  await show(i < 0 ? 0 : i);
}

export function closeLearn() {
  const root = $('learn');
  root.hidden = true;
  clear(root);
  api && api.emphasise([], []);
  api = null;
}

async function show(i) {
  const wrapped = i >= lessons.length ? 'first' : i < 0 ? 'last' : '';
  index = (i + lessons.length) % lessons.length;
  const lesson = lessons[index];
  request = lesson.tool ? structuredClone(lesson.tool.request) : null;
  toolText = {};
  if (needsFullLab(lesson) && !fullLab) fullLab = await api.getFullLab();
  const root = $('learn');
  root.hidden = false;
  clear(root);
  let ctx;
  try {
    ctx = lessonContext(api.lab, fullLab, lesson);
    if (ctx.errors.length) throw new Error(ctx.errors.map((e) => `${e.root} ${e.path}: ${e.message}`).join('; '));
  } catch (e) {
    root.append(h('p', { class: 'warn', role: 'alert' }, `This lesson cannot be shown: ${e.message}`), nav());
    return;
  }
  const para = (text) => h('p', {}, ...renderPieces(text, ctx).map((p) =>
    p.text !== undefined ? p.text : h('strong', { class: 'quote', 'data-path': p.path }, p.quote)));
  root.append(...[
    nav(),
    wrapped ? h('p', { class: 'wrap-note', role: 'status' }, wrapped === 'first'
      ? `That was the last lesson: back to the first of ${lessons.length}.` : `That was the first lesson: on to the last, lesson ${lessons.length}.`) : null,
    h('h2', { id: 'learn-title', tabindex: '-1' }, lesson.title),
    h('div', { class: 'lesson-text' }, ...lesson.paragraphs.map(para)),
    lesson.toolInputs ? toolInputs(lesson) : null,
    h('div', { class: 'lesson-try' },
      h('h3', {}, 'Try it'),
      h('p', { class: 'prompt' }, renderText(lesson.try.prompt, ctx)),
      isAccountLesson(lesson) ? openInAccount(lesson) : doItForMe(lesson),
      h('details', { class: 'expected' }, h('summary', {}, 'What should happen'), para(lesson.try.result))),
    h('h3', {}, 'Watch'),
    h('dl', { class: 'watch', id: 'lesson-watch' }),
    accountLesson(lesson) ? h('section', { class: 'lesson-venues', 'aria-labelledby': 'lesson-venues-title' },
      h('h3', { id: 'lesson-venues-title' }, 'Portfolio margin by venue'), h('div', { id: 'lesson-venues-out' })) : null].filter(Boolean));
  started = lesson.watch.map((w) => safeQuote(ctx, w));
  watch(lesson, () => '');
  showLesson(lesson.id);
  venues = null;
  if (accountLesson(lesson)) refresh();  // no calculator scenario: its account is the tool's
  else if (isAccountLesson(lesson)) refresh();  // the calculator does not take an account: its numbers are ctx's
  else api.load(lesson.scenario);  // -> update() -> refresh()
  // The title takes the focus only where the page has it already: an embedded lesson never takes
  // the host page's keyboard (PageDown, arrows) before the reader clicks into it.
  if (document.hasFocus()) $('learn-title').focus({ preventScroll: true });
}

/**
 * "Do it for me": types the suggested value into its field (the lesson's tool input, or the
 * calculator's field) as the reader would, so the page reacts exactly as to typing; on a phone
 * that field is a long way from the prompt.
 */
function doItForMe(lesson) {
  const { path, value } = lesson.try;
  const tool = path.startsWith('tool.');
  const unit = tool ? ((lesson.toolInputs || []).find((i) => i.path === path.slice(5)) || {}).unit : null;
  const said = h('span', { class: 'did', role: 'status' });
  const button = h('button', { type: 'button', id: 'lesson-do-it' }, 'Do it for me');
  button.addEventListener('click', () => {
    const field = tool ? document.querySelector(`#learn [data-tool-path="${CSS.escape(path.slice(5))}"]`)
      : document.querySelector(`#inputs [data-path="${CSS.escape(path)}"]`);
    if (!field) {
      said.textContent = 'That field is not on the page.';
      return;
    }
    field.value = fieldText(toField(value, unit));
    field.dispatchEvent(new Event('input', { bubbles: true }));
    const label = field.labels && field.labels[0] ? field.labels[0].textContent : field.getAttribute('aria-label') || path;
    said.textContent = ` Done: ${label.trim()} is now ${field.value}. See "Watch" below.`;
  });
  return h('p', { class: 'do-it' }, button, said);
}

/**
 * An account lesson's "Try it": the account mode with the lesson's account, as it is or with the
 * suggested change made (the account mode has the field to change it by hand, too).
 */
function openInAccount(lesson) {
  const { path, value } = lesson.try;
  const open = h('button', { type: 'button', id: 'lesson-open-account' }, 'Open this account');
  open.addEventListener('click', () => api.openAccount(structuredClone(lesson.scenario)));
  const done = h('button', { type: 'button', id: 'lesson-do-it' }, 'Do it for me');
  done.addEventListener('click', () => api.openAccount(applyEdits(lesson.scenario, [{ path, value }])));
  return h('p', { class: 'do-it' }, open, ' ', done);
}

function safeQuote(ctx, w) {
  try {
    return quote(ctx, `${w.value}|${w.format || 'plain'}`);
  } catch {
    return 'none';
  }
}

function nav() {
  const lesson = lessons[index];
  const pick = h('select', { id: 'lesson-pick', 'aria-label': 'Lesson' },
    ...lessons.map((l, i) => h('option', { value: String(i), selected: i === index ? '' : null }, `${i + 1}. ${l.title}`)));
  pick.addEventListener('change', () => show(Number(pick.value)));
  const prev = h('button', { type: 'button', id: 'lesson-prev', 'aria-label': 'Previous lesson' }, '← Previous');
  const last = index === lessons.length - 1;  // → wraps to the first lesson, and says so
  const next = h('button', { type: 'button', id: 'lesson-next', 'aria-label': last ? null : 'Next lesson' },
    last ? 'Back to lesson 1 →' : 'Next →');
  const close = h('button', { type: 'button', id: 'lesson-close' }, 'Close lessons');
  prev.addEventListener('click', () => show(index - 1));
  next.addEventListener('click', () => show(index + 1));
  close.addEventListener('click', () => api.close());
  return h('nav', { class: 'lesson-nav', 'aria-label': 'Lessons' }, prev,
    h('span', { class: 'lesson-count' }, `Lesson ${index + 1} of ${lessons.length}`), next, pick, close,
    h('span', { class: 'lesson-id', hidden: '' }, lesson.id));
}

/** Fields for the lesson tool's request (volatility, intervals...), kept as typed. */
function toolInputs(lesson) {
  return h('div', { class: 'grid tool-fields lesson-tool' }, ...lesson.toolInputs.map((input) => {
    const x = valueAt(lesson.tool.request, input.path);
    return kit.field(input.label, input.path, typeof x === 'number' ? fieldText(toField(x, input.unit)) : String(x ?? ''), (text) => {
      toolText[input.path] = text;
      refresh();
    }, { unit: suffix(input.unit) });
  }));
}

/** The request with the reader's tool inputs; `local` gets a message for each that is not a number (left out). */
function currentRequest(lesson, local) {
  const num = numberReader(local);
  const edits = [];
  for (const input of lesson.toolInputs || []) {
    if (toolText[input.path] === undefined) continue;
    const x = num(toolText[input.path], input.path, true, input.unit || 1);
    if (x !== undefined) edits.push({ path: input.path, value: x });
  }
  return applyEdits(request, edits);
}

/** The watched values: now (`now(w)`) and at the lesson's start. */
function watch(lesson, now) {
  const list = $('lesson-watch');
  if (list) patch(list, lesson.watch.map((w, k) => v('div', { class: 'watch-row', 'data-watch': w.value },
    v('dt', {}, w.label),
    v('dd', {}, v('span', { class: 'now' }, now(w)), v('small', { class: 'was' }, `lesson start: ${started[k]}`)))));
}

/** After every update of the results: the watched values now, and the highlights. */
export function refresh() {
  if (!api) return;
  const lesson = lessons[index];
  if (isAccountLesson(lesson)) {  // the lesson's account, as its text quotes it
    watch(lesson, (w) => started[lesson.watch.indexOf(w)]);
    api.emphasise([], []);
    return;
  }
  const { scenario, report } = api.current();
  const live = { scenario, report, request: null };
  const onAccount = accountLesson(lesson);
  if (lesson.tool && fullLab && (scenario || onAccount)) {
    const local = {};
    live.request = currentRequest(lesson, local);
    const r = runTool(fullLab, { ...lesson.tool, request: live.request }, scenario);
    kit.showErrors(local, r.errors);
    live.tool = r.errors.length ? null : r;
    if (onAccount && live.tool) showVenues(live.request.account);
  }
  watch(lesson, (w) => (report || onAccount ? safeQuote(live, w) : '—'));
  const keys = [...new Set(lesson.watch.map((w) => metricKey(w.value)).filter(Boolean))];
  api.emphasise(keys, lesson.chart || []);
}

/** The lesson's account under every venue (pm-panel.js, a chunk of its own), as the reader has edited it. */
function showVenues(account) {
  import('./pm-panel.js').then(({ createPmPanel, loadStyles }) => {
    const root = $('lesson-venues-out');
    if (!root) return;
    loadStyles();
    if (!venues || venues.root !== root) venues = createPmPanel(root, fullLab, { prefix: 'lpv' });
    venues.update(account);
  });
}

// A printed lesson shows what should happen, too.
window.addEventListener('beforeprint', () => {
  for (const d of document.querySelectorAll('#learn details')) d.open = true;
});

/** Left and right arrows move between lessons when the focus is not in a field. */
export function onKey(e) {
  if (!api || e.altKey || e.ctrlKey || e.metaKey) return;
  const t = e.target;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
  if (e.key === 'ArrowRight') {
    e.preventDefault();
    show(index + 1);
  } else if (e.key === 'ArrowLeft') {
    e.preventDefault();
    show(index - 1);
  }
}
