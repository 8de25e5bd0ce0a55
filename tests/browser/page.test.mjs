// SPDX-License-Identifier: MIT
// Browser tests of the built page (web/dist) in headless Chromium: node --test tests/browser/
// One browser for the file, a fresh context per test, the page served on 127.0.0.1 with its CSP.
// Every test also checks: no console error, no page error, no dialog, no request off the origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, CSP } from '../../scripts/serve.mjs';
import { launch } from './chromium.mjs';
import {
  DIST, lab, defaultScenario, WAIT, MODES, expectedLiquidation, lpButton, shownLiquidation, expectShown, ready,
  withQuantity, fragmentOf, hostPage, withPage as withPageIn,
} from './helpers.mjs';

let browser;
let server;
let base;
let origin;

before(async () => {
  ({ server, url: base } = await serve({
    port: 0,
    extra: {
      '/host.html': hostPage(JSON.stringify(defaultScenario)),
      '/host-bad.html': hostPage('not json'),
    },
  }));
  origin = new URL(base).origin;
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await new Promise((resolve) => server.close(resolve));
});

/** Runs fn(page, ctx) in a fresh context, then checks the shared invariants (helpers.mjs). */
const withPage = (fn, options) => withPageIn(browser, origin, fn, options);

test('1. the example loads and shows the core\'s liquidation prices', async () => {
  await withPage(async (page) => {
    await page.goto(base);
    await ready(page);
    for (const mode of MODES) {
      assert.equal(await page.locator(`section.outcome[data-mode="${mode}"] article.position-result`).count(), 2, `${mode}: 2 positions`);
    }
    const expected = expectedLiquidation(defaultScenario);
    assert.equal(Object.keys(expected).length, 4);
    for (const v of Object.values(expected)) assert.match(v, /^\d{1,3}(,\d{3})*\.\d\d$/);
    assert.deepEqual(await shownLiquidation(page, Object.keys(expected)), expected);
  });
});

test('2. typing a quantity updates both columns; adding a position adds it to both', async () => {
  await withPage(async (page) => {
    await page.goto(base);
    await ready(page);
    await page.fill('input[data-path="positions[0].quantity"]', '2');
    const expected = expectedLiquidation(withQuantity(2));
    assert.notDeepEqual(expected, expectedLiquidation(defaultScenario), 'the edit changes the numbers');
    await expectShown(page, expected);
    await page.getByRole('button', { name: '+ Add position' }).click();
    for (const mode of MODES) {
      await page.waitForSelector(`section.outcome[data-mode="${mode}"] article.position-result[data-position="2"] ${lpButton(mode, 2)}`, WAIT);
      assert.equal(await page.locator(`section.outcome[data-mode="${mode}"] article.position-result`).count(), 3);
    }
    assert.equal(await page.locator('fieldset.position').count(), 3);
  });
});

test('3. a bad value is marked next to its field and the results go stale', async () => {
  await withPage(async (page) => {
    await page.goto(base);
    await ready(page);
    const input = 'input[data-path="positions[0].quantity"]';
    const error = '[data-error-for="positions[0].quantity"]';
    const shown = expectedLiquidation(defaultScenario);

    await page.fill(input, '-1');
    const said = 'Size must be more than 0 (you typed -1).';
    await page.waitForFunction(([sel, text]) => document.querySelector(sel).textContent === text, [error, said], WAIT).catch(() => {});
    assert.equal(await page.textContent(error), said, 'said for people, beside the field');
    assert.equal(await page.inputValue(input), '-1');
    assert.equal(await page.getAttribute(input, 'aria-invalid'), 'true');
    assert.ok(await page.$eval('#results', (r) => r.classList.contains('stale')), 'results are stale');
    assert.ok(await page.isVisible('#stale-note'));
    assert.deepEqual(await shownLiquidation(page, Object.keys(shown)), shown, 'the last valid numbers stay');

    await page.fill(input, 'abc');
    await page.waitForFunction((sel) => /not a number/i.test(document.querySelector(sel).textContent), error, WAIT);
    assert.equal(await page.inputValue(input), 'abc');
    assert.equal(await page.getAttribute(input, 'aria-invalid'), 'true');
    assert.ok(await page.$eval('#results', (r) => r.classList.contains('stale')));
    assert.deepEqual(await shownLiquidation(page, Object.keys(shown)), shown);

    await page.fill(input, '0.5');
    await page.waitForFunction((sel) => document.querySelector(sel).textContent === '', error, WAIT);
    assert.equal(await page.getAttribute(input, 'aria-invalid'), null);
    assert.ok(!(await page.$eval('#results', (r) => r.classList.contains('stale'))), 'not stale once fixed');
    assert.ok(!(await page.isVisible('#stale-note')));
    assert.deepEqual(await shownLiquidation(page, Object.keys(shown)), shown);
  });
});

