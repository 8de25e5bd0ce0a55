// SPDX-License-Identifier: MIT
// Units and labels the reader cannot misread (issue 14, items 4, 10, 11 and 12): the settlement
// asset follows the positions at once, the taker fee says where it is used, Hyperliquid refuses
// an inverse contract at its field; one unit per field (percent where venues show percent), shown
// beside it, and an implausible value questioned rather than computed; the lessons' "Do it for
// me", the wrap from the last lesson to the first, the printed handout; the options account's
// names from their fields, Deribit's dates, greeks per vol point and per day, and a chart whose
// curves part by colour and dash with a legend that reads without hovering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { WAIT, ready, servedPage, SHOTS } from './helpers.mjs';

/** The lessons' ids in the page's order (web/lessons, by file name). */
const LESSON_IDS = readdirSync(new URL('../../web/lessons/', import.meta.url)).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(new URL(`../../web/lessons/${f}`, import.meta.url), 'utf8')).id);

const served = await servedPage();
const withPage = (fn, options) => served.withPage(fn, options);
const PHONE = { viewport: { width: 375, height: 800 } };

const assetUnits = (page) => page.$$eval('#inputs .unit[data-asset]', (els) => els.map((e) => e.textContent.trim()));

test('item 4: switching a position to inverse relabels the wallet at once, before the scenario is valid again', async () => {
  await withPage(async (page) => {
    await page.goto(served.base);
    await ready(page);
    assert.deepEqual([...new Set(await assetUnits(page))], ['(USDT)']);
    await page.selectOption('#f-positions-0--contract', 'inverse');
    await page.waitForTimeout(150);
    assert.notEqual(await page.textContent('#status'), '', 'the inverse BTCUSDT has errors to fix');
    assert.deepEqual([...new Set(await assetUnits(page))], ['(BTC)'], 'the wallet and isolated margin are in BTC now');
    await page.selectOption('#f-positions-0--contract', 'linear');
    await page.waitForTimeout(150);
    assert.deepEqual([...new Set(await assetUnits(page))], ['(USDT)']);
  });
});

