// SPDX-License-Identifier: MIT
// Black-76 and Black-Scholes-Merton prices and greeks against published values, put-call parity,
// the limits (T -> 0, sigma -> 0, deep in and out of the money), and implied volatility.
#include <cmath>
#include <limits>
#include <vector>

#include "support.h"

using namespace mltest;

namespace {

constexpr OptionType kCall = OptionType::Call;
constexpr OptionType kPut = OptionType::Put;

/// One row of Haug's tables as QuantLib's test-suite/europeanoption.cpp writes it.
struct HaugRow {
  OptionType type;
  double strike, spot, q, r, t, vol, value;
};

// Source: E. G. Haug, "Option Pricing Formulas", McGraw-Hill 1998, as tabulated in QuantLib's
// test-suite/europeanoption.cpp, EuropeanOptionTest testValues (lballabio/QuantLib). Page numbers
// are QuantLib's ("pag 2-8", "pag 24", "pag 27"). Tolerance: QuantLib's, 1e-4 absolute on every row.
// QuantLib turns t into whole days of an Actual/360 year (t * 360 + 0.5); every t below is a whole
// number of such days, so T = t exactly.
constexpr HaugRow kHaugValues[] = {
    // pag 2-8
    {kCall, 65.00, 60.00, 0.00, 0.08, 0.25, 0.30, 2.1334},
    {kPut, 95.00, 100.00, 0.05, 0.10, 0.50, 0.20, 2.4648},
    {kPut, 19.00, 19.00, 0.10, 0.10, 0.75, 0.28, 1.7011},  // q = r: Black-76 on a futures price
    {kCall, 19.00, 19.00, 0.10, 0.10, 0.75, 0.28, 1.7011},
    {kCall, 1.60, 1.56, 0.08, 0.06, 0.50, 0.12, 0.0291},  // Garman-Kohlhagen (q = foreign rate)
    {kPut, 70.00, 75.00, 0.05, 0.10, 0.50, 0.35, 4.0870},
    // pag 24
    {kCall, 100.00, 90.00, 0.10, 0.10, 0.10, 0.15, 0.0205},
    {kCall, 100.00, 100.00, 0.10, 0.10, 0.10, 0.15, 1.8734},
    {kCall, 100.00, 110.00, 0.10, 0.10, 0.10, 0.15, 9.9413},
    {kCall, 100.00, 90.00, 0.10, 0.10, 0.10, 0.25, 0.3150},
    {kCall, 100.00, 100.00, 0.10, 0.10, 0.10, 0.25, 3.1217},
    {kCall, 100.00, 110.00, 0.10, 0.10, 0.10, 0.25, 10.3556},
    {kCall, 100.00, 90.00, 0.10, 0.10, 0.10, 0.35, 0.9474},
    {kCall, 100.00, 100.00, 0.10, 0.10, 0.10, 0.35, 4.3693},
    {kCall, 100.00, 110.00, 0.10, 0.10, 0.10, 0.35, 11.1381},
    {kCall, 100.00, 90.00, 0.10, 0.10, 0.50, 0.15, 0.8069},
    {kCall, 100.00, 100.00, 0.10, 0.10, 0.50, 0.15, 4.0232},
    {kCall, 100.00, 110.00, 0.10, 0.10, 0.50, 0.15, 10.5769},
    {kCall, 100.00, 90.00, 0.10, 0.10, 0.50, 0.25, 2.7026},
    {kCall, 100.00, 100.00, 0.10, 0.10, 0.50, 0.25, 6.6997},
    {kCall, 100.00, 110.00, 0.10, 0.10, 0.50, 0.25, 12.7857},
    {kCall, 100.00, 90.00, 0.10, 0.10, 0.50, 0.35, 4.9329},
    {kCall, 100.00, 100.00, 0.10, 0.10, 0.50, 0.35, 9.3679},
    {kCall, 100.00, 110.00, 0.10, 0.10, 0.50, 0.35, 15.3086},
    {kPut, 100.00, 90.00, 0.10, 0.10, 0.10, 0.15, 9.9210},
    {kPut, 100.00, 100.00, 0.10, 0.10, 0.10, 0.15, 1.8734},
    {kPut, 100.00, 110.00, 0.10, 0.10, 0.10, 0.15, 0.0408},
    {kPut, 100.00, 90.00, 0.10, 0.10, 0.10, 0.25, 10.2155},
    {kPut, 100.00, 100.00, 0.10, 0.10, 0.10, 0.25, 3.1217},
    {kPut, 100.00, 110.00, 0.10, 0.10, 0.10, 0.25, 0.4551},
    {kPut, 100.00, 90.00, 0.10, 0.10, 0.10, 0.35, 10.8479},
    {kPut, 100.00, 100.00, 0.10, 0.10, 0.10, 0.35, 4.3693},
    {kPut, 100.00, 110.00, 0.10, 0.10, 0.10, 0.35, 1.2376},
    {kPut, 100.00, 90.00, 0.10, 0.10, 0.50, 0.15, 10.3192},
    {kPut, 100.00, 100.00, 0.10, 0.10, 0.50, 0.15, 4.0232},
    {kPut, 100.00, 110.00, 0.10, 0.10, 0.50, 0.15, 1.0646},
    {kPut, 100.00, 90.00, 0.10, 0.10, 0.50, 0.25, 12.2149},
    {kPut, 100.00, 100.00, 0.10, 0.10, 0.50, 0.25, 6.6997},
    {kPut, 100.00, 110.00, 0.10, 0.10, 0.50, 0.25, 3.2734},
    {kPut, 100.00, 90.00, 0.10, 0.10, 0.50, 0.35, 14.4452},
    {kPut, 100.00, 100.00, 0.10, 0.10, 0.50, 0.35, 9.3679},
    {kPut, 100.00, 110.00, 0.10, 0.10, 0.50, 0.35, 5.7963},
    // pag 27
    {kCall, 40.00, 42.00, 0.08, 0.04, 0.75, 0.35, 5.0975},
};

bool finiteGreeks(const Black76Greeks& g) {
  return std::isfinite(g.price) && std::isfinite(g.delta) && std::isfinite(g.gamma) && std::isfinite(g.vega) &&
         std::isfinite(g.theta);
}

}  // namespace

