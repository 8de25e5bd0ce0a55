// SPDX-License-Identifier: MIT
// The page's one way to build DOM: virtual nodes (v) that patch() lays onto the page, keeping
// what is already there. h() is the same builder run once, for the forms. Text always goes in as
// text nodes: nothing a user or a link supplies is ever parsed as HTML.

/**
 * A virtual element: plain data that patch() turns into DOM only where the page lacks it, so an
 * edit builds no elements for the numbers it merely changes. Attributes with null, undefined or
 * false are left out, true is ''. `on` in attrs maps event names to listeners, attached when the
 * element is created (a kept element keeps its own: listeners read their data at event time).
 */
export function v(tag, attrs = {}, ...children) {
  return { tag, attrs, children };
}

/** v() made into DOM at once: for what is built once (forms), not for results. Children may be nodes. */
export function h(tag, attrs = {}, ...children) {
  return materialize(v(tag, attrs, ...children));
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}

const attrValue = (x) => (x === null || x === undefined || x === false ? null : x === true ? '' : String(x));

/** A virtual node, a DOM node or a string as DOM. */
export function materialize(node) {
  if (typeof node !== 'object') return document.createTextNode(String(node));
  if (node instanceof Node) return node;
  const el = document.createElement(node.tag);
  for (const k in node.attrs) {
    if (k === 'on') {
      for (const type in node.attrs.on) el.addEventListener(type, node.attrs.on[type]);
      continue;
    }
    const value = attrValue(node.attrs[k]);
    if (value !== null && !(k === 'value' && node.tag === 'select')) el.setAttribute(k, value);
  }
  for (const c of node.children) if (c !== null && c !== undefined && c !== false) el.append(materialize(c));
  if (node.tag === 'select' && node.attrs.value !== undefined) el.value = attrValue(node.attrs.value) ?? '';  // once it has its options
  return el;
}

/** Brings one element's attributes to the virtual node's. */
function patchAttributes(o, n) {
  let count = 0;
  for (const k in n.attrs) {
    if (k === 'on') continue;
    const value = attrValue(n.attrs[k]);
    if (value === null) {
      if (o.hasAttribute(k)) o.removeAttribute(k);
      continue;
    }
    count++;
    if (o.getAttribute(k) !== value) o.setAttribute(k, value);
  }
  if (o.attributes.length !== count) {
    for (const name of o.getAttributeNames()) if (attrValue(n.attrs[name]) === null) o.removeAttribute(name);
  }
}

/**
 * Makes `target`'s children the virtual `children` (v() nodes and strings), keeping the nodes
 * that already match: same node type and tag, same `data-metric`. Text and attributes are
 * updated in place, so an edit re-lays out the numbers that changed instead of the whole
 * results.
 */
export function patch(target, children) {
  let o = target.firstChild;
  for (const n of children) {
    if (n === null || n === undefined || n === false) continue;
    if (!o) {
      target.appendChild(materialize(n));
      continue;
    }
    if (typeof n !== 'object') {
      const text = String(n);
      if (o.nodeType !== 3) {
        const fresh = document.createTextNode(text);
        target.replaceChild(fresh, o);
        o = fresh;
      } else if (o.data !== text) {
        o.data = text;
      }
    } else if (o.nodeType !== 1 || o.localName !== n.tag || o.getAttribute('data-metric') !== attrValue(n.attrs['data-metric'])) {
      const fresh = materialize(n);
      target.replaceChild(fresh, o);
      o = fresh;
    } else {
      patchAttributes(o, n);
      patch(o, n.children);
    }
    o = o.nextSibling;
  }
  while (o) {
    const next = o.nextSibling;
    target.removeChild(o);
    o = next;
  }
}

/** Attributes of a box that scrolls sideways (a wide table): Tab reaches it and a screen reader names it. */
export const scrollable = (name) => ({ tabindex: '0', role: 'region', 'aria-label': name });
