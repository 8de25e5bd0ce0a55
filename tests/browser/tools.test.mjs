// SPDX-License-Identifier: MIT
// Tools that follow the scenario: a risk-lab answer is recomputed when the scenario above changes
// and marked stale (visibly and in its live region) while that scenario has errors; a Monte Carlo
// for an earlier scenario is marked stale, and a cancelled one says after how many of its paths,
// keeps its numbers and disables Cancel; Reset is a history entry that Back undoes. Screenshots
// of each state go to build/screenshots/issue14-item6-after-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultScenario, expectedLiquidation, expectShown, ready, servedPage, fullLab, SHOTS } from './helpers.mjs';

const full = await fullLab();
const served = await servedPage();
const WAIT = { timeout: 20000 };
const withPage = (fn, options) => served.withPage(fn, options);
const money = (x) => new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x);
const mark = '#f-positions-0--markPrice';

/** Opens a tool, sets its fields (key -> value) and computes. */
async function compute(page, id, fields = {}) {
  await page.locator(`#${id}`).evaluate((f) => { f.closest('details').open = true; });
  for (const [key, value] of Object.entries(fields)) await page.fill(`#${id}-${key}`, value);
  await page.click(`#${id} button[type="submit"]`);
}

/** The tool's stale note as the page shows it: its text, whether it is seen, and the output's class. */
const staleOf = (page, id) => page.evaluate((id) => {
  const out = document.getElementById(`${id}-out`);
  const note = out.querySelector('.stale-note');
  return { text: note ? note.textContent : null, shown: !!note && !note.hidden && note.offsetHeight > 0,
    stale: out.classList.contains('stale'), live: out.getAttribute('aria-live') };
}, id);

/** A Monte Carlo of `paths` is running with some paths done (its tally on screen). */
async function startLongRun(page) {
  await compute(page, 't-mc', { paths: '5000000', steps: '60' });
  await page.waitForFunction(() => document.querySelector('#t-mc-out progress')?.value > 0 && document.querySelector('#t-mc-out .mc-result'), null, WAIT);
}

test('item 6: a risk-lab answer is recomputed when the scenario changes and marked stale while it has errors', async () => {
  await withPage(async (page) => {
    await page.goto(served.base);
    await ready(page);
    const request = { position: 0, rate: 0.0001, intervals: 90 };
    await compute(page, 't-funding');
    const before = full.funding(defaultScenario, request);
    await page.waitForFunction((t) => document.querySelector('#t-funding-out').textContent.includes(t), money(before.liquidationPrice.isolated), WAIT);

    // A valid edit above: the same question is answered for the new scenario.
    await page.fill(mark, '58000');
    const s = structuredClone(defaultScenario);
    s.positions[0].markPrice = 58000;
    const after = full.funding(s, request);
    assert.notEqual(money(after.liquidationPrice.isolated), money(before.liquidationPrice.isolated), 'the edit moves the answer');
    await page.waitForFunction((t) => document.querySelector('#t-funding-out').textContent.includes(t), money(after.liquidationPrice.isolated), WAIT)
      .catch(() => {});
    const text = await page.locator('#t-funding-out').textContent();
    assert.ok(text.includes(money(after.liquidationPrice.isolated)), `recomputed for mark 58000 (${money(after.liquidationPrice.isolated)}): ${text}`);
    assert.deepEqual(await staleOf(page, 't-funding'), { text: '', shown: false, stale: false, live: 'polite' });

    // An error above: the answer is that of the last valid scenario, and says so.
    await page.fill('#f-positions-0--quantity', '-1');
    await page.waitForTimeout(100);
    assert.deepEqual(await staleOf(page, 't-funding'),
      { text: 'For the last valid scenario; fix the marked fields above to update it.', shown: true, stale: true, live: 'polite' });
    await page.fill('#f-positions-0--quantity', '0.5');
    await page.waitForTimeout(100);
    assert.deepEqual(await staleOf(page, 't-funding'), { text: '', shown: false, stale: false, live: 'polite' });
  });
});

