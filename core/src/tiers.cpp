// SPDX-License-Identifier: MIT
// MarginLab: tier table validation, defaults and lookup.
#include "marginlab/tiers.h"

#include <cmath>
#include <limits>
#include <string>

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

std::vector<InputError> validateTierTable(const TierTable& table, const Profile& profile,
                                          std::string_view path) {
  std::vector<InputError> errors;
  auto add = [&](std::string p, ErrorCode code, std::string message) {
    errors.push_back({std::move(p), code, std::move(message)});
  };
  if (table.empty()) {
    add(std::string(path), ErrorCode::Empty, std::string(path) + " must have at least one row");
    return errors;
  }
  if (table.size() > kMaxTierRows) {
    add(std::string(path), ErrorCode::TooMany,
        std::string(path) + " has " + std::to_string(table.size()) + " rows; at most " +
            std::to_string(kMaxTierRows) + " are accepted");
    return errors;
  }
  double previousCap = 0, previousRate = 0, previousLeverage = 0;
  for (std::size_t i = 0; i < table.size(); ++i) {
    const Tier& t = table[i];
    auto cap = [&] { return rowPath(path, i, "notionalCap"); };  // built for an error only
    if (!isValidNumber(t.notionalCap)) {
      add(cap(), ErrorCode::NotFinite, cap() + " must be a finite number");
    } else if (!(t.notionalCap > 0)) {
      add(cap(), ErrorCode::NotPositive, cap() + " (" + formatNumber(t.notionalCap) + ") must be > 0");
    } else if (t.notionalCap > kMaxMagnitude * kMaxMagnitude) {
      add(cap(), ErrorCode::OutOfRange, cap() + " (" + formatNumber(t.notionalCap) + ") must be <= " +
                                          formatNumber(kMaxMagnitude * kMaxMagnitude));
    } else if (i > 0 && isValidNumber(previousCap) && !(t.notionalCap > previousCap)) {
      add(cap(), ErrorCode::Unsorted,
          cap() + " (" + formatNumber(t.notionalCap) + ") must be greater than the previous row's cap (" +
              formatNumber(previousCap) + "): rows are sorted ascending and do not overlap");
    }
    auto lev = [&] { return rowPath(path, i, "maxLeverage"); };  // built for an error only
    if (!isValidNumber(t.maxLeverage)) {
      add(lev(), ErrorCode::NotFinite, lev() + " must be a finite number");
    } else if (!(t.maxLeverage >= 1 && t.maxLeverage <= 1000)) {
      add(lev(), ErrorCode::OutOfRange,
          lev() + " (" + formatNumber(t.maxLeverage) + ") must be between 1 and 1000");
    } else if (i > 0 && isValidNumber(previousLeverage) && t.maxLeverage > previousLeverage) {
      add(lev(), ErrorCode::OutOfRange,
          lev() + " (" + formatNumber(t.maxLeverage) + ") must be <= the previous row's (" +
              formatNumber(previousLeverage) + "): larger notionals allow less leverage");
    }
    auto mmr = [&] { return rowPath(path, i, "maintenanceMarginRate"); };  // built for an error only
    if (!t.maintenanceMarginRate && !profile.rateFromMaxLeverage) {
      add(mmr(), ErrorCode::Missing,
          mmr() + " is required by the " + std::string(toString(profile.rules)) + " profile");
    }
    const double rate = rowRate(t, profile);
    const bool rateKnown = t.maintenanceMarginRate || (profile.rateFromMaxLeverage && isValidNumber(t.maxLeverage) &&
                                                       t.maxLeverage >= 1);
    bool rateOk = false;
    if (!rateKnown) {
      // Reported above as missing, or follows from a maxLeverage already reported.
    } else if (!isValidNumber(rate)) {
      add(mmr(), ErrorCode::NotFinite, mmr() + " must be a finite number");
    } else if (!(rate >= 0 && rate < 1)) {
      add(mmr(), ErrorCode::OutOfRange, mmr() + " (" + formatNumber(rate) + ") must be >= 0 and < 1");
    } else if (i > 0 && isValidNumber(previousRate) && rate < previousRate) {
      add(mmr(), ErrorCode::OutOfRange,
          mmr() + " (" + formatNumber(rate) + ") must be >= the previous row's (" +
              formatNumber(previousRate) + "): larger notionals need more margin");
    } else {
      rateOk = true;
    }
    if (t.maintenanceAmount) {
      auto amt = [&] { return rowPath(path, i, "maintenanceAmount"); };  // built for an error only
      const double a = *t.maintenanceAmount;
      const double floor = i == 0 ? 0.0 : previousCap;
      if (!isValidNumber(a)) {
        add(amt(), ErrorCode::NotFinite, amt() + " must be a finite number");
      } else if (a < 0) {
        add(amt(), ErrorCode::Negative, amt() + " (" + formatNumber(a) + ") must be >= 0");
      } else if (rateOk && isValidNumber(floor) && a > floor * rate * (1 + 1e-9) + 1e-9) {
        add(amt(), ErrorCode::OutOfRange,
            amt() + " (" + formatNumber(a) + ") must be <= floor * rate (" + formatNumber(floor) +
                " * " + formatNumber(rate) + " = " + formatNumber(floor * rate) +
                ") so that maintenance margin is never negative");
      }
    }
    // A bad field is reported once: the next row is not compared with it.
    constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();
    const bool capOk = isValidNumber(t.notionalCap) && t.notionalCap > 0;
    previousCap = capOk ? t.notionalCap : kUnknown;
    previousRate = rateOk ? rate : kUnknown;
    previousLeverage = isValidNumber(t.maxLeverage) && t.maxLeverage >= 1 ? t.maxLeverage : kUnknown;
  }
  return errors;
}

std::vector<ResolvedTier> resolveTiers(const TierTable& table, const Profile& profile) {
  std::vector<ResolvedTier> out;
  out.reserve(table.size());
  double floor = 0, previousRate = 0, previousAmount = 0;
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
      r.amount = out.empty() ? 0.0 : floor * (r.rate - previousRate) + previousAmount;
    }
    previousRate = r.rate;
    previousAmount = r.amount;
    floor = t.notionalCap;
    out.push_back(r);
  }
  return out;
}

std::size_t tierIndexAt(std::span<const ResolvedTier> tiers, double notional) noexcept {
  for (std::size_t i = 0; i < tiers.size(); ++i)
    if (notional <= tiers[i].cap) return i;
  return tiers.size() - 1;
}

const DefaultTierTable* findDefaultTierTable(Rules rules, std::string_view symbol) noexcept {
  const DefaultTierTable* wildcard = nullptr;
  for (const DefaultTierTable& table : defaultTierTables()) {
    if (table.rules != rules) continue;
    for (const std::string& s : table.symbols) {
      if (s == symbol) return &table;
      if (s == "*") wildcard = &table;
    }
  }
  return wildcard;
}

}  // namespace marginlab
