// SPDX-License-Identifier: MIT
// MarginLab JS boundary for options accounts (scenario version 2: options.h, black.h, surface.h;
// README "Options accounts"), compiled into marginlab-full only. The scenario, the requests and the
// calculators' inputs are read by walking their fields() (request.h), the core checks the rest, and
// results are written by walking theirs (value_writer.h), in one call. Each function's last argument
// is `options` (an object or undefined): only with options.explain === true does it ask the core
// for the steps (explain()) and write them; otherwise no answer has a `steps` key. No formula
// lives here.
#include "options.h"

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "marginlab/black.h"
#include "marginlab/curve.h"
#include "marginlab/options.h"
#include "marginlab/svi.h"
#include "marginlab/validate.h"
#include "reader.h"
#include "request.h"
#include "transfer.h"
#include "value_writer.h"

namespace mljs {

using namespace marginlab;

Result<OptionsScenario> toOptionsScenario(const val& v, std::vector<InputError>& conversion) {
  Reader r;
  OptionsScenario s;
  Result<OptionsScenario> out;
  const Field root = fieldOf(v);
  if (root.kind != Kind::Object) {
    r.fail("", "scenarioNotObject", {{"actual", std::string(typeName(root))}});
    conversion = r.errors;
    out.errors = std::move(r.errors);
    return out;
  }
  RequestReader(r, v, "").read(s);
  conversion = r.errors;
  out.errors = std::move(r.errors);
  if (!out.errors.empty()) {  // the core's checks on what did convert; a field that did not kept its default
    std::vector<InputError> checks = validateOptions(s);
    // An axis that did not read leaves the vols table's shape unknown: its shape errors would mislead.
    const bool axisUnread = std::any_of(conversion.begin(), conversion.end(), [](const InputError& c) {
      return c.path == "volSurface.expiries" || c.path == "volSurface.strikes";
    });
    if (axisUnread)
      std::erase_if(checks, [](const InputError& e) {
        return e.code == ErrorCode::OutOfRange && e.path.rfind("volSurface.vols", 0) == 0 &&
               std::count(e.path.begin(), e.path.end(), '[') <= 1;  // not a value's [i][j]
      });
    mergeChecks(out.errors, std::move(checks));
  }
  out.value = std::move(s);  // with errors too: the request's checks still run against it
  return out;
}

namespace {

// ---- reading ------------------------------------------------------------------------------------

/// request: undefined or null (every default), or an object read by walking its fields() (request.h).
template <class Request>
void readRequest(Reader& r, const val& request, Request& q) {
  const Field f = fieldOf(request);
  if (f.kind == Kind::Undefined || f.kind == Kind::Null) return;
  if (f.kind != Kind::Object) {
    r.fail("request", "wrongType", {{"expected", std::string("an object")}, {"actual", std::string(typeName(f))}});
    return;
  }
  RequestReader(r, request, "request").read(q);
}


// ---- writing ------------------------------------------------------------------------------------

/// options.explain === true: build and write the steps.
bool wantsSteps(const val& options) {
  if (options.isUndefined() || options.isNull()) return false;
  return options["explain"].isTrue();
}

JsWriter& writer() {
  static JsWriter w;  // its buffers keep their capacity from call to call
  return w;
}

val errorsOnly(const std::vector<InputError>& errors) {
  JsWriter& w = writer();
  w.object().key("errors").errors(errors);
  return w.end().take();
}

/// { errors: [], ...the result's fields (fields.h), steps only when explained } or { errors }.
template <class T>
val answer(const Result<T>& result, bool explain) {
  if (!result) return errorsOnly(result.errors);
  JsWriter& w = writer();
  w.object().key("errors").array().end();
  ValueWriter(w, explain).members(*result.value);
  return w.end().take();
}

/// Every error at once: the scenario's (conversion and core), the request's conversion errors,
/// and the core's request checks (all under "request.") on the fields that did convert (mergeChecks).
std::vector<InputError> merged(const Result<OptionsScenario>& scenario, const std::vector<InputError>& conversion,
                               const Reader& request, std::vector<InputError> requestChecks) {
  // A scenario that converted cleanly has not been checked yet.
  std::vector<InputError> errors = conversion.empty() ? validateOptions(*scenario.value) : scenario.errors;
  errors.insert(errors.end(), request.errors.begin(), request.errors.end());
  mergeChecks(errors, std::move(requestChecks));
  return errors;
}

/// A JS object read by walking its fields() into `input`, or the errors; the input is the root ("strike").
template <class Input>
void readInput(Reader& r, const val& input, Input& in) {
  const Field f = fieldOf(input);
  if (f.kind != Kind::Object) return r.fail("", "inputNotObject", {{"actual", std::string(typeName(f))}});
  RequestReader(r, input, "").read(in);
}

}  // namespace

val evaluateOptions(const val& scenario, const val& request, const val& options) {
  std::vector<InputError> conversion;
  const Result<OptionsScenario> s = toOptionsScenario(scenario, conversion);
  Reader r;
  OptionsRequest q;
  readRequest(r, request, q);
  if (!s.errors.empty() || !r.errors.empty()) return errorsOnly(merged(s, conversion, r, validateOptionsRequest(q)));
  Result<OptionsAccountResult> result = marginlab::evaluateOptions(*s.value, q);
  const bool explain = wantsSteps(options);
  if (explain && result) marginlab::explain(*s.value, q, *result.value);
  return answer(result, explain);
}

val optionsSweep(const val& scenario, const val& request, double base, double count) {
  std::vector<InputError> conversion;
  const Result<OptionsScenario> s = toOptionsScenario(scenario, conversion);
  Reader r;
  OptionsSweepRequest q;
  readRequest(r, request, q);
  const auto n = static_cast<std::size_t>(count);
  double* data = reinterpret_cast<double*>(static_cast<std::uintptr_t>(base));
  const std::span<const double> prices(data, n);
  const std::span<double> equity(data + n, n), maintenance(data + 2 * n, n);
  if (!s.errors.empty() || !r.errors.empty()) {
    // The core's checks of the request and the prices (it writes nothing: the scenario has errors
    // or a field kept its default; the JS side copies nothing out when errors are listed).
    std::vector<InputError> errors = s.errors;
    errors.insert(errors.end(), r.errors.begin(), r.errors.end());
    if (s.value) {  // a scenario that converted cleanly is checked here, with the request and the prices
      std::vector<InputError> checks = sweepOptionsAccount(*s.value, prices, equity, maintenance, q);
      if (!conversion.empty())
        std::erase_if(checks, [](const InputError& e) { return e.path.rfind("request.", 0) != 0 && e.path.rfind("prices[", 0) != 0; });
      mergeChecks(errors, std::move(checks));
    }
    return errorsOnly(errors);
  }
  return errorsOnly(sweepOptionsAccount(*s.value, prices, equity, maintenance, q));
}

val portfolioMargin(const val& scenario, const val& request, const val& options) {
  std::vector<InputError> conversion;
  const Result<OptionsScenario> s = toOptionsScenario(scenario, conversion);
  Reader r;
  PortfolioMarginRequest q;
  readRequest(r, request, q);
  if (!s.errors.empty() || !r.errors.empty())
    return errorsOnly(merged(s, conversion, r, validatePortfolioMarginRequest(q)));
  Result<PortfolioMarginResult> result = marginlab::portfolioMargin(*s.value, q);
  const bool explain = wantsSteps(options);
  if (explain && result) marginlab::explain(*s.value, q, *result.value);
  return answer(result, explain);
}

val black76(const val& input, const val&) {  // black76 has no steps: numbers with or without explain
  Reader r;
  Black76Input in;
  readInput(r, input, in);
  const Result<Black76Greeks> g = marginlab::black76(in.type, in.strike, in.forward, in.volatility, in.years, in.rate);
  if (r.errors.empty()) return answer(g, false);  // no steps key even when explained (golden: none)
  std::vector<InputError> errors = r.errors;
  if (r.errors.front().path != "") mergeChecks(errors, g.errors);
  return errorsOnly(errors);
}

val impliedVolatility(const val& input, const val& options) {
  Reader r;
  ImpliedVolatilityInput in;
  readInput(r, input, in);
  if (!r.errors.empty()) {
    // The core's input checks on the fields that did convert (its "no volatility fits" needs them all).
    std::vector<InputError> errors = r.errors;
    if (r.errors.front().path != "") {
      std::vector<InputError> checks = impliedVolatilityAtRate(in.type, in.strike, in.forward, in.years, in.price, in.rate).errors;
      std::erase_if(checks, [](const InputError& e) { return e.message.find("no volatility fits") != std::string::npos; });
      mergeChecks(errors, std::move(checks));
    }
    return errorsOnly(errors);
  }
  Result<ImpliedVolatility> result = impliedVolatilityAtRate(in.type, in.strike, in.forward, in.years, in.price, in.rate);
  const bool explain = wantsSteps(options);
  if (explain && result)
    explainImpliedVolatilityAtRate(in.type, in.strike, in.forward, in.years, in.price, in.rate, *result.value);
  return answer(result, explain);
}

val sizeCurve(const val& input, const val& options) {
  Reader r;
  SizeCurveInput in;
  readInput(r, input, in);
  if (!r.errors.empty()) {  // the core's checks on the fields that did convert
    std::vector<InputError> errors = r.errors;
    if (r.errors.front().path != "") mergeChecks(errors, validate(in));
    return errorsOnly(errors);
  }
  Result<SizeCurveResult> result = marginlab::sizeCurve(in);
  const bool explain = wantsSteps(options);
  if (explain && result) marginlab::explain(in, *result.value);
  return answer(result, explain);
}

val instrumentName(const val& input, const val&) {  // no steps: a name read, with or without explain
  Reader r;
  InstrumentNameInput in;
  readInput(r, input, in);
  if (!r.errors.empty()) return errorsOnly(r.errors);
  return answer(parseInstrumentName(in.name), false);
}

val fitSurface(const val& input, const val& options) {
  Reader r;
  SurfaceFitRequest in;
  readInput(r, input, in);
  if (!r.errors.empty()) {
    // The core's checks on the fields that did convert (not when the input itself is not an object);
    // a quote whose price or volatility did not read is not also said to lack both.
    std::vector<InputError> errors = r.errors;
    if (r.errors.front().path != "") {
      std::vector<InputError> checks = marginlab::validate(in);
      std::erase_if(checks, [&](const InputError& e) {
        return e.rule == "sviPriceOrVolatility" && std::any_of(r.errors.begin(), r.errors.end(), [&](const InputError& c) {
                 return c.path.rfind(e.path + ".", 0) == 0;
               });
      });
      mergeChecks(errors, std::move(checks));
    }
    return errorsOnly(errors);
  }
  Result<SurfaceFitResult> result = marginlab::fitSurface(in);
  const bool explain = wantsSteps(options);
  if (explain && result) marginlab::explain(in, *result.value);
  return answer(result, explain);
}

}  // namespace mljs
