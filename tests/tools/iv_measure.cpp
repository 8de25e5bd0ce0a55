// SPDX-License-Identifier: MIT
// Measures impliedVolatility against the mpmath table (tests/fixtures/iv-reference.inc): the worst
// |sigma error| over the grid, the two cases of the report (at the money 2 years 5%; the worst 1-day
// in-the-money call), the iterations, and the time per solve. Builds against any tree of the core:
//   g++ -O2 -std=c++20 -I<tree>/core/include tests/tools/iv_measure.cpp <tree>/core/src/{black,check,names}.cpp
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iterator>

#include "../fixtures/iv-reference.h"
#include "marginlab/black.h"

using namespace marginlab;

namespace {
using Row = ivreference::Row;
constexpr const auto& kRows = ivreference::kRows;
/// The fitted volatility, or NaN when there is none (a double before the no-information state, optional after).
template <class V>
double fitted(const V& iv) {
  if constexpr (requires { iv.volatility.has_value(); }) return iv.volatility ? *iv.volatility : NAN;
  else return iv.volatility;
}
double ulp(double x) { return std::nextafter(std::fabs(x), INFINITY) - std::fabs(x); }
}  // namespace

int main() {
  double worst = 0, worstItm1d = 0, worstRatio = 0;
  const Row* at = nullptr;
  const Row* atRatio = nullptr;
  const Row* at1d = nullptr;
  int solved = 0, none = 0, maxIterations = 0;
  long iterations = 0;
  for (const Row& row : kRows) {
    const OptionType type = row.call ? OptionType::Call : OptionType::Put;
    const Result<ImpliedVolatility> iv = impliedVolatility(type, row.strike, row.forward, row.years, row.price);
    const double sigma = iv ? fitted(*iv.value) : NAN;
    if (std::isnan(sigma)) {
      ++none;
      continue;
    }
    ++solved;
    iterations += iv.value->iterations;
    maxIterations = std::max(maxIterations, iv.value->iterations);
    const double error = std::fabs(sigma - row.volatility);
    if (error > worst) worst = error, at = &row;
    // The error the price's own rounding allows: half an ulp of the price over vega, plus an ulp of sigma.
    const double vega = black76Greeks(type, row.strike, row.forward, row.volatility, row.years).vega;
    const double allowed = ulp(row.price) / vega + ulp(row.volatility);
    if (error / allowed > worstRatio) worstRatio = error / allowed, atRatio = &row;
    if (std::getenv("IV_VERBOSE"))
      std::printf("%s K=%.6g T=%.5g sigma=%g: error %.3g = %.3g allowed, %d iterations\n", row.call ? "call" : "put",
                  row.strike, row.years, row.volatility, error, error / allowed, iv.value->iterations);
    if (row.call && row.forward > row.strike && row.years < 2.0 / 365 && error > worstItm1d) worstItm1d = error, at1d = &row;
  }
  std::printf("grid: %zu rows, %d solved, %d without a volatility; worst |sigma error| %.3g", std::size(kRows), solved,
              none, worst);
  if (at) std::printf(" (%s K=%.17g T=%.6g sigma=%g)", at->call ? "call" : "put", at->strike, at->years, at->volatility);
  if (atRatio)
    std::printf("\nworst error / (ulp(price) / vega + ulp(sigma)): %.3g (%s K=%.17g T=%.6g sigma=%g)", worstRatio,
                atRatio->call ? "call" : "put", atRatio->strike, atRatio->years, atRatio->volatility);
  std::printf("\niterations: mean %.2f, max %d\n", double(iterations) / std::max(solved, 1), maxIterations);
  if (at1d)
    std::printf("worst 1-day in-the-money call: K=%.17g sigma=%g error %.3g\n", at1d->strike, at1d->volatility, worstItm1d);
  for (const Row& row : kRows)
    if (row.call && row.strike == 100 && row.years == 2 && row.volatility == 0.05) {
      const Result<ImpliedVolatility> atm = impliedVolatility(OptionType::Call, 100, 100, 2, row.price);
      std::printf("at the money, 2 years, 5%%: error %.3g, %d iterations\n", fitted(*atm.value) - 0.05, atm.value->iterations);
    }
  // Speed: every solvable row of the grid, repeated.
  const auto start = std::chrono::steady_clock::now();
  double sink = 0;
  long calls = 0;
  for (int rep = 0; rep < 200; ++rep)
    for (const Row& row : kRows) {
      const Result<ImpliedVolatility> iv = impliedVolatility(row.call ? OptionType::Call : OptionType::Put, row.strike,
                                                             row.forward, row.years, row.price);
      if (iv) sink += fitted(*iv.value);
      ++calls;
    }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("speed: %.3g us per impliedVolatility call over the grid (%ld calls; %g)\n", seconds / calls * 1e6, calls,
              sink > 0 ? 1.0 : 0.0);
}
