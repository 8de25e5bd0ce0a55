// SPDX-License-Identifier: MIT
// Implied volatility to machine precision against an independent reference: Black-76 prices computed
// with mpmath at 50 digits and rounded to double (tests/tools/iv_reference.py writes
// tests/fixtures/iv-reference.inc); the "no information" state; and the premium-adjusted delta of a
// coin-settled option.
#include <cmath>
#include <iterator>
#include <limits>

#include "../fixtures/iv-reference.h"
#include "support.h"

using namespace mltest;

namespace {

using ReferenceRow = ivreference::Row;
constexpr const auto& kReference = ivreference::kRows;

constexpr OptionType kCall = OptionType::Call;
constexpr OptionType kPut = OptionType::Put;

double ulp(double x) { return std::nextafter(std::fabs(x), std::numeric_limits<double>::infinity()) - std::fabs(x); }

/// What the price's own rounding allows: |d sigma| <= k (ulp(price) / vega + ulp(sigma)). A price known to
/// half an ulp moves sigma by ulp / (2 vega); k = 8 leaves room for the few ulps the normalised Black
/// function loses around the money (measured worst: 4.2).
constexpr double kAllowedUlps = 8;

}  // namespace

TEST_CASE("Implied volatility: worst error against mpmath over moneyness 0.5-2, 1 day-2 years, 5%-300%",
          "[black][iv][reference]") {
  double worst = 0, worstRatio = 0;
  int solved = 0, refused = 0, uninformative = 0, maxIterations = 0;
  for (const ReferenceRow& row : kReference) {
    const OptionType type = row.call ? kCall : kPut;
    INFO(toString(type) << " K=" << row.strike << " T=" << row.years << " sigma=" << row.volatility);
    const Result<ImpliedVolatility> iv = impliedVolatility(type, row.strike, row.forward, row.years, row.price);
    const double itm = std::max(row.call ? row.forward - row.strike : row.strike - row.forward, 0.0);
    if (!iv) {
      // No volatility fits only a price at (or rounded to) its intrinsic value: 0 out of the money.
      ++refused;
      CHECK(row.price <= itm);
      continue;
    }
    if (!iv.value->informative) {
      // The time value is within 2 ulps of the price: no number, and the state says so.
      ++uninformative;
      CHECK(!iv.value->volatility);
      CHECK(row.price - itm <= 2 * ulp(row.price));
      continue;
    }
    ++solved;
    REQUIRE(iv.value->volatility);
    const double vega = black76Greeks(type, row.strike, row.forward, row.volatility, row.years).vega;
    const double allowed = ulp(row.price) / vega + ulp(row.volatility);
    const double error = std::fabs(*iv.value->volatility - row.volatility);
    CHECK(error <= kAllowedUlps * allowed);
    worst = std::max(worst, error);
    worstRatio = std::max(worstRatio, error / allowed);
    maxIterations = std::max(maxIterations, iv.value->iterations);
    CHECK(iv.value->iterations <= 6);
  }
  // Before the normalised solver (Brent's method to 1e-12 in sigma): worst error / allowed 3.1e4
  // (a 3-month call at K = 200, sigma 5 %), up to 34 steps. Now: 4.2, at most 5 steps.
  INFO("solved " << solved << ", no information " << uninformative << ", refused " << refused
                 << "; worst |sigma error| " << worst << "; worst error / (ulp(price) / vega + ulp(sigma)) "
                 << worstRatio << "; most steps " << maxIterations);
  CHECK(solved + refused + uninformative == static_cast<int>(std::size(kReference)));
  CHECK(worstRatio <= kAllowedUlps);
  CHECK(solved >= 450);
}

TEST_CASE("Implied volatility: at the money 2 years 5 %, and 1-day in-the-money calls, to the price's rounding",
          "[black][iv][reference]") {
  for (const ReferenceRow& row : kReference) {
    const bool atm = row.call && row.strike == 100 && row.years == 2 && row.volatility == 0.05;
    const bool itm1d = row.call && row.strike < row.forward && row.years < 2.0 / 365;
    if (!atm && !itm1d) continue;
    const Result<ImpliedVolatility> iv = impliedVolatility(kCall, row.strike, row.forward, row.years, row.price);
    if (!iv || !iv.value->volatility) continue;  // 1 day at 5 %: the price is its intrinsic value
    const double error = *iv.value->volatility - row.volatility;
    const double vega = black76Greeks(kCall, row.strike, row.forward, row.volatility, row.years).vega;
    INFO("K=" << row.strike << " T=" << row.years << " sigma=" << row.volatility << ": error " << error << ", "
              << iv.value->iterations << " steps");
    // At the money: Brent's method stopped 1.8e-13 off; now within an ulp of 0.05 (6.9e-18).
    if (atm) CHECK(std::fabs(error) <= ulp(0.05));
    CHECK(std::fabs(error) <= kAllowedUlps * (ulp(row.price) / vega + ulp(row.volatility)));
  }
}

