// SPDX-License-Identifier: MIT
// <margin-lab scenario='{...}'>: the calculator in compact embed mode, in an iframe of the
// page next to this script. Attributes: scenario (Scenario JSON), src (the page's URL; default
// index.html beside this file), height (CSS length, default 720px), label (iframe title).
// The attribute is untrusted: it is parsed as JSON only and errors are shown as text.
import { encodeJson, MAX_FRAGMENT_CHARS } from './fragment.js';

const MAX_ATTRIBUTE_CHARS = 65536;

class MarginLabElement extends HTMLElement {
  static get observedAttributes() { return ['scenario', 'src', 'height', 'label']; }

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.generation = 0;
  }

  connectedCallback() { this.render(); }

  attributeChangedCallback() { if (this.isConnected) this.render(); }

  async render() {
    const generation = ++this.generation;
    const text = this.getAttribute('scenario') || '';
    let fragment = '';
    if (text) {
      if (text.length > MAX_ATTRIBUTE_CHARS) {
        return this.fail(`The scenario attribute is too long (${text.length} characters; at most ${MAX_ATTRIBUTE_CHARS}).`);
      }
      let scenario;
      try {
        scenario = JSON.parse(text);
      } catch {
        return this.fail('The scenario attribute is not valid JSON.');
      }
      if (scenario === null || typeof scenario !== 'object' || Array.isArray(scenario)) return this.fail('The scenario attribute must be a JSON object.');
      // The text goes on as written (the page checks every field): re-serializing would turn 1e999
      // into null and could overflow the stack on deep nesting.
      try {
        fragment = '#' + (await encodeJson(text));
      } catch {
        if (generation === this.generation) this.fail('The scenario attribute could not be compressed.');
        return;
      }
      if (generation !== this.generation) return;
      if (fragment.length - 1 > MAX_FRAGMENT_CHARS) {
        return this.fail(`The scenario attribute is too large: compressed it takes ${fragment.length - 1} characters of the page's link; at most ${MAX_FRAGMENT_CHARS}.`);
      }
    }
    if (generation !== this.generation) return;
    let src;
    try {
      src = new URL(this.getAttribute('src') || './index.html', import.meta.url);
    } catch {
      return this.fail('The src attribute is not a URL.');
    }
    if (src.protocol !== 'https:' && src.protocol !== 'http:' && src.protocol !== 'file:') return this.fail('The src attribute must be an http(s) URL.');
    src.searchParams.set('embed', '1');
    src.hash = fragment;
    const frame = document.createElement('iframe');
    frame.src = src.href;
    frame.title = this.getAttribute('label') || 'MarginLab margin calculator';
    frame.loading = 'lazy';
    frame.referrerPolicy = 'no-referrer';
    frame.style.border = '0';
    frame.style.width = '100%';
    frame.style.height = /^\d+(\.\d+)?(px|rem|em|vh)$/.test(this.getAttribute('height') || '') ? this.getAttribute('height') : '720px';
    frame.style.display = 'block';
    this.shadowRoot.replaceChildren(frame);
  }

  fail(message) {
    const p = document.createElement('p');
    p.setAttribute('role', 'alert');
    p.textContent = `MarginLab: ${message}`;
    this.shadowRoot.replaceChildren(p);
  }
}

if (!customElements.get('margin-lab')) customElements.define('margin-lab', MarginLabElement);
