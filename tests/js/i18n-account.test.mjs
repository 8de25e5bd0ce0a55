// SPDX-License-Identifier: MIT
// The account mode's page texts (web/src/account.js) in every language: each text the file writes
// reads as an entry of en.js, and every other catalogue has that entry (web/src/i18n/translate.js
// writes the page in the language by matching its English text to the entries). A text added to
// account.js without its entries fails here, before any browser runs.
//
// What counts as a page text: a string or template literal of account.js whose own letters (outside
// ${...}) include a space or start with a capital followed by a small letter ("Equity", "Show the
// math", `${asset} move`). One-word lower-case literals are code (keys, paths, enum names); the few
// code literals that look like text are listed in CODE. Class lists (lower-case words, one hyphenated)
// are code too. Every ${...} stands for a value (a name, a number) when the text is looked up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import en from '../../web/src/i18n/en.js';
import { translator } from '../../web/src/i18n/translate.js';
import { LANGUAGES } from '../../web/src/i18n.js';

const OTHERS = LANGUAGES.filter((l) => l !== 'en');
const catalogues = Object.fromEntries(await Promise.all(OTHERS.map(async (l) => [l, (await import(`../../web/src/i18n/${l}.js`)).default])));

/** Literals of account.js that read like text but are code. */
const CODE = new Set(['field check', 'rotate(-90 14 ${H / 2})']);

/** The page texts of a source file, as written (templates with their ${...}). */
export function pageTexts(source) {
  const code = source.replace(/^\s*\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
  const out = new Set();
  for (const m of code.matchAll(/'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g)) {
    const literal = (m[1] ?? m[2]).replace(/\\'/g, '\'');
    const own = literal.replace(/\$\{[^}]*\}/g, '');
    if (!/[A-Za-z]/.test(own) || CODE.has(literal)) continue;
    const words = own.trim().split(/\s+/);
    const classes = words.every((w) => /^[a-z][a-z0-9-]*$/.test(w)) && words.some((w) => w.includes('-'));
    if (!classes && (/\s/.test(own.trim()) || /^[A-Z][a-z]/.test(own.trim()))) out.add(literal);
  }
  return [...out];
}

/** A text as the page shows it: each ${...} a value no entry has. */
const sample = (text) => text.replace(/\$\{[^}]*\}/g, 'Q7');

const texts = pageTexts(readFileSync(new URL('../../web/src/account.js', import.meta.url), 'utf8'));

test('account.js: the page texts are found (the extraction reads the file)', () => {
  assert.ok(texts.length >= 120, `${texts.length} texts`);
  for (const t of ['One account', 'Show the math', 'Each position\'s contribution', '${x.asset} move (%)']) assert.ok(texts.includes(t), t);
  assert.ok(!texts.includes('grid acct-top') && !texts.includes('acct-general') && !texts.includes('USDT'), 'code is not text');
});

test('account.js: every page text is an English entry, and every catalogue translates it', () => {
  // Each entry marked, so that a word a language writes as English does ("Beta", "Normal") counts as found.
  const marked = (c) => translator(Object.fromEntries(Object.entries(c).map(([k, x]) => [k, '\u0001' + x]))).text;
  const english = marked(en);
  assert.deepEqual(texts.filter((t) => english(sample(t)) === null), [], 'texts with no entry in en.js');
  for (const [lang, c] of Object.entries(catalogues)) {
    const text = marked(c);
    assert.deepEqual(texts.filter((t) => text(sample(t)) === null), [], `${lang}: texts not translated`);
  }
});

test('a text missing from a catalogue fails the check', () => {
  const key = Object.keys(en).find((k) => en[k] === 'Each position\'s contribution');
  assert.ok(key, 'the entry of the positions\' heading');
  const without = Object.fromEntries(Object.entries(catalogues.ja).filter(([k]) => k !== key));
  assert.equal(translator(without).text('Each position\'s contribution'), null);
  assert.equal(translator(catalogues.ja).text('Each position\'s contribution'), catalogues.ja[key]);
});
