// SPDX-License-Identifier: MIT
// A venue's contract specification applied to a price (its tick) and a size (its lots).
#include "marginlab/venue.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include "marginlab/format.h"

#include "marginlab/check.h"

namespace marginlab {

namespace {

constexpr int kMaxDecimals = 12;
/// Powers of ten by table: std::pow and std::log10 would add their tables to the first-paint module.
constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

/// 10^e for e in [-kMaxDecimals, 15] (1 / 10^k is the double nearest 10^-k: division rounds correctly).
double pow10(int e) { return e >= 0 ? kPow10[e] : 1.0 / kPow10[-e]; }

/// The step that `sigFigs` significant figures allow at `price` (in [1e-9, 1e15]), at least 10^-12.
double sigFigStep(double price, int sigFigs) {
  int e = 0;  // floor(log10(price))
  while (e < 15 && price >= kPow10[e + 1]) ++e;
  while (e > -kMaxDecimals && price < pow10(e)) --e;
  const int k = e - sigFigs + 1;
  return k >= 0 ? 1.0 : pow10(std::max(k, -kMaxDecimals));  // whole prices are always allowed
}

/// The fewest decimals (0..12) that print `step` exactly enough: 0.1 -> 1, 0.0005 -> 4, 5 -> 0.
int decimalsOf(double step) {
  double scaled = step;
  for (int d = 0; d < kMaxDecimals; ++d, scaled *= 10)
    if (std::fabs(scaled - std::round(scaled)) <= 1e-9 * scaled) return d;
  return kMaxDecimals;
}

/// q / step as a whole count, with a quotient within rounding of a whole number taken as that number
/// (0.3 / 0.1 is 2.9999999999999996 in binary), then rounded by `mode`: -1 floor, 0 nearest, 1 ceil.
/// "Within rounding" is 1e-9 of a step, or a few ulps of the quotient when it is large: a relative
/// tolerance would span whole steps there (a tick of 1e-9 on a price of 8000 is 8e12 steps).
double stepsOf(double q, double step, int mode) {
  const double n = q / step, whole = std::round(n);
  if (std::fabs(n - whole) <= std::fmax(1e-9, 8 * std::numeric_limits<double>::epsilon() * std::fabs(n))) return whole;
  return mode < 0 ? std::floor(n) : mode > 0 ? std::ceil(n) : whole;
}

/// count x step printed with `decimals` decimals and read back: 3 x 0.1 -> 0.3, not 0.30000000000000004.
double onGrid(double count, double step, int decimals) {
  const double p10 = kPow10[decimals];
  return std::round(count * step * p10) / p10;
}

std::string fixed(double x, int /*decimals*/) { return formatNumber(x); }  // the shortest text that reads back as x

}  // namespace

TickRounding tickRoundingOf(Rules rules) noexcept {
  return rules == Rules::Bybit || rules == Rules::BybitUta ? TickRounding::Conservative : TickRounding::Nearest;
}

namespace {

/// The rounding direction of a request: -1 down, 0 nearest, 1 up.
int modeOf(const TickRequest& r, TickRounding rounding) {
  return rounding == TickRounding::Nearest ? 0 : r.side == Side::Long ? 1 : -1;
}

/// The grid step of a request: its tick, or coarser where the significant figures allow fewer decimals.
double stepOf(const TickRequest& r) {
  // Significant figures limit the decimals only: a whole price is always allowed (Hyperliquid).
  return r.sigFigs > 0 ? std::fmax(r.tickSize, sigFigStep(r.price, r.sigFigs)) : r.tickSize;
}

}  // namespace

TickResult roundToTick(const TickRequest& r) {
  TickResult out;
  Checker c;
  c.positive("price", r.price);
  c.positive("tickSize", r.tickSize);
  c.whole("sigFigs", r.sigFigs, 0, 17);
  out.errors = std::move(c.errors);
  if (!out.errors.empty()) return out;
  out.exact = r.price;
  out.rounding = tickRoundingOf(r.rules);
  const double step = stepOf(r);
  out.decimals = decimalsOf(step);
  out.price = onGrid(stepsOf(r.price, step, modeOf(r, out.rounding)), step, out.decimals);
  if (out.price <= 0) out.price = onGrid(1, step, out.decimals);  // below one tick: the venue's smallest price
  return out;
}

void explain(const TickRequest& r, TickResult& out) {
  if (!out.errors.empty()) return;
  const int mode = modeOf(r, out.rounding);
  const double step = stepOf(r);
  const char* how = mode == 0 ? "to the nearest tick" : mode > 0 ? "up to the tick (toward the entry of a long)"
                                                                 : "down to the tick (toward the entry of a short)";
  out.steps.push_back(Step{.field = "price", .label = std::string("Price rounded ") + how,
                           .formula = "P = round(P_exact / step) x step",
                           .substituted = "P = round(" + fixed(r.price, 10) + " / " + fixed(step, out.decimals) + ") x " +
                                          fixed(step, out.decimals) + " = " + fixed(out.price, out.decimals),
                           .value = out.price, .code = "venue.tick"});
}

LotResult wholeLots(const LotRequest& r) {
  LotResult out;
  Checker c;
  c.positive("quantity", r.quantity);
  c.positive("lotSize", r.lotSize);
  c.positive("contractSize", r.contractSize);
  if (r.baseAsset.size() > kMaxSymbolLength) c.fail("baseAsset", "symbolFormat", {{"limit", static_cast<double>(kMaxSymbolLength)}});
  out.errors = std::move(c.errors);
  if (!out.errors.empty()) return out;
  out.decimals = decimalsOf(r.lotSize);
  out.lots = stepsOf(r.quantity, r.lotSize, -1);
  out.quantity = onGrid(out.lots, r.lotSize, out.decimals);
  const bool baseUnits = r.contract == Contract::Linear && r.contractSize == 1 && !r.baseAsset.empty();
  out.unit = baseUnits ? r.baseAsset : "contracts";
  return out;
}

void explain(const LotRequest& r, LotResult& out) {
  if (!out.errors.empty()) return;
  out.steps.push_back(Step{.field = "quantity", .label = "Size in whole lots (rounded down: it still opens)",
                           .formula = "Q = floor(Q_exact / lot) x lot",
                           .substituted = "Q = floor(" + fixed(r.quantity, 10) + " / " + fixed(r.lotSize, out.decimals) +
                                          ") x " + fixed(r.lotSize, out.decimals) + " = " + fixed(out.quantity, out.decimals),
                           .value = out.quantity, .code = "venue.lots"});
}

}  // namespace marginlab
