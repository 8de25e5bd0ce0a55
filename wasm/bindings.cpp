// SPDX-License-Identifier: MIT
// MarginLab JS surface: one line per export. Conversion lives in convert.cpp; no formula here.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "convert.h"
#ifdef MARGINLAB_RISK_LAB
#include "options.h"
#include "risk.h"
#endif

namespace mljs {

using emscripten::val;

/// Scenario -> Report. Input problems come back in report.errors; never throws for them.
val evaluate(const val& scenario) {
  auto parsed = toScenario(scenario);
  if (!parsed) {
    val out = val::object();
    out.set("errors", toJs(parsed.errors));
    return out;
  }
  return toJs(marginlab::evaluate(*parsed.value));
}

/// Fills `out` (Float64Array) with account equity at each of `prices` (Float64Array) for
/// options.mode ("isolated" | "cross" | "asGiven", default "cross") and the symbol of
/// options.position (default 0). Returns { errors }.
val sweepEquity(const val& scenario, const val& prices, const val& out, const val& options) {
  std::vector<marginlab::InputError> errors;
  auto parsed = toScenario(scenario);
  errors = parsed.errors;
  marginlab::SweepRequest request;
  const val modeValue = options["mode"];
  if (!modeValue.isUndefined() && !modeValue.isString()) {
    errors.push_back({"options.mode", marginlab::ErrorCode::WrongType, "options.mode must be a string"});
  } else {
    const std::string mode = modeValue.isString() ? modeValue.as<std::string>() : "cross";
    if (mode == "isolated") request.mode = marginlab::SweepMode::Isolated;
    else if (mode == "asGiven") request.mode = marginlab::SweepMode::AsGiven;
    else if (mode != "cross")
      errors.push_back({"options.mode", marginlab::ErrorCode::UnknownValue,
                        "options.mode (\"" + mode.substr(0, 32) + "\") must be one of isolated, cross, asGiven"});
  }
  const val position = options["position"];
  if (!position.isUndefined()) {
    const double index = position.isNumber() ? position.as<double>() : -1;
    if (!(index >= 0 && index < 1e6) || index != static_cast<double>(static_cast<std::size_t>(index))) {
      errors.push_back({"options.position", marginlab::ErrorCode::OutOfRange,
                        "options.position must be a position index (an integer >= 0)"});
    } else {
      request.position = static_cast<std::size_t>(index);
    }
  }
  const double inputLength = prices["length"].as<double>(), outLength = out["length"].as<double>();
  if (inputLength != outLength) {
    errors.push_back({"out", marginlab::ErrorCode::OutOfRange,
                      "out has " + marginlab::formatNumber(outLength) + " entries but prices has " +
                          marginlab::formatNumber(inputLength)});
  }
  val result = val::object();
  if (!errors.empty()) {
    result.set("errors", toJs(errors));
    return result;
  }
  const std::vector<double> input = emscripten::convertJSArrayToNumberVector<double>(prices);
  std::vector<double> equity(input.size());
  errors = marginlab::sweepEquity(*parsed.value, request, input, equity);
  for (auto& e : errors)  // the request's fields are options.* in JS
    if (e.path == "position") e.path = "options.position";
  if (errors.empty()) out.call<void>("set", val(emscripten::typed_memory_view(equity.size(), equity.data())));
  result.set("errors", toJs(errors));
  return result;
}

/// Isolated liquidation prices of `count` positions laid out in wasm memory at `base` as five
/// Float64 arrays one after the other: side, quantity, entryPrice, leverage, then out (written).
/// The JS wrapper copies the caller's typed arrays in and out. Returns { errors }.
val liquidationBatch(const val& request, double base, double count) {
  val result = val::object();
  auto parsed = toBatchRequest(request);
  if (!parsed) {
    result.set("errors", toJs(parsed.errors));
    return result;
  }
  const auto n = static_cast<std::size_t>(count);
  double* data = reinterpret_cast<double*>(static_cast<std::uintptr_t>(base));
  const std::span<const double> side(data, n), quantity(data + n, n), entry(data + 2 * n, n), leverage(data + 3 * n, n);
  const std::span<double> out(data + 4 * n, n);
  result.set("errors", toJs(marginlab::isolatedLiquidationBatch(*parsed.value, side, quantity, entry, leverage, out)));
  return result;
}

/// Every shipped tier table with its source and date.
val defaultTierTables() {
  val out = val::array();
  const auto& tables = marginlab::defaultTierTables();
  for (std::size_t i = 0; i < tables.size(); ++i) out.set(i, toJs(tables[i]));
  return out;
}

/// The error code strings, in the order of marginlab::ErrorCode.
val errorCodes() {
  val out = val::array();
  std::size_t i = 0;
  for (marginlab::ErrorCode code : marginlab::kAllErrorCodes) out.set(i++, std::string(toString(code)));
  return out;
}

std::string version() { return marginlab::kVersion; }

}  // namespace mljs

EMSCRIPTEN_BINDINGS(marginlab) {
  emscripten::function("evaluate", &mljs::evaluate);                    // Scenario -> Report
  emscripten::function("sweepEquity", &mljs::sweepEquity);              // fills caller's Float64Array
  emscripten::function("liquidationBatch", &mljs::liquidationBatch);    // isolated LPs in wasm memory
  emscripten::function("defaultTierTables", &mljs::defaultTierTables);  // shipped tier data
  emscripten::function("errorCodes", &mljs::errorCodes);                // ErrorCode strings
  emscripten::function("version", &mljs::version);                      // semver
#ifdef MARGINLAB_RISK_LAB
  // Risk lab (risk.cpp, marginlab-full only): (scenario, request) -> { errors, ... }
  emscripten::function("adjust", &mljs::adjust);                        // add to / reduce a position
  emscripten::function("targetPrice", &mljs::target);                   // price for a PnL or ROE
  emscripten::function("maxOpen", &mljs::maxOpen);                      // largest size that opens
  emscripten::function("sizeFromStop", &mljs::stopSize);                // size from a stop and a risk share
  emscripten::function("marginToTarget", &mljs::marginTarget);          // margin to move the LP
  emscripten::function("stress", &mljs::stress);                        // price-shock grid
  emscripten::function("cascade", &mljs::cascadeWalk);                  // liquidations along a path
  emscripten::function("funding", &mljs::funding);                      // LP after funding
  emscripten::function("odds", &mljs::odds);                            // closed-form odds
  emscripten::function("monteCarlo", &mljs::monteCarloChunk);           // correlated paths, in chunks
  emscripten::function("unwind", &mljs::unwindPosition);                // liquidation engine
  // Options accounts (options.cpp, marginlab-full only): scenario version 2
  emscripten::function("evaluateOptions", &mljs::evaluateOptions);      // (scenario, request) -> views, isolated
  emscripten::function("optionsSweep", &mljs::optionsSweep);            // equity and MM in wasm memory
  emscripten::function("portfolioMargin", &mljs::portfolioMargin);      // price x vol stress grid
  emscripten::function("black76", &mljs::black76);                      // price and greeks
  emscripten::function("impliedVolatility", &mljs::impliedVolatility);  // volatility from a price
#endif
}
