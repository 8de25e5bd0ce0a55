// SPDX-License-Identifier: MIT
// Builds the page into web/dist next to marginlab.js + marginlab.wasm (made by the wasm CMake
// preset): index.html, app.js, app.css, margin-lab.js (the custom element), and
// marginlab-standalone.html, one file with everything inlined that opens from file://.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFile, readFile, readdir, rm, writeFile } from 'node:fs/promises';

const here = new URL('.', import.meta.url);
const dist = new URL('dist/', here);
const path = (u) => decodeURIComponent(new URL(u, here).pathname);

// Chunks of an earlier build would linger: clear them.
for (const f of await readdir(dist).catch(() => [])) if (f.startsWith('chunk-')) await rm(new URL(f, dist));

// The venue data module (venues.js, venue-<id>.js) from core/data/venues, as the wasm build writes it.
await import('../scripts/build-venues.mjs');

// `import lessons from 'lessons:all'`: every web/lessons/*.json in file-name order, checked.
const { lessonProblems } = await import('./src/lessons.js');
const lessonsModule = {
  name: 'lessons',
  setup(b) {
    b.onResolve({ filter: /^lessons:all$/ }, () => ({ path: 'all', namespace: 'lessons' }));
    b.onLoad({ filter: /.*/, namespace: 'lessons' }, async () => {
      const dir = new URL('lessons/', here);
      const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
      const list = [];
      for (const f of files) {
        const lesson = JSON.parse(await readFile(new URL(f, dir), 'utf8'));
        const problems = lessonProblems(lesson);
        if (problems.length) throw new Error(`web/lessons/${f}: ${problems.join('; ')}`);
        if (list.some((l) => l.id === lesson.id)) throw new Error(`web/lessons/${f}: the id "${lesson.id}" is taken`);
        list.push(lesson);
      }
      return { contents: `export default ${JSON.stringify(list)};`, loader: 'js', watchFiles: files.map((f) => path('lessons/' + f)) };
    });
  },
};

const common = { bundle: true, format: 'esm', target: 'es2022', minify: process.env.MARGINLAB_NO_MINIFY !== '1', legalComments: 'none', logLevel: 'warning' };

// The page: marginlab.js stays a file of its own, loaded next to app.js.
// The chart (uPlot) and the risk lab are chunks of their own, loaded after the first result.
const app = await build({ ...common, entryPoints: { app: path('src/main.js') }, outdir: path('dist'), splitting: true, metafile: true,
  chunkNames: 'chunk-[name]-[hash]', external: ['./marginlab.js', './marginlab-full.js'], define: { __WASM_BASE64__: 'null' },
  plugins: [lessonsModule] });
await build({ ...common, entryPoints: [path('src/style.css')], outfile: path('dist/app.css'), format: undefined });
// The options account's styles load with its chunk (web/src/options.js), not with the first paint.
await build({ ...common, entryPoints: [path('src/options.css')], outfile: path('dist/options.css'), format: undefined });
// The account's styles load with its chunk (web/src/account.js).
await build({ ...common, entryPoints: [path('src/account.css')], outfile: path('dist/account.css'), format: undefined });
await build({ ...common, entryPoints: [path('src/element.js')], outfile: path('dist/margin-lab.js') });
await build({ ...common, entryPoints: [path('src/mc-worker.js')], outfile: path('dist/mc-worker.js'), external: ['./marginlab-full.js'] });
// app.js imports its shared chunks statically: preload them with it, or they wait for app.js.
const appOut = Object.entries(app.metafile.outputs).find(([file]) => file.endsWith('/app.js'))[1];
const shared = appOut.imports.filter((i) => i.kind === 'import-statement' && !i.external).map((i) => i.path.split('/').pop());
const indexHtml = (await readFile(path('index.html'), 'utf8')).replace('<link rel="modulepreload" href="marginlab.js">',
  (tag) => [tag, ...shared.map((f) => `<link rel="modulepreload" href="${f}">`)].join('\n'));
await writeFile(path('dist/index.html'), indexHtml);
await copyFile(path('favicon.svg'), path('dist/favicon.svg'));

// The standalone file: the full module (calculator and risk lab), the CSS and the wasm (base64)
// inline; its CSP allows exactly those inline blocks by hash.
const wasm = await readFile(path('dist/marginlab-full.wasm'));
const inlineModule = {
  name: 'inline-marginlab',
  setup(b) {
    b.onResolve({ filter: /^\.\/marginlab(-full)?\.js$/ }, () => ({ path: path('dist/marginlab-full.js') }));
  },
};
// The Emscripten factory ends in a UMD tail guarded by typeof checks; in a module it is inert.
const js = await build({ ...common, entryPoints: [path('src/main.js')], write: false, plugins: [inlineModule, lessonsModule],
  logOverride: { 'commonjs-variable-in-esm': 'silent' },
  define: { __WASM_BASE64__: JSON.stringify(wasm.toString('base64')) } });
const script = js.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
const style = ((await readFile(path('dist/app.css'), 'utf8')) + (await readFile(path('dist/options.css'), 'utf8')) + (await readFile(path('dist/account.css'), 'utf8')))
  .replace(/<\/style/gi, '<\\/style');
const sha = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const csp = `default-src 'none'; script-src ${sha(script)} 'wasm-unsafe-eval'; style-src ${sha(style)}; img-src data:`;
const page = (await readFile(path('index.html'), 'utf8'))
  .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, `<meta http-equiv="Content-Security-Policy" content="${csp}">`)
  .replace('<link rel="icon" href="favicon.svg" type="image/svg+xml">\n', '')
  .replace(/<link rel="(modulepreload|preload)"[^>]*>\n/g, '')
  .replace('<link rel="stylesheet" href="app.css">', () => `<style>${style}</style>`)
  .replace('<script type="module" src="app.js"></script>', () => `<script type="module">${script}</script>`);
await writeFile(path('dist/marginlab-standalone.html'), page);
console.log(`built ${decodeURIComponent(dist.pathname)}: index.html app.js app.css margin-lab.js marginlab-standalone.html`);
