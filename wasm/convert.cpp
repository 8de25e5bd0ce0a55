// SPDX-License-Identifier: MIT
// MarginLab JS boundary: plain JS objects to core types and back, field by field, with a
// path-specific error for every wrong or missing field. No formula lives here.
#include "convert.h"
#include "reader.h"
#include "transfer.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>

#include "marginlab/format.h"
#include "marginlab/validate.h"

namespace mljs {

using emscripten::val;
using namespace marginlab;

namespace {

/// Largest number of tier tables read from one scenario.
constexpr std::size_t kMaxTierTables = 200;

std::string acceptedRules() {
  std::string out;
  for (std::string_view name : kRuleNames) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

constexpr const char* kPositionKeys[] = {"symbol",      "contract", "contractSize", "side",       "quantity",
                                         "entryPrice",  "markPrice", "leverage",     "marginMode", "isolatedMargin"};

/// The fields of positions[i], in the order of kPositionKeys.
void readPosition(Reader& r, const Field* f, std::size_t i, Position& p) {
  const std::string_view at = "positions";
  if (const auto s = r.string(f[0], {at, i, "symbol"}, true)) p.symbol = *s;
  if (const auto c = r.choice<Contract>(f[1], {at, i, "contract"}, false, parseContract, "linear, inverse"))
    p.contract = *c;
  if (const auto x = r.number(f[2], {at, i, "contractSize"}, false)) p.contractSize = *x;
  if (const auto s = r.choice<Side>(f[3], {at, i, "side"}, true, parseSide, "long, short")) p.side = *s;
  if (const auto x = r.number(f[4], {at, i, "quantity"}, true)) p.quantity = *x;
  if (const auto x = r.number(f[5], {at, i, "entryPrice"}, true)) p.entryPrice = *x;
  p.markPrice = r.number(f[6], {at, i, "markPrice"}, false);
  if (const auto x = r.number(f[7], {at, i, "leverage"}, false)) p.leverage = *x;
  p.marginMode =
      r.choice<MarginMode>(f[8], {at, i, "marginMode"}, false, parseMarginMode, "isolated, cross");
  p.isolatedMargin = r.number(f[9], {at, i, "isolatedMargin"}, false);
}

constexpr const char* kTierKeys[] = {"notionalCap", "maxLeverage", "maintenanceMarginRate",
                                     "maintenanceAmount"};

void readTiers(Reader& r, const Field& tiers, Scenario& s) {
  if (tiers.kind != Kind::Object) {
    r.add("tiers", ErrorCode::WrongType,
          "tiers must be an object keyed by symbol, not " + std::string(typeName(tiers)));
    return;
  }
  const val object = val::global("Object");
  const val keys = object.call<val>("keys", tiers.value);
  const auto count = static_cast<std::size_t>(fieldOf(keys).number);
  if (count > kMaxTierTables) {
    r.add("tiers", ErrorCode::TooMany,
          "tiers has " + std::to_string(count) + " tables; at most " +
              std::to_string(kMaxTierTables) + " are accepted");
    return;
  }
  const std::vector<Field> symbols = readElements(keys, count);
  const std::vector<Field> tables = readElements(object.call<val>("values", tiers.value), count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::string symbol = symbols[i].string();
    const std::string path = "tiers." + symbol;
    const Field& rows = tables[i];
    if (rows.kind != Kind::Array) {
      r.add(path, ErrorCode::WrongType, path + " must be an array of tier rows, not " + std::string(typeName(rows)));
      continue;
    }
    const auto n = static_cast<std::size_t>(rows.number);
    if (n > kMaxTierRows) {
      r.add(path, ErrorCode::TooMany,
            path + " has " + std::to_string(n) + " rows; at most " + std::to_string(kMaxTierRows) + " are accepted");
      continue;
    }
    TierTable table(n);
    constexpr std::size_t kStride = std::size(kTierKeys) + 1;
    const std::vector<Field> cells = readTable(rows.value, n, kTierKeys);
    for (std::size_t j = 0; j < n; ++j) {
      const Field& row = cells[j * kStride];
      if (row.kind != Kind::Object) {
        const std::string rowPath = path + "[" + std::to_string(j) + "]";
        r.add(rowPath, ErrorCode::WrongType, rowPath + " must be an object, not " + std::string(typeName(row)));
        continue;
      }
      const Field* f = &cells[j * kStride + 1];
      if (const auto x = r.number(f[0], {path, j, "notionalCap"}, true)) table[j].notionalCap = *x;
      if (const auto x = r.number(f[1], {path, j, "maxLeverage"}, true)) table[j].maxLeverage = *x;
      table[j].maintenanceMarginRate = r.number(f[2], {path, j, "maintenanceMarginRate"}, false);
      table[j].maintenanceAmount = r.number(f[3], {path, j, "maintenanceAmount"}, false);
    }
    s.tiers[symbol] = std::move(table);
  }
}

void write(JsWriter& w, const std::vector<InputError>& errors) {
  w.array();
  for (const InputError& e : errors)
    w.object().key("path").string(e.path).key("code").string(toString(e.code)).key("message").string(e.message).end();
  w.end();
}

void write(JsWriter& w, const PositionOutcome& p) {
  w.object();
  w.key("mode").string(toString(p.mode));
  w.key("liquidationPrice").optional(p.liquidationPrice);
  w.key("bankruptcyPrice").optional(p.bankruptcyPrice);
  w.key("notional").number(p.notional);
  w.key("initialMargin").number(p.initialMargin);
  w.key("maintenanceMargin").number(p.maintenanceMargin);
  w.key("maintenanceMarginRate").number(p.maintenanceMarginRate);
  w.key("tier").number(p.tier);
  w.key("liquidationTier");
  if (p.liquidationTier) w.number(*p.liquidationTier);
  else w.null();
  w.key("unrealizedPnl").number(p.unrealizedPnl);
  w.key("roe").number(p.roe);
  w.key("margin").number(p.margin);
  w.key("marginRatio").optional(p.marginRatio);
  w.key("distanceToLiquidation").optional(p.distanceToLiquidation);
  w.key("maxLoss").number(p.maxLoss);
  w.key("tierBoundaries").array();
  for (const TierBoundary& b : p.tierBoundaries)
    w.object().key("price").number(b.price).key("notional").number(b.notional).key("tier").number(b.tier).end();
  w.end();
  w.key("steps").steps(p.steps);
  w.end();
}

void write(JsWriter& w, const Outcome& outcome) {
  w.object().key("positions").array();
  for (const PositionOutcome& p : outcome.positions) write(w, p);
  w.end();
  const AccountOutcome& a = outcome.account;
  w.key("account").object();
  w.key("equity").number(a.equity);
  w.key("maintenanceMargin").number(a.maintenanceMargin);
  w.key("marginRatio").optional(a.marginRatio);
  w.key("availableBalance").number(a.availableBalance);
  w.key("maxLoss").number(a.maxLoss);
  w.key("steps").steps(a.steps);
  w.end().end();
}

void write(JsWriter& w, const Report& report) {
  w.object();
  if (report.isolated) write(w.key("isolated"), *report.isolated);
  if (report.cross) write(w.key("cross"), *report.cross);
  if (report.asGiven) write(w.key("asGiven"), *report.asGiven);
  if (report.isolated && report.cross) {
    w.key("comparisons").array();
    for (const Comparison& c : report.comparisons) {
      w.object();
      w.key("position").number(static_cast<double>(c.position));
      w.key("isolatedDistance").optional(c.isolatedDistance);
      w.key("crossDistance").optional(c.crossDistance);
      w.key("distanceGain").optional(c.distanceGain);
      w.key("isolatedMaxLoss").number(c.isolatedMaxLoss);
      w.key("crossMaxLoss").number(c.crossMaxLoss);
      w.key("steps").steps(c.steps);
      w.end();
    }
    w.end();
  }
  write(w.key("errors"), report.errors);
  w.end();
}

void write(JsWriter& w, const TierTable& table) {
  w.array();
  for (const Tier& t : table) {
    w.object().key("notionalCap").number(t.notionalCap).key("maxLeverage").number(t.maxLeverage);
    if (t.maintenanceMarginRate) w.key("maintenanceMarginRate").number(*t.maintenanceMarginRate);
    if (t.maintenanceAmount) w.key("maintenanceAmount").number(*t.maintenanceAmount);
    w.end();
  }
  w.end();
}

void write(JsWriter& w, const Scenario& s) {
  w.object();
  w.key("version").number(s.version);
  w.key("rules").string(toString(s.rules));
  w.key("walletBalance").number(s.walletBalance);
  if (s.takerFeeRate) w.key("takerFeeRate").number(*s.takerFeeRate);
  w.key("positions").array();
  for (const Position& p : s.positions) {
    w.object();
    w.key("symbol").string(p.symbol);
    w.key("contract").string(toString(p.contract));
    w.key("contractSize").number(p.contractSize);
    w.key("side").string(toString(p.side));
    w.key("quantity").number(p.quantity);
    w.key("entryPrice").number(p.entryPrice);
    if (p.markPrice) w.key("markPrice").number(*p.markPrice);
    w.key("leverage").number(p.leverage);
    if (p.marginMode) w.key("marginMode").string(toString(*p.marginMode));
    if (p.isolatedMargin) w.key("isolatedMargin").number(*p.isolatedMargin);
    w.end();
  }
  w.end();
  if (!s.tiers.empty()) {
    w.key("tiers").object();
    for (const auto& [symbol, table] : s.tiers) write(w.key(std::string_view(symbol)), table);
    w.end();
  }
  w.end();
}

void write(JsWriter& w, const DefaultTierTable& table) {
  w.object();
  w.key("rules").string(toString(table.rules));
  w.key("symbols").array();
  for (const std::string& symbol : table.symbols) w.string(symbol);
  w.end();
  write(w.key("tiers"), table.tiers);
  w.key("source").string(table.source);
  w.key("date").string(table.date);
  w.end();
}

/// One writer for every conversion: its buffers keep their capacity from call to call.
template <class T>
val written(const T& value) {
  static JsWriter writer;
  write(writer, value);
  return writer.take();
}

}  // namespace

val toJs(const std::vector<Step>& steps) {
  static JsWriter writer;
  return writer.steps(steps).take();
}

Result<Scenario> toScenario(const val& v) {
  Reader r;
  Scenario s;
  Result<Scenario> out;
  const Field root = fieldOf(v);
  if (root.kind != Kind::Object) {
    r.add("", ErrorCode::WrongType, "the scenario must be an object, not " + std::string(typeName(root)));
    out.errors = std::move(r.errors);
    return out;
  }
  // Every error at once: the core's range checks run on the fields that did convert; a field
  // that did not convert keeps its default and only its conversion error is reported.
  auto finish = [&](Scenario&& scenario) {
    const std::vector<InputError> conversion = r.errors;
    for (InputError& e : validate(scenario))
      if (!shadowed(e, conversion)) r.errors.push_back(std::move(e));
    out.errors = std::move(r.errors);
    if (out.errors.empty()) out.value = std::move(scenario);
  };
  static constexpr const char* kKeys[] = {"version", "rules", "walletBalance", "takerFeeRate", "positions", "tiers"};
  const auto f = readFields(v, kKeys);
  if (const auto version = r.number(f[0], "version", false)) {
    if (std::trunc(*version) == *version && std::abs(*version) < 1e9) {
      s.version = static_cast<int>(*version);  // validate() says which versions are read
    } else {
      r.add("version", ErrorCode::Unsupported, "version (" + formatNumber(*version) + ") must be the integer 1");
    }
  }
  static const std::string accepted = acceptedRules();
  if (const auto rules = r.choice<Rules>(f[1], "rules", false, parseRules, accepted.c_str())) s.rules = *rules;
  if (const auto w = r.number(f[2], "walletBalance", true)) s.walletBalance = *w;
  s.takerFeeRate = r.number(f[3], "takerFeeRate", false);
  const Field& positions = f[4];
  if (positions.kind == Kind::Undefined) {
    r.add("positions", ErrorCode::Missing, "positions is required");
  } else if (positions.kind != Kind::Array) {
    r.add("positions", ErrorCode::WrongType,
          "positions must be an array, not " + std::string(typeName(positions)));
  } else {
    const auto n = static_cast<std::size_t>(positions.number);
    if (n > kMaxPositions) {
      r.add("positions", ErrorCode::TooMany,
            "positions has " + std::to_string(n) + " entries; at most " +
                std::to_string(kMaxPositions) + " are accepted");
    } else if (n == 0) {
      r.add("positions", ErrorCode::Empty, "positions must hold at least one position");
    } else {
      s.positions.resize(n);
      constexpr std::size_t kStride = std::size(kPositionKeys) + 1;
      const std::vector<Field> cells = readTable(positions.value, n, kPositionKeys);
      for (std::size_t i = 0; i < n; ++i) {
        const Field& p = cells[i * kStride];
        if (p.kind != Kind::Object) {
          const std::string path = "positions[" + std::to_string(i) + "]";
          r.add(path, ErrorCode::WrongType, path + " must be an object, not " + std::string(typeName(p)));
          continue;
        }
        readPosition(r, &cells[i * kStride + 1], i, s.positions[i]);
      }
    }
  }
  if (f[5].kind != Kind::Undefined && f[5].kind != Kind::Null) readTiers(r, f[5], s);
  if (r.errors.empty()) {
    out.value = std::move(s);  // evaluate() validates it
  } else {
    finish(std::move(s));
  }
  return out;
}

Result<BatchRequest> toBatchRequest(const val& v) {
  Reader r;
  Result<BatchRequest> out;
  BatchRequest b;
  if (!isObject(v)) {
    out.errors.push_back({"request", ErrorCode::WrongType, "request must be an object, not " + typeName(v)});
    return out;
  }
  static const std::string accepted = acceptedRules();
  if (const auto rules = r.choice<Rules>(v, "rules", "request.rules", false, parseRules, accepted.c_str())) b.rules = *rules;
  if (const auto c = r.choice<Contract>(v, "contract", "request.contract", false, parseContract, "linear, inverse")) b.contract = *c;
  if (const auto x = r.number(v, "contractSize", "request.contractSize", false)) b.contractSize = *x;
  b.takerFeeRate = r.number(v, "takerFeeRate", "request.takerFeeRate", false);
  // The rows are read as a one-symbol tier table, then their paths are given back.
  Scenario holder;
  val keyed = val::object();
  keyed.set("T", v["tiers"]);
  if (v["tiers"].isUndefined()) r.add("request.tiers", ErrorCode::Missing, "request.tiers is required");
  else readTiers(r, fieldOf(keyed), holder);
  for (InputError& e : r.errors)
    if (e.path.rfind("tiers.T", 0) == 0) e.path = "request.tiers" + e.path.substr(7);
  for (InputError& e : r.errors)
    if (e.message.rfind("tiers.T", 0) == 0) e.message = "request.tiers" + e.message.substr(7);
  if (auto it = holder.tiers.find("T"); it != holder.tiers.end()) b.tiers = it->second;
  out.errors = std::move(r.errors);
  if (out.errors.empty()) out.value = std::move(b);
  return out;
}

val toJs(const std::vector<InputError>& errors) { return written(errors); }
val toJs(const Report& report) { return written(report); }
val toJs(const Scenario& s) { return written(s); }
val toJs(const DefaultTierTable& table) { return written(table); }

}  // namespace mljs
