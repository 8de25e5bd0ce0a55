// SPDX-License-Identifier: MIT
// MarginLab: Black-76 and Black-Scholes-Merton prices and greeks, and implied volatility.
// Sources: Black (1976); Haug, "The Complete Guide to Option Pricing Formulas" (1998), 1.1 (the
// generalised formula with cost of carry b) and 2.1 (greeks); QuantLib's blackFormula for the
// conventions (stdDev instead of volatility, discount as a factor).
#include "marginlab/black.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "marginlab/check.h"
#include "marginlab/format.h"
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

namespace {

Param num(std::string_view name, double x) { return {std::string(name), x}; }

/// The inputs impliedVolatility checks before it solves: every problem at its name.
void checkImpliedInputs(Checker& c, double strike, double forward, double years, double price, double discount) {
  constexpr double kMaxDiscount = 1e3;
  c.positive("strike", strike);
  c.positive("forward", forward);
  if (c.finite("years", years)) {
    if (!(years > 0)) c.fail("years", "blackExpiredYears", {num("value", years)});
    else c.atMost("years", years, kMaxBlackYears);
  }
  if (c.finite("discount", discount) && (!(discount > 0) || discount > kMaxDiscount))
    c.fail("discount", discount > 0 ? Rule("blackDiscountRange") : Rule("blackDiscountPositive"),
           {num("value", discount), num("limit", kMaxDiscount)});
  if (c.finite("price", price) && price < 0) c.fail("price", "mustBeNonNegative", {num("value", price)});
}

/// The out-of-the-money side an implied volatility is solved on, and the price it must match there
/// (put-call parity C - P = discount (F - K) turns an in-the-money price into the other type's).
struct ImpliedSide {
  bool inTheMoney = false;
  OptionType type = OptionType::Call;
  double target = 0;
};
ImpliedSide impliedSide(OptionType type, double strike, double forward, double price, double discount) noexcept {
  const double parity = discount * (forward - strike);
  ImpliedSide s;
  s.inTheMoney = isCall(type) ? forward > strike : forward < strike;
  s.type = s.inTheMoney ? (isCall(type) ? OptionType::Put : OptionType::Call) : type;
  s.target = !s.inTheMoney ? price : isCall(type) ? price - parity : price + parity;
  return s;
}

/// The error when no volatility in [kMinImpliedVolatility, kMaxImpliedVolatility] fits the price.
void noVolatilityFits(Checker& c, bool tooLow, OptionType type, double strike, double forward, double years,
                      double price, double discount) {
  const double sqrtT = std::sqrt(years);
  const Param what[] = {Param{"type", std::string(toString(type))}, num("strike", strike), num("forward", forward),
                        num("years", years), num("discount", discount)};
  if (tooLow) {
    const double intrinsic = discount * std::max(isCall(type) ? forward - strike : strike - forward, 0.0);
    c.fail("price", "blackPriceTooLow",
           {num("value", price), what[0], what[1], what[2], what[3], what[4],
            num("lowest", black76Price(type, strike, forward, kMinImpliedVolatility * sqrtT, discount)),
            num("volatility", kMinImpliedVolatility), num("intrinsic", intrinsic)});
  } else {
    c.fail("price", "blackPriceTooHigh",
           {num("value", price), what[0], what[1], what[2], what[3], what[4],
            num("highest", black76Price(type, strike, forward, kMaxImpliedVolatility * sqrtT, discount)),
            num("volatility", kMaxImpliedVolatility), num("bound", discount * forward)});
  }
}

}  // namespace

Result<ImpliedVolatility> impliedVolatility(OptionType type, double strike, double forward,
                                            double years, double price, double discount) {
  Result<ImpliedVolatility> r;
  Checker c;
  checkImpliedInputs(c, strike, forward, years, price, discount);
  if (!c.ok()) return {std::nullopt, std::move(c.errors)};
  const ImpliedSide side = impliedSide(type, strike, forward, price, discount);
  const double sqrtT = std::sqrt(years);
  const auto at = [&](double sigma) { return black76Price(side.type, strike, forward, sigma * sqrtT, discount); };
  const double low = at(kMinImpliedVolatility), high = at(kMaxImpliedVolatility);
  if (!(side.target > 0) || side.target < low || side.target > high) {
    noVolatilityFits(c, !(side.target > high), type, strike, forward, years, price, discount);
    return {std::nullopt, std::move(c.errors)};
  }
  const detail::Root root = detail::brent([&](double s) { return at(s) - side.target; }, kMinImpliedVolatility,
                                          kMaxImpliedVolatility, low - side.target, high - side.target,
                                          kVolatilityTolerance, kMaxSolverIterations);
  ImpliedVolatility iv;
  iv.volatility = root.x;
  iv.iterations = root.iterations;
  iv.priceError = black76Price(type, strike, forward, root.x * sqrtT, discount) - price;
  r.value = std::move(iv);
  return r;
}

