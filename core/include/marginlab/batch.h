// SPDX-License-Identifier: MIT
// MarginLab: isolated liquidation prices of many positions in one pass (arrays in, arrays out),
// for screens of many accounts and for the benchmarks. The same solver as evaluate().
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// What the positions of a batch share: one symbol's contract, tier table and profile.
struct BatchRequest {
  Rules rules = Rules::Binance;
  Contract contract = Contract::Linear;
  double contractSize = 1;
  TierTable tiers;                     ///< the symbol's table (validated as validate() does)
  std::optional<double> takerFeeRate;  ///< default: the profile's
};

/// Maximum positions in one batch.
inline constexpr std::size_t kMaxBatch = 50'000'000;

/// For each i: side[i] (+1 long, -1 short), quantity[i] (contracts), entryPrice[i],
/// leverage[i]; the position is isolated with its initial margin and marked at entry.
/// out[i] = its liquidation price, or 0 when no price liquidates it (prices are > 0). Every
/// array must have out.size() entries. Returns input errors (at most 100; paths like
/// "entryPrice[7]"). With errors, out holds nothing meaningful: a bad request (table, array sizes)
/// leaves it untouched, but positions before the first bad one may have been written (one pass
/// reads the arrays once; checking them all first read them twice, which cost more than solving).
std::vector<InputError> isolatedLiquidationBatch(const BatchRequest& request, std::span<const double> side,
                                                 std::span<const double> quantity, std::span<const double> entryPrice,
                                                 std::span<const double> leverage, std::span<double> out);

/// The margins of each position of a batch (arrays of the batch's length, written).
struct BatchMargins {
  std::span<double> initialMargin, maintenanceMargin, maintenanceMarginRate;
  std::span<double> tier;  ///< 1-based
};

/// isolatedLiquidationBatch, and for each position the margins evaluate() reports for it as an
/// isolated position at its initial margin marked at entry: its initial margin, maintenance margin,
/// maintenance rate and tier, computed by evaluate()'s own functions. Also refuses what evaluate()
/// refuses and the liquidation batch lets through: a contract the rules do not have, a contract size
/// or a leverage below the smallest magnitude (paths "contract", "contractSize", "leverage[7]").
/// Errors: as isolatedLiquidationBatch's; with errors the outputs hold nothing meaningful.
std::vector<InputError> isolatedMarginBatch(const BatchRequest& request, std::span<const double> side,
                                            std::span<const double> quantity, std::span<const double> entryPrice,
                                            std::span<const double> leverage, std::span<double> liquidationPrice,
                                            const BatchMargins& margins);

}  // namespace marginlab
