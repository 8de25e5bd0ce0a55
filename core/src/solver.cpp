// SPDX-License-Identifier: MIT
// MarginLab: the liquidation and bankruptcy price solver shared by every profile and mode.
//
// For a group of legs of one symbol, the margin at risk as a function of u (u = P linear,
// u = 1/P inverse) is f(u) = e0 + sum(pnl0 + pnl1*u) - sum(MM(u)). MM is linear in u inside a
// tier, so f is piecewise linear with breakpoints at the tier caps (u = cap / k). The solver
// walks those pieces outward from the mark, once upward and once downward, and stops at the
// first piece whose sign differs from the sign at the mark. Each piece is visited at most once,
// so the walk ends after at most (number of breakpoints + 1) pieces per side: this is the
// "iterate until the tier at the liquidation price is the tier used" rule of the venues, made
// finite. The crossing nearest the mark is the price reported.
#include <algorithm>
#include <array>
#include <cmath>
#include <utility>
#include <limits>

#include "marginlab/validate.h"
#include "model.h"

namespace marginlab::detail {

namespace {

/// f(u) = c0 + c1*u on one piece; `u` is where the tiers of its legs were read (maintenanceAt).
struct Line {
  double c0 = 0, c1 = 0;
  double u = 0;
  [[nodiscard]] double at(double x) const noexcept { return c0 + c1 * x; }
  [[nodiscard]] std::optional<double> root() const noexcept {
    if (c1 == 0) return std::nullopt;
    return -c0 / c1;
  }
};

Line lineAt(const Model& m, std::span<const Leg* const> group, double e0, bool withMaintenance,
            double u) noexcept {
  Line line;
  line.c0 = e0;
  line.u = u;
  for (const Leg* leg : group) {
    line.c0 += leg->pnl0;
    line.c1 += leg->pnl1;
    if (withMaintenance) {
      const Maintenance mm = maintenanceAt(m, *leg, u);
      line.c0 -= mm.c0;
      line.c1 -= mm.c1;
    }
  }
  return line;
}

/// The breakpoints of f in u (tier caps over sizes), sorted and unique: on the stack for a group
/// of one leg (at most kMaxTierRows - 1), on the heap beyond.
class Breaks {
 public:
  Breaks(const Model& m, std::span<const Leg* const> group, bool withMaintenance) {
    if (!withMaintenance || m.profile->basis != MaintenanceBasis::AtPrice) return;
    std::size_t total = 0;
    for (const Leg* leg : group) total += m.tiersOf(*leg).size() - 1;
    if (total > local_.size()) {
      heap_.resize(total);
      data_ = heap_.data();
    }
    for (const Leg* leg : group) {
      const auto tiers = m.tiersOf(*leg);
      for (std::size_t j = 0; j + 1 < tiers.size(); ++j) data_[size_++] = tiers[j].cap / leg->k;
    }
    if (group.size() > 1) std::sort(data_, data_ + size_);  // one leg's caps ascend already
    size_ = static_cast<std::size_t>(std::unique(data_, data_ + size_) - data_);
  }
  Breaks(const Breaks&) = delete;
  Breaks& operator=(const Breaks&) = delete;
  [[nodiscard]] const double* begin() const noexcept { return data_; }
  [[nodiscard]] const double* end() const noexcept { return data_ + size_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] double operator[](std::size_t i) const noexcept { return data_[i]; }

