// SPDX-License-Identifier: MIT
// The embed's height protocol. The page in embed mode (?embed=1, in a frame) posts
//   { type: 'marginlab:height', height: <CSS pixels of its content, a number> }
// to its parent whenever its content's height changes; the parent sizes the iframe to it.
// A parent accepts a message only from the iframe's own window (event.source) and only of this
// shape, with a height within [MIN_HEIGHT, MAX_HEIGHT]; anything else is ignored.
export const HEIGHT_MESSAGE = 'marginlab:height';
export const MIN_HEIGHT = 100;
export const MAX_HEIGHT = 20000;

/** The height in a message's data, rounded up to whole pixels, or null when it is not one. */
export function heightOf(data) {
  if (data === null || typeof data !== 'object' || data.type !== HEIGHT_MESSAGE) return null;
  const h = data.height;
  return typeof h === 'number' && h >= MIN_HEIGHT && h <= MAX_HEIGHT ? Math.ceil(h) : null;
}

/** In a frame: posts the document's height to the parent now and whenever it changes. */
export function postHeights() {
  if (window.parent === window) return;
  let last = 0;
  const send = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: HEIGHT_MESSAGE, height }, '*');
  };
  new ResizeObserver(send).observe(document.documentElement);
  send();
}
