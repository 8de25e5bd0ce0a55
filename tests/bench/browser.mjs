// SPDX-License-Identifier: MIT
// Headless Chromium (playwright-core, Debian's /usr/bin/chromium): the wasm kernels of kernels.mjs
// in a page of the served origin, then the page itself: navigation to the first result painted and
// to interactive (median of cold loads), and the time of one edit of a 10-position scenario.
// With --json FILE also writes the figures for tests/bench/report.mjs.
// Usage: node tests/bench/browser.mjs [--json FILE] [--repetitions N] [--loads N] [--edits N] [--only page|reconcile]
import { readFileSync, writeFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { serve } from '../../scripts/serve.mjs';
import { launch } from '../browser/chromium.mjs';
import { benchScenario } from './kernels.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const repetitions = Number(option('--repetitions', 5));
const loads = Number(option('--loads', 15));
const edits = Number(option('--edits', 30));
const jsonFile = option('--json', null);
const only = option('--only', null);  // 'page': skip the kernels, for a quicker run while working on the page

function stats(samples, unit) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const sd = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, samples.length - 1));
  return { median, min: sorted[0], max: sorted[sorted.length - 1], sd, unit, samples: samples.length };
}
const fmt = (s) => `${s.median.toPrecision(4)} ${s.unit} (min ${s.min.toPrecision(4)}, max ${s.max.toPrecision(4)}, n=${s.samples})`;
const log = (name, s) => console.error(`  chromium ${name.padEnd(20)} ${fmt(s)}`);

