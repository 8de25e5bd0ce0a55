// SPDX-License-Identifier: MIT
// The account lesson (web/lessons/12-wrong-way.json, scenario version 3) in headless Chromium: its
// text is the one web/src/lessons.js renders from marginlab-full's evaluateAccount in node, its
// watched values are the core's, "Open this account" and "Do it for me" load the account mode with
// the lesson's account (as it is, and with the suggested change), whose numbers are the core's; and
// the account mode in Japanese shows no English text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { servedPage, ready, fullLab, WAIT, visibleTexts, english } from './helpers.mjs';
import { lessonContext, renderText, quote, applyEdits } from '../../web/src/lessons.js';

const served = await servedPage();
const lab = await fullLab();
const lesson = JSON.parse(readFileSync(new URL('../../web/lessons/12-wrong-way.json', import.meta.url), 'utf8'));
const money = (x) => new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x);
const shown = (page, key) => page.textContent(`[data-metric="acct:${key}"] button.num`);

async function waitShown(page, key, text) {
  await page.waitForFunction(([k, t]) => document.querySelector(`[data-metric="acct:${k}"] button.num`)?.textContent === t, [key, text], WAIT).catch(() => {});
  assert.equal(await shown(page, key), text, key);
}

async function openLesson(page) {
  await page.goto(`${served.base}index.html#lesson=${lesson.id}`);
  await ready(page);
  await page.waitForFunction((id) => document.querySelector('#learn .lesson-id')?.textContent === id &&
    document.querySelector('#lesson-watch .now')?.textContent !== '', lesson.id, WAIT);
}

test('the account lesson: its text and watch are the core\'s; Try it opens the account mode with its account', async () => {
  const ctx = lessonContext(lab, lab, lesson);
  assert.deepEqual(ctx.errors, []);
  await served.withPage(async (page) => {
    await openLesson(page);
    assert.equal(await page.textContent('#learn-title'), lesson.title);
    const paragraphs = await page.$$eval('#learn .lesson-text p', (ps) => ps.map((p) => p.textContent));
    assert.deepEqual(paragraphs, lesson.paragraphs.map((t) => renderText(t, ctx)));
    assert.equal(await page.textContent('#learn .prompt'), renderText(lesson.try.prompt, ctx));
    // The quotes the text holds are evaluateAccount's: the one-factor move, quoted by its path.
    assert.equal(await page.textContent('#learn .quote[data-path="report.account.oneFactor.moveDown"]'),
      quote(ctx, 'report.account.oneFactor.moveDown|percent'));
    const watch = await page.$$eval('#lesson-watch [data-watch]', (rows) => Object.fromEntries(rows.map((r) => [r.dataset.watch, r.querySelector('.now').textContent])));
    assert.deepEqual(watch, Object.fromEntries(lesson.watch.map((w) => [w.value, quote(ctx, `${w.value}|${w.format}`)])));

    // "Open this account": the account mode with the lesson's account, its numbers the core's.
    await page.click('#lesson-open-account');
    await page.waitForSelector('[data-metric="acct:equity"] .num', WAIT);
    assert.equal(await page.isVisible('#learn'), false, 'the lesson gave way to the account mode');
    const own = lab.evaluateAccount(lesson.scenario).account;
    await waitShown(page, 'collateralValue', money(own.collateralValue));
    await waitShown(page, 'equity', money(own.equity));
    // Each position's contribution: the core's PositionContribution, and its steps behind "Show the math".
    const part = own.positions[0];
    assert.equal(await page.textContent('#acct-parts [data-position="0"] [data-field="initialMargin"]'), money(part.initialMargin));
    assert.equal(await page.textContent('#acct-parts [data-position="0"] [data-field="unrealizedPnl"]'), money(part.unrealizedPnl));
    await page.click('#acct-parts [data-position="0"] .math-toggle');
    await page.waitForSelector('#acct-parts .math-row:not([hidden]) li', WAIT);
    const steps = lab.evaluateAccount(lesson.scenario, undefined, { explain: true }).steps.filter((x) => x.field.startsWith('account.positions[0].'));
    assert.equal(steps.length, 3);
    assert.deepEqual(await page.$$eval('#acct-parts .math-row:not([hidden]) li .step-label', (l) => l.map((x) => x.textContent)), steps.map((x) => x.label));
    // The reader makes the suggested change in the account mode's field; the page follows the core.
    await page.fill(`input[data-acct-path="${lesson.try.path}"]`, String(lesson.try.value));
    await waitShown(page, 'collateralValue', money(ctx.after.account.collateralValue));
  });

  // "Do it for me": the account mode with the change made.
  await served.withPage(async (page) => {
    await openLesson(page);
    await page.click('#lesson-do-it');
    await page.waitForSelector('[data-metric="acct:equity"] .num', WAIT);
    const changed = lab.evaluateAccount(applyEdits(lesson.scenario, [lesson.try])).account;
    assert.equal(changed.collateralValue, ctx.after.account.collateralValue);
    await waitShown(page, 'collateralValue', money(changed.collateralValue));
    assert.equal(await page.inputValue(`input[data-acct-path="${lesson.try.path}"]`), String(lesson.try.value));
  });
});

test('?lang=ja: the account mode shows no English text; its lesson in Japanese', async () => {
  const { default: ja } = await import('../../web/src/i18n/ja.js');
  await served.withPage(async (page) => {
    await page.goto(served.base + '?lang=ja');
    await ready(page);
    await page.click('#account-toggle');
    await page.waitForSelector('[data-metric="acct:equity"] .num', WAIT);
    await page.waitForSelector('#acct-contour svg', WAIT);
    await page.waitForSelector('#acct-fits', WAIT);
    await page.waitForFunction(() => !document.querySelector('#acct-results.stale'), null, WAIT);
    await page.waitForTimeout(300);  // the last mutations translated
    const texts = await page.evaluate(visibleTexts, '#account');
    assert.ok(texts.length > 100, `${texts.length} texts`);
    for (const key of ['acct.title', 'acct.contribution', 'acct.boundary', 'acct.perAsset']) assert.ok(texts.includes(ja[key]), `${key}: ${ja[key]}`);
    // The rule set's source is data: the title of the venue's page, as the rule set names it (its sentence is translated).
    const source = await page.textContent('#acct-venue-source');
    assert.match(source, /^出典：/);
    assert.deepEqual(await english(texts.filter((t) => t !== source)), [], 'the account mode in Japanese');
  });
  await served.withPage(async (page) => {
    await page.goto(`${served.base}index.html?lang=ja#lesson=${lesson.id}`);
    await ready(page);
    await page.waitForFunction(() => document.querySelector('#learn-title')?.textContent, null, WAIT);
    assert.equal(await page.textContent('#learn-title'), ja['lesson.wrong-way.title']);
    assert.equal(await page.textContent('#lesson-open-account'), ja['learn.openAccount']);
  });
});
