// SPDX-License-Identifier: MIT
// Where a JSON text stops being JSON (RFC 8259), for the CLI's messages: JSON.parse under node
// names a position for some mistakes only. Called only after JSON.parse failed; no recursion
// (a stack of open brackets), so deep nesting cannot overflow.

const WS = new Set([' ', '\t', '\n', '\r']);
const LITERAL = /true|false|null/y;
const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** The offset of the first character that cannot continue a JSON text (text.length: it ends too soon), or -1. */
export function jsonErrorOffset(text) {
  let i = 0;
  const stack = [];  // '{' or '['
  let expect = 'value';  // value | key | colon | after
  const skip = () => { while (i < text.length && WS.has(text[i])) i++; };
  const token = (re) => { re.lastIndex = i; return re.test(text) ? (i = re.lastIndex, true) : false; };
  for (;;) {
    skip();
    if (i >= text.length) return expect === 'after' && stack.length === 0 ? -1 : text.length;
    const c = text[i];
    if (expect === 'value') {
      if (c === '{' || c === '[') { stack.push(c); i++; skip(); if (text[i] === (c === '{' ? '}' : ']')) { stack.pop(); i++; expect = 'after'; } else expect = c === '{' ? 'key' : 'value'; continue; }
      if (!(c === '"' ? token(STRING) : token(NUMBER) || token(LITERAL))) return i;
      expect = 'after';
    } else if (expect === 'key') {
      if (c !== '"' || !token(STRING)) return i;
      expect = 'colon';
    } else if (expect === 'colon') {
      if (c !== ':') return i;
      i++;
      expect = 'value';
    } else {
      const top = stack.at(-1);
      if (top === undefined) return i;  // text after the value
      if (c === ',') { i++; expect = top === '{' ? 'key' : 'value'; continue; }
      if (c !== (top === '{' ? '}' : ']')) return i;
      stack.pop();
      i++;
    }
  }
}

/** ":line:column" (1-based) of a JSON text's first mistake, or '' when there is none. */
export function jsonErrorPlace(text) {
  const at = jsonErrorOffset(text);
  if (at < 0) return '';
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return `:${line}:${at - before.lastIndexOf('\n')}`;
}