TEST_CASE("Black-Scholes-Merton: Haug's tables (QuantLib testValues, 43 rows)", "[black][published]") {
  // Tolerance 1e-4 absolute per row (QuantLib's). Each row also through black76Price with
  // F = S exp((r - q) T) and discount exp(-r T), which is the same formula.
  int row = 0;
  for (const HaugRow& h : kHaugValues) {
    INFO("row " << row++ << ": " << toString(h.type) << " K=" << h.strike << " S=" << h.spot);
    CHECK_THAT(blackScholesPrice(h.type, h.strike, h.spot, h.r, h.q, h.vol, h.t), WithinAbs(h.value, 1e-4));
    const double forward = h.spot * std::exp((h.r - h.q) * h.t);
    CHECK_THAT(black76Price(h.type, h.strike, forward, h.vol * std::sqrt(h.t), std::exp(-h.r * h.t)),
               WithinAbs(h.value, 1e-4));
  }
}

TEST_CASE("Black-76: Haug's futures option example", "[black][published]") {
  // Source: Haug 1998, pag 2-8, the futures option (Black 1976): F = 19, K = 19, T = 0.75,
  // r = 10 %, sigma = 28 %: call = put = 1.7011. QuantLib europeanoption.cpp testValues rows 3
  // and 4 (written there with q = r). Tolerance 1e-4 absolute (QuantLib's).
  const double stdDev = 0.28 * std::sqrt(0.75), discount = std::exp(-0.10 * 0.75);
  CHECK_THAT(black76Price(kCall, 19, 19, stdDev, discount), WithinAbs(1.7011, 1e-4));
  CHECK_THAT(black76Price(kPut, 19, 19, stdDev, discount), WithinAbs(1.7011, 1e-4));
  // The greeks on the forward equal Black-Scholes' with q = r (cost of carry b = 0, F = S).
  const Black76Greeks g = black76Greeks(kCall, 19, 19, 0.28, 0.75, 0.10);
  const BlackScholesGreeks b = blackScholesGreeks(kCall, 19, 19, 0.10, 0.10, 0.28, 0.75);
  CHECK_THAT(g.price, WithinRel(b.price, 1e-13));
  CHECK_THAT(g.delta, WithinRel(b.delta, 1e-13));
  CHECK_THAT(g.gamma, WithinRel(b.gamma, 1e-13));
  CHECK_THAT(g.vega, WithinRel(b.vega, 1e-13));
  CHECK_THAT(g.theta, WithinRel(b.theta, 1e-12));
}

