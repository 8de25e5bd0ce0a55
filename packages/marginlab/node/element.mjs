// SPDX-License-Identifier: MIT
// `marginlab/element` under node (server-side rendering, tests): there is no customElements
// registry to define <margin-lab> in, so importing it does nothing. In a browser the same
// specifier loads dist/margin-lab.js, which defines the element.
export {};
