// SPDX-License-Identifier: MIT
// MarginLab: why a venue's figure differs from MarginLab's. For each position whose venue figures are
// known (imported from the venue's API, or typed), every combination of the conventions the venues
// differ by is evaluated in one call (numbers only); the smallest set of switches away from
// MarginLab's defaults that reproduces the venue's figures is reported, or the nearest combination.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/report.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// Most venue figures one call takes (one per position at most).
inline constexpr std::size_t kMaxVenueFigures = 1000;
/// The relative tolerance used where a figure has no tick (a price without `tick`, every amount and ratio).
inline constexpr double kDefaultReconcileTolerance = 1e-5;
/// The step the maintenance rate is rounded to by the rate-rounding convention (0.01%).
inline constexpr double kReconcileRateStep = 1e-4;

/// What a venue shows for one position of the scenario. Every figure is optional; at least one of
/// the five figures must be given. The inputs below them feed the conventions that need them.
struct VenueFigure {
  std::size_t position = 0;                  ///< index into scenario.positions
  std::optional<double> liquidationPrice;    ///< quote per base
  std::optional<double> bankruptcyPrice;     ///< quote per base
  std::optional<double> initialMargin;       ///< settlement asset
  std::optional<double> maintenanceMargin;   ///< settlement asset
  std::optional<double> marginRatio;         ///< maintenance / margin balance (fraction: 0.05 is 5%)
  std::optional<double> tick;                ///< the symbol's price step: prices match within half of it
  std::optional<double> lot;                 ///< the symbol's quantity step, in the position's quantity unit
  std::optional<double> lastPrice;           ///< the venue's last traded price (quote per base)
  std::optional<double> indexPrice;          ///< the venue's index price (quote per base)
  /// Funding the position has paid out of its margin since it opened (settlement asset; negative: received).
  std::optional<double> fundingPaid;
  std::optional<double> openOrderMargin;     ///< margin the account's open orders hold (settlement asset, cross)
};

struct ReconcileRequest {
  std::vector<VenueFigure> venueFigures;
  /// Relative tolerance where no tick applies; in [1e-12, 0.1].
  double relativeTolerance = kDefaultReconcileTolerance;
};

/// One switch away from MarginLab's default for the position's profile.
enum class Convention : unsigned char {
  /// The maintenance tier read at the entry notional, the margin still valued at the price in question
  /// (profiles that read the tier at the liquidation price: binance, bybit-uta, okx, hyperliquid, dydx, simple).
  TierAtEntry,
  /// The maintenance margin on the entry value, its tier at the entry notional (Bybit classic, BitMEX).
  MaintenanceOnEntryValue,
  /// Tier and margin at the notional at the price in question (profiles on the entry value: bybit, bitmex).
  TierAtLiquidation,
  /// The entry tier's rate on the notional at the price in question (profiles on the entry value).
  MaintenanceAtPrice,
  LastPrice,          ///< positions valued at the last price instead of the mark
  IndexPrice,         ///< positions valued at the index price instead of the mark
  FeeToClose,         ///< maintenance adds the taker fee to close (profiles without it)
  NoFeeToClose,       ///< maintenance without the taker fee to close (okx, bitmex)
  Funding,            ///< the funding paid comes out of the margin
  OthersNotHeld,      ///< cross: the other positions' maintenance and PnL left out
  OpenOrders,         ///< cross: the open orders' margin comes out of the wallet
  TickRounding,       ///< prices rounded to the tick in the venue's direction (venue.h tickRoundingOf)
  LotRounding,        ///< quantity floored to whole lots
  RateRounding,       ///< maintenance rates rounded to kReconcileRateStep
};
inline constexpr std::size_t kConventionCount = 14;
/// Each convention's string (JS, the steps), in the order of its value.
inline constexpr std::string_view kConventionNames[kConventionCount] = {
    "tierAtEntry", "maintenanceOnEntryValue", "tierAtLiquidation", "maintenanceAtPrice", "lastPrice", "indexPrice",
    "feeToClose",  "noFeeToClose",            "funding",           "othersNotHeld",      "openOrders", "tickRounding",
    "lotRounding", "rateRounding"};
std::string_view toString(Convention) noexcept;

/// The figures a combination of conventions gives for one position.
struct ReconciledFigures {
  std::optional<double> liquidationPrice, bankruptcyPrice;
  double initialMargin = 0, maintenanceMargin = 0;
  std::optional<double> marginRatio;
};

/// One venue figure against the computed one.
struct FigureDifference {
  std::string_view field;     ///< "liquidationPrice", ...
  double venue = 0;
  std::optional<double> computed;  ///< absent: the combination gives none (no price liquidates)
  double difference = 0;      ///< computed - venue (0 when absent)
  double tolerance = 0;       ///< half the tick, or relativeTolerance x |venue|
  bool within = false;
};

struct PositionReconciliation {
  std::size_t position = 0;
  ReconciledFigures marginLab;  ///< MarginLab's own conventions
  bool agrees = false;          ///< MarginLab's figures already reproduce the venue's
  bool reproduced = false;      ///< some combination reproduces every venue figure given
  /// The switches of the combination found (reproduced) or of the nearest one; empty when MarginLab agrees.
  std::vector<Convention> conventions;
  ReconciledFigures figures;    ///< that combination's figures
  std::vector<FigureDifference> differences;  ///< its figures against the venue's, in field order
  double distance = 0;          ///< sum of |difference| / |venue| over the figures given
  std::size_t tried = 0;        ///< combinations evaluated for this position
  std::vector<Convention> available;  ///< the switches this position's inputs allow
  std::vector<Step> steps;      ///< explain() only
};

struct ReconcileResult {
  std::vector<PositionReconciliation> positions;  ///< in venueFigures order
};

/// Input errors: the scenario's, then each venue figure's at venueFigures[i].field (position a whole
/// index in range and not repeated; figures, tick, lot and prices positive finite; marginRatio and
/// openOrderMargin >= 0; fundingPaid finite; at least one figure), at most kMaxVenueFigures entries.
std::vector<InputError> validate(const Scenario& scenario, const ReconcileRequest& request);

/// The checked entry: validate, then for each venue figure evaluate every combination of the
/// available conventions (up to 3 x 2^10) and keep the one with the fewest switches that reproduces
/// all given figures (ties: the smaller distance), else the nearest. A position's margin mode is its
/// marginMode (absent: isolated).
Result<ReconcileResult> reconcile(const Scenario& scenario, const ReconcileRequest& request);

/// The figures of one combination (the kernel the search runs; for tests and the explanation).
/// Assumes valid input.
ReconciledFigures reconciledFigures(const Scenario& scenario, const ReconcileRequest& request, std::size_t figure,
                                    std::span<const Convention> conventions);

/// "Show the math": each position's steps (MarginLab's figure, the search, each switch's effect in
/// turn, the verdict). Changes no number.
void explain(const Scenario& scenario, const ReconcileRequest& request, ReconcileResult& result);

}  // namespace marginlab
