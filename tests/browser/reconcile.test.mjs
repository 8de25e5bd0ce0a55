// SPDX-License-Identifier: MIT
// Browser test of the reconciliation panel (risk lab, lab.reconcile): a venue figure typed for a
// position gives the core's verdict (agrees, reproduced with named conventions, or the nearest),
// "Show the math" lists the core's steps, and a bad figure is an error at its field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';
import { launch } from './chromium.mjs';
import { ready } from './helpers.mjs';

const DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));
const { default: createFull, defaultScenario } = await import(new URL('../../web/dist/marginlab-full.js', import.meta.url).href);
const lab = await createFull({ wasmBinary: readFileSync(DIST + 'marginlab-full.wasm') });
const WAIT = { timeout: 20000 };
const ID = 't-reconcile-0';  // position 0's "Venue shows" tool

let browser, server, base;
before(async () => {
  ({ server, url: base } = await serve({ port: 0 }));
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await new Promise((resolve) => server.close(resolve));
});

const fmtPrice = (x) => new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x);

async function compute(page, fields) {
  const box = page.locator(`#${ID}`).locator('xpath=..');
  if (!(await box.evaluate((d) => d.open))) await box.locator(':scope > summary').click();
  for (const [key, value] of Object.entries(fields)) await page.locator(`[id="${ID}-${key}"]`).fill(value);
  await page.locator(`#${ID} button[type=submit]`).click();
  await page.waitForFunction((id) => {
    const out = document.getElementById(`${id}-out`);
    return out && out.textContent && !out.textContent.startsWith('Loading');
  }, ID, WAIT);
  return page.locator(`#${ID}-out`).textContent();
}

test('the reconciliation panel shows the core\'s verdict, its conventions and its math', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  try {
    await page.goto(base);
    await ready(page);
    await page.locator('#risk').scrollIntoViewIfNeeded();
    await page.waitForSelector(`#${ID}`, { ...WAIT, state: 'attached' });
    const s = structuredClone(defaultScenario);
    // A figure no combination reaches: the core's nearest, named.
    const far = lab.reconcile(s, [{ position: 0, liquidationPrice: 1e6, tick: 0.01 }]).positions[0];
    assert.equal(far.reproduced, false);
    let text = await compute(page, { liquidationPrice: '1000000', tick: '0.01' });
    assert.match(text, /No combination reproduces it; the nearest:/);
    assert.ok(text.includes(fmtPrice(far.figures.liquidationPrice)), `nearest ${far.figures.liquidationPrice} in: ${text}`);
    assert.ok(text.includes(String(far.tried)), `combinations tried ${far.tried} in: ${text}`);
    // That nearest figure, typed as the venue's: reproduced with the same conventions.
    const typed = Math.round(far.figures.liquidationPrice * 100) / 100;
    const found = lab.reconcile(s, [{ position: 0, liquidationPrice: typed, tick: 0.01 }]).positions[0];
    assert.equal(found.reproduced, true);
    assert.ok(found.conventions.length > 0);
    text = await compute(page, { liquidationPrice: String(typed) });
    assert.match(text, /Reproduced with these conventions:/);
    assert.ok(text.includes(fmtPrice(typed)), text);
    // MarginLab's own price: it agrees.
    const own = Math.round(found.marginLab.liquidationPrice * 100) / 100;
    text = await compute(page, { liquidationPrice: String(own) });
    assert.match(text, /MarginLab agrees with the venue\./);
    // Show the math: the core's steps, asked for only now.
    await page.locator(`#${ID}-out details.math > summary`).click();
    await page.waitForSelector(`#${ID}-out details.math[open] li`, WAIT);
    const explained = lab.reconcile(s, [{ position: 0, liquidationPrice: own, tick: 0.01 }], { explain: true }).positions[0];
    assert.equal(await page.locator(`#${ID}-out details.math li`).count(), explained.steps.length);
    // A negative figure: an error at its field, no verdict.
    await page.locator(`[id="${ID}-liquidationPrice"]`).fill('-5');
    await page.locator(`#${ID} button[type=submit]`).click();
    await page.waitForFunction((id) => /> 0|positive|must be/.test(document.getElementById(`${id}-liquidationPrice-err`)?.textContent || ''), ID, WAIT);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
