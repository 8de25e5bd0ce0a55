// SPDX-License-Identifier: MIT
// MarginLab: what-if tools for one position, in both margin modes. Each builds the changed
// scenario and evaluates it, so its numbers are evaluate()'s numbers.
//
// Every tool is three functions: validate(scenario, request) lists every input error (the
// scenario's, then the request's); the checked entry (adjustPosition, targetPrice, ...) validates
// and computes numbers only; explain(scenario, request, result) fills result.steps ("show the
// math") on request and changes no number.
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
  Scenario scenario;        ///< the scenario after the fill (wallet includes realised PnL)
  Report report;            ///< evaluate(scenario)
  Side side = Side::Long;   ///< the side after the fill
  double quantity = 0;      ///< contracts after the fill
  double entryPrice = 0;    ///< average entry after the fill (linear arithmetic, inverse harmonic, fees
                            ///< not in it on any venue); 0 if closed
  double realizedPnl = 0;   ///< settlement asset, from the reduced part, net of its closing taker fee
  double fee = 0;           ///< taker fees the fill pays from the wallet (closing part and opening part)
  bool flipped = false;     ///< the fill reduced through zero and opened the other side
  bool closed = false;      ///< the fill closed the position exactly (it is removed)
  std::vector<Step> steps;  ///< explain() only; it also explains `report`
};
std::vector<InputError> validate(const Scenario& scenario, const AdjustRequest& request);
Result<AdjustResult> adjustPosition(const Scenario& scenario, const AdjustRequest& request);
void explain(const Scenario& scenario, const AdjustRequest& request, AdjustResult& result);

/// The mark at which the position's unrealised PnL (settlement asset), or its ROE on the
/// initial margin (a fraction: 0.5 is 50%), is `target`.
enum class TargetKind { Pnl, Roe };
struct TargetRequest {
  std::size_t position = 0;
  TargetKind kind = TargetKind::Pnl;
  double target = 0;  ///< PnL in the settlement asset, or ROE as a fraction; |target| <= kMaxMagnitude
};
struct TargetResult {
  std::optional<double> price;  ///< absent when no positive price gives the target (steps say why)
  std::vector<Step> steps;      ///< explain() only
};
std::vector<InputError> validate(const Scenario& scenario, const TargetRequest& request);
Result<TargetResult> targetPrice(const Scenario& scenario, const TargetRequest& request);
Result<TargetResult> targetPrice(const Scenario& scenario, std::size_t position, TargetKind kind, double target);
void explain(const Scenario& scenario, const TargetRequest& request, TargetResult& result);

/// The largest additional size that opens with the available balance at a leverage, given the
/// symbol's position already held: on the same side the tier and the initial margin are the
/// combined position's; on the other side the order first closes the held position (freeing its
/// margin, realising its PnL net of the closing fee), then opens the rest. The cost of the opened
/// part is its initial margin, its open loss (a fill worse than the mark) and its taker fee.
/// adjustPosition() accepts the size on the held position (at the same leverage).
struct MaxOpenRequest {
  std::string symbol;
  Contract contract = Contract::Linear;
  double contractSize = 1;
  Side side = Side::Long;
  double price = 0;                     ///< order price
  double leverage = 1;                  ///< at most the table's first row's maximum (and 1000)
  MarginMode mode = MarginMode::Cross;  ///< which outcome's available balance funds it
};
struct MaxOpenResult {
  double quantity = 0;         ///< contracts, the closing part included
  double notional = 0;         ///< of the opened part, at the order price
  double initialMargin = 0;    ///< of the opened part
  double openLoss = 0;         ///< of the opened part: the fill's loss to the mark, if any
  double fee = 0;              ///< taker fee to open it paid from the balance (0 where the IM reserves it)
  double cost = 0;             ///< initialMargin + openLoss + fee
  double heldQuantity = 0;     ///< contracts of the symbol already held on the order's side
  double closingQuantity = 0;  ///< contracts of the symbol held on the other side, closed first
  int tier = 1;                ///< 1-based tier of the symbol's position after the order
  std::vector<Step> steps;  ///< explain() only
};
std::vector<InputError> validate(const Scenario& scenario, const MaxOpenRequest& request);
Result<MaxOpenResult> maxOpenSize(const Scenario& scenario, const MaxOpenRequest& request);
void explain(const Scenario& scenario, const MaxOpenRequest& request, MaxOpenResult& result);

/// Position size from a stop-loss and the share of the account a trader is willing to lose.
struct StopSizeRequest {
  std::string symbol;
  Contract contract = Contract::Linear;
  double contractSize = 1;
  Side side = Side::Long;
  double entryPrice = 0;
  double stopPrice = 0;     ///< below entry for a long, above for a short
  double riskFraction = 0;  ///< of account equity (cross outcome), in (0, 1]
  double leverage = 1;
  MarginMode mode = MarginMode::Isolated;  ///< the mode whose liquidation price the stop is checked against
};
struct StopSizeResult {
  double quantity = 0;  ///< contracts
  double riskAmount = 0;  ///< the loss at the stop, taker fees in and out included
  double fees = 0;        ///< the taker fees in (at entry) and out (at the stop) in riskAmount
  std::optional<double> liquidationPrice;  ///< of the new position in the scenario, in `mode`
  bool stopBeyondLiquidation = false;      ///< the stop lies past the liquidation price: it never triggers
  std::vector<Step> steps;                 ///< explain() only
};
std::vector<InputError> validate(const Scenario& scenario, const StopSizeRequest& request);
Result<StopSizeResult> sizeFromStop(const Scenario& scenario, const StopSizeRequest& request);
void explain(const Scenario& scenario, const StopSizeRequest& request, StopSizeResult& result);

/// Margin to add (isolated) or wallet to add (cross) so the liquidation price moves to `target`.
struct MarginToTargetRequest {
  std::size_t position = 0;
  double targetLiquidationPrice = 0;  ///< below the mark for a long, above for a short
};
struct MarginToTargetResult {
  /// isolated: the isolated margin to add; cross: the wallet to add. Negative: what can be removed.
  ByMode<double> toAdd;
  /// false: no amount puts the liquidation price exactly at the target. Isolated: it would need a
  /// margin <= 0, or the maintenance steps down at a tier cap between the mark and the target;
  /// cross: a negative wallet, a tier step, or the symbol's positions net to the other side. The
  /// amount is then the least that keeps the mark-to-target range safe (steps say why).
  ByMode<bool> exact{true, true};
  std::vector<Step> steps;  ///< explain() only
};
std::vector<InputError> validate(const Scenario& scenario, const MarginToTargetRequest& request);
Result<MarginToTargetResult> marginToTarget(const Scenario& scenario, const MarginToTargetRequest& request);
Result<MarginToTargetResult> marginToTarget(const Scenario& scenario, std::size_t position,
                                            double targetLiquidationPrice);
void explain(const Scenario& scenario, const MarginToTargetRequest& request, MarginToTargetResult& result);

}  // namespace marginlab
