// SPDX-License-Identifier: MIT
// The seeded scenario generator the property suites share (properties_test.cpp,
// agreement_test.cpp): every Rules value, explicit tier tables of 1-4 rows with continuous
// maintenance amounts, linear or inverse, 1-4 positions, long and short, leverage within the
// tier's limit. The same scenarios natively and in wasm (draws from the raw engine only).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "support.h"

namespace mltest {

inline constexpr std::uint64_t kSeed = 20261125;
inline constexpr int kScenarios = 300;

/// Relative comparison that accepts exact zeros on both sides.
inline bool closeRel(double a, double b, double rel) {
  return std::abs(a - b) <= rel * std::max(std::abs(a), std::abs(b));
}

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}

  // Our own draws from the raw engine: std::uniform_*_distribution differ between libstdc++ and
  // libc++, and the suite runs natively and as wasm, so the scenarios must be the same in both.
  double uniform(double lo, double hi) { return lo + (hi - lo) * static_cast<double>(rng_() >> 11) * 0x1.0p-53; }
  double logUniform(double lo, double hi) { return std::exp(uniform(std::log(lo), std::log(hi))); }
  int integer(int lo, int hi) { return lo + static_cast<int>(rng_() % static_cast<std::uint64_t>(hi - lo + 1)); }
  bool chance(double p) { return uniform(0, 1) < p; }
  template <class T, std::size_t N>
  T pick(const T (&values)[N]) { return values[static_cast<std::size_t>(integer(0, static_cast<int>(N) - 1))]; }

  /// A valid table for `rules`: 1-4 rows, caps ascending around `scale`, max leverage not
  /// increasing, rates not decreasing and at most half the initial margin rate at max leverage,
  /// and explicit continuity amounts (or left to the recurrence where the profile applies it).
  TierTable table(Rules rules, double scale) {
    const Profile& profile = profileFor(rules);
    const int rows = integer(1, 4);
    TierTable t;
    double cap = scale * uniform(0.3, 2.0);
    double lev = pick({1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 125.0});
    double rate = 0, amount = 0, previousRate = 0;
    for (int i = 0; i < rows; ++i) {
      const double floor = t.empty() ? 0.0 : t.back().notionalCap;
      if (i > 0) {
        cap *= uniform(1.5, 5.0);
        lev = std::max(1.0, std::floor(lev * uniform(0.3, 1.0)));
      }
      Tier row{.notionalCap = cap, .maxLeverage = lev};
      const double limit = 0.5 / lev;  // rate <= half of 1 / maxLeverage
      const bool derived = profile.rateFromMaxLeverage && chance(0.5);
      if (derived) {
        rate = 1.0 / (2.0 * lev);
      } else {
        rate = std::max(previousRate, uniform(0.1, 1.0) * limit);
        rate = std::min(rate, limit);
        row.maintenanceMarginRate = rate;
      }
      amount = t.empty() ? 0.0 : floor * (rate - previousRate) + amount;
      if (!profile.continuousAmounts || chance(0.5)) row.maintenanceAmount = amount;
      previousRate = rate;
      t.push_back(row);
    }
    return t;
  }

  Scenario scenario() {
    Scenario s;
    s.rules = static_cast<Rules>(integer(0, 7));
    // Hyperliquid lists linear contracts only (profile.linearOnly): its scenarios stay linear.
    const bool linear = chance(0.5);
    const Contract contract = linear || profileFor(s.rules).linearOnly ? Contract::Linear : Contract::Inverse;
    if (chance(0.4)) s.takerFeeRate = uniform(0, 0.001);
    const char* names[] = {"AAA", "BBB", "CCC"};
    const int symbols = integer(1, 3);
    struct SymbolInfo { double price; };
    std::vector<SymbolInfo> info;
    for (int j = 0; j < symbols; ++j) {
      const double scale = logUniform(100, 1e7);  // notional scale, settlement asset
      s.tiers[names[j]] = table(s.rules, scale);
      info.push_back({logUniform(0.1, 1e5)});
    }
    const int count = integer(1, 4);
    double initialSum = 0;
    for (int i = 0; i < count; ++i) {
      const int j = integer(0, symbols - 1);
      const TierTable& t = s.tiers[names[j]];
      Position p;
      p.symbol = names[j];
      p.contract = contract;
      p.side = chance(0.5) ? Side::Long : Side::Short;
      p.entryPrice = info[static_cast<std::size_t>(j)].price * uniform(0.8, 1.25);
      const double notional = uniform(0.02, 0.98) * t.back().notionalCap;
      if (contract == Contract::Linear) {
        p.contractSize = pick({1.0, 0.01, 10.0});
        p.quantity = notional / p.entryPrice / p.contractSize;
      } else {
        p.contractSize = pick({1.0, 10.0, 100.0});
        p.quantity = notional * p.entryPrice / p.contractSize;
      }
      // Leverage within the limit of the tier at the entry notional (as validate() computes it).
      const auto resolved = resolveTiers(t, profileFor(s.rules));
      const double size = p.quantity * p.contractSize;
      const double entryNotional = contract == Contract::Linear ? size * p.entryPrice : size / p.entryPrice;
      const double maxLev = resolved[tierIndexAt(resolved, entryNotional)].maxLeverage;
      const double roll = uniform(0, 1);
      p.leverage = roll < 0.1 ? 1.0 : roll < 0.2 ? maxLev : uniform(1.0, maxLev);
      if (chance(0.6)) p.markPrice = p.entryPrice * uniform(0.75, 1.3);
      if (chance(0.3)) p.marginMode = chance(0.5) ? MarginMode::Isolated : MarginMode::Cross;
      const double initial = entryNotional / p.leverage;
      if (chance(0.4)) p.isolatedMargin = initial * uniform(0.5, 3.0);
      initialSum += initial;
      s.positions.push_back(p);
    }
    // One mark per symbol, as on a venue: positions sharing a symbol get the same markPrice
    // (an absent mark would default to each position's own entry price).
    for (int j = 0; j < symbols; ++j) {
      const auto same = std::count_if(s.positions.begin(), s.positions.end(),
                                      [&](const Position& p) { return p.symbol == names[j]; });
      if (same < 2) continue;
      const double mark = info[static_cast<std::size_t>(j)].price * uniform(0.75, 1.3);
      for (Position& p : s.positions)
        if (p.symbol == names[j]) p.markPrice = mark;
    }
    s.walletBalance = initialSum * uniform(0.5, 3.0);
    return s;
  }

 private:
  std::mt19937_64 rng_;
};