 private:
  std::array<double, kMaxTierRows> local_;  // only [0, size_) is read: no zero fill per call
  std::vector<double> heap_;
  double* data_ = local_.data();
  std::size_t size_ = 0;
};

struct Walk {
  std::optional<double> u;  ///< crossing
  Line last;                ///< the last piece visited
};

/// How far a walk need go: no further than a crossing already found the other way (the nearer one is
/// reported, the upward one on a tie). Unbounded: every piece (the trace of explain() lists them all).
struct Bound {
  const Leg* leg = nullptr;
  double distance = std::numeric_limits<double>::infinity();
  /// True when every price from u on, away from the mark, is farther than the crossing found.
  [[nodiscard]] bool beyond(double u) const noexcept { return leg && std::abs(leg->priceOf(u) - leg->mark) > distance; }
};

/// Walks from uMark in one direction until the sign of f differs from `safeAtMark`: the pieces
/// end at the breaks beyond uMark in walking order, then at +infinity (upward) or 0 (downward).
/// lineOf(mid) gives f on the piece holding mid. `visited` (may be null) receives every piece.
template <class LineOf>
Walk walk(LineOf&& lineOf, const Breaks& breaks, double uMark, bool safeAtMark, bool upward,
          std::vector<CrossingPiece>* visited, const Bound& bound) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  Walk w;
  // breaks is sorted and unique: those above uMark follow upper_bound, those below precede
  // lower_bound.
  std::size_t j = static_cast<std::size_t>(
      (upward ? std::upper_bound(breaks.begin(), breaks.end(), uMark) : std::lower_bound(breaks.begin(), breaks.end(), uMark)) -
      breaks.begin());
  double a = uMark;
  for (;;) {
    const bool last = upward ? j >= breaks.size() : j == 0;
    const double b = last ? (upward ? kInf : 0.0) : (upward ? breaks[j] : breaks[j - 1]);
    const double mid = std::isinf(b) ? a * 2 + 1 : (a + b) / 2;
    const double lo = std::min(a, b), hi = std::max(a, b);
    const Line& line = w.last = lineOf(mid);
    if (visited) visited->push_back({lo, hi, line.c0, line.c1, line.u});
    if ((line.at(a) > 0) != safeAtMark) {  // the sign jumps at a tier boundary
      w.u = a;
      return w;
    }
    // At +infinity: the sign of f as u grows without bound.
    const double endValue = std::isinf(b) ? (line.c1 != 0 ? line.c1 : line.c0) : line.at(b);
    if ((endValue > 0) != safeAtMark) {
      if (auto r = line.root()) w.u = std::clamp(*r, lo, hi);
      else w.u = b;
      return w;
    }
    if (last) return w;
    a = b;
    if (upward) ++j;
    else --j;
    if (bound.beyond(a)) return w;
  }
}

/// Both walks, the side where f heads for zero first (falling while safe, rising while past), the
/// other bounded by the crossing it found when `bounded`: the same crossing chosen, fewer pieces.
template <class Up, class Down>
std::pair<Walk, Walk> bothWays(Up&& up, Down&& down, const Line& atMark, bool safe, const Leg& first, bool bounded) {
  const auto boundOf = [&](const Walk& w) {
    Bound b;
    if (!bounded || !w.u || !(*w.u > 0)) return b;
    const double price = first.priceOf(*w.u);
    if (isValidPositive(price)) b = {&first, std::abs(price - first.mark)};
    return b;
  };
  if (safe == (atMark.c1 > 0)) {
    const Walk d = down(Bound{});
    return {up(boundOf(d)), d};
  }
  const Walk u = up(Bound{});
  return {u, down(boundOf(u))};
}

/// Both walks. Without breaks every piece has the line at the mark (the same operations give the
/// same bits). For one leg at-price, its tier row is followed from the mark's as the midpoints move
/// away from it (what maintenanceAt would find, without a search per piece), and the second walk goes
/// only as far as the first one's crossing; for several legs each piece is computed by lineAt.
std::pair<Walk, Walk> walks(const Model& m, std::span<const Leg* const> group, double e0, bool withMaintenance,
                            const Breaks& breaks, const Line& atMark, bool safe, CrossingTrace* trace) {
  const double uMark = atMark.u;
  auto* up = trace ? &trace->up : nullptr;
  auto* down = trace ? &trace->down : nullptr;
  if (trace) {  // at most every piece each way
    up->reserve(breaks.size() + 1);
    down->reserve(breaks.size() + 1);
  }
  if (breaks.size() == 0 && !trace) {  // one piece each way: walk()'s steps, written out
    constexpr double kInf = std::numeric_limits<double>::infinity();
    const Line& line = atMark;  // its sign at uMark is `safe`, so neither piece jumps there
    Walk upWalk{std::nullopt, {line.c0, line.c1, uMark * 2 + 1}}, downWalk{std::nullopt, {line.c0, line.c1, uMark / 2}};
    const auto r = line.root();
    if (((line.c1 != 0 ? line.c1 : line.c0) > 0) != safe) upWalk.u = r ? std::clamp(*r, uMark, kInf) : kInf;
    if ((line.at(0.0) > 0) != safe) downWalk.u = r ? std::clamp(*r, 0.0, uMark) : 0.0;
    return {upWalk, downWalk};
  }
  if (breaks.size() == 0) {
    auto fixed = [&](double mid) { return Line{atMark.c0, atMark.c1, mid}; };
    return {walk(fixed, breaks, uMark, safe, true, up, {}), walk(fixed, breaks, uMark, safe, false, down, {})};
  }
  if (group.size() > 1) {
    auto general = [&](double mid) { return lineAt(m, group, e0, withMaintenance, mid); };
    return {walk(general, breaks, uMark, safe, true, up, {}), walk(general, breaks, uMark, safe, false, down, {})};
  }
  const Leg& leg = *group.front();
  const auto tiers = m.tiersOf(leg);
  const std::size_t markTier = rowAt(tiers, leg.k * uMark);
  auto one = [&](std::size_t& tier, bool upward) {
    return [&, upward](double mid) {
      const double notional = leg.k * mid;
      if (upward) {
        while (tier + 1 < tiers.size() && !(notional <= tiers[tier].cap)) ++tier;
      } else {
        while (tier > 0 && notional <= tiers[tier - 1].cap) --tier;
      }
      const Maintenance mm = maintenanceForTier(m, leg, tier);
      Line line;  // lineAt's operations, in its order
      line.c0 = e0;
      line.u = mid;
      line.c0 += leg.pnl0;
      line.c1 += leg.pnl1;
      line.c0 -= mm.c0;
      line.c1 -= mm.c1;
      return line;
    };
  };
  std::size_t upTier = markTier, downTier = markTier;
  return bothWays([&](const Bound& b) { return walk(one(upTier, true), breaks, uMark, safe, true, up, b); },
                  [&](const Bound& b) { return walk(one(downTier, false), breaks, uMark, safe, false, down, b); }, atMark,
                  safe, leg, trace == nullptr);
}

}  // namespace

