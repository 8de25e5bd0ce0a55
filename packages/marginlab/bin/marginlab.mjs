#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// npx marginlab evaluate scenario.json | npx marginlab batch book.csv: see lib/cli.mjs, or --help.
import { main } from '../lib/cli.mjs';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => { process.stderr.write(`marginlab: internal error: ${e && e.stack ? e.stack : e}\n`); process.exitCode = 3; },
);
