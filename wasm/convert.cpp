// SPDX-License-Identifier: MIT
// MarginLab JS boundary: plain JS objects to core types and back, field by field, with a
// path-specific error for every wrong or missing field. No formula lives here.
#include "convert.h"
#include "reader.h"

#include <algorithm>
#include <cmath>
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

void readPosition(Reader& r, const val& v, const std::string& path, Position& p) {
  if (const auto s = r.string(v, "symbol", path + ".symbol", true)) p.symbol = *s;
  if (const auto c = r.choice<Contract>(v, "contract", path + ".contract", false, parseContract, "linear, inverse"))
    p.contract = *c;
  if (const auto x = r.number(v, "contractSize", path + ".contractSize", false)) p.contractSize = *x;
  if (const auto s = r.choice<Side>(v, "side", path + ".side", true, parseSide, "long, short")) p.side = *s;
  if (const auto x = r.number(v, "quantity", path + ".quantity", true)) p.quantity = *x;
  if (const auto x = r.number(v, "entryPrice", path + ".entryPrice", true)) p.entryPrice = *x;
  p.markPrice = r.number(v, "markPrice", path + ".markPrice", false);
  if (const auto x = r.number(v, "leverage", path + ".leverage", false)) p.leverage = *x;
  p.marginMode = r.choice<MarginMode>(v, "marginMode", path + ".marginMode", false, parseMarginMode, "isolated, cross");
  p.isolatedMargin = r.number(v, "isolatedMargin", path + ".isolatedMargin", false);
}

void readTiers(Reader& r, const val& tiers, Scenario& s) {
  if (!isObject(tiers)) {
    r.add("tiers", ErrorCode::WrongType, "tiers must be an object keyed by symbol, not " + typeName(tiers));
    return;
  }
  const val keys = val::global("Object").call<val>("keys", tiers);
  const std::size_t count = keys["length"].as<std::size_t>();
  if (count > kMaxTierTables) {
    r.add("tiers", ErrorCode::TooMany,
          "tiers has " + std::to_string(count) + " tables; at most " + std::to_string(kMaxTierTables) + " are accepted");
    return;
  }
  for (std::size_t i = 0; i < count; ++i) {
    const std::string symbol = keys[i].as<std::string>();
    const std::string path = "tiers." + symbol;
    const val rows = tiers[symbol];
    if (!isArray(rows)) {
      r.add(path, ErrorCode::WrongType, path + " must be an array of tier rows, not " + typeName(rows));
      continue;
    }
    const std::size_t n = rows["length"].as<std::size_t>();
    if (n > kMaxTierRows) {
      r.add(path, ErrorCode::TooMany,
            path + " has " + std::to_string(n) + " rows; at most " + std::to_string(kMaxTierRows) + " are accepted");
      continue;
    }
    TierTable table(n);
    for (std::size_t j = 0; j < n; ++j) {
      const std::string rowPath = path + "[" + std::to_string(j) + "]";
      const val row = rows[j];
      if (!isObject(row)) {
        r.add(rowPath, ErrorCode::WrongType, rowPath + " must be an object, not " + typeName(row));
        continue;
      }
      if (const auto x = r.number(row, "notionalCap", rowPath + ".notionalCap", true)) table[j].notionalCap = *x;
      if (const auto x = r.number(row, "maxLeverage", rowPath + ".maxLeverage", true)) table[j].maxLeverage = *x;
      table[j].maintenanceMarginRate = r.number(row, "maintenanceMarginRate", rowPath + ".maintenanceMarginRate", false);
      table[j].maintenanceAmount = r.number(row, "maintenanceAmount", rowPath + ".maintenanceAmount", false);
    }
    s.tiers[symbol] = std::move(table);
  }
}

