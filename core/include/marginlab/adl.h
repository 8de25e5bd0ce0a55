// SPDX-License-Identifier: MIT
// MarginLab: where a position stands in the venue's auto-deleveraging queue (ADL ranking), shown as the
// venues' five-light indicator. The other traders' positions are not public: their distribution is an
// input (quantiles), an assumption with a stated default.
#pragma once

#include <cstddef>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/report.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// Most quantiles of one crowd distribution.
inline constexpr std::size_t kMaxAdlQuantiles = 101;
/// Leverage grid points over which the crowd's leverage is integrated (midpoint rule in probability).
inline constexpr std::size_t kAdlLeverageGrid = 1000;

/// OKX's ADL ranking. OKX publishes no formula (help centre and API: a five-level "adl" indicator only;
/// third-party copies of its text name profit and leverage): None refuses OKX (scenario.rules
/// adlNoRanking); PnlTimesLeverageAssumed ranks it with Bybit's PnL% x / / effective leverage, an assumption.
enum class AdlOkxRanking { None, PnlTimesLeverageAssumed };

/// adlRank()'s request. The crowd: the other traders' ranking inputs as quantiles at evenly spaced
/// probabilities 0, 1/(n-1), ..., 1 (ascending, piecewise linear between them), taken as independent.
/// Empty: the default below. The venues publish neither; the defaults are an assumption.
struct AdlRequest {
  std::size_t position = 0;
  MarginMode mode = MarginMode::Isolated;
  /// PnL% of the others (0.1 = 10%). Default {-0.5, -0.1, 0, 0.1, 0.5}.
  std::vector<double> pnlQuantiles;
  /// The score's second factor of the others: effective leverage (Bybit, BitMEX; default {1, 2, 5, 10, 25})
  /// or margin ratio (Binance; default {0.01, 0.05, 0.1, 0.3, 0.8}).
  std::vector<double> leverageQuantiles;
  /// OKX only (ignored for the other venues): the ranking assumed for it.
  AdlOkxRanking okxRanking = AdlOkxRanking::None;
};

/// adlRank()'s answer.
struct AdlRankResult {
  double pnlPercent = 0;  ///< the position's PnL% in the venue's definition
  double leverage = 0;    ///< its second factor: effective leverage (Bybit, BitMEX) or margin ratio (Binance)
  double score = 0;       ///< the ranking score
  double quantile = 0;    ///< share of the crowd whose score is below it (0..1)
  int lights = 1;         ///< 1..5: quantile buckets of 20% (5: the top 20%, deleveraged first)
  std::vector<double> pnlQuantiles, leverageQuantiles;  ///< the crowd used (the defaults when none given)
  std::vector<Step> steps;  ///< filled by explain() only
};

/// Input errors: the scenario's, the position index, the venue (Binance, Bybit, BitMEX rank; OKX with
/// request.okxRanking; the others have no documented formula here), the position's bankruptcy price in request.mode (Bybit, BitMEX),
/// and the quantiles (2..101 finite values, ascending; leverage > 0, margin ratio >= 0).
std::vector<InputError> validate(const Scenario& scenario, const AdlRequest& request);

/// The position's ADL ranking score and its place in the crowd. Formulas:
/// Binance (FAQ 360033525471 "What Is Auto-Deleveraging (ADL)"): PnL% = max(0, uPnL) / max(1, WB),
///   MarginRatio = MM / (WB + uPnL) (0 if WB + uPnL <= 0), score = PnL% x MarginRatio; isolated: the
///   position's margin as WB; cross: the wallet, every position's uPnL and MM.
/// Bybit (help.bybit.com 900000031623) and BitMEX (ADL ranking by profit and leverage):
///   PnL% = (MarkValue - EntryValue) / |EntryValue|, EffLev = |MarkValue| / |MarkValue - BankruptcyValue|,
///   score = PnL% x EffLev when PnL% > 0, PnL% / EffLev otherwise.
/// quantile = P(crowd score < score): exact in the PnL% distribution (the score grows with PnL% at a
/// given leverage), the leverage integrated over kAdlLeverageGrid midpoints.
Result<AdlRankResult> adlRank(const Scenario& scenario, const AdlRequest& request);

/// "Show the math": the steps of `result`, which adlRank(scenario, request) returned. Changes no number.
void explain(const Scenario& scenario, const AdlRequest& request, AdlRankResult& result);

}  // namespace marginlab
