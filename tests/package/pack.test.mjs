// SPDX-License-Identifier: MIT
// The npm package as a user gets it: scripts/package.mjs assembles it, `npm pack` makes the
// tarball, `npm install --offline` puts it into a fresh project (no network), and there a node
// script (plain node, no flag, no option) and esbuild bundles (browser and node platforms, the
// inlined-wasm entry) compute a liquidation price worked by hand: 0.1 BTC long at 60,000, 10x,
// Binance tier 1 (MMR 0.40 %): LP = (600 - 6000) / (0.1 x 0.004 - 0.1) = 54216.867...
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BTC_LP = 5400 / 0.0996;
const npmEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
let dir, app, packed;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'marginlab-pack-'));
  execFileSync(process.execPath, [path.join(root, 'scripts/package.mjs'), path.join(dir, 'package')]);
  [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: path.join(dir, 'package'), env: npmEnv, encoding: 'utf8' }));
  app = path.join(dir, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', path.join(dir, packed.filename)], { cwd: app, env: npmEnv });
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a module of the app with plain node: its standard output. */
function runNode(file, text) {
  writeFileSync(path.join(app, file), text);
  const r = spawnSync(process.execPath, [file], { cwd: app, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('the tarball: its files, licence and size', () => {
  const files = packed.files.map((f) => f.path).sort();
  for (const f of ['package.json', 'README.md', 'LICENSE', 'bin/marginlab.mjs', 'dist/marginlab.js', 'dist/marginlab.wasm', 'dist/marginlab.d.ts',
    'dist/marginlab-full.js', 'dist/marginlab-full.wasm', 'dist/marginlab-full.d.ts', 'dist/margin-lab.js', 'dist/index.html',
    'inline/marginlab.mjs', 'inline/marginlab-full.mjs', 'node/marginlab.mjs', 'node/marginlab-full.mjs', 'node/element.mjs', 'lib/csv.mjs']) {
    assert.ok(files.includes(f), `the tarball has ${f}`);
  }
  assert.ok(!files.some((f) => f.includes('standalone')), 'no standalone page');
  const size = statSync(path.join(dir, packed.filename)).size;
  assert.ok(size < 2_500_000, `tarball ${size} bytes`);
  console.log(`# ${packed.filename}: ${files.length} files, ${size} bytes packed, ${packed.unpackedSize} unpacked`);
});

test('plain node: every export, no flag and no option', () => {
  const out = runNode('main.mjs', `
import createMarginLab, { defaultScenario } from 'marginlab';
import createFull, { defaultOptionsScenario } from 'marginlab/full';
import 'marginlab/element';
import createInline from 'marginlab/inline';
const scenario = { walletBalance: 1000, positions: [{ symbol: 'BTCUSDT', side: 'long', quantity: 0.1, entryPrice: 60000, leverage: 10 }] };
const lab = await createMarginLab();
const full = await createFull();
const inline = await createInline();
console.log(JSON.stringify({
  lp: lab.evaluate(scenario).isolated.positions[0].liquidationPrice,
  inline: inline.evaluate(scenario).isolated.positions[0].liquidationPrice,
  example: lab.evaluate(defaultScenario).errors.length,
  account: full.evaluateOptions(defaultOptionsScenario).errors.length,
  stress: typeof full.stress,
  fullLp: full.evaluate(scenario).isolated.positions[0].liquidationPrice,
}));`);
  const r = JSON.parse(out);
  for (const k of ['lp', 'inline', 'fullLp']) assert.ok(Math.abs(r[k] - BTC_LP) < 1e-9 * BTC_LP, `${k}: ${r[k]}`);
  assert.deepEqual([r.example, r.account, r.stress], [0, 0, 'function']);
});

test('the bin: npx marginlab', () => {
  const r = spawnSync('npx', ['--offline', 'marginlab', 'batch', '--format', 'json'], { cwd: app, encoding: 'utf8', env: npmEnv,
    input: 'symbol,side,quantity,entryPrice,leverage\nBTCUSDT,long,0.1,60000,10\n' });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Math.abs(JSON.parse(r.stdout)[0].liquidationPrice - BTC_LP) < 1e-9 * BTC_LP);
});

test('esbuild: the inlined-wasm entry bundles into one file, for the browser and for node', async () => {
  const { build } = await import(path.join(root, 'web/node_modules/esbuild/lib/main.js'));
  writeFileSync(path.join(app, 'entry.mjs'), `
import createMarginLab from 'marginlab/inline';
const lab = await createMarginLab();
console.log(lab.evaluate({ walletBalance: 1000, positions: [{ symbol: 'BTCUSDT', side: 'long', quantity: 0.1, entryPrice: 60000, leverage: 10 }] }).isolated.positions[0].liquidationPrice);
`);
  for (const platform of ['browser', 'node']) {
    const outfile = path.join(app, `bundle-${platform}.mjs`);
    await build({ entryPoints: [path.join(app, 'entry.mjs')], bundle: true, format: 'esm', platform, outfile, logLevel: 'error',
      logOverride: { 'commonjs-variable-in-esm': 'silent' } });
    // The bundle alone, away from node_modules: nothing else to find.
    const alone = path.join(dir, `alone-${platform}.mjs`);
    writeFileSync(alone, '');
    execFileSync('cp', [outfile, alone]);
    const r = spawnSync(process.execPath, [alone], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(Math.abs(Number(r.stdout) - BTC_LP) < 1e-9 * BTC_LP, `${platform}: ${r.stdout}`);
  }
});

test('typescript: the exports map gives each entry its d.ts (moduleResolution node16 and bundler)', () => {
  writeFileSync(path.join(app, 'check.ts'), `
import createMarginLab, { defaultScenario, type Report } from 'marginlab';
import createFull, { defaultOptionsScenario } from 'marginlab/full';
import createInline from 'marginlab/inline';
import 'marginlab/element';
const lab = await createMarginLab();
const report: Report = lab.evaluate(defaultScenario);
const lp: number | null | undefined = report.isolated?.positions[0]?.liquidationPrice;
const full = await createFull();
const pm = full.portfolioMargin(defaultOptionsScenario);
const inline = await createInline({ wasmBinary: new Uint8Array(0) });
// @ts-expect-error: the calculator alone has no risk lab
(await createInline()).stress;
export { lp, pm, inline };
`);
  writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2022', lib: ['es2022'], types: [] }, files: ['check.ts'] }));
  const tsc = path.join(root, 'web/node_modules/typescript/bin/tsc');
  for (const [module, resolution] of [['node16', 'node16'], ['esnext', 'bundler']]) {
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--module', module, '--moduleResolution', resolution], { cwd: app, encoding: 'utf8' });
    assert.equal(r.status, 0, `${resolution}: ${r.stdout}${r.stderr}`);
  }
});