inline std::string describe(const Scenario& s) {
  std::ostringstream o;
  o.precision(17);
  o << "rules " << toString(s.rules) << ", wallet " << s.walletBalance;
  if (s.takerFeeRate) o << ", fee " << *s.takerFeeRate;
  o << "\n";
  for (const auto& [symbol, table] : s.tiers) {
    o << "  tiers." << symbol << ":";
    for (const Tier& t : table) {
      o << " {" << t.notionalCap << ", " << t.maxLeverage << ", ";
      if (t.maintenanceMarginRate) o << *t.maintenanceMarginRate; else o << "-";
      o << ", ";
      if (t.maintenanceAmount) o << *t.maintenanceAmount; else o << "-";
      o << "}";
    }
    o << "\n";
  }
  for (const Position& p : s.positions) {
    o << "  " << p.symbol << " " << toString(p.contract) << " " << toString(p.side) << " q " << p.quantity
      << " cs " << p.contractSize << " entry " << p.entryPrice << " mark " << p.mark() << " lev " << p.leverage;
    if (p.isolatedMargin) o << " M " << *p.isolatedMargin;
    if (p.marginMode) o << " mode " << toString(*p.marginMode);
    o << "\n";
  }
  return o.str();
}

/// The generated scenarios, made once; each is valid.
inline const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> all = [] {
    Generator g(kSeed);
    std::vector<Scenario> out;
    for (int i = 0; i < kScenarios; ++i) out.push_back(g.scenario());
    return out;
  }();
  return all;
}

/// The size of the amounts in a scenario (settlement asset): wallet, isolated margins and
/// entry notionals. Equity is a sum of terms of this size, so it is exact to ~1e-16 of it.
inline double amountScale(const Scenario& s) {
  double scale = s.walletBalance;
  for (const Position& p : s.positions) {
    const double size = p.quantity * p.contractSize;
    scale += (p.contract == Contract::Linear ? size * p.entryPrice : size / p.entryPrice) + p.isolatedMargin.value_or(0);
  }
  return scale;
}

/// The scenario with every position of `symbol` marked at `price`.
inline Scenario markedAt(Scenario s, const std::string& symbol, double price) {
  for (Position& p : s.positions)
    if (p.symbol == symbol) p.markPrice = price;
  return s;
}

}  // namespace mltest
