// SPDX-License-Identifier: MIT
// MarginLab: a volatility surface derived from option quotes. Implied volatilities from prices
// (Black-76, black.h), the forward per expiry, Gatheral's raw SVI fitted to each expiry in total
// variance (Zeliade's quasi-explicit calibration), the fit checked for butterfly and calendar
// arbitrage (Gatheral & Jacquier, "Arbitrage-free SVI volatility surfaces", Quantitative Finance
// 14 (2014) 59-71), and a VolSurface grid sampled from it. README "Volatility surfaces from quotes".
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "marginlab/black.h"
#include "marginlab/errors.h"
#include "marginlab/report.h"
#include "marginlab/surface.h"

namespace marginlab {

/// Limits that keep one fit bounded.
inline constexpr std::size_t kMaxSurfaceQuotes = 2000;     ///< quotes in one request
inline constexpr std::size_t kMaxSurfaceFitExpiries = 40;  ///< distinct expiries in one request
/// Distinct strikes an expiry needs: raw SVI has five parameters.
inline constexpr std::size_t kMinSmileStrikes = 5;
/// The sampled surface: strikes log-spaced over the quoted range, and this many expiries between
/// two fitted ones (so 40 expiries give 40 + 39 x 3 = 157 rows, under kMaxSurfaceExpiries).
inline constexpr std::size_t kSurfaceFitStrikes = 41;
inline constexpr std::size_t kSurfaceFitSubsteps = 3;

/// One option quote as a venue's option chain lists it.
struct OptionQuote {
  double expiryYears = 0;  ///< years to expiry, > 0 and <= kMaxBlackYears
  double strike = 0;       ///< quote currency per unit of underlying, > 0
  OptionType type = OptionType::Call;
  /// Premium in the quote currency per unit of underlying, discounted at the request's interestRate
  /// as Black-76 is. Used when given (then `volatility` is only checked).
  std::optional<double> price;
  std::optional<double> volatility;  ///< annualised implied volatility, in (0, kMaxOptionVolatility]
};

/// What fitSurface reads.
struct SurfaceFitRequest {
  double underlyingPrice = 0;  ///< spot, quote per unit; the forward is underlyingPrice exp(r T) without parity
  double interestRate = 0;     ///< continuous, annual, within +-kMaxBlackRate
  std::vector<OptionQuote> quotes;
};

/// One expiry's fitted smile: w(k) = a + b (rho (k - m) + sqrt((k - m)^2 + sigma^2)), the total
/// implied variance sigma_BS^2 T against k = ln(K / forward).
struct SviSmile {
  double expiryYears = 0;
  double forward = 0;
  /// "putCallParity": F = K + (C - P) / D at the strike where a call and a put are both priced and
  /// |C - P| is least; "carry": underlyingPrice exp(r T) (no such pair).
  std::string forwardSource;
  double a = 0, b = 0, rho = 0, m = 0, sigma = 0;
  double rmse = 0;  ///< root mean square of fitted minus quoted implied volatility (annualised)
  std::size_t quotes = 0;  ///< strikes fitted (one volatility per strike: the out-of-the-money one)
  /// min over the check grid of Gatheral's g(k) = (1 - k w'/(2w))^2 - w'^2/4 (1/w + 1/4) + w''/2, and where.
  double minDensity = 0;
  double minDensityLogMoneyness = 0;
  double wingSlope = 0;  ///< b (1 + |rho|), the steeper wing's slope of w in k; Lee's bound: <= 2
  bool butterflyFree = true;  ///< g >= 0 on the grid, w > 0, and wingSlope <= 2
  bool calendarFree = true;   ///< w(k) >= the previous expiry's w(k) at every k checked (true for the first)
  bool arbitrageFree = true;  ///< both
};

/// Where the fit (kind "butterfly", "calendar") or the quotes themselves (kind "quotes": call prices
/// across one expiry's strikes not decreasing and convex) admit arbitrage.
struct SurfaceArbitrage {
  std::string kind;
  double expiryYears = 0;
  std::optional<double> laterExpiryYears;  ///< calendar: the later expiry whose w falls below
  double fromStrike = 0, toStrike = 0;     ///< the strikes (at this expiry's forward) it spans
  double fromLogMoneyness = 0, toLogMoneyness = 0;
  /// butterfly: the least g (a point where w <= 0, which has no density, counts as -1); calendar: the largest fall of w; quotes: the largest breach of
  /// monotonicity or convexity, in undiscounted price.
  double worst = 0;
};

struct SurfaceFitResult {
  std::vector<SviSmile> smiles;  ///< by expiry, ascending
  std::vector<SurfaceArbitrage> arbitrage;
  VolSurface surface;            ///< sampled from the fit (surfaceFitVolatility), valid by validateVolSurface
  std::vector<Step> steps;       ///< explain() only
};

/// Raw SVI total variance and its first two derivatives in k.
double sviTotalVariance(double a, double b, double rho, double m, double sigma, double k) noexcept;
/// Gatheral's g(k) for raw SVI (Gatheral & Jacquier 2014, eq. 2.1); the density is g / sqrt(2 pi w) exp(-d-^2/2).
double sviDensityFactor(double a, double b, double rho, double m, double sigma, double k) noexcept;

/// Every problem at once: underlyingPrice, interestRate, quotes (1 to kMaxSurfaceQuotes), each quote's
/// fields, a price or a volatility, a strike quoted twice for one type and expiry, at most
/// kMaxSurfaceFitExpiries expiries each with kMinSmileStrikes distinct strikes; then the forwards and
/// prices (a parity forward <= 0, a price no volatility fits) at quotes[i].price.
std::vector<InputError> validate(const SurfaceFitRequest& request);

/// The checked entry: validate, then fit each expiry and check the surface (numbers only).
Result<SurfaceFitResult> fitSurface(const SurfaceFitRequest& request);

/// The volatility the fit gives at `years` and `strike`: total variance linear in T at fixed
/// k = ln(K / F(T)) between fitted expiries, F(T) log-linear in T; before the first expiry w
/// scales with T, after the last the last smile's volatility holds.
double surfaceFitVolatility(const SurfaceFitResult& fit, double years, double strike) noexcept;

/// The steps: each expiry's forward, fit and checks. Changes no number.
void explain(const SurfaceFitRequest& request, SurfaceFitResult& result);

}  // namespace marginlab
