// SPDX-License-Identifier: MIT
// MarginLab: tier table validation, defaults and lookup.
#include "marginlab/tiers.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "marginlab/check.h"
#include "marginlab/format.h"
#include "marginlab/validate.h"

namespace marginlab {

namespace {

std::string rowPath(std::string_view table, std::size_t row, std::string_view field) {
  std::string path(table);
  path += '[';
  path += std::to_string(row);
  path += "].";
  path += field;
  return path;
}

/// MMR used for a row: given, or hyperliquid's half the initial margin at max leverage.
double rowRate(const Tier& tier, const Profile& profile) noexcept {
  if (tier.maintenanceMarginRate) return *tier.maintenanceMarginRate;
  return profile.rateFromMaxLeverage ? 1.0 / (2.0 * tier.maxLeverage) : 0.0;
}

}  // namespace

namespace {

// Not inlined: one copy, not one per call site (marginlab.wasm is built for size).
[[gnu::noinline]] Param num(std::string_view name, double x) { return {std::string(name), x}; }

/// The checks of one row; `previous*` are the last row's values (NaN: unknown, not compared).
void checkRow(Checker& c, const Tier& t, const Profile& profile, std::string_view path, std::size_t i,
              double previousCap, double previousRate, double previousLeverage, bool& rateOk) {
  auto cap = [&] { return rowPath(path, i, "notionalCap"); };  // built for an error only
  constexpr double kMaxCap = kMaxMagnitude * kMaxMagnitude;
  if (!isValidNumber(t.notionalCap)) c.fail(cap(), "notFinite");
  else if (!(t.notionalCap > 0)) c.fail(cap(), "mustBePositive", {num("value", t.notionalCap)});
  else if (t.notionalCap > kMaxCap) c.fail(cap(), "atMost", {num("value", t.notionalCap), num("limit", kMaxCap)});
  else if (i > 0 && isValidNumber(previousCap) && !(t.notionalCap > previousCap))
    c.fail(cap(), "tierCapUnsorted", {num("value", t.notionalCap), num("previous", previousCap)});
  auto lev = [&] { return rowPath(path, i, "maxLeverage"); };  // built for an error only
  if (!isValidNumber(t.maxLeverage)) c.fail(lev(), "notFinite");
  else if (!(t.maxLeverage >= 1 && t.maxLeverage <= 1000))
    c.fail(lev(), "between", {num("value", t.maxLeverage), num("low", 1), num("high", 1000)});
  else if (i > 0 && isValidNumber(previousLeverage) && t.maxLeverage > previousLeverage)
    c.fail(lev(), "tierLeverageRising", {num("value", t.maxLeverage), num("previous", previousLeverage)});
  auto mmr = [&] { return rowPath(path, i, "maintenanceMarginRate"); };  // built for an error only
  if (!t.maintenanceMarginRate && !profile.rateFromMaxLeverage)
    c.fail(mmr(), "tierRateMissing", {Param{"rules", std::string(toString(profile.rules))}});
  const double rate = rowRate(t, profile);
  const bool rateKnown =
      t.maintenanceMarginRate || (profile.rateFromMaxLeverage && isValidNumber(t.maxLeverage) && t.maxLeverage >= 1);
  rateOk = false;
  if (!rateKnown) {
    // Reported above as missing, or follows from a maxLeverage already reported.
  } else if (!isValidNumber(rate)) {
    c.fail(mmr(), "notFinite");
  } else if (!(rate >= 0 && rate < 1)) {
    c.fail(mmr(), "tierRateRange", {num("value", rate), num("low", 0), num("limit", 1)});
  } else if (i > 0 && isValidNumber(previousRate) && rate < previousRate) {
    c.fail(mmr(), "tierRateFalling", {num("value", rate), num("previous", previousRate)});
  } else {
    rateOk = true;
  }
  if (!t.maintenanceAmount) return;
  auto amt = [&] { return rowPath(path, i, "maintenanceAmount"); };  // built for an error only
  const double a = *t.maintenanceAmount;
  const double floor = i == 0 ? 0.0 : previousCap;
  if (!isValidNumber(a)) c.fail(amt(), "notFinite");
  else if (a < 0) c.fail(amt(), "mustBeNonNegative", {num("value", a)});
  else if (rateOk && isValidNumber(floor) && a > floor * rate * (1 + 1e-9) + 1e-9)
    c.fail(amt(), "tierAmountAboveFloor",
           {num("value", a), num("floor", floor), num("rate", rate), num("limit", floor * rate)});
}

}  // namespace

std::vector<InputError> validateTierTable(const TierTable& table, const Profile& profile,
                                          std::string_view path) {
  Checker c;
  if (table.empty()) {
    c.fail(std::string(path), "tierTableEmpty");
    return std::move(c.errors);
  }
  if (table.size() > kMaxTierRows) {
    c.fail(std::string(path), "tierTableTooMany",
           {num("count", static_cast<double>(table.size())), num("limit", static_cast<double>(kMaxTierRows))});
    return std::move(c.errors);
  }
  double previousCap = 0, previousRate = 0, previousLeverage = 0;
  for (std::size_t i = 0; i < table.size(); ++i) {
    const Tier& t = table[i];
    bool rateOk = false;
    checkRow(c, t, profile, path, i, previousCap, previousRate, previousLeverage, rateOk);
    // A bad field is reported once: the next row is not compared with it.
    constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();
    const bool capOk = isValidNumber(t.notionalCap) && t.notionalCap > 0;
    previousCap = capOk ? t.notionalCap : kUnknown;
    previousRate = rateOk ? rowRate(t, profile) : kUnknown;
    previousLeverage = isValidNumber(t.maxLeverage) && t.maxLeverage >= 1 ? t.maxLeverage : kUnknown;
  }
  return std::move(c.errors);
}

std::vector<ResolvedTier> resolveTiers(const TierTable& table, const Profile& profile) {
  std::vector<ResolvedTier> out;
  appendResolvedTiers(table, profile, out);
  return out;
}

void appendResolvedTiers(const TierTable& table, const Profile& profile, std::vector<ResolvedTier>& out) {
  if (out.capacity() < out.size() + table.size())
    out.reserve(std::max(out.size() + table.size(), 2 * out.capacity()));  // geometric across tables
  double floor = 0, previousRate = 0, previousAmount = 0;
  bool first = true;
  for (const Tier& t : table) {
    ResolvedTier r;
    r.floor = floor;
    r.cap = t.notionalCap;
    r.maxLeverage = t.maxLeverage;
    r.rate = rowRate(t, profile);
    if (t.maintenanceAmount) {
      r.amount = *t.maintenanceAmount;
    } else if (profile.continuousAmounts) {
      // amount_n = floor_n * (rate_n - rate_{n-1}) + amount_{n-1}: MM is continuous at floor_n.
      r.amount = first ? 0.0 : floor * (r.rate - previousRate) + previousAmount;
    }
    previousRate = r.rate;
    previousAmount = r.amount;
    floor = t.notionalCap;
    first = false;
    out.push_back(r);
  }
}

std::size_t tierIndexAt(std::span<const ResolvedTier> tiers, double notional) noexcept {
  for (std::size_t i = 0; i < tiers.size(); ++i)
    if (notional <= tiers[i].cap) return i;
  return tiers.size() - 1;
}

const DefaultTierTable* findDefaultTierTable(Rules rules, std::string_view symbol,
                                             std::optional<Contract> contract) noexcept {
  const DefaultTierTable* wildcard = nullptr;
  for (const DefaultTierTable& table : defaultTierTables()) {
    if (table.rules != rules || (contract && table.contract && *table.contract != *contract)) continue;
    for (const std::string& s : table.symbols) {
      if (s == symbol) return &table;
      if (s == "*") wildcard = &table;
    }
  }
  return wildcard;
}

}  // namespace marginlab
