// SPDX-License-Identifier: MIT
// MarginLab: what-if tools for one position, in both margin modes. Each builds the changed
// scenario and evaluates it, so its numbers are evaluate()'s numbers.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/report.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// Add to or reduce a position with one fill.
struct AdjustRequest {
  std::size_t position = 0;
  double price = 0;          ///< fill price, quote per base, > 0
  double quantityDelta = 0;  ///< contracts: > 0 adds on the position's side, < 0 reduces (past zero flips)
};

struct AdjustResult {
  Scenario scenario;       ///< the scenario after the fill (wallet includes realised PnL)
  Report report;           ///< evaluate(scenario)
  Side side = Side::Long;  ///< the side after the fill
  double quantity = 0;     ///< contracts after the fill
  double entryPrice = 0;   ///< average entry after the fill (linear arithmetic, inverse harmonic); 0 if closed
  double realizedPnl = 0;  ///< settlement asset, from the reduced part
  bool flipped = false;    ///< the fill reduced through zero and opened the other side
  bool closed = false;     ///< the fill closed the position exactly (it is removed)
  std::vector<Step> steps;
};
Result<AdjustResult> adjustPosition(const Scenario& scenario, const AdjustRequest& request);

/// The mark at which the position's unrealised PnL (settlement asset), or its ROE on the
/// initial margin (a fraction: 0.5 is 50%), is `target`.
enum class TargetKind { Pnl, Roe };
struct TargetResult {
  std::optional<double> price;  ///< absent when no positive price gives the target (steps say why)
  std::vector<Step> steps;
};
Result<TargetResult> targetPrice(const Scenario& scenario, std::size_t position, TargetKind kind, double target);

/// The largest size that opens with the available balance at a leverage, tiers respected.
struct MaxOpenRequest {
  std::string symbol;
  Contract contract = Contract::Linear;
  double contractSize = 1;
  Side side = Side::Long;
  double price = 0;     ///< order price
  double leverage = 1;
  MarginMode mode = MarginMode::Cross;  ///< which outcome's available balance funds it
};
struct MaxOpenResult {
  double quantity = 0;  ///< contracts
  double notional = 0;
  double initialMargin = 0;
  int tier = 1;         ///< 1-based tier that bounds it
  std::vector<Step> steps;
};
Result<MaxOpenResult> maxOpenSize(const Scenario& scenario, const MaxOpenRequest& request);

/// Position size from a stop-loss and the share of the account a trader is willing to lose.
struct StopSizeRequest {
  std::string symbol;
  Contract contract = Contract::Linear;
  double contractSize = 1;
  Side side = Side::Long;
  double entryPrice = 0;
  double stopPrice = 0;      ///< below entry for a long, above for a short
  double riskFraction = 0;   ///< of account equity (cross outcome), in (0, 1]
  double leverage = 1;
  MarginMode mode = MarginMode::Isolated;  ///< the mode whose liquidation price the stop is checked against
};
struct StopSizeResult {
  double quantity = 0;  ///< contracts
  double riskAmount = 0;
  std::optional<double> liquidationPrice;  ///< of the new position in the scenario, in `mode`
  bool stopBeyondLiquidation = false;      ///< the stop lies past the liquidation price: it never triggers
  std::vector<Step> steps;
};
Result<StopSizeResult> sizeFromStop(const Scenario& scenario, const StopSizeRequest& request);

/// Margin to add (isolated) or wallet to add (cross) so the liquidation price moves to `target`.
struct MarginToTargetResult {
  double isolatedMarginToAdd = 0;  ///< negative: margin that can be removed
  double walletToAdd = 0;          ///< cross
  /// false: no isolated margin puts the liquidation price exactly at the target (it would need a
  /// margin <= 0, or the maintenance steps down at a tier cap between the mark and the target);
  /// isolatedMarginToAdd is then the least that keeps the mark-to-target range safe (steps say why).
  bool isolatedExact = true;
  /// false: no wallet puts the cross liquidation price exactly at the target (a negative wallet, a
  /// tier step, or the symbol's positions net to the other side); as isolatedExact.
  bool crossExact = true;
  std::vector<Step> steps;
};
Result<MarginToTargetResult> marginToTarget(const Scenario& scenario, std::size_t position, double targetLiquidationPrice);

}  // namespace marginlab
