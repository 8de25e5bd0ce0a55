// SPDX-License-Identifier: MIT
// MarginLab: size-scaled margin curves (curve.h). The liquidation condition of one position on its
// own collateral C is g(P) = C + s q (P - E) - MM(q P) = 0 with MM(N) = rate(N) N. Orderly's MM is
// max(b N, c N^1.8): convex in P, so g is concave and crosses zero at most once on each side of the
// mark. Drift's rate depends on the base size only, so at a given size g is a line. Each crossing is
// bracketed, then narrowed by Newton steps kept inside the bracket (bisection when a step leaves it)
// down to two adjacent doubles: the answer is the one where g <= 0 first holds.
#include "marginlab/curve.h"

#include <cmath>
#include <string>

#include "marginlab/check.h"
#include "marginlab/format.h"
#include "risk_steps.h"

namespace marginlab {

namespace {

constexpr double kOrderlyPower = 0.8;  // Orderly: IMR_factor x |notional|^(4/5)
constexpr double kDriftKeep = 0.8;     // Drift: r - r / 5 kept under the size premium
constexpr double kPriceCeiling = 1e300;

/// The premium part of Orderly's rate (without its base), on the maintenance side when `maintenance`.
double orderlyCurve(const SizeCurveInput& in, double notional, bool maintenance) noexcept {
  const double scale = maintenance ? in.baseMmr / in.baseImr : 1.0;
  return scale * in.factor * std::pow(std::fabs(notional), kOrderlyPower);
}

double driftRate(double base, double factor, double quantity) noexcept {
  return std::fmax(base, kDriftKeep * base + factor * std::sqrt(std::fabs(quantity)));
}

/// The liquidation condition's terms at price p.
struct Terms {
  double g = 0;      ///< equity - maintenance
  double slope = 0;  ///< dg/dp
};

Terms terms(const SizeCurveInput& in, double p) noexcept {
  const double s = sign(in.side), q = in.quantity, n = q * p;
  double mm = 0, dmm = 0;  // maintenance and its derivative in notional
  if (in.curve == SizeCurve::Orderly) {
    const double curve = orderlyCurve(in, n, true);
    if (curve > in.baseMmr) mm = curve * n, dmm = (1 + kOrderlyPower) * curve;
    else mm = in.baseMmr * n, dmm = in.baseMmr;
  } else {
    dmm = in.curve == SizeCurve::Dydx ? in.baseMmr : driftRate(in.baseMmr, in.factor, q);
    mm = dmm * n;
  }
  return {in.collateral + s * q * (p - in.entryPrice) - mm, s * q - q * dmm};
}

/// The crossing in [a, b] where g(a) > 0 >= g(b) (or g(a) <= 0 < g(b) when `rising`): Newton inside
/// the bracket, bisection when a step leaves it, until a and b are adjacent doubles. Returns the end
/// where g <= 0.
double crossing(const SizeCurveInput& in, double a, double b) noexcept {
  // a: g > 0; b: g <= 0 (either order on the line).
  double x = b;
  for (int i = 0; i < 4000; ++i) {
    const double lo = std::fmin(a, b), hi = std::fmax(a, b);
    if (std::nextafter(lo, hi) >= hi) break;
    const Terms t = terms(in, x);
    double next = t.slope != 0 ? x - t.g / t.slope : lo + (hi - lo) / 2;
    if (!(next > lo && next < hi)) next = lo + (hi - lo) / 2;
    if (next == x) next = std::nextafter(x, x == a ? b : a);  // Newton at rest: one ulp toward the other end
    if (!(next > lo && next < hi)) break;
    x = next;
    if (terms(in, x).g > 0) a = x;
    else b = x;
  }
  return b;
}

/// The adverse crossing: below the mark for a long, above for a short.
std::optional<double> adverseCrossing(const SizeCurveInput& in, double mark) noexcept {
  if (in.side == Side::Long) {
    if (terms(in, 0).g > 0) return std::nullopt;  // concave, positive at 0 and at the mark
    const double p = crossing(in, mark, 0);
    return p > 0 ? std::optional<double>(p) : std::nullopt;
  }
  // A short: g <= C + q E - q P, so g < 0 at P = (C + q E) / q; g falls throughout.
  double top = (in.collateral + in.quantity * in.entryPrice) / in.quantity;
  if (!(top > mark)) top = mark * 2;
  const double ceiling = kPriceCeiling / in.quantity;  // the notional stays finite
  while (terms(in, top).g > 0 && top < ceiling) top *= 2;
  if (!(terms(in, top).g <= 0)) return std::nullopt;
  return crossing(in, mark, top);
}

/// A long on Orderly's curve: where maintenance overtakes the gain above the mark.
std::optional<double> upperCrossing(const SizeCurveInput& in, double mark) noexcept {
  if (in.side != Side::Long || in.curve != SizeCurve::Orderly || in.factor == 0) return std::nullopt;
  double top = mark * 2;
  const double ceiling = kPriceCeiling / in.quantity;  // the notional stays finite
  while (terms(in, top).g > 0 && top < ceiling) top *= 2;
  if (!(terms(in, top).g <= 0)) return std::nullopt;
  return crossing(in, mark, top);
}

}  // namespace

double dydxInitialMarginFraction(double baseImf, double openInterest, double lowerCap, double upperCap) noexcept {
  const double scaling = (openInterest - lowerCap) / (upperCap - lowerCap);
  return std::fmin(baseImf + std::fmax(scaling * (1 - baseImf), 0.0), 1.0);
}

double curveInitialRate(const SizeCurveInput& in, double quantity, double price) noexcept {
  if (in.curve == SizeCurve::Dydx)
    return dydxInitialMarginFraction(in.baseImr, *in.openInterestNotional, *in.openInterestLowerCap, *in.openInterestUpperCap);
  if (in.curve == SizeCurve::Drift) return driftRate(in.baseImr, in.factor, quantity);
  return std::fmax(in.baseImr, orderlyCurve(in, quantity * price, false));
}

double curveMaintenanceRate(const SizeCurveInput& in, double quantity, double price) noexcept {
  if (in.curve == SizeCurve::Dydx) return in.baseMmr;
  if (in.curve == SizeCurve::Drift) return driftRate(in.baseMmr, in.factor, quantity);
  return std::fmax(in.baseMmr, orderlyCurve(in, quantity * price, true));
}

std::vector<InputError> validate(const SizeCurveInput& in) {
  Checker c;
  c.positive("quantity", in.quantity);
  c.positive("entryPrice", in.entryPrice);
  if (in.markPrice) c.positive("markPrice", *in.markPrice);
  c.nonNegative("collateral", in.collateral);
  const bool imr = c.between("baseImr", in.baseImr, kMinCurveRate, 1, " (a fraction: 0.01 is 1%)");
  c.between("baseMmr", in.baseMmr, kMinCurveRate, imr ? in.baseImr : 1, imr ? " (a fraction, at most baseImr)" : " (a fraction: 0.006 is 0.6%)");
  c.between("factor", in.factor, 0, kMaxCurveFactor);
  if (in.curve == SizeCurve::Dydx) {
    const std::pair<const char*, const std::optional<double>*> caps[] = {
        {"openInterestNotional", &in.openInterestNotional}, {"openInterestLowerCap", &in.openInterestLowerCap},
        {"openInterestUpperCap", &in.openInterestUpperCap}};
    bool ok = true;
    for (const auto& [path, x] : caps) {
      if (!*x) c.fail(path, "missing"), ok = false;
      else ok = c.between(path, **x, 0, kMaxMagnitude) && ok;
    }
    if (ok && !(*in.openInterestUpperCap > *in.openInterestLowerCap))
      c.fail("openInterestUpperCap", "curveCapsOrder", {Param{"value", *in.openInterestUpperCap}, Param{"limit", *in.openInterestLowerCap}});
  }
  return std::move(c.errors);
}

Result<SizeCurveResult> sizeCurve(const SizeCurveInput& in) {
  Result<SizeCurveResult> out;
  out.errors = validate(in);
  if (!out.errors.empty()) return out;
  SizeCurveResult r;
  const double mark = in.markPrice.value_or(in.entryPrice);
  r.notional = in.quantity * mark;
  r.initialMarginRate = curveInitialRate(in, in.quantity, mark);
  r.maintenanceMarginRate = curveMaintenanceRate(in, in.quantity, mark);
  r.initialMargin = r.initialMarginRate * r.notional;
  r.maintenanceMargin = r.maintenanceMarginRate * r.notional;
  r.equity = in.collateral + sign(in.side) * in.quantity * (mark - in.entryPrice);
  r.pastLiquidation = !(terms(in, mark).g > 0);
  if (!r.pastLiquidation) {
    r.liquidationPrice = adverseCrossing(in, mark);
    r.upperLiquidationPrice = upperCrossing(in, mark);
    if (r.liquidationPrice) r.maintenanceMarginRateAtLiquidation = curveMaintenanceRate(in, in.quantity, *r.liquidationPrice);
  }
  out.value = std::move(r);
  return out;
}

namespace {

Param num(const char* name, double x) { return {name, x}; }
std::string f(double x) { return formatNumber(x); }

/// dYdX: the open-interest scaling and the initial and maintenance fractions.
void explainDydx(const SizeCurveInput& in, const SizeCurveResult& r, std::vector<Step>& steps) {
  const double oi = *in.openInterestNotional, lo = *in.openInterestLowerCap, hi = *in.openInterestUpperCap;
  const double scaling = (oi - lo) / (hi - lo);
  detail::codedStep(steps, "sizeCurve.scaling.dydx", {num("openInterest", oi), num("lowerCap", lo), num("upperCap", hi)},
                    "initialMarginRate", "dYdX: the market's open interest notional between its caps",
                    "scaling = (OI - lowerCap) / (upperCap - lowerCap)",
                    "(" + f(oi) + " - " + f(lo) + ") / (" + f(hi) + " - " + f(lo) + ")", scaling);
  detail::codedStep(steps, "sizeCurve.initialRate.dydx", {num("baseImr", in.baseImr), num("scaling", scaling)},
                    "initialMarginRate", "dYdX's effective initial margin fraction",
                    "IMF = min(baseIMF + max(scaling x (1 - baseIMF), 0), 1)",
                    "min(" + f(in.baseImr) + " + max(" + f(scaling) + " x (1 - " + f(in.baseImr) + "), 0), 1)",
                    r.initialMarginRate);
  detail::codedStep(steps, "sizeCurve.maintenanceRate.dydx", {num("baseMmr", in.baseMmr)}, "maintenanceMarginRate",
                    "dYdX's maintenance fraction: the open interest does not scale it", "MMF = baseMMF", f(in.baseMmr),
                    r.maintenanceMarginRate);
}

void explainRates(const SizeCurveInput& in, const SizeCurveResult& r, std::vector<Step>& steps) {
  const double q = in.quantity, mark = r.notional / q;
  detail::codedStep(steps, "sizeCurve.notional", {num("quantity", q), num("markPrice", mark)}, "notional",
                    "Notional at the mark", "N = q x mark", f(q) + " x " + f(mark), r.notional);
  if (in.curve == SizeCurve::Orderly) {
    const double powered = std::pow(r.notional, kOrderlyPower);
    detail::codedStep(steps, "sizeCurve.initialRate.orderly", {num("baseImr", in.baseImr), num("factor", in.factor), num("powered", powered)},
                      "initialMarginRate", "Initial margin rate on Orderly's curve", "IMR = max(baseIMR, factor x N^0.8)",
                      "max(" + f(in.baseImr) + ", " + f(in.factor) + " x " + f(powered) + ")", r.initialMarginRate);
    detail::codedStep(steps, "sizeCurve.maintenanceRate.orderly", {num("baseMmr", in.baseMmr), num("baseImr", in.baseImr), num("factor", in.factor), num("powered", powered)},
                      "maintenanceMarginRate", "Maintenance margin rate on Orderly's curve",
                      "MMR = max(baseMMR, baseMMR / baseIMR x factor x N^0.8)",
                      "max(" + f(in.baseMmr) + ", " + f(in.baseMmr) + " / " + f(in.baseImr) + " x " + f(in.factor) + " x " + f(powered) + ")",
                      r.maintenanceMarginRate);
  } else if (in.curve == SizeCurve::Dydx) {
    explainDydx(in, r, steps);
  } else {
    const double root = std::sqrt(q);
    detail::codedStep(steps, "sizeCurve.initialRate.drift", {num("baseImr", in.baseImr), num("factor", in.factor), num("sqrtSize", root)},
                      "initialMarginRate", "Initial margin ratio with Drift's size premium", "IMR = max(r, 0.8 r + factor x sqrt(q))",
                      "max(" + f(in.baseImr) + ", 0.8 x " + f(in.baseImr) + " + " + f(in.factor) + " x " + f(root) + ")", r.initialMarginRate);
    detail::codedStep(steps, "sizeCurve.maintenanceRate.drift", {num("baseMmr", in.baseMmr), num("factor", in.factor), num("sqrtSize", root)},
                      "maintenanceMarginRate", "Maintenance margin ratio with Drift's size premium", "MMR = max(r, 0.8 r + factor x sqrt(q))",
                      "max(" + f(in.baseMmr) + ", 0.8 x " + f(in.baseMmr) + " + " + f(in.factor) + " x " + f(root) + ")", r.maintenanceMarginRate);
  }
  detail::codedStep(steps, "sizeCurve.initialMargin", {num("rate", r.initialMarginRate), num("notional", r.notional)}, "initialMargin",
                    "Initial margin", "IM = IMR x N", f(r.initialMarginRate) + " x " + f(r.notional), r.initialMargin);
  detail::codedStep(steps, "sizeCurve.maintenanceMargin", {num("rate", r.maintenanceMarginRate), num("notional", r.notional)},
                    "maintenanceMargin", "Maintenance margin", "MM = MMR x N", f(r.maintenanceMarginRate) + " x " + f(r.notional),
                    r.maintenanceMargin);
  const double s = sign(in.side);
  detail::codedStep(steps, "sizeCurve.equity", {num("collateral", in.collateral), num("side", s), num("entryPrice", in.entryPrice)},
                    "equity", "Equity at the mark", "equity = C + s x q x (mark - entry)",
                    f(in.collateral) + " + " + f(s) + " x " + f(q) + " x (" + f(mark) + " - " + f(in.entryPrice) + ")", r.equity);
}

void explainCrossing(const SizeCurveInput& in, std::optional<double> price, std::string_view code, std::string field,
                     std::string label, std::vector<Step>& steps) {
  const std::string rate = in.curve == SizeCurve::Orderly ? "MMR(q x P)" : "MMR(q)";
  const std::string formula = "C + s x q x (P - entry) = " + rate + " x q x P";
  if (!price) {
    detail::codedStep(steps, std::string(code) + ".none", {}, std::move(field), label + ": no positive price", formula,
                      "no positive P solves it", std::nullopt);
    return;
  }
  const double p = *price, q = in.quantity;
  const double equity = in.collateral + sign(in.side) * q * (p - in.entryPrice);
  const double mm = curveMaintenanceRate(in, q, p) * q * p;
  detail::codedStep(steps, code, {num("price", p), num("equity", equity), num("maintenance", mm), num("rate", curveMaintenanceRate(in, q, p))},
                    std::move(field), std::move(label), formula,
                    f(in.collateral) + " + " + f(sign(in.side)) + " x " + f(q) + " x (" + f(p) + " - " + f(in.entryPrice) + ") = " + f(equity) +
                        "; " + f(curveMaintenanceRate(in, q, p)) + " x " + f(q) + " x " + f(p) + " = " + f(mm) +
                        " (bracketed, then Newton inside the bracket to adjacent doubles)",
                    p);
}

}  // namespace

void explain(const SizeCurveInput& in, SizeCurveResult& r) {
  r.steps.clear();
  explainRates(in, r, r.steps);
  if (r.pastLiquidation) {
    detail::codedStep(r.steps, "sizeCurve.past", {num("equity", r.equity), num("maintenance", r.maintenanceMargin)}, "liquidationPrice",
                      "Past liquidation: equity is at or below maintenance at the mark", "equity <= MM",
                      f(r.equity) + " <= " + f(r.maintenanceMargin), std::nullopt);
    return;
  }
  explainCrossing(in, r.liquidationPrice, "sizeCurve.liquidation", "liquidationPrice",
                  in.side == Side::Long ? "Liquidation price below the mark" : "Liquidation price above the mark", r.steps);
  if (in.side == Side::Long && in.curve == SizeCurve::Orderly && in.factor > 0)
    explainCrossing(in, r.upperLiquidationPrice, "sizeCurve.upper", "upperLiquidationPrice",
                    "Above the mark, maintenance (growing as N^1.8) overtakes the gain", r.steps);
}

}  // namespace marginlab