Crossing solveCrossing(const Model& m, std::span<const Leg* const> group, double e0, bool withMaintenance,
                       CrossingTrace* trace) {
  Crossing result;
  const Leg& first = *group.front();
  const double uMark = first.u(first.mark);
  const Breaks breaks(m, group, withMaintenance);
  const Line atMark = lineAt(m, group, e0, withMaintenance, uMark);
  const bool safe = atMark.at(uMark) > 0;
  result.alreadyPast = !safe;
  const auto [up, down] = walks(m, group, e0, withMaintenance, breaks, atMark, safe, trace);

  // A crossing outside the prices the calculator accepts (validate.h) is no price: it only
  // arises when the margin covers the loss up to rounding (a 1x inverse short, a 1x long).
  auto priceOf = [&](const Walk& w) -> std::optional<double> {
    if (!w.u || !(*w.u > 0)) return std::nullopt;
    const double p = first.priceOf(*w.u);
    if (!isValidPositive(p)) return std::nullopt;
    return p;
  };
  const auto pUp = priceOf(up), pDown = priceOf(down);
  const Walk* chosen = nullptr;
  if (pUp && pDown) {
    chosen = std::abs(*pUp - first.mark) <= std::abs(*pDown - first.mark) ? &up : &down;
  } else if (pUp) {
    chosen = &up;
  } else if (pDown) {
    chosen = &down;
  }
  if (chosen) {
    result.price = first.priceOf(*chosen->u);
    result.tierU = chosen->last.u;
  } else if (result.alreadyPast) {
    // Below the requirement at every price: the rest of the account already fails it, so the
    // position is liquidated (or bankrupt) now, at the mark.
    result.price = first.mark;
    result.tierU = uMark;
  }
  if (trace) {
    using Way = CrossingTrace::Way;
    trace->chosen = chosen == &up ? Way::Up : chosen == &down ? Way::Down : Way::None;
    if (chosen) trace->crossingU = *chosen->u;
    trace->atMark = {uMark, uMark, atMark.c0, atMark.c1, atMark.u};
    trace->hasBreaks = breaks.size() > 0;
    trace->alreadyPast = result.alreadyPast;
  }
  return result;
}