test('item 4: the taker fee says where the chosen rules use it', async () => {
  await withPage(async (page) => {
    await page.goto(served.base);
    await ready(page);
    const hint = () => page.textContent('#fee-use');
    assert.match(await hint(), /Binance's liquidation price has no fee in it; the risk lab's fees .* use it too/);
    assert.equal(await page.getAttribute('#f-takerFeeRate', 'aria-describedby'), 'f-takerFeeRate-err');
    await page.selectOption('#f-rules', 'okx');
    assert.match(await hint(), /OKX's maintenance requirement \(maintenance rate \+ taker fee\)/);
    await page.selectOption('#f-rules', 'bitmex');
    assert.match(await hint(), /BitMEX's initial margin/);
  });
});

test('item 4: Hyperliquid refuses an inverse contract beside the contract field', async () => {
  await withPage(async (page) => {
    await page.goto(served.base);
    await ready(page);
    await page.selectOption('#f-rules', 'hyperliquid');
    await page.fill('#f-positions-0--symbol', 'BTC');
    await page.waitForTimeout(150);
    await page.selectOption('#f-positions-0--contract', 'inverse');
    await page.waitForFunction(() => document.querySelector('#f-positions-0--contract-err').textContent !== '', null, WAIT);
    assert.match(await page.textContent('#f-positions-0--contract-err'), /Hyperliquid lists no inverse \(coin-settled\) perpetuals.*USDC/);
    assert.equal(await page.getAttribute('#f-positions-0--contract', 'aria-invalid'), 'true');
  });
});

test('item 10: percent fields question a fraction instead of computing it; "%" keeps it', async () => {
  await withPage(async (page) => {
    await page.goto(served.base);
    await ready(page);
    assert.match(await page.textContent('label[for="f-takerFeeRate"]'), /\(%\)/, 'the unit beside the field');
    const before = await page.textContent('[data-metric="isolated:0:liquidationPrice"] .num');
    await page.fill('#f-takerFeeRate', '0.0005');
    await page.waitForTimeout(150);
    assert.match(await page.textContent('#f-takerFeeRate-err'), /^0\.0005%\? Did you mean 0\.05%\?/);
    assert.equal(await page.getAttribute('#f-takerFeeRate', 'aria-invalid'), 'true');
    assert.ok(await page.$eval('#results', (e) => e.classList.contains('stale')), 'not computed: the last valid results, marked stale');
    assert.equal(await page.textContent('[data-metric="isolated:0:liquidationPrice"] .num'), before);
    await page.fill('#f-takerFeeRate', '0.0005%');
    await page.waitForTimeout(150);
    assert.equal(await page.textContent('#f-takerFeeRate-err'), '', 'typed with its % sign, it is used as it is');
  });
});

test('item 10: the risk lab questions a volatility of 0.8 (% a year)', async () => {
  await withPage(async (page) => {
    await page.goto(served.base);
    await ready(page);
    await page.click('#risk summary:has-text("Odds")').catch(() => {});
    const field = page.locator('#t-odds-volatility');
    await field.waitFor({ state: 'attached', ...WAIT });
    assert.match(await page.textContent('label[for="t-odds-volatility"]'), /% a year/);
    if (!(await field.isVisible())) await page.$eval('#t-odds-volatility', (e) => e.closest('details') && (e.closest('details').open = true));
    await field.fill('0.8');
    await page.click('#t-odds button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#t-odds-volatility-err')?.textContent, null, WAIT);
    assert.match(await page.textContent('#t-odds-volatility-err'), /^0\.8% a year\? Did you mean 80%\?/);
  });
});

test('item 10 and 11: lesson 9 asks for 80% in a percent field, and "Do it for me" types it', async () => {
  await withPage(async (page) => {
    await page.goto(`${served.base}index.html#lesson=odds`);
    await page.waitForFunction(() => document.querySelector('#lesson-watch .now')?.textContent, null, WAIT);
    const prompt = await page.textContent('#learn .prompt');
    assert.match(prompt, /Raise the volatility to 80(\.00)?%/);
    const vol = '#learn input[data-tool-path="volatility"]';
    assert.equal(await page.inputValue(vol), '50', 'the field shows percent: 50, not 0.5');
    assert.match(await page.textContent(`label[for="${await page.getAttribute(vol, 'id')}"]`), /% a year/);
    assert.match(await page.textContent(`label[for="${await page.getAttribute('#learn input[data-tool-path="days"]', 'id')}"]`), /days/);
    const odds = () => page.textContent('#lesson-watch [data-watch="tool.probability.isolated"] .now');
    const start = await odds();
    // A fraction typed into the percent field is questioned, not computed.
    await page.fill(vol, '0.8');
    await page.waitForTimeout(150);
    assert.match(await page.textContent(`#${await page.getAttribute(vol, 'id')}-err`), /0\.8% a year\? Did you mean 80%\?/);
    await page.fill(vol, '50');
    await page.waitForTimeout(150);
    // On a phone the field is far from the prompt: the button beside the prompt types it.
    await page.click('#lesson-do-it');
    await page.waitForFunction((s) => document.querySelector(s).value === '80', vol, WAIT);
    assert.match(await page.textContent('#learn .do-it .did'), /is now 80/);
    await page.waitForFunction((was) => document.querySelector('#lesson-watch [data-watch="tool.probability.isolated"] .now').textContent !== was, start, WAIT);
    assert.notEqual(await odds(), start, 'the odds follow');
  }, PHONE);
});

test('item 10 and 11: lesson 7 takes its funding rate in percent; "Do it for me" on a calculator field', async () => {
  await withPage(async (page) => {
    await page.goto(`${served.base}index.html#lesson=funding`);
    await page.waitForFunction(() => document.querySelector('#lesson-watch .now')?.textContent, null, WAIT);
    const rate = '#learn input[data-tool-path="rate"]';
    assert.equal(await page.inputValue(rate), '0.03', "the lesson's 0.03% is typed 0.03");
    assert.match(await page.textContent('#learn .lesson-text'), /rate of 0\.03%/);
    assert.match(await page.textContent(`label[for="${await page.getAttribute(rate, 'id')}"]`), /% per interval/);
    await page.goto(`${served.base}index.html#lesson=margin`);
    await page.waitForFunction(() => document.querySelector('#learn-title')?.textContent.length, null, WAIT);
    await page.click('#lesson-do-it');
    await page.waitForFunction(() => document.querySelector('#f-positions-0--leverage').value === '20', null, WAIT);
  });
});

test('item 11: → from the last lesson says it goes back to the first', async () => {
  await withPage(async (page) => {
    const last = LESSON_IDS.length;
    await page.goto(`${served.base}index.html#lesson=${LESSON_IDS[last - 1]}`);  // the last lesson
    await page.waitForFunction(() => document.querySelector('#learn-title')?.textContent.length, null, WAIT);
    assert.equal(await page.textContent('#lesson-next'), 'Back to lesson 1 →');
    await page.click('#lesson-next');
    await page.waitForFunction(() => document.querySelector('.lesson-count')?.textContent.startsWith('Lesson 1 '), null, WAIT);
    assert.match(await page.textContent('#learn .wrap-note'), /That was the last lesson: back to the first/);
    await page.click('#lesson-prev');
    await page.waitForFunction((n) => document.querySelector('.lesson-count')?.textContent.startsWith(`Lesson ${n} `), last, WAIT);
    assert.match(await page.textContent('#learn .wrap-note'), /That was the first lesson/);
    await page.click('#lesson-prev');
    await page.waitForFunction((n) => document.querySelector('.lesson-count')?.textContent.startsWith(`Lesson ${n} `), last - 1, WAIT);
    assert.equal(await page.locator('#learn .wrap-note').count(), 0, 'no note without a wrap');
  });
});

test('item 11: the printed handout has no focus ring, no chart select and no empty legend', async () => {
  await withPage(async (page) => {
    await page.goto(`${served.base}index.html#lesson=cross`);
    await page.waitForSelector('#chart canvas', WAIT);
    await page.focus('#learn-title');
    await page.emulateMedia({ media: 'print' });
    const printed = await page.evaluate(() => ({
      ring: getComputedStyle(document.activeElement).outlineStyle,
      select: getComputedStyle(document.querySelector('#chart-symbol').closest('.field')).display,
      legend: [...document.querySelectorAll('#chart .u-legend')].map((e) => getComputedStyle(e).display),
      doIt: getComputedStyle(document.querySelector('.do-it')).display,
    }));
    assert.equal(printed.ring, 'none');
    assert.equal(printed.select, 'none');
    assert.deepEqual([...new Set(printed.legend)], ['none']);
    assert.equal(printed.doIt, 'none');
    await page.pdf({ path: `${SHOTS}units-handout.pdf` });
  });
});

/** Opens the options account and waits for its numbers. */
async function openOptions(page) {
  await page.goto(served.base);
  await ready(page);
  await page.click('#options-toggle');
  await page.waitForSelector('[data-metric^="cross:now:"]', WAIT);
}

test('item 12: "+ Option" names the copy from its fields; a typed name stays', async () => {
  await withPage(async (page) => {
    await openOptions(page);
    const count = await page.locator('#opt-rows tbody tr').count();
    await page.click('#opt-add-call');
    const base = await page.getAttribute('#opt-rows tbody tr:last-child', 'data-base');
    const label = `[data-opt-path="${base}.symbol"]`;
    assert.equal(await page.locator('#opt-rows tbody tr').count(), count + 1);
    assert.equal(await page.inputValue(label), '', 'no label copied');
    assert.equal(await page.getAttribute(label, 'placeholder'), 'BTC-27MAR26-55000-P');
    await page.fill(`[data-opt-path="${base}.strike"]`, '50000');
    await page.waitForFunction((s) => document.querySelector(s).placeholder === 'BTC-27MAR26-50000-P', label, WAIT);
    await page.waitForFunction(() => /BTC-27MAR26-50000-P: /.test(document.querySelector('#opt-values').textContent), null, WAIT);
    const names = await page.$$eval('#opt-values th[scope="row"]', (ths) => ths.map((t) => t.textContent.split(':')[0]));
    assert.equal(new Set(names).size, names.length, `every position has its own name: ${names.join(', ')}`);
    await page.fill(label, 'my hedge');
    await page.waitForFunction(() => /my hedge: /.test(document.querySelector('#opt-values').textContent), null, WAIT);
  });
});

test("item 12: Deribit's expiry 27MAR26 is read as that day at 08:00 UTC", async () => {
  await withPage(async (page) => {
    await openOptions(page);
    const expiry = '[data-opt-path="options[0].expiryDate"], [data-opt-path="options[0].expiryYears"]';
    const years = () => page.textContent('#opt-values tr[data-option="0"] td[data-label="Years"]');
    const was = await years();
    await page.fill(expiry, '27MAR26');
    await page.waitForTimeout(200);
    assert.equal(await page.textContent('#opt-status'), '', 'accepted');
    assert.equal(await years(), was, '27MAR26 is the example\'s 2026-03-27T08:00Z');
    await page.fill(expiry, '31FEB26');
    await page.waitForFunction(() => /\d input error/.test(document.querySelector('#opt-status').textContent), null, WAIT);
  });
});

test('item 12: vega per vol point and theta per day, as venues show them', async () => {
  await withPage(async (page) => {
    await openOptions(page);
    const head = await page.$$eval('#opt-values thead th', (ths) => ths.map((t) => t.textContent));
    assert.ok(head.includes('Vega (per vol point)') && head.includes('Theta (per day)'), head.join('|'));
    assert.match(await page.textContent('#opt-values caption'), /vega per volatility point \(1%\), theta per day/);
  });
});

test('item 12: the chart parts its four curves by colour and dash, with a legend that reads without hovering; labels never overlap at 375 px', async () => {
  for (const options of [{}, PHONE]) {
    await withPage(async (page) => {
      await openOptions(page);
      await page.waitForSelector('#opt-chart .line-legend li', WAIT);
      const lines = await page.$$eval('#opt-chart .line-legend li', (lis) => lis.map((li) => {
        const l = li.querySelector('line');
        return { label: li.textContent.trim(), color: l.getAttribute('stroke'), dash: l.getAttribute('stroke-dasharray') };
      }));
      assert.deepEqual(lines.map((l) => l.label), ['Equity now', 'Maintenance now', 'Equity in 7 d', 'Maintenance in 7 d']);
      assert.equal(new Set(lines.map((l) => l.color)).size, 4, 'four colours');
      assert.equal(new Set(lines.map((l) => l.dash)).size, 4, 'four dash patterns');
      const boxes = (await page.getAttribute('#opt-chart .uplot', 'data-labels')).split(';').map((b) => b.split(',').map(Number));
      assert.ok(boxes.length >= 1);
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [ax, ay, aw, ah] = boxes[i], [bx, by, bw, bh] = boxes[j];
          assert.ok(ax + aw <= bx || bx + bw <= ax || ay + ah <= by || by + bh <= ay, `labels ${i} and ${j} overlap`);
        }
      }
    }, options);
  }
});
