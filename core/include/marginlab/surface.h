// SPDX-License-Identifier: MIT
// MarginLab: an implied-volatility surface, a table of expiries x strikes, and its interpolation.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "marginlab/errors.h"

namespace marginlab {

/// Limits that keep one surface bounded.
inline constexpr std::size_t kMaxSurfaceExpiries = 200;
inline constexpr std::size_t kMaxSurfaceStrikes = 1000;
/// Largest accepted volatility anywhere (annualised): 1000 %.
inline constexpr double kMaxOptionVolatility = 10;

/// Implied volatilities quoted on a grid.
struct VolSurface {
  std::vector<double> expiries;  ///< years from the valuation date, > 0, strictly increasing
  /// Instead of expiries, in an options scenario: expiry dates as the venue shows them ("27MAR26",
  /// 08:00 UTC) or ISO ("2026-03-27", optionally with a time), strictly increasing, turned into years
  /// against the scenario's valuationDate (options.h). Anywhere else (no valuation date) an error.
  std::vector<std::string> expiryDates;
  std::vector<double> strikes;   ///< quote per coin, > 0, strictly increasing
  /// vols[i][j]: annualised volatility at expiries[i] and strikes[j], > 0 and <= kMaxOptionVolatility.
  std::vector<std::vector<double>> vols;
};

/// Every problem at once, with paths under `path` ("volSurface.expiries[2]", "volSurface.vols[1][3]"):
/// empty or too long axes, numbers that are not finite or not > 0, axes not strictly increasing
/// (code unsorted), and a vols table whose shape is not expiries x strikes (code outOfRange).
/// expiryDates need an options scenario's valuation date: here they are an error (validateOptions reads them).
std::vector<InputError> validateVolSurface(const VolSurface& surface, const std::string& path = "volSurface");

/// The volatility at `years` and `strike` (surface assumed valid). Across strikes: linear in
/// volatility against log-moneyness ln(K/F); on one expiry's row every strike shares the forward F,
/// so the weights are those of ln K and F drops out. Across expiries: linear in total variance
/// sigma^2 T at that strike, sigma = sqrt(w(T) / T). Flat beyond the ends: the first or last
/// strike's volatility outside the strikes, the first or last expiry's volatility outside the
/// expiries (so total variance keeps growing in proportion to T there).
double surfaceVolatility(const VolSurface& surface, double years, double strike) noexcept;

/// The steepest slope of the surface across strikes, max |d sigma / d ln K| over every row's pieces
/// (surface assumed valid). It bounds the slope of surfaceVolatility(T, K) in ln K at any T too:
/// between two expiries sigma^2 T is a blend a w0 + b w1 with a + b = 1 (in T), so |d sigma| <= the
/// larger row's slope (Cauchy-Schwarz). The options account's liquidation search uses it to bound how
/// fast an option's price can move with the underlying under sticky moneyness.
double surfaceSlope(const VolSurface& surface) noexcept;

}  // namespace marginlab
