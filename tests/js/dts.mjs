// SPDX-License-Identifier: MIT
// marginlab.d.ts read as data, for the JS tests: the members of a union type and the fields of an
// interface, as written by hand.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

export const dts = readFileSync(new URL('../../web/dist/marginlab.d.ts', import.meta.url), 'utf8');

/** The quoted strings of `export type <name> = 'a' | 'b' ...;`. */
export function unionMembers(name) {
  const m = dts.match(new RegExp(`export type ${name}\\s*=([^;]+);`));
  assert.ok(m, `marginlab.d.ts declares type ${name}`);
  return [...m[1].matchAll(/'([^']*)'/g)].map((x) => x[1]);
}

/** The properties of `export interface <name> { ... }`: [{ name, optional, type }]. */
export function interfaceFields(name) {
  const m = dts.match(new RegExp(`export interface ${name}\\s*\\{([\\s\\S]*?)\\n\\}`));
  assert.ok(m, `marginlab.d.ts declares interface ${name}`);
  const body = m[1].replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return [...body.matchAll(/^\s*(?:readonly\s+)?(\w+)(\?)?\s*:\s*([^;]+);/gm)].map((x) => ({
    name: x[1],
    optional: x[2] === '?',
    type: x[3].trim().replace(/\s+/g, ' '),
  }));
}
