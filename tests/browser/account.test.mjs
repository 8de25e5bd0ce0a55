// SPDX-License-Identifier: MIT
// Browser tests of the account, scenario version 3 (web/src/account.js): what the page shows is
// what marginlab-full.js's evaluateAccount and accountBoundary return in node for the account in
// the page's own link; an edit, the link and reload, a hostile version 3 link (the core's error
// at its field, the typed text kept), the contour with today's point and the nearest boundary
// point, the fitted smile, and axe at 1440 and 375 px, light and dark. Saves
// build/screenshots/account-contour-<width>-<scheme>.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateRawSync } from 'node:zlib';
import { servedPage, ready, fragmentOf, fullLab, WAIT, SHOTS } from './helpers.mjs';

const served = await servedPage();
const lab = await fullLab();
const require = createRequire(new URL('../../web/package.json', import.meta.url));
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const money = (x) => new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x);

/** The account and boundary axes in the page's link. */
async function linkOf(page) {
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /^#s1=[A-Za-z0-9_-]+$/);
  const { boundary, ...account } = JSON.parse(inflateRawSync(Buffer.from(hash.slice(4), 'base64url')).toString('utf8'));
  return { account, boundary };
}

async function openAccount(page, hash = '') {
  await page.goto(served.base + hash);
  await ready(page);
  const calculatorLink = await page.evaluate(() => location.hash);
  if (!hash) await page.click('#account-toggle');
  await page.waitForSelector('[data-metric="acct:equity"] .num', WAIT);
  // The calculator writes its own link first; the account's replaces it once the account has computed.
  if (!hash) await page.waitForFunction((calc) => location.hash !== calc && location.hash.startsWith('#s1='), calculatorLink, WAIT);
}

const shown = (page, key) => page.textContent(`[data-metric="acct:${key}"] button.num`);

async function waitShown(page, key, text) {
  await page.waitForFunction(([k, t]) => document.querySelector(`[data-metric="acct:${k}"] button.num`)?.textContent === t, [key, text], WAIT).catch(() => {});
  assert.equal(await shown(page, key), text, key);
}

test('the account: the core\'s numbers, an edit, Show the math, the link and reload', async () => {
  await served.withPage(async (page) => {
    await openAccount(page);
    await page.waitForFunction(() => location.hash.startsWith('#s1='), null, WAIT);
    let { account } = await linkOf(page);
    assert.equal(account.version, 3);
    let r = lab.evaluateAccount(account);
    assert.deepEqual(r.errors, []);
    assert.equal(await shown(page, 'equity'), money(r.account.equity));
    assert.equal(await shown(page, 'maintenanceMargin'), money(r.account.maintenanceMargin));
    assert.equal(await shown(page, 'availableBalance'), money(r.account.availableBalance));
    assert.equal(await page.textContent('[data-asset="BTC"] [data-field="haircut"]'),
      new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(r.account.assets[1].haircut));
    // An edit: more BTC posted; the page follows the core.
    await page.fill('input[data-acct-path="collateral[1].balance"]', '2');
    await page.waitForFunction(() => /"balance":2[,}]/.test(JSON.stringify(window.history.state)) || true);
    await page.waitForTimeout(400);
    ({ account } = await linkOf(page));
    assert.equal(account.collateral[1].balance, 2);
    r = lab.evaluateAccount(account);
    await waitShown(page, 'equity', money(r.account.equity));
    // Show the math: the core's steps, asked for only now.
    await page.click('[data-metric="acct:equity"] button.num');
    await page.waitForSelector('#am-acct-equity ol.steps li', WAIT);
    const steps = lab.evaluateAccount(account, undefined, { explain: true }).steps.filter((s) => s.code === 'account.equity');
    assert.equal(await page.textContent('#am-acct-equity .step-label'), steps[0].label);
    // Reload from the link: the same account and numbers.
    const url = page.url();
    await page.goto('about:blank');
    await page.goto(url);
    await ready(page);
    await page.waitForSelector('[data-metric="acct:equity"] .num', WAIT);
    assert.equal(await page.inputValue('input[data-acct-path="collateral[1].balance"]'), '2');
    await waitShown(page, 'equity', money(r.account.equity));
  });
});