test('4. "show the math" expands the steps behind a liquidation price', async () => {
  await withPage(async (page) => {
    await page.goto(base);
    await ready(page);
    const button = page.locator(lpButton('isolated', 0));
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
    const panelId = await button.getAttribute('aria-controls');
    assert.ok(!(await page.isVisible(`#${panelId}`)));
    await button.click();
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    await page.waitForSelector(`#${panelId} ol.steps li`, { state: 'visible', ...WAIT });

    const steps = await page.$$eval(`#${panelId} ol.steps li`, (lis) => lis.map((li) => ({
      text: li.textContent,
      formula: li.querySelector('code.formula')?.textContent ?? '',
      substituted: li.querySelector('code.substituted')?.textContent ?? '',
    })));
    assert.ok(steps.length >= 1);
    const withLP = steps.find((s) => s.formula.includes('LP ='));
    assert.ok(withLP, 'a step has the formula "LP = ..."');
    assert.match(withLP.substituted, /60000/, 'the entry price is substituted');
    assert.match(withLP.substituted, /\d.*[×/−+].*\d/, 'numbers with operators');

    const core = lab.evaluate(defaultScenario).isolated.positions[0];
    const last = steps[steps.length - 1];
    const m = last.substituted.match(/ = (-?[\d.e+-]+)$/);
    assert.ok(m, `the last step ends with its value: ${last.substituted}`);
    const value = Number(m[1]);
    assert.ok(Math.abs(value - core.liquidationPrice) <= 1e-6 * Math.abs(core.liquidationPrice),
      `last step ${value} vs core ${core.liquidationPrice}`);

    await button.click();
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
    assert.ok(!(await page.isVisible(`#${panelId}`)));
  });
});

/** Every "show the math" number in the results, in order. */
const allNumbers = (page) => page.$$eval('#columns button.num', (bs) => bs.map((b) => b.textContent));

