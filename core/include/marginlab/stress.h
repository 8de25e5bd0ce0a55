// SPDX-License-Identifier: MIT
// MarginLab: price-shock grids, cascading liquidations under cross margin, and funding.
//
// Every tool is three functions: validate(scenario, request) lists every input error (the
// scenario's, then the request's); the checked entry (stressGrid, cascade, fundingImpact)
// validates and computes numbers only; explain(scenario, request, result) fills result.steps
// ("show the math") on request and changes no number.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/report.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// Shocks as fractions of the mark (-0.5 .. +0.5). OneFactor: every symbol moves by
/// beta(symbol) * shock (beta default 1); EachSymbol: one row per symbol, the others still.
enum class ShockModel { OneFactor, EachSymbol };
/// Evenly spaced shocks: from, from + step, ... up to `to` (within 1e-9 of a step), each rounded
/// to 1e-8 (a millionth of a percent), so a decimal range gives decimal shocks (-0.4, not
/// -0.39999999999999997). At most kMaxShocks.
struct ShockRange {
  double from = 0;  ///< fraction of the mark, > -1
  double to = 0;    ///< >= from
  double step = 0;  ///< >= 1e-8
};
inline constexpr std::size_t kMaxShocks = 1'000;
struct StressRequest {
  std::vector<double> shocks;            ///< each > -1; or empty and `shockRange` given
  std::optional<ShockRange> shockRange;  ///< instead of `shocks`
  ShockModel model = ShockModel::OneFactor;
  std::map<std::string, double, std::less<>> betas;  ///< OneFactor only
};
/// The shocks a request asks for: `shocks`, or the list `shockRange` describes (valid request).
std::vector<double> shockList(const StressRequest& request);

struct StressCell {
  std::string symbol;  ///< EachSymbol: the symbol moved; OneFactor: empty
  double shock = 0;
  ByMode<double> equity;                      ///< account equity at the moved marks
  ByMode<std::optional<double>> marginRatio;  ///< account maintenance / equity; absent if equity <= 0
  /// Per position: at or past its liquidation price at the moved marks (distance <= 0).
  ByMode<std::vector<bool>> liquidated;
};
struct StressResult {
  std::vector<StressCell> cells;  ///< shocks in order (EachSymbol: per symbol, then per shock)
  std::vector<Step> steps;        ///< explain() only
};
std::vector<InputError> validate(const Scenario& scenario, const StressRequest& request);
/// Each cell equals evaluate() of the scenario with the moved marks (its accounts' equity and
/// margin ratio, and its positions' distanceToLiquidation <= 0), without evaluating it.
Result<StressResult> stressGrid(const Scenario& scenario, const StressRequest& request);
void explain(const Scenario& scenario, const StressRequest& request, StressResult& result);

