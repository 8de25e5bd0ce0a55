// SPDX-License-Identifier: MIT
// Runs a Monte Carlo request in chunks off the main thread and posts the tally after each.
// The page cancels it by terminating the worker.
import createMarginLab from './marginlab-full.js';

const labReady = createMarginLab();

self.onmessage = async (event) => {
  const { scenario, request, chunk } = event.data;
  const lab = await labReady;
  let tally;
  for (let begin = 0; begin < request.paths; begin += chunk) {
    const end = Math.min(request.paths, begin + chunk);
    const t = lab.monteCarlo(scenario, request, { begin, end, tally });
    if (t.errors.length) {
      self.postMessage({ errors: t.errors });
      return;
    }
    tally = t;
    self.postMessage({ tally, done: end >= request.paths });
  }
};
