// SPDX-License-Identifier: MIT
// MarginLab JS boundary for options accounts (scenario version 2: options.h, black.h, surface.h;
// README "Options accounts"), compiled into marginlab-full only. The scenario and the requests are
// read field by field with paths (convert.cpp's Reader), the core checks the rest, and results are
// written in one call (JsWriter) with the names of the core's fields. Each function's last argument
// is `options` (an object or undefined): only with options.explain === true does it ask the core
// for the steps (explain()) and write them; otherwise no answer has a `steps` key. No formula
// lives here.
#include "options.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <span>
#include <string>
#include <variant>

#include "marginlab/black.h"
#include "marginlab/format.h"
#include "marginlab/options.h"
#include "marginlab/validate.h"
#include "reader.h"
#include "request.h"
#include "transfer.h"

namespace mljs {

using namespace marginlab;

namespace {


// ---- reading ------------------------------------------------------------------------------------

/// "{path} has {count} values (rows, positions); at most {limit}".
void tooMany(Reader& r, const std::string& path, std::size_t n, std::size_t limit, marginlab::Rule rule) {
  r.fail(path, rule, {{"count", static_cast<double>(n)}, {"limit", static_cast<double>(limit)}});
}

void wrongType(Reader& r, const std::string& path, const char* expected, std::string_view actual) {
  r.fail(path, "wrongType", {{"expected", std::string(expected)}, {"actual", std::string(actual)}});
}

/// An array of numbers at `path`: nullopt when absent (Missing when required) or not an array.
/// Each element that is not a number is WrongType at path[i] and NaN in the result, so the core's
/// error there is shadowed (NaN and Infinity given as numbers are the core's: notFinite).
/// Longer than the core's `limit`: not read, TooMany with the core's message.
std::optional<std::vector<double>> numbers(Reader& r, const Field& f, const std::string& path, bool required,
                                           std::size_t limit, marginlab::Rule what = "optionsTooManyValues") {
  if (f.kind == Kind::Undefined || (!required && f.kind == Kind::Null)) {
    if (required) r.fail(path, "missing");
    return std::nullopt;
  }
  if (f.kind != Kind::Array) {
    wrongType(r, path, "an array of numbers", typeName(f));
    return std::nullopt;
  }
  const auto n = static_cast<std::size_t>(f.number);
  if (n > limit) {
    tooMany(r, path, n, limit, what);
    return std::nullopt;
  }
  std::vector<double> out(n);
  const std::vector<Field> cells = readElements(f.value, n);
  for (std::size_t i = 0; i < n; ++i) {
    if (cells[i].kind == Kind::Number) {
      out[i] = cells[i].number;
      continue;
    }
    out[i] = std::numeric_limits<double>::quiet_NaN();
    const std::string at = path + "[" + std::to_string(i) + "]";
    wrongType(r, at, "a number", typeName(cells[i]));
  }
  return out;
}

/// The rows of an array of objects: each element's kind at [i * (N + 1)], its fields after it;
/// nullopt (with the error) when `f` is not an array or is too long.
template <std::size_t N>
std::optional<std::vector<Field>> objects(Reader& r, const Field& f, const char* path, std::size_t limit,
                                          const char* const (&keys)[N]) {
  if (f.kind == Kind::Undefined || f.kind == Kind::Null) return std::nullopt;
  if (f.kind != Kind::Array) {
    wrongType(r, path, "an array", typeName(f));
    return std::nullopt;
  }
  const auto n = static_cast<std::size_t>(f.number);
  if (n > limit) {
    tooMany(r, path, n, limit, "optionsTooManyPositions");
    return std::nullopt;
  }
  return readTable(f.value, n, keys);
}

/// True when element `i` of a table is an object; otherwise a WrongType error at base[i].
bool rowIsObject(Reader& r, const Field& row, const char* base, std::size_t i) {
  if (row.kind == Kind::Object) return true;
  const std::string at = std::string(base) + "[" + std::to_string(i) + "]";
  wrongType(r, at, "an object", typeName(row));
  return false;
}

constexpr const char* kFutureKeys[] = {"symbol",   "contract",   "contractSize", "side",          "quantity",
                                       "entryPrice", "markPrice", "marginMode",  "isolatedMargin"};
constexpr const char* kOptionKeys[] = {"symbol", "type",     "strike",  "expiryYears", "expiryDate",
                                       "side",   "quantity", "premium", "volatility"};
constexpr const char* kSurfaceKeys[] = {"expiries", "strikes", "vols"};
constexpr const char* kScenarioKeys[] = {"version",         "underlying",    "settlement",   "walletBalance",
                                         "underlyingPrice", "valuationDate", "interestRate", "futures",
                                         "options",         "volSurface",    "volDynamics",  "futuresSizeRate"};

/// futures[i]: a v1 position; contract defaults to the account's settlement.
void readFuture(Reader& r, const Field* f, std::size_t i, Position& p, Contract settlement) {
  const std::string_view at = "futures";
  if (const auto s = r.string(f[0], {at, i, "symbol"}, false)) p.symbol = *s;
  p.contract = r.choice<Contract>(f[1], {at, i, "contract"}, false, parseContract, "linear, inverse").value_or(settlement);
  if (const auto x = r.number(f[2], {at, i, "contractSize"}, false)) p.contractSize = *x;
  if (const auto s = r.choice<Side>(f[3], {at, i, "side"}, true, parseSide, "long, short")) p.side = *s;
  if (const auto x = r.number(f[4], {at, i, "quantity"}, true)) p.quantity = *x;
  if (const auto x = r.number(f[5], {at, i, "entryPrice"}, true)) p.entryPrice = *x;
  // Read so that the core can say they do not belong in an options account.
  p.markPrice = r.number(f[6], {at, i, "markPrice"}, false);
  p.marginMode = r.choice<MarginMode>(f[7], {at, i, "marginMode"}, false, parseMarginMode, "isolated, cross");
  p.isolatedMargin = r.number(f[8], {at, i, "isolatedMargin"}, false);
}

void readOption(Reader& r, const Field* f, std::size_t i, OptionPosition& o) {
  const std::string_view at = "options";
  if (const auto s = r.string(f[0], {at, i, "symbol"}, false)) o.symbol = *s;
  if (const auto t = r.choice<OptionType>(f[1], {at, i, "type"}, true, parseOptionType, "call, put")) o.type = *t;
  if (const auto x = r.number(f[2], {at, i, "strike"}, true)) o.strike = *x;
  o.expiryYears = r.number(f[3], {at, i, "expiryYears"}, false);
  o.expiryDate = r.string(f[4], {at, i, "expiryDate"}, false);
  if (const auto s = r.choice<Side>(f[5], {at, i, "side"}, true, parseSide, "long, short")) o.side = *s;
  if (const auto x = r.number(f[6], {at, i, "quantity"}, true)) o.quantity = *x;
  if (const auto x = r.number(f[7], {at, i, "premium"}, true)) o.premium = *x;
  o.volatility = r.number(f[8], {at, i, "volatility"}, false);
}

/// volSurface. One that does not read is still present (empty parts), so the options that would
/// read it do not also say that the scenario has none; the core's errors in it are shadowed.
void readSurface(Reader& r, const Field& f, OptionsScenario& s) {
  s.volSurface.emplace();
  if (f.kind != Kind::Object) {
    wrongType(r, "volSurface", "an object { expiries, strikes, vols }", typeName(f));
    return;
  }
  // A part that does not read stays empty: its conversion error shadows the core's on it.
  const auto fields = readFields(f.value, kSurfaceKeys);
  VolSurface& v = *s.volSurface;
  if (auto x = numbers(r, fields[0], "volSurface.expiries", true, kMaxSurfaceExpiries)) v.expiries = std::move(*x);
  if (auto x = numbers(r, fields[1], "volSurface.strikes", true, kMaxSurfaceStrikes)) v.strikes = std::move(*x);
  const Field& vols = fields[2];
  const auto rows = static_cast<std::size_t>(vols.number);
  if (vols.kind == Kind::Undefined) {
    r.fail("volSurface.vols", "missing");
  } else if (vols.kind != Kind::Array) {
    wrongType(r, "volSurface.vols", "an array of rows, one per expiry", typeName(vols));
  } else if (rows > kMaxSurfaceExpiries) {
    tooMany(r, "volSurface.vols", rows, kMaxSurfaceExpiries, "optionsTooManyRows");
  } else {
    const std::vector<Field> cells = readElements(vols.value, rows);
    v.vols.resize(rows);
    for (std::size_t i = 0; i < rows; ++i)
      if (auto x = numbers(r, cells[i], "volSurface.vols[" + std::to_string(i) + "]", true, kMaxSurfaceStrikes))
        v.vols[i] = std::move(*x);
  }
}

/// A v2 scenario, with every conversion error and the core's checks on the fields that converted.
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
  const auto f = readFields(v, kScenarioKeys);
  if (const auto version = r.number(f[0], "version", false)) {
    if (std::trunc(*version) == *version && std::abs(*version) < 1e9) s.version = static_cast<int>(*version);
    else r.fail("version", "optionsVersionNotWhole", {{"value", *version}});
  }
  if (const auto x = r.string(f[1], "underlying", false)) s.underlying = *x;
  if (const auto x = r.choice<Contract>(f[2], "settlement", false, parseContract, "linear, inverse")) s.settlement = *x;
  if (const auto x = r.number(f[3], "walletBalance", true)) s.walletBalance = *x;
  if (const auto x = r.number(f[4], "underlyingPrice", true)) s.underlyingPrice = *x;
  s.valuationDate = r.string(f[5], "valuationDate", false);
  if (const auto x = r.number(f[6], "interestRate", false)) s.interestRate = *x;
  if (const auto rows = objects(r, f[7], "futures", kMaxFuturesPositions, kFutureKeys)) {
    constexpr std::size_t kStride = std::size(kFutureKeys) + 1;
    s.futures.resize(rows->size() / kStride);
    for (std::size_t i = 0; i < s.futures.size(); ++i) {
      s.futures[i].contract = s.settlement;
      if (rowIsObject(r, (*rows)[i * kStride], "futures", i))
        readFuture(r, &(*rows)[i * kStride + 1], i, s.futures[i], s.settlement);
    }
  }
  if (const auto rows = objects(r, f[8], "options", kMaxOptionPositions, kOptionKeys)) {
    constexpr std::size_t kStride = std::size(kOptionKeys) + 1;
    s.options.resize(rows->size() / kStride);
    for (std::size_t i = 0; i < s.options.size(); ++i)
      if (rowIsObject(r, (*rows)[i * kStride], "options", i)) readOption(r, &(*rows)[i * kStride + 1], i, s.options[i]);
  }
  if (f[9].kind != Kind::Undefined && f[9].kind != Kind::Null) readSurface(r, f[9], s);
  if (const auto x = r.choice<VolDynamics>(f[10], "volDynamics", false, parseVolDynamics, "stickyStrike, stickyMoneyness"))
    s.volDynamics = *x;
  s.futuresSizeRate = r.number(f[11], "futuresSizeRate", false);
  conversion = r.errors;
  out.errors = std::move(r.errors);
  if (!out.errors.empty()) {  // the core's checks on what did convert; a field that did not kept its default
    // An axis that did not read leaves the vols table's shape unknown: its shape errors would mislead.
    bool axisUnread = false;
    for (const InputError& c : conversion)
      axisUnread = axisUnread || c.path == "volSurface.expiries" || c.path == "volSurface.strikes";
    for (InputError& e : validateOptions(s)) {
      const bool shape = e.code == ErrorCode::OutOfRange && e.path.rfind("volSurface.vols", 0) == 0 &&
                         std::count(e.path.begin(), e.path.end(), '[') <= 1;  // not a value's [i][j]
      if (!shadowed(e, conversion) && !(axisUnread && shape)) out.errors.push_back(std::move(e));
    }
  }
  out.value = std::move(s);  // with errors too: the request's checks still run against it
  return out;
}

/// request: undefined or null (every default), or an object read by walking its fields() (request.h).
template <class Request>
void readRequest(Reader& r, const val& request, Request& q) {
  const Field f = fieldOf(request);
  if (f.kind == Kind::Undefined || f.kind == Kind::Null) return;
  if (f.kind != Kind::Object) {
    wrongType(r, "request", "an object", typeName(f));
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

void write(JsWriter& w, const std::vector<InputError>& errors) { w.errors(errors); }  // the shared writer (transfer.h)

/// `steps: [...]` when asked for.
void writeSteps(JsWriter& w, const std::vector<marginlab::Step>& steps, bool explain) {
  if (explain) w.key("steps").steps(steps);
}

void write(JsWriter& w, const std::vector<double>& xs) {
  w.array();
  for (double x : xs) w.number(x);
  w.end();
}

void write(JsWriter& w, const std::vector<LiquidationCrossing>& crossings) {
  w.array();
  for (const LiquidationCrossing& c : crossings)
    w.object().key("price").number(c.price).key("liquidatedBelow").boolean(c.liquidatedBelow).end();
  w.end();
}

void write(JsWriter& w, const OptionValuation& o, bool explain) {
  w.object();
  w.key("years").number(o.years);
  w.key("volatility").number(o.volatility);
  w.key("volatilityFromSurface").boolean(o.volatilityFromSurface);
  w.key("forward").number(o.forward);
  w.key("markPrice").number(o.markPrice);
  w.key("greeks").object();
  w.key("price").number(o.greeks.price).key("delta").number(o.greeks.delta).key("gamma").number(o.greeks.gamma);
  w.key("vega").number(o.greeks.vega).key("theta").number(o.greeks.theta);
  w.end();
  w.key("value").number(o.value);
  w.key("unrealizedPnl").number(o.unrealizedPnl);
  w.key("initialMargin").number(o.initialMargin);
  w.key("maintenanceMargin").number(o.maintenanceMargin);
  writeSteps(w, o.steps, explain);
  w.end();
}

void write(JsWriter& w, const FutureValuation& f, bool explain) {
  w.object();
  w.key("sizeCoin").number(f.sizeCoin);
  w.key("unrealizedPnl").number(f.unrealizedPnl);
  w.key("initialMarginRate").number(f.initialMarginRate);
  w.key("maintenanceMarginRate").number(f.maintenanceMarginRate);
  w.key("initialMargin").number(f.initialMargin);
  w.key("maintenanceMargin").number(f.maintenanceMargin);
  writeSteps(w, f.steps, explain);
  w.end();
}

void write(JsWriter& w, const OptionsAccountView& v, bool explain) {
  w.object();
  w.key("days").number(v.days);
  w.key("volShift").number(v.volShift);
  w.key("equity").number(v.equity);
  w.key("initialMargin").number(v.initialMargin);
  w.key("maintenanceMargin").number(v.maintenanceMargin);
  w.key("availableBalance").number(v.availableBalance);
  w.key("marginRatio").optional(v.marginRatio);
  w.key("liquidated").boolean(v.liquidated);
  write(w.key("liquidationPrices"), v.liquidationPrices);
  w.key("liquidatedAtScanLow").boolean(v.liquidatedAtScanLow);
  w.key("liquidatedAtScanHigh").boolean(v.liquidatedAtScanHigh);
  w.key("maxLoss").number(v.maxLoss);
  writeSteps(w, v.steps, explain);
  w.end();
}

void write(JsWriter& w, const IsolatedHorizon& h) {
  w.object();
  write(w.key("liquidationPrices"), h.liquidationPrices);
  w.key("liquidated").boolean(h.liquidated);
  w.end();
}

void write(JsWriter& w, const std::vector<IsolatedPosition>& positions, bool explain) {
  w.array();
  for (const IsolatedPosition& p : positions) {
    w.object();
    w.key("postedMargin").number(p.postedMargin);
    w.key("maxLoss").number(p.maxLoss);
    write(w.key("now"), p.now);
    write(w.key("later"), p.later);
    writeSteps(w, p.steps, explain);
    w.end();
  }
  w.end();
}

void write(JsWriter& w, const OptionsAccountResult& r, bool explain) {
  w.key("options").array();
  for (const OptionValuation& o : r.options) write(w, o, explain);
  w.end();
  w.key("futures").array();
  for (const FutureValuation& f : r.futures) write(w, f, explain);
  w.end();
  write(w.key("now"), r.now, explain);
  write(w.key("later"), r.later, explain);
  w.key("volShifted").array();
  for (const OptionsAccountView& v : r.volShifted) write(w, v, explain);
  w.end();
  w.key("isolated").object();
  write(w.key("options"), r.isolated.options, explain);
  write(w.key("futures"), r.isolated.futures, explain);
  w.end();
  w.key("scanLowPrice").number(r.scanLowPrice);
  w.key("scanHighPrice").number(r.scanHighPrice);
  w.key("lastExpiryDays").optional(r.lastExpiryDays);
}

void write(JsWriter& w, const PortfolioMarginResult& r, bool) {
  write(w.key("priceMoves"), r.priceMoves);
  write(w.key("volShocks"), r.volShocks);
  w.key("pnl").array();
  for (const std::vector<double>& row : r.pnl) write(w, row);
  w.end();
  w.key("worstVolShock").number(static_cast<double>(r.worstVolShock));
  w.key("worstPriceMove").number(static_cast<double>(r.worstPriceMove));
  w.key("worstPnl").number(r.worstPnl);
  w.key("requirement").number(r.requirement);
  w.key("equity").number(r.equity);
  w.key("marginRatio").optional(r.marginRatio);
  write(w.key("volShockScale"), r.volShockScale);
}

void write(JsWriter& w, const Black76Greeks& g, bool) {
  w.key("price").number(g.price).key("delta").number(g.delta).key("gamma").number(g.gamma);
  w.key("vega").number(g.vega).key("theta").number(g.theta);
}

void write(JsWriter& w, const ImpliedVolatility& iv, bool) { w.key("volatility").number(iv.volatility); }

JsWriter& writer() {
  static JsWriter w;  // its buffers keep their capacity from call to call
  return w;
}

val errorsOnly(const std::vector<InputError>& errors) {
  JsWriter& w = writer();
  write(w.object().key("errors"), errors);
  return w.end().take();
}

/// { errors: [], ...the result's fields, steps (only when explained) } or { errors }.
template <class T>
val answer(const Result<T>& result, bool explain) {
  if (!result) return errorsOnly(result.errors);
  JsWriter& w = writer();
  w.object().key("errors").array().end();
  write(w, *result.value, explain);
  if constexpr (requires { result.value->steps; }) writeSteps(w, result.value->steps, explain);
  return w.end().take();
}

/// Every error at once: the scenario's (conversion and core), the request's conversion errors,
/// and the core's request checks on the fields that did convert.
std::vector<InputError> merged(const Result<OptionsScenario>& scenario, const std::vector<InputError>& conversion,
                               const Reader& request, const std::vector<InputError>& requestChecks) {
  // A scenario that converted cleanly has not been checked yet.
  std::vector<InputError> errors = conversion.empty() ? validateOptions(*scenario.value) : scenario.errors;
  errors.insert(errors.end(), request.errors.begin(), request.errors.end());
  for (const InputError& e : requestChecks)
    if (!shadowed(e, request.errors) && !shadowed(e, conversion)) errors.push_back(e);
  return errors;
}

/// A JS object read by `read` into `input`, or the errors; the input is the root ("strike").
template <class Read>
bool readInput(Reader& r, const val& input, Read read) {
  const Field f = fieldOf(input);
  if (f.kind != Kind::Object) {
    r.fail("", "inputNotObject", {{"actual", std::string(typeName(f))}});
    return false;
  }
  read();
  return r.errors.empty();
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
    if (s.value)  // a scenario that converted cleanly is checked here, with the request and the prices
      for (InputError& e : sweepOptionsAccount(*s.value, prices, equity, maintenance, q))
        if ((conversion.empty() || e.path.rfind("request.", 0) == 0 || e.path.rfind("prices[", 0) == 0) &&
            !shadowed(e, r.errors))
          errors.push_back(std::move(e));
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
  OptionType type = OptionType::Call;
  double strike = 0, forward = 0, volatility = 0, years = 0, rate = 0;
  static constexpr const char* kKeys[] = {"type", "strike", "forward", "volatility", "years", "rate"};
  readInput(r, input, [&] {
    const auto f = readFields(input, kKeys);
    if (const auto t = r.choice<OptionType>(f[0], "type", true, parseOptionType, "call, put")) type = *t;
    if (const auto x = r.number(f[1], "strike", true)) strike = *x;
    if (const auto x = r.number(f[2], "forward", true)) forward = *x;
    if (const auto x = r.number(f[3], "volatility", true)) volatility = *x;
    if (const auto x = r.number(f[4], "years", true)) years = *x;
    if (const auto x = r.number(f[5], "rate", false)) rate = *x;
  });
  const Result<Black76Greeks> g = marginlab::black76(type, strike, forward, volatility, years, rate);
  if (r.errors.empty()) return answer(g, false);  // no steps key even when explained (golden: none)
  std::vector<InputError> errors = r.errors;
  if (r.errors.front().path != "")
    for (const InputError& e : g.errors)
      if (!shadowed(e, r.errors)) errors.push_back(e);
  return errorsOnly(errors);
}

val impliedVolatility(const val& input, const val& options) {
  Reader r;
  OptionType type = OptionType::Call;
  double strike = 0, forward = 0, years = 0, price = 0, rate = 0;
  static constexpr const char* kKeys[] = {"type", "strike", "forward", "years", "price", "rate"};
  readInput(r, input, [&] {
    const auto f = readFields(input, kKeys);
    if (const auto t = r.choice<OptionType>(f[0], "type", true, parseOptionType, "call, put")) type = *t;
    if (const auto x = r.number(f[1], "strike", true)) strike = *x;
    if (const auto x = r.number(f[2], "forward", true)) forward = *x;
    if (const auto x = r.number(f[3], "years", true)) years = *x;
    if (const auto x = r.number(f[4], "price", true)) price = *x;
    if (const auto x = r.number(f[5], "rate", false)) rate = *x;
  });
  if (!r.errors.empty()) {
    // The core's input checks on the fields that did convert (its "no volatility fits" needs them all).
    std::vector<InputError> errors = r.errors;
    if (r.errors.front().path != "")
      for (const InputError& e : impliedVolatilityAtRate(type, strike, forward, years, price, rate).errors)
        if (!shadowed(e, r.errors) && e.message.find("no volatility fits") == std::string::npos) errors.push_back(e);
    return errorsOnly(errors);
  }
  Result<ImpliedVolatility> result = impliedVolatilityAtRate(type, strike, forward, years, price, rate);
  const bool explain = wantsSteps(options);
  if (explain && result) explainImpliedVolatilityAtRate(type, strike, forward, years, price, rate, *result.value);
  return answer(result, explain);
}

}  // namespace mljs
