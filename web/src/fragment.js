// SPDX-License-Identifier: MIT
// The scenario in the URL fragment: "#s1=" + base64url(deflate-raw(JSON)). The prefix versions
// this encoding; the JSON's own "version" the scenario (1: perpetuals, main.js; 2: an options
// account with its "request", options.js). Untrusted on the way in: size-limited before and after
// inflating, parsed as JSON only.

export const FRAGMENT_PREFIX = 's1=';
export const MAX_FRAGMENT_CHARS = 16384;   // what a link may carry
export const MAX_JSON_BYTES = 262144;      // what it may inflate to

function toBase64Url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

class TooLarge extends Error {}

async function pump(stream, limit) {
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel();
      throw new TooLarge(`The scenario in the link is larger than ${limit} bytes once decompressed.`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Scenario object -> fragment text (without '#'). */
export async function encodeScenario(scenario) {
  return encodeJson(JSON.stringify(scenario));
}

/** Scenario JSON text -> fragment text (without '#'), the text kept exactly as written. */
export async function encodeJson(json) {
  const bytes = new TextEncoder().encode(json);
  const compressed = await pump(new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw')), Infinity);
  return FRAGMENT_PREFIX + toBase64Url(compressed);
}

/**
 * Fragment text (with or without '#') -> { scenario } or { error } with a message for people.
 * Never throws; never evaluates anything but JSON.
 */
export async function decodeScenario(fragment) {
  const text = String(fragment || '').replace(/^#/, '');
  if (text === '') return { scenario: null };
  if (text.length > MAX_FRAGMENT_CHARS) return { error: `The link is too long (${text.length} characters; at most ${MAX_FRAGMENT_CHARS}).` };
  if (!text.startsWith(FRAGMENT_PREFIX)) {
    return { error: 'The link does not hold a MarginLab scenario of a version this page reads (expected "#s1=…").' };
  }
  const payload = text.slice(FRAGMENT_PREFIX.length);
  if (payload === '') return { error: 'The link holds an empty scenario ("#s1=" and nothing after it).' };
  if (!/^[A-Za-z0-9_-]*$/.test(payload)) return { error: 'The link is damaged: it has characters a scenario never contains.' };
  let bytes;
  try {
    bytes = fromBase64Url(payload);
  } catch {
    return { error: 'The link is damaged: its scenario is not valid base64url (it may have been cut short).' };
  }
  let json;
  try {
    json = await pump(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')), MAX_JSON_BYTES);
  } catch (e) {
    if (e instanceof TooLarge) return { error: e.message };
    return { error: 'The link is damaged: its scenario does not decompress (it may have been cut short or altered).' };
  }
  let source;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    return { error: 'The link is damaged: its scenario is not UTF-8 text.' };
  }
  let scenario;
  try {
    scenario = JSON.parse(source);
  } catch (e) {
    // RangeError too: no nesting is too deep to be refused with a message.
    return { error: `The link is damaged: its scenario is not valid JSON (${e && e.message ? e.message.slice(0, 120) : 'unreadable'}).` };
  }
  if (scenario === null || typeof scenario !== 'object' || Array.isArray(scenario)) {
    return { error: 'The link does not hold a scenario object.' };
  }
  return { scenario };
}
