// SPDX-License-Identifier: MIT
// MarginLab: tier (bracket, risk-limit) tables: validation, defaults, lookup.
// Sources: Binance leverage brackets (cum recurrence), Bybit risk limits (MM deduction),
// Hyperliquid margin tiers (deduction recurrence, MMR = 1 / (2 maxLeverage)); VENUES.md.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/profile.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// A tier row with every default filled in. Covers notionals in (floor, cap].
struct ResolvedTier {
  double floor = 0;        ///< previous row's cap (0 for the first)
  double cap = 0;          ///< notionalCap
  double maxLeverage = 1;
  double rate = 0;         ///< maintenance margin rate
  double amount = 0;       ///< maintenance amount (cum, MM deduction)
};

/// Maximum rows in one table.
inline constexpr std::size_t kMaxTierRows = 64;

/// Every problem in one table; `path` is its location, e.g. "tiers.BTCUSDT".
std::vector<InputError> validateTierTable(const TierTable& table, const Profile& profile,
                                          std::string_view path);

/// Fills defaults: the rate (hyperliquid) and the continuity amount. Assumes a valid table.
std::vector<ResolvedTier> resolveTiers(const TierTable& table, const Profile& profile);
/// The same rows appended to `out` (several tables in one buffer).
void appendResolvedTiers(const TierTable& table, const Profile& profile, std::vector<ResolvedTier>& out);

/// Index of the row covering `notional` (first row with notional <= cap; the last row above
/// every cap). Assumes a non-empty table and notional >= 0.
std::size_t tierIndexAt(std::span<const ResolvedTier> tiers, double notional) noexcept;

/// A profile's shipped table for one symbol, with where it comes from.
struct DefaultTierTable {
  Rules rules = Rules::Simple;
  std::vector<std::string> symbols;  ///< the symbols it applies to; "*" matches any symbol
  TierTable tiers;
  std::string source;  ///< URL or document
  std::string date;    ///< when the table was published or read (YYYY, YYYY-MM or YYYY-MM-DD)
  /// The contract its caps are for (linear: quote notionals; inverse: coin notionals); none: any.
  std::optional<Contract> contract;
};

/// Every shipped table.
const std::vector<DefaultTierTable>& defaultTierTables();
/// The shipped table for this profile and symbol, or nullptr; with `contract`, only a table for that
/// contract (or for any).
const DefaultTierTable* findDefaultTierTable(Rules rules, std::string_view symbol,
                                             std::optional<Contract> contract = std::nullopt) noexcept;

}  // namespace marginlab
