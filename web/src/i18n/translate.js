// SPDX-License-Identifier: MIT
// The page in a language other than English, loaded as a chunk of its own only then. English
// (en.js) is the reference: each key's English text is the page's text as written, where
// "{name}" stands for a part that varies ("Initial margin ({unit})"). The page's text nodes and
// labels that read as an English entry are written in the catalogue's language instead, as they
// appear (a MutationObserver); errors and lessons ask for their entry by key (t(key, params)).
import en from './en.js';

const CATALOGUES = {
  'zh-CN': () => import('./zh-CN.js'), es: () => import('./es.js'), ru: () => import('./ru.js'), ja: () => import('./ja.js'),
  ko: () => import('./ko.js'), tr: () => import('./tr.js'), vi: () => import('./vi.js'),
};
const ATTRIBUTES = ['aria-label', 'title', 'placeholder', 'data-label'];  // data-label: a table's column name beside its cell on a phone
const SKIP = new Set(['SCRIPT', 'STYLE', 'TEXTAREA', 'INPUT', 'CODE', 'PRE']);
const LABELLED = new Set(['TEXTAREA', 'INPUT']);  // skipped for their text (what was typed), not for their labels
const MAX_TEXT = 400;  // a text longer than any entry with parts (and its parts) is not matched: it bounds the patterns' work

/** "{name}" in a template -> params.name; a name without a value stays as written. */
export function fill(template, params = {}) {
  return template.replace(/\{(\w+)\}/g, (m, name) => (params[name] === undefined ? m : String(params[name])));
}

/** The placeholders of a template, sorted: what every language's entry for the key must have. */
export function placeholders(template) {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

/** The English templates as lookups: exact texts in a map, templates with parts as anchored patterns. */
function compile(reference) {
  const exact = new Map();
  const patterns = [];
  for (const [key, text] of Object.entries(reference)) {
    if (/^(lesson|error|step|chart)\./.test(key)) continue;  // asked for by key, not found on the page
    const names = placeholders(text).length ? [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]) : null;
    if (!names) exact.set(text, key);
    else {
      const source = text.split(/\{\w+\}/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('(.+?)');
      patterns.push({ key, names, re: new RegExp(`^${source}$`) });
    }
  }
  return { exact, patterns };
}

/** A translator for one catalogue: text(english) -> its translation or null, and t(key, params). */
export function translator(catalogue, reference = en) {
  const { exact, patterns } = compile(reference);
  const word = (s, depth) => (depth < 3 && text(s, depth + 1)) || s;  // a part may be an entry itself
  function text(s, depth = 0) {
    const core = s.trim();
    if (!core) return null;
    let out = null;
    if (exact.has(core)) out = catalogue[exact.get(core)] ?? null;
    else if (core.length <= MAX_TEXT) {
      for (const { key, names, re } of patterns) {
        const m = re.exec(core);
        if (!m || catalogue[key] === undefined) continue;
        const params = {};
        names.forEach((n, i) => (params[n] = word(m[i + 1], depth)));
        out = fill(catalogue[key], params);
        break;
      }
    }
    if (out === null || out === core) return null;
    return s.slice(0, s.indexOf(core)) + out + s.slice(s.indexOf(core) + core.length);
  }
  const t = (key, params) => (catalogue[key] === undefined ? null : fill(catalogue[key], params));
  return { text, t };
}

/** Writes every text node and label under `root` in the catalogue's language. */
function translateTree(root, text) {
  if (root.nodeType === 3) {
    const out = text(root.data);
    if (out !== null) root.data = out;
    return;
  }
  if (root.nodeType !== 1 && root.nodeType !== 9 && root.nodeType !== 11) return;
  if (root.nodeType === 1) {
    if (LABELLED.has(root.tagName)) translateAttributes(root, text);
    if (SKIP.has(root.tagName)) return;
    translateAttributes(root, text);
  }
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, {
    acceptNode: (n) => {
      if (n.nodeType !== 1 || !SKIP.has(n.tagName)) return NodeFilter.FILTER_ACCEPT;
      if (LABELLED.has(n.tagName)) translateAttributes(n, text);
      return NodeFilter.FILTER_REJECT;
    },
  });
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.nodeType === 1) translateAttributes(n, text);
    else {
      const out = text(n.data);
      if (out !== null) n.data = out;
    }
  }
}

function translateAttributes(el, text) {
  for (const a of ATTRIBUTES) {
    const value = el.getAttribute(a);
    const out = value && text(value);
    if (out) el.setAttribute(a, out);
  }
}

/** Loads `lang`'s catalogue, writes the page in it and keeps it so; resolves to t(key, params). */
export async function start(lang) {
  const load = CATALOGUES[lang];
  if (!load) return () => null;
  const { text, t } = translator((await load()).default);
  const title = text(document.title);
  if (title) document.title = title;
  translateTree(document.body, text);
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'characterData') translateTree(r.target, text);
      else if (r.type === 'attributes') translateAttributes(r.target, text);
      else r.addedNodes.forEach((n) => translateTree(n, text));
    }
  }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES });
  return t;
}