std::optional<double> isolatedLiquidationPrice(const Model& m, const Leg& leg, double e0) noexcept {
  // The walk of solveCrossing for one leg, without allocation: the same pieces, the same lines
  // (same operations in the same order), the same choice. batch_test checks the two agree.
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const auto& tiers = m.tiersOf(leg);
  std::array<double, kMaxTierRows> breaks;  // only [0, nb) is read: no zero fill per call
  std::size_t nb = 0;
  if (m.profile->basis == MaintenanceBasis::AtPrice) {
    for (std::size_t j = 0; j + 1 < tiers.size(); ++j) {
      const double b = tiers[j].cap / leg.k;
      if (nb == 0 || b != breaks[nb - 1]) breaks[nb++] = b;
    }
  }
  auto at = [&](std::size_t tier, double x) {  // f(x) on the piece of this tier
    const Maintenance mm = maintenanceForTier(m, leg, tier);
    double c0 = e0, c1 = 0;
    c0 += leg.pnl0;
    c1 += leg.pnl1;
    c0 -= mm.c0;
    c1 -= mm.c1;
    return std::array<double, 3>{c0 + c1 * x, c0, c1};
  };
  // The tier at u, as maintenanceAt finds it; the walk's midpoints move one way, so the row is
  // followed from the mark's instead of searched for at every piece.
  const bool atEntry = m.profile->basis == MaintenanceBasis::AtEntry;
  const double uMark = leg.u(leg.mark);
  const std::size_t markTier = atEntry ? leg.entryTier : tierIndexAt(tiers, leg.k * uMark);
  auto follow = [&](std::size_t t, double u, bool upward) {
    if (atEntry) return t;
    const double notional = leg.k * u;
    if (upward) {
      while (t + 1 < tiers.size() && !(notional <= tiers[t].cap)) ++t;
    } else {
      while (t > 0 && notional <= tiers[t - 1].cap) --t;
    }
    return t;
  };
  const bool safe = at(markTier, uMark)[0] > 0;
  auto walkOne = [&](bool upward) -> std::optional<double> {
    double a = uMark;
    std::size_t j = 0;
    std::size_t tier = markTier;
    if (upward) {
      while (j < nb && !(breaks[j] > uMark)) ++j;
    } else {
      j = nb;
      while (j > 0 && !(breaks[j - 1] < uMark)) --j;
    }
    for (;;) {
      const bool last = upward ? j >= nb : j == 0;
      const double b = last ? (upward ? kInf : 0.0) : (upward ? breaks[j] : breaks[j - 1]);
      const double mid = std::isinf(b) ? a * 2 + 1 : (a + b) / 2;
      tier = follow(tier, mid, upward);
      const auto line = at(tier, a);
      const double c0 = line[1], c1 = line[2];
      if ((line[0] > 0) != safe) return a;
      const double endValue = std::isinf(b) ? (c1 != 0 ? c1 : c0) : c0 + c1 * b;
      if ((endValue > 0) != safe) {
        if (c1 == 0) return b;
        return std::clamp(-c0 / c1, std::min(a, b), std::max(a, b));
      }
      if (last) return std::nullopt;
      a = b;
      if (upward) ++j;
      else --j;
    }
  };
  auto priceOf = [&](std::optional<double> u) -> std::optional<double> {
    if (!u || !(*u > 0)) return std::nullopt;
    const double p = leg.priceOf(*u);
    if (!isValidPositive(p)) return std::nullopt;
    return p;
  };
  const auto pUp = priceOf(walkOne(true)), pDown = priceOf(walkOne(false));
  if (pUp && pDown) return std::abs(*pUp - leg.mark) <= std::abs(*pDown - leg.mark) ? pUp : pDown;
  if (pUp) return pUp;
  if (pDown) return pDown;
  if (!safe) return leg.mark;
  return std::nullopt;
}

}  // namespace marginlab::detail