// kernels.mjs and an empty page (the kernels run without the app beside them) join web/dist.
const { server, url } = await serve({ port: 0, extra: {
  '/bench/kernels.mjs': { body: readFileSync(new URL('./kernels.mjs', import.meta.url)), type: 'text/javascript; charset=utf-8' },
  '/bench/blank.html': { body: '<!doctype html><meta charset="utf-8"><title>MarginLab bench</title>', type: 'text/html; charset=utf-8' },
} });
const browser = await launch();
const result = { chromium: browser.version() };
try {
  console.error(`wasm in headless Chromium ${browser.version()}`);

  // --- the kernels ---------------------------------------------------------------------------
  if (only !== 'page') {
    const page = await browser.newPage();
    await page.goto(url + 'bench/blank.html');
    const kernels = await page.evaluate(async ({ reps, kernelsOnly }) => {
      const { runKernels } = await import('/bench/kernels.mjs');
      const lab = await (await import('/marginlab.js')).default();
      const fullLab = await (await import('/marginlab-full.js')).default();
      return runKernels(lab, fullLab, { repetitions: reps, only: kernelsOnly });
    }, { reps: repetitions, kernelsOnly: only === 'reconcile' ? 'reconcile' : null });
    for (const [name, s] of Object.entries(kernels)) log(name, s);
    result.kernels = kernels;
    await page.close();
  }

  if (only !== 'reconcile') {  // --only reconcile: that kernel row alone
    // --- navigation to first result painted, and to interactive (cold loads) -------------------
    // The page marks 'marginlab:first-result' right after the results enter the DOM (web/src/main.js);
    // "painted" is the end of the rendering update that follows: the next animation frame, then a
    // task queued behind it (style, layout and paint of that frame are done by then).
    const INIT = () => {
      const mark = performance.mark.bind(performance);
      performance.mark = (name, ...rest) => {
        const entry = mark(name, ...rest);
        if (name === 'marginlab:first-result') {
          requestAnimationFrame(() => setTimeout(() => { window.__mlPainted = performance.now(); }, 0));
        }
        return entry;
      };
      // Init scripts run before <html> exists: watch the document for the attribute.
      new MutationObserver((_, observer) => {
        if (document.documentElement && document.documentElement.dataset.ready === 'true') {
          window.__mlReady = performance.now();
          observer.disconnect();
        }
      }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });
    };
    const firstResult = [], painted = [], interactive = [], domInteractive = [], loadEnd = [], ready = [];
    const fetched = new Set();
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.addInitScript(INIT);
      if (i === 0) page.on('request', (r) => { if (r.url().startsWith(url)) fetched.add(new URL(r.url()).pathname.slice(1) || 'index.html'); });
      await page.goto(url);  // resolves at the load event
      await page.waitForFunction(() => window.__mlPainted !== undefined && window.__mlReady !== undefined
        && performance.getEntriesByType('navigation')[0].loadEventEnd > 0);
      const t = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        return { mark: performance.getEntriesByName('marginlab:first-result')[0].startTime, painted: window.__mlPainted,
          ready: window.__mlReady, domInteractive: nav.domInteractive, loadEnd: nav.loadEventEnd };
      });
      firstResult.push(t.mark);
      painted.push(t.painted);
      ready.push(t.ready);
      domInteractive.push(t.domInteractive);
      loadEnd.push(t.loadEnd);
      interactive.push(Math.max(t.ready, t.loadEnd));
      if (i === 0) await page.waitForTimeout(1500);  // the chunks loaded after the first result (chart, risk lab forms)
      await context.close();
    }
    result.page = {
      firstResultPainted: stats(painted, 'ms'), interactive: stats(interactive, 'ms'), firstResultInDom: stats(firstResult, 'ms'),
      ready: stats(ready, 'ms'), domInteractive: stats(domInteractive, 'ms'), loadEventEnd: stats(loadEnd, 'ms'), loads,
      fetched: [...fetched].sort(),
    };
    log('first result painted', result.page.firstResultPainted);
    log('interactive', result.page.interactive);
    console.error(`    (first result in the DOM ${fmt(result.page.firstResultInDom)}; domInteractive ${fmt(result.page.domInteractive)};` +
      ` load event end ${fmt(result.page.loadEventEnd)}; data-ready ${fmt(result.page.ready)})`);

    // --- one edit of a 10-position scenario ----------------------------------------------------
    const scenario = benchScenario(10);
    const fragment = '#s1=' + deflateRawSync(Buffer.from(JSON.stringify(scenario))).toString('base64url');
    {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(url + fragment);
      await page.waitForSelector('html[data-ready="true"]', { state: 'attached' });
      const shown = await page.evaluate(() => ({ wallet: document.querySelector('input[data-path="walletBalance"]').value,
        positions: document.querySelectorAll('input[data-path$=".quantity"]').length }));
      if (Number(shown.wallet.replace(/[^0-9.]/g, '')) !== 1000000 || shown.positions !== 10) {
        throw new Error(`the page did not load the 10-position scenario from the fragment: ${JSON.stringify(shown)}`);
      }
      await page.waitForTimeout(500);  // the chart and the risk lab's forms, loaded after the first result
      const times = await page.evaluate(async (count) => {
        const input = document.querySelector('input[data-path="walletBalance"]');
        const columns = document.getElementById('columns');
        const frame = () => new Promise((r) => requestAnimationFrame(r));
        const task = () => new Promise((r) => setTimeout(r, 0));
        const inFrame = [], nextFrame = [];
        let k = 0;
        const edit = () => {
          const before = columns.textContent;
          input.value = String(1000000 - 1000 * (++k));
          input.dispatchEvent(new Event('input', { bubbles: true }));
          if (columns.textContent === before || document.getElementById('status').textContent !== '') {
            throw new Error(`edit ${k} did not update the results`);
          }
        };
        for (let i = 0; i < count + 3; i++) {
          // (a) the input event arrives at the start of a frame: event -> results painted in that frame.
          await frame();
          await task();
          await frame();
          const a = await new Promise((resolve, reject) => requestAnimationFrame(() => {
            const t0 = performance.now();
            try { edit(); } catch (e) { reject(e); return; }
            setTimeout(() => resolve(performance.now() - t0), 0);
          }));
          // (b) the input event arrives between frames: event -> the next frame, painted.
          await frame();
          await task();
          const t0 = performance.now();
          edit();
          await frame();
          await task();
          const b = performance.now() - t0;
          if (i >= 3) {  // the first edits warm the code paths up
            inFrame.push(a);
            nextFrame.push(b);
          }
        }
        return { inFrame, nextFrame };
      }, edits);
      result.edit = { inFrame: stats(times.inFrame, 'ms'), nextFrame: stats(times.nextFrame, 'ms'), edits };
      log('edit (in frame)', result.edit.inFrame);
      log('edit (next frame)', result.edit.nextFrame);
      await page.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
if (jsonFile) writeFileSync(jsonFile, JSON.stringify(result, null, 1));