TEST_CASE("Black-Scholes-Merton greeks: Haug's examples (QuantLib testGreekValues)", "[black][published]") {
  // Source: Haug 1998, pag 11-16, as QuantLib's test-suite/europeanoption.cpp testGreekValues
  // tabulates them. Tolerance 1e-4 absolute on every value (QuantLib's).
  // delta: call and put, K = 100, S = 105, q = r = 10 %, T = 0.5, sigma = 36 %
  CHECK_THAT(blackScholesGreeks(kCall, 100, 105, 0.10, 0.10, 0.36, 0.5).delta, WithinAbs(0.5946, 1e-4));
  CHECK_THAT(blackScholesGreeks(kPut, 100, 105, 0.10, 0.10, 0.36, 0.5).delta, WithinAbs(-0.3566, 1e-4));
  // elasticity of the same put: delta S / V
  const BlackScholesGreeks e = blackScholesGreeks(kPut, 100, 105, 0.10, 0.10, 0.36, 0.5);
  CHECK_THAT(e.delta * 105 / e.price, WithinAbs(-4.8775, 1e-4));
  // gamma and vega: call and put, K = 60, S = 55, q = 0, r = 10 %, T = 0.75, sigma = 30 %
  for (OptionType t : {kCall, kPut}) {
    const BlackScholesGreeks g = blackScholesGreeks(t, 60, 55, 0.10, 0, 0.30, 0.75);
    CHECK_THAT(g.gamma, WithinAbs(0.0278, 1e-4));
    CHECK_THAT(g.vega, WithinAbs(18.9358, 1e-4));
  }
  // theta and theta per day (/ 365): put, K = 405, S = 430, q = 5 %, r = 7 %, T = 1/12, sigma = 20 %
  const BlackScholesGreeks th = blackScholesGreeks(kPut, 405, 430, 0.07, 0.05, 0.20, 1.0 / 12);
  CHECK_THAT(th.theta, WithinAbs(-31.1924, 1e-4));
  CHECK_THAT(th.theta / 365, WithinAbs(-0.0855, 1e-4));
  // rho: call, K = 75, S = 72, q = 0, r = 9 %, T = 1, sigma = 19 %
  CHECK_THAT(blackScholesGreeks(kCall, 75, 72, 0.09, 0, 0.19, 1).rho, WithinAbs(38.7325, 1e-4));
  // dividend rho: put, K = 490, S = 500, q = 5 %, r = 8 %, T = 0.25, sigma = 15 %
  CHECK_THAT(blackScholesGreeks(kPut, 490, 500, 0.08, 0.05, 0.15, 0.25).dividendRho, WithinAbs(42.2254, 1e-4));
}

TEST_CASE("Black-76 greeks agree with finite differences of the price", "[black]") {
  // Central differences, step 1e-4 relative (as QuantLib's testGreeks); tolerance 1e-6 relative
  // to the scale of each greek.
  for (OptionType t : {kCall, kPut})
    for (double k : {50.0, 99.5, 100.0, 100.5, 150.0})
      for (double vol : {0.11, 0.5, 1.2})
        for (double years : {0.1, 1.0, 2.0})
          for (double rate : {0.0, 0.05}) {
            INFO(toString(t) << " K=" << k << " vol=" << vol << " T=" << years << " r=" << rate);
            const double f = 100;
            const auto price = [&](double fwd, double v, double tt) {
              return black76Price(t, k, fwd, v * std::sqrt(tt), std::exp(-rate * tt));
            };
            const Black76Greeks g = black76Greeks(t, k, f, vol, years, rate);
            CHECK_THAT(g.price, WithinRel(price(f, vol, years), 1e-15));
            const double df = f * 1e-4, dv = vol * 1e-4, dt = years * 1e-4;
            CHECK_THAT(g.delta, WithinAbs((price(f + df, vol, years) - price(f - df, vol, years)) / (2 * df), 1e-6));
            CHECK_THAT(g.gamma, WithinAbs((price(f + df, vol, years) - 2 * g.price + price(f - df, vol, years)) /
                                              (df * df),
                                          1e-5));
            CHECK_THAT(g.vega,
                       WithinAbs((price(f, vol + dv, years) - price(f, vol - dv, years)) / (2 * dv), 1e-6 * f));
            CHECK_THAT(g.theta,
                       WithinAbs(-(price(f, vol, years + dt) - price(f, vol, years - dt)) / (2 * dt), 1e-6 * f));
          }
}

