// SPDX-License-Identifier: MIT
// The volatility surface: validation with paths, and interpolation (linear in volatility across
// ln K, linear in total variance across expiries, flat beyond the ends).
#include <cmath>
#include <limits>

#include "support.h"

using namespace mltest;

namespace {

/// 3 expiries x 4 strikes, a smile that flattens with time.
VolSurface sample() {
  return VolSurface{.expiries = {0.1, 0.5, 1.0},
                    .strikes = {80, 90, 100, 120},
                    .vols = {{0.70, 0.60, 0.55, 0.65}, {0.62, 0.56, 0.52, 0.58}, {0.58, 0.54, 0.50, 0.54}}};
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

TEST_CASE("Surface: the nodes are returned as given", "[surface]") {
  const VolSurface s = sample();
  REQUIRE(validateVolSurface(s).empty());
  for (std::size_t i = 0; i < s.expiries.size(); ++i)
    for (std::size_t j = 0; j < s.strikes.size(); ++j)
      CHECK_THAT(surfaceVolatility(s, s.expiries[i], s.strikes[j]), WithinRel(s.vols[i][j], 1e-15));
}

TEST_CASE("Surface: linear in volatility across log-moneyness", "[surface]") {
  const VolSurface s = sample();
  // On the first expiry, between K = 80 (0.70) and 90 (0.60): the weight is that of ln K (the
  // forward is common to the row, so ln(K/F) gives the same weight). At sqrt(80 x 90), half way.
  CHECK_THAT(surfaceVolatility(s, 0.1, std::sqrt(80.0 * 90.0)), WithinRel(0.65, 1e-14));
  // At K = 110 between 100 (0.55) and 120 (0.65): w = ln(110/100) / ln(120/100).
  const double w = std::log(1.1) / std::log(1.2);
  CHECK_THAT(surfaceVolatility(s, 0.1, 110), WithinRel(0.55 + w * 0.10, 1e-14));
  // Not linear in K itself: 0.6 would be the linear-in-strike value at 110.
  CHECK(std::fabs(surfaceVolatility(s, 0.1, 110) - 0.60) > 1e-3);
}

TEST_CASE("Surface: linear in total variance across expiries", "[surface]") {
  const VolSurface s = sample();
  // At K = 100 between T = 0.5 (0.52) and T = 1 (0.50), at T = 0.75:
  // w = (0.52^2 x 0.5 + 0.50^2 x 1) / 2 = (0.1352 + 0.25) / 2 = 0.1926; sigma = sqrt(0.1926 / 0.75).
  CHECK_THAT(surfaceVolatility(s, 0.75, 100), WithinRel(std::sqrt(0.1926 / 0.75), 1e-14));
  // Both directions at once: T = 0.3 (between 0.1 and 0.5, weight 0.5), K = sqrt(90 x 100).
  const double v0 = (0.60 + 0.55) / 2, v1 = (0.56 + 0.52) / 2;
  const double variance = v0 * v0 * 0.1 + 0.5 * (v1 * v1 * 0.5 - v0 * v0 * 0.1);
  CHECK_THAT(surfaceVolatility(s, 0.3, std::sqrt(90.0 * 100.0)), WithinRel(std::sqrt(variance / 0.3), 1e-14));
}

TEST_CASE("Surface: flat beyond the ends", "[surface]") {
  const VolSurface s = sample();
  CHECK(surfaceVolatility(s, 0.1, 10) == 0.70);      // below the first strike
  CHECK(surfaceVolatility(s, 0.1, 1e9) == 0.65);     // above the last strike
  CHECK(surfaceVolatility(s, 1e-6, 100) == 0.55);    // before the first expiry: its volatility
  CHECK(surfaceVolatility(s, 50, 100) == 0.50);      // after the last expiry
  CHECK(surfaceVolatility(s, 50, 1) == 0.58);        // a corner
  // One expiry, one strike: the same number everywhere.
  const VolSurface one{.expiries = {0.25}, .strikes = {100}, .vols = {{0.8}}};
  REQUIRE(validateVolSurface(one).empty());
  for (double t : {1e-9, 0.25, 3.0})
    for (double k : {1e-6, 100.0, 1e12}) CHECK(surfaceVolatility(one, t, k) == 0.8);
  // Everywhere finite and within the table's range (both interpolations are convex combinations).
  for (double t = 1e-4; t < 20; t *= 1.7)
    for (double k = 1; k < 1e5; k *= 1.3) {
      const double v = surfaceVolatility(s, t, k);
      CHECK((v >= 0.50 - 1e-12 && v <= 0.70 + 1e-12));
    }
}

TEST_CASE("Surface validation: every problem with its path", "[surface][errors]") {
  SECTION("unsorted and repeated axes") {
    VolSurface s = sample();
    s.expiries = {0.1, 1.0, 0.5};
    s.strikes = {80, 90, 90, 120};
    const auto e = validateVolSurface(s);
    CHECK(hasError(e, "volSurface.expiries[2]", ErrorCode::Unsorted));
    CHECK(hasError(e, "volSurface.strikes[2]", ErrorCode::Unsorted));
    CHECK(e.size() == 2);
  }
  SECTION("zero, negative, NaN and infinite numbers") {
    VolSurface s = sample();
    s.expiries[0] = 0;
    s.strikes[1] = -90;
    s.strikes[3] = std::numeric_limits<double>::infinity();
    s.vols[1][2] = kNaN;
    s.vols[2][0] = -0.2;
    s.vols[0][3] = 12;
    const auto e = validateVolSurface(s, "scenario.volSurface");
    CHECK(hasError(e, "scenario.volSurface.expiries[0]", ErrorCode::NotPositive));
    CHECK(hasError(e, "scenario.volSurface.strikes[1]", ErrorCode::NotPositive));
    CHECK(hasError(e, "scenario.volSurface.strikes[3]", ErrorCode::NotFinite));
    CHECK(hasError(e, "scenario.volSurface.vols[1][2]", ErrorCode::NotFinite));
    CHECK(hasError(e, "scenario.volSurface.vols[2][0]", ErrorCode::NotPositive));
    CHECK(hasError(e, "scenario.volSurface.vols[0][3]", ErrorCode::OutOfRange));
  }
  SECTION("a table that is not expiries x strikes") {
    VolSurface s = sample();
    s.vols.pop_back();
    s.vols[1].push_back(0.5);
    const auto e = validateVolSurface(s);
    CHECK(hasError(e, "volSurface.vols", ErrorCode::OutOfRange));
    CHECK(hasError(e, "volSurface.vols[1]", ErrorCode::OutOfRange));
  }
  SECTION("empty and too long axes") {
    VolSurface s;
    auto e = validateVolSurface(s);
    CHECK(hasError(e, "volSurface.expiries", ErrorCode::Empty));
    CHECK(hasError(e, "volSurface.strikes", ErrorCode::Empty));
    s = sample();
    s.strikes.assign(kMaxSurfaceStrikes + 1, 100);
    e = validateVolSurface(s);
    CHECK(hasError(e, "volSurface.strikes", ErrorCode::TooMany));
  }
  SECTION("messages name the value and the neighbour") {
    VolSurface s = sample();
    s.expiries = {0.1, 1.0, 0.5};
    const auto e = validateVolSurface(s);
    REQUIRE(e.size() == 1);
    CHECK(e[0].message == "volSurface.expiries[2] (0.5) must be greater than volSurface.expiries[1] (1): the axis "
                          "must be strictly increasing");
  }
}

TEST_CASE("Surface slope: the steepest |d sigma / d ln K| of any row bounds the interpolated surface's",
          "[surface]") {
  // Row 0 rises 0.3 from ln 50,000 to ln 60,000 (slope 0.3 / ln 1.2 = 1.6454...), row 1 falls 0.1 over
  // ln(70,000 / 60,000). Tolerance 1e-14 relative.
  const VolSurface s{.expiries = {0.1, 0.5}, .strikes = {50'000, 60'000, 70'000}, .vols = {{0.9, 0.6, 0.65}, {0.7, 0.6, 0.5}}};
  CHECK_THAT(surfaceSlope(s), WithinRel(0.3 / std::log(1.2), 1e-14));
  // Between and beyond the expiries, finite differences in ln K never exceed it (1e-9 for rounding).
  for (double years : {0.05, 0.1, 0.2, 0.35, 0.5, 2.0})
    for (double k = 40'000; k < 80'000; k *= 1.003) {
      const double slope = std::fabs(surfaceVolatility(s, years, k * 1.003) - surfaceVolatility(s, years, k)) /
                           std::log(1.003);
      CHECK(slope <= surfaceSlope(s) * (1 + 1e-9));
    }
  CHECK(surfaceSlope(VolSurface{.expiries = {1}, .strikes = {100}, .vols = {{0.5}}}) == 0);
}
