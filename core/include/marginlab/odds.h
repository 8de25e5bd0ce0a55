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
#include "marginlab/surface.h"

namespace marginlab {

/// Closed-form first-passage probability of GBM (drift mu, volatility sigma, both annualised)
/// from `spot` to `barrier` within `years`: with m = mu - sigma^2/2, b = ln(barrier/spot),
/// down barrier: N((b - m t)/(s sqrt t)) + exp(2 m b / s^2) N((b + m t)/(s sqrt t)); the up
/// barrier by symmetry. 1 if the barrier is already touched. Inputs assumed valid.
double firstPassageProbability(double spot, double barrier, double sigma, double years, double mu = 0) noexcept;

/// Where the odds take the volatility from: an implied-volatility surface (options.h's), read at the
/// horizon and a strike.
struct VolatilityFrom {
  std::optional<VolSurface> surface;  ///< required (optional only so that a reader can leave it out)
  std::optional<double> strike;  ///< quote per coin, > 0; default: the position's mark (at the money)
};

/// Merton's jump-diffusion: jumps arrive as a Poisson process and multiply the mark by e^Y, Y normal.
/// The diffusion's drift is compensated (mu - sigma^2/2 - intensity kappa, kappa = e^(meanLog +
/// stdevLog^2/2) - 1), so the mark's expected growth stays mu.
struct JumpModel {
  double intensity = 0;  ///< jumps per year, in [0, 1000]
  double meanLog = 0;    ///< mean of Y, in [-5, 5]
  double stdevLog = 0;   ///< standard deviation of Y, in [0, 5]
};

/// One position's odds, closed form: the request. The horizon is `years` or `days` (exactly one).
struct OddsRequest {
  std::size_t position = 0;     ///< index into scenario.positions
  double volatility = 0;        ///< sigma, annualised, in [0, 10] (0: the mark never moves)
  std::optional<double> years;  ///< horizon in years, in [0, 100]
  std::optional<double> days;   ///< horizon in days, in [0, 36500]; years = days / 365 (ACT/365)
  double drift = 0;             ///< mu, annualised, in [-10, 10]
  /// Funding per interval, a fraction (positive: longs pay shorts), |rate| < 1; absent: no funding.
  /// Accrued continuously at the mark's notional (the funding tool's kernel), so that the liquidation
  /// price moves with time; the venues settle every interval, so the total paid differs by at most one
  /// interval's payment.
  std::optional<double> fundingRate;
  double fundingIntervalHours = 8;  ///< hours per funding interval, in [1/60, 8760]
  /// The volatility from an implied-volatility surface at the horizon instead of `volatility`.
  std::optional<VolatilityFrom> volatilityFrom;
};
/// The probability that the mark touches the position's liquidation price within the horizon.
struct OddsResult {
  ByMode<std::optional<double>> probability;  ///< per mode; absent: no liquidation price
  double volatility = 0;                      ///< the sigma used: the request's or the surface's
  /// Per mode, the liquidation price at the horizon (with funding: after the horizon's payments).
  ByMode<std::optional<double>> liquidationPriceAtHorizon;
  /// False when funding moves the liquidation price: the closed form then takes the barrier as moving
  /// exponentially from its price now to its price at the horizon (exact for such a barrier; the funding
  /// barrier is linear in time, a few 1e-5 apart in log over a month at 0.01% per 8 hours).
  bool exact = true;
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
  /// Funding per interval, paid by every position (OddsRequest's rule); absent: no funding. Each
  /// isolated liquidation price and the cross wallet move with the payments; between two steps the
  /// liquidation price is taken as moving exponentially (the bridge is then exact for it).
  std::optional<double> fundingRate;
  double fundingIntervalHours = 8;  ///< hours per funding interval, in [1/60, 8760]
  /// Jumps of every symbol's mark, independent across symbols; absent: none.
  std::optional<JumpModel> jumps;
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
  std::vector<Step> steps;  ///< filled by explain() only (never read back from a tally passed in)
};
/// The scenario's errors, then the request's (not the chunk's: monteCarlo() checks those too).
std::vector<InputError> validate(const Scenario& scenario, const MonteCarloRequest& request);
/// Simulates paths [begin, end) of the request and adds them to `tally`, so a caller can run
/// it in chunks (progress, cancellation). Path i uses its own stream from (seed, i), so the
/// result does not depend on the chunking. Checks the scenario, the request, begin <= end <=
/// request.paths and the tally's list sizes first.
Result<MonteCarloTally> monteCarlo(const Scenario& scenario, const MonteCarloRequest& request, std::size_t begin,
                                   std::size_t end, MonteCarloTally tally = {});

/// "Show the math" of a monteCarlo() answer (mc_explain.cpp): the paths and the time step, each symbol's
/// log step, Merton's parameters with jumps, the Brownian-bridge touch probability of a step for each
/// liquidation price (its formula and a worked step), then per mode the estimate, its standard error,
/// its 95% interval and the median time. Reads the tally; changes no number.
void explain(const Scenario& scenario, const MonteCarloRequest& request, MonteCarloTally& tally);

/// An estimate and its standard error.
struct TailEstimate {
  double value = 0, standardError = 0;
};
/// The account's loss over the horizon (settlement asset; > 0: a loss): value at risk and expected
/// shortfall at 99% and 97.5%. VaR_a is the order statistic L_(ceil(n a)) of the n paths' losses, ES_a the
/// mean of it and every loss above it; each standard error by sectioning (the paths in 20 sections in
/// path order, the estimate on each, their standard deviation / sqrt(20)).
struct LossMeasures {
  TailEstimate var99, var975, es99, es975;
  double mean = 0;  ///< the mean loss
};
/// The insurance fund's loss: what a liquidated position (isolated) or account (cross) lost past its
/// bankruptcy, when a jump carried the mark past the liquidation price (a continuous mark is closed at
/// the liquidation price, which is never past bankruptcy).
struct FundLoss {
  std::vector<double> quantiles;  ///< at VarResult::levels
  double probability = 0;         ///< share of paths with a loss to the fund
  double mean = 0;
};
/// Value at risk of the account: the Monte Carlo's paths run to the horizon. A liquidated position
/// (isolated) or account (cross) loses its value now (its margin and PnL at the mark); the others lose
/// what their value fell by at the horizon, funding included.
struct VarResult {
  std::size_t paths = 0;
  ByMode<LossMeasures> loss;
  ByMode<FundLoss> insuranceFund;
  std::vector<double> levels;  ///< the fund's quantile levels: 0.5, 0.9, 0.99, 0.999
  std::size_t sections = 0;    ///< the standard errors' sections: 20
  std::vector<Step> steps;     ///< filled by explain() only
};
/// The scenario's and the request's errors (monteCarlo's), and request.paths in [2000, 1e6].
std::vector<InputError> validateValueAtRisk(const Scenario& scenario, const MonteCarloRequest& request);
/// Validates, then runs every path of the request to the horizon.
Result<VarResult> valueAtRisk(const Scenario& scenario, const MonteCarloRequest& request);
/// "Show the math" of a valueAtRisk() result. Changes no number.
void explain(const Scenario& scenario, const MonteCarloRequest& request, VarResult& result);

}  // namespace marginlab