val optionalNumber(const std::optional<double>& x) { return x ? val(*x) : val::null(); }

}  // namespace
val toJs(const std::vector<Step>& steps);
namespace {

val toJs(const PositionOutcome& p) {
  val o = val::object();
  o.set("mode", std::string(toString(p.mode)));
  o.set("liquidationPrice", optionalNumber(p.liquidationPrice));
  o.set("bankruptcyPrice", optionalNumber(p.bankruptcyPrice));
  o.set("notional", p.notional);
  o.set("initialMargin", p.initialMargin);
  o.set("maintenanceMargin", p.maintenanceMargin);
  o.set("maintenanceMarginRate", p.maintenanceMarginRate);
  o.set("tier", p.tier);
  o.set("liquidationTier", p.liquidationTier ? val(*p.liquidationTier) : val::null());
  o.set("unrealizedPnl", p.unrealizedPnl);
  o.set("roe", p.roe);
  o.set("margin", p.margin);
  o.set("marginRatio", optionalNumber(p.marginRatio));
  o.set("distanceToLiquidation", optionalNumber(p.distanceToLiquidation));
  o.set("maxLoss", p.maxLoss);
  val boundaries = val::array();
  for (std::size_t i = 0; i < p.tierBoundaries.size(); ++i) {
    val b = val::object();
    b.set("price", p.tierBoundaries[i].price);
    b.set("notional", p.tierBoundaries[i].notional);
    b.set("tier", p.tierBoundaries[i].tier);
    boundaries.set(i, b);
  }
  o.set("tierBoundaries", boundaries);
  o.set("steps", mljs::toJs(p.steps));
  return o;
}

val toJs(const Outcome& outcome) {
  val positions = val::array();
  for (std::size_t i = 0; i < outcome.positions.size(); ++i) positions.set(i, toJs(outcome.positions[i]));
  const AccountOutcome& a = outcome.account;
  val account = val::object();
  account.set("equity", a.equity);
  account.set("maintenanceMargin", a.maintenanceMargin);
  account.set("marginRatio", optionalNumber(a.marginRatio));
  account.set("availableBalance", a.availableBalance);
  account.set("maxLoss", a.maxLoss);
  account.set("steps", mljs::toJs(a.steps));
  val o = val::object();
  o.set("positions", positions);
  o.set("account", account);
  return o;
}

}  // namespace

val toJs(const std::vector<Step>& steps) {
  val out = val::array();
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    val o = val::object();
    o.set("field", s.field);
    o.set("label", s.label);
    o.set("formula", s.formula);
    o.set("substituted", s.substituted);
    o.set("value", optionalNumber(s.value));
    out.set(i, o);
  }
  return out;
}