TEST_CASE("Black-76 put-call parity: C - P = discount (F - K)", "[black]") {
  // Tolerance 1e-12 of F (rounding only).
  for (double k : {1.0, 50.0, 90.0, 100.0, 110.0, 200.0, 1e4})
    for (double sd : {0.0, 1e-9, 0.01, 0.2, 1.0, 5.0})
      for (double discount : {1.0, 0.9, 1.05}) {
        const double f = 100;
        INFO("K=" << k << " stdDev=" << sd << " discount=" << discount);
        const double c = black76Price(kCall, k, f, sd, discount), p = black76Price(kPut, k, f, sd, discount);
        CHECK_THAT(c - p, WithinAbs(discount * (f - k), 1e-12 * std::max(f, k)));
      }
  // Black-Scholes-Merton: C - P = S exp(-q T) - K exp(-r T), on Haug's rows.
  for (const HaugRow& h : kHaugValues) {
    const double c = blackScholesPrice(kCall, h.strike, h.spot, h.r, h.q, h.vol, h.t);
    const double p = blackScholesPrice(kPut, h.strike, h.spot, h.r, h.q, h.vol, h.t);
    CHECK_THAT(c - p, WithinAbs(h.spot * std::exp(-h.q * h.t) - h.strike * std::exp(-h.r * h.t), 1e-12 * h.strike));
  }
}

TEST_CASE("Black-76 limits: T -> 0 and sigma -> 0 give the intrinsic value; deep in/out of the money",
          "[black][edge]") {
  const double f = 100, d = 0.97;
  for (double k : {50.0, 100.0, 150.0}) {
    const double callIntrinsic = d * std::max(f - k, 0.0), putIntrinsic = d * std::max(k - f, 0.0);
    // stdDev = 0 exactly (T = 0 or sigma = 0), and below the 1e-12 threshold: the intrinsic value.
    CHECK(black76Price(kCall, k, f, 0, d) == callIntrinsic);
    CHECK(black76Price(kPut, k, f, 0, d) == putIntrinsic);
    CHECK(black76Price(kCall, k, f, 1e-13, d) == callIntrinsic);
    // Continuity as stdDev shrinks: within F stdDev of the intrinsic value.
    for (double sd : {1e-4, 1e-8, 1e-11}) {
      CHECK_THAT(black76Price(kCall, k, f, sd, d), WithinAbs(callIntrinsic, f * sd));
      CHECK_THAT(black76Price(kPut, k, f, sd, d), WithinAbs(putIntrinsic, f * sd));
    }
    // Greeks at T = 0 (discount 1) and at sigma = 0 with T = 1 (discount exp(-r)): delta is the
    // discounted step (1/2 at the money), gamma and vega 0, theta r V; all finite.
    const double step = k < f ? 1.0 : k == f ? 0.5 : 0.0;
    const Black76Greeks atExpiry = black76Greeks(kCall, k, f, 0.5, 0, 0.05);
    const Black76Greeks noVol = black76Greeks(kCall, k, f, 0, 1, 0.05);
    for (const Black76Greeks& g : {atExpiry, noVol}) {
      CHECK(finiteGreeks(g));
      CHECK(g.gamma == 0);
      CHECK(g.vega == 0);
    }
    CHECK(atExpiry.delta == step);
    CHECK(atExpiry.price == std::max(f - k, 0.0));
    CHECK_THAT(noVol.delta, WithinRel(step * std::exp(-0.05), 1e-15));
    CHECK_THAT(noVol.theta, WithinAbs(0.05 * noVol.price, 1e-15));
    CHECK(black76Greeks(kPut, k, f, 0, 1, 0).delta == -(k > f ? 1.0 : k == f ? 0.5 : 0.0));
  }
  // Deep in and out of the money: K = F 1e-6 and K = F 1e6.
  CHECK_THAT(black76Price(kCall, 1e-4, f, 0.5, d), WithinRel(d * (f - 1e-4), 1e-15));
  CHECK(black76Price(kPut, 1e-4, f, 0.5, d) >= 0);
  CHECK(black76Price(kPut, 1e-4, f, 0.5, d) < 1e-100);  // N(-d2), d2 = 27.4: about 1e-165
  CHECK(black76Price(kCall, 1e8, f, 0.5, d) >= 0);
  CHECK(black76Price(kCall, 1e8, f, 0.5, d) < 1e-100);
  CHECK_THAT(black76Price(kPut, 1e8, f, 0.5, d), WithinRel(d * (1e8 - f), 1e-15));
  // A huge standard deviation: the call is worth discount F, the put discount K.
  CHECK_THAT(black76Price(kCall, 100, f, 100, d), WithinRel(d * f, 1e-12));
  CHECK_THAT(black76Price(kPut, 100, f, 100, d), WithinRel(d * 100, 1e-12));
}

