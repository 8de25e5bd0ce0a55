// SPDX-License-Identifier: MIT
// What the browser test files share: the core (to compute what the page should show), the page's
// price format written out again, fragment encoding, host pages for <margin-lab>, and withPage(),
// which runs a test in a fresh context and then checks that no console error, page error or
// dialog happened and that no request left the page's origin.
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { mkdirSync, readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));
export const SHOTS = fileURLToPath(new URL('../../build/screenshots/', import.meta.url));
const module = await import(new URL('../../web/dist/marginlab.js', import.meta.url).href);
export const { defaultScenario } = module;
export const lab = await module.default({ wasmBinary: readFileSync(DIST + 'marginlab.wasm') });

export const WAIT = { timeout: 10000 };
export const MODES = ['isolated', 'cross'];

/** The page's price format (web/src/format.js price), written out again so the tests check it. */
export function price(x) {
  if (x === null) return 'none';
  const a = Math.abs(x);
  const opts = a >= 1000 ? { minimumFractionDigits: 2, maximumFractionDigits: 2 }
    : a >= 1 ? { minimumFractionDigits: 2, maximumFractionDigits: 4 } : { maximumSignificantDigits: 6 };
  return new Intl.NumberFormat('en-US', opts).format(x);
}

/** The liquidation prices the core computes for a scenario, as the page should show them. */
export function expectedLiquidation(scenario) {
  const report = lab.evaluate(scenario);
  assert.deepEqual(report.errors, [], 'the core accepts the scenario');
  const out = {};
  for (const mode of MODES) report[mode].positions.forEach((p, i) => { out[`${mode}:${i}:liquidationPrice`] = price(p.liquidationPrice); });
  return out;
}

export const lpButton = (mode, i) => `[data-metric="${mode}:${i}:liquidationPrice"] button.num`;

/** Texts of the liquidation-price buttons for the given keys, read in the page (or frame). */
export async function shownLiquidation(target, keys) {
  return target.evaluate((keys) => Object.fromEntries(keys.map((k) => {
    const b = document.querySelector(`[data-metric="${k}"] button.num`);
    return [k, b ? b.textContent : null];
  })), keys);
}

/** Waits until the page shows exactly these liquidation-price texts, then asserts them. */
export async function expectShown(target, expected, message) {
  const keys = Object.keys(expected);
  try {
    await target.waitForFunction((exp) => Object.entries(exp).every(([k, v]) => {
      const b = document.querySelector(`[data-metric="${k}"] button.num`);
      return b && b.textContent === v;
    }), expected, WAIT);
  } catch { /* the assertion below reports the difference */ }
  assert.deepEqual(await shownLiquidation(target, keys), expected, message);
}

export async function ready(target) {
  await target.waitForSelector('html[data-ready="true"]', { state: 'attached', ...WAIT });
  // The risk lab loads when its section comes near the screen: bring it there once, wait for its forms,
  // and go back to the top, so a test finds the page as a reader who scrolled down and back.
  const shown = await target.evaluate(() => {
    const risk = document.getElementById('risk');
    if (!risk || risk.offsetParent === null) return false;
    risk.scrollIntoView();
    // The lab is drawn once there are results to ask about (a scenario with errors has none yet).
    return document.querySelector('#columns [data-metric]') !== null;
  });
  if (!shown) return;
  await target.waitForSelector('#risk form[id^="t-"]', { state: 'attached', ...WAIT });
  await target.evaluate(() => window.scrollTo(0, 0));
}

export const withQuantity = (q) => {
  const s = structuredClone(defaultScenario);
  s.positions[0].quantity = q;
  return s;
};

/** A scenario (object or JSON text) as the page's URL fragment: "#s1=" + base64url(deflate-raw(JSON)). */
export function fragmentOf(scenario) {
  const json = typeof scenario === 'string' ? scenario : JSON.stringify(scenario);
  return '#s1=' + deflateRawSync(Buffer.from(json)).toString('base64url');
}

