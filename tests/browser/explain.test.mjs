// SPDX-License-Identifier: MIT
// Steps on demand: the page asks the core for numbers only, and asks again with { explain: true }
// only for a "Show the math" that is open (and, while it stays open, on each edit). The page is
// served with marginlab.js and marginlab-full.js wrapped: every call that passes { explain: true }
// as its last argument is recorded in window.__explainCalls (in the page; the worker has its own).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serve } from '../../scripts/serve.mjs';
import { launch } from './chromium.mjs';
import { DIST, WAIT, lpButton, ready, withPage as withPageIn } from './helpers.mjs';

/** A module that re-exports `original` with every function of the lab it creates recording explain calls. */
const recording = (original) => `import create from './${original}';
export * from './${original}';
export default async function createMarginLab(options) {
  const lab = await create(options);
  const calls = (globalThis.__explainCalls ??= []);
  const wrapped = {};
  for (const [name, value] of Object.entries(lab)) {
    wrapped[name] = typeof value !== 'function' ? value : (...args) => {
      const last = args[args.length - 1];
      if (last && typeof last === 'object' && last.explain === true) calls.push(name);
      return value.apply(lab, args);
    };
  }
  return Object.freeze(wrapped);
}
`;

const JS = 'text/javascript; charset=utf-8';
let browser, server, base, origin;
before(async () => {
  const extra = {};
  for (const name of ['marginlab', 'marginlab-full']) {
    extra[`/${name}.orig.js`] = { type: JS, body: readFileSync(`${DIST}${name}.js`) };
    extra[`/${name}.js`] = { type: JS, body: recording(`${name}.orig.js`) };
  }
  ({ server, url: base } = await serve({ port: 0, extra }));
  origin = new URL(base).origin;
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await new Promise((resolve) => server.close(resolve));
});

const withPage = (fn, options) => withPageIn(browser, origin, fn, options);
/** The explain calls, less tickPrice's (the venue's rounding step under a liquidation price: asked for with the
 *  panel's steps, counted apart by rounding()). */
const calls = (page) => page.evaluate(() => (globalThis.__explainCalls || []).filter((n) => n !== 'tickPrice'));
const rounding = (page) => page.evaluate(() => (globalThis.__explainCalls || []).filter((n) => n === 'tickPrice').length);

/** Waits until the page has recorded `n` explain calls, then returns them. */
async function callsReach(page, n) {
  await page.waitForFunction((k) => (globalThis.__explainCalls || []).length >= k, n, WAIT).catch(() => {});
  return calls(page);
}

test('the calculator and the risk lab ask for steps only while a "show the math" is open', async () => {
  await withPage(async (page) => {
    await page.goto(base);
    await ready(page);
    const quantity = 'input[data-path="positions[0].quantity"]';
    await page.fill(quantity, '0.7');
    await page.fill(quantity, '0.6');
    await page.waitForFunction(() => location.hash.startsWith('#s1='), null, WAIT);
    // A risk-lab tool computes: numbers only.
    await page.locator('#t-adjust').locator('xpath=..').locator(':scope > summary').click();
    await page.locator('#t-adjust button[type=submit]').click();
    await page.waitForSelector('#t-adjust-out dl.tool-result', WAIT);
    assert.deepEqual(await calls(page), [], 'no explain call from loading, editing or a tool');
    assert.equal(await rounding(page), 0, 'no rounding step asked for while no math is open');
    assert.equal(await page.locator('ol.steps').count(), 0, 'no steps on the page');

    // Opening a number's math asks once; the steps are the liquidation price's.
    const button = page.locator(lpButton('isolated', 0));
    await button.click();
    const panel = `#${await button.getAttribute('aria-controls')}`;
    await page.waitForSelector(`${panel} ol.steps li`, WAIT);
    assert.deepEqual(await calls(page), ['evaluate']);
    assert.ok((await page.textContent(panel)).includes('LP ='), 'the liquidation price\'s formula');
    assert.ok(await rounding(page) > 0, 'the venue\'s rounding step comes with the open panel');
    // A second panel uses the same explained report; an edit asks again, once, while they are open.
    await page.locator(lpButton('cross', 0)).click();
    assert.deepEqual(await calls(page), ['evaluate']);
    await page.fill(quantity, '0.8');
    await page.waitForFunction((sel) => document.querySelector(sel).textContent.includes('0.8'), `${panel} ol.steps`, WAIT);
    assert.deepEqual(await callsReach(page, 2), ['evaluate', 'evaluate']);
    // Closed again: edits ask for numbers only.
    await button.click();
    await page.locator(lpButton('cross', 0)).click();
    await page.fill(quantity, '0.9');
    await page.waitForFunction(() => location.hash.length > 0 && document.querySelector('#results:not(.stale)'), null, WAIT);
    await page.waitForTimeout(200);
    assert.deepEqual(await calls(page), ['evaluate', 'evaluate']);
    const closed = await rounding(page);
    await page.fill(quantity, '1');
    await page.waitForTimeout(200);
    assert.equal(await rounding(page), closed, 'no rounding step asked for once the panels are closed');

    // The tool's own math, asked for when its disclosure opens.
    await page.locator('#t-adjust-out details.math > summary').click();
    await page.waitForSelector('#t-adjust-out details.math[open] li', WAIT);
    assert.deepEqual(await calls(page), ['evaluate', 'evaluate', 'adjust']);
  });
});

test('the options account asks for steps only for the panel opened; lessons never do', async () => {
  await withPage(async (page) => {
    await page.goto(base);
    await ready(page);
    await page.click('#options-toggle');
    await page.waitForSelector('[data-metric="cross:now:equity"]', WAIT);
    await page.fill('[data-opt-path="walletBalance"]', '1.1');
    await page.waitForFunction(() => document.querySelector('[data-metric="cross:now:equity"] .num')?.textContent.startsWith('1.'), null, WAIT);
    assert.deepEqual(await calls(page), [], 'opening and editing the account: numbers only');
    assert.equal(await page.locator('#options ol.steps').count(), 0);
    await page.click('[data-math="opt:options[0]"]');
    await page.waitForSelector(`#${await page.getAttribute('[data-math="opt:options[0]"]', 'aria-controls')} ol.steps li`, WAIT);
    assert.deepEqual(await calls(page), ['evaluateOptions']);
    await page.click('[data-math="opt:pm"]');
    await page.waitForSelector(`#${await page.getAttribute('[data-math="opt:pm"]', 'aria-controls')} ol.steps li`, WAIT);
    assert.deepEqual(await calls(page), ['evaluateOptions', 'portfolioMargin']);
    // Learn mode: a lesson with a risk-lab tool quotes numbers, never steps.
    await page.goto(`${base}index.html#lesson=odds`);
    await page.waitForFunction(() => document.querySelector('#lesson-watch .now')?.textContent, null, WAIT);
    await page.fill('#learn input[data-tool-path="volatility"]', '70');
    await page.waitForTimeout(200);
    assert.deepEqual(await calls(page), []);
  });
});
