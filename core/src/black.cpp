// SPDX-License-Identifier: MIT
// MarginLab: Black-76 and Black-Scholes-Merton prices and greeks, and implied volatility.
// Sources: Black (1976); Haug, "The Complete Guide to Option Pricing Formulas" (1998), 1.1 (the
// generalised formula with cost of carry b) and 2.1 (greeks); QuantLib's blackFormula for the
// conventions (stdDev instead of volatility, discount as a factor).
#include "marginlab/black.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "marginlab/format.h"
#include "marginlab/validate.h"
#include "roots.h"

namespace marginlab {

namespace {

constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;
/// Below this standard deviation the option is priced at its limit (intrinsic value).
constexpr double kMinStdDev = 1e-12;
constexpr int kMaxSolverIterations = 200;
constexpr double kVolatilityTolerance = 1e-12;

double normalCdf(double x) noexcept { return 0.5 * std::erfc(-x * kInvSqrt2); }
double normalPdf(double x) noexcept { return kInvSqrt2Pi * std::exp(-0.5 * x * x); }

bool isCall(OptionType t) noexcept { return t == OptionType::Call; }

/// dV/dF including the discount, and n(d1), for stdDev >= kMinStdDev (otherwise the limits).
struct ForwardTerms {
  double delta = 0, pdf = 0;
  bool degenerate = true;
};
ForwardTerms forwardTerms(OptionType type, double strike, double forward, double stdDev,
                          double discount) noexcept {
  ForwardTerms t;
  if (!(stdDev >= kMinStdDev)) {
    const double itm = isCall(type) ? forward - strike : strike - forward;
    const double share = itm > 0 ? 1 : itm == 0 ? 0.5 : 0;
    t.delta = (isCall(type) ? share : -share) * discount;
    return t;
  }
  const double d1 = std::log(forward / strike) / stdDev + 0.5 * stdDev;
  t.delta = isCall(type) ? discount * normalCdf(d1) : -discount * normalCdf(-d1);
  t.pdf = normalPdf(d1);
  t.degenerate = false;
  return t;
}

std::string n(double x) { return formatNumber(x); }

}  // namespace

std::string_view toString(OptionType t) noexcept { return isCall(t) ? "call" : "put"; }
std::optional<OptionType> parseOptionType(std::string_view text) noexcept {
  if (text == "call") return OptionType::Call;
  if (text == "put") return OptionType::Put;
  return std::nullopt;
}

double black76Price(OptionType type, double strike, double forward, double stdDev,
                    double discount) noexcept {
  if (!(stdDev >= kMinStdDev))
    return discount * std::max(isCall(type) ? forward - strike : strike - forward, 0.0);
  const double d1 = std::log(forward / strike) / stdDev + 0.5 * stdDev;
  const double d2 = d1 - stdDev;
  const double value = isCall(type) ? forward * normalCdf(d1) - strike * normalCdf(d2)
                                    : strike * normalCdf(-d2) - forward * normalCdf(-d1);
  return discount * std::max(value, 0.0);  // rounding may leave -1e-17 deep out of the money
}

Black76Greeks black76Greeks(OptionType type, double strike, double forward, double volatility,
                            double years, double rate) noexcept {
  const double sqrtT = std::sqrt(years);
  const double stdDev = volatility * sqrtT;
  const double discount = std::exp(-rate * years);
  Black76Greeks g;
  g.price = black76Price(type, strike, forward, stdDev, discount);
  const ForwardTerms t = forwardTerms(type, strike, forward, stdDev, discount);
  g.delta = t.delta;
  g.theta = rate * g.price;
  if (t.degenerate) return g;
  g.gamma = discount * t.pdf / (forward * stdDev);
  g.vega = discount * forward * t.pdf * sqrtT;
  g.theta -= discount * forward * t.pdf * volatility / (2 * sqrtT);
  return g;
}

double blackScholesPrice(OptionType type, double strike, double spot, double rate, double dividend,
                         double volatility, double years) noexcept {
  const double forward = spot * std::exp((rate - dividend) * years);
  return black76Price(type, strike, forward, volatility * std::sqrt(years), std::exp(-rate * years));
}

BlackScholesGreeks blackScholesGreeks(OptionType type, double strike, double spot, double rate,
                                      double dividend, double volatility, double years) noexcept {
  // V(S, T) = discount B(F, T) with F = S exp(b T), b = r - q. With D = dV/dF (discount included):
  // dV/dS = D F/S; theta = r V - b F D - discount F n(d1) sigma / (2 sqrt T);
  // rho = T (F D - V); dividendRho = -T F D (Haug 2.1; QuantLib's AnalyticEuropeanEngine).
  const double growth = std::exp((rate - dividend) * years);
  const double forward = spot * growth;
  const double sqrtT = std::sqrt(years);
  const double stdDev = volatility * sqrtT;
  const double discount = std::exp(-rate * years);
  BlackScholesGreeks g;
  g.price = black76Price(type, strike, forward, stdDev, discount);
  const ForwardTerms t = forwardTerms(type, strike, forward, stdDev, discount);
  g.delta = t.delta * growth;
  g.theta = rate * g.price - (rate - dividend) * forward * t.delta;
  g.rho = years * (forward * t.delta - g.price);
  g.dividendRho = -years * forward * t.delta;
  if (t.degenerate) return g;
  g.gamma = discount * t.pdf / (forward * stdDev) * growth * growth;
  g.vega = discount * forward * t.pdf * sqrtT;
  g.theta -= discount * forward * t.pdf * volatility / (2 * sqrtT);
  return g;
}

Result<ImpliedVolatility> impliedVolatility(OptionType type, double strike, double forward,
                                            double years, double price, double discount) {
  Result<ImpliedVolatility> r;
  checkPositive(r.errors, "strike", strike);
  checkPositive(r.errors, "forward", forward);
  if (!isValidNumber(years)) r.errors.push_back({"years", ErrorCode::NotFinite, "years must be a finite number"});
  else if (!(years > 0))
    r.errors.push_back({"years", ErrorCode::NotPositive,
                        "years (" + n(years) + ") must be > 0: an expired option has no volatility"});
  else if (years > kMaxBlackYears)
    r.errors.push_back({"years", ErrorCode::OutOfRange, "years (" + n(years) + ") must be <= " + n(kMaxBlackYears)});
  if (!isValidNumber(discount))
    r.errors.push_back({"discount", ErrorCode::NotFinite, "discount must be a finite number"});
  else if (!(discount > 0) || discount > 1e3)
    r.errors.push_back({"discount", discount > 0 ? ErrorCode::OutOfRange : ErrorCode::NotPositive,
                        "discount (" + n(discount) + ") must be > 0 and <= 1000"});
  if (!isValidNumber(price)) r.errors.push_back({"price", ErrorCode::NotFinite, "price must be a finite number"});
  else if (price < 0)
    r.errors.push_back({"price", ErrorCode::Negative, "price (" + n(price) + ") must be >= 0"});
  if (!r.errors.empty()) return r;

  // Solve on the out-of-the-money side: C - P = discount (F - K).
  const double parity = discount * (forward - strike);
  const bool inTheMoney = isCall(type) ? forward > strike : forward < strike;
  const OptionType side = inTheMoney ? (isCall(type) ? OptionType::Put : OptionType::Call) : type;
  const double target = !inTheMoney ? price : isCall(type) ? price - parity : price + parity;
  const double sqrtT = std::sqrt(years);
  const double intrinsic = discount * std::max(isCall(type) ? forward - strike : strike - forward, 0.0);
  const auto at = [&](double sigma) { return black76Price(side, strike, forward, sigma * sqrtT, discount); };
  const double low = at(kMinImpliedVolatility), high = at(kMaxImpliedVolatility);
  const std::string what = std::string(toString(type)) + " K=" + n(strike) + ", F=" + n(forward) +
                           ", T=" + n(years) + ", discount=" + n(discount);
  if (!(target > 0) || target < low) {
    r.errors.push_back({"price", ErrorCode::OutOfRange,
                        "price (" + n(price) + ") is at or below the lowest price of the " + what +
                            " (" + n(black76Price(type, strike, forward, kMinImpliedVolatility * sqrtT, discount)) +
                            " at volatility " + n(kMinImpliedVolatility) + "; intrinsic value " + n(intrinsic) +
                            "): no volatility fits"});
    return r;
  }
  if (target > high) {
    r.errors.push_back({"price", ErrorCode::OutOfRange,
                        "price (" + n(price) + ") is above the highest price of the " + what + " (" +
                            n(black76Price(type, strike, forward, kMaxImpliedVolatility * sqrtT, discount)) +
                            " at volatility " + n(kMaxImpliedVolatility) + "; a call is worth less than discount * F = " +
                            n(discount * forward) + "): no volatility fits"});
    return r;
  }
  const detail::Root root = detail::brent([&](double s) { return at(s) - target; }, kMinImpliedVolatility,
                                          kMaxImpliedVolatility, low - target, high - target,
                                          kVolatilityTolerance, kMaxSolverIterations);
  ImpliedVolatility iv;
  iv.volatility = root.x;
  iv.iterations = root.iterations;
  iv.priceError = black76Price(type, strike, forward, root.x * sqrtT, discount) - price;
  if (inTheMoney)
    iv.steps.push_back({"volatility", "In the money: solved on the " + std::string(toString(side)) +
                                          " of the same strike (put-call parity)",
                        isCall(type) ? "P = C - discount (F - K)" : "C = P + discount (F - K)",
                        n(target) + " = " + n(price) + (isCall(type) ? " - " : " + ") + n(discount) + " x (" +
                            n(forward) + " - " + n(strike) + ")",
                        target});
  iv.steps.push_back({"volatility",
                      "Implied volatility: Brent's method on [" + n(kMinImpliedVolatility) + ", " +
                          n(kMaxImpliedVolatility) + "], " + std::to_string(root.iterations) + " steps" +
                          (root.converged ? "" : " (stopped at the step limit)"),
                      "black76(sigma sqrt(T)) = price",
                      "black76(" + n(root.x) + " x sqrt(" + n(years) + ")) = " + n(price + iv.priceError) +
                          " (given " + n(price) + ")",
                      root.x});
  r.value = std::move(iv);
  return r;
}

Result<Black76Greeks> black76(OptionType type, double strike, double forward, double volatility, double years,
                              double rate) {
  Result<Black76Greeks> r;
  checkPositive(r.errors, "strike", strike);
  checkPositive(r.errors, "forward", forward);
  const auto within = [&](const char* name, double x, double lo, double hi, ErrorCode below) {
    if (!isValidNumber(x))
      r.errors.push_back({name, ErrorCode::NotFinite, std::string(name) + " must be a finite number"});
    else if (x < lo)
      r.errors.push_back({name, below, std::string(name) + " (" + n(x) + ") must be >= " + n(lo)});
    else if (x > hi)
      r.errors.push_back({name, ErrorCode::OutOfRange, std::string(name) + " (" + n(x) + ") must be <= " + n(hi)});
  };
  within("volatility", volatility, 0, kMaxImpliedVolatility, ErrorCode::Negative);
  within("years", years, 0, kMaxBlackYears, ErrorCode::Negative);
  within("rate", rate, -kMaxBlackRate, kMaxBlackRate, ErrorCode::OutOfRange);
  if (r.errors.empty()) r.value = black76Greeks(type, strike, forward, volatility, years, rate);
  return r;
}

Result<ImpliedVolatility> impliedVolatilityAtRate(OptionType type, double strike, double forward, double years,
                                                  double price, double rate) {
  constexpr double kMaxDiscount = 1e3;
  if (!isValidNumber(rate))
    return {std::nullopt, {{"rate", ErrorCode::NotFinite, "rate must be a finite number"}}};
  if (!(std::fabs(rate) <= kMaxBlackRate))
    return {std::nullopt,
            {{"rate", ErrorCode::OutOfRange,
              "rate (" + n(rate) + ") must be between " + n(-kMaxBlackRate) + " and " + n(kMaxBlackRate)}}};
  const bool yearsValid = isValidNumber(years) && years > 0 && years <= kMaxBlackYears;
  const double discount = yearsValid ? std::exp(-rate * years) : 1;
  if (discount > kMaxDiscount)
    return {std::nullopt,
            {{"rate", ErrorCode::OutOfRange,
              "rate (" + n(rate) + ") x years (" + n(years) + ") must be >= " + n(-std::log(kMaxDiscount)) +
                  ": the discount factor exp(-rate x years) would pass 1000"}}};
  return impliedVolatility(type, strike, forward, years, price, discount);
}

}  // namespace marginlab