/** Text for an HTML attribute value in quotes of either kind. */
export function escapeAttribute(text) {
  return String(text).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
    .replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A host page (served with the same CSP as the app) holding one <margin-lab>, for serve()'s
 * `extra`. scenario is the attribute's text (null: no attribute); attrs are more attributes.
 */
export function hostPage(scenario, attrs = {}) {
  const all = { ...(scenario === null ? {} : { scenario }), ...attrs };
  const list = Object.entries(all).map(([k, v]) => ` ${k}='${escapeAttribute(v)}'`).join('');
  return {
    type: 'text/html; charset=utf-8',
    body: '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title>' +
      '<link rel="icon" href="/favicon.svg"><script type="module" src="/margin-lab.js"></script></head><body>' +
      `<margin-lab${list}></margin-lab></body></html>`,
  };
}

/**
 * Runs fn(page, ctx) in a fresh context of the browser and then checks the invariants every test
 * shares. allow(url) says which request URLs are fine besides data:, blob: and about:
 * (default: the origin's); locale (navigator.language, default en-US) and colorScheme the context's.
 * ctx: { context, requests, problems, newPage }.
 */
export async function withPage(browser, origin, fn, { viewport = { width: 1280, height: 900 }, allow = (u) => u.startsWith(origin + '/'), locale = 'en-US', colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport, locale, colorScheme });
  const problems = [];
  const requests = [];
  const watch = (page) => {
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()} at ${m.location().url}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e && e.message ? e.message : e}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.type()} ${d.message()}`);
      d.dismiss().catch(() => {});
    });
    page.on('request', (r) => requests.push(r.url()));
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  };
  context.on('page', watch);
  const ctx = { context, requests, problems, newPage: () => context.newPage() };
  try {
    const page = await context.newPage();
    await fn(page, ctx);
    assert.deepEqual(problems, [], 'no console error, page error or dialog');
    const foreign = requests.filter((u) => !/^(data|blob|about):/.test(u) && !allow(u));
    assert.deepEqual(foreign, [], 'no request leaves the page\'s origin');
  } finally {
    await context.close();
  }
}

/**
 * For a test file: web/dist served and Chromium launched before its tests, both closed after, and
 * build/screenshots/ made; `extra` are more files to serve (scripts/serve.mjs). Gives { browser, base, origin,
 * withPage(fn, options) } once started.
 */
export async function servedPage(extra = {}) {
  const { serve } = await import('../../scripts/serve.mjs');
  const { launch } = await import('./chromium.mjs');
  const s = { withPage: (fn, options) => withPage(s.browser, s.origin, fn, options) };
  before(async () => {
    ({ server: s.server, url: s.base } = await serve({ port: 0, extra }));
    s.origin = new URL(s.base).origin;
    s.browser = await launch();
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    if (s.browser) await s.browser.close();
    if (s.server) await new Promise((resolve) => s.server.close(resolve));
  });
  return s;
}

/** marginlab-full (the risk lab's module), created from web/dist. */
export async function fullLab() {
  const { default: create } = await import(new URL('../../web/dist/marginlab-full.js', import.meta.url).href);
  return create({ wasmBinary: readFileSync(DIST + 'marginlab-full.wasm') });
}

/** Opens the page at `base` and its "Import from exchange" panel. */
export async function openImport(page, base) {
  await page.goto(base + 'index.html');
  await ready(page);
  await page.click('#import-open');
  await page.waitForSelector('#import-text', WAIT);
}

/** Puts `text` in the import panel as pasted (set at once: a 10 MB paste typed would take minutes) and reads it as `venue`'s. */
export async function pasteImport(page, venue, text) {
  await page.selectOption('#import-venue', venue);
  await page.evaluate((t) => { document.getElementById('import-text').value = t; }, text);
  await page.click('#import-read');
}

/**
 * The visible text nodes and labels (aria-label, title, placeholder) under `root`, outside code
 * (formulas and JSON stay as written).
 */
export function visibleTexts(root) {
  const out = [];
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const walker = document.createTreeWalker(document.querySelector(root), NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  for (let n = walker.currentNode; n; n = walker.nextNode()) {
    if (n.nodeType === 1) {
      if (n.closest('code, pre, script, style') || !shown(n)) continue;
      for (const a of ['aria-label', 'title', 'placeholder', 'data-label']) if (n.getAttribute(a)) out.push(n.getAttribute(a));  // data-label: a column's name beside its cell on a phone
    } else if (n.data.trim() && !n.parentElement.closest('code, pre, script, style') && shown(n.parentElement)) out.push(n.data.trim());
  }
  return out;
}

/** The texts of `texts` that read as an entry of the English catalogue (as it is or with its parts). */
export async function english(texts) {
  const { default: en } = await import('../../web/src/i18n/en.js');
  const { translator } = await import('../../web/src/i18n/translate.js');
  const { text } = translator(Object.fromEntries(Object.keys(en).map((k) => [k, '\u0001'])));
  // And English the catalogue does not have: two lower-case English words in a row (names and symbols are capitalised).
  return [...new Set(texts)].filter((s) => text(s) !== null || /\b[a-z]{3,} [a-z]{2,}\b/.test(s));
}
