// SPDX-License-Identifier: MIT
// MarginLab: Black-76 and Black-Scholes-Merton prices and greeks, and implied volatility.
// Sources: Black (1976); Haug, "The Complete Guide to Option Pricing Formulas" (1998), 1.1 (the
// generalised formula with cost of carry b) and 2.1 (greeks); QuantLib's blackFormula for the
// conventions (stdDev instead of volatility, discount as a factor).
#include "marginlab/black.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "marginlab/check.h"
#include "marginlab/format.h"

namespace marginlab {

namespace {

constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;
/// Below this standard deviation the option is priced at its limit (intrinsic value).
constexpr double kMinStdDev = 1e-12;
/// A time value at most this many ulps of the price is its rounding: no volatility can be read from it.
constexpr double kUninformativeUlps = 2;

/// The gap from |x| to the next double up.
double ulp(double x) noexcept { return std::nextafter(std::fabs(x), HUGE_VAL) - std::fabs(x); }

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
  g.premiumAdjustedDelta = t.delta - g.price / forward;  // Deribit: delta minus the mark price in coin
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

namespace {

// ---- implied volatility to machine precision -------------------------------------------------------
// Method: P. Jaeckel, "Let's Be Rational", Wilmott (2015), 47-53, from its published equations (no
// code of its reference implementation is used). In the normalised Black function of x = ln(F/K) and
// s = sigma sqrt(T),
//   b(x, s) = e^{x/2} N(x/s + s/2) - e^{-x/2} N(x/s - s/2)   (a call, per unit of sqrt(F K), undiscounted),
// an in-the-money price is reduced to its time value, which is the out-of-the-money call at -|x| (put-call
// parity and b_put(x) = b_call(-x)), so the intrinsic part never drowns the digits of volatility. The
// inflection point s_c = sqrt(2|x|) and the tangent there, s_u = s_c + (b_max - b(s_c)) / b'(s_c), split
// three regions, each with the objective the paper uses to keep the iteration well conditioned: ln b
// below s_c (b is exponentially small there), b itself between, and ln(b_max - b) above s_u, b_max = e^{x/2}
// (b_max - b is computed as a sum of two tails, never as a difference). Householder's third-order step
// (the paper's choice) on the derivatives b' = exp(-(x^2/s^2 + s^2/4) / 2) / sqrt(2 pi),
// b''/b' = x^2/s^3 - s/4 and b'''/b' = (b''/b')^2 - 3 x^2/s^4 - 1/4, kept inside the region's bracket
// (bisection when a step would leave it), until the step is below 4 ulps of s.

constexpr double kLnSqrt2Pi = 0.91893853320467274178;
constexpr double kEpsilon = 2.220446049250313e-16;
constexpr int kMaxHouseholderSteps = 32;

#include "black_laguerre.inc"

/// R(m - t) - R(m + t) for m > 0 and 0 < t <= m / 2, R(z) = N(-z) / n(z) the Mills ratio, without
/// cancellation: as R(z) = int_0^inf e^{-z y - y^2/2} dy, it is 2 int_0^inf e^{-m y - y^2/2} sinh(t y) dy,
/// a positive integrand. Near the money (m < 1.5) its Taylor series in t on the moments
/// M_j = int_0^inf y^j e^{-m y - y^2/2} dy (M_0 = R(m), M_1 = 1 - m R(m), M_{j+1} = j M_{j-1} - m M_j);
/// further out, Gauss-Laguerre quadrature in w = m y (64 nodes below m = 3, 32 above; nodes from
/// tests/tools/laguerre_nodes.py). Both agree with mpmath to a few ulps over m in [0.3, 40].
double millsDifference(double m, double t) noexcept {
  if (m < 1.5) {
    const double r = 0.5 * std::erfc(m * kInvSqrt2) / normalPdf(m);
    double previous = r, moment = 1 - m * r, term = t, sum = 0;  // M_{j-1}, M_j, t^j / j!
    for (int j = 1; j < 200; j += 2) {
      const double add = term * moment;
      sum += add;
      if (add <= 1e-17 * sum) break;
      const double even = j * previous - m * moment;  // M_{j+1}
      const double odd = (j + 1) * moment - m * even;  // M_{j+2}
      previous = even;
      moment = odd;
      term *= t * t / ((j + 1.0) * (j + 2.0));
    }
    return 2 * sum;
  }
  const auto laguerre = [&](const double* x, const double* w, int n) {
    const double tau = t / m, spread = 0.5 / (m * m);
    double sum = 0;
    for (int i = 0; i < n; ++i) {
      const double term = w[i] * std::exp(-spread * x[i] * x[i]) * std::sinh(tau * x[i]);
      sum += term;
      if (term < 1e-18 * sum) break;  // past the peak the terms only fall (weights ~ e^{-x})
    }
    return 2 * sum / m;
  };
  return m < 3 ? laguerre(kLaguerre64Nodes, kLaguerre64Weights, 64) : laguerre(kLaguerre32Nodes, kLaguerre32Weights, 32);
}

/// b(x, s) for x <= 0, s > 0. Around the money (x/s + s/2 > 0): erf (sinh(x/2) plus two positive
/// terms). Below: e^{-(h^2 + t^2)/2} / sqrt(2 pi) (R(-h - t) - R(-h + t)) with h = x/s, t = s/2, the
/// difference of the two tails taken by millsDifference where it would cancel (t <= |h| / 2), else erfc.
double normalisedCall(double x, double s) noexcept {
  const double h = x / s, t = 0.5 * s;
  const double up = std::exp(0.5 * x), down = std::exp(-0.5 * x);
  if (h + t > 0)
    return std::sinh(0.5 * x) + 0.5 * (up * std::erf((h + t) * kInvSqrt2) + down * std::erf((t - h) * kInvSqrt2));
  if (t <= -0.5 * h) return kInvSqrt2Pi * std::exp(-0.5 * (h * h + t * t)) * millsDifference(-h, t);
  return std::max(0.5 * (up * std::erfc(-(h + t) * kInvSqrt2) - down * std::erfc((t - h) * kInvSqrt2)), 0.0);
}
/// b_max - b(x, s) = e^{x/2} N(-x/s - s/2) + e^{-x/2} N(x/s - s/2): a sum, accurate as b nears e^{x/2}.
double normalisedCallGap(double x, double s) noexcept {
  const double h = x / s, t = 0.5 * s;
  return 0.5 * (std::exp(0.5 * x) * std::erfc((h + t) * kInvSqrt2) + std::exp(-0.5 * x) * std::erfc((t - h) * kInvSqrt2));
}
/// ln b'(x, s).
double lnNormalisedVega(double x, double s) noexcept {
  const double h = x / s, t = 0.5 * s;
  return -0.5 * (h * h + t * t) - kLnSqrt2Pi;
}

enum class Region { Lower, Middle, Upper };

/// One Householder step on the region's objective at s (target beta, or its gap b_max - beta above),
/// and whether s is below the root (by the objective's sign). The step is NaN when the objective cannot
/// be evaluated there (b underflows).
struct Householder {
  double step = 0;
  bool below = false;
};
Householder householderStep(Region region, double x, double s, double beta, double gap) noexcept {
  const double b2 = x * x / (s * s * s) - 0.25 * s;                      // b''/b'
  const double b3 = b2 * b2 - 3 * x * x / (s * s * s * s) - 0.25;      // b'''/b'
  double f = 0, g1 = 0, h2 = 0, h3 = 0;                                 // objective, f', f''/f', f'''/f'
  if (region == Region::Middle) {
    f = normalisedCall(x, s) - beta;
    g1 = std::exp(lnNormalisedVega(x, s));
    h2 = b2;
    h3 = b3;
  } else if (region == Region::Lower) {
    const double b = normalisedCall(x, s);
    if (!(b > 0)) return {std::numeric_limits<double>::quiet_NaN(), true};
    f = std::log(b / beta);
    g1 = std::exp(lnNormalisedVega(x, s) - std::log(b));                // (ln b)' = b'/b
    h2 = b2 - g1;
    h3 = b3 - 3 * b2 * g1 + 2 * g1 * g1;
  } else {
    const double u = normalisedCallGap(x, s);
    if (!(u > 0)) return {std::numeric_limits<double>::quiet_NaN(), false};
    f = std::log(u / gap);
    const double g = std::exp(lnNormalisedVega(x, s) - std::log(u));  // -(ln u)' = b'/u
    g1 = -g;
    h2 = b2 + g;
    h3 = b3 + 3 * b2 * g + 2 * g * g;
  }
  const bool below = region == Region::Upper ? f > 0 : f < 0;
  if (!(g1 != 0) || !std::isfinite(g1)) return {std::numeric_limits<double>::quiet_NaN(), below};
  const double nu = -f / g1;
  return {nu * (1 + 0.5 * h2 * nu) / (1 + nu * (h2 + h3 * nu / 6)), below};
}

struct NormalisedSolve {
  double s = 0;
  int iterations = 0;
};

/// The s > 0 with b(x, s) = beta, for x <= 0 and 0 < beta < e^{x/2}.
NormalisedSolve solveNormalised(double x, double beta) noexcept {
  const double bMax = std::exp(0.5 * x);
  const double sc = std::sqrt(-2 * x);
  const double bc = sc > 0 ? normalisedCall(x, sc) : 0;
  const double vc = std::exp(lnNormalisedVega(x, sc > 0 ? sc : 1e-300));
  const double su = sc + (bMax - bc) / vc;
  const Region region = beta < bc ? Region::Lower : beta <= normalisedCall(x, su) ? Region::Middle : Region::Upper;
  double lo = 0, hi = std::numeric_limits<double>::infinity(), s = 0;
  if (region == Region::Lower) {
    hi = sc;
    // Start from the asymptote ln b ~ -x^2 / (2 s^2) (deep below s_c), within (0, s_c).
    s = std::min(-x / std::sqrt(-2 * std::log(beta)), 0.9 * sc);
  } else if (region == Region::Middle) {
    lo = sc, hi = su;
    s = std::clamp(sc + (beta - bc) / vc, sc, su);
  } else {
    lo = su;
    s = su;
  }
  const double gap = region == Region::Upper ? bMax - beta : 0;
  NormalisedSolve r;
  for (int i = 0; i < kMaxHouseholderSteps; ++i) {
    r.iterations = i + 1;
    const Householder step = householderStep(region, x, s, beta, gap);
    if (step.below) lo = std::max(lo, s);
    else hi = std::min(hi, s);
    if (std::fabs(step.step) <= 4 * kEpsilon * s) {  // converged: the last step is within rounding
      s += step.step;
      break;
    }
    double next = s + step.step;
    if (!std::isfinite(next) || !(next > lo) || !(next < hi))
      next = std::isfinite(hi) ? 0.5 * (lo + hi) : 2 * s;  // bisect the bracket (it holds the root)
    if (next == s) break;
    s = next;
  }
  r.s = s;
  return r;
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
  ImpliedVolatility iv;
  if (side.target > 0 && !(side.target > high) && side.inTheMoney && side.target <= kUninformativeUlps * ulp(price)) {
    iv.informative = false;  // the price is its intrinsic value to within its own rounding
    iv.timeValue = side.target;
    r.value = std::move(iv);
    return r;
  }
  if (!(side.target > 0) || side.target < low || side.target > high) {
    noVolatilityFits(c, !(side.target > high), type, strike, forward, years, price, discount);
    return {std::nullopt, std::move(c.errors)};
  }
  // Normalised: x = ln(F/K) (log1p of the exact difference near the money), beta = time value / (discount sqrt(F K)).
  const double ratio = forward / strike;
  const double x = ratio >= 0.5 && ratio <= 2 ? std::log1p((forward - strike) / strike) : std::log(ratio);
  const double beta = side.target / (discount * std::sqrt(forward) * std::sqrt(strike));
  const NormalisedSolve solve = solveNormalised(-std::fabs(x), std::min(beta, std::exp(-0.5 * std::fabs(x))));
  iv.volatility = std::clamp(solve.s / sqrtT, kMinImpliedVolatility, kMaxImpliedVolatility);
  iv.iterations = solve.iterations;
  iv.timeValue = side.target;
  iv.priceError = black76Price(type, strike, forward, *iv.volatility * sqrtT, discount) - price;
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
  Step& s = iv.steps.emplace_back();
  s.field = "volatility";
  s.formula = "black76(sigma sqrt(T)) = price";
  if (!iv.informative || !iv.volatility) {
    s.label = "No implied volatility: the price is its intrinsic value to within rounding (time value " +
              n(iv.timeValue) + ", at most " + n(kUninformativeUlps) + " ulps of the price): no volatility can be read from it";
    s.substituted = "price - intrinsic = " + n(iv.timeValue) + " <= " + n(kUninformativeUlps) + " x ulp(" + n(price) + ")";
    s.value = iv.timeValue;
    s.code = "impliedVolatility.uninformative";
    s.params = {num("timeValue", iv.timeValue), num("price", price), num("ulps", kUninformativeUlps)};
    return;
  }
  s.label = "Implied volatility: normalised Black (Jaeckel, \"Let's Be Rational\"), Householder steps to machine precision, " +
            std::to_string(iv.iterations) + " steps";
  s.substituted = "black76(" + n(*iv.volatility) + " x sqrt(" + n(years) + ")) = " + n(price + iv.priceError) +
                  " (given " + n(price) + ")";
  s.value = *iv.volatility;
  s.code = "impliedVolatility.householder";
  s.params = {num("volatility", *iv.volatility), num("years", years), num("price", price),
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
