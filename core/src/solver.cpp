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
#include "model.h"

namespace marginlab::detail {

namespace {

struct Line {
  double c0 = 0, c1 = 0;
  std::vector<std::size_t> tiers;
  [[nodiscard]] double at(double u) const noexcept { return c0 + c1 * u; }
  [[nodiscard]] std::optional<double> root() const noexcept {
    if (c1 == 0) return std::nullopt;
    return -c0 / c1;
  }
};

Line lineAt(const Model& m, std::span<const Leg* const> group, double e0, bool withMaintenance,
            double u) {
  Line line;
  line.c0 = e0;
  for (const Leg* leg : group) {
    line.c0 += leg->pnl0;
    line.c1 += leg->pnl1;
    if (withMaintenance) {
      const Maintenance mm = maintenanceAt(m, *leg, u);
      line.c0 -= mm.c0;
      line.c1 -= mm.c1;
      line.tiers.push_back(mm.tier);
    }
  }
  return line;
}

struct Piece {
  double lo = 0, hi = 0;  ///< u interval; hi may be +infinity
  Line line;
};

struct Walk {
  std::vector<Piece> visited;
  std::optional<double> u;  ///< crossing
};

/// Walks from uMark in one direction until the sign of f differs from `safeAtMark`.
Walk walk(const Model& m, std::span<const Leg* const> group, double e0, bool withMaintenance,
          const std::vector<double>& breaks, double uMark, bool safeAtMark, bool upward) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  Walk w;
  std::vector<double> points;  // interval ends in walking order, after uMark
  if (upward) {
    for (double b : breaks)
      if (b > uMark) points.push_back(b);
    points.push_back(kInf);
  } else {
    for (auto it = breaks.rbegin(); it != breaks.rend(); ++it)
      if (*it < uMark) points.push_back(*it);
    points.push_back(0);
  }
  double a = uMark;
  for (double b : points) {
    const double mid = std::isinf(b) ? a * 2 + 1 : (a + b) / 2;
    Piece piece{std::min(a, b), std::max(a, b), lineAt(m, group, e0, withMaintenance, mid)};
    const Line& line = piece.line;
    w.visited.push_back(piece);
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
    a = b;
  }
  return w;
}

std::string signedText(double x) { return x < 0 ? "(" + formatNumber(x) + ")" : formatNumber(x); }

/// "a×b + c×d", or one term.
std::string sumOf(const std::vector<std::string>& terms) {
  std::string out;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (i) out += " + ";
    out += terms[i];
  }
  return terms.size() > 1 ? "(" + out + ")" : out;
}

std::string tierText(const Model& m, std::span<const Leg* const> group, const Line& line) {
  std::string text;
  for (std::size_t i = 0; i < line.tiers.size(); ++i) {
    const ResolvedTier& t = m.tiersOf(*group[i])[line.tiers[i]];
    if (i) text += "; ";
    text += "tier " + std::to_string(line.tiers[i] + 1) + " (notional " + formatNumber(t.floor) + " to " +
            formatNumber(t.cap) + ")";
  }
  return text;
}

/// Formula and substitution of the root of one piece.
std::pair<std::string, std::string> formulaOf(const Model& m, std::span<const Leg* const> group,
                                              double e0, const std::string& e0Symbol,
                                              bool withMaintenance, const Line& line) {
  const bool linear = group.front()->contract == Contract::Linear;
  const bool atEntry = m.profile->basis == MaintenanceBasis::AtEntry;
  const std::string name = withMaintenance ? "LP" : "BP";
  std::vector<std::string> sqEp, sq, qRate, amounts, mms, sVEp;
  for (std::size_t i = 0; i < group.size(); ++i) {
    const Leg& leg = *group[i];
    sqEp.push_back(signedText(leg.s * leg.k) + "×" + formatNumber(leg.entry));
    sq.push_back(signedText(leg.s * leg.k));
    sVEp.push_back(signedText(leg.s * leg.k) + "/" + formatNumber(leg.entry));
    if (withMaintenance) {
      const Maintenance mm = maintenanceForTier(m, leg, line.tiers[i]);
      qRate.push_back(formatNumber(leg.k) + "×" + formatNumber(mm.effectiveRate));
      amounts.push_back(formatNumber(mm.amount));
      mms.push_back(formatNumber(mm.c0));
    }
  }
  const std::string q = linear ? "q" : "V";
  const std::string e = formatNumber(e0);
  if (!withMaintenance) {
    if (linear)
      return {"BP = (Σ s·q·EP − " + e0Symbol + ") / Σ s·q",
              "(" + sumOf(sqEp) + " − " + e + ") / " + sumOf(sq)};
    return {"BP = Σ s·V / (" + e0Symbol + " + Σ s·V/EP)", sumOf(sq) + " / (" + e + " + " + sumOf(sVEp) + ")"};
  }
  if (linear && !atEntry)
    return {"LP = (" + e0Symbol + " + Σ cum − Σ s·q·EP) / (Σ q·MMR − Σ s·q)",
            "(" + e + " + " + sumOf(amounts) + " − " + sumOf(sqEp) + ") / (" + sumOf(qRate) + " − " + sumOf(sq) + ")"};
  if (linear)
    return {"LP = (Σ s·q·EP − " + e0Symbol + " + Σ MM) / Σ s·q",
            "(" + sumOf(sqEp) + " − " + e + " + " + sumOf(mms) + ") / " + sumOf(sq)};
  std::vector<std::string> vRate;
  for (std::size_t i = 0; i < group.size(); ++i) vRate.push_back(qRate[i]);
  if (!atEntry)
    return {"LP = (Σ V·MMR + Σ s·V) / (" + e0Symbol + " + Σ cum + Σ s·V/EP)",
            "(" + sumOf(vRate) + " + " + sumOf(sq) + ") / (" + e + " + " + sumOf(amounts) + " + " + sumOf(sVEp) + ")"};
  return {"LP = Σ s·V / (" + e0Symbol + " − Σ MM + Σ s·V/EP)",
          sumOf(sq) + " / (" + e + " − " + sumOf(mms) + " + " + sumOf(sVEp) + ")"};
}

}  // namespace

