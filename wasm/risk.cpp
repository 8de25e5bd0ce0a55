// SPDX-License-Identifier: MIT
// MarginLab JS boundary for the risk lab: request objects in, result objects out, field by
// field with paths ("request.price"). No formula lives here.
#include "risk.h"

#include <cmath>
#include <string>

#include "convert.h"
#include "marginlab/engine.h"
#include "marginlab/odds.h"
#include "marginlab/stress.h"
#include "marginlab/whatif.h"
#include "reader.h"
#include "transfer.h"

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

// ---------------------------------------------------------------------------------------------
// What-if and stress tools (whatif.h, stress.h): (scenario, request, options), numbers first.

namespace {

/// options.explain, for options an object (undefined or anything else: false).
bool wantsSteps(const val& options) { return isObject(options) && options["explain"].isTrue(); }

struct NoFinish {
  template <class T>
  void operator()(val&, const T&) const {}
};

/// Reads the scenario and the request, runs the checked tool, explains when options.explain
/// asks, and writes the answer in one call: { errors: [], ...write(result), steps? }, then
/// finish(answer, result) adds what is written elsewhere. Every error at once, as run() merges them.
template <class Request, class Read, class Tool, class Write, class Finish = NoFinish>
val answer(const val& scenario, const val& request, const val& options, Request r, Read read, Tool tool, Write write,
           Finish finish = {}) {
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
  auto result = tool(*parsed.value, r);
  if (!reader.errors.empty()) {
    std::vector<InputError> errors = reader.errors;
    for (const InputError& e : result.errors)
      if (!shadowed(e, reader.errors)) errors.push_back(e);
    return errorsOnly(errors);
  }
  if (!result) return errorsOnly(result.errors);
  const bool steps = wantsSteps(options);
  if (steps) marginlab::explain(*parsed.value, r, *result.value);
  static JsWriter w;
  w.object().key("errors").array().end();
  write(w, *result.value);
  if (steps) w.key("steps").steps(result.value->steps);
  val o = w.end().take();
  finish(o, *result.value);
  return o;
}

/// A { isolated, cross } object of two numbers (or nulls).
JsWriter& byMode(JsWriter& w, const ByMode<double>& x) {
  return w.object().key("isolated").number(x.isolated).key("cross").number(x.cross).end();
}
JsWriter& byMode(JsWriter& w, const ByMode<std::optional<double>>& x) {
  return w.object().key("isolated").optional(x.isolated).key("cross").optional(x.cross).end();
}
JsWriter& byMode(JsWriter& w, const ByMode<bool>& x) {
  return w.object().key("isolated").boolean(x.isolated).key("cross").boolean(x.cross).end();
}
JsWriter& flags(JsWriter& w, const std::vector<bool>& xs) {
  w.array();
  for (const bool x : xs) w.boolean(x);
  return w.end();
}

/// request.shocks: an array (or Float64Array) of numbers, read in one call.
std::vector<double> readShocks(Reader& r, const val& v) {
  std::vector<double> out;
  if (!isArray(v) && !v.instanceof(val::global("Float64Array"))) {
    r.add("request.shocks", ErrorCode::WrongType, "request.shocks must be an array of numbers, not " + typeName(v));
    return out;
  }
  const std::size_t n = v["length"].as<std::size_t>();
  if (n > kMaxShocks) {
    r.add("request.shocks", ErrorCode::TooMany,
          "request.shocks has " + std::to_string(n) + " entries; at most " + std::to_string(kMaxShocks));
    return out;
  }
  const std::vector<Field> fields = readElements(v, n);
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (fields[i].kind == Kind::Number) {
      out.push_back(fields[i].number);
      continue;
    }
    const std::string path = "request.shocks[" + std::to_string(i) + "]";
    r.add(path, ErrorCode::WrongType, path + " must be a number");
  }
  return out;
}

