// SPDX-License-Identifier: MIT
// Measures the built page in headless Chromium: time from navigation to the first result
// painted (median of repeated loads), and Monte Carlo speed in the browser (paths x steps per
// second, the example scenario, one wasm call). Usage: node scripts/measure.mjs [loads]
import { serve } from './serve.mjs';
import { launch } from '../tests/browser/chromium.mjs';

const loads = Number(process.argv[2] || 15);
const { server, url } = await serve({ port: 0 });
const browser = await launch();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const times = [];
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector('html[data-ready="true"]', { state: 'attached' });
    times.push(await page.evaluate(() => performance.getEntriesByName('marginlab:first-result')[0].startTime));
    await context.close();
  }
  console.log(`navigation to first result: median ${median(times).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)} (${loads} loads, cold context each)`);

  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]', { state: 'attached' });
  const runs = await page.evaluate(async () => {
    const { default: create, defaultScenario } = await import('./marginlab-full.js');
    const lab = await create();
    const request = { volatility: { BTCUSDT: 0.6, ETHUSDT: 0.7 }, correlation: [[1, 0.8], [0.8, 1]], years: 30 / 365,
      steps: 250, paths: 20000, seed: 1 };
    const out = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const t = lab.monteCarlo(defaultScenario, request);
      out.push({ ms: performance.now() - t0, paths: t.paths });
    }
    return out;
  });
  const rates = runs.map((r) => (20000 * 250) / (r.ms / 1000));
  console.log(`Monte Carlo in Chromium: median ${(median(rates) / 1e6).toFixed(2)} M path-steps/s ` +
    `(min ${(Math.min(...rates) / 1e6).toFixed(2)}, max ${(Math.max(...rates) / 1e6).toFixed(2)}; 20,000 paths x 250 steps, 2 symbols, 2 positions, 5 runs)`);
} finally {
  await browser.close();
  server.close();
}