test('a hostile version 3 link: the core\'s error at its field, nothing typed lost, no other number', async () => {
  const hostile = { version: 3, collateral: [{ asset: 'USDT', balance: 1000, price: -1 }, { asset: '<img src=x onerror=alert(1)>', balance: 'lots', price: 1 }],
    underlyings: [{ name: 'BTC', price: 60000 }], futures: [{ underlying: 'NOPE', settlementAsset: 'USDT', side: 'long', quantity: 1, entryPrice: 60000 }] };
  const expected = lab.evaluateAccount(hostile).errors.map((e) => e.path);
  assert.ok(expected.includes('collateral[0].price'), expected.join());
  await served.withPage(async (page) => {
    await page.goto(served.base + fragmentOf(hostile));
    await ready(page);
    await page.waitForSelector('#a-collateral-0--price-err:not(:empty)', WAIT);
    assert.equal(await page.inputValue('#a-collateral-0--price'), '-1');
    assert.equal(await page.inputValue('#a-collateral-1--asset'), '<img src=x onerror=alert(1)>');
    assert.equal(await page.getAttribute('#a-collateral-0--price', 'aria-invalid'), 'true');
    assert.match(await page.textContent('#a-futures-0--underlying-err'), /NOPE/);
    assert.equal(await page.$('[data-metric="acct:equity"]'), null, 'no result from an account the core refuses');
    assert.equal(await page.$('img'), null);
  });
  // A link past the size limit is refused with the codec's message; the example stays.
  await served.withPage(async (page) => {
    const big = { version: 3, collateral: Array.from({ length: 5000 }, (_, i) => ({ asset: `A${i}${Math.random()}`, balance: i, price: 1 })) };
    await page.goto(served.base + fragmentOf(big));
    await ready(page);
    assert.match(await page.textContent('#notice'), /too long|larger than/);
  });
});

test('the contour: the boundary line, today and the nearest point; the smile against its quotes', async () => {
  await served.withPage(async (page) => {
    await openAccount(page);
    await page.waitForSelector('#acct-contour polyline[data-line]', WAIT);
    const { account, boundary } = await linkOf(page);
    const request = { x: { asset: boundary.x, from: -0.5, to: 0.5 }, y: { asset: boundary.y, from: -0.5, to: 0.5 }, n: 41 };
    const b = lab.accountBoundary(account, request);
    assert.deepEqual(b.errors, []);
    assert.ok(b.nearest, 'the example has a boundary point in range');
    assert.equal(await page.$$eval('#acct-contour polyline[data-line]', (l) => l.length), b.lines.length);
    assert.equal(await page.$$eval('#acct-contour [data-mark="today"]', (l) => l.length), 1);
    assert.equal(await page.$$eval('#acct-contour [data-mark="nearest"]', (l) => l.length), 1);
    assert.equal(await page.getAttribute('#acct-contour', 'role'), 'img');
    assert.match(await page.getAttribute('#acct-contour', 'aria-label'), new RegExp(`${boundary.x} against ${boundary.y}`));
    // The smile: one fitted line per expiry, one dot per quote, the core's parameters in the table.
    await page.waitForSelector('#acct-smile-chart polyline', WAIT);
    const fits = await page.$$eval('#acct-fits tbody tr', (r) => r.length);
    assert.equal(await page.$$eval('#acct-smile-chart polyline', (l) => l.length), fits);
    assert.ok(fits >= 2);
    assert.equal(await page.$$eval('#acct-smile-chart circle', (l) => l.length), 10);
  });
});

for (const colorScheme of ['light', 'dark']) {
  for (const width of [1440, 375]) {
    test(`axe: the account has no WCAG 2.1 AA violation, ${colorScheme}, ${width} px; screenshot of the contour`, async () => {
      await served.withPage(async (page, ctx) => {
        await ctx.context.addInitScript(AXE);
        await openAccount(page);
        await page.waitForSelector('#acct-contour [data-mark="nearest"]', WAIT);
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
        const found = await page.evaluate(async () => {
          const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
          return r.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
        });
        assert.deepEqual(found, [], 'axe finds no violation');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `no horizontal scroll of the page (${overflow} px)`);
        await page.locator('#acct-boundary').screenshot({ path: `${SHOTS}account-contour-${width}-${colorScheme}.png` });
      }, { viewport: { width, height: 900 }, colorScheme });
    });
  }
}
