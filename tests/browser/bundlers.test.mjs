// SPDX-License-Identifier: MIT
// The packed npm package in apps built by Vite and webpack (tests/package/bundlers: pinned, npm ci
// by scripts/deps.sh), with the README's one-line copy step (the .wasm into the served folder and
// locateFile), and by esbuild with the inlined entry; each app runs in Chromium and shows the
// liquidation price of 0.1 BTC long at 60,000, 10x, worked by hand with Binance's isolated formula
// and tier 1 (MMR 0.40 %): LP = (600 - 6000) / (0.1 x 0.004 - 0.1) = 54216.867...
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launch } from './chromium.mjs';
import { serve } from '../../scripts/serve.mjs';
import { WAIT, defaultScenario, escapeAttribute, expectShown, expectedLiquidation, ready } from './helpers.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tools = path.join(root, 'tests/package/bundlers/node_modules');
const BTC_LP = 5400 / 0.0996;
const MAIN = `import createMarginLab from 'marginlab';
const lab = await createMarginLab({ locateFile: (file) => '/' + file });
const r = lab.evaluate({ walletBalance: 1000, positions: [{ symbol: 'BTCUSDT', side: 'long', quantity: 0.1, entryPrice: 60000, leverage: 10 }] });
document.title = String(r.isolated.positions[0].liquidationPrice);
`;
const HTML = (src) => `<!doctype html><html><head><meta charset="utf-8"><title>pending</title></head><body><script type="module" src="${src}"></script></body></html>`;
let dir, browser;

/** A fresh app folder with the packed package unpacked into its node_modules (what npm install does). */
function app(name) {
  const folder = path.join(dir, name);
  mkdirSync(path.join(folder, 'node_modules'), { recursive: true });
  execFileSync('tar', ['-xzf', path.join(dir, 'marginlab.tgz'), '-C', path.join(folder, 'node_modules')]);
  execFileSync('mv', [path.join(folder, 'node_modules/package'), path.join(folder, 'node_modules/marginlab')]);
  return folder;
}

/** Serves a folder on loopback, opens it in Chromium, and returns the title the app set. */
async function titleOf(folder) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer((req, res) => {
    const file = path.join(folder, decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/\/$/, '/index.html'));
    if (!file.startsWith(folder) || !existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => document.title !== 'pending', null, { timeout: 15000 }).catch(() => {});
    const title = await page.title();
    await page.close();
    assert.deepEqual(errors, []);
    return title;
  } finally {
    server.close();
  }
}

const near = (title, what) => assert.ok(Math.abs(Number(title) - BTC_LP) < 1e-9 * BTC_LP, `${what}: "${title}"`);

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'marginlab-bundlers-'));
  execFileSync(process.execPath, [path.join(root, 'scripts/package.mjs'), path.join(dir, 'package')]);
  const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: path.join(dir, 'package'), encoding: 'utf8' }));
  execFileSync('mv', [path.join(dir, filename), path.join(dir, 'marginlab.tgz')]);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const skip = existsSync(path.join(tools, 'vite')) ? false : 'tests/package/bundlers is not installed (scripts/deps.sh)';

test('Vite: the .wasm copied into public/, locateFile', { skip }, async () => {
  const folder = app('vite');
  writeFileSync(path.join(folder, 'index.html'), HTML('/main.js'));
  writeFileSync(path.join(folder, 'main.js'), MAIN);
  mkdirSync(path.join(folder, 'public'));
  copyFileSync(path.join(folder, 'node_modules/marginlab/dist/marginlab.wasm'), path.join(folder, 'public/marginlab.wasm'));  // the copy step
  const { build } = await import(pathToFileURL(path.join(tools, 'vite/dist/node/index.js')).href);
  await build({ root: folder, logLevel: 'error', build: { target: 'es2022' } });
  near(await titleOf(path.join(folder, 'dist')), 'vite');
});

test('webpack: the .wasm copied beside the bundle, locateFile', { skip }, async () => {
  const folder = app('webpack');
  writeFileSync(path.join(folder, 'main.js'), MAIN);
  const out = path.join(folder, 'dist');
  const { default: webpack } = await import(pathToFileURL(path.join(tools, 'webpack/lib/index.js')).href);
  const stats = await new Promise((resolve, reject) => webpack({
    mode: 'production', context: folder, entry: './main.js', output: { path: out, filename: 'main.js', module: true },
    experiments: { outputModule: true }, infrastructureLogging: { level: 'error' },
  }, (err, s) => (err ? reject(err) : resolve(s))));
  assert.ok(!stats.hasErrors(), stats.toString('errors-only'));
  writeFileSync(path.join(out, 'index.html'), HTML('main.js'));
  copyFileSync(path.join(folder, 'node_modules/marginlab/dist/marginlab.wasm'), path.join(out, 'marginlab.wasm'));  // the copy step
  near(await titleOf(out), 'webpack');
});

test('esbuild: marginlab/inline, nothing to copy', async () => {
  const folder = app('esbuild');
  writeFileSync(path.join(folder, 'main.js'), MAIN.replace("'marginlab'", "'marginlab/inline'").replace('{ locateFile: (file) => \'/\' + file }', ''));
  const { build } = await import(pathToFileURL(path.join(root, 'web/node_modules/esbuild/lib/main.js')).href);
  mkdirSync(path.join(folder, 'dist'));
  await build({ entryPoints: [path.join(folder, 'main.js')], bundle: true, format: 'esm', platform: 'browser', outfile: path.join(folder, 'dist/main.js'),
    logLevel: 'error', logOverride: { 'commonjs-variable-in-esm': 'silent' } });
  writeFileSync(path.join(folder, 'dist/index.html'), HTML('main.js'));
  near(await titleOf(path.join(folder, 'dist')), 'esbuild');
});

test('the element: <margin-lab> from the package\'s dist frames the page shipped beside it', async () => {
  const folder = app('element');
  const scenario = escapeAttribute(JSON.stringify(defaultScenario));
  const site = await serve({ root: path.join(folder, 'node_modules/marginlab/dist') + '/', port: 0, extra: {
    '/host.html': { type: 'text/html; charset=utf-8', body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title></head><body><script type="module" src="/margin-lab.js"></script><margin-lab scenario="${scenario}"></margin-lab></body></html>` },
  } });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(site.url + 'host.html');
    await page.locator('margin-lab iframe').waitFor(WAIT);
    const frame = await (await page.locator('margin-lab iframe').elementHandle()).contentFrame();
    await ready(frame);
    await expectShown(frame, expectedLiquidation(defaultScenario));
    await page.close();
    assert.deepEqual(errors, []);
  } finally {
    await new Promise((resolve) => site.server.close(resolve));
  }
});
