// SPDX-License-Identifier: MIT
// MarginLab JS boundary for options accounts (scenario version 2; marginlab-full only): each takes
// plain objects and returns a plain object with `errors` (empty on success) and the result. The last
// argument, `options`, is an object or undefined: { explain: true } adds the steps (`steps` keys),
// built by the core's explain pass; without it no answer carries a `steps` key.
#pragma once

#include <emscripten/val.h>

#include <vector>

#include "marginlab/options.h"

namespace mljs {

/// A version 2 scenario read by walking its fields() (request.h): the conversion errors in
/// `conversion`; the result's errors add the core's checks on the fields that converted. The value is
/// present, errors or not.
marginlab::Result<marginlab::OptionsScenario> toOptionsScenario(const emscripten::val& scenario,
                                                                std::vector<marginlab::InputError>& conversion);

/// options.h evaluateOptions: (scenario, request or undefined, options) -> { errors, options, futures,
/// now, later, volShifted, isolated, scanLowPrice, scanHighPrice, lastExpiryDays, steps? }.
emscripten::val evaluateOptions(const emscripten::val& scenario, const emscripten::val& request,
                                const emscripten::val& options);
/// options.h sweepOptionsAccount on `count` prices at `base` in wasm memory, followed by room for
/// equity and maintenance (three Float64 arrays one after the other). Returns { errors }.
emscripten::val optionsSweep(const emscripten::val& scenario, const emscripten::val& request, double base,
                             double count);
/// options.h portfolioMargin: (scenario, request or undefined, options) -> { errors, priceMoves, ..., steps? }.
emscripten::val portfolioMargin(const emscripten::val& scenario, const emscripten::val& request,
                                const emscripten::val& options);
/// black.h black76: ({ type, strike, forward, volatility, years, rate? }, options) -> { errors, price,
/// delta, ... }; it has no steps, so options.explain changes nothing.
emscripten::val black76(const emscripten::val& input, const emscripten::val& options);
/// black.h impliedVolatilityAtRate: ({ type, strike, forward, years, price, rate? }, options) ->
/// { errors, volatility, steps? } (explainImpliedVolatilityAtRate's steps when explained).
emscripten::val impliedVolatility(const emscripten::val& input, const emscripten::val& options);
/// options.h parseInstrumentName: ({ name }, options) -> { errors, instrument, venue, underlying, type,
/// strike, expiryDate } (errors at "name"); no steps.
emscripten::val instrumentName(const emscripten::val& input, const emscripten::val& options);
/// curve.h sizeCurve: ({ curve, side, quantity, entryPrice, markPrice?, collateral, baseImr, baseMmr,
/// factor }, options) -> { errors, notional, ..., liquidationPrice, upperLiquidationPrice, steps? }.
emscripten::val sizeCurve(const emscripten::val& input, const emscripten::val& options);

/// svi.h fitSurface: ({ underlyingPrice, interestRate?, quotes }, options) -> { errors, smiles, arbitrage,
/// surface, steps? } (svi.h explain()'s steps when explained).
emscripten::val fitSurface(const emscripten::val& input, const emscripten::val& options);

}  // namespace mljs
