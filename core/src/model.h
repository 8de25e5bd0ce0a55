// SPDX-License-Identifier: MIT
// MarginLab (internal): a validated scenario reduced to the terms every kernel shares.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "marginlab/profile.h"
#include "marginlab/report.h"
#include "marginlab/scenario.h"
#include "marginlab/tiers.h"

namespace marginlab::detail {

/// One position with defaults applied. Prices enter through u: u = P for linear contracts and
/// u = 1/P for inverse ones, so notional = k*u and PnL = pnl0 + pnl1*u are linear in u.
struct Leg {
  std::size_t index = 0;  ///< position index in the scenario
  Contract contract = Contract::Linear;
  double s = 1;           ///< +1 long, -1 short
  double k = 0;           ///< linear: base units (quantity * contractSize); inverse: quote value
  double entry = 0, mark = 0, leverage = 1;
  std::size_t table = 0;  ///< index into Model::tables
  double entryNotional = 0;
  std::size_t entryTier = 0;
  double initialMargin = 0;   ///< settlement asset
  double isolatedMargin = 0;  ///< given, or initialMargin
  double pnl0 = 0, pnl1 = 0;

  [[nodiscard]] double u(double price) const noexcept {
    return contract == Contract::Linear ? price : 1.0 / price;
  }
  [[nodiscard]] double priceOf(double uValue) const noexcept {
    return contract == Contract::Linear ? uValue : 1.0 / uValue;
  }
  [[nodiscard]] double pnlAt(double price) const noexcept { return pnl0 + pnl1 * u(price); }
  [[nodiscard]] double notionalAt(double price) const noexcept { return k * u(price); }
};

struct Model {
  const Scenario* scenario = nullptr;
  const Profile* profile = nullptr;
  double fee = 0;  ///< taker fee rate in use
  std::vector<std::vector<ResolvedTier>> tables;
  std::vector<Leg> legs;

  [[nodiscard]] const std::vector<ResolvedTier>& tiersOf(const Leg& leg) const noexcept {
    return tables[leg.table];
  }
};

/// Assumes validate(scenario) returned no errors. The model refers to the scenario.
Model buildModel(const Scenario& scenario);
/// The terms of one position; leg.index and leg.table must be set.
void fillLeg(const Model& model, const Position& position, Leg& leg);

/// Maintenance margin of one leg as a line in u, MM(u) = c0 + c1*u, on the tier that applies.
struct Maintenance {
  double c0 = 0, c1 = 0;
  std::size_t tier = 0;     ///< row index
  double rate = 0;          ///< the tier's MMR
  double effectiveRate = 0; ///< rate plus the fees the profile adds
  double amount = 0;
};
/// AtPrice profiles: the tier at notional k*u. AtEntry profiles: the tier at the entry notional.
Maintenance maintenanceAt(const Model& model, const Leg& leg, double uValue) noexcept;
/// The same on a given tier row.
Maintenance maintenanceForTier(const Model& model, const Leg& leg, std::size_t tier) noexcept;

/// Account equity as the legs of one symbol move: pools of isolated legs floor at zero (their
/// loss stops at their margin), the cross pool floors at zero when it holds positions.
class EquityModel {
 public:
  /// `moving`: the symbol whose legs follow the price; the others stay at their marks.
  EquityModel(const Model& model, std::span<const MarginMode> modes, std::string_view moving);
  [[nodiscard]] double at(double price) const noexcept;

 private:
  struct Moving { const Leg* leg; double margin; };
  std::vector<Moving> isolatedMoving_;  ///< isolated legs that move: each floors at zero
  double isolatedConstant_ = 0;  ///< sum of floored isolated pools that do not move
  double crossConstant_ = 0;     ///< cross wallet plus the PnL of cross legs that do not move
  /// The moving cross legs' PnL summed as one line: c0 + linear * P + inverse / P.
  double crossMoving0_ = 0, crossLinear_ = 0, crossInverse_ = 0;
  bool hasCross_ = false;
};

/// Cross wallet: walletBalance minus the margins of the isolated legs.
double crossWallet(const Model& model, std::span<const MarginMode> modes) noexcept;

/// Where the margin-at-risk line f(u) = e0 + sum(pnl) - sum(MM) changes sign.
struct Crossing {
  std::optional<double> price;        ///< absent: no positive price
  std::vector<std::size_t> tiers;     ///< per leg, the row in force at the crossing
  bool alreadyPast = false;           ///< f <= 0 at the marks already
  std::vector<Step> trace;            ///< the tiers tried, as steps
};

/// Liquidation (withMaintenance) or bankruptcy price of a group of legs of one symbol that
/// move together, with `e0` the margin backing them from outside the group. `e0Symbol` names
/// e0 in the formula ("M" for isolated margin, "E0" for the cross account). Without `explain`
/// the trace is left empty (the batch kernels).
Crossing solveCrossing(const Model& model, std::span<const Leg* const> group, double e0,
                       std::string_view e0Symbol, bool withMaintenance, std::string_view field,
                       bool explain = true);

/// solveCrossing's liquidation price for one leg on its own, without explanation and without
/// allocating: the batch kernel. Absent: no price liquidates it.
std::optional<double> isolatedLiquidationPrice(const Model& model, const Leg& leg, double e0) noexcept;

}  // namespace marginlab::detail
