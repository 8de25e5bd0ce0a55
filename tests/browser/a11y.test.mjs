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
const TOOL_FIELDS = { 't-margin': { targetLiquidationPrice: '50000' }, 't-mc': { paths: '200' }, 't-reconcile-0': { liquidationPrice: '57100' }, 't-reconcile-1': { liquidationPrice: '2700' } };

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
    ['portfolio margin by venue: an assumption checked, a venue\'s steps and another grid open', async (page) => {
      await go(page, base);
      await page.click('#options-toggle');
      await page.waitForSelector('#pmv-venues tbody tr', WAIT);
      await page.check('#pmv-opt-okxVolShock');
      await page.click('[data-venue="okx:portfolio"] details.math summary');
      await page.waitForSelector('[data-venue="okx:portfolio"] details.math[open] li', WAIT);
      await page.click('#pmv-venues [data-venue="okx:portfolio"] button.pm-grid-button');
      await page.waitForFunction(() => document.querySelector('#pmv-grid-title')?.textContent.startsWith('OKX'), null, WAIT);
    }],
    ['embed', async (page) => { await page.goto(base + 'index.html?embed=1'); await ready(page); }],
  ];
}

async function openLesson(page, base, id) {
  await page.goto(`${base}index.html#lesson=${id}`);
  await ready(page);
  await page.waitForFunction((lessonId) => document.querySelector('#learn .lesson-id')?.textContent === lessonId &&
    document.querySelector('#lesson-watch .now')?.textContent !== '' &&
    (!document.getElementById('lesson-venues-out') || document.querySelector('#lesson-venues-out tbody tr')), id, WAIT);  // a lesson on an account: its venues too
}

/** The chart draws in the frame after the numbers: wait two frames so axe sees the page drawn. */
const settled = (page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

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

/**
 * Tabs through the controls of `root` from its first, and gives each stop: its tag, name, box,
 * whether it shows a focus indicator (:focus-visible with an outline or a box shadow), and how many
 * controls the root holds that Tab can reach. Stops when focus leaves the root (or after too many).
 */
async function walk(page, root) {
  const tabbable = await page.evaluate((sel) => {
    const all = [...document.querySelector(sel).querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')];
    const ok = all.filter((e) => !e.disabled && e.tabIndex >= 0 && e.checkVisibility({ visibilityProperty: true })
      && !(e.type === 'radio' && !e.checked && all.some((o) => o !== e && o.type === 'radio' && o.name === e.name && o.checked)));
    ok.forEach((e, i) => { e.dataset.walk = String(i); });
    ok[0].focus();
    return ok.length;
  }, root);
  const stops = [];
  for (let i = 0; i <= tabbable + 3; i++) {
    const stop = await page.evaluate((sel) => {
      const e = document.activeElement;
      if (!e || !document.querySelector(sel).contains(e)) return null;
      const style = getComputedStyle(e);
      const ring = e.matches(':focus-visible') && ((style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none');
      const text = (ids) => ids.split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join(' ');
      const name = (e.getAttribute('aria-labelledby') && text(e.getAttribute('aria-labelledby'))) || e.getAttribute('aria-label')
        || [...(e.labels || [])].map((l) => l.textContent).join(' ') || (/^(BUTTON|SUMMARY|A)$/.test(e.tagName) ? e.textContent : '') || e.title || '';
      const r = e.getBoundingClientRect();
      return { tag: e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''), index: e.dataset.walk, name: name.trim(), ring, top: r.top + scrollY, left: r.left };
    }, root);
    if (!stop) break;
    stops.push(stop);
    await page.keyboard.press('Tab');
  }
  return { stops, tabbable };
}

/** Tab reaches every control of the form once, in visual order, each with a name and a focus ring, and leaves it. */
function checkWalk(label, { stops, tabbable }) {
  assert.ok(stops.length > 0, `${label}: Tab reaches a control`);
  assert.ok(stops.length <= tabbable, `${label}: Tab leaves the form after its ${tabbable} controls (no trap); stops: ${stops.map((s) => s.tag).join(', ')}`);
  assert.deepEqual(stops.map((s) => s.index), [...Array(tabbable).keys()].map(String), `${label}: every control once, in document order: ${stops.map((s) => s.tag + ' ' + s.index).join(', ')}`);
  for (const s of stops) {
    assert.ok(s.name, `${label}: ${s.tag} has a name`);
    assert.ok(s.ring, `${label}: ${s.tag} shows a focus indicator`);
  }
  for (let i = 1; i < stops.length; i++) {
    const [a, b] = [stops[i - 1], stops[i]];
    const sameRow = Math.abs(b.top - a.top) < 24;
    assert.ok(sameRow ? b.left > a.left - 1 : b.top > a.top, `${label}: ${b.tag} (${Math.round(b.left)}, ${Math.round(b.top)}) comes after ${a.tag} (${Math.round(a.left)}, ${Math.round(a.top)}) on screen`);
  }
}

test('keyboard: the calculator, each risk-lab tool, the options account and a lesson walk with Tab; Enter and Escape behave', async () => {
  await served.withPage(async (page) => {
    await page.goto(served.base);
    await ready(page);
    await page.keyboard.press('Shift');  // a keyboard user: focus shows its ring
    checkWalk('calculator', await walk(page, '#inputs'));
    // Enter in a field does not reload the page or lose the scenario; Escape leaves the field as it is.
    await page.evaluate(() => { window.stay = true; });
    const quantity = 'input[data-path="positions[0].quantity"]';
    await page.focus(quantity);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => window.stay), true, 'Enter submits nothing away');
    assert.equal(await page.inputValue(quantity), String(defaultScenario.positions[0].quantity));

    const tools = await page.$$eval('#risk form[id^="t-"]', (fs) => fs.map((f) => f.id));
    for (const id of tools) {
      const box = page.locator(`#${id}`).locator('xpath=..');
      // The tool opens from the keyboard: its summary, focused, takes Enter.
      await box.locator(':scope > summary').focus();
      await page.keyboard.press('Enter');
      assert.ok(await box.evaluate((d) => d.open), `${id} opens with Enter`);
      checkWalk(id, await walk(page, `#${id}`));
    }
    // Enter in a tool's field computes it.
    await page.fill('#t-odds-days', '30');
    await page.focus('#t-odds-days');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /%/.test(document.getElementById('t-odds-out')?.textContent || ''), null, WAIT);

    await page.focus('#options-toggle');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#opt-inputs input', WAIT);
    checkWalk('options account', await walk(page, '#opt-inputs'));

    // A lesson, and one with fields of its own; its "what should happen" opens with Enter, Escape changes nothing.
    for (const id of [LESSONS[0], LESSONS.at(-1)]) {
      await openLesson(page, served.base, id);
      await page.keyboard.press('Shift');
      checkWalk(`lesson ${id}`, await walk(page, '#learn'));
      await page.focus('#learn .expected summary');
      await page.keyboard.press('Enter');
      assert.ok(await page.$eval('#learn .expected', (d) => d.open), 'Enter opens what should happen');
      await page.keyboard.press('Escape');
      assert.equal(await page.textContent('#learn .lesson-id'), id, 'Escape leaves the lesson open');
    }
  });
});
