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

/// One position's odds, closed form, in both modes.
struct OddsResult {
  std::optional<double> isolatedProbability, crossProbability;  ///< absent: no liquidation price
  std::vector<Step> steps;
};
Result<OddsResult> liquidationOdds(const Scenario& scenario, std::size_t position, double sigma, double years,
                                   double mu = 0);

/// Monte Carlo over correlated GBM paths of every symbol.
struct MonteCarloRequest {
  std::map<std::string, double, std::less<>> volatility;  ///< per symbol, annualised, > 0
  std::vector<std::vector<double>> correlation;  ///< symbols in the order of first appearance; default identity
  std::map<std::string, double, std::less<>> drift;  ///< per symbol, annualised; default 0
  double years = 0;        ///< horizon
  std::size_t steps = 0;   ///< time steps per path
  std::size_t paths = 0;   ///< paths in total
  std::uint64_t seed = 1;  ///< the same seed gives the same numbers on every build
};
struct MonteCarloTally {
  std::size_t paths = 0;                   ///< paths simulated so far
  std::size_t isolatedAnyLiquidated = 0;   ///< paths where some isolated position was liquidated
  std::size_t crossLiquidated = 0;         ///< paths where the cross account hit maintenance
  std::vector<std::size_t> isolatedByPosition;  ///< per position
  std::vector<std::size_t> isolatedTimeHistogram, crossTimeHistogram;  ///< first hit per time step
};
/// Simulates paths [begin, end) of the request and adds them to `tally`, so a caller can run
/// it in chunks (progress, cancellation). Path i uses its own stream from (seed, i), so the
/// result does not depend on the chunking.
Result<MonteCarloTally> monteCarlo(const Scenario& scenario, const MonteCarloRequest& request, std::size_t begin,
                                   std::size_t end, MonteCarloTally tally = {});

}  // namespace marginlab