TEST_CASE("Black-76 and Black-Scholes never return NaN or infinity on valid inputs", "[black][edge]") {
  const double strikes[] = {1e-9, 1e-3, 1, 99.999999, 100, 100.000001, 1e3, 1e15};
  const double vols[] = {0, 1e-12, 1e-6, 0.01, 0.5, 3, 10};
  const double years[] = {0, 1e-12, 1.0 / 365, 1, 100};
  for (OptionType t : {kCall, kPut})
    for (double k : strikes)
      for (double v : vols)
        for (double y : years)
          for (double r : {-1.0, 0.0, 1.0}) {
            INFO(toString(t) << " K=" << k << " vol=" << v << " T=" << y << " r=" << r);
            const Black76Greeks g = black76Greeks(t, k, 100, v, y, r);
            CHECK(finiteGreeks(g));
            CHECK(g.price >= 0);
            const BlackScholesGreeks b = blackScholesGreeks(t, k, 100, r, 0.03, v, y);
            CHECK((std::isfinite(b.price) && std::isfinite(b.delta) && std::isfinite(b.gamma) &&
                   std::isfinite(b.vega) && std::isfinite(b.theta) && std::isfinite(b.rho) &&
                   std::isfinite(b.dividendRho)));
          }
}

TEST_CASE("Implied volatility round trip over strikes x expiries x vols", "[black][iv]") {
  // For every (type, K, T, sigma): price with Black-76, solve, and compare. Tolerance: the price
  // is reproduced to 1e-12 of F + K; sigma is recovered to 1e-8 wherever the out-of-the-money
  // option's time value is at least 1e-9 F (below that the price carries fewer digits of sigma).
  // Where the time value is 0 no volatility fits (an error); where it is positive but within
  // 2 ulps of the price, the result says the price carries no information (no volatility).
  const double f = 100;
  int solved = 0, refused = 0, uninformative = 0;
  for (OptionType t : {kCall, kPut})
    for (double k : {20.0, 50.0, 80.0, 95.0, 100.0, 105.0, 125.0, 200.0, 500.0})
      for (double years : {1.0 / 365, 7.0 / 365, 30.0 / 365, 0.25, 1.0, 3.0})
        for (double vol : {0.05, 0.2, 0.5, 0.8, 1.5, 3.0})
          for (double discount : {1.0, 0.95}) {
            INFO(toString(t) << " K=" << k << " T=" << years << " vol=" << vol << " discount=" << discount);
            const double price = black76Price(t, k, f, vol * std::sqrt(years), discount);
            const OptionType otm = k >= f ? kCall : kPut;
            const double timeValue = black76Price(otm, k, f, vol * std::sqrt(years), discount);
            const Result<ImpliedVolatility> iv = impliedVolatility(t, k, f, years, price, discount);
            if (iv && !iv.value->informative) {
              ++uninformative;
              CHECK(!iv.value->volatility);
              CHECK(timeValue < 1e-9 * f);
            } else if (timeValue > 0 && iv) {
              ++solved;
              CHECK(iv.value->iterations <= 8);
              REQUIRE(iv.value->volatility);
              CHECK(std::isfinite(*iv.value->volatility));
              CHECK_THAT(iv.value->priceError, WithinAbs(0, 1e-12 * (f + k)));
              if (timeValue >= 1e-9 * f) CHECK_THAT(*iv.value->volatility, WithinAbs(vol, 1e-8));
            } else {
              ++refused;
              REQUIRE(!iv);
              CHECK(timeValue < 1e-9 * f);
              CHECK(hasError(iv.errors, "price", ErrorCode::OutOfRange));
            }
          }
  // 1296 cases: 1082 solved; 2 in the money whose time value is within 2 ulps of the price (the
  // bracketing solver before fitted a number to those); the 212 refused are short-dated,
  // low-volatility, far from the money.
  INFO("solved " << solved << ", no information " << uninformative << ", refused " << refused);
  CHECK(solved + refused + uninformative == 1296);
  CHECK(solved >= 1082);
}

