// SPDX-License-Identifier: MIT
// MarginLab JS boundary for the risk lab: request objects in, result objects out, field by
// field with paths ("request.price"). No formula lives here.
#include "risk.h"

#include <cmath>
#include <limits>
#include <string>

#include "convert.h"
#include "marginlab/check.h"
#include "marginlab/engine.h"
#include "marginlab/odds.h"
#include "marginlab/stress.h"
#include "marginlab/whatif.h"
#include "reader.h"

namespace mljs {

using namespace marginlab;

namespace {

val opt(const std::optional<double>& x) { return x ? val(*x) : val::null(); }

val errorsOnly(const std::vector<InputError>& errors) {
  val o = val::object();
  o.set("errors", toJs(errors));
  return o;
}

template <class T, class Fill>
val withSteps(const Result<T>& result, Fill fill) {
  if (!result) return errorsOnly(result.errors);
  val o = val::object();
  o.set("errors", val::array());
  fill(o, *result.value);
  o.set("steps", toJs(result.value->steps));
  return o;
}

/// Reads the scenario and the request, runs the tool, and returns every error at once: the
/// conversion errors of both, and the tool's own checks on the fields that did convert.
template <class Request, class Read, class Tool, class Fill>
val run(const val& scenario, const val& request, Request r, Read read, Tool tool, Fill fill) {
  auto parsed = toScenario(scenario);
  Reader reader;
  if (!isObject(request)) reader.add("request", ErrorCode::WrongType, "request must be an object, not " + typeName(request));
  else read(reader, request, r);
  if (!parsed) {  // the tool cannot check the request against a scenario it cannot read
    std::vector<InputError> errors = parsed.errors;
    errors.insert(errors.end(), reader.errors.begin(), reader.errors.end());
    return errorsOnly(errors);
  }
  if (!isObject(request)) return errorsOnly(reader.errors);
  const auto result = tool(*parsed.value, r);
  if (reader.errors.empty()) return withSteps(result, fill);
  std::vector<InputError> errors = reader.errors;
  for (const InputError& e : result.errors)
    if (!shadowed(e, reader.errors)) errors.push_back(e);
  return errorsOnly(errors);
}

std::optional<std::size_t> index(Reader& r, const val& obj, const char* key, const std::string& path, bool required) {
  const auto x = r.number(obj, key, path, required);
  if (!x) return std::nullopt;
  if (!(*x >= 0 && *x < 1e7) || std::trunc(*x) != *x) {
    r.add(path, ErrorCode::OutOfRange, path + " must be an index (an integer >= 0)");
    return std::nullopt;
  }
  return static_cast<std::size_t>(*x);
}

template <class T>
std::optional<T> pick(Reader& r, const val& obj, const char* key, const std::string& path,
                      std::initializer_list<std::pair<const char*, T>> values, const char* accepted) {
  const auto text = r.string(obj, key, path, false);
  if (!text) return std::nullopt;
  for (const auto& [name, value] : values)
    if (*text == name) return value;
  r.add(path, ErrorCode::UnknownValue, path + " (\"" + text->substr(0, 32) + "\") must be one of " + accepted);
  return std::nullopt;
}

void readNewPosition(Reader& r, const val& v, std::string& symbol, Contract& contract, double& contractSize, Side& side) {
  if (const auto s = r.string(v, "symbol", "request.symbol", true)) symbol = *s;
  if (const auto c = r.choice<Contract>(v, "contract", "request.contract", false, parseContract, "linear, inverse")) contract = *c;
  if (const auto x = r.number(v, "contractSize", "request.contractSize", false)) contractSize = *x;
  if (const auto x = r.choice<Side>(v, "side", "request.side", true, parseSide, "long, short")) side = *x;
}

std::map<std::string, double, std::less<>> readSymbolNumbers(Reader& r, const val& v, const std::string& path) {
  std::map<std::string, double, std::less<>> out;
  if (v.isUndefined() || v.isNull()) return out;
  if (!isObject(v)) {
    r.add(path, ErrorCode::WrongType, path + " must be an object keyed by symbol, not " + typeName(v));
    return out;
  }
  const val keys = val::global("Object").call<val>("keys", v);
  const std::size_t n = keys["length"].as<std::size_t>();
  if (n > 1000) {
    r.add(path, ErrorCode::TooMany, path + " has more than 1000 symbols");
    return out;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::string key = keys[i].as<std::string>();
    if (const auto x = r.number(v, key.c_str(), path + "." + key, true)) out[key] = *x;
  }
  return out;
}

std::vector<double> readNumbers(Reader& r, const val& v, const std::string& path, std::size_t limit) {
  std::vector<double> out;
  if (!isArray(v) && !v.instanceof(val::global("Float64Array"))) {
    r.add(path, ErrorCode::WrongType, path + " must be an array of numbers, not " + typeName(v));
    return out;
  }
  const std::size_t n = v["length"].as<std::size_t>();
  if (n > limit) {
    r.add(path, ErrorCode::TooMany, path + " has " + std::to_string(n) + " entries; at most " + std::to_string(limit));
    return out;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const val x = v[i];
    if (!x.isNumber()) {
      r.add(path + "[" + std::to_string(i) + "]", ErrorCode::WrongType, path + "[" + std::to_string(i) + "] must be a number");
      continue;
    }
    out.push_back(x.as<double>());
  }
  return out;
}

}  // namespace

val adjust(const val& scenario, const val& request) {
  return run(scenario, request, AdjustRequest{}, [](Reader& rd, const val& v, AdjustRequest& q) {
        if (const auto i = index(rd, v, "position", "request.position", true)) q.position = *i;
        if (const auto x = rd.number(v, "price", "request.price", true)) q.price = *x;
        if (const auto x = rd.number(v, "quantityDelta", "request.quantityDelta", true)) q.quantityDelta = *x;
      },
             [](const Scenario& s, const auto& r) { return adjustPosition(s, r); },
             [](val& o, const AdjustResult& a) {
    o.set("scenario", toJs(a.scenario));
    o.set("report", toJs(a.report, true));
    o.set("side", std::string(toString(a.side)));
    o.set("quantity", a.quantity);
    o.set("entryPrice", a.entryPrice);
    o.set("realizedPnl", a.realizedPnl);
    o.set("flipped", a.flipped);
    o.set("closed", a.closed);
  });
}

val target(const val& scenario, const val& request) {
  struct { std::size_t position = 0; TargetKind kind = TargetKind::Pnl; double target = 0; } r;
  return run(scenario, request, r, [](Reader& rd, const val& v, auto& q) {
        if (const auto i = index(rd, v, "position", "request.position", true)) q.position = *i;
        if (const auto k = pick<TargetKind>(rd, v, "kind", "request.kind", {{"pnl", TargetKind::Pnl}, {"roe", TargetKind::Roe}}, "pnl, roe"))
          q.kind = *k;
        if (const auto x = rd.number(v, "target", "request.target", true)) q.target = *x;
      },
             [](const Scenario& s, const auto& r) { return targetPrice(s, r.position, r.kind, r.target); },
             [](val& o, const TargetResult& t) { o.set("price", opt(t.price)); });
}

val maxOpen(const val& scenario, const val& request) {
  return run(scenario, request, MaxOpenRequest{}, [](Reader& rd, const val& v, MaxOpenRequest& q) {
        readNewPosition(rd, v, q.symbol, q.contract, q.contractSize, q.side);
        if (const auto x = rd.number(v, "price", "request.price", true)) q.price = *x;
        if (const auto x = rd.number(v, "leverage", "request.leverage", true)) q.leverage = *x;
        if (const auto m = rd.choice<MarginMode>(v, "mode", "request.mode", false, parseMarginMode, "isolated, cross")) q.mode = *m;
      },
             [](const Scenario& s, const auto& r) { return maxOpenSize(s, r); },
             [](val& o, const MaxOpenResult& m) {
    o.set("quantity", m.quantity);
    o.set("notional", m.notional);
    o.set("initialMargin", m.initialMargin);
    o.set("tier", m.tier);
  });
}

val stopSize(const val& scenario, const val& request) {
  return run(scenario, request, StopSizeRequest{}, [](Reader& rd, const val& v, StopSizeRequest& q) {
        readNewPosition(rd, v, q.symbol, q.contract, q.contractSize, q.side);
        if (const auto x = rd.number(v, "entryPrice", "request.entryPrice", true)) q.entryPrice = *x;
        if (const auto x = rd.number(v, "stopPrice", "request.stopPrice", true)) q.stopPrice = *x;
        if (const auto x = rd.number(v, "riskFraction", "request.riskFraction", true)) q.riskFraction = *x;
        if (const auto x = rd.number(v, "leverage", "request.leverage", true)) q.leverage = *x;
        if (const auto m = rd.choice<MarginMode>(v, "mode", "request.mode", false, parseMarginMode, "isolated, cross")) q.mode = *m;
      },
             [](const Scenario& s, const auto& r) { return sizeFromStop(s, r); },
             [](val& o, const StopSizeResult& m) {
    o.set("quantity", m.quantity);
    o.set("riskAmount", m.riskAmount);
    o.set("liquidationPrice", opt(m.liquidationPrice));
    o.set("stopBeyondLiquidation", m.stopBeyondLiquidation);
  });
}

val marginTarget(const val& scenario, const val& request) {
  struct { std::size_t position = 0; double price = 0; } r;
  return run(scenario, request, r, [](Reader& rd, const val& v, auto& q) {
        if (const auto i = index(rd, v, "position", "request.position", true)) q.position = *i;
        if (const auto x = rd.number(v, "targetLiquidationPrice", "request.targetLiquidationPrice", true)) q.price = *x;
      },
             [](const Scenario& s, const auto& r) { return marginToTarget(s, r.position, r.price); },
             [](val& o, const MarginToTargetResult& m) {
    o.set("isolatedMarginToAdd", m.isolatedMarginToAdd);
    o.set("walletToAdd", m.walletToAdd);
    o.set("isolatedExact", m.isolatedExact);
    o.set("crossExact", m.crossExact);
  });
}

val stress(const val& scenario, const val& request) {
  return run(scenario, request, StressRequest{}, [](Reader& rd, const val& v, StressRequest& q) {
        q.shocks = readNumbers(rd, v["shocks"], "request.shocks", 1000);
        if (const auto m = pick<ShockModel>(rd, v, "model", "request.model",
                                            {{"oneFactor", ShockModel::OneFactor}, {"eachSymbol", ShockModel::EachSymbol}},
                                            "oneFactor, eachSymbol"))
          q.model = *m;
        q.betas = readSymbolNumbers(rd, v["betas"], "request.betas");
      },
             [](const Scenario& s, const auto& r) { return stressGrid(s, r); },
             [](val& o, const StressResult& g) {
    val cells = val::array();
    for (std::size_t i = 0; i < g.cells.size(); ++i) {
      const StressCell& c = g.cells[i];
      val e = val::object();
      e.set("symbol", c.symbol);
      e.set("shock", c.shock);
      e.set("isolatedEquity", c.isolatedEquity);
      e.set("crossEquity", c.crossEquity);
      e.set("isolatedMarginRatio", opt(c.isolatedMarginRatio));
      e.set("crossMarginRatio", opt(c.crossMarginRatio));
      val iso = val::array(), cross = val::array();
      for (std::size_t k = 0; k < c.isolatedLiquidated.size(); ++k) iso.set(k, static_cast<bool>(c.isolatedLiquidated[k]));
      for (std::size_t k = 0; k < c.crossLiquidated.size(); ++k) cross.set(k, static_cast<bool>(c.crossLiquidated[k]));
      e.set("isolatedLiquidated", iso);
      e.set("crossLiquidated", cross);
      cells.set(i, e);
    }
    o.set("cells", cells);
  });
}

val cascadeWalk(const val& scenario, const val& request) {
  return run(scenario, request, CascadeRequest{}, [](Reader& rd, const val& v, CascadeRequest& q) {
        const val marks = v["marks"];
        if (!isArray(marks)) {
          rd.add("request.marks", ErrorCode::WrongType, "request.marks must be an array of { symbol: price } objects");
        } else {
          const std::size_t n = marks["length"].as<std::size_t>();
          if (n > 10000) {
            rd.add("request.marks", ErrorCode::TooMany, "request.marks has more than 10000 steps");
          } else {
            for (std::size_t i = 0; i < n; ++i)
              q.marks.push_back(readSymbolNumbers(rd, marks[i], "request.marks[" + std::to_string(i) + "]"));
          }
        }
        q.style = pick<CascadeLiquidation>(rd, v, "style", "request.style",
                                           {{"wholeAccount", CascadeLiquidation::WholeAccount}, {"tierByTier", CascadeLiquidation::TierByTier}},
                                           "wholeAccount, tierByTier");
        q.liquidationFeeRate = rd.number(v, "liquidationFeeRate", "request.liquidationFeeRate", false);
      },
             [](const Scenario& s, const auto& r) { return cascade(s, r); },
             [](val& o, const CascadeResult& c) {
    val events = val::array();
    for (std::size_t i = 0; i < c.events.size(); ++i) {
      const CascadeEvent& e = c.events[i];
      val x = val::object();
      x.set("step", static_cast<double>(e.step));
      x.set("position", static_cast<double>(e.position));
      x.set("symbol", e.symbol);
      x.set("price", e.price);
      x.set("closedQuantity", e.closedQuantity);
      x.set("fee", e.fee);
      x.set("equityAfter", e.equityAfter);
      x.set("pastBankruptcy", e.pastBankruptcy);
      x.set("description", e.description);
      events.set(i, x);
    }
    o.set("events", events);
    val equity = val::array();
    for (std::size_t i = 0; i < c.equity.size(); ++i) equity.set(i, c.equity[i]);
    o.set("equity", equity);
    o.set("finalEquity", c.finalEquity);
    o.set("insuranceFundLoss", c.insuranceFundLoss);
  });
}

val funding(const val& scenario, const val& request) {
  struct { std::size_t position = 0; double rate = 0; int intervals = 0; } r;
  return run(scenario, request, r, [](Reader& rd, const val& v, auto& q) {
        if (const auto i = index(rd, v, "position", "request.position", true)) q.position = *i;
        if (const auto x = rd.number(v, "rate", "request.rate", true)) q.rate = *x;
        if (const auto i = index(rd, v, "intervals", "request.intervals", true)) q.intervals = static_cast<int>(*i);
      },
             [](const Scenario& s, const auto& r) { return fundingImpact(s, r.position, r.rate, r.intervals); },
             [](val& o, const FundingResult& f) {
    o.set("paymentPerInterval", f.paymentPerInterval);
    o.set("totalPayment", f.totalPayment);
    o.set("isolatedLiquidationPrice", opt(f.isolatedLiquidationPrice));
    o.set("crossLiquidationPrice", opt(f.crossLiquidationPrice));
    o.set("isolatedLiquidationPriceBefore", opt(f.isolatedLiquidationPriceBefore));
    o.set("crossLiquidationPriceBefore", opt(f.crossLiquidationPriceBefore));
    o.set("isolatedMarginAfter", f.isolatedMarginAfter);
    o.set("walletAfter", f.walletAfter);
    o.set("isolatedLiquidated", f.isolatedLiquidated);
    o.set("crossLiquidated", f.crossLiquidated);
  });
}

// ---- Odds, Monte Carlo and the liquidation engine: (scenario, request, options) ----

namespace {

constexpr double kMaxIndex = 1e15;               ///< the largest count or index read (the core checks the real limits)
constexpr double kMaxSeed = 9007199254740991.0;  ///< 2^53 - 1: every seed and count a JS number holds exactly

/// options.explain === true (options: an object, or undefined).
bool explainRequested(const val& options) { return isObject(options) && options["explain"].isTrue(); }

/// Appends a Checker's errors to the reader's.
void take(Reader& rd, Checker& c) {
  rd.errors.insert(rd.errors.end(), std::make_move_iterator(c.errors.begin()), std::make_move_iterator(c.errors.end()));
}

/// A count, an index or a seed: a whole number in [0, high], by the one rule (Checker::whole).
std::optional<double> whole(Reader& rd, const Field& f, const std::string& path, bool required, double high = kMaxIndex) {
  const auto x = rd.number(f, path, required);
  if (!x) return std::nullopt;
  Checker c;
  if (c.whole(path, *x, 0, high)) return x;
  take(rd, c);
  return std::nullopt;
}
std::optional<double> whole(Reader& rd, const val& obj, const char* key, const std::string& path, bool required,
                            double high = kMaxIndex) {
  return whole(rd, fieldOf(obj[key]), path, required, high);
}

/// An optional number; given but unreadable, NaN: the core then sees it given (a horizon given in
/// days is not "missing") and its errors at the path are shadowed by the reader's.
std::optional<double> given(Reader& rd, const val& obj, const char* key, const std::string& path) {
  const std::size_t before = rd.errors.size();
  const auto x = rd.number(obj, key, path, false);
  if (!x && rd.errors.size() > before) return std::numeric_limits<double>::quiet_NaN();
  return x;
}

/// A WrongType error through the table: "{path} must be {expected}, not {actual}".
void wrongType(Reader& rd, const std::string& path, const char* expected, std::string_view actual) {
  Checker c;
  c.fail(path, "wrongType", {Param{"expected", std::string(expected)}, Param{"actual", std::string(actual)}});
  take(rd, c);
}

/// A TooMany error through the table: "{path} has {count} entries; at most {limit} are accepted".
void tooMany(Reader& rd, const std::string& path, std::size_t count, std::size_t limit) {
  Checker c;
  c.listSize(path, count, limit, "entry");
  take(rd, c);
}

/// An answer without errors, written in one call: { errors: [], ...fill }.
template <class Fill>
val answer(Fill fill) {
  static JsWriter w;
  w.object().key("errors").array().end();
  fill(w);
  w.end();
  return w.take();
}

/// { isolated, cross } of a ByMode, each value written by `put`.
template <class T, class Put>
void writeByMode(JsWriter& w, const ByMode<T>& m, Put put) {
  w.object().key("isolated");
  put(m.isolated);
  w.key("cross");
  put(m.cross);
  w.end();
}

void writeCounts(JsWriter& w, const std::vector<std::size_t>& xs) {
  w.array();
  for (std::size_t x : xs) w.number(static_cast<double>(x));
  w.end();
}

/// Reads the scenario and the request (`read`), and answers: every conversion error of both with
/// the core's checks (`check`) on the fields that did convert, or the tool's answer (`solve`).
template <class Request, class Read, class Check, class Solve>
val answerRequest(const val& scenario, const val& request, Read read, Check check, Solve solve) {
  auto parsed = toScenario(scenario);
  Reader reader;
  Request r;
  if (!isObject(request)) wrongType(reader, "request", "an object", typeName(request));
  else read(reader, request, r);
  if (!parsed || !isObject(request)) {  // the request cannot be checked against a scenario it cannot read
    std::vector<InputError> errors = std::move(parsed.errors);
    errors.insert(errors.end(), reader.errors.begin(), reader.errors.end());
    return errorsOnly(errors);
  }
  if (reader.errors.empty()) return solve(*parsed.value, r);
  std::vector<InputError> errors = reader.errors;
  for (InputError& e : check(*parsed.value, r))
    if (!shadowed(e, reader.errors)) errors.push_back(std::move(e));
  return errorsOnly(errors);
}

void readOdds(Reader& rd, const val& v, OddsRequest& q) {
  if (const auto i = whole(rd, v, "position", "request.position", true)) q.position = static_cast<std::size_t>(*i);
  if (const auto x = rd.number(v, "volatility", "request.volatility", true)) q.volatility = *x;
  q.years = given(rd, v, "years", "request.years");
  q.days = given(rd, v, "days", "request.days");
  if (const auto x = rd.number(v, "drift", "request.drift", false)) q.drift = *x;
}

/// The correlation: rows of numbers, at most 100 of them.
void readCorrelation(Reader& rd, const val& v, MonteCarloRequest& q) {
  const val corr = v["correlation"];
  if (corr.isUndefined() || corr.isNull()) return;
  if (!isArray(corr)) return wrongType(rd, "request.correlation", "an array of rows", typeName(corr));
  const std::size_t n = corr["length"].as<std::size_t>();
  if (n > 100) return tooMany(rd, "request.correlation", n, 100);
  for (std::size_t i = 0; i < n; ++i)
    q.correlation.push_back(readNumbers(rd, corr[i], "request.correlation[" + std::to_string(i) + "]", 100));
}

void readMonteCarlo(Reader& rd, const val& v, MonteCarloRequest& q) {
  q.volatility = readSymbolNumbers(rd, v["volatility"], "request.volatility");
  q.drift = readSymbolNumbers(rd, v["drift"], "request.drift");
  readCorrelation(rd, v, q);
  q.years = given(rd, v, "years", "request.years");
  q.days = given(rd, v, "days", "request.days");
  if (const auto i = whole(rd, v, "steps", "request.steps", true)) q.steps = static_cast<std::size_t>(*i);
  if (const auto i = whole(rd, v, "paths", "request.paths", true)) q.paths = static_cast<std::size_t>(*i);
  if (const auto x = whole(rd, v, "seed", "request.seed", false, kMaxSeed)) q.seed = static_cast<std::uint64_t>(*x);
}

/// A list of counts (a tally's), at most `limit` long, read in one call.
std::vector<std::size_t> readCounts(Reader& rd, const val& v, const std::string& path, std::size_t limit) {
  std::vector<std::size_t> out;
  if (!isArray(v)) return wrongType(rd, path, "an array of counts", typeName(v)), out;
  const std::size_t n = v["length"].as<std::size_t>();
  if (n > limit) return tooMany(rd, path, n, limit), out;
  const std::vector<Field> xs = readElements(v, n);
  for (std::size_t i = 0; i < n; ++i)
    if (const auto x = whole(rd, xs[i], path + "[" + std::to_string(i) + "]", true, kMaxSeed))
      out.push_back(static_cast<std::size_t>(*x));
  return out;
}

/// The { isolated, cross } counts of a tally.
void readModeCounts(Reader& rd, const val& v, const std::string& path, ByMode<std::size_t>& out) {
  if (!isObject(v)) return wrongType(rd, path, "an object { isolated, cross }", typeName(v));
  if (const auto x = whole(rd, v, "isolated", path + ".isolated", true, kMaxSeed)) out.isolated = static_cast<std::size_t>(*x);
  if (const auto x = whole(rd, v, "cross", path + ".cross", true, kMaxSeed)) out.cross = static_cast<std::size_t>(*x);
}

/// The tally a previous answer gave, to continue (its probability and medianDays are recomputed).
void readTally(Reader& rd, const val& v, MonteCarloTally& t) {
  if (v.isUndefined() || v.isNull()) return;
  if (!isObject(v)) return wrongType(rd, "tally", "a previous answer of monteCarlo", typeName(v));
  if (const auto x = whole(rd, v, "paths", "tally.paths", true, kMaxSeed)) t.paths = static_cast<std::size_t>(*x);
  readModeCounts(rd, v["liquidatedPaths"], "tally.liquidatedPaths", t.liquidatedPaths);
  t.isolatedByPosition = readCounts(rd, v["isolatedByPosition"], "tally.isolatedByPosition", 1000);
  const val histogram = v["timeHistogram"];
  if (!isObject(histogram))
    return wrongType(rd, "tally.timeHistogram", "an object { isolated, cross }", typeName(histogram));
  t.timeHistogram.isolated = readCounts(rd, histogram["isolated"], "tally.timeHistogram.isolated", 100'000);
  t.timeHistogram.cross = readCounts(rd, histogram["cross"], "tally.timeHistogram.cross", 100'000);
}

void writeTally(JsWriter& w, const MonteCarloTally& t) {
  const auto count = [&](std::size_t x) { w.number(static_cast<double>(x)); };
  const auto counts = [&](const std::vector<std::size_t>& xs) { writeCounts(w, xs); };
  const auto optional = [&](const std::optional<double>& x) { w.optional(x); };
  w.key("paths").number(static_cast<double>(t.paths));
  w.key("liquidatedPaths");
  writeByMode(w, t.liquidatedPaths, count);
  w.key("isolatedByPosition");
  writeCounts(w, t.isolatedByPosition);
  w.key("timeHistogram");
  writeByMode(w, t.timeHistogram, counts);
  w.key("probability");
  writeByMode(w, t.probability, optional);
  w.key("medianDays");
  writeByMode(w, t.medianDays, optional);
}

/// The book: { price, size } levels, at most 10,000, read in one call.
void readBook(Reader& rd, const val& v, UnwindRequest& q) {
  const val book = v["book"];
  if (book.isUndefined() || book.isNull()) return;
  if (!isArray(book)) return wrongType(rd, "request.book", "an array of { price, size } levels", typeName(book));
  const std::size_t n = book["length"].as<std::size_t>();
  if (n > 10'000) {
    Checker c;
    c.fail("request.book", "bookLevels", {Param{"count", static_cast<double>(n)}, Param{"limit", 10'000.0}});
    return take(rd, c);
  }
  static const char* const kKeys[] = {"price", "size"};
  const std::vector<Field> table = readTable(book, n, kKeys);
  for (std::size_t i = 0; i < n; ++i) {
    const Field* f = &table[3 * i];
    const std::string at = "request.book[" + std::to_string(i) + "]";
    BookLevel l;  // pushed even when unreadable, so that the core's paths stay those of the request
    if (f[0].kind != Kind::Object) {
      wrongType(rd, at, "an object { price, size }", typeName(f[0]));
      q.book.push_back(l);
      continue;
    }
    if (const auto x = rd.number(f[1], at + ".price", true)) l.price = *x;
    if (const auto x = rd.number(f[2], at + ".size", true)) l.size = *x;
    q.book.push_back(l);
  }
}

void readUnwind(Reader& rd, const val& v, UnwindRequest& q) {
  if (const auto i = whole(rd, v, "position", "request.position", true)) q.position = static_cast<std::size_t>(*i);
  if (const auto m = rd.choice<MarginMode>(v, "mode", "request.mode", false, parseMarginMode, "isolated, cross")) q.mode = *m;
  if (const auto st = pick<UnwindStyle>(rd, v, "style", "request.style",
                                        {{"market", UnwindStyle::Market}, {"twap", UnwindStyle::Twap}, {"iceberg", UnwindStyle::Iceberg}},
                                        "market, twap, iceberg"))
    q.style = *st;
  readBook(rd, v, q);
  if (const auto x = rd.number(v, "depthPerPercent", "request.depthPerPercent", false)) q.depthPerPercent = *x;
  if (const auto i = whole(rd, v, "slices", "request.slices", false)) q.slices = static_cast<std::size_t>(*i);
  if (const auto x = rd.number(v, "visibleSize", "request.visibleSize", false)) q.visibleSize = *x;
  if (const auto x = rd.number(v, "replenishFraction", "request.replenishFraction", false)) q.replenishFraction = *x;
  if (const auto x = rd.number(v, "insuranceFund", "request.insuranceFund", false)) q.insuranceFund = *x;
}

void writeUnwind(JsWriter& w, const UnwindResult& u) {
  w.key("slices").array();
  for (const UnwindSlice& x : u.slices) {
    w.object().key("quantity").number(x.quantity).key("averagePrice").number(x.averagePrice);
    w.key("worstPrice").number(x.worstPrice).key("requested").number(x.requested).key("unfilled").number(x.unfilled);
    w.key("levels").number(static_cast<double>(x.levels)).key("insuranceFundChange").number(x.insuranceFundChange);
    w.key("insuranceFundAfter").number(x.insuranceFundAfter).end();
  }
  w.end();
  w.key("averagePrice").number(u.averagePrice).key("bankruptcyPrice").number(u.bankruptcyPrice);
  w.key("liquidationPrice").number(u.liquidationPrice).key("insuranceFundChange").number(u.insuranceFundChange);
  w.key("insuranceFundAfter").number(u.insuranceFundAfter).key("unfilled").number(u.unfilled);
  w.key("autoDeleveraging").boolean(u.autoDeleveraging).key("quantity").number(u.quantity);
  w.key("filled").number(u.filled).key("worstPrice").number(u.worstPrice).key("depthModel").boolean(u.depthModel);
  w.key("adlSlice").optional(u.adlSlice ? std::optional<double>(static_cast<double>(*u.adlSlice)) : std::nullopt);
  w.key("adlThresholdPrice").optional(u.adlThresholdPrice);
}

}  // namespace

val odds(const val& scenario, const val& request, const val& options) {
  return answerRequest<OddsRequest>(
      scenario, request, readOdds, [](const Scenario& s, const OddsRequest& r) { return validate(s, r); },
      [&](const Scenario& s, const OddsRequest& r) {
        auto result = liquidationOdds(s, r);
        if (!result) return errorsOnly(result.errors);
        const bool steps = explainRequested(options);
        if (steps) explain(s, r, *result.value);
        return answer([&](JsWriter& w) {
          w.key("probability");
          writeByMode(w, result.value->probability, [&](const std::optional<double>& p) { w.optional(p); });
          if (steps) w.key("steps").steps(result.value->steps);
        });
      });
}

val monteCarloChunk(const val& scenario, const val& request, double begin, double end, const val& tally,
                    const val& /*options: Monte Carlo has no steps*/) {
  MonteCarloTally given;
  const auto read = [&](Reader& rd, const val& v, MonteCarloRequest& q) {
    readMonteCarlo(rd, v, q);
    for (const auto& [x, path] : {std::pair{begin, "begin"}, std::pair{end, "end"}}) {
      Field f;
      f.kind = Kind::Number;
      f.number = x;
      whole(rd, f, path, true);
    }
    readTally(rd, tally, given);
  };
  return answerRequest<MonteCarloRequest>(
      scenario, request, read, [](const Scenario& s, const MonteCarloRequest& r) { return validate(s, r); },
      [&](const Scenario& s, const MonteCarloRequest& r) {
        const auto result =
            monteCarlo(s, r, static_cast<std::size_t>(begin), static_cast<std::size_t>(end), std::move(given));
        if (!result) return errorsOnly(result.errors);
        return answer([&](JsWriter& w) { writeTally(w, *result.value); });
      });
}

val unwindPosition(const val& scenario, const val& request, const val& options) {
  return answerRequest<UnwindRequest>(
      scenario, request, readUnwind, [](const Scenario& s, const UnwindRequest& r) { return validate(s, r); },
      [&](const Scenario& s, const UnwindRequest& r) {
        auto result = unwind(s, r);
        if (!result) return errorsOnly(result.errors);
        const bool steps = explainRequested(options);
        if (steps) explain(s, r, *result.value);
        return answer([&](JsWriter& w) {
          writeUnwind(w, *result.value);
          if (steps) w.key("steps").steps(result.value->steps);
        });
      });
}

}  // namespace mljs
