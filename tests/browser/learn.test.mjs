// SPDX-License-Identifier: MIT
// Learn mode in headless Chromium: every lesson of web/lessons/ is walked. Its text must be
// the text web/src/lessons.js renders from the core's numbers (computed here by the same wasm
// module under node), its watched values must be the core's, and after the reader makes the
// suggested change each watched value must move the way the lesson says, to the core's number.
// Also: keyboard navigation, a direct link, ?embed=1&lesson=, an unknown lesson, 375 px, print.
// Screenshots: build/screenshots/learn-{cross,funding}-{desktop,phone}.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';
import { launch } from './chromium.mjs';
import { lessonContext, renderText, quote, afterRoot, directionOf, valueAt, metricKey } from '../../web/src/lessons.js';
import { toField } from '../../web/src/units.js';

const DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../build/screenshots/', import.meta.url));
const { default: createFull } = await import(new URL('../../web/dist/marginlab-full.js', import.meta.url).href);
const lab = await createFull({ wasmBinary: readFileSync(DIST + 'marginlab-full.wasm') });
const DIR = new URL('../../web/lessons/', import.meta.url);
const lessons = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, DIR), 'utf8')));
const WAIT = { timeout: 15000 };

let browser;
let server;
let base;
let origin;
before(async () => {
  ({ server, url: base } = await serve({ port: 0 }));
  origin = new URL(base).origin;
  browser = await launch();
  mkdirSync(SHOTS, { recursive: true });
});
after(async () => {
  if (browser) await browser.close();
  if (server) await new Promise((resolve) => server.close(resolve));
});

/** A fresh page; the test fails on any console error, page error, dialog or request off the origin. */
async function withPage(fn, viewport = { width: 1280, height: 1000 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss().catch(() => {}); });
  page.on('request', (r) => { if (!/^(data|blob|about):/.test(r.url()) && !r.url().startsWith(origin + '/')) problems.push(`request: ${r.url()}`); });
  try {
    await fn(page);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
}

const openLesson = async (page, id, query = '') => {
  await page.goto(`${base}index.html${query}#lesson=${id}`);
  await page.waitForSelector('html[data-ready="true"]', { state: 'attached', ...WAIT });
  await page.waitForFunction((lessonId) => {
    const el = document.querySelector('#learn .lesson-id');
    return el && el.textContent === lessonId && document.querySelector('#lesson-watch .now')?.textContent !== '';
  }, id, WAIT);
};

/** What the page shows in the watch list, by value path. */
const shownWatch = (page) => page.$$eval('#lesson-watch [data-watch]', (rows) =>
  Object.fromEntries(rows.map((r) => [r.dataset.watch, r.querySelector('.now').textContent])));

const expectedWatch = (lesson, ctx, root = (p) => p) => Object.fromEntries(lesson.watch.map((w) =>
  [w.value, quote(ctx, `${root(w.value)}|${w.format || 'plain'}`)]));

// An account lesson (scenario version 3) opens the account mode for its change: tests/browser/account-lesson.test.mjs.
for (const lesson of lessons.filter((l) => !(l.scenario && l.scenario.version === 3))) {
  test(`lesson "${lesson.id}": the text is the core's, and the suggested change moves what it says`, async () => {
    const ctx = lessonContext(lab, lab, lesson);
    await withPage(async (page) => {
      await openLesson(page, lesson.id);
      assert.equal(await page.textContent('#learn-title'), lesson.title);
      // The text, as rendered from the core's numbers.
      const paragraphs = await page.$$eval('#learn .lesson-text p', (ps) => ps.map((p) => p.textContent));
      assert.deepEqual(paragraphs, lesson.paragraphs.map((t) => renderText(t, ctx)));
      assert.equal(await page.textContent('#learn .prompt'), renderText(lesson.try.prompt, ctx));
      // The watched values before the change, and the results the lesson points at highlighted.
      await page.waitForFunction((exp) => Object.entries(exp).every(([k, v]) =>
        document.querySelector(`#lesson-watch [data-watch="${CSS.escape(k)}"] .now`)?.textContent === v), expectedWatch(lesson, ctx), WAIT)
        .catch(() => {});
      assert.deepEqual(await shownWatch(page), expectedWatch(lesson, ctx));
      const keys = [...new Set(lesson.watch.map((w) => metricKey(w.value)).filter(Boolean))];
      const highlighted = await page.$$eval('.metric.highlight', (els) => els.map((e) => e.dataset.metric));
      assert.deepEqual(highlighted.sort(), [...keys].sort(), 'the results the lesson watches are highlighted');

      // The reader makes the change: a field of the page, or one of the lesson's tool inputs.
      const { path, value } = lesson.try;
      const selector = path.startsWith('tool.') ? `#learn input[data-tool-path="${path.slice(5)}"]` : `input[data-path="${path}"]`;
      // In the field's unit (web/src/units.js): lesson 9's 0.8 is typed 80 into a percent field.
      const unit = path.startsWith('tool.') ? (lesson.toolInputs.find((i) => i.path === path.slice(5)) || {}).unit : undefined;
      await page.fill(selector, String(toField(value, unit)));
      const after = expectedWatch(lesson, ctx, afterRoot);
      try {
        await page.waitForFunction((exp) => Object.entries(exp).every(([k, v]) =>
          document.querySelector(`#lesson-watch [data-watch="${CSS.escape(k)}"] .now`)?.textContent === v), after, WAIT);
      } catch { /* the assertion shows the difference */ }
      assert.deepEqual(await shownWatch(page), after, 'after the change the page shows the core\'s numbers');
      for (const e of lesson.try.expect) {
        assert.equal(directionOf(valueAt(ctx, e.value), valueAt(ctx, afterRoot(e.value))), e.change, `${e.value} goes ${e.change}`);
      }
      // The link still names the lesson; the expected result text is the core's too.
      assert.equal(new URL(page.url()).hash, `#lesson=${lesson.id}`);
      await page.click('#learn .expected summary');
      assert.equal(await page.textContent('#learn .expected p'), renderText(lesson.try.result, ctx));
    });
  });
}

