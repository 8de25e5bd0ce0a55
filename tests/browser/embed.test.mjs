// SPDX-License-Identifier: MIT
// Embeds on another origin: the page served on one port, host pages on another. <margin-lab>
// renders there (CORS) and follows its content's height (the postMessage protocol, which takes
// messages only from its iframe and of its shape); where it cannot load, a link to the full
// calculator shows. An embedded lesson leaves the host's keyboard focus alone. The compact mode
// shows the inputs and the key numbers first; the Embed panel copies and follows the scenario.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from '../../scripts/serve.mjs';
import { launch } from './chromium.mjs';
import { DIST, WAIT, defaultScenario, expectedLiquidation, expectShown, ready, escapeAttribute, withPage } from './helpers.mjs';

let browser;
let app;   // the page's server
let host;  // the host pages' server, another origin
let dead;  // an origin where nothing answers
const ARTICLE = '<p>' + 'Margin is the collateral a position holds. '.repeat(40) + '</p>';

/** A host page on the host origin: CSP allowing the page's origin for scripts and frames. */
function hostFile(body, appOrigin) {
  return {
    type: 'text/html; charset=utf-8',
    headers: { 'Content-Security-Policy': `default-src 'self'; script-src 'self' ${appOrigin}; frame-src ${appOrigin} ${dead}; style-src 'self'` },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>help centre</title><link rel="icon" href="/favicon.svg"></head><body>${body}</body></html>`,
  };
}

before(async () => {
  const probe = await serve({ port: 0 });
  dead = new URL(probe.url).origin;
  await new Promise((resolve) => probe.server.close(resolve));
  app = await serve({ port: 0 });
  const A = new URL(app.url).origin;
  const scenario = escapeAttribute(JSON.stringify(defaultScenario));
  const link = `<a href="${A}/index.html">Open the MarginLab calculator</a>`;
  host = await serve({
    port: 0,
    extra: {
      '/element.html': hostFile(`<h1>Help</h1><script type="module" src="${A}/margin-lab.js"></script><margin-lab scenario="${scenario}">${link}</margin-lab>${ARTICLE}`, A),
      '/wrong-src.html': hostFile(`<script type="module" src="${A}/margin-lab.js"></script><margin-lab src="${dead}/index.html">${link}</margin-lab>`, A),
      '/server-down.html': hostFile(`<script type="module" src="${dead}/margin-lab.js"></script><margin-lab>${link}</margin-lab>`, A),
      '/lesson.html': hostFile(`<h1>Tiers</h1><iframe src="${A}/index.html?embed=1&amp;lesson=tiers" title="lesson" width="100%" height="600"></iframe>${ARTICLE.repeat(6)}`, A),
    },
  });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  for (const s of [app, host]) if (s) await new Promise((resolve) => s.server.close(resolve));
});

const appOrigin = () => new URL(app.url).origin;
const hostOrigin = () => new URL(host.url).origin;
const inHost = (fn, options = {}) => withPage(browser, hostOrigin(), fn, {
  allow: (u) => u.startsWith(hostOrigin() + '/') || u.startsWith(appOrigin() + '/') || u.startsWith(dead + '/'), ...options });

/** Drops the expected failures to reach `dead` from the problems withPage checks. */
function forgive(problems) {
  const rest = problems.filter((p) => !/ERR_CONNECTION_REFUSED|Failed to load module script|margin-lab\.js/.test(p));
  problems.splice(0, problems.length, ...rest);
}

const frameHeight = (page) => page.locator('margin-lab iframe').evaluate((f) => f.getBoundingClientRect().height);
const contentHeight = (frame) => frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));

async function elementFrame(page) {
  await page.locator('margin-lab iframe').waitFor(WAIT);
  const frame = await (await page.locator('margin-lab iframe').elementHandle()).contentFrame();
  await ready(frame);
  return frame;
}

/** Waits until the iframe is as tall as its content (within a pixel); returns that height. */
async function followsContent(page, frame, message) {
  let last = [0, 0];
  for (let i = 0; i < 50; i++) {
    last = [await frameHeight(page), await contentHeight(frame)];
    if (Math.abs(last[0] - last[1]) <= 1) return last[0];
    await page.waitForTimeout(100);
  }
  assert.fail(`${message}: the iframe is ${last[0]} px, its content ${last[1]} px`);
}

test('<margin-lab> on another origin renders, and its height follows the content', async () => {
  await inHost(async (page) => {
    await page.goto(host.url + 'element.html');
    const frame = await elementFrame(page);
    assert.equal(new URL(frame.url()).origin, appOrigin(), 'the page comes from its own origin');
    await expectShown(frame, expectedLiquidation(defaultScenario));
    const first = await followsContent(page, frame, 'after load');
    assert.notEqual(first, 720, 'not the fixed 720 px');
    assert.equal(await page.locator('margin-lab > a').isVisible(), false, 'the fallback link stays hidden');

    const positions = await frame.locator('fieldset.position').count();
    await frame.click('button:has-text("+ Add position")');
    await frame.waitForFunction((n) => document.querySelectorAll('fieldset.position').length === n + 1, positions, WAIT);
    await frame.click('summary:has-text("Tiers for BTCUSDT")');
    await page.waitForTimeout(300);
    const grown = await followsContent(page, frame, 'after a position is added');
    assert.ok(grown > first + 100, `the iframe grew with its content (${first} -> ${grown})`);

    // Messages the element must ignore: from the host page itself, of the wrong shape or out of bounds.
    await page.evaluate(() => window.postMessage({ type: 'marginlab:height', height: 300 }, '*'));
    for (const data of [{ type: 'marginlab:height', height: 1e9 }, { type: 'marginlab:height', height: '300' },
      { type: 'marginlab:height', height: NaN }, { type: 'marginlab:height', height: 5 }, { type: 'other', height: 300 }, 300, null]) {
      await frame.evaluate((d) => parent.postMessage(d, '*'), data);
    }
    await page.waitForTimeout(300);
    assert.equal(await frameHeight(page), grown, 'untrusted or malformed messages change nothing');
    await frame.evaluate(() => parent.postMessage({ type: 'marginlab:height', height: 4321 }, '*'));
    await page.waitForFunction(() => document.querySelector('margin-lab').shadowRoot.querySelector('iframe').style.height === '4321px', null, WAIT);
  });
});

test('where <margin-lab> cannot load, a link to the full calculator shows', async () => {
  await inHost(async (page, ctx) => {
    // The page's server down: the script never loads and the element's own link shows.
    await page.goto(host.url + 'server-down.html');
    await page.waitForTimeout(500);
    assert.equal(await page.locator('margin-lab > a').isVisible(), true, 'the snippet\'s link shows');
    assert.equal(await page.locator('margin-lab > a').getAttribute('href'), appOrigin() + '/index.html');

    // A src where nothing answers: the element shows a link to the full calculator instead.
    await page.goto(host.url + 'wrong-src.html');
    const link = page.locator('margin-lab a[href^="' + dead + '"]');
    await link.waitFor({ timeout: 15000 });
    const href = new URL(await link.getAttribute('href'));
    assert.equal(href.searchParams.get('embed'), null, 'the link is to the full page, not the embed');
    assert.equal(href.pathname, '/index.html');
    assert.match(await page.locator('margin-lab').evaluate((e) => e.shadowRoot.textContent), /could not load here/);
    forgive(ctx.problems);
  });
});

test('an embedded lesson leaves the host page\'s keyboard focus alone', async () => {
  await inHost(async (page) => {
    await page.goto(host.url + 'lesson.html');
    const frame = await (await page.locator('iframe').elementHandle()).contentFrame();
    await frame.waitForFunction(() => document.querySelector('#learn .lesson-id')?.textContent === 'tiers', null, WAIT);
    await ready(frame);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'BODY', 'the host keeps the focus');
    assert.equal(await frame.evaluate(() => document.activeElement.tagName), 'BODY', 'nothing in the lesson is focused');
    await page.keyboard.press('PageDown');
    await page.waitForFunction(() => window.scrollY > 200, null, WAIT);
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(300);
    assert.equal(await frame.textContent('#learn .lesson-id'), 'tiers', '→ on the host does not turn the lesson');
  });
});

test('compact mode: the first input and the liquidation prices within the first screen at 760 px', async () => {
  await withPage(browser, appOrigin(), async (page) => {
    await page.goto(app.url + 'index.html?embed=1');
    await ready(page);
    await expectShown(page, expectedLiquidation(defaultScenario));
    const top = await page.evaluate(() => ({
      input: document.querySelector('#inputs input, #inputs select').getBoundingClientRect().top,
      liquidation: document.querySelector('[data-metric="isolated:0:liquidationPrice"]').getBoundingClientRect().top,
      cross: document.querySelector('[data-metric="cross:0:liquidationPrice"]').getBoundingClientRect().top,
    }));
    for (const [what, y] of Object.entries(top)) assert.ok(y < 400, `${what} is ${y} px down`);
  }, { viewport: { width: 760, height: 600 } });
});

test('compact mode at 375 px: the liquidation prices of each position under its inputs, within the first 800 px', async () => {
  await withPage(browser, appOrigin(), async (page) => {
    await page.goto(app.url + 'index.html?embed=1');
    await ready(page);
    const expected = expectedLiquidation(defaultScenario);
    const lines = await page.evaluate(() => [...document.querySelectorAll('.key-line')].map((e) => ({
      text: e.textContent, top: e.getBoundingClientRect().top, visible: e.offsetParent !== null })));
    assert.equal(lines.length, defaultScenario.positions.length);
    lines.forEach((line, i) => {
      assert.ok(line.visible, `key line ${i} is shown`);
      assert.equal(line.text, `Liquidation: ${expected[`isolated:${i}:liquidationPrice`]} isolated · ${expected[`cross:${i}:liquidationPrice`]} cross`);
    });
    assert.ok(lines[0].top < 800, `the first position's liquidation prices are ${lines[0].top} px down`);
  }, { viewport: { width: 375, height: 812 } });
});

