// SPDX-License-Identifier: MIT
// MarginLab (internal): a validated scenario reduced to the terms every kernel shares.
#pragma once

#include <cstddef>
#include <optional>
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
  /// The resolved tier tables, one per symbol, back to back: table t is rows[starts[t], starts[t + 1]).
  std::vector<ResolvedTier> rows;
  std::vector<std::size_t> starts;
  std::vector<Leg> legs;

  [[nodiscard]] std::size_t tableCount() const noexcept { return starts.empty() ? 0 : starts.size() - 1; }
  [[nodiscard]] std::span<const ResolvedTier> table(std::size_t t) const noexcept {
    return {rows.data() + starts[t], starts[t + 1] - starts[t]};
  }
  [[nodiscard]] std::span<const ResolvedTier> tiersOf(const Leg& leg) const noexcept { return table(leg.table); }
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
/// (Inline: the solver calls them for every leg of every piece it walks.)
inline Maintenance maintenanceAt(const Model& model, const Leg& leg, double uValue) noexcept;
/// The same on a given tier row.
inline Maintenance maintenanceForTier(const Model& model, const Leg& leg, std::size_t tier) noexcept;

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

// ---------------------------------------------------------------------------------------------
// The terms evaluate() and its explanation share (evaluate.cpp, explain_evaluate.cpp).

/// True when some position carries a marginMode: evaluate() then adds the as-given outcome.
bool hasGivenModes(const Scenario& scenario) noexcept;

/// A leg's numbers at its mark.
struct MarkTerms {
  double notional = 0;
  double pnl = 0;
  Maintenance mm;
  double maintenance = 0;  ///< the MM the liquidation condition uses
  double feeToClose = 0;   ///< bybit-uta: reported on top of maintenance
};
MarkTerms markTerms(const Model& model, const Leg& leg) noexcept;

/// The margins a position reports at its mark (evaluate()'s outcome, the batch's margins).
struct PositionMargins {
  double initialMargin = 0;
  double maintenanceMargin = 0;      ///< the liquidation condition's, plus the fee to close (bybit-uta)
  double maintenanceMarginRate = 0;  ///< the tier's MMR
  int tier = 1;                      ///< 1-based
};
PositionMargins positionMargins(const Leg& leg, const MarkTerms& a) noexcept;

/// The account's sums under one assignment of margin modes.
struct AccountTerms {
  double crossWallet = 0;      ///< walletBalance minus the isolated margins
  double crossPnl = 0, crossMaintenance = 0, crossInitial = 0, isolatedMargins = 0;
  bool hasCross = false;
};
AccountTerms accountTerms(const Model& model, std::span<const MarginMode> modes,
                          std::span<const MarkTerms> marks) noexcept;

/// The cross legs of one outcome grouped by symbol (table): group t is legs[starts[t], starts[t + 1])
/// in leg order; `terms` holds every cross leg's numbers in leg order, for the backing sums.
struct CrossGroups {
  struct Term {
    std::size_t table;
    double pnl, maintenance;
  };
  std::vector<Term> terms;
  std::vector<const Leg*> legs;
  std::vector<std::size_t> starts;

  [[nodiscard]] std::span<const Leg* const> group(std::size_t table) const noexcept {
    return {legs.data() + starts[table], starts[table + 1] - starts[table]};
  }
};
/// Fills `out` (its buffers are reused).
void groupCross(const Model& model, std::span<const MarginMode> modes, std::span<const MarkTerms> marks,
                CrossGroups& out);

/// The margin backing the cross legs of one symbol (table) from the rest of the cross account:
/// e0 for liquidation (the others' maintenance set aside), e0b for bankruptcy.
struct CrossBacking {
  double otherPnl = 0, otherMaintenance = 0;
  double e0 = 0, e0b = 0;
};
CrossBacking crossBacking(const CrossGroups& groups, double crossWallet, std::size_t table) noexcept;

