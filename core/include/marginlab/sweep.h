// SPDX-License-Identifier: MIT
// MarginLab: account equity against the price of one symbol, in one call.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// Which outcome a sweep follows.
enum class SweepMode { Isolated, Cross, AsGiven };

struct SweepRequest {
  SweepMode mode = SweepMode::Cross;
  std::size_t position = 0;  ///< the positions of this one's symbol follow the price; others stay at their marks
};

/// The scenario's errors (validate(scenario)), then the request's.
std::vector<InputError> validate(const Scenario& scenario, const SweepRequest& request);

/// Writes into out[i] the account equity (as AccountOutcome::equity defines it) with the
/// symbol's mark at prices[i]. out.size() must equal prices.size(). Returns every input error
/// (scenario, request and prices); out is untouched when there are errors.
std::vector<InputError> sweepEquity(const Scenario& scenario, const SweepRequest& request,
                                    std::span<const double> prices, std::span<double> out);

}  // namespace marginlab
