// SPDX-License-Identifier: MIT
// MarginLab JS boundary for options accounts (scenario version 2; marginlab-full only): each takes
// plain objects and returns a plain object with `errors` (empty on success) and the result.
#pragma once

#include <emscripten/val.h>

namespace mljs {

/// options.h evaluateOptions: (scenario, request or undefined) -> { errors, options, futures, now,
/// later, volShifted, isolated, scanLowPrice, scanHighPrice, steps }.
emscripten::val evaluateOptions(const emscripten::val& scenario, const emscripten::val& request);
/// options.h sweepOptionsAccount on `count` prices at `base` in wasm memory, followed by room for
/// equity and maintenance (three Float64 arrays one after the other). Returns { errors }.
emscripten::val optionsSweep(const emscripten::val& scenario, const emscripten::val& request, double base,
                             double count);
/// options.h portfolioMargin: (scenario, request or undefined) -> { errors, priceMoves, ... }.
emscripten::val portfolioMargin(const emscripten::val& scenario, const emscripten::val& request);
/// black.h black76: { type, strike, forward, volatility, years, rate? } -> { errors, price, delta, ... }.
emscripten::val black76(const emscripten::val& input);
/// black.h impliedVolatilityAtRate: { type, strike, forward, years, price, rate? } -> { errors, volatility }.
emscripten::val impliedVolatility(const emscripten::val& input);

}  // namespace mljs
