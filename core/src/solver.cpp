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
#include <limits>

#include "marginlab/format.h"
#include "marginlab/validate.h"
#include "explain.h"
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

/// The tier row of each leg on a line (maintenance lines only).
std::vector<std::size_t> tiersOf(const Model& m, std::span<const Leg* const> group, const Line& line) {
  std::vector<std::size_t> tiers;
  tiers.reserve(group.size());
  for (const Leg* leg : group) tiers.push_back(maintenanceAt(m, *leg, line.u).tier);
  return tiers;
}

struct Piece {
  double lo = 0, hi = 0;  ///< u interval; hi may be +infinity
  Line line;
};

struct Walk {
  std::vector<Piece> visited;
  std::optional<double> u;  ///< crossing
};

/// Walks from uMark in one direction until the sign of f differs from `safeAtMark`: the pieces
/// end at the breaks beyond uMark in walking order, then at +infinity (upward) or 0 (downward).
Walk walk(const Model& m, std::span<const Leg* const> group, double e0, bool withMaintenance,
          const std::vector<double>& breaks, double uMark, bool safeAtMark, bool upward) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  Walk w;
  w.visited.reserve(breaks.size() + 1);
  // breaks is sorted and unique: those above uMark follow upper_bound, those below precede
  // lower_bound.
  std::size_t j =
      static_cast<std::size_t>((upward ? std::upper_bound(breaks.begin(), breaks.end(), uMark)
                                       : std::lower_bound(breaks.begin(), breaks.end(), uMark)) -
                               breaks.begin());
  double a = uMark;
  for (;;) {
    const bool last = upward ? j >= breaks.size() : j == 0;
    const double b = last ? (upward ? kInf : 0.0) : (upward ? breaks[j] : breaks[j - 1]);
    const double mid = std::isinf(b) ? a * 2 + 1 : (a + b) / 2;
    const Piece& piece =
        w.visited.emplace_back(Piece{std::min(a, b), std::max(a, b), lineAt(m, group, e0, withMaintenance, mid)});
    const Line& line = piece.line;
    if ((line.at(a) > 0) != safeAtMark) {  // the sign jumps at a tier boundary
      w.u = a;
      return w;
    }
    double endValue;
    if (std::isinf(b)) {
      endValue = line.c1 != 0 ? line.c1 : line.c0;  // the sign of f as u grows without bound
    } else {
      endValue = line.at(b);
    }
    if ((endValue > 0) != safeAtMark) {
      if (auto r = line.root()) w.u = std::clamp(*r, piece.lo, piece.hi);
      else w.u = b;
      return w;
    }
    if (last) return w;
    a = b;
    if (upward) ++j;
    else --j;
  }
}

/// Appends "a×b + c×d" (in parentheses when more than one term) with term(out, i) writing term i.
template <class Term>
void appendSum(TextBuilder& out, std::size_t count, Term term) {
  if (count > 1) out.add('(');
  for (std::size_t i = 0; i < count; ++i) {
    if (i) out.add(" + ");
    term(out, i);
  }
  if (count > 1) out.add(')');
}

void appendTiers(TextBuilder& out, const Model& m, std::span<const Leg* const> group, const Line& line) {
  for (std::size_t i = 0; i < group.size(); ++i) {
    const std::size_t tier = maintenanceAt(m, *group[i], line.u).tier;
    const ResolvedTier& t = m.tiersOf(*group[i])[tier];
    out.add(i ? "; tier " : "tier ", num(static_cast<double>(tier + 1)), " (notional ", num(t.floor), " to ",
            num(t.cap), ")");
  }
}

