// SPDX-License-Identifier: MIT
// MarginLab JS boundary: a venue's contract specification applied to a number (venue.h): a price on
// the venue's tick, a size in its whole lots. Small requests read field by field.
#include <emscripten/val.h>

#include <string>

#include "convert.h"
#include "marginlab/check.h"
#include "marginlab/venue.h"

namespace mljs {

using emscripten::val;

namespace {

std::string kindOf(const val& v) {
  if (v.isNull()) return "null";
  if (v.isArray()) return "an array";
  return "a " + v.typeOf().as<std::string>();
}

/// request[key] as a number; a missing required field or a wrong type is an error at `key`.
double number(const val& request, const char* key, marginlab::Checker& c, bool required, double fallback = 0) {
  const val v = request[key];
  if (v.isUndefined()) {
    if (required) c.fail(key, "missing");
    return fallback;
  }
  if (!v.isNumber()) {
    c.fail(key, "wrongType", {{"expected", std::string("a number")}, {"actual", kindOf(v)}});
    return fallback;
  }
  return v.as<double>();
}

/// request[key] as one of `accepted` (", "-separated); absent: `fallback`.
std::string choice(const val& request, const char* key, marginlab::Checker& c, const std::string& fallback, const std::string& accepted) {
  const val v = request[key];
  if (v.isUndefined()) return fallback;
  if (!v.isString()) {
    c.fail(key, "wrongType", {{"expected", std::string("a string")}, {"actual", kindOf(v)}});
    return fallback;
  }
  const std::string s = v.as<std::string>();
  if (s.size() > 40 || (", " + accepted + ",").find(", " + s + ",") == std::string::npos)
    c.fail(key, "unknownValue", {{"value", s.substr(0, 32)}, {"accepted", accepted}});
  return s;
}

val answer(const std::vector<marginlab::InputError>& errors) {
  val out = val::object();
  out.set("errors", toJs(errors));
  return out;
}

}  // namespace

val tickPrice(const val& request, const val& options) {
  marginlab::Checker c;
  marginlab::TickRequest r;
  const std::string rules = choice(request, "rules", c, "binance", "binance, bybit, bybit-uta, okx, hyperliquid, bitmex, dydx, simple");
  if (auto parsed = marginlab::parseRules(rules)) r.rules = *parsed;
  r.side = choice(request, "side", c, "long", "long, short") == "short" ? marginlab::Side::Short : marginlab::Side::Long;
  r.price = number(request, "price", c, true);
  r.tickSize = number(request, "tickSize", c, true);
  const double sigFigs = number(request, "priceSigFigs", c, false);
  if (!c.ok()) return answer(c.errors);
  if (!c.whole("priceSigFigs", sigFigs, 0, 17)) return answer(c.errors);
  r.sigFigs = static_cast<int>(sigFigs);
  marginlab::TickResult result = marginlab::roundToTick(r);
  if (options["explain"].as<bool>()) marginlab::explain(r, result);
  if (!result.errors.empty()) return answer(result.errors);
  val out = answer({});
  out.set("price", result.price);
  out.set("exact", result.exact);
  out.set("decimals", result.decimals);
  out.set("rounding", std::string(result.rounding == marginlab::TickRounding::Nearest ? "nearest" : "conservative"));
  if (!result.steps.empty()) out.set("steps", toJs(result.steps));
  return out;
}

val wholeLots(const val& request, const val& options) {
  marginlab::Checker c;
  marginlab::LotRequest r;
  r.contract = choice(request, "contract", c, "linear", "linear, inverse") == "inverse" ? marginlab::Contract::Inverse
                                                                                      : marginlab::Contract::Linear;
  r.quantity = number(request, "quantity", c, true);
  r.lotSize = number(request, "lotSize", c, true);
  r.contractSize = number(request, "contractSize", c, false, 1);
  const val base = request["baseAsset"];
  if (base.isString()) r.baseAsset = base.as<std::string>().substr(0, marginlab::kMaxSymbolLength + 1);
  else if (!base.isUndefined()) c.fail("baseAsset", "wrongType", {{"expected", std::string("a string")}, {"actual", kindOf(base)}});
  if (!c.ok()) return answer(c.errors);
  marginlab::LotResult result = marginlab::wholeLots(r);
  if (options["explain"].as<bool>()) marginlab::explain(r, result);
  if (!result.errors.empty()) return answer(result.errors);
  val out = answer({});
  out.set("quantity", result.quantity);
  out.set("lots", result.lots);
  out.set("decimals", result.decimals);
  out.set("unit", result.unit);
  if (!result.steps.empty()) out.set("steps", toJs(result.steps));
  return out;
}

}  // namespace mljs
