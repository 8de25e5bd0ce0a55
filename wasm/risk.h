// SPDX-License-Identifier: MIT
// MarginLab JS boundary for the risk lab: each takes (scenario, request) plain objects and
// returns a plain object with `errors` (empty on success) and the tool's fields and steps.
#pragma once

#include <emscripten/val.h>

namespace mljs {

// What-if and stress tools: (scenario, request, options); options.explain (options an object or
// undefined) asks for the steps. Without it the answer has no `steps` key.
emscripten::val adjust(const emscripten::val& scenario, const emscripten::val& request, const emscripten::val& options);
emscripten::val target(const emscripten::val& scenario, const emscripten::val& request, const emscripten::val& options);
emscripten::val maxOpen(const emscripten::val& scenario, const emscripten::val& request, const emscripten::val& options);
emscripten::val stopSize(const emscripten::val& scenario, const emscripten::val& request, const emscripten::val& options);
emscripten::val marginTarget(const emscripten::val& scenario, const emscripten::val& request,
                             const emscripten::val& options);
emscripten::val stress(const emscripten::val& scenario, const emscripten::val& request, const emscripten::val& options);
emscripten::val cascadeWalk(const emscripten::val& scenario, const emscripten::val& request,
                            const emscripten::val& options);
emscripten::val funding(const emscripten::val& scenario, const emscripten::val& request, const emscripten::val& options);
/// odds, monteCarlo and unwind take a last `options` (an object or undefined): with
/// options.explain === true their answers carry `steps`, without it no step is built.
emscripten::val odds(const emscripten::val& scenario, const emscripten::val& request, const emscripten::val& options);
/// Paths [begin, end) added to `tally` (a previous result, or undefined).
emscripten::val monteCarloChunk(const emscripten::val& scenario, const emscripten::val& request, double begin,
                                double end, const emscripten::val& tally, const emscripten::val& options);
/// The account's VaR and expected shortfall over the request's paths (run to the horizon), and the
/// insurance fund's loss; steps with options.explain.
emscripten::val valueAtRisk(const emscripten::val& scenario, const emscripten::val& request, const emscripten::val& options);
emscripten::val unwindPosition(const emscripten::val& scenario, const emscripten::val& request,
                               const emscripten::val& options);
/// The position's place in the venue's ADL queue (adl.h), options as odds.
emscripten::val adlRank(const emscripten::val& scenario, const emscripten::val& request, const emscripten::val& options);
/// reconcile.h (wasm/reconcile.cpp): request { venueFigures, relativeTolerance } from the JS wrapper.
emscripten::val reconcile(const emscripten::val& scenario, const emscripten::val& request, const emscripten::val& options);

}  // namespace mljs
