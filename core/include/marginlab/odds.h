// SPDX-License-Identifier: MIT
// MarginLab: the probability that the mark touches a liquidation price within a horizon.
// Geometric Brownian motion of the mark; volatility annualised; time in years.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/report.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// Closed-form first-passage probability of GBM (drift mu, volatility sigma, both annualised)
/// from `spot` to `barrier` within `years`: with m = mu - sigma^2/2, b = ln(barrier/spot),
/// down barrier: N((b - m t)/(s sqrt t)) + exp(2 m b / s^2) N((b + m t)/(s sqrt t)); the up
/// barrier by symmetry. 1 if the barrier is already touched. Inputs assumed valid.
double firstPassageProbability(double spot, double barrier, double sigma, double years, double mu = 0) noexcept;

/// One position's odds, closed form: the request. The horizon is `years` or `days` (exactly one).
struct OddsRequest {
  std::size_t position = 0;     ///< index into scenario.positions
  double volatility = 0;        ///< sigma, annualised, in [0, 10] (0: the mark never moves)
  std::optional<double> years;  ///< horizon in years, in [0, 100]
  std::optional<double> days;   ///< horizon in days, in [0, 36500]; years = days / 365 (ACT/365)
  double drift = 0;             ///< mu, annualised, in [-10, 10]
};
/// The probability that the mark touches the position's liquidation price within the horizon.
struct OddsResult {
  ByMode<std::optional<double>> probability;  ///< per mode; absent: no liquidation price
  std::vector<Step> steps;                    ///< filled by explain() only
};
/// The scenario's errors, then the request's.
std::vector<InputError> validate(const Scenario& scenario, const OddsRequest& request);
/// Validates, then computes (numbers only, no steps).
Result<OddsResult> liquidationOdds(const Scenario& scenario, const OddsRequest& request);
/// "Show the math": the steps of `result`, which liquidationOdds(scenario, request) returned. Changes no number.
void explain(const Scenario& scenario, const OddsRequest& request, OddsResult& result);

/// Monte Carlo over correlated GBM paths of every symbol. The horizon is `years` or `days` (exactly one).
struct MonteCarloRequest {
  std::map<std::string, double, std::less<>> volatility;  ///< per symbol, annualised, > 0
  std::vector<std::vector<double>> correlation;  ///< symbols in the order of first appearance; default identity
  std::map<std::string, double, std::less<>> drift;  ///< per symbol, annualised; default 0
  std::optional<double> years;  ///< horizon in years, in (0, 100]
  std::optional<double> days;   ///< horizon in days, in (0, 36500]; years = days / 365 (ACT/365)
  std::size_t steps = 0;   ///< time steps per path
  std::size_t paths = 0;   ///< paths in total
  std::uint64_t seed = 1;  ///< the same seed gives the same numbers on every build
};
/// A 95% confidence interval of a probability.
struct ProbabilityInterval {
  double low = 0, high = 0;
};
/// What the paths simulated so far found. Pass it back to continue (the counts and lists); the
/// estimates are recomputed from them on every answer.
struct MonteCarloTally {
  std::size_t paths = 0;  ///< paths simulated so far
  /// Paths where some isolated position was liquidated / where the cross account hit maintenance.
  ByMode<std::size_t> liquidatedPaths;
  std::vector<std::size_t> isolatedByPosition;  ///< per position: paths where it was liquidated, isolated
  /// Per time step s: the paths first liquidated at the end of step s + 1 (bin 0 also holds marks already past).
  ByMode<std::vector<std::size_t>> timeHistogram;
  /// liquidatedPaths / paths; absent when no path was simulated.
  ByMode<std::optional<double>> probability;
  /// Days until half the liquidated paths were liquidated: (i + 1) * horizon in days / steps for the first
  /// bin i where the running count reaches half of liquidatedPaths; absent when no path was liquidated.
  ByMode<std::optional<double>> medianDays;
  /// The standard error of `probability`, sqrt(p (1 - p) / paths); absent when no path was simulated.
  ByMode<std::optional<double>> standardError;
  /// Its 95% interval (Wilson score: inside [0, 1], meaningful at 0 and at every path liquidated).
  ByMode<std::optional<ProbabilityInterval>> interval95;
  /// True when a touch of the liquidation price between two steps counts (the Brownian bridge): every
  /// isolated position, and a cross account of one symbol (its nearest liquidation price; a hedged
  /// account's far side is checked at the steps). False: the cross account of several symbols, whose
  /// margin is checked at the end of each step only, so more steps find more liquidations.
  ByMode<bool> continuous;
};
/// The scenario's errors, then the request's (not the chunk's: monteCarlo() checks those too).
std::vector<InputError> validate(const Scenario& scenario, const MonteCarloRequest& request);
/// Simulates paths [begin, end) of the request and adds them to `tally`, so a caller can run
/// it in chunks (progress, cancellation). Path i uses its own stream from (seed, i), so the
/// result does not depend on the chunking. Checks the scenario, the request, begin <= end <=
/// request.paths and the tally's list sizes first.
Result<MonteCarloTally> monteCarlo(const Scenario& scenario, const MonteCarloRequest& request, std::size_t begin,
                                   std::size_t end, MonteCarloTally tally = {});

}  // namespace marginlab
