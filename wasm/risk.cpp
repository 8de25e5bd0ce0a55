// SPDX-License-Identifier: MIT
// MarginLab JS boundary for the risk lab: request objects in, result objects out, field by
// field with paths ("request.price"). No formula lives here.
#include "risk.h"

#include <cmath>
#include <limits>
#include <string>

#include "convert.h"
#include "marginlab/adl.h"
#include "marginlab/check.h"
#include "marginlab/engine.h"
#include "marginlab/odds.h"
#include "marginlab/stress.h"
#include "marginlab/whatif.h"
#include "reader.h"
#include "request.h"
#include "transfer.h"

namespace mljs {

using namespace marginlab;

namespace {

val errorsOnly(const std::vector<InputError>& errors) {
  val o = val::object();
  o.set("errors", toJs(errors));
  return o;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// What-if and stress tools (whatif.h, stress.h): (scenario, request, options), numbers first.

namespace {

/// options.explain, for options an object (undefined or anything else: false).
bool wantsSteps(const val& options) { return isObject(options) && options["explain"].isTrue(); }

struct NoFinish {
  template <class T>
  void operator()(val&, const T&, bool) const {}
};

/// Reads the scenario and the request (`read`), and answers: every conversion error of both with
/// the core's checks (`check`) on the fields that did convert, or the tool's answer (`solve`).
template <class Request, class Read, class Check, class Solve>
val answerRequest(const val& scenario, const val& request, Read read, Check check, Solve solve) {
  auto parsed = toScenario(scenario);
  Reader reader;
  Request r;
  if (!isObject(request))
    reader.fail("request", "wrongType", {{"expected", std::string("an object")}, {"actual", typeName(request)}});
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

/// A what-if or stress tool's answer: its checked entry `tool` (validate, then compute) on what
/// answerRequest read, explained when options.explain asks, written in one call:
/// { errors: [], ...write(result), steps? }; then finish(answer, result, steps) adds what is written elsewhere.
template <class Request, class Read, class Tool, class Write, class Finish = NoFinish>
val answer(const val& scenario, const val& request, const val& options, Request, Read read, Tool tool, Write write,
           Finish finish = {}) {
  const auto check = [&](const Scenario& s, const Request& r) { return tool(s, r).errors; };
  const auto solve = [&](const Scenario& s, const Request& r) {
    auto result = tool(s, r);
    if (!result) return errorsOnly(result.errors);
    const bool steps = wantsSteps(options);
    if (steps) marginlab::explain(s, r, *result.value);
    static JsWriter w;
    w.object().key("errors").array().end();
    write(w, *result.value);
    if (steps) w.key("steps").steps(result.value->steps);
    val o = w.end().take();
    finish(o, *result.value, steps);
    return o;
  };
  return answerRequest<Request>(scenario, request, read, check, solve);
}

/// A request read by walking its fields() (marginlab/fields.h).
template <class Request>
void readDescribed(Reader& rd, const val& v, Request& q) {
  RequestReader(rd, v, "request").read(q);
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
  return answer(scenario, request, options, AdjustRequest{}, readDescribed<AdjustRequest>,
      [](const Scenario& s, const AdjustRequest& r) { return adjustPosition(s, r); },
      [](JsWriter& w, const AdjustResult& a) {
        w.key("side").string(toString(a.side));
        w.key("quantity").number(a.quantity).key("entryPrice").number(a.entryPrice);
        w.key("realizedPnl").number(a.realizedPnl).key("fee").number(a.fee);
        w.key("flipped").boolean(a.flipped).key("closed").boolean(a.closed);
      },
      [](val& o, const AdjustResult& a, bool steps) {  // values of their own, as convert.cpp writes them
        o.set("scenario", toJs(a.scenario));
        o.set("report", toJs(a.report, steps));
      });
}

val target(const val& scenario, const val& request, const val& options) {
  return answer(scenario, request, options, TargetRequest{}, readDescribed<TargetRequest>,
      [](const Scenario& s, const TargetRequest& r) { return targetPrice(s, r); },
      [](JsWriter& w, const TargetResult& t) { w.key("price").optional(t.price); });
}

val maxOpen(const val& scenario, const val& request, const val& options) {
  return answer(scenario, request, options, MaxOpenRequest{}, readDescribed<MaxOpenRequest>,
      [](const Scenario& s, const MaxOpenRequest& r) { return maxOpenSize(s, r); },
      [](JsWriter& w, const MaxOpenResult& m) {
        w.key("quantity").number(m.quantity).key("notional").number(m.notional);
        w.key("initialMargin").number(m.initialMargin).key("openLoss").number(m.openLoss);
        w.key("fee").number(m.fee).key("cost").number(m.cost);
        w.key("heldQuantity").number(m.heldQuantity).key("closingQuantity").number(m.closingQuantity);
        w.key("tier").number(m.tier);
      });
}

val stopSize(const val& scenario, const val& request, const val& options) {
  return answer(scenario, request, options, StopSizeRequest{}, readDescribed<StopSizeRequest>,
      [](const Scenario& s, const StopSizeRequest& r) { return sizeFromStop(s, r); },
      [](JsWriter& w, const StopSizeResult& m) {
        w.key("quantity").number(m.quantity).key("riskAmount").number(m.riskAmount).key("fees").number(m.fees);
        w.key("liquidationPrice").optional(m.liquidationPrice);
        w.key("stopBeyondLiquidation").boolean(m.stopBeyondLiquidation);
      });
}

val marginTarget(const val& scenario, const val& request, const val& options) {
  return answer(scenario, request, options, MarginToTargetRequest{}, readDescribed<MarginToTargetRequest>,
      [](const Scenario& s, const MarginToTargetRequest& r) { return marginToTarget(s, r); },
      [](JsWriter& w, const MarginToTargetResult& m) {
        byMode(w.key("toAdd"), m.toAdd);
        byMode(w.key("exact"), m.exact);
      });
}

val stress(const val& scenario, const val& request, const val& options) {
  return answer(scenario, request, options, StressRequest{}, readDescribed<StressRequest>,
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
  return answer(scenario, request, options, CascadeRequest{}, readDescribed<CascadeRequest>,
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
  return answer(scenario, request, options, FundingRequest{}, readDescribed<FundingRequest>,
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

// ---- Odds, Monte Carlo and the liquidation engine: (scenario, request, options) ----

namespace {



/// Appends a Checker's errors to the reader's.
void take(Reader& rd, Checker& c) {
  rd.errors.insert(rd.errors.end(), std::make_move_iterator(c.errors.begin()), std::make_move_iterator(c.errors.end()));
}

/// A count, an index or a seed: a whole number in [0, high], by the one rule (Checker::whole).
std::optional<double> whole(Reader& rd, const Field& f, const std::string& path, bool required, double high = kMaxRequestCount) {
  const auto x = rd.number(f, path, required);
  if (!x) return std::nullopt;
  Checker c;
  if (c.whole(path, *x, 0, high)) return x;
  take(rd, c);
  return std::nullopt;
}
std::optional<double> whole(Reader& rd, const val& obj, const char* key, const std::string& path, bool required,
                            double high = kMaxRequestCount) {
  return whole(rd, fieldOf(obj[key]), path, required, high);
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

/// The tally a previous answer gave, to continue (its probability, medianDays, standardError, interval95
/// and continuous are recomputed).
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
  w.key("standardError");
  writeByMode(w, t.standardError, optional);
  w.key("interval95");
  writeByMode(w, t.interval95, [&](const std::optional<ProbabilityInterval>& x) {
    if (!x) return w.null(), void();
    w.object().key("low").number(x->low).key("high").number(x->high).end();
  });
  w.key("continuous");
  writeByMode(w, t.continuous, [&](bool x) { w.boolean(x); });
}

void writeUnwind(JsWriter& w, const UnwindResult& u) {
  w.key("slices").array();
  for (const UnwindSlice& x : u.slices) {
    w.object().key("quantity").number(x.quantity).key("averagePrice").number(x.averagePrice);
    w.key("worstPrice").number(x.worstPrice).key("requested").number(x.requested).key("unfilled").number(x.unfilled);
    w.key("levels").number(static_cast<double>(x.levels)).key("insuranceFundChange").number(x.insuranceFundChange);
    w.key("insuranceFundAfter").number(x.insuranceFundAfter).key("fundTakeover").number(x.fundTakeover);
    w.key("adlQuantity").number(x.adlQuantity).key("carried").number(x.carried).end();
  }
  w.end();
  w.key("averagePrice").number(u.averagePrice).key("bankruptcyPrice").number(u.bankruptcyPrice);
  w.key("liquidationPrice").number(u.liquidationPrice).key("insuranceFundChange").number(u.insuranceFundChange);
  w.key("insuranceFundAfter").number(u.insuranceFundAfter).key("unfilled").number(u.unfilled);
  w.key("autoDeleveraging").boolean(u.autoDeleveraging).key("quantity").number(u.quantity);
  w.key("filled").number(u.filled).key("worstPrice").number(u.worstPrice).key("depthModel").boolean(u.depthModel);
  w.key("adlSlice").optional(u.adlSlice ? std::optional<double>(static_cast<double>(*u.adlSlice)) : std::nullopt);
  w.key("adlThresholdPrice").optional(u.adlThresholdPrice);
  w.key("fundTakeover").number(u.fundTakeover).key("adlQuantity").number(u.adlQuantity);
  w.key("partialLiquidation").boolean(u.partialLiquidation).key("remaining").number(u.remaining);
  w.key("backstop").boolean(u.backstop).key("stepDownOrders").number(static_cast<double>(u.stepDownOrders));
}

}  // namespace

val odds(const val& scenario, const val& request, const val& options) {
  return answerRequest<OddsRequest>(
      scenario, request, readDescribed<OddsRequest>, [](const Scenario& s, const OddsRequest& r) { return validate(s, r); },
      [&](const Scenario& s, const OddsRequest& r) {
        auto result = liquidationOdds(s, r);
        if (!result) return errorsOnly(result.errors);
        const bool steps = wantsSteps(options);
        if (steps) explain(s, r, *result.value);
        return answer([&](JsWriter& w) {
          w.key("probability");
          writeByMode(w, result.value->probability, [&](const std::optional<double>& p) { w.optional(p); });
          w.key("volatility").number(result.value->volatility);
          w.key("liquidationPriceAtHorizon");
          writeByMode(w, result.value->liquidationPriceAtHorizon, [&](const std::optional<double>& p) { w.optional(p); });
          w.key("exact").boolean(result.value->exact);
          if (steps) w.key("steps").steps(result.value->steps);
        });
      });
}

val monteCarloChunk(const val& scenario, const val& request, double begin, double end, const val& tally,
                    const val& options) {
  MonteCarloTally given;
  const auto read = [&](Reader& rd, const val& v, MonteCarloRequest& q) {
    readDescribed(rd, v, q);
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
        auto result =
            monteCarlo(s, r, static_cast<std::size_t>(begin), static_cast<std::size_t>(end), std::move(given));
        if (!result) return errorsOnly(result.errors);
        const bool steps = wantsSteps(options);
        if (steps) explain(s, r, *result.value);
        return answer([&](JsWriter& w) {
          writeTally(w, *result.value);
          if (steps) w.key("steps").steps(result.value->steps);
        });
      });
}

namespace {

void writeTail(JsWriter& w, const char* key, const TailEstimate& t) {
  w.key(key).object().key("value").number(t.value).key("standardError").number(t.standardError).end();
}

void writeVar(JsWriter& w, const VarResult& v) {
  w.key("paths").number(static_cast<double>(v.paths)).key("sections").number(static_cast<double>(v.sections));
  w.key("levels").array();
  for (double x : v.levels) w.number(x);
  w.end();
  w.key("loss");
  writeByMode(w, v.loss, [&](const LossMeasures& m) {
    w.object();
    writeTail(w, "var99", m.var99);
    writeTail(w, "var975", m.var975);
    writeTail(w, "es99", m.es99);
    writeTail(w, "es975", m.es975);
    w.key("mean").number(m.mean).end();
  });
  w.key("insuranceFund");
  writeByMode(w, v.insuranceFund, [&](const FundLoss& f) {
    w.object().key("quantiles").array();
    for (double x : f.quantiles) w.number(x);
    w.end();
    w.key("probability").number(f.probability).key("mean").number(f.mean).end();
  });
}

}  // namespace

val valueAtRisk(const val& scenario, const val& request, const val& options) {
  return answerRequest<MonteCarloRequest>(
      scenario, request, readDescribed<MonteCarloRequest>,
      [](const Scenario& s, const MonteCarloRequest& r) { return validateValueAtRisk(s, r); },
      [&](const Scenario& s, const MonteCarloRequest& r) {
        auto result = marginlab::valueAtRisk(s, r);
        if (!result) return errorsOnly(result.errors);
        const bool steps = wantsSteps(options);
        if (steps) explain(s, r, *result.value);
        return answer([&](JsWriter& w) {
          writeVar(w, *result.value);
          if (steps) w.key("steps").steps(result.value->steps);
        });
      });
}

val unwindPosition(const val& scenario, const val& request, const val& options) {
  return answerRequest<UnwindRequest>(
      scenario, request, readDescribed<UnwindRequest>, [](const Scenario& s, const UnwindRequest& r) { return validate(s, r); },
      [&](const Scenario& s, const UnwindRequest& r) {
        auto result = unwind(s, r);
        if (!result) return errorsOnly(result.errors);
        const bool steps = wantsSteps(options);
        if (steps) explain(s, r, *result.value);
        return answer([&](JsWriter& w) {
          writeUnwind(w, *result.value);
          if (steps) w.key("steps").steps(result.value->steps);
        });
      });
}

}  // namespace mljs

// ---------------------------------------------------------------------------------------------
// The ADL queue (adl.h): lab.adlRank(scenario, request, options).

namespace mljs {

namespace {

void writeAdl(JsWriter& w, const AdlRankResult& a) {
  w.key("pnlPercent").number(a.pnlPercent).key("leverage").number(a.leverage).key("score").number(a.score);
  w.key("quantile").number(a.quantile).key("lights").number(static_cast<double>(a.lights));
  w.key("pnlQuantiles").array();
  for (double x : a.pnlQuantiles) w.number(x);
  w.end();
  w.key("leverageQuantiles").array();
  for (double x : a.leverageQuantiles) w.number(x);
  w.end();
}

}  // namespace

val adlRank(const val& scenario, const val& request, const val& options) {
  return answer(scenario, request, options, AdlRequest{}, readDescribed<AdlRequest>,
                [](const Scenario& s, const AdlRequest& r) { return marginlab::adlRank(s, r); }, writeAdl);
}

}  // namespace mljs