/// An optional object field (request.shockRange, request.path): absent (nullopt), or read by
/// `fill` into a T (its defaults where the object is not one: the error is the reader's).
template <class T, class Fill>
std::optional<T> readOptionalObject(Reader& r, const val& v, const char* key, const std::string& path, const char* shape,
                                    Fill fill) {
  const val x = v[key];
  if (x.isUndefined() || x.isNull()) return std::nullopt;
  T out;
  if (!isObject(x)) r.add(path, ErrorCode::WrongType, path + " must be an object " + shape + ", not " + typeName(x));
  else fill(x, out);
  return out;
}

void writeEvent(JsWriter& w, const CascadeEvent& e) {
  w.object();
  w.key("step").number(static_cast<double>(e.step));
  w.key("position").number(static_cast<double>(e.position));
  w.key("symbol").string(e.symbol);
  w.key("reason").string(toString(e.reason));
  w.key("price").number(e.price);
  w.key("quantityBefore").number(e.quantityBefore);
  w.key("closedQuantity").number(e.closedQuantity);
  w.key("quantityAfter").number(e.quantityAfter);
  w.key("realizedPnl").number(e.realizedPnl);
  w.key("closedNotional").number(e.closedNotional);
  w.key("fee").number(e.fee);
  w.key("triggerEquity").number(e.triggerEquity);
  w.key("triggerMaintenance").number(e.triggerMaintenance);
  w.key("positionMaintenance").number(e.positionMaintenance);
  w.key("tier").number(e.tier);
  w.key("tierCap").optional(e.tierCap);
  w.key("equityBefore").number(e.equityBefore);
  w.key("walletAfter").number(e.walletAfter);
  w.key("equityAfter").number(e.equityAfter);
  w.key("shortfall").number(e.shortfall);
  w.key("pastBankruptcy").boolean(e.pastBankruptcy);
  w.end();
}

}  // namespace

val adjust(const val& scenario, const val& request, const val& options) {
  return answer(scenario, request, options, AdjustRequest{}, [](Reader& rd, const val& v, AdjustRequest& q) {
        if (const auto i = index(rd, v, "position", "request.position", true)) q.position = *i;
        if (const auto x = rd.number(v, "price", "request.price", true)) q.price = *x;
        if (const auto x = rd.number(v, "quantityDelta", "request.quantityDelta", true)) q.quantityDelta = *x;
      },
      [](const Scenario& s, const AdjustRequest& r) { return adjustPosition(s, r); },
      [](JsWriter& w, const AdjustResult& a) {
        w.key("side").string(toString(a.side));
        w.key("quantity").number(a.quantity).key("entryPrice").number(a.entryPrice);
        w.key("realizedPnl").number(a.realizedPnl);
        w.key("flipped").boolean(a.flipped).key("closed").boolean(a.closed);
      },
      [](val& o, const AdjustResult& a) {  // values of their own, as convert.cpp writes them
        o.set("scenario", toJs(a.scenario));
        o.set("report", toJs(a.report));
      });
}

val target(const val& scenario, const val& request, const val& options) {
  return answer(scenario, request, options, TargetRequest{}, [](Reader& rd, const val& v, TargetRequest& q) {
        if (const auto i = index(rd, v, "position", "request.position", true)) q.position = *i;
        if (const auto k = pick<TargetKind>(rd, v, "kind", "request.kind", {{"pnl", TargetKind::Pnl}, {"roe", TargetKind::Roe}}, "pnl, roe"))
          q.kind = *k;
        if (const auto x = rd.number(v, "target", "request.target", true)) q.target = *x;
      },
      [](const Scenario& s, const TargetRequest& r) { return targetPrice(s, r); },
      [](JsWriter& w, const TargetResult& t) { w.key("price").optional(t.price); });
}

val maxOpen(const val& scenario, const val& request, const val& options) {
  return answer(scenario, request, options, MaxOpenRequest{}, [](Reader& rd, const val& v, MaxOpenRequest& q) {
        readNewPosition(rd, v, q.symbol, q.contract, q.contractSize, q.side);
        if (const auto x = rd.number(v, "price", "request.price", true)) q.price = *x;
        if (const auto x = rd.number(v, "leverage", "request.leverage", true)) q.leverage = *x;
        if (const auto m = rd.choice<MarginMode>(v, "mode", "request.mode", false, parseMarginMode, "isolated, cross")) q.mode = *m;
      },
      [](const Scenario& s, const MaxOpenRequest& r) { return maxOpenSize(s, r); },
      [](JsWriter& w, const MaxOpenResult& m) {
        w.key("quantity").number(m.quantity).key("notional").number(m.notional);
        w.key("initialMargin").number(m.initialMargin).key("tier").number(m.tier);
      });
}

