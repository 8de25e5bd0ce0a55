// SPDX-License-Identifier: MIT
// A tiny DOM builder. Text always goes in as text nodes: nothing a user or a link supplies is
// ever parsed as HTML.

/** h('p', { class: 'x' }, 'text', child, null) -> element. Attributes with null are left out. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'value' && (tag === 'input' || tag === 'textarea')) el.value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/**
 * A virtual element: plain data that patch() turns into DOM only where the page lacks it, so an
 * edit builds no elements for the numbers it merely changes. attrs as h()'s; `on` in attrs maps
 * event names to listeners, attached when the element is created (a kept element keeps its own:
 * listeners must read their data at event time).
 */
export function v(tag, attrs = {}, ...children) {
  return { tag, attrs, children };
}

const attrValue = (x) => (x === null || x === undefined || x === false ? null : x === true ? '' : String(x));

/** A virtual node (or a string) as DOM. */
export function materialize(node) {
  if (typeof node !== 'object') return document.createTextNode(String(node));
  const el = document.createElement(node.tag);
  for (const k in node.attrs) {
    if (k === 'on') {
      for (const type in node.attrs.on) el.addEventListener(type, node.attrs.on[type]);
      continue;
    }
    const value = attrValue(node.attrs[k]);
    if (value !== null) el.setAttribute(k, value);
  }
  for (const c of node.children) if (c !== null && c !== undefined && c !== false) el.append(materialize(c));
  return el;
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
