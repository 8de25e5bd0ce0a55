// SPDX-License-Identifier: MIT
// The risk lab's size-scaled margin curves (lab.sizeCurve): the page shows the core's numbers, its
// "Show the math" lists the steps, and an input error stands beside its field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ready, servedPage, fullLab, WAIT } from './helpers.mjs';

const full = await fullLab();
const served = await servedPage();
const money = (x) => new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x);
const small = (x) => new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 }).format(x);  // a price below 1000

async function fill(page, fields) {
  await page.locator('#t-curve').evaluate((f) => { f.closest('details').open = true; });
  for (const [key, value] of Object.entries(fields)) {
    const el = page.locator(`#t-curve-${key}`);
    if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(value);
    else await el.fill(value);
  }
  await page.click('#t-curve button[type="submit"]');
}

test('size-scaled margin: Orderly BTC-PERP and Drift on the page, with their math and errors', async () => {
  await served.withPage(async (page) => {
    await page.goto(served.base);
    await ready(page);
    const fields = { curve: 'orderly', side: 'long', quantity: '10', entryPrice: '60000', markPrice: '60000', collateral: '60000',
      baseImr: '1', baseMmr: '0.6', factor: '0.000000375' };
    await fill(page, fields);
    const a = full.sizeCurve({ curve: 'orderly', side: 'long', quantity: 10, entryPrice: 60000, markPrice: 60000, collateral: 60000,
      baseImr: 0.01, baseMmr: 0.006, factor: 0.000000375 });
    assert.equal(money(a.liquidationPrice), '54,475.72');
    await page.waitForFunction((t) => document.querySelector('#t-curve-out').textContent.includes(t), money(a.liquidationPrice), WAIT);
    const text = await page.locator('#t-curve-out').textContent();
    assert.ok(text.includes(money(a.upperLiquidationPrice)), `the upper crossing ${money(a.upperLiquidationPrice)} in: ${text}`);
    assert.equal(await page.locator('#t-curve-out details.math li').count(), 0, 'no steps until the math is opened');
    await page.locator('#t-curve-out details.math > summary').click();
    await page.waitForSelector('#t-curve-out details.math[open] li', WAIT);
    assert.equal(await page.locator('#t-curve-out details.math li').count(), 8);

    await fill(page, { curve: 'drift', quantity: '10000', entryPrice: '150', markPrice: '150', collateral: '300000',
      baseImr: '10', baseMmr: '5', factor: '0.0005' });
    await page.waitForFunction((t) => document.querySelector('#t-curve-out').textContent.includes(t), small(1200000 / 9100), WAIT);

    await fill(page, { baseMmr: '20' });
    await page.waitForFunction(() => /baseMmr|must be between/.test(document.querySelector('#t-curve-baseMmr-err')?.textContent ?? ''), null, WAIT);
  });
});