/// A cross account walked along a price path; liquidations as the profile performs them.
enum class CascadeLiquidation { WholeAccount, TierByTier };
inline constexpr std::size_t kMaxCascadeSteps = 10'000;
/// A straight-line path: at step k of `steps` (k = 1 .. steps) every symbol's mark is
/// mark * (1 + move * k / steps).
struct CascadePath {
  double move = 0;  ///< the final move, a fraction of the mark: > -1 (-0.4 is -40%)
  int steps = 1;    ///< 1 to kMaxCascadeSteps
};
struct CascadeRequest {
  /// Each step sets every symbol's mark: marks[step][symbol]. Empty when `path` is given.
  std::vector<std::map<std::string, double, std::less<>>> marks;
  std::optional<CascadePath> path;  ///< instead of `marks`
  /// Default: the profile's: TierByTier for binance, bybit, bybit-uta, okx, bitmex (VENUES.md 8);
  /// WholeAccount for hyperliquid, dydx, simple.
  std::optional<CascadeLiquidation> style;
  std::optional<double> liquidationFeeRate;  ///< fraction of the closed notional; default the scenario's taker fee
};
/// Why a position was closed or cut: the whole account at maintenance (WholeAccount), every
/// position taken over at or past bankruptcy (Takeover), or tier by tier, the position with the
/// largest maintenance cut to the next lower tier's cap (TierCut) or closed (TierClose). An event
/// carries every number its story needs (the trigger, the tier, the fee, the shortfall), so a page
/// phrases it in its own words; explain()'s steps give the arithmetic.
enum class CascadeReason { WholeAccount, Takeover, TierCut, TierClose };
/// "wholeAccount", "takeover", "tierCut", "tierClose": the strings JS sees.
std::string_view toString(CascadeReason reason) noexcept;
struct CascadeEvent {
  std::size_t step = 0;
  std::size_t position = 0;
  std::string symbol;
  CascadeReason reason = CascadeReason::WholeAccount;
  double price = 0;                ///< the mark when it happened
  double quantityBefore = 0;       ///< contracts before
  double closedQuantity = 0;       ///< contracts closed
  double quantityAfter = 0;        ///< contracts left open (0: closed)
  double realizedPnl = 0;          ///< PnL realised into the wallet by the close
  double closedNotional = 0;       ///< notional of the closed part at the mark
  double fee = 0;                  ///< liquidation fee charged: min(rate * closedNotional, max(0, equityBefore))
  double triggerEquity = 0;        ///< account equity when its pass was triggered (<= triggerMaintenance)
  double triggerMaintenance = 0;   ///< account maintenance margin then
  double positionMaintenance = 0;  ///< TierCut/TierClose: this position's maintenance margin, the largest
  int tier = 0;                    ///< TierCut/TierClose: 1-based tier it was in; 0 otherwise
  std::optional<double> tierCap;   ///< TierCut: the cap of the tier it was cut to
  double equityBefore = 0;         ///< account equity just before this close
  double walletAfter = 0;          ///< wallet after it (0 once the insurance fund covered a shortfall)
  double equityAfter = 0;          ///< cross equity after the event (0 once the insurance fund covered a shortfall)
  double shortfall = 0;            ///< the loss past zero the insurance fund covered at this close
  bool pastBankruptcy = false;     ///< the account's loss went past zero equity: insurance fund / ADL
};
struct CascadeResult {
  std::vector<CascadeEvent> events;
  std::vector<double> equity;  ///< per step, after that step's events
  double finalEquity = 0;
  double insuranceFundLoss = 0;  ///< loss beyond zero equity, covered by the insurance fund or ADL
  std::vector<Step> steps;       ///< explain() only
};
std::vector<InputError> validate(const Scenario& scenario, const CascadeRequest& request);
Result<CascadeResult> cascade(const Scenario& scenario, const CascadeRequest& request);
void explain(const Scenario& scenario, const CascadeRequest& request, CascadeResult& result);

/// The liquidation price after N funding intervals at `rate` (positive: longs pay shorts),
/// paid from isolated margin (isolated) or from the wallet (cross), at the mark.
struct FundingRequest {
  std::size_t position = 0;
  double rate = 0;    ///< per interval, a fraction: |rate| < 1
  int intervals = 0;  ///< 0 to 1,000,000
};
struct FundingResult {
  double paymentPerInterval = 0;  ///< settlement asset, what this position pays (< 0: receives)
  double totalPayment = 0;
  /// isolated: M - totalPayment; cross: walletBalance - totalPayment. Either may be <= 0 (the
  /// liquidation price is then solved directly).
  ByMode<double> marginAfter;
  ByMode<std::optional<double>> liquidationPrice;        ///< after the payments
  ByMode<std::optional<double>> liquidationPriceBefore;  ///< without funding (evaluate()'s)
  /// After the payments the mark is at or past the liquidation price: liquidated by funding.
  ByMode<bool> liquidated;
  std::vector<Step> steps;  ///< explain() only
};
std::vector<InputError> validate(const Scenario& scenario, const FundingRequest& request);
Result<FundingResult> fundingImpact(const Scenario& scenario, const FundingRequest& request);
Result<FundingResult> fundingImpact(const Scenario& scenario, std::size_t position, double rate, int intervals);
void explain(const Scenario& scenario, const FundingRequest& request, FundingResult& result);
/// The funding kernel for a valid scenario and position (no checks): what the position pays per interval at
/// `rate`, at the mark (settlement asset; < 0: it receives).
double fundingPaymentPerInterval(const Scenario& scenario, std::size_t position, double rate);
/// The funding kernel: the liquidation prices after the position paid `payment` in total (settlement asset;
/// < 0: received), from its isolated margin or the wallet; paymentPerInterval is left 0.
FundingResult liquidationAfterFunding(const Scenario& scenario, std::size_t position, double payment);

}  // namespace marginlab
