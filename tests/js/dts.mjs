// SPDX-License-Identifier: MIT
// marginlab.d.ts read as data, for the JS tests: the members of a union type and the fields of an
// interface, as written by hand.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

// marginlab-full.d.ts declares the accounts' interfaces (scenario version 3) beside marginlab.d.ts's.
export const dts = ['marginlab.d.ts', 'marginlab-full.d.ts']
  .map((file) => readFileSync(new URL(`../../web/dist/${file}`, import.meta.url), 'utf8')).join('\n');

/** The quoted strings of `export type <name> = 'a' | 'b' ...;`. */
export function unionMembers(name) {
  const m = dts.match(new RegExp(`export type ${name}\\s*=([^;]+);`));
  assert.ok(m, `marginlab.d.ts declares type ${name}`);
  return [...m[1].matchAll(/'([^']*)'/g)].map((x) => x[1]);
}

/** The properties of `export interface <name> [extends <base>] { ... }` (on one line or many), the base's
 *  first: [{ name, optional, type }]. */
export function interfaceFields(name) {
  const m = dts.match(new RegExp(`export interface ${name}(?:\\s+extends\\s+(\\w+))?\\s*\\{`));
  assert.ok(m, `marginlab.d.ts declares interface ${name}`);
  let depth = 1;
  let end = m.index + m[0].length;
  for (; depth > 0 && end < dts.length; ++end) depth += dts[end] === '{' ? 1 : dts[end] === '}' ? -1 : 0;
  const body = dts.slice(m.index + m[0].length, end - 1).replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  // The members: split at `;` and line ends outside braces and angle brackets.
  const members = [];
  let nest = 0;
  let current = '';
  let previous = '';
  for (const c of body) {
    if (c === '{' || c === '<' || c === '(') ++nest;
    if (c === '}' || (c === '>' && previous !== '=') || c === ')') --nest;
    previous = c;
    if (nest === 0 && (c === ';' || c === '\n')) {
      members.push(current);
      current = '';
    } else current += c;
  }
  members.push(current);
  const base = m[1] ? interfaceFields(m[1]) : [];
  return base.concat(members.map((x) => x.match(/^\s*(?:readonly\s+)?(\w+)(\?)?\s*:\s*([\s\S]+?)\s*$/)).filter(Boolean).map((x) => ({
    name: x[1],
    optional: x[2] === '?',
    type: x[3].trim().replace(/\s+/g, ' '),
  })));
}