TEST_CASE("Implied volatility: no volatility fits -> an error value, never NaN", "[black][iv][errors]") {
  const double f = 100, k = 90, years = 0.5, d = 0.98;
  // Below the intrinsic value d (F - K) = 9.8.
  Result<ImpliedVolatility> r = impliedVolatility(kCall, k, f, years, 9.0, d);
  REQUIRE(!r);
  CHECK(hasError(r.errors, "price", ErrorCode::OutOfRange));
  CHECK_THAT(r.errors[0].message, Catch::Matchers::Contains("no volatility fits"));
  // Exactly the intrinsic value: no positive volatility gives it.
  CHECK(!impliedVolatility(kCall, k, f, years, 9.8, d));
  // An out-of-the-money put worth 0.
  CHECK(!impliedVolatility(kPut, k, f, years, 0, d));
  // Above the upper bound: a call is worth less than d F = 98; and above the price at sigma = 10.
  r = impliedVolatility(kCall, k, f, years, 98.5, d);
  REQUIRE(!r);
  CHECK(hasError(r.errors, "price", ErrorCode::OutOfRange));
  CHECK(!impliedVolatility(kCall, k, f, years, black76Price(kCall, k, f, 10.5 * std::sqrt(years), d), d));
  // Just inside the bracket: solved.
  CHECK(impliedVolatility(kCall, k, f, years, black76Price(kCall, k, f, 9.9 * std::sqrt(years), d), d));
  // Bad inputs: errors at their names.
  r = impliedVolatility(kCall, -1, f, 0, std::nan(""), 0);
  CHECK(hasError(r.errors, "strike", ErrorCode::NotPositive));
  CHECK(hasError(r.errors, "years", ErrorCode::NotPositive));
  CHECK(hasError(r.errors, "price", ErrorCode::NotFinite));
  CHECK(hasError(r.errors, "discount", ErrorCode::NotPositive));
  r = impliedVolatility(kPut, 100, std::numeric_limits<double>::infinity(), 1, -1);
  CHECK(hasError(r.errors, "forward", ErrorCode::NotFinite));
  CHECK(hasError(r.errors, "price", ErrorCode::Negative));
}

TEST_CASE("Implied volatility: steps explain the solve; in the money uses parity", "[black][iv]") {
  const double price = black76Price(kCall, 80, 100, 0.4, 1);
  Result<ImpliedVolatility> r = impliedVolatility(kCall, 80, 100, 1, price);
  REQUIRE(r);
  CHECK_THAT(*r.value->volatility, WithinAbs(0.4, 1e-10));
  // Numbers first: the solve builds no step; explainImpliedVolatility does, changing no number.
  CHECK(r.value->steps.empty());
  const ImpliedVolatility numbers = *r.value;
  explainImpliedVolatility(kCall, 80, 100, 1, price, 1, *r.value);
  REQUIRE(r.value->steps.size() == 2);
  CHECK(r.value->steps[0].formula == "P = C - discount (F - K)");
  CHECK(r.value->steps[0].code == "impliedVolatility.parity");
  CHECK(r.value->steps[1].value == *r.value->volatility);
  CHECK(r.value->steps[1].label.find(std::to_string(numbers.iterations) + " steps") != std::string::npos);
  CHECK(r.value->volatility == numbers.volatility);
  CHECK(r.value->priceError == numbers.priceError);
  // Out of the money: the solve alone; at a rate, the same steps as at its discount.
  Result<ImpliedVolatility> otm = impliedVolatilityAtRate(kPut, 80, 100, 1, black76Price(kPut, 80, 100, 0.4, 1), 0);
  REQUIRE(otm);
  explainImpliedVolatilityAtRate(kPut, 80, 100, 1, black76Price(kPut, 80, 100, 0.4, 1), 0, *otm.value);
  REQUIRE(otm.value->steps.size() == 1);
  CHECK(otm.value->steps[0].code == "impliedVolatility.householder");
}

