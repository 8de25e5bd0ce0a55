// SPDX-License-Identifier: MIT
// MarginLab: price-shock grids, cascading liquidations under cross margin, and funding.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/report.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// Shocks as fractions of the mark (-0.5 .. +0.5). OneFactor: every symbol moves by
/// beta(symbol) * shock (beta default 1); EachSymbol: one row per symbol, the others still.
enum class ShockModel { OneFactor, EachSymbol };
struct StressRequest {
  std::vector<double> shocks;               ///< each > -1
  ShockModel model = ShockModel::OneFactor;
  std::map<std::string, double, std::less<>> betas;  ///< OneFactor only
};
struct StressCell {
  std::string symbol;   ///< EachSymbol: the symbol moved; OneFactor: empty
  double shock = 0;
  double isolatedEquity = 0, crossEquity = 0;
  std::optional<double> isolatedMarginRatio, crossMarginRatio;
  std::vector<bool> isolatedLiquidated, crossLiquidated;  ///< per position: past its liquidation price
};
struct StressResult {
  std::vector<StressCell> cells;  ///< shocks in order (EachSymbol: per symbol, then per shock)
  std::vector<Step> steps;
};
Result<StressResult> stressGrid(const Scenario& scenario, const StressRequest& request);

/// A cross account walked along a price path; liquidations as the profile performs them.
enum class CascadeLiquidation { WholeAccount, TierByTier };
struct CascadeRequest {
  /// Each step sets every symbol's mark: marks[step][symbol].
  std::vector<std::map<std::string, double, std::less<>>> marks;
  /// Default: the profile's: TierByTier for binance, bybit, bybit-uta, okx, bitmex (VENUES.md 8);
  /// WholeAccount for hyperliquid, dydx, simple.
  std::optional<CascadeLiquidation> style;
  std::optional<double> liquidationFeeRate; ///< fraction of the closed notional; default the scenario's taker fee
};
struct CascadeEvent {
  std::size_t step = 0;
  std::size_t position = 0;
  std::string symbol;
  double price = 0;            ///< the mark when it happened
  double closedQuantity = 0;   ///< contracts closed
  double fee = 0;              ///< liquidation fee charged
  double equityAfter = 0;      ///< cross equity after the event (0 once the insurance fund covered a shortfall)
  bool pastBankruptcy = false; ///< the account's loss went past zero equity: insurance fund / ADL
  std::string description;
};
struct CascadeResult {
  std::vector<CascadeEvent> events;
  std::vector<double> equity;  ///< per step, after that step's events
  double finalEquity = 0;
  double insuranceFundLoss = 0;  ///< loss beyond zero equity, covered by the insurance fund or ADL
  std::vector<Step> steps;
};
Result<CascadeResult> cascade(const Scenario& scenario, const CascadeRequest& request);

/// The liquidation price after N funding intervals at `rate` (positive: longs pay shorts),
/// paid from isolated margin (isolated) or from the wallet (cross), at the mark.
struct FundingResult {
  double paymentPerInterval = 0;  ///< settlement asset, what this position pays (< 0: receives)
  double totalPayment = 0;
  std::optional<double> isolatedLiquidationPrice, crossLiquidationPrice;
  double isolatedMarginAfter = 0;  ///< M - totalPayment (may be <= 0: the LP is then solved directly)
  double walletAfter = 0;          ///< walletBalance - totalPayment (may be < 0, likewise)
  /// After the payments the mark is at or past the liquidation price: liquidated by funding.
  bool isolatedLiquidated = false, crossLiquidated = false;
  std::optional<double> isolatedLiquidationPriceBefore, crossLiquidationPriceBefore;  ///< without funding
  std::vector<Step> steps;
};
Result<FundingResult> fundingImpact(const Scenario& scenario, std::size_t position, double rate, int intervals);

}  // namespace marginlab