/// The margin an isolated leg's liquidation counts (bybit-uta: extra margin net of the fee to close).
double isolatedBacking(const Model& model, const Leg& leg) noexcept;

/// Where the margin-at-risk line f(u) = e0 + sum(pnl) - sum(MM) changes sign: numbers only.
struct Crossing {
  std::optional<double> price;  ///< absent: no positive price
  bool alreadyPast = false;     ///< f <= 0 at the marks already
  /// Where the tiers in force at the crossing are read: maintenanceAt(model, leg, tierU).tier is
  /// each leg's row (meaningful when price is present).
  double tierU = 0;
};

/// One piece of f the solver looked at: f(u) = c0 + c1*u on [lo, hi] (hi may be +infinity),
/// with the legs' tier rows read at u (maintenanceAt).
struct CrossingPiece {
  double lo = 0, hi = 0;
  double c0 = 0, c1 = 0;
  double u = 0;
  [[nodiscard]] std::optional<double> root() const noexcept {
    if (c1 == 0) return std::nullopt;
    return -c0 / c1;
  }
};

/// What the solver chose, for the explanation: the pieces it walked each way from the mark, which
/// walk gave the answer, and the line at the mark.
struct CrossingTrace {
  enum class Way : unsigned char { None, Up, Down };
  std::vector<CrossingPiece> up, down;  ///< in walking order
  Way chosen = Way::None;
  double crossingU = 0;       ///< the chosen walk's crossing (when chosen != None)
  CrossingPiece atMark;       ///< the line at the mark
  bool alreadyPast = false;   ///< as Crossing::alreadyPast
  bool hasBreaks = false;     ///< the tiers break f into pieces (at-price maintenance)
};

/// Liquidation (withMaintenance) or bankruptcy price of a group of legs of one symbol that
/// move together (in leg order), with `e0` the margin backing them from outside the group.
/// Allocates nothing for groups of one leg; `trace` (nullptr: none) receives the pieces walked.
Crossing solveCrossing(const Model& model, std::span<const Leg* const> group, double e0, bool withMaintenance,
                       CrossingTrace* trace = nullptr);

/// solveCrossing's liquidation price for one leg on its own, without explanation and without
/// allocating: the batch kernel. Absent: no price liquidates it.
std::optional<double> isolatedLiquidationPrice(const Model& model, const Leg& leg, double e0) noexcept;

// ---------------------------------------------------------------------------------------------
// Inline definitions.

/// tierIndexAt (tiers.h), here to be inlined.
inline std::size_t rowAt(std::span<const ResolvedTier> tiers, double notional) noexcept {
  for (std::size_t i = 0; i < tiers.size(); ++i)
    if (notional <= tiers[i].cap) return i;
  return tiers.size() - 1;
}

inline Maintenance maintenanceForTier(const Model& m, const Leg& leg, std::size_t tier) noexcept {
  const ResolvedTier& t = m.tiersOf(leg)[tier];
  const Profile& profile = *m.profile;
  Maintenance mm;
  mm.tier = tier;
  mm.rate = t.rate;
  mm.amount = t.amount;
  mm.effectiveRate = t.rate;
  if (profile.feeInMaintenanceRate || profile.exitFeeInMaintenance) mm.effectiveRate += m.fee;
  if (profile.basis == MaintenanceBasis::AtEntry) {
    mm.c0 = leg.entryNotional * mm.effectiveRate - t.amount;
  } else {
    mm.c0 = -t.amount;
    mm.c1 = mm.effectiveRate * leg.k;
  }
  return mm;
}

inline Maintenance maintenanceAt(const Model& m, const Leg& leg, double uValue) noexcept {
  const bool atEntry = m.profile->basis == MaintenanceBasis::AtEntry;
  return maintenanceForTier(m, leg, atEntry ? leg.entryTier : rowAt(m.tiersOf(leg), leg.k * uValue));
}

}  // namespace marginlab::detail
