// SPDX-License-Identifier: MIT
// MarginLab JS surface: one line per export. Conversion lives in convert.cpp; no formula here.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>
#include <emscripten/val.h>

#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "convert.h"
#include "marginlab/check.h"
#include "packed.h"
#include "transfer.h"
#ifdef MARGINLAB_RISK_LAB
#include "options.h"
#ifdef MARGINLAB_RISK_LAB
#include "account.h"
#endif
#include "risk.h"
#endif

namespace mljs {

using emscripten::val;

namespace {
/// mljs_evaluate's flags (transfer.js mljsEvaluate).
enum EvaluateFlags : int {
  kExplain = 1,  ///< the steps too: the report crosses as a JS value
  kReplay = 2,   ///< read the scenario, then answer the last numbers again (the boundary's own cost)
};
Buffer<double> gNumbers;  ///< the numbers of the last report, read by transfer.js
marginlab::Scenario gScenario;  ///< the last scenario read: its memory serves the next one
}  // namespace

/// evaluate, called by transfer.js with the scenario packed (packed.h): the address of the report's
/// numbers (packed.h writeNumbers), or 0 when the answer is a JS value handed over (errors, explain).
extern "C" EMSCRIPTEN_KEEPALIVE const double* mljs_evaluate(std::size_t slots, std::size_t textBytes, int flags) {
  auto errors = readScenario(packedInput(slots, textBytes), gScenario);
  if (flags & kReplay) return gNumbers.size() ? gNumbers.data() : nullptr;
  if (!errors.empty()) {
    marginlab::Report failed;
    failed.errors = std::move(errors);
    handOver(toJs(failed, false));
    return nullptr;
  }
  marginlab::Report report = marginlab::evaluate(gScenario);
  if (!report.errors.empty() || (flags & kExplain)) {
    if (flags & kExplain) marginlab::explain(gScenario, report);
    handOver(toJs(report, flags & kExplain));
    return nullptr;
  }
  writeNumbers(report, gNumbers);
  return gNumbers.data();
}

/// Fills `out` (Float64Array) with account equity at each of `prices` (Float64Array) for
/// options.mode ("isolated" | "cross" | "asGiven", default "cross") and the symbol of
/// options.position (default 0). Returns { errors }.
val sweepEquity(const val& scenario, const val& prices, const val& out, const val& options) {
  auto parsed = toScenario(scenario);
  marginlab::Checker check;
  check.errors = parsed.errors;
  marginlab::SweepRequest request;
  const val modeValue = options["mode"];
  if (!modeValue.isUndefined() && !modeValue.isString()) {
    check.fail("options.mode", "notAString");
  } else {
    const std::string mode = modeValue.isString() ? modeValue.as<std::string>() : "cross";
    if (mode == "isolated") request.mode = marginlab::SweepMode::Isolated;
    else if (mode == "asGiven") request.mode = marginlab::SweepMode::AsGiven;
    else if (mode != "cross")
      check.fail("options.mode", "unknownValue",
                 {{"value", mode.substr(0, 32)}, {"accepted", std::string("isolated, cross, asGiven")}});
  }
  const val position = options["position"];
  if (!position.isUndefined()) {
    const double index = position.isNumber() ? position.as<double>() : -1;
    if (!(index >= 0 && index < 1e6) || index != static_cast<double>(static_cast<std::size_t>(index))) {
      check.fail("options.position", "sweepPositionIndex");
    } else {
      request.position = static_cast<std::size_t>(index);
    }
  }
  const double inputLength = prices["length"].as<double>(), outLength = out["length"].as<double>();
  if (inputLength != outLength) {
    check.fail("out", "sweepOutSize", {{"count", outLength}, {"prices", inputLength}});
  }
  val result = val::object();
  if (!check.ok()) {
    result.set("errors", toJs(check.errors));
    return result;
  }
  const std::vector<double> input = emscripten::convertJSArrayToNumberVector<double>(prices);
  std::vector<double> equity(input.size());
  std::vector<marginlab::InputError> errors = marginlab::sweepEquity(*parsed.value, request, input, equity);
  for (auto& e : errors)  // the request's fields are options.* in JS
    if (e.path == "position") e.path = "options.position";
  if (errors.empty()) out.call<void>("set", val(emscripten::typed_memory_view(equity.size(), equity.data())));
  result.set("errors", toJs(errors));
  return result;
}

/// A batch call: the request parsed (its errors, else) `run(request, data, n)`'s errors, with the
/// positions' arrays laid out in wasm memory at `base` as Float64 arrays of `count` entries one
/// after the other: side, quantity, entryPrice, leverage, then the outputs. Returns { errors }.
template <class Run>
val batchCall(const val& request, double base, double count, Run run) {
  val result = val::object();
  auto parsed = toBatchRequest(request);
  if (!parsed) {
    result.set("errors", toJs(parsed.errors));
    return result;
  }
  const auto n = static_cast<std::size_t>(count);
  double* data = reinterpret_cast<double*>(static_cast<std::uintptr_t>(base));
  result.set("errors", toJs(run(*parsed.value, std::span<const double>(data, n), std::span<const double>(data + n, n),
                                std::span<const double>(data + 2 * n, n), std::span<const double>(data + 3 * n, n), data + 4 * n, n)));
  return result;
}

/// Isolated liquidation prices of `count` positions (batchCall's layout; one output: out).
/// The JS wrapper copies the caller's typed arrays in and out. Returns { errors }.
val liquidationBatch(const val& request, double base, double count) {
  return batchCall(request, base, count, [](const marginlab::BatchRequest& r, auto side, auto quantity, auto entry,
                                            auto leverage, double* out, std::size_t n) {
    return marginlab::isolatedLiquidationBatch(r, side, quantity, entry, leverage, std::span<double>(out, n));
  });
}

#ifdef MARGINLAB_RISK_LAB
/// liquidationBatch with each position's margins (marginlab-full: the wasm cap); batchCall's
/// layout with five outputs: liquidationPrice, initialMargin, maintenanceMargin,
/// maintenanceMarginRate, tier. Returns { errors }.
val marginBatch(const val& request, double base, double count) {
  return batchCall(request, base, count, [](const marginlab::BatchRequest& r, auto side, auto quantity, auto entry,
                                            auto leverage, double* out, std::size_t n) {
    const marginlab::BatchMargins margins{.initialMargin = {out + n, n}, .maintenanceMargin = {out + 2 * n, n},
                                          .maintenanceMarginRate = {out + 3 * n, n}, .tier = {out + 4 * n, n}};
    return marginlab::isolatedMarginBatch(r, side, quantity, entry, leverage, std::span<double>(out, n), margins);
  });
}
#endif

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

#ifdef MARGINLAB_RISK_LAB
val tickPrice(const val& request, const val& options);  // venue.cpp
val wholeLots(const val& request, const val& options);
#endif

#ifdef MARGINLAB_RISK_LAB
/// A risk-lab tool as JS calls it, (scenario, request, options): `options` ({ explain }) goes to the
/// tool when it takes it.
template <auto tool>
val withOptions(const val& scenario, const val& request, const val& options) {
  if constexpr (std::is_invocable_v<decltype(tool), const val&, const val&, const val&>) return tool(scenario, request, options);
  else return tool(scenario, request);
}

/// monteCarlo as JS calls it: (scenario, request, { begin, end, tally, explain }), begin and end filled in.
template <auto chunk>
val monteCarlo(const val& scenario, const val& request, const val& options) {
  return chunk(scenario, request, options["begin"].as<double>(), options["end"].as<double>(), options["tally"], options);
}
#endif

}  // namespace mljs