test('keyboard: arrows move between lessons, the buttons work with Enter, the link follows', async () => {
  await withPage(async (page) => {
    await openLesson(page, lessons[0].id);
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((id) => document.querySelector('#learn .lesson-id')?.textContent === id, lessons[1].id, WAIT);
    assert.equal(new URL(page.url()).hash, `#lesson=${lessons[1].id}`);
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((id) => document.querySelector('#learn .lesson-id')?.textContent === id, lessons[0].id, WAIT);
    await page.focus('#lesson-next');
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => document.querySelector('#learn .lesson-id')?.textContent === id, lessons[1].id, WAIT);
    // Arrows typed in a field edit the field, not the lesson.
    await page.focus('input[data-path="walletBalance"]');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.textContent('#learn .lesson-id'), lessons[1].id);
    // Closing the lessons returns the calculator with the scenario in the link.
    await page.click('#lesson-close');
    await page.waitForFunction(() => /^#s1=/.test(location.hash), null, WAIT);
    assert.equal(await page.isHidden('#learn'), true);
    assert.equal(await page.$$eval('.metric.highlight', (e) => e.length), 0);
  });
});

test('?embed=1&lesson= opens the lesson in the compact embed; an unknown lesson says so', async () => {
  await withPage(async (page) => {
    await page.goto(`${base}index.html?embed=1&lesson=tiers`);
    await page.waitForFunction(() => document.querySelector('#learn .lesson-id')?.textContent === 'tiers', null, WAIT);
    assert.ok(await page.$eval('html', (h) => h.classList.contains('embed')));
    await page.goto(`${base}index.html#lesson=no-such-lesson`);
    await page.waitForSelector('#notice:not([hidden])', WAIT);
    assert.match(await page.textContent('#notice'), /no lesson "no-such-lesson"/);
    assert.equal(await page.textContent('#learn .lesson-id'), lessons[0].id);
  });
});

test('hostile lesson links: shown as text, nothing runs, the page stays usable', async () => {
  const cases = [
    ['?lesson=' + encodeURIComponent('<img src=x onerror="window.__pwned=1">'), /no lesson "<img src=x onerror=/],
    ['?lesson=' + 'a'.repeat(5000), /no lesson "a{40}"/],
    ['?lesson=__proto__', /no lesson "__proto__"/],
    ['#lesson=' + encodeURIComponent('<script>'), /does not hold a MarginLab scenario/],
    ['#lesson=constructor', /no lesson "constructor"/],
  ];
  await withPage(async (page) => {
    await page.addInitScript(() => { window.__pwned = 0; });
    for (const [suffix, notice] of cases) {
      await page.goto(`${base}index.html${suffix}`);
      await page.waitForSelector('html[data-ready="true"]', { state: 'attached', ...WAIT });
      await page.waitForSelector('#notice:not([hidden])', WAIT);
      // A link that changes only the hash is a hashchange on the same page: the previous case's
      // notice is still shown until the handler (after an await) replaces it.
      await page.waitForFunction(([source, flags]) => new RegExp(source, flags).test(document.querySelector('#notice').textContent),
        [notice.source, notice.flags], WAIT).catch(() => {});
      assert.match(await page.textContent('#notice'), notice, suffix.slice(0, 60));
      assert.equal(await page.$$eval('#notice *, img', (els) => els.length), 0, 'nothing injected');
      assert.equal(await page.evaluate(() => window.__pwned), 0);
      assert.doesNotMatch(await page.evaluate(() => document.body.innerText), /NaN|Infinity|undefined/);
    }
  });
});

test('the standalone file opens a lesson from file://, its risk-lab numbers included', async () => {
  const lesson = lessons.find((l) => l.id === 'odds');
  const ctx = lessonContext(lab, lab, lesson);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${DIST}marginlab-standalone.html#lesson=odds`);
    await page.waitForFunction(() => document.querySelector('#lesson-watch .now')?.textContent, null, WAIT);
    assert.deepEqual(await shownWatch(page), expectedWatch(lesson, ctx));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('screenshots at desktop and phone width; nothing scrolls sideways; print shows the lesson, not the inputs', async () => {
  for (const [width, height, name] of [[1280, 1000, 'desktop'], [375, 1600, 'phone']]) {
    for (const id of ['cross', 'funding']) {
      await withPage(async (page) => {
        await openLesson(page, id);
        await page.waitForTimeout(600);  // the chart chunk
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${id} ${name}: no horizontal scroll`);
        if (name === 'phone') {
          // One column: the lesson comes before the inputs.
          const [lessonTop, inputsTop] = await page.evaluate(() => ['learn', 'inputs'].map((i) => document.getElementById(i).getBoundingClientRect().top));
          assert.ok(lessonTop < inputsTop, 'the lesson is first on a phone');
        }
        await page.screenshot({ path: `${SHOTS}learn-${id}-${name}.png` });
        await page.emulateMedia({ media: 'print' });
        assert.equal(await page.isVisible('#learn .lesson-text'), true);
        assert.equal(await page.isVisible('#inputs'), false);
        assert.equal(await page.isVisible('#chart'), true);
      }, { width, height });
    }
  }
});