val stopSize(const val& scenario, const val& request, const val& options) {
  return answer(scenario, request, options, StopSizeRequest{}, [](Reader& rd, const val& v, StopSizeRequest& q) {
        readNewPosition(rd, v, q.symbol, q.contract, q.contractSize, q.side);
        if (const auto x = rd.number(v, "entryPrice", "request.entryPrice", true)) q.entryPrice = *x;
        if (const auto x = rd.number(v, "stopPrice", "request.stopPrice", true)) q.stopPrice = *x;
        if (const auto x = rd.number(v, "riskFraction", "request.riskFraction", true)) q.riskFraction = *x;
        if (const auto x = rd.number(v, "leverage", "request.leverage", true)) q.leverage = *x;
        if (const auto m = rd.choice<MarginMode>(v, "mode", "request.mode", false, parseMarginMode, "isolated, cross")) q.mode = *m;
      },
      [](const Scenario& s, const StopSizeRequest& r) { return sizeFromStop(s, r); },
      [](JsWriter& w, const StopSizeResult& m) {
        w.key("quantity").number(m.quantity).key("riskAmount").number(m.riskAmount);
        w.key("liquidationPrice").optional(m.liquidationPrice);
        w.key("stopBeyondLiquidation").boolean(m.stopBeyondLiquidation);
      });
}

val marginTarget(const val& scenario, const val& request, const val& options) {
  return answer(scenario, request, options, MarginToTargetRequest{}, [](Reader& rd, const val& v, MarginToTargetRequest& q) {
        if (const auto i = index(rd, v, "position", "request.position", true)) q.position = *i;
        if (const auto x = rd.number(v, "targetLiquidationPrice", "request.targetLiquidationPrice", true))
          q.targetLiquidationPrice = *x;
      },
      [](const Scenario& s, const MarginToTargetRequest& r) { return marginToTarget(s, r); },
      [](JsWriter& w, const MarginToTargetResult& m) {
        byMode(w.key("toAdd"), m.toAdd);
        byMode(w.key("exact"), m.exact);
      });
}

val stress(const val& scenario, const val& request, const val& options) {
  return answer(scenario, request, options, StressRequest{}, [](Reader& rd, const val& v, StressRequest& q) {
        q.shockRange = readOptionalObject<ShockRange>(rd, v, "shockRange", "request.shockRange", "{ from, to, step }",
                                                      [&](const val& g, ShockRange& range) {
          if (const auto x = rd.number(g, "from", "request.shockRange.from", true)) range.from = *x;
          if (const auto x = rd.number(g, "to", "request.shockRange.to", true)) range.to = *x;
          if (const auto x = rd.number(g, "step", "request.shockRange.step", true)) range.step = *x;
        });
        const val shocks = v["shocks"];
        if (!q.shockRange || !shocks.isUndefined()) q.shocks = readShocks(rd, shocks);
        if (const auto m = pick<ShockModel>(rd, v, "model", "request.model",
                                            {{"oneFactor", ShockModel::OneFactor}, {"eachSymbol", ShockModel::EachSymbol}},
                                            "oneFactor, eachSymbol"))
          q.model = *m;
        q.betas = readSymbolNumbers(rd, v["betas"], "request.betas");
      },
      [](const Scenario& s, const StressRequest& r) { return stressGrid(s, r); },
      [](JsWriter& w, const StressResult& g) {
        w.key("cells").array();
        for (const StressCell& c : g.cells) {
          w.object().key("symbol").string(c.symbol).key("shock").number(c.shock);
          byMode(w.key("equity"), c.equity);
          byMode(w.key("marginRatio"), c.marginRatio);
          w.key("liquidated").object();
          flags(w.key("isolated"), c.liquidated.isolated);
          flags(w.key("cross"), c.liquidated.cross);
          w.end().end();
        }
        w.end();
      });
}