EMSCRIPTEN_BINDINGS(marginlab) {
  // evaluate: the plain export mljs_evaluate above, called by transfer.js (mljsEvaluate)
  emscripten::function("sweepEquity", &mljs::sweepEquity);              // fills caller's Float64Array
  emscripten::function("liquidationBatch", &mljs::liquidationBatch);    // isolated LPs in wasm memory
  emscripten::function("defaultTierTables", &mljs::defaultTierTables);  // shipped tier data
  emscripten::function("errorCodes", &mljs::errorCodes);                // ErrorCode strings
  emscripten::function("version", &mljs::version);                      // semver
#ifdef MARGINLAB_RISK_LAB
  emscripten::function("marginBatch", &mljs::marginBatch);  // liquidationBatch with margins (marginlab-full: the wasm cap)
  emscripten::function("tickPrice", &mljs::tickPrice);  // a price on a venue's tick (marginlab-full: the wasm cap)
  emscripten::function("wholeLots", &mljs::wholeLots);  // a size in a venue's lots
  emscripten::function("describe", &mljs::describe);  // fields() of every struct (marginlab-full only: size)
  // Risk lab (risk.cpp, marginlab-full only): (scenario, request, options) -> { errors, ... }
  emscripten::function("adjust", &mljs::withOptions<&mljs::adjust>);              // add to / reduce a position
  emscripten::function("targetPrice", &mljs::withOptions<&mljs::target>);         // price for a PnL or ROE
  emscripten::function("maxOpen", &mljs::withOptions<&mljs::maxOpen>);            // largest size that opens
  emscripten::function("sizeFromStop", &mljs::withOptions<&mljs::stopSize>);      // size from a stop and a risk share
  emscripten::function("marginToTarget", &mljs::withOptions<&mljs::marginTarget>);  // margin to move the LP
  emscripten::function("stress", &mljs::withOptions<&mljs::stress>);              // price-shock grid
  emscripten::function("cascade", &mljs::withOptions<&mljs::cascadeWalk>);        // liquidations along a path
  emscripten::function("funding", &mljs::withOptions<&mljs::funding>);            // LP after funding
  emscripten::function("odds", &mljs::withOptions<&mljs::odds>);                  // closed-form odds
  emscripten::function("monteCarlo", &mljs::monteCarlo<&mljs::monteCarloChunk>);  // correlated paths, in chunks
  emscripten::function("valueAtRisk", &mljs::withOptions<&mljs::valueAtRisk>);   // VaR, ES, insurance fund
  emscripten::function("unwind", &mljs::withOptions<&mljs::unwindPosition>);      // liquidation engine
  emscripten::function("adlRank", &mljs::withOptions<&mljs::adlRank>);            // ADL queue (adl.h)
  emscripten::function("reconcile", &mljs::reconcile);  // venue figures against the conventions (reconcile.h)
  // Options accounts (options.cpp, marginlab-full only): scenario version 2
  emscripten::function("evaluateOptions", &mljs::evaluateOptions);      // (scenario, request) -> views, isolated
  emscripten::function("optionsSweep", &mljs::optionsSweep);            // equity and MM in wasm memory
  emscripten::function("portfolioMargin", &mljs::portfolioMargin);      // price x vol stress grid
  emscripten::function("black76", &mljs::black76);                      // price and greeks
  emscripten::function("impliedVolatility", &mljs::impliedVolatility);  // volatility from a price
  emscripten::function("instrumentName", &mljs::instrumentName);        // a venue's option name read
  emscripten::function("sizeCurve", &mljs::sizeCurve);                  // size-scaled margin curves (curve.h)
  emscripten::function("fitSurface", &mljs::fitSurface);                // SVI surface from quotes
  // Accounts (account.cpp, marginlab-full only): scenario version 3
  emscripten::function("toAccount", &mljs::toAccount);              // version 1 or 2 -> 3
  emscripten::function("evaluateAccount", &mljs::evaluateAccount);  // (account, request) -> view, kernel answer
  emscripten::function("marginByVenue", &mljs::marginByVenue);  // (account, request) -> every venue's margin
  emscripten::function("accountBoundary", &mljs::accountBoundary);  // (account, request) -> grid, lines, nearest
  emscripten::function("accountVenues", &mljs::accountVenues);      // ({ unverified }) -> rule sets
  emscripten::function("venueReverse", &mljs::venueReverse);        // (account, request) -> sizes, liquidating moves
  emscripten::function("pmParameterSets", &mljs::pmParameterSets);  // (venue) -> dated parameter sets
  emscripten::function("pmParameterDiff", &mljs::pmParameterDiff);  // (venue, dateA, dateB) -> changes
#endif
}
