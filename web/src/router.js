// SPDX-License-Identifier: MIT
// The URL fragment, read and written here and nowhere else. "#s1=…" holds the scenario on screen
// (version 1: the calculator; version 2: an options account with its request; fragment.js is the
// codec), "#lesson=id" the open lesson, and "?lesson=id" opens one in an embed. One mode owns the
// fragment at a time (the calculator, the options account or a lesson): only its link is written,
// so a mode never needs to ask which one is on screen.
import { decodeScenario, encodeScenario } from './fragment.js';

let owner = { name: null, link: () => null };
let timer = 0;
let written = null;  // the fragment text this module wrote last (without '#')
let moves = 0;       // how often the address changed from outside (Back, a pasted link)

/** From now on the fragment holds `name`'s link: link() gives the object to encode (null: none). */
export function own(name, link = () => null) {
  clearTimeout(timer);
  owner = { name, link };
}

/** The object the owner's link holds now (null when it has none, as a lesson). */
export const linkObject = () => owner.link();

let changed = () => {};  // told after this module changes the address (the open Embed panel follows it)

/** `fn` is called whenever this module writes a new link into the address. */
export function onWrite(fn) { changed = fn; }

function replace(text) {
  written = text;
  if (location.hash.slice(1) === text) return;
  history.replaceState(null, '', location.pathname + location.search + '#' + text);
  changed();
}

async function write(mine) {
  const object = mine.link();
  if (!object) return;
  const at = moves;
  const text = await encodeScenario(object);
  // Unless another mode took the fragment, or the address moved (Back), while it was encoded.
  if (owner === mine && at === moves) replace(text);
}

/** Writes `name`'s link after `delay` ms (an edit coalesces with the next); nothing unless `name` owns the fragment. */
export function save(name, delay = 150) {
  if (owner.name !== name) return;
  clearTimeout(timer);
  const mine = owner;
  timer = setTimeout(() => write(mine), delay);
}

/** Writes the owner's link at once (Copy link) and gives the page's address. */
export async function saveNow() {
  clearTimeout(timer);
  await write(owner);
  return location.href;
}

/**
 * Writes the owner's link as a new history entry (after a reset: Back returns to the entry before
 * it, which saveNow() brought up to date first). Nothing when the link is the one in the address.
 */
export async function push() {
  clearTimeout(timer);
  const mine = owner;
  const object = mine.link();
  if (!object) return;
  const at = moves;
  const text = await encodeScenario(object);
  if (owner !== mine || at !== moves || location.hash.slice(1) === text) return;
  written = text;
  history.pushState(null, '', location.pathname + location.search + '#' + text);
  changed();
}

/** A lesson owns the fragment: "#lesson=id". */
export function showLesson(id) {
  own('lesson');
  replace('lesson=' + id);
}

/** The page's address and its fragment, for the share snippets. */
export const address = () => ({ href: location.href, hash: location.hash });

/**
 * What the address asks for: { lesson } ("#lesson=id", else "?lesson=id"), or else the fragment
 * decoded: { scenario }, { error } (a message for people) or { scenario: null } when there is none.
 */
export async function read() {
  const m = /^#lesson=([A-Za-z0-9-]{0,40})$/.exec(location.hash);
  if (m) return { lesson: m[1] };
  const q = new URLSearchParams(location.search).get('lesson');
  if (q !== null) return { lesson: q.slice(0, 40) };
  return decodeScenario(location.hash);
}

/**
 * Calls handler() when the fragment changes from outside (a pasted link, Back), not when written
 * here. A write still pending is dropped: it would put the previous scenario on the new entry.
 */
export function listen(handler) {
  window.addEventListener('hashchange', () => {
    if (location.hash.slice(1) === written) return;
    clearTimeout(timer);
    moves++;
    written = location.hash.slice(1);  // what the address holds now (Forward may return to what was written)
    handler();
  });
}