TEST_CASE("Implied volatility: a price at its intrinsic value to within rounding carries no information",
          "[black][iv]") {
  // 1 day, sigma 5 %, K = 95: the call's time value is e^-700-ish, far below an ulp of 5.
  const double f = 100, k = 95, years = 1.0 / 365;
  const double intrinsic = f - k;
  const double price = std::nextafter(intrinsic, 10.0);  // one ulp above the intrinsic value
  Result<ImpliedVolatility> r = impliedVolatility(kCall, k, f, years, price);
  REQUIRE(r);
  CHECK(!r.value->informative);
  CHECK(!r.value->volatility);
  CHECK(r.value->timeValue == price - intrinsic);
  // explain() adds the reason, changing no number.
  const ImpliedVolatility numbers = *r.value;
  explainImpliedVolatility(kCall, k, f, years, price, 1, *r.value);
  REQUIRE(r.value->steps.size() == 2);  // parity, then the reason
  CHECK(r.value->steps[1].code == "impliedVolatility.uninformative");
  CHECK_THAT(r.value->steps[1].label, Catch::Matchers::Contains("no volatility can be read from it"));
  CHECK(r.value->informative == numbers.informative);
  CHECK(r.value->timeValue == numbers.timeValue);
  // Exactly the intrinsic value, or below it: still the error "no volatility fits".
  CHECK(!impliedVolatility(kCall, k, f, years, intrinsic));
  CHECK(!impliedVolatility(kCall, k, f, years, intrinsic - 0.01));
  // A time value of 10 ulps is information (little, but a number): solved.
  r = impliedVolatility(kCall, k, f, years, intrinsic + 10 * ulp(intrinsic));
  REQUIRE(r);
  CHECK(r.value->informative);
  CHECK(r.value->volatility);
  // Out of the money a positive price always carries information (it is all time value).
  r = impliedVolatility(kPut, k, f, years, 1e-300);
  REQUIRE(r);
  CHECK(r.value->informative);
}

TEST_CASE("Black-76 premium-adjusted delta: Deribit's delta minus the mark price in coin", "[black][delta]") {
  // Hand calculation (mpmath, 30 digits): F = 60000, K = 50000, sigma 0.6, T = 30/365, r = 0.
  // d1 = 1.1459260770761604, N(d1) = 0.8740871298445550, C = 10697.740823011864, C/F = 0.1782956803835311:
  // call 0.8740871298445550 - 0.1782956803835311 = 0.6957914494610239 (= K/F N(d2));
  // put: N(d1) - 1 = -0.1259128701554450, P/F = 0.0116290137168644: -0.1375418838723094.
  const Black76Greeks c = black76Greeks(kCall, 50000, 60000, 0.6, 30.0 / 365);
  const Black76Greeks p = black76Greeks(kPut, 50000, 60000, 0.6, 30.0 / 365);
  CHECK_THAT(c.delta, WithinAbs(0.8740871298445550, 1e-15));
  CHECK_THAT(c.premiumAdjustedDelta, WithinAbs(0.6957914494610239, 1e-15));
  CHECK_THAT(p.premiumAdjustedDelta, WithinAbs(-0.1375418838723094, 1e-15));
  // Identities: call K/F N(d2) x discount; put -K/F N(-d2) x discount (here at r = 5 %, T = 1).
  const double sd = 0.6, d2 = std::log(60000.0 / 50000) / sd - sd / 2, discount = std::exp(-0.05);
  const auto cdf = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  CHECK_THAT(black76Greeks(kCall, 50000, 60000, 0.6, 1, 0.05).premiumAdjustedDelta,
             WithinAbs(discount * 50000.0 / 60000 * cdf(d2), 1e-14));
  CHECK_THAT(black76Greeks(kPut, 50000, 60000, 0.6, 1, 0.05).premiumAdjustedDelta,
             WithinAbs(-discount * 50000.0 / 60000 * cdf(-d2), 1e-14));
  // At expiry: the intrinsic value's delta less its coin value.
  CHECK_THAT(black76Greeks(kCall, 50000, 60000, 0.6, 0).premiumAdjustedDelta, WithinAbs(1 - 10000.0 / 60000, 1e-15));
}
