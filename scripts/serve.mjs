// SPDX-License-Identifier: MIT
// Serves web/dist on loopback with the page's CSP as a header. Usage: node scripts/serve.mjs [port]
// Every file is served with Access-Control-Allow-Origin: * (none carries a secret), so a page on
// another origin can load margin-lab.js and the JS API (module scripts and wasm need CORS).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.ts': 'text/plain; charset=utf-8',
  '.png': 'image/png', '.svg': 'image/svg+xml',
};

/** Starts the server; resolves to { server, url }. Extra files (path -> { body, type }) may be served too. */
export function serve({ root = fileURLToPath(new URL('../web/dist/', import.meta.url)), port = 8000, host = '127.0.0.1', extra = {} } = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, `http://${host}`);
    let pathname = decodeURIComponent(url.pathname);
    if (pathname.endsWith('/')) pathname += 'index.html';
    const headers = { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache',
      'Referrer-Policy': 'no-referrer', 'Access-Control-Allow-Origin': '*' };
    if (extra[pathname]) {
      res.writeHead(200, { ...headers, 'Content-Type': extra[pathname].type, ...(extra[pathname].headers || {}) });
      res.end(extra[pathname].body);
      return;
    }
    const file = normalize(join(root, pathname));
    if (!file.startsWith(normalize(root))) {
      res.writeHead(403, headers).end('forbidden');
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve({ server, url: `http://${host}:${server.address().port}/` }));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] || process.env.PORT || 8000);
  const { url } = await serve({ port });
  console.log(`MarginLab is served at ${url} (Ctrl-C stops it)`);
}