test('5. the scenario round-trips through the URL fragment', async () => {
  await withPage(async (page, ctx) => {
    await page.goto(base);
    await ready(page);
    await page.waitForFunction(() => location.hash.startsWith('#s1='), null, WAIT);
    const initial = await page.evaluate(() => location.hash);
    await page.fill('input[data-path="walletBalance"]', '12345');
    await page.waitForFunction((h0) => location.hash.startsWith('#s1=') && location.hash !== h0, initial, WAIT);
    const link = page.url();
    assert.match(new URL(link).hash, /^#s1=[A-Za-z0-9_-]+$/);
    const numbers = await allNumbers(page);
    assert.ok(numbers.length > 10);

    const second = await ctx.newPage();
    await second.goto(link);
    await ready(second);
    assert.equal(await second.inputValue('input[data-path="walletBalance"]'), '12345');
    assert.deepEqual(await allNumbers(second), numbers);
    assert.ok(!(await second.isVisible('#notice')), 'no notice for a good link');

    await second.reload();
    await ready(second);
    assert.equal(await second.inputValue('input[data-path="walletBalance"]'), '12345');
    assert.deepEqual(await allNumbers(second), numbers);
  });
});

const many = {
  ...defaultScenario,
  positions: Array.from({ length: 5000 }, (_, i) => ({ ...defaultScenario.positions[i % 2] })),
};

const HOSTILE = [
  ['an encoded script tag', '#s1=%3Cscript%3E'],
  ['an HTML payload', '#<img src=x onerror="window.__pwned=true;alert(1)">'],
  ['a fragment that is too long', '#s1=' + 'A'.repeat(20000)],
  ['an unknown version', '#s2=abc'],
  ['5000 positions', fragmentOf(many)],
];

test('6. hostile fragments: a notice, a working page, no script', async () => {
  await withPage(async (first, ctx) => {
    await first.close();
    await ctx.context.addInitScript(() => { window.__pwned = false; });
    for (const [name, fragment] of HOSTILE) {
      const page = await ctx.newPage();
      await page.goto(base + fragment);
      await ready(page);
      await page.waitForSelector('#notice', { state: 'visible', ...WAIT });
      const notice = await page.textContent('#notice');
      assert.ok(notice.trim().length > 10, `${name}: a notice: ${notice}`);
      assert.equal(await page.$$eval('#notice *', (els) => els.length), 0, `${name}: the notice is text only`);
      assert.equal(await page.evaluate(() => window.__pwned), false, `${name}: no script ran`);
      assert.equal(await page.$$eval('img, script:not([src])', (els) => els.length), 0, `${name}: nothing injected`);
      // The page still works: the example in both columns, and it answers edits.
      await expectShown(page, expectedLiquidation(defaultScenario));
      await page.fill('input[data-path="positions[0].quantity"]', '2');
      await expectShown(page, expectedLiquidation(withQuantity(2)));
      await page.close();
    }
    assert.ok(!ctx.requests.some((u) => new URL(u).pathname === '/x'), 'no request for the injected image');
  });
});

test('7. embed mode', async () => {
  await withPage(async (page) => {
    await page.goto(base + 'index.html?embed=1');
    await ready(page);
    assert.ok(await page.$eval('html', (h) => h.classList.contains('embed')));
    await expectShown(page, expectedLiquidation(defaultScenario));
  });
});

test('8. the <margin-lab> element', async () => {
  await withPage(async (page) => {
    await page.goto(base + 'host.html');
    const src = await page.waitForFunction(() => {
      const el = document.querySelector('margin-lab');
      const frame = el && el.shadowRoot && el.shadowRoot.querySelector('iframe');
      return frame ? frame.src : null;
    }, null, WAIT).then((h) => h.jsonValue());
    const url = new URL(src);
    assert.equal(url.origin, origin);
    assert.equal(url.searchParams.get('embed'), '1');
    assert.match(url.hash, /^#s1=[A-Za-z0-9_-]+$/);

    let frame;
    for (let i = 0; i < 100 && !frame; i++) {
      frame = page.frames().find((f) => f !== page.mainFrame() && f.url().includes('embed=1'));
      if (!frame) await page.waitForTimeout(100);
    }
    assert.ok(frame, 'the iframe loaded');
    await ready(frame);
    assert.ok(await frame.$eval('html', (h) => h.classList.contains('embed')));
    await expectShown(frame, expectedLiquidation(defaultScenario));

    const bad = await page.context().newPage();
    await bad.goto(base + 'host-bad.html');
    const alert = bad.locator('margin-lab [role="alert"]');
    await alert.waitFor(WAIT);
    assert.match(await alert.textContent(), /not valid JSON/);
    assert.equal(await bad.evaluate(() => document.querySelector('margin-lab').shadowRoot.querySelectorAll('iframe').length), 0);
    assert.equal(bad.frames().length, 1);
  });
});

test('9. the standalone file works from file://', async () => {
  const file = 'file://' + DIST + 'marginlab-standalone.html';
  await withPage(async (page, ctx) => {
    await page.goto(file);
    await ready(page);
    for (const mode of MODES) assert.ok(await page.isVisible(`section.outcome[data-mode="${mode}"]`));
    await expectShown(page, expectedLiquidation(defaultScenario));
    assert.ok(ctx.requests.includes(file), 'the file itself was requested');
  }, { allow: (u) => u === file });
});

test('10. the strict CSP header is sent and nothing violates it', async () => {
  await withPage(async (page) => {
    await page.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    const response = await page.goto(base);
    assert.equal(response.headers()['content-security-policy'], CSP);
    await ready(page);
    await page.waitForFunction(() => location.hash.startsWith('#s1='), null, WAIT);
    const h0 = await page.evaluate(() => location.hash);
    await page.fill('input[data-path="positions[0].quantity"]', '2');
    await expectShown(page, expectedLiquidation(withQuantity(2)));
    await page.click(lpButton('cross', 1));
    await page.waitForFunction((h) => location.hash !== h, h0, WAIT);
    assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  });
});

test('11. keyboard: Tab reaches the controls, Enter toggles the math', async () => {
  await withPage(async (page) => {
    await page.goto(base);
    await ready(page);
    const reached = new Set();
    for (let i = 0; i < 30 && !(reached.has('reset') && reached.has('f-rules')); i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate(() => document.activeElement && document.activeElement.id));
    }
    assert.ok(reached.has('reset'), `Tab reaches Reset (${[...reached].join(', ')})`);
    assert.ok(reached.has('f-rules'), `Tab reaches the rules select (${[...reached].join(', ')})`);

    const button = page.locator(lpButton('cross', 1));
    await button.focus();
    await page.keyboard.press('Enter');
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    assert.ok(await page.isVisible(`#${await button.getAttribute('aria-controls')}`));
    await page.keyboard.press('Enter');
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
  });
});

test('12. phone width: no horizontal scrolling, both columns visible', async () => {
  await withPage(async (page) => {
    await page.goto(base);
    await ready(page);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 376, `scrollWidth ${width}`);
    for (const mode of MODES) {
      const col = page.locator(`section.outcome[data-mode="${mode}"]`);
      await col.scrollIntoViewIfNeeded();
      assert.ok(await col.isVisible(), `${mode} column visible`);
      const box = await col.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= 376, `${mode} column within the screen: ${JSON.stringify(box)}`);
    }
  }, { viewport: { width: 375, height: 812 } });
});

