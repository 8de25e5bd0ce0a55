// SPDX-License-Identifier: MIT
// MarginLab: what evaluate() returns (DESIGN.md, "Report").
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// One line of "show the math", built by a tool's explanation pass (never by its kernel).
struct Step {
  std::string field;        ///< the report field it explains ("liquidationPrice", "equity", ...)
  std::string label;        ///< plain words: "Liquidation price, tier 2"
  std::string formula;      ///< symbols: "LP = (M + cum - s*q*EP) / (q*MMR - s*q)"
  std::string substituted;  ///< the formula with this scenario's numbers in it
  std::optional<double> value;  ///< the result; absent when no number exists (say why in label)
  std::string code;             ///< stable id of the step's kind ("notional.linear", "liquidationPrice.tier")
  std::vector<Param> params;    ///< the numbers and names the step mentions, by name
};

/// A result computed under both margin modes.
template <class T>
struct ByMode {
  T isolated{};  ///< every position on its own margin
  T cross{};     ///< every position sharing the wallet
};

/// A price at which the position's notional reaches a tier cap.
struct TierBoundary {
  double price = 0;     ///< mark price of the symbol at which notional = cap
  double notional = 0;  ///< the cap
  int tier = 1;         ///< 1-based row whose cap it is; the next row applies beyond it
};

/// One position under one margin mode. Amounts are in the settlement asset.
struct PositionOutcome {
  MarginMode mode = MarginMode::Cross;    ///< the mode this position was computed in
  std::optional<double> liquidationPrice;  ///< absent: no positive price liquidates it
  std::optional<double> bankruptcyPrice;   ///< absent: no positive price exhausts its margin
  double notional = 0;                ///< at the mark; linear: quote, inverse: coin
  double initialMargin = 0;           ///< at entry: entry notional / leverage (bitmex: + fees)
  double maintenanceMargin = 0;       ///< at the mark (entry-value profiles: at entry)
  double maintenanceMarginRate = 0;   ///< rate of the tier used for maintenanceMargin
  int tier = 1;                       ///< 1-based tier row used for maintenanceMargin
  std::optional<int> liquidationTier;  ///< 1-based tier row at the liquidation price
  double unrealizedPnl = 0;           ///< at the mark
  double roe = 0;                     ///< unrealizedPnl / initialMargin
  double margin = 0;                  ///< isolated: its isolated margin; cross: the cross wallet
  std::optional<double> marginRatio;  ///< maintenance / equity backing it; absent if equity <= 0
  /// (mark - LP) / mark toward the adverse side: > 0 safe, <= 0 already liquidatable.
  std::optional<double> distanceToLiquidation;
  double maxLoss = 0;                 ///< the most the trader can lose on it in this mode
  bool pastLiquidation = false;       ///< the mark is at or past the liquidation price: liquidated now
  bool pastBankruptcy = false;        ///< the mark is at or past the bankruptcy price: the loss exceeds the margin
  std::vector<TierBoundary> tierBoundaries;  ///< ascending price
  std::vector<Step> steps;
};

struct AccountOutcome {
  double equity = 0;             ///< wallet + PnL, each isolated loss limited to its margin, >= 0 per pool
  double maintenanceMargin = 0;  ///< sum over positions, at the marks
  std::optional<double> marginRatio;  ///< maintenanceMargin / equity; absent if equity <= 0
  double availableBalance = 0;   ///< free to open or withdraw; negative if the wallet falls short
  double maxLoss = 0;            ///< isolated: sum of margins; cross: the whole cross wallet
  bool pastLiquidation = false;  ///< equity at or below a positive maintenance margin
  std::vector<Step> steps;
};

struct Outcome {
  std::vector<PositionOutcome> positions;  ///< same order as Scenario::positions
  AccountOutcome account;
};

/// Isolated against cross for one position: the trade-off in numbers, for the verdict.
struct Comparison {
  std::size_t position = 0;
  std::optional<double> isolatedDistance;  ///< distanceToLiquidation, isolated
  std::optional<double> crossDistance;     ///< distanceToLiquidation, cross
  /// crossDistance - isolatedDistance (fraction of the mark): > 0 means cross is further away.
  std::optional<double> distanceGain;
  double isolatedMaxLoss = 0;  ///< what isolated puts at risk for it
  double crossMaxLoss = 0;     ///< what cross puts at risk (the cross wallet)
  std::vector<Step> steps;
};

struct Report {
  std::optional<Outcome> isolated;  ///< every position isolated with its own margin
  std::optional<Outcome> cross;     ///< every position sharing walletBalance
  std::optional<Outcome> asGiven;   ///< present when some position carries a marginMode
  std::vector<Comparison> comparisons;  ///< one per position when both outcomes exist
  std::vector<InputError> errors;   ///< non-empty: the outcomes are absent
  /// The asset every amount is in: settlementAsset() of the first position ("USDT", "BTC"); empty
  /// when the scenario has no position.
  std::string settlementAsset;
};

}  // namespace marginlab
