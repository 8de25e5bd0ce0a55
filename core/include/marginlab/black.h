// SPDX-License-Identifier: MIT
// MarginLab: European option prices and greeks (Black-76 on a forward, Black-Scholes-Merton on a
// spot with a rate and a dividend yield) and implied volatility. Named and documented after
// QuantLib's blackFormula (ql/pricingengines/blackformula.hpp); the formulas are Black, "The
// pricing of commodity contracts" (1976), and Haug, "The Complete Guide to Option Pricing
// Formulas" (1998), ch. 1. Inputs are assumed valid (finite; strike, forward, spot > 0; stdDev,
// volatility, years >= 0; discount > 0): every result is then finite, never NaN.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/report.h"

namespace marginlab {

enum class OptionType { Call, Put };
/// "call" | "put": the strings JS and JSON use.
std::string_view toString(OptionType) noexcept;
std::optional<OptionType> parseOptionType(std::string_view) noexcept;

/// Black 1976 formula: discount * (F N(d1) - K N(d2)) for a call, discount * (K N(-d2) - F N(-d1))
/// for a put, d1,2 = ln(F/K) / stdDev +- stdDev / 2.
/// \warning instead of the volatility it takes the standard deviation, stdDev = sigma * sqrt(T),
/// as QuantLib's blackFormula does. stdDev below 1e-12 gives the discounted intrinsic value
/// discount * max(F - K, 0) (call), the limit as sigma or T goes to 0.
double black76Price(OptionType type, double strike, double forward, double stdDev,
                    double discount = 1) noexcept;

/// Price and sensitivities of one option on a forward (Black-76). Per unit of underlying, in the
/// price's currency.
struct Black76Greeks {
  double price = 0;
  double delta = 0;  ///< dV/dF: discount N(d1) (call), discount (N(d1) - 1) (put)
  /// delta - price / F: the delta of a coin-settled (inverse) option, whose premium is worth price / F
  /// coins and moves with F; Deribit's "net transaction delta" (Black-Scholes delta minus the mark price
  /// in coin), the option delta of its delta_total.
  double premiumAdjustedDelta = 0;
  double gamma = 0;  ///< d2V/dF2: discount n(d1) / (F stdDev)
  double vega = 0;   ///< dV/dsigma per 1.00 of volatility (0.01 = one vol point): discount F n(d1) sqrt(T)
  /// dV/dt per year as calendar time passes with F held: r V - discount F n(d1) sigma / (2 sqrt(T)).
  /// At stdDev below 1e-12 the second term's limit is taken as 0 (it is -infinite exactly at the money).
  double theta = 0;
};
/// \param volatility annualised sigma; \param years time to expiry T; \param rate continuous r,
/// discount = exp(-r T).
Black76Greeks black76Greeks(OptionType type, double strike, double forward, double volatility,
                            double years, double rate = 0) noexcept;

/// Black-Scholes-Merton on a spot S with continuous rate r and dividend (or foreign rate, or
/// carry) yield q: Black-76 with F = S exp((r - q) T), discount exp(-r T). Haug's generalised
/// formula with cost of carry b = r - q (b = 0: Black-76 on a futures price).
double blackScholesPrice(OptionType type, double strike, double spot, double rate, double dividend,
                         double volatility, double years) noexcept;

struct BlackScholesGreeks {
  double price = 0;
  double delta = 0;        ///< dV/dS
  double gamma = 0;        ///< d2V/dS2
  double vega = 0;         ///< dV/dsigma per 1.00 of volatility
  double theta = 0;        ///< dV/dt per year, spot held (QuantLib's theta; per day: / 365)
  double rho = 0;          ///< dV/dr per 1.00 of rate
  double dividendRho = 0;  ///< dV/dq per 1.00 of yield
};
BlackScholesGreeks blackScholesGreeks(OptionType type, double strike, double spot, double rate,
                                      double dividend, double volatility, double years) noexcept;

/// Bounds of the implied-volatility search (annualised).
inline constexpr double kMinImpliedVolatility = 1e-6;
inline constexpr double kMaxImpliedVolatility = 10;  ///< 1000 %

struct ImpliedVolatility {
  /// Annualised; absent when the price carries no information about volatility (informative false).
  std::optional<double> volatility;
  /// False when the price is its intrinsic value to within its own rounding: the time value (price minus
  /// discounted intrinsic value) is positive but at most 2 ulps of the price, and no volatility can be read.
  bool informative = true;
  double timeValue = 0;    ///< the price less the discounted intrinsic value (the out-of-the-money price)
  double priceError = 0;   ///< black76Price at the result minus the price given (0 without a volatility)
  int iterations = 0;      ///< Householder steps taken (at most 32; two or three on most prices)
  std::vector<Step> steps;  ///< empty; explainImpliedVolatility writes them
};
/// The sigma in [kMinImpliedVolatility, kMaxImpliedVolatility] at which black76Price(type, strike,
/// forward, sigma sqrt(years), discount) equals `price`, to machine precision: the normalised-Black
/// method of Jaeckel's "Let's Be Rational" (2015) on the out-of-the-money side (an in-the-money price is
/// reduced to its time value by put-call parity, C - P = discount (F - K), so the intrinsic part does
/// not drown the time value), Householder steps on an objective conditioned for each region. When
/// the time value is positive but within 2 ulps of the price, the result says so (informative false,
/// no volatility). When no volatility in the bracket fits (price at or below the price at
/// kMinImpliedVolatility, which is about the intrinsic value, or above the price at
/// kMaxImpliedVolatility, below the upper bound discount F for a call) the result holds an error
/// at "price" (code outOfRange) instead of a value; bad inputs give errors at their names
/// ("strike", "forward", "years", "discount", "price").
Result<ImpliedVolatility> impliedVolatility(OptionType type, double strike, double forward,
                                            double years, double price, double discount = 1);
/// The steps of a solve impliedVolatility returned (numbers first: the solve builds none): the
/// parity step when the price was in the money, and the solve. Same inputs as the call; writes
/// only iv.steps.
void explainImpliedVolatility(OptionType type, double strike, double forward, double years, double price,
                              double discount, ImpliedVolatility& iv);

/// Largest |rate| the checked entry points accept (continuous, annual).
inline constexpr double kMaxBlackRate = 1;
/// Largest time to expiry the checked entry points accept, years.
inline constexpr double kMaxBlackYears = 100;

/// black76Greeks after checking its inputs: every problem as an error at its name ("strike",
/// "forward" > 0; "volatility" in [0, kMaxImpliedVolatility]; "years" in [0, kMaxBlackYears], 0 giving
/// the intrinsic value; "rate" within +-kMaxBlackRate). What the JS API's black76 calls.
Result<Black76Greeks> black76(OptionType type, double strike, double forward, double volatility, double years,
                              double rate = 0);

/// black76()'s inputs as the JS API's black76 takes them (fields.h).
struct Black76Input {
  OptionType type = OptionType::Call;
  double strike = 0, forward = 0, volatility = 0, years = 0;
  double rate = 0;  ///< continuous, annual; default 0
};

/// impliedVolatilityAtRate()'s inputs as the JS API's impliedVolatility takes them (fields.h).
struct ImpliedVolatilityInput {
  OptionType type = OptionType::Call;
  double strike = 0, forward = 0, years = 0, price = 0;
  double rate = 0;  ///< continuous, annual; default 0
};

/// impliedVolatility with a continuous rate instead of a discount factor: discount = exp(-rate x
/// years). Errors as impliedVolatility's, plus "rate" (finite, within +-kMaxBlackRate, and
/// rate x years >= -ln 1000 so the discount stays <= 1000).
Result<ImpliedVolatility> impliedVolatilityAtRate(OptionType type, double strike, double forward, double years,
                                                  double price, double rate = 0);
/// explainImpliedVolatility for a result of impliedVolatilityAtRate (the same inputs).
void explainImpliedVolatilityAtRate(OptionType type, double strike, double forward, double years, double price,
                                    double rate, ImpliedVolatility& iv);

}  // namespace marginlab