test('13. the tier table is editable: a new rate changes the results to the core\'s, and a bad row is marked', async () => {
  await withPage(async (page) => {
    await page.goto(base);
    await ready(page);
    await page.locator('details.tier-editor summary', { hasText: 'Tiers for BTCUSDT' }).click();
    const mmr = page.locator('input[data-path="tiers.BTCUSDT[0].maintenanceMarginRate"]');
    assert.equal(await mmr.inputValue(), '0.4', 'the preset row shows 0.4 %');
    await mmr.fill('0.45');
    // The core's numbers for the default scenario with BTCUSDT's preset, its first rate at 0.45%.
    const preset = lab.defaultTiers('binance', 'BTCUSDT')[0].tiers.map((t) => ({ ...t }));
    preset[0].maintenanceMarginRate = 0.0045;
    const s = structuredClone(defaultScenario);
    s.tiers = { BTCUSDT: preset };
    await expectShown(page, expectedLiquidation(s));
    assert.match(await page.locator('details.tier-editor summary', { hasText: 'BTCUSDT' }).textContent(), /edited/);
    const cap = page.locator('input[data-path="tiers.BTCUSDT[1].notionalCap"]');
    await cap.fill('10');
    await page.waitForFunction(() => document.querySelector('[data-error-for="tiers.BTCUSDT[1].notionalCap"]')?.textContent.length > 0, null, WAIT);
    assert.equal(await cap.inputValue(), '10', 'what was typed stays');
    assert.ok(await page.locator('#results.stale').count() === 1);
  });
});

test('the risk lab loads only when its section comes near the screen', async () => {
  await withPage(async (page) => {
    const fetched = [];
    page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
    await page.goto(base + 'index.html');
    await page.waitForSelector('html[data-ready="true"]', { state: 'attached', ...WAIT });
    await page.waitForSelector('#chart canvas, #chart svg, #chart .u-wrap', { state: 'attached', ...WAIT });
    await page.waitForTimeout(300);
    assert.ok(!fetched.some((p) => p.includes('chunk-risk-')), `fetched before scrolling: ${fetched.join(' ')}`);
    assert.equal(await page.locator('#risk form').count(), 0);
    await page.locator('#risk').scrollIntoViewIfNeeded();
    await page.waitForSelector('#risk form[id^="t-"]', { state: 'attached', ...WAIT });
    assert.ok(fetched.some((p) => p.includes('chunk-risk-')));
  }, { viewport: { width: 1280, height: 900 } });
});

test('the chart legend reads the equity at the mark before the pointer is on the chart', async () => {
  await withPage(async (page) => {
    await page.goto(base);
    await ready(page);
    await page.waitForSelector('#chart .u-legend', { state: 'attached', ...WAIT });
    const shown = await page.$$eval('#chart .u-legend .u-series', (rows) => rows.map((r) => [
      r.querySelector('.u-label').textContent, r.querySelector('.u-value').textContent]));
    const values = Object.fromEntries(shown);
    const number = (text) => Number(text.replace(/,/g, '').replace(/[^\d.-]/g, ''));
    const symbol = defaultScenario.positions[0].symbol;
    const position = defaultScenario.positions.findIndex((p) => p.symbol === symbol);
    const mark = defaultScenario.positions[position].markPrice ?? defaultScenario.positions[position].entryPrice;
    const price = number(values.Price);
    assert.ok(Math.abs(price - mark) / mark < 0.01, `legend price ${values.Price} near the mark ${mark}`);
    for (const [label, mode] of [['Isolated', 'isolated'], ['Cross', 'cross']]) {
      assert.match(values[label], /\d/, `${label} has a value: ${JSON.stringify(values)}`);
      const out = new Float64Array(1);
      assert.deepEqual(lab.sweep(defaultScenario, new Float64Array([price]), out, { mode, position }).errors, []);
      // The legend is at a sampled price; the one shown is rounded to the cent: the equity there within a cent's move.
      const slope = defaultScenario.positions.filter((p) => p.symbol === symbol).reduce((a, p) => a + p.quantity * (p.contractSize ?? 1), 0);
      assert.ok(Math.abs(number(values[label]) - out[0]) <= slope * 0.005 + 0.006, `${label}: ${values[label]} vs the core's ${out[0]}`);
    }
  });
});