/// Formula and substitution of the root of one piece.
void formulaOf(const Model& m, std::span<const Leg* const> group, double e0, std::string_view e0Symbol,
               bool withMaintenance, const Line& line, std::string& formula, std::string& substituted) {
  const bool linear = group.front()->contract == Contract::Linear;
  const bool atEntry = m.profile->basis == MaintenanceBasis::AtEntry;
  const std::size_t count = group.size();
  auto sq = [&](TextBuilder& out, std::size_t i) { out.add(snum(group[i]->s * group[i]->k)); };
  auto sqEp = [&](TextBuilder& out, std::size_t i) {
    out.add(snum(group[i]->s * group[i]->k), "×", num(group[i]->entry));
  };
  auto sVEp = [&](TextBuilder& out, std::size_t i) {
    out.add(snum(group[i]->s * group[i]->k), "/", num(group[i]->entry));
  };
  auto mmOf = [&](std::size_t i) {
    const Leg& leg = *group[i];
    return maintenanceForTier(m, leg, maintenanceAt(m, leg, line.u).tier);
  };
  auto qRate = [&](TextBuilder& out, std::size_t i) { out.add(num(group[i]->k), "×", num(mmOf(i).effectiveRate)); };
  auto amounts = [&](TextBuilder& out, std::size_t i) { out.add(num(mmOf(i).amount)); };
  auto mms = [&](TextBuilder& out, std::size_t i) { out.add(num(mmOf(i).c0)); };
  const Num e(e0);
  TextBuilder s;
  if (!withMaintenance) {
    if (linear) {
      formula = cat("BP = (Σ s·q·EP − ", e0Symbol, ") / Σ s·q");
      s.add('(');
      appendSum(s, count, sqEp);
      s.add(" − ", e, ") / ");
      appendSum(s, count, sq);
    } else {
      formula = cat("BP = Σ s·V / (", e0Symbol, " + Σ s·V/EP)");
      appendSum(s, count, sq);
      s.add(" / (", e, " + ");
      appendSum(s, count, sVEp);
      s.add(')');
    }
  } else if (linear && !atEntry) {
    formula = cat("LP = (", e0Symbol, " + Σ cum − Σ s·q·EP) / (Σ q·MMR − Σ s·q)");
    s.add("(", e, " + ");
    appendSum(s, count, amounts);
    s.add(" − ");
    appendSum(s, count, sqEp);
    s.add(") / (");
    appendSum(s, count, qRate);
    s.add(" − ");
    appendSum(s, count, sq);
    s.add(')');
  } else if (linear) {
    formula = cat("LP = (Σ s·q·EP − ", e0Symbol, " + Σ MM) / Σ s·q");
    s.add('(');
    appendSum(s, count, sqEp);
    s.add(" − ", e, " + ");
    appendSum(s, count, mms);
    s.add(") / ");
    appendSum(s, count, sq);
  } else if (!atEntry) {
    formula = cat("LP = (Σ V·MMR + Σ s·V) / (", e0Symbol, " + Σ cum + Σ s·V/EP)");
    s.add('(');
    appendSum(s, count, qRate);
    s.add(" + ");
    appendSum(s, count, sq);
    s.add(") / (", e, " + ");
    appendSum(s, count, amounts);
    s.add(" + ");
    appendSum(s, count, sVEp);
    s.add(')');
  } else {
    formula = cat("LP = Σ s·V / (", e0Symbol, " − Σ MM + Σ s·V/EP)");
    appendSum(s, count, sq);
    s.add(" / (", e, " − ");
    appendSum(s, count, mms);
    s.add(" + ");
    appendSum(s, count, sVEp);
    s.add(')');
  }
  s.copyTo(substituted);
}

}  // namespace