void explainImpliedVolatility(OptionType type, double strike, double forward, double years, double price,
                              double discount, ImpliedVolatility& iv) {
  const ImpliedSide side = impliedSide(type, strike, forward, price, discount);
  iv.steps.clear();
  if (side.inTheMoney) {
    Step& s = iv.steps.emplace_back();
    s.field = "volatility";
    s.label = "In the money: solved on the " + std::string(toString(side.type)) + " of the same strike (put-call parity)";
    s.formula = isCall(type) ? "P = C - discount (F - K)" : "C = P + discount (F - K)";
    s.substituted = n(side.target) + " = " + n(price) + (isCall(type) ? " - " : " + ") + n(discount) + " x (" +
                    n(forward) + " - " + n(strike) + ")";
    s.value = side.target;
    s.code = "impliedVolatility.parity";
    s.params = {num("price", price), num("discount", discount), num("forward", forward), num("strike", strike),
                num("target", side.target)};
  }
  const bool converged = iv.iterations < kMaxSolverIterations;
  Step& s = iv.steps.emplace_back();
  s.field = "volatility";
  s.label = "Implied volatility: Brent's method on [" + n(kMinImpliedVolatility) + ", " + n(kMaxImpliedVolatility) +
            "], " + std::to_string(iv.iterations) + " steps" + (converged ? "" : " (stopped at the step limit)");
  s.formula = "black76(sigma sqrt(T)) = price";
  s.substituted = "black76(" + n(iv.volatility) + " x sqrt(" + n(years) + ")) = " + n(price + iv.priceError) +
                  " (given " + n(price) + ")";
  s.value = iv.volatility;
  s.code = "impliedVolatility.brent";
  s.params = {num("volatility", iv.volatility), num("years", years), num("price", price),
              num("iterations", static_cast<double>(iv.iterations))};
}

Result<Black76Greeks> black76(OptionType type, double strike, double forward, double volatility, double years,
                              double rate) {
  Checker c;
  c.positive("strike", strike);
  c.positive("forward", forward);
  const auto within = [&](const char* name, double x, double lo, double hi, bool negative) {
    if (!c.finite(name, x)) return;
    if (x < lo) negative ? c.fail(name, "mustBeNonNegative", {num("value", x)}) : void(c.atLeast(name, x, lo));
    else c.atMost(name, x, hi);
  };
  within("volatility", volatility, 0, kMaxImpliedVolatility, true);
  within("years", years, 0, kMaxBlackYears, true);
  within("rate", rate, -kMaxBlackRate, kMaxBlackRate, false);
  if (!c.ok()) return {std::nullopt, std::move(c.errors)};
  return {black76Greeks(type, strike, forward, volatility, years, rate), {}};
}

namespace {
/// The discount of impliedVolatilityAtRate, exp(-rate x years), or the rate's error.
std::optional<double> discountAtRate(Checker& c, double years, double rate) {
  constexpr double kMaxDiscount = 1e3;
  if (!c.finite("rate", rate)) return std::nullopt;
  if (!(std::fabs(rate) <= kMaxBlackRate)) {
    c.between("rate", rate, -kMaxBlackRate, kMaxBlackRate);
    return std::nullopt;
  }
  const bool yearsValid = isValidNumber(years) && years > 0 && years <= kMaxBlackYears;
  const double discount = yearsValid ? std::exp(-rate * years) : 1;
  if (discount > kMaxDiscount) {
    c.fail("rate", "blackRateTimesYears", {num("value", rate), num("years", years), num("limit", -std::log(kMaxDiscount))});
    return std::nullopt;
  }
  return discount;
}
}  // namespace

Result<ImpliedVolatility> impliedVolatilityAtRate(OptionType type, double strike, double forward, double years,
                                                  double price, double rate) {
  Checker c;
  const std::optional<double> discount = discountAtRate(c, years, rate);
  if (!discount) return {std::nullopt, std::move(c.errors)};
  return impliedVolatility(type, strike, forward, years, price, *discount);
}

void explainImpliedVolatilityAtRate(OptionType type, double strike, double forward, double years, double price,
                                    double rate, ImpliedVolatility& iv) {
  Checker c;
  explainImpliedVolatility(type, strike, forward, years, price, discountAtRate(c, years, rate).value_or(1), iv);
}

}  // namespace marginlab