Crossing solveCrossing(const Model& m, std::span<const Leg* const> group, double e0,
                       const std::string& e0Symbol, bool withMaintenance, const std::string& field, bool explain) {
  Crossing result;
  const Leg& first = *group.front();
  const double uMark = first.u(first.mark);
  std::vector<double> breaks;
  if (withMaintenance && m.profile->basis == MaintenanceBasis::AtPrice) {
    for (const Leg* leg : group) {
      const auto& tiers = m.tiersOf(*leg);
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
  if (!explain) {  // the batch kernels: the price and the tiers only
    if (chosen) {
      result.price = first.priceOf(*chosen->u);
      result.tiers = chosen->visited.back().line.tiers;
    } else if (result.alreadyPast) {
      result.price = first.mark;
      result.tiers = atMark.tiers;
    }
    return result;
  }
  const std::string what = withMaintenance ? "Liquidation price" : "Bankruptcy price";
  const std::string condition = withMaintenance ? "equity = maintenance margin" : "equity = 0";
  const Walk& shown = chosen ? *chosen : down;
  for (std::size_t i = 0; i < shown.visited.size(); ++i) {
    const Piece& piece = shown.visited[i];
    const Line& line = piece.line;
    const auto r = line.root();
    auto [formula, substituted] = formulaOf(m, group, e0, e0Symbol, withMaintenance, line);
    std::optional<double> candidate;
    if (r && *r > 0 && isValidPositive(first.priceOf(*r))) candidate = first.priceOf(*r);
    const bool last = chosen && i + 1 == shown.visited.size();
    std::string label = what + " where " + condition;
    if (withMaintenance && m.profile->basis == MaintenanceBasis::AtPrice) label += ", " + tierText(m, group, line);
    if (withMaintenance && m.profile->basis == MaintenanceBasis::AtEntry)
      label += ", maintenance on the entry value (" + tierText(m, group, line) + ")";
    if (withMaintenance && !breaks.empty()) {
      if (last) label += ": the price lies in this range, so this is the answer";
      else if (candidate) label += ": the candidate lies outside this range, so the next tier applies";
      else label += ": no positive price in this range, so the next tier applies";
    }
    result.trace.push_back({field, label, formula, substituted, last ? first.priceOf(*shown.u) : candidate});
  }
  if (!chosen && result.alreadyPast) {
    // Below the requirement at every price: the rest of the account already fails it, so the
    // position is liquidated (or bankrupt) now, at the mark.
    result.price = first.mark;
    result.tiers = atMark.tiers;
    result.trace.push_back(
        {field,
         what + ": " + (withMaintenance ? "equity is below the maintenance margin" : "equity is below zero") +
             " at every price of this symbol, so it is reached now, at the mark",
         "", "", first.mark});
    return result;
  }
  if (!chosen) {
    std::string reason = "No price brings " +
                         std::string(withMaintenance ? "equity down to the maintenance margin" : "the margin to zero") +
                         ": the margin covers the loss at every price";
    const auto r = atMark.root();
    if (first.contract == Contract::Linear && r && !(*r > 0)) {
      reason += " (the formula gives " + formatNumber(*r) + ", not a positive price)";
    } else if (first.contract == Contract::Inverse && r && !(*r > 0)) {
      reason += " (the formula gives 1/P = " + formatNumber(*r) + ", so no finite price)";
    }
    result.trace.push_back({field, reason, "", "", std::nullopt});
    return result;
  }
  result.price = first.priceOf(*chosen->u);
  result.tiers = chosen->visited.back().line.tiers;
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
