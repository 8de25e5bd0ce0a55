// SPDX-License-Identifier: MIT
// MarginLab: how a liquidation engine unwinds a position it took over, for teaching.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/report.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// One price level of the side of the book the engine trades against.
struct BookLevel {
  double price = 0;  ///< quote per base
  double size = 0;   ///< contracts available
};

enum class UnwindStyle { Market, Twap, Iceberg };
struct UnwindRequest {
  std::size_t position = 0;
  MarginMode mode = MarginMode::Isolated;  ///< whose liquidation and bankruptcy prices apply
  UnwindStyle style = UnwindStyle::Market;
  /// The book, best level first. Empty: a linear depth model from depthPerPercent.
  std::vector<BookLevel> book;
  double depthPerPercent = 0;   ///< contracts per 1% away from the takeover price (depth model)
  std::size_t slices = 1;       ///< TWAP: equal slices; Iceberg: slices of visibleSize
  double visibleSize = 0;       ///< Iceberg: contracts shown per slice
  double replenishFraction = 1; ///< share of consumed depth that returns between slices (0..1)
  double insuranceFund = 0;     ///< balance before, settlement asset
};
struct UnwindSlice {
  double quantity = 0, averagePrice = 0, worstPrice = 0;
};
struct UnwindResult {
  std::vector<UnwindSlice> slices;
  double averagePrice = 0;
  double bankruptcyPrice = 0, liquidationPrice = 0;
  double insuranceFundChange = 0;  ///< > 0: fills better than bankruptcy feed the fund
  double insuranceFundAfter = 0;
  double unfilled = 0;             ///< contracts the book could not absorb
  bool autoDeleveraging = false;   ///< the fund cannot cover the loss: ADL starts
  std::vector<Step> steps;
};
Result<UnwindResult> unwind(const Scenario& scenario, const UnwindRequest& request);

}  // namespace marginlab
