// SPDX-License-Identifier: MIT
// Launches Debian's Chromium headless the way this project's machines need (TOOLCHAIN.md).
import { createRequire } from 'node:module';

// The npm tree lives in web/ (web/package.json); resolve playwright-core from there.
const { chromium } = createRequire(new URL('../../web/package.json', import.meta.url))('playwright-core');

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Playwright gives every launch a fresh, empty profile directory of its own. */
export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}