test('the Embed panel: Copy buttons, snippets that follow the scenario, no file:// address', async () => {
  await withPage(browser, appOrigin(), async (page, ctx) => {
    await ctx.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: appOrigin() });
    await page.goto(app.url + 'index.html');
    await ready(page);
    await page.click('#embed');
    await page.waitForFunction(() => /#s1=/.test(document.getElementById('embed-iframe').value), null, WAIT);
    const before = await page.inputValue('#embed-iframe');
    assert.match(before, /marginlab:height/, 'the iframe snippet carries the height listener');
    assert.match(before, /e\.source === frame\.contentWindow/, 'it checks the message\'s source');
    assert.match(await page.inputValue('#embed-element'), /<margin-lab scenario='[^']*'><a href="[^"]+">Open the MarginLab calculator<\/a><\/margin-lab>/);
    await page.fill('input[data-path="positions[0].quantity"]', '2');
    await page.waitForFunction((b) => document.getElementById('embed-iframe').value !== b, before, WAIT);
    await page.waitForFunction(() => document.getElementById('embed-element').value.includes('"quantity":2,'), null, WAIT);
    await page.click('#copy-element');
    await page.waitForFunction(() => document.getElementById('embed-status').textContent === 'Copied.', null, WAIT);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await page.inputValue('#embed-element'));
    await page.click('#copy-iframe');
    await page.waitForFunction(async () => (await navigator.clipboard.readText()).startsWith('<iframe'), null, WAIT);
    // Another mode's link reaches the open panel too: the options account.
    await page.click('#options-toggle');
    await page.waitForFunction(() => document.getElementById('embed-element').value.includes('"version":2'), null, WAIT);
  });
  const file = 'file://' + DIST + 'marginlab-standalone.html';
  await withPage(browser, 'file://', async (page) => {
    await page.goto(file);
    await ready(page);
    await page.click('#embed');
    await page.waitForFunction(() => document.getElementById('embed-iframe').value !== '', null, WAIT);
    for (const id of ['#embed-iframe', '#embed-element']) assert.doesNotMatch(await page.inputValue(id), /file:/, `${id} names no file:// address`);
    assert.equal(await page.isVisible('#embed-local'), true, 'the panel says why the address is a placeholder');
  }, { allow: (u) => u === file });
});