TEST_CASE("Implied volatility: today's messages through the one message table", "[black][iv][errors]") {
  Result<ImpliedVolatility> r = impliedVolatility(kCall, 100, 100, 0, 5, 0);
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[0].message == "years (0) must be > 0: an expired option has no volatility");
  CHECK(r.errors[0].rule == "blackExpiredYears");
  CHECK(r.errors[1].message == "discount (0) must be > 0 and <= 1000");
  CHECK(r.errors[1].code == ErrorCode::NotPositive);
  r = impliedVolatility(kCall, 50000, 60000, 0.1, 61000);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message.rfind("price (61000) is above the highest price of the call K=50000, F=60000, T=0.1, "
                                  "discount=1 (", 0) == 0);
  CHECK(r.errors[0].rule == "blackPriceTooHigh");
  r = impliedVolatilityAtRate(kPut, 110, 100, 10, 5, -1);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message ==
        "rate (-1) x years (10) must be >= -6.907755279: the discount factor exp(-rate x years) would pass 1000");
}

TEST_CASE("Black-76 checked: Haug's futures option, and every bad input at its name", "[black][errors]") {
  // Source: Haug 1998, pag 2-8 (as above): F = K = 19, T = 0.75, r = 10 %, sigma = 28 %: 1.7011.
  // Tolerance 1e-4 absolute; the greeks are black76Greeks' exactly.
  const Result<Black76Greeks> g = black76(kCall, 19, 19, 0.28, 0.75, 0.10);
  REQUIRE(g);
  CHECK_THAT(g.value->price, WithinAbs(1.7011, 1e-4));
  CHECK(g.value->delta == black76Greeks(kCall, 19, 19, 0.28, 0.75, 0.10).delta);
  // At expiry (T = 0) and at zero volatility: the intrinsic value, accepted.
  CHECK(black76(kPut, 100, 90, 0.3, 0).value->price == 10);
  CHECK(black76(kPut, 100, 90, 0, 1).value->price == 10);
  Result<Black76Greeks> r = black76(kCall, 0, -1, -0.2, -0.1, 2);
  CHECK(!r.value);
  CHECK(hasError(r.errors, "strike", ErrorCode::NotPositive));
  CHECK(hasError(r.errors, "forward", ErrorCode::NotPositive));
  CHECK(hasError(r.errors, "volatility", ErrorCode::Negative));
  CHECK(hasError(r.errors, "years", ErrorCode::Negative));
  CHECK(hasError(r.errors, "rate", ErrorCode::OutOfRange));
  CHECK(r.errors.size() == 5);
  r = black76(kCall, 100, 100, 11, 101, std::nan(""));
  CHECK(hasError(r.errors, "volatility", ErrorCode::OutOfRange));
  CHECK(hasError(r.errors, "years", ErrorCode::OutOfRange));
  CHECK(hasError(r.errors, "rate", ErrorCode::NotFinite));
  CHECK(r.errors[0].message == "volatility (11) must be <= 10");
}

TEST_CASE("Implied volatility at a rate: discount exp(-r T), and the rate's own errors", "[black][iv][errors]") {
  // r = 5 %, T = 2: discount exp(-0.1) = 0.904837418...; the price at 35 % solves back to 35 %.
  // Tolerance 1e-10 (the solver's is 1e-12 in sigma).
  const double discount = std::exp(-0.05 * 2);
  const double price = black76Price(kPut, 110, 100, 0.35 * std::sqrt(2.0), discount);
  const Result<ImpliedVolatility> r = impliedVolatilityAtRate(kPut, 110, 100, 2, price, 0.05);
  REQUIRE(r);
  CHECK_THAT(*r.value->volatility, WithinAbs(0.35, 1e-10));
  CHECK(r.value->volatility == impliedVolatility(kPut, 110, 100, 2, price, discount).value->volatility);
  CHECK(hasError(impliedVolatilityAtRate(kPut, 110, 100, 2, price, 1.5).errors, "rate", ErrorCode::OutOfRange));
  CHECK(hasError(impliedVolatilityAtRate(kPut, 110, 100, 2, price, std::nan("")).errors, "rate", ErrorCode::NotFinite));
  // r = -1 over 10 years: discount e^10 > 1000.
  CHECK(hasError(impliedVolatilityAtRate(kPut, 110, 100, 10, price, -1).errors, "rate", ErrorCode::OutOfRange));
  // The rest as impliedVolatility: no volatility fits a call price above the forward.
  CHECK(hasError(impliedVolatilityAtRate(kCall, 110, 100, 2, 101, 0).errors, "price", ErrorCode::OutOfRange));
}
