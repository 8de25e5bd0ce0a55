// SPDX-License-Identifier: MIT
// Screenshots of the built page at desktop and phone widths, light and dark: node scripts/screenshot.mjs [outdir] [fragment]
import { serve } from './serve.mjs';
import { launch } from '../tests/browser/chromium.mjs';

const out = process.argv[2] || 'build/screenshots';
const suffix = process.argv[3] || '';
const { server, url } = await serve({ port: 0 });
const browser = await launch();
try {
  for (const [name, width, height, scheme] of [['desktop', 1440, 1000, 'light'], ['phone', 375, 812, 'light'], ['desktop-dark', 1440, 1000, 'dark'], ['phone-dark', 375, 812, 'dark']]) {
    const page = await browser.newPage({ viewport: { width, height }, colorScheme: scheme });
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url + suffix);
    await page.waitForSelector('html[data-ready="true"]');
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
    console.log(`${out}/${name}.png`, errors.length ? `console errors: ${errors.join(' | ')}` : 'no console errors');
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