test('item 6: a cancelled Monte Carlo says after how many paths, keeps its numbers and disables Cancel; a changed scenario marks it stale', async () => {
  await withPage(async (page) => {
    await page.goto(served.base);
    await ready(page);
    await startLongRun(page);
    await page.locator('#t-mc-out button', { hasText: 'Cancel' }).click();
    await page.waitForFunction(() => /^Cancelled/.test(document.querySelector('#t-mc-out [role="status"]').textContent), null, WAIT);
    const done = await page.locator('#t-mc-out progress').evaluate((p) => p.value);
    const status = await page.locator('#t-mc-out [role="status"]').textContent();
    const n = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 10, useGrouping: false }).format(done);
    assert.match(status, new RegExp(`^Cancelled after ${n} of 5000000 paths: some isolated position liquidated in \\d+\\.\\d\\d%, the cross account in \\d+\\.\\d\\d%\\.$`));
    assert.ok(done > 0 && done < 5000000, `stopped part way: ${done}`);
    assert.equal(await page.locator('#t-mc-out button', { hasText: 'Cancel' }).isDisabled(), true, 'Cancel is disabled once cancelled');
    assert.match(await page.locator('#t-mc-out .mc-result').textContent(), /Isolated: liquidated\d+\.\d\d% ± /, 'the partial numbers stay');
    assert.equal((await staleOf(page, 't-mc')).stale, false);

    // The scenario changes: the run is for an earlier scenario.
    await page.fill(mark, '58000');
    await page.waitForTimeout(100);
    assert.deepEqual(await staleOf(page, 't-mc'),
      { text: 'Computed for an earlier scenario: press Compute to run it for the scenario above.', shown: true, stale: true, live: 'polite' });

    // A run under way when the scenario changes is stopped and marked the same way.
    await startLongRun(page);
    assert.equal((await staleOf(page, 't-mc')).stale, false, 'a new run is not stale');
    await page.fill(mark, '59000');
    await page.waitForFunction(() => /^Cancelled after/.test(document.querySelector('#t-mc-out [role="status"]').textContent), null, WAIT);
    assert.equal((await staleOf(page, 't-mc')).stale, true);
    assert.equal(await page.locator('#t-mc-out button', { hasText: 'Cancel' }).isDisabled(), true);
  });
});

test('item 6: Reset is a history entry: Back brings back the scenario before it, Forward the reset', async () => {
  await withPage(async (page) => {
    await page.goto(served.base);
    await ready(page);
    await page.fill('#f-walletBalance', '12345');
    await page.fill('#f-positions-0--quantity', '0.7');
    const edited = structuredClone(defaultScenario);
    edited.walletBalance = 12345;
    edited.positions[0].quantity = 0.7;
    await expectShown(page, expectedLiquidation(edited), 'the edited scenario');
    await page.click('#reset');
    await page.waitForFunction((w) => document.querySelector('#f-walletBalance').value === w, String(defaultScenario.walletBalance), WAIT);
    await page.waitForTimeout(300);  // the reset's entry is written
    const length = await page.evaluate(() => history.length);

    await page.evaluate(() => history.back());
    await page.waitForFunction(() => document.querySelector('#f-walletBalance')?.value === '12345', null, WAIT);
    assert.equal(await page.inputValue('#f-positions-0--quantity'), '0.7');
    await expectShown(page, expectedLiquidation(edited), 'Back shows the scenario before the reset');

    await page.evaluate(() => history.forward());
    await page.waitForFunction((w) => document.querySelector('#f-walletBalance').value === w, String(defaultScenario.walletBalance), WAIT);
    await expectShown(page, expectedLiquidation(defaultScenario), 'Forward shows the reset again');
    assert.equal(await page.evaluate(() => history.length), length, 'Back and Forward add no entries');
  });
});

/** The states the screenshots show (the same on a build of the page before this change). */
const STATES = [
  ['stale-tool', async (page) => {
    await compute(page, 't-funding');
    await page.waitForSelector('#t-funding-out .tool-result', WAIT);
    await page.fill('#f-positions-0--quantity', '-1');
    await page.waitForTimeout(200);
  }, '.tool-box:has(#t-funding)'],
  ['mc-cancelled', async (page) => {
    await startLongRun(page);
    await page.locator('#t-mc-out button', { hasText: 'Cancel' }).click();
    await page.waitForTimeout(200);
    await page.fill(mark, '58000');
    await page.waitForTimeout(200);
  }, '.tool-box:has(#t-mc)'],
];

test('item 6 screenshots', async () => {
  for (const [name, setup, selector] of STATES) {
    for (const [layout, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 375, height: 800 }]]) {
      for (const colorScheme of ['light', 'dark']) {
        await withPage(async (page) => {
          await page.goto(served.base);
          await ready(page);
          await setup(page);
          const box = page.locator(selector).first();
          await box.scrollIntoViewIfNeeded();
          await page.waitForTimeout(200);
          await box.screenshot({ path: `${SHOTS}issue14-item6-after-${name}-${layout}-${colorScheme}.png` });
        }, { viewport, colorScheme });
      }
    }
  }
});