Crossing solveCrossing(const Model& m, std::span<const Leg* const> group, double e0, std::string_view e0Symbol,
                       bool withMaintenance, std::string_view field, bool explain) {
  Crossing result;
  const Leg& first = *group.front();
  const double uMark = first.u(first.mark);
  std::vector<double> breaks;
  if (withMaintenance && m.profile->basis == MaintenanceBasis::AtPrice) {
    for (const Leg* leg : group) {
      const auto& tiers = m.tiersOf(*leg);
      if (tiers.size() > 1) breaks.reserve(breaks.size() + tiers.size() - 1);
      for (std::size_t j = 0; j + 1 < tiers.size(); ++j) breaks.push_back(tiers[j].cap / leg->k);
    }
    std::sort(breaks.begin(), breaks.end());
    breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());
  }
  const Line atMark = lineAt(m, group, e0, withMaintenance, uMark);
  const bool safe = atMark.at(uMark) > 0;
  result.alreadyPast = !safe;
  const Walk up = walk(m, group, e0, withMaintenance, breaks, uMark, safe, true);
  const Walk down = walk(m, group, e0, withMaintenance, breaks, uMark, safe, false);

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
  auto tiersAt = [&](const Line& line) {
    return withMaintenance ? tiersOf(m, group, line) : std::vector<std::size_t>{};
  };
  if (!explain) {  // the batch kernels: the price and the tiers only
    if (chosen) {
      result.price = first.priceOf(*chosen->u);
      result.tiers = tiersAt(chosen->visited.back().line);
    } else if (result.alreadyPast) {
      result.price = first.mark;
      result.tiers = tiersAt(atMark);
    }
    return result;
  }
  const std::string_view what = withMaintenance ? "Liquidation price" : "Bankruptcy price";
  const std::string_view condition = withMaintenance ? "equity = maintenance margin" : "equity = 0";
  const Walk& shown = chosen ? *chosen : down;
  result.trace.reserve(shown.visited.size() + 1);
  for (std::size_t i = 0; i < shown.visited.size(); ++i) {
    const Piece& piece = shown.visited[i];
    const Line& line = piece.line;
    const auto r = line.root();
    Step& step = result.trace.emplace_back();
    step.field.assign(field.data(), field.size());
    formulaOf(m, group, e0, e0Symbol, withMaintenance, line, step.formula, step.substituted);
    std::optional<double> candidate;
    if (r && *r > 0 && isValidPositive(first.priceOf(*r))) candidate = first.priceOf(*r);
    const bool last = chosen && i + 1 == shown.visited.size();
    TextBuilder label;
    label.add(what, " where ", condition);
    if (withMaintenance && m.profile->basis == MaintenanceBasis::AtPrice) {
      label.add(", ");
      appendTiers(label, m, group, line);
    }
    if (withMaintenance && m.profile->basis == MaintenanceBasis::AtEntry) {
      label.add(", maintenance on the entry value (");
      appendTiers(label, m, group, line);
      label.add(')');
    }
    if (withMaintenance && !breaks.empty()) {
      if (last) label.add(": the price lies in this range, so this is the answer");
      else if (candidate) label.add(": the candidate lies outside this range, so the next tier applies");
      else label.add(": no positive price in this range, so the next tier applies");
    }
    label.copyTo(step.label);
    step.value = last ? std::optional<double>(first.priceOf(*shown.u)) : candidate;
  }
  if (!chosen && result.alreadyPast) {
    // Below the requirement at every price: the rest of the account already fails it, so the
    // position is liquidated (or bankrupt) now, at the mark.
    result.price = first.mark;
    result.tiers = tiersAt(atMark);
    append(addStep(result.trace, field, first.mark).label, what,
           withMaintenance ? ": equity is below the maintenance margin" : ": equity is below zero",
           " at every price of this symbol, so it is reached now, at the mark");
    return result;
  }
  if (!chosen) {
    std::string& reason = addStep(result.trace, field, std::nullopt).label;
    append(reason, "No price brings ", withMaintenance ? "equity down to the maintenance margin" : "the margin to zero",
           ": the margin covers the loss at every price");
    const auto r = atMark.root();
    if (first.contract == Contract::Linear && r && !(*r > 0)) {
      append(reason, " (the formula gives ", num(*r), ", not a positive price)");
    } else if (first.contract == Contract::Inverse && r && !(*r > 0)) {
      append(reason, " (the formula gives 1/P = ", num(*r), ", so no finite price)");
    }
    return result;
  }
  result.price = first.priceOf(*chosen->u);
  result.tiers = tiersAt(chosen->visited.back().line);
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
