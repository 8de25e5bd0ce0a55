// SPDX-License-Identifier: MIT
// MarginLab: CME SPAN's spreads (venue_pm.h, VENUES-PM.md 6.1): the intra-commodity (calendar)
// spread charge between tiers of one underlying and the inter-commodity spread credit between two.
#include <algorithm>
#include <cmath>
#include <utility>

#include "marginlab/options.h"
#include "marginlab/venue_pm.h"

namespace marginlab {

double spanDelta(const PmUnit& u, const PmLeg& l) noexcept {
  if (!l.option) return l.coins;
  return cashDelta(u, l) / (u.price * std::exp(u.interestRate * l.years));
}

std::optional<std::size_t> spanTier(const SpanParams& p, const PmLeg& l) noexcept {
  for (std::size_t t = 0; t < p.tiers.size(); ++t)
    if (l.years <= p.tiers[t].maxYears + 1e-9) return t;  // the tolerance: a boundary date's rounding
  return std::nullopt;
}

std::vector<SpanSpread> spanIntraCharges(const PmUnit& u, const SpanParams& p) {
  std::vector<double> delta(p.tiers.size(), 0.0);
  std::vector<std::optional<std::string>> leg(p.tiers.size());
  std::vector<double> largest(p.tiers.size(), 0.0);
  for (const PmLeg& l : u.legs) {
    const std::optional<std::size_t> t = spanTier(p, l);
    if (!t) continue;
    const double d = spanDelta(u, l);
    delta[*t] += d;
    if (std::abs(d) > largest[*t]) largest[*t] = std::abs(d), leg[*t] = l.path;
  }
  std::vector<SpanSpread> out;
  for (const SpanIntraSpread& s : p.intraSpreads) {
    const auto a = static_cast<std::size_t>(s.tierA), b = static_cast<std::size_t>(s.tierB);
    if (a >= delta.size() || b >= delta.size() || a == b || !(delta[a] * delta[b] < 0)) continue;
    const double n = std::min(std::abs(delta[a]), std::abs(delta[b]));
    delta[a] -= std::copysign(n, delta[a]);
    delta[b] -= std::copysign(n, delta[b]);
    out.push_back({.component = {.name = "intraSpreadCharge", .value = n * s.charge, .leg = leg[std::max(a, b)],
                                 .underlying = u.underlying},
                   .pair = "tiers " + std::to_string(a) + " and " + std::to_string(b), .spreads = n, .rate = s.charge});
  }
  return out;
}

std::vector<SpanSpread> spanInterCredits(std::vector<SpanUnitRisk> units, const std::vector<SpanInterSpread>& spreads) {
  std::vector<double> wfpr;  // weighted futures price risk per coin of delta
  for (const SpanUnitRisk& x : units) wfpr.push_back(x.delta != 0 ? x.scanRisk / std::abs(x.delta) : 0);
  const auto find = [&](const std::string& name) {
    return std::find_if(units.begin(), units.end(), [&](const SpanUnitRisk& x) { return x.underlying == name; });
  };
  std::vector<SpanSpread> out;
  for (const SpanInterSpread& s : spreads) {
    const auto a = find(s.first), b = find(s.second);
    if (a == units.end() || b == units.end() || a == b || !(a->delta * b->delta < 0)) continue;
    if (!(s.firstDelta > 0 && s.secondDelta > 0)) continue;
    const double n = std::min(std::abs(a->delta) / s.firstDelta, std::abs(b->delta) / s.secondDelta);
    if (!(n > 0)) continue;
    for (auto [x, ratio] : {std::pair{a, s.firstDelta}, std::pair{b, s.secondDelta}}) {
      const double risk = wfpr[static_cast<std::size_t>(x - units.begin())];
      x->delta -= std::copysign(n * ratio, x->delta);
      out.push_back({.component = {.name = "interSpreadCredit", .value = -s.creditRate * n * ratio * risk, .leg = x->leg,
                                   .underlying = x->underlying},
                     .pair = s.first + " and " + s.second, .spreads = n, .rate = s.creditRate, .ratio = ratio, .priceRisk = risk});
    }
  }
  return out;
}

}  // namespace marginlab
