// SPDX-License-Identifier: MIT
// MarginLab: rule profiles, one per venue's published formulas (VENUES.md, DESIGN.md).
#pragma once

#include <string_view>

#include "marginlab/scenario.h"

namespace marginlab {

/// Where a profile evaluates maintenance margin.
enum class MaintenanceBasis {
  AtPrice,  ///< on the notional at the price in question (tier at the liquidation price)
  AtEntry,  ///< on the entry value (Bybit classic, BitMEX): constant while the position is held
};

/// The switches that distinguish the venues' formulas. All profiles share one solver:
/// equity(P) = maintenance(P), with the terms these switches select.
struct Profile {
  Rules rules = Rules::Simple;
  MaintenanceBasis basis = MaintenanceBasis::AtPrice;
  bool feeInMaintenanceRate = false;  ///< okx: the requirement uses MMR + taker fee
  bool exitFeeInMaintenance = false;  ///< bitmex: maintenance adds the exit taker fee on entry value
  bool feesInInitialMargin = false;   ///< bitmex: initial margin reserves entry and exit taker fees
  bool feeToCloseInReport = false;    ///< bybit-uta: reported MM adds the fee to close at bankruptcy
  bool extraMarginNetOfFee = false;   ///< bybit-uta: extra margin counts as extra / (1 -+ fee)
  bool rateFromMaxLeverage = false;   ///< hyperliquid: default MMR = 1 / (2 * maxLeverage)
  bool continuousAmounts = true;      ///< default maintenance amount by the continuity recurrence
  bool linearOnly = false;            ///< hyperliquid: every perpetual is linear (USDC-settled); no inverse
  double defaultTakerFeeRate = 0;     ///< used when the scenario gives none
  std::string_view source;            ///< where the formulas come from
};

/// The profile for a rules value. Never fails: every enum value has one.
const Profile& profileFor(Rules) noexcept;

}  // namespace marginlab