Result<Scenario> toScenario(const val& v) {
  Reader r;
  Scenario s;
  Result<Scenario> out;
  if (!isObject(v)) {
    r.add("", ErrorCode::WrongType, "the scenario must be an object, not " + typeName(v));
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
  if (const auto version = r.number(v, "version", "version", false)) {
    if (std::trunc(*version) == *version && std::abs(*version) < 1e9) {
      s.version = static_cast<int>(*version);  // validate() says which versions are read
    } else {
      r.add("version", ErrorCode::Unsupported, "version (" + formatNumber(*version) + ") must be the integer 1");
    }
  }
  static const std::string accepted = acceptedRules();
  if (const auto rules = r.choice<Rules>(v, "rules", "rules", false, parseRules, accepted.c_str())) s.rules = *rules;
  if (const auto w = r.number(v, "walletBalance", "walletBalance", true)) s.walletBalance = *w;
  s.takerFeeRate = r.number(v, "takerFeeRate", "takerFeeRate", false);
  const val positions = v["positions"];
  if (positions.isUndefined()) {
    r.add("positions", ErrorCode::Missing, "positions is required");
  } else if (!isArray(positions)) {
    r.add("positions", ErrorCode::WrongType, "positions must be an array, not " + typeName(positions));
  } else {
    const std::size_t n = positions["length"].as<std::size_t>();
    if (n > kMaxPositions) {
      r.add("positions", ErrorCode::TooMany,
            "positions has " + std::to_string(n) + " entries; at most " + std::to_string(kMaxPositions) + " are accepted");
    } else if (n == 0) {
      r.add("positions", ErrorCode::Empty, "positions must hold at least one position");
    } else {
      s.positions.resize(n);
      for (std::size_t i = 0; i < n; ++i) {
        const std::string path = "positions[" + std::to_string(i) + "]";
        const val p = positions[i];
        if (!isObject(p)) {
          r.add(path, ErrorCode::WrongType, path + " must be an object, not " + typeName(p));
          continue;
        }
        readPosition(r, p, path, s.positions[i]);
      }
    }
  }
  const val tiers = v["tiers"];
  if (!tiers.isUndefined() && !tiers.isNull()) readTiers(r, tiers, s);
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
  else readTiers(r, keyed, holder);
  for (InputError& e : r.errors)
    if (e.path.rfind("tiers.T", 0) == 0) e.path = "request.tiers" + e.path.substr(7);
  for (InputError& e : r.errors)
    if (e.message.rfind("tiers.T", 0) == 0) e.message = "request.tiers" + e.message.substr(7);
  if (auto it = holder.tiers.find("T"); it != holder.tiers.end()) b.tiers = it->second;
  out.errors = std::move(r.errors);
  if (out.errors.empty()) out.value = std::move(b);
  return out;
}

val toJs(const std::vector<InputError>& errors) {
  val out = val::array();
  for (std::size_t i = 0; i < errors.size(); ++i) {
    val e = val::object();
    e.set("path", errors[i].path);
    e.set("code", std::string(toString(errors[i].code)));
    e.set("message", errors[i].message);
    out.set(i, e);
  }
  return out;
}

val toJs(const Report& report) {
  val o = val::object();
  if (report.isolated) o.set("isolated", toJs(*report.isolated));
  if (report.cross) o.set("cross", toJs(*report.cross));
  if (report.asGiven) o.set("asGiven", toJs(*report.asGiven));
  if (report.isolated && report.cross) {
    val comparisons = val::array();
    for (std::size_t i = 0; i < report.comparisons.size(); ++i) {
      const Comparison& c = report.comparisons[i];
      val e = val::object();
      e.set("position", static_cast<double>(c.position));
      e.set("isolatedDistance", optionalNumber(c.isolatedDistance));
      e.set("crossDistance", optionalNumber(c.crossDistance));
      e.set("distanceGain", optionalNumber(c.distanceGain));
      e.set("isolatedMaxLoss", c.isolatedMaxLoss);
      e.set("crossMaxLoss", c.crossMaxLoss);
      e.set("steps", toJs(c.steps));
      comparisons.set(i, e);
    }
    o.set("comparisons", comparisons);
  }
  o.set("errors", toJs(report.errors));
  return o;
}

val toJs(const Scenario& s) {
  val o = val::object();
  o.set("version", s.version);
  o.set("rules", std::string(toString(s.rules)));
  o.set("walletBalance", s.walletBalance);
  if (s.takerFeeRate) o.set("takerFeeRate", *s.takerFeeRate);
  val positions = val::array();
  for (std::size_t i = 0; i < s.positions.size(); ++i) {
    const Position& p = s.positions[i];
    val q = val::object();
    q.set("symbol", p.symbol);
    q.set("contract", std::string(toString(p.contract)));
    q.set("contractSize", p.contractSize);
    q.set("side", std::string(toString(p.side)));
    q.set("quantity", p.quantity);
    q.set("entryPrice", p.entryPrice);
    if (p.markPrice) q.set("markPrice", *p.markPrice);
    q.set("leverage", p.leverage);
    if (p.marginMode) q.set("marginMode", std::string(toString(*p.marginMode)));
    if (p.isolatedMargin) q.set("isolatedMargin", *p.isolatedMargin);
    positions.set(i, q);
  }
  o.set("positions", positions);
  if (!s.tiers.empty()) {
    val tiers = val::object();
    for (const auto& [symbol, table] : s.tiers) {
      val rows = val::array();
      for (std::size_t j = 0; j < table.size(); ++j) {
        val row = val::object();
        row.set("notionalCap", table[j].notionalCap);
        row.set("maxLeverage", table[j].maxLeverage);
        if (table[j].maintenanceMarginRate) row.set("maintenanceMarginRate", *table[j].maintenanceMarginRate);
        if (table[j].maintenanceAmount) row.set("maintenanceAmount", *table[j].maintenanceAmount);
        rows.set(j, row);
      }
      tiers.set(symbol, rows);
    }
    o.set("tiers", tiers);
  }
  return o;
}

val toJs(const DefaultTierTable& table) {
  val o = val::object();
  o.set("rules", std::string(toString(table.rules)));
  val symbols = val::array();
  for (std::size_t i = 0; i < table.symbols.size(); ++i) symbols.set(i, table.symbols[i]);
  o.set("symbols", symbols);
  val rows = val::array();
  for (std::size_t i = 0; i < table.tiers.size(); ++i) {
    const Tier& t = table.tiers[i];
    val row = val::object();
    row.set("notionalCap", t.notionalCap);
    row.set("maxLeverage", t.maxLeverage);
    if (t.maintenanceMarginRate) row.set("maintenanceMarginRate", *t.maintenanceMarginRate);
    if (t.maintenanceAmount) row.set("maintenanceAmount", *t.maintenanceAmount);
    rows.set(i, row);
  }
  o.set("tiers", rows);
  o.set("source", table.source);
  o.set("date", table.date);
  return o;
}

}  // namespace mljs