val cascadeWalk(const val& scenario, const val& request, const val& options) {
  return answer(scenario, request, options, CascadeRequest{}, [](Reader& rd, const val& v, CascadeRequest& q) {
        q.path = readOptionalObject<CascadePath>(rd, v, "path", "request.path", "{ move, steps }",
                                                 [&](const val& p, CascadePath& path) {
          if (const auto x = rd.number(p, "move", "request.path.move", true)) path.move = *x;
          if (const auto i = index(rd, p, "steps", "request.path.steps", true)) path.steps = static_cast<int>(*i);
        });
        const val marks = v["marks"];
        if (q.path && marks.isUndefined()) {
          // the path instead of marks
        } else if (!isArray(marks)) {
          rd.add("request.marks", ErrorCode::WrongType, "request.marks must be an array of { symbol: price } objects");
        } else {
          const std::size_t n = marks["length"].as<std::size_t>();
          if (n > kMaxCascadeSteps) {
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
      [](const Scenario& s, const CascadeRequest& r) { return cascade(s, r); },
      [](JsWriter& w, const CascadeResult& c) {
        w.key("events").array();
        for (const CascadeEvent& e : c.events) writeEvent(w, e);
        w.end();
        w.key("equity").array();
        for (const double e : c.equity) w.number(e);
        w.end();
        w.key("finalEquity").number(c.finalEquity);
        w.key("insuranceFundLoss").number(c.insuranceFundLoss);
      });
}

val funding(const val& scenario, const val& request, const val& options) {
  return answer(scenario, request, options, FundingRequest{}, [](Reader& rd, const val& v, FundingRequest& q) {
        if (const auto i = index(rd, v, "position", "request.position", true)) q.position = *i;
        if (const auto x = rd.number(v, "rate", "request.rate", true)) q.rate = *x;
        if (const auto i = index(rd, v, "intervals", "request.intervals", true)) q.intervals = static_cast<int>(*i);
      },
      [](const Scenario& s, const FundingRequest& r) { return fundingImpact(s, r); },
      [](JsWriter& w, const FundingResult& f) {
        w.key("paymentPerInterval").number(f.paymentPerInterval);
        w.key("totalPayment").number(f.totalPayment);
        byMode(w.key("marginAfter"), f.marginAfter);
        byMode(w.key("liquidationPrice"), f.liquidationPrice);
        byMode(w.key("liquidationPriceBefore"), f.liquidationPriceBefore);
        byMode(w.key("liquidated"), f.liquidated);
      });
}

// ---------------------------------------------------------------------------------------------
// Odds, Monte Carlo, the liquidation engine.

val odds(const val& scenario, const val& request) {
  struct { std::size_t position = 0; double sigma = 0, years = 0, mu = 0; } r;
  return run(scenario, request, r, [](Reader& rd, const val& v, auto& q) {
        if (const auto i = index(rd, v, "position", "request.position", true)) q.position = *i;
        if (const auto x = rd.number(v, "volatility", "request.volatility", true)) q.sigma = *x;
        if (const auto x = rd.number(v, "years", "request.years", true)) q.years = *x;
        if (const auto x = rd.number(v, "drift", "request.drift", false)) q.mu = *x;
      },
             [](const Scenario& s, const auto& r) { return liquidationOdds(s, r.position, r.sigma, r.years, r.mu); },
             [](val& o, const OddsResult& x) {
    o.set("isolatedProbability", opt(x.isolatedProbability));
    o.set("crossProbability", opt(x.crossProbability));
  });
}

val monteCarloChunk(const val& scenario, const val& request, double begin, double end, const val& tallyIn) {
  const auto read = [](Reader& rd, const val& v, MonteCarloRequest& q) {
        q.volatility = readSymbolNumbers(rd, v["volatility"], "request.volatility");
        q.drift = readSymbolNumbers(rd, v["drift"], "request.drift");
        const val corr = v["correlation"];
        if (!corr.isUndefined() && !corr.isNull()) {
          if (!isArray(corr) || corr["length"].as<double>() > 100) {
            rd.add("request.correlation", ErrorCode::WrongType, "request.correlation must be an array of rows (at most 100)");
          } else {
            const std::size_t n = corr["length"].as<std::size_t>();
            for (std::size_t i = 0; i < n; ++i)
              q.correlation.push_back(readNumbers(rd, corr[i], "request.correlation[" + std::to_string(i) + "]", 100));
          }
        }
        if (const auto x = rd.number(v, "years", "request.years", true)) q.years = *x;
        if (const auto i = index(rd, v, "steps", "request.steps", true)) q.steps = *i;
        if (const auto i = index(rd, v, "paths", "request.paths", true)) q.paths = *i;
        if (const auto x = rd.number(v, "seed", "request.seed", false)) {
          if (*x >= 0 && *x < 9007199254740992.0 && std::trunc(*x) == *x) q.seed = static_cast<std::uint64_t>(*x);
          else rd.add("request.seed", ErrorCode::OutOfRange, "request.seed must be an integer from 0 to 2^53 - 1");
        }
      };
  auto parsed = toScenario(scenario);
  Reader reader;
  MonteCarloRequest r;
  if (!isObject(request)) reader.add("request", ErrorCode::WrongType, "request must be an object, not " + typeName(request));
  else read(reader, request, r);
  if (!parsed || !reader.errors.empty()) {
    std::vector<InputError> errors = parsed.errors;
    errors.insert(errors.end(), reader.errors.begin(), reader.errors.end());
    if (parsed && isObject(request)) {  // the core's checks on the fields that did convert
      for (const InputError& e : monteCarlo(*parsed.value, r, 0, 0).errors)
        if (!shadowed(e, reader.errors)) errors.push_back(e);
    }
    return errorsOnly(errors);
  }
  const Scenario& s = *parsed.value;
  MonteCarloTally tally;
  if (isObject(tallyIn)) {  // a tally this function returned before: continue it
    auto count = [&](const char* key) { return tallyIn[key].isNumber() ? static_cast<std::size_t>(tallyIn[key].as<double>()) : 0; };
    auto list = [&](const char* key) {
      std::vector<std::size_t> out;
      const val a = tallyIn[key];
      if (isArray(a))
        for (std::size_t i = 0; i < a["length"].as<std::size_t>(); ++i) out.push_back(static_cast<std::size_t>(a[i].as<double>()));
      return out;
    };
    tally.paths = count("paths");
    tally.isolatedAnyLiquidated = count("isolatedAnyLiquidated");
    tally.crossLiquidated = count("crossLiquidated");
    tally.isolatedByPosition = list("isolatedByPosition");
    tally.isolatedTimeHistogram = list("isolatedTimeHistogram");
    tally.crossTimeHistogram = list("crossTimeHistogram");
  }
  const auto b = begin >= 0 && begin < 1e15 ? static_cast<std::size_t>(begin) : 0;
  const auto e = end >= 0 && end < 1e15 ? static_cast<std::size_t>(end) : 0;
  const auto result = monteCarlo(s, r, b, e, std::move(tally));
  if (!result) return errorsOnly(result.errors);
  const MonteCarloTally& t = *result.value;
  auto array = [](const std::vector<std::size_t>& xs) {
    val a = val::array();
    for (std::size_t i = 0; i < xs.size(); ++i) a.set(i, static_cast<double>(xs[i]));
    return a;
  };
  val o = val::object();
  o.set("errors", val::array());
  o.set("paths", static_cast<double>(t.paths));
  o.set("isolatedAnyLiquidated", static_cast<double>(t.isolatedAnyLiquidated));
  o.set("crossLiquidated", static_cast<double>(t.crossLiquidated));
  o.set("isolatedByPosition", array(t.isolatedByPosition));
  o.set("isolatedTimeHistogram", array(t.isolatedTimeHistogram));
  o.set("crossTimeHistogram", array(t.crossTimeHistogram));
  return o;
}

val unwindPosition(const val& scenario, const val& request) {
  return run(scenario, request, UnwindRequest{}, [](Reader& rd, const val& v, UnwindRequest& q) {
        if (const auto i = index(rd, v, "position", "request.position", true)) q.position = *i;
        if (const auto m = rd.choice<MarginMode>(v, "mode", "request.mode", false, parseMarginMode, "isolated, cross")) q.mode = *m;
        if (const auto st = pick<UnwindStyle>(rd, v, "style", "request.style",
                                              {{"market", UnwindStyle::Market}, {"twap", UnwindStyle::Twap}, {"iceberg", UnwindStyle::Iceberg}},
                                              "market, twap, iceberg"))
          q.style = *st;
        const val book = v["book"];
        if (!book.isUndefined() && !book.isNull()) {
          if (!isArray(book)) {
            rd.add("request.book", ErrorCode::WrongType, "request.book must be an array of { price, size } levels");
          } else if (book["length"].as<double>() > 10000) {
            rd.add("request.book", ErrorCode::TooMany, "request.book has more than 10000 levels");
          } else {
            const std::size_t n = book["length"].as<std::size_t>();
            for (std::size_t i = 0; i < n; ++i) {
              const std::string at = "request.book[" + std::to_string(i) + "]";
              const val level = book[i];
              if (!isObject(level)) {
                rd.add(at, ErrorCode::WrongType, at + " must be an object { price, size }");
                continue;
              }
              BookLevel l;
              if (const auto x = rd.number(level, "price", at + ".price", true)) l.price = *x;
              if (const auto x = rd.number(level, "size", at + ".size", true)) l.size = *x;
              q.book.push_back(l);
            }
          }
        }
        if (const auto x = rd.number(v, "depthPerPercent", "request.depthPerPercent", false)) q.depthPerPercent = *x;
        if (const auto i = index(rd, v, "slices", "request.slices", false)) q.slices = *i;
        if (const auto x = rd.number(v, "visibleSize", "request.visibleSize", false)) q.visibleSize = *x;
        if (const auto x = rd.number(v, "replenishFraction", "request.replenishFraction", false)) q.replenishFraction = *x;
        if (const auto x = rd.number(v, "insuranceFund", "request.insuranceFund", false)) q.insuranceFund = *x;
      },
             [](const Scenario& s, const auto& r) { return unwind(s, r); },
             [](val& o, const UnwindResult& u) {
    val slices = val::array();
    for (std::size_t i = 0; i < u.slices.size(); ++i) {
      val x = val::object();
      x.set("quantity", u.slices[i].quantity);
      x.set("averagePrice", u.slices[i].averagePrice);
      x.set("worstPrice", u.slices[i].worstPrice);
      x.set("requested", u.slices[i].requested);
      x.set("unfilled", u.slices[i].unfilled);
      x.set("levels", static_cast<double>(u.slices[i].levels));
      x.set("insuranceFundChange", u.slices[i].insuranceFundChange);
      x.set("insuranceFundAfter", u.slices[i].insuranceFundAfter);
      slices.set(i, x);
    }
    o.set("slices", slices);
    o.set("averagePrice", u.averagePrice);
    o.set("bankruptcyPrice", u.bankruptcyPrice);
    o.set("liquidationPrice", u.liquidationPrice);
    o.set("insuranceFundChange", u.insuranceFundChange);
    o.set("insuranceFundAfter", u.insuranceFundAfter);
    o.set("unfilled", u.unfilled);
    o.set("autoDeleveraging", u.autoDeleveraging);
    o.set("quantity", u.quantity);
    o.set("filled", u.filled);
    o.set("worstPrice", u.worstPrice);
    o.set("depthModel", u.depthModel);
    o.set("adlSlice", u.adlSlice ? val(static_cast<double>(*u.adlSlice)) : val::null());
    o.set("adlThresholdPrice", opt(u.adlThresholdPrice));
  });
}

}  // namespace mljs
